import CLibPQ
import PatronStore
#if canImport(Glibc)
import Glibc
#endif

/// What `load` reads from a server.
public enum ServerSource: Sendable, Equatable {
    /// A whole table (schema nil: the server's search path).
    case table(schema: String?, name: String)
    /// The rows of a query.
    case query(String)
}

/// How a load from a server treats what does not fit patron's types.
public struct ServerLoadOptions: Sendable, Equatable {
    /// Load numerics wider than 18 digits as text instead of stopping.
    public var wideNumericAsText = false
    public init(wideNumericAsText: Bool = false) { self.wideNumericAsText = wideNumericAsText }
}

/// A column of a query's result as the server describes it.
struct ServerColumn {
    let name: String
    let oid: UInt32
    let typmod: Int32
    /// The type as the server writes it: `numeric(12,2)`, `character varying(40)`.
    let typeName: String
    /// The type's own name, for types whose number differs between servers (citext).
    let baseName: String

    /// char(n) (bpchar): blank-padded, its padding no part of the value.
    var isPadded: Bool { oid == 1042 }
}

extension PostgresConnection {
    /// Streams the rows of a table or a query into a new table: binary COPY, each value decoded
    /// straight into its column, types from the server. Checks every column's type before any
    /// row is read; Ctrl-C (or `control.cancel()`) cancels the query on the server and keeps nothing.
    public func load(_ source: ServerSource, connectionName: String, name: String, options: ServerLoadOptions = ServerLoadOptions(),
                     control: LoadControl? = nil) throws(PostgresError) -> Table {
        let sql: String, origin: String
        switch source {
        case .table(let schema, let table):
            guard try tableExists(schema: schema, table: table) else { throw missingTable(schema: schema, table: table) }
            sql = "SELECT * FROM " + Self.qualified(schema, table)
            origin = "\(connectionName).\(schema.map { $0 + "." } ?? "")\(table)"
        case .query(let text):
            var trimmed = Substring(text)
            while let last = trimmed.last, last == ";" || last.isWhitespace { trimmed.removeLast() }
            sql = String(trimmed)
            origin = "\(connectionName) query"
        }
        let columns = try describe(sql)
        let decoders = try columns.map { column throws(PostgresError) in try ColumnDecoder(column, options: options) }
        // A table's row estimate (from its last ANALYZE) sizes the columns once, instead of by doubling.
        if case .table(let schema, let table) = source, let estimate = rowEstimate(schema: schema, table: table), estimate > 0 {
            for decoder in decoders { decoder.reserve(min(estimate + estimate / 64, 1 << 31)) }
        }
        // The query on lines of its own: a trailing -- comment cannot reach the closing bracket.
        try startCopy("COPY (\n\(sql)\n) TO STDOUT (FORMAT binary)", control: control)
        let rows = try readCopy(into: decoders, control: control)
        var built: [Column] = []
        for decoder in decoders { built.append(try decoder.finish()) }
        let table = Table(name: name, columns: built, rowCount: rows, origin: .server(origin))
        table.checkInvariants()
        return table
    }

