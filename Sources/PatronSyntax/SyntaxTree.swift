/// A name as written, with its span.
public struct Name: Sendable, Equatable {
    /// The name (case preserved; identifiers are case-sensitive).
    public var text: String
    /// Where it is.
    public var span: SourceSpan

    /// Creates a name.
    public init(_ text: String, _ span: SourceSpan) {
        self.text = text
        self.span = span
    }
}

/// A parsed statement: what was written, not yet checked against any data.
public struct ParsedStatement: Sendable, Equatable {
    /// The statement's form.
    public var kind: ParsedStatementKind
    /// The whole statement.
    public var span: SourceSpan
}

/// The forms of statement.
public enum ParsedStatementKind: Sendable, Equatable {
    /// `load "PATH" [as NAME] [with OPTION, …]`
    case load(path: String, pathSpan: SourceSpan, alias: Name?, options: [ParsedLoadOption])
    /// `use NAME`
    case use(Name)
    /// `describe [NAME]`
    case describe(Name?)
    /// `summarize [NAME]`
    case summarize(Name?)
    /// `summarize count, sum(x), … [by a, b] [where C] [sort by x [desc]] [top N]`
    case aggregate(ParsedAggregateQuery)
    /// `crosstab a by b [where C]`
    case crosstab(Name, Name, condition: ParsedExpression?)
    /// `count [NAME] [by a, b]`
    case count(Name?, by: [Name])
    /// `show [NAME] [top N by COLUMN]`
    /// `show [COLUMNS of] [NAME] [where …] [top N by X]`: `columns` nil for every column (a
    /// lone name is a table, a segment or a column: the binder knows which), `*` for all.
    case show(Name?, top: ParsedTop?, columns: [Name]?, condition: ParsedExpression?)
    /// `show segments`
    case showSegments
    /// `show levels`
    case showLevels
    /// `let NAME = EXPRESSION`
    case letVariable(Name, ParsedExpression)
    /// `add NAME = EXPRESSION [to TABLE]`: a computed column.
    case addColumn(Name, ParsedExpression, table: Name?)
    /// `attach COLUMNS from LOOKUP by KEYS …`: columns of a lookup table added by key.
    case attach(ParsedAttach)
    /// `levels METRIC quantiles N [as a, b, …]` or `levels METRIC at x, y [as a, b, …]`
    case levels(Name, ParsedLevelMethod, words: [Name])
    /// `define segment NAME as CONDITION`
    case defineSegment(Name, ParsedExpression)
    /// `drop segment NAME`
    case dropSegment(Name)
    /// `customers from ORDERS by ID [as of DATE] [with amount = E, profit = E, date = C] [into NAME]`
    case customers(orders: Name, by: Name, asOf: ParsedExpression?, definitions: [ParsedDefinition], only: [Name], into: Name?)
    /// `explain NAME`: a metric's definition, or a segment's
    case explain(Name)
    /// `explain customer ID`: one row's values, levels, scores and segments
    case explainCustomer(ParsedExpression)
    /// `matrix METRIC by METRIC [split median | at X, Y]`
    case matrix(Name, Name, cuts: [ParsedExpression])
    /// `pareto METRIC [at A, B]`
    case pareto(Name, cuts: [ParsedExpression])
    /// `tiers METRIC`
    case tiers(Name)
    /// `rfm [bins N]`
    case rfm(bins: Int, SourceSpan)
    /// `rfm segments PRESET` (rfm, putler or custom)
    case rfmSegments(Name)
    /// `rfm rule NAME where CONDITION`: a custom rule, tried in the order given
    case rfmRule(Name, ParsedExpression)
    /// `check segments`: overlaps, rules that never match, score cells no rule covers
    case checkSegments
    /// `transitions from DATE to DATE [by lifecycle]`
    case transitions(ParsedExpression, ParsedExpression, by: Name?)
    /// `clv [model NAME] [until DATE] [unit NAME] [with NAME = VALUE [UNIT], …]`
    case clv(model: Name?, until: ParsedExpression?, unit: Name?, options: [ParsedModelOption])
    /// `what if retention + N points [over Y years]`
    case whatIf(points: ParsedExpression, years: ParsedExpression?)
    /// `cohorts [by month | quarter | week] [of customers | revenue | profit]`
    case cohorts(by: Name?, of: Name?)
    /// `set NAME VALUE` (`set language zh`)
    case set(Name, Name)
    /// `lifecycle [windows A, B, C]`
    case lifecycle(windows: [ParsedExpression])
    /// `segment where CONDITION`
    case segment(ParsedExpression)
    /// `help [TOPIC]`
    case help(Name?)
    /// `export NAME to "PATH" [as FORMAT] [with raw]`: a table, a segment's rows, or the last result
    /// `export [COLUMNS of] WHAT to "FILE" [as FORMAT] [with raw]` (`columns` nil: all).
    case export(Name, path: String, pathSpan: SourceSpan, format: Name?, raw: Bool, columns: [Name]?)
    /// `include "PATH"`: run another script, its path relative to this one
    case include(path: String, pathSpan: SourceSpan)
    /// `save session to "PATH"`: the statements that succeeded so far, as a script
    case saveSession(path: String, pathSpan: SourceSpan)
    /// `report to "PATH" [title "TITLE"] [from "SCRIPT"]`: the session's results (or a script's) as one HTML file
    case report(path: String, pathSpan: SourceSpan, title: String?, script: String?, scriptSpan: SourceSpan?)
    /// `lesson [NAME | "PATH"]`: the built-in lessons, or one run step by step
    case lesson(Name?, path: String?, pathSpan: SourceSpan?)
    /// `say "TEXT"`: a lesson's words
    case say(String)
    /// `pause`: a lesson waits here for Enter (skipped when a script runs)
    case pause
    /// `load CONNECTION.SCHEMA.TABLE` or `load from CONNECTION query "SELECT …"`, `[as NAME] [with OPTION, …]`
    case loadServer(ParsedServerSource, alias: Name?, options: [ParsedLoadOption])
    /// `export NAME to CONNECTION.SCHEMA.TABLE [replace | append]`
    case exportServer(Name, ParsedServerTable, mode: Name?)
    /// `connect NAME to postgres "CONNINFO"`
    case connect(Name, driver: Name, conninfo: String, conninfoSpan: SourceSpan)
    /// `disconnect NAME`
    case disconnect(Name)
    /// `show connections`
    case showConnections
    /// `use CONNECTION.SCHEMA.TABLE [as NAME]`: a server table, current without loading it
    case useServer(ParsedServerTable, alias: Name?)
    /// `sql [DIALECT] STATEMENT`: the SQL a statement compiles to
    indirect case sql(dialect: Name?, ParsedStatement)
    /// `quit` or `exit`
    case quit
}

