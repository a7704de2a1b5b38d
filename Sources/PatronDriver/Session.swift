import Foundation
import PatronAnalysis
import PatronEngine
import PatronRender
import PatronStore
import PatronSyntax

/// Where a piece of output goes.
public enum Output: Sendable, Equatable {
    /// A result, for standard output.
    case result(String)
    /// An error or warning, for standard error.
    case diagnostic(String)
    /// A status line (timings, progress summaries), for standard error.
    case note(String)
}

/// How a run ended.
public struct Outcome: Sendable, Equatable {
    /// The kinds of ending, each with its exit code (after sysexits).
    public enum Status: Int32, Sendable {
        /// Everything ran.
        case ok = 0
        /// A statement or a data file was wrong.
        case dataError = 65
        /// An input file was missing.
        case missingInput = 66
        /// A file or standard output could not be written.
        case ioError = 74
        /// Ctrl-C stopped a statement at the prompt (128 + SIGINT, as shells report it).
        case interrupted = 130
    }
    /// How the run ended.
    public var status: Status
    /// True when a statement asked to end the session.
    public var shouldQuit: Bool
    /// True when the input ended in the middle of a statement.
    public var isIncomplete: Bool
}

/// A session: the loaded tables and settings, and the one entry point that runs source text.
public final class Session {
    /// The tables and the current one.
    public private(set) var catalog = Catalog()
    /// How many rows `show` prints before saying how many more there are.
    public var rowLimit = 20
    /// The language of segment names, advice and explanations.
    public var language: Language = .en
    /// Whether long loads draw a progress bar on standard error (set when it is a terminal).
    public var showsProgress = false
    /// How results are printed: nil for box tables, or a data format (`--format`).
    public var format: ExportFormat? = nil
    /// Whether a failed statement lets the rest run (`--keep-going`); the run still fails.
    public var keepGoing = false
    /// Whether to leave out confirmations and status lines, printing only results and errors.
    public var quiet = false
    /// Whether statements are only checked (`--check`): bound, with only those that shape the
    /// catalog (load, let, define, customers, …) run, and nothing printed but errors.
    public var checkOnly = false
    /// Whether each statement's elapsed time is printed (`set timer on`).
    public private(set) var timer = false
    /// The last result printed, for `export result`.
    public private(set) var lastResult: ResultTable? = nil
    /// The statements that succeeded at the top level, as written, for `save session`.
    public private(set) var succeeded: [String] = []
    /// Statements checked so far under `checkOnly`.
    public private(set) var checkedCount = 0
    /// The scripts being included, innermost last, to report cycles.
    private var including: [String] = []
    /// How deep inside `include` statements the run is (0: the script or prompt itself).
    private var includeDepth = 0
    /// Values given with `--param name=value`: they win over a script's `let` of the same name.
    public var parameters: [String: Constant] = [:] {
        didSet { for (name, value) in parameters { catalog.variables[name] = value } }
    }

    /// Reads a `--param` value as patron would read it in a script: a number, a date,
    /// true or false, or else text (quotes optional).
    public static func parameterValue(_ text: String) -> Constant {
        let (tokens, diagnostics) = Lexer.tokenize(Source(name: "--param", text: text))
        if diagnostics.isEmpty && tokens.count == 2 {
            let token = tokens[0]
            switch token.kind {
            case .number:
                if let exact = ExactNumber(token.text) { return .number(exact.mantissa, scale: exact.scale) }
            case .date:
                let parts = token.text.split(separator: "-").compactMap { Int($0) }
                if let day = CalendarDate.dayNumber(year: parts[0], month: parts[1], day: parts[2]) { return .date(day) }
            case .string:
                return .text(token.text)
            case .word where token.isKeyword("true") || token.isKeyword("false"):
                return .boolean(token.isKeyword("true"))
            default: break
            }
        }
        if text.hasPrefix("-"), let exact = ExactNumber(text) { return .number(exact.mantissa, scale: exact.scale) }
        return .text(text)
    }

    /// A session with the demo data loaded as the current table.
    public init(loadDemo: Bool = true) {
        if loadDemo { catalog.add(DemoData.customers()) }
    }

    /// The one line the prompt starts with: what is loaded and a first query to try.
    public static let greeting = "patron 0.1 · demo data loaded as '\(DemoData.tableName)' (\(NumberFormat.grouped(DemoData.customerCount)) customers) · try: segment where profit=high and loyalty=low · help · Ctrl-D quits"

