import PatronAnalysis
import PatronStore

/// The profit × loyalty matrix (or any two metrics) split high/low.
public struct MatrixResult: Sendable {
    public let table: Table
    public let first: Int
    public let second: Int
    /// The cut of each metric: values up to it are low, above it high.
    public let cuts: (Double, Double)
    public let method: String
    /// Counts and value sums per quadrant: [first high?][second high?].
    public let counts: [[Int]]
    public let profit: [[Double]]
    public let profitColumn: Int?
    /// Rows in scope (with both values) and rows left out (a value missing).
    public let scope: Int
    public let missing: Int
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
}

extension Engine {
    /// Splits two metrics at their medians (or given cuts): values up to the cut are low.
    public static func matrix(_ table: Table, first: Int, second: Int, cuts given: [Double]?, profitColumn: Int?) -> MatrixResult {
        let a = table.columns[first], b = table.columns[second]
        let rows = (0..<table.rowCount).filter { a.doubleValue($0) != nil && b.doubleValue($0) != nil }
        let cuts: (Double, Double)
        if let given {
            cuts = (given[0], given[1])
        } else {
            cuts = (Quantile.linear(a.sortedNumericValues(rows: rows), 0.5) ?? 0, Quantile.linear(b.sortedNumericValues(rows: rows), 0.5) ?? 0)
        }
        var counts = [[0, 0], [0, 0]], profit = [[0.0, 0.0], [0.0, 0.0]]
        let profitValues = profitColumn.map { table.columns[$0] }
        for row in rows {
            let i = a.doubleValue(row)! > cuts.0 ? 1 : 0, j = b.doubleValue(row)! > cuts.1 ? 1 : 0
            counts[i][j] += 1
            profit[i][j] += profitValues?.doubleValue(row) ?? 0
        }
        return MatrixResult(table: table, first: first, second: second, cuts: cuts, method: given == nil ? "median split" : "given cut points",
                            counts: counts, profit: profit, profitColumn: profitColumn, scope: rows.count, missing: table.rowCount - rows.count)
    }

    /// ABC classes: rows by value, highest first (ties in row order); A until the cumulative share
    /// reaches `a`, B until `b`, C the rest.
    public static func pareto(_ table: Table, column: Int, a: Double, b: Double) -> ParetoResult {
        let values = table.columns[column]
        var rows = (0..<table.rowCount).filter { values.doubleValue($0) != nil }
        let value = rows.map { values.doubleValue($0)! }
        var order = Array(rows.indices)
        order.sort { value[$0] != value[$1] ? value[$0] > value[$1] : $0 < $1 }
        rows = order.map { rows[$0] }
        let sorted = order.map { value[$0] }
        let total = sorted.reduce(0, +)
        var counts = [0, 0, 0], sums = [0.0, 0.0, 0.0]
        var cumulative = 0.0
        var headline: Int? = nil
        var curve: [(rows: Double, value: Double)] = []
        let n = sorted.count
        for (i, v) in sorted.enumerated() {
            let before = total > 0 ? cumulative / total : 0
            let cls = before < a ? 0 : before < b ? 1 : 2
            counts[cls] += 1
            sums[cls] += v
            cumulative += v
            if headline == nil && total > 0 && cumulative / total >= a { headline = i + 1 }
            if n > 0 && (i + 1) * 10 / n > curve.count { curve.append((Double(i + 1) / Double(n), total > 0 ? cumulative / total : 0)) }
        }
        return ParetoResult(table: table, column: column, a: a, b: b, counts: counts, values: sums, total: total,
                            headlineShare: n == 0 ? 0 : Double(headline ?? n) / Double(n), curve: curve, scope: n)
    }

    /// none: value ≤ 0; low, medium, high: split at the terciles of the positive values.
    public static func tiers(_ table: Table, column: Int) -> TiersResult {
        let values = table.columns[column]
        let rows = (0..<table.rowCount).filter { values.doubleValue($0) != nil }
        let positive = rows.compactMap { values.doubleValue($0) }.filter { $0 > 0 }.sorted()
        let cuts = (Quantile.linear(positive, 1.0 / 3.0) ?? 0, Quantile.linear(positive, 2.0 / 3.0) ?? 0)
        var counts = [0, 0, 0, 0], sums = [0.0, 0.0, 0.0, 0.0]
        for row in rows {
            let v = values.doubleValue(row)!
            let tier = v <= 0 ? 0 : v <= cuts.0 ? 1 : (v >= cuts.1 && v > cuts.0) ? 3 : 2
            counts[tier] += 1
            sums[tier] += v
        }
        return TiersResult(table: table, column: column, cuts: cuts, counts: counts, values: sums, scope: rows.count)
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
}

extension Engine {
    /// A lifecycle stage: 0 new, 1 active, 2 warm, 3 cold, 4 lapsed.
    static func stage(recency days: Double, tenure: Double?, windows: [Int]) -> Int {
        if let tenure, tenure <= Double(windows[0]) { return 0 }
        if days <= Double(windows[0]) { return 1 }
        if days <= Double(windows[1]) { return 2 }
        if days <= Double(windows[2]) { return 3 }
        return 4
    }

    /// Customers' lifecycle stages at two dates: counts[from][to], with from = 5 for customers
    /// who had not bought yet at the first date.
    public static func transitions(_ spec: BoundCustomers, from: Int32, to: Int32, windows: [Int] = [30, 90, 180]) -> [[Int]] {
        func stages(_ day: Int32) -> [String: Int] {
            let derived = deriveCustomers(BoundCustomers(orders: spec.orders, id: spec.id, date: spec.date, channel: spec.channel, amount: spec.amount,
                                                         amountText: spec.amountText, profit: spec.profit, profitText: spec.profitText, asOf: day, name: spec.name)).table
            let id = derived.columns[0]
            let recency = derived.columns[derived.columnIndex(named: "recency")!], tenure = derived.columns[derived.columnIndex(named: "tenure")!]
            var out: [String: Int] = [:]
            for row in 0..<derived.rowCount {
                let key = id.isNull(row) ? "" : { () -> String in
                    switch id.storage {
                    case .integer(let v): return String(v[row])
                    case .text(let codes, let dictionary): return dictionary[Int(codes[row])]
                    default: return String(row)
                    }
                }()
                out[key] = stage(recency: recency.doubleValue(row) ?? 0, tenure: tenure.doubleValue(row), windows: windows)
            }
            return out
        }
        let before = stages(from), after = stages(to)
        var counts = Array(repeating: Array(repeating: 0, count: 5), count: 6)
        for (customer, stage) in after { counts[before[customer] ?? 5][stage] += 1 }
        return counts
    }

    /// new: tenure ≤ the first window; then by recency: active ≤ w1 < warm ≤ w2 < cold ≤ w3 < lapsed.
    public static func lifecycle(_ table: Table, recency: Int, tenure: Int?, value: Int?, windows: [Int]) -> LifecycleResult {
        let r = table.columns[recency], t = tenure.map { table.columns[$0] }, v = value.map { table.columns[$0] }
        var counts = [0, 0, 0, 0, 0], sums = [0.0, 0.0, 0.0, 0.0, 0.0]
        var scope = 0
        for row in 0..<table.rowCount {
            guard let days = r.doubleValue(row) else { continue }
            scope += 1
            let stage = Self.stage(recency: days, tenure: t?.doubleValue(row), windows: windows)
            counts[stage] += 1
            sums[stage] += v?.doubleValue(row) ?? 0
        }
        return LifecycleResult(table: table, windows: windows, hasTenure: tenure != nil, counts: counts, values: sums, valueColumn: value, scope: scope)
    }
}
