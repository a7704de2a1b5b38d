import PatronStore
import PatronSyntax

/// Diagnostics as `file:line:col: error: message`, the source line, a caret under the span, and hints.
public enum DiagnosticRenderer {
    /// Renders a diagnostic found in `source`.
    public static func render(_ diagnostic: Diagnostic, in source: Source) -> String {
        let (line, text, offset) = source.line(containing: diagnostic.span.start)
        let spanText = source.text(of: SourceSpan(diagnostic.span.start, min(diagnostic.span.end, diagnostic.span.start + text.utf8.count - offset)))
        return render(file: source.name, line: line, lineText: text, byteOffset: offset, markedText: spanText,
                      severity: diagnostic.severity.rawValue, message: diagnostic.message, hints: diagnostic.hints)
    }

    /// Renders an error in a data file.
    public static func render(_ error: LoadError) -> String {
        if error.line == 0 {
            return "\(error.path): error: \(error.message)" + (error.hint.map { "\nhelp: \($0)" } ?? "")
        }
        return render(file: error.path, line: error.line, lineText: error.lineText, byteOffset: error.byteOffset, markedText: "",
                      severity: "error", message: error.message, hints: error.hint.map { [$0] } ?? [])
    }

    /// The shared layout: header, gutter, source line, caret line, hints.
    static func render(file: String, line: Int, lineText: String, byteOffset: Int, markedText: String,
                       severity: String, message: String, hints: [String]) -> String {
        let utf8 = Array(lineText.utf8)
        let prefix = String(decoding: utf8.prefix(min(byteOffset, utf8.count)), as: UTF8.self)
        let shown = lineText.replacingTabs()
        let column = DisplayWidth.of(prefix.replacingTabs())
        let caretWidth = max(1, DisplayWidth.of(markedText.replacingTabs()))
        let gutter = String(line)
        let blank = String(repeating: " ", count: gutter.count)
        var out = "\(file):\(line):\(column + 1): \(severity): \(message)\n"
        out += "\(gutter) | \(shown)\n"
        out += "\(blank) | \(String(repeating: " ", count: column))\(String(repeating: "^", count: caretWidth))"
        for hint in hints { out += "\nhelp: \(hint)" }
        return out
    }
}

extension String {
    /// Tabs shown as single spaces so carets line up with what the terminal shows.
    func replacingTabs() -> String {
        String(map { $0 == "\t" ? " " : $0 })
    }
}
