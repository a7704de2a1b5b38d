import PatronSyntax

/// How text meant for a person's terminal is drawn: colour (only on a terminal, never with
/// NO_COLOR) and the width tables must fit. Set by the console before each statement; results
/// written as data (`--format`, `export`) never see it.
public enum Style {
    /// Colour on standard output.
    nonisolated(unsafe) public static var colour = false
    /// Colour on standard error (errors and warnings).
    nonisolated(unsafe) public static var colourErrors = false
    /// The terminal's width in columns, or nil when output is not a terminal (no limit).
    nonisolated(unsafe) public static var width: Int? = nil

    static let bold = "1", red = "31", green = "32", yellow = "33", blue = "34", magenta = "35", cyan = "36"

    /// `text` in an SGR colour when `on`.
    static func paint(_ text: String, _ code: String, on: Bool = colour) -> String {
        on && !text.isEmpty ? "\u{1B}[\(code)m" + text + "\u{1B}[0m" : text
    }

    /// A statement with its keywords, numbers and strings coloured (for help and examples).
    public static func highlight(_ statement: String) -> String {
        guard colour else { return statement }
        let tokens = Lexer.tokenize(Source(name: "", text: statement)).tokens
        let bytes = Array(statement.utf8)
        var out = "", at = 0
        for token in tokens where token.kind != .endOfInput && token.kind != .newline {
            let start = token.span.start, end = min(token.span.end, bytes.count)
            guard start >= at, start <= end else { continue }
            out += String(decoding: bytes[at..<start], as: UTF8.self)
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            switch token.kind {
            case .word where Parser.statementWords.contains(token.text.lowercased()) || Parser.expressionKeywords.contains(token.text.lowercased())
                || Self.clauseWords.contains(token.text.lowercased()):
                out += paint(text, magenta)
            case .number, .date: out += paint(text, cyan)
            case .string: out += paint(text, green)
            default: out += text
            }
            at = end
        }
        return out + String(decoding: bytes[min(at, bytes.count)...], as: UTF8.self)
    }

    /// Words that shape a statement after its first word.
    static let clauseWords: Set<String> = ["where", "by", "as", "from", "to", "with", "top", "segment", "segments", "bins", "split", "at", "of", "windows", "quantiles", "sort", "desc", "asc", "into"]
}
