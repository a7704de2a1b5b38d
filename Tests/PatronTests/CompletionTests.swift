import Foundation
import PatronDriver
import Testing

/// What Tab offers for the text before the cursor (the prompt tests type it through a terminal).
struct CompletionTests {
    let session = Session()

    func complete(_ text: String) -> Completion? { session.complete(text) }

    @Test func statementWordsAtTheStartOfALine() {
        #expect(complete("des") == Completion(erase: 3, insert: "describe ", candidates: []))
        #expect(complete("s")?.candidates == ["save", "say", "segment", "set", "show", "sql", "summarize"])
        #expect(complete("count\nseg")?.insert == "segment ", "a new line starts a new statement")
    }

    @Test func namesAfterTheWordsThatTakeThem() {
        #expect(complete("use d")?.candidates == ["demo", "demo_orders"], "the demo table and its order log")
        #expect(complete("use demo_")?.insert == "demo_orders ")
        #expect(complete("segment where loy")?.insert == "loyalty ")
        #expect(complete("show top 5 by pro")?.insert == "profit ")
        #expect(complete("matrix profit by l")?.insert == "loyalty ")
        #expect(complete("help days")?.insert == "days_between ")
        #expect(complete("segment where ab")?.insert == "abs(", "a function opens its bracket")
        #expect(complete("set language ")?.candidates == ["en", "zh"])
    }

    @Test func levelWordsAndTextValuesAfterAComparison() {
        // The level words in the session's language (低 中 高 work in either; issue 25, item 19).
        #expect(complete("segment where profit = ")?.candidates == ["high", "low", "medium"])
        let chinese = Session()
        chinese.language = .zh
        #expect(chinese.complete("segment where profit = ")?.candidates == ["中", "低", "高"])
        #expect(complete("segment where profit >= m")?.insert == "medium ")
        #expect(complete("segment where region = ")?.candidates.contains("\"North\"") == true)
    }

    @Test func filePathsInsideLoad() {
        _ = FileManager.default.changeCurrentDirectoryPath(TestSupport.packageRoot.path)
        #expect(complete("load \"Tests/da")?.insert == "data/")
        #expect(complete("load \"Tests/data/ti")?.candidates == ["ties.csv", "tiny.csv"])
        #expect(complete("load \"Tests/data/tin")?.insert == "tiny.csv\" ")
        #expect(complete("segment where name = \"Tes") == nil, "a string that is not a path")
    }

    @Test func nothingFitsNothingChanges() {
        #expect(complete("segment where zzz") == nil)
    }

    @Test func candidatesAreLaidOutInColumns() {
        #expect(session.columns(["high", "low", "medium"], width: 80) == "high    low     medium\n")
        #expect(session.columns(["high", "low", "medium"], width: 16) == "high    low\nmedium\n")
    }

    /// A table of 3,000 columns once listed all 1,111 names starting with c1 under the line; the
    /// list stops at 100 and counts the rest, in the session's language.
    @Test func aLongListOfCandidatesIsCut() {
        let session = Session()  // its own: the language changes
        let names = (1...1_111).map { "c\($0)" }
        let listed = session.columns(names, width: 80)
        #expect(listed.split(whereSeparator: { $0 == " " || $0 == "\n" }).filter { $0.hasPrefix("c") }.count == 100)
        #expect(listed.hasSuffix("… and 1,011 more: type more letters to narrow them\n"))
        session.language = .zh
        #expect(session.columns(names, width: 80).hasSuffix("……还有 1,011 个：多输入几个字母可以缩小范围\n"))
    }
}
