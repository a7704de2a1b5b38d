import PatronAnalysis
import PatronPlan
import PatronStore

extension SQLDialect {
    /// Whole days from date `a` to date `b` (b − a).
    func days(from a: String, to b: String) -> String {
        switch self {
        case .duckdb: return "date_diff('day', \(a), \(b))"
        case .postgres: return "(\(b) - \(a))"
        case .spark: return "datediff(\(b), \(a))"
        case .trino: return "date_diff('day', \(a), \(b))"
        case .bigquery: return "DATE_DIFF(\(b), \(a), DAY)"
        case .snowflake: return "DATEDIFF(day, \(a), \(b))"
        }
    }
}

extension SQLCompiler {
    /// `customers from ORDERS by ID [as of DATE] [with …] [only …]`: one row per customer, in
    /// customer order, with the figures patron derives in memory: exact sums, the average order
    /// value rounded half away from zero at the amount's scale, loyalty as the months with a
    /// purchase among the 12 up to the as-of date, to 4 places, rounded half up.
    public func customers(_ spec: BoundCustomers, from source: String? = nil, creating: Bool = false) throws(SQLError) -> String {
        let plan = try lowered { () throws(PlanError) in try Lowered.customers(spec) }
        var sql = SQLDialect.comment("patron: customers from \(spec.orders.name) by \(spec.orders.columns[spec.id].name)") + "\n"
        if creating {
            // In a compiled script the customer table is made, so the statements after it read it.
            let name = dialect.quote(spec.name)
            switch dialect {
            case .duckdb: sql += "CREATE OR REPLACE TABLE \(name) AS\n"
            case .spark: sql += "CREATE OR REPLACE TEMPORARY VIEW \(name) AS\n"
            default: sql += "CREATE TABLE \(name) AS\n"
            }
        }
        return sql + (try write(plan, comment: nil, from: source))
    }
}

