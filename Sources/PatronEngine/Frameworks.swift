import PatronAnalysis
import PatronPlan
import PatronStore

/// The profit × loyalty matrix (or any two metrics) split high/low.
public struct MatrixResult: Sendable {
    public let table: Table
    public let first: Int
    public let second: Int
    /// The cut of each metric: values up to it are low, above it high.
    public let cuts: (Double, Double)
    /// The median, or cut points given in the statement.
    public let method: SplitMethod
    /// Counts and value sums per quadrant: [first high?][second high?].
    public let counts: [[Int]]
    public let profit: [[Double]]
    public let profitColumn: Int?
    /// Rows in scope (with both values) and rows left out (a value missing).
    public let scope: Int
    public let missing: Int

    /// Creates a matrix's answer (one computed elsewhere, on a server).
    public init(table: Table, first: Int, second: Int, cuts: (Double, Double), method: SplitMethod, counts: [[Int]], profit: [[Double]],
                profitColumn: Int?, scope: Int, missing: Int) {
        (self.table, self.first, self.second, self.cuts, self.method) = (table, first, second, cuts, method)
        (self.counts, self.profit, self.profitColumn, self.scope, self.missing) = (counts, profit, profitColumn, scope, missing)
    }

    /// The customers in a quadrant.
    public func count(_ quadrant: Quadrant) -> Int { counts[quadrant.isFirstHigh ? 1 : 0][quadrant.isSecondHigh ? 1 : 0] }
    /// The quadrant's profit, summed.
    public func profit(_ quadrant: Quadrant) -> Double { profit[quadrant.isFirstHigh ? 1 : 0][quadrant.isSecondHigh ? 1 : 0] }
    /// The total profit over the rows in scope.
    public var totalProfit: Double { profit.flatMap { $0 }.reduce(0, +) }
}

/// ABC classes by cumulative share of a metric.
public struct ParetoResult: Sendable {
    public let table: Table
    public let column: Int
    public let a: Double
    public let b: Double
    /// Customers and value per class A, B, C.
    public let counts: [Int]
    public let values: [Double]
    public let total: Double
    /// The smallest share of rows (by value, highest first) whose cumulative value reaches the A cut-off.
    public let headlineShare: Double
    /// Points of the curve: the share of rows so far (about each tenth) and their cumulative share of the value.
    public let curve: [(rows: Double, value: Double)]
    public let scope: Int

    /// Creates a Pareto answer (one computed elsewhere, on a server).
    public init(table: Table, column: Int, a: Double, b: Double, counts: [Int], values: [Double], total: Double, headlineShare: Double,
                curve: [(rows: Double, value: Double)], scope: Int) {
        (self.table, self.column, self.a, self.b, self.counts, self.values) = (table, column, a, b, counts, values)
        (self.total, self.headlineShare, self.curve, self.scope) = (total, headlineShare, curve, scope)
    }
}

/// Value tiers.
public struct TiersResult: Sendable {
    public let table: Table
    public let column: Int
    /// The terciles of the positive values.
    public let cuts: (Double, Double)
    /// Rows and value per tier: none, low, medium, high.
    public let counts: [Int]
    public let values: [Double]
    public let scope: Int

    /// Creates a tiers answer (one computed elsewhere, on a server).
    public init(table: Table, column: Int, cuts: (Double, Double), counts: [Int], values: [Double], scope: Int) {
        (self.table, self.column, self.cuts, self.counts, self.values, self.scope) = (table, column, cuts, counts, values, scope)
    }
}

extension Engine {
    /// ABC classes: rows by value, highest first; a row is in A while the value of the rows
    /// above it (strictly greater values, so equal values always share a class) is below `a` of
    /// the total, in B while below `b`, else in C. Sums and comparisons are exact (docs/sql.md).
    public static func pareto(_ table: Table, column: Int, a: Double, b: Double) -> ParetoResult {
        let values = table.columns[column]
        let (mantissas, scale) = values.mantissas ?? ([], 0)
        let keys = values.nulls.nullCount == 0 ? mantissas : mantissas.indices.filter { !values.nulls.contains($0) }.map { mantissas[$0] }
        let sorted = RadixSort.order(keys, descending: true).map { keys[Int($0)] }
        let n = sorted.count
        let total = sorted.reduce(Int128(0)) { $0 + Int128($1) }
        let (cutA, cutB) = (ParetoCutoff(a), ParetoCutoff(b))
        var counts = [0, 0, 0], sums: [Int128] = [0, 0, 0]
        var headline: Int? = nil
        var curve: [(rows: Double, value: Double)] = []
        let positions = ParetoCutoff.curvePositions(n)
        var next = 0, before: Int128 = 0, i = 0
        while i < n {
            // One group of equal values: it shares one class.
            let v = sorted[i]
            var j = i
            while j < n && sorted[j] == v { j += 1 }
            let group = Int128(v) * Int128(j - i)
            let cls = total <= 0 || cutA.isAbove(before, of: total) ? 0 : cutB.isAbove(before, of: total) ? 1 : 2
            counts[cls] += j - i
            sums[cls] += group
            if headline == nil, total > 0, !cutA.isAbove(before + group, of: total) {
                headline = i + cutA.rowsToReach(from: before, of: total, each: Int128(v))
            }
            while next < positions.count && positions[next] <= j {
                let cumulative = before + Int128(positions[next] - i) * Int128(v)
                curve.append((Double(positions[next]) / Double(n), total > 0 ? Double(cumulative) / Double(total) : 0))
                next += 1
            }
            before += group
            i = j
        }
        let divisor = powerOfTen(scale)
        return ParetoResult(table: table, column: column, a: a, b: b, counts: counts, values: sums.map { Double($0) / divisor }, total: Double(total) / divisor,
                            headlineShare: n == 0 ? 0 : Double(headline ?? n) / Double(n), curve: curve, scope: n)
    }

}

