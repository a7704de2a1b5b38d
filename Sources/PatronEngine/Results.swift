import PatronAnalysis
import PatronStore

/// The answer to `segment where …`: the matching rows and what they weigh.
public struct SegmentResult: Sendable {
    /// The table the segment was taken from.
    public let table: Table
    /// The condition as written.
    public let condition: String
    /// How many rows match.
    public let count: Int
    /// The number of rows in scope.
    public let total: Int
    /// The matching rows' share of the total profit (nil without a profit column or when total profit ≤ 0).
    public let profitShare: Double?
    /// The name of the profit column used for the share.
    public let profitColumn: String?
    /// The level cut points the condition used.
    public let levels: [LevelCuts]

    /// The matching rows' share of the rows in scope.
    public var share: Double { total == 0 ? 0 : Double(count) / Double(total) }

    public init(table: Table, condition: String, count: Int, total: Int, profitShare: Double?, profitColumn: String?, levels: [LevelCuts]) {
        self.table = table
        self.condition = condition
        self.count = count
        self.total = total
        self.profitShare = profitShare
        self.profitColumn = profitColumn
        self.levels = levels
    }
}

/// Rows chosen for display.
public struct RowsResult: Sendable {
    /// The table.
    public let table: Table
    /// The rows to show, in order.
    public let rows: [Int]
    /// How many rows the statement selected in all (more than `rows.count` when cut short).
    public let matching: Int
    /// The column the rows are ordered by (descending), if any.
    public let orderedBy: String?

    /// Creates rows to show.
    public init(table: Table, rows: [Int], matching: Int, orderedBy: String?) {
        (self.table, self.rows, self.matching, self.orderedBy) = (table, rows, matching, orderedBy)
    }

    /// The same rows with only the columns picked (nil: all of them).
    public func picking(_ columns: [Int]?) -> RowsResult {
        RowsResult(table: table.picking(columns), rows: rows, matching: matching, orderedBy: orderedBy)
    }
}
