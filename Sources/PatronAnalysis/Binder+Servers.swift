import PatronStore
import PatronSyntax

/// Statements about servers: connections, loads and exports, `sql`, and the checks on tables left on a server.
extension Binder {
    /// `export WHAT to CONNECTION.SCHEMA.TABLE [replace | append]`.
    func bindExportServer(_ what: Name, _ target: ParsedServerTable, _ mode: Name?, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        try connection(target.connection)
        return .exportServer(try exportSource(what, statement: statement), target: BoundServerTable(connection: target.connection.text, schema: target.schema?.text, table: target.table.text),
                             mode: mode?.text.lowercased())
    }

    /// `connect NAME to postgres "CONNINFO"`.
    func bindConnect(_ name: Name, _ driver: Name, _ conninfo: String) throws(Diagnostic) -> BoundStatement {
        guard ["postgres", "postgresql", "pg"].contains(driver.text.lowercased()) else {
            throw Diagnostic("patron connects to postgres, not '\(driver.text)'", at: driver.span,
                             hints: ["PostgreSQL and the servers that speak its protocol (Redshift, Citus, YugabyteDB, CockroachDB): connect \(name.text) to postgres \"host=… dbname=…\""])
        }
        return .connect(name: name.text, conninfo: conninfo)
    }

    /// `load CONNECTION.SCHEMA.TABLE` or `load from CONNECTION query "…"`, `[as NAME] [with wide_numeric text]`.
    func bindLoadServer(_ source: ParsedServerSource, _ alias: Name?, _ options: [ParsedLoadOption], statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        var wideNumericAsText = false
        for option in options {
            guard option.name.text.lowercased() == "wide_numeric", case .word(let value) = option.value, ["text", "error"].contains(value.text.lowercased()) else {
                throw Diagnostic("'\(option.name.text)' is not an option of a server load", at: option.name.span,
                                 hints: ["a server's columns come with their types; the one option is wide_numeric text (numerics over 18 digits as text) or wide_numeric error"])
            }
            wideNumericAsText = value.text.lowercased() == "text"
        }
        switch source {
        case .table(let table):
            try connection(table.connection)
            return .loadServer(connection: table.connection.text, source: .table(schema: table.schema?.text, name: table.table.text),
                               name: alias?.text ?? table.table.text, wideNumericAsText: wideNumericAsText)
        case .query(let connection, let sql, let span):
            try self.connection(connection)
            guard let alias else {
                throw Diagnostic("name the table the query's rows go to", at: span, hints: ["load from \(connection.text) query \"…\" as orders"])
            }
            return .loadServer(connection: connection.text, source: .query(sql: sql, span: span), name: alias.text, wideNumericAsText: wideNumericAsText)
        }
    }

    /// `sql [DIALECT] STATEMENT`.
    func bindSql(_ dialect: Name?, _ inner: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let dialects = SQLDialect.allCases.map(\.rawValue)
        let name = dialect?.text.lowercased() ?? "duckdb"
        if let dialect, !dialects.contains(name) {
            var hints = ["dialects: \(dialects.joined(separator: ", "))"]
            if let near = Suggestion.closest(to: dialect.text, in: dialects) { hints.insert("did you mean '\(near)'?", at: 0) }
            throw Diagnostic("patron does not compile to '\(dialect.text)' yet", at: dialect.span, hints: hints)
        }
        let text = Self.singleLine(source.text(of: inner.span))
        switch try bind(inner) {
        case .segment(let bound): return .sqlSegment(bound, dialect: name)
        case .aggregate(let query): return .sqlSummary(query, text: text, dialect: name)
        case .customers(let spec): return .sqlCustomers(spec, dialect: name)
        case .showSegments(_, let segments) where segments.isEmpty:
            throw Diagnostic("no segments are defined", at: inner.span, hints: ["define segment butterflies as profit=high and loyalty=low"])
        case let framework where framework.compilesAsQuery:
            return .sqlFramework(framework, text: text, dialect: name)
        case .count(let table, let segment, _, let groups):
            return .sqlSummary(.counting(table, by: groups, within: segment), text: text, dialect: name)
        case .defineSegment(let definition, let preview):
            // The SQL's comment names the condition, as `sql segment where …` does.
            return .sqlSegment(BoundSegment(table: preview.table, condition: preview.condition, text: definition.text, levels: preview.levels,
                                            profitColumn: preview.profitColumn), dialect: name)
        case .show(_, nil, _, _):
            throw Diagnostic("a database keeps no order of rows, so 'show' compiles only with 'top N by COLUMN'", at: inner.span,
                             hints: ["sql \(name) show top 10 by monetary"])
        default:
            throw Diagnostic("'sql' compiles customers from, segment, define segment, summarize, count, crosstab, show … top N by, show segments, show levels, levels, matrix, pareto, tiers, lifecycle, rfm bins, rfm segments, transitions, cohorts, add and attach", at: inner.span,
                             hints: ["sql \(name) segment where profit = high and loyalty = low"])
        }
    }

    /// Statements on a table left on a server: segments run there; the rest ask for a load.
    func checkRemote(_ statement: ParsedStatement) throws(Diagnostic) {
        var named: Name? = nil
        switch statement.kind {
        case .segment, .sql, .use, .useServer, .describe, .help, .quit, .connect, .disconnect, .showConnections, .load, .loadServer, .set,
             .letVariable, .dropSegment, .include, .saveSession, .report, .lesson, .say, .pause:
            return
        case .explain, .explainCustomer: return
        case .count: return
        case .aggregate, .crosstab, .matrix, .pareto, .tiers, .lifecycle, .rfm, .rfmSegments, .transitions, .defineSegment, .levels, .showSegments, .showLevels: return
        case .show: return
        case .summarize(let name): named = name
        case .customers, .cohorts, .addColumn: return
        // A table or a segment's rows written to a file come back from the server (ServerExecutor.rows).
        case .export: return
        case .exportServer(let what, _, _): named = what
        default: break
        }
        // A segment's name stands for the current table, whose rows it selects.
        let name = named.flatMap { catalog.tables[$0.text] == nil && catalog.segments[$0.text] != nil ? nil : $0.text } ?? catalog.currentName
        guard let name, let source = catalog.remote[name] else { return }
        let verb = source.connection + "." + (source.schema.map { $0 + "." } ?? "") + source.table
        throw Diagnostic("'\(name)' stays on the server, where this statement does not run yet", at: named?.span ?? statement.span,
                         hints: ["load it to run this in memory: load \(verb) as \(name)", "on the server run: " + Self.serverStatements])
    }

    /// Checks that a connection of this name is open.
    func connection(_ name: Name) throws(Diagnostic) {
        guard catalog.connections[name.text] == nil else { return }
        var hints: [String] = []
        if let near = Suggestion.closest(to: name.text, in: catalog.connections.keys) { hints.append("did you mean '\(near)'?") }
        hints.append(catalog.connections.isEmpty ? "connect first: connect \(name.text) to postgres \"host=localhost dbname=shop\""
                                                 : "connections: \(catalog.connections.keys.sorted().joined(separator: ", "))")
        throw Diagnostic("no connection named '\(name.text)'", at: name.span, hints: hints)
    }
}