/// Lifecycle stages.
public struct LifecycleResult: Sendable {
    public let table: Table
    public let windows: [Int]
    public let hasTenure: Bool
    /// Rows and value per stage: new, active, warm, cold, lapsed.
    public let counts: [Int]
    public let values: [Double]
    public let valueColumn: Int?
    public let scope: Int

    /// Creates a lifecycle's answer (one computed elsewhere, on a server).
    public init(table: Table, windows: [Int], hasTenure: Bool, counts: [Int], values: [Double], valueColumn: Int?, scope: Int) {
        (self.table, self.windows, self.hasTenure, self.counts, self.values, self.valueColumn, self.scope) = (table, windows, hasTenure, counts, values, valueColumn, scope)
    }
}

extension Engine {
    /// The segments of a segmentation, in the order its labels count.
    public static func segmentKeys(_ by: Segmentation, tierMetric: String) -> [SegmentKey] {
        switch by {
        case .lifecycle: return LifecycleStage.allCases.map { .stage($0) }
        case .matrix: return Quadrant.allCases.map { .quadrant($0) }
        case .tiers: return ValueTier.allCases.reversed().map { .tier($0, metric: tierMetric) }
        case .rules(let table): return table.rules.map { .rule($0.name) } + [.unmatched]
        }
    }

    /// Customers by segment at two dates: counts[from][to], with from = the segment count for
    /// customers who had not bought yet at the first date. The plan (`Lowered.transitions`)
    /// derives the customers at each date, labels and pairs them; the runner counts each pair.
    /// Rule tables are bound afresh over each date's scored customers, so their level words take
    /// that date's cut points; a rule that does not bind there is the user's error.
    public static func transitions(_ spec: BoundCustomers, from: Int32, to: Int32, by: Segmentation, on runner: some PlanRunner) throws -> TransitionsResult {
        let lowered = Result { () throws(PlanError) in try Lowered.transitions(spec, from: from, to: to, by: by) }
        if case .failure(let error) = lowered, let rule = error.rule { throw ExecutionFailure.rule(rule) }
        let answer = try runner.answer(try lowered.get())
        let order = by.labelKeys
        var counts = Array(repeating: Array(repeating: 0, count: order.count), count: order.count + 1)
        for row in answer.rows.indices {
            guard case .text(let after) = answer.value("to", row: row), let column = order.firstIndex(of: after) else { continue }
            var before = order.count
            if case .text(let key) = answer.value("from", row: row) { before = order.firstIndex(of: key) ?? order.count }
            counts[before][column] += answer.integer("rows", row: row) ?? 0
        }
        let keys = segmentKeys(by, tierMetric: spec.profit != nil ? "profit" : "monetary")
        return TransitionsResult(segmentation: by.name, keys: keys, from: from, to: to, counts: counts)
    }
}

/// Customers by segment at two dates, and the movements that matter.
public struct TransitionsResult: Sendable {
    /// The segmentation's name as written after `by`.
    public let segmentation: String
    /// The segments, in the order of the rows and columns.
    public let keys: [SegmentKey]
    public let from: Int32
    public let to: Int32
    /// counts[before][after]; the last row holds customers who had not bought yet at the first date.
    public let counts: [[Int]]

    /// Creates transitions (ones computed elsewhere, on a server).
    public init(segmentation: String, keys: [SegmentKey], from: Int32, to: Int32, counts: [[Int]]) {
        (self.segmentation, self.keys, self.from, self.to, self.counts) = (segmentation, keys, from, to, counts)
    }

