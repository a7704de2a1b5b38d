import Foundation
@testable import PatronDriver
@testable import PatronRender
import PatronSyntax
import Testing

/// Chinese throughout (issue 18): the one message catalogue has both languages for every entry,
/// and every error the script tests provoke, every help topic and every column report reads in
/// Chinese after `set language zh`.
struct CatalogueTests {
    static func hasChinese(_ text: String) -> Bool { text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }

    static func placeholders(_ text: String) -> Int {
        var count = 0, rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            if after[..<close].isEmpty || Int(after[..<close]) != nil { count += 1 }
            rest = after[after.index(after: close)...]
        }
        return count
    }

    @Test func everyEntryHasBothLanguages() {
        var english = Set<String>()
        for entry in Catalogue.entries {
            #expect(!entry.english.isEmpty && !entry.chinese.isEmpty)
            #expect(english.insert(entry.english).inserted, "'\(entry.english)' is in the catalogue twice")
            // The language switch confirms itself in the language it switches to.
            if entry.english.hasPrefix("language: English") { continue }
            #expect(Self.hasChinese(entry.chinese), "'\(entry.english)' has no Chinese: '\(entry.chinese)'")
            #expect(Self.placeholders(entry.chinese) == entry.english.components(separatedBy: "{}").count - 1,
                    "'\(entry.english)' and '\(entry.chinese)' take different values")
        }
    }

    @Test func valuesGoBackInTheirPlaces() {
        #expect(Catalogue.translate("unknown column 'profti' in table 'demo'", .zh) == "表 'demo' 中没有列 'profti'")
        #expect(Catalogue.translate("unknown column 'profti'", .zh) == "未知的列 'profti'")
        #expect(Catalogue.translate("expected a statement, found the end of the line", .zh) == "此处应为一条语句，却遇到行尾")
        #expect(Catalogue.translate("something patron never says", .zh) == "something patron never says")
        #expect(Catalogue.translate("unknown column 'x'", .en) == "unknown column 'x'")
    }

    /// Every `error` block of the script tests, run in Chinese: each message is in Chinese, and each
    /// hint too, unless it is a statement to type (code reads the same in both languages).
    @Test func everyErrorTheScriptsProvokeIsInChinese() throws {
        _ = FileManager.default.changeCurrentDirectoryPath(TestSupport.packageRoot.path)
        var untranslated: [String] = []
        for file in ScriptTests.files {
            let text = try String(contentsOf: ScriptTests.folder.appendingPathComponent(file), encoding: .utf8)
            let session = Session()
            session.language = .zh
            for block in ScriptTestFile.parse(text) {
                var errors: [String] = []
                _ = session.run(Source(name: file, text: block.statements, firstLine: block.line)) { output in
                    if case .diagnostic(let s) = output { errors.append(s) }
                }
                session.language = .zh
                for line in errors.joined(separator: "\n").split(separator: "\n").map(String.init) {
                    if let range = line.range(of: "错误：") ?? line.range(of: "警告：") {
                        let message = String(line[range.upperBound...])
                        if !Self.hasChinese(message) { untranslated.append("\(file):\(block.line): \(message)") }
                    } else if line.hasPrefix("提示：") {
                        let hint = String(line.dropFirst(3))
                        // A statement, or a condition, to type as it is.
                        let isCode = Parser.parse(Source(name: "", text: hint)).diagnostics.isEmpty
                            || Parser.parse(Source(name: "", text: "segment where " + hint)).diagnostics.isEmpty
                        if !Self.hasChinese(hint) && !isCode { untranslated.append("\(file):\(block.line): hint: \(hint)") }
                    } else if line.contains(": error:") || line.hasPrefix("help:") {
                        untranslated.append("\(file):\(block.line): not rendered in Chinese: \(line)")
                    }
                }
            }
        }
        #expect(untranslated.isEmpty, "\(untranslated.count) untranslated:\n\(untranslated.joined(separator: "\n"))")
    }

    /// Issue 25, item 15: one Chinese term per concept. No source file uses a variant the glossary
    /// names to avoid, and the glossary's terms are the ones the words tables use.
    @Test func oneChineseTermPerConcept() throws {
        let folder = TestSupport.packageRoot.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") && !$0.hasSuffix("Catalogue+Glossary.swift") } ?? []
        #expect(files.count > 50)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for term in Glossary.terms {
                for variant in term.avoid { #expect(!text.contains(variant), "\(file) says '\(variant)' for \(term.english); the glossary says \(term.chinese)") }
            }
        }
        #expect(Vocabulary.method(.quantiles(3), .zh) == Glossary.chinese("terciles"))
        #expect(Vocabulary.share(of: "monetary", .zh) == "消费额占比")
        #expect(Vocabulary.share(of: "aov", .zh) == "aov 占比")
        for stage in ["warm", "cold"] {
            let word = try #require(Glossary.chinese(stage))
            #expect(Help.text(for: "lifecycle", .zh)?.contains(word) == true, "help lifecycle lacks \(word)")
            #expect(Lessons.named("lifecycle")?.chinese.contains(word) == true, "lesson lifecycle lacks \(word)")
        }
    }

    /// Issue 25, item 16: Chinese typesetting: a space between Chinese and Latin letters or numbers,
    /// none between Chinese characters, full-width punctuation after Chinese, names left alone.
    @Test func chineseIsTypesetAsTheGuidelinesSay() {
        #expect(Typography.spaced("蝴蝶:676（22.5%），32.8%的利润") == "蝴蝶：676（22.5%），32.8% 的利润")
        #expect(Typography.spaced("不能把 整数 与 text 比较") == "不能把整数与 text 比较")
        #expect(Typography.spaced("共3,000行") == "共 3,000 行")
        #expect(Typography.spaced("建议:") == "建议：")
        #expect(Typography.spaced("未知的列 'a中b'") == "未知的列 'a中b'", "a name stays as typed")
        #expect(Typography.spaced("  知己          持续沟通") == "  知己          持续沟通", "columns stay lined up")
        #expect(Catalogue.translate("cannot compare a whole number with a text", .zh) == "不能把整数与 text 比较")
    }

    /// `help` and every `help TOPIC` in Chinese: the summary and the details (usage and example are code).
    @Test func everyHelpTopicIsInChinese() throws {
        let overview = Help.overview(.zh)
        #expect(overview.hasPrefix("语句：") && overview.contains("输入 'help 主题' 了解更多"))
        for topic in Help.topics {
            let text = try #require(Help.text(for: topic.name, .zh))
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(Self.hasChinese(String(lines[1])), "help \(topic.name): the summary is not in Chinese")
            #expect(Self.hasChinese(text.components(separatedBy: "\n\n")[1]), "help \(topic.name): the details are not in Chinese")
            #expect(overview.contains(Help.summary(topic, .zh)) || Help.functions.contains { $0.name == topic.name } || Help.concepts.contains { $0.name == topic.name } || topic.name == "expressions")
        }
    }

    /// Every message and hint the sources write (a string literal after Diagnostic(, hints:, message:
    /// and the like), its simple values put in as "x", is in the catalogue: so a new message
    /// without its Chinese fails here, not in front of a class.
    @Test func everyMessageInTheSourcesIsInTheCatalogue() throws {
        let skipped = ["HTMLReport", "Lessons.swift", "Help", "Vocabulary", "Catalogue", "ModelTexts", "SQLCompiler", "PlanSQL", "PatronPlan/", "PlanRunner", "MemoryRunner", "Engine+Columns", "Dialect", "PatronBench",
                       "Presentation.swift", "Column.swift", "Table.swift", "Parallel.swift", "Engine+Execute"]
        let literal = try NSRegularExpression(pattern: #"(?:Diagnostic\(|hints?: \[|hints\.append\(|message: |reason: |Failure\(|throw .*?\(|warnings\.append\()\s*"((?:[^"\\]|\\.)*)""#)
        let value = try NSRegularExpression(pattern: #"\\\((?:[^()"]|\([^()"]*\))*\)"#)
        let sources = TestSupport.packageRoot.appendingPathComponent("Sources")
        var missing: [String] = []
        for case let file as String in FileManager.default.enumerator(atPath: sources.path) ?? NSEnumerator() where file.hasSuffix(".swift") {
            guard !skipped.contains(where: { file.contains($0) }) else { continue }
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let line = String(line)
                for match in literal.matches(in: line, range: NSRange(line.startIndex..., in: line)) {
                    guard let range = Range(match.range(at: 1), in: line) else { continue }
                    let raw = String(line[range])
                    var message = value.stringByReplacingMatches(in: raw, range: NSRange(raw.startIndex..., in: raw), withTemplate: "x")
                    guard !message.contains("\\(") else { continue }
                    message = message.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
                    guard message.count >= 8, message.contains(" "), !Catalogue.knows(message) else { continue }
                    // A statement, condition or clause to type reads the same in both languages; a
                    // message's start that more text follows is checked as the whole it becomes.
                    if message.hasSuffix(" ") { continue }
                    let contexts = ["", "segment where ", "load \"f.csv\" with ", "summarize count by region ", "customers from o by c "]
                    if contexts.contains(where: { Parser.parse(Source(name: "", text: $0 + message)).diagnostics.isEmpty }) { continue }
                    missing.append("\(file): \(message)")
                }
            }
        }
        #expect(missing.isEmpty, "\(missing.count) messages without Chinese:\n\(missing.joined(separator: "\n"))")
    }
}
