import Foundation
import PatronAnalysis
import PatronEngine
import PatronPostgres
import PatronRender
import PatronSQL
import PatronServer
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
    public enum Status: Int32, Sendable, CaseIterable {
        /// Everything ran.
        case ok = 0
        /// A statement or a data file was wrong.
        case dataError = 65
        /// An input file was missing.
        case missingInput = 66
        /// A server could not be reached or used (sysexits' EX_UNAVAILABLE).
        case unavailable = 69
        /// A file or standard output could not be written.
        case ioError = 74
        /// Ctrl-C stopped a statement at the prompt (128 + SIGINT, as shells report it).
        case interrupted = 130
    }
    /// Every exit code patron ends with and what it means, in order: the statuses of a run, and
    /// 64 (bad usage, from the command line) and 70 (an internal error).
    public static let exitCodes: [(code: Int32, meaning: String)] = [
        (0, "ok"), (64, "usage"), (65, "script or data error"), (66, "missing input file"), (69, "server unavailable"),
        (70, "internal error"), (74, "file or output could not be written"), (130, "interrupted"),
    ]

    /// The exit codes as one line: "0 ok, 64 usage, …".
    public static var exitCodeLine: String {
        exitCodes.map { "\($0.code) \($0.meaning)" }.joined(separator: ", ")
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
    public internal(set) var catalog = Catalog()
    /// How many rows `show` prints before saying how many more there are.
    public var rowLimit = 20
    /// The language of segment names, advice and explanations.
    public var language: Language = .en
    /// Whether long loads draw a progress bar on standard error (set when it is a terminal).
    public var showsProgress = false
    /// How results go out (box tables, a format, one JSON document, an HTML document).
    var output = OutputPolicy()
    /// How results are printed: nil for box tables, or a data format (`--format`).
    public var format: ExportFormat? {
        get { output.format }
        set { output.format = newValue }
    }
    /// Whether `--format json` results form one JSON array, the results in order, closed by
    /// `closingOutput()` (a script or `-c`); at the prompt each result is its own document.
    public var jsonAsOneDocument: Bool {
        get { output.jsonAsOneDocument }
        set { output.jsonAsOneDocument = newValue }
    }
    /// Whether a failed statement lets the rest run (`--keep-going`); the run still fails.
    public var keepGoing = false
    /// Whether to leave out confirmations and status lines, printing only results and errors.
    public var quiet = false
    /// Whether statements are only checked (`--check`): bound, with only those that shape the
    /// catalog (load, let, define, customers, …) run, and nothing printed but errors.
    public var checkOnly = false
    /// Whether each statement's elapsed time is printed (`set timer on`).
    public internal(set) var timer = false
    /// What the session has done: the last result, a report's sections, the statements that succeeded.
    private(set) var log = ResultLog()
    /// The last result printed, for `export result`.
    public var lastResult: Presentation? { log.last }
    /// Every result printed so far with the statement that made it, for `report`.
    public var reportSections: [HTMLReport.Section] { log.sections }
    /// Whether results are kept for one HTML document printed at the end (`--format html`)
    /// instead of printed one by one; text and confirmations go to standard error.
    public var collectsHTML: Bool {
        get { output.collectsHTML }
        set { output.collectsHTML = newValue }
    }
    /// At the prompt: shows its argument as a prompt and returns the line typed at a lesson's
    /// pause (nil for Ctrl-C or Ctrl-D). Nil in scripts, where pauses are skipped.
    public var lessonPause: ((String) -> String?)? = nil
    /// Whether statements that read or write files or open connections are refused (the fuzz
    /// targets run statements nobody wrote).
    public var sandboxed = false
    /// Whether every result's presentation is checked (unique keys, rows as wide as the fields)
    /// even in a release build, stopping at the first that fails: what the fuzz targets run with.
    public var checksInvariants = false
    /// The statements that succeeded at the top level, as written, for `save session`.
    public var succeeded: [String] { log.succeeded }
    /// When set (`patron compile`), queries are printed as SQL in this dialect instead of run;
    /// statements that shape the catalog (load, let, define, levels, …) still run, silently.
    public var compiling: SQLDialect? = nil {
        didSet { if compiling != nil { checkOnly = true } }
    }
    /// Statements checked so far under `checkOnly`.
    public private(set) var checkedCount = 0
    /// Open server connections, by name.
    var connections: [String: PostgresConnection] = [:]
    /// The scripts running inside one another, and the statement running.
    var nesting = ScriptNesting()
    /// How the last delimited load read its file.
    var lastLoad = LastLoad()
    /// Values given with `--param name=value`: they win over a script's `let` of the same name.
    public var parameters: [String: Literal] = [:] {
        didSet { for (name, value) in parameters { catalog.variables[name] = value } }
    }

    /// Reads a `--param` value as patron would read it in a script: a number, a date,
    /// true or false, or else text (quotes optional).
    public static func parameterValue(_ text: String) -> Literal {
        let (tokens, diagnostics) = Lexer.tokenize(Source(name: "--param", text: text))
        if diagnostics.isEmpty && tokens.count == 2 {
            let token = tokens[0]
            switch token.kind {
            case .number:
                if let exact = ExactNumber(token.text) { return .number(Int128(exact.mantissa), scale: exact.scale) }
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
        if text.hasPrefix("-"), let exact = ExactNumber(text) { return .number(Int128(exact.mantissa), scale: exact.scale) }
        return .text(text)
    }

    /// The language the environment asks for: PATRON_LANG (en or zh) first, else a Chinese
    /// locale (LC_ALL, LC_MESSAGES or LANG starting with zh) means Chinese.
    public static func language(from environment: [String: String]) -> Language {
        if let chosen = environment["PATRON_LANG"].flatMap({ Language(rawValue: $0.lowercased().prefix(2).description) }) { return chosen }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        return locale.lowercased().hasPrefix("zh") ? .zh : .en
    }

    /// A session with the demo data loaded as the current table.
    public init(loadDemo: Bool = true) {
        if loadDemo {
            // The order log first, so the customer table is the current one.
            catalog.add(DemoData.sharedOrders)
            catalog.add(DemoData.sharedCustomers)
        }
    }

    /// Adds a table made elsewhere (a fuzz target's load) and makes it the current one.
    public func adopt(_ table: Table) {
        catalog.add(table)
    }

    /// The line the prompt starts with, in the language.
    public static func greeting(_ language: Language) -> String {
        guard language == .zh else { return greeting }
        return "patron \(BuildInfo.version) · 演示数据已加载为 '\(DemoData.tableName)'（\(NumberFormat.grouped(DemoData.customerCount)) 位客户）· 试试：segment where profit=高 and loyalty=低 · lesson 引导课程 · help · Ctrl-D 退出"
    }

    /// The one line the prompt starts with: what is loaded and a first query to try.
    public static let greeting = "patron \(BuildInfo.version) · demo data loaded as '\(DemoData.tableName)' (\(NumberFormat.grouped(DemoData.customerCount)) customers) · try: segment where profit=high and loyalty=low · help · Ctrl-D quits"

    /// The source name of what is typed at the prompt (its errors say "line N").
    public static let promptName = DiagnosticRenderer.promptName

    /// Whether `text` is a complete input (the REPL asks for a continuation line when it is not).
    public static func isComplete(_ text: String) -> Bool {
        Parser.isComplete(Source(name: "", text: text))
    }

    /// Parses and runs `source`, sending each result to `emit` as it is produced.
    ///
    /// Nothing runs when the source has a syntax error; otherwise statements run in order and
    /// the run stops at the first statement that fails.
    public func run(_ source: Source, emit: (Output) -> Void) -> Outcome {
        guard language == .zh else { return runSource(source, emit: emit) }
        // In Chinese, the notes and messages written as text here are put in Chinese on their way out.
        return withoutActuallyEscaping(emit) { emit in
            runSource(source) { [self] output in emit(translated(output)) }
        }
    }

    /// A diagnostic rendered in the session's language.
    func rendered(_ diagnostic: Diagnostic, in source: Source) -> String {
        DiagnosticRenderer.render(diagnostic, in: source, language: language)
    }

    /// A data file's error rendered in the session's language.
    func rendered(_ error: LoadError) -> String {
        DiagnosticRenderer.render(error, language: language)
    }

    /// A note or a message in the session's language (results are presented in it already).
    func translated(_ output: Output) -> Output {
        switch output {
        case .result: return output
        case .note(let text): return .note(Catalogue.translateLines(text, language))
        case .diagnostic(let text):
            // Rendered diagnostics are in the language already; the rest ("cancelled: …") line by line.
            return .diagnostic(text.contains("\u{1B}") ? text : Catalogue.translateLines(text, language))
        }
    }

    private func runSource(_ source: Source, emit: (Output) -> Void) -> Outcome {
        // Scripts being run, so an include that comes back to one of them is reported, not followed.
        let isFile = !source.name.hasPrefix("<")
        if isFile { nesting.files.append(Self.canonical(source.name)) }
        defer { if isFile { nesting.files.removeLast() } }
        let parsed = Parser.parse(source)
        var worst = Outcome.Status.ok
        if !parsed.diagnostics.isEmpty {
            for diagnostic in parsed.diagnostics { emit(.diagnostic(rendered(diagnostic, in: source))) }
            // With --keep-going the statements that parse still run; otherwise nothing does.
            guard keepGoing && !parsed.isIncomplete else { return Outcome(status: .dataError, shouldQuit: false, isIncomplete: parsed.isIncomplete) }
            worst = .dataError
        }
        return runStatements(parsed.statements, in: source, worst: worst, emit: emit)
    }

    /// Runs parsed statements of `source` in order, from a run whose worst status so far is
    /// `worst`; with `echo`, each statement but a lesson's words is shown before it runs.
    func runStatements(_ statements: [ParsedStatement], in source: Source, worst: Outcome.Status, echo: Bool = false, emit: (Output) -> Void) -> Outcome {
        var worst = worst
        for statement in statements {
            if echo, !{ if case .say = statement.kind { return true } else { return false } }() {
                let shown = "› " + Style.highlight(TerminalText.visible(Self.singleLine(source.text(of: statement.span))))
                emit(format == nil && !collectsHTML ? .result(shown) : .note(shown))
            }
            let started = ContinuousClock.now
            let bound: BoundStatement
            do throws(Diagnostic) {
                bound = try Binder(catalog: catalog, source: source).bind(statement)
            } catch {
                emit(.diagnostic(rendered(error, in: source)))
                if keepGoing { worst = worse(worst, .dataError); continue }
                return Outcome(status: .dataError, shouldQuit: false, isIncomplete: false)
            }
            if let dialect = compiling, bound.makesTable {
                // The derivation's SQL is printed, and it runs too, so what follows binds to its table.
                let status = compile(bound, dialect: dialect, at: StatementContext(parsed: statement, source: source), emit: emit)
                if status != .ok && !keepGoing { return Outcome(status: status, shouldQuit: false, isIncomplete: false) }
                worst = worse(worst, status)
            } else if let dialect = compiling, !bound.shapesCatalog {
                // `patron compile`: queries become SQL; what shapes the catalog still runs.
                let status = compile(bound, dialect: dialect, at: StatementContext(parsed: statement, source: source), emit: emit)
                if status != .ok {
                    if keepGoing { worst = worse(worst, status); continue }
                    return Outcome(status: status, shouldQuit: false, isIncomplete: false)
                }
                continue
            }
            if checkOnly {
                checkedCount += 1
                if let changes = Engine.shape(of: bound) {
                    for change in changes { catalog.apply(change) }
                    continue
                }
                guard bound.shapesCatalog else { continue }
            }
            nesting.statement = Secrets.masked(Self.singleLine(source.text(of: statement.span)))
            let outcome = execute(bound, at: StatementContext(parsed: statement, source: source), emit: emit)
            if let dialect = compiling, case .load(let path, let name, let options) = bound, outcome.status == .ok, let table = catalog.tables[name] {
                // A compiled script starts from the same data: the loaded table, as the engine creates it.
                // The reader is told the delimiter and header patron found, and the options given.
                emit(.result(SQLCompiler(dialect: dialect).source(table, path: path, options: options, delimiter: lastLoad.delimiter, header: lastLoad.header)))
            }
            if timer && !checkOnly { emit(.note("time: \(NumberFormat.fixed((ContinuousClock.now - started).seconds, digits: 3)) s")) }
            if outcome.status != .ok {
                if keepGoing && !outcome.shouldQuit { worst = worse(worst, outcome.status); continue }
                return Outcome(status: outcome.status, shouldQuit: outcome.shouldQuit, isIncomplete: false)
            }
            if nesting.depth == 0 {
                let text = Secrets.masked(Self.singleLine(source.text(of: statement.span)))
                log.succeeded(text, bookkeeping: statement.kind.isSessionBookkeeping)
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
    func present(_ presentation: Presentation, emit: (Output) -> Void) {
        assert(presentation.checkInvariants().isEmpty, "\(presentation.kind): \(presentation.checkInvariants())")
        if checksInvariants, case let problems = presentation.checkInvariants(), !problems.isEmpty {
            preconditionFailure("\(presentation.kind): \(problems)")
        }
        var presentation = presentation
        if language == .zh {
            // Lines the presenter wrote in English are put in Chinese; the data stays as it is.
            presentation.blocks = presentation.blocks.map { block in
                if case .line(let text) = block { return .line(Catalogue.translateLines(text, language)) }
                return block
            }
        }
        guard !checkOnly, !(quiet && presentation.isConfirmation) else { return }
        // An answer in words (explain) clears the last result: `export result` must not write the table before it.
        log.record(presentation, statement: nesting.statement, language: language)
        output.write(presentation, emit: emit)
    }

    /// What ends the output once the run is over: the `]` of the JSON array (`[]` when no
    /// statement gave a result), so standard output is one valid document even after an error.
    public func closingOutput() -> String? {
        output.closing()
    }

    /// Presents a statement's answer in the session's language.
    func present(_ result: StatementResult, emit: (Output) -> Void) {
        present(Presenter(language: language).present(result), emit: emit)
    }

    private func execute(_ statement: BoundStatement, at context: StatementContext, emit: (Output) -> Void) -> Outcome {
        let (status, quits) = perform(statement, at: context, emit: emit)
        return Outcome(status: status, shouldQuit: quits, isIncomplete: false)
    }

    /// Runs a statement on a table left on a server there (docs/sql.md); nil for one held in memory.
    private func runOnServer(_ statement: BoundStatement, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status? {
        guard let table = ServerExecutor.table(of: statement), catalog.remote[table] != nil else { return nil }
        return onServer(statement, table: table, at: context, emit: emit)
    }

    /// Runs one bound statement: the session's own statements here, the rest through the engine.
    private func perform(_ statement: BoundStatement, at context: StatementContext, emit: (Output) -> Void) -> (Outcome.Status, Bool) {
        let (parsed, source) = (context.parsed, context.source)
        if sandboxed && statement.touchesTheOutside {
            emit(.diagnostic(rendered(Diagnostic("this session reads and writes no files and opens no connections", at: parsed.span), in: source)))
            return (.dataError, false)
        }
        if let status = runOnServer(statement, at: context, emit: emit) { return (status, false) }
        // A derivation keeps each order's key and each customer's figures: too many for the memory
        // left stops here, before any work, rather than half-way.
        if case .customers(let spec) = statement, let shortfall = MemoryBudget.shortfall(spec.orders.rowCount * 48 + (64 << 20)) {
            emit(.diagnostic(rendered(Diagnostic("deriving customers from '\(spec.orders.name)' (\(NumberFormat.grouped(spec.orders.rowCount)) orders) " + shortfall, at: parsed.span,
                                                 hints: ["raise the limit, or derive from fewer orders: customers from … as of a later date, or load a part"]), in: source)))
            return (.dataError, false)
        }
        switch statement {
        case .load(let path, let name, let options):
            return (load(path, as: name, options: options, at: context, emit: emit), false)
        case .export(let what, let path, let format, let raw):
            return (export(what, to: path, format: format, raw: raw, at: context, emit: emit), false)
        case .include(let path):
            return include(path, at: context, emit: emit)
        case .report(let path, let title, let script):
            return (report(to: path, title: title, script: script, at: context, emit: emit), false)
        case .lesson(let name, let path):
            return lesson(name: name, path: path, at: context, emit: emit)
        case .explainConcept(let name):
            if let text = Help.text(for: name, language) { present(.message(text), emit: emit) }
        case .say(let words):
            present(.message(words), emit: emit)
            // A lesson's narration belongs in its handout, between the results it explains.
            if !checkOnly { log.narrate(words, language: language) }
        case .pause:
            break
        case .saveSession(let path):
            return (save(to: path, emit: emit), false)
        case .help(let topic):
            return (help(topic, at: context, emit: emit), false)
        case .setTimer(let on):
            timer = on
            present(.done(.timer(on)), emit: emit)
        case .setLanguage(let code):
            language = Language(rawValue: code) ?? .en
            present(.done(.language(code)), emit: emit)
        case .letVariable(let name, _) where parameters[name] != nil:
            present(.done(.variable(name, parameters[name] ?? .null, fromParameter: true)), emit: emit)
        case .connect(let name, let conninfo):
            return (connect(name, conninfo: conninfo, at: context, emit: emit), false)
        case .disconnect(let name):
            connections[name] = nil
            catalog.apply(.connection(name, nil))
            present(.done(.disconnected(name)), emit: emit)
        case .showConnections(let names):
            present(.connections(names.map { ($0, catalog.connections[$0] ?? "") }), emit: emit)
        case .loadServer(let connection, let what, let name, let wideNumericAsText):
            return (loadServer(connection, what, as: name, wideNumericAsText: wideNumericAsText, at: context, emit: emit), false)
        case .exportServer(let what, let target, let mode):
            return (exportServer(what, to: target, mode: mode, at: context, emit: emit), false)
        case .useServer(let table, let name):
            return (useServer(table, as: name, at: context, emit: emit), false)
        case .sqlSegment, .sqlSummary, .sqlCustomers, .sqlFramework:
            return (compileSQL(statement, at: context, emit: emit), false)
        case .quit:
            return (.ok, true)
        default:
            return (run(statement, at: context, emit: emit), false)
        }
        return (.ok, false)
    }

    /// Runs a statement through the engine, applies its catalog changes and presents its answer.
    private func run(_ statement: BoundStatement, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        do throws(ExecutionFailure) {
            let execution = try Engine.execute(statement, rowLimit: format == nil ? rowLimit : Int.max)
            for change in execution.changes { catalog.apply(change) }
            present(execution.result, emit: emit)
            if timer, case .clv(let fit) = execution.result {
                emit(.note("steps: " + fit.phases.map { "\($0.step) \(NumberFormat.fixed($0.seconds, digits: 3)) s" }.joined(separator: ", ")))
            }
            return .ok
        } catch {
            switch error {
            case .cancelled:
                emit(.diagnostic(Self.cancelled(statement)))
                return .interrupted
            case .rule(let failure):
                emit(.diagnostic(rendered(failure.diagnostic, in: failure.source)))
                return .dataError
            case .model(let message, let hints):
                emit(.diagnostic(rendered(Diagnostic(message, at: parsed.span, hints: hints), in: source)))
                return .dataError
            case .noSuchCustomer(let table):
                emit(.diagnostic(rendered(noSuchCustomer(table, at: context), in: source)))
                return .dataError
            case .overflow(let table, let row, let rows):
                let message = "a value computed from '\(table)' passes the largest exact number, 9,223,372,036,854,775,807 (\(NumberFormat.grouped(rows)) rows, the first at row \(NumberFormat.grouped(row + 1)))"
                let hint = "a comparison such as id * 2 > 0 is decided at any size; a value that is summed, shown or derived must fit in 19 digits: divide before multiplying, or make one side a real number"
                emit(.diagnostic(rendered(Diagnostic(message, at: parsed.span, hints: [hint]), in: source)))
                return .dataError
            }
        }
    }

    /// What Ctrl-C left undone.
    static func cancelled(_ statement: BoundStatement) -> String {
        switch statement {
        case .customers: return "cancelled: no customer table was derived; the session is as it was"
        case .transitions: return "cancelled: transitions stopped"
        case .clv: return "cancelled: the model was not fitted; the customer table is as it was"
        case .cohorts: return "cancelled: the cohorts stopped; the session is as it was"
        case .whatIf: return "cancelled: the projection stopped; the session is as it was"
        default: return "cancelled: the summary stopped; the session is as it was"
        }
    }

    private func load(_ path: String, as name: String, options: LoadOptions, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        do throws(LoadError) {
            let started = ContinuousClock.now
            let control = LoadControl()
            let progress = showsProgress ? ProgressLine(control: control, language: language) : nil
            defer { progress?.finish() }
            let report = Table.isJSONLines(path: path) ? try Table.loadJSONLines(path: path, name: name, options: options, control: control)
                                     : try Table.load(path: path, name: name, options: options, control: control)
            progress?.finish()
            let seconds = (ContinuousClock.now - started).seconds
            catalog.apply(.add(report.table))
            lastLoad = LastLoad(delimiter: report.delimiter, header: report.header)
            for warning in report.warnings { emit(.diagnostic(DiagnosticRenderer.fileError(path, warning, severity: "warning", language: language))) }
            if report.rejectedCount > 0 {
                var text = "\(path): warning: rejected \(NumberFormat.grouped(report.rejectedCount)) \(report.rejectedCount == 1 ? "record" : "records") (on_error skip)"
                for record in report.rejected { text += "\n  line \(record.line): \(TerminalText.visible(record.message, keepingLines: false))" }
                if report.rejectedCount > report.rejected.count { text += "\n  … and \(NumberFormat.grouped(report.rejectedCount - report.rejected.count)) more" }
                emit(.diagnostic(text))
            }
            present(.loaded(report), emit: emit)
            if !quiet && !checkOnly { emit(.note(Presenter.loadSummary(report, seconds: seconds))) }
            return .ok
        } catch {
            if error.kind == .cancelled {
                emit(.diagnostic("cancelled: '\(path)' was not loaded; the session is as it was"))
                return .interrupted
            }
            if case .load(_, let pathSpan, _, _) = parsed.kind, error.kind == .missingFile {
                emit(.diagnostic(rendered(Diagnostic(error.message, at: pathSpan, hints: error.hint.map { [$0] } ?? []), in: source)))
                return .missingInput
            }
            emit(.diagnostic(rendered(error)))
            return .dataError
        }
    }

    private func export(_ what: ExportSource, to path: String, format: ExportFormat, raw: Bool, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        var what = what
        switch serverRows(toExport: what, at: context, emit: emit) {
        case .value(let fetched)?: what = fetched
        case .stopped(let status)?: return status
        case nil: break
        }
        let data: Presentation
        if let rows = Engine.rows(toExport: what) {
            data = Presenter(language: language).export(rows, kind: { if case .segment = what { return "segment" } else { return "table" } }())
        } else if let last = lastResult {
            data = last
        } else {
            if case .export(let name, _, _, _, _, _) = parsed.kind, let statement = log.lastInWords {
                emit(.diagnostic(rendered(Diagnostic("the last result ('\(statement)') has no rows to export", at: name.span,
                                                     hints: ["export right after a statement that prints a table, e.g. segment, summarize or show"]), in: source)))
            } else if case .export(let name, _, _, _, _, _) = parsed.kind {
                emit(.diagnostic(rendered(Diagnostic("there is no result to export yet", at: name.span,
                                                                      hints: ["run a query first, e.g. summarize count by region, then: export result to \"counts.csv\""]), in: source)))
            }
            return .dataError
        }
        let text = ResultWriter.write(data, as: format, raw: raw)
        // Ctrl-C while the rows were turned into text: nothing is written, not half a file.
        if Interrupt.requested {
            emit(.diagnostic("cancelled: '\(path)' was not written; the session is as it was"))
            return .interrupted
        }
        do throws(AtomicFile.Failure) {
            try AtomicFile.write(text, to: path)
        } catch {
            emit(.diagnostic(DiagnosticRenderer.fileError(path, "cannot write the export: \(error.reason)", language: language)))
            return .ioError
        }
        present(.done(.exported(rows: data.rows.count, path: path, format: format, raw: raw)), emit: emit)
        return .ok
    }

    private func include(_ path: String, at context: StatementContext, emit: (Output) -> Void) -> (Outcome.Status, Bool) {
        let (parsed, source) = (context.parsed, context.source)
        guard case .include(_, let pathSpan) = parsed.kind else { return (.dataError, false) }
        let key = Self.canonical(path)
        if nesting.files.contains(key) {
            let chain = (nesting.files.drop { $0 != key } + [key]).joined(separator: " → ")
            emit(.diagnostic(rendered(Diagnostic("including '\(path)' would run it again inside itself: \(chain)", at: pathSpan,
                                                                  hints: ["remove one of the include statements in the cycle"]), in: source)))
            return (.dataError, false)
        }
        let text: String
        switch Self.readScript(path) {
        case .success(let contents): text = contents
        case .failure(let failure):
            emit(.diagnostic(rendered(Diagnostic(failure.message, at: pathSpan, hints: failure.hints), in: source)))
            return (failure.status, false)
        }
        // Each include runs inside the one that names it: a chain deeper than this is surely a
        // mistake, and far deeper would overflow the stack.
        guard nesting.depth < ScriptNesting.includeLimit else {
            emit(.diagnostic(rendered(Diagnostic("includes nest more than \(ScriptNesting.includeLimit) deep", at: pathSpan,
                                                 hints: ["include the scripts one after another from one script instead of each from the one before"]), in: source)))
            return (.dataError, false)
        }
        nesting.depth += 1
        defer { nesting.depth -= 1 }
        let outcome = run(Source(name: path, text: text), emit: emit)
        return (outcome.status, outcome.shouldQuit)
    }

    private func save(to path: String, emit: (Output) -> Void) -> Outcome.Status {
        do throws(AtomicFile.Failure) {
            try AtomicFile.write(log.script, to: path)
        } catch {
            emit(.diagnostic(DiagnosticRenderer.fileError(path, "cannot save the session: \(error.reason)", language: language)))
            return .ioError
        }
        present(.done(.saved(statements: succeeded.count, path: path)), emit: emit)
        return .ok
    }

    private func help(_ topic: String?, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        guard let topic else {
            present(.message(Help.overview(language)), emit: emit)
            return .ok
        }
        guard let text = Help.text(for: topic, language) else {
            var hints: [String] = []
            if let near = Suggestion.closest(to: topic, in: Help.topics.map(\.name)) { hints.append("did you mean '\(near)'?") }
            hints.append("topics: \(Help.topics.map(\.name).joined(separator: ", "))")
            if case .help(let name?) = parsed.kind {
                emit(.diagnostic(rendered(Diagnostic("no help on '\(topic)'", at: name.span, hints: hints), in: source)))
            }
            return .dataError
        }
        present(.message(text), emit: emit)
        return .ok
    }
}

extension BoundStatement {
    /// Whether the statement changes what later statements bind against (tables, variables,
    /// segments, levels, rules, settings): `--check` runs these and only binds the rest.
    var shapesCatalog: Bool {
        switch self {
        case .load, .use, .letVariable, .levels, .defineSegment, .dropSegment, .customers, .rfm, .rfmSegments, .rfmRule, .addColumn, .attach,
             .setLanguage, .include, .connect, .disconnect, .loadServer:
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
        case .saveSession, .help, .quit, .pause: return true
        default: return false
        }
    }
}

extension BoundStatement {
    /// Whether the statement reads or writes a file or opens a connection.
    var touchesTheOutside: Bool {
        switch self {
        case .load, .export, .include, .saveSession, .report, .connect, .loadServer, .exportServer, .useServer: return true
        case .lesson(_, let path): return path != nil
        default: return false
        }
    }
}

/// The statement being run: its syntax tree and the source it came from, for errors at its
/// position and for its own text. One value instead of a pair threaded through every step.
struct StatementContext {
    let parsed: ParsedStatement
    let source: Source
}
