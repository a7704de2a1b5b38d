import Foundation
import PatronDriver
import PatronRender
import PatronSQL
import PatronStore
import Testing

/// The columnar store and the first CSV loader.
struct StoreTests {
    /// Writes `bytes` to a temporary file and loads it.
    func load(_ bytes: [UInt8]) throws(LoadError) -> LoadReport {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("patron-store-\(UUID().uuidString).csv")
        try? Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try Table.loadCSV(path: url.path, name: "t")
    }

    func load(_ text: String) throws(LoadError) -> LoadReport { try load(Array(text.utf8)) }

    func cells(_ table: Table) -> [[String]] {
        (0..<table.rowCount).map { row in table.columns.map { Formatting.cell($0, row) } }
    }

    func error(_ text: String) -> LoadError? {
        do throws(LoadError) { _ = try load(text); return nil } catch { return error }
    }

    @Test func typesAreInferredFromEveryValue() throws {
        let report = try load("id,code,amount,day,flag,note\n1,00042,1.5,2024-01-31,true,x\n2,00043,-2,2024-02-29,FALSE,\n")
        let table = report.table
        #expect(table.invariantViolations().isEmpty)
        #expect(table.columns.map(\.type) == [.integer, .text, .decimal, .date, .boolean, .text])
        #expect(cells(table) == [["1", "00042", "1.5", "2024-01-31", "true", "x"], ["2", "00043", "-2.0", "2024-02-29", "false", ""]])
        #expect(table.columns[5].nulls.nullCount == 1)
        #expect(table.columns[1].evidence == .counterexample(value: "00042", line: 2, ruledOut: "a number, a date or a boolean"))
    }

    @Test func moneySumsExactly() throws {
        let rows = Array(repeating: "0.10", count: 1000).joined(separator: "\n")
        let table = try load("amount\n" + rows + "\n").table
        let sum = try #require(table.columns[0].exactSum(rows: 0..<table.rowCount))
        #expect(sum.sum == 10_000 && sum.scale == 2, "a thousand times 0.10 is exactly 100.00")
    }