/// A table on a server: `CONNECTION.SCHEMA.TABLE`, or `CONNECTION.TABLE` in the server's search path.
public struct ParsedServerTable: Sendable, Equatable {
    public var connection: Name
    public var schema: Name?
    public var table: Name
    /// The whole dotted name.
    public var span: SourceSpan
}

/// What `load` reads from a server.
public enum ParsedServerSource: Sendable, Equatable {
    /// A whole table.
    case table(ParsedServerTable)
    /// The rows of a query, run on the named connection.
    case query(connection: Name, sql: String, span: SourceSpan)
}

/// One `with` option of `load`, as written: `delimiter ";"`, `columns (id text, …)`.
public struct ParsedLoadOption: Sendable, Equatable {
    /// The option's name.
    public var name: Name
    /// Its value.
    public var value: ParsedOptionValue
}

/// The value of a load option.
public enum ParsedOptionValue: Sendable, Equatable {
    /// A string such as `";"` or `"yyyyMMdd"`.
    case string(String, SourceSpan)
    /// A word such as `whitespace`, `skip`, `true`.
    case word(Name)
    /// `("NA", "-")`
    case strings([(String, SourceSpan)])
    /// `(id text, day date "yyyyMMdd", amount decimal)`
    case columns([ParsedColumnSpec])

