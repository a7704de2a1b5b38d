import Foundation
import PatronSyntax
import Testing

/// `grammar/patron.ebnf` is the spec: every rule has its parser function, and every statement a script test.
struct GrammarTests {
    static let grammar = (try? String(contentsOf: TestSupport.packageRoot.appendingPathComponent("grammar/patron.ebnf"), encoding: .utf8)) ?? ""
    static let parser = (try? String(contentsOf: TestSupport.packageRoot.appendingPathComponent("Sources/PatronSyntax/Parser.swift"), encoding: .utf8)) ?? ""

    /// The syntactic rules, lowercase names defined before the lexical grammar, each with its
    /// whole production: comments left out, whitespace collapsed, without the closing ';'.
    static var syntacticRules: [(name: String, production: String)] {
        var syntactic = grammar.components(separatedBy: "Lexical grammar").first ?? ""
        // Comments may span lines; they go, their line ends stay.
        while let open = syntactic.range(of: "(*"), let close = syntactic.range(of: "*)", range: open.upperBound..<syntactic.endIndex) {
            syntactic.replaceSubrange(open.lowerBound..<close.upperBound, with: String(syntactic[open.lowerBound..<close.upperBound].filter { $0 == "\n" }))
        }
        var rules: [(String, String)] = []
        var current: (String, String)? = nil
        for line in syntactic.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = String(line)
            if let eq = text.range(of: " = "), let first = text.first, first.isLowercase {
                current = (text[..<eq.lowerBound].trimmingCharacters(in: .whitespaces), String(text[eq.upperBound...]))
            } else if current != nil, text.hasPrefix(" ") {
                current!.1 += " " + text
            }
            if let c = current, c.1.trimmingCharacters(in: .whitespaces).hasSuffix(";") {
                rules.append((c.0, collapsed(String(c.1.trimmingCharacters(in: .whitespaces).dropLast()))))
                current = nil
            }
        }
        return rules
    }

    /// Text with each run of whitespace as one space, trimmed.
    static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The production a parser function's doc comment states: `/// rule → …` and the `///`
    /// lines that continue it.
    static func documented(_ rule: String) -> String? {
        let lines = parser.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let start = lines.firstIndex(where: { $0.hasPrefix("/// \(rule) →") }) else { return nil }
        var text = String(lines[start].dropFirst("/// \(rule) →".count))
        for line in lines[(start + 1)...] {
            guard line.hasPrefix("///"), line != "///" else { break }
            text += " " + line.dropFirst(3)
        }
        return collapsed(text)
    }

    @Test func grammarDefinesRules() {
        #expect(Self.syntacticRules.count >= 40)
    }

    @Test func everyRuleSitsWholeOnTheParserFunctionThatImplementsIt() {
        for (name, production) in Self.syntacticRules {
            let function = "func parse" + name.prefix(1).uppercased() + name.dropFirst() + "("
            #expect(Self.parser.contains(function), "no parser function for rule '\(name)'")
            #expect(Self.documented(name) == production, "the doc comment of \(function) is not the rule:\n  grammar: \(production)\n  parser:  \(Self.documented(name) ?? "none")")
        }
        for verb in Parser.statementWords where verb != "exit" {
            let rule = verb + "Statement"
            #expect(Self.parser.contains("case \"\(verb)\"") && Self.syntacticRules.contains { $0.name == rule }, "statement '\(verb)' has no rule of its own")
        }
    }

    @Test func everyStatementHasAScriptTest() throws {
        let folder = TestSupport.packageRoot.appendingPathComponent("Tests/scripts")
        let scripts = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".test") }
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8).lowercased() }.joined(separator: "\n")
        for word in Parser.statementWords {
            #expect(scripts.contains("\n\(word)") || scripts.contains("; \(word)"), "no script test uses '\(word)'")
            #expect(Self.grammar.contains("\"\(word)\""), "the grammar does not mention the statement '\(word)'")
        }
    }
}
