/// Least-significant-digit radix sort on 64-bit keys, a byte at a time, skipping the bytes every
/// key shares: linear time, and stable, so equal keys keep their order.
public enum RadixSort {
    /// The keys, ascending.
    public static func sorted(_ keys: [Int64]) -> [Int64] {
        let n = keys.count
        guard n > 1, let low = keys.min(), let high = keys.max() else { return keys }
        // Offsets from the smallest key: only the low bytes vary, so only they need a pass.
        let (span, wide) = high.subtractingReportingOverflow(low)
        var values = keys.map { UInt64(bitPattern: $0 &- low) }
        var scratch = [UInt64](repeating: 0, count: n)
        let bytes = wide ? 8 : (64 - UInt64(bitPattern: span).leadingZeroBitCount + 7) / 8
        // Every digit's counts from one pass.
        var counts = [Int](repeating: 0, count: 256 * max(bytes, 1))
        values.withUnsafeBufferPointer { v in
            counts.withUnsafeMutableBufferPointer { c in
                for x in v { for d in 0..<bytes { c[d << 8 | Int(truncatingIfNeeded: x >> UInt64(d * 8)) & 255] += 1 } }
            }
        }
        for d in 0..<bytes {
            let base = d << 8
            // Every key has the same byte here: nothing to do for this digit.
            if counts[base..<(base + 256)].contains(n) { continue }
            var offset = 0
            for k in base..<(base + 256) { let c = counts[k]; counts[k] = offset; offset += c }
            values.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    counts.withUnsafeMutableBufferPointer { c in
                        for x in source {
                            let digit = base | Int(truncatingIfNeeded: x >> UInt64(d * 8)) & 255
                            target[c[digit]] = x
                            c[digit] += 1
                        }
                    }
                }
            }
            swap(&values, &scratch)
        }
        return values.map { Int64(bitPattern: $0) &+ low }
    }

    /// The positions of `keys` in ascending order of key; equal keys in position order.
    /// With `descending`, the largest key comes first (equal keys still in position order).
    public static func order(_ keys: [Int64], descending: Bool = false) -> [Int32] {
        var pairs = keys.enumerated().map { i, k in
            let biased = UInt64(bitPattern: k) ^ (1 << 63)
            return (key: descending ? ~biased : biased, row: Int32(truncatingIfNeeded: i))
        }
        sortPairs(&pairs)
        return pairs.map(\.row)
    }

    private static func sortPairs(_ pairs: inout [(key: UInt64, row: Int32)]) {
        let n = pairs.count
        guard n > 1 else { return }
        var scratch = pairs
        var counts = [Int](repeating: 0, count: 256)
        for shift in stride(from: 0, to: 64, by: 8) {
            for k in 0..<256 { counts[k] = 0 }
            pairs.withUnsafeBufferPointer { p in for pair in p { counts[Int(truncatingIfNeeded: pair.key >> UInt64(shift)) & 255] += 1 } }
            // Every key has the same byte here: nothing to do for this digit.
            if counts.contains(n) { continue }
            var offset = 0
            for k in 0..<256 { let c = counts[k]; counts[k] = offset; offset += c }
            pairs.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    for pair in source {
                        let digit = Int(truncatingIfNeeded: pair.key >> UInt64(shift)) & 255
                        target[counts[digit]] = pair
                        counts[digit] += 1
                    }
                }
            }
            swap(&pairs, &scratch)
        }
    }
}
