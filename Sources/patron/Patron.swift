import ArgumentParser
import Foundation
import PatronAnalysis
import PatronDriver
import PatronREPL
import PatronRender
import PatronSQL
import PatronSyntax

extension BuildInfo {
    /// What `patron --version` prints: the version and the commit, "modified" for a dirty tree.
    static var line: String { "patron \(version) (commit \(commit)\(modified ? ", modified" : ""))" }
}

/// `patron`: the prompt, `patron -c "…"`, and `patron run FILE…`.
@main
struct Patron: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patron",
        abstract: "Ask who your best customers are, who is slipping away, and who costs you money.",
        discussion: """
            With no arguments, patron starts a prompt with built-in demo data loaded as 'demo'.
            When standard input is not a terminal, it runs what it reads there as a script.
            Exit codes: \(Outcome.exitCodeLine).
            """,
        version: BuildInfo.line,
        subcommands: [Run.self, Compile.self, ManualSections.self])

    @Option(name: .customShort("c"), help: ArgumentHelp("Run these statements and exit (repeatable; they run in order).", valueName: "statements"))
    var commands: [String] = []

    @Option(name: .customLong("param"), help: ArgumentHelp("Set $name before running; it wins over a 'let' of the same name (repeatable).", valueName: "name=value"))
    var parameters: [String] = []

    @Option(name: .customLong("format"), help: ArgumentHelp("Print results as table (boxes, the default), csv, tsv, json, jsonl, markdown, or html (one self-contained page of every result, at the end).", valueName: "format"))
    var format: String = "table"

    @Flag(name: .customLong("keep-going"), help: "Run every statement even after one fails (the exit code still reports the failure).")
    var keepGoing = false

    @Flag(name: .customLong("quiet"), help: "Print only results and errors: no confirmations, load summaries or progress.")
    var quiet = false

    func validate() throws {
        _ = try parsedParameters(parameters)
        _ = try outputFormat()
    }

    /// The --format chosen: nil for box tables.
    func outputFormat() throws -> ExportFormat? {
        if ["table", "html"].contains(format.lowercased()) { return nil }
        guard let chosen = ExportFormat(name: format) else {
            throw ValidationError(localized("--format takes table, csv, tsv, json, jsonl, markdown or html (got '\(format)')"))
        }
        return chosen
    }

    /// A session set up from the command line's options.
    func session() throws -> Session {
        let session = Session()
        session.showsProgress = isatty(2) != 0 && !quiet
        session.parameters = try parsedParameters(parameters)
        session.format = try outputFormat()
        session.keepGoing = keepGoing
        session.quiet = quiet
        session.collectsHTML = format.lowercased() == "html"
        session.language = Session.language(from: ProcessInfo.processInfo.environment)
        Console.refreshLayout(dataFormat: session.format != nil)
        return session
    }

    func run() throws {
        let session = try session()
        if !commands.isEmpty || isatty(0) == 0 { session.jsonAsOneDocument = true }
        defer { closeOutput(session) }
        var worst: Int32 = 0
        if !commands.isEmpty {
            let sources = commands.enumerated().map { i, command in Source(name: commands.count == 1 ? "<command>" : "<command \(i + 1)>", text: command) }
            try checkParametersRead(session, by: sources)
            for source in sources {
                let outcome = session.run(source, emit: emit)
                worst = max(worst, outcome.status.rawValue)
                if outcome.status != .ok && !session.keepGoing { throw ExitCode(outcome.status.rawValue) }
                if outcome.shouldQuit { break }
            }
            if worst != 0 { throw ExitCode(worst) }
            printReport(session, title: "patron")
            return
        }
        if isatty(0) != 0 {
            let status = REPL(session: session).run(greeting: Session.greeting(session.language))
            if status != 0 { throw ExitCode(status) }
            return
        }
        let input = Source(name: "<stdin>", text: String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self))
        try checkParametersRead(session, by: [input])
        _ = try finish(session.run(input, emit: emit))
        printReport(session, title: "patron")
    }
}

/// Ends standard output's document (the `]` of `--format json`), whether the run succeeded or not.
func closeOutput(_ session: Session) {
    if let closing = session.closingOutput() { emit(.result(closing)) }
}

/// Under `--format html`, the run's results as one document on standard output.
func printReport(_ session: Session, title: String) {
    // The console ends the output with its own line end.
    if session.collectsHTML { emit(.result(String(session.htmlDocument(title: title).dropLast()))) }
}

