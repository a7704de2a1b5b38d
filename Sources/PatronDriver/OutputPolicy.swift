import PatronAnalysis
import PatronRender
import PatronStore

/// How a session's results go out: box tables, or a data format (`--format`), as one JSON
/// document or one per result, or kept for one HTML document at the end.
struct OutputPolicy {
    /// Nil for box tables, or a data format.
    var format: ExportFormat? = nil
    /// Whether `--format json` results form one JSON array, closed by `closing()`.
    var jsonAsOneDocument = false
    /// Whether results are kept for one HTML document printed at the end (`--format html`);
    /// text and confirmations go to standard error meanwhile.
    var collectsHTML = false
    /// How many results the JSON array holds so far.
    private(set) var jsonResults = 0

    /// Writes one presentation as the policy says.
    mutating func write(_ presentation: Presentation, emit: (Output) -> Void) {
        let text = { TextDrawing.draw(presentation) }
        if collectsHTML {
            // The document comes at the end; words for people meanwhile go to standard error.
            if presentation.isText || presentation.isConfirmation { emit(.note(text())) }
            return
        }
        switch format {
        case nil: emit(.result(text()))
        case .json? where jsonAsOneDocument:
            emit(.result((jsonResults == 0 ? "[" : ",") + presentation.json.text))
            jsonResults += 1
        case .json?: emit(.result(presentation.json.text))
        case let format? where presentation.isText || presentation.isConfirmation:
            // CSV, TSV and JSON Lines carry only tables; text goes to standard error so the data stays clean.
            if format == .markdown { emit(.result("```text\n" + text() + "\n```\n")) } else { emit(.note(text())) }
        case let format?:
            var written = ResultWriter.write(presentation, as: format)
            // The last line end is the console's to write ("\r\n" is one Character in Swift).
            if written.hasSuffix("\r\n") || written.hasSuffix("\n") { written.removeLast() }
            emit(.result(written + (format == .markdown ? "\n" : "")))
        }
    }

    /// What ends the output once the run is over: the `]` of the JSON array (`[]` when no result
    /// came), so standard output is one valid document even after an error.
    func closing() -> String? {
        guard jsonAsOneDocument, format == .json else { return nil }
        return jsonResults == 0 ? "[]" : "]"
    }
}
