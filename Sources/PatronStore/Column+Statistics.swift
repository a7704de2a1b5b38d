extension Column {
    /// The non-null numeric values of `rows` (all rows when nil), sorted ascending.
    public func sortedNumericValues(rows: [Int]? = nil) -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(rows?.count ?? count)
        func collect(_ body: (Int) -> Double) {
            if let rows {
                for r in rows where !nulls.contains(r) { values.append(body(r)) }
            } else {
                for r in 0..<count where !nulls.contains(r) { values.append(body(r)) }
            }
        }
        switch storage {
        case .integer(let v): collect { Double(v[$0]) }
        case .decimal(let v, let scale):
            let divisor = powerOfTen(scale)
            collect { Double(v[$0]) / divisor }
        default: return []
        }
        values.sort()
        return values
    }

    /// The exact sum of a numeric column over `rows`, as a mantissa at the column's scale.
    public func exactSum(rows: some Sequence<Int>) -> (sum: Int128, scale: Int)? {
        var total: Int128 = 0
        switch storage {
        case .integer(let v):
            for r in rows where !nulls.contains(r) { total += Int128(v[r]) }
            return (total, 0)
        case .decimal(let v, let scale):
            for r in rows where !nulls.contains(r) { total += Int128(v[r]) }
            return (total, scale)
        default:
            return nil
        }
    }
}

/// Quantiles of sorted values.
public enum Quantile {
    /// The `p`-quantile of ascending `sorted` values with linear interpolation
    /// (Hyndman–Fan type 7: R's default, numpy's `linear`, DuckDB's `quantile_cont`).
    public static func linear(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * min(max(p, 0), 1)
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