extension SQLCompiler {
    /// What a `load` becomes in a compiled script: the table with the columns patron read, filled
    /// from the same file where the engine can read it as patron did (DuckDB, Spark): the
    /// delimiter and header patron found, its null markers, decimal mark and date format, given
    /// or by default. Where the engine's reader cannot follow an option, the table is to be
    /// filled by hand, and the comment says which option.
    public func source(_ table: Table, path: String, options: LoadOptions, delimiter: LoadOptions.Delimiter?, header: Bool) -> String {
        let name = dialect.quote(table.name)
        var sql = SQLDialect.comment("patron: load \"\(path)\" as \(table.name)") + "\n"
        let lower = path.lowercased()
        let json = lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".json")
        var separator: String? = nil
        if case .byte(let b)? = delimiter { separator = String(UnicodeScalar(b)) }
        let unfollowable: String?
        if json { unfollowable = "a JSON lines file" }
        else if separator == nil { unfollowable = "fields separated by runs of spaces" }
        else if options.thousandsSeparator != nil { unfollowable = "a thousands separator" }
        else if options.skipBadRecords { unfollowable = "skip_bad_records" }
        else if options.columns?.contains(where: { $0.format != nil }) == true { unfollowable = "a date format per column" }
        else { unfollowable = nil }
        switch dialect {
        case .duckdb where unfollowable == nil:
            sql += duckDBReader(table, path: path, options: options, separator: separator ?? ",", header: header)
        case .spark where unfollowable == nil:
            sql += sparkReader(table, path: path, options: options, separator: separator ?? ",", header: header)
        default:
            let columns = table.columns.map { "\(dialect.quote($0.name)) \(type(of: $0))" }.joined(separator: ",\n    ")
            let copy = dialect == .postgres && unfollowable == nil ? ", e.g. \\copy \(name) FROM \(dialect.literal(path)) WITH (FORMAT csv, HEADER)" : ""
            let why = (dialect == .duckdb || dialect == .spark) ? unfollowable.map { " (patron read \($0), which this engine's reader cannot follow)" } ?? "" : ""
            sql += "CREATE TABLE \(name) (\n    \(columns)\n);\n" + SQLDialect.comment("fill it from \(path) with this engine's loader" + copy + why)
        }
        return sql + "\n"
    }

    /// A column's type in this dialect, as the load made it.
    func type(of column: Column) -> String {
        switch column.storage {
        case .integer: return "BIGINT"
        case .decimal(_, let scale): return "DECIMAL(18, \(scale))"
        case .text: return dialect == .bigquery || dialect == .spark ? "STRING" : "VARCHAR"
        case .boolean: return "BOOLEAN"
        case .date: return "DATE"
        case .timestamp: return "TIMESTAMP"
        }
    }

    /// DuckDB's reader told everything: its columns and types, patron's null markers, RFC 4180
    /// quotes (a quote doubled, line breaks inside), the decimal mark and the date format.
    private func duckDBReader(_ table: Table, path: String, options: LoadOptions, separator: String, header: Bool) -> String {
        let columns = table.columns.map { "\(dialect.literal($0.name)): \(dialect.literal(type(of: $0)))" }.joined(separator: ", ")
        let nulls = ([""] + options.nullMarkers).map(dialect.literal).joined(separator: ", ")
        var extra = ""
        if options.decimalMark != UInt8(ascii: ".") { extra += ", decimal_separator = \(dialect.literal(String(UnicodeScalar(options.decimalMark))))" }
        if let format = options.dateFormat {
            extra += ", \(format.hasTime ? "timestampformat" : "dateformat") = \(dialect.literal(Self.strftime(format.pattern)))"
        }
        return "CREATE OR REPLACE TABLE \(dialect.quote(table.name)) AS SELECT * FROM read_csv(\(dialect.literal(path)), header = \(header), auto_detect = false, columns = {\(columns)}, "
            + "delim = \(dialect.literal(separator)), nullstr = [\(nulls)], quote = '\"', escape = '\"'\(extra));"
    }

    /// Spark's reader takes one null marker, so the file is read as text (RFC 4180 as patron
    /// reads it: line breaks inside quotes, a quote escaped by doubling it, not Spark's
    /// backslash) into a view of its own, and the table is a view over it that makes each of
    /// patron's null markers null and casts each column to its type.
    private func sparkReader(_ table: Table, path: String, options: LoadOptions, separator: String, header: Bool) -> String {
        let file = dialect.quote(table.name + "__file")
        let raw = table.columns.map { "\(dialect.quote($0.name)) STRING" }.joined(separator: ", ")
        var sql = "CREATE OR REPLACE TEMPORARY VIEW \(file) (\(raw)) USING csv OPTIONS (path \(dialect.literal(path)), header '\(header)', "
            + "sep \(dialect.literal(separator)), multiLine 'true', escape '\"', quote '\"');\n"
        let markers = ([""] + options.nullMarkers).map(dialect.literal).joined(separator: ", ")
        let columns = table.columns.map { column -> String in
            let name = dialect.quote(column.name)
            let text = "CASE WHEN \(name) IN (\(markers)) THEN NULL ELSE \(name) END"
            let value: String
            switch column.storage {
            case .text: value = text
            case .decimal where options.decimalMark != UInt8(ascii: "."):
                value = "TRY_CAST(replace(\(text), \(dialect.literal(String(UnicodeScalar(options.decimalMark)))), '.') AS \(type(of: column)))"
            case .date where options.dateFormat != nil: value = "to_date(\(text), \(dialect.literal(options.dateFormat!.pattern)))"
            case .timestamp where options.dateFormat != nil: value = "to_timestamp(\(text), \(dialect.literal(options.dateFormat!.pattern)))"
            default: value = "TRY_CAST(\(text) AS \(type(of: column)))"
            }
            return "\(value) AS \(name)"
        }
        sql += "CREATE OR REPLACE TEMPORARY VIEW \(dialect.quote(table.name)) AS\nSELECT " + columns.joined(separator: ",\n       ") + "\nFROM \(file);"
        return sql
    }

    /// patron's date pattern (yyyy, MM, dd, HH, mm, ss) in strftime's letters, for DuckDB.
    static func strftime(_ pattern: String) -> String {
        var out = pattern.replacingOccurrences(of: "%", with: "%%")
        for (ours, theirs) in [("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M"), ("ss", "%S")] {
            out = out.replacingOccurrences(of: ours, with: theirs)
        }
        return out
    }
}
