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
        return (rows, groupCount, scope, CompiledSegment.levels(query.levels, of: Schema(query.table), statistics: statistics, from: extras))
    }
}

/// One aggregate's answer as the server wrote it, with what it needs to become a value.
public struct AggregateText: Sendable {
    public let kind: BoundAggregate.Kind
    public let argument: ValueType?
    public let text: String?
}

extension Context {
    /// One aggregate: exact sums, minimums and maximums; averages, medians and shares as reals.
    mutating func aggregate(_ aggregate: BoundAggregate) throws(SQLError) -> String {
        guard let argument = aggregate.argument else { return "count(*)" }
        let x = try expression(argument)
        switch aggregate.kind {
        case .count: return "count(\(x))"
        case .sum: return "sum(\(x))"
        // The exact sum over the count, divided once in floating point, as in memory (an engine's own
        // avg of a decimal may round to a fixed scale, as Spark's does).
        case .avg: return "CAST(sum(\(x)) AS \(dialect.double)) / NULLIF(count(\(x)), 0)"
        case .min: return "min(\(x))"
        case .max: return "max(\(x))"
        // A median is a real, interpolated in floating point as patron does in memory.
        case .median:
            guard dialect.hasExactMedian else {
                throw SQLError(message: "median cannot be computed exactly in \(dialect.rawValue) SQL (its percentiles are approximate or window-only)",
                               hints: ["leave the median out, or compile for duckdb, postgres, spark or snowflake"])
            }
            return "percentile_cont(0.5) WITHIN GROUP (ORDER BY CAST(\(x) AS \(dialect.double)))"
        case .share: return "CAST(sum(\(x)) AS \(dialect.double)) / NULLIF(CAST(sum(sum(\(x))) OVER () AS \(dialect.double)), 0)"
        }
    }

    /// A value expression: columns, exact literals, and exact arithmetic (+, −, ×).
    mutating func expression(_ e: BoundExpression) throws(SQLError) -> String {
        switch e {
        case .column(let index, _): return column(index)
        case .constant(.number(let m, let s)): return Self.decimal(Int128(m), scale: s)
        case .constant(.text(let t)): return dialect.literal(t)
        case .constant(.date(let d)): return "DATE '\(CalendarDate.isoString(d))'"
        case .constant(.boolean(let b)): return b ? "TRUE" : "FALSE"
        case .arithmetic(let op, let a, let b, .number) where op == .add || op == .subtract || op == .multiply:
            return "(\(try expression(a)) \(op.rawValue) \(try expression(b)))"
        case .arithmetic(let op, let a, let b, .real) where op != .remainder:
            // Reals, as in memory: floating point, and null for a division by zero.
            let x = "CAST(\(try expression(a)) AS \(dialect.double))", y = "CAST(\(try expression(b)) AS \(dialect.double))"
            return op == .divide ? "(\(x) / NULLIF(\(y), 0))" : "(\(x) \(op.rawValue) \(y))"
        case .negate(let inner) where inner.type.isNumeric: return "(-\(try expression(inner)))"
        case .condition(let c): return try condition(c)
        case .compare(let a, let op, let b): return "(\(try expression(a)) \(Self.op(op)) \(try expression(b)))"
        case .and(let terms): return "(" + (try terms.map { t throws(SQLError) in try expression(t) }).joined(separator: " AND ") + ")"
        case .or(let terms): return "(" + (try terms.map { t throws(SQLError) in try expression(t) }).joined(separator: " OR ") + ")"
        case .not(let inner): return "(NOT \(try expression(inner)))"
        case .isNull(let inner, let negated): return "(\(try expression(inner)) IS \(negated ? "NOT " : "")NULL)"
        case .inList(let value, let items, let negated):
            // SQL's IN has patron's three-valued logic: no match and a null among the items is unknown.
            let list = try items.map { i throws(SQLError) in try expression(i) }.joined(separator: ", ")
            return "(\(try expression(value)) \(negated ? "NOT " : "")IN (\(list)))"
        case .textMatch(let value, let kind, let pattern):
            // By code points; an empty pattern is in every text and starts every text.
            let position = dialect.position(of: try expression(pattern), in: try expression(value))
            return kind == .contains ? "(\(position) > 0)" : "(\(position) = 1)"
        case .call(let function, let arguments, let type):
            return try call(function, arguments, type)
        default: throw unsupported("this expression")
        }
    }

    /// A function as patron computes it; the ones whose rules are Unicode's in patron and the
    /// database's collation in SQL (case, character counts) are refused.
    mutating func call(_ function: BuiltinFunction, _ arguments: [BoundExpression], _ type: ValueType) throws(SQLError) -> String {
        let args = try arguments.map { a throws(SQLError) in try expression(a) }
        switch function {
        case .abs where arguments[0].type.isNumeric: return "abs(\(args[0]))"
        case .round, .floor, .ceil:
            // Exact decimals to the result's places: half away from zero, down, up.
            guard case .number(let target) = type, case .number(let scale) = arguments[0].type else { throw unsupported("\(function.rawValue) of a real") }
            if scale <= target { return args[0] }
            // DECIMAL(19, target) holds every patron decimal; a DECIMAL(38, …) made Spark rescale a
            // comparison with the column itself (round(amount, 0) > amount: 0 rows against 28).
            if function == .round { return "CAST(round(\(args[0]), \(target)) AS DECIMAL(19, \(target)))" }
            let power = "1" + String(repeating: "0", count: target)
            return "CAST(\(function.rawValue)(\(args[0]) * \(power)) / \(power) AS DECIMAL(19, \(target)))"
        case .year where arguments[0].type.isDated && dialect == .postgres:
            // PostgreSQL has no year 0 (44 BC is -44); patron's years are ISO 8601's astronomical ones (-43).
            let year = "CAST(EXTRACT(YEAR FROM \(args[0])) AS BIGINT)"
            return "(CASE WHEN \(year) < 0 THEN \(year) + 1 ELSE \(year) END)"
        case .year where arguments[0].type.isDated, .month where arguments[0].type.isDated, .day where arguments[0].type.isDated:
            return "CAST(EXTRACT(\(function.rawValue.uppercased()) FROM \(args[0])) AS BIGINT)"
        case .daysBetween: return dialect.days(from: args[0], to: args[1])
        case .coalesce: return "coalesce(\(args.joined(separator: ", ")))"
        default:
            throw SQLError(message: "\(function.rawValue)() cannot be compiled to \(dialect.rawValue) SQL: its rules are Unicode's in patron and a collation's in a database",
                           hints: ["run it in memory: load the table into patron"])
        }
    }
}

extension ValueType {
    /// A date or a timestamp: what year, month and day read.
    var isDated: Bool { self == .date || self == .timestamp }
}
