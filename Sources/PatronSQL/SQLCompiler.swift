import PatronAnalysis
import PatronPlan
import PatronStore
import PatronSyntax

/// How each SQL engine patron compiles for spells what the compiler writes.
extension SQLDialect {
    /// Integer division, rounding toward zero (operands are non-negative here).
    func divide(_ a: String, _ b: String) -> String {
        switch self {
        case .duckdb: return "(\(a)) // (\(b))"
        case .postgres: return "div(\(a), \(b))"
        case .spark: return "((\(a)) div (\(b)))"
        case .trino: return "((\(a)) / (\(b)))"          // bigint / bigint truncates
        case .bigquery: return "DIV(\(a), \(b))"
        case .snowflake: return "FLOOR((\(a)) / (\(b)))"
        }
    }

    /// The remainder of a whole-number division.
    func remainder(_ a: String, _ b: String) -> String {
        self == .bigquery ? "MOD(\(a), \(b))" : "(\(a)) % \(b)"
    }

    /// A name quoted as an identifier, as each engine's documentation defines it: Spark doubles a
    /// backquote; BigQuery's backquoted names take string escapes (a backslash and a backquote are
    /// escaped, a line break written as \n); the others double a double quote. With `literal`, the
    /// only door through which a user's text reaches SQL.
    public func quote(_ name: String) -> String {
        switch self {
        case .spark: return "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
        case .bigquery: return "`" + Self.backslashEscaped(name, quote: "`") + "`"
        default: return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }

    /// Text for an engine whose quoted text takes backslash escapes: the backslash and the quote
    /// escaped, line breaks and other control characters as \n, \r, \t or \uXXXX (a BigQuery
    /// literal cannot hold a raw line break). With no quote: a comment line's text.
    static func backslashEscaped(_ text: String, quote: Character?) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where quote.map({ Character(scalar) == $0 }) == true: out += "\\" + String(scalar)
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A `--` comment line holding `text`, which may be a user's path, name or statement: every line
    /// break and control character in it is written as an escape (`\n`, `\u{2028}`), so nothing in
    /// it can end the comment and reach the engine as SQL. The one door for text into a comment.
    public static func comment(_ text: String) -> String {
        "-- " + backslashEscaped(text, quote: nil)
    }

    /// A string literal, as each engine's documentation defines it: Spark, BigQuery and Snowflake
    /// read backslash escapes in single-quoted text (a Snowflake '\\b' is a backspace), so the
    /// backslash and the quote are escaped; DuckDB, Trino and PostgreSQL (whose connections pin
    /// standard_conforming_strings on, and whose compiled scripts set it) double the quote only.
    func literal(_ text: String) -> String {
        switch self {
        case .spark, .bigquery, .snowflake:
            return "'" + Self.backslashEscaped(text, quote: "'") + "'"
        default:
            return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        }
    }

    /// The distinct non-null values of one column of a table, as text.
    public func distinctValues(of column: String, in table: String) -> String {
        "SELECT CAST(\(quote(column)) AS TEXT) FROM \(table) WHERE \(quote(column)) IS NOT NULL GROUP BY 1"
    }

    /// What a script compiled for this engine sets first, so that its literals and dates mean what
    /// patron means whatever the server's defaults are.
    public var preamble: String? {
        self == .postgres ? "SET standard_conforming_strings = on; SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3;" : nil
    }

    /// Where `needle` starts in `text` (1-based, by code point), 0 when it is not there.
    func position(of needle: String, in text: String) -> String {
        switch self {
        case .spark: return "instr(\(text), \(needle))"
        case .snowflake: return "POSITION(\(needle), \(text))"
        default: return "strpos(\(text), \(needle))"
        }
    }

    /// The floating-point type.
    var double: String {
        switch self {
        case .duckdb, .postgres: return "DOUBLE PRECISION"
        case .bigquery: return "FLOAT64"
        default: return "DOUBLE"
        }
    }

    /// How text keys are ordered by code point.
    /// A text key ordered by code point: on PostgreSQL cast to text first, so a json, jsonb or uuid
    /// column patron reads as text takes the collation too (it refused one).
    func byCodePoint(_ key: String) -> String { self == .postgres ? "CAST(\(key) AS TEXT) COLLATE \"C\"" : key }

    /// Whether the engine has an exact (interpolated, not approximate) median as an aggregate.
    var hasExactMedian: Bool { ![.trino, .bigquery].contains(self) }
}

/// Why a statement cannot be compiled: what, and for which dialect.
public struct SQLError: Error, Sendable, Equatable {
    public let message: String
    public let hints: [String]

