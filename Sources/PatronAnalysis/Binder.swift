import PatronStore
import PatronSyntax

/// Resolves parsed statements against the catalog: tables, columns, level words and literals.
public struct Binder {
    let catalog: Catalog
    let source: Source

    /// A binder for statements of `source` against `catalog`.
    public init(catalog: Catalog, source: Source) {
        self.catalog = catalog
        self.source = source
    }

    /// Binds one statement, or reports the first problem with it.
    public func bind(_ statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        try checkRemote(statement)
        switch statement.kind {
        case .load(let path, let pathSpan, let alias, let options):
            return try bindLoad(path, pathSpan, alias, options, statement: statement)
        case .use(let name):
            return try bindUse(name, statement: statement)
        case .describe(let name):
            return try bindDescribe(name, statement: statement)
        case .summarize(let name):
            return try bindSummarize(name, statement: statement)
        case .count(let name, let groups):
            return try bindCount(name, groups, statement: statement)
        case .show(let name, let top):
            return try bindShow(name, top, statement: statement)
        case .aggregate(let query):
            return .aggregate(try bindAggregate(query, statement: statement))
        case .crosstab(let rows, let columns, let condition):
            return try bindCrosstab(rows, columns, condition, statement: statement)
        case .letVariable(let name, let value):
            return try bindLet(name, value, statement: statement)
        case .levels(let metric, let method, let words):
            return try bindLevels(metric, method, words, statement: statement)
        case .defineSegment(let name, let condition):
            return try bindDefine(name, condition, statement: statement)
        case .dropSegment(let name):
            return try bindDrop(name, statement: statement)
        case .showSegments:
            return try bindShowSegments(statement: statement)
        case .customers(let orders, let by, let asOf, let definitions, let only, let into):
            return .customers(try bindCustomers(orders, by, asOf, definitions, only, into))
        case .explain(let name):
            return try bindExplain(name, statement: statement)
        case .explainCustomer(let idExpression):
            return try bindExplainCustomer(idExpression, statement: statement)
        case .matrix(let first, let second, let cuts):
            return try bindMatrix(first, second, cuts, statement: statement)
        case .pareto(let metric, let cuts):
            return try bindPareto(metric, cuts, statement: statement)
        case .tiers(let metric):
            return try bindTiers(metric, statement: statement)
        case .rfm(let bins, let span):
            return try bindRfm(bins, span, statement: statement)
        case .rfmSegments(let preset):
            return try bindRfmSegments(preset, statement: statement)
        case .rfmRule(let name, let condition):
            return try bindRfmRule(name, condition, statement: statement)
        case .export(let what, let path, let pathSpan, let formatName, let raw):
            return try bindExport(what, path, pathSpan, formatName, raw, statement: statement)
        case .include(let path, _):
            return .include(path: Self.resolve(path, relativeTo: source.name))
        case .saveSession(let path, _):
            return .saveSession(path: path)
        case .report(let path, _, let title, let script, _):
            return .report(path: path, title: title, script: script.map { Self.resolve($0, relativeTo: source.name) })
        case .lesson(let name, let path, _):
            return .lesson(name: name?.text, path: path.map { Self.resolve($0, relativeTo: source.name) })
        case .say(let text):
            return .say(text)
        case .pause:
            return .pause
        case .transitions(let from, let to, let by):
            return try bindTransitions(from, to, by, statement: statement)
        case .clv(let model, let until, let unit, let options):
            return try bindClv(model, until, unit, options, statement: statement)
        case .cohorts(let by, let of):
            return try bindCohorts(by, of, statement: statement)
        case .whatIf(let points, let years):
            return try bindWhatIf(points, years, statement: statement)
        case .lifecycle(let windows):
            return try bindLifecycle(windows, statement: statement)
        case .checkSegments:
            return try bindCheckSegments(statement: statement)
        case .showLevels:
            return try bindShowLevels(statement: statement)
        case .segment(let condition):
            return try bindSegment(condition, statement: statement)
        case .help(let topic):
            return .help(topic: topic?.text)
        case .quit:
            return .quit
        case .set(let setting, let value):
            return try bindSet(setting, value)
        case .loadServer(let source, let alias, let options):
            return try bindLoadServer(source, alias, options, statement: statement)
        case .exportServer(let what, let target, let mode):
            return try bindExportServer(what, target, mode, statement: statement)
        case .connect(let name, let driver, let conninfo, _):
            return try bindConnect(name, driver, conninfo)
        case .disconnect(let name):
            try connection(name)
            return .disconnect(name.text)
        case .showConnections:
            return .showConnections(catalog.connections.keys.sorted())
        case .sql(let dialect, let inner):
            return try bindSql(dialect, inner)
        case .useServer(let table, let alias):
            try connection(table.connection)
            return .useServer(BoundServerTable(connection: table.connection.text, schema: table.schema?.text, table: table.table.text),
                              name: alias?.text ?? table.table.text)
        }
    }

    // MARK: Statements, one method each

    /// `load "FILE" [as NAME] [with …]`.
    private func bindLoad(_ path: String, _ pathSpan: SourceSpan, _ alias: Name?, _ options: [ParsedLoadOption], statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let name = alias?.text ?? Self.tableName(fromPath: path)
        guard !name.isEmpty else {
            throw Diagnostic("cannot name a table after '\(path)'", at: pathSpan, hints: ["name it: load \"\(path)\" as NAME"])
        }
        if Table.isJSONLines(path: path), let option = options.first(where: { !Table.jsonLinesOptions.contains($0.name.text.lowercased()) }) {
            throw Diagnostic("'\(option.name.text)' applies to delimited files; JSON Lines takes each key's type from its values", at: option.name.span,
                             hints: ["a JSON Lines load takes on_error skip and date_format"])
        }
        if Table.isJSONDocument(path: path), let option = options.first(where: { $0.name.text.lowercased() == "on_error" }) {
            throw Diagnostic("'on_error' applies to files of records; a .json document is one value, and a malformed part of it stops the load", at: option.name.span,
                             hints: ["JSON Lines (.jsonl) can skip its bad lines: jq -c '.[]' x.json > x.jsonl"])
        }
        return .load(path: path, name: name, options: try bindLoadOptions(options))
    }

    /// `use TABLE`.
    private func bindUse(_ name: Name, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        return .use(try table(name))
    }

    /// `describe [TABLE]`.
    private func bindDescribe(_ name: Name?, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        return .describe(try table(name, statement: statement))
    }

    /// `summarize [TABLE]`: a profile of every column.
    private func bindSummarize(_ name: Name?, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        return .summarize(try table(name, statement: statement))
    }

    /// `count [TABLE | SEGMENT] [by …]`.
    private func bindCount(_ name: Name?, _ groups: [Name], statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let (table, segment, segmentName) = try tableOrSegment(name, statement: statement)
        var indexes: [Int] = []
        for group in groups { indexes.append(try column(group, in: table)) }
        try Self.namedOnce(groups.map { ($0.text, $0.span) } + [("count", statement.span)])
        return .count(table, segment: segment, segmentName: segmentName, by: indexes)
    }

    /// The columns of an answer, each named once: the second of two alike is an error where it is written.
    static func namedOnce(_ names: [(text: String, span: SourceSpan)]) throws(Diagnostic) {
        var seen = Set<String>()
        for (text, span) in names where !seen.insert(text).inserted {
            throw Diagnostic("'\(text)' is asked for twice; each column of the answer is named once", at: span,
                             hints: ["leave out the second '\(text)'"])
        }
    }

    /// `show [TABLE | SEGMENT] [top N by COLUMN]`.
    private func bindShow(_ name: Name?, _ top: ParsedTop?, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let (table, segment, _) = try tableOrSegment(name, statement: statement)
        guard let top else { return .show(table, top: nil, segment: segment) }
        let column = try column(top.column, in: table)
        return .show(table, top: BoundTop(count: top.count, column: column), segment: segment)
    }

