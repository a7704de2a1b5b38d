import PatronStore
import PatronSyntax

/// A statement whose names are resolved to tables and columns: nothing is looked up by string after binding.
public enum BoundStatement: Sendable {
    /// Load a file as a named table.
    case load(path: String, name: String, options: LoadOptions)
    /// Make a table current.
    case use(Table)
    /// Show a table's schema.
    case describe(Table)
    /// Profile each column of a table.
    case summarize(Table)
    /// Count a table's rows (those in a segment, when one is named), optionally by groups.
    case count(Table, segment: BoundCondition?, segmentName: String?, by: [Int])
    /// Show a table's rows (those in a segment, when one is named), optionally the top N by a column (descending).
    /// `show`: the rows of a table (those of a segment, or where a condition holds), the first
    /// ones or the top N by a column, with the columns picked (nil: all, in the table's order).
    case show(Table, top: BoundTop?, segment: BoundCondition?, columns: [Int]?)
    /// Aggregates by groups.
    case aggregate(BoundAggregateQuery)
    /// Counts of rows for each pair of values of two columns.
    case crosstab(Table, rows: Int, columns: Int, condition: BoundCondition?)
    /// Set a variable (a `--param` of the same name wins).
    case letVariable(String, BoundExpression)
    /// `add NAME = EXPRESSION [to TABLE]`: the table with a computed column appended (`text`:
    /// the expression as written, its definition).
    case addColumn(Table, name: String, expression: BoundExpression, text: String)
    /// `attach … from LOOKUP by KEYS`: the table with columns of a lookup table, by key.
    case attach(BoundAttach)
    /// Set how a column is split into levels.
    case levels(Table, column: Int, LevelDefinition, LevelCuts)
    /// Name a segment (checked now against the current table, bound afresh each time it is used).
    case defineSegment(SegmentDefinition, preview: BoundSegment)
    /// Forget a segment.
    case dropSegment(String)
    /// List the named segments with their sizes in the current table.
    case showSegments(Table, [(SegmentDefinition, BoundSegment?)])
    /// List the levels in force for the current table's numeric columns.
    case showLevels(Table, [LevelCuts])
    /// Derive one row per customer from an order table.
    case customers(BoundCustomers)
    /// Print a metric's definition as it is in force.
    case explainMetric(Table, column: Int)
    /// Print a segment's definition, size and cut points, and where its rows fall in the frameworks.
    case explainSegment(SegmentDefinition, BoundSegment, FrameworkColumns)
    /// One customer explained: its row (the first the id conditions pick, tried in order), the
    /// level of each numeric value, and the named segments it is in (with the levels their
    /// conditions use). The row is found when the statement runs, in memory or on a server.
    case explainCustomer(Table, ids: [BoundCondition], levels: [Int: LevelCuts], segments: [(String, String, BoundCondition, [LevelCuts])])
    /// The 2×2 of two metrics split high/low (median, or given cut points), with the table's profit column for shares.
    case matrix(Table, first: Int, second: Int, cuts: [Double]?, profit: Int?)
    /// ABC classes by cumulative share of a metric, with the A and B cut-offs (0…1).
    case pareto(Table, column: Int, a: Double, b: Double)
    /// Value tiers: none (≤ 0), then low, medium, high at the terciles of the positive values.
    case tiers(Table, column: Int)
    /// RFM scores 1…bins for recency (reversed), frequency and monetary.
    case rfm(Table, recency: Int, frequency: Int, monetary: Int, bins: Int)
    /// Name each row by the first rule that matches.
    case rfmSegments(Table, preset: String, rules: [(name: String, condition: BoundCondition)], monetary: Int?)
    /// Lifecycle stages by recency windows (days); `tenure` marks new customers when present.
    case lifecycle(Table, recency: Int, tenure: Int?, value: Int?, windows: [Int])
    /// Segments at two as-of dates, and how many customers moved between them.
    case transitions(BoundCustomers, from: Int32, to: Int32, by: Segmentation)
    /// `clv …`: a customer-base model fitted on the derivation's orders, its columns added to the customer table.
    case clv(BoundCLV)
    /// `what if retention + N points over Y years`: the derivation's economics projected with and without.
    case whatIf(BoundCustomers, points: Double, years: Int)
    /// `cohorts …`: first-purchase cohorts of the derivation's customers, followed period by period.
    case cohorts(BoundCustomers, period: CohortPeriod, measure: CohortMeasure)
    /// Choose the language of segment names, advice and explanations.
    case setLanguage(String)
    /// Print each statement's elapsed time (or stop).
    case setTimer(Bool)
    /// Write a table, a segment's rows or the last result to a file.
    case export(ExportSource, path: String, format: ExportFormat, raw: Bool)
    /// Run another script (its path already resolved against the including one).
    case include(path: String)
    /// Write the statements that succeeded so far as a script.
    case saveSession(path: String)
    /// Write the session's results (or a script's, its path resolved) as one HTML file.
    case report(path: String, title: String?, script: String?)
    /// List the built-in lessons, or run one (by name) or a lesson file (its path resolved).
    case lesson(name: String?, path: String?)
    /// A lesson's words.
    case say(String)
    /// A lesson's pause (nothing in a script).
    case pause
    /// A concept of segmentation (matrix, rfm, pareto, levels, …), explained as its help topic is.
    case explainConcept(String)
    /// Add a custom RFM rule, at this place (from 1) in the custom table.
    case rfmRule(SegmentDefinition, position: Int)
    /// Check a rule table over every cell of scores.
    case checkSegments(preset: String, bins: Int, cells: Table, rules: [(name: String, condition: BoundCondition)])
    /// Count the rows of a table that satisfy a condition.
    case segment(BoundSegment)
    /// Show help on a topic.
    case help(topic: String?)
    /// Open a connection to a server (the driver owns it; the catalog knows its name).
    case connect(name: String, conninfo: String)
    /// Close a connection.
    case disconnect(String)
    /// List the open connections.
    case showConnections([String])
    /// Load a server's table or a query's rows as a named table.
    case loadServer(connection: String, source: BoundServerSource, name: String, wideNumericAsText: Bool)
    /// Write a table, a segment's rows or the last result to a server table.
    case exportServer(ExportSource, target: BoundServerTable, mode: String?)
    /// Make a server table current without loading it, under a name.
    case useServer(BoundServerTable, name: String)
    /// The SQL a segment compiles to, in a dialect (by name; the driver's compiler checks it).
    case sqlSegment(BoundSegment, dialect: String)
    /// The SQL a framework statement (matrix, tiers, lifecycle) compiles to, with the statement as written.
    indirect case sqlFramework(BoundStatement, text: String, dialect: String)
    /// The SQL a customer derivation compiles to.
    case sqlCustomers(BoundCustomers, dialect: String)
    /// The SQL a summary (or `count … by`) compiles to, with the statement as written.
    case sqlSummary(BoundAggregateQuery, text: String, dialect: String)
    /// End the session.
    case quit
}

