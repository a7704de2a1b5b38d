import Foundation
import PatronAnalysis
import PatronRender
import PatronStore
import PatronSyntax
import Testing

/// Every file in `Tests/fixtures/csv` and `Tests/fixtures/jsonl` loads to exactly its expected
/// table, or fails with exactly its expected positioned error (`NAME.expected`). For CSV files,
/// the cells also equal what Python's csv module reads in strict mode (`NAME.python.json`).
/// PATRON_RECORD=1 rewrites the expected files, to be reviewed in the diff.
struct FixtureTests {
    static let folder = TestSupport.packageRoot.appendingPathComponent("Tests/fixtures")

    static var fixtures: [String] {
        ["csv", "jsonl"].flatMap { kind in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(kind).path)) ?? [])
                .filter { $0.hasSuffix(".csv") || $0.hasSuffix(".jsonl") }.map { "\(kind)/\($0)" }
        }.sorted()
    }

    /// What a load gave, in a form that is easy to read in a diff.
    struct Outcome: Codable, Equatable {
        var dialect: String?
        var columns: [[String]]?
        var rows: [[String?]]?
        var blank_lines: Int?
        var rejected: [String]?
        var warnings: [String]?
        var error: String?
    }

    static func load(_ fixture: String) throws -> (Outcome, Table?) {
        let path = "Tests/fixtures/\(fixture)"
        let withFile = folder.appendingPathComponent((fixture as NSString).deletingPathExtension + ".with")
        let with = (try? String(contentsOf: withFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        let source = Source(name: fixture, text: "load \"\(path)\" as t" + (with.map { " with \($0)" } ?? ""))
        let parsed = Parser.parse(source)
        let statement = try #require(parsed.statements.first, "\(parsed.diagnostics)")
        guard case .load(let file, let name, let options) = try Binder(catalog: Catalog(), source: source).bind(statement) else {
            Issue.record("not a load")
            return (Outcome(), nil)
        }
        _ = FileManager.default.changeCurrentDirectoryPath(TestSupport.packageRoot.path)
        do throws(LoadError) {
            let report = fixture.hasSuffix(".jsonl") ? try Table.loadJSONLines(path: file, name: name, options: options)
                                                     : try Table.load(path: file, name: name, options: options)
            let table = report.table
            let columns = table.columns.map { column -> [String] in
                var type = column.type.rawValue
                if case .decimal(_, let scale) = column.storage { type += "(\(scale))" }
                return [column.name, type]
            }
            let rows = (0..<table.rowCount).map { row in table.columns.map { $0.isNull(row) ? nil : Formatting.cell($0, row) } }
            return (Outcome(dialect: report.dialect, columns: columns, rows: rows, blank_lines: report.blankLines,
                            rejected: report.rejected.map { "line \($0.line): \($0.message)" }, warnings: report.warnings), table)
        } catch {
            return (Outcome(error: DiagnosticRenderer.render(error)), nil)
        }
    }

    @Test("fixture", arguments: FixtureTests.fixtures)
    func fixture(_ fixture: String) throws {
        let (outcome, table) = try Self.load(fixture)
        let expectedURL = Self.folder.appendingPathComponent((fixture as NSString).deletingPathExtension + ".expected")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if ProcessInfo.processInfo.environment["PATRON_RECORD"] == "1" {
            try (String(decoding: try encoder.encode(outcome), as: UTF8.self) + "\n").write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = try JSONDecoder().decode(Outcome.self, from: try Data(contentsOf: expectedURL))
        #expect(outcome == expected, "\(fixture): \(outcome)")
        if let table { try compareWithPython(fixture, table: table, outcome: outcome) }
    }

    /// Cells against Python's csv module: the same fields, read as the column's type.
    func compareWithPython(_ fixture: String, table: Table, outcome: Outcome) throws {
        let oracleURL = Self.folder.appendingPathComponent((fixture as NSString).deletingPathExtension + ".python.json")
        guard fixture.hasSuffix(".csv"), FileManager.default.fileExists(atPath: oracleURL.path) else { return }
        guard (outcome.rejected ?? []).isEmpty else { return }
        var rows = try JSONDecoder().decode([[String]].self, from: Data(contentsOf: oracleURL))
        let withFile = Self.folder.appendingPathComponent((fixture as NSString).deletingPathExtension + ".with")
        let with = (try? String(contentsOf: withFile, encoding: .utf8)) ?? ""
        if outcome.dialect?.hasSuffix(", header") == true {
            let header = rows.removeFirst()
            if (outcome.warnings ?? []).isEmpty && !with.contains("columns") {
                #expect(header.map { $0.trimmingCharacters(in: .whitespaces) } == table.columns.map(\.name), "\(fixture): header")
            }
        }
        #expect(rows.count == table.rowCount, "\(fixture): \(rows.count) rows in Python, \(table.rowCount) in patron")
        for (r, row) in rows.enumerated() where r < table.rowCount {
            #expect(row.count == table.columns.count, "\(fixture): row \(r) has \(row.count) fields in Python")
            for (c, field) in row.enumerated() where c < table.columns.count {
                let column = table.columns[c]
                #expect(Self.same(field, column, r, decimalComma: with.contains("decimal \",\"")), "\(fixture): row \(r) column '\(column.name)': Python '\(field)', patron '\(Formatting.cell(column, r))'")
            }
        }
    }

    /// Whether Python's field text and patron's cell are the same value.
    static func same(_ field: String, _ column: Column, _ row: Int, decimalComma: Bool) -> Bool {
        let cell = Formatting.cell(column, row)
        if column.isNull(row) { return field.isEmpty || ["NULL", "null", "NA", "N/A", "-", "n/a"].contains(field) }
        switch column.type {
        case .text:
            return cell == field
        case .integer, .decimal:
            func number(_ s: String, thousands: Bool) -> Decimal? {
                var t = s.replacingOccurrences(of: "+", with: "")
                if thousands { t = t.replacingOccurrences(of: ",", with: "") }
                return Decimal(string: t, locale: Locale(identifier: "en_US_POSIX"))
            }
            let python = decimalComma ? number(field.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: "."), thousands: false)
                                  : number(field, thousands: true)
            return python != nil && python == number(cell, thousands: true)
        case .boolean:
            return field.lowercased() == cell
        case .date:
            let digits = field.filter(\.isNumber)
            let ours = cell.filter(\.isNumber)
            if field.contains("/") { return digits.suffix(4) + digits.dropFirst(2).prefix(2) + digits.prefix(2) == ours }
            return digits == ours
        case .timestamp:
            func normal(_ s: String) -> String {
                var d = s.filter(\.isNumber)
                while d.count > 14 && d.hasSuffix("0") { d.removeLast() }
                return d.count == 12 ? d + "00" : d
            }
            return normal(field) == normal(cell)
        }
    }

    @Test func thereAreEnoughFixtures() {
        #expect(Self.fixtures.filter { $0.hasSuffix(".csv") }.count >= 60)
        #expect(Self.fixtures.filter { $0.hasSuffix(".jsonl") }.count >= 10)
    }
}
