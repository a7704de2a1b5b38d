import Foundation
import PatronAnalysis
@testable import PatronDriver
import PatronRender
import PatronStore
import PatronSyntax
import Testing

/// Chinese that a class reads as Chinese (issue 25, item 14): every statement kind, every help
/// topic, every lesson and every error of the script tests, run in Chinese, has no English word
/// outside data, names the user typed, code (the language's own words, quoted statements, file
/// names) and a short list of terms kept as they are.
@Suite(.serialized)
struct ChineseTests {
    /// Terms a Chinese text keeps in Latin letters: names of models, methods, formats and people.
    static let keptTerms: Set<String> = [
        "RFM", "CLV", "BG", "NBD", "SQL", "ABC", "JSON", "CSV", "TSV", "HTML", "PDF", "UTF", "BOM", "ISO", "ID", "IDs", "Pareto", "Gamma",
        "PostgreSQL", "DuckDB", "Spark", "Trino", "BigQuery", "Snowflake", "Redshift", "Excel", "Markdown", "Lines", "patron", "Ctrl", "Tab", "Enter",
        "Esc", "Fader", "Hardie", "Lee", "Schmittlein", "Morrison", "Colombo", "Putler", "Reinartz", "Kumar", "HBR", "Hyndman", "Fan", "Nelder", "Mead",
        "Newton", "Hessian", "Poisson", "Pearson", "WCAG", "AA", "PATRON", "LANG", "NO", "COLOR", "HOME", "PGPASSWORD", "PGOPTIONS", "psql", "libpq",
        "conninfo", "pgpass", "editrc", "libedit", "emacs", "vi", "TERM", "LC", "ALL", "ASCII", "Unicode", "CJK", "URI", "TLS", "SSL", "SQLSTATE",
        "EX", "sysexits", "yyyy", "MM", "dd", "HH", "mm", "ss", "SSS", "yyyyMMdd", "NA", "NaN", "true", "false", "null", "NULL", "T1", "T3", "VIP",
        "Amazon", "Prime", "Tesco", "JD", "Tmall", "Porter", "Klaviyo", "lifetimes", "scipy", "numpy", "R", "F", "M", "A", "B", "C", "x", "p", "q", "r",
        "s", "a", "b", "n", "t", "k", "T", "e", "g", "d", "z", "tₓ", "α", "β", "γ", "Y", "E", "P", "ln", "exp", "log", "max", "min", "CSS", "SVG", "API",
        // The matrix's names as the article gives them, beside the Chinese; P(alive); servers and their types.
        "True", "Friends", "Butterflies", "Barnacles", "Strangers", "alive", "Citus", "CockroachDB", "YugabyteDB", "postgresql", "double",
        "numeric", "real", "uuid", "bigint", "varchar",
    ]

