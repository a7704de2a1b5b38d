import PatronAnalysis
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

    /// An exact decimal of `scale` places from a whole number of its smallest units.
    func decimal(units: String, scale: Int) -> String {
        guard scale > 0 else { return "CAST(\(units) AS BIGINT)" }
        let step = "0." + String(repeating: "0", count: scale - 1) + "1"
        return "CAST((\(units)) * \(step) AS DECIMAL(19, \(scale)))"
    }
}

extension SQLCompiler {
    /// `customers from ORDERS by ID [as of DATE] [with …] [only …]`: one row per customer, in
    /// customer order, with the figures patron derives in memory: exact sums, the average order
    /// value rounded half away from zero at the amount's scale, loyalty as the months with a
    /// purchase among the 12 up to the as-of date, to 4 places, rounded half up.
    public func customers(_ spec: BoundCustomers, from source: String? = nil, creating: Bool = false) throws(SQLError) -> String {
        let orders = spec.orders
        var context = Context(table: orders, levels: [], dialect: dialect)
        let id = context.column(spec.id), date = context.column(spec.date)
        let amount = try context.expression(spec.amount)
        let profit = try spec.profit.map { p throws(SQLError) in try context.expression(p) }
        guard case .number(let scale) = spec.amount.type else { throw context.unsupported("an amount that is not an exact number") }
        let table = source ?? dialect.quote(orders.name)
        let asOf = spec.asOf.map { "DATE '\(CalendarDate.isoString($0))'" } ?? "(SELECT max(\(date)) FROM \(table))"
        let power = "1" + String(repeating: "0", count: scale)
        // The sum in the amount's smallest units, rounded half away from zero over the count.
        let units = "CAST(sum(\(amount)) * \(power) AS BIGINT)"
        let aov = "CASE WHEN sum(\(amount)) >= 0 THEN \(dialect.divide("2 * \(units) + count(*)", "2 * count(*)")) ELSE -\(dialect.divide("-2 * \(units) + count(*)", "2 * count(*)")) END"
        let month = { (d: String) in "(EXTRACT(YEAR FROM \(d)) * 12 + EXTRACT(MONTH FROM \(d)))" }
        let recent = "CASE WHEN \(month("a.d")) - \(month(date)) BETWEEN 0 AND 11 THEN \(month(date)) END"
        var metrics: [(String, String)] = [
            ("first_purchase", "min(\(date))"), ("last_purchase", "max(\(date))"), ("recency", dialect.days(from: "max(\(date))", to: "a.d")),
            ("frequency", "count(*)"), ("monetary", "CAST(sum(\(amount)) AS DECIMAL(19, \(scale)))"), ("aov", dialect.decimal(units: aov, scale: scale)),
        ]
        if let profit, case .number(let profitScale)? = spec.profit?.type { metrics.append(("profit", "CAST(sum(\(profit)) AS DECIMAL(19, \(profitScale)))")) }
        metrics += [("tenure", dialect.days(from: "min(\(date))", to: "a.d")),
                    ("loyalty", dialect.decimal(units: dialect.divide("count(DISTINCT \(recent)) * 20000 + 12", "24"), scale: 4))]
        if let channel = spec.channel { metrics.append(("channels", "count(DISTINCT \(context.column(channel)))")) }
        let chosen = metrics.filter { spec.derives($0.0) }
        var sql = SQLDialect.comment("patron: customers from \(orders.name) by \(orders.columns[spec.id].name)") + "\n"
        if creating {
            // In a compiled script the customer table is made, so the statements after it read it.
            let name = dialect.quote(spec.name)
            switch dialect {
            case .duckdb: sql += "CREATE OR REPLACE TABLE \(name) AS\n"
            case .spark: sql += "CREATE OR REPLACE TEMPORARY VIEW \(name) AS\n"
            default: sql += "CREATE TABLE \(name) AS\n"
            }
        }
        sql += "WITH a AS (SELECT \(asOf) AS d)\n"
        sql += "SELECT " + ([id] + chosen.map { "\($0.1) AS \(dialect.quote($0.0))" }).joined(separator: ",\n       ")
        sql += "\nFROM \(table) CROSS JOIN a"
        sql += "\nWHERE \(id) IS NOT NULL AND \(date) IS NOT NULL AND \(date) <= a.d"
        sql += "\nGROUP BY \(id), a.d"
        sql += "\nORDER BY \(orders.columns[spec.id].type == .text ? dialect.byCodePoint(id) : id) ASC;"
        return sql
    }
}

