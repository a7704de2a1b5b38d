/// How to read a delimited file; every field left nil is sniffed from the file.
public struct LoadOptions: Sendable, Equatable {
    /// What separates fields.
    public enum Delimiter: Sendable, Equatable {
        /// One byte, such as `,` `;` tab or `|`.
        case byte(UInt8)
        /// Runs of spaces and tabs (fixed-width exports), leading and trailing ones ignored.
        case whitespace
    }

    /// The field separator (nil: sniffed).
    public var delimiter: Delimiter?
    /// Whether the first record names the columns (nil: sniffed).
    public var header: Bool?
    /// Names and types for the columns, in order (nil: header names and inferred types).
    public var columns: [ColumnSpec]?
    /// Field texts read as null (an empty field is always null).
    public var nullMarkers: [String] = ["NULL", "null", "NA", "N/A"]
    /// Reject bad records and load the rest, instead of stopping at the first.
    public var skipBadRecords = false
    /// A thousands separator inside numbers, such as `,` or `.` (nil: none allowed).
    public var thousandsSeparator: UInt8?
    /// The decimal mark: `.` or `,`.
    public var decimalMark: UInt8 = UInt8(ascii: ".")
    /// A date format for columns whose values match it (day/month order is never guessed).
    public var dateFormat: DateFormat?
    /// The longest field accepted, in bytes.
    public var maxFieldBytes = 16 << 20
    /// How many threads parse a large file.
    public var threads = 2

    /// Options that sniff everything.
    public init() {}
}

/// A column's name and type as given by `with columns (…)`.
public struct ColumnSpec: Sendable, Equatable {
    /// The column's name.
    public var name: String
    /// Its type.
    public var type: ColumnType
    /// For dates and timestamps: the format of the values.
    public var format: DateFormat?

    /// Creates a column spec.
    public init(name: String, type: ColumnType, format: DateFormat? = nil) {
        self.name = name
        self.type = type
        self.format = format
    }
}
