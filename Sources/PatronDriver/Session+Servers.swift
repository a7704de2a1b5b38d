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
    /// The SQL of one statement, its first line a comment with the patron line; `creating`
    /// (`patron compile`) makes the tables a derivation or scoring produces, so later statements read them.
    func statementSQL(_ bound: BoundStatement, _ compiler: SQLCompiler, text: String, creating: Bool) throws(SQLError) -> String {
        let comment = SQLDialect.comment("patron: \(text)") + "\n"
        switch bound {
        case .segment(let segment): return try compiler.segment(segment)
        case .customers(let spec): return try compiler.customers(spec, creating: creating)
        case .aggregate(let query): return try compiler.summary(query, text: text)
        case .count(let table, let segment, _, let groups):
            return try compiler.summary(.counting(table, by: groups, within: segment), text: text)
        case .crosstab(let table, let rows, let columns, let condition):
            return try compiler.summary(.counting(table, by: [rows, columns], within: condition), text: text)
        case let framework where framework.isFramework: return try compiler.framework(framework, text: text)
        case .rfm(let table, let recency, let frequency, let monetary, let bins):
            let scored = try compiler.rfm(table, recency: recency, frequency: frequency, monetary: monetary, bins: bins)
            return comment + (creating ? try scored.replacing(table.name, dialect: compiler.dialect, text: text) : scored.select + ";")
        case .rfmSegments(let table, _, let rules, _):
            let named = try compiler.ruleSegments(table, rules: rules)
            return comment + (creating ? try named.replacing(table.name, dialect: compiler.dialect, text: text) : named.select + ";")
        case .transitions(let spec, let from, let to, let by):
            return try compiler.transitions(spec, from: from, to: to, by: by, text: text)
        default:
            let verb = text.split(separator: " ").first.map(String.init) ?? text
            throw SQLError(message: "'\(verb)' does not compile to \(compiler.dialect.rawValue) SQL yet", hints: ["docs/sql.md lists what compiles"])
        }
    }

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
                sql = try statementSQL(inner, SQLCompiler(dialect: dialect), text: text, creating: false)
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
            let sql = try statementSQL(bound, SQLCompiler(dialect: dialect), text: line, creating: true)
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

    /// Runs a statement on the server that holds `table`: the connection must still be open;
    /// errors of the compiler and of the server are reported at the statement.
    func onServer(_ table: String, at context: StatementContext, emit: (Output) -> Void,
                  _ body: (_ remote: BoundServerTable, _ connection: PostgresConnection, _ shown: String) throws -> Outcome.Status) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        guard let remote = catalog.remote[table], let connection = connections[remote.connection] else {
            emit(.diagnostic(rendered(Diagnostic("the connection of '\(table)' is closed", at: parsed.span,
                                                                  hints: ["connect again, then: use …"]), in: source)))
            return .unavailable
        }
        do {
            return try body(remote, connection, "\(remote.connection).\(remote.schema.map { $0 + "." } ?? "")\(remote.table)")
        } catch let error as SQLError {
            return report(error, at: parsed.span, source: source, emit: emit)
        } catch let error as PostgresError where error.kind == .cancelled {
            emit(.diagnostic("cancelled: the query was cancelled on the server; the session is as it was"))
            return .interrupted
        } catch let error as PostgresError {
            return report(error, at: parsed.span, source: source, emit: emit)
        } catch let error as RuleFailure {
            emit(.diagnostic(rendered(error.diagnostic, in: error.source)))
            return .dataError
        } catch let error as AggregateText.Unreadable {
            emit(.diagnostic(rendered(Diagnostic(error.message, at: parsed.span, hints: ["load the table to compute it in memory"]), in: source)))
            return .dataError
        } catch {
            emit(.diagnostic(rendered(Diagnostic("\(error)", at: parsed.span), in: source)))
            return .dataError
        }
    }

    /// The server's time and what came back, under `set timer on`.
    /// What came back in rows of text: their bytes.
    static func received(_ rows: [[String?]]) -> String {
        "\(NumberFormat.grouped(rows.reduce(0) { $0 + $1.reduce(0) { $0 + ($1?.utf8.count ?? 0) } })) bytes of answer received"
    }

    func timeServer(since started: ContinuousClock.Instant, _ received: String, emit: (Output) -> Void) {
        guard timer else { return }
        emit(.note("server: \(NumberFormat.fixed((ContinuousClock.now - started).seconds, digits: 3)) s, \(received)"))
    }

    /// A segment of a table left on a server: compiled to SQL (docs/sql.md), run there, and
    /// drawn as if computed in memory, with a line that says where it ran.
    func segmentOnServer(_ segment: BoundSegment, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        return onServer(segment.table.name, at: context, emit: emit) { remote, connection, shown in
            present(Presenter(language: language).present(.segment(try serverSegment(segment, remote, connection, emit: emit)), computedOn: shown), emit: emit)
            return .ok
        }
    }

    /// `define segment NAME as …` on a table left on a server: the preview runs there, and the
    /// definition is kept as in memory.
    func defineOnServer(_ definition: SegmentDefinition, preview: BoundSegment, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        return onServer(preview.table.name, at: context, emit: emit) { remote, connection, shown in
            let result = try serverSegment(preview, remote, connection, emit: emit)
            catalog.apply(.segment(definition.name, definition))
            present(Presenter(language: language).present(.segmentDefined(definition, result), computedOn: shown), emit: emit)
            return .ok
        }
    }

    /// A segment's size, profit share and cut points, computed on the server.
    func serverSegment(_ segment: BoundSegment, _ remote: BoundServerTable, _ connection: PostgresConnection, emit: (Output) -> Void) throws -> SegmentResult {
        let compiled = try SQLCompiler(dialect: .postgres).compile(segment, from: remote.from)
        let started = ContinuousClock.now
        let row = try connection.row(compiled.sql)
        timeServer(since: started, Self.received([row]), emit: emit)
        let answer = compiled.read(row)
        // As in memory: a column with no values has no quantiles, rather than a made-up cut at 0.
        if let empty = answer.levels.first(where: { $0.basis == 0 && $0.method != .fixedCuts }) {
            throw SQLError(message: "'\(empty.column)' has no values to compute levels from", hints: [])
        }
        // A float column's NaN or infinity sorts into the order statistics; memory refuses such a
        // value at the load, so a cut point made of one is refused too.
        if let odd = answer.levels.first(where: { $0.cuts.contains { !$0.isFinite } }) {
            throw SQLError(message: "'\(odd.column)' holds NaN or infinity on the server, so its levels have no cut point patron can use",
                           hints: ["leave them out in a query: load from CONNECTION query \"\(SQLCompiler(dialect: .postgres).finiteRows(of: odd.column))\""])
        }
        return SegmentResult(table: segment.table, condition: segment.text, rows: [], count: answer.count, total: answer.total,
                             profitShare: answer.profitShare, profitColumn: segment.profitColumn.map { segment.table.columns[$0].name },
                             levels: answer.levels)
    }

    /// A summary (`summarize … by …`, `count … by …`) of a table left on a server: compiled to
    /// SQL, run there, its groups streamed back by binary COPY, and drawn as in memory.
    func summaryOnServer(_ query: BoundAggregateQuery, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        return onServer(query.table.name, at: context, emit: emit) { remote, connection, shown in
            let result = try serverSummary(query, remote, connection, at: context, emit: emit)
            present(Presenter(language: language).present(.summary(result), computedOn: shown), emit: emit)
            return .ok
        }
    }

    /// `count [SEGMENT]` on a table left on a server: its rows, or the segment's, counted there.
    func countOnServer(_ table: Table, segment: BoundCondition?, name: String?, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        return onServer(table.name, at: context, emit: emit) { remote, connection, shown in
            // The rows of the table, and those of the segment: one summary each.
            var counts: [Int] = []
            for condition in [nil] + (segment.map { [$0] } ?? []) {
                let result = try serverSummary(.counting(table, by: [], within: condition), remote, connection, at: context, emit: emit)
                guard let first = result.rows.first?.values.first, case .count(let count) = first else { return .dataError }
                counts.append(count)
            }
            present(Presenter(language: language).present(.count(table, segment: name, count: counts.last ?? 0, of: counts[0]), computedOn: shown), emit: emit)
            return .ok
        }
    }

    /// A summary computed on the server, read back as memory computes it.
    func serverSummary(_ query: BoundAggregateQuery, _ remote: BoundServerTable, _ connection: PostgresConnection,
                               at context: StatementContext, emit: (Output) -> Void) throws -> AggregateResult {
        let (parsed, source) = (context.parsed, context.source)
        let text = Self.singleLine(source.text(of: parsed.span))
        let compiled = try SQLCompiler(dialect: .postgres).compile(query, text: text, from: remote.from, counting: true)
        let started = ContinuousClock.now
        // Streamed by COPY, so that Ctrl-C cancels the query on the server.
        let answer = try connection.load(.query(compiled.sql), connectionName: remote.connection, name: query.table.name, control: LoadControl())
        timeServer(since: started, "\(NumberFormat.grouped(answer.rowCount)) groups received", emit: emit)
        let read = compiled.read(answer)
        let rows = try AggregateText.rows(read.values, labels: query.aggregates.map(\.label)).get()
        return AggregateResult(table: answer, groupColumns: Array(query.groups.indices), labels: query.aggregates.map(\.label),
                               rows: rows, groupCount: read.groupCount, scope: read.scope, levels: read.levels)
    }
}

