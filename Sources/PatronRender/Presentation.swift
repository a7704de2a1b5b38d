import PatronAnalysis
import PatronStore

/// A result in its data form: named columns of typed cells and facts about them, plus the
/// layout of its text (lines, the table, charts). The presenter makes it once per result; the
/// box text, the charts, CSV, TSV, JSON, JSON Lines, Markdown and `export result` are all drawn
/// from it, so a figure printed in the text is in the data too.
public struct Presentation: Sendable, Equatable {
    /// One column: its name in the data, its heading on screen, and where it appears.
    public struct Field: Sendable, Equatable {
        /// The column's name in every data format (stable, English, snake_case).
        public let key: String
        /// Its heading in the box table (in the session's language).
        public let heading: String
        public let alignment: TextTable.Alignment
        /// Whether the box table shows it (a matrix's rows are drawn as a grid instead).
        public let isDrawn: Bool
        /// Whether its cells are shares (0 to 1) drawn shaded, as a heatmap (a cohort table).
        public let isShaded: Bool

        public init(_ key: String, heading: String? = nil, _ alignment: TextTable.Alignment = .left, isDrawn: Bool = true, isShaded: Bool = false) {
            self.key = key
            self.heading = heading ?? key
            self.alignment = alignment
            self.isDrawn = isDrawn
            self.isShaded = isShaded
        }
    }

    /// One cell: its value for the data formats and its text for people, made together.
    public struct Cell: Sendable, Equatable {
        /// The value in data formats.
        public enum Value: Sendable, Equatable {
            case null
            case text(String)
            /// A number as its exact text (`12.50`, `-3`, `0.25`).
            case number(String)
            case boolean(Bool)

            var json: JSONValue {
                switch self {
                case .null: return .null
                case .text(let t): return .string(t)
                case .number(let n): return .number(n)
                case .boolean(let b): return .bool(b)
                }
            }
        }
        public let value: Value
        /// The text in the box table.
        public let display: String

        public init(_ value: Value, display: String) {
            self.value = value
            self.display = display
        }
    }

    /// A piece of the text form, in order.
    public enum Block: Sendable, Equatable {
        /// A line (or lines) of prose.
        case line(String)
        /// The table, with a bar column drawn from the counts of field `bars` when given.
        case table(bars: Int?)
        /// A chart drawn from values that are also in the data.
        case chart(Chart)
    }

    /// What kind of result this is (`segment`, `summary`, `matrix`, …; `text` for a message).
    public var kind: String
    public var fields: [Field]
    public var rows: [[Cell]]
    /// Facts about the result, in a fixed order.
    public var facts: [JSONValue.Pair]
    /// The text form's layout.
    public var blocks: [Block]
    /// Whether this confirms what a statement did (loaded, derived, defined): `--quiet` leaves
    /// it out, it does not replace the result `export result` writes, and the table formats
    /// (CSV, TSV, JSON Lines) send its text to standard error.
    public var isConfirmation: Bool

    public init(kind: String, fields: [Field] = [], rows: [[Cell]] = [], facts: [JSONValue.Pair] = [], blocks: [Block], isConfirmation: Bool = false) {
        self.kind = kind
        self.fields = fields
        self.rows = rows
        self.facts = facts
        self.blocks = blocks
        self.isConfirmation = isConfirmation
    }

    /// A plain message.
    public static func message(_ text: String, isConfirmation: Bool = false) -> Presentation {
        Presentation(kind: "text", facts: [.init("text", .string(text))], blocks: [.line(text)], isConfirmation: isConfirmation)
    }

    /// Whether the result has no table (a message, a definition).
    public var isText: Bool { fields.isEmpty }

    /// The column names in the data formats.
    public var columns: [String] { fields.map(\.key) }

