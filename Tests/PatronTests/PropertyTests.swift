import Foundation
@testable import PatronDriver
import PatronSyntax
import Testing

/// Properties against naive oracles (issue 19), on random tables and conditions drawn from a
/// seeded generator (the same cases on every run; a failure names its seed): segment counts
/// against a row-at-a-time evaluator of SQL's three-valued logic, cut points against the textbook
/// type-7 quantile, sums against naive exact sums, and export then load against the table itself.
struct PropertyTests {
    /// The demo data's SplitMix64: the same sequence everywhere.
    struct Random {
        private var generator: SplitMix64
        init(state: UInt64) { generator = SplitMix64(seed: state) }
        mutating func below(_ n: Int) -> Int { generator.below(max(1, n)) }
        mutating func chance(_ p: Double) -> Bool { generator.chance(p) }
        mutating func pick<T>(_ items: [T]) -> T { generator.pick(items) }
    }

    /// A random table: a whole number (nulls, ties, negatives, values near 2^62), a decimal in
    /// cents, and text (CJK, quotes, commas, spaces). Values as the oracle sees them, and as CSV.
    struct RandomTable {
        var whole: [Int64?] = [], cents: [Int64?] = [], text: [String?] = []
        static let words = ["North", "south", "李娜", "知己", "a,b", "say \"hi\"", " padded ", "Zoë", "x"]

        init(_ random: inout Random, rows: Int) {
            for _ in 0..<rows {
                whole.append(random.chance(0.15) ? nil : random.chance(0.1) ? Int64(random.pick([-1, 1])) * (Int64(1) << 62) + Int64(random.below(5)) : Int64(random.below(21)) - 10)
                cents.append(random.chance(0.15) ? nil : Int64(random.below(2_001)) - 1_000)
                text.append(random.chance(0.15) ? nil : random.pick(Self.words))
            }
        }

