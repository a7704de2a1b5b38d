/// Least-significant-digit radix sort on 64-bit keys, a byte at a time, skipping the bytes every
/// key shares: linear time, and stable, so equal keys keep their order.
public enum RadixSort {
    /// The keys, ascending.
    public static func sorted(_ keys: [Int64]) -> [Int64] {
        guard keys.count > 1, let (low, high) = bounds(keys) else { return keys }
        // Offsets from the smallest key: only the low bytes vary, so only they need a pass.
        var values = keys.map { UInt64(bitPattern: $0 &- low) }
        sort(&values, bytes: bytes(from: low, to: high)) { $0 }
        return values.map { Int64(bitPattern: $0) &+ low }
    }

    /// The positions of `keys` in ascending order of key; equal keys in position order.
    /// With `descending`, the largest key comes first (equal keys still in position order).
    public static func order(_ keys: [Int64], descending: Bool = false) -> [Int32] {
        guard let (low, high) = bounds(keys) else { return [] }
        // Distances from the smallest key (or to the largest, descending), as unsigned numbers:
        // exact even when the span does not fit an Int64.
        var pairs = keys.enumerated().map { i, k in
            (key: UInt64(bitPattern: descending ? high &- k : k &- low), row: Int32(truncatingIfNeeded: i))
        }
        sort(&pairs, bytes: bytes(from: low, to: high)) { $0.key }
        return pairs.map(\.row)
    }

    private static func bounds(_ keys: [Int64]) -> (low: Int64, high: Int64)? {
        guard var low = keys.first else { return nil }
        var high = low
        for k in keys {
            low = min(low, k)
            high = max(high, k)
        }
        return (low, high)
    }

    /// How many low bytes the distances between `low` and `high` take.
    private static func bytes(from low: Int64, to high: Int64) -> Int {
        let span = UInt64(bitPattern: high &- low)
        return (64 - span.leadingZeroBitCount + 7) / 8
    }

    /// Sorts `items` by the low `bytes` bytes of `key`, stably: every digit counted in one pass,
    /// then one scatter a digit.
    private static func sort<T>(_ items: inout [T], bytes: Int, key: (T) -> UInt64) {
        let n = items.count
        guard n > 1, bytes > 0 else { return }
        var counts = [Int](repeating: 0, count: 256 * bytes)
        items.withUnsafeBufferPointer { v in
            counts.withUnsafeMutableBufferPointer { c in
                for item in v {
                    let x = key(item)
                    for d in 0..<bytes { c[d << 8 | Int(truncatingIfNeeded: x >> UInt64(d * 8)) & 255] += 1 }
                }
            }
        }
        var scratch = items
        for d in 0..<bytes {
            let base = d << 8, shift = UInt64(d * 8)
            // Every key has the same byte here: nothing to do for this digit.
            if counts[base..<(base + 256)].contains(n) { continue }
            var offset = 0
            for k in base..<(base + 256) { let c = counts[k]; counts[k] = offset; offset += c }
            items.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    counts.withUnsafeMutableBufferPointer { c in
                        for item in source {
                            let digit = base | Int(truncatingIfNeeded: key(item) >> shift) & 255
                            target[c[digit]] = item
                            c[digit] += 1
                        }
                    }
                }
            }
            swap(&items, &scratch)
        }
    }
}