/// What a server load reads.
public enum BoundServerSource: Sendable {
    case table(schema: String?, name: String)
    /// A query, with the span of its text (for the position of a syntax error).
    case query(sql: String, span: SourceSpan)
}

/// A table on a connected server.
public struct BoundServerTable: Sendable {
    public let connection: String
    public let schema: String?
    public let table: String
    /// What compiled SQL reads the table from, when it is not the table itself (set at `use`).
    public var relation: String?

    public init(connection: String, schema: String?, table: String, relation: String? = nil) {
        self.connection = connection
        self.schema = schema
        self.table = table
        self.relation = relation
    }
}

/// `customers from ORDERS by ID …`, bound.
/// A customer metric of the analyst's own: aggregates of the orders, each over the orders where
/// the metric's condition holds, and exact arithmetic over them.
public struct CustomMetric: Sendable {
    /// One aggregate of a customer's orders.
    public struct Aggregate: Sendable {
        public enum Kind: String, Sendable, CaseIterable {
            /// `avg` is exact, rounded half away from zero at the value's scale; `share` the orders
            /// meeting the condition over all the customer's orders, to 4 places.
            case sum, count, countDistinct = "count distinct", min, max, avg, share
        }
        public let kind: Kind
        public let argument: BoundExpression?
        public let condition: BoundExpression?
        public init(kind: Kind, argument: BoundExpression?, condition: BoundExpression?) {
            (self.kind, self.argument, self.condition) = (kind, argument, condition)
        }
    }
    public indirect enum Value: Sendable {
        case aggregate(Aggregate)
        case constant(Literal)
        case arithmetic(ArithmeticOperator, Value, Value)
        case negate(Value)
    }
    public let name: String
    public let value: Value
    /// The type of the metric's values: exact numbers (scales as exact arithmetic makes them) or
    /// dates; null for arithmetic over something else.
    public var type: ValueType { Self.valueType(value) }

