import PatronAnalysis
import PatronPlan
import PatronStore

/// `matrix`, `tiers` and `lifecycle`, written once over a `PlanRunner`: the framework's plan
/// (`Lowered.framework`: a row per segment with its rows, its value summed, the table's rows and
/// the order statistics of the cut points) run in memory or on a server, and read back here.
extension Engine {
    public static func framework(_ statement: BoundStatement, on runner: some PlanRunner) throws -> StatementResult? {
        let (scan, segmenting) = try Lowered.segmenting(statement)
        let answer = FrameworkReading(try runner.answer(Lowered.framework(scan, segmenting, counting: true)))
        switch statement {
        case .matrix(let table, let first, let second, let given, let profit):
            let order = [Quadrant.strangers, .barnacles, .butterflies, .trueFriends].map(\.key)
            let cuts = given.map { ($0[0], $0[1]) } ?? (answer.quantile(cut: 1, over: 2, scale: table.columns[first].decimalScale),
                                                          answer.quantile(cut: 2, over: 2, scale: table.columns[second].decimalScale))
            try check(runner, table, [(first, [cuts.0]), (second, [cuts.1])])
            let counts = [[answer.count(order[0]), answer.count(order[1])], [answer.count(order[2]), answer.count(order[3])]]
            let scale = profit.map { table.columns[$0].decimalScale } ?? 0
            let sums = [[answer.value(order[0], scale: scale), answer.value(order[1], scale: scale)], [answer.value(order[2], scale: scale), answer.value(order[3], scale: scale)]]
            let scope = counts.joined().reduce(0, +)
            return .matrix(MatrixResult(table: table, first: first, second: second, cuts: cuts, method: given == nil ? .median : .givenCuts,
                                        counts: counts, profit: sums, profitColumn: profit, scope: scope, missing: answer.total - scope))
        case .tiers(let table, let column):
            let tiers = ValueTier.allCases.map(\.key), scale = table.columns[column].decimalScale
            let cuts = (answer.quantile(cut: 1, over: 3, scale: scale), answer.quantile(cut: 1, fraction: 2, over: 3, scale: scale))
            try check(runner, table, [(column, [cuts.0, cuts.1])])
            let counts = tiers.map(answer.count)
            return .tiers(TiersResult(table: table, column: column, cuts: cuts, counts: counts, values: tiers.map { answer.value($0, scale: scale) },
                                      scope: counts.reduce(0, +)))
        case .lifecycle(let table, _, let tenure, let value, let windows):
            let stages = LifecycleStage.allCases.map(\.key), scale = value.map { table.columns[$0].decimalScale } ?? 0
            let counts = stages.map(answer.count)
            return .lifecycle(LifecycleResult(table: table, windows: windows, hasTenure: tenure != nil, counts: counts,
                                              values: stages.map { answer.value($0, scale: scale) }, valueColumn: value, scope: counts.reduce(0, +)))
        default:
            return nil
        }
    }

    /// A framework's cut points checked as a level's are (`PlanRunner.check`): a server's NaN or
    /// infinity is refused, naming the column.
    static func check(_ runner: some PlanRunner, _ table: Table, _ cuts: [(column: Int, values: [Double])]) throws {
        try runner.check(cuts.map { LevelCuts(column: table.columns[$0.column].name, words: [], cuts: $0.values, method: .median, basis: 1, nulls: 0,
                                              scale: table.columns[$0.column].decimalScale) }, emptyAllowed: true)
    }

    /// The rows of a segment in each of a framework's segments (`labels`, in order), its cut
    /// points those of the whole table: where `explain SEGMENT` places a segment.
    public static func frameworkCounts(_ framework: BoundStatement, within condition: BoundCondition, levels: [LevelCuts], labels: [String],
                                       on runner: some PlanRunner) throws -> [Int] {
        let (scan, segmenting) = try Lowered.segmenting(framework)
        let scope = try Lowering(scan, levels: levels).condition(condition)
        let answer = FrameworkReading(try runner.answer(Lowered.framework(scan, segmenting, within: scope, counting: true)))
        return labels.map(answer.count)
    }

    /// `explain SEGMENT`'s portrait: where the segment's rows fall in the matrix and the
    /// lifecycle, each counted over its plan, and among the RFM segments.
    public static func portrait(of bound: BoundSegment, count: Int, columns: FrameworkColumns, on runner: some PlanRunner,
                                rfmSegments: () throws -> [(name: String, count: Int)]) throws -> SegmentPortrait {
        let table = bound.table
        var quadrants: [Int]? = nil, stages: [Int]? = nil
        if let profit = columns.profit, let loyalty = columns.loyalty {
            quadrants = try frameworkCounts(.matrix(table, first: profit, second: loyalty, cuts: nil, profit: nil), within: bound.condition,
                                            levels: bound.levels, labels: Quadrant.allCases.map(\.key), on: runner)
        }
        if let recency = columns.recency {
            stages = try frameworkCounts(.lifecycle(table, recency: recency, tenure: columns.tenure, value: nil, windows: LifecycleStage.standardWindows),
                                         within: bound.condition, levels: bound.levels, labels: LifecycleStage.allCases.map(\.key), on: runner)
        }
        let named = columns.rfmSegment == nil ? [] : try rfmSegments().sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
        return SegmentPortrait(quadrants: quadrants, stages: stages, rfmSegments: named, count: count)
    }
}

/// A framework's answer by segment key: its rows and summed value, the table's rows, and the
/// order statistics of each cut table (`Lowered.statisticName`).
struct FrameworkReading {
    let answer: Answer

    init(_ answer: Answer) { self.answer = answer }

    /// The rows of the whole table the framework read.
    var total: Int { answer.rows.indices.lazy.compactMap { answer.integer("patron_total", row: $0) }.first ?? 0 }

    /// The rows of the segment with `key`.
    func count(_ key: String) -> Int { answer.row(keyed: key).flatMap { answer.integer("patron_rows", row: $0) } ?? 0 }

    /// The summed value of the segment with `key`, as a real from its exact decimal at `scale`.
    func value(_ key: String, scale: Int) -> Double {
        guard let row = answer.row(keyed: key), let exact = answer.exact("patron_value", row: row)?.mantissa(atScale: scale) else { return 0 }
        return Double(exact) / powerOfTen(scale)
    }

    /// The `fraction`-th quantile (k/m) of cut table `cut` (both from 1), interpolated as every
    /// quantile is (`QuantileParts`); 0 when no value was in scope.
    func quantile(cut: Int, fraction: Int = 1, over m: Int, scale: Int) -> Double {
        guard !answer.rows.isEmpty else { return 0 }
        func mantissa(_ statistic: OrderStatistics.Statistic) -> Int64? {
            answer.exact(Lowered.statisticName(cut, statistic))?.mantissa(atScale: scale).flatMap { Int64(exactly: $0) }
        }
        let f = answer.integer(Lowered.statisticName(cut, .f(fraction))) ?? 0
        guard let lo = mantissa(.lo(fraction)) else {
            // Not an exact number: a server's NaN or infinity (memory never loads one), said as
            // itself so the runner's check refuses it; else no value was in scope.
            return answer.real(Lowered.statisticName(cut, .lo(fraction))).map { $0.isFinite ? 0 : $0 } ?? 0
        }
        return QuantileParts(lo: lo, hi: mantissa(.hi(fraction)) ?? lo, f: f, m: m).value(scale: scale)
    }
}
