import PatronAnalysis
import PatronPlan
import PatronStore

/// `rfm bins N` and `rfm segments`: the customer table again, with the scores or the rule names
/// added, as one SELECT (docs/sql.md).
public struct CompiledTable: Sendable {
    /// The SELECT of the new table.
    public let select: String
    /// For scores: a one-row query of the order statistics each metric's cut points come from
    /// (every value as text), and the cut points as bound, to be read back with them.
    public let statistics: String?
    let plan: Plan
    let sets: [OrderStatistics]
    let dialect: SQLDialect
    let source: String?
    public let levels: [LevelCuts]

    /// The cut points of each metric, interpolated from the order statistics as memory does.
    public func cuts(from row: [String?], names: [String]) -> [LevelCuts] {
        var value: [String: String] = [:]
        for (name, text) in zip(names, row) { if let text { value[name] = text } }
        return Lowered.levels(levels, of: .scan(name: plan.base.name, schema: plan.base.schema), statistics: sets, from: Answer(texts: value))
    }

    /// The SELECT with the order statistics already read (`statistics`' answer row) written in as
    /// constants, so the server scores the rows without working them out a second time. Nil when
    /// the row does not hold every statistic as a plain number (then the SELECT works them out).
    public func select(withStatistics row: [String?]) -> String? {
        var values = row.makeIterator()
        var known: [(set: OrderStatistics, values: [String])] = []
        for set in sets {
            var constants: [String] = []
            for _ in set.statistics {
                // A null has no type a constant could carry (a column with no values): worked out again.
                guard let cell = values.next(), let text = cell, let exact = ExactDecimal(text) else { return nil }
                constants.append(exact.text)
            }
            known.append((set, constants))
        }
        var writer = PlanSQL(plan, dialect: dialect, from: source)
        writer.known = known
        return (try? writer.text(plan, comment: nil)).map { String($0.dropLast()) }
    }

    /// The names of the statistics query's columns, in order.
    public var statisticNames: [String] { sets.enumerated().flatMap { i, set in set.statistics.map { Lowered.statisticName(i + 1, $0) } } }

    /// The statements that replace table `name` by this one: a new table made, the old dropped,
    /// the new renamed. Spark's temporary views cannot replace themselves, so it is refused.
    public func replacing(_ name: String, dialect: SQLDialect, text: String) throws(SQLError) -> String {
        guard dialect != .spark else {
            throw SQLError(message: "'\(text)' replaces the table it reads, which a Spark temporary view cannot do",
                           hints: ["compile it for duckdb or postgres, or score the customers in memory"])
        }
        let next = dialect.quote("patron_next"), table = dialect.quote(name)
        let create = dialect == .duckdb ? "CREATE OR REPLACE TABLE" : "CREATE TABLE"
        return "\(create) \(next) AS\n\(select);\nDROP TABLE \(table);\nALTER TABLE \(next) RENAME TO \(table);"
    }
}

extension SQLCompiler {
    /// `add NAME = EXPRESSION`: the table again with the computed column last.
    public func addColumn(_ table: Table, name: String, _ expression: BoundExpression, from source: String? = nil) throws(SQLError) -> CompiledTable {
        let plan = try lowered { () throws(PlanError) in try Lowered.addColumn(table, name: name, expression) }
        let select = String(try write(plan, comment: nil, from: source).dropLast())
        return CompiledTable(select: select, statistics: nil, plan: plan, sets: [], dialect: dialect, source: source, levels: [])
    }

    /// `attach …`: the table again with the lookup table's columns, joined by key (the keys'
    /// checks are made where the statement runs, before this).
    public func attach(_ spec: BoundAttach, from source: String? = nil) throws(SQLError) -> CompiledTable {
        let plan = Lowered.attach(spec)
        let select = String(try write(plan, comment: nil, from: source).dropLast())
        return CompiledTable(select: select, statistics: nil, plan: plan, sets: [], dialect: dialect, source: source, levels: [])
    }

    /// `rfm bins N`: scores 1…N at the quantiles of recency (reversed: the most recent score
    /// highest), frequency and monetary, compared as levels are (equal values share a score); a
    /// null value has no score; `rfm` joins the three scores (0 for none), as in memory.
    public func rfm(_ table: Table, recency: Int, frequency: Int, monetary: Int, bins: Int, from source: String? = nil) throws(SQLError) -> CompiledTable {
        let (plan, sets) = Lowered.rfm(.table(table), recency: recency, frequency: frequency, monetary: monetary, bins: bins)
        let select = String(try write(plan, comment: nil, from: source).dropLast())
        let base = plan.base.schema
        let statistics = Plan.orderStatistics(.scan(name: table.name, schema: base), sets)
        let asText = Plan.project(statistics, statistics.schema.fields.indices.map { Output(statistics.schema.fields[$0].name, .asText(.column($0))) })
        let levels = [recency, frequency, monetary].map { index in
            LevelCuts(column: table.columns[index].name, words: (1...bins).map(String.init), cuts: Array(repeating: 0, count: bins - 1),
                      method: .quantiles(bins), basis: 0, nulls: 0, scale: base.scale(index))
        }
        return CompiledTable(select: select, statistics: String(try write(asText, comment: nil, from: source).dropLast()), plan: plan, sets: sets,
                             dialect: dialect, source: source, levels: levels)
    }

    /// `rfm segments`: each row named by the first rule that holds, "Others" when none does.
    public func ruleSegments(_ table: Table, rules: [(name: String, condition: BoundCondition)], from source: String? = nil) throws(SQLError) -> CompiledTable {
        let plan = try lowered { () throws(PlanError) in try Lowered.ruleSegments(.table(table), rules: rules) }
        return CompiledTable(select: String(try write(plan, comment: nil, from: source).dropLast()), statistics: nil, plan: plan, sets: [],
                             dialect: dialect, source: source, levels: [])
    }
}