    public static func valueType(_ value: Value) -> ValueType {
        switch value {
        case .constant(let literal): return literal.type
        case .negate(let inner): return valueType(inner)
        case .aggregate(let a):
            switch a.kind {
            case .count, .countDistinct: return .number(scale: 0)
            case .share: return .number(scale: 4)
            case .sum, .min, .max, .avg: return a.argument?.type ?? .null
            }
        case .arithmetic(let op, let x, let y):
            guard case .number(let s) = valueType(x), case .number(let t) = valueType(y) else { return .null }
            return .number(scale: op == .multiply ? s + t : max(s, t))
        }
    }
    /// The definition as written, for `describe` and `explain`.
    public let text: String
    public init(name: String, value: Value, text: String) { (self.name, self.value, self.text) = (name, value, text) }
}

public struct BoundCustomers: Sendable {
    public let orders: Table
    /// The customer column, the order date column and (when present) the channel column.
    public let id: Int
    public let date: Int
    public let channel: Int?
    /// What a sale is worth, and what it earns (when known); how each was found, for the definitions.
    public let amount: BoundExpression
    public let amountText: String
    public let profit: BoundExpression?
    public let profitText: String?
    /// The as-of date, when given (otherwise the latest order date).
    public let asOf: Int32?
    /// The new table's name.
    public let name: String
    /// The metrics to derive (nil: all of them).
    public let metrics: Set<String>?
    /// The analyst's own metrics (`with points = sum(amount) * 0.05`), after the built-in ones.
    public var custom: [CustomMetric] = []

    /// Every metric a derivation can give, in the order of the table's columns.
    public static let metricNames = ["first_purchase", "last_purchase", "recency", "frequency", "monetary", "aov", "profit", "tenure", "loyalty", "channels"]

    /// Whether the derivation gives `metric`.
    public func derives(_ metric: String) -> Bool { metrics?.contains(metric) ?? true }

    public init(orders: Table, id: Int, date: Int, channel: Int?, amount: BoundExpression, amountText: String,
                profit: BoundExpression?, profitText: String?, asOf: Int32?, name: String, metrics: Set<String>? = nil) {
        self.metrics = metrics
        self.orders = orders
        self.id = id
        self.date = date
        self.channel = channel
        self.amount = amount
        self.amountText = amountText
        self.profit = profit
        self.profitText = profitText
        self.asOf = asOf
        self.name = name
    }
}

/// One aggregate, bound.
public struct BoundAggregate: Sendable {
    /// Which aggregate.
    public enum Kind: String, Sendable { case count, sum, avg, median, min, max, share }
    public let kind: Kind
    /// Its argument (nil for count).
    public let argument: BoundExpression?
    /// Its heading, as written: `count`, `sum(profit)`.
    public let label: String

    /// Creates an aggregate.
    public init(kind: Kind, argument: BoundExpression?, label: String) {
        self.kind = kind
        self.argument = argument
        self.label = label
    }
}

/// `summarize … by … where … sort by … top N`, bound.
public struct BoundAggregateQuery: Sendable {
    public let table: Table
    public let aggregates: [BoundAggregate]
    /// Group columns, by index.
    public let groups: [Int]
    public let condition: BoundCondition?
    /// The output column to sort by (groups first, then aggregates), and the direction.
    public let sort: (column: Int, descending: Bool)?
    public let top: Int?
    /// Level cut points used by the condition.
    public let levels: [LevelCuts]

    /// Creates a query.
    public init(table: Table, aggregates: [BoundAggregate], groups: [Int], condition: BoundCondition?, sort: (column: Int, descending: Bool)?, top: Int?, levels: [LevelCuts]) {
        self.table = table
        self.aggregates = aggregates
        self.groups = groups
        self.condition = condition
        self.sort = sort
        self.top = top
        self.levels = levels
    }

    /// `count [SEGMENT] by COLUMNS`: a summary whose one aggregate is the count.
    public static func counting(_ table: Table, by groups: [Int], within segment: BoundCondition?) -> BoundAggregateQuery {
        BoundAggregateQuery(table: table, aggregates: [BoundAggregate(kind: .count, argument: nil, label: "count")],
                            groups: groups, condition: segment, sort: nil, top: nil, levels: [])
    }
}