    /// Words of the language itself: statement words, the grammar's keywords, function names.
    static let codeWords: Set<String> = {
        var words = Set(Parser.statementWords)
        let grammar = (try? String(contentsOf: TestSupport.packageRoot.appendingPathComponent("grammar/patron.ebnf"), encoding: .utf8)) ?? ""
        let quoted = try! NSRegularExpression(pattern: #""([A-Za-z_]+)""#)
        for match in quoted.matches(in: grammar, range: NSRange(grammar.startIndex..., in: grammar)) {
            if let range = Range(match.range(at: 1), in: grammar) { words.insert(String(grammar[range])) }
        }
        words.formUnion(BuiltinFunction.allCases.map(\.rawValue))
        words.formUnion(Help.topics.map(\.name))
        words.formUnion(["low", "medium", "high", "none", "top", "bottom", "new", "active", "warm", "cold", "lapsed", "bgnbd", "pareto_nbd", "putler",
                         "custom", "rfm", "en", "zh", "weeks", "days", "months", "month", "quarter", "week", "year", "years", "revenue", "customers", "profit",
                         "postgres", "duckdb", "spark", "trino", "bigquery", "snowflake", "raw", "skip", "tab", "whitespace", "integer", "decimal", "text",
                         "boolean", "date", "timestamp", "back", "quit", "next", "median", "terciles", "quintiles", "quartiles", "deciles",
                         // The derived customer table's columns, and the options of load, clv, set and connect.
                         "recency", "frequency", "monetary", "aov", "tenure", "loyalty", "channels", "amount", "revenue", "sales", "total", "value",
                         "margin", "discount", "horizon", "language", "timer", "on", "off", "delimiter", "header", "thousands", "nulls", "columns",
                         "json", "jsonl", "ndjson", "csv", "tsv", "md", "markdown", "host", "port", "user", "dbname", "password", "sslmode", "alpha", "beta",
                         "gamma", "id", "cutoff"])
        words.formUnion(Lessons.all.map(\.name))
        return words
    }()

    /// The English words of `text` that are none of: kept terms, code words, names in `names`,
    /// quoted text ('…', "…", `…`), identifiers (with _ or digits), upper-case placeholders, paths
    /// and addresses, statements echoed by a lesson (› …) or shown after a prompt.
    static func englishWords(in text: String, names: Set<String>) -> [String] {
        var found: [String] = []
        for rawLine in text.split(separator: "\n") {
            var line = String(rawLine)
            if line.hasPrefix("› ") || line.hasPrefix("patron>") || line.contains("patron run") { continue }
            // A hint that is a statement or a condition to type is code.
            if line.hasPrefix("提示："), case let hint = String(line.dropFirst(3)),
               Parser.parse(Source(name: "", text: hint)).diagnostics.isEmpty || Parser.parse(Source(name: "", text: "segment where " + hint)).diagnostics.isEmpty { continue }
            // Quoted code and names; a caret line's source line (gutter `N | `) is the user's own text.
            if line.range(of: #"^\s*\d*\s*\|"#, options: .regularExpression) != nil { continue }
            for pattern in [#"\w+://[^）)\s]+"#, #"--[a-z-]+"#, #"[\w./-]+\.(csv|tsv|txt|jsonl?|patron|html|xlsx|parquet|md)\b"#, #"\b\w+(\.\w+)+\b"#, #"'[^']*'"#, #""[^"]*""#, #"`[^`]*`"#, #"\$\w+"#,
                            #"\b[\w.-]+@[\w.-]+"#, #"\b\w+\("#] {
                line = line.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
            }
            let words = try! NSRegularExpression(pattern: #"[A-Za-z][A-Za-z_0-9ₓ]*"#)
            for match in words.matches(in: line, range: NSRange(line.startIndex..., in: line)) {
                guard let range = Range(match.range, in: line) else { continue }
                let word = String(line[range])
                if keptTerms.contains(word) || codeWords.contains(word.lowercased()) || names.contains(word) { continue }
                if word.contains("_") || word.contains(where: \.isNumber) || word.count == 1 { continue }
                if word == word.uppercased() && word.count > 1 { continue }
                found.append(word)
            }
        }
        return found
    }

    /// The names and text values a session holds: they are the data's, not patron's words.
    static func names(in session: Session) -> Set<String> {
        var names = Set<String>()
        for table in session.catalog.tables.values {
            names.insert(table.name)
            for column in table.columns {
                names.insert(column.name)
                for word in column.name.split(whereSeparator: { !$0.isLetter }) { names.insert(String(word)) }
                if case .text(_, let dictionary) = column.storage, dictionary.count <= 5_000 {
                    for value in dictionary { for word in value.split(whereSeparator: { !$0.isLetter }) { names.insert(String(word)) } }
                }
            }
        }
        names.formUnion(session.catalog.segments.keys)
        for rule in session.catalog.rfmRules { names.insert(rule.name) }
        return names
    }

    /// Runs statements in a Chinese session; returns what a person reads, with the session's names.
    static func chinese(_ statements: [String], session: Session = Session(), names: inout Set<String>) -> [(statement: String, text: String)] {
        _ = FileManager.default.changeCurrentDirectoryPath(TestSupport.packageRoot.path)
        session.language = .zh
        return statements.map { statement in
            defer { names.formUnion(Self.names(in: session)) }
            var printed: [String] = []
            _ = session.run(Source(name: "<课堂>", text: statement)) { output in
                switch output {
                case .result(let s), .diagnostic(let s), .note(let s): printed.append(s)
                }
            }
            session.language = .zh
            return (statement, printed.joined(separator: "\n"))
        }
    }

    /// The words of statements: the names a user typed are theirs, not patron's.
    static func typed(_ text: String) -> Set<String> {
        Set(Lexer.tokenize(Source(name: "", text: text)).tokens.filter { $0.kind == .word || $0.kind == .string || $0.kind == .variable }.flatMap { $0.text.split(whereSeparator: { !$0.isLetter }).map(String.init) })
    }

    static func report(_ outputs: [(statement: String, text: String)], names: Set<String>) -> [String] {
        outputs.compactMap { statement, text in
            let english = englishWords(in: text, names: names.union(typed(statement)))
            return english.isEmpty ? nil : "\(statement): \(Array(Set(english)).sorted().joined(separator: ", "))"
        }
    }

    @Test func everyStatementKindReadsInChinese() {
        var names = Set<String>()
        let outputs = Self.chinese(PresentationTests.statements, names: &names)
        let problems = Self.report(outputs, names: names)
        #expect(problems.isEmpty, "\(problems.count) outputs with English:\n\(problems.joined(separator: "\n"))")
    }

    @Test func everyHelpTopicReadsInChinese() {
        var names = Set<String>()
        let outputs = Self.chinese(["help"] + Help.topics.map { "help \($0.name)" }, names: &names)
        // A topic's usage and example are code: their words are the user's to type.
        let code = Help.topics.reduce(into: names) { $0.formUnion(Self.typed($1.example)) }
        let problems = Self.report(outputs, names: code)
        #expect(problems.isEmpty, "\(problems.count) topics with English:\n\(problems.joined(separator: "\n"))")
    }

    @Test func everyLessonReadsInChinese() {
        var names = Set<String>()
        let outputs = Self.chinese(["lesson"] + Lessons.all.map { "lesson \($0.name)" }, names: &names)
        let typed = Lessons.all.reduce(into: names) { $0.formUnion(Self.typed($1.script(.zh).split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("say") }.joined(separator: "\n"))) }
        let problems = Self.report(outputs, names: typed)
        #expect(problems.isEmpty, "\(problems.count) lessons with English:\n\(problems.joined(separator: "\n"))")
    }

    @Test func everyErrorOfTheScriptTestsReadsInChinese() throws {
        var problems: [String] = []
        for file in ScriptTests.files {
            let text = try String(contentsOf: ScriptTests.folder.appendingPathComponent(file), encoding: .utf8)
            let session = Session()
            var names = Set<String>()
            for block in ScriptTestFile.parse(text) {
                let outputs = Self.chinese([block.statements], session: session, names: &names)
                guard block.kind == .error else { continue }
                problems += Self.report(outputs, names: names).map { "\(file):\(block.line): \($0)" }
            }
        }
        #expect(problems.isEmpty, "\(problems.count) errors with English:\n\(problems.joined(separator: "\n"))")
    }

    /// Level words are code in a condition, but a table of levels shows a Chinese reader 低 中 高.
    @Test func levelsShowInChineseInTables() {
        var names = Set<String>()
        let text = Self.chinese(["explain customer 11001"], names: &names)[0].text
        #expect(text.contains("│ 高 ") || text.contains("│ 低 ") || text.contains("│ 中 "), "\(text)")
        #expect(!text.contains("│ high ") && !text.contains("│ low ") && !text.contains("│ medium "), "\(text)")
    }

    @Test func theFinderFindsEnglish() {
        #expect(Self.englishWords(in: "错误：此处应为a metric, a segment, or 'customer ID' to explain，却遇到输入的结尾", names: []).contains("metric"))
        #expect(Self.englishWords(in: "'demo' 中的 profit（decimal）：消费额", names: ["profit", "demo"]).isEmpty)
    }
}
