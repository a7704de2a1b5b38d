/// The dictionary codes of a text column, stored in the narrowest width that holds them:
/// one byte per row for up to 256 distinct values, two up to 65,536, four beyond.
public struct TextCodes: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
    enum Storage: Sendable, Equatable {
        case narrow([UInt8])
        case medium([UInt16])
        case wide([UInt32])
    }

    let storage: Storage

    /// Codes for a dictionary of `dictionarySize` entries, narrowed to fit.
    public init(_ codes: [UInt32], dictionarySize: Int) {
        if dictionarySize <= 256 {
            storage = .narrow(codes.map { UInt8(truncatingIfNeeded: $0) })
        } else if dictionarySize <= 65_536 {
            storage = .medium(codes.map { UInt16(truncatingIfNeeded: $0) })
        } else {
            storage = .wide(codes)
        }
    }

    /// Codes as written (narrowed to fit their largest value).
    public init(arrayLiteral elements: UInt32...) {
        self.init(elements, dictionarySize: Int(elements.max() ?? 0) + 1)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .narrow(let v): return v.count
        case .medium(let v): return v.count
        case .wide(let v): return v.count
        }
    }

    @inlinable public func index(after i: Int) -> Int { i + 1 }
    @inlinable public func index(before i: Int) -> Int { i - 1 }

    /// The code of row `i`.
    public subscript(i: Int) -> UInt32 {
        switch storage {
        case .narrow(let v): return UInt32(v[i])
        case .medium(let v): return UInt32(v[i])
        case .wide(let v): return v[i]
        }
    }

    /// Copies the codes of `rows` to `out`, widened to four bytes: one tight loop per width,
    /// for block-at-a-time work that would otherwise switch on the width for every row.
    public func copy(_ rows: Range<Int>, to out: UnsafeMutablePointer<UInt32>) {
        switch storage {
        case .narrow(let v): v.withUnsafeBufferPointer { v in for (i, row) in rows.enumerated() { out[i] = UInt32(v[row]) } }
        case .medium(let v): v.withUnsafeBufferPointer { v in for (i, row) in rows.enumerated() { out[i] = UInt32(v[row]) } }
        case .wide(let v): v.withUnsafeBufferPointer { v in for (i, row) in rows.enumerated() { out[i] = v[row] } }
        }
    }

    /// Bytes per code.
    public var width: Int {
        switch storage {
        case .narrow: return 1
        case .medium: return 2
        case .wide: return 4
        }
    }
}

extension TextCodes {
    /// Collects codes in the narrowest width so far, widening (once per width) as the dictionary grows,
    /// so a load never holds four bytes per row for a column of a few distinct values.
    public struct Builder: Sendable {
        private var narrow: [UInt8] = []
        private var medium: [UInt16] = []
        private var wide: [UInt32] = []
        private(set) var width = 1
        private var capacity = 0

        /// A builder with room for `capacity` codes.
        public init(capacity: Int) {
            self.capacity = capacity
            narrow.reserveCapacity(capacity)
        }

        /// The codes collected.
        public var count: Int { width == 1 ? narrow.count : width == 2 ? medium.count : wide.count }

        subscript(i: Int) -> UInt32 { width == 1 ? UInt32(narrow[i]) : width == 2 ? UInt32(medium[i]) : wide[i] }

        /// Adds one code.
        @inline(__always)
        public mutating func append(_ code: UInt32) {
            if width == 1 && code < 256 { narrow.append(UInt8(truncatingIfNeeded: code)); return }
            if width == 2 && code < 65_536 { medium.append(UInt16(truncatingIfNeeded: code)); return }
            if width == 4 { wide.append(code); return }
            widen(to: code < 65_536 ? 2 : 4)
            append(code)
        }

        /// Room for `extra` more codes.
        public mutating func reserve(_ extra: Int) {
            switch width {
            case 1: narrow.reserveCapacity(narrow.count + extra)
            case 2: medium.reserveCapacity(medium.count + extra)
            default: wide.reserveCapacity(wide.count + extra)
            }
        }

        private mutating func widen(to newWidth: Int) {
            let room = Swift.max(capacity, count + 1)
            if newWidth == 2 {
                medium.reserveCapacity(room)
                for c in narrow { medium.append(UInt16(c)) }
                narrow = []
            } else {
                wide.reserveCapacity(room)
                if width == 1 { for c in narrow { wide.append(UInt32(c)) } } else { for c in medium { wide.append(UInt32(c)) } }
                narrow = []
                medium = []
            }
            width = newWidth
        }

        mutating func truncate(to rows: Int) {
            switch width {
            case 1: narrow.removeLast(narrow.count - rows)
            case 2: medium.removeLast(medium.count - rows)
            default: wide.removeLast(wide.count - rows)
            }
        }

        /// The codes, without a copy.
        public func build() -> TextCodes {
            switch width {
            case 1: return TextCodes(storage: .narrow(narrow))
            case 2: return TextCodes(storage: .medium(medium))
            default: return TextCodes(storage: .wide(wide))
            }
        }
    }

    init(storage: Storage) { self.storage = storage }
}

/// Text compared as docs/sql.md says every engine compares it: by code point, never by Unicode's
/// canonical equivalence (Swift's `String ==` and `<` take `é` and `e` + a combining acute as
/// equal; DuckDB and PostgreSQL with `COLLATE "C"` do not). UTF-8's byte order is code-point order.
public struct CodePointText: Comparable, Hashable, Sendable {
    public let text: String
    public init(_ text: String) { self.text = text }
    public static func == (a: Self, b: Self) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
    public static func < (a: Self, b: Self) -> Bool { a.text.utf8.lexicographicallyPrecedes(b.text.utf8) }
    public func hash(into hasher: inout Hasher) { for byte in text.utf8 { hasher.combine(byte) } }

    /// Whether `text` holds `needle` as a run of code points.
    public static func contains(_ text: String, _ needle: String) -> Bool {
        let haystack = Array(text.utf8), wanted = Array(needle.utf8)
        guard !wanted.isEmpty else { return true }
        guard haystack.count >= wanted.count else { return false }
        for start in 0...(haystack.count - wanted.count) where haystack[start] == wanted[0] {
            if haystack[start..<(start + wanted.count)].elementsEqual(wanted) { return true }
        }
        return false
    }

    /// Whether `text` starts with the code points of `prefix`.
    public static func hasPrefix(_ text: String, _ prefix: String) -> Bool { text.utf8.starts(with: prefix.utf8) }
}