/// `top N by COLUMN`, bound.
public struct BoundTop: Sendable {
    /// How many rows.
    public let count: Int
    /// The index of the column to order by (descending).
    public let column: Int
}

/// A bound `segment where` statement.
public struct BoundSegment: Sendable {
    /// The table the condition runs over.
    public let table: Table
    /// The condition.
    public let condition: BoundCondition
    /// The condition as written (for the result's title).
    public let text: String
    /// The level cut points the condition uses, in order of first use.
    public let levels: [LevelCuts]
    /// The index of the table's `profit` column, when it has a numeric one.
    public let profitColumn: Int?

    /// Creates a bound segment.
    public init(table: Table, condition: BoundCondition, text: String, levels: [LevelCuts], profitColumn: Int?) {
        (self.table, self.condition, self.text, self.levels, self.profitColumn) = (table, condition, text, levels, profitColumn)
    }
}

/// A condition over one table's columns, by index.
public indirect enum BoundCondition: Sendable {
    /// All hold.
    case and([BoundCondition])
    /// Any holds.
    case or([BoundCondition])
    /// Negation, with SQL's three-valued logic: `not unknown` is unknown.
    case not(BoundCondition)
    /// A numeric column against an exact literal: `column × multiplier op value`, in a common scale.
    case numeric(column: Int, multiplier: Int64, ComparisonOperator, value: Int128)
    /// Two numeric columns, compared as exact values in a common scale.
    case numericColumns(left: Int, leftMultiplier: Int64, ComparisonOperator, right: Int, rightMultiplier: Int64)
    /// A text column against a string.
    case text(column: Int, ComparisonOperator, String)
    /// Two text columns.
    case textColumns(left: Int, ComparisonOperator, right: Int)
    /// A date column against a day number.
    case date(column: Int, ComparisonOperator, Int32)
    /// A timestamp column against microseconds since 1970 (a date literal means its midnight).
    case timestamp(column: Int, ComparisonOperator, Int64)
    /// Two date columns.
    case dateColumns(left: Int, ComparisonOperator, right: Int)
    /// A boolean column against a value (or alone: `= true`).
    case boolean(column: Int, ComparisonOperator, Bool)
    /// A numeric column's level against a level index (`profit = high`).
    case level(column: Int, LevelCuts, ComparisonOperator, level: Int)
    /// A condition with a fixed value (`true`, `false`).
    case constant(Bool)
    /// A numeric column against a rank's cut (its one cut point, `method` `.rank(top:percent:)`):
    /// `top 20%` is `column >= cut`, `bottom 10%` `column <= cut` (equal values share it).
    case rank(column: Int, LevelCuts)
    /// Any other condition: a boolean expression evaluated per row.
    case expression(BoundExpression)
}

/// The type of an expression's values.
public enum ValueType: Sendable, Equatable {
    /// Exact numbers with `scale` decimals (integers have scale 0).
    case number(scale: Int)
    /// Floating-point numbers (quotients, square roots).
    case real
    case text, date, timestamp, boolean
    /// The literal `null`, which fits any type.
    case null

    /// Whether values are numbers.
    public var isNumeric: Bool {
        switch self {
        case .number, .real: return true
        default: return false
        }
    }

    /// The type as users read it in messages.
    public var name: String {
        switch self {
        case .number(let scale): return scale == 0 ? "whole number" : "number"
        case .real: return "number"
        case .text: return "text"
        case .date: return "date"
        case .timestamp: return "timestamp"
        case .boolean: return "true/false"
        case .null: return "null"
        }
    }
}

/// A value known when the statement is bound (a literal, a `let`, a parameter) or when a plan is
/// run (an order statistic, a server's answer).
public enum Literal: Sendable, Hashable {
    /// An exact number: `mantissa / 10^scale` (128 bits: a server's sum can pass 64).
    case number(Int128, scale: Int)
    case real(Double)
    case text(String)
    case date(Int32)
    case timestamp(Int64)
    case boolean(Bool)
    case null

    /// The constant's type.
    public var type: ValueType {
        switch self {
        case .number(_, let scale): return .number(scale: scale)
        case .real: return .real
        case .text: return .text
        case .date: return .date
        case .timestamp: return .timestamp
        case .boolean: return .boolean
        case .null: return .null
        }
    }
}