    public static func == (a: ParsedOptionValue, b: ParsedOptionValue) -> Bool {
        switch (a, b) {
        case (.string(let x, let s), .string(let y, let t)): return x == y && s == t
        case (.word(let x), .word(let y)): return x == y
        case (.strings(let x), .strings(let y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case (.columns(let x), .columns(let y)): return x == y
        default: return false
        }
    }
}

/// `name type ["format"]` inside `columns (…)`.
public struct ParsedColumnSpec: Sendable, Equatable {
    /// The column's name.
    public var name: Name
    /// The type's name as written.
    public var type: Name
    /// A date format, when given.
    public var format: (String, SourceSpan)?

    public static func == (a: ParsedColumnSpec, b: ParsedColumnSpec) -> Bool {
        a.name == b.name && a.type == b.type && a.format?.0 == b.format?.0 && a.format?.1 == b.format?.1
    }
}

/// `name = expression` in `customers … with`.
public struct ParsedDefinition: Sendable, Equatable {
    public var name: Name
    public var value: ParsedExpression
    /// `where …` after a customer metric: the orders its aggregates take.
    public var condition: ParsedExpression? = nil
}

/// How `levels` cuts a column.
public enum ParsedLevelMethod: Sendable, Equatable {
    /// `quantiles N`
    case quantiles(Int, SourceSpan)
    /// `at x, y, …`
    case cuts([ParsedExpression])
}

/// One aggregate of `summarize`: `count`, or `sum(x)`, `avg(x)`, `median(x)`, `min(x)`, `max(x)`, `share(x)`.
public struct ParsedAggregate: Sendable, Equatable {
    /// The function's name as written.
    public var function: Name
    /// Its argument (none for `count`).
    public var argument: ParsedExpression?
    /// The whole aggregate.
    public var span: SourceSpan
}

/// `summarize count, sum(x) by a, b where … sort by … desc top N`
public struct ParsedAggregateQuery: Sendable, Equatable {
    public var aggregates: [ParsedAggregate]
    public var groups: [Name]
    public var condition: ParsedExpression?
    /// The column or aggregate to sort by; an aggregate is matched by its text (the name is empty
    /// and spans it) and kept whole in `sortAggregate`.
    public var sort: Name?
    public var sortAggregate: ParsedAggregate? = nil
    public var descending: Bool
    public var top: Int?
}

/// `attach COLUMNS from LOOKUP by KEYS [to TABLE] [keep unmatched | drop unmatched]`.
public struct ParsedAttach: Sendable, Equatable {
    /// A column of the lookup table, `*` for all but the keys, under another name with `as`.
    public struct Column: Sendable, Equatable {
        public var name: Name
        public var alias: Name?
    }
    /// A key: the same name in both tables, or the table's `=` the lookup's.
    public struct Key: Sendable, Equatable {
        public var table: Name
        public var lookup: Name?
    }
    public var columns: [Column]
    public var lookup: Name
    public var keys: [Key]
    public var table: Name?
    /// `keep` or `drop`: what becomes of the rows with no match.
    public var unmatched: Name?
}

/// `top N by COLUMN`
public struct ParsedTop: Sendable, Equatable {
    /// How many rows.
    public var count: Int
    /// The span of the count.
    public var countSpan: SourceSpan
    /// The column to order by, descending.
    public var column: Name
}

/// Comparison operators.
public enum ComparisonOperator: String, Sendable, CaseIterable {
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    /// The operator with its operands swapped (`a < b` ⇔ `b > a`).
    public var mirrored: ComparisonOperator {
        switch self {
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        case .equal, .notEqual: return self
        }
    }
}

/// Arithmetic operators.
public enum ArithmeticOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
}

/// An expression as written: a value or a condition (a condition is an expression of truth).
public indirect enum ParsedExpression: Sendable, Equatable {
    /// All must hold; flattened, so `a and b and c` is one node.
    case and([ParsedExpression], SourceSpan)
    /// Any must hold; flattened.
    case or([ParsedExpression], SourceSpan)
    /// `not C`
    case not(ParsedExpression, SourceSpan)
    /// `( E )`, kept so spans and the text shown for a condition include the brackets.
    case group(ParsedExpression, SourceSpan)
    /// `A op B`
    case comparison(ParsedExpression, ComparisonOperator, ParsedExpression, operatorSpan: SourceSpan)
    /// `A + B`, `A * B`, …
    case arithmetic(ParsedExpression, ArithmeticOperator, ParsedExpression, operatorSpan: SourceSpan)
    /// `-A`
    case negate(ParsedExpression, SourceSpan)
    /// `E [not] in (A, B, …)`
    case inList(ParsedExpression, [ParsedExpression], negated: Bool, SourceSpan)
    /// `E [not] between A and B`
    case between(ParsedExpression, ParsedExpression, ParsedExpression, negated: Bool, SourceSpan)
    /// `E is [not] null`
    case isNull(ParsedExpression, negated: Bool, SourceSpan)
    /// `E contains T` or `E starts with T`
    case textMatch(ParsedExpression, TextMatch, ParsedExpression, SourceSpan)
    /// `days since E`
    case daysSince(ParsedExpression, SourceSpan)
    /// `f(A, B)`
    case call(Name, [ParsedExpression], SourceSpan)
    /// `top 20%` or `bottom 10%`
    case rank(top: Bool, percent: String, SourceSpan)
    /// A name: a column, a level word such as `high`, or a named segment.
    case name(Name)
    /// `$name`
    case variable(Name)
    /// A number, kept as written (`-12.50`).
    case number(String, SourceSpan)
    /// `30 days`
    case days(String, SourceSpan)
    /// A string.
    case string(String, SourceSpan)
    /// A date literal's parts, not yet validated.
    case date(year: Int, month: Int, day: Int, SourceSpan)
    /// `true` or `false`.
    case boolean(Bool, SourceSpan)
    /// `null`
    case null(SourceSpan)

    /// The expression's span.
    public var span: SourceSpan {
        switch self {
        case .and(_, let s), .or(_, let s), .not(_, let s), .group(_, let s), .negate(_, let s), .inList(_, _, _, let s),
             .between(_, _, _, _, let s), .isNull(_, _, let s), .textMatch(_, _, _, let s), .daysSince(_, let s), .call(_, _, let s),
             .rank(_, _, let s), .number(_, let s), .days(_, let s), .string(_, let s), .date(_, _, _, let s), .boolean(_, let s), .null(let s):
            return s
        case .comparison(let a, _, let b, _), .arithmetic(let a, _, let b, _): return a.span.merged(with: b.span)
        case .name(let n), .variable(let n): return n.span
        }
    }
}

/// The text tests.
public enum TextMatch: String, Sendable {
    case contains, startsWith = "starts with"
}

/// One option of `clv … with`: `margin = 0.3`, `horizon = 12 months`.
public struct ParsedModelOption: Sendable, Equatable {
    public let name: Name
    public let value: ParsedExpression
    public let unit: Name?

    public init(name: Name, value: ParsedExpression, unit: Name?) {
        (self.name, self.value, self.unit) = (name, value, unit)
    }
}