    /// `crosstab A by B [where …]`.
    private func bindCrosstab(_ rows: Name, _ columns: Name, _ condition: ParsedExpression?, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        var context = BindContext()
        let bound = try condition.map { c throws(Diagnostic) in try bindCondition(c, in: table, context: &context) }
        return .crosstab(table, rows: try column(rows, in: table), columns: try column(columns, in: table), condition: bound)
    }

    /// `let NAME = VALUE`.
    private func bindLet(_ name: Name, _ value: ParsedExpression, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let empty = Table(name: "", columns: [], rowCount: 1, origin: .scratch)
        var context = BindContext()
        let bound: BoundExpression
        do throws(Diagnostic) {
            bound = try bindExpression(value, in: empty, context: &context)
        } catch {
            if error.message.hasPrefix("unknown column") {
                throw Diagnostic("a variable holds one value: '\(source.text(of: value.span))' uses a column", at: error.span,
                                 hints: ["use literals, other variables and functions, e.g. let cutoff = 2024-12-31 - 90 days"])
            }
            throw error
        }
        return .letVariable(name.text, bound)
    }

    /// `define segment NAME as CONDITION`.
    private func bindDefine(_ name: Name, _ condition: ParsedExpression, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        guard table.columnIndex(named: name.text) == nil else {
            throw Diagnostic("'\(name.text)' is already a column of '\(table.name)'", at: name.span, hints: ["choose another name for the segment"])
        }
        let definition = SegmentDefinition(name: name.text, condition: condition, text: Self.singleLine(source.text(of: condition.span)))
        // Bound with itself defined, so a definition that leads back to itself is caught now.
        var preview = catalog
        preview.segments[name.text] = definition
        var context = BindContext(segments: [name.text])
        let bound = try Binder(catalog: preview, source: source).bindCondition(condition, in: table, context: &context)
        return .defineSegment(definition, preview: BoundSegment(table: table, condition: bound, text: name.text, levels: context.levels, profitColumn: profitColumn(of: table)))
    }

    /// `drop segment NAME`.
    private func bindDrop(_ name: Name, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        guard catalog.segments[name.text] != nil else {
            var hints: [String] = []
            if let near = Suggestion.closest(to: name.text, in: catalog.segments.keys) { hints.append("did you mean '\(near)'?") }
            hints.append(catalog.segments.isEmpty ? "no segments are defined" : "segments: \(catalog.segments.keys.sorted().joined(separator: ", "))")
            throw Diagnostic("unknown segment '\(name.text)'", at: name.span, hints: hints)
        }
        return .dropSegment(name.text)
    }

    /// `show segments`.
    private func bindShowSegments(statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        return .showSegments(table, catalog.segments.keys.sorted().map { key in
            let segment = catalog.segments[key]!
            var context = BindContext()
            let condition = try? bindSegment(segment, at: statement.span, in: table, context: &context)
            return (segment, condition.map { BoundSegment(table: table, condition: $0, text: segment.name, levels: context.levels, profitColumn: nil) })
        })
    }

    /// `explain METRIC | SEGMENT`.
    private func bindExplain(_ name: Name, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        if let index = table.columnIndex(named: name.text) { return .explainMetric(table, column: index) }
        if let segment = catalog.segments[name.text] {
            var context = BindContext()
            let bound = try bindSegment(segment, at: name.span, in: table, context: &context)
            return .explainSegment(segment, BoundSegment(table: table, condition: bound, text: segment.name, levels: context.levels, profitColumn: profitColumn(of: table)),
                                   FrameworkColumns(table))
        }
        // Not a column or a segment here: a concept of segmentation is explained as 'help' explains it.
        if BoundStatement.explainedConcepts.contains(name.text.lowercased()) { return .explainConcept(name.text.lowercased()) }
        throw try unknownColumnOrSegment(name, in: table)
    }

    /// `explain customer ID`.
    private func bindExplainCustomer(_ idExpression: ParsedExpression, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        guard let idColumn = table.columns.first else { throw Diagnostic("'\(table.name)' has no columns", at: statement.span) }
        let empty = Table(name: "", columns: [], rowCount: 1, origin: .scratch)
        var context = BindContext()
        let value = try bindExpression(idExpression, in: empty, context: &context)
        var levels: [Int: LevelCuts] = [:]
        for (index, column) in table.columns.enumerated() where index > 0 && column.type.isNumeric && !["r_score", "f_score", "m_score"].contains(column.name) {
            levels[index] = try? levelCuts(index, in: table, span: statement.span)
        }
        var segments: [(String, String, BoundCondition, [LevelCuts])] = []
        for key in catalog.segments.keys.sorted() {
            let segment = catalog.segments[key]!
            var segmentContext = BindContext()
            if let bound = try? bindSegment(segment, at: statement.span, in: table, context: &segmentContext) {
                segments.append((segment.name, segment.text, bound, segmentContext.levels))
            }
        }
        // An id written as digits matches a text id as written: 00002 is the customer "00002".
        let written = source.text(of: idExpression.span)
        var hints = ["the first column, \(idColumn.name), identifies a customer: see 'show top 5 by \(idColumn.name)'"]
        if idColumn.type == .text, case .constant(.number) = value {
            hints.insert("\(idColumn.name) holds text: write the id in quotes, as it appears in the data, e.g. explain customer \"\(written)\"", at: 0)
        }
        let missing = Diagnostic("no row of '\(table.name)' has \(idColumn.name) = \(written)", at: idExpression.span, hints: hints)
        if catalog.remote[table.name] != nil {
            // Found on the server: the row is the one its id picks.
            switch (idColumn.type, value) {
            case (.integer, .constant(.number(let m, 0))):
                return .explainServerCustomer(table, id: .numeric(column: 0, multiplier: 1, .equal, value: Int128(m)), levels: levels, segments: segments)
            case (.text, .constant(.text(let t))):
                return .explainServerCustomer(table, id: .text(column: 0, .equal, t), levels: levels, segments: segments)
            case (.text, .constant(.number(_, 0))):
                return .explainServerCustomer(table, id: .text(column: 0, .equal, written), levels: levels, segments: segments)
            default:
                throw missing
            }
        }
        var row: Int? = nil
        switch (idColumn.storage, value) {
        case (.integer(let ids), .constant(.number(let m, 0))): row = ids.indices.first { ids[$0] == m && !idColumn.isNull($0) }
        case (.text(let codes, let dictionary), .constant(.text(let t))):
            if let code = dictionary.firstIndex(of: t) { row = codes.indices.first { Int(codes[$0]) == code && !idColumn.isNull($0) } }
        case (.text(let codes, let dictionary), .constant(.number(let m, 0))):
            if let code = dictionary.firstIndex(of: written) ?? dictionary.firstIndex(of: String(m)) {
                row = codes.indices.first { Int(codes[$0]) == code && !idColumn.isNull($0) }
            }
        default: break
        }
        guard let row else { throw missing }
        return .explainCustomer(table, row: row, levels: levels, segments: segments.map { ($0.0, $0.1, $0.2) })
    }

    /// `matrix A by B [at …]`.
    private func bindMatrix(_ first: Name, _ second: Name, _ cuts: [ParsedExpression], statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        let a = try numericColumn(first, in: table), b = try numericColumn(second, in: table)
        guard a != b else {
            throw Diagnostic("the matrix crosses two different metrics; '\(second.text)' is both", at: second.span, hints: ["matrix profit by loyalty"])
        }
        guard cuts.isEmpty || cuts.count == 2 else {
            throw Diagnostic("'at' takes two cut points, one per metric", at: cuts[0].span.merged(with: cuts[cuts.count - 1].span), hints: ["matrix profit by loyalty at 500, 0.5"])
        }
        return .matrix(table, first: a, second: b, cuts: cuts.isEmpty ? nil : try cuts.map { c throws(Diagnostic) in try constantNumber(c) },
                       profit: profitColumn(of: table))
    }