    /// Whether `text` is a complete input (the REPL asks for a continuation line when it is not).
    public static func isComplete(_ text: String) -> Bool {
        Parser.isComplete(Source(name: "", text: text))
    }

    /// Parses and runs `source`, sending each result to `emit` as it is produced.
    ///
    /// Nothing runs when the source has a syntax error; otherwise statements run in order and
    /// the run stops at the first statement that fails.
    public func run(_ source: Source, emit: (Output) -> Void) -> Outcome {
        // Scripts being run, so an include that comes back to one of them is reported, not followed.
        let isFile = !source.name.hasPrefix("<")
        if isFile { including.append(Self.canonical(source.name)) }
        defer { if isFile { including.removeLast() } }
        let parsed = Parser.parse(source)
        var worst = Outcome.Status.ok
        if !parsed.diagnostics.isEmpty {
            for diagnostic in parsed.diagnostics { emit(.diagnostic(DiagnosticRenderer.render(diagnostic, in: source))) }
            // With --keep-going the statements that parse still run; otherwise nothing does.
            guard keepGoing && !parsed.isIncomplete else { return Outcome(status: .dataError, shouldQuit: false, isIncomplete: parsed.isIncomplete) }
            worst = .dataError
        }
        for statement in parsed.statements {
            let started = ContinuousClock.now
            let bound: BoundStatement
            do throws(Diagnostic) {
                bound = try Binder(catalog: catalog, source: source).bind(statement)
            } catch {
                emit(.diagnostic(DiagnosticRenderer.render(error, in: source)))
                if keepGoing { worst = worse(worst, .dataError); continue }
                return Outcome(status: .dataError, shouldQuit: false, isIncomplete: false)
            }
            if checkOnly {
                checkedCount += 1
                guard bound.shapesCatalog else { continue }
            }
            let outcome = execute(bound, statement: statement, source: source, emit: emit)
            if timer && !checkOnly { emit(.note("time: \(NumberFormat.fixed((ContinuousClock.now - started).seconds, digits: 3)) s")) }
            if outcome.status != .ok {
                if keepGoing && !outcome.shouldQuit { worst = worse(worst, outcome.status); continue }
                return Outcome(status: outcome.status, shouldQuit: outcome.shouldQuit, isIncomplete: false)
            }
            if includeDepth == 0, !statement.kind.isSessionBookkeeping {
                succeeded.append(Self.singleLine(source.text(of: statement.span)))
            }
            // Ctrl-C at the prompt while a statement ran: the rest of what was entered does not run.
            if Interrupt.requested { return Outcome(status: .interrupted, shouldQuit: false, isIncomplete: false) }
            if outcome.shouldQuit || { if case .quit = bound { return true } else { return false } }() {
                return Outcome(status: worst, shouldQuit: true, isIncomplete: false)
            }
        }
        return Outcome(status: worst, shouldQuit: false, isIncomplete: false)
    }

    /// Why a script could not be read, with its exit status.
    public struct ScriptFailure: Error, Sendable {
        public let message: String
        public let hints: [String]
        public let status: Outcome.Status
    }