/// The built-in functions.
public enum BuiltinFunction: String, Sendable, CaseIterable {
    case abs, round, floor, ceil, lower, upper, length, year, month, day
    case daysBetween = "days_between"
    case coalesce
}

/// An expression over one table's columns, by index, with every type known.
public indirect enum BoundExpression: Sendable {
    case column(Int, ValueType)
    case constant(Literal)
    /// Arithmetic; the result type is decided at binding (exact where the inputs are).
    case arithmetic(ArithmeticOperator, BoundExpression, BoundExpression, ValueType)
    case negate(BoundExpression)
    case call(BuiltinFunction, [BoundExpression], ValueType)
    /// A comparison; the operands have comparable types.
    case compare(BoundExpression, ComparisonOperator, BoundExpression)
    case and([BoundExpression])
    case or([BoundExpression])
    case not(BoundExpression)
    case inList(BoundExpression, [BoundExpression], negated: Bool)
    case isNull(BoundExpression, negated: Bool)
    case textMatch(BoundExpression, TextMatch, BoundExpression)
    /// A condition bound by the fast path (level words, ranks), used inside a larger expression.
    case condition(BoundCondition)
    /// The latest date in a date column of the table, the same on every row (`days since`'s
    /// reference when no `as_of` is set): the backend finds it when the statement runs.
    case latestDate(column: Int)

    /// The type of the expression's values.
    public var type: ValueType {
        switch self {
        case .column(_, let t), .arithmetic(_, _, _, let t), .call(_, _, let t): return t
        case .constant(let c): return c.type
        case .negate(let e): return e.type
        case .compare, .and, .or, .not, .inList, .isNull, .textMatch, .condition: return .boolean
        case .latestDate: return .date
        }
    }
}

/// A way of putting every customer in one segment, which `transitions` repeats at two dates.
public enum Segmentation: Sendable {
    /// new, active, warm, cold, lapsed at the default windows.
    case lifecycle
    /// The profit × loyalty matrix, split at the medians of each date.
    case matrix
    /// Value tiers of profit (of monetary when no profit is defined).
    case tiers
    /// RFM scores at each date, named by a rule table (first match wins).
    case rules(RuleTable)

    /// The keys of its segments' labels, in the order patron lists them (a rule table's
    /// unmatched customers last, as "Others").
    public var labelKeys: [String] {
        switch self {
        case .matrix: return Quadrant.allCases.map(\.key)
        case .lifecycle: return LifecycleStage.allCases.map(\.key)
        case .tiers: return ValueTier.allCases.reversed().map(\.key)
        case .rules(let table): return table.rules.map(\.name) + ["Others"]
        }
    }

    /// The name it is written with after `by`.
    public var name: String {
        switch self {
        case .lifecycle: return "lifecycle"
        case .matrix: return "matrix"
        case .tiers: return "tiers"
        case .rules(let table): return table.preset
        }
    }
}

/// What `export` writes.
public enum ExportSource: Sendable {
    /// A whole table, with the columns picked (nil: all).
    case table(Table, columns: [Int]? = nil)
    /// The rows of a table in a named segment, with the levels its condition uses.
    case segment(name: String, table: Table, condition: BoundCondition, levels: [LevelCuts], columns: [Int]? = nil)
    /// The last result printed.
    case lastResult
}

/// The file formats `export` and `--format` write.
public enum ExportFormat: String, Sendable, CaseIterable {
    case csv, tsv, json, jsonl, markdown

    /// The format a file name's extension implies, if any.
    public init?(path: String) {
        let lower = path.lowercased()
        guard let dot = lower.lastIndex(of: "."), !lower[dot...].contains("/") else { return nil }
        switch lower[lower.index(after: dot)...] {
        case "csv": self = .csv
        case "tsv", "tab": self = .tsv
        case "json": self = .json
        case "jsonl", "ndjson": self = .jsonl
        case "md", "markdown": self = .markdown
        default: return nil
        }
    }

    /// The format a name after `as` (or `--format`) stands for.
    public init?(name: String) {
        switch name.lowercased() {
        case "md": self = .markdown
        case "ndjson": self = .jsonl
        default: self.init(rawValue: name.lowercased())
        }
    }
}

extension BoundStatement {
    /// A framework statement that compiles to one SQL query of segments (`matrix`, `pareto`, `tiers`, `lifecycle`).
    public var isFramework: Bool {
        switch self {
        case .matrix, .pareto, .tiers, .lifecycle: return true
        default: return false
        }
    }

