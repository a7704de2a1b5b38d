/// The result of parsing a source: the statements that parsed and one diagnostic per bad statement.
public struct ParseResult: Sendable {
    /// Statements that parsed, in order.
    public var statements: [ParsedStatement]
    /// Lexical and syntax errors, in order.
    public var diagnostics: [Diagnostic]

    /// True when the only problem is that the input ended too soon.
    public var isIncomplete: Bool { diagnostics.contains { $0.isIncomplete } }
}

/// A recursive-descent parser; each rule's function carries its production from `grammar/patron.ebnf`.
public struct Parser {
    /// The statement words, in the order `help` lists them.
    public static let statementWords = ["load", "use", "describe", "summarize", "count", "show", "segment", "define", "drop",
                                         "levels", "let", "add", "attach", "crosstab", "customers", "explain", "matrix", "pareto", "tiers", "rfm", "check", "lifecycle", "transitions", "clv", "cohorts", "what", "export", "include", "save", "report", "lesson", "say", "pause", "set", "connect", "disconnect", "sql", "help", "quit", "exit"]
    /// Words reserved inside expressions (write such a column in backquotes).
    public static let expressionKeywords: Set<String> = ["and", "or", "not", "true", "false", "null", "in", "between", "is", "contains", "starts"]
    /// How deeply conditions may nest before the parser refuses.
    public static let nestingLimit = 256

    private var tokens: [Token]
    private var index = 0
    private var depth = 0

    /// Parses a whole source into statements, reporting the first error of each bad statement.
    public static func parse(_ source: Source) -> ParseResult {
        let (tokens, lexical) = Lexer.tokenize(source)
        var parser = Parser(tokens: tokens)
        var result = parser.parseScript()
        // A lexical error is reported instead of the syntax error it causes on the same statement.
        if !lexical.isEmpty {
            result.diagnostics = mergeByStatement(lexical: lexical, syntax: result.diagnostics, tokens: tokens)
            let bad = Set(result.diagnostics.map { statementIndex(of: $0.span.start, tokens: tokens) })
            result.statements.removeAll { bad.contains(statementIndex(of: $0.span.start, tokens: tokens)) }
        }
        return result
    }

    /// Whether `source`, ended by a newline, is a complete input: the REPL asks for more lines when
    /// it is not, exactly where a script would read on (open brackets, trailing operators).
    public static func isComplete(_ source: Source) -> Bool {
        !parse(Source(name: source.name, text: source.text + "\n", firstLine: source.firstLine)).isIncomplete
    }

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    // MARK: Statements

    /// script → { [ statement ] , ( NEWLINE | ";" ) } , END
    private mutating func parseScript() -> ParseResult {
        var statements: [ParsedStatement] = []
        var diagnostics: [Diagnostic] = []
        while current.kind != .endOfInput {
            if current.kind == .newline || current.kind == .semicolon {
                advance()
                continue
            }
            let before = index
            do throws(Diagnostic) {
                let statement = try parseStatement()
                if !current.endsStatement {
                    throw Diagnostic("unexpected '\(current.text)' after the end of the statement", at: current.span,
                                     hints: ["end the statement with a newline or ';' before starting another"])
                }
                statements.append(statement)
            } catch {
                diagnostics.append(error)
                synchronize()
            }
            precondition(index > before, "the parser must make progress")
        }
        return ParseResult(statements: statements, diagnostics: diagnostics)
    }

    /// Skips to the next statement boundary so one mistake gives one error.
    private mutating func synchronize() {
        while !current.endsStatement { advance() }
        if current.kind != .endOfInput { advance() }
    }

    /// statement → loadStatement | useStatement | describeStatement | summarizeStatement | countStatement | crosstabStatement | showStatement |
    ///             segmentStatement | defineStatement | dropStatement | levelsStatement | letStatement | addStatement | attachStatement | customersStatement | explainStatement |
    ///             matrixStatement | paretoStatement | tiersStatement | rfmStatement | checkStatement | lifecycleStatement | setStatement |
    ///             transitionsStatement | clvStatement | cohortsStatement | whatStatement | exportStatement | includeStatement | saveStatement | reportStatement |
    ///             lessonStatement | sayStatement | pauseStatement | connectStatement | disconnectStatement | sqlStatement | helpStatement | quitStatement
    private mutating func parseStatement() throws(Diagnostic) -> ParsedStatement {
        let verb = current
        guard verb.kind == .word else {
            throw Diagnostic("expected a statement, found \(describe(verb))", at: verb.span,
                             hints: ["statements start with a word such as \(Self.statementWords.prefix(6).map { "'\($0)'" }.joined(separator: ", "))"],
                             isIncomplete: verb.kind == .endOfInput)
        }
        let start = verb.span.start
        advance()
        let kind: ParsedStatementKind
        switch verb.text.lowercased() {
        case "load": kind = try parseLoadStatement()
        case "export": kind = try parseExportStatement()
        case "include": kind = try parseIncludeStatement()
        case "save": kind = try parseSaveStatement()
        case "report": kind = try parseReportStatement()
        case "lesson": kind = try parseLessonStatement()
        case "say": kind = try parseSayStatement()
        case "pause": kind = parsePauseStatement()
        case "use": kind = try parseUseStatement()
        case "describe": kind = parseDescribeStatement()
        case "summarize": kind = try parseSummarizeStatement()
        case "count": kind = try parseCountStatement()
        case "crosstab": kind = try parseCrosstabStatement()
        case "customers": kind = try parseCustomersStatement()
        case "explain": kind = try parseExplainStatement()
        case "matrix": kind = try parseMatrixStatement()
        case "pareto": kind = try parseParetoStatement()
        case "tiers": kind = try parseTiersStatement()
        case "rfm": kind = try parseRfmStatement()
        case "transitions": kind = try parseTransitionsStatement()
        case "clv": kind = try parseClvStatement()
        case "cohorts": kind = try parseCohortsStatement()
        case "what": kind = try parseWhatStatement()
        case "set": kind = try parseSetStatement()
        case "lifecycle": kind = try parseLifecycleStatement()
        case "check": kind = try parseCheckStatement()
        case "let": kind = try parseLetStatement()
        case "add": kind = try parseAddStatement()
        case "attach": kind = try parseAttachStatement()
        case "levels": kind = try parseLevelsStatement()
        case "define": kind = try parseDefineStatement()
        case "drop": kind = try parseDropStatement()
        case "show": kind = try parseShowStatement()
        case "segment": kind = try parseSegmentStatement()
        case "sql": kind = try parseSqlStatement()
        case "connect": kind = try parseConnectStatement()
        case "disconnect": kind = try parseDisconnectStatement()
        case "help": kind = parseHelpStatement()
        case "quit", "exit": kind = parseQuitStatement()
        default:
            var hints: [String] = []
            if ["and", "or"].contains(verb.text.lowercased()) {
                hints.append("a condition continues on the next line only when this one ends with 'and', 'or', an operator or an open bracket")
            } else if let near = Suggestion.closest(to: verb.text, in: Self.statementWords) {
                hints.append("did you mean '\(near)'?")
            }
            hints.append("type 'help' for the list of statements")
            throw Diagnostic("unknown statement '\(verb.text)'", at: verb.span, hints: hints)
        }
        return ParsedStatement(kind: kind, span: SourceSpan(start, tokens[max(index - 1, 0)].span.end))
    }

