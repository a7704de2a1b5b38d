import Foundation
import PatronAnalysis
import PatronEngine
import PatronPostgres
import PatronRender
import PatronSQL
import PatronStore
import PatronSyntax

/// The statements that talk to a server: connect, load from it, export to it.
extension Session {
    func connect(_ name: String, conninfo: String, parsed: ParsedStatement, source: Source, emit: (Output) -> Void) -> Outcome.Status {
        do throws(PostgresError) {
            let connection = try PostgresConnection.open(conninfo)
            connections[name] = connection
            catalog.apply(.connection(name, connection.description))
            present(.done(.connected(name, server: connection.description, version: connection.serverVersion)), emit: emit)
            return .ok
        } catch {
            guard case .connect(let nameToken, _, _, _) = parsed.kind else { return .dataError }
            return report(error, at: nameToken.span, source: source, emit: emit)
        }
    }

    func loadServer(_ name: String, _ what: BoundServerSource, as table: String, wideNumericAsText: Bool, parsed: ParsedStatement,
                    source: Source, emit: (Output) -> Void) -> Outcome.Status {
        guard let connection = connections[name] else { return .dataError }
        let started = ContinuousClock.now
        let control = LoadControl()
        let progress = showsProgress ? ProgressLine(control: control) : nil
        defer { progress?.finish() }
        let serverSource: ServerSource
        switch what {
        case .table(let schema, let name): serverSource = .table(schema: schema, name: name)
        case .query(let sql, _): serverSource = .query(sql)
        }
        do throws(PostgresError) {
            let loaded = try connection.load(serverSource, connectionName: name, name: table, options: ServerLoadOptions(wideNumericAsText: wideNumericAsText), control: control)
            progress?.finish()
            let report = LoadReport(table: loaded, dialect: "PostgreSQL \(connection.serverVersion), binary COPY")
            catalog.apply(.add(loaded))
            present(.loaded(report), emit: emit)
            if !quiet && !checkOnly {
                emit(.note(Presenter.loadSummary(report, seconds: (ContinuousClock.now - started).seconds) + ", \(ProgressBar.bytes(control.bytesRead)) received"))
            }
            return .ok
        } catch {
            if error.kind == .cancelled {
                emit(.diagnostic("cancelled: the query was cancelled on the server and '\(table)' was not loaded; the session is as it was"))
                return .interrupted
            }
            return report(error, at: span(of: error, in: what, parsed: parsed), source: source, emit: emit)
        }
    }

    /// Where to point at a load's error: inside the query at the server's position, at the table name, or at the statement.
    private func span(of error: PostgresError, in what: BoundServerSource, parsed: ParsedStatement) -> SourceSpan {
        switch what {
        case .query(let sql, let span):
            // The server counts characters from 1; the span covers the quoted text.
            guard let position = error.position, position >= 1, span.end - span.start == sql.utf8.count + 2 else { return span }
            let before = sql.prefix(position - 1).utf8.count
            let at = sql.dropFirst(position - 1).first.map { String($0).utf8.count } ?? 1
            return SourceSpan(span.start + 1 + before, span.start + 1 + before + at)
        case .table:
            if case .loadServer(.table(let table), _, _) = parsed.kind { return table.span }
            return parsed.span
        }
    }

    func exportServer(_ what: ExportSource, to target: BoundServerTable, mode: String?, parsed: ParsedStatement, source: Source, emit: (Output) -> Void) -> Outcome.Status {
        guard let connection = connections[target.connection] else { return .dataError }
        let table: Table, rows: [Int]
        if let selected = Engine.rows(toExport: what) {
            (table, rows) = (selected.table, selected.rows)
        } else if let last = lastResult {
            table = last.asTable(named: target.table)
            rows = Array(0..<table.rowCount)
        } else {
            emit(.diagnostic(DiagnosticRenderer.render(Diagnostic("there is no result to export yet", at: parsed.span,
                                                                  hints: ["run a query first, e.g. summarize count by region"]), in: source)))
            return .dataError
        }
        let shown = "\(target.connection).\(target.schema.map { $0 + "." } ?? "")\(target.table)"
        let control = LoadControl()
        do throws(PostgresError) {
            let written = try connection.export(table, rows: rows, schema: target.schema, name: target.table,
                                                mode: mode.flatMap(ServerExportMode.init(rawValue:)), control: control)
            present(.done(.exportedToServer(rows: written, target: shown, mode: mode)), emit: emit)
            return .ok
        } catch {
            if error.kind == .cancelled {
                emit(.diagnostic("cancelled: \(error.message)"))
                return .interrupted
            }
            var span = parsed.span
            if case .exportServer(_, let target, _) = parsed.kind { span = target.span }
            return report(error, at: span, source: source, emit: emit)
        }
    }