    /// `pareto METRIC [at A, B]`.
    private func bindPareto(_ metric: Name, _ cuts: [ParsedExpression], statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        let column = try numericColumn(metric, in: table)
        guard cuts.isEmpty || cuts.count == 2 else {
            throw Diagnostic("'at' takes two cut-offs in percent, for A and B", at: cuts[0].span, hints: ["pareto profit at 80, 95"])
        }
        let values = try cuts.map { c throws(Diagnostic) in try constantNumber(c) }
        let (a, b) = values.isEmpty ? (80.0, 95.0) : (values[0], values[1])
        guard a > 0, a < b, b <= 100 else {
            throw Diagnostic("the cut-offs must rise within 0–100: A below B", at: cuts[0].span.merged(with: cuts[1].span), hints: ["pareto profit at 80, 95"])
        }
        return .pareto(table, column: column, a: a / 100, b: b / 100)
    }

    /// `tiers METRIC`.
    private func bindTiers(_ metric: Name, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        return .tiers(table, column: try numericColumn(metric, in: table))
    }

    /// `rfm [bins N]`.
    private func bindRfm(_ bins: Int, _ span: SourceSpan, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        guard (2...10).contains(bins) else { throw Diagnostic("rfm scores use 2 to 10 bins, not \(bins)", at: span) }
        var indexes: [Int] = []
        for metric in ["recency", "frequency", "monetary"] {
            guard let index = table.columnIndex(named: metric), table.columns[index].type.isNumeric else {
                throw Diagnostic("rfm needs a numeric '\(metric)' column in '\(table.name)'", at: statement.span,
                                 hints: ["derive them first: customers from ORDERS by CUSTOMER_ID"])
            }
            indexes.append(index)
        }
        return .rfm(table, recency: indexes[0], frequency: indexes[1], monetary: indexes[2], bins: bins)
    }

    /// `rfm segments TABLE`.
    private func bindRfmSegments(_ preset: Name, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        guard ["r_score", "f_score", "m_score"].allSatisfy({ table.columnIndex(named: $0) != nil }) else {
            throw Diagnostic("'\(table.name)' has no RFM scores yet", at: statement.span, hints: ["score it first: rfm bins 5"])
        }
        let bound = try bindRules(try rfmRules(preset), in: table)
        let monetary = table.columnIndex(named: "monetary").flatMap { table.columns[$0].type.isNumeric ? $0 : nil }
        return .rfmSegments(table, preset: preset.text.lowercased(), rules: bound, monetary: monetary)
    }

    /// `rfm rule NAME where CONDITION`.
    private func bindRfmRule(_ name: Name, _ condition: ParsedExpression, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        return .rfmRule(SegmentDefinition(name: name.text, condition: condition, text: Self.singleLine(source.text(of: condition.span))),
                        position: catalog.rfmRules.count + 1)
    }