    /// includeStatement → "include" , STRING
    private mutating func parseIncludeStatement() throws(Diagnostic) -> ParsedStatementKind {
        let path = try expectPath("a script path in quotes after 'include'", example: "include \"common.patron\"")
        return .include(path: path.text, pathSpan: path.span)
    }

    /// saveStatement → "save" , "session" , "to" , STRING
    private mutating func parseSaveStatement() throws(Diagnostic) -> ParsedStatementKind {
        try expectKeyword("session", "'session' after 'save'", hints: ["save session to \"lesson.patron\""])
        try expectKeyword("to", "'to' and a file path", hints: ["save session to \"lesson.patron\""])
        let path = try expectPath("a file path in quotes", example: "save session to \"lesson.patron\"")
        return .saveSession(path: path.text, pathSpan: path.span)
    }

    /// reportStatement → "report" , "to" , STRING , [ "title" , STRING ] , [ "from" , STRING ]
    private mutating func parseReportStatement() throws(Diagnostic) -> ParsedStatementKind {
        let example = "report to \"class.html\" title \"Who our customers are\""
        try expectKeyword("to", "'to' and an HTML file path", hints: [example])
        let path = try expectPath("an HTML file path in quotes after 'to'", example: example)
        var title: String? = nil, script: Token? = nil
        if current.isKeyword("title") {
            advance()
            title = try expectPath("the title in quotes after 'title'", example: example).text
        }
        if current.isKeyword("from") {
            advance()
            script = try expectPath("a script path in quotes after 'from'", example: "report to \"nightly.html\" from \"nightly.patron\"")
        }
        return .report(path: path.text, pathSpan: path.span, title: title, script: script?.text, scriptSpan: script?.span)
    }

    /// lessonStatement → "lesson" , [ name | STRING ]
    private mutating func parseLessonStatement() throws(Diagnostic) -> ParsedStatementKind {
        if current.kind == .string {
            let path = current
            advance()
            return .lesson(nil, path: path.text, pathSpan: path.span)
        }
        return .lesson(parseName(), path: nil, pathSpan: nil)
    }

    /// sayStatement → "say" , STRING
    private mutating func parseSayStatement() throws(Diagnostic) -> ParsedStatementKind {
        .say(try expectPath("the words in quotes after 'say'", example: "say \"Butterflies buy much, but seldom.\"").text)
    }

    /// pauseStatement → "pause"
    private func parsePauseStatement() -> ParsedStatementKind { .pause }

    /// useStatement → "use" , ( serverTable , [ "as" , name ] | name )
    private mutating func parseUseStatement() throws(Diagnostic) -> ParsedStatementKind {
        guard (current.kind == .word || current.kind == .quotedIdentifier) && peek.isSymbol(".") else {
            return .use(try expectName("a table name after 'use'"))
        }
        let table = try parseServerTable()
        var alias: Name? = nil
        if current.isKeyword("as") {
            advance()
            alias = try expectName("a table name after 'as'")
        }
        return .useServer(table, alias: alias)
    }

    /// describeStatement → "describe" , [ name ]
    private mutating func parseDescribeStatement() -> ParsedStatementKind {
        .describe(parseName())
    }

    /// explainStatement → "explain" , ( "customer" , unary | name )
    private mutating func parseExplainStatement() throws(Diagnostic) -> ParsedStatementKind {
        if current.isKeyword("customer") && (peek.kind == .number || peek.kind == .string || peek.kind == .variable) {
            advance()
            return .explainCustomer(try parseUnary())
        }
        return .explain(try expectName("a metric, a segment, or 'customer ID' to explain"))
    }

    /// paretoStatement → "pareto" , name , [ "at" , additive , "," , additive ]
    private mutating func parseParetoStatement() throws(Diagnostic) -> ParsedStatementKind {
        let metric = try expectName("a metric after 'pareto'")
        return .pareto(metric, cuts: try parseCutList())
    }

    /// tiersStatement → "tiers" , name
    private mutating func parseTiersStatement() throws(Diagnostic) -> ParsedStatementKind {
        .tiers(try expectName("a metric after 'tiers'"))
    }

    /// transitionsStatement → "transitions" , "from" , additive , "to" , additive , [ "by" , name ]
    private mutating func parseTransitionsStatement() throws(Diagnostic) -> ParsedStatementKind {
        try expectKeyword("from", "'from' and a date after 'transitions'", hints: ["transitions from 2024-06-30 to 2024-12-31"])
        let from = try parseAdditive()
        try expectKeyword("to", "'to' and a second date", hints: ["transitions from 2024-06-30 to 2024-12-31"])
        let to = try parseAdditive()
        var by: Name? = nil
        if current.isKeyword("by") {
            advance()
            by = try expectName("a segmentation after 'by' (lifecycle)")
        }
        return .transitions(from, to, by: by)
    }

    /// clvStatement → "clv" , [ "model" , name ] , [ "until" , additive ] , [ "unit" , name ] , [ "with" , modelOption , { "," ,
    ///                modelOption } ]
    private mutating func parseClvStatement() throws(Diagnostic) -> ParsedStatementKind {
        var model: Name? = nil, until: ParsedExpression? = nil, unit: Name? = nil, options: [ParsedModelOption] = []
        if current.isKeyword("model") {
            advance()
            model = try expectName("a model after 'model' (bgnbd or pareto_nbd)")
        }
        if current.isKeyword("until") {
            advance()
            until = try parseAdditive()
        }
        if current.isKeyword("unit") {
            advance()
            unit = try expectName("a time unit after 'unit' (days or weeks)")
        }
        if current.isKeyword("with") {
            advance()
            options.append(try parseModelOption())
            while current.isSymbol(",") {
                advance()
                options.append(try parseModelOption())
            }
        }
        return .clv(model: model, until: until, unit: unit, options: options)
    }

    /// cohortsStatement → "cohorts" , [ "by" , name ] , [ "of" , name ]
    private mutating func parseCohortsStatement() throws(Diagnostic) -> ParsedStatementKind {
        var by: Name? = nil, of: Name? = nil
        if current.isKeyword("by") {
            advance()
            by = try expectName("a period after 'by' (month, quarter or week)")
        }
        if current.isKeyword("of") {
            advance()
            of = try expectName("what to follow after 'of' (customers, revenue or profit)")
        }
        return .cohorts(by: by, of: of)
    }

    /// whatStatement → "what" , "if" , "retention" , "+" , multiplicative , "points" , [ "over" , multiplicative , "years" ]
    private mutating func parseWhatStatement() throws(Diagnostic) -> ParsedStatementKind {
        let hint = ["what if retention + 5 points over 5 years"]
        try expectKeyword("if", "'if' after 'what'", hints: hint)
        try expectKeyword("retention", "'retention' after 'what if'", hints: hint)
        guard current.isSymbol("+") else { throw expected("'+' and the points of retention to add", hints: hint) }
        advance()
        let points = try parseMultiplicative()
        try expectKeyword("points", "'points' after the number", hints: hint)
        var years: ParsedExpression? = nil
        if current.isKeyword("over") {
            advance()
            years = try parseMultiplicative()
            try expectKeyword("years", "'years' after the number", hints: hint)
        }
        return .whatIf(points: points, years: years)
    }

