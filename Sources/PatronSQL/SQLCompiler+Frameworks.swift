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
    /// The segments of a segmentation in the order `transitions` lists them.
    public static func segmentOrder(_ by: Segmentation) -> [String] {
        switch by {
        case .matrix: return Quadrant.allCases.map(\.key)
        case .lifecycle: return LifecycleStage.allCases.map(\.key)
        case .tiers: return ValueTier.allCases.reversed().map(\.key)
        case .rules(let table): return table.rules.map(\.name) + ["Others"]
        }
    }

    /// `transitions`: customers counted by their segment at the first date (null: not yet a
    /// customer) and at the second, all in one statement: derived, labelled and paired.
    public func transitions(_ spec: BoundCustomers, from: Int32, to: Int32, by: Segmentation, text: String, source: String? = nil) throws(SQLError) -> String {
        try write(try lowered { () throws(PlanError) in try Lowered.transitions(spec, from: from, to: to, by: by) }, comment: "patron: \(text)", from: source)
    }
}

/// A framework's answer read back by column name (`framework(…, counting: true)` names them):
/// per segment key its rows and summed value as exact text, the table's rows, and the order
/// statistics of each cut table (n, nulls, then lo, hi, cut, f per fraction).
public struct FrameworkAnswer {
    static let rows = "patron_rows", value = "patron_value", total = "patron_total"

    /// The name of cut table `cut`'s statistic (`lo1`, `f2`, `n`; counted from 1).
    static func statistic(_ cut: Int, _ name: String) -> String { "patron_cut\(cut)_\(name)" }

    private let byKey: [String: [String: String]]
    /// The rows of the whole table the framework read.
    public let total: Int

    /// The answer's rows under their column names (the first column holds the segment's key).
    public init(names: [String], rows answer: [[String?]]) {
        var byKey: [String: [String: String]] = [:]
        for row in answer {
            guard let key = row.first.flatMap({ $0 }) else { continue }
            var cells: [String: String] = [:]
            for (name, cell) in zip(names, row) { if let cell { cells[name] = cell } }
            byKey[key] = cells
        }
        self.byKey = byKey
        total = byKey.values.first.flatMap { $0[Self.total] }.flatMap { Int($0) } ?? 0
    }

    /// The rows of the segment with `key`.
    public func count(_ key: String) -> Int { byKey[key]?[Self.rows].flatMap { Int($0) } ?? 0 }

    /// The summed value of the segment with `key`, as a real from its exact decimal at `scale`.
    public func value(_ key: String, scale: Int) -> Double {
        guard let text = byKey[key]?[Self.value], let exact = ExactDecimal(text)?.mantissa(atScale: scale) else { return 0 }
        return Double(exact) / powerOfTen(scale)
    }

    /// The `fraction`-th quantile (k/m) of cut table `cut` (both counted from 1), interpolated
    /// between its two order statistics as memory interpolates; 0 when no value was in scope.
    public func quantile(cut: Int, fraction: Int = 1, over m: Int, scale: Int) -> Double {
        guard let cells = byKey.values.first else { return 0 }
        func real(_ name: String) -> Double? {
            guard let text = cells[Self.statistic(cut, name + String(fraction))], let exact = ExactDecimal(text)?.mantissa(atScale: scale) else { return nil }
            return Double(exact) / powerOfTen(scale)
        }
        guard let lo = real("lo") else { return 0 }
        let f = cells[Self.statistic(cut, "f\(fraction)")].flatMap { Int($0) } ?? 0
        guard f != 0, let hi = real("hi") else { return lo }
        return Quantile.between(lo, hi, Double(f) / Double(m))
    }
}
