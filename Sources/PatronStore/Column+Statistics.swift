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
    public func exactSum(rows: [Int]) -> (sum: Int128, scale: Int)? { sum(over: rows) }

    /// The exact sum over a range of rows.
    public func exactSum(rows: Range<Int>) -> (sum: Int128, scale: Int)? { sum(over: rows) }

    /// Both sums in one body, specialised here for each kind of row list.
    private func sum(over rows: some Sequence<Int>) -> (sum: Int128, scale: Int)? {
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

extension Column {
    /// The values at the given ranks of ascending order (0-based), by bucket selection.
    static func orderStatistics(_ values: [Int64], ranks: [Int]) -> [Int: Int64] {
        guard let low = values.min(), let high = values.max() else { return [:] }
        let span = UInt64(bitPattern: high &- low)
        let shift = max(0, (64 - span.leadingZeroBitCount) - 16)
        let buckets = Int(span >> UInt64(shift)) + 1
        var counts = [Int](repeating: 0, count: buckets + 1)
        values.withUnsafeBufferPointer { v in
            counts.withUnsafeMutableBufferPointer { c in
                for x in v { c[Int(UInt64(bitPattern: x &- low) >> UInt64(shift)) + 1] += 1 }
            }
        }
        for b in 0..<buckets { counts[b + 1] += counts[b] }
        // counts[b] is now the number of values in buckets before b.
        func bucket(of rank: Int) -> Int {
            var lo = 0, hi = buckets - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if counts[mid] <= rank { lo = mid } else { hi = mid - 1 }
            }
            return lo
        }
        var wanted: [Int: [Int]] = [:]
        for rank in Set(ranks) where rank >= 0 && rank < values.count { wanted[bucket(of: rank), default: []].append(rank) }
        var result: [Int: Int64] = [:]
        if shift == 0 {
            // A bucket per value: the bucket is the value.
            for (b, rs) in wanted { for r in rs { result[r] = low &+ Int64(b) } }
            return result
        }
        // Each wanted bucket's values, gathered in one pass (a flat table says which are wanted).
        var slot = [Int32](repeating: -1, count: buckets)
        let chosen = Array(wanted.keys)
        for (i, b) in chosen.enumerated() { slot[b] = Int32(i) }
        var members = [[Int64]](repeating: [], count: chosen.count)
        values.withUnsafeBufferPointer { v in
            for x in v {
                let s = slot[Int(UInt64(bitPattern: x &- low) >> UInt64(shift))]
                if s >= 0 { members[Int(s)].append(x) }
            }
        }
        for (i, b) in chosen.enumerated() {
            let rs = wanted[b] ?? []
            let sorted = RadixSort.sorted(members[i])
            for r in rs where r - counts[b] < sorted.count { result[r] = sorted[r - counts[b]] }
        }
        return result
    }
}

/// Quantiles of sorted values.
public enum Quantile {
    /// The `p`-quantile of ascending `sorted` values with linear interpolation
    /// (Hyndman–Fan type 7: R's default, numpy's `linear`, DuckDB's `quantile_cont`).
    public static func linear(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let (lower, fraction) = position(count: sorted.count, p)
        let upper = min(lower + 1, sorted.count - 1)
        return between(sorted[lower], sorted[upper], fraction)
    }

    /// The value `fraction` of the way from order statistic `lower` to the next, `upper`: the one
    /// interpolation every quantile of patron's takes, in memory and from a server's order
    /// statistics alike (exactly `lower` when the fraction is 0).
    public static func between(_ lower: Double, _ upper: Double, _ fraction: Double) -> Double {
        fraction == 0 ? lower : lower + fraction * (upper - lower)
    }

    /// Where the `p`-quantile of `count` sorted values falls: the 0-based rank below it and the
    /// fraction of the way to the next. Exact for the probabilities patron uses (k/n for levels and
    /// scores, percents for ranks): h = (count − 1)·k/n is worked out in whole numbers, so a
    /// quantile that lands on a value is that value, as docs/sql.md promises and SQL computes it,
    /// never a hair below it from a rounded 1/3.
    public static func position(count: Int, _ p: Double) -> (lower: Int, fraction: Double) {
        let p = min(max(p, 0), 1)
        guard count > 1 else { return (0, 0) }
        for denominator in 1...1000 {
            let k = (p * Double(denominator)).rounded()
            guard abs(p * Double(denominator) - k) < 1e-9 else { continue }
            let (product, overflow) = (count - 1).multipliedReportingOverflow(by: Int(k))
            guard !overflow else { break }
            return (product / denominator, Double(product % denominator) / Double(denominator))
        }
        let h = Double(count - 1) * p
        let lower = min(Int(h.rounded(.down)), count - 1)
        return (lower, h - Double(lower))
    }
}