    /// modelOption → name , "=" , additive , [ name ]
    private mutating func parseModelOption() throws(Diagnostic) -> ParsedModelOption {
        let name = try expectName("an option (margin, discount or horizon)")
        guard current.isSymbol("=") else { throw expected("'=' and a value after '\(name.text)'", hints: ["clv with margin = 0.3, discount = 0.01, horizon = 12 months"]) }
        advance()
        let value = try parseAdditive()
        var unit: Name? = nil
        if current.kind == .word, !current.isKeyword("with") { unit = try expectName("a unit") }
        return ParsedModelOption(name: name, value: value, unit: unit)
    }

    /// setStatement → "set" , name , name
    private mutating func parseSetStatement() throws(Diagnostic) -> ParsedStatementKind {
        let setting = try expectName("a setting after 'set' (language)")
        return .set(setting, try expectName("a value for '\(setting.text)'"))
    }

    /// lifecycleStatement → "lifecycle" , [ "windows" , additive , "," , additive , "," , additive ]
    private mutating func parseLifecycleStatement() throws(Diagnostic) -> ParsedStatementKind {
        guard current.isKeyword("windows") else { return .lifecycle(windows: []) }
        advance()
        var windows = [try parseAdditive()]
        while current.isSymbol(",") {
            advance()
            windows.append(try parseAdditive())
        }
        return .lifecycle(windows: windows)
    }

    /// checkStatement → "check" , "segments"
    private mutating func parseCheckStatement() throws(Diagnostic) -> ParsedStatementKind {
        try expectKeyword("segments", "'segments' after 'check'", hints: ["check segments"])
        return .checkSegments
    }

    /// dropStatement → "drop" , "segment" , name
    private mutating func parseDropStatement() throws(Diagnostic) -> ParsedStatementKind {
        try expectKeyword("segment", "'segment' and a name after 'drop'", hints: ["drop segment butterflies"])
        return .dropSegment(try expectName("the name of the segment to drop"))
    }

    /// helpStatement → "help" , [ name ]
    private mutating func parseHelpStatement() -> ParsedStatementKind {
        .help(parseName())
    }

    /// quitStatement → "quit" | "exit"
    private func parseQuitStatement() -> ParsedStatementKind {
        .quit
    }

    /// The options `load … with` accepts.
    public static let loadOptionNames = ["delimiter", "header", "columns", "nulls", "on_error", "thousands", "decimal", "date_format", "wide_numeric"]

    /// loadStatement → "load" , ( STRING | serverTable | "from" , name , "query" , STRING ) , [ "as" , name ] , [ "with" , loadOption , { "," ,
    ///                 loadOption } ]
    private mutating func parseLoadStatement() throws(Diagnostic) -> ParsedStatementKind {
        var server: ParsedServerSource? = nil
        var path: Token? = nil
        if current.kind == .string {
            path = current
            advance()
        } else if current.isKeyword("from") && (peek.kind == .word || peek.kind == .quotedIdentifier) {
            advance()
            let connection = try expectName("a connection name after 'from'")
            try expectKeyword("query", "'query' and the SQL in quotes", hints: ["load from warehouse query \"SELECT * FROM orders\" as orders"])
            guard current.kind == .string else {
                throw expected("the query in quotes after 'query'", hints: ["load from \(connection.text) query \"SELECT * FROM orders\" as orders"])
            }
            server = .query(connection: connection, sql: current.text, span: current.span)
            advance()
        } else if current.kind == .word || current.kind == .quotedIdentifier, peek.isSymbol("."), !looksLikeFileName {
            server = .table(try parseServerTable())
        } else if looksLikeFileName {
            let name = tokens[index].text + "." + tokens[index + 2].text
            throw expected("a file path in quotes after 'load'", hints: ["put the path in quotes: load \"\(name)\""])
        } else {
            throw expected("a file path in quotes, or a server table (CONNECTION.SCHEMA.TABLE) after 'load'",
                           hints: ["load \"orders.csv\" as orders", "load warehouse.public.orders as orders"])
        }
        var alias: Name? = nil
        if current.isKeyword("as") {
            advance()
            alias = try expectName("a table name after 'as'")
        }
        var options: [ParsedLoadOption] = []
        if current.isKeyword("with") {
            advance()
            options.append(try parseLoadOption())
            while current.isSymbol(",") {
                advance()
                options.append(try parseLoadOption())
            }
        }
        if let server { return .loadServer(server, alias: alias, options: options) }
        guard let path else { throw expected("a file path in quotes after 'load'", hints: ["load \"orders.csv\" as orders"]) }
        return .load(path: path.text, pathSpan: path.span, alias: alias, options: options)
    }

    /// Whether the tokens ahead are a file name written without quotes (`orders.csv`), not a server table.
    private var looksLikeFileName: Bool {
        guard index + 2 < tokens.count, tokens[index + 2].kind == .word else { return false }
        let extensions: Set<String> = ["csv", "tsv", "txt", "tab", "jsonl", "ndjson", "json", "dat"]
        return extensions.contains(tokens[index + 2].text.lowercased()) && !(index + 3 < tokens.count && tokens[index + 3].isSymbol("."))
    }

    /// serverTable → name , "." , name , [ "." , name ]
    private mutating func parseServerTable() throws(Diagnostic) -> ParsedServerTable {
        let start = current.span.start
        let connection = try expectName("a connection name")
        try expectSymbol(".", "'.' after the connection name", hints: ["warehouse.public.orders"])
        let first = try expectName("a schema or table name after '.'")
        guard current.isSymbol(".") else { return ParsedServerTable(connection: connection, schema: nil, table: first, span: span(from: start)) }
        advance()
        let table = try expectName("a table name after '\(first.text).'")
        return ParsedServerTable(connection: connection, schema: first, table: table, span: span(from: start))
    }

    /// sqlStatement → "sql" , [ name ] , statement
    private mutating func parseSqlStatement() throws(Diagnostic) -> ParsedStatementKind {
        var dialect: Name? = nil
        if (current.kind == .word || current.kind == .quotedIdentifier), !Self.statementWords.contains(current.text.lowercased()) { dialect = parseName() }
        // One statement to compile: `sql sql …` would nest without end (the parser recurses per 'sql').
        if current.isKeyword("sql") {
            throw Diagnostic("'sql' compiles one statement, not another 'sql'", at: current.span, hints: ["sql duckdb segment where profit = high and loyalty = low"])
        }
        return .sql(dialect: dialect, try parseStatement())
    }

    /// connectStatement → "connect" , name , "to" , name , STRING
    private mutating func parseConnectStatement() throws(Diagnostic) -> ParsedStatementKind {
        let example = "connect warehouse to postgres \"host=localhost dbname=shop\""
        let name = try expectName("a name for the connection after 'connect'")
        try expectKeyword("to", "'to' and the kind of server", hints: [example])
        let driver = try expectName("the kind of server after 'to' (postgres)")
        guard current.kind == .string else { throw expected("the connection string in quotes", hints: [example, "connect warehouse to postgres \"postgresql://me@db.example.com/shop\""]) }
        let conninfo = current
        advance()
        return .connect(name, driver: driver, conninfo: conninfo.text, conninfoSpan: conninfo.span)
    }

