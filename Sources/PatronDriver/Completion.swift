import Foundation
import PatronAnalysis
import PatronRender
import PatronStore
import PatronSyntax

/// What Tab does with the text before the cursor: replace the word being typed (its last `erase`
/// characters) with `insert`, and show `candidates` when more than one fits.
public struct Completion: Sendable, Equatable {
    public var erase: Int
    public var insert: String
    public var candidates: [String]

    public init(erase: Int, insert: String, candidates: [String]) {
        self.erase = erase
        self.insert = insert
        self.candidates = candidates
    }
}

extension Session {
    /// Completes the word before the cursor by context: statement words at the start, table,
    /// column, segment and metric names after the words that take them, file paths inside
    /// `load "…"`, level words after `METRIC =`. Nil when nothing fits.
    public func complete(_ before: String) -> Completion? {
        // Inside an open string: a file path after load, include, export … to, save … to.
        let quotes = before.reduce(0) { $0 + ($1 == "\"" ? 1 : 0) }
        if quotes % 2 == 1, let open = before.lastIndex(of: "\"") {
            let words = Self.words(in: String(before[..<open]))
            guard let last = words.last, ["load", "include", "to"].contains(last) else { return nil }
            return Self.completePath(String(before[before.index(after: open)...]))
        }
        // The word being typed, and the words of the statement before it.
        let partial = String(before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
        let head = String(before.dropLast(partial.count))
        let tokens = Self.statementTokens(head)
        let words = tokens.map { $0.kind == .word ? $0.text.lowercased() : $0.text }
        return Self.pick(candidates(after: tokens, words: words), partial: partial, callsFunctions: words.first != "help")
    }

    /// What may come next after the statement's tokens so far.
    private func candidates(after tokens: [Token], words: [String]) -> [String] {
        guard let first = words.first else { return Parser.statementWords.filter { $0 != "exit" } }
        let table = catalog.current
        let tables = catalog.names, segments = catalog.segments.keys.sorted()
        let columns = table?.columns.map(\.name) ?? []
        let numeric = table?.columns.filter { $0.type.isNumeric }.map(\.name) ?? []
        let last = words.last ?? ""
        // Level words (or a text column's values) after `COLUMN =`.
        if let symbol = tokens.last, symbol.kind == .symbol, ["=", "!=", "<>", "<", "<=", ">", ">="].contains(symbol.text),
           tokens.count >= 2, let column = table?.columns.first(where: { $0.name == tokens[tokens.count - 2].text }) {
            if column.type.isNumeric, let table {
                return LevelCuts.offered(catalog.levels(of: column.name, in: table.name)?.words ?? LevelCuts.defaultWords, chinese: language == .zh)
            }
            if case .text(_, let dictionary) = column.storage, dictionary.count <= 200 { return dictionary.sorted().map { "\"\($0)\"" } }
            return []
        }
        let condition = columns + segments + BuiltinFunction.allCases.map(\.rawValue) + ["and", "or", "not", "in", "between", "is", "null", "contains", "starts"]
        switch (first, words.count) {
        case ("help", 1): return Help.topics.map(\.name)
        case ("set", 1): return ["language", "timer"]
        case ("set", 2): return last == "language" ? ["en", "zh"] : last == "timer" ? ["on", "off"] : []
        case ("use", 1), ("describe", 1): return tables
        case ("summarize", 1): return tables + ["count", "sum", "avg", "median", "min", "max", "share"]
        case ("count", 1), ("show", 1): return tables + segments + ["by", "top"]
        case ("drop", 1), ("define", 1): return ["segment"]
        case ("drop", 2): return segments
        case ("define", 3): return ["as"]
        case ("customers", 1): return ["from"]
        case ("customers", 2): return tables
        case ("customers", 3): return ["by"]
        case ("customers", 4): return catalog.tables[words[2]]?.columns.map(\.name) ?? []
        case ("explain", 1): return segments + columns + ["customer"]
        case ("matrix", 1), ("pareto", 1), ("tiers", 1), ("levels", 1), ("crosstab", 1): return first == "crosstab" ? columns : numeric
        case ("matrix", 2), ("crosstab", 2): return ["by"]
        case ("matrix", 3): return numeric
        case ("levels", 2): return ["quantiles", "at"]
        case ("rfm", 1): return ["bins", "segments"]
        case ("rfm", 2) where last == "segments": return ["rfm", "putler", "custom"]
        case ("check", 1): return ["segments"]
        case ("lifecycle", 1): return ["windows"]
        case ("transitions", 1): return ["from"]
        case ("export", 1): return tables + segments + ["result"]
        case ("export", 2): return ["to"]
        case ("save", 1): return ["session"]
        case ("save", 2): return ["to"]
        case ("segment", 1): return ["where"]
        default:
            // Anywhere else in a statement: a column after by, nothing after top (a number
            // comes), otherwise what a condition may say.
            if ["by", "sort"].contains(last) { return columns }
            return last == "top" ? [] : condition
        }
    }

    /// The tokens of the last statement in `text` (the one being typed).
    static func statementTokens(_ text: String) -> [Token] {
        let tokens = Lexer.tokenize(Source(name: "", text: text)).tokens.filter { $0.kind != .endOfInput }
        guard let end = tokens.lastIndex(where: { $0.kind == .newline || $0.kind == .semicolon }) else { return tokens }
        return Array(tokens[(end + 1)...])
    }

    /// Lowercased words of the last statement in `text`.
    static func words(in text: String) -> [String] {
        statementTokens(text).filter { $0.kind == .word }.map { $0.text.lowercased() }
    }

    /// The candidates that start with `partial` (ignoring case), and what Tab inserts.
    static func pick(_ all: [String], partial: String, callsFunctions: Bool) -> Completion? {
        var seen = Set<String>()
        let fitting = all.filter { $0.lowercased().hasPrefix(partial.lowercased()) && seen.insert($0).inserted }.map(quotedIfNeeded)
        guard !fitting.isEmpty else { return nil }
        let erase = partial.unicodeScalars.count
        if fitting.count == 1 {
            let only = fitting[0]
            // A function in an expression opens its bracket; anything else ends the word.
            return Completion(erase: erase, insert: only + (callsFunctions && BuiltinFunction(rawValue: only) != nil ? "(" : " "), candidates: [])
        }
        let common = fitting.dropFirst().reduce(fitting[0]) { String($0.commonPrefix(with: $1)) }
        return Completion(erase: erase, insert: common.count > partial.count ? common : partial, candidates: fitting.sorted())
    }

    /// A name as it must be typed: in backquotes when it is not a plain word or is a keyword.
    static func quotedIfNeeded(_ name: String) -> String {
        if name.hasPrefix("\"") { return name }
        let plain = name.first.map { $0.isLetter || $0 == "_" } == true && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        return plain ? name : "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
    }

    /// Files and folders that start with `partial` (a path as typed, relative to the working folder).
    static func completePath(_ partial: String) -> Completion? {
        let slash = partial.lastIndex(of: "/")
        let folder = slash.map { String(partial[...$0]) } ?? ""
        let stem = slash.map { String(partial[partial.index(after: $0)...]) } ?? partial
        let expanded = folder.hasPrefix("~/") ? (ProcessInfo.processInfo.environment["HOME"] ?? "~") + folder.dropFirst() : folder
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: expanded.isEmpty ? "." : expanded) else { return nil }
        let fitting = entries.filter { $0.hasPrefix(stem) && ($0.hasPrefix(".") == stem.hasPrefix(".")) }.sorted().map { name -> String in
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (expanded.isEmpty ? "" : expanded) + name, isDirectory: &isFolder)
            return name + (isFolder.boolValue ? "/" : "")
        }
        guard !fitting.isEmpty else { return nil }
        let erase = stem.unicodeScalars.count
        if fitting.count == 1 {
            // A file ends the string; a folder waits for more.
            return Completion(erase: erase, insert: fitting[0] + (fitting[0].hasSuffix("/") ? "" : "\" "), candidates: [])
        }
        let common = fitting.dropFirst().reduce(fitting[0]) { String($0.commonPrefix(with: $1)) }
        return Completion(erase: erase, insert: common.count > stem.count ? common : stem, candidates: fitting)
    }

    /// The most candidates Tab lists (readline asks first past 100; a wide table has thousands).
    public static let listedCandidates = 100

    /// Candidates laid out in columns across `width` display columns, at most `listedCandidates`
    /// of them and a line that counts the rest.
    public func columns(_ candidates: [String], width: Int) -> String {
        let shown = candidates.prefix(Self.listedCandidates)
        let cell = (shown.map(DisplayWidth.of).max() ?? 0) + 2
        let perRow = max(1, width / max(cell, 1))
        var lines: [String] = []
        for start in stride(from: 0, to: shown.count, by: perRow) {
            let row = shown[start..<min(start + perRow, shown.count)]
            lines.append(row.map { DisplayWidth.pad($0, to: cell) }.joined().replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        }
        if candidates.count > shown.count {
            lines.append(Catalogue.translate("… and \(NumberFormat.grouped(candidates.count - shown.count)) more: type more letters to narrow them", language))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
