import Foundation
@testable import PatronDriver
import PatronAnalysis
import PatronRender
import PatronSyntax
import Testing

/// Batch runs and exports (issue 6), driven through the built binary as a nightly job would.
@Suite struct BatchTests {
    /// A fresh folder for files a test writes.
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("patron-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let tiny = ["-c", "load \"Tests/data/export-cells.csv\" as cells", "-c", "summarize count, sum(amount) by note where id <= 2"]

    @Test("--format prints each result in the chosen format, byte for byte", arguments: [
        ("csv", "note,count,sum(amount)\r\n\"comma, inside\",1,12.50\r\nplain,1,-5.00\n"),
        ("tsv", "note\tcount\tsum(amount)\r\ncomma, inside\t1\t12.50\r\nplain\t1\t-5.00\n"),
        ("json", #"[{"kind":"summary","columns":["note","count","sum(amount)"],"rows":[["comma, inside",1,12.50],["plain",1,-5.00]],"table":"cells","groups":2,"shown":2,"rows_in_scope":2,"cut_points":[]}"# + "\n]\n"),
        ("jsonl", #"{"note":"comma, inside","count":1,"sum(amount)":12.50}"# + "\n" + #"{"note":"plain","count":1,"sum(amount)":-5.00}"# + "\n"),
        ("markdown", "| note | count | sum(amount) |\n| --- | ---: | ---: |\n| comma, inside | 1 | 12.50 |\n| plain | 1 | -5.00 |\n\n"),
    ])
    func formats(_ format: String, _ expected: String) throws {
        let run = try TestSupport.patron(Self.tiny + ["--format", format, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == expected)
        // Same input, same bytes.
        #expect(try TestSupport.patron(Self.tiny + ["--format", format, "--quiet"]).stdout == run.stdout)
    }

    /// Every segmentation framework has a data form: Tests/golden/frameworks.patron run in each
    /// format gives the bytes beside it (PATRON_RECORD=1 writes them anew), and no result falls
    /// back to text.
    @Test("framework results in every format, byte for byte", arguments: ["json", "csv", "markdown"])
    func frameworks(_ format: String) throws {
        let golden = TestSupport.packageRoot.appendingPathComponent("Tests/golden/frameworks.\(format)")
        let run = try TestSupport.patron(["run", "--format", format, "--quiet", "Tests/golden/frameworks.patron"])
        #expect(run.status == 0)
        #expect(run.stderr == "", "text results went to standard error")
        if ProcessInfo.processInfo.environment["PATRON_RECORD"] == "1" {
            try run.stdout.write(to: golden, atomically: true, encoding: .utf8)
            print("PATRON_RECORD=1: rewrote Tests/golden/frameworks.\(format); review the diff")
        }
        #expect(run.stdout == (try String(contentsOf: golden, encoding: .utf8)))
        if format == "json" {
            let kinds = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]).map { $0["kind"] as? String }
            #expect(kinds == ["matrix", "pareto", "tiers", "lifecycle", "rfm", "rfm_segments", "customer", "levels", "profile", "segments", "check_segments", "transitions"])
        }
    }

    @Test func segmentsAsJSONCarryCountSharesAndCutPoints() throws {
        let run = try TestSupport.patron(["-c", "segment where profit=high and loyalty=low", "--format", "json"])
        #expect(run.status == 0)
        let document = try #require((try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])?.first)
        #expect(document["kind"] as? String == "segment")
        #expect(document["count"] as? Int == 241)
        #expect(document["total"] as? Int == 3000)
        let cuts = try #require(document["cut_points"] as? [[String: Any]])
        #expect(cuts.map { $0["column"] as? String } == ["profit", "loyalty"])
    }

    @Test func exportRoundTripsThroughPythonsCSVModule() throws {
        let folder = try scratch()
        let safe = folder.appendingPathComponent("safe.csv").path, raw = folder.appendingPathComponent("raw.csv").path
        let run = try TestSupport.patron(["-c", "load \"Tests/data/export-cells.csv\" as cells", "-c", "export cells to \"\(safe)\"",
                                          "-c", "export cells to \"\(raw)\" with raw"])
        #expect(run.status == 0, "\(run.stderr)")
        let script = """
            import csv, json, sys
            def read(p):
                with open(p, newline='', encoding='utf-8') as f:
                    return list(csv.reader(f, strict=True))
            print(json.dumps([read(sys.argv[1]), read(sys.argv[2]), read(sys.argv[3])]))
            """
        let python = try TestSupport.run("/usr/bin/env", ["python3", "-c", script, "Tests/data/export-cells.csv", safe, raw])
        #expect(python.status == 0, "\(python.stderr)")
        let tables = try #require(try JSONSerialization.jsonObject(with: Data(python.stdout.utf8)) as? [[[String]]])
        let (original, neutralised, exact) = (tables[0], tables[1], tables[2])
        // with raw: every cell as loaded (decimals at their scale).
        #expect(exact == original)
        // By default: text a spreadsheet would run gets a leading quote; numbers stay numbers.
        #expect(neutralised.map { $0[1] } == ["label", "'=SUM(A1:A9)", "'+1 555 0100", "'-not a number", "'@cmd", "'\ttab first"])
        #expect(neutralised.map { $0[2] } == ["amount", "-5.00", "12.50", "0.00", "7.25", "100.00"])
        #expect(neutralised.map { $0[3] } == original.map { $0[3] })
    }

    @Test func exportsCoverEveryFormatAndSegments() throws {
        let folder = try scratch()
        let run = try TestSupport.patron(["-c", "define segment vip as profit = high and loyalty = high",
                                          "-c", "export vip to \"\(folder.path)/vip.jsonl\"", "-c", "count by region",
                                          "-c", "export result to \"\(folder.path)/regions.md\"", "-c", "export result to \"\(folder.path)/regions.out\" as json"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try String(contentsOf: folder.appendingPathComponent("vip.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 603)
        #expect(try String(contentsOf: folder.appendingPathComponent("regions.md"), encoding: .utf8).hasPrefix("| region | count |\n| --- | ---: |\n| Central | 602 |"))
        #expect(try String(contentsOf: folder.appendingPathComponent("regions.out"), encoding: .utf8).hasPrefix(#"{"kind":"summary","columns":["region","count"]"#))
    }

    /// A campaign list: only the columns named, in their order, from a table or a segment's rows.
    @Test func exportWritesTheColumnsNamedInTheirOrder() throws {
        let folder = try scratch()
        let run = try TestSupport.patron(["-c", "define segment vip as profit = high and loyalty = high",
                                          "-c", "export loyalty, customer_id of vip to \"\(folder.path)/vip.csv\"",
                                          "-c", "export region, * of demo to \"\(folder.path)/all.csv\""])
        #expect(run.status != 0 && run.stderr.contains("'region' is asked for twice"), "\(run.stderr)")
        let lines = try String(contentsOf: folder.appendingPathComponent("vip.csv"), encoding: .utf8).split(separator: "\r\n")
        #expect(lines.count == 604 && lines[0] == "loyalty,customer_id" && lines.dropFirst().allSatisfy { $0.split(separator: ",").count == 2 })
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("all.csv").path))
    }

    @Test func failedWritesExit74AndLeaveNoFile() throws {
        let folder = try scratch()
        let missing = folder.appendingPathComponent("no-such-folder/out.csv").path
        let run = try TestSupport.patron(["-c", "export demo to \"\(missing)\""])
        #expect(run.status == 74)
        #expect(run.stderr.contains("cannot write the export: No such file or directory"))
        let full = try TestSupport.patron(["-c", "export demo to \"/dev/full\" as csv"])
        #expect(full.status == 74)
        #expect(full.stderr.contains("No space left on device"))
        // Nothing half-written next to the target either.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        // An existing file survives a failed export over it untouched.
        let keep = folder.appendingPathComponent("keep.csv")
        try "old\n".write(to: keep, atomically: false, encoding: .utf8)
        let bad = try TestSupport.patron(["-c", "export nothing to \"\(keep.path)\""])
        #expect(bad.status == 65)
        #expect(try String(contentsOf: keep, encoding: .utf8) == "old\n")
    }

    @Test func standardOutputToDevFullFails() throws {
        try #require(FileManager.default.isWritableFile(atPath: "/dev/full"), "this test writes to /dev/full, which this machine lacks")
        let run = try TestSupport.run("/bin/sh", ["-c", "\"\(TestSupport.binary.path)\" -c count --format csv > /dev/full"])
        #expect(run.status == 74)
        #expect(run.stderr.contains("cannot write to standard output"))
    }

    @Test func checkBindsWithoutRunningQueries() throws {
        let folder = try scratch()
        let good = folder.appendingPathComponent("good.patron"), bad = folder.appendingPathComponent("bad.patron")
        try "load \"Tests/data/export-cells.csv\" as cells\nsegment where amount = high\nexport cells to \"\(folder.path)/never.csv\"\n".write(to: good, atomically: true, encoding: .utf8)
        try "load \"Tests/data/export-cells.csv\" as cells\nsegment where amont = high\n".write(to: bad, atomically: true, encoding: .utf8)
        let ok = try TestSupport.patron(["run", "--check", good.path])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout == "")
        #expect(ok.stderr.contains("ok (3 statements checked)"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/never.csv"))
        let failed = try TestSupport.patron(["run", "--check", bad.path])
        #expect(failed.status == 65)
        #expect(failed.stderr.contains("bad.patron:2:15: error: unknown column 'amont' in table 'cells'"))
        #expect(failed.stderr.contains("help: did you mean 'amount'?"))
    }

    /// Issue 25, item 1: `--check` knows the columns every statement adds (clv's p_alive, rfm's
    /// scores, rule segments) without fitting, on every example script and every lesson.
    @Test("--check passes on every example", arguments: try FileManager.default.contentsOfDirectory(atPath: TestSupport.packageRoot.appendingPathComponent("examples").path).filter { $0.hasSuffix(".patron") }.sorted())
    func checkPassesOnEveryExample(_ file: String) throws {
        let run = try TestSupport.patron(["run", "--check", "examples/" + file])
        #expect(run.status == 0, "\(file): \(run.stderr)")
        #expect(run.stderr.contains("ok ("), "\(run.stderr)")
    }

    @Test func checkPassesOnEveryLessonInBothLanguages() throws {
        for lesson in Lessons.all {
            for language in [Language.en, .zh] {
                let session = Session()
                session.checkOnly = true
                session.language = language
                var errors: [String] = []
                let outcome = session.run(Source(name: "lesson \(lesson.name)", text: lesson.script(language))) { if case .diagnostic(let text) = $0 { errors.append(text) } }
                #expect(outcome.status == .ok, "lesson \(lesson.name) (\(language)): \(errors.joined(separator: "\n"))")
                #expect(session.checkedCount > 3)
            }
        }
    }

    /// Issue 25, item 2: a `--param` the script never reads is a usage error with did-you-mean.
    @Test func aParameterTheScriptNeverReadsIsAUsageError() throws {
        let folder = try scratch()
        let script = folder.appendingPathComponent("s.patron")
        try "let min_orders = 1\nsegment where frequency >= $min_orders\n".write(to: script, atomically: true, encoding: .utf8)
        let typo = try TestSupport.patron(["run", script.path, "--param", "min_order=5"])
        #expect(typo.status == 64)
        #expect(typo.stdout == "")
        #expect(typo.stderr.contains("--param min_order: the script never reads $min_order"), "\(typo.stderr)")
        #expect(typo.stderr.contains("help: did you mean 'min_orders'?"))
        let right = try TestSupport.patron(["run", script.path, "--param", "min_orders=5"])
        #expect(right.status == 0, "\(right.stderr)")
        // The same for -c and for a script read from standard input, and through an include.
        #expect(try TestSupport.patron(["-c", "count", "--param", "x=1"]).status == 64)
        #expect(try TestSupport.patron(["--param", "x=1"], stdin: "count\n").status == 64)
        let outer = folder.appendingPathComponent("outer.patron")
        try "include \"s.patron\"\n".write(to: outer, atomically: true, encoding: .utf8)
        #expect(try TestSupport.patron(["run", outer.path, "--param", "min_orders=2"]).status == 0)
        let zh = try TestSupport.patron(["run", script.path, "--param", "min_order=5"], environment: ["PATRON_LANG": "zh"])
        #expect(zh.stderr.contains("脚本从未读取 $min_order"), "\(zh.stderr)")
    }

    /// Issue 25, item 3: `--format json` is one document, the results in order (even when a
    /// statement fails), and a decimal cut point is exact at its scale, not 75.00999999999999.
    @Test func jsonIsOneDocumentWithExactDecimals() throws {
        let run = try TestSupport.patron(["-c", "load \"Tests/data/cut-noise.csv\" as q", "-c", "levels amount quantiles 2", "-c", "segment where amount = high", "-c", "count", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
        #expect(document?.map { $0["kind"] as? String } == ["load", "levels_set", "segment", "count"], "\(run.stdout)")
        #expect(run.stdout.contains("\"cuts\":[75.01]"), "\(run.stdout)")
        let failed = try TestSupport.patron(["-c", "count", "-c", "segment where nothing = 1", "--format", "json"])
        #expect(failed.status == 65)
        #expect((try? JSONSerialization.jsonObject(with: Data(failed.stdout.utf8))) as? [Any] != nil, "\(failed.stdout)")
        let none = try TestSupport.patron(["-c", "let x = 1", "--format", "json", "--quiet"])
        #expect(none.stdout == "[]\n", "\(none.stdout)")
        // JSON Lines stays one line per row.
        let lines = try TestSupport.patron(["-c", "count by region", "--format", "jsonl"])
        #expect(lines.stdout.split(separator: "\n").allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
    }

    /// Issue 25, item 5: `--help` and the README list every exit code patron ends with.
    @Test func helpAndReadmeListEveryExitCode() throws {
        let help = try TestSupport.patron(["--help"])
        let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for status in Outcome.Status.allCases {
            #expect(Outcome.exitCodes.contains { $0.code == status.rawValue }, "\(status)")
        }
        #expect(help.stdout.replacingOccurrences(of: "\n ", with: " ").replacingOccurrences(of: "  ", with: " ").contains("Exit codes: 0 ok, 64 usage"), "\(help.stdout)")
        for (code, meaning) in Outcome.exitCodes {
            #expect(help.stdout.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  ", with: " ").contains("\(code) \(meaning)"), "--help lacks \(code)")
        }
        #expect(readme.replacingOccurrences(of: "\n", with: " ").contains(Outcome.exitCodeLine))
    }

    /// Issue 25, item 11: a lesson leaves the session's levels, rules and language as it found them.
    @Test func aLessonLeavesTheSessionsSettingsAsItFoundThem() throws {
        let session = Session()
        var errors: [String] = []
        let outcome = session.run(Source(name: "s", text: "levels loyalty at 0.5\nlesson matrix\nlesson clv\n")) { if case .diagnostic(let text) = $0 { errors.append(text) } }
        #expect(outcome.status == .ok, "\(errors)")
        #expect(session.catalog.levels(of: "profit", in: "demo") == nil, "lesson matrix's 'levels profit quantiles 2' ended with it")
        #expect(session.catalog.levels(of: "loyalty", in: "demo")?.words == ["low", "high"])
        #expect(session.language == .en)
    }

    @Test func checkKnowsTheColumnsAFitAddsWithoutFitting() throws {
        let session = Session()
        session.checkOnly = true
        var errors: [String] = []
        let outcome = session.run(Source(name: "s", text: """
            load "examples/retention-orders.csv" as orders
            customers from orders by customer_id as of 2024-12-31
            clv with margin = 0.3
            segment where p_alive = low and clv = high
            """)) { if case .diagnostic(let text) = $0 { errors.append(text) } }
        #expect(outcome.status == .ok, "\(errors)")
        #expect(session.catalog.tables["customers"]?.columns.map(\.name).suffix(4) == ["p_alive", "expected_purchases", "expected_spend", "clv"])
    }

    @Test func includeResolvesBesideTheScriptAndReportsCycles() throws {
        let folder = try scratch()
        try "let cutoff = 1000\ninclude \"parts/count.patron\"\n".write(to: folder.appendingPathComponent("main.patron"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("parts"), withIntermediateDirectories: true)
        try "segment where profit > $cutoff\n".write(to: folder.appendingPathComponent("parts/count.patron"), atomically: true, encoding: .utf8)
        // The parameter wins over the script's let, inside the included script too.
        let run = try TestSupport.patron(["run", folder.appendingPathComponent("main.patron").path, "--param", "cutoff=5000", "--quiet", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let direct = try TestSupport.patron(["-c", "segment where profit > 5000", "--format", "json"])
        #expect(run.stdout.replacingOccurrences(of: "$cutoff", with: "5000") == direct.stdout)
        try "include \"b.patron\"\n".write(to: folder.appendingPathComponent("a.patron"), atomically: true, encoding: .utf8)
        try "include \"a.patron\"\n".write(to: folder.appendingPathComponent("b.patron"), atomically: true, encoding: .utf8)
        let cycle = try TestSupport.patron(["run", folder.appendingPathComponent("a.patron").path])
        #expect(cycle.status == 65)
        #expect(cycle.stderr.contains("b.patron:1:9: error: including '\(folder.path)/a.patron' would run it again inside itself"))
    }

    @Test func keepGoingRunsTheRestAndStillFails() throws {
        let run = try TestSupport.patron(["run", "-", "--keep-going", "--quiet"], stdin: "count\nsegmnt where profit = high\nlet n = 2\nsummarize count by channel where frequency > $n\n")
        #expect(run.status == 65)
        #expect(run.stderr.contains("<stdin>:2:1: error: unknown statement 'segmnt'"))
        #expect(run.stdout.hasPrefix("3,000 rows in 'demo'\n"))
        #expect(run.stdout.contains("5 groups"))
        #expect(!run.stdout.contains("$n = 2"))
        let stops = try TestSupport.patron(["run", "-"], stdin: "count\nsegmnt where profit = high\ncount\n")
        #expect(stops.status == 65)
        #expect(stops.stdout == "")
    }

    @Test func aSavedSessionReproducesItsResults() throws {
        let folder = try scratch()
        let saved = folder.appendingPathComponent("lesson.patron").path
        let statements = ["levels profit quantiles 4 as low, mid, upper, top", "segment where profit = top", "bogus", "summarize count by region where loyalty > 0.5"]
        let first = try TestSupport.patron(statements.flatMap { ["-c", $0] } + ["-c", "save session to \"\(saved)\"", "--keep-going"])
        #expect(first.status == 65)
        let script = try String(contentsOfFile: saved, encoding: .utf8)
        #expect(script.hasSuffix("levels profit quantiles 4 as low, mid, upper, top\nsegment where profit = top\nsummarize count by region where loyalty > 0.5\n"))
        let again = try TestSupport.patron(["run", saved])
        #expect(again.status == 0)
        #expect(again.stdout == first.stdout.replacingOccurrences(of: "saved 3 statements to '\(saved)'; run them with: patron run \(saved)\n", with: ""))
    }

    /// Issue 25, item 4: a saved session keeps its exports (replaying it writes the same file) and
    /// says in the file what it left out.
    @Test func aSavedSessionKeepsItsExportsAndSaysWhatItLeftOut() throws {
        let folder = try scratch()
        let saved = folder.appendingPathComponent("s.patron").path, csv = folder.appendingPathComponent("top.csv").path
        let first = try TestSupport.patron(["-c", "help levels", "-c", "segment where profit = high", "-c", "export result to \"\(csv)\"", "-c", "save session to \"\(saved)\""])
        #expect(first.status == 0, "\(first.stderr)")
        let written = try String(contentsOfFile: csv, encoding: .utf8)
        try FileManager.default.removeItem(atPath: csv)
        let script = try String(contentsOfFile: saved, encoding: .utf8)
        #expect(script.contains("export result to \"\(csv)\"\n"), "\(script)")
        #expect(script.contains("# left out, as they change no table, setting or file a replay needs: help levels"), "\(script)")
        #expect(try TestSupport.patron(["run", saved]).status == 0)
        #expect(try String(contentsOfFile: csv, encoding: .utf8) == written)
    }

    /// Issue 26, item 5: a file keeps its owner's choices. Writing over a 0600 file leaves it 0600
    /// (exports, reports, saved sessions); a new file honours the umask; a symbolic link is written
    /// through, not replaced; Markdown escapes HTML in data.
    @Test func filesKeepTheirOwnersChoices() throws {
        let folder = try scratch()
        func mode(_ path: String) throws -> Int { try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1 }
        for (statement, file) in [("export demo to", "private.csv"), ("report to", "private.html"), ("save session to", "private.patron")] {
            let path = folder.appendingPathComponent(file).path
            FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o600])
            let run = try TestSupport.patron(["-c", "count", "-c", "\(statement) \"\(path)\""])
            #expect(run.status == 0, "\(run.stderr)")
            let kept = try mode(path)
            #expect(kept == 0o600, "\(statement) left \(String(kept, radix: 8))")
            #expect(try String(contentsOfFile: path, encoding: .utf8) != "old")
        }
        let fresh = folder.appendingPathComponent("fresh.csv").path
        let umasked = try TestSupport.run("/bin/sh", ["-c", "umask 077 && \"\(TestSupport.binary.path)\" -c 'export demo to \"\(fresh)\"'"])
        #expect(umasked.status == 0, "\(umasked.stderr)")
        #expect(try mode(fresh) == 0o600)
        let target = folder.appendingPathComponent("target.csv").path, link = folder.appendingPathComponent("link.csv").path
        try "old".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target.csv")
        #expect(try TestSupport.patron(["-c", "export demo to \"\(link)\""]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "target.csv", "the link is still a link")
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("customer_id,"))
        let markdown = try TestSupport.patron(["-c", "load \"Tests/data/html-cells.csv\" as cells", "-c", "show cells", "--format", "markdown", "--quiet"])
        #expect(!markdown.stdout.contains("<script>") && markdown.stdout.contains("&lt;script&gt;"), "\(markdown.stdout)")
    }

    @Test func theTimerPrintsEachStatementsTime() throws {
        let run = try TestSupport.patron(["-c", "set timer on", "-c", "count", "-c", "set timer off", "-c", "count"])
        #expect(run.status == 0)
        #expect(run.stderr.split(separator: "\n").filter { $0.hasPrefix("time: ") && $0.hasSuffix(" s") }.count == 2)
    }
}