extension AggregateText {
    /// The value as memory computes it: counts, exact sums, minimums and maximums at the
    /// argument's scale, dates, and reals.
    /// Nil when the server's text is not such a value (never rounded or guessed).
    var value: AggregateValue? {
        guard let text else { return .null }
        switch (kind, argument) {
        case (.count, _): return Int(text).map(AggregateValue.count)
        case (.sum, .number(let scale)?), (.min, .number(let scale)?), (.max, .number(let scale)?):
            return Self.exact(text, scale: scale).map { .exact($0, scale: scale) }
        case (.min, .date?), (.max, .date?): return CalendarDate.parseISO(Array(text.utf8)).map(AggregateValue.date)
        case (.share, _): return Double(text).map(AggregateValue.share)
        default: return Double(text).map(AggregateValue.real)
        }
    }

    /// Each group's values, in row order; the first text that is not a value stops the reading.
    static func rows(_ texts: [[AggregateText]], labels: [String]) -> Result<[(representative: Int, values: [AggregateValue])], Unreadable> {
        var rows: [(representative: Int, values: [AggregateValue])] = []
        for (row, group) in texts.enumerated() {
            var values: [AggregateValue] = []
            for (label, text) in zip(labels, group) {
                guard let value = text.value else {
                    return .failure(Unreadable(message: "the server answered '\(text.text ?? "")' for \(label), which patron cannot read exactly"))
                }
                values.append(value)
            }
            rows.append((row, values))
        }
        return .success(rows)
    }

