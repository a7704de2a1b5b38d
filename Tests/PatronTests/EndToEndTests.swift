import Foundation
import Testing

/// The built binary, driven as a user or a nightly job would: stdout, stderr, exit codes.
struct EndToEndTests {
    @Test func firstQueryWorksVerbatim() throws {
        let run = try TestSupport.patron(["-c", "segment where profit=high and loyalty=low"])
        #expect(run.status == 0)
        #expect(run.stderr == "")
        #expect(run.stdout.contains("│ profit=high and loyalty=low │"))
        #expect(run.stdout.contains("profit   low ≤"))
        #expect(run.stdout.contains("of 3,000 rows in 'demo'"))
    }

    @Test func repeatedDashCRunsInOrderInOneSession() throws {
        let run = try TestSupport.patron(["-c", "load \"Tests/data/tiny.csv\" as t", "-c", "count t", "-c", "use demo; count"])
        #expect(run.status == 0)
        #expect(run.stdout.hasSuffix("9 rows in 't'\nusing 'demo': 3,000 rows\n3,000 rows in 'demo'\n"))
    }

    @Test func misspeltStatementInAScriptIsPositionedWithAHintAndExits65() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("patron-e2e-\(UUID().uuidString).patron")
        try "# nightly\ncount\n  segmnt where profit=high\ncount\n".write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let run = try TestSupport.patron(["run", script.path])
        #expect(run.status == 65)
        #expect(run.stdout == "", "nothing runs when the script does not parse")
        #expect(run.stderr == """
            \(script.path):3:3: error: unknown statement 'segmnt'
            3 |   segmnt where profit=high
              |   ^^^^^^
            help: did you mean 'segment'?
            help: type 'help' for the list of statements

            """)
    }

    @Test func aScriptStopsAtItsFirstFailingStatement() throws {
        let run = try TestSupport.patron(["-c", "count\nshow top 1 by proffit\ncount"])
        #expect(run.status == 65)
        #expect(run.stdout == "3,000 rows in 'demo'\n")
        #expect(run.stderr.contains("<command>:2:15: error: unknown column 'proffit' in table 'demo'"))
    }

    @Test func exitCodes() throws {
        #expect(try TestSupport.patron(["run", "examples/no-such-script.patron"]).status == 66)
        #expect(try TestSupport.patron(["-c", "load \"Tests/data/missing.csv\""]).status == 66)
        #expect(try TestSupport.patron(["--no-such-flag"]).status == 64)
        #expect(try TestSupport.patron(["run"]).status == 64)
        #expect(try TestSupport.patron(["-c", "segment where"]).status == 65)
        #expect(try TestSupport.patron(["-c", "help"]).status == 0)
    }

    @Test func pipedInputRunsAsAScriptWithoutPromptOrEscapes() throws {
        let run = try TestSupport.patron([], stdin: "count\nsegment where region = \"North\"\n")
        #expect(run.status == 0)
        #expect(!run.stdout.contains("patron>"))
        #expect(!run.stdout.contains("\u{1B}"))
        #expect(run.stdout.hasPrefix("3,000 rows in 'demo'\n"))
        let failing = try TestSupport.patron([], stdin: "count\nfrobnicate\n")
        #expect(failing.status == 65)
        #expect(failing.stderr.hasPrefix("<stdin>:2:1: error: unknown statement 'frobnicate'"))
    }

    /// Issue 26, item 4: escape sequences in data values, a lesson's words or a file's lines are
    /// drawn as text (\x1B…), never sent to the terminal; CSV and JSON keep the bytes.
    @Test func controlCharactersAreShownNotObeyed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-escapes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let lesson = folder.appendingPathComponent("class.patron")
        try "say \"before \u{1B}]0;title\u{07} after\"\nload \"Tests/data/escapes.csv\" as e\nshow e\nsegment where name = \"\u{1B}[2J\"\n".write(to: lesson, atomically: true, encoding: .utf8)
        let run = try TestSupport.patron(["-c", "lesson \"\(lesson.path)\""])
        #expect(!run.stdout.unicodeScalars.contains("\u{1B}") && !run.stdout.unicodeScalars.contains("\u{07}"), "\(run.stdout)")
        #expect(!run.stderr.unicodeScalars.contains("\u{1B}"), "\(run.stderr)")
        #expect(run.stdout.contains("a\\x1B]52;c;aGk=\\x07b") && run.stdout.contains("before \\x1B]0;title\\x07 after"), "\(run.stdout)")
        let csv = try TestSupport.patron(["-c", "load \"Tests/data/escapes.csv\" as e", "-c", "show e", "--format", "csv", "--quiet"])
        #expect(csv.stdout.contains("a\u{1B}]52;c;aGk=\u{07}b"), "the data keeps its bytes")
    }

    @Test func outputIsDeterministic() throws {
        let statements = "show top 5 by profit; segment where profit=high and loyalty=low; show"
        let first = try TestSupport.patron(["-c", statements])
        let second = try TestSupport.patron(["-c", statements])
        #expect(first.stdout == second.stdout)
        #expect(!first.stdout.isEmpty)
    }

    /// Every `examples/NAME.patron` prints exactly `examples/NAME.out`.
    @Test("example", arguments: EndToEndTests.examples)
    func example(_ name: String) throws {
        let expected = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("examples/\(name).out"), encoding: .utf8)
        let run = try TestSupport.patron(["run", "examples/\(name).patron"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == expected)
    }

    static var examples: [String] {
        let folder = TestSupport.packageRoot.appendingPathComponent("examples").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".patron") }.map { String($0.dropLast(".patron".count)) }.sorted()
    }
}

/// Parameters from the command line override a script's `let` defaults.
struct ParameterTests {
    @Test func paramOverridesLet() throws {
        let defaults = try TestSupport.patron(["run", "examples/nightly.patron"])
        let overridden = try TestSupport.patron(["run", "examples/nightly.patron", "--param", "min_profit=1000"])
        #expect(defaults.status == 0 && overridden.status == 0)
        #expect(defaults.stdout.hasPrefix("$min_profit = 500\n"))
        #expect(overridden.stdout.hasPrefix("$min_profit = 1000 (from --param; the script's value is not used)\n"))
        #expect(defaults.stdout != overridden.stdout)
    }

    /// `--param` values are read as patron reads literals: a date, text, a negative number. The
    /// segment with parameters counts exactly what it counts with the literals written in.
    @Test func paramsAreTyped() throws {
        let withParams = try TestSupport.patron(["--param", "cutoff=2024-06-30", "--param", "region=North", "--param", "limit=-2.5", "--format", "json",
                                                 "-c", "segment where since > $cutoff and region = $region and profit > $limit"])
        let withLiterals = try TestSupport.patron(["--format", "json", "-c", "segment where since > 2024-06-30 and region = \"North\" and profit > -2.5"])
        #expect(withParams.status == 0, "\(withParams.stderr)")
        func count(_ run: TestSupport.Run) throws -> Int? {
            TestSupport.results(run.stdout).first?["count"] as? Int
        }
        let counted = try #require(try count(withLiterals))
        #expect(counted > 0 && counted < 3000)
        #expect(try count(withParams) == counted)
        // A value that is not a number stays text, and a numeric column does not take text.
        let asText = try TestSupport.patron(["--param", "limit=-2.5x", "-c", "segment where profit > $limit"])
        #expect(asText.status == 65)
    }

    @Test func badParamIsAUsageError() throws {
        #expect(try TestSupport.patron(["--param", "novalue", "-c", "count"]).status == 64)
        #expect(try TestSupport.patron(["run", "examples/nightly.patron", "--param", "9x=1"]).status == 64)
    }
}
