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
    /// Whether long loads draw a progress bar on standard error (set when it is a terminal).
    public var showsProgress = false

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
        let parsed = Parser.parse(source)
        if !parsed.diagnostics.isEmpty {
            for diagnostic in parsed.diagnostics { emit(.diagnostic(DiagnosticRenderer.render(diagnostic, in: source))) }
            return Outcome(status: .dataError, shouldQuit: false, isIncomplete: parsed.isIncomplete)
        }
        for statement in parsed.statements {
            let bound: BoundStatement
            do throws(Diagnostic) {
                bound = try Binder(catalog: catalog, source: source).bind(statement)
            } catch {
                emit(.diagnostic(DiagnosticRenderer.render(error, in: source)))
                return Outcome(status: .dataError, shouldQuit: false, isIncomplete: false)
            }
            let status = execute(bound, statement: statement, source: source, emit: emit)
            if status != .ok { return Outcome(status: status, shouldQuit: false, isIncomplete: false) }
            if case .quit = bound { return Outcome(status: .ok, shouldQuit: true, isIncomplete: false) }
        }
        return Outcome(status: .ok, shouldQuit: false, isIncomplete: false)
    }

    private func execute(_ statement: BoundStatement, statement parsed: ParsedStatement, source: Source, emit: (Output) -> Void) -> Outcome.Status {
        switch statement {
        case .load(let path, let name, let options):
            do throws(LoadError) {
                let started = ContinuousClock.now
                let control = LoadControl()
                let progress = showsProgress ? ProgressLine(control: control) : nil
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
                emit(.result(ResultRenderer.loaded(report)))
                emit(.note(ResultRenderer.loadSummary(report, seconds: seconds)))
                return .ok
            } catch {
                if case .load(_, let pathSpan, _, _) = parsed.kind, error.kind == .missingFile {
                    emit(.diagnostic(DiagnosticRenderer.render(Diagnostic(error.message, at: pathSpan, hints: error.hint.map { [$0] } ?? []), in: source)))
                    return .missingInput
                }
                emit(.diagnostic(DiagnosticRenderer.render(error)))
                return .dataError
            }
        case .use(let table):
            catalog.use(table.name)
            emit(.result("using '\(table.name)': \(NumberFormat.grouped(table.rowCount)) rows"))
        case .describe(let table):
            emit(.result(ResultRenderer.schema(table)))
        case .summarize(let table):
            emit(.result(ResultRenderer.render(Engine.summarize(table), of: table)))
        case .count(let table):
            emit(.result(ResultRenderer.count(table)))
        case .show(let table, let top):
            emit(.result(ResultRenderer.render(Engine.rows(of: table, top: top, limit: rowLimit))))
        case .segment(let segment):
            emit(.result(ResultRenderer.render(Engine.segment(segment))))
        case .help(let topic):
            guard let topic else {
                emit(.result(Help.overview()))
                return .ok
            }
            guard let text = Help.text(for: topic) else {
                var hints: [String] = []
                if let near = Suggestion.closest(to: topic, in: Help.topics.map(\.name)) { hints.append("did you mean '\(near)'?") }
                hints.append("topics: \(Help.topics.map(\.name).joined(separator: ", "))")
                if case .help(let name?) = parsed.kind {
                    emit(.diagnostic(DiagnosticRenderer.render(Diagnostic("no help on '\(topic)'", at: name.span, hints: hints), in: source)))
                }
                return .dataError
            }
            emit(.result(text))
        case .quit:
            break
        }
        return .ok
    }
}