    /// disconnectStatement → "disconnect" , name
    private mutating func parseDisconnectStatement() throws(Diagnostic) -> ParsedStatementKind {
        .disconnect(try expectName("the name of the connection after 'disconnect'"))
    }

    /// exportStatement → "export" , [ shownColumn , { "," , shownColumn } , "of" ] , name , "to"
    ///                   , ( STRING , [ "as" , name ] , [ "with" , "raw" ] | serverTable , [ "replace" | "append" ] )
    private mutating func parseExportStatement() throws(Diagnostic) -> ParsedStatementKind {
        let listed = try parseCommaList { (p: inout Parser) throws(Diagnostic) in try p.parseShownColumn() }
        var what = listed[0], columns: [Name]? = nil
        if listed.count > 1 || current.isKeyword("of") || what.text == "*" {
            let names = listed
            try expectKeyword("of", "'of' and a table or a segment after the columns", hints: ["export customer_id, monetary of loyal to \"loyal.csv\""])
            (columns, what) = (names, try expectName("a table or a segment after 'of'"))
        }
        try expectKeyword("to", "'to' and a file path", hints: ["export \(what.text) to \"\(what.text).csv\""])
        if current.kind == .word || current.kind == .quotedIdentifier, peek.isSymbol(".") {
            if let first = columns?.first {
                throw Diagnostic("an export to a server table writes every column", at: first.span, hints: ["export \(what.text) to CONNECTION.SCHEMA.TABLE"])
            }
            let target = try parseServerTable()
            var mode: Name? = nil
            if current.isKeyword("replace") || current.isKeyword("append") { mode = parseName() }
            return .exportServer(what, target, mode: mode)
        }
        let path = try expectPath("a file path in quotes after 'to'", example: "export \(what.text) to \"\(what.text).csv\"")
        var format: Name? = nil
        if current.isKeyword("as") {
            advance()
            format = try expectName("a format after 'as' (csv, tsv, json, jsonl, markdown)")
        }
        var raw = false
        if current.isKeyword("with") {
            advance()
            guard current.isKeyword("raw") else { throw expected("'raw' after 'with'", hints: ["export \(what.text) to \"\(what.text).csv\" with raw"]) }
            advance()
            raw = true
        }
        return .export(what, path: path.text, pathSpan: path.span, format: format, raw: raw, columns: columns)
    }

    /// A quoted path, or an error that shows how to write one.
    private mutating func expectPath(_ what: String, example: String) throws(Diagnostic) -> Token {
        guard current.kind == .string else { throw expected(what, hints: [example]) }
        defer { advance() }
        return current
    }

    /// loadOption → "columns" , "(" , columnSpec , { "," , columnSpec } , ")" | "nulls" , "(" , STRING , { "," , STRING } , ")" | name , ( STRING |
    ///              name )
    private mutating func parseLoadOption() throws(Diagnostic) -> ParsedLoadOption {
        guard current.kind == .word else {
            throw expected("a load option (\(Self.loadOptionNames.joined(separator: ", ")))", hints: ["load \"f.csv\" with delimiter \";\", header false"])
        }
        let name = Name(current.text, current.span)
        let key = current.text.lowercased()
        guard Self.loadOptionNames.contains(key) else {
            var hints: [String] = []
            if let near = Suggestion.closest(to: current.text, in: Self.loadOptionNames) { hints.append("did you mean '\(near)'?") }
            hints.append("options: \(Self.loadOptionNames.joined(separator: ", "))")
            throw Diagnostic("unknown load option '\(current.text)'", at: current.span, hints: hints)
        }
        advance()
        switch key {
        case "columns":
            try expectSymbol("(", "'(' and the columns after 'columns'", hints: ["columns (id text, day date \"yyyyMMdd\", amount decimal)"])
            var specs = [try parseColumnSpec()]
            while current.isSymbol(",") {
                advance()
                specs.append(try parseColumnSpec())
            }
            try expectSymbol(")", "')' to close the column list", hints: [])
            return ParsedLoadOption(name: name, value: .columns(specs))
        case "nulls":
            try expectSymbol("(", "'(' and the null markers after 'nulls'", hints: ["nulls (\"NA\", \"-\")"])
            var markers: [(String, SourceSpan)] = []
            repeat {
                if current.isSymbol(",") { advance() }
                guard current.kind == .string else { throw expected("a null marker in quotes", hints: ["nulls (\"NA\", \"-\")"]) }
                markers.append((current.text, current.span))
                advance()
            } while current.isSymbol(",")
            try expectSymbol(")", "')' to close the null markers", hints: [])
            return ParsedLoadOption(name: name, value: .strings(markers))
        default:
            if current.kind == .string {
                let value = ParsedOptionValue.string(current.text, current.span)
                advance()
                return ParsedLoadOption(name: name, value: value)
            }
            guard current.kind == .word else {
                throw expected("a value for '\(name.text)'", hints: ["e.g. delimiter \";\", header false, on_error skip"])
            }
            let value = Name(current.text, current.span)
            advance()
            return ParsedLoadOption(name: name, value: .word(value))
        }
    }

    /// columnSpec → name , name , [ STRING ]
    private mutating func parseColumnSpec() throws(Diagnostic) -> ParsedColumnSpec {
        let column = try expectName("a column name")
        let type = try expectName("a type for '\(column.text)' (integer, decimal, text, boolean, date, timestamp)")
        var format: (String, SourceSpan)? = nil
        if current.kind == .string {
            format = (current.text, current.span)
            advance()
        }
        return ParsedColumnSpec(name: column, type: type, format: format)
    }

    /// showStatement → "show" , ( "segments" | "levels" | "connections" | [ shownColumn , { "," , shownColumn } , [ "of" , name ] ]
    ///                 , [ "where" , condition ] , [ "top" , NUMBER , "by" , name ] )
    private mutating func parseShowStatement() throws(Diagnostic) -> ParsedStatementKind {
        if current.isKeyword("segments") && peek.endsStatement { advance(); return .showSegments }
        if current.isKeyword("levels") && peek.endsStatement { advance(); return .showLevels }
        if current.isKeyword("connections") && peek.endsStatement { advance(); return .showConnections }
        var table: Name? = nil, columns: [Name]? = nil
        if !current.isKeyword("top") && !current.isKeyword("where") && !current.endsStatement {
            let names = try parseCommaList { (p: inout Parser) throws(Diagnostic) in try p.parseShownColumn() }
            if current.isKeyword("of") {
                advance()
                (columns, table) = (names, try expectName("a table or a segment after 'of'"))
            } else if (current.kind == .word || current.kind == .quotedIdentifier) && !current.isKeyword("where") && !current.isKeyword("top") {
                let listed = names.map(\.text).joined(separator: ", ")
                throw expected("'of' between the columns and the table or segment", hints: ["show \(listed) of \(current.text)"])
            } else if names.count == 1 && names[0].text != "*" {
                // A lone name: a table, a segment or a column, as the binder finds it.
                table = names[0]
            } else {
                columns = names
            }
        }
        var condition: ParsedExpression? = nil
        if current.isKeyword("where") {
            advance()
            condition = try parseCondition()
        }
        var top: ParsedTop? = nil
        if current.isKeyword("top") {
            advance()
            guard current.kind == .number, let n = Int(current.text), n >= 0 else {
                throw expected("a whole number of rows after 'top'", hints: ["show top 10 by profit"])
            }
            let countSpan = current.span
            advance()
            try expectKeyword("by", "'by' and a column after 'top \(n)'")
            let column = try expectName("a column name after 'by'")
            top = ParsedTop(count: n, countSpan: countSpan, column: column)
        }
        return .show(table, top: top, columns: columns, condition: condition)
    }