    struct Unreadable: Error { let message: String }

    /// A decimal's text (`-12.5`) as a mantissa at `scale` decimals, when it has no more.
    static func exact(_ text: String, scale: Int) -> Int128? {
        ExactDecimal(text)?.mantissa(atScale: scale)
    }
}

extension Session {
    /// `customers from ORDERS` where the orders stay on a server: the derivation runs there into
    /// a temporary table of that session, which becomes current, left on the server too.
    func customersOnServer(_ spec: BoundCustomers, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        return onServer(spec.orders.name, at: context, emit: emit) { remote, connection, shown in
            let orders = remote.from
            let select = try SQLCompiler(dialect: .postgres).customers(spec, from: orders)
            let target = BoundServerTable(connection: remote.connection, schema: nil, table: spec.name)
            let started = ContinuousClock.now
            for statement in SQLCompiler(dialect: .postgres).temporaryTable(spec.name, holding: select) { try connection.execute(statement) }
            timeServer(since: started, "nothing received (the table stays there)", emit: emit)
            let columns = try connection.columns(schema: nil, table: spec.name, name: spec.name, connectionName: remote.connection)
            catalog.apply(.remote(columns, target))
            catalog.apply(.derivation(spec))
            present(Presenter(language: language).present(.derived(try serverDerivation(spec, orders: orders, connection), orders: spec.orders.name), computedOn: shown),
                    emit: emit)
            return .ok
        }
    }

    /// The report of a derivation made on a server, as memory prints it: the derived columns and
    /// their definitions (derived over the orders' columns), the customers and nulls counted there,
    /// the as-of date and the orders used.
    private func serverDerivation(_ spec: BoundCustomers, orders: String, _ connection: PostgresConnection) throws -> CustomerDerivation {
        let schema = Engine.deriveCustomers(spec).table
        let compiler = SQLCompiler(dialect: .postgres)
        let counts = try connection.row(compiler.valueCounts(ofTemporaryTable: spec.name, columns: schema.columns.map(\.name)))
        let customers = Int(counts.first.flatMap { $0 } ?? "") ?? 0
        let nulls = counts.dropFirst().map { customers - (Int($0 ?? "") ?? 0) }
        let facts = try connection.row(compiler.derivationFacts(spec, orders: orders))
        let day = facts.first.flatMap { $0 }.flatMap { CalendarDate.parseISO(Array($0.utf8)) } ?? spec.asOf ?? 0
        let total = facts.count > 1 ? Int(facts[1] ?? "") ?? 0 : 0, used = facts.count > 2 ? Int(facts[2] ?? "") ?? 0 : 0
        return CustomerDerivation(table: schema, asOf: day, asOfIsLatest: spec.asOf == nil, ordersUsed: used, ordersLeftOut: total - used,
                                  customers: customers, nulls: nulls)
    }
}

extension BoundServerTable {
    /// What compiled statements read the table from: the query `use` set, or the table itself.
    var from: String { relation ?? PostgresConnection.qualified(schema, table) }
}