    /// A server table's columns, typed as a load would type them, with no rows: what binding a
    /// statement that runs on the server needs.
    public func columns(schema: String?, table: String, name: String, connectionName: String) throws(PostgresError) -> Table {
        guard try tableExists(schema: schema, table: table) else { throw missingTable(schema: schema, table: table) }
        let columns = try describe("SELECT * FROM " + Self.qualified(schema, table))
        var built: [Column] = []
        for column in columns {
            let decoder = try ColumnDecoder(column, options: ServerLoadOptions())
            // An unconstrained numeric or a float takes its scale from the values, as a load does:
            // the most decimals any value has, asked of the server (it was 0: tiers printed 0.00).
            let value = Self.quote(column.name), from = Self.qualified(schema, table)
            let scaleQuery: String?
            switch decoder.kind {
            case .numeric(nil): scaleQuery = "SELECT max(scale(\(value))) FROM \(from)"
            case .float(let bytes):
                let text = bytes == 4 ? "CAST(CAST(\(value) AS real) AS TEXT)" : "CAST(\(value) AS TEXT)"
                scaleQuery = "SELECT max(length(split_part(\(text), '.', 2))) FROM \(from) WHERE \(value) NOT IN ('NaN', 'Infinity', '-Infinity') AND \(text) NOT LIKE '%e%'"
            default: scaleQuery = nil
            }
            if let scaleQuery, let scale = try query(scaleQuery).first?.first.flatMap({ $0 }).flatMap({ Int($0) }) {
                built.append(Column(name: column.name, storage: .decimal([], scale: min(scale, 18)), nulls: NullBitmap(),
                                    evidence: .server(type: column.typeName, note: "\(scale) \(scale == 1 ? "decimal" : "decimals"), the most any value has")))
                continue
            }
            built.append(try decoder.finish())
        }
        return Table(name: name, columns: built, rowCount: 0, origin: .server("\(connectionName).\(schema.map { $0 + "." } ?? "")\(table)"))
    }

    /// What compiled statements read a table left on the server from: the table itself, or,
    /// when it has char(n) columns, a query that reads those as text without their padding, as
    /// a load reads them (the server compared 'ab  ' equal to 'ab'; memory, after a load, did not).
    public func relation(schema: String?, table: String) throws(PostgresError) -> String {
        let from = Self.qualified(schema, table)
        let columns = try describe("SELECT * FROM " + from)
        guard columns.contains(where: \.isPadded) else { return from }
        let list = columns.map { c in c.isPadded ? "CAST(\(Self.quote(c.name)) AS TEXT) AS \(Self.quote(c.name))" : Self.quote(c.name) }
        return "(SELECT \(list.joined(separator: ", ")) FROM \(from)) AS patron_source"
    }

    /// How many rows a table has.
    public func count(schema: String?, table: String) throws(PostgresError) -> Int {
        try row("SELECT count(*) FROM " + Self.qualified(schema, table)).first.flatMap { $0 }.flatMap { Int($0) } ?? 0
    }

    /// A query's rows, as text (nil for nulls): for answers of a few rows.
    public func rows(_ sql: String) throws(PostgresError) -> [[String?]] {
        try query(sql)
    }

    /// Runs a query and returns its one row as text (nil for nulls).
    public func row(_ sql: String) throws(PostgresError) -> [String?] {
        try query(sql).first ?? []
    }

    /// The server's estimate of a table's rows (from its last ANALYZE), when it has one.
    func rowEstimate(schema: String?, table: String) -> Int? {
        guard let rows = try? query("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass($1)", [Self.qualified(schema, table)]),
              let first = rows.first, let cell = first.first, let text = cell else { return nil }
        return Int(text)
    }

    /// The error for a table that is not there, with the tables that are.
    func missingTable(schema: String?, table: String) -> PostgresError {
        let names = tableNames()
        let shown = names.prefix(12).joined(separator: ", ") + (names.count > 12 ? ", …" : "")
        return PostgresError(.data, "no table '\(schema.map { $0 + "." } ?? "")\(table)' on the server (or no permission to see it)",
                             hints: names.isEmpty ? ["the server has no tables this user can see"] : ["tables: \(shown)"], code: "42P01", candidates: names)
    }

