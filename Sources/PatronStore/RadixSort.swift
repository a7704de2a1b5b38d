/// Least-significant-digit radix sort on 64-bit keys, a byte at a time, skipping the bytes every
/// key shares: linear time, and stable, so equal keys keep their order.
public enum RadixSort {
    /// The keys, ascending.
    public static func sorted(_ keys: [Int64]) -> [Int64] {
        var pairs = keys.map { (key: UInt64(bitPattern: $0) ^ (1 << 63), row: Int32(0)) }
        sortPairs(&pairs)
        return pairs.map { Int64(bitPattern: $0.key ^ (1 << 63)) }
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