    /// `export WHAT to "FILE" [as FORMAT] [with raw]`.
    private func bindExport(_ what: Name, _ path: String, _ pathSpan: SourceSpan, _ formatName: Name?, _ raw: Bool, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let format: ExportFormat
        if let formatName {
            guard let named = ExportFormat(name: formatName.text) else {
                throw Diagnostic("unknown format '\(formatName.text)'", at: formatName.span,
                                 hints: ["formats: " + ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            format = named
        } else {
            guard let implied = ExportFormat(path: path) else {
                throw Diagnostic("cannot tell the format of '\(path)' from its name", at: pathSpan,
                                 hints: ["end the name in .csv, .tsv, .json, .jsonl or .md, or say which: export \(what.text) to \"\(path)\" as csv"])
            }
            format = implied
        }
        return .export(try exportSource(what, statement: statement), path: path, format: format, raw: raw)
    }

    /// What `export` writes: a table, a named segment's rows of the current table, or the last result.
    private func exportSource(_ what: Name, statement: ParsedStatement) throws(Diagnostic) -> ExportSource {
        if let table = catalog.tables[what.text] { return .table(table) }
        if let segment = catalog.segments[what.text] {
            let table = try table(nil, statement: statement)
            var context = BindContext()
            let condition = try Binder(catalog: catalog, source: Source(name: "segment '\(segment.name)'", text: segment.text))
                .bindCondition(segment.condition, in: table, context: &context)
            return .segment(name: segment.name, table: table, condition: condition)
        }
        if what.text.lowercased() == "result" { return .lastResult }
        var hints: [String] = []
        let names = Array(catalog.tables.keys) + Array(catalog.segments.keys) + ["result"]
        if let near = Suggestion.closest(to: what.text, in: names) { hints.append("did you mean '\(near)'?") }
        hints.append("export a table, a named segment, or 'result' (the last result)")
        throw Diagnostic("no table or segment named '\(what.text)'", at: what.span, hints: hints)
    }

    /// `export WHAT to CONNECTION.SCHEMA.TABLE [replace | append]`.
    private func bindExportServer(_ what: Name, _ target: ParsedServerTable, _ mode: Name?, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        try connection(target.connection)
        return .exportServer(try exportSource(what, statement: statement), target: BoundServerTable(connection: target.connection.text, schema: target.schema?.text, table: target.table.text),
                             mode: mode?.text.lowercased())
    }

    /// `connect NAME to postgres "CONNINFO"`.
    private func bindConnect(_ name: Name, _ driver: Name, _ conninfo: String) throws(Diagnostic) -> BoundStatement {
        guard ["postgres", "postgresql", "pg"].contains(driver.text.lowercased()) else {
            throw Diagnostic("patron connects to postgres, not '\(driver.text)'", at: driver.span,
                             hints: ["PostgreSQL and the servers that speak its protocol (Redshift, Citus, YugabyteDB, CockroachDB): connect \(name.text) to postgres \"host=… dbname=…\""])
        }
        return .connect(name: name.text, conninfo: conninfo)
    }

    /// `load CONNECTION.SCHEMA.TABLE` or `load from CONNECTION query "…"`, `[as NAME] [with wide_numeric text]`.
    private func bindLoadServer(_ source: ParsedServerSource, _ alias: Name?, _ options: [ParsedLoadOption], statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
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
    private func bindSql(_ dialect: Name?, _ inner: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let dialects = ["duckdb", "postgres", "spark", "trino", "bigquery", "snowflake"]
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
        case let framework where framework.compilesAsQuery:
            return .sqlFramework(framework, text: text, dialect: name)
        case .count(let table, let segment, _, let groups):
            return .sqlSummary(.counting(table, by: groups, within: segment), text: text, dialect: name)
        case .defineSegment(_, let preview): return .sqlSegment(preview, dialect: name)
        default:
            throw Diagnostic("'sql' compiles customers from, segment, define segment, summarize, count, crosstab, matrix, pareto, tiers, lifecycle, rfm bins, rfm segments and transitions", at: inner.span,
                             hints: ["sql \(name) segment where profit = high and loyalty = low"])
        }
    }

    /// Statements on a table left on a server: segments run there; the rest ask for a load.
    private func checkRemote(_ statement: ParsedStatement) throws(Diagnostic) {
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
        case .customers: return
        case .export(let what, _, _, _, _), .exportServer(let what, _, _): named = what
        default: break
        }
        // A segment's name stands for the current table, whose rows it selects.
        let name = named.flatMap { catalog.tables[$0.text] == nil && catalog.segments[$0.text] != nil ? nil : $0.text } ?? catalog.currentName
        guard let name, let source = catalog.remote[name] else { return }
        let verb = source.connection + "." + (source.schema.map { $0 + "." } ?? "") + source.table
        throw Diagnostic("'\(name)' stays on the server, where this statement does not run yet", at: named?.span ?? statement.span,
                         hints: ["load it to run this in memory: load \(verb) as \(name)", "on the server run: " + Self.serverStatements])
    }

    /// The statements that run on a table left on a server (docs/sql.md).
    public static let serverStatements = "segment, define segment, explain SEGMENT, explain customer, levels, show, show segments, show levels, count, summarize, crosstab, matrix, pareto, tiers, lifecycle, rfm bins, rfm segments and transitions"

    /// Checks that a connection of this name is open.
    private func connection(_ name: Name) throws(Diagnostic) {
        guard catalog.connections[name.text] == nil else { return }
        var hints: [String] = []
        if let near = Suggestion.closest(to: name.text, in: catalog.connections.keys) { hints.append("did you mean '\(near)'?") }
        hints.append(catalog.connections.isEmpty ? "connect first: connect \(name.text) to postgres \"host=localhost dbname=shop\""
                                                 : "connections: \(catalog.connections.keys.sorted().joined(separator: ", "))")
        throw Diagnostic("no connection named '\(name.text)'", at: name.span, hints: hints)
    }

    /// `clv [model M] [until DATE] [unit U] [with margin = X, discount = Y, horizon = N months]`.
    private func bindClv(_ model: Name?, _ until: ParsedExpression?, _ unit: Name?, _ options: [ParsedModelOption],
                         statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        guard let spec = catalog.lastDerivation else {
            throw Diagnostic("clv fits a model to the orders of a customer derivation; there is none yet", at: statement.span,
                             hints: ["derive customers first: customers from orders by customer_id"])
        }
        let table = try table(nil, statement: statement)
        guard table.name == spec.name else {
            throw Diagnostic("clv adds its columns to '\(spec.name)', the customers derived last, not to '\(table.name)'", at: statement.span,
                             hints: ["use \(spec.name)"])
        }
        if let model, !["bgnbd", "pareto_nbd"].contains(model.text.lowercased()) {
            var hints = ["models: bgnbd, pareto_nbd"]
            if let near = Suggestion.closest(to: model.text, in: ["bgnbd", "pareto_nbd"]) { hints.insert("did you mean '\(near)'?", at: 0) }
            throw Diagnostic("no model '\(model.text)'", at: model.span, hints: hints)
        }
        let empty = Table(name: "", columns: [], rowCount: 1, origin: .scratch)
        var day: Int32? = nil
        if let until {
            var context = BindContext()
            guard case .constant(.date(let d)) = try bindExpression(until, in: empty, context: &context) else {
                throw Diagnostic("'until' takes a date", at: until.span, hints: ["clv until 1997-09-30"])
            }
            if let asOf = spec.asOf, d >= asOf {
                throw Diagnostic("the calibration must end before the derivation's as-of date, \(CalendarDate.isoString(asOf))", at: until.span)
            }
            day = d
        }
        let unitDays: Int
        switch unit?.text.lowercased() ?? "weeks" {
        case "weeks", "week": unitDays = 7
        case "days", "day": unitDays = 1
        default: throw Diagnostic("the time unit is days or weeks, not '\(unit!.text)'", at: unit!.span, hints: ["clv unit weeks"])
        }
        var values: [String: Double] = ["margin": 1, "discount": 0.01, "horizon": 12]
        for option in options {
            let key = option.name.text.lowercased()
            guard values[key] != nil else {
                var hints = ["options: margin, discount, horizon"]
                if let near = Suggestion.closest(to: option.name.text, in: ["margin", "discount", "horizon"]) { hints.insert("did you mean '\(near)'?", at: 0) }
                throw Diagnostic("no option '\(option.name.text)'", at: option.name.span, hints: hints)
            }
            let value = try constantNumber(option.value)
            if key == "horizon", let unit = option.unit, !["month", "months"].contains(unit.text.lowercased()) {
                throw Diagnostic("the horizon is in months", at: unit.span, hints: ["horizon = 12 months"])
            }
            switch key {
            case "margin" where !(value > 0 && value <= 1): throw Diagnostic("the margin is the share of spend kept, above 0 and at most 1", at: option.value.span)
            case "discount" where !(value >= 0 && value < 1): throw Diagnostic("the discount is a monthly rate from 0 up to (not including) 1", at: option.value.span)
            case "horizon" where !(value >= 1 && value <= 1200 && value == value.rounded()): throw Diagnostic("the horizon is a whole number of months from 1 to 1200", at: option.value.span)
            default: break
            }
            values[key] = value
        }
        return .clv(BoundCLV(model: model?.text.lowercased() ?? "bgnbd", customers: spec, table: table, until: day, unitDays: unitDays, margin: values["margin"] ?? 1,
                             discount: values["discount"] ?? 0.01, horizonMonths: Int(values["horizon"] ?? 12)))
    }

    /// `what if retention + N points [over Y years]`.
    private func bindWhatIf(_ points: ParsedExpression, _ years: ParsedExpression?, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        guard let spec = catalog.lastDerivation else {
            throw Diagnostic("'what if' projects the customers of a derivation; there is none yet", at: statement.span,
                             hints: ["derive customers first: customers from orders by customer_id with profit = amount - cost"])
        }
        let n = try constantNumber(points)
        guard n > 0, n < 100 else { throw Diagnostic("the points of retention to add are between 0 and 100", at: points.span, hints: ["what if retention + 5 points"]) }
        var span = 5
        if let years {
            let y = try constantNumber(years)
            guard y >= 1, y <= 50, y == y.rounded() else { throw Diagnostic("the years are a whole number from 1 to 50", at: years.span) }
            span = Int(y)
        }
        return .whatIf(spec, points: n, years: span)
    }

    /// `cohorts [by PERIOD] [of MEASURE]`.
    private func bindCohorts(_ by: Name?, _ of: Name?, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        guard let spec = catalog.lastDerivation else {
            throw Diagnostic("cohorts follow the customers of a derivation; there is none yet", at: statement.span,
                             hints: ["derive customers first: customers from orders by customer_id"])
        }
        let periods = CohortPeriod.allCases.map(\.rawValue), measures = CohortMeasure.allCases.map(\.rawValue)
        // "months" reads as "month".
        let word = by.map { $0.text.lowercased().hasSuffix("s") ? String($0.text.lowercased().dropLast()) : $0.text.lowercased() } ?? "month"
        guard let period = CohortPeriod(rawValue: word) else {
            var hints = ["periods: " + periods.joined(separator: ", ")]
            if let by, let near = Suggestion.closest(to: by.text, in: periods) { hints.insert("did you mean '\(near)'?", at: 0) }
            throw Diagnostic("cohorts are by month, quarter or week, not '\(by?.text ?? word)'", at: by?.span ?? statement.span, hints: hints)
        }
        guard let measure = CohortMeasure(rawValue: of?.text.lowercased() ?? "customers") else {
            var hints = ["cohorts of: " + measures.joined(separator: ", ")]
            if let of, let near = Suggestion.closest(to: of.text, in: measures) { hints.insert("did you mean '\(near)'?", at: 0) }
            throw Diagnostic("cohorts follow customers, revenue or profit, not '\(of?.text ?? "")'", at: of?.span ?? statement.span, hints: hints)
        }
        if measure == .profit, spec.profit == nil {
            throw Diagnostic("the derivation defines no profit", at: of?.span ?? statement.span,
                             hints: ["derive with profit: customers from \(spec.orders.name) by … with profit = amount - cost"])
        }
        return .cohorts(spec, period: period, measure: measure)
    }

    /// `transitions from DATE to DATE [by SEGMENTATION]`.
    private func bindTransitions(_ from: ParsedExpression, _ to: ParsedExpression, _ by: Name?, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        guard let spec = catalog.lastDerivation else {
            throw Diagnostic("transitions repeat a customer derivation at two dates; there is none yet", at: statement.span,
                             hints: ["derive customers first: customers from orders by customer_id"])
        }
        let segmentation: Segmentation
        switch by?.text.lowercased() ?? "lifecycle" {
        case "lifecycle": segmentation = .lifecycle
        case "matrix":
            guard spec.profit != nil else {
                throw Diagnostic("the matrix needs profit, and the derivation defines none", at: by!.span,
                                 hints: ["derive with profit: customers from \(spec.orders.name) by … with profit = amount - cost"])
            }
            segmentation = .matrix
        case "tiers": segmentation = .tiers
        case let preset where preset == "custom" || Self.rfmPresets[preset] != nil:
            segmentation = .rules(RuleTable(preset: preset, bins: catalog.rfmBins, rules: try rfmRules(by!), catalog: catalog))
        default:
            let choices = ["lifecycle", "matrix", "tiers", "rfm", "putler", "custom"]
            var hints = ["segmentations: " + choices.joined(separator: ", ")]
            if let near = Suggestion.closest(to: by!.text, in: choices) { hints.insert("did you mean '\(near)'?", at: 0) }
            throw Diagnostic("transitions cannot be by '\(by!.text)'", at: by!.span, hints: hints)
        }
        let empty = Table(name: "", columns: [], rowCount: 1, origin: .scratch)
        var days: [Int32] = []
        for date in [from, to] {
            var context = BindContext()
            guard case .constant(.date(let d)) = try bindExpression(date, in: empty, context: &context) else {
                throw Diagnostic("'transitions' takes two dates", at: date.span, hints: ["transitions from 2024-06-30 to 2024-12-31"])
            }
            days.append(d)
        }
        guard days[0] < days[1] else { throw Diagnostic("the first date must come before the second", at: from.span.merged(with: to.span)) }
        return .transitions(spec, from: days[0], to: days[1], by: segmentation)
    }

    /// `lifecycle [windows A, B, C]`.
    private func bindLifecycle(_ windows: [ParsedExpression], statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        guard let recency = table.columnIndex(named: "recency"), table.columns[recency].type.isNumeric else {
            throw Diagnostic("lifecycle needs a numeric 'recency' column in '\(table.name)'", at: statement.span,
                             hints: ["derive it first: customers from ORDERS by CUSTOMER_ID"])
        }
        var days = LifecycleStage.standardWindows
        if !windows.isEmpty {
            guard windows.count == 3 else { throw Diagnostic("'windows' takes three numbers of days: active, warm, cold", at: windows[0].span, hints: ["lifecycle windows " + LifecycleStage.standardWindows.map(String.init).joined(separator: ", ")]) }
            days = []
            for window in windows {
                let value = try constantNumber(window)
                guard value >= 0, value == value.rounded(), value < 100_000 else { throw Diagnostic("a window is a whole number of days", at: window.span) }
                guard days.last.map({ Int(value) > $0 }) ?? true else { throw Diagnostic("windows must grow: \(Int(value)) is not above \(days.last!)", at: window.span) }
                days.append(Int(value))
            }
        }
        let tenure = table.columnIndex(named: "tenure").flatMap { table.columns[$0].type.isNumeric ? $0 : nil }
        let value = (table.columnIndex(named: "monetary") ?? table.columnIndex(named: "profit")).flatMap { table.columns[$0].type.isNumeric ? $0 : nil }
        return .lifecycle(table, recency: recency, tenure: tenure, value: value, windows: days)
    }

    /// `check segments`.
    private func bindCheckSegments(statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let preset = Name(catalog.rfmRules.isEmpty ? "rfm" : "custom", statement.span)
        let rules = try rfmRules(preset)
        let bins = catalog.rfmBins
        var r: [Int64] = [], f: [Int64] = [], m: [Int64] = []
        for a in 1...bins { for b in 1...bins { for c in 1...bins { r.append(Int64(a)); f.append(Int64(b)); m.append(Int64(c)) } } }
        let n = r.count
        let cells = Table(name: "cells", columns: [Column(name: "r_score", storage: .integer(r), nulls: NullBitmap(count: n)),
                                                   Column(name: "f_score", storage: .integer(f), nulls: NullBitmap(count: n)),
                                                   Column(name: "m_score", storage: .integer(m), nulls: NullBitmap(count: n))], rowCount: n, origin: .scratch)
        var bound: [(String, BoundCondition)] = []
        for rule in rules {
            var context = BindContext()
            let ruleBinder = Binder(catalog: catalog, source: Source(name: "rule '\(rule.name)'", text: rule.text))
            bound.append((rule.name, try ruleBinder.bindCondition(rule.condition, in: cells, context: &context)))
        }
        return .checkSegments(preset: preset.text, bins: bins, cells: cells, rules: bound)
    }

    /// `show levels`.
    private func bindShowLevels(statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        var cuts: [LevelCuts] = []
        // A table left on a server holds no values: its columns' cut points are computed there.
        let remote = catalog.holdsNoValues(table)
        for (index, column) in table.columns.enumerated() where column.type.isNumeric && (remote || column.nulls.nullCount < column.count) {
            cuts.append(try levelCuts(index, in: table, span: statement.span))
        }
        return .showLevels(table, cuts)
    }

    /// `segment where CONDITION`.
    private func bindSegment(_ condition: ParsedExpression, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        var context = BindContext()
        let bound = try bindCondition(condition, in: table, context: &context)
        let levels = context.levels
        return .segment(BoundSegment(table: table, condition: bound, text: Self.singleLine(source.text(of: condition.span)), levels: levels, profitColumn: profitColumn(of: table)))
    }

    /// `set timer on|off`, `set language en|zh`.
    private func bindSet(_ setting: Name, _ value: Name) throws(Diagnostic) -> BoundStatement {
        if setting.text.lowercased() == "timer" {
            guard ["on", "off"].contains(value.text.lowercased()) else {
                throw Diagnostic("the timer is on or off, not '\(value.text)'", at: value.span, hints: ["set timer on", "set timer off"])
            }
            return .setTimer(value.text.lowercased() == "on")
        }
        guard setting.text.lowercased() == "language" else {
            var hints = ["settings: language (en or zh), timer (on or off)"]
            if let near = Suggestion.closest(to: setting.text, in: ["language", "timer"]) { hints.insert("did you mean '\(near)'?", at: 0) }
            throw Diagnostic("unknown setting '\(setting.text)'", at: setting.span, hints: hints)
        }
        guard ["en", "zh"].contains(value.text.lowercased()) else {
            throw Diagnostic("patron speaks en and zh, not '\(value.text)'", at: value.span, hints: ["set language zh", "set language en"])
        }
        return .setLanguage(value.text.lowercased())
    }

    /// A table name made from a file name: `data/Orders 2024.csv` → `Orders_2024`.
    public static func tableName(fromPath path: String) -> String {
        var base = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = base.lastIndex(of: "."), dot != base.startIndex { base = String(base[..<dot]) }
        var name = String(base.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) ? Character($0) : "_" })
        if let first = name.first, first.isNumber { name = "_" + name }
        return name
    }