    /// A statement that does not compile to SQL, as a positioned diagnostic (exit 65).
    func report(_ error: SQLError, at span: SourceSpan, source: Source, emit: (Output) -> Void) -> Outcome.Status {
        emit(.diagnostic(DiagnosticRenderer.render(Diagnostic(error.message, at: span, hints: error.hints), in: source)))
        return .dataError
    }

    /// A server's error as a positioned diagnostic; its exit status: 69 when the server is unavailable, 65 otherwise.
    func report(_ error: PostgresError, at span: SourceSpan, source: Source, emit: (Output) -> Void) -> Outcome.Status {
        var hints = error.hints
        if !error.candidates.isEmpty, case .loadServer(.table(let table), _, _)? = Parser.parse(source).statements.first(where: { $0.span.start <= span.start && span.end <= $0.span.end })?.kind {
            let wanted = (table.schema.map { $0.text + "." } ?? "public.") + table.table.text
            if let near = Suggestion.closest(to: wanted, in: error.candidates) { hints.insert("did you mean '\(near)'?", at: 0) }
        }
        emit(.diagnostic(DiagnosticRenderer.render(Diagnostic(Secrets.masked(error.message), at: span, hints: hints.map { Secrets.masked($0) }), in: source)))
        return error.kind == .unavailable ? .unavailable : .dataError
    }
}

/// `sql STATEMENT`: the SQL a statement compiles to.
extension Session {
    func compileSQL(_ statement: BoundStatement, parsed: ParsedStatement, source: Source, emit: (Output) -> Void) -> Outcome.Status {
        do throws(SQLError) {
            let sql: String, dialect: SQLDialect
            switch statement {
            case .sqlSegment(let segment, let name):
                dialect = SQLDialect(rawValue: name) ?? .duckdb
                sql = try SQLCompiler(dialect: dialect).segment(segment)
            case .sqlSummary(let query, let text, let name):
                dialect = SQLDialect(rawValue: name) ?? .duckdb
                sql = try SQLCompiler(dialect: dialect).summary(query, text: text)
            case .sqlCustomers(let spec, let name):
                dialect = SQLDialect(rawValue: name) ?? .duckdb
                sql = try SQLCompiler(dialect: dialect).customers(spec)
            case .sqlFramework(let inner, let text, let name):
                dialect = SQLDialect(rawValue: name) ?? .duckdb
                sql = try SQLCompiler(dialect: dialect).framework(inner, text: text)
            default: return .dataError
            }
            present(Presentation(kind: "sql", facts: [.init("dialect", .string(dialect.rawValue)), .init("sql", .string(sql))], blocks: [.line(sql)]), emit: emit)
            return .ok
        } catch {
            return report(error, at: parsed.span, source: source, emit: emit)
        }
    }
}

