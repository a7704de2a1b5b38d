import PatronAnalysis
import PatronStore

/// `rfm bins N` and `rfm segments`: the customer table again, with the scores or the rule names
/// added, as one SELECT (docs/sql.md).
public struct CompiledTable: Sendable {
    /// The SELECT of the new table.
    public let select: String
    /// For scores: a one-row query of the order statistics each metric's cut points come from
    /// (every value as text), and the cut points as bound, to be read back with them.
    public let statistics: String?
    let cutTables: [CutTable]
    public let levels: [LevelCuts]

    /// The cut points of each metric, interpolated from the order statistics as memory does.
    public func cuts(from row: [String?], names: [String]) -> [LevelCuts] {
        var value: [String: String] = [:]
        for (name, text) in zip(names, row) { if let text { value[name] = text } }
        return CompiledSegment.levels(levels, from: value, cutTables: cutTables)
    }

    /// The SELECT with the order statistics already read (`statistics`' answer row) written in as
    /// constants, so the server scores the rows without working them out a second time. Nil when
    /// the row does not hold every statistic as a plain number (then the SELECT works them out).
    public func select(withStatistics row: [String?]) -> String? {
        var values = row.makeIterator()
        var select = self.select
        for cut in cutTables {
            var constants: [String] = []
            for output in cut.outputs {
                guard let cell = values.next() else { return nil }
                // A null has no type a constant could carry (a column with no values): worked out again.
                guard let text = cell, let exact = ExactDecimal(text) else { return nil }
                constants.append("\(exact.text) AS \(output)")
            }
            guard let range = select.range(of: cut.sql) else { return nil }
            select.replaceSubrange(range, with: "\(cut.alias) AS (SELECT \(constants.joined(separator: ", ")))")
        }
        return select
    }

    /// The names of the statistics query's columns, in order.
    public var statisticNames: [String] { cutTables.flatMap { cut in cut.outputs.map { "\(cut.alias)_\($0)" } } }

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
    /// `rfm bins N`: scores 1…N at the quantiles of recency (reversed: the most recent score
    /// highest), frequency and monetary, compared as levels are (equal values share a score); a
    /// null value has no score; `rfm` joins the three scores (0 for none), as in memory.
    public func rfm(_ table: Table, recency: Int, frequency: Int, monetary: Int, bins: Int, from source: String? = nil) throws(SQLError) -> CompiledTable {
        var context = Context(table: table, levels: [], dialect: dialect)
        var scores: [String] = []
        for (position, index) in [recency, frequency, monetary].enumerated() {
            let cuts = LevelCuts(column: table.columns[index].name, words: (1...bins).map(String.init), cuts: Array(repeating: 0, count: bins - 1),
                                 method: .quantiles(bins), basis: 0, nulls: 0, scale: context.scale(index))
            let level = try context.levelOf(index, cuts)
            context.levels.append(cuts)
            scores.append(position == 0 ? "\(bins) - (\(level))" : "(\(level)) + 1")
        }
        let names = ["r_score", "f_score", "m_score"]
        let kept = keptColumns(table, dropping: names + ["rfm"])
        let text = { (s: String) in "CAST(coalesce(\(s), 0) AS \(dialect == .bigquery ? "STRING" : "VARCHAR"))" }
        let code = dialect == .postgres || dialect == .duckdb
            ? (0..<3).map { text("s.\(dialect.quote(names[$0]))") }.joined(separator: " || ")
            : "concat(" + (0..<3).map { text("s.\(dialect.quote(names[$0]))") }.joined(separator: ", ") + ")"
        var sql = "WITH t AS (SELECT * FROM \(source ?? dialect.quote(table.name)))"
        for cut in context.cutTables { sql += ",\n" + cut.sql }
        sql += ",\ns AS (SELECT " + (kept + zip(scores, names).map { "\($0) AS \(dialect.quote($1))" }).joined(separator: ", ")
        sql += "\n      FROM t" + context.cutTables.map { " CROSS JOIN \($0.alias)" }.joined() + ")"
        sql += "\nSELECT s.*, \(code) AS \(dialect.quote("rfm")) FROM s"
        let outputs: [String] = context.cutTables.flatMap { cut in cut.outputs.map { "CAST(\(cut.alias).\($0) AS TEXT)" } }
        var statistics = "WITH t AS (SELECT * FROM \(source ?? dialect.quote(table.name)))"
        for cut in context.cutTables { statistics += ",\n" + cut.sql }
        statistics += "\nSELECT " + outputs.joined(separator: ", ") + "\nFROM " + context.cutTables.map(\.alias).joined(separator: " CROSS JOIN ")
        return CompiledTable(select: sql, statistics: statistics, cutTables: context.cutTables, levels: context.levels)
    }

    /// `rfm segments`: each row named by the first rule that holds, "Others" when none does.
    public func ruleSegments(_ table: Table, rules: [(name: String, condition: BoundCondition)], from source: String? = nil) throws(SQLError) -> CompiledTable {
        var context = Context(table: table, levels: [], dialect: dialect)
        var cases: [String] = []
        for rule in rules { cases.append("WHEN \(try context.condition(rule.condition)) THEN \(dialect.literal(rule.name))") }
        let label = "CASE " + cases.joined(separator: " ") + " ELSE 'Others' END"
        var sql = "WITH t AS (SELECT * FROM \(source ?? dialect.quote(table.name)))"
        for cut in context.cutTables { sql += ",\n" + cut.sql }
        sql += "\nSELECT " + (keptColumns(table, dropping: ["rfm_segment"]) + ["\(label) AS \(dialect.quote("rfm_segment"))"]).joined(separator: ", ")
        sql += "\nFROM t" + context.cutTables.map { " CROSS JOIN \($0.alias)" }.joined()
        return CompiledTable(select: sql, statistics: nil, cutTables: context.cutTables, levels: [])
    }

    /// The table's columns but `dropping`, as `t."name"`.
    private func keptColumns(_ table: Table, dropping: [String]) -> [String] {
        table.columns.filter { !dropping.contains($0.name) }.map { "t.\(dialect.quote($0.name))" }
    }
}