    /// A statement whose answer is a table later statements read (`customers from`, `rfm bins`,
    /// `rfm segments`): a compiled script makes the table, and patron makes it too.
    public var makesTable: Bool {
        switch self {
        case .customers, .rfm, .rfmSegments, .addColumn, .attach: return true
        default: return false
        }
    }

    /// A statement `sql` compiles besides segments, summaries and derivations: the frameworks,
    /// RFM scores and rule tables, transitions, cross tabulations and pages of rows by a column.
    public var compilesAsQuery: Bool {
        switch self {
        case .rfm, .rfmSegments, .transitions, .cohorts, .addColumn, .attach, .crosstab, .showSegments, .showLevels, .levels: return true
        case .show(_, let top, _, _): return top != nil
        default: return isFramework
        }
    }
}

/// `attach COLUMNS from LOOKUP by KEYS [to TABLE] [keep | drop unmatched]`, bound: the
/// tables, each key as a pair of columns, each column of the lookup table added (with the name it
/// gets), and what becomes of a row with no match (nil: the statement did not say).
public struct BoundAttach: Sendable {
    public enum Unmatched: String, Sendable { case keep, drop }
    public struct Key: Sendable {
        public let table: Int
        public let lookup: Int
        public init(table: Int, lookup: Int) { (self.table, self.lookup) = (table, lookup) }
    }
    public struct Added: Sendable {
        public let lookup: Int
        public let name: String
        public init(lookup: Int, name: String) { (self.lookup, self.name) = (lookup, name) }
    }
    public let table: Table
    public let lookup: Table
    public let keys: [Key]
    public let columns: [Added]
    public let unmatched: Unmatched?
    /// The statement as written (for the hints that say how to choose).
    public let text: String

    public init(table: Table, lookup: Table, keys: [Key], columns: [Added], unmatched: Unmatched?, text: String) {
        (self.table, self.lookup, self.keys, self.columns, self.unmatched, self.text) = (table, lookup, keys, columns, unmatched, text)
    }

    /// The keys as written in words: `customer_id`, or `id = customer_id`.
    public var keyText: String {
        keys.map { k in
            let (a, b) = (table.columns[k.table].name, lookup.columns[k.lookup].name)
            return a == b ? a : "\(a) = \(b)"
        }.joined(separator: ", ")
    }
}

/// What `clv` fits and adds: the derivation whose orders it reads, the customer table it adds
/// columns to, the calibration end (`until`; else the derivation's as-of date), the time unit in
/// days, and the economics of the lifetime value.
public struct BoundCLV: Sendable {
    /// The purchase model: bgnbd or pareto_nbd.
    public let model: String
    public let customers: BoundCustomers
    public let table: Table
    public let until: Int32?
    public let unitDays: Int
    public let margin: Double
    public let discount: Double
    public let horizonMonths: Int

    public init(model: String, customers: BoundCustomers, table: Table, until: Int32?, unitDays: Int, margin: Double, discount: Double, horizonMonths: Int) {
        (self.model, self.customers, self.table, self.until, self.unitDays) = (model, customers, table, until, unitDays)
        (self.margin, self.discount, self.horizonMonths) = (margin, discount, horizonMonths)
    }
}

/// The period cohorts are formed and followed by.
public enum CohortPeriod: String, Sendable, CaseIterable {
    case week, month, quarter

    /// The most periods a cohort table follows back from the as-of date (five years of weeks,
    /// twenty of months, fifty of quarters): the table grows with their square.
    public var limit: Int {
        switch self {
        case .week: return 260
        case .month: return 240
        case .quarter: return 200
        }
    }
}

/// What `cohorts` follows: the customers still buying, or their revenue or profit.
public enum CohortMeasure: String, Sendable, CaseIterable {
    case customers, revenue, profit
}

extension BoundStatement {
    /// The concepts `explain` takes besides columns and segments (their texts are the help topics').
    public static let explainedConcepts: Set<String> = ["matrix", "rfm", "pareto", "levels", "tiers", "lifecycle", "clv", "cohorts", "loyalty", "expressions"]
}

/// The engines patron compiles to; `sql DIALECT` and `patron compile --dialect` name them. How
/// each spells its SQL is PatronSQL's (`extension SQLDialect`).
public enum SQLDialect: String, Sendable, CaseIterable {
    case duckdb, postgres, spark, trino, bigquery, snowflake
}
