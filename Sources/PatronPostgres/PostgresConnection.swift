import CLibPQ
import PatronStore
#if canImport(Glibc)
import Glibc
#endif

/// One open connection to a PostgreSQL server (or anything that speaks its protocol), through libpq.
/// Used by one statement at a time; the session owns it.
public final class PostgresConnection: @unchecked Sendable {
    let connection: OpaquePointer

    private init(_ connection: OpaquePointer) {
        self.connection = connection
    }

    deinit { PQfinish(connection) }

    /// Opens a connection: `conninfo` is a libpq keyword string or a `postgresql://` URI; the
    /// PG* environment variables and ~/.pgpass fill in what it leaves out, as for psql.
    public static func open(_ conninfo: String) throws(PostgresError) -> PostgresConnection {
        let raw = try start(conninfo)
        let connection = PostgresConnection(raw)
        guard PQstatus(raw) == CONNECTION_OK else {
            let text = Self.oneLine(PQerrorMessage(raw))
            // A missing database is the request's fault; everything else means the server cannot be used.
            if text.contains("does not exist") {
                throw PostgresError(.data, text, hints: ["list the databases with: psql -l", "name one that exists in the connection string: dbname=…"], code: "3D000")
            }
            var hints: [String] = []
            if text.contains("password authentication failed") || text.contains("no password supplied") {
                hints.append("check the user and password (in the connection string, PGPASSWORD or ~/.pgpass)")
            } else {
                hints.append("is the server running, and listening there? try: pg_isready\(Self.hostArguments(raw))")
            }
            throw PostgresError(.unavailable, text, hints: hints)
        }
        _ = PQsetClientEncoding(raw, "UTF8")
        // The server's notices (NOTICE: … skipping) are not patron's output.
        _ = PQsetNoticeProcessor(raw, { _, _ in }, nil)
        try connection.pinSettings()
        return connection
    }

    /// The settings the SQL patron sends relies on, whatever the server's, the database's, the
    /// role's or PGOPTIONS' defaults: quotes without backslash escapes, UTC, ISO dates, every
    /// digit of a float. Set when the connection opens and checked again at `use`.
    public static let pinnedSettings: [(name: String, value: String)] = [
        ("standard_conforming_strings", "on"), ("TimeZone", "UTC"), ("DateStyle", "ISO, YMD"), ("extra_float_digits", "3"), ("IntervalStyle", "postgres"),
    ]

    /// Sets the pinned settings and checks that the server took them; a server that keeps
    /// escaping backslashes (Redshift does) is refused, since no literal would mean what it says.
    public func pinSettings() throws(PostgresError) {
        for (name, value) in Self.pinnedSettings {
            try execute("SET \(name) = '\(value)'")
        }
        let shown = try query("SELECT current_setting('standard_conforming_strings'), current_setting('TimeZone'), current_setting('DateStyle')").first ?? []
        guard shown.count == 3, shown[0] == "on", shown[1] == "UTC", shown[2]?.hasPrefix("ISO") == true else {
            throw PostgresError(.unavailable, "the server does not keep the settings patron's SQL relies on (standard_conforming_strings on, TimeZone UTC, DateStyle ISO); it shows \(shown.map { $0 ?? "null" }.joined(separator: ", "))",
                                hints: ["patron reads PostgreSQL itself; a server that always escapes backslashes in strings (such as Redshift) cannot be used"])
        }
    }

    /// How long a connection may take to open when the connection string does not say
    /// (`connect_timeout`): a server that accepts and stays silent must not hang the session.
    public static let defaultConnectTimeout = 10

