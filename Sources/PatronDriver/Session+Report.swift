import PatronAnalysis
import PatronEngine
import PatronRender
import PatronSyntax

extension Session {
    /// The session's results so far as one HTML document.
    public func htmlDocument(title: String) -> String {
        HTMLReport.render(title: title, language: language, sections: setupSections() + reportSections)
    }

    /// What a reader of a handout needs before the results: the parameters the run was given, and
    /// the named segments' definitions and sizes in the current table.
    func setupSections() -> [HTMLReport.Section] {
        var sections: [HTMLReport.Section] = []
        if !parameters.isEmpty {
            let zh = language == .zh
            let rows = parameters.keys.sorted().map { [Presentation.Cell.text("$" + $0), .text(Formatting.literal(parameters[$0] ?? .null))] }
            let presentation = Presentation(kind: "parameters", fields: [.init("parameter", heading: zh ? "参数" : "parameter"), .init("value", heading: zh ? "值" : "value")],
                                            rows: rows, blocks: [.line(zh ? "本次运行的参数（--param）：" : "the parameters of this run (--param):"), .table(bars: nil)])
            sections.append(HTMLReport.Section(statement: parameters.keys.sorted().map { "--param \($0)=\(Formatting.literal(parameters[$0] ?? .null))" }.joined(separator: " "),
                                               presentation: presentation, language: language))
        }
        if !catalog.segments.isEmpty, let source = Optional(Source(name: "<report>", text: "show segments")), let statement = Parser.parse(source).statements.first,
           let bound = try? Binder(catalog: catalog, source: source).bind(statement), let execution = try? Engine.execute(bound, rowLimit: Int.max) {
            sections.append(HTMLReport.Section(statement: "show segments", presentation: Presenter(language: language).present(execution.result), language: language))
        }
        return sections
    }

    /// `report to "FILE" [title "…"] [from "SCRIPT"]`: the session's results, or those of a script
    /// run in a fresh session, written whole or not at all.
    func report(to path: String, title: String?, script: String?, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        var sections = reportSections
        if let script {
            guard case .report(_, _, _, _, let scriptSpan) = parsed.kind else { return .dataError }
            // A script run for a report that reports from a script could run itself for ever.
            guard !nesting.insideReport else {
                emit(.diagnostic(rendered(Diagnostic("a script run for a report cannot report from another script", at: scriptSpan ?? parsed.span,
                                                     hints: ["make each report from the top-level script, or report to a file without 'from'"]), in: source)))
                return .dataError
            }
            let text: String
            switch Self.readScript(script) {
            case .success(let contents): text = contents
            case .failure(let failure):
                emit(.diagnostic(rendered(Diagnostic(failure.message, at: scriptSpan ?? parsed.span, hints: failure.hints), in: source)))
                return failure.status
            }
            let inner = Session()
            (inner.language, inner.rowLimit, inner.parameters, inner.quiet, inner.nesting.insideReport) = (language, rowLimit, parameters, true, true)
            let outcome = inner.run(Source(name: script, text: text)) { output in
                if case .diagnostic(let message) = output { emit(.diagnostic(message)) }
            }
            guard outcome.status == .ok else {
                emit(.diagnostic(rendered(Diagnostic("'\(script)' failed, so no report was written", at: scriptSpan ?? parsed.span,
                                                                      hints: ["run it on its own to see where: patron run \(script)"]), in: source)))
                return outcome.status
            }
            sections = inner.setupSections() + inner.reportSections
        } else {
            sections = setupSections() + sections
        }
        let heading = title ?? script.map { language == .zh ? "\($0) 的结果" : "Results of \($0)" } ?? (language == .zh ? "patron 报告" : "patron report")
        let html = HTMLReport.render(title: heading, language: language, sections: sections)
        do throws(AtomicFile.Failure) {
            try AtomicFile.write(html, to: path)
        } catch {
            emit(.diagnostic(DiagnosticRenderer.fileError(path, "cannot write the report: \(error.reason)", language: language)))
            return .ioError
        }
        let size = NumberFormat.grouped(html.utf8.count)
        present(.message(language == .zh ? "已写入报告 '\(path)'：\(sections.count) 个结果，\(size) 字节；用浏览器打开即可，无需联网"
                                         : "wrote report '\(path)': \(sections.count) \(sections.count == 1 ? "result" : "results"), \(size) bytes; open it in any browser, offline",
                         isConfirmation: true), emit: emit)
        return .ok
    }
}
