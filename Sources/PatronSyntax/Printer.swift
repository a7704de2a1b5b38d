/// Expressions back to text: what the parser reads back to the same tree (spans aside). Brackets
/// come from the tree's group nodes, so nothing is added or lost; names that are not plain words
/// go in backquotes, strings are escaped as the lexer reads them.
extension ParsedExpression {
    public var text: String {
        switch self {
        case .and(let terms, _): return terms.map(\.text).joined(separator: " and ")
        case .or(let terms, _): return terms.map(\.text).joined(separator: " or ")
        case .not(let e, _): return "not " + e.text
        case .group(let e, _): return "(" + e.text + ")"
        case .comparison(let a, let op, let b, _): return a.text + " " + op.rawValue + " " + b.text
        case .arithmetic(let a, let op, let b, _): return a.text + " " + op.rawValue + " " + b.text
        case .negate(let e, _):
            // `- 5` is the negation of a number; `-5` would be the number itself.
            switch e { case .number, .days: return "- " + e.text; default: return "-" + e.text }
        case .inList(let e, let values, let negated, _): return e.text + (negated ? " not in (" : " in (") + values.map(\.text).joined(separator: ", ") + ")"
        case .between(let e, let low, let high, let negated, _): return e.text + (negated ? " not between " : " between ") + low.text + " and " + high.text
        case .isNull(let e, let negated, _): return e.text + (negated ? " is not null" : " is null")
        case .textMatch(let e, let match, let t, _): return e.text + " " + match.rawValue + " " + t.text
        case .daysSince(let e, _): return "days since " + e.text
        case .call(let f, let arguments, _) where f.text == "count distinct": return "count(distinct " + arguments.map(\.text).joined(separator: ", ") + ")"
        case .call(let f, let arguments, _): return f.text + "(" + arguments.map(\.text).joined(separator: ", ") + ")"
        case .rank(let top, let percent, _): return (top ? "top " : "bottom ") + percent + "%"
        case .name(let n): return Self.name(n.text)
        case .variable(let n): return "$" + n.text
        case .number(let n, _): return n
        case .days(let n, _): return n + " days"
        case .string(let s, _): return Self.quoted(s)
        case .date(let y, let m, let d, _): return Self.padded(y, 4) + "-" + Self.padded(m, 2) + "-" + Self.padded(d, 2)
        case .boolean(let b, _): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    /// The same tree with every span at 0, to compare trees by what they say.
    public var erasingSpans: ParsedExpression {
        let none = SourceSpan(0, 0)
        func erased(_ n: Name) -> Name { Name(n.text, none) }
        switch self {
        case .and(let terms, _): return .and(terms.map(\.erasingSpans), none)
        case .or(let terms, _): return .or(terms.map(\.erasingSpans), none)
        case .not(let e, _): return .not(e.erasingSpans, none)
        case .group(let e, _): return .group(e.erasingSpans, none)
        case .comparison(let a, let op, let b, _): return .comparison(a.erasingSpans, op, b.erasingSpans, operatorSpan: none)
        case .arithmetic(let a, let op, let b, _): return .arithmetic(a.erasingSpans, op, b.erasingSpans, operatorSpan: none)
        case .negate(let e, _): return .negate(e.erasingSpans, none)
        case .inList(let e, let values, let negated, _): return .inList(e.erasingSpans, values.map(\.erasingSpans), negated: negated, none)
        case .between(let e, let low, let high, let negated, _): return .between(e.erasingSpans, low.erasingSpans, high.erasingSpans, negated: negated, none)
        case .isNull(let e, let negated, _): return .isNull(e.erasingSpans, negated: negated, none)
        case .textMatch(let e, let match, let t, _): return .textMatch(e.erasingSpans, match, t.erasingSpans, none)
        case .daysSince(let e, _): return .daysSince(e.erasingSpans, none)
        case .call(let f, let arguments, _): return .call(erased(f), arguments.map(\.erasingSpans), none)
        case .rank(let top, let percent, _): return .rank(top: top, percent: percent, none)
        case .name(let n): return .name(erased(n))
        case .variable(let n): return .variable(erased(n))
        case .number(let n, _): return .number(n, none)
        case .days(let n, _): return .days(n, none)
        case .string(let s, _): return .string(s, none)
        case .date(let y, let m, let d, _): return .date(year: y, month: m, day: d, none)
        case .boolean(let b, _): return .boolean(b, none)
        case .null: return .null(none)
        }
    }

    static func padded(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// A name as written: a plain word, or in backquotes when it is not one (or is a keyword).
    static func name(_ text: String) -> String {
        let plain = text.first.map { $0.isLetter || $0 == "_" } == true && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
            && !Self.reserved.contains(text.lowercased())
        return plain ? text : "`" + text + "`"
    }

    /// Words the expression grammar reads as its own.
    static let reserved: Set<String> = ["and", "or", "not", "in", "between", "is", "null", "true", "false", "contains", "starts", "with", "days", "since", "top", "bottom"]

    /// A string as the lexer reads it: quotes, backslashes and line ends escaped.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out + "\""
    }
}

/// Statements back to text: what the parser reads back to the same tree (spans aside). Names go
/// in backquotes when they are not plain words or could be read as one of the language's own
/// words; `top N by X` is printed as the `sort by X desc top N` it means.
extension ParsedStatement {
    public var text: String { kind.text }
}

extension ParsedStatementKind {
    public var text: String {
        switch self {
        case .load(let path, _, let alias, let options):
            return "load " + Self.string(path) + Self.alias(alias) + Self.loadOptions(options)
        case .loadServer(let source, let alias, let options):
            let what: String
            switch source {
            case .table(let table): what = Self.server(table)
            case .query(let connection, let sql, _): what = "from " + Self.name(connection) + " query " + Self.string(sql)
            }
            return "load " + what + Self.alias(alias) + Self.loadOptions(options)
        case .use(let table): return "use " + Self.name(table)
        case .useServer(let table, let alias): return "use " + Self.server(table) + Self.alias(alias)
        case .describe(let table): return "describe" + Self.optional(table)
        case .summarize(let table): return "summarize" + Self.optional(table)
        case .aggregate(let query): return Self.summarize(query)
        case .crosstab(let rows, let columns, let condition):
            return "crosstab " + Self.name(rows) + " by " + Self.name(columns) + (condition.map { " where " + $0.text } ?? "")
        case .count(let table, let groups): return "count" + Self.optional(table) + Self.list(" by ", groups)
        case .show(let table, let top, let columns, let condition):
            let picked = columns.map { " " + $0.map { $0.text == "*" ? "*" : Self.name($0) }.joined(separator: ", ") + (table == nil ? "" : " of") } ?? ""
            return "show" + picked + Self.optional(table) + (condition.map { " where " + $0.text } ?? "")
                + (top.map { " top \($0.count) by " + Self.name($0.column) } ?? "")
        case .showSegments: return "show segments"
        case .showLevels: return "show levels"
        case .showConnections: return "show connections"
        case .letVariable(let name, let value): return "let " + Self.name(name) + " = " + value.text
        case .addColumn(let name, let value, let table): return "add " + Self.name(name) + " = " + value.text + (table.map { " to " + Self.name($0) } ?? "")
        case .attach(let a):
            let columns = a.columns.map { ($0.name.text == "*" ? "*" : Self.name($0.name)) + ($0.alias.map { " as " + Self.name($0) } ?? "") }
            let keys = a.keys.map { Self.name($0.table) + ($0.lookup.map { " = " + Self.name($0) } ?? "") }
            return "attach " + columns.joined(separator: ", ") + " from " + Self.name(a.lookup) + " by " + keys.joined(separator: ", ")
                + (a.table.map { " to " + Self.name($0) } ?? "") + (a.unmatched.map { " " + $0.text.lowercased() + " unmatched" } ?? "")
        case .levels(let metric, let method, let words):
            let how: String
            switch method {
            case .quantiles(let n, _): how = " quantiles \(n)"
            case .cuts(let cuts): how = " at " + cuts.map(\.text).joined(separator: ", ")
            }
            return "levels " + Self.name(metric) + how + Self.list(" as ", words)
        case .defineSegment(let name, let condition): return "define segment " + Self.name(name) + " as " + condition.text
        case .dropSegment(let name): return "drop segment " + Self.name(name)
        case .customers(let orders, let id, let asOf, let definitions, let only, let into):
            return "customers from " + Self.name(orders) + " by " + Self.name(id) + (asOf.map { " as of " + $0.text } ?? "")
                + (definitions.isEmpty ? "" : " with " + definitions.map { Self.name($0.name) + " = " + $0.value.text + ($0.condition.map { " where " + $0.text } ?? "") }.joined(separator: ", "))
                + Self.list(" only ", only) + (into.map { " into " + Self.name($0) } ?? "")
        case .explain(let name): return "explain " + Self.name(name)
        case .explainCustomer(let id): return "explain customer " + id.text
        case .matrix(let first, let second, let cuts): return "matrix " + Self.name(first) + " by " + Self.name(second) + Self.cuts(cuts)
        case .pareto(let metric, let cuts): return "pareto " + Self.name(metric) + Self.cuts(cuts)
        case .tiers(let metric): return "tiers " + Self.name(metric)
        case .rfm(let bins, _): return "rfm bins \(bins)"
        case .rfmSegments(let rules): return "rfm segments " + Self.name(rules)
        case .rfmRule(let name, let condition): return "rfm rule " + Self.name(name) + " where " + condition.text
        case .checkSegments: return "check segments"
        case .transitions(let from, let to, let by): return "transitions from " + from.text + " to " + to.text + (by.map { " by " + Self.name($0) } ?? "")
        case .clv(let model, let until, let unit, let options):
            return "clv" + (model.map { " model " + Self.name($0) } ?? "") + (until.map { " until " + $0.text } ?? "") + (unit.map { " unit " + Self.name($0) } ?? "")
                + (options.isEmpty ? "" : " with " + options.map { Self.name($0.name) + " = " + $0.value.text + ($0.unit.map { " " + $0.text } ?? "") }.joined(separator: ", "))
        case .whatIf(let points, let years): return "what if retention + " + points.text + " points" + (years.map { " over " + $0.text + " years" } ?? "")
        case .cohorts(let by, let of): return "cohorts" + (by.map { " by " + Self.name($0) } ?? "") + (of.map { " of " + Self.name($0) } ?? "")
        case .set(let setting, let value): return "set " + Self.name(setting) + " " + Self.name(value)
        case .lifecycle(let windows): return "lifecycle" + (windows.isEmpty ? "" : " windows " + windows.map(\.text).joined(separator: ", "))
        case .segment(let condition): return "segment where " + condition.text
        case .help(let topic): return "help" + Self.optional(topic)
        case .export(let what, let path, _, let format, let raw, let columns):
            return "export " + (columns.map { $0.map { $0.text == "*" ? "*" : Self.name($0) }.joined(separator: ", ") + " of " } ?? "") + Self.name(what) + " to " + Self.string(path) + (format.map { " as " + Self.name($0) } ?? "") + (raw ? " with raw" : "")
        case .exportServer(let what, let table, let mode): return "export " + Self.name(what) + " to " + Self.server(table) + (mode.map { " " + $0.text } ?? "")
        case .include(let path, _): return "include " + Self.string(path)
        case .saveSession(let path, _): return "save session to " + Self.string(path)
        case .report(let path, _, let title, let script, _):
            return "report to " + Self.string(path) + (title.map { " title " + Self.string($0) } ?? "") + (script.map { " from " + Self.string($0) } ?? "")
        case .lesson(let name, let path, _): return "lesson" + (path.map { " " + Self.string($0) } ?? Self.optional(name))
        case .say(let words): return "say " + Self.string(words)
        case .pause: return "pause"
        case .connect(let name, let driver, let conninfo, _): return "connect " + Self.name(name) + " to " + Self.name(driver) + " " + Self.string(conninfo)
        case .disconnect(let name): return "disconnect " + Self.name(name)
        case .sql(let dialect, let statement): return "sql" + Self.optional(dialect) + " " + statement.text
        case .quit: return "quit"
        }
    }

    static func summarize(_ query: ParsedAggregateQuery) -> String {
        var text = "summarize " + query.aggregates.map(aggregate).joined(separator: ", ") + list(" by ", query.groups)
        if let condition = query.condition { text += " where " + condition.text }
        if let sort = query.sort { text += " sort by " + (query.sortAggregate.map(aggregate) ?? name(sort)) + (query.descending ? " desc" : "") }
        if let top = query.top { text += " top \(top)" }
        return text
    }

    /// An aggregate's function is a plain word by the grammar.
    static func aggregate(_ a: ParsedAggregate) -> String { a.function.text + (a.argument.map { "(" + $0.text + ")" } ?? "") }

    static func loadOptions(_ options: [ParsedLoadOption]) -> String {
        guard !options.isEmpty else { return "" }
        return " with " + options.map { option in
            let value: String
            switch option.value {
            case .string(let s, _): value = string(s)
            case .word(let word): value = word.text
            case .strings(let markers): value = "(" + markers.map { string($0.0) }.joined(separator: ", ") + ")"
            case .columns(let specs): value = "(" + specs.map { name($0.name) + " " + name($0.type) + ($0.format.map { " " + string($0.0) } ?? "") }.joined(separator: ", ") + ")"
            }
            return option.name.text + " " + value
        }.joined(separator: ", ")
    }

    static func server(_ t: ParsedServerTable) -> String { name(t.connection) + "." + (t.schema.map { name($0) + "." } ?? "") + name(t.table) }
    static func alias(_ n: Name?) -> String { n.map { " as " + name($0) } ?? "" }
    static func optional(_ n: Name?) -> String { n.map { " " + name($0) } ?? "" }
    static func list(_ lead: String, _ names: [Name]) -> String { names.isEmpty ? "" : lead + names.map(name).joined(separator: ", ") }
    static func cuts(_ cuts: [ParsedExpression]) -> String { cuts.isEmpty ? "" : " at " + cuts.map(\.text).joined(separator: ", ") }
    static func string(_ s: String) -> String { ParsedExpression.quoted(s) }

    /// A name in a statement: in backquotes unless it is a plain word that is none of the
    /// language's own (statement words, clause words, aggregates, file extensions).
    static func name(_ n: Name) -> String {
        let printed = ParsedExpression.name(n.text)
        return printed.hasPrefix("`") || !reserved.contains(n.text.lowercased()) ? printed : "`" + n.text + "`"
    }

    static let reserved: Set<String> = Set(Parser.statementWords + Parser.aggregateNames + [
        "and", "append", "as", "asc", "at", "between", "bins", "bottom", "by", "connections", "contains", "count", "customer", "day", "days",
        "desc", "false", "from", "if", "in", "into", "is", "levels", "median", "model", "not", "null", "of", "only", "or", "over", "points",
        "quantiles", "query", "raw", "replace", "retention", "rule", "segment", "segments", "session", "since", "sort", "split", "starts",
        "title", "to", "top", "true", "unit", "until", "where", "windows", "with", "years",
        "csv", "tsv", "txt", "tab", "jsonl", "ndjson", "json", "dat"])
}