    public init(message: String, hints: [String]) {
        self.message = message
        self.hints = hints
    }
}

/// Compiles bound statements to SQL that gives the answers patron gives in memory, as
/// docs/sql.md writes them down: cut points are exact type-7 quantiles found from the two
/// neighbouring order statistics (so equal values always share a level), conditions keep SQL's
/// three-valued logic, decimals stay exact.
public struct SQLCompiler: Sendable {
    public let dialect: SQLDialect

    public init(dialect: SQLDialect) {
        self.dialect = dialect
    }

    /// `segment where …` over `source` (a table name, quoted by the compiler): one row with
    /// `rows` (the segment's size), `total` (the rows in scope), `part` and `whole` (its profit
    /// and all profit, exact, when the table has a profit column), and for each level column the
    /// order statistics its cut points come from.
    public func segment(_ segment: BoundSegment, from source: String? = nil) throws(SQLError) -> String {
        try compile(segment, from: source).sql
    }

    /// A segment's SQL, with what is needed to read its answer row back.
    public func compile(_ segment: BoundSegment, from source: String? = nil) throws(SQLError) -> CompiledSegment {
        let (plan, statistics) = try lowered { () throws(PlanError) in try Lowered.segment(segment) }
        let sql = try write(plan, comment: "patron: segment where \(segment.text)", from: source)
        return CompiledSegment(sql: sql, columns: plan.schema.fields.map(\.name), statistics: statistics, segment: segment)
    }

    /// A plan as one statement in this dialect: its base relation read from `source` (a relation
    /// patron wrote) or the table itself, after a comment line.
    func write(_ plan: Plan, comment: String?, from source: String?) throws(SQLError) -> String {
        var writer = PlanSQL(plan, dialect: dialect, from: source)
        return try writer.text(plan, comment: comment)
    }

    /// A plan as one query in this dialect, its base relation read from `source` (or the table).
    public func query(_ plan: Plan, from source: String? = nil) throws(SQLError) -> String {
        try write(plan, comment: nil, from: source)
    }

    /// A lowering, its refusal said as this dialect's.
    func lowered<T>(_ lower: () throws(PlanError) -> T) throws(SQLError) -> T {
        do { return try lower() } catch {
            throw SQLError(message: "\(error.what) cannot be compiled to \(dialect.rawValue) SQL yet", hints: ["run it in memory: load the table into patron"])
        }
    }
}

extension SQLCompiler {
    /// The rows of `table` where `condition` holds, every column; in no stated order, or by
    /// `column` descending (nulls last), then by the first column; at most `limit`; or by every column.
    public func rows(_ table: Table, where condition: BoundCondition, levels: [LevelCuts] = [], from source: String? = nil,
                     descending column: Int? = nil, limit: Int? = nil, everyColumn: Bool = false, columns: [Int]? = nil) throws(SQLError) -> String {
        let plan = try lowered { () throws(PlanError) in
            try Lowered.rows(table, where: condition, levels: levels, descending: column, limit: limit, everyColumn: everyColumn, columns: columns)
        }
        let sql = try write(plan, comment: nil, from: source)
        return String(sql.dropLast())
    }
}

/// A compiled segment: its SQL, the names of the answer's columns in order, and the order
/// statistics it reads back.
public struct CompiledSegment: Sendable {
    public let sql: String
    public let columns: [String]
    let statistics: [OrderStatistics]
    let segment: BoundSegment
}
