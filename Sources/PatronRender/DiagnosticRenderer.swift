import PatronStore
import PatronSyntax

/// Diagnostics as `file:line:col: error: message`, the source line, a caret under the span, and hints.
public enum DiagnosticRenderer {
    /// The source name of what is typed at the prompt: its errors say "line N" in the prompt's
    /// own count of lines, not a file name.
    public static let promptName = "<prompt>"

    /// Where a diagnostic is: `file:line:col:`, or at the prompt `line N, column C:`.
    static func place(_ file: String, line: Int, column: Int, _ language: Language) -> String {
        guard file == promptName else { return "\(file):\(line):\(column):" }
        return language == .zh ? "第 \(line) 行第 \(column) 列：" : "line \(line), column \(column):"
    }

    /// The labels before a message and a hint, in the language.
    static func label(_ english: String, _ language: Language) -> String {
        guard language == .zh else { return english + ":" }
        return ["error": "错误：", "warning": "警告：", "help": "提示："][english] ?? english + ":"
    }

    /// `path: error: message`, for a failure that has no line (a file that cannot be written).
    public static func fileError(_ path: String, _ message: String, severity: String = "error", language: Language = .en) -> String {
        let on = Style.colourErrors
        return Style.paint("\(TerminalText.visible(path)):", Style.bold, on: on) + " " + Style.paint(label(severity, language), severity == "error" ? Style.red : Style.yellow, on: on)
            + (language == .zh ? "" : " ") + TerminalText.visible(Catalogue.translate(message, language))
    }

    /// `help: hint`, in the language.
    public static func hint(_ text: String, language: Language = .en) -> String {
        Style.paint(label("help", language), Style.cyan, on: Style.colourErrors) + (language == .zh ? "" : " ") + TerminalText.visible(Catalogue.translate(text, language))
    }

    /// Renders a diagnostic found in `source`.
    public static func render(_ diagnostic: Diagnostic, in source: Source, language: Language = .en) -> String {
        let (line, text, offset) = source.line(containing: diagnostic.span.start)
        let spanText = source.text(of: SourceSpan(diagnostic.span.start, min(diagnostic.span.end, diagnostic.span.start + text.utf8.count - offset)))
        return render(file: source.name, line: line, lineText: text, byteOffset: offset, markedText: spanText,
                      severity: diagnostic.severity.rawValue, message: diagnostic.message, hints: diagnostic.hints, language: language)
    }

    /// Renders an error in a data file.
    public static func render(_ error: LoadError, language: Language = .en) -> String {
        if error.line == 0 {
            return fileError(error.path, error.message, language: language)
                + (error.hint.map { "\n" + hint($0, language: language) } ?? "")
        }
        return render(file: error.path, line: error.line, lineText: error.lineText, byteOffset: error.byteOffset, markedText: "",
                      severity: "error", message: error.message, hints: error.hint.map { [$0] } ?? [], language: language)
    }

    /// The shared layout: header, gutter, source line, caret line, hints.
    static func render(file: String, line: Int, lineText: String, byteOffset: Int, markedText: String,
                       severity: String, message: String, hints: [String], language: Language) -> String {
        let utf8 = Array(lineText.utf8)
        let prefix = String(decoding: utf8.prefix(min(byteOffset, utf8.count)), as: UTF8.self)
        // A connection string's password is never echoed; stars keep the caret's column.
        let shown = TerminalText.visible(Secrets.masked(lineText.replacingTabs(), keepingLength: true), keepingLines: false)
        let column = DisplayWidth.of(TerminalText.visible(prefix.replacingTabs(), keepingLines: false))
        let caretWidth = max(1, DisplayWidth.of(TerminalText.visible(markedText.replacingTabs(), keepingLines: false)))
        let gutter = String(line)
        let blank = String(repeating: " ", count: gutter.count)
        let on = Style.colourErrors
        let label = Style.paint(Self.label(severity, language), severity == "error" ? Style.red : Style.yellow, on: on)
        let message = TerminalText.visible(Catalogue.translate(message, language))
        // A full-width colon needs no space after it.
        let gap = language == .zh ? "" : " "
        var out = Style.paint(place(file, line: line, column: column + 1, language), Style.bold, on: on) + (file == promptName && language == .zh ? "" : " ") + "\(label)\(gap)" + Style.paint(message, Style.bold, on: on) + "\n"
        let (window, caretAt) = Self.window(shown, around: column, width: 100)
        out += "\(gutter) | \(window)\n"
        out += "\(blank) | \(String(repeating: " ", count: caretAt))" + Style.paint(String(repeating: "^", count: min(caretWidth, 100)), Style.green, on: on)
        for hint in hints { out += "\n" + Style.paint(Self.label("help", language), Style.cyan, on: on) + gap + TerminalText.visible(Catalogue.translate(hint, language)) }
        return out
    }
}

extension DiagnosticRenderer {
    /// A long line cut to about `width` columns around `column`, with `…` where it was cut;
    /// returns the text and the caret's column within it.
    public static func window(_ line: String, around column: Int, width: Int) -> (String, Int) {
        guard DisplayWidth.of(line) > width + 20 else { return (line, column) }
        let start = max(0, column - width / 3)
        var text = start > 0 ? "…" : ""
        var firstShown: Int? = nil
        var position = 0
        for character in line {
            let w = DisplayWidth.of(String(character))
            defer { position += w }
            guard position >= start else { continue }
            if firstShown == nil { firstShown = position }
            if position - (firstShown ?? 0) + w > width {
                text += "…"
                break
            }
            text.append(character)
        }
        let caret = column - (firstShown ?? 0) + (start > 0 ? 1 : 0)
        return (text, max(0, caret))
    }
}

extension String {
    /// Tabs shown as single spaces so carets line up with what the terminal shows.
    func replacingTabs() -> String {
        String(map { $0 == "\t" ? " " : $0 })
    }
}
