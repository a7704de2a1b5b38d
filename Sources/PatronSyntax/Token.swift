/// The kinds of token.
public enum TokenKind: Sendable, Equatable {
    /// A word: a keyword or an identifier (Unicode letters, digits, `_`). Keywords are case-insensitive.
    case word
    /// A backquoted identifier: `` `Annual Revenue` ``; `text` holds the name without quotes.
    case quotedIdentifier
    /// A string literal; `text` holds the unescaped value.
    case string
    /// A number literal such as `42` or `12.50`.
    case number
    /// A date literal `yyyy-MM-dd`.
    case date
    /// `$name`; `text` holds the name.
    case variable
    /// An operator or punctuation: `= != <> < <= > >= + - * / % ( ) ,`.
    case symbol
    /// The end of a line that ends a statement.
    case newline
    /// `;`
    case semicolon
    /// The end of the input.
    case endOfInput
}

/// A token with its source span.
public struct Token: Sendable, Equatable {
    /// What kind of token this is.
    public var kind: TokenKind
    /// The token's text (unescaped for strings and quoted identifiers).
    public var text: String
    /// Where it is.
    public var span: SourceSpan

    /// Creates a token.
    public init(_ kind: TokenKind, _ text: String, _ span: SourceSpan) {
        self.kind = kind
        self.text = text
        self.span = span
    }

    /// Whether this is the word `keyword`, compared case-insensitively.
    public func isKeyword(_ keyword: String) -> Bool {
        kind == .word && text.count == keyword.count && text.lowercased() == keyword
    }

    /// Whether this is the symbol `symbol`.
    public func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }

    /// Whether this token ends a statement.
    public var endsStatement: Bool { kind == .newline || kind == .semicolon || kind == .endOfInput }
}
