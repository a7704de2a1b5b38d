import Foundation
import PatronDriver
import PatronRender
import PatronSyntax
import Testing

/// Every result is drawn from one data form: each number the box text prints is in the JSON
/// document of the same result, for every kind of result, in English and in Chinese.
@Suite struct PresentationTests {
    /// One statement of each kind, run in order in one session.
    static let statements = [
        "load \"Tests/data/orders-small.csv\" as orders", "describe orders", "summarize orders", "show orders top 3 by amount", "count",
        "count by channel", "summarize count, sum(amount), avg(amount), share(amount) by channel", "crosstab channel by customer_id",
        "customers from orders by customer_id with profit = amount - cost", "segment where profit = high and recency <= 30",
        "define segment keepers as frequency >= 2", "count keepers", "show segments", "levels profit quantiles 4", "show levels",
        "explain profit", "explain keepers", "matrix profit by loyalty", "pareto profit", "tiers profit", "lifecycle", "rfm bins 3",
        "rfm segments rfm", "explain customer 7", "check segments", "transitions from 2024-03-01 to 2024-06-30 by lifecycle",
        "transitions from 2024-03-01 to 2024-12-31 by matrix", "clv", "clv until 2024-06-30", "cohorts by quarter", "cohorts of revenue", "let cutoff = 2024-06-30", "use orders", "drop segment keepers",
    ]

    /// Each statement's output in the box text and in JSON.
    static func outputs(language: String) -> [(statement: String, text: String, json: String)] {
        _ = FileManager.default.changeCurrentDirectoryPath(TestSupport.packageRoot.path)
        let text = Session(), json = Session()
        json.format = .json
        var out: [(String, String, String)] = []
        for statement in ["set language \(language)"] + statements {
            func run(_ session: Session) -> String {
                var printed: [String] = []
                let outcome = session.run(Source(name: "<test>", text: statement)) { if case .result(let s) = $0 { printed.append(s) } }
                #expect(outcome.status == .ok, "\(statement)")
                return printed.joined(separator: "\n")
            }
            out.append((statement, run(text), run(json)))
        }
        return out
    }

    /// The numbers in a text: digits with thousands separators, decimals, and percent signs.
    static func numbers(in text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"\d[\d,]*(?:\.\d+)?%?"#)
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range, in: text)!]) }
            .map { $0.hasSuffix(",") ? String($0.dropLast()) : $0 }
    }

    /// Every value of a JSON document: its numbers, and the numbers written inside its strings.
    static func values(_ json: Any, numbers: inout [Double], words: inout Set<String>) {
        if let s = json as? String {
            for token in Self.numbers(in: s) { words.insert(token.replacingOccurrences(of: ",", with: "")) }
        } else if let a = json as? [Any] {
            for item in a { values(item, numbers: &numbers, words: &words) }
        } else if let o = json as? [String: Any] {
            for (key, value) in o {
                for token in Self.numbers(in: key) { words.insert(token) }
                values(value, numbers: &numbers, words: &words)
            }
        } else if let n = json as? NSNumber {
            numbers.append(n.doubleValue)
        }
    }

    /// Every kind of result the statements above give: all of them.
    static let kinds: Set<String> = ["text", "load", "schema", "profile", "rows", "count", "summary", "crosstab", "customers", "segment",
                                     "segments", "levels_set", "levels", "metric", "explain_segment", "matrix", "pareto", "tiers", "lifecycle",
                                     "rfm", "rfm_segments", "customer", "check_segments", "transitions", "clv", "cohorts"]

    @Test("each number in the text is in the data form", arguments: ["en", "zh"])
    func textFiguresAreData(_ language: String) throws {
        var kinds = Set<String>()
        for (statement, text, json) in Self.outputs(language: language) {
            var numbers: [Double] = [], words = Set<String>()
            for line in json.split(separator: "\n") {
                let document = try JSONSerialization.jsonObject(with: Data(line.utf8))
                Self.values(document, numbers: &numbers, words: &words)
                if let kind = (document as? [String: Any])?["kind"] as? String { kinds.insert(kind) }
            }
            #expect(!json.contains("┌"), "\(statement): box drawing in JSON")
            for token in Self.numbers(in: text) {
                let plain = token.replacingOccurrences(of: ",", with: "")
                // A figure written inside a value or a column name (`line 2`, `p25` for 25%) counts as data.
                if words.contains(plain) || (plain.hasSuffix("%") && words.contains(String(plain.dropLast()))) { continue }
                let isPercent = plain.hasSuffix("%")
                let value = try #require(Double(isPercent ? String(plain.dropLast()) : plain))
                let found = numbers.contains { n in
                    // The pattern reads no sign: a printed −9.98 is the datum -9.98.
                    isPercent ? abs(n * 100 - value) <= 0.05 + 1e-9 : abs(abs(n) - value) <= 0.005 + 1e-9 * abs(value)
                }
                #expect(found, "\(statement) [\(language)]: '\(token)' is printed but not in the data form:\n\(text)\n\(json)")
            }
        }
        #expect(kinds == Self.kinds)
    }
}
