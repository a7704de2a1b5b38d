/// Turns source text into tokens.
///
/// A newline ends a statement unless a bracket is open or the line ends with an operator
/// (`= != < <= > >= + - * / % , and or not`) or a word that needs more after it (`where`, `by`),
/// in which case the statement continues.
public struct Lexer {
    private let source: Source
    private let bytes: [UInt8]
    private var position = 0
    private var tokens: [Token] = []
    private var diagnostics: [Diagnostic] = []
    private var depth = 0

    /// Tokenizes `source`; the last token is always `.endOfInput`.
    public static func tokenize(_ source: Source) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(source: source)
        lexer.run()
        return (lexer.tokens, lexer.diagnostics)
    }

    private init(source: Source) {
        self.source = source
        self.bytes = source.utf8
    }

    private static let continuingWords: Set<String> = ["and", "or", "not", "where", "by"]
    private static let continuingSymbols: Set<String> = ["=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", ","]

    private var lineContinues: Bool {
        if depth > 0 { return true }
        guard let last = tokens.last else { return false }
        switch last.kind {
        // `top 20%` ends a rank, not a line that goes on: a percent sign after `top N` or `bottom N`.
        case .symbol where last.text == "%" && tokens.count >= 3 && tokens[tokens.count - 2].kind == .number
                           && (tokens[tokens.count - 3].isKeyword("top") || tokens[tokens.count - 3].isKeyword("bottom")):
            return false
        case .symbol: return Self.continuingSymbols.contains(last.text)
        case .word: return Self.continuingWords.contains(last.text.lowercased())
        default: return false
        }
    }

    private mutating func run() {
        while position < bytes.count {
            let start = position
            let b = bytes[position]
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                position += 1
            case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                position += 1
                if b == UInt8(ascii: "\r") && position < bytes.count && bytes[position] == UInt8(ascii: "\n") { position += 1 }
                if !lineContinues && tokens.last.map({ $0.kind != .newline }) ?? false {
                    tokens.append(Token(.newline, "\n", SourceSpan(start, position)))
                }
            case UInt8(ascii: "#"):
                while position < bytes.count && bytes[position] != 10 && bytes[position] != 13 { position += 1 }
            case UInt8(ascii: ";"):
                position += 1
                depth = 0
                tokens.append(Token(.semicolon, ";", SourceSpan(start, position)))
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                lexString(quote: b)
            case UInt8(ascii: "`"):
                lexQuotedIdentifier()
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                lexNumberOrDate()
            case UInt8(ascii: "$"):
                position += 1
                let nameStart = position
                skipIdentifierCharacters()
                if position == nameStart {
                    diagnostics.append(Diagnostic("expected a variable name after '$'", at: SourceSpan(start, position), hints: ["write $name, e.g. $cutoff"]))
                }
                tokens.append(Token(.variable, text(nameStart, position), SourceSpan(start, position)))
            default:
                if b < 0x80 && !isASCIILetter(b) && b != UInt8(ascii: "_") {
                    lexSymbol()
                } else if startsIdentifier(at: position) {
                    skipIdentifierCharacters()
                    tokens.append(Token(.word, text(start, position), SourceSpan(start, position)))
                } else {
                    let scalarEnd = endOfScalar(at: position)
                    diagnostics.append(Diagnostic("unexpected character '\(text(start, scalarEnd))'", at: SourceSpan(start, scalarEnd),
                                                  hints: ["names are made of letters, digits and '_'; put other names in backquotes"]))
                    position = scalarEnd
                }
            }
        }
        tokens.append(Token(.endOfInput, "", SourceSpan(bytes.count, bytes.count)))
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private func isASCIILetter(_ b: UInt8) -> Bool {
        (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
    }

    private func endOfScalar(at index: Int) -> Int {
        var end = index + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        return end
    }

    private func scalar(at index: Int) -> Unicode.Scalar? {
        let end = endOfScalar(at: index)
        return String(decoding: bytes[index..<end], as: UTF8.self).unicodeScalars.first
    }

    private func startsIdentifier(at index: Int) -> Bool {
        let b = bytes[index]
        if b < 0x80 { return isASCIILetter(b) || b == UInt8(ascii: "_") }
        return scalar(at: index)?.properties.isAlphabetic ?? false
    }

    private mutating func skipIdentifierCharacters() {
        while position < bytes.count {
            let b = bytes[position]
            if b < 0x80 {
                guard isASCIILetter(b) || b == UInt8(ascii: "_") || (b >= 48 && b <= 57) else { return }
                position += 1
            } else {
                guard let s = scalar(at: position), s.properties.isAlphabetic || s.properties.numericType != nil
                    || s.properties.generalCategory == .nonspacingMark || s.properties.generalCategory == .spacingMark else { return }
                position = endOfScalar(at: position)
            }
        }
    }

    private mutating func lexString(quote: UInt8) {
        let start = position
        position += 1
        var value: [UInt8] = []
        while position < bytes.count {
            let b = bytes[position]
            if b == quote {
                position += 1
                tokens.append(Token(.string, String(decoding: value, as: UTF8.self), SourceSpan(start, position)))
                return
            }
            if b == 10 || b == 13 { break }
            if b == UInt8(ascii: "\\") && position + 1 < bytes.count {
                let next = bytes[position + 1]
                switch next {
                case UInt8(ascii: "n"): value.append(10)
                case UInt8(ascii: "t"): value.append(9)
                case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): value.append(next)
                default:
                    diagnostics.append(Diagnostic("unknown escape '\\\(text(position + 1, endOfScalar(at: position + 1)))' in a string",
                                                  at: SourceSpan(position, endOfScalar(at: position + 1)),
                                                  hints: ["use \\\\ for a backslash, \\\" for a quote, \\n for a newline"]))
                }
                position += 2
                continue
            }
            value.append(b)
            position += 1
        }
        let q = quote == UInt8(ascii: "\"") ? "\"" : "'"
        diagnostics.append(Diagnostic("unterminated string", at: SourceSpan(start, start + 1),
                                      hints: ["close the string with \(q) on the same line"]))
        tokens.append(Token(.string, String(decoding: value, as: UTF8.self), SourceSpan(start, position)))
    }

    private mutating func lexQuotedIdentifier() {
        let start = position
        position += 1
        let nameStart = position
        while position < bytes.count && bytes[position] != UInt8(ascii: "`") && bytes[position] != 10 && bytes[position] != 13 { position += 1 }
        if position < bytes.count && bytes[position] == UInt8(ascii: "`") {
            let name = text(nameStart, position)
            position += 1
            if name.isEmpty {
                diagnostics.append(Diagnostic("empty name in backquotes", at: SourceSpan(start, position)))
            }
            tokens.append(Token(.quotedIdentifier, name, SourceSpan(start, position)))
        } else {
            diagnostics.append(Diagnostic("unterminated backquoted name", at: SourceSpan(start, start + 1), hints: ["close the name with ` on the same line"]))
            tokens.append(Token(.quotedIdentifier, text(nameStart, position), SourceSpan(start, position)))
        }
    }

    private mutating func lexNumberOrDate() {
        let start = position
        while position < bytes.count && bytes[position] >= 48 && bytes[position] <= 57 { position += 1 }
        // A date: four digits, '-', two digits, '-', two digits.
        if position - start == 4, byte(at: position) == UInt8(ascii: "-"), isDigit(position + 1), isDigit(position + 2),
           byte(at: position + 3) == UInt8(ascii: "-"), isDigit(position + 4), isDigit(position + 5), !isDigit(position + 6) {
            position += 6
            tokens.append(Token(.date, text(start, position), SourceSpan(start, position)))
            return
        }
        if position + 1 < bytes.count && bytes[position] == UInt8(ascii: ".") && isDigit(position + 1) {
            position += 1
            while position < bytes.count && isDigit(position) { position += 1 }
        }
        if position < bytes.count && startsIdentifier(at: position) {
            let wordStart = position
            skipIdentifierCharacters()
            diagnostics.append(Diagnostic("unexpected '\(text(wordStart, position))' after the number '\(text(start, wordStart))'",
                                          at: SourceSpan(start, position), hints: ["names cannot start with a digit; put such a name in backquotes"]))
        }
        tokens.append(Token(.number, text(start, position), SourceSpan(start, position)))
    }

    private func byte(at index: Int) -> UInt8 {
        index < bytes.count ? bytes[index] : 0
    }

    private func isDigit(_ index: Int) -> Bool {
        index < bytes.count && bytes[index] >= 48 && bytes[index] <= 57
    }

    private mutating func lexSymbol() {
        let start = position
        let b = bytes[position]
        let next: UInt8 = position + 1 < bytes.count ? bytes[position + 1] : 0
        var symbol: String
        var width = 2
        switch (b, next) {
        case (UInt8(ascii: "!"), UInt8(ascii: "=")), (UInt8(ascii: "<"), UInt8(ascii: ">")): symbol = "!="
        case (UInt8(ascii: "<"), UInt8(ascii: "=")): symbol = "<="
        case (UInt8(ascii: ">"), UInt8(ascii: "=")): symbol = ">="
        case (UInt8(ascii: "="), UInt8(ascii: "=")): symbol = "="
        default:
            width = 1
            switch b {
            case UInt8(ascii: "="), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "+"), UInt8(ascii: "-"),
                 UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: ","), UInt8(ascii: "."):
                symbol = String(UnicodeScalar(b))
            case UInt8(ascii: "("):
                symbol = "("
                depth += 1
            case UInt8(ascii: ")"):
                symbol = ")"
                depth = max(0, depth - 1)
            default:
                position += 1
                let what = b < 32 || b == 127 ? "control character 0x\(String(b, radix: 16))" : "character '\(String(UnicodeScalar(b)))'"
                diagnostics.append(Diagnostic("unexpected \(what)", at: SourceSpan(start, position)))
                return
            }
        }
        position += width
        tokens.append(Token(.symbol, symbol, SourceSpan(start, position)))
    }
}