extension Session {
    /// One statement of `patron compile`: its SQL under a comment with its patron line, or an
    /// error naming the statement and the dialect.
    func compile(_ bound: BoundStatement, dialect: SQLDialect, parsed: ParsedStatement, source: Source, emit: (Output) -> Void) -> Outcome.Status {
        let line = Self.singleLine(source.text(of: parsed.span))
        do throws(SQLError) {
            let compiler = SQLCompiler(dialect: dialect)
            let sql: String
            switch bound {
            case .segment(let segment): sql = try compiler.segment(segment)
            case .customers(let spec): sql = try compiler.customers(spec, creating: true)
            case .aggregate(let query): sql = try compiler.summary(query, text: line)
            case .matrix, .tiers, .lifecycle: sql = try compiler.framework(bound, text: line)
            case .count(let table, let segment, _, let groups) where !groups.isEmpty:
                sql = try compiler.summary(BoundAggregateQuery(table: table, aggregates: [BoundAggregate(kind: .count, argument: nil, label: "count")],
                                                               groups: groups, condition: segment, sort: nil, top: nil, levels: []), text: line)
            default:
                let verb = line.split(separator: " ").first.map(String.init) ?? line
                throw SQLError(message: "'\(verb)' does not compile to \(dialect.rawValue) SQL yet", hints: ["docs/sql.md lists what compiles"])
            }
            emit(.result("-- \(source.name):\(source.line(containing: parsed.span.start).number): \(line)\n" + sql.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n"))
            return .ok
        } catch {
            return report(error, at: parsed.span, source: source, emit: emit)
        }
    }
}

/// Tables left on a server: `use CONNECTION.SCHEMA.TABLE`, and segments computed there.
extension Session {
    func useServer(_ table: BoundServerTable, as name: String, parsed: ParsedStatement, source: Source, emit: (Output) -> Void) -> Outcome.Status {
        guard let connection = connections[table.connection] else { return .dataError }
        do throws(PostgresError) {
            let columns = try connection.columns(schema: table.schema, table: table.table, name: name, connectionName: table.connection)
            let rows = try connection.count(schema: table.schema, table: table.table)
            catalog.apply(.remote(columns, table))
            let shown = "\(table.connection).\(table.schema.map { $0 + "." } ?? "")\(table.table)"
            present(.message("using '\(name)' on \(shown): \(NumberFormat.grouped(rows)) rows left on the server, \(columns.columns.count) columns; segment statements run there",
                             isConfirmation: true), emit: emit)
            return .ok
        } catch {
            var span = parsed.span
            if case .useServer(let target, _) = parsed.kind { span = target.span }
            return report(error, at: span, source: source, emit: emit)
        }
    }

    /// A segment of a table left on a server: compiled to SQL (docs/sql.md), run there, and
    /// drawn as if computed in memory, with a line that says where it ran.
    func segmentOnServer(_ segment: BoundSegment, parsed: ParsedStatement, source: Source, emit: (Output) -> Void) -> Outcome.Status {
        guard let remote = catalog.remote[segment.table.name], let connection = connections[remote.connection] else {
            emit(.diagnostic(DiagnosticRenderer.render(Diagnostic("the connection of '\(segment.table.name)' is closed", at: parsed.span,
                                                                  hints: ["connect again, then: use …"]), in: source)))
            return .unavailable
        }
        do throws(SQLError) {
            let compiled = try SQLCompiler(dialect: .postgres).compile(segment, from: PostgresConnection.qualified(remote.schema, remote.table))
            do throws(PostgresError) {
                let started = ContinuousClock.now
                let row = try connection.row(compiled.sql)
                if timer {
                    let bytes = row.reduce(0) { $0 + ($1?.utf8.count ?? 0) }
                    emit(.note("server: \(NumberFormat.fixed((ContinuousClock.now - started).seconds, digits: 3)) s, \(NumberFormat.grouped(bytes)) bytes of answer received"))
                }
                let answer = compiled.read(row)
                let shown = "\(remote.connection).\(remote.schema.map { $0 + "." } ?? "")\(remote.table)"
                let result = SegmentResult(table: segment.table, condition: segment.text, rows: [], count: answer.count, total: answer.total,
                                           profitShare: answer.profitShare, profitColumn: segment.profitColumn.map { segment.table.columns[$0].name },
                                           levels: answer.levels, server: shown)
                present(.segment(result), emit: emit)
                return .ok
            } catch {
                return report(error, at: parsed.span, source: source, emit: emit)
            }
        } catch {
            return report(error, at: parsed.span, source: source, emit: emit)
        }
    }
}

extension Session {
    /// `customers from ORDERS` where the orders stay on a server: the derivation runs there into
    /// a temporary table of that session, which becomes current, left on the server too.
    func customersOnServer(_ spec: BoundCustomers, parsed: ParsedStatement, source: Source, emit: (Output) -> Void) -> Outcome.Status {
        guard let remote = catalog.remote[spec.orders.name], let connection = connections[remote.connection] else { return .unavailable }
        do throws(SQLError) {
            let select = try SQLCompiler(dialect: .postgres).customers(spec, from: PostgresConnection.qualified(remote.schema, remote.table))
            let target = BoundServerTable(connection: remote.connection, schema: nil, table: spec.name)
            do throws(PostgresError) {
                let name = PostgresConnection.quote(spec.name)
                try connection.execute("DROP TABLE IF EXISTS pg_temp.\(name)")
                let started = ContinuousClock.now
                try connection.execute("CREATE TEMPORARY TABLE \(name) AS " + select.split(separator: "\n").dropFirst().joined(separator: "\n"))
                if timer { emit(.note("server: \(NumberFormat.fixed((ContinuousClock.now - started).seconds, digits: 3)) s, nothing received (the table stays there)")) }
                let columns = try connection.columns(schema: nil, table: spec.name, name: spec.name, connectionName: remote.connection)
                let rows = try connection.count(schema: nil, table: spec.name)
                catalog.apply(.remote(columns, target))
                present(.message("derived '\(spec.name)' from '\(spec.orders.name)' on the server (\(remote.connection)): \(NumberFormat.grouped(rows)) customers, left there as a temporary table; segment statements run there",
                                 isConfirmation: true), emit: emit)
                return .ok
            } catch {
                return report(error, at: parsed.span, source: source, emit: emit)
            }
        } catch {
            return report(error, at: parsed.span, source: source, emit: emit)
        }
    }
}
