import Foundation
@testable import PatronDriver
import PatronRender
import Testing

/// The HTML report (issue 18): written by `report` and `--format html`, the same on every run,
/// text escaped; and rendered in headless Chromium, English and Chinese, every chart kind.
struct ReportTests {
    @Test func formatHTMLPrintsOnePageOfTheRunsResults() throws {
        let first = try TestSupport.patron(["run", "examples/segmentation.patron", "--format", "html"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(first.stdout.hasSuffix("</html>\n"))
        // A section per result, each headed by its statement; the confirmations went to standard error.
        // Every result, and before them the named segments' definitions and sizes.
        let expected = TestSupport.results(try TestSupport.patron(["run", "examples/segmentation.patron", "--quiet", "--format", "json"]).stdout)
            .filter { $0["kind"] as? String != "text" }.count + 1
        #expect(first.stdout.components(separatedBy: "<section class=\"result\"").count - 1 == expected)
        #expect(first.stdout.contains("<code>matrix profit by loyalty</code>"))
        // Nothing fetched from anywhere, and the page says so to the browser.
        #expect(first.stdout.contains("Content-Security-Policy\" content=\"default-src 'none'"))
        #expect(!first.stdout.contains("http://") && !first.stdout.contains("https://") && !first.stdout.contains("<script"))
        let second = try TestSupport.patron(["run", "examples/segmentation.patron", "--format", "html"])
        #expect(second.stdout == first.stdout, "the same input gives the same page")
    }

    @Test func textIsEscaped() {
        let hostile = Presentation(kind: "rows", fields: [.init("name")], rows: [[.text("<script>alert('x')</script> & \"quotes\"")]],
                                   blocks: [.line("a <b>line</b>"), .table(bars: nil)])
        let html = HTMLReport.render(title: "<title>", language: .en, sections: [.init(statement: "show </code>", presentation: hostile)])
        #expect(!html.contains("<script>") && !html.contains("<b>line") && !html.contains("show </code>") && !html.contains("<title><title>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"))
    }

    @Test func reportFromAScriptRunsItInAFreshSession() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("retention.html").path
        let run = try TestSupport.patron(["--quiet", "-c", "tiers profit", "-c", "report to \"\(page)\" from \"examples/retention.patron\""])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("<title>Results of examples/retention.patron</title>"))
        #expect(html.contains("data-kind=\"cohorts\"") && html.contains("data-chart=\"comparison\""))
        #expect(!html.contains("data-kind=\"tiers\"") || html.contains("<code>tiers clv</code>"), "the session's own results are not in it")
    }

    /// Issue 25, item 17: a handout of a Chinese lesson, made in an English session, speaks the
    /// language each result was made in, and carries the lesson's narration between them.
    @Test func aChineseLessonsHandoutIsChineseWithItsNarration() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("class.html").path
        let run = try TestSupport.patron(["--quiet", "-c", "set language zh", "-c", "lesson matrix", "-c", "set language en", "-c", "report to \"\(page)\""])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("<html lang=\"zh-Hans\">"))
        #expect(html.contains("个结果，由 patron 生成") && !html.contains("made by patron"))
        #expect(!html.contains("areas are shares of rows") && !html.contains(" of rows"))
        let narration = try #require(Lessons.named("matrix")?.chinese.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("say") })
        let words = narration.split(separator: "\"")[1]
        #expect(html.contains("<p class=\"narration\">\(HTMLReport.escape(String(words)))</p>"), "\(words)")
    }

    /// Issue 25, item 18: a handout states the parameters its script ran with, and the named
    /// segments' definitions and sizes, before the results.
    @Test func aReportStatesItsParametersAndSegments() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("nightly.patron").path
        try "define segment keepers as loyalty >= $floor\ncount keepers\n".write(toFile: script, atomically: true, encoding: .utf8)
        let run = try TestSupport.patron(["run", script, "--param", "floor=0.5", "--format", "html"])
        #expect(run.status == 0, "\(run.stderr)")
        let html = run.stdout
        #expect(html.contains("<code>--param floor=0.5</code>") && html.contains("<td>$floor</td><td>0.5</td>"), "\(html.prefix(3000))")
        #expect(html.contains("<td>keepers</td><td>loyalty &gt;= $floor</td>"))
        let setup = try #require(html.range(of: "<code>show segments</code>")), result = try #require(html.range(of: "<code>count keepers</code>"))
        #expect(setup.lowerBound < result.lowerBound, "the setup comes before the results")
    }

    /// Headless Chromium renders the reports: see Tests/oracle/report_browser.py for what it checks.
    @Test(.needsOracles) func reportsRenderInARealBrowser() throws {
        let shots = FileManager.default.temporaryDirectory.appendingPathComponent("patron-shots-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: shots) }
        let run = try TestSupport.run("/usr/bin/env", ["python3", "Tests/oracle/report_browser.py", TestSupport.binary.path, shots.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("ok: en: 8 charts drawn"), "\(run.stdout)")
    }
}
