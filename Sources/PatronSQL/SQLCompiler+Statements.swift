import PatronAnalysis
import PatronPlan
import PatronStore

extension SQLCompiler {
    /// The SQL of one statement, its first line a comment with the patron line; `creating`
    /// (`patron compile`) makes the tables a derivation or scoring produces, so later statements read them.
    public func statement(_ bound: BoundStatement, text: String, creating: Bool) throws(SQLError) -> String {
        let comment = SQLDialect.comment("patron: \(text)") + "\n"
        switch bound {
        case .segment(let bound): return try segment(bound)
        case .customers(let spec): return try customers(spec, creating: creating)
        case .aggregate(let query): return try summary(query, text: text)
        case .count(let table, let segment, _, let groups):
            return try summary(.counting(table, by: groups, within: segment), text: text)
        case .crosstab(let table, let rows, let columns, let condition):
            return try summary(.counting(table, by: [rows, columns], within: condition), text: text)
        case let statement where statement.isFramework: return try framework(statement, text: text)
        case .rfm(let table, let recency, let frequency, let monetary, let bins):
            let scored = try rfm(table, recency: recency, frequency: frequency, monetary: monetary, bins: bins)
            return comment + (creating ? try scored.replacing(table.name, dialect: dialect, text: text) : scored.select + ";")
        case .addColumn(let table, let name, let expression, _):
            let added = try addColumn(table, name: name, expression)
            return comment + (creating ? try added.replacing(table.name, dialect: dialect, text: text) : added.select + ";")
        case .attach(let spec):
            let attached = try attach(spec)
            return comment + (creating ? try attached.replacing(spec.table.name, dialect: dialect, text: text) : attached.select + ";")
        case .rfmSegments(let table, _, let rules, _):
            let named = try ruleSegments(table, rules: rules)
            return comment + (creating ? try named.replacing(table.name, dialect: dialect, text: text) : named.select + ";")
        case .transitions(let spec, let from, let to, let by):
            return try transitions(spec, from: from, to: to, by: by, text: text)
        case .showSegments(let table, let segments):
            return try write(try lowered { () throws(PlanError) in try Lowered.sizes(table, segments.compactMap(\.1)).plan }, comment: "patron: \(text)", from: nil)
        case .showLevels(let table, let all):
            return try write(try lowered { () throws(PlanError) in try Lowered.levelTable(table, all).plan }, comment: "patron: \(text)", from: nil)
        case .levels(let table, let column, _, let cuts):
            return try write(try lowered { () throws(PlanError) in try Lowered.levelCounts(table, column: column, cuts).plan }, comment: "patron: \(text)", from: nil)
        case .cohorts(let spec, let period, let measure):
            return try write(try lowered { () throws(PlanError) in try Lowered.cohorts(spec, period: period, measure: measure) }, comment: "patron: \(text)", from: nil)
        case .show(let table, let top?, let segment, let columns):
            return comment + (try rows(table, where: segment ?? .constant(true), descending: top.column, limit: top.count, columns: columns)) + ";"
        default:
            let verb = text.split(separator: " ").first.map(String.init) ?? text
            throw SQLError(message: "'\(verb)' does not compile to \(dialect.rawValue) SQL yet", hints: ["docs/sql.md lists what compiles"])
        }
    }
}
