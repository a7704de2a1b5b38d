import Foundation

/// The one message catalogue: every message, hint, note and help text a person reads, in English
/// (as the code writes it, the way gettext keys messages by their English text) and in Chinese.
/// A template's `{}` stands for a value the code puts in (a name, a number, a path); the Chinese
/// may take them in another order as `{1}`, `{2}`, … The entries live in the `Catalogue+…` files
/// by subject; `CatalogueTests` checks every entry has both languages and every message the tests
/// provoke is in it.
public enum Catalogue {
    /// One message in both languages.
    public struct Entry: Sendable {
        public let english: String
        public let chinese: String
        public init(_ english: String, _ chinese: String) {
            self.english = english
            self.chinese = chinese
        }
    }

    /// Every entry, in the order they are tried (the first template that matches wins).
    public static let entries: [Entry] = messages + loading + confirmations + helpTexts + evidence + models

    /// `text` in `language`: the Chinese of the entry it matches, its values put back; the text
    /// as it is when no entry matches (or in English).
    public static func translate(_ text: String, _ language: Language) -> String {
        guard language == .zh, !text.isEmpty else { return text }
        if let exact = index.exact[text] { return Typography.spaced(exact) }
        let range = NSRange(text.startIndex..., in: text)
        for (pattern, chinese, quoted) in index.patterns {
            guard let match = pattern.firstMatch(in: text, range: range) else { continue }
            let values = (1..<match.numberOfRanges).map { k -> String in
                guard let r = Range(match.range(at: k), in: text) else { return "" }
                // A value in quotes is a name or data ('number' may be a column): never translated.
                return k - 1 < quoted.count && quoted[k - 1] ? String(text[r]) : translate(String(text[r]), language)
            }
            return Typography.spaced(fill(chinese, with: values))
        }
        return text
    }

    /// Whether `text` is an entry's English, exactly or as a template.
    public static func knows(_ text: String) -> Bool {
        if index.exact[text] != nil { return true }
        let range = NSRange(text.startIndex..., in: text)
        return index.patterns.contains { $0.pattern.firstMatch(in: text, range: range) != nil }
    }

    /// Each line of `text` translated on its own (a help page, a note of several lines).
    public static func translateLines(_ text: String, _ language: Language) -> String {
        guard language == .zh else { return text }
        if let whole = index.exact[text] { return Typography.spaced(whole) }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.drop { $0 == " " }
            let indent = String(line.prefix(line.count - trimmed.count))
            let translated: String = translate(String(trimmed), language)
            return indent + Typography.spaced(translated)
        }.joined(separator: "\n")
    }

    /// The Chinese with the values in: `{}` in order, `{n}` the n-th.
    static func fill(_ template: String, with values: [String]) -> String {
        var out = "", next = 0
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { out += rest[open...]; return out }
            let inside = after[..<close]
            if inside.isEmpty {
                out += next < values.count ? values[next] : ""
                next += 1
            } else if let n = Int(inside), n >= 1, n <= values.count {
                out += values[n - 1]
            } else {
                out += rest[open...close]
            }
            rest = after[after.index(after: close)...]
        }
        return out + rest
    }

    /// Entries without values by their text; templates as anchored patterns, the one with the
    /// most fixed text first, so "unknown column '{}' in table '{}'" wins over "unknown column '{}'"
    /// (a pattern anchored at both ends would take either).
    private static let index: (exact: [String: String], patterns: [(pattern: NSRegularExpression, chinese: String, quoted: [Bool])]) = {
        var exact: [String: String] = [:], patterns: [(pattern: NSRegularExpression, chinese: String, quoted: [Bool], fixed: Int, order: Int)] = []
        for (order, entry) in entries.enumerated() {
            guard entry.english.contains("{}") else {
                if exact[entry.english] == nil { exact[entry.english] = entry.chinese }
                continue
            }
            let parts = entry.english.components(separatedBy: "{}")
            let escaped = parts.map(NSRegularExpression.escapedPattern(for:))
            let quoted = (1..<parts.count).map { k in
                ["'", "\""].contains { parts[k - 1].hasSuffix($0) && parts[k].hasPrefix($0) }
            }
            if let pattern = try? NSRegularExpression(pattern: "^" + escaped.joined(separator: "(.+?)") + "$", options: [.dotMatchesLineSeparators]) {
                patterns.append((pattern, entry.chinese, quoted, parts.reduce(0) { $0 + $1.count }, order))
            }
        }
        patterns.sort { $0.fixed != $1.fixed ? $0.fixed > $1.fixed : $0.order < $1.order }
        return (exact, patterns.map { ($0.pattern, $0.chinese, $0.quoted) })
    }()
}
