import Foundation
import PatronAnalysis
import PatronEngine
import PatronPostgres
import PatronRender
import PatronSQL
import PatronServer
import PatronStore
import PatronSyntax

/// The statements that talk to a server: connect, load from it, export to it.
extension Session {
    func connect(_ name: String, conninfo: String, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        do throws(PostgresError) {
            let connection = try PostgresConnection.open(conninfo)
            connections[name] = connection
            catalog.apply(.connection(name, connection.description))
            present(.done(.connected(name, server: connection.description, version: connection.serverVersion)), emit: emit)
            return .ok
        } catch {
            guard case .connect(let nameToken, _, _, _) = parsed.kind else { return .dataError }
            // libpq may quote a password back (a bad percent-encoding) or name its tail as a host.
            var scrubbed = error
            let secrets = Secrets.values(in: conninfo)
            scrubbed.message = Secrets.scrubbed(error.message, secrets: secrets)
            scrubbed.hints = error.hints.map { Secrets.scrubbed($0, secrets: secrets) }
            return report(scrubbed, at: nameToken.span, source: source, emit: emit)
        }
    }

    func loadServer(_ name: String, _ what: BoundServerSource, as table: String, wideNumericAsText: Bool, at context: StatementContext,
                    emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        guard let connection = connections[name] else { return .dataError }
        let started = ContinuousClock.now
        let control = LoadControl()
        let progress = showsProgress ? ProgressLine(control: control, language: language) : nil
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

    func exportServer(_ what: ExportSource, to target: BoundServerTable, mode: String?, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        guard let connection = connections[target.connection] else { return .dataError }
        let table: Table, rows: [Int]
        if let selected = Engine.rows(toExport: what) {
            (table, rows) = (selected.table, selected.rows)
        } else if let last = lastResult {
            table = last.asTable(named: target.table)
            rows = Array(0..<table.rowCount)
        } else {
            emit(.diagnostic(rendered(Diagnostic("there is no result to export yet", at: parsed.span,
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
        emit(.diagnostic(rendered(Diagnostic(error.message, at: span, hints: error.hints), in: source)))
        return .dataError
    }

    /// A server's error as a positioned diagnostic; its exit status: 69 when the server is unavailable, 65 otherwise.
    func report(_ error: PostgresError, at span: SourceSpan, source: Source, emit: (Output) -> Void) -> Outcome.Status {
        var hints = error.hints
        if !error.candidates.isEmpty, case .loadServer(.table(let table), _, _)? = Parser.parse(source).statements.first(where: { $0.span.start <= span.start && span.end <= $0.span.end })?.kind {
            let wanted = (table.schema.map { $0.text + "." } ?? "public.") + table.table.text
            if let near = Suggestion.closest(to: wanted, in: error.candidates) { hints.insert("did you mean '\(near)'?", at: 0) }
        }
        emit(.diagnostic(rendered(Diagnostic(Secrets.masked(error.message), at: span, hints: hints.map { Secrets.masked($0) }), in: source)))
        return error.kind == .unavailable ? .unavailable : .dataError
    }
}

/// `sql STATEMENT`: the SQL a statement compiles to.
extension Session {
    func compileSQL(_ statement: BoundStatement, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
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
                sql = try SQLCompiler(dialect: dialect).statement(inner, text: text, creating: false)
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
    func compile(_ bound: BoundStatement, dialect: SQLDialect, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        let line = Self.singleLine(source.text(of: parsed.span))
        do throws(SQLError) {
            let sql = try SQLCompiler(dialect: dialect).statement(bound, text: line, creating: true)
            emit(.result(SQLDialect.comment("\(source.name):\(source.line(containing: parsed.span.start).number): \(line)") + "\n"
                         + sql.split(separator: "\n").dropFirst().joined(separator: "\n") + "\n"))
            return .ok
        } catch {
            return report(error, at: parsed.span, source: source, emit: emit)
        }
    }
}

/// Tables left on a server: `use CONNECTION.SCHEMA.TABLE`, and segments computed there.
extension Session {
    func useServer(_ table: BoundServerTable, as name: String, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        guard let connection = connections[table.connection] else { return .dataError }
        do throws(PostgresError) {
            // A statement since the connection opened may have changed a setting the SQL relies on.
            try connection.pinSettings()
            let columns = try connection.columns(schema: table.schema, table: table.table, name: name, connectionName: table.connection)
            let rows = try connection.count(schema: table.schema, table: table.table)
            var table = table
            table.relation = try connection.relation(schema: table.schema, table: table.table)
            catalog.apply(.remote(columns, table))
            let shown = "\(table.connection).\(table.schema.map { $0 + "." } ?? "")\(table.table)"
            present(.message("using '\(name)' on \(shown): \(NumberFormat.grouped(rows)) rows left on the server, \(columns.columns.count) columns; its statements run there (help sql)",
                             isConfirmation: true), emit: emit)
            return .ok
        } catch {
            var span = parsed.span
            if case .useServer(let target, _) = parsed.kind { span = target.span }
            return report(error, at: span, source: source, emit: emit)
        }
    }

    /// Runs a statement on the server that holds its table (docs/sql.md) with a `ServerExecutor`,
    /// and presents the answer as memory's, with a line that says where it ran: the connection
    /// must still be open; errors of the compiler and of the server are reported at the statement.
    func onServer(_ statement: BoundStatement, table: String, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        let text = Self.singleLine(context.source.text(of: context.parsed.span))
        let ran = withServer(table, at: context, emit: emit) { executor, shown in
            guard let execution = try executor.execute(statement, text: text, rowLimit: format == nil ? rowLimit : Int.max) else { return Outcome.Status.dataError }
            for change in execution.changes { catalog.apply(change) }
            present(Presenter(language: language).present(execution.result, computedOn: shown), emit: emit)
            return .ok
        }
        switch ran {
        case .value(let status), .stopped(let status): return status
        }
    }

    /// What running on a server gave: a value, or the status a reported error stopped it with.
    enum ServerRun<T> {
        case value(T)
        case stopped(Outcome.Status)
    }

    /// Runs `body` with a `ServerExecutor` for the server that holds `table` (shown as
    /// CONNECTION.SCHEMA.TABLE): the connection must still be open; errors of the compiler and of
    /// the server are reported at the statement and give its status.
    func withServer<T>(_ table: String, at context: StatementContext, emit: (Output) -> Void,
                       _ body: (ServerExecutor, String) throws -> T) -> ServerRun<T> {
        let (parsed, source) = (context.parsed, context.source)
        guard let remote = catalog.remote[table], let connection = connections[remote.connection] else {
            emit(.diagnostic(rendered(Diagnostic("the connection of '\(table)' is closed", at: parsed.span,
                                                                  hints: ["connect again, then: use …"]), in: source)))
            return .stopped(.unavailable)
        }
        let shown = "\(remote.connection).\(remote.schema.map { $0 + "." } ?? "")\(remote.table)"
        return withoutActuallyEscaping(emit) { emit in
            let executor = ServerExecutor(connection: connection, remote: remote) { seconds, received in
                self.timeServer(seconds, received, emit: emit)
            }
            do {
                return .value(try body(executor, shown))
            } catch {
                return .stopped(report(error, at: context, emit: emit))
            }
        }
    }

    /// The rows `export` writes when its table is left on a server: brought back by binary COPY
    /// (a segment's rows selected there), in one order whatever the server's. Nil when the table
    /// is held in memory; a failure's status when the server said no.
    func serverRows(toExport what: ExportSource, at context: StatementContext, emit: (Output) -> Void) -> ServerRun<ExportSource>? {
        let table: Table, condition: BoundCondition?, levels: [LevelCuts]
        switch what {
        case .table(let t, _): (table, condition, levels) = (t, nil, [])
        case .segment(_, let t, let c, let l, _): (table, condition, levels) = (t, c, l)
        case .lastResult: return nil
        }
        guard catalog.remote[table.name] != nil else { return nil }
        let control = LoadControl()
        let progress = showsProgress ? ProgressLine(control: control, language: language) : nil
        defer { progress?.finish() }
        return withServer(table.name, at: context, emit: emit) { executor, _ in
            let rows = try executor.rows(of: table, where: condition, levels: levels, control: control)
            switch what {
            case .segment(let name, _, _, _, let columns): return .segment(name: name, table: rows, condition: .constant(true), levels: [], columns: columns)
            case .table(_, let columns): return ExportSource.table(rows, columns: columns)
            case .lastResult: return ExportSource.table(rows)
            }
        }
    }

    /// An error of a statement run on a server, at the statement.
    private func report(_ error: any Error, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        switch error {
        case let error as SQLError:
            return report(error, at: parsed.span, source: source, emit: emit)
        case let error as PostgresError where error.kind == .cancelled:
            emit(.diagnostic("cancelled: the query was cancelled on the server; the session is as it was"))
            return .interrupted
        case let error as PostgresError:
            return report(error, at: parsed.span, source: source, emit: emit)
        case let error as RuleFailure:
            emit(.diagnostic(rendered(error.diagnostic, in: error.source)))
            return .dataError
        case let error as AggregateText.Unreadable:
            emit(.diagnostic(rendered(Diagnostic(error.message, at: parsed.span, hints: ["load the table to compute it in memory"]), in: source)))
            return .dataError
        case ExecutionFailure.noSuchCustomer(let table):
            emit(.diagnostic(rendered(noSuchCustomer(table, at: context), in: source)))
            return .dataError
        default:
            emit(.diagnostic(rendered(Diagnostic("\(error)", at: parsed.span), in: source)))
            return .dataError
        }
    }

    /// `explain customer ID` found no row with that id: said at the id, as the binder says it.
    func noSuchCustomer(_ table: String, at context: StatementContext) -> Diagnostic {
        let (parsed, source) = (context.parsed, context.source)
        guard case .explainCustomer(let expression) = parsed.kind, let idColumn = catalog.tables[table]?.columns.first else {
            return Diagnostic("no row of '\(table)' has id = \(source.text(of: parsed.span))", at: parsed.span)
        }
        let isNumber = { if case .number = expression { return true } else { return false } }()
        return Binder.noSuchCustomer(table, idColumn: idColumn, written: source.text(of: expression.span), isNumber: isNumber, at: expression.span)
    }

    /// The server's time and what came back, under `set timer on`.
    func timeServer(_ seconds: Double, _ received: ServerExecutor.Received, emit: (Output) -> Void) {
        guard timer else { return }
        let what: String
        switch received {
        case .bytes(let n): what = "\(NumberFormat.grouped(n)) bytes of answer received"
        case .groups(let n): what = "\(NumberFormat.grouped(n)) groups received"
        case .rows(let n): what = "\(NumberFormat.grouped(n)) rows received"
        case .nothing: what = "nothing received (the table stays there)"
        }
        emit(.note("server: \(NumberFormat.fixed(seconds, digits: 3)) s, \(what)"))
    }
}