    /// Customers in the same segment at both dates.
    public var stayed: Int { keys.indices.reduce(0) { $0 + counts[$1][$1] } }
    /// Customers who had bought by the first date and changed segment.
    public var moved: Int { counts.prefix(keys.count).reduce(0) { $0 + $1.reduce(0, +) } - stayed }
    /// Customers whose first purchase came after the first date.
    public var newcomers: Int { counts[keys.count].reduce(0, +) }
    /// Lifecycle only: active, warm or cold customers who lapsed.
    public var churned: Int? {
        guard keys == LifecycleStage.allCases.map({ .stage($0) }) else { return nil }
        return [LifecycleStage.active, .warm, .cold].reduce(0) { $0 + counts[$1.rawValue][LifecycleStage.lapsed.rawValue] }
    }
    /// Lifecycle only: lapsed customers who became active or warm again.
    public var wonBack: Int? {
        guard churned != nil else { return nil }
        let lapsed = LifecycleStage.lapsed.rawValue
        return counts[lapsed][LifecycleStage.active.rawValue] + counts[lapsed][LifecycleStage.warm.rawValue]
    }
}

/// Where a set of rows falls in the frameworks a table supports: what kind of customers they are.
public struct SegmentPortrait: Sendable {
    /// Rows per quadrant of the profit × loyalty matrix (median split over the whole table), by
    /// `Quadrant.rawValue`; nil without numeric profit and loyalty columns.
    public let quadrants: [Int]?
    /// Rows per lifecycle stage at the standard windows, by `LifecycleStage.rawValue`; nil without a recency column.
    public let stages: [Int]?
    /// Rows per RFM segment name, largest first; empty without an `rfm_segment` column.
    public let rfmSegments: [(name: String, count: Int)]
    public let count: Int

    /// Creates a portrait (one computed elsewhere, on a server).
    public init(quadrants: [Int]?, stages: [Int]?, rfmSegments: [(name: String, count: Int)], count: Int) {
        (self.quadrants, self.stages, self.rfmSegments, self.count) = (quadrants, stages, rfmSegments, count)
    }

    /// What most of the rows are, whose advice applies: the largest quadrant, else the largest stage.
    public var largest: SegmentKey? {
        func first(_ counts: [Int]) -> Int? { counts.indices.max { counts[$0] < counts[$1] } }
        if let q = quadrants, let i = first(q), let quadrant = Quadrant(rawValue: i) { return .quadrant(quadrant) }
        if let s = stages, let i = first(s), let stage = LifecycleStage(rawValue: i) { return .stage(stage) }
        return nil
    }
}

/// `explain SEGMENT`: the segment's size and where its customers fall in the frameworks.
public struct SegmentExplanation: Sendable {
    public let name: String
    public let definition: String
    public let segment: SegmentResult
    public let portrait: SegmentPortrait

    /// Creates an explanation (one computed elsewhere, on a server).
    public init(name: String, definition: String, segment: SegmentResult, portrait: SegmentPortrait) {
        (self.name, self.definition, self.segment, self.portrait) = (name, definition, segment, portrait)
    }
}

/// `explain customer ID`: one row's values, the level of each, and the segments it is in.
public struct CustomerExplanation: Sendable {
    public let table: Table
    public let row: Int
    /// The cut points of each numeric column (by index) that has levels.
    public let levels: [Int: LevelCuts]
    /// Each named segment, and whether the row is in it (nil: unknown, a value is null).
    public let segments: [(name: String, definition: String, isMember: Bool?)]

    /// Creates a customer's explanation (one whose figures came from a server).
    public init(table: Table, row: Int, levels: [Int: LevelCuts], segments: [(name: String, definition: String, isMember: Bool?)]) {
        (self.table, self.row, self.levels, self.segments) = (table, row, levels, segments)
    }
}

extension Engine {
    /// The RFM segments of `rows` (an `rfm_segment` text column's names and their rows).
    static func rfmSegments(of rows: [Int], in table: Table, column index: Int?) -> [(name: String, count: Int)] {
        guard let index, case .text(let codes, let dictionary) = table.columns[index].storage else { return [] }
        var counts = Array(repeating: 0, count: dictionary.count)
        for row in rows where !table.columns[index].nulls.contains(row) { counts[Int(codes[row])] += 1 }
        return dictionary.indices.filter { counts[$0] > 0 }.map { (dictionary[$0], counts[$0]) }
    }
}

/// A numeric column's values summed per bucket exactly, as SQL engines sum decimals, then given
/// as reals: the sum a server computes is then the sum memory computes, to the last digit.
struct ExactSums {
    private var sums: [Int128]
    private let mantissas: [Int64]
    private let scale: Int
    private let column: Column?

    /// Sums of `column` (none: every sum is 0) over `buckets` buckets.
    init(_ column: Column?, buckets: Int) {
        sums = Array(repeating: 0, count: buckets)
        (mantissas, scale) = column?.mantissas ?? ([], 0)
        self.column = column
    }

    /// Adds row `row`'s value (nothing for a null) to a bucket.
    mutating func add(_ row: Int, to bucket: Int) {
        guard let column, row < mantissas.count, !column.isNull(row) else { return }
        sums[bucket] &+= Int128(mantissas[row])
    }

    var values: [Double] { sums.map { Double($0) / powerOfTen(scale) } }
}
