import PatronAnalysis
import PatronPlan
import PatronStore

extension SQLCompiler {
    /// The frameworks: a row per quadrant, tier or stage with its rows and its value summed,
    /// in the order patron lists them.
    public func framework(_ statement: BoundStatement, text: String) throws(SQLError) -> String {
        try framework(statement, text: text, from: nil, counting: false)
    }

    /// A framework's SQL; `counting` casts every column to text and adds, on each row, the rows of
    /// the whole table (`patron_total`) and each cut table's order statistics (`patron_cut1_lo1`,
    /// …), named so that `FrameworkAnswer` reads back the result memory computes (a framework run
    /// on a server).
    /// `within` (a segment's condition and its levels) keeps only the segment's rows in the
    /// segments counted; cut points stay those of the whole table.
    public func framework(_ statement: BoundStatement, text: String, from source: String?, counting: Bool,
                          within: (BoundCondition, [LevelCuts])? = nil) throws(SQLError) -> String {
        if case .pareto(let table, let column, let a, let b) = statement {
            guard within == nil else { throw SQLError(message: "a Pareto split within a segment does not compile yet", hints: []) }
            return try write(Lowered.pareto(table, column, a, b, counting: counting), comment: "patron: \(text)", from: source)
        }
        guard statement.isFramework else {
            throw SQLError(message: "this statement does not compile to \(dialect.rawValue) SQL yet", hints: ["docs/sql.md lists what compiles"])
        }
        let plan = try lowered { () throws(PlanError) -> Plan in
            let (scan, segmenting) = try Lowered.segmenting(statement)
            let scope = try within.map { c, levels throws(PlanError) in try Lowering(scan, levels: levels).condition(c) }
            return Lowered.framework(scan, segmenting, within: scope, counting: counting)
        }
        return try write(plan, comment: "patron: \(text)", from: source)
    }
}

extension SQLCompiler {
    /// `transitions`: customers counted by their segment at the first date (null: not yet a
    /// customer) and at the second, all in one statement: derived, labelled and paired.
    public func transitions(_ spec: BoundCustomers, from: Int32, to: Int32, by: Segmentation, text: String, source: String? = nil) throws(SQLError) -> String {
        try write(try lowered { () throws(PlanError) in try Lowered.transitions(spec, from: from, to: to, by: by) }, comment: "patron: \(text)", from: source)
    }
}
