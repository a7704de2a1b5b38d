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
    /// Count a table's rows.
    case count(Table)
    /// Show a table's rows, optionally the top N by a column (descending).
    case show(Table, top: BoundTop?)
    /// Count the rows of a table that satisfy a condition.
    case segment(BoundSegment)
    /// Show help on a topic.
    case help(topic: String?)
    /// End the session.
    case quit
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
}
