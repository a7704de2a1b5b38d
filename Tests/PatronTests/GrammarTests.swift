import Foundation
import PatronSyntax
import Testing

/// `grammar/patron.ebnf` is the spec: every rule has its parser function, and every statement a script test.
struct GrammarTests {
    static let grammar = (try? String(contentsOf: TestSupport.packageRoot.appendingPathComponent("grammar/patron.ebnf"), encoding: .utf8)) ?? ""
    static let parser = (try? String(contentsOf: TestSupport.packageRoot.appendingPathComponent("Sources/PatronSyntax/Parser.swift"), encoding: .utf8)) ?? ""

    /// The syntactic rules: lowercase names defined before the lexical grammar.
    static var syntacticRules: [(name: String, production: String)] {
        let syntactic = grammar.components(separatedBy: "Lexical grammar").first ?? ""
        var rules: [(String, String)] = []
        var current: (String, String)? = nil
        for line in syntactic.split(separator: "\n") {
            let text = String(line)
            if let eq = text.range(of: " = "), let first = text.first, first.isLowercase, !text.hasPrefix("(*") {
                if let c = current { rules.append(c) }
                current = (text[..<eq.lowerBound].trimmingCharacters(in: .whitespaces), String(text[eq.upperBound...]))
            } else if current != nil, text.hasPrefix(" ") {
                current!.1 += " " + text.trimmingCharacters(in: .whitespaces)
            }
        }
        if let c = current { rules.append(c) }
        return rules
    }

    @Test func grammarDefinesRules() {
        #expect(Self.syntacticRules.count >= 15)
    }

    /// Rules that are spelled inline in the parser rather than as their own function.
    static let inlineRules: Set<String> = ["useStatement", "describeStatement", "summarizeStatement", "countStatement", "helpStatement", "quitStatement", "comparisonOperator", "name", "expression", "dropStatement", "explainStatement", "paretoStatement", "tiersStatement", "checkStatement", "lifecycleStatement", "setStatement", "transitionsStatement", "includeStatement", "saveStatement"]

    @Test func everyRuleHasItsParserFunctionWithTheRuleAsItsDocComment() {
        for (name, _) in Self.syntacticRules where !Self.inlineRules.contains(name) {
            let function = "func parse" + name.prefix(1).uppercased() + name.dropFirst() + "("
            #expect(Self.parser.contains(function), "no parser function for rule '\(name)'")
            #expect(Self.parser.contains("/// \(name) →"), "the doc comment of \(function) does not state the rule")
        }
        for name in Self.inlineRules where name.hasSuffix("Statement") {
            let verb = name.replacingOccurrences(of: "Statement", with: "")
            #expect(Self.parser.contains("case \"\(verb)\""), "statement '\(verb)' is not handled in parseStatement")
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
