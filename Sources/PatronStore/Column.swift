/// The type of a column's values.
public enum ColumnType: String, Sendable, CaseIterable {
    case integer, decimal, text, boolean, date, timestamp

    /// Whether values of this type are numbers that can be ordered and summed.
    public var isNumeric: Bool { self == .integer || self == .decimal }
}

/// The contiguous values of one column, by type. Null slots hold a zero value.
public enum ColumnStorage: Sendable {
    /// 64-bit signed integers.
    case integer([Int64])
    /// Fixed-point decimals: each value is `mantissa / 10^scale`, so sums of money are exact.
    case decimal([Int64], scale: Int)
    /// Dictionary-encoded text: each row holds a code into `dictionary`.
    case text(codes: TextCodes, dictionary: [String])
    /// Booleans.
    case boolean([Bool])
    /// Dates as days since 1970-01-01.
    case date([Int32])
    /// Timestamps as microseconds since 1970-01-01 00:00:00 (no time zone).
    case timestamp([Int64])
}

/// A named, typed column with a null bitmap.
public struct Column: Sendable {
    /// The column's name as it appears in the file or the derivation.
    public let name: String
    /// The values.
    public let storage: ColumnStorage
    /// Which rows are null.
    public let nulls: NullBitmap
    /// Why the loader chose this type (shown by `describe`).
    public var evidence: TypeEvidence

    /// Creates a column; `nulls` must have one bit per value.
    public init(name: String, storage: ColumnStorage, nulls: NullBitmap, evidence: TypeEvidence = .builtIn("")) {
        self.name = name
        self.storage = storage
        self.nulls = nulls
        self.evidence = evidence
    }

    /// The type of the column's values.
    public var type: ColumnType {
        switch storage {
        case .integer: return .integer
        case .decimal: return .decimal
        case .text: return .text
        case .boolean: return .boolean
        case .date: return .date
        case .timestamp: return .timestamp
        }
    }

    /// The number of rows.
    public var count: Int {
        switch storage {
        case .integer(let v): return v.count
        case .decimal(let v, _): return v.count
        case .text(let codes, _): return codes.count
        case .boolean(let v): return v.count
        case .date(let v): return v.count
        case .timestamp(let v): return v.count
        }
    }

    /// The decimals of a decimal column; 0 for every other type.
    public var decimalScale: Int {
        if case .decimal(_, let scale) = storage { return scale }
        return 0
    }

    /// Whether row `row` is null.
    @inlinable public func isNull(_ row: Int) -> Bool { nulls.contains(row) }

    /// The numeric value of a row as a `Double` (nil for nulls and non-numeric columns).
    public func doubleValue(_ row: Int) -> Double? {
        if nulls.contains(row) { return nil }
        switch storage {
        case .integer(let v): return Double(v[row])
        case .decimal(let v, let scale): return Double(v[row]) / powerOfTen(scale)
        default: return nil
        }
    }

    /// Checks the column's internal consistency; returns a description of the first problem.
    public func invariantViolation() -> String? {
        if nulls.count != count { return "column '\(name)': null bitmap has \(nulls.count) bits for \(count) values" }
        switch storage {
        case .decimal(_, let scale):
            if !(0...18).contains(scale) { return "column '\(name)': decimal scale \(scale) outside 0...18" }
        case .text(let codes, let dictionary):
            // Null rows hold code 0 whatever the dictionary; every other code must name an entry.
            if let row = codes.indices.first(where: { Int(codes[$0]) >= dictionary.count && !nulls.contains($0) }) {
                return "column '\(name)': text code \(codes[row]) beyond a dictionary of \(dictionary.count)"
            }
            if Set(dictionary.map(CodePointText.init)).count != dictionary.count { return "column '\(name)': dictionary has duplicate entries" }
        default:
            break
        }
        return nil
    }
}

/// 10 raised to `exponent` (0...18) as a `Double`.
@inlinable public func powerOfTen(_ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<max(0, exponent) { result *= 10 }
    return result
}

/// 10 raised to `exponent` (0...18) as an `Int64`.
@inlinable public func integerPowerOfTen(_ exponent: Int) -> Int64 {
    var result: Int64 = 1
    for _ in 0..<min(max(0, exponent), 18) { result &*= 10 }
    return result
}
