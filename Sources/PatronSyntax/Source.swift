/// A half-open range of UTF-8 byte offsets into a source text.
public struct SourceSpan: Sendable, Equatable, Hashable {
    /// The first byte.
    public var start: Int
    /// One past the last byte.
    public var end: Int

    /// A span from `start` up to (not including) `end`.
    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest span covering both.
    public func merged(with other: SourceSpan) -> SourceSpan {
        SourceSpan(min(start, other.start), max(end, other.end))
    }
}

/// A named source text (a script file, a `-c` argument, a line typed at the prompt).
public struct Source: Sendable {
    /// The name printed in diagnostics: a path, `<command>` or `<stdin>`.
    public let name: String
    /// The text.
    public let text: String
    /// The text's UTF-8 bytes.
    public let utf8: [UInt8]
    /// The line number of the first line (continuation sources start later).
    public let firstLine: Int
    private let lineStarts: [Int]

    /// Wraps `text`; its first line is numbered `firstLine`.
    public init(name: String, text: String, firstLine: Int = 1) {
        self.name = name
        self.text = text
        self.utf8 = Array(text.utf8)
        self.firstLine = firstLine
        var starts = [0]
        for (i, b) in utf8.enumerated() where b == 10 { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// The line containing byte `offset`: its number, its text and the offset within it.
    public func line(containing offset: Int) -> (number: Int, text: String, offsetInLine: Int) {
        let clamped = min(max(0, offset), utf8.count)
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        let start = lineStarts[low]
        var end = start
        while end < utf8.count && utf8[end] != 10 && utf8[end] != 13 { end += 1 }
        let text = String(decoding: utf8[start..<end], as: UTF8.self)
        return (low + firstLine, text, min(clamped - start, end - start))
    }

    /// The source text covered by a span.
    public func text(of span: SourceSpan) -> String {
        let s = min(span.start, utf8.count), e = min(span.end, utf8.count)
        return String(decoding: utf8[s..<e], as: UTF8.self)
    }
}

/// A problem found in source text, positioned by a span. Only the driver prints it.
public struct Diagnostic: Error, Sendable, Equatable {
    /// How serious the problem is.
    public enum Severity: String, Sendable { case error, warning, note }
    /// How serious the problem is.
    public var severity: Severity
    /// What is wrong: lowercase, no final period, the offending token quoted.
    public var message: String
    /// Where it is.
    public var span: SourceSpan
    /// What to do instead, each rendered as `help: …`.
    public var hints: [String]
    /// True when the input simply ended too soon: the REPL asks for a continuation line.
    public var isIncomplete: Bool

    /// Creates a diagnostic.
    public init(_ message: String, at span: SourceSpan, hints: [String] = [], isIncomplete: Bool = false, severity: Severity = .error) {
        self.severity = severity
        self.message = message
        self.span = span
        self.hints = hints
        self.isIncomplete = isIncomplete
    }
}
