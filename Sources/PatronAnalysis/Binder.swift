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
        case .show(let name, let top, let columns, let condition):
            return try bindShow(name, top, columns, condition, statement: statement)
        case .aggregate(let query):
            return .aggregate(try bindAggregate(query, statement: statement))
        case .crosstab(let rows, let columns, let condition):
            return try bindCrosstab(rows, columns, condition, statement: statement)
        case .letVariable(let name, let value):
            return try bindLet(name, value, statement: statement)
        case .addColumn(let name, let value, let table):
            return try bindAddColumn(name, value, table, statement: statement)
        case .attach(let parsed):
            return try bindAttach(parsed, statement: statement)
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
        case .export(let what, let path, let pathSpan, let formatName, let raw, let columns):
            return try bindExport(what, path, pathSpan, formatName, raw, columns, statement: statement)
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

    /// `show [COLUMNS of] [TABLE | SEGMENT] [where …] [top N by COLUMN]`: a lone name that is
    /// neither a table nor a segment but a column of the current table picks that column.
    private func bindShow(_ name: Name?, _ top: ParsedTop?, _ columns: [Name]?, _ condition: ParsedExpression?,
                          statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        var (name, columns) = (name, columns)
        if columns == nil, let lone = name, catalog.tables[lone.text] == nil, catalog.segments[lone.text] == nil,
           let current = try? table(nil, statement: statement), current.columnIndex(named: lone.text) != nil {
            (name, columns) = (nil, [lone])
        }
        let (table, segment, _) = try tableOrSegment(name, statement: statement)
        var within = segment
        if let condition {
            var context = BindContext()
            let bound = try bindCondition(condition, in: table, context: &context)
            within = segment.map { .and([$0, bound]) } ?? bound
        }
        let picked = try columns.map { names throws(Diagnostic) in try shownColumns(names, in: table) }
        let bound = try top.map { t throws(Diagnostic) in BoundTop(count: t.count, column: try column(t.column, in: table)) }
        return .show(table, top: bound, segment: within, columns: picked)
    }

    /// The columns a list names, in its order, `*` standing for all of them; each once.
    func shownColumns(_ names: [Name], in table: Table) throws(Diagnostic) -> [Int] {
        var picked: [Int] = [], spans: [(text: String, span: SourceSpan)] = []
        for name in names {
            if name.text == "*" {
                picked += table.columns.indices
                spans += table.columns.map { ($0.name, name.span) }
            } else {
                picked.append(try column(name, in: table))
                spans.append((table.columns[picked[picked.count - 1]].name, name.span))
            }
        }
        try Self.namedOnce(spans)
        return picked
    }

    /// `crosstab A by B [where …]`.
    private func bindCrosstab(_ rows: Name, _ columns: Name, _ condition: ParsedExpression?, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        var context = BindContext()
        let bound = try condition.map { c throws(Diagnostic) in try bindCondition(c, in: table, context: &context) }
        return .crosstab(table, rows: try column(rows, in: table), columns: try column(columns, in: table), condition: bound)
    }

    /// `add NAME = EXPRESSION [to TABLE]`: a new name, and a value a column can hold exactly.
    private func bindAddColumn(_ name: Name, _ value: ParsedExpression, _ tableName: Name?, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(tableName, statement: statement)
        if let existing = table.columns.first(where: { $0.name.lowercased() == name.text.lowercased() }) {
            throw Diagnostic("'\(table.name)' already has a column '\(existing.name)'", at: name.span,
                             hints: ["name the new column differently, e.g. add \(name.text)_2 = …"])
        }
        var context = BindContext()
        let bound = try bindExpression(value, in: table, context: &context)
        switch bound.type {
        case .real:
            throw Diagnostic("'\(source.text(of: value.span))' gives real numbers, which a column holds only as exact numbers", at: value.span,
                             hints: ["keep it exact with + − × (add points = amount * 0.05), or use the ratio where it is needed: segment where \(source.text(of: value.span)) > 1"])
        case .null:
            throw Diagnostic("'\(source.text(of: value.span))' has no type: a column needs values", at: value.span, hints: ["add flag = amount > 100"])
        default: break
        }
        return .addColumn(table, name: name.text, expression: bound, text: source.text(of: value.span))
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

    /// No row of `table` has the id written: said at the id, with how the first column identifies
    /// a customer (and, for a text id written as a number, how to quote it).
    public static func noSuchCustomer(_ table: String, idColumn: Column, written: String, isNumber: Bool, at span: SourceSpan) -> Diagnostic {
        var hints = ["the first column, \(idColumn.name), identifies a customer: see 'show top 5 by \(idColumn.name)'"]
        if idColumn.type == .text, isNumber {
            hints.insert("\(idColumn.name) holds text: write the id in quotes, as it appears in the data, e.g. explain customer \"\(written)\"", at: 0)
        }
        return Diagnostic("no row of '\(table)' has \(idColumn.name) = \(written)", at: span, hints: hints)
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
        let ids: [BoundCondition]
        switch (idColumn.type, value) {
        case (.integer, .constant(.number(let m, 0))): ids = [.numeric(column: 0, multiplier: 1, .equal, value: Int128(m))]
        case (.text, .constant(.text(let t))): ids = [.text(column: 0, .equal, t)]
        case (.text, .constant(.number(let m, 0))): ids = written == String(m) ? [.text(column: 0, .equal, written)] : [.text(column: 0, .equal, written), .text(column: 0, .equal, String(m))]
        default: throw Self.noSuchCustomer(table.name, idColumn: idColumn, written: written, isNumber: { if case .constant(.number) = value { return true } else { return false } }(),
                                           at: idExpression.span)
        }
        return .explainCustomer(table, ids: ids, levels: levels, segments: segments)
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

    /// `export WHAT to "FILE" [as FORMAT] [with raw]`.
    private func bindExport(_ what: Name, _ path: String, _ pathSpan: SourceSpan, _ formatName: Name?, _ raw: Bool, _ columns: [Name]?,
                            statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
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
        var source = try exportSource(what, statement: statement)
        if let columns {
            switch source {
            case .table(let table, _): source = .table(table, columns: try shownColumns(columns, in: table))
            case .segment(let name, let table, let condition, let levels, _):
                source = .segment(name: name, table: table, condition: condition, levels: levels, columns: try shownColumns(columns, in: table))
            case .lastResult: throw Diagnostic("the last result is exported as it was printed, every column", at: columns[0].span, hints: ["export result to \"\(path)\""])
            }
        }
        return .export(source, path: path, format: format, raw: raw)
    }

    /// What `export` writes: a table, a named segment's rows of the current table, or the last result.
    func exportSource(_ what: Name, statement: ParsedStatement) throws(Diagnostic) -> ExportSource {
        if let table = catalog.tables[what.text] { return .table(table) }
        if let segment = catalog.segments[what.text] {
            let table = try table(nil, statement: statement)
            var context = BindContext()
            let condition = try Binder(catalog: catalog, source: Source(name: "segment '\(segment.name)'", text: segment.text))
                .bindCondition(segment.condition, in: table, context: &context)
            return .segment(name: segment.name, table: table, condition: condition, levels: context.levels)
        }
        if what.text.lowercased() == "result" { return .lastResult }
        var hints: [String] = []
        let names = Array(catalog.tables.keys) + Array(catalog.segments.keys) + ["result"]
        if let near = Suggestion.closest(to: what.text, in: names) { hints.append("did you mean '\(near)'?") }
        hints.append("export a table, a named segment, or 'result' (the last result)")
        throw Diagnostic("no table or segment named '\(what.text)'", at: what.span, hints: hints)
    }

    /// The statements that run on a table left on a server (docs/sql.md).
    public static let serverStatements = "segment, define segment, explain SEGMENT, explain customer, levels, show, show segments, show levels, count, summarize, crosstab, matrix, pareto, tiers, lifecycle, rfm bins, rfm segments, transitions, cohorts, add and export to a file"

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

    /// A path as written in a script, made relative to the script's folder (scripts given on
    /// the command line or read from standard input resolve against the working directory).
    public static func resolve(_ path: String, relativeTo script: String) -> String {
        guard !path.hasPrefix("/"), !script.hasPrefix("<"), let slash = script.lastIndex(of: "/") else { return path }
        return String(script[...slash]) + path
    }

    private func numericColumn(_ name: Name, in table: Table) throws(Diagnostic) -> Int {
        let index = try column(name, in: table)
        guard table.columns[index].type.isNumeric else {
            throw Diagnostic("'\(name.text)' is \(table.columns[index].type.rawValue); this needs a numeric metric", at: name.span,
                             hints: ["numeric columns of '\(table.name)': \(table.columns.filter { $0.type.isNumeric }.map(\.name).joined(separator: ", "))"])
        }
        return index
    }

    func constantNumber(_ e: ParsedExpression) throws(Diagnostic) -> Double {
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

/// A decimal literal as an exact mantissa and scale (`ExactDecimal` whose mantissa fits 64 bits).
public struct ExactNumber: Sendable {
    /// The digits as one integer.
    public let mantissa: Int64
    /// How many of them are decimals.
    public let scale: Int

    /// Reads `-12.50` style text; nil when it is not a plain number or does not fit 64 bits.
    public init?(_ text: String) {
        guard let exact = ExactDecimal(text), let mantissa = Int64(exactly: exact.mantissa) else { return nil }
        self.mantissa = mantissa
        self.scale = exact.scale
    }
}