    /// Items separated by commas, at least one.
    private mutating func parseCommaList<T>(_ item: (inout Parser) throws(Diagnostic) -> T) throws(Diagnostic) -> [T] {
        var items = [try item(&self)]
        while current.isSymbol(",") {
            advance()
            items.append(try item(&self))
        }
        return items
    }

    /// `KEYWORD NAME` when the keyword comes next (`to orders`), else nil.
    private mutating func parseOptionalName(after keyword: String, _ what: String) throws(Diagnostic) -> Name? {
        guard current.isKeyword(keyword) else { return nil }
        advance()
        return try expectName(what)
    }

    /// shownColumn → "*" | name
    ///
    /// A column `show` picks, or `*` for every column.
    private mutating func parseShownColumn() throws(Diagnostic) -> Name {
        if current.isSymbol("*") {
            defer { advance() }
            return Name("*", current.span)
        }
        return try expectName("a column name (or * for all of them)")
    }

    /// The aggregates `summarize` computes.
    public static let aggregateNames = ["count", "sum", "avg", "median", "min", "max", "share"]

    /// summarizeStatement → "summarize" , ( [ name ] | aggregate , { "," , aggregate } , [ "by" , name , { "," , name } ] , [ "where" , condition ]
    ///                      , [ "sort" , "by" , ( name | aggregate ) , [ "desc" | "asc" ] ] , [ "top" , NUMBER , [ "by" , ( name | aggregate ) ] ] )
    private mutating func parseSummarizeStatement() throws(Diagnostic) -> ParsedStatementKind {
        let isAggregate = current.kind == .word && Self.aggregateNames.contains(current.text.lowercased())
            && (current.isKeyword("count") || peek.isSymbol("("))
        guard isAggregate else { return .summarize(parseName()) }
        var query = ParsedAggregateQuery(aggregates: [try parseAggregate()], groups: [], condition: nil, sort: nil, sortAggregate: nil, descending: false, top: nil)
        while current.isSymbol(",") {
            advance()
            query.aggregates.append(try parseAggregate())
        }
        if current.isKeyword("by") {
            advance()
            query.groups = try parseNameList("a column to group by")
        }
        if current.isKeyword("where") {
            advance()
            query.condition = try parseCondition()
        }
        if current.isKeyword("sort") {
            advance()
            try expectKeyword("by", "'by' after 'sort'", hints: ["sort by count desc"])
            if current.kind == .word && peek.isSymbol("(") {
                // An aggregate such as sum(profit): the binder matches it by its text.
                let aggregate = try parseAggregate()
                query.sort = Name("", aggregate.span)
                query.sortAggregate = aggregate
            } else {
                query.sort = try expectName("a column or aggregate to sort by")
            }
            if current.isKeyword("desc") { query.descending = true; advance() } else if current.isKeyword("asc") { advance() }
        }
        if current.isKeyword("top") {
            advance()
            guard current.kind == .number, let n = Int(current.text), n >= 0 else { throw expected("a whole number after 'top'", hints: ["top 10"]) }
            query.top = n
            advance()
            // `top N by X` is `sort by X desc top N`.
            if current.isKeyword("by") {
                advance()
                if current.kind == .word && peek.isSymbol("(") {
                    let aggregate = try parseAggregate()
                    query.sort = Name("", aggregate.span)
                    query.sortAggregate = aggregate
                } else {
                    query.sort = try expectName("a column or aggregate after 'top \(n) by'")
                    query.sortAggregate = nil
                }
                query.descending = true
            }
        }
        return .aggregate(query)
    }

    /// aggregate → "count" | ( "count" | "sum" | "avg" | "median" | "min" | "max" | "share" ) , "(" , expression , ")"
    private mutating func parseAggregate() throws(Diagnostic) -> ParsedAggregate {
        let start = current.span.start
        guard current.kind == .word else { throw expected("an aggregate (\(Self.aggregateNames.joined(separator: ", ")))", hints: ["summarize count, sum(profit) by region"]) }
        let function = Name(current.text, current.span)
        let key = current.text.lowercased()
        advance()
        if key == "count" && !current.isSymbol("(") { return ParsedAggregate(function: function, argument: nil, span: span(from: start)) }
        guard Self.aggregateNames.contains(key) else {
            var hints: [String] = []
            if let near = Suggestion.closest(to: function.text, in: Self.aggregateNames) { hints.append("did you mean '\(near)'?") }
            hints.append("aggregates: \(Self.aggregateNames.joined(separator: ", "))")
            throw Diagnostic("unknown aggregate '\(function.text)'", at: function.span, hints: hints)
        }
        try expectSymbol("(", "'(' and a column after '\(function.text)'", hints: ["\(key)(profit)"])
        let argument = try parseExpression()
        try expectSymbol(")", "')' to close '\(function.text)('", hints: [])
        return ParsedAggregate(function: function, argument: argument, span: span(from: start))
    }

    private mutating func parseNameList(_ what: String) throws(Diagnostic) -> [Name] {
        var names = [try expectName(what)]
        while current.isSymbol(",") {
            advance()
            names.append(try expectName(what))
        }
        return names
    }

    /// countStatement → "count" , [ name ] , [ "by" , name , { "," , name } ]
    private mutating func parseCountStatement() throws(Diagnostic) -> ParsedStatementKind {
        let target = current.isKeyword("by") ? nil : parseName()
        var groups: [Name] = []
        if current.isKeyword("by") {
            advance()
            groups = try parseNameList("a column to count by")
        }
        return .count(target, by: groups)
    }

    /// crosstabStatement → "crosstab" , name , "by" , name , [ "where" , condition ]
    private mutating func parseCrosstabStatement() throws(Diagnostic) -> ParsedStatementKind {
        let rows = try expectName("a column for the rows after 'crosstab'")
        try expectKeyword("by", "'by' and a column for the columns", hints: ["crosstab region by channel"])
        let columns = try expectName("a column for the columns after 'by'")
        var condition: ParsedExpression? = nil
        if current.isKeyword("where") {
            advance()
            condition = try parseCondition()
        }
        return .crosstab(rows, columns, condition: condition)
    }

