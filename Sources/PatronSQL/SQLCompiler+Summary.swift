import PatronAnalysis
import PatronPlan
import PatronStore

extension SQLCompiler {
    /// `summarize AGGREGATES [by …] [where …] [sort by …] [top N]` and `count … by …`: a row per
    /// group, groups in key order (nulls last, text by code point) unless sorted, exact sums.
    public func summary(_ query: BoundAggregateQuery, text: String) throws(SQLError) -> String {
        try compile(query, text: text).sql
    }

    /// A summary's SQL; `counting` adds the columns that read its answer back in full (how many
    /// groups before `top`, the rows in scope, the cut points), for a summary run on a server.
    public func compile(_ query: BoundAggregateQuery, text: String, from source: String? = nil, counting: Bool = false) throws(SQLError) -> CompiledSummary {
        let (plan, statistics) = try lowered { () throws(PlanError) in try Lowered.summary(query, counting: counting) }
        let sql = try write(plan, comment: "patron: \(text)", from: source)
        let names = plan.schema.fields.map(\.name)
        let extra = Array(names.dropFirst(query.groups.count + query.aggregates.count))
        return CompiledSummary(sql: sql, groups: query.groups.count, values: query.aggregates.count, extra: extra, statistics: statistics, query: query)
    }
}

/// A compiled summary: its SQL and how to read its rows back.
public struct CompiledSummary: Sendable {
    public let sql: String
    let groups: Int
    let values: Int
    let extra: [String]
    let statistics: [OrderStatistics]
    let query: BoundAggregateQuery

    /// The answer read back, loaded as a table whose first columns are the group keys (typed as
    /// the server's columns load) and the rest text: each group's aggregate texts, how many groups
    /// there were before `top`, the rows in scope, and the cut points of the condition's levels.
    public func read(_ answer: Table) -> (values: [[AggregateText]], groupCount: Int, scope: Int, levels: [LevelCuts]) {
        func text(_ column: Int, _ row: Int) -> String? {
            guard column < answer.columns.count, row < answer.rowCount, !answer.columns[column].isNull(row),
                  case .text(let codes, let dictionary) = answer.columns[column].storage else { return nil }
            let code = Int(codes[row])
            return code < dictionary.count ? dictionary[code] : nil
        }
        var extras: [String: String] = [:]
        if answer.rowCount > 0 {
            for (offset, name) in extra.enumerated() { if let value = text(groups + values + offset, 0) { extras[name] = value } }
        }
        let rows = (0..<answer.rowCount).map { row in
            query.aggregates.enumerated().map { AggregateText(kind: $1.kind, argument: $1.argument?.type, text: text(groups + $0, row)) }
        }
        let groupCount = answer.rowCount == 0 ? (groups == 0 ? 1 : 0) : Int(extras["patron_groups"] ?? "") ?? answer.rowCount
        let scope = Int(extras["patron_scope"] ?? "") ?? 0
        return (rows, groupCount, scope, Lowered.levels(query.levels, of: .table(query.table), statistics: statistics, from: Answer(texts: extras)))
    }
}

/// One aggregate's answer as the server wrote it, with what it needs to become a value.
public struct AggregateText: Sendable {
    public let kind: BoundAggregate.Kind
    public let argument: ValueType?
    public let text: String?
}

extension ValueType {
    /// A date or a timestamp: what year, month and day read.
    var isDated: Bool { self == .date || self == .timestamp }
}