    /// The columns a query returns, with their types, without running it.
    func describe(_ sql: String) throws(PostgresError) -> [ServerColumn] {
        guard PQsendPrepare(connection, "", sql, 0, nil) == 1 else { throw error(nil) }
        let prepared = try awaitResult()
        defer { PQclear(prepared) }
        guard PQresultStatus(prepared) == PGRES_COMMAND_OK else { throw error(prepared) }
        let described = PQdescribePrepared(connection, "")
        defer { PQclear(described) }
        guard PQresultStatus(described) == PGRES_COMMAND_OK else { throw error(described) }
        let count = PQnfields(described)
        let fields = (0..<count).map { i in (String(cString: PQfname(described, i)), UInt32(PQftype(described, i)), PQfmod(described, i)) }
        guard !fields.isEmpty else { return [] }
        // The types' names as the server writes them, in one round trip.
        let names = try query("SELECT format_type(t, m), typname FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS x(t, m, i) JOIN pg_type ON pg_type.oid = t ORDER BY i",
                              ["{" + fields.map { String($0.1) }.joined(separator: ",") + "}", "{" + fields.map { String($0.2) }.joined(separator: ",") + "}"])
        return fields.enumerated().map { i, field in
            ServerColumn(name: field.0, oid: field.1, typmod: field.2, typeName: names[safe: i]?.first.flatMap { $0 } ?? "oid \(field.1)",
                         baseName: names[safe: i]?.last.flatMap { $0 } ?? "")
        }
    }

    /// Sends a COPY … TO STDOUT and waits (Ctrl-C included) until the rows start to come.
    func startCopy(_ sql: String, control: LoadControl?) throws(PostgresError) {
        try Self.refuseNUL(sql)
        guard PQsendQuery(connection, sql) == 1 else { throw error(nil) }
        while PQisBusy(connection) == 1 {
            if control?.isCancelled == true { cancel() }
            guard waitReadable(milliseconds: 100), PQconsumeInput(connection) == 1 else { throw error(nil) }
        }
        let result = PQgetResult(connection)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COPY_OUT else {
            let failure = error(result)
            drain()
            if control?.isCancelled == true { throw PostgresError(.cancelled, "the query was cancelled on the server") }
            throw failure
        }
    }

    /// Reads a binary COPY stream into the decoders; returns the number of rows.
    func readCopy(into decoders: [ColumnDecoder], control: LoadControl?) throws(PostgresError) -> Int {
        var rows = 0, sawHeader = false, cancelled = false
        var failure: PostgresError? = nil
        var pending = 0, pendingRows = 0
        reading: while true {
            var buffer: UnsafeMutablePointer<CChar>? = nil
            let n = PQgetCopyData(connection, &buffer, 1)
            if n > 0, let buffer {
                defer { PQfreemem(buffer) }
                if failure == nil && !cancelled {
                    let bytes = UnsafeRawBufferPointer(start: buffer, count: Int(n))
                    do throws(PostgresError) {
                        var reader = CopyReader(bytes)
                        if !sawHeader {
                            try reader.skipHeader()
                            sawHeader = true
                        }
                        rows += try reader.readTuples(into: decoders)
                    } catch {
                        failure = error
                        cancel()
                    }
                }
                pending += Int(n)
                pendingRows += 1
                if pendingRows >= 4096 {
                    control?.advance(pending, records: pendingRows)
                    pending = 0
                    pendingRows = 0
                    if control?.isCancelled == true && !cancelled {
                        cancelled = true
                        cancel()
                    }
                }
                continue
            }
            switch n {
            case 0:
                if control?.isCancelled == true && !cancelled {
                    cancelled = true
                    cancel()
                }
                guard waitReadable(milliseconds: 100), PQconsumeInput(connection) == 1 else { break reading }
            default:
                break reading
            }
        }
        let result = PQgetResult(connection)
        let status = PQresultStatus(result)
        let ended = error(result)
        PQclear(result)
        drain()
        if cancelled { throw PostgresError(.cancelled, "the query was cancelled on the server") }
        if let failure { throw failure }
        guard status == PGRES_COMMAND_OK else { throw ended }
        return rows
    }

    /// Reads and frees whatever results are left, so the connection is ready for the next statement.
    func drain() {
        while let result = PQgetResult(connection) {
            let status = PQresultStatus(result)
            PQclear(result)
            if status == PGRES_COPY_OUT {
                var buffer: UnsafeMutablePointer<CChar>? = nil
                while PQgetCopyData(connection, &buffer, 0) > 0 { PQfreemem(buffer) }
            }
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