    /// What is wrong with the presentation, if anything: every row as wide as the fields, field
    /// keys and fact keys unique and apart from `kind`, `columns` and `rows`, bars on a field.
    public func checkInvariants() -> [String] {
        var problems: [String] = []
        for (i, row) in rows.enumerated() where row.count != fields.count { problems.append("row \(i) has \(row.count) cells for \(fields.count) fields") }
        let keys = ["kind", "columns", "rows"] + facts.map(\.key)
        if Set(keys).count != keys.count { problems.append("fact keys repeat: \(keys)") }
        if Set(columns).count != columns.count { problems.append("field keys repeat: \(columns)") }
        for case .table(let bars?) in blocks where bars >= fields.count { problems.append("bars on field \(bars) of \(fields.count)") }
        return problems
    }

    /// One JSON document: kind, then columns and rows when there is a table, then the facts.
    public var json: JSONValue {
        var pairs: [JSONValue.Pair] = [.init("kind", .string(kind))]
        if !fields.isEmpty {
            pairs.append(.init("columns", .array(columns.map(JSONValue.string))))
            pairs.append(.init("rows", .array(rows.map { .array($0.map(\.value.json)) })))
        }
        return .object(pairs + facts)
    }
}

/// The terminal charts, as the values they are drawn from.
public enum Chart: Sendable, Equatable {
    /// The matrix's 2×2: headings across and down, each cell's text, each cell's share of the
    /// rows (its area in the drawing) and, when there is one, its share of the value.
    case grid(corner: String, across: [String], down: [String], cells: [[String]], areas: [[Double]], values: [[Double]]?)
    /// A cumulative curve: the share of rows so far and their share of the value; `marker`, the
    /// exact point the headline names (the share of rows that makes A of the value).
    case curve([CurvePoint], marker: CurvePoint?)
    /// Counts by two scores (R down, F across), shaded.
    case heatmap([[Int]], caption: String)
    /// Actual against expected for each label, as pairs of bars on one scale.
    case comparison(labels: [String], actual: [Double], expected: [Double], names: (String, String))

    public static func == (a: Chart, b: Chart) -> Bool {
        switch (a, b) {
        case (.grid(let c1, let a1, let d1, let x1, let r1, let v1), .grid(let c2, let a2, let d2, let x2, let r2, let v2)):
            return c1 == c2 && a1 == a2 && d1 == d2 && x1 == x2 && r1 == r2 && v1 == v2
        case (.curve(let p1, let m1), .curve(let p2, let m2)): return p1 == p2 && m1 == m2
        case (.heatmap(let h1, let c1), .heatmap(let h2, let c2)): return h1 == h2 && c1 == c2
        case (.comparison(let l1, let a1, let e1, let n1), .comparison(let l2, let a2, let e2, let n2)): return l1 == l2 && a1 == a2 && e1 == e2 && n1 == n2
        default: return false
        }
    }
}

/// A point of a cumulative curve.
public struct CurvePoint: Sendable, Equatable {
    public let rows: Double
    public let value: Double
    public init(rows: Double, value: Double) {
        self.rows = rows
        self.value = value
    }
}

extension Presentation.Cell {
    /// A null: empty on screen (or the given text, e.g. `n/a`), null in the data.
    public static func null(_ display: String = "") -> Self { Self(.null, display: display) }

    /// Text, the same on screen and in the data.
    public static func text(_ text: String) -> Self { Self(.text(text), display: text) }

    /// Text whose data is a stable key and whose screen text is in the reader's language.
    public static func text(_ key: String, shown: String) -> Self { Self(.text(key), display: shown) }

    /// A count: grouped on screen (`1,234`), a plain number in the data.
    public static func count(_ n: Int) -> Self { Self(.number(String(n)), display: NumberFormat.grouped(n)) }

    /// A share: a percentage on screen, a fraction in the data; n/a when there is nothing to share.
    public static func share(_ part: Double, of whole: Double, unavailable: String = "n/a") -> Self {
        whole == 0 ? .null(unavailable) : share(part / whole)
    }

    /// A fraction shown as a percentage.
    public static func share(_ fraction: Double) -> Self { Self(real(fraction), display: NumberFormat.percent(fraction)) }

    /// A floating-point number shown with `digits` decimals.
    public static func number(_ value: Double, digits: Int) -> Self { Self(real(value), display: NumberFormat.fixed(value, digits: digits)) }