    /// Starts a connection without blocking and polls it until it is open or has failed, for at
    /// most the connection string's connect_timeout (else the default); Ctrl-C gives up at once.
    static func start(_ conninfo: String) throws(PostgresError) -> OpaquePointer {
        let seconds = connectTimeout(conninfo) ?? defaultConnectTimeout
        let keywords = ["dbname"], values = [conninfo]
        var keywordPointers = keywords.map { strdup($0) } + [nil], valuePointers = values.map { strdup($0) } + [nil]
        defer { (keywordPointers + valuePointers).forEach { free($0) } }
        let started = keywordPointers.withUnsafeMutableBufferPointer { k in
            valuePointers.withUnsafeMutableBufferPointer { v in
                k.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: k.count) { kp in
                    v.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: v.count) { vp in PQconnectStartParams(kp, vp, 1) }
                }
            }
        }
        guard let raw = started else { throw PostgresError(.unavailable, "cannot start a connection (out of memory)") }
        if PQstatus(raw) == CONNECTION_BAD { return raw }
        let deadline = ContinuousClock.now + .seconds(seconds)
        var state = PGRES_POLLING_WRITING
        while state != PGRES_POLLING_OK && state != PGRES_POLLING_FAILED {
            if Interrupt.requested {
                PQfinish(raw)
                throw PostgresError(.cancelled, "the connection was cancelled before the server answered")
            }
            if ContinuousClock.now >= deadline {
                PQfinish(raw)
                throw PostgresError(.unavailable, "the server did not answer within \(seconds) seconds",
                                    hints: ["is it a PostgreSQL server? set a longer wait with connect_timeout=N in the connection string"])
            }
            var fd = pollfd(fd: PQsocket(raw), events: Int16(state == PGRES_POLLING_READING ? POLLIN : POLLOUT), revents: 0)
            // A tenth of a second at a time, so Ctrl-C and the deadline are heard.
            if poll(&fd, 1, 100) > 0 || fd.fd < 0 { state = PQconnectPoll(raw) }
        }
        return raw
    }

    /// The connect_timeout a connection string sets (libpq's own reading of it), if any.
    static func connectTimeout(_ conninfo: String) -> Int? {
        var message: UnsafeMutablePointer<CChar>? = nil
        guard let options = PQconninfoParse(conninfo, &message) else { PQfreemem(message); return nil }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "connect_timeout", let value = option.pointee.val { return Int(String(cString: value)).map { max(2, $0) } }
            option += 1
        }
        return nil
    }

    /// `-h HOST -p PORT` for the host and port libpq tried.
    private static func hostArguments(_ raw: OpaquePointer) -> String {
        var out = ""
        if let host = PQhost(raw), host.pointee != 0 { out += " -h " + String(cString: host) }
        if let port = PQport(raw), port.pointee != 0 { out += " -p " + String(cString: port) }
        return out
    }

    /// Where the connection goes, without the password: `user@host:port/database`.
    public var description: String {
        func text(_ p: UnsafeMutablePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }
        let host = text(PQhost(connection))
        let place = host.hasPrefix("/") ? "socket \(host)" : host
        return "\(text(PQuser(connection)))@\(place):\(text(PQport(connection)))/\(text(PQdb(connection)))"
    }

    /// The server's version, e.g. `15.18`.
    public var serverVersion: String {
        let v = Int(PQserverVersion(connection))
        return "\(v / 10000).\(v % 10000)"
    }

    /// A libpq message on one line: its first line, without the FATAL/ERROR prefix.
    static func oneLine(_ message: UnsafeMutablePointer<CChar>?) -> String {
        let text = message.map { String(cString: $0) } ?? "unknown error"
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var first = lines.first { !$0.hasPrefix("DETAIL") && !$0.hasPrefix("HINT") } ?? "unknown error"
        for prefix in ["FATAL:  ", "ERROR:  "] { first = first.replacingOccurrences(of: prefix, with: "") }
        return first
    }

    /// The error a failed result describes.
    func error(_ result: OpaquePointer?) -> PostgresError {
        guard let result else {
            return PostgresError(.unavailable, Self.oneLine(PQerrorMessage(connection)), hints: ["the server may have closed the connection; connect again"])
        }
        func field(_ code: Int32) -> String? { PQresultErrorField(result, code).map { String(cString: $0) } }
        let sqlstate = field(Int32(UInt8(ascii: "C")))
        var message = field(Int32(UInt8(ascii: "M"))) ?? Self.oneLine(PQresultErrorMessage(result))
        if message.isEmpty { message = Self.oneLine(PQerrorMessage(connection)) }
        var hints: [String] = []
        if let hint = field(Int32(UInt8(ascii: "H"))) { hints.append(hint) }
        if let detail = field(Int32(UInt8(ascii: "D"))) { hints.append(detail) }
        let position = field(Int32(UInt8(ascii: "P"))).flatMap { Int($0) }
        if PQstatus(connection) != CONNECTION_OK { return PostgresError(.unavailable, message, hints: ["the server closed the connection; connect again"], code: sqlstate) }
        return PostgresError(PostgresError.kind(of: sqlstate), message, hints: hints, code: sqlstate, position: position)
    }

    /// Runs a statement with text parameters and returns its rows as text (nil for nulls).
    @discardableResult
    func query(_ sql: String, _ parameters: [String] = []) throws(PostgresError) -> [[String?]] {
        try answer(sql, parameters).rows
    }

    /// A query's column names and rows, as text (nil for nulls): for answers read by name.
    public func namedRows(_ sql: String) throws(PostgresError) -> (names: [String], rows: [[String?]]) {
        try answer(sql, [])
    }

    /// Runs a statement and reads its whole answer: the column names and the rows as text.
    private func answer(_ sql: String, _ parameters: [String]) throws(PostgresError) -> (names: [String], rows: [[String?]]) {
        try Self.refuseNUL(sql, parameters)
        let sent = withCStrings(parameters) { values in
            PQsendQueryParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        guard sent == 1 else { throw error(nil) }
        let result = try awaitResult()
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else { throw error(result) }
        let names = (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
        let rows = (0..<PQntuples(result)).map { row in
            (0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) != 0 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
        return (names, rows)
    }

    /// PostgreSQL text cannot hold the NUL character, and libpq would cut the statement at it
    /// ("unknown error", as if the server had gone): a value with one is the request's fault.
    static func refuseNUL(_ sql: String, _ parameters: [String] = []) throws(PostgresError) {
        guard sql.utf8.contains(0) || parameters.contains(where: { $0.utf8.contains(0) }) else { return }
        throw PostgresError(.data, "a value holds the NUL character (\\0), which PostgreSQL text cannot hold",
                            hints: ["remove it from the value, or compare in memory: load the table into patron"])
    }

    /// Runs a statement that returns no rows.
    public func execute(_ sql: String) throws(PostgresError) {
        try query(sql)
    }

    /// Runs statements in order, in one transaction: all of them or, on an error, none.
    public func executeAll(_ statements: [String]) throws(PostgresError) {
        try execute("BEGIN")
        do throws(PostgresError) {
            for statement in statements { try execute(statement) }
            try execute("COMMIT")
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Whether a table exists (and the user may see it), by its schema (nil: the search path) and name.
    public func tableExists(schema: String?, table: String) throws(PostgresError) -> Bool {
        try query("SELECT to_regclass($1) IS NOT NULL", [Self.qualified(schema, table)]).first?.first == "t"
    }

    /// The tables and views the user can see, as `schema.table`, for did-you-mean.
    public func tableNames() -> [String] {
        let sql = """
            SELECT table_schema || '.' || table_name FROM information_schema.tables
            WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
            """
        return ((try? query(sql)) ?? []).compactMap { $0.first ?? nil }
    }

    /// A name quoted as an identifier: `"Order ""Lines"""`. Names are never pasted into SQL any other way.
    public static func quote(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `"schema"."table"`, or `"table"` without a schema.
    public static func qualified(_ schema: String?, _ table: String) -> String {
        (schema.map { quote($0) + "." } ?? "") + quote(table)
    }

    /// Asks the server to stop the running statement (Ctrl-C).
    func cancel() {
        guard let cancel = PQgetCancel(connection) else { return }
        defer { PQfreeCancel(cancel) }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &buffer, Int32(buffer.count))
    }

    /// Waits until the socket has data or `milliseconds` pass; false when the socket is gone.
    /// The result of what was just sent, waiting as long as the server takes; Ctrl-C (or
    /// `control.cancel()`) cancels it on the server. The connection is ready again after.
    func awaitResult(control: LoadControl? = LoadControl()) throws(PostgresError) -> OpaquePointer? {
        while PQisBusy(connection) == 1 {
            if control?.isCancelled == true { cancel() }
            guard waitReadable(milliseconds: 100), PQconsumeInput(connection) == 1 else { throw error(nil) }
        }
        let result = PQgetResult(connection)
        while let extra = PQgetResult(connection) { PQclear(extra) }
        if control?.isCancelled == true, PQresultStatus(result) == PGRES_FATAL_ERROR {
            PQclear(result)
            throw PostgresError(.cancelled, "the query was cancelled on the server")
        }
        return result
    }

    func waitReadable(milliseconds: Int32) -> Bool {
        let socket = PQsocket(connection)
        guard socket >= 0 else { return false }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, milliseconds)
        return true
    }
}

/// Calls `body` with C strings for `strings`, valid for the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}