    /// Text with each run of whitespace (newlines included) shown as one space.
    static func singleLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The rule tables: the R package rfm's 10 segments, Putler's 11 (R score against the mean of
    /// F and M), or the custom rules; each rule is a condition on r_score, f_score and m_score.
    static let rfmPresets: [String: [(String, String)]] = [
        "rfm": [
            ("Champions", "r_score between 4 and 5 and f_score between 4 and 5 and m_score between 4 and 5"),
            ("Loyal Customers", "r_score between 2 and 5 and f_score between 3 and 5 and m_score between 3 and 5"),
            ("Potential Loyalist", "r_score between 3 and 5 and f_score between 1 and 3 and m_score between 1 and 3"),
            ("New Customers", "r_score between 4 and 5 and f_score between 1 and 1 and m_score between 1 and 1"),
            ("Promising", "r_score between 3 and 4 and f_score between 1 and 1 and m_score between 1 and 1"),
            ("Need Attention", "r_score between 2 and 3 and f_score between 2 and 3 and m_score between 2 and 3"),
            ("About To Sleep", "r_score between 2 and 3 and f_score between 1 and 2 and m_score between 1 and 2"),
            ("At Risk", "r_score between 1 and 2 and f_score between 2 and 5 and m_score between 2 and 5"),
            ("Can't Lose Them", "r_score between 1 and 1 and f_score between 4 and 5 and m_score between 4 and 5"),
            ("Lost", "r_score between 1 and 2 and f_score between 1 and 2 and m_score between 1 and 2"),
        ],
        "putler": [
            ("Champions", "r_score between 4 and 5 and (f_score + m_score) / 2 between 4 and 5"),
            ("Loyal Customers", "r_score between 2 and 5 and (f_score + m_score) / 2 between 3 and 5"),
            ("Potential Loyalist", "r_score between 3 and 5 and (f_score + m_score) / 2 between 1 and 3"),
            ("Recent Customers", "r_score between 4 and 5 and (f_score + m_score) / 2 between 0 and 1"),
            ("Promising", "r_score between 3 and 4 and (f_score + m_score) / 2 between 0 and 1"),
            ("Customers Needing Attention", "r_score between 2 and 3 and (f_score + m_score) / 2 between 2 and 3"),
            ("About To Sleep", "r_score between 2 and 3 and (f_score + m_score) / 2 between 0 and 2"),
            ("At Risk", "r_score between 0 and 2 and (f_score + m_score) / 2 between 2 and 5"),
            ("Can't Lose Them", "r_score between 0 and 1 and (f_score + m_score) / 2 between 4 and 5"),
            ("Hibernating", "r_score between 1 and 2 and (f_score + m_score) / 2 between 1 and 2"),
            ("Lost", "r_score between 0 and 2 and (f_score + m_score) / 2 between 0 and 2"),
        ],
    ]

    /// A path as written in a script, made relative to the script's folder (scripts given on
    /// the command line or read from standard input resolve against the working directory).
    public static func resolve(_ path: String, relativeTo script: String) -> String {
        guard !path.hasPrefix("/"), !script.hasPrefix("<"), let slash = script.lastIndex(of: "/") else { return path }
        return String(script[...slash]) + path
    }

    /// Binds a rule table's conditions over a scored table, in order.
    public func bindRules(_ rules: [SegmentDefinition], in table: Table) throws(Diagnostic) -> [(name: String, condition: BoundCondition)] {
        var bound: [(name: String, condition: BoundCondition)] = []
        for rule in rules {
            var context = BindContext()
            let ruleBinder = Binder(catalog: catalog, source: Source(name: "rule '\(rule.name)'", text: rule.text))
            bound.append((rule.name, try ruleBinder.bindCondition(rule.condition, in: table, context: &context)))
        }
        return bound
    }

    private func rfmRules(_ preset: Name) throws(Diagnostic) -> [SegmentDefinition] {
        let key = preset.text.lowercased()
        if key == "custom" {
            guard !catalog.rfmRules.isEmpty else {
                throw Diagnostic("no custom rules yet", at: preset.span, hints: ["add them in order: rfm rule Champions where r_score >= 4 and f_score >= 4"])
            }
            return catalog.rfmRules
        }
        guard let table = Self.rfmPresets[key] else {
            throw Diagnostic("unknown rule table '\(preset.text)'", at: preset.span, hints: ["rule tables: rfm (10 segments), putler (11), custom"])
        }
        return table.map { name, text in
            let parsed = Parser.parse(Source(name: name, text: "segment where " + text))
            guard case .segment(let condition)? = parsed.statements.first?.kind else { fatalError("preset rules parse") }
            return SegmentDefinition(name: name, condition: condition, text: text)
        }
    }

    private func numericColumn(_ name: Name, in table: Table) throws(Diagnostic) -> Int {
        let index = try column(name, in: table)
        guard table.columns[index].type.isNumeric else {
            throw Diagnostic("'\(name.text)' is \(table.columns[index].type.rawValue); this needs a numeric metric", at: name.span,
                             hints: ["numeric columns of '\(table.name)': \(table.columns.filter { $0.type.isNumeric }.map(\.name).joined(separator: ", "))"])
        }
        return index
    }

    private func constantNumber(_ e: ParsedExpression) throws(Diagnostic) -> Double {
        let empty = Table(name: "", columns: [], rowCount: 1, origin: .scratch)
        var context = BindContext()
        switch try bindExpression(e, in: empty, context: &context) {
        case .constant(.number(let m, let s)): return Double(m) / powerOfTen(s)
        case .constant(.real(let d)): return d
        default: throw Diagnostic("this must be a number", at: e.span)
        }
    }

    private func unknownColumnOrSegment(_ name: Name, in table: Table) throws(Diagnostic) -> Diagnostic {
        do throws(Diagnostic) { _ = try column(name, in: table, alsoSegments: true) } catch { return error }
        return Diagnostic("unknown name '\(name.text)'", at: name.span)
    }

    /// Common names of the column that holds what an order is worth.
    static let amountNames = ["amount", "revenue", "sales", "total", "value", "spend", "price", "order_value", "order_total"]

    private func bindCustomers(_ ordersName: Name, _ idName: Name, _ asOf: ParsedExpression?, _ definitions: [ParsedDefinition], _ only: [Name], _ into: Name?) throws(Diagnostic) -> BoundCustomers {
        let orders = try table(ordersName)
        let id = try column(idName, in: orders)
        guard [.integer, .text].contains(orders.columns[id].type) else {
            throw Diagnostic("customers are identified by whole numbers or text; '\(idName.text)' is \(orders.columns[id].type.rawValue)", at: idName.span)
        }
        var given: [String: ParsedDefinition] = [:]
        for definition in definitions {
            let key = definition.name.text.lowercased()
            guard ["amount", "profit", "date"].contains(key) else {
                throw Diagnostic("'with' defines amount, profit or date, not '\(definition.name.text)'", at: definition.name.span,
                                 hints: ["customers from orders by customer_id with amount = price * quantity, profit = amount - cost"])
            }
            given[key] = definition
        }
        var context = BindContext()
        // The order date: named, or the date column whose name says date.
        let date: Int
        if let named = given["date"] {
            guard case .name(let n) = named.value else { throw Diagnostic("'date' names a date column", at: named.value.span) }
            date = try column(n, in: orders)
            guard orders.columns[date].type == .date else { throw Diagnostic("'\(n.text)' is \(orders.columns[date].type.rawValue), not a date column", at: n.span) }
        } else {
            let dates = orders.columns.indices.filter { orders.columns[$0].type == .date }
            guard let chosen = dates.first(where: { orders.columns[$0].name.lowercased().contains("date") }) ?? dates.first else {
                throw Diagnostic("'\(orders.name)' has no date column for the order dates", at: ordersName.span,
                                 hints: ["load it with the dates typed, e.g. with columns (… , day date \"yyyyMMdd\", …)"])
            }
            date = chosen
        }
        // What an order is worth: defined, or the first numeric column with a common name.
        let amount: BoundExpression
        let amountText: String
        if let named = given["amount"] {
            amount = try bindExpression(named.value, in: orders, context: &context)
            amountText = Self.singleLine(source.text(of: named.value.span))
        } else if let index = orders.columns.indices.first(where: { Self.amountNames.contains(orders.columns[$0].name.lowercased()) && orders.columns[$0].type.isNumeric }) {
            amount = .column(index, Self.valueType(of: orders.columns[index], scale: scale(of: orders.columns[index])))
            amountText = orders.columns[index].name
        } else {
            throw Diagnostic("no amount column in '\(orders.name)' (looked for \(Self.amountNames.prefix(6).joined(separator: ", ")), …)", at: ordersName.span,
                             hints: ["name it: customers from \(orders.name) by \(idName.text) with amount = price * quantity"])
        }
        guard amount.type.isNumeric else { throw Diagnostic("the amount must be a number, not \(amount.type.name)", at: given["amount"]?.value.span ?? ordersName.span) }
        var profit: BoundExpression? = nil
        var profitText: String? = nil
        if let named = given["profit"] {
            // `profit = amount - cost` may use the amount's own name.
            let bound = try bindExpression(named.value, in: orders, context: &context)
            guard bound.type.isNumeric else { throw Diagnostic("the profit must be a number, not \(bound.type.name)", at: named.value.span) }
            profit = bound
            profitText = Self.singleLine(source.text(of: named.value.span))
        } else if let index = orders.columnIndex(named: "profit"), orders.columns[index].type.isNumeric {
            profit = .column(index, Self.valueType(of: orders.columns[index], scale: scale(of: orders.columns[index])))
            profitText = "profit"
        }
        var asOfDay: Int32? = nil
        if let asOf {
            let empty = Table(name: "", columns: [], rowCount: 1, origin: .scratch)
            var dateContext = BindContext()
            switch try bindExpression(asOf, in: empty, context: &dateContext) {
            case .constant(.date(let d)): asOfDay = d
            default: throw Diagnostic("'as of' takes a date, e.g. as of 2024-12-31", at: asOf.span)
            }
        }
        let channel = orders.columns.indices.first { orders.columns[$0].name.lowercased() == "channel" && orders.columns[$0].type == .text }
        // 'only': the metrics to derive (the customer column always comes); the others are skipped.
        var metrics: Set<String>? = nil
        if !only.isEmpty {
            var names = BoundCustomers.metricNames
            if profit == nil { names.removeAll { $0 == "profit" } }
            if channel == nil { names.removeAll { $0 == "channels" } }
            for metric in only where !names.contains(metric.text) {
                throw Diagnostic("'\(metric.text)' is not a customer metric\(metric.text == "profit" ? " here: the orders have no profit (define one: with profit = amount - cost)" : "")",
                                 at: metric.span, hints: (Suggestion.closest(to: metric.text, in: names).map { ["did you mean '\($0)'?"] } ?? []) + ["the metrics: \(names.joined(separator: ", "))"])
            }
            metrics = Set(only.map(\.text))
        }
        return BoundCustomers(orders: orders, id: id, date: date, channel: channel, amount: amount, amountText: amountText,
                              profit: profit, profitText: profitText, asOf: asOfDay, name: into?.text ?? "customers", metrics: metrics)
    }

    /// The table's numeric `profit` column, for shares of profit.
    func profitColumn(of table: Table) -> Int? {
        guard let index = table.columnIndex(named: "profit"), table.columns[index].type.isNumeric else { return nil }
        return index
    }

    /// A name that is a table, or a segment of the current table.
    private func tableOrSegment(_ name: Name?, statement: ParsedStatement) throws(Diagnostic) -> (Table, BoundCondition?, String?) {
        if let name, catalog.tables[name.text] == nil, let segment = catalog.segments[name.text] {
            let current = try table(nil, statement: statement)
            var context = BindContext()
            return (current, try bindSegment(segment, at: name.span, in: current, context: &context), segment.name)
        }
        if let name, catalog.tables[name.text] == nil {
            var hints: [String] = []
            if let near = Suggestion.closest(to: name.text, in: catalog.names + Array(catalog.segments.keys)) { hints.append("did you mean '\(near)'?") }
            hints.append("tables: \(catalog.names.joined(separator: ", "))" + (catalog.segments.isEmpty ? "" : "; segments: \(catalog.segments.keys.sorted().joined(separator: ", "))"))
            throw Diagnostic("unknown table or segment '\(name.text)'", at: name.span, hints: hints)
        }
        return (try table(name, statement: statement), nil, nil)
    }

    private func bindAggregate(_ query: ParsedAggregateQuery, statement: ParsedStatement) throws(Diagnostic) -> BoundAggregateQuery {
        let table = try table(nil, statement: statement)
        var context = BindContext()
        var aggregates: [BoundAggregate] = []
        for aggregate in query.aggregates {
            let kind = BoundAggregate.Kind(rawValue: aggregate.function.text.lowercased())!
            var argument: BoundExpression? = nil
            if let parsed = aggregate.argument {
                let bound = try bindExpression(parsed, in: table, context: &context)
                let numeric = bound.type.isNumeric || bound.type == .null
                if kind != .count && kind != .min && kind != .max && !numeric {
                    throw Diagnostic("'\(kind.rawValue)' needs numbers; '\(source.text(of: parsed.span))' is \(bound.type.name)", at: parsed.span)
                }
                if (kind == .min || kind == .max) && !(numeric || bound.type == .date) {
                    throw Diagnostic("'\(kind.rawValue)' needs numbers or dates; '\(source.text(of: parsed.span))' is \(bound.type.name)", at: parsed.span)
                }
                argument = bound
            }
            aggregates.append(BoundAggregate(kind: kind, argument: argument, label: Self.singleLine(source.text(of: aggregate.span))))
        }
        var groups: [Int] = []
        for group in query.groups { groups.append(try column(group, in: table)) }
        // Each column of the answer is named once: its groups, then its aggregates as written.
        try Self.namedOnce(query.groups.map { ($0.text, $0.span) } + zip(query.aggregates, aggregates).map { ($1.label, $0.span) })
        let condition = try query.condition.map { c throws(Diagnostic) in try bindCondition(c, in: table, context: &context) }
        var sort: (Int, Bool)? = nil
        if let sortName = query.sort {
            let name = Name(Self.singleLine(source.text(of: sortName.span)), sortName.span)
            let labels = query.groups.map(\.text) + aggregates.map(\.label)
            let squeezed = { (text: String) in text.lowercased().filter { !$0.isWhitespace } }
            guard let index = labels.firstIndex(of: name.text) ?? labels.firstIndex(where: { squeezed($0) == squeezed(name.text) }) else {
                var hints: [String] = []
                if let near = Suggestion.closest(to: name.text, in: labels) { hints.append("did you mean '\(near)'?") }
                hints.append("sort by one of: \(labels.joined(separator: ", "))")
                throw Diagnostic("cannot sort by '\(name.text)': it is not a column of the result", at: name.span, hints: hints)
            }
            sort = (index, query.descending)
        }
        return BoundAggregateQuery(table: table, aggregates: aggregates, groups: groups, condition: condition, sort: sort, top: query.top, levels: context.levels)
    }

    private func bindLevels(_ metric: Name, _ method: ParsedLevelMethod, _ words: [Name], statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        let index = try column(metric, in: table)
        guard table.columns[index].type.isNumeric else {
            throw Diagnostic("levels need a numeric column; '\(metric.text)' is \(table.columns[index].type.rawValue)", at: metric.span)
        }
        let definitionMethod: LevelDefinition.Method
        let count: Int
        switch method {
        case .quantiles(let n, let span):
            guard (2...10).contains(n) else { throw Diagnostic("levels split into 2 to 10 groups, not \(n)", at: span) }
            definitionMethod = .quantiles(n)
            count = n
        case .cuts(let expressions):
            var cuts: [Double] = []
            let empty = Table(name: "", columns: [], rowCount: 1, origin: .scratch)
            for expression in expressions {
                var context = BindContext()
                let bound = try bindExpression(expression, in: empty, context: &context)
                switch bound {
                case .constant(.number(let m, let scale)): cuts.append(Double(m) / powerOfTen(scale))
                case .constant(.real(let d)): cuts.append(d)
                default: throw Diagnostic("a cut point is a number", at: expression.span, hints: ["levels profit at 0, 100, 1000 as none, low, medium, high"])
                }
                if cuts.count > 1 && cuts[cuts.count - 1] <= cuts[cuts.count - 2] {
                    throw Diagnostic("cut points must rise: \(source.text(of: expression.span)) is not above the one before", at: expression.span)
                }
            }
            definitionMethod = .cuts(cuts)
            count = cuts.count + 1
        }
        var names = words.map(\.text)
        if names.isEmpty {
            switch count {
            case 2: names = ["low", "high"]
            case 3: names = LevelCuts.defaultWords
            default: names = (1...count).map { "q\($0)" }
            }
        }
        guard names.count == count else {
            throw Diagnostic("\(count) levels need \(count) names, not \(names.count)", at: words.first?.span.merged(with: words.last!.span) ?? metric.span,
                             hints: ["e.g. as \((count == 4 ? ["none", "low", "medium", "high"] : (1...count).map { "level\($0)" }).joined(separator: ", "))"])
        }
        if let duplicate = names.enumerated().first(where: { names.firstIndex(of: $0.element) != $0.offset }) {
            throw Diagnostic("the level word '\(duplicate.element)' is used twice", at: words[duplicate.offset].span)
        }
        let definition = LevelDefinition(method: definitionMethod, words: names)
        var preview = catalog
        preview.apply(.levels(table: table.name, column: table.columns[index].name, definition))
        let cuts = try Binder(catalog: preview, source: source).levelCuts(index, in: table, span: metric.span)
        return .levels(table, column: index, definition, cuts)
    }

    // MARK: Load options

    private func bindLoadOptions(_ parsed: [ParsedLoadOption]) throws(Diagnostic) -> LoadOptions {
        var options = LoadOptions()
        var seen = Set<String>()
        for option in parsed {
            let key = option.name.text.lowercased()
            guard seen.insert(key).inserted else {
                throw Diagnostic("the option '\(option.name.text)' is given twice", at: option.name.span)
            }
            switch (key, option.value) {
            case ("delimiter", .word(let word)) where ["whitespace", "tab"].contains(word.text.lowercased()):
                options.delimiter = word.text.lowercased() == "tab" ? .byte(9) : .whitespace
            case ("delimiter", .string(let text, let span)):
                let bytes = Array(text.utf8)
                guard bytes.count == 1, bytes[0] != UInt8(ascii: "\""), bytes[0] != 10, bytes[0] != 13 else {
                    throw Diagnostic("a delimiter is one ASCII character (not a quote or a line end), not \"\(text)\"", at: span,
                                     hints: ["delimiter \";\", delimiter \"\\t\", delimiter \"|\" or delimiter whitespace"])
                }
                options.delimiter = .byte(bytes[0])
            case ("header", .word(let word)) where ["true", "false"].contains(word.text.lowercased()):
                options.header = word.text.lowercased() == "true"
            case ("on_error", .word(let word)) where ["skip", "stop"].contains(word.text.lowercased()):
                options.skipBadRecords = word.text.lowercased() == "skip"
            case ("thousands", .string(let text, let span)):
                guard let byte = singleByte(text), [UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: " "), UInt8(ascii: "'"), UInt8(ascii: "_")].contains(byte) else {
                    throw Diagnostic("a thousands separator is one of , . ' _ or a space, not \"\(text)\"", at: span)
                }
                options.thousandsSeparator = byte
            case ("decimal", .string(let text, let span)):
                guard let byte = singleByte(text), byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",") else {
                    throw Diagnostic("the decimal mark is \".\" or \",\", not \"\(text)\"", at: span)
                }
                options.decimalMark = byte
            case ("date_format", .string(let text, let span)):
                options.dateFormat = try dateFormat(text, at: span)
            case ("wide_numeric", _):
                throw Diagnostic("'wide_numeric' is an option of loads from a server; a file's numbers are read by what they hold", at: option.name.span)
            case ("nulls", .strings(let markers)):
                options.nullMarkers = markers.map(\.0)
            case ("columns", .columns(let specs)):
                var columns: [ColumnSpec] = []
                for spec in specs {
                    guard let type = ColumnType(rawValue: spec.type.text.lowercased()) else {
                        var hints: [String] = []
                        if let near = Suggestion.closest(to: spec.type.text, in: ColumnType.allCases.map(\.rawValue)) { hints.append("did you mean '\(near)'?") }
                        hints.append("types: \(ColumnType.allCases.map(\.rawValue).joined(separator: ", "))")
                        throw Diagnostic("unknown type '\(spec.type.text)'", at: spec.type.span, hints: hints)
                    }
                    var format: DateFormat? = nil
                    if let (text, span) = spec.format {
                        guard type == .date || type == .timestamp else {
                            throw Diagnostic("only date and timestamp columns take a format", at: span)
                        }
                        format = try dateFormat(text, at: span)
                    }
                    if columns.contains(where: { $0.name == spec.name.text }) {
                        throw Diagnostic("the column '\(spec.name.text)' is named twice", at: spec.name.span)
                    }
                    columns.append(ColumnSpec(name: spec.name.text, type: type, format: format))
                }
                options.columns = columns
            default:
                throw Diagnostic("'\(option.name.text)' does not take that value", at: option.name.span,
                                 hints: [Self.loadOptionHelp[key] ?? "see 'help load'"])
            }
        }
        if options.thousandsSeparator != nil && options.thousandsSeparator == options.decimalMark,
           let span = parsed.first(where: { $0.name.text.lowercased() == "thousands" })?.name.span {
            throw Diagnostic("the thousands separator and the decimal mark must differ", at: span)
        }
        return options
    }

    /// How each load option is written.
    static let loadOptionHelp: [String: String] = [
        "delimiter": "delimiter \";\" (one character), delimiter tab or delimiter whitespace",
        "header": "header true or header false",
        "on_error": "on_error skip (load the rest and report) or on_error stop",
        "thousands": "thousands \",\"",
        "decimal": "decimal \",\" (with thousands \".\")",
        "date_format": "date_format \"dd/MM/yyyy\"",
        "nulls": "nulls (\"NA\", \"-\")",
        "columns": "columns (id text, day date \"yyyyMMdd\", amount decimal)",
    ]

    private func singleByte(_ text: String) -> UInt8? {
        let bytes = Array(text.utf8)
        return bytes.count == 1 ? bytes[0] : nil
    }

    private func dateFormat(_ text: String, at span: SourceSpan) throws(Diagnostic) -> DateFormat {
        guard let format = DateFormat(text) else {
            throw Diagnostic("'\(text)' is not a date format", at: span,
                             hints: ["use yyyy, MM, dd (and HH, mm, ss) with any separators, e.g. \"dd/MM/yyyy\" or \"yyyyMMdd\""])
        }
        return format
    }

    // MARK: Names

    func table(_ name: Name?, statement: ParsedStatement) throws(Diagnostic) -> Table {
        if let name { return try table(name) }
        guard let current = catalog.current else {
            throw Diagnostic("no table is loaded", at: statement.span, hints: ["load one first: load \"orders.csv\" as orders"])
        }
        return current
    }

    func table(_ name: Name) throws(Diagnostic) -> Table {
        if let table = catalog.tables[name.text] { return table }
        var hints: [String] = []
        if let near = Suggestion.closest(to: name.text, in: catalog.names) { hints.append("did you mean '\(near)'?") }
        hints.append(catalog.names.isEmpty ? "no tables are loaded yet" : "tables: \(catalog.names.joined(separator: ", "))")
        throw Diagnostic("unknown table '\(name.text)'", at: name.span, hints: hints)
    }

    func column(_ name: Name, in table: Table) throws(Diagnostic) -> Int {
        if let index = table.columnIndex(named: name.text) { return index }
        throw unknownColumn(name, in: table, alsoLevels: false)
    }

    func unknownColumn(_ name: Name, in table: Table, alsoLevels: Bool, levelWords: [String] = LevelCuts.defaultWords) -> Diagnostic {
        let names = table.columns.map(\.name)
        var hints: [String] = []
        let candidates = alsoLevels ? names + levelWords : names
        if let near = Suggestion.closest(to: name.text, in: candidates) {
            hints.append("did you mean '\(near)'?")
        } else {
            let list = names.prefix(12).joined(separator: ", ")
            hints.append("columns of '\(table.name)': \(list)\(names.count > 12 ? ", …" : "")")
        }
        return Diagnostic("unknown \(alsoLevels ? "column or level" : "column") '\(name.text)'\(alsoLevels ? "" : " in table '\(table.name)'")",
                          at: name.span, hints: hints)
    }

}

/// A decimal literal as an exact mantissa and scale.
public struct ExactNumber: Sendable {
    /// The digits as one integer.
    public let mantissa: Int64
    /// How many of them are decimals.
    public let scale: Int

    /// Reads `-12.50` style text; nil when it is not a plain number or has over 18 digits.
    public init?(_ text: String) {
        var digits = text
        var negative = false
        if digits.hasPrefix("-") { negative = true; digits.removeFirst() }
        var scale = 0
        if let dot = digits.firstIndex(of: ".") {
            scale = digits.distance(from: dot, to: digits.endIndex) - 1
            digits.remove(at: dot)
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(digits) else { return nil }
        self.mantissa = negative ? -value : value
        self.scale = scale
    }
}
