import PatronAnalysis
import PatronStore

/// A statement's answer as a value: numbers, enums and column references, no words. The
/// presenter turns it into the data form every drawing (box text, charts, CSV, JSON, …) comes from.
public enum StatementResult: Sendable {
    /// `load`: the table and what the loader decided.
    case loaded(LoadReport)
    /// `describe`: a table's columns, their types and why.
    case schema(Table)
    /// `summarize TABLE`: a profile of every column.
    case profile(Table, [ColumnSummary])
    /// `show`: rows of a table.
    case rows(RowsResult)
    /// `count` and `count SEGMENT`: rows in a table, or in a named segment of it.
    case count(Table, segment: String?, count: Int, of: Int)
    /// `summarize … by …` and `count … by …`.
    case summary(AggregateResult)
    /// `crosstab a by b`.
    case crosstab(CrosstabResult)
    /// `segment where …`.
    case segment(SegmentResult)
    /// `define segment NAME as …`: the definition and its size now.
    case segmentDefined(SegmentDefinition, SegmentResult)
    /// `show segments`.
    case segments(SegmentSizes)
    /// `levels METRIC …`: the split now in force and the rows per level.
    case levelsSet(LevelCounts)
    /// `show levels`.
    case levelTable(Table, [LevelCuts], rows: Int)
    /// `customers from …`.
    case derived(CustomerDerivation, orders: String)
    /// `explain METRIC`.
    case metric(Table, column: Int)
    /// `explain SEGMENT`.
    case segmentExplained(SegmentExplanation)
    /// `explain customer ID`.
    case customerExplained(CustomerExplanation)
    case matrix(MatrixResult)
    case pareto(ParetoResult)
    case tiers(TiersResult)
    case lifecycle(LifecycleResult)
    case rfm(RFMResult)
    case rfmSegments(RuleAssignment)
    case check(RuleCheck)
    case transitions(TransitionsResult)
    /// `clv`: the fitted models, the columns added, the check on later orders.
    case clv(CLVResult)
    /// `cohorts`: first-purchase cohorts, period by period.
    case cohorts(CohortResult)
    /// `what if retention + N points`: the projection with and without.
    case projection(RetentionProjection)
    /// `show connections`: each open connection and where it goes.
    case connections([(name: String, server: String)])
    /// A confirmation with no table: what a statement did.
    case done(Confirmation)
}

/// What a statement that changes the session did, as a value.
public enum Confirmation: Sendable {
    /// `use TABLE`.
    case using(Table)
    /// `let NAME = …`; `fromParameter` when a `--param` of the same name won.
    case variable(String, Literal, fromParameter: Bool)
    /// `drop segment NAME`.
    case segmentDropped(String)
    /// `add NAME = …`: the column added to a table (named, typed and explained).
    case columnAdded(Column, table: String)
    /// `attach …`: what was attached, and what became of the rows with no match.
    case attached(AttachReport)
    /// `rfm rule …`: its place in the custom table.
    case ruleAdded(SegmentDefinition, position: Int)
    /// `set language …`.
    case language(String)
    /// `set timer …`.
    case timer(Bool)
    /// `export …`.
    case exported(rows: Int, path: String, format: ExportFormat, raw: Bool)
    /// `save session …`.
    case saved(statements: Int, path: String)
    /// `connect …`: where the connection goes (no password) and the server's version.
    case connected(String, server: String, version: String)
    /// `disconnect …`.
    case disconnected(String)
    /// `export … to CONNECTION.SCHEMA.TABLE`.
    case exportedToServer(rows: Int, target: String, mode: String?)
}

/// The named segments and their sizes in one table (nil: the segment uses columns it lacks).
public struct SegmentSizes: Sendable {
    public let table: Table
    public let segments: [(definition: SegmentDefinition, count: Int?)]
    /// The rows of the table.
    public let total: Int

    /// The sizes of `segments` in `table`, of `total` rows (by default the rows held).
    public init(table: Table, segments: [(definition: SegmentDefinition, count: Int?)], total: Int? = nil) {
        (self.table, self.segments, self.total) = (table, segments, total ?? table.rowCount)
    }
}

/// A column's levels and how many rows fall in each.
public struct LevelCounts: Sendable {
    public let table: Table
    public let cuts: LevelCuts
    public let counts: [Int]

    /// Creates the rows per level of a column's cut points.
    public init(table: Table, cuts: LevelCuts, counts: [Int]) {
        (self.table, self.cuts, self.counts) = (table, cuts, counts)
    }
}

/// What running a statement gave: its answer, and the catalog changes for the driver to apply.
public struct Execution: Sendable {
    public let result: StatementResult
    public let changes: [CatalogChange]

    public init(_ result: StatementResult, changes: [CatalogChange] = []) {
        self.result = result
        self.changes = changes
    }
}

/// Why a statement stopped without an answer.
public enum ExecutionFailure: Error, Sendable {
    /// Ctrl-C: nothing changed.
    case cancelled
    /// A rule of a rule table could not be bound over the data it ran on.
    case rule(RuleFailure)
    /// A model could not be fitted to the data (no repeat purchases, too few customers).
    case model(String, hints: [String])
    /// Exact arithmetic passed 64 bits in `rows` rows of `table`, the first at `row` (from 0).
    case overflow(table: String, row: Int, rows: Int)
    /// `explain customer`: no row of `table` has the id asked for.
    case noSuchCustomer(table: String)
}
