extension Column {
    /// The non-null numeric values of `rows` (all rows when nil), sorted ascending.
    public func sortedNumericValues(rows: [Int]? = nil) -> [Double] {
        let mantissas: [Int64], divisor: Double
        switch storage {
        case .integer(let v): (mantissas, divisor) = (v, 1)
        case .decimal(let v, let scale): (mantissas, divisor) = (v, powerOfTen(scale))
        default: return []
        }
        var keys: [Int64] = []
        keys.reserveCapacity(rows?.count ?? count)
        if let rows {
            for r in rows where !nulls.contains(r) { keys.append(mantissas[r]) }
        } else if nulls.nullCount == 0 {
            keys = mantissas
        } else {
            for r in 0..<count where !nulls.contains(r) { keys.append(mantissas[r]) }
        }
        // Exact numbers sort as whole numbers; dividing by the scale keeps the order.
        return RadixSort.sorted(keys).map { Double($0) / divisor }
    }

    /// The exact sum of a numeric column over `rows`, as a mantissa at the column's scale.
    public func exactSum(rows: [Int]) -> (sum: Int128, scale: Int)? {
        guard let (v, scale) = mantissas else { return nil }
        var total: Int128 = 0
        v.withUnsafeBufferPointer { v in
            if nulls.nullCount == 0 {
                for r in rows { total &+= Int128(v[r]) }
            } else {
                for r in rows where !nulls.contains(r) { total += Int128(v[r]) }
            }
        }
        return (total, scale)
    }

    /// The exact sum over a range of rows.
    public func exactSum(rows: Range<Int>) -> (sum: Int128, scale: Int)? {
        guard let (v, scale) = mantissas else { return nil }
        var total: Int128 = 0
        v.withUnsafeBufferPointer { v in
            if nulls.nullCount == 0 {
                for r in rows { total &+= Int128(v[r]) }
            } else {
                for r in rows where !nulls.contains(r) { total += Int128(v[r]) }
            }
        }
        return (total, scale)
    }

    /// Whole numbers and decimals as their mantissas and scale.
    public var mantissas: ([Int64], Int)? {
        switch storage {
        case .integer(let v): return (v, 0)
        case .decimal(let v, let scale): return (v, scale)
        default: return nil
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