extension SQLCompiler {
    /// What a `load` becomes in a compiled script: the table with the columns patron read, filled
    /// from the same file where the engine can read it (DuckDB, Spark), or to be filled by hand.
    public func source(_ table: Table, path: String, isDefault: Bool, delimiter: LoadOptions.Delimiter? = .byte(UInt8(ascii: ",")), header: Bool = true) -> String {
        let name = dialect.quote(table.name)
        func type(_ column: Column) -> String {
            switch column.storage {
            case .integer: return "BIGINT"
            case .decimal(_, let scale): return "DECIMAL(18, \(scale))"
            case .text: return dialect == .bigquery ? "STRING" : dialect == .spark ? "STRING" : "VARCHAR"
            case .boolean: return "BOOLEAN"
            case .date: return "DATE"
            case .timestamp: return "TIMESTAMP"
            }
        }
        // A reader told the one-byte delimiter patron found; runs of spaces (fixed-width) it cannot follow.
        var separator: String? = nil
        if case .byte(let b)? = delimiter { separator = String(UnicodeScalar(b)) }
        let isCSV = !path.lowercased().hasSuffix(".jsonl") && !path.lowercased().hasSuffix(".ndjson") && !path.lowercased().hasSuffix(".json") && separator != nil
        let sep = dialect.literal(separator ?? ","), hasHeader = header ? "true" : "false"
        var sql = SQLDialect.comment("patron: load \"\(path)\" as \(table.name)") + "\n"
        switch dialect {
        case .duckdb where isDefault && isCSV:
            let columns = table.columns.map { "\(dialect.literal($0.name)): \(dialect.literal(type($0)))" }.joined(separator: ", ")
            // The file read as patron reads it: its null markers, RFC 4180 quotes (a quote doubled, line breaks inside).
            let nulls = ([""] + LoadOptions().nullMarkers).map(dialect.literal).joined(separator: ", ")
            sql += "CREATE OR REPLACE TABLE \(name) AS SELECT * FROM read_csv(\(dialect.literal(path)), header = \(hasHeader), auto_detect = false, columns = {\(columns)}, "
                + "delim = \(sep), nullstr = [\(nulls)], quote = '\"', escape = '\"');"
        case .spark where isDefault && isCSV:
            let columns = table.columns.map { "\(dialect.quote($0.name)) \(type($0))" }.joined(separator: ", ")
            // RFC 4180 as patron reads it: line breaks inside quotes (multiLine), a quote escaped by
            // doubling it (not Spark's backslash). Spark takes one null marker; patron's others are
            // said under the view.
            sql += "CREATE OR REPLACE TEMPORARY VIEW \(name) (\(columns)) USING csv OPTIONS (path \(dialect.literal(path)), header '\(hasHeader)', sep \(sep), multiLine 'true', escape '\"', quote '\"');"
        default:
            let columns = table.columns.map { "\(dialect.quote($0.name)) \(type($0))" }.joined(separator: ",\n    ")
            let copy = dialect == .postgres && isCSV ? ", e.g. \\copy \(name) FROM \(dialect.literal(path)) WITH (FORMAT csv, HEADER)" : ""
            sql += "CREATE TABLE \(name) (\n    \(columns)\n);\n" + SQLDialect.comment("fill it from \(path) with this engine's loader" + copy)
        }
        return sql + "\n"
    }
}