    /// customersStatement → "customers" , "from" , name , "by" , name , [ "as" , "of" , additive ] , [ "with" , name , "=" , expression , [ "where" ,
    ///                      condition ] , { "," , name , "=" , expression , [ "where" , condition ] } ] , [ "only" , name , { "," , name } ] , [ "into" , name ]
    private mutating func parseCustomersStatement() throws(Diagnostic) -> ParsedStatementKind {
        try expectKeyword("from", "'from' and the orders table after 'customers'", hints: ["customers from orders by customer_id"])
        let orders = try expectName("the orders table after 'from'")
        try expectKeyword("by", "'by' and the customer column", hints: ["customers from \(orders.text) by customer_id"])
        let id = try expectName("the column that identifies a customer")
        var asOf: ParsedExpression? = nil
        if current.isKeyword("as") {
            advance()
            try expectKeyword("of", "'of' and a date after 'as'", hints: ["as of 2024-12-31"])
            asOf = try parseAdditive()
        }
        var definitions: [ParsedDefinition] = []
        if current.isKeyword("with") {
            repeat {
                advance()
                let name = try expectName("amount, profit, date or a metric of your own after 'with'")
                try expectSymbol("=", "'=' and an expression after '\(name.text)'", hints: ["with amount = price * quantity, profit = amount - cost"])
                var definition = ParsedDefinition(name: name, value: try parseExpression())
                if current.isKeyword("where") {
                    advance()
                    definition.condition = try parseCondition()
                }
                definitions.append(definition)
            } while current.isSymbol(",")
        }
        var only: [Name] = []
        if current.isKeyword("only") {
            repeat {
                advance()
                only.append(try expectName("a metric after 'only', such as frequency or profit"))
            } while current.isSymbol(",")
        }
        var into: Name? = nil
        if current.isKeyword("into") {
            advance()
            into = try expectName("a name for the customer table after 'into'")
        }
        return .customers(orders: orders, by: id, asOf: asOf, definitions: definitions, only: only, into: into)
    }

    /// matrixStatement → "matrix" , name , "by" , name , [ "split" , "median" | "at" , additive , "," , additive ]
    private mutating func parseMatrixStatement() throws(Diagnostic) -> ParsedStatementKind {
        let first = try expectName("a metric after 'matrix'")
        try expectKeyword("by", "'by' and a second metric", hints: ["matrix profit by loyalty"])
        let second = try expectName("a second metric after 'by'")
        if current.isKeyword("split") {
            advance()
            try expectKeyword("median", "'median' after 'split' (or write: at X, Y)", hints: ["matrix profit by loyalty split median"])
            return .matrix(first, second, cuts: [])
        }
        return .matrix(first, second, cuts: try parseCutList())
    }

    /// rfmStatement → "rfm" , ( [ "bins" , NUMBER ] | "segments" , name | "rule" , name , "where" , condition )
    private mutating func parseRfmStatement() throws(Diagnostic) -> ParsedStatementKind {
        if current.isKeyword("segments") {
            advance()
            return .rfmSegments(try expectName("a rule table after 'rfm segments' (rfm, putler or custom)"))
        }
        if current.isKeyword("rule") {
            advance()
            let name = try expectName("a segment name after 'rfm rule'")
            try expectKeyword("where", "'where' and a condition on r_score, f_score, m_score", hints: ["rfm rule Champions where r_score >= 4 and f_score >= 4"])
            return .rfmRule(name, try parseCondition())
        }
        guard current.isKeyword("bins") else { return .rfm(bins: 5, current.span) }
        advance()
        guard current.kind == .number, let n = Int(current.text) else { throw expected("how many bins after 'bins'", hints: ["rfm bins 5"]) }
        let span = current.span
        advance()
        return .rfm(bins: n, span)
    }

    /// The cut points after 'at': additive , { "," , additive } (their number is the binder's to check).
    private mutating func parseCutList() throws(Diagnostic) -> [ParsedExpression] {
        guard current.isKeyword("at") else { return [] }
        advance()
        var cuts = [try parseAdditive()]
        while current.isSymbol(",") {
            advance()
            cuts.append(try parseAdditive())
        }
        return cuts
    }

    /// letStatement → "let" , name , "=" , expression
    private mutating func parseLetStatement() throws(Diagnostic) -> ParsedStatementKind {
        let name = try expectName("a variable name after 'let'")
        try expectSymbol("=", "'=' and a value after 'let \(name.text)'", hints: ["let cutoff = 2024-06-30"])
        return .letVariable(name, try parseExpression())
    }

    /// addStatement → "add" , name , "=" , expression , [ "to" , name ]
    private mutating func parseAddStatement() throws(Diagnostic) -> ParsedStatementKind {
        let name = try expectName("a name for the new column after 'add'")
        try expectSymbol("=", "'=' and an expression after 'add \(name.text)'", hints: ["add margin = amount - cost to orders"])
        let value = try parseExpression()
        return .addColumn(name, value, table: try parseOptionalName(after: "to", "a table after 'to'"))
    }

    /// attachStatement → "attach" , attachedColumn , { "," , attachedColumn } , "from" , name , "by" , joinKey , { "," , joinKey }
    ///                   , [ "to" , name ] , [ ( "keep" | "drop" ) , "unmatched" ]
    private mutating func parseAttachStatement() throws(Diagnostic) -> ParsedStatementKind {
        let example = "attach region, tier from members by customer_id"
        let columns = try parseCommaList { (p: inout Parser) throws(Diagnostic) in try p.parseAttachedColumn() }
        try expectKeyword("from", "'from' and the lookup table after the columns", hints: [example])
        let lookup = try expectName("the lookup table after 'from'")
        try expectKeyword("by", "'by' and the key after 'from \(lookup.text)'", hints: [example])
        let keys = try parseCommaList { (p: inout Parser) throws(Diagnostic) in try p.parseJoinKey() }
        let table = try parseOptionalName(after: "to", "a table after 'to'")
        var unmatched: Name? = nil
        if current.isKeyword("keep") || current.isKeyword("drop") {
            unmatched = Name(current.text, current.span)
            advance()
            try expectKeyword("unmatched", "'unmatched' after '\(unmatched!.text)'", hints: [example + " keep unmatched"])
        }
        return .attach(ParsedAttach(columns: columns, lookup: lookup, keys: keys, table: table, unmatched: unmatched))
    }

    /// attachedColumn → ( "*" | name ) , [ "as" , name ]
    private mutating func parseAttachedColumn() throws(Diagnostic) -> ParsedAttach.Column {
        let name = try parseShownColumn()
        guard current.isKeyword("as") else { return ParsedAttach.Column(name: name, alias: nil) }
        advance()
        return ParsedAttach.Column(name: name, alias: try expectName("a new name for '\(name.text)' after 'as'"))
    }

    /// joinKey → name , [ "=" , name ]
    private mutating func parseJoinKey() throws(Diagnostic) -> ParsedAttach.Key {
        let table = try expectName("a key column after 'by'")
        guard current.isSymbol("=") else { return ParsedAttach.Key(table: table, lookup: nil) }
        advance()
        return ParsedAttach.Key(table: table, lookup: try expectName("the lookup table's key after '='"))
    }

    /// levelsStatement → "levels" , name , ( "quantiles" , NUMBER | "at" , additive , { "," , additive } ) , [ "as" , name , { "," , name } ]
    private mutating func parseLevelsStatement() throws(Diagnostic) -> ParsedStatementKind {
        let metric = try expectName("a numeric column after 'levels'")
        let method: ParsedLevelMethod
        if current.isKeyword("quantiles") {
            advance()
            guard current.kind == .number, let n = Int(current.text) else { throw expected("how many levels after 'quantiles'", hints: ["levels profit quantiles 3 as low, medium, high"]) }
            method = .quantiles(n, current.span)
            advance()
        } else if current.isKeyword("at") {
            advance()
            var cuts = [try parseAdditive()]
            while current.isSymbol(",") {
                advance()
                cuts.append(try parseAdditive())
            }
            method = .cuts(cuts)
        } else {
            throw expected("'quantiles N' or 'at x, y'", hints: ["levels profit quantiles 3 as low, medium, high", "levels profit at 0, 100, 1000 as none, low, medium, high"])
        }
        var words: [Name] = []
        if current.isKeyword("as") {
            advance()
            words = try parseNameList("a level word")
        }
        return .levels(metric, method, words: words)
    }

