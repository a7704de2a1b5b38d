import PatronAnalysis
import PatronEngine
import PatronStore

/// A JSON value whose objects keep their keys in order, so output is byte-identical run to run.
public indirect enum JSONValue: Sendable, Equatable {
    case string(String)
    /// A number as its exact text (`12.50`, `-3`, `0.25`).
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([Pair])

    public struct Pair: Sendable, Equatable {
        public let key: String
        public let value: JSONValue
        public init(_ key: String, _ value: JSONValue) { self.key = key; self.value = value }
    }

    /// Compact JSON text.
    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    func write(to out: inout String) {
        switch self {
        case .string(let s): JSONValue.quote(s, into: &out)
        case .number(let n): out += n
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let pairs):
            out += "{"
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out += "," }
                JSONValue.quote(pair.key, into: &out)
                out += ":"
                pair.value.write(to: &out)
            }
            out += "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped; other text as UTF-8.
    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// A result as data: named columns of typed cells, plus facts about it (counts, shares, cut
/// points). `--format` and `export` write these; the box tables people read are drawn elsewhere.
public struct ResultTable: Sendable, Equatable {
    /// One cell: numbers keep their exact text and stay numbers in every format.
    public enum Cell: Sendable, Equatable {
        case null
        case text(String)
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

    /// What kind of result this is (`rows`, `segment`, `summary`, …).
    public var kind: String
    public var columns: [String]
    public var rows: [[Cell]]
    /// Facts about the result, in a fixed order.
    public var facts: [JSONValue.Pair]

    public init(kind: String, columns: [String], rows: [[Cell]], facts: [JSONValue.Pair] = []) {
        self.kind = kind
        self.columns = columns
        self.rows = rows
        self.facts = facts
    }

    /// A result that is only text (a message, or a result without a data form yet).
    public static func text(_ text: String) -> ResultTable {
        ResultTable(kind: "text", columns: [], rows: [], facts: [.init("text", .string(text))])
    }

    public var isText: Bool { kind == "text" }

    /// One JSON document: kind, columns, rows, then the facts.
    public var json: JSONValue {
        if isText { return .object([.init("kind", .string(kind))] + facts) }
        return .object([.init("kind", .string(kind)), .init("columns", .array(columns.map(JSONValue.string))),
                        .init("rows", .array(rows.map { .array($0.map(\.json)) }))] + facts)
    }
}

extension ResultTable {
    /// A number without thousands separators: `-1234.50`.
    static func plain<T: BinaryInteger>(_ mantissa: T, scale: Int) -> String {
        NumberFormat.decimal(mantissa, scale: scale).replacingOccurrences(of: ",", with: "")
    }

    /// A floating-point number as the shortest text that reads back the same.
    static func real(_ value: Double) -> Cell {
        value.isFinite ? .number(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)) : .null
    }

    /// One cell of a stored column.
    static func cell(_ column: Column, _ row: Int) -> Cell {
        if column.nulls.contains(row) { return .null }
        switch column.storage {
        case .integer(let v): return .number(String(v[row]))
        case .decimal(let v, let scale): return .number(plain(v[row], scale: scale))
        case .text(let codes, let dictionary): return .text(dictionary[Int(codes[row])])
        case .boolean(let v): return .boolean(v[row])
        case .date(let v): return .text(CalendarDate.isoString(v[row]))
        case .timestamp(let v): return .text(ResultRenderer.timestamp(v[row]))
        }
    }

    /// Rows of a table, every column.
    public static func rows(of table: Table, _ rows: some Sequence<Int>, kind: String = "rows") -> ResultTable {
        ResultTable(kind: kind, columns: table.columns.map(\.name), rows: rows.map { row in table.columns.map { cell($0, row) } },
                    facts: [.init("table", .string(table.name))])
    }

    /// Cut points as data: column, method, level words and cuts.
    static func cutPoints(_ levels: [LevelCuts]) -> JSONValue {
        .array(levels.map { level in
            .object([.init("column", .string(level.column)), .init("method", .string(level.method)),
                     .init("levels", .array(level.words.map(JSONValue.string))), .init("cuts", .array(level.cuts.map { real($0).json }))])
        })
    }

    /// A segment: its size and shares, and the cut points it used.
    public init(_ result: SegmentResult) {
        var columns = ["segment", "rows", "share"], cells: [Cell] = [.text(result.condition), .number(String(result.rows.count)), Self.real(result.share)]
        var facts: [JSONValue.Pair] = [.init("table", .string(result.table.name)), .init("count", .number(String(result.rows.count))),
                                       .init("total", .number(String(result.total))), .init("share", Self.real(result.share).json)]
        if let profit = result.profitColumn {
            columns.append("share_of_\(profit)")
            cells.append(result.profitShare.map(Self.real) ?? .null)
            facts.append(.init("share_of_\(profit)", result.profitShare.map { Self.real($0).json } ?? .null))
        }
        facts.append(.init("cut_points", Self.cutPoints(result.levels)))
        self.init(kind: "segment", columns: columns, rows: [cells], facts: facts)
    }

    /// `summarize … by …` and `count by …`: a row per group.
    public init(_ result: AggregateResult) {
        let table = result.table
        let rows = result.rows.map { row, values in
            result.groupColumns.map { Self.cell(table.columns[$0], row) } + values.map { value -> Cell in
                switch value {
                case .count(let n): return .number(String(n))
                case .exact(let m, let s): return .number(Self.plain(m, scale: s))
                case .real(let d), .share(let d): return Self.real(d)
                case .date(let d): return .text(CalendarDate.isoString(d))
                case .null: return .null
                }
            }
        }
        self.init(kind: "summary", columns: result.groupColumns.map { table.columns[$0].name } + result.labels, rows: rows,
                  facts: [.init("table", .string(table.name)), .init("groups", .number(String(result.groupCount))),
                          .init("rows_in_scope", .number(String(result.scope))), .init("cut_points", Self.cutPoints(result.levels))])
    }

    /// `crosstab a by b`: counts, a row per value of a.
    public init(_ result: CrosstabResult) {
        let table = result.table
        let a = table.columns[result.rowColumn], b = table.columns[result.columnColumn]
        func label(_ column: Column, _ row: Int?) -> String { row.map { ResultRenderer.cell(column, $0) } ?? "(null)" }
        self.init(kind: "crosstab", columns: [a.name] + result.columnKeys.map { label(b, $0) } + ["total"],
                  rows: result.rowKeys.enumerated().map { i, key in
                      [.text(label(a, key))] + result.counts[i].map { .number(String($0)) } + [.number(String(result.counts[i].reduce(0, +)))]
                  },
                  facts: [.init("table", .string(table.name)), .init("rows_in_scope", .number(String(result.scope)))])
    }

    /// `describe`: each column's type and why.
    public static func schema(_ table: Table) -> ResultTable {
        ResultTable(kind: "schema", columns: ["column", "type", "nulls", "why"], rows: table.columns.map { column in
            var type = column.type.rawValue
            if case .decimal(_, let scale) = column.storage { type += "(\(scale))" }
            return [.text(column.name), .text(type), .number(String(column.nulls.nullCount)), .text(ResultRenderer.evidence(column.evidence))]
        }, facts: [.init("table", .string(table.name)), .init("rows", .number(String(table.rowCount)))])
    }
}
