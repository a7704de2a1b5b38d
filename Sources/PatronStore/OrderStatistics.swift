import Foundation

/// The order statistics of a numeric column that one type-7 quantile is made of (docs/sql.md):
/// for the fraction k/m of n sorted values, `lo` is the value at rank ⌊(n−1)k/m⌋ (from 0), `hi`
/// the next (or `lo` again at the end) and `f` the remainder (n−1)k mod m, so the quantile is
/// `lo + f/m · (hi − lo)`, worked out in whole numbers. Values are mantissas at the column's scale.
public struct QuantileParts: Sendable, Equatable {
    public let lo: Int64
    public let hi: Int64
    public let f: Int
    public let m: Int

    public init(lo: Int64, hi: Int64, f: Int, m: Int) {
        self.lo = lo
        self.hi = hi
        self.f = f
        self.m = max(m, 1)
    }

    /// The quantile as a number (`Quantile.between`, the one interpolation).
    public func value(scale: Int) -> Double {
        let divisor = powerOfTen(scale)
        return Quantile.between(Double(lo) / divisor, Double(hi) / divisor, Double(f) / Double(m))
    }
}

extension Column {
    /// The order statistics of each fraction (k, m) over the non-null values of `rows` (all rows
    /// when nil), and how many values there are; found by selection, not by sorting. Nil for a
    /// column that is not numeric; no parts when there are no values.
    public func quantileParts(_ fractions: [(Int, Int)], rows: [Int]? = nil) -> (parts: [QuantileParts], count: Int)? {
        guard let (all, _) = mantissas else { return nil }
        let values: [Int64]
        if let rows {
            values = nulls.nullCount == 0 ? rows.map { all[$0] } : rows.filter { !nulls.contains($0) }.map { all[$0] }
        } else {
            values = nulls.nullCount == 0 ? all : all.indices.filter { !nulls.contains($0) }.map { all[$0] }
        }
        let n = values.count
        guard n > 0 else { return ([], 0) }
        let positions = fractions.map { k, m -> (lower: Int, f: Int, m: Int) in
            let m = max(m, 1), (product, overflow) = (n - 1).multipliedReportingOverflow(by: max(k, 0))
            guard !overflow else { return (n - 1, 0, m) }
            return (min(product / m, n - 1), product % m, m)
        }
        let found = Self.orderStatistics(values, ranks: positions.flatMap { [$0.lower, min($0.lower + 1, n - 1)] })
        return (positions.map { p in
            let lo = found[p.lower] ?? 0
            return QuantileParts(lo: lo, hi: found[min(p.lower + 1, n - 1)] ?? lo, f: p.f, m: p.m)
        }, n)
    }
}

extension Table {
    /// `Column.quantileParts` over all of a column's values, found once per column and fractions.
    public func quantileParts(ofColumn index: Int, _ fractions: [(Int, Int)]) -> (parts: [QuantileParts], count: Int) {
        let key = PartsKey(column: index, fractions: fractions.flatMap { [$0.0, $0.1] })
        if let found = partsCache.withLock({ $0[key] }) { return found }
        let computed = columns[index].quantileParts(fractions) ?? ([], 0)
        partsCache.withLock { $0[key] = computed }
        return computed
    }
}

struct PartsKey: Hashable {
    let column: Int
    let fractions: [Int]
}

/// A dictionary behind a lock.
final class LockedCache<Key: Hashable, Value>: @unchecked Sendable {
    private var values: [Key: Value] = [:]
    private let lock = NSLock()

    init() {}

    func withLock<T>(_ body: (inout [Key: Value]) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&values)
    }
}