    /// defineStatement → "define" , "segment" , name , "as" , condition
    private mutating func parseDefineStatement() throws(Diagnostic) -> ParsedStatementKind {
        try expectKeyword("segment", "'segment' after 'define'", hints: ["define segment butterflies as profit=high and loyalty=low"])
        let name = try expectName("a name for the segment")
        try expectKeyword("as", "'as' and a condition after the segment's name", hints: ["define segment \(name.text) as profit=high and loyalty=low"])
        return .defineSegment(name, try parseCondition())
    }

    /// segmentStatement → "segment" , "where" , condition
    private mutating func parseSegmentStatement() throws(Diagnostic) -> ParsedStatementKind {
        try expectKeyword("where", "'where' and a condition after 'segment'", hints: ["segment where profit=high and loyalty=low"])
        return .segment(try parseCondition())
    }

    // MARK: Expressions

    /// condition → expression
    mutating func parseCondition() throws(Diagnostic) -> ParsedExpression {
        try parseExpression()
    }

    /// expression → orExpression
    mutating func parseExpression() throws(Diagnostic) -> ParsedExpression {
        try parseOrExpression()
    }

    /// orExpression → andExpression , { "or" , andExpression }
    private mutating func parseOrExpression() throws(Diagnostic) -> ParsedExpression {
        let start = current.span.start
        let first = try parseAndExpression()
        guard current.isKeyword("or") else { return first }
        var terms = [first]
        while current.isKeyword("or") {
            advance()
            terms.append(try parseAndExpression())
        }
        return .or(terms, span(from: start))
    }

    /// andExpression → notExpression , { "and" , notExpression }
    private mutating func parseAndExpression() throws(Diagnostic) -> ParsedExpression {
        let start = current.span.start
        let first = try parseNotExpression()
        guard current.isKeyword("and") else { return first }
        var terms = [first]
        while current.isKeyword("and") {
            advance()
            terms.append(try parseNotExpression())
        }
        return .and(terms, span(from: start))
    }

    /// notExpression → "not" , notExpression | predicate
    private mutating func parseNotExpression() throws(Diagnostic) -> ParsedExpression {
        guard current.isKeyword("not") else { return try parsePredicate() }
        let start = current.span
        advance()
        try enterNesting(at: start)
        let inner = try parseNotExpression()
        depth -= 1
        return .not(inner, span(from: start.start))
    }

    /// predicate → additive , [ comparisonOperator , additive | [ "not" ] , "in" , "(" , expression , { "," , expression } , ")" | [ "not" ] ,
    ///             "between" , additive , "and" , additive | "is" , [ "not" ] , "null" | "contains" , additive | "starts" , "with" , additive ]
    private mutating func parsePredicate() throws(Diagnostic) -> ParsedExpression {
        let start = current.span.start
        let left = try parseAdditive()
        return try parsePredicateTail(left, start: start)
    }

    /// What may follow a predicate's first operand (kept off the recursive path, so deep
    /// brackets cost little stack).
    @inline(never)
    private mutating func parsePredicateTail(_ left: ParsedExpression, start: Int) throws(Diagnostic) -> ParsedExpression {
        if let (op, opSpan) = parseComparisonOperator() {
            let right = try parseAdditive()
            return .comparison(left, op, right, operatorSpan: opSpan)
        }
        var negated = false
        if current.isKeyword("not") && (peek.isKeyword("in") || peek.isKeyword("between")) {
            negated = true
            advance()
        }
        if current.isKeyword("in") {
            advance()
            let open = current.span
            try expectSymbol("(", "'(' and a list of values after 'in'", hints: ["region in (\"North\", \"West\")"])
            // A list's items may hold lists of their own: each counts toward the nesting limit.
            try enterNesting(at: open)
            var items = [try parseExpression()]
            while current.isSymbol(",") {
                advance()
                items.append(try parseExpression())
            }
            try expectSymbol(")", "')' to close the list", hints: [])
            depth -= 1
            return .inList(left, items, negated: negated, span(from: start))
        }
        if current.isKeyword("between") {
            advance()
            let low = try parseAdditive()
            try expectKeyword("and", "'and' between the bounds of 'between'", hints: ["profit between 100 and 500"])
            let high = try parseAdditive()
            return .between(left, low, high, negated: negated, span(from: start))
        }
        if current.isKeyword("is") {
            advance()
            var not = false
            if current.isKeyword("not") { not = true; advance() }
            try expectKeyword("null", "'null' after 'is\(not ? " not" : "")'", hints: ["channel is null", "channel is not null"])
            return .isNull(left, negated: not, span(from: start))
        }
        if current.isKeyword("contains") {
            advance()
            return .textMatch(left, .contains, try parseAdditive(), span(from: start))
        }
        if current.isKeyword("starts") {
            advance()
            try expectKeyword("with", "'with' after 'starts'", hints: ["name starts with \"A\""])
            return .textMatch(left, .startsWith, try parseAdditive(), span(from: start))
        }
        return left
    }

    /// comparisonOperator → "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">="
    private mutating func parseComparisonOperator() -> (ComparisonOperator, SourceSpan)? {
        guard current.kind == .symbol, let op = ComparisonOperator(rawValue: current.text) else { return nil }
        let span = current.span
        advance()
        return (op, span)
    }

    /// additive → multiplicative , { ( "+" | "-" ) , multiplicative }
    ///
    /// Each operator deepens the tree by one, so long chains count toward the nesting limit.
    private mutating func parseAdditive() throws(Diagnostic) -> ParsedExpression {
        try parseArithmetic(["+", "-"]) { parser throws(Diagnostic) in try parser.parseMultiplicative() }
    }

    /// multiplicative → unary , { ( "*" | "/" | "%" ) , unary }
    private mutating func parseMultiplicative() throws(Diagnostic) -> ParsedExpression {
        try parseArithmetic(["*", "/", "%"]) { parser throws(Diagnostic) in try parser.parseUnary() }
    }

    /// One left-associative level of arithmetic: operands joined by any of `symbols`. Each
    /// operator deepens the tree by one, so long chains count toward the nesting limit.
    private mutating func parseArithmetic(_ symbols: [String], operand: (inout Parser) throws(Diagnostic) -> ParsedExpression) throws(Diagnostic) -> ParsedExpression {
        var left = try operand(&self)
        let outer = depth
        defer { depth = outer }
        while current.kind == .symbol, symbols.contains(current.text), let op = ArithmeticOperator(rawValue: current.text) {
            let opSpan = current.span
            advance()
            try enterNesting(at: opSpan)
            left = .arithmetic(left, op, try operand(&self), operatorSpan: opSpan)
        }
        return left
    }

