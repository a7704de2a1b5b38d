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
    /// The language of segment names, advice and explanations.
    public var language: Language = .en
    /// Whether long loads draw a progress bar on standard error (set when it is a terminal).
    public var showsProgress = false
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
        case .count(let table, let segment, let segmentName, let groups):
            if !groups.isEmpty {
                let query = BoundAggregateQuery(table: table, aggregates: [BoundAggregate(kind: .count, argument: nil, label: "count")],
                                                groups: groups, condition: segment, sort: nil, top: nil, levels: [])
                emit(.result(ResultRenderer.render(Engine.aggregate(query))))
            } else if let segment, let segmentName {
                let n = Engine.filter(segment, in: table).count
                emit(.result("\(NumberFormat.grouped(n)) of \(NumberFormat.grouped(table.rowCount)) rows in '\(table.name)' are in '\(segmentName)' (\(NumberFormat.percent(table.rowCount == 0 ? 0 : Double(n) / Double(table.rowCount))))"))
            } else {
                emit(.result(ResultRenderer.count(table)))
            }
        case .show(let table, let top, let segment):
            emit(.result(ResultRenderer.render(Engine.rows(of: table, top: top, limit: rowLimit, within: segment))))
        case .aggregate(let query):
            emit(.result(ResultRenderer.render(Engine.aggregate(query))))
        case .crosstab(let table, let rows, let columns, let condition):
            emit(.result(ResultRenderer.render(Engine.crosstab(table, rows: rows, columns: columns, condition: condition))))
        case .letVariable(let name, let expression):
            if let given = parameters[name] {
                emit(.result("$\(name) = \(ResultRenderer.literal(given)) (from --param; the script's value is not used)"))
            } else {
                let value = Engine.evaluate(constant: expression)
                catalog.variables[name] = value
                emit(.result("$\(name) = \(ResultRenderer.literal(value))"))
            }
        case .levels(let table, let column, let definition, let cuts):
            catalog.levels[table.columns[column].name] = definition
            var counts = Array(repeating: 0, count: cuts.words.count)
            let values = table.columns[column]
            for row in 0..<table.rowCount { if let v = values.doubleValue(row) { counts[cuts.level(of: v)] += 1 } }
            emit(.result(ResultRenderer.levels(cuts, counts: counts, table: table)))
        case .defineSegment(let definition, let preview):
            catalog.segments[definition.name] = definition
            let result = Engine.segment(preview)
            emit(.result("segment '\(definition.name)' = \(definition.text)\n" + ResultRenderer.render(result, language: language)))
        case .dropSegment(let name):
            catalog.segments[name] = nil
            emit(.result("dropped segment '\(name)'"))
        case .showSegments(let table, let segments):
            emit(.result(ResultRenderer.segments(segments.map { ($0.0.name, $0.0.text, $0.1.map { Engine.filter($0, in: table).count }) }, table: table)))
        case .customers(let spec):
            let derived = Engine.deriveCustomers(spec)
            catalog.add(derived.table)
            catalog.lastDerivation = spec
            var text = "derived '\(derived.table.name)' from '\(spec.orders.name)': \(NumberFormat.grouped(derived.table.rowCount)) customers, as of \(CalendarDate.isoString(derived.asOf))"
            text += derived.asOfIsLatest ? " (the latest order date)" : ""
            text += "; \(NumberFormat.grouped(derived.ordersUsed)) orders used"
            if derived.ordersLeftOut > 0 { text += ", \(NumberFormat.grouped(derived.ordersLeftOut)) left out (no customer or date, or after the as-of date)" }
            emit(.result(text + "\n" + ResultRenderer.schema(derived.table, withTitle: false)))
        case .explainMetric(let table, let column):
            let metric = table.columns[column]
            emit(.result("\(metric.name) (\(metric.type.rawValue)) in '\(table.name)': \(ResultRenderer.evidence(metric.evidence))"))
        case .explainSegment(let definition, let bound):
            let result = Engine.segment(bound)
            emit(.result(ResultRenderer.explain(segment: definition.name, definition: definition.text, result: result,
                                                portrait: Engine.portrait(of: result.rows, in: bound.table), language: language)))
        case .explainCustomer(let table, let row, let levels, let segments):
            let verdicts = segments.map { segment -> (String, String, Bool?) in
                let yes = Engine.filter(segment.2, in: table, selection: [row], want: true).count == 1
                let no = Engine.filter(segment.2, in: table, selection: [row], want: false).count == 1
                return (segment.0, segment.1, yes ? true : no ? false : nil)
            }
            emit(.result(ResultRenderer.explain(table, row: row, levels: levels, segments: verdicts, language: language)))
        case .matrix(let table, let first, let second, let cuts):
            let profit = table.columnIndex(named: "profit").flatMap { table.columns[$0].type.isNumeric ? $0 : nil }
            emit(.result(ResultRenderer.render(Engine.matrix(table, first: first, second: second, cuts: cuts, profitColumn: profit), language: language)))
        case .pareto(let table, let column, let a, let b):
            emit(.result(ResultRenderer.render(Engine.pareto(table, column: column, a: a, b: b), language: language)))
        case .tiers(let table, let column):
            emit(.result(ResultRenderer.render(Engine.tiers(table, column: column), language: language)))
        case .rfm(let table, let recency, let frequency, let monetary, let bins):
            let result = Engine.rfm(table, recency: recency, frequency: frequency, monetary: monetary, bins: bins)
            catalog.replace(result.table)
            catalog.rfmBins = bins
            emit(.result(ResultRenderer.render(result, recency: table.columns[recency], frequency: table.columns[frequency], monetary: table.columns[monetary], language: language)))
        case .rfmSegments(let table, let preset, let rules, let monetary):
            let result = Engine.assign(table, preset: preset, rules: rules, monetary: monetary)
            catalog.replace(result.table)
            emit(.result(ResultRenderer.render(result, language: language)))
        case .lifecycle(let table, let recency, let tenure, let value, let windows):
            emit(.result(ResultRenderer.render(Engine.lifecycle(table, recency: recency, tenure: tenure, value: value, windows: windows), language: language)))
        case .transitions(let spec, let from, let to, let by):
            let names = Engine.segmentNames(by)
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
            if let (error, ruleSource) = failure {
                emit(.diagnostic(DiagnosticRenderer.render(error, in: ruleSource)))
                return .dataError
            }
            emit(.result(ResultRenderer.transitions(counts, names: names, by: by.name, from: from, to: to, language: language)))
        case .setLanguage(let code):
            language = Language(rawValue: code) ?? .en
            emit(.result(language == .zh ? "语言：中文（细分名称、建议与说明）" : "language: English (segment names, advice and explanations)"))
        case .rfmRule(let rule):
            catalog.rfmRules.append(rule)
            emit(.result("rule \(catalog.rfmRules.count) of the custom table: \(rule.name) where \(rule.text)"))
        case .checkSegments(let preset, let bins, let cells, let rules):
            emit(.result(ResultRenderer.render(Engine.check(preset: preset, bins: bins, cells: cells, rules: rules))))
        case .showLevels(let table, let cuts):
            emit(.result(ResultRenderer.levelTable(cuts, table: table)))
        case .segment(let segment):
            emit(.result(ResultRenderer.render(Engine.segment(segment), language: language)))
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