    @Test func rfc4180Quoting() throws {
        let table = try load("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",\r\n").table
        #expect(cells(table) == [["x, y", "say \"hi\""], ["two\nlines", ""]])
    }

    @Test func byteOrderMarkBlankLinesAndLineEnds() throws {
        let report = try load([0xEF, 0xBB, 0xBF] + Array("a,b\r1,2\n\n3,4\r\n\r\n5,6".utf8))
        #expect(report.table.columns.map(\.name) == ["a", "b"])
        #expect(cells(report.table) == [["1", "2"], ["3", "4"], ["5", "6"]])
        #expect(report.blankLines == 2)
    }

    @Test func textDictionaryIsShared() throws {
        let table = try load("region\nNorth\nSouth\nNorth\nNorth\n").table
        guard case .text(let codes, let dictionary) = table.columns[0].storage else { Issue.record("expected text"); return }
        #expect(dictionary == ["North", "South"])
        #expect(codes == [0, 1, 0, 0])
    }

    @Test func tooLargeIntegersStayText() throws {
        let table = try load("n\n12345678901234567890123\n").table
        #expect(table.columns[0].type == .text)
    }

    @Test func duplicateAndEmptyHeadersAreRenamedWithAWarning() throws {
        let report = try load("a,a,\n1,2,3\n")
        #expect(report.table.columns.map(\.name) == ["a", "a_2", "column3"])
        #expect(report.warnings.count == 2)
    }

    @Test func positionedErrors() {
        let unterminated = error("a,b\n1,\"open\n2,3\n")
        #expect(unterminated?.message == "unterminated quoted field")
        #expect(unterminated?.line == 2 && unterminated?.byteOffset == 2, "reported at the opening quote")

        let wide = error("a,b\n1,2\n3,4,5\n")
        #expect(wide?.message == "expected 2 fields, found 3")
        #expect(wide?.line == 3 && wide?.byteOffset == 4, "the caret marks the first extra field")

        let narrow = error("a,b\n1\n")
        #expect(narrow?.message == "expected 2 fields, found 1")

        let afterQuote = error("a\n\"x\"y\n")
        #expect(afterQuote?.message == "unexpected text after a closing quote")
        #expect(afterQuote?.byteOffset == 3)

        #expect(error("")?.message == "the file is empty")

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("patron-store-\(UUID().uuidString).csv")
        try? Data([0x61, 0x0A, 0x62, 0xE9, 0x0A]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do throws(LoadError) {
            _ = try Table.loadCSV(path: url.path, name: "t")
            Issue.record("invalid UTF-8 must not load")
        } catch {
            #expect(error.message == "invalid UTF-8 byte 0xE9")
            #expect(error.line == 2 && error.byteOffset == 1)
        }
    }

    @Test func missingFile() {
        do throws(LoadError) {
            _ = try Table.loadCSV(path: "/nonexistent/file.csv", name: "t")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .missingFile)
        }
    }

    @Test func nullBitmap() {
        var bitmap = NullBitmap()
        for i in 0..<200 { bitmap.append(isNull: i % 67 == 5) }
        #expect(bitmap.count == 200 && bitmap.nullCount == 3)
        #expect((0..<200).filter { bitmap.contains($0) } == [5, 72, 139])
    }

    @Test func calendarRoundTrip() {
        for day in stride(from: Int32(-800_000), through: 2_900_000, by: 997) {
            let (y, m, d) = CalendarDate.civil(day)
            guard (1...9999).contains(y) else { continue }
            #expect(CalendarDate.dayNumber(year: y, month: m, day: d) == day)
        }
        #expect(CalendarDate.dayNumber(year: 2024, month: 2, day: 30) == nil)
        #expect(CalendarDate.isoString(CalendarDate.dayNumber(year: 2024, month: 12, day: 31)!) == "2024-12-31")
        #expect(CalendarDate.dayNumber(year: 1970, month: 1, day: 1) == 0)
    }

    @Test func quantilesInterpolateLinearly() {
        #expect(Quantile.linear([1, 2, 3, 4, 5, 6, 7, 8, 9], 1.0 / 3.0)! == 1 + 8.0 / 3.0)
        #expect(Quantile.linear([10], 0.5) == 10)
        #expect(Quantile.linear([], 0.5) == nil)
    }

    @Test func demoTableKeepsItsInvariants() {
        let table = DemoData.customers()
        #expect(table.invariantViolations().isEmpty)
        #expect(table.rowCount == 3_000)
    }
}

struct RenderTests {
    @Test func displayWidth() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("王伟") == 4)
        #expect(DisplayWidth.of("Zoë") == 3)
        #expect(DisplayWidth.of("e\u{301}") == 1, "a combining accent takes no column")
        #expect(DisplayWidth.pad("王", to: 4) == "王  ")
    }

    @Test func numbers() {
        #expect(NumberFormat.grouped(1_234_567) == "1,234,567")
        #expect(NumberFormat.grouped(-1_000) == "-1,000")
        #expect(NumberFormat.grouped(999) == "999")
        #expect(NumberFormat.decimal(123_450, scale: 2) == "1,234.50")
        #expect(NumberFormat.decimal(-5, scale: 2) == "-0.05")
        #expect(NumberFormat.decimal(Int64.min, scale: 2) == "-92,233,720,368,547,758.08")
        #expect(NumberFormat.percent(0.1234) == "12.3%")
        #expect(NumberFormat.percent(1.0 / 3000) == "<0.1%", "a share that is not zero never prints as 0.0%")
        #expect(NumberFormat.percent(0) == "0.0%")
        #expect(NumberFormat.fixed(.nan, digits: 2) == "NaN")
    }

    @Test func longSourceLinesAreCutAroundTheCaret() {
        let line = String(repeating: "a + ", count: 100) + "王伟 = 1"
        let column = DisplayWidth.of(String(repeating: "a + ", count: 100))
        let (window, caret) = DiagnosticRenderer.window(line, around: column, width: 60)
        #expect(window.hasPrefix("…"))
        #expect(DisplayWidth.of(window) <= 62)
        var width = 0
        let rest = window.drop { character in
            defer { width += DisplayWidth.of(String(character)) }
            return width < caret
        }
        #expect(rest.hasPrefix("王伟"), "the caret column lands on the marked text")
        #expect(DiagnosticRenderer.window("short", around: 2, width: 60) == ("short", 2))
    }

    @Test func tablesAlignByDisplayWidth() {
        let table = TextTable(headers: ["name", "n"], alignments: [.left, .right], rows: [["王伟", "1"], ["Ann", "1,000"]])
        #expect(table.render() == """
            ┌──────┬───────┐
            │ name │     n │
            ├──────┼───────┤
            │ 王伟 │     1 │
            │ Ann  │ 1,000 │
            └──────┴───────┘
            """)
    }
}

/// The loader on the cases that need a generated file or options a script cannot set.
struct LoaderTests {
    func write(_ text: String, suffix: String = ".csv") -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("patron-loader-\(UUID().uuidString)\(suffix)")
        try? Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func skippedRecordsAreCountedAndListedWithLineNumbers() throws {
        let path = write("a,b\n1,2\n3\n4,5\n6,7,8\n9,10\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = LoadOptions()
        options.skipBadRecords = true
        let report = try Table.load(path: path, name: "t", options: options)
        #expect(report.table.rowCount == 3)
        #expect(report.rejectedCount == 2)
        #expect(report.rejected == [RejectedRecord(line: 3, message: "expected 2 fields, found 1"), RejectedRecord(line: 5, message: "expected 2 fields, found 3")])
    }

    @Test func aLateValueThatDoesNotFitRetypesTheColumn() throws {
        // The type is chosen from a sample; a value after it that does not fit sends the column back for a full look.
        var text = "id,amount,code\n"
        for i in 0..<25_000 { text += "\(i),\(i % 100),\(i)\n" }
        text += "25000,1.25,X1\n"
        let path = write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let table = try Table.load(path: path, name: "t").table
        #expect(table.rowCount == 25_001)
        #expect(table.columns.map(\.type) == [.integer, .decimal, .text])
        #expect(Formatting.cell(table.columns[1], 25_000) == "1.25")
        #expect(Formatting.cell(table.columns[1], 7) == "7.00")
        #expect(table.columns[2].evidence == .counterexample(value: "X1", line: 25_002, ruledOut: "a number"))
    }

    @Test func parallelChunksGiveTheSameTableAsOneThread() throws {
        // Quoted newlines near the chunk boundary must not split a record.
        var text = "id,note,amount\n"
        for i in 0..<200_000 { text += i % 7 == 0 ? "\(i),\"line one\nline two, with comma\",\(i).5\n" : "\(i),plain \(i % 13),\(i).25\n" }
        let path = write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var one = LoadOptions()
        one.threads = 1
        var four = LoadOptions()
        four.threads = 4
        let a = try Table.load(path: path, name: "t", options: one).table
        let b = try Table.load(path: path, name: "t", options: four).table
        #expect(a.rowCount == 200_000 && b.rowCount == 200_000)
        for row in stride(from: 0, to: 200_000, by: 997) {
            #expect(a.columns.map { Formatting.cell($0, row) } == b.columns.map { Formatting.cell($0, row) })
        }
        #expect(b.invariantViolations().isEmpty)
    }

    @Test func fieldSizeLimit() {
        let path = write("a\n" + String(repeating: "x", count: 100) + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = LoadOptions()
        options.maxFieldBytes = 64
        do throws(LoadError) {
            _ = try Table.load(path: path, name: "t", options: options)
            Issue.record("a field over the limit must not load")
        } catch {
            #expect(error.message == "a field of 100 bytes is longer than the limit of 64")
            #expect(error.line == 2)
        }
    }
}

/// The radix sort against the standard library's sort, on keys that stress it: negatives, the
/// extremes of Int64 (a span that does not fit an Int64), many ties, one key, none.
struct RadixSortTests {
    @Test func sortsAndOrdersLikeAStableSort() {
        var generator = SystemRandomNumberGenerator()
        var cases: [[Int64]] = [[], [7], [3, 3, 3], [.max, .min, 0, -1, 1, .max, .min]]
        for size in [2, 10, 1_000, 70_000] {
            cases.append((0..<size).map { _ in Int64.random(in: -5...5, using: &generator) })
            cases.append((0..<size).map { _ in Int64.random(in: -1_000_000_000...1_000_000_000, using: &generator) })
            cases.append((0..<size).map { _ in Int64.random(in: .min ... .max, using: &generator) })
            cases.append((0..<size).map { i in Int64(i % 3 == 0 ? 100_000 : i) })
        }
        for keys in cases {
            #expect(RadixSort.sorted(keys) == keys.sorted(), "\(keys.prefix(8))")
            let positions = keys.indices.map { Int32($0) }
            // Stable: equal keys in position order, whichever way the keys go.
            let ascending = positions.sorted { (keys[Int($0)], $0) < (keys[Int($1)], $1) }
            let descending = positions.sorted { keys[Int($0)] != keys[Int($1)] ? keys[Int($0)] > keys[Int($1)] : $0 < $1 }
            #expect(RadixSort.order(keys) == ascending, "\(keys.prefix(8))")
            #expect(RadixSort.order(keys, descending: true) == descending, "\(keys.prefix(8))")
        }
    }
}

/// The one reader and writer of exact decimal text (`ExactDecimal`), which literals, a server's
/// answers, SQL literals, server exports and the data formats share.
struct ExactDecimalTests {
    @Test func readsAndWritesPlainDecimals() {
        for (text, mantissa, scale, written) in [("-12.50", -1250, 2, "-12.50"), ("0.125", 125, 3, "0.125"), ("7", 7, 0, "7"), (".5", 5, 1, "0.5"),
                                                 ("5.", 5, 0, "5"), ("-0.05", -5, 2, "-0.05"), ("000.10", 10, 2, "0.10")] as [(String, Int128, Int, String)] {
            let exact = ExactDecimal(text)
            #expect(exact == ExactDecimal(mantissa: mantissa, scale: scale), "\(text)")
            #expect(exact?.text == written, "\(text)")
        }
        for bad in ["", "-", ".", "+1", "1e5", "1.2.3", " 1", "NaN", "Infinity", "1,5", "--1", String(repeating: "9", count: 40)] {
            #expect(ExactDecimal(bad) == nil, "'\(bad)' is not plain decimal text")
        }
        // 38 digits fit; the extremes of 64 bits round-trip.
        #expect(ExactDecimal(String(repeating: "9", count: 38))?.mantissa == Int128(String(repeating: "9", count: 38)))
        #expect(ExactDecimal(String(Int64.min))?.text == String(Int64.min))
    }

    @Test func rescalesOnlyWithoutLosingADigit() {
        let value = ExactDecimal("12.50")!
        #expect(value.mantissa(atScale: 4) == 125_000 && value.mantissa(atScale: 1) == 125 && value.mantissa(atScale: 0) == nil)
        #expect(ExactDecimal("-3")!.mantissa(atScale: 2) == -300)
        #expect(ExactDecimal(String(repeating: "9", count: 38))!.mantissa(atScale: 1) == nil, "past 128 bits")
        // The grouped form people read is the same digits with separators.
        #expect(NumberFormat.decimal(Int64(-123_456_789), scale: 2) == "-1,234,567.89")
        #expect(NumberFormat.decimal(Int64(-5), scale: 3) == "-0.005")
    }
}

/// `rfm bins` on a server reads the order statistics once and writes them into the scoring as
/// constants (issue 27): the SELECT then sorts no metric again; a statistic that is not a plain
/// number (a metric with no values) keeps the SELECT that works them out.
struct RFMStatisticsTests {
    @Test func theScoringTakesTheStatisticsAsConstants() throws {
        let table = DemoData.customers()
        let index = { (name: String) in table.columnIndex(named: name)! }
        let compiled = try SQLCompiler(dialect: .postgres).rfm(table, recency: index("recency"), frequency: index("frequency"), monetary: index("monetary"), bins: 5)
        #expect(compiled.select.contains("row_number() OVER"))
        let row: [String?] = compiled.statisticNames.map { $0.hasSuffix("nulls") ? "0" : $0.contains("_f") ? "1" : "12.50" }
        let constant = try #require(compiled.select(withStatistics: row))
        #expect(!constant.contains("row_number() OVER") && constant.contains("12.50 AS q_lo1"), "\(constant)")
        var missing = row
        missing[2] = nil
        #expect(compiled.select(withStatistics: missing) == nil)
    }
}
