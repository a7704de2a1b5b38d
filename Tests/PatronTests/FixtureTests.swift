import Foundation
import PatronAnalysis
import PatronRender
import PatronStore
import PatronSyntax
import Testing

/// Every file in `Tests/fixtures/csv` and `Tests/fixtures/jsonl` loads to exactly its expected
/// table, or fails with exactly its expected positioned error (`NAME.expected`). The cells also
/// equal what Python reads (`NAME.python.json`, written by oracle.py): its csv module in strict
/// mode for CSV files, its json module for JSON Lines, where a file Python rejects must be
/// rejected at the same lines.
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
            print("PATRON_RECORD=1: rewrote \(expectedURL.lastPathComponent); review the diff")
            return
        }
        let expected = try JSONDecoder().decode(Outcome.self, from: try Data(contentsOf: expectedURL))
        #expect(outcome == expected, "\(fixture): \(outcome)")
        if let table { try compareWithPython(fixture, table: table, outcome: outcome) }
        if fixture.hasSuffix(".jsonl") { try compareWithPythonJSON(fixture, table: table, outcome: outcome) }
    }

    /// JSON Lines against Python's json module: the same lines rejected, the same keys in the same
    /// order, and each value the same.
    func compareWithPythonJSON(_ fixture: String, table: Table?, outcome: Outcome) throws {
        let oracleURL = Self.folder.appendingPathComponent((fixture as NSString).deletingPathExtension + ".python.json")
        let oracle = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: oracleURL)) as? [String: Any], "\(fixture): no Python oracle; run Tests/fixtures/oracle.py")
        let bad = try #require(oracle["bad_lines"] as? [Int])
        guard let table else {
            let error = outcome.error ?? ""
            if let first = bad.first {
                #expect(error.hasPrefix("Tests/fixtures/\(fixture):\(first):"), "\(fixture): Python rejects line \(first) first; patron said \(error)")
            } else {
                // Python reads it; patron may refuse only at a documented limit.
                #expect(error.contains("nest more than"), "\(fixture): Python reads every line, patron refused: \(error)")
            }
            return
        }
        #expect((outcome.rejected ?? []).map { $0.split(separator: ":")[0] } == bad.map { "line \($0)" }, "\(fixture): Python rejects lines \(bad)")
        let columns = try #require(oracle["columns"] as? [String]), rows = try #require(oracle["rows"] as? [[String]])
        #expect(table.columns.map(\.name) == columns, "\(fixture): keys")
        #expect(table.rowCount == rows.count, "\(fixture): \(rows.count) records in Python, \(table.rowCount) in patron")
        for (r, row) in rows.enumerated() where r < table.rowCount {
            for (c, value) in row.enumerated() where c < table.columns.count {
                let column = table.columns[c]
                #expect(Self.same(json: value, column, r), "\(fixture): record \(r + 1) key '\(column.name)': Python \(value), patron '\(Formatting.cell(column, r))'")
            }
        }
    }

    /// Whether a value Python's json module read (as JSON text) and patron's cell are the same value.
    static func same(json text: String, _ column: Column, _ row: Int) -> Bool {
        if text == "null" { return column.isNull(row) }
        guard !column.isNull(row) else { return false }
        let cell = Formatting.cell(column, row)
        if text == "true" || text == "false" { return cell == text }
        if text.hasPrefix("\"") {
            guard let string = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) as? String else { return false }
            return column.type == .date || column.type == .timestamp ? same(string, column, row, decimalComma: false) : cell == string
        }
        if text.hasPrefix("[") || text.hasPrefix("{") {
            // Arrays and objects are kept as their JSON text.
            guard let ours = try? JSONSerialization.jsonObject(with: Data(cell.utf8)) as? NSObject,
                  let theirs = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSObject else { return false }
            return ours.isEqual(theirs)
        }
        guard let theirs = Double(text), let ours = Double(cell.replacingOccurrences(of: ",", with: "")) else { return false }
        return abs(ours - theirs) <= 1e-9 * max(1, abs(theirs))
    }

    /// Cells against Python's csv module: the same fields, read as the column's type.
    func compareWithPython(_ fixture: String, table: Table, outcome: Outcome) throws {
        let oracleURL = Self.folder.appendingPathComponent((fixture as NSString).deletingPathExtension + ".python.json")
        guard fixture.hasSuffix(".csv") else { return }
        // Every CSV fixture has its oracle file: Python's rows, or why Python cannot read it.
        let data = try #require(try? Data(contentsOf: oracleURL), "\(fixture): no Python oracle; run python3 Tests/fixtures/oracle.py")
        if let verdict = try? JSONDecoder().decode([String: String].self, from: data) {
            #expect(verdict["python cannot read it"] != nil, "\(fixture): an oracle file that is neither rows nor a reason")
            return
        }
        guard (outcome.rejected ?? []).isEmpty else { return }
        var rows = try JSONDecoder().decode([[String]].self, from: data)
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