    /// Reads a script file as UTF-8.
    public static func readScript(_ path: String) -> Result<String, ScriptFailure> {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            return .failure(ScriptFailure(message: "cannot open script '\(path)': \(exists ? "not readable" : "no such file")",
                                          hints: exists ? [] : ["paths in include are relative to the including script"], status: .missingInput))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(ScriptFailure(message: "script '\(path)' is not valid UTF-8", hints: ["save it as UTF-8"], status: .dataError))
        }
        return .success(text)
    }

    /// A path with symbolic links and `..` resolved, to recognise a script included twice.
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }

    /// The more serious of two endings (the higher exit code).
    private func worse(_ a: Outcome.Status, _ b: Outcome.Status) -> Outcome.Status { a.rawValue >= b.rawValue ? a : b }

    /// A statement's text as one line per line it was written on, trailing blanks removed.
    static func singleLine(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }.joined(separator: "\n")
    }

    /// Prints a result as a box table or in the `--format` chosen, and keeps it for `export result`.
    private func present(_ text: String, _ data: ResultTable?, emit: (Output) -> Void) {
        guard !checkOnly else { return }
        let data = data ?? .text(text)
        if !data.isText { lastResult = data }
        switch format {
        case nil: emit(.result(text))
        case .json?: emit(.result(data.json.text))
        case let format? where data.isText:
            // CSV, TSV and JSON Lines carry only tables; text goes to standard error so the data stays clean.
            if format == .markdown { emit(.result("```text\n" + text + "\n```\n")) } else { emit(.note(text)) }
        case let format?:
            var written = ResultWriter.write(data, as: format)
            // The last line end is the console's to write ("\r\n" is one Character in Swift).
            if written.hasSuffix("\r\n") || written.hasSuffix("\n") { written.removeLast() }
            emit(.result(written + (format == .markdown ? "\n" : "")))
        }
    }

    /// A confirmation (loaded, defined, exported, …): left out with --quiet.
    private func say(_ text: String, emit: (Output) -> Void) {
        if !quiet { present(text, nil, emit: emit) }
    }

    private func execute(_ statement: BoundStatement, statement parsed: ParsedStatement, source: Source, emit: (Output) -> Void) -> Outcome {
        let status = perform(statement, statement: parsed, source: source, emit: emit)
        return Outcome(status: status.0, shouldQuit: status.1, isIncomplete: false)
    }

    private func perform(_ statement: BoundStatement, statement parsed: ParsedStatement, source: Source, emit: (Output) -> Void) -> (Outcome.Status, Bool) {
        func show(_ text: String, _ data: ResultTable? = nil) { present(text, data, emit: emit) }
        func say(_ text: String) { self.say(text, emit: emit) }
        func note(_ text: String) { if !quiet && !checkOnly { emit(.note(text)) } }
        switch statement {
        case .load(let path, let name, let options):
            do throws(LoadError) {
                let started = ContinuousClock.now
                let control = LoadControl()
                let progress = showsProgress ? ProgressLine(control: control) : nil
                defer { progress?.finish() }
                let lower = path.lowercased()
                let isJSONLines = lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson")
                let report = isJSONLines ? try Table.loadJSONLines(path: path, name: name, options: options, control: control)
                                         : try Table.load(path: path, name: name, options: options, control: control)
                progress?.finish()
                let seconds = (ContinuousClock.now - started).seconds
                catalog.add(report.table)
                for warning in report.warnings { emit(.diagnostic("\(path): warning: \(warning)")) }
                if report.rejectedCount > 0 {
                    var text = "\(path): warning: rejected \(NumberFormat.grouped(report.rejectedCount)) \(report.rejectedCount == 1 ? "record" : "records") (on_error skip)"
                    for record in report.rejected { text += "\n  line \(record.line): \(record.message)" }
                    if report.rejectedCount > report.rejected.count { text += "\n  … and \(NumberFormat.grouped(report.rejectedCount - report.rejected.count)) more" }
                    emit(.diagnostic(text))
                }
                say(ResultRenderer.loaded(report))
                note(ResultRenderer.loadSummary(report, seconds: seconds))
                return (.ok, false)
            } catch {
                if error.kind == .cancelled {
                    emit(.diagnostic("cancelled: '\(path)' was not loaded; the session is as it was"))
                    return (.interrupted, false)
                }
                if case .load(_, let pathSpan, _, _) = parsed.kind, error.kind == .missingFile {
                    emit(.diagnostic(DiagnosticRenderer.render(Diagnostic(error.message, at: pathSpan, hints: error.hint.map { [$0] } ?? []), in: source)))
                    return (.missingInput, false)
                }
                emit(.diagnostic(DiagnosticRenderer.render(error)))
                return (.dataError, false)
            }
        case .use(let table):
            catalog.use(table.name)
            say(("using '\(table.name)': \(NumberFormat.grouped(table.rowCount)) rows"))
        case .describe(let table):
            show(ResultRenderer.schema(table), .schema(table))
        case .summarize(let table):
            let summaries = Engine.summarize(table)
            show(ResultRenderer.render(summaries, of: table), .profile(summaries, of: table))
        case .count(let table, let segment, let segmentName, let groups):
            if !groups.isEmpty {
                let query = BoundAggregateQuery(table: table, aggregates: [BoundAggregate(kind: .count, argument: nil, label: "count")],
                                                groups: groups, condition: segment, sort: nil, top: nil, levels: [])
                let result = Engine.aggregate(query)
                show(ResultRenderer.render(result), ResultTable(result))
            } else if let segment, let segmentName {
                let n = Engine.filter(segment, in: table).count
                show("\(NumberFormat.grouped(n)) of \(NumberFormat.grouped(table.rowCount)) rows in '\(table.name)' are in '\(segmentName)' (\(NumberFormat.percent(table.rowCount == 0 ? 0 : Double(n) / Double(table.rowCount))))",
                     ResultTable(kind: "count", columns: ["table", "segment", "rows", "of"], rows: [[.text(table.name), .text(segmentName), .number(String(n)), .number(String(table.rowCount))]]))
            } else {
                show(ResultRenderer.count(table), ResultTable(kind: "count", columns: ["table", "rows"], rows: [[.text(table.name), .number(String(table.rowCount))]]))
            }
        case .show(let table, let top, let segment):
            let result = Engine.rows(of: table, top: top, limit: format == nil ? rowLimit : Int.max, within: segment)
            show(ResultRenderer.render(result), ResultTable.rows(of: table, result.rows))
        case .aggregate(let query):
            let result = Engine.aggregate(query)
            if Interrupt.requested {
                emit(.diagnostic("cancelled: the summary stopped; the session is as it was"))
                return (.interrupted, false)
            }
            show(ResultRenderer.render(result), ResultTable(result))
        case .crosstab(let table, let rows, let columns, let condition):
            let result = Engine.crosstab(table, rows: rows, columns: columns, condition: condition)
            show(ResultRenderer.render(result), ResultTable(result))
        case .letVariable(let name, let expression):
            if let given = parameters[name] {
                say("$\(name) = \(ResultRenderer.literal(given)) (from --param; the script's value is not used)")
            } else {
                let value = Engine.evaluate(constant: expression)
                catalog.variables[name] = value
                say("$\(name) = \(ResultRenderer.literal(value))")
            }
        case .levels(let table, let column, let definition, let cuts):
            catalog.levels[table.columns[column].name] = definition
            var counts = Array(repeating: 0, count: cuts.words.count)
            let values = table.columns[column]
            for row in 0..<table.rowCount { if let v = values.doubleValue(row) { counts[cuts.level(of: v)] += 1 } }
            say(ResultRenderer.levels(cuts, counts: counts, table: table))
        case .defineSegment(let definition, let preview):
            catalog.segments[definition.name] = definition
            let result = Engine.segment(preview)
            say("segment '\(definition.name)' = \(definition.text)\n" + ResultRenderer.render(result, language: language))
        case .dropSegment(let name):
            catalog.segments[name] = nil
            say("dropped segment '\(name)'")
        case .showSegments(let table, let segments):
            let sizes = segments.map { ($0.0.name, $0.0.text, $0.1.map { Engine.filter($0, in: table).count }) }
            show(ResultRenderer.segments(sizes, table: table), sizes.isEmpty ? nil : .segments(sizes, table: table))
        case .customers(let spec):
            let derived = Engine.deriveCustomers(spec)
            if Interrupt.requested {
                emit(.diagnostic("cancelled: no customer table was derived; the session is as it was"))
                return (.interrupted, false)
            }
            catalog.add(derived.table)
            catalog.lastDerivation = spec
            var text = "derived '\(derived.table.name)' from '\(spec.orders.name)': \(NumberFormat.grouped(derived.table.rowCount)) customers, as of \(CalendarDate.isoString(derived.asOf))"
            text += derived.asOfIsLatest ? " (the latest order date)" : ""
            text += "; \(NumberFormat.grouped(derived.ordersUsed)) orders used"
            if derived.ordersLeftOut > 0 { text += ", \(NumberFormat.grouped(derived.ordersLeftOut)) left out (no customer or date, or after the as-of date)" }
            say(text + "\n" + ResultRenderer.schema(derived.table, withTitle: false))
        case .explainMetric(let table, let column):
            let metric = table.columns[column]
            show("\(metric.name) (\(metric.type.rawValue)) in '\(table.name)': \(ResultRenderer.evidence(metric.evidence))")
        case .explainSegment(let definition, let bound):
            let result = Engine.segment(bound)
            show(ResultRenderer.explain(segment: definition.name, definition: definition.text, result: result,
                                        portrait: Engine.portrait(of: result.rows, in: bound.table), language: language), ResultTable(result))
        case .explainCustomer(let table, let row, let levels, let segments):
            let verdicts = segments.map { segment -> (String, String, Bool?) in
                let yes = Engine.filter(segment.2, in: table, selection: [row], want: true).count == 1
                let no = Engine.filter(segment.2, in: table, selection: [row], want: false).count == 1
                return (segment.0, segment.1, yes ? true : no ? false : nil)
            }
            show(ResultRenderer.explain(table, row: row, levels: levels, segments: verdicts, language: language),
                 .customer(table, row: row, levels: levels, segments: verdicts))
        case .matrix(let table, let first, let second, let cuts):
            let profit = table.columnIndex(named: "profit").flatMap { table.columns[$0].type.isNumeric ? $0 : nil }
            let result = Engine.matrix(table, first: first, second: second, cuts: cuts, profitColumn: profit)
            show(ResultRenderer.render(result, language: language), ResultTable(result, language: language))
        case .pareto(let table, let column, let a, let b):
            let result = Engine.pareto(table, column: column, a: a, b: b)
            show(ResultRenderer.render(result, language: language), ResultTable(result))
        case .tiers(let table, let column):
            let result = Engine.tiers(table, column: column)
            show(ResultRenderer.render(result, language: language), ResultTable(result, language: language))
        case .rfm(let table, let recency, let frequency, let monetary, let bins):
            let result = Engine.rfm(table, recency: recency, frequency: frequency, monetary: monetary, bins: bins)
            catalog.replace(result.table)
            catalog.rfmBins = bins
            show(ResultRenderer.render(result, recency: table.columns[recency], frequency: table.columns[frequency], monetary: table.columns[monetary], language: language),
                 ResultTable(result))
        case .rfmSegments(let table, let preset, let rules, let monetary):
            let result = Engine.assign(table, preset: preset, rules: rules, monetary: monetary)
            catalog.replace(result.table)
            show(ResultRenderer.render(result, language: language), ResultTable(result, language: language))
        case .lifecycle(let table, let recency, let tenure, let value, let windows):
            let result = Engine.lifecycle(table, recency: recency, tenure: tenure, value: value, windows: windows)
            show(ResultRenderer.render(result, language: language), ResultTable(result, language: language))
        case .transitions(let spec, let from, let to, let by):
            // Tiers are named after their metric (高利润, …), as in 'tiers'.
            let tierMetric = spec.profit != nil ? "profit" : "monetary"
            let names = Engine.segmentNames(by).map { name in
                if case .tiers = by { return Vocabulary.tier(name, metric: tierMetric, language) }
                return name
            }
            var failure: (Diagnostic, Source)? = nil
            let counts = Engine.transitions(spec, from: from, to: to, classes: names.count) { derived in
                guard case .rules(_, let bins, let rules) = by else { return Engine.segmentLabels(derived, by: by) }
                // Score each date's customers afresh, then name them by the first rule that holds.
                guard let r = derived.columnIndex(named: "recency"), let f = derived.columnIndex(named: "frequency"),
                      let m = derived.columnIndex(named: "monetary") else { return Array(repeating: -1, count: derived.rowCount) }
                let scored = Engine.rfm(derived, recency: r, frequency: f, monetary: m, bins: bins).table
                var label = Array(repeating: rules.count, count: scored.rowCount)
                for (k, rule) in rules.enumerated().reversed() {
                    let ruleSource = Source(name: "rule '\(rule.name)'", text: rule.text)
                    do throws(Diagnostic) {
                        let bound = try Binder(catalog: catalog, source: ruleSource).bindRules([rule], in: scored)
                        for row in Engine.filter(bound[0].condition, in: scored) { label[row] = k }
                    } catch {
                        failure = (error, ruleSource)
                    }
                }
                return label
            }
            if Interrupt.requested {
                emit(.diagnostic("cancelled: transitions stopped"))
                return (.interrupted, false)
            }
            if let (error, ruleSource) = failure {
                emit(.diagnostic(DiagnosticRenderer.render(error, in: ruleSource)))
                return (.dataError, false)
            }
            show(ResultRenderer.transitions(counts, names: names, by: by.name, from: from, to: to, language: language),
                 .transitions(counts, names: names, by: by.name, from: from, to: to, language: language))
        case .setLanguage(let code):
            language = Language(rawValue: code) ?? .en
            say(language == .zh ? "语言：中文（细分名称、建议与说明）" : "language: English (segment names, advice and explanations)")
        case .rfmRule(let rule):
            catalog.rfmRules.append(rule)
            say("rule \(catalog.rfmRules.count) of the custom table: \(rule.name) where \(rule.text)")
        case .checkSegments(let preset, let bins, let cells, let rules):
            let result = Engine.check(preset: preset, bins: bins, cells: cells, rules: rules)
            show(ResultRenderer.render(result, language: language), ResultTable(result))
        case .showLevels(let table, let cuts):
            show(ResultRenderer.levelTable(cuts, table: table), .levels(cuts, table: table))
        case .segment(let segment):
            let result = Engine.segment(segment)
            show(ResultRenderer.render(result, language: language), ResultTable(result))
        case .help(let topic):
            guard let topic else {
                show(Help.overview())
                return (.ok, false)
            }
            guard let text = Help.text(for: topic) else {
                var hints: [String] = []
                if let near = Suggestion.closest(to: topic, in: Help.topics.map(\.name)) { hints.append("did you mean '\(near)'?") }
                hints.append("topics: \(Help.topics.map(\.name).joined(separator: ", "))")
                if case .help(let name?) = parsed.kind {
                    emit(.diagnostic(DiagnosticRenderer.render(Diagnostic("no help on '\(topic)'", at: name.span, hints: hints), in: source)))
                }
                return (.dataError, false)
            }
            show(text)
        case .setTimer(let on):
            timer = on
            say(on ? "timer on: each statement's time is printed on standard error" : "timer off")
        case .export(let what, let path, let format, let raw):
            let data: ResultTable
            switch what {
            case .table(let table): data = .rows(of: table, 0..<table.rowCount, kind: "table")
            case .segment(_, let table, let condition): data = .rows(of: table, Engine.filter(condition, in: table), kind: "segment")
            case .lastResult:
                guard let last = lastResult else {
                    if case .export(let name, _, _, _, _) = parsed.kind {
                        emit(.diagnostic(DiagnosticRenderer.render(Diagnostic("there is no result to export yet", at: name.span,
                                                                              hints: ["run a query first, e.g. summarize count by region, then: export result to \"counts.csv\""]), in: source)))
                    }
                    return (.dataError, false)
                }
                data = last
            }
            do throws(AtomicFile.Failure) {
                try AtomicFile.write(ResultWriter.write(data, as: format, raw: raw), to: path)
            } catch {
                emit(.diagnostic("\(path): error: cannot write the export: \(error.reason)"))
                return (.ioError, false)
            }
            say("exported \(NumberFormat.grouped(data.rows.count)) \(data.rows.count == 1 ? "row" : "rows") to '\(path)' (\(format.rawValue)\(raw ? ", raw" : ""))")
        case .include(let path):
            guard case .include(_, let pathSpan) = parsed.kind else { return (.dataError, false) }
            let key = Self.canonical(path)
            if including.contains(key) {
                let chain = (including.drop { $0 != key } + [key]).joined(separator: " → ")
                emit(.diagnostic(DiagnosticRenderer.render(Diagnostic("including '\(path)' would run it again inside itself: \(chain)", at: pathSpan,
                                                                      hints: ["remove one of the include statements in the cycle"]), in: source)))
                return (.dataError, false)
            }
            let text: String
            switch Self.readScript(path) {
            case .success(let contents): text = contents
            case .failure(let failure):
                emit(.diagnostic(DiagnosticRenderer.render(Diagnostic(failure.message, at: pathSpan, hints: failure.hints), in: source)))
                return (failure.status, false)
            }
            includeDepth += 1
            defer { includeDepth -= 1 }
            let outcome = run(Source(name: path, text: text), emit: emit)
            return (outcome.status, outcome.shouldQuit)
        case .saveSession(let path):
            let script = "# saved by patron: the statements that succeeded in this session, in order\n" + succeeded.map { $0 + "\n" }.joined()
            do throws(AtomicFile.Failure) {
                try AtomicFile.write(script, to: path)
            } catch {
                emit(.diagnostic("\(path): error: cannot save the session: \(error.reason)"))
                return (.ioError, false)
            }
            say("saved \(succeeded.count) \(succeeded.count == 1 ? "statement" : "statements") to '\(path)'; run them with: patron run \(path)")
        case .quit:
            return (.ok, true)
        }
        return (.ok, false)
    }
}

extension BoundStatement {
    /// Whether the statement changes what later statements bind against (tables, variables,
    /// segments, levels, rules, settings): `--check` runs these and only binds the rest.
    var shapesCatalog: Bool {
        switch self {
        case .load, .use, .letVariable, .levels, .defineSegment, .dropSegment, .customers, .rfm, .rfmSegments, .rfmRule,
             .setLanguage, .include:
            return true
        default:
            return false
        }
    }
}

extension ParsedStatementKind {
    /// Statements about the session itself, which a saved session leaves out.
    var isSessionBookkeeping: Bool {
        switch self {
        case .saveSession, .help, .quit, .export: return true
        default: return false
        }
    }
}
