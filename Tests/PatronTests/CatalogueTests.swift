import Foundation
import PatronDriver
import PatronRender
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

    @Test func everyHelpTopicIsInChinese() {
        let missing = Help.topics.flatMap { topic in
            [topic.summary, topic.details].filter { !$0.isEmpty && !Catalogue.knows($0) }.map { "\(topic.name): \($0.prefix(60))" }
        }
        #expect(missing.isEmpty, "\(missing.count) help texts without Chinese:\n\(missing.joined(separator: "\n"))")
    }
}
