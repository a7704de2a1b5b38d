import CLibPQ
import PatronStore

/// What `export … to CONNECTION.SCHEMA.TABLE` does with a table that is already there.
public enum ServerExportMode: String, Sendable {
    /// Drop it and write it anew, with the exported columns.
    case replace
    /// Add the rows to it.
    case append
}

extension PostgresConnection {
    /// Writes `rows` of `table` to a server table in one transaction: created with matching
    /// column types when missing, replaced or appended to when asked, filled by COPY FROM STDIN.
    /// All rows or none: a failure rolls back and says how many rows had been sent.
    /// Returns the number of rows written.
    public func export(_ table: Table, rows: [Int], schema: String?, name: String, mode: ServerExportMode?, control: LoadControl? = nil) throws(PostgresError) -> Int {
        let target = Self.qualified(schema, name)
        let shown = (schema.map { $0 + "." } ?? "") + name
        try query("BEGIN")
        var sent = 0, copying = false
        do throws(PostgresError) {
            if try tableExists(schema: schema, table: name) {
                switch mode {
                case nil:
                    throw PostgresError(.data, "the table '\(shown)' is already on the server",
                                        hints: ["replace it: export … to CONNECTION.\(shown) replace", "or add the rows to it: export … to CONNECTION.\(shown) append"])
                case .replace?:
                    try query("DROP TABLE \(target)")
                    try query("CREATE TABLE \(target) (\(Self.columnDefinitions(table)))")
                case .append?:
                    break
                }
            } else {
                try query("CREATE TABLE \(target) (\(Self.columnDefinitions(table)))")
            }
            let columns = table.columns.map { Self.quote($0.name) }.joined(separator: ", ")
            let started = PQexec(connection, "COPY \(target) (\(columns)) FROM STDIN")
            defer { PQclear(started) }
            guard PQresultStatus(started) == PGRES_COPY_IN else { throw error(started) }
            copying = true
            try sendRows(table, rows: rows, control: control, sent: &sent)
            try query("COMMIT")
            return sent
        } catch {
            // Nothing is kept: the transaction goes, and the message says how far it got.
            if PQstatus(connection) == CONNECTION_OK { _ = try? query("ROLLBACK") }
            var failure = error
            if error.kind == .cancelled {
                failure.message = "the export was cancelled; rolled back: \(sent) of \(rows.count) rows had been sent, none kept"
            } else if copying {
                failure.message += " (rolled back: \(sent) of \(rows.count) rows had been sent, none kept)"
            }
            throw failure
        }
    }

    /// The rows in COPY's text format, in blocks; `sent` counts the rows sent so far.
    private func sendRows(_ table: Table, rows: [Int], control: LoadControl?, sent: inout Int) throws(PostgresError) {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        func flush() throws(PostgresError) {
            guard !buffer.isEmpty else { return }
            let ok = buffer.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(connection, $0.baseAddress, Int32($0.count)) }
            }
            guard ok == 1 else { throw error(nil) }
            control?.advance(buffer.count, records: 0)
            buffer.removeAll(keepingCapacity: true)
        }
        for row in rows {
            for (c, column) in table.columns.enumerated() {
                if c > 0 { buffer.append(9) }
                CopyText.append(column, row, to: &buffer)
            }
            buffer.append(10)
            sent += 1
            if buffer.count >= 1 << 16 {
                try flush()
                if control?.isCancelled == true {
                    _ = PQputCopyEnd(connection, "cancelled by the user")
                    drain()
                    throw PostgresError(.cancelled, "the export was cancelled")
                }
            }
        }
        try flush()
        guard PQputCopyEnd(connection, nil) == 1 else { throw error(nil) }
        let result = PQgetResult(connection)
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else {
            let failure = error(result)
            drain()
            throw failure
        }
        drain()
    }

    /// Each column with the server type that holds its values.
    static func columnDefinitions(_ table: Table) -> String {
        table.columns.map { column in
            let type: String
            switch column.storage {
            case .integer: type = "bigint"
            case .decimal(_, let scale): type = "numeric(19,\(scale))"   // 19 digits hold any 64-bit mantissa
            case .text: type = "text"
            case .boolean: type = "boolean"
            case .date: type = "date"
            case .timestamp: type = "timestamp"
            }
            return quote(column.name) + " " + type
        }.joined(separator: ", ")
    }
}

/// Values in COPY's text format: tabs between fields, `\N` for null, and backslash, tab,
/// line feed and carriage return escaped in text.
enum CopyText {
    static func append(_ column: Column, _ row: Int, to out: inout [UInt8]) {
        if column.nulls.contains(row) {
            out.append(contentsOf: [92, 78])   // \N
            return
        }
        switch column.storage {
        case .integer(let v): out.append(contentsOf: String(v[row]).utf8)
        case .decimal(let v, let scale): out.append(contentsOf: decimal(v[row], scale: scale).utf8)
        case .boolean(let v): out.append(v[row] ? 116 : 102)
        case .date(let v): out.append(contentsOf: CalendarDate.isoString(v[row]).utf8)
        case .timestamp(let v): out.append(contentsOf: CalendarDate.isoTimestamp(v[row]).utf8)
        case .text(let codes, let dictionary):
            for byte in dictionary[Int(codes[row])].utf8 {
                switch byte {
                case 92: out.append(contentsOf: [92, 92])
                case 9: out.append(contentsOf: [92, 116])
                case 10: out.append(contentsOf: [92, 110])
                case 13: out.append(contentsOf: [92, 114])
                default: out.append(byte)
                }
            }
        }
    }

    /// A mantissa at `scale` as plain decimal text: `-12.50`.
    static func decimal(_ mantissa: Int64, scale: Int) -> String { ExactDecimal.text(mantissa, scale: scale) }
}