    /// unary → "-" , unary | primary
    private mutating func parseUnary() throws(Diagnostic) -> ParsedExpression {
        guard current.isSymbol("-") else { return try parsePrimary() }
        let start = current.span
        advance()
        if current.kind == .number && current.span.start == start.end { return negativeNumber(from: start) }
        try enterNesting(at: start)
        let inner = try parseUnary()
        depth -= 1
        return .negate(inner, span(from: start.start))
    }

    @inline(never)
    private mutating func negativeNumber(from start: SourceSpan) -> ParsedExpression {
        let number = current
        advance()
        if current.isKeyword("days") || current.isKeyword("day") {
            advance()
            return .days("-" + number.text, span(from: start.start))
        }
        return .number("-" + number.text, span(from: start.start))
    }

    /// primary → "(" , expression , ")" | NUMBER , [ "days" ] | STRING | DATE | "true" | "false" | "null" | VARIABLE | "days" , "since" , unary | (
    ///           "top" | "bottom" ) , NUMBER , "%" | name , [ "(" , [ [ "distinct" ] , expression , { "," , expression } ] , ")" ]
    ///
    /// The recursive path keeps its frames small (deep input must hit the nesting limit, not the
    /// end of a small stack): literals and calls are read in separate functions.
    private mutating func parsePrimary() throws(Diagnostic) -> ParsedExpression {
        guard current.isSymbol("(") else { return try parseAtom() }
        let open = current.span
        advance()
        try enterNesting(at: open)
        let inner = try parseExpression()
        guard current.isSymbol(")") else { throw unclosedBracket() }
        advance()
        depth -= 1
        return .group(inner, span(from: open.start))
    }

    /// The non-bracket half of primary: literals, names, calls, `days since`, `top N%`.
    @inline(never)
    private mutating func parseAtom() throws(Diagnostic) -> ParsedExpression {
        let token = current
        switch token.kind {
        case .number:
            advance()
            if current.isKeyword("days") || current.isKeyword("day") {
                advance()
                return .days(token.text, span(from: token.span.start))
            }
            return .number(token.text, token.span)
        case .string:
            advance()
            return .string(token.text, token.span)
        case .date:
            advance()
            let parts = token.text.split(separator: "-").compactMap { Int($0) }
            return .date(year: parts[0], month: parts[1], day: parts[2], token.span)
        case .variable:
            advance()
            return .variable(Name(token.text, token.span))
        case .word where token.isKeyword("true") || token.isKeyword("false"):
            advance()
            return .boolean(token.isKeyword("true"), token.span)
        case .word where token.isKeyword("null"):
            advance()
            return .null(token.span)
        case .word where token.isKeyword("days") && peek.isKeyword("since"):
            advance()
            advance()
            try enterNesting(at: token.span)
            let inner = try parseUnary()
            depth -= 1
            return .daysSince(inner, span(from: token.span.start))
        case .word where (token.isKeyword("top") || token.isKeyword("bottom")) && peek.kind == .number:
            advance()
            let number = current
            advance()
            try expectSymbol("%", "'%' after 'top \(number.text)'", hints: ["profit = top 20%"])
            return .rank(top: token.isKeyword("top"), percent: number.text, span(from: token.span.start))
        case .word where !Self.expressionKeywords.contains(token.text.lowercased()), .quotedIdentifier:
            advance()
            var name = Name(token.text, token.span)
            guard token.kind == .word, current.isSymbol("("), current.span.start == token.span.end else { return .name(name) }
            advance()
            try enterNesting(at: token.span)
            var arguments: [ParsedExpression] = []
            if name.text.lowercased() == "count" && current.isKeyword("distinct") {
                // count(distinct x): the distinct values, as a call of its own.
                advance()
                name = Name("count distinct", token.span)
            }
            if !current.isSymbol(")") {
                arguments.append(try parseExpression())
                while current.isSymbol(",") {
                    advance()
                    arguments.append(try parseExpression())
                }
            }
            guard current.isSymbol(")") else { throw expected("')' to close the arguments of '\(token.text)'", hints: []) }
            advance()
            depth -= 1
            return .call(name, arguments, span(from: token.span.start))
        default:
            throw expected("a column, a number, a string or a date", hints: ["e.g. profit = high, region = \"North\", recency < 30"])
        }
    }

    @inline(never)
    private func unclosedBracket() -> Diagnostic {
        expected("')' to close the bracket", hints: ["every '(' needs a matching ')'"])
    }

    // MARK: Helpers

    private var current: Token { tokens[index] }

    /// The span from byte `start` to the end of the last token consumed.
    private func span(from start: Int) -> SourceSpan {
        SourceSpan(start, tokens[max(index - 1, 0)].span.end)
    }
    private var peek: Token { tokens[min(index + 1, tokens.count - 1)] }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    @inline(never)
    private mutating func enterNesting(at span: SourceSpan) throws(Diagnostic) {
        depth += 1
        if depth > Self.nestingLimit {
            throw Diagnostic("expressions nest more than \(Self.nestingLimit) deep", at: span, hints: ["split the condition into named segments, or a long sum into parts"])
        }
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .endOfInput: return "the end of the input"
        case .newline: return "the end of the line"
        case .semicolon: return "';'"
        case .string: return "the string \"\(token.text)\""
        case .quotedIdentifier: return "`\(token.text)`"
        case .variable: return "'$\(token.text)'"
        default: return "'\(token.text)'"
        }
    }

    private func expected(_ what: String, hints: [String]) -> Diagnostic {
        Diagnostic("expected \(what), found \(describe(current))", at: current.span, hints: hints, isIncomplete: current.kind == .endOfInput)
    }

    private mutating func expectKeyword(_ keyword: String, _ what: String, hints: [String] = []) throws(Diagnostic) {
        guard current.isKeyword(keyword) else { throw expected(what, hints: hints) }
        advance()
    }

    private mutating func expectSymbol(_ symbol: String, _ what: String, hints: [String]) throws(Diagnostic) {
        guard current.isSymbol(symbol) else { throw expected(what, hints: hints) }
        advance()
    }

    private mutating func expectName(_ what: String) throws(Diagnostic) -> Name {
        guard let name = parseName() else { throw expected(what, hints: []) }
        return name
    }

    /// name → WORD | QUOTED_NAME
    private mutating func parseName() -> Name? {
        guard current.kind == .word || current.kind == .quotedIdentifier else { return nil }
        let name = Name(current.text, current.span)
        advance()
        return name
    }

    private static func statementIndex(of offset: Int, tokens: [Token]) -> Int {
        var statement = 0
        for token in tokens where token.span.start < offset && (token.kind == .newline || token.kind == .semicolon) { statement += 1 }
        return statement
    }

    /// One diagnostic per statement: the earliest, a lexical one winning a tie (it causes the other).
    private static func mergeByStatement(lexical: [Diagnostic], syntax: [Diagnostic], tokens: [Token]) -> [Diagnostic] {
        var chosen: [Int: Diagnostic] = [:]
        for d in lexical + syntax {
            let statement = statementIndex(of: d.span.start, tokens: tokens)
            if let existing = chosen[statement], existing.span.start <= d.span.start { continue }
            chosen[statement] = d
        }
        return chosen.values.sorted { $0.span.start < $1.span.start }
    }
}
