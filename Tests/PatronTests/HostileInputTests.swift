import Foundation
import PatronPostgres
import PatronSyntax
import Testing

/// The hostile inputs issue 19 found, each kept as a regression test: what once took minutes,
/// gigabytes or a crash now answers at once, in bounded memory and output.
struct HostileInputTests {
    func scratch(_ name: String, _ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("patron-hostile-\(UUID().uuidString)-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// 10,000 distinct pairs once built a 10,000 × 10,000 grid (6 GB, 980 MB printed): the grid
    /// keeps the most frequent values, folds the rest into "(other …)" and says so.
    @Test func aCrosstabOfDistinctValuesStaysSmall() throws {
        let path = try scratch("pairs.csv", "a,b\n" + (0..<10_000).map { "a\($0),b\($0)\n" }.joined())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try TestSupport.patron(["--quiet", "-c", "load \"\(path)\" as t", "-c", "crosstab a by b", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let result = try #require(TestSupport.results(run.stdout).last)
        let rows = try #require(result["rows"] as? [[Any]])
        #expect(rows.count == 52, "50 values, the others, the total")
        #expect((result["columns"] as? [String])?.count == 23, "the row label, 20 values, the others, the total")
        #expect(result["other_row_values"] as? Int == 9_950 && result["other_column_values"] as? Int == 9_980)
        // Every row still counts: the total is the table's.
        #expect(rows.last?.last as? Int == 10_000)
        #expect(run.stdout.utf8.count < 200_000)
        let text = try TestSupport.patron(["--quiet", "-c", "load \"\(path)\" as t", "-c", "crosstab a by b"])
        #expect(text.stdout.contains("the grid shows the most frequent values: 50 of 10,000 of a, 20 of 10,000 of b"))
    }

    /// One new key per line once built a keys × rows grid (3.2 GB for 119 KB): values are kept per
    /// key as they come, and past 2,048 keys the load stops with the line that brought one too many.
    @Test func jsonLinesWithANewKeyOnEveryLine() throws {
        let many = try scratch("keys.jsonl", (0..<10_000).map { "{\"k\($0)\": \($0)}\n" }.joined())
        let some = try scratch("some.jsonl", (0..<1_000).map { "{\"k\($0)\": \($0)}\n" }.joined())
        defer { try? FileManager.default.removeItem(atPath: many); try? FileManager.default.removeItem(atPath: some) }
        let refused = try TestSupport.patron(["--quiet", "-c", "load \"\(many)\" as t"])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains(":2049:1: error: the objects hold more than 2048 different keys ('k2048' is one too many)"), "\(refused.stderr)")
        let loaded = try TestSupport.patron(["--quiet", "-c", "load \"\(some)\" as t", "-c", "count", "-c", "summarize count(k999)"])
        #expect(loaded.status == 0, "\(loaded.stderr)")
        #expect(loaded.stdout.contains("1,000 rows in 't'"))
    }

    /// A header repeating one name once took N³ time to rename (4,000 repeats: 51 s); now linear,
    /// with ten renamings listed and the rest counted.
    @Test func aHeaderRepeatingOneName() throws {
        let path = try scratch("repeat.csv", Array(repeating: "x", count: 4_000).joined(separator: ",") + "\n" + Array(repeating: "1", count: 4_000).joined(separator: ",") + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try TestSupport.patron(["-c", "load \"\(path)\" as t", "-c", "describe t"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("renamed it 'x_2'") && run.stderr.contains("3989 more repeated headers were renamed the same way"))
        #expect(run.stderr.components(separatedBy: "repeats the header").count - 1 == 10)
        #expect(run.stdout.contains("│ x_4000 "))
    }

    /// "Did you mean" over a 20,000-character name once filled a 20,000 × n table (4 s): lengths
    /// that cannot be a typo apart are skipped, and huge words are not compared at all.
    @Test func didYouMeanOverAHugeName() {
        let huge = String(repeating: "x", count: 20_000)
        #expect(Suggestion.closest(to: huge, in: ["profit", String(repeating: "x", count: 19_999)]) == nil)
        #expect(Suggestion.closest(to: "proift", in: ["profit", "loyalty"]) == "profit")
        #expect(Suggestion.closest(to: "profit_margin_x", in: ["profit"]) == nil, "too far apart to be a typo")
    }

    /// Found by fuzz-copy: a double such as 1e300 from the server overflowed the 128-bit mantissa
    /// while its shortest decimal form was scaled (a trap); it is a value patron cannot hold, said so.
    @Test func aHugeDoubleFromTheServerIsRefusedNotATrap() throws {
        var message: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + Array(repeating: 0, count: 8)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.bigEndian) { message += $0 } }
        for value in [1e300, -2.5e38, 12.5] {
            append(Int16(1)); append(Int32(8)); append(value.bitPattern)
        }
        append(Int16(-1))
        let column = CopyDecoding.ColumnType(oid: 701, typeName: "double precision")
        #expect(throws: PostgresError.self) { try CopyDecoding.decode([column], message: message) }
        do {
            _ = try CopyDecoding.decode([column], message: message)
        } catch {
            #expect(error.message == "a value of column 'c1' (double precision) does not fit in 18 digits")
        }
        // The one that fits still decodes.
        var small: [UInt8] = Array(message.prefix(19))
        message = small
        append(Int16(1)); append(Int32(8)); append((12.5).bitPattern); append(Int16(-1))
        small = message
        let table = try CopyDecoding.decode([column], message: small)
        #expect(table.rowCount == 1)
    }

    /// Found by fuzz-copy: a numeric whose header says a negative scale, or whose digit groups are
    /// outside 0…9999 (no server sends one), trapped while read as text (wide_numeric text); now
    /// it is broken COPY data, said so.
    @Test func aMalformedNumericIsBrokenDataNotATrap() throws {
        func message(count: Int16, weight: Int16, sign: UInt16, scale: Int16, digits: [Int16]) -> [UInt8] {
            var bytes: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + Array(repeating: 0, count: 8)
            func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.bigEndian) { bytes += $0 } }
            append(Int16(1)); append(Int32(8 + 2 * digits.count))
            append(count); append(weight); append(sign); append(scale)
            for digit in digits { append(digit) }
            append(Int16(-1))
            return bytes
        }
        let wide = CopyDecoding.ColumnType(oid: 1700, typeName: "numeric")
        for options in [ServerLoadOptions(wideNumericAsText: true), ServerLoadOptions()] {
            for bad in [message(count: 1, weight: 0, sign: 0, scale: -2, digits: [12]), message(count: 1, weight: 0, sign: 0, scale: 2, digits: [-5]),
                        message(count: 1, weight: 0, sign: 0, scale: 0, digits: [12_000]), message(count: -1, weight: 0, sign: 0, scale: 0, digits: [])] {
                #expect(throws: PostgresError.self) { try CopyDecoding.decode([wide], message: bad, options: options) }
            }
            // 12.34 as the server sends it still reads.
            let good = try CopyDecoding.decode([wide], message: message(count: 2, weight: 0, sign: 0, scale: 2, digits: [12, 3400]), options: options)
            #expect(good.rowCount == 1)
        }
    }

    /// `patron … | head -1`: the reader leaves early and patron ends quietly, as a Unix tool does
    /// (the broken pipe ends it; no error text, no core).
    @Test func outputIntoAPipeThatClosesEndsQuietly() throws {
        let run = try TestSupport.run("/bin/sh", ["-c", "'\(TestSupport.binary.path)' --quiet --format csv -c 'customers from demo_orders by customer_id' -c 'show customers' | head -1"])
        #expect(run.status == 0)
        #expect(run.stdout == "customer_id,first_purchase,last_purchase,recency,frequency,monetary,aov,tenure,loyalty,channels\r\n", "CSV ends its lines in CRLF")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
    }

    /// Two processes exporting to one path at once leave one whole file: one of the two exports,
    /// never a mixture (each writes its own temporary file and renames it into place).
    @Test func twoExportsToOnePathLeaveOneWholeFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-race-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("out.csv").path
        // Both at once, from two threads (a shell's `wait` would need SIGCHLD, which the test
        // runner's threads block and its children inherit).
        let scripts = [["-c", "customers from demo_orders by customer_id", "-c", "export customers to \"\(target)\""], ["-c", "export demo to \"\(target)\""]]
        let statuses = Statuses()
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            statuses.set(k, (try? TestSupport.patron(["--quiet"] + scripts[k]))?.status ?? -1)
        }
        #expect(statuses.all == [0, 0])
        let text = try String(contentsOfFile: target, encoding: .utf8)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        let whole = (lines.first?.hasPrefix("customer_id,first_purchase") == true && lines.count == 1_502) || (lines.first?.hasPrefix("customer_id,name") == true && lines.count == 3_002)
        #expect(whole, "\(lines.count) lines, starting \(lines.first ?? "")")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.csv"], "no temporary file is left")
    }

    /// A home folder and history file that cannot be written: the prompt works, and leaving says once
    /// that the history was not saved.
    @Test func anUnwritableHistoryGivesOneWarningAndAWorkingPrompt() throws {
        let environment = ["TERM": "xterm", "LC_ALL": "C.UTF-8", "HOME": "/proc", "PATRON_HISTORY": "/proc/patron-history", "PATH": "/usr/bin:/bin", "NO_COLOR": "1"]
        let terminal = try PseudoTerminal(program: TestSupport.binary.path, arguments: [], environment: environment, directory: TestSupport.packageRoot.path)
        #expect(terminal.waitFor("patron> ") != nil)
        #expect(terminal.run("count\r", expecting: "3,000 rows in 'demo'"))
        let mark = terminal.mark
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
        let after = terminal.output(after: mark)
        #expect(after.components(separatedBy: "warning: could not save history").count == 2, "\(after)")
    }

    /// Limits instead of the OOM killer: under `ulimit -v`, a file that cannot fit stops the load
    /// at once with what it needs and what is left (a 2 GB sparse file costs no disk); a
    /// sanitizer's shadow memory cannot live under such a limit, so those runs skip it.
    @Test(.disabled(if: ProcessInfo.processInfo.environment["ASAN_OPTIONS"] != nil || ProcessInfo.processInfo.environment["TSAN_OPTIONS"] != nil,
                    "a sanitizer's shadow memory cannot live under a memory limit"))
    func aLoadThatCannotFitSaysSoUnderALimit() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("patron-sparse-\(UUID().uuidString).csv").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 2 << 30)
        try handle.close()
        let run = try TestSupport.run("/bin/sh", ["-c", "ulimit -v 1500000; exec '\(TestSupport.binary.path)' --quiet -c 'load \"\(path)\" as big' -c 'count'"])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("error: loading '\(path)' needs about 2.3 GB of memory, and "), "\(run.stderr)")
        #expect(run.stderr.contains("is left (ulimit -v)"))
        #expect(!run.stderr.contains("Fatal error"))
    }

    /// Found by a hostile-input run: a FIFO with no writer hung the load on open, /dev/zero was
    /// "empty", a /proc file was "empty" (its size is 0) and a pipe could not be mapped. Now a
    /// stream is read to its end, up to a limit, and a FIFO without a writer is empty at once.
    @Test func streamsAreReadNotMapped() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("patron-fifo-\(UUID().uuidString).csv").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { try? FileManager.default.removeItem(atPath: fifo) }
        let lonely = try TestSupport.patron(["--quiet", "-c", "load \"\(fifo)\" as f"])
        #expect(lonely.status == 65 && lonely.stderr.contains("error: the file is empty"), "\(lonely.stderr)")
        let piped = try TestSupport.run("/bin/sh", ["-c", "printf 'a,b\\n1,2\\n3,4\\n' | '\(TestSupport.binary.path)' --quiet -c 'load \"/dev/stdin\" as s' -c 'count'"])
        #expect(piped.status == 0 && piped.stdout == "2 rows in 's'\n", "\(piped.stdout)\(piped.stderr)")
        let proc = try TestSupport.patron(["--quiet", "-c", "load \"/proc/self/mounts\" as m with delimiter whitespace, header false", "-c", "count"])
        #expect(proc.status == 0 && proc.stdout.hasSuffix("rows in 'm'\n"), "\(proc.stdout)\(proc.stderr)")
    }

    /// Found by a hostile-input run: a chain of 1,000 scripts each including the next overflowed
    /// the stack (a segmentation fault); includes now nest at most 64 deep, and say so.
    @Test func aDeepChainOfIncludesIsAnErrorNotACrash() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-includes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for i in 1...1_000 { try "include \"s\(i + 1).patron\"\n".write(to: folder.appendingPathComponent("s\(i).patron"), atomically: true, encoding: .utf8) }
        try "count\n".write(to: folder.appendingPathComponent("s1001.patron"), atomically: true, encoding: .utf8)
        let run = try TestSupport.patron(["run", "--quiet", folder.appendingPathComponent("s1.patron").path])
        #expect(run.status == 65, "\(run.stderr.suffix(300))")
        #expect(run.stderr.contains("error: includes nest more than 64 deep"))
        // Up to the limit it runs.
        try "count\n".write(to: folder.appendingPathComponent("s64.patron"), atomically: true, encoding: .utf8)
        let shallow = try TestSupport.patron(["run", "--quiet", folder.appendingPathComponent("s1.patron").path])
        #expect(shallow.status == 0 && shallow.stdout == "3,000 rows in 'demo'\n", "\(shallow.stderr.suffix(300))")
    }

    /// Found by a hostile-input run: a script that reports from itself ran itself until the stack
    /// overflowed; a script run for a report cannot report from another.
    @Test func aReportFromItselfIsAnErrorNotACrash() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-self-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("self.patron")
        try "count\nreport to \"\(folder.path)/self.html\" from \"\(script.path)\"\n".write(to: script, atomically: true, encoding: .utf8)
        let run = try TestSupport.patron(["run", "--quiet", script.path])
        #expect(run.status == 65, "\(run.stderr.suffix(300))")
        #expect(run.stderr.contains("error: a script run for a report cannot report from another script"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/self.html"))
    }

    /// Found by a hostile-input run: orders from 0001 to 9999 made a weekly cohort table of
    /// 520,000 × 520,000 periods (it ran until killed); a table follows at most 260 weeks, 240
    /// months or 200 quarters back, and says how many customers it left out.
    @Test func cohortsOverTenThousandYearsStayBounded() throws {
        let path = try scratch("span.csv", "id,day,amount\n1,0001-01-01,10\n2,9999-12-31,20\n1,5000-06-01,5\n3,9999-06-01,7\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for period in ["week", "month", "quarter"] {
            let run = try TestSupport.patron(["--quiet", "--format", "json", "-c", "load \"\(path)\" as o", "-c", "customers from o by id", "-c", "cohorts by \(period)"])
            #expect(run.status == 0, "\(run.stderr)")
            let result = try #require(TestSupport.results(run.stdout).last)
            #expect(result["customers_left_out"] as? Int == 1, "by \(period)")
            #expect(((result["columns"] as? [String])?.count ?? 0) <= 262)
        }
    }

    /// `on_error skip` once stopped at a value that was not a number in a column declared decimal
    /// (other declared types skipped it). Now the record is rejected and counted like any other,
    /// in the sample and after it, and a number with more decimals than the sample still widens
    /// the scale; without skip the load stops at the value.
    @Test func onErrorSkipRejectsValuesThatAreNotADeclaredDecimal() throws {
        var lines = ["customer,amount"], count = 0, cents = 0
        for i in 0..<30_000 {
            if i % 7_000 == 3 { lines.append("c\(i),n/a"); continue }
            let value = i == 25_000 ? "12.345" : "\(i % 100).\(String(format: "%02d", i % 97))"
            lines.append("c\(i),\(value)")
            count += 1
            cents += i == 25_000 ? 12_345 : (i % 100) * 1_000 + (i % 97) * 10
        }
        let path = try scratch("declared.csv", lines.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let load = "load \"\(path)\" as t with columns (customer text, amount decimal)"
        let skipped = try TestSupport.patron(["--format", "json", "-c", load + ", on_error skip", "-c", "summarize count, sum(amount)"])
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stderr.contains("rejected 5 records (on_error skip)") && skipped.stderr.contains("line 7005: 'n/a' is not a number"))
        let summary = try #require(TestSupport.results(skipped.stdout).last)
        let row = try #require((summary["rows"] as? [[Any]])?.first)
        #expect(row.first as? Int == count)
        #expect(skipped.stdout.contains("\(cents / 1_000).\(String(format: "%03d", cents % 1_000))"), "the sum, exact: \(row)")
        let stopped = try TestSupport.patron(["--quiet", "-c", load])
        #expect(stopped.status == 65 && stopped.stderr.contains(":5:4: error: 'n/a' is not a number"), "\(stopped.stderr)")
    }

    /// A header of 100,000 names was read as its first 10,000, and the first record of data was
    /// then "expected 10000 fields, found 100000"; now the width itself is the error.
    @Test func aHeaderWiderThanTheColumnLimitSaysSo() throws {
        let width = 100_000
        let path = try scratch("wide.csv", (0..<width).map { "c\($0)" }.joined(separator: ",") + "\n" + Array(repeating: "1", count: width).joined(separator: ",") + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try TestSupport.patron(["--quiet", "-c", "load \"\(path)\" as t"])
        #expect(run.status == 65 && run.stderr.contains(":1:1: error: the first record has more than 10000 fields; patron loads at most 10000 columns"), "\(run.stderr.prefix(300))")
        let fits = try scratch("fits.csv", (0..<10_000).map { "c\($0)" }.joined(separator: ",") + "\n" + Array(repeating: "1", count: 10_000).joined(separator: ",") + "\n")
        defer { try? FileManager.default.removeItem(atPath: fits) }
        #expect(try TestSupport.patron(["--quiet", "-c", "load \"\(fits)\" as t", "-c", "count t"]).stdout == "1 row in 't'\n")
    }

    /// A `.json` file was read as comma-separated text: `[{"a":1},{"a":2}]` became a table with
    /// no rows and the columns `[{"a":1}` and `{"a":2}]`, and patron's own exported result did
    /// not load back. Now an array of objects, objects one after another and the exported result
    /// all load, and a malformed document stops at its place.
    @Test func aJSONDocumentLoadsAsJSON() throws {
        let array = try scratch("array.json", "[\n  {\"id\": 1, \"day\": \"2024-01-02\"},\n  {\"id\": 2, \"day\": \"\"}\n]\n")
        let lines = try scratch("lines.json", "{\"id\": 1, \"day\": \"2024-01-02\"}\n{\n \"id\": 2\n}\n")
        let broken = try scratch("broken.json", "[{\"id\": 1},\n {\"id\": 2]\n")
        let exported = FileManager.default.temporaryDirectory.appendingPathComponent("patron-hostile-\(UUID().uuidString)-result.json").path
        defer { for path in [array, lines, broken, exported] { try? FileManager.default.removeItem(atPath: path) } }
        for path in [array, lines] {
            let run = try TestSupport.patron(["--quiet", "--format", "csv", "-c", "load \"\(path)\" as t", "-c", "describe t", "-c", "show t"])
            #expect(run.status == 0 && run.stdout.contains("day,date,1,") && run.stdout.split(whereSeparator: \.isNewline).suffix(3) == ["id,day", "1,2024-01-02", "2,"], "\(run.stdout)\(run.stderr)")
        }
        let stopped = try TestSupport.patron(["--quiet", "-c", "load \"\(broken)\" as t"])
        #expect(stopped.status == 65 && stopped.stderr.contains(":2:10: error: expected ',' or '}' after a value"), "\(stopped.stderr)")
        let written = try TestSupport.patron(["--quiet", "-c", "use demo", "-c", "export demo to \"\(exported)\""])
        #expect(written.status == 0, "\(written.stderr)")
        let again = try TestSupport.patron(["--quiet", "--format", "csv", "-c", "load \"\(exported)\" as back", "-c", "summarize count, sum(monetary), max(since) by region"])
        let original = try TestSupport.patron(["--quiet", "--format", "csv", "-c", "use demo", "-c", "summarize count, sum(monetary), max(since) by region"])
        #expect(again.status == 0 && again.stdout == original.stdout, "\(again.stdout)\(again.stderr)")
        let skip = try TestSupport.patron(["--quiet", "-c", "load \"\(array)\" as t with on_error skip"])
        #expect(skip.status == 65 && skip.stderr.contains("'on_error' applies to files of records"), "\(skip.stderr)")
    }

    /// SIGTERM while an export was written left the target whole but its temporary file behind
    /// (`.out.csv.patron-PID-0.tmp`); now the signal removes it. The signal is sent the moment
    /// the temporary file appears, several times, and the target is always the old file.
    @Test func sigtermDuringAnExportLeavesNoTemporaryFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("rows.csv").path, target = folder.appendingPathComponent("out.csv").path
        try ("id,name,amount\n" + (0..<150_000).map { "\($0),name\($0 % 1_000),\($0 % 9_999).\($0 % 90 + 10)\n" }.joined()).write(toFile: data, atomically: true, encoding: .utf8)
        let whole = try TestSupport.patron(["--quiet", "-c", "load \"\(data)\" as t", "-c", "export t to \"\(target)\""])
        #expect(whole.status == 0, "\(whole.stderr)")
        let new = try String(contentsOfFile: target, encoding: .utf8)
        var caught = 0
        for _ in 0..<3 {
            try "old\n".write(toFile: target, atomically: true, encoding: .utf8)
            let pid = try Self.spawnWithSignalsUnblocked(TestSupport.binary.path, ["--quiet", "-c", "load \"\(data)\" as t", "-c", "export t to \"\(target)\""])
            var status: Int32 = 0
            while waitpid(pid, &status, WNOHANG) == 0 {
                if try FileManager.default.contentsOfDirectory(atPath: folder.path).contains(where: { $0.hasPrefix(".out.csv.patron-") }) {
                    kill(pid, SIGTERM)
                    caught += 1
                    waitpid(pid, &status, 0)
                    break
                }
                usleep(200)
            }
            let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".out.csv.patron-") }
            #expect(left.isEmpty, "left behind: \(left)")
            let written = try String(contentsOfFile: target, encoding: .utf8)
            #expect(written == "old\n" || written == new, "a torn file of \(written.utf8.count) bytes")
        }
        #expect(caught >= 1, "the temporary file was never seen")
    }

    /// Starts a program with no signal blocked (the test runner blocks some, and a child inherits
    /// its mask), its output dropped; returns its process id.
    static func spawnWithSignalsUnblocked(_ program: String, _ arguments: [String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        guard code == 0 else { throw CocoaError(.executableLoad) }
        return pid
    }

    /// 20,000 segments each defined by the one before ran 36 s (every definition bound the whole
    /// chain) and then overflowed the stack; segments now nest at most 64 deep, an error at the
    /// definition that goes deeper.
    @Test func aLongChainOfSegmentsIsAnErrorNotACrash() throws {
        let script = "use demo\ndefine segment s0 as monetary > 1\n" + (1..<1_000).map { "define segment s\($0) as s\($0 - 1) and frequency > 0\n" }.joined()
        let path = try scratch("chain.patron", script)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try TestSupport.patron(["--quiet", "run", path])
        #expect(run.status == 65 && run.stderr.contains(":66:23: error: segments are defined in terms of other segments more than 64 deep"), "\(run.stderr.prefix(400))")
        let deepest = try scratch("deepest.patron", script.split(separator: "\n").prefix(65).joined(separator: "\n") + "\ncount demo\nsegment where s63\n")
        defer { try? FileManager.default.removeItem(atPath: deepest) }
        let fits = try TestSupport.patron(["--quiet", "--format", "json", "run", deepest])
        #expect(fits.status == 0 && fits.stdout.contains("\"count\":"), "\(fits.stderr.prefix(300))")
    }

    /// 64 segments, each bracketed 250 deep around the one before: the binder recursed once per
    /// level, 16,000 deep, and overflowed the stack. With its segments written out, a condition
    /// nests at most 512 deep (twice what one statement may).
    @Test func segmentsWrittenOutNestAtMostTwiceAStatement() throws {
        let brackets = { (text: String) in String(repeating: "(", count: 250) + text + String(repeating: ")", count: 250) }
        let script = "use demo\ndefine segment s0 as \(brackets("monetary > 1"))\n" + (1..<64).map { "define segment s\($0) as \(brackets("s\($0 - 1) and frequency > 0"))\n" }.joined()
        let path = try scratch("brackets.patron", script)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try TestSupport.patron(["--quiet", "run", path])
        #expect(run.status == 65 && run.stderr.contains(":4:272: error: with its segments written out, the condition nests more than 512 deep"), "\(run.stderr.prefix(300))")
    }

    /// Options of delimited files (`columns`, `nulls`, `delimiter`, …) were silently ignored by a
    /// JSON Lines load, so a declared type did nothing; now they are refused at the option, and
    /// `date_format` (also once ignored) reads the keys' dates. An empty string is an empty value
    /// (it once made the column text, explained by its first date).
    @Test func jsonLinesRefusesOptionsItCannotHonour() throws {
        let path = try scratch("dates.jsonl", "{\"id\": 1, \"day\": \"02/01/2024\"}\n{\"id\": 2, \"day\": \"31/12/2023\"}\n{\"id\": 3, \"day\": \"\"}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let refused = try TestSupport.patron(["--quiet", "-c", "load \"\(path)\" as t with on_error skip, columns (id integer, day date)"])
        #expect(refused.status == 65 && refused.stderr.contains("'columns' applies to delimited files"), "\(refused.stderr)")
        let dated = try TestSupport.patron(["--quiet", "--format", "csv", "-c", "load \"\(path)\" as t with date_format \"dd/MM/yyyy\"", "-c", "show t"])
        #expect(dated.stdout.split(whereSeparator: \.isNewline) == ["id,day", "1,2024-01-02", "2,2023-12-31", "3,"], "\(dated.stdout)\(dated.stderr)")
    }
}

/// Exit statuses set from several threads.
final class Statuses: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: Int32] = [:]
    func set(_ k: Int, _ status: Int32) { lock.lock(); values[k] = status; lock.unlock() }
    var all: [Int32] { lock.lock(); defer { lock.unlock() }; return values.keys.sorted().map { values[$0]! } }
}