        var csv: String {
            func quoted(_ s: String) -> String { s.contains(where: { ",\"\n ".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
            var out = "id,w,d,t\n"
            for i in whole.indices {
                let d = cents[i].map { c -> String in
                    let sign = c < 0 ? "-" : "", a = abs(c)
                    return "\(sign)\(a / 100).\(String(format: "%02d", Int(a % 100)))"
                } ?? ""
                out += "\(i + 1),\(whole[i].map(String.init) ?? ""),\(d),\(text[i].map(quoted) ?? "")\n"
            }
            return out
        }
    }

    /// A condition as patron text and as the oracle's three-valued function of a row.
    indirect enum Condition {
        case compareWhole(String, Int64), compareCents(String, Int64), equalText(String), isNull(String, Bool)
        case between(Int64, Int64), inTexts([String])
        case not(Condition), and(Condition, Condition), or(Condition, Condition)

        static func random(_ random: inout Random, depth: Int = 0) -> Condition {
            let ops = ["=", "!=", "<", "<=", ">", ">="]
            switch depth >= 3 ? random.below(6) : random.below(9) {
            case 0: return .compareWhole(random.pick(ops), Int64(random.below(21)) - 10)
            case 1: return .compareCents(random.pick(ops), Int64(random.below(2_001)) - 1_000)
            case 2: return .equalText(random.pick(RandomTable.words))
            case 3: return .isNull(random.pick(["w", "d", "t"]), random.chance(0.5))
            case 4: let a = Int64(random.below(21)) - 10; return .between(a, a + Int64(random.below(8)))
            case 5: return .inTexts([random.pick(RandomTable.words), random.pick(RandomTable.words)])
            case 6: return .not(Condition.random(&random, depth: depth + 1))
            case 7: return .and(Condition.random(&random, depth: depth + 1), Condition.random(&random, depth: depth + 1))
            default: return .or(Condition.random(&random, depth: depth + 1), Condition.random(&random, depth: depth + 1))
            }
        }

        static func literal(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        static func cents(_ c: Int64) -> String { (c < 0 ? "-" : "") + "\(abs(c) / 100).\(String(format: "%02d", Int(abs(c) % 100)))" }

        var text: String {
            switch self {
            case .compareWhole(let op, let k): return "w \(op) \(k)"
            case .compareCents(let op, let c): return "d \(op) \(Self.cents(c))"
            case .equalText(let s): return "t = \(Self.literal(s))"
            case .isNull(let column, let negated): return "\(column) is \(negated ? "not " : "")null"
            case .between(let a, let b): return "w between \(a) and \(b)"
            case .inTexts(let values): return "t in (\(values.map(Self.literal).joined(separator: ", ")))"
            case .not(let c): return "not (\(c.text))"
            case .and(let a, let b): return "(\(a.text)) and (\(b.text))"
            case .or(let a, let b): return "(\(a.text)) or (\(b.text))"
            }
        }

        static func compare(_ a: Int64, _ op: String, _ b: Int64) -> Bool {
            switch op {
            case "=": return a == b
            case "!=": return a != b
            case "<": return a < b
            case "<=": return a <= b
            case ">": return a > b
            default: return a >= b
            }
        }

        /// True, false, or nil for unknown (a comparison with an empty value).
        func holds(_ t: RandomTable, _ row: Int) -> Bool? {
            switch self {
            case .compareWhole(let op, let k): return t.whole[row].map { Self.compare($0, op, k) }
            case .compareCents(let op, let c): return t.cents[row].map { Self.compare($0, op, c) }
            case .equalText(let s): return t.text[row].map { $0 == s }
            case .isNull(let column, let negated):
                let null = column == "w" ? t.whole[row] == nil : column == "d" ? t.cents[row] == nil : t.text[row] == nil
                return negated ? !null : null
            case .between(let a, let b): return t.whole[row].map { $0 >= a && $0 <= b }
            case .inTexts(let values): return t.text[row].map { values.contains($0) }
            case .not(let c): return c.holds(t, row).map { !$0 }
            case .and(let a, let b):
                let (x, y) = (a.holds(t, row), b.holds(t, row))
                if x == false || y == false { return false }
                return x == true && y == true ? true : nil
            case .or(let a, let b):
                let (x, y) = (a.holds(t, row), b.holds(t, row))
                if x == true || y == true { return true }
                return x == false && y == false ? false : nil
            }
        }
    }

    func json(_ session: Session, _ statement: String) -> [String: Any]? {
        var out = ""
        session.format = .json
        _ = session.run(Source(name: "<property>", text: statement)) { if case .result(let s) = $0 { out += s } }
        return try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
    }

    func loaded(_ table: RandomTable) throws -> (Session, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("patron-property-\(UUID().uuidString).csv").path
        try table.csv.write(toFile: path, atomically: true, encoding: .utf8)
        let session = Session(loadDemo: false)
        session.quiet = true
        _ = session.run(Source(name: "<property>", text: "load \"\(path)\" as r with columns (id integer, w integer, d decimal, t text), nulls (\"\")")) { _ in }
        return (session, path)
    }

    @Test func segmentCountsEqualARowAtATimeEvaluatorOfThreeValuedLogic() throws {
        for seed in UInt64(1)...40 {
            var random = Random(state: seed)
            let table = RandomTable(&random, rows: 40 + random.below(40))
            let (session, path) = try loaded(table)
            defer { try? FileManager.default.removeItem(atPath: path) }
            for _ in 0..<10 {
                let condition = Condition.random(&random)
                let expected = table.whole.indices.filter { condition.holds(table, $0) == true }.count
                let answer = json(session, "segment where \(condition.text)")
                #expect(answer?["count"] as? Int == expected, "seed \(seed): segment where \(condition.text)")
            }
        }
    }

    /// Cut points are the type-7 quantiles (Hyndman and Fan): h = (n − 1)p over the sorted values,
    /// interpolated between the two order statistics around it.
    @Test func cutPointsEqualTheTextbookType7Quantile() throws {
        for seed in UInt64(100)...130 {
            var random = Random(state: seed)
            let table = RandomTable(&random, rows: 5 + random.below(60))
            let (session, path) = try loaded(table)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let sorted = table.cents.compactMap { $0 }.map { Double($0) / 100 }.sorted()
            guard sorted.count >= 2 else { continue }
            let n = 2 + random.below(5)
            _ = session.run(Source(name: "<property>", text: "levels d quantiles \(n) as \((1...n).map { "l\($0)" }.joined(separator: ", "))")) { _ in }
            let segment = json(session, "segment where d = l1")
            let cuts = ((segment?["cut_points"] as? [[String: Any]])?.first?["cuts"] as? [Double]) ?? []
            let expected = (1..<n).map { k -> Double in
                let h = Double(sorted.count - 1) * Double(k) / Double(n), lo = Int(h.rounded(.down))
                return lo + 1 < sorted.count ? sorted[lo] + (h - Double(lo)) * (sorted[lo + 1] - sorted[lo]) : sorted[lo]
            }
            #expect(cuts.count == expected.count && zip(cuts, expected).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) },
                    "seed \(seed): \(cuts) against \(expected)")
        }
    }

    /// Sums are exact: the naive sum of the values, even past 2^63 (the whole numbers reach 2^62
    /// and several of them add up beyond what 64 bits hold), never a wrapped number.
    @Test func sumsEqualNaiveExactSums() throws {
        for seed in UInt64(200)...240 {
            var random = Random(state: seed)
            let table = RandomTable(&random, rows: 10 + random.below(60))
            let (session, path) = try loaded(table)
            defer { try? FileManager.default.removeItem(atPath: path) }
            var out = ""
            session.format = .json
            _ = session.run(Source(name: "<property>", text: "summarize sum(d), sum(w)")) { if case .result(let s) = $0 { out += s } }
            // The numbers as written in the JSON text, compared as exact decimals.
            guard let open = out.range(of: "\"rows\":[["), let close = out.range(of: "]]", range: open.upperBound..<out.endIndex) else {
                Issue.record("seed \(seed): no rows in \(out)"); continue
            }
            let written = out[open.upperBound..<close.lowerBound].split(separator: ",").map(String.init)
            func cents(_ text: String) -> Int128? {
                let parts = text.split(separator: ".", omittingEmptySubsequences: false)
                guard let whole = Int128(parts[0]) else { return nil }
                let fraction = parts.count > 1 ? Int128(String(parts[1]).padding(toLength: 2, withPad: "0", startingAt: 0)) ?? 0 : 0
                return whole * 100 + (text.hasPrefix("-") ? -fraction : fraction)
            }
            let d = table.cents.compactMap { $0 }, w = table.whole.compactMap { $0 }
            #expect(written.count == 2)
            #expect(written.first == "null" ? d.isEmpty : cents(written[0]) == d.reduce(Int128(0)) { $0 + Int128($1) }, "seed \(seed): sum(d) \(written)")
            #expect(written.last == "null" ? w.isEmpty : Int128(written[1]) == w.reduce(Int128(0)) { $0 + Int128($1) }, "seed \(seed): sum(w) \(written)")
        }
    }

    /// Export then load gives the same table: text with quotes, commas, line breaks, tabs, CJK and
    /// cells a spreadsheet would run as formulas (written as they are, with raw), byte for byte.
    @Test func exportThenLoadIsTheSameTable() throws {
        let cells = ["=SUM(A1:A2)", "+1", "-2 apples", "@home", "\ttabbed", "line\nbreak", "say \"hi\"", "a,b", "李娜 知己", "plain", "", "   spaced   ", "0042"]
        for seed in UInt64(300)...320 {
            var random = Random(state: seed)
            let rows = (0..<(5 + random.below(20))).map { i in (i + 1, random.pick(cells), random.pick(cells)) }
            var csv = "id,a,b\n"
            func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            for row in rows { csv += "\(row.0),\(quoted(row.1)),\(quoted(row.2))\n" }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-roundtrip-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let source = folder.appendingPathComponent("in.csv").path, first = folder.appendingPathComponent("first.csv").path
            let second = folder.appendingPathComponent("second.csv").path
            try csv.write(toFile: source, atomically: true, encoding: .utf8)
            let session = Session(loadDemo: false)
            session.quiet = true
            let columns = "with columns (id integer, a text, b text)"
            var errors = ""
            let outcome = session.run(Source(name: "<property>", text: """
                load "\(source)" as t \(columns)
                export t to "\(first)" with raw
                load "\(first)" as u \(columns)
                export u to "\(second)" with raw
                """)) { if case .diagnostic(let s) = $0 { errors += s } }
            #expect(outcome.status == .ok, "seed \(seed): \(errors)")
            let a = try Data(contentsOf: URL(fileURLWithPath: first)), b = try Data(contentsOf: URL(fileURLWithPath: second))
            #expect(a == b, "seed \(seed): the second export differs from the first")
            // And the values are the ones written.
            let values = json(session, "show u")?["rows"] as? [[Any]] ?? []
            #expect(values.count == rows.count)
            for (row, value) in zip(rows, values) {
                #expect((value[1] as? String ?? "") == row.1 && (value[2] as? String ?? "") == row.2, "seed \(seed): row \(row.0)")
            }
        }
    }

    /// Printing a parsed condition and parsing it again gives the same tree (spans aside): for every
    /// condition the script tests and examples write, and for random ones.
    @Test func printingAParsedConditionAndParsingItAgainGivesTheSameTree() throws {
        func condition(_ text: String) -> ParsedExpression? {
            let parsed = Parser.parse(Source(name: "<property>", text: "segment where " + text))
            guard parsed.diagnostics.isEmpty, case .segment(let e)? = parsed.statements.first?.kind else { return nil }
            return e
        }
        var texts: [String] = []
        for file in ScriptTests.files {
            let text = try String(contentsOf: ScriptTests.folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("segment where ") { texts.append(String(line.dropFirst("segment where ".count))) }
        }
        var random = Random(state: 400)
        for _ in 0..<300 { texts.append(Condition.random(&random).text) }
        texts += ["name = \"say \\\"hi\\\" \\\\ ok\"", "`odd name` > -3.50", "days since since > 30 days", "coalesce(channel, \"x\") in (\"a\", \"b\")",
                  "-(profit - -2) * 3 % 4 >= $limit", "name starts with \"李\" and not (profit between 1 and 2)", "profit = top 20%", "since >= 2024-01-05"]
        var checked = 0
        for text in texts {
            guard let tree = condition(text) else { continue }
            let printed = tree.text
            let again = try #require(condition(printed), "'\(text)' printed as '\(printed)' does not parse")
            #expect(again.erasingSpans == tree.erasingSpans, "'\(text)' printed as '\(printed)' parses to another tree")
            checked += 1
        }
        #expect(checked >= 300)
    }

    /// Printing a parsed statement and parsing it again gives the same tree (spans aside): for
    /// every statement the script tests, examples and lessons write, and for random statements of
    /// every form, with names that are keywords, CJK or hold spaces, strings with quotes and
    /// escapes, and random conditions.
    @Test func printingAParsedStatementAndParsingItAgainGivesTheSameTree() throws {
        var sources: [String] = []
        for file in ScriptTests.files {
            sources += try String(contentsOf: ScriptTests.folder.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").map(String.init)
        }
        let examples = TestSupport.packageRoot.appendingPathComponent("examples")
        for file in try FileManager.default.contentsOfDirectory(atPath: examples.path).sorted() where file.hasSuffix(".patron") {
            sources.append(try String(contentsOf: examples.appendingPathComponent(file), encoding: .utf8))
        }
        var random = Random(state: 19)
        for _ in 0..<600 { sources.append(Self.randomStatement(&random)) }
        var checked = 0, forms = Set<String>()
        for text in sources {
            let parsed = Parser.parse(Source(name: "<property>", text: text))
            guard parsed.diagnostics.isEmpty else { continue }
            for statement in parsed.statements {
                let printed = statement.text
                let again = Parser.parse(Source(name: "<printed>", text: printed))
                #expect(again.diagnostics.isEmpty && again.statements.count == 1, "'\(printed)' (printed from '\(text)') does not parse")
                guard let reread = again.statements.first else { continue }
                #expect(Self.shape(reread.kind) == Self.shape(statement.kind), "'\(printed)' (printed from '\(text)') parses to another tree")
                checked += 1
                forms.insert(String(String(describing: statement.kind).prefix { $0 != "(" }))
            }
        }
        #expect(checked >= 800)
        #expect(forms.count == 49, "every form of statement: \(forms.sorted())")
    }

    /// A tree's shape with its spans left out, to compare trees by what they say.
    static func shape(_ value: Any) -> String {
        if value is SourceSpan { return "_" }
        let mirror = Mirror(reflecting: value)
        guard !mirror.children.isEmpty else { return String(describing: value) }
        return "\(type(of: value))(" + mirror.children.map { ($0.label ?? "") + ":" + shape($0.value) }.joined(separator: ",") + ")"
    }

    /// A random statement: every form, names in backquotes (the printer decides when they need them).
    static func randomStatement(_ generator: inout Random) -> String {
        var random = generator
        defer { generator = random }
        let names = ["orders", "by", "count", "segments", "利润", "odd name", "top", "csv", "customer", "x1", "_y", "Sort", "sum", "load", "as"]
        func n() -> String { "`" + random.pick(names) + "`" }
        func s() -> String { random.pick(["\"a \\\"b\\\" \\\\ c\"", "\"李 n\\n\"", "\"\"", "'single \\' quote'", "\"tab\\there\""]) }
        func c() -> String { Condition.random(&random).text }
        func e() -> String { random.pick(["1", "-2.5", "- 3", "$x", "2024-01-31", "`利润` * 2 - (1 + `by`)", "-(`x1`)", "30 days", "- 5 days"]) }
        let forms: [() -> String] = [
            { "segment where \(c())" }, { "define segment \(n()) as \(c())" }, { "crosstab \(n()) by \(n()) where \(c())" },
            { "summarize count, sum(\(n())), avg(\(e())) by \(n()), \(n()) where \(c()) sort by sum(\(n())) desc top 3" },
            { "summarize count by \(n()) top 5 by \(n())" }, { "summarize median(\(n())) sort by \(n()) asc" }, { "summarize \(n())" }, { "summarize" },
            { "count \(n()) by \(n()), \(n())" }, { "count by \(n())" }, { "count" }, { "show \(n()) top 3 by \(n())" }, { "show top 0 by \(n())" }, { "show" },
            { "show \(n()), *, \(n()) of \(n()) where \(c()) top 2 by \(n())" }, { "show \(n()) where \(c())" }, { "export \(n()), \(n()) of \(n()) to \(s())" },
            { "add \(n()) = \(e()) to \(n())" }, { "add \(n()) = \(c())" },
            { "attach \(n()) as \(n()), * from \(n()) by \(n()) = \(n()), \(n()) to \(n()) keep unmatched" }, { "attach * from \(n()) by \(n()) drop unmatched" },
            { "load \(s()) as \(n()) with delimiter \";\", header false, columns (\(n()) text, \(n()) date \"dd/MM/yyyy\"), nulls (\"NA\", \(s())), on_error skip" },
            { "load \(n()).\(n()).\(n()) as \(n()) with wide_numeric text" }, { "load \(n()).\(n())" }, { "load from \(n()) query \(s()) as \(n())" },
            { "use \(n()).\(n()) as \(n())" }, { "use \(n())" }, { "describe \(n())" }, { "describe" },
            { "export \(n()) to \(s()) as csv with raw" }, { "export \(n()) to \(n()).\(n()).\(n()) replace" }, { "export \(n()) to \(n()).\(n())" },
            { "customers from \(n()) by \(n()) as of \(e()) with amount = \(e()), profit = \(e()) only \(n()), \(n()) into \(n())" },
            { "customers from \(n()) by \(n())" },
            { "levels \(n()) quantiles 3 as \(n()), \(n()), \(n())" }, { "levels \(n()) at \(e()), \(e()) as \(n()), \(n()), \(n())" },
            { "let \(n()) = \(e())" }, { "matrix \(n()) by \(n()) at \(e()), \(e())" }, { "matrix \(n()) by \(n()) split median" },
            { "pareto \(n()) at 0.8, 0.95" }, { "tiers \(n())" }, { "rfm" }, { "rfm bins 4" }, { "rfm segments \(n())" }, { "rfm rule \(n()) where \(c())" },
            { "check segments" }, { "transitions from \(e()) to \(e()) by \(n())" },
            { "clv model \(n()) until \(e()) unit \(n()) with margin = \(e()), horizon = 12 months" }, { "clv" },
            { "what if retention + \(e()) points over \(e()) years" }, { "what if retention + 5 points" },
            { "cohorts by \(n()) of \(n())" }, { "cohorts" }, { "set \(n()) \(n())" }, { "lifecycle windows \(e()), \(e()), \(e())" }, { "lifecycle" },
            { "explain customer \(s())" }, { "explain customer 42" }, { "explain \(n())" }, { "help \(n())" }, { "help" },
            { "include \(s())" }, { "save session to \(s())" }, { "report to \(s()) title \(s()) from \(s())" }, { "report to \(s())" },
            { "lesson \(n())" }, { "lesson \(s())" }, { "lesson" }, { "say \(s())" }, { "pause" }, { "quit" }, { "exit" },
            { "connect \(n()) to \(n()) \(s())" }, { "disconnect \(n())" }, { "show segments" }, { "show levels" }, { "show connections" },
            { "drop segment \(n())" }, { "sql \(n()) segment where \(c())" }, { "sql summarize count by \(n())" },
        ]
        let form = random.pick(forms)
        return form()
    }
}
