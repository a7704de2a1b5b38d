/// One bit per row; a set bit marks a null. An all-valid bitmap stores no words.
public struct NullBitmap: Sendable, Equatable {
    /// The words, 64 rows each; empty when no row is null.
    public private(set) var words: [UInt64]
    /// The number of rows covered.
    public private(set) var count: Int
    /// The number of null rows.
    public private(set) var nullCount: Int

    /// A bitmap of `count` rows, none null.
    public init(count: Int = 0) {
        self.words = []
        self.count = count
        self.nullCount = 0
    }

    /// Whether `row` is null.
    @inlinable public func contains(_ row: Int) -> Bool {
        if nullCount == 0 { return false }
        return words[row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    /// Appends one row.
    public mutating func append(isNull: Bool) {
        if isNull {
            if words.isEmpty && count > 0 { words = Array(repeating: 0, count: (count + 63) / 64) }
            while words.count <= count >> 6 { words.append(0) }
            words[count >> 6] |= 1 << UInt64(count & 63)
            nullCount += 1
        } else if !words.isEmpty {
            while words.count <= count >> 6 { words.append(0) }
        }
        count += 1
    }

    /// Drops rows from `rows` on.
    public mutating func truncate(to rows: Int) {
        guard rows < count else { return }
        if !words.isEmpty {
            for row in rows..<count where contains(row) {
                words[row >> 6] &= ~(1 << UInt64(row & 63))
                nullCount -= 1
            }
            words.removeLast(words.count - (rows + 63) / 64)
        }
        count = rows
        if nullCount == 0 { words = [] }
    }

    /// Appends another bitmap's rows after these.
    public mutating func append(contentsOf other: NullBitmap) {
        if other.nullCount == 0 {
            if !words.isEmpty { words.append(contentsOf: repeatElement(0, count: (count + other.count + 63) / 64 - words.count)) }
            count += other.count
            return
        }
        if words.isEmpty { words = Array(repeating: 0, count: (count + 63) / 64) }
        words.append(contentsOf: repeatElement(0, count: (count + other.count + 63) / 64 - words.count))
        for row in 0..<other.count where other.contains(row) {
            let target = count + row
            words[target >> 6] |= 1 << UInt64(target & 63)
        }
        count += other.count
        nullCount += other.nullCount
    }
}