/// `patron run FILE…`
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run script files in order, stopping at the first error.",
        discussion: """
            A file named - is read from standard input. --param name=value (repeatable) sets $name and wins
            over the script's let: patron run nightly.patron --param cutoff=2024-06-30. --format, --keep-going
            and --quiet work here as on patron itself.
            """)

    @Argument(help: ArgumentHelp("Script files (.patron); - reads standard input.", valueName: "file"))
    var files: [String]

    @Flag(name: .customLong("check"), help: "Parse and bind the scripts without running their queries (loads, lets and definitions still run, so later statements can bind); print nothing but errors.")
    var check = false

    /// `--param` is declared once, on `patron`, and read here (`patron run F --param k=v`).
    @ParentCommand var patron: Patron

    func run() throws {
        let session = try patron.session()
        session.checkOnly = check
        session.jsonAsOneDocument = true
        defer { closeOutput(session) }
        var worst: Int32 = 0
        let sources = try files.map(script)
        try checkParametersRead(session, by: sources)
        for source in sources {
            let outcome = session.run(source, emit: emit)
            worst = max(worst, outcome.status.rawValue)
            if outcome.status != .ok && !session.keepGoing { throw ExitCode(outcome.status.rawValue) }
            if outcome.shouldQuit { break }
        }
        if check && worst == 0 {
            let checked = session.checkedCount
            Console.write("\(files.joined(separator: ", ")): ok (\(checked) \(checked == 1 ? "statement" : "statements") checked)\n", to: 2)
        }
        if worst != 0 { throw ExitCode(worst) }
        if !check { printReport(session, title: files.joined(separator: ", ")) }
    }
}

/// `patron compile FILE --dialect duckdb|postgres`
struct Compile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a script's queries as SQL for an engine, each under a comment with its patron line.",
        discussion: """
            Loads, lets, definitions and levels run as in 'patron run' (so names and levels bind); each query
            is printed as SQL with the semantics of docs/sql.md. A query that does not compile to the dialect
            yet is an error naming it, never an approximation.
            """)

    @Argument(help: ArgumentHelp("The script (.patron); - reads standard input.", valueName: "file"))
    var file: String

    @Option(name: .customLong("dialect"), help: ArgumentHelp("duckdb, postgres, spark, trino, bigquery or snowflake.", valueName: "dialect"))
    var dialect: String = "duckdb"

    @ParentCommand var patron: Patron

    func run() throws {
        guard let chosen = SQLDialect(rawValue: dialect.lowercased()) else {
            throw ValidationError(localized("--dialect takes \(SQLDialect.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(dialect)')"))
        }
        let session = try patron.session()
        session.compiling = chosen
        let source = try script(file)
        try checkParametersRead(session, by: [source])
        emit(.result(SQLDialect.comment("compiled by patron for \(chosen.rawValue) from \(file); the semantics are in docs/sql.md")))
        if let preamble = chosen.preamble { emit(.result(preamble)) }
        _ = try finish(session.run(source, emit: emit))
    }
}

/// A script file as a source (`-`: standard input), or the exit a missing or unreadable one calls for.
private func script(_ path: String) throws -> Source {
    if path == "-" { return Source(name: "<stdin>", text: String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)) }
    switch Session.readScript(path) {
    case .success(let contents): return Source(name: path, text: contents)
    case .failure(let failure):
        Console.write("patron: error: \(failure.message)\n", to: 2)
        throw ExitCode(failure.status.rawValue)
    }
}

/// Ends the run with a usage error (64) when a `--param` is read by none of `sources`: a typo
/// in a parameter's name must not pass silently.
func checkParametersRead(_ session: Session, by sources: [Source]) throws {
    guard !session.parameters.isEmpty else { return }
    let read = sources.reduce(into: Set<String>()) { $0.formUnion(Session.variablesNamed(in: $1)) }
    guard let (message, hint) = Session.unreadParameter(session.parameters.keys, read: read) else { return }
    let language = Session.language(from: ProcessInfo.processInfo.environment)
    Console.write(DiagnosticRenderer.fileError("patron", message, language: language) + "\n" + DiagnosticRenderer.hint(hint, language: language) + "\n", to: 2)
    throw ExitCode(64)
}

/// `name=value` pairs, each value read as a number, date, boolean or text.
private func parsedParameters(_ pairs: [String]) throws -> [String: Literal] {
    var values: [String: Literal] = [:]
    for pair in pairs {
        guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
            throw ValidationError(localized("--param takes name=value, e.g. --param cutoff=2024-06-30 (got '\(pair)')"))
        }
        let name = String(pair[..<equals])
        guard name.first.map({ $0.isLetter || $0 == "_" }) == true, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw ValidationError(localized("'\(name)' is not a variable name: use letters, digits and _"))
        }
        values[name] = Session.parameterValue(String(pair[pair.index(after: equals)...]))
    }
    return values
}

/// Prints one output; a failed write to standard output ends the run with an I/O error.
func emit(_ output: Output) {
    if !Console.emit(output) {
        if case .result = output {
            Console.write("patron: error: cannot write to standard output\n", to: 2)
            Foundation.exit(74)
        }
    }
}

/// Turns a failed run into the process's exit code; returns true when the run asked to quit.
private func finish(_ outcome: Outcome) throws -> Bool {
    if outcome.status != .ok { throw ExitCode(outcome.status.rawValue) }
    return outcome.shouldQuit
}

/// A command-line error in the language the environment asks for.
func localized(_ message: String) -> String {
    Catalogue.translate(message, Session.language(from: ProcessInfo.processInfo.environment))
}

/// `patron manual-sections`: the language's part of the manual page (scripts/package); hidden.
struct ManualSections: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual-sections",
        abstract: "Print the STATEMENTS, CONCEPTS and FUNCTIONS sections of the manual page (mdoc).",
        shouldDisplay: false)

    func run() throws {
        print(Help.manualSections(), terminator: "")
    }
}