    /// An exact decimal.
    public static func exact<T: BinaryInteger>(_ mantissa: T, scale: Int) -> Self {
        Self(.number(plain(mantissa, scale: scale)), display: NumberFormat.decimal(mantissa, scale: scale))
    }

    /// A cell of a stored column: its value, and its text as `show` prints it.
    public static func stored(_ column: Column, _ row: Int, null: String = "") -> Self {
        if column.nulls.contains(row) { return .null(null) }
        let value: Value
        switch column.storage {
        case .integer(let v): value = .number(String(v[row]))
        case .decimal(let v, let scale): value = .number(plain(v[row], scale: scale))
        case .text(let codes, let dictionary): value = .text(dictionary[Int(codes[row])])
        case .boolean(let v): value = .boolean(v[row])
        case .date(let v): value = .text(CalendarDate.isoString(v[row]))
        case .timestamp(let v): value = .text(Formatting.timestamp(v[row]))
        }
        return Self(value, display: Formatting.cell(column, row))
    }

    /// A number without thousands separators: `-1234.50`.
    static func plain<T: BinaryInteger>(_ mantissa: T, scale: Int) -> String { ExactDecimal.text(mantissa, scale: scale) }

    /// A floating-point number as the shortest text that reads back the same (null when not finite).
    static func real(_ value: Double) -> Value {
        value.isFinite ? .number(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : NumberFormat.shortest(value)) : .null
    }
}

extension JSONValue {
    /// A floating-point number as JSON (null when not finite).
    static func real(_ value: Double) -> JSONValue { Presentation.Cell.real(value).json }
    /// A whole number as JSON.
    static func count(_ n: Int) -> JSONValue { .number(String(n)) }
}

extension Presentation {
    /// The result's rows as a table, for writing to a server: a column of whole numbers is an
    /// integer column, of other numbers a decimal one at the most decimals any value has, of
    /// true/false a boolean one, anything else text.
    public func asTable(named name: String) -> Table {
        let columns = fields.indices.map { c -> Column in
            let values = rows.map { $0[c].value }
            var nulls = NullBitmap()
            for value in values { nulls.append(isNull: value == .null) }
            let numbers = values.compactMap { value -> (Int64, Int)? in
                guard case .number(let text) = value else { return nil }
                return Self.exact(text)
            }
            let nonNull = values.filter { $0 != .null }.count
            if nonNull > 0, numbers.count == nonNull, let scale = numbers.map(\.1).max(), scale <= 18 {
                var mantissas: [Int64] = []
                var fits = true
                var i = 0
                for value in values {
                    guard value != .null else { mantissas.append(0); continue }
                    var (m, s) = numbers[i]
                    i += 1
                    while s < scale {
                        let (next, overflow) = m.multipliedReportingOverflow(by: 10)
                        fits = fits && !overflow
                        m = next
                        s += 1
                    }
                    mantissas.append(m)
                }
                if fits { return Column(name: fields[c].key, storage: scale == 0 ? .integer(mantissas) : .decimal(mantissas, scale: scale), nulls: nulls) }
            }
            if nonNull > 0, values.allSatisfy({ if case .boolean = $0 { return true } else { return $0 == .null } }) {
                return Column(name: fields[c].key, storage: .boolean(values.map { $0 == .boolean(true) }), nulls: nulls)
            }
            var dictionary = TextDictionaryBuilder()
            let codes = values.map { value -> UInt32 in
                switch value {
                case .text(let t), .number(let t): return dictionary.code(of: t)
                case .boolean(let b): return dictionary.code(of: b ? "true" : "false")
                case .null: return 0
                }
            }
            return Column(name: fields[c].key, storage: .text(codes: TextCodes(codes, dictionarySize: dictionary.count), dictionary: dictionary.strings()), nulls: nulls)
        }
        return Table(name: name, columns: columns, rowCount: rows.count, origin: .scratch)
    }

    /// A plain decimal number's mantissa and scale (`-12.50` → -1250, 2); nil for other forms.
    static func exact(_ text: String) -> (Int64, Int)? {
        guard let exact = ExactDecimal(text), let mantissa = Int64(exactly: exact.mantissa) else { return nil }
        return (mantissa, exact.scale)
    }
}
