import Foundation

/// A named set of equally long columns.
public final class Table: @unchecked Sendable {
    /// The table's name in the catalog.
    public let name: String
    /// The columns, in file order.
    public let columns: [Column]
    /// The number of rows.
    public let rowCount: Int
    /// Where the table came from.
    public let origin: TableOrigin

    /// Creates a table; every column must have `rowCount` values.
    public init(name: String, columns: [Column], rowCount: Int, origin: TableOrigin) {
        self.name = name
        self.columns = columns
        self.rowCount = rowCount
        self.origin = origin
    }

    /// Order statistics already found, by column and fractions (`quantileParts`): a statement
    /// that names a level twice, or shows it beside the rows it selects, finds them once.
    let partsCache = LockedCache<PartsKey, (parts: [QuantileParts], count: Int)>()

    /// The index of the column named exactly `name` (names are case-sensitive).
    public func columnIndex(named name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    /// Checks the table's internal consistency; returns every problem found.
    public func invariantViolations() -> [String] {
        var problems: [String] = []
        for column in columns {
            if column.count != rowCount { problems.append("column '\(column.name)' has \(column.count) values for \(rowCount) rows") }
            if let problem = column.invariantViolation() { problems.append(problem) }
        }
        if Set(columns.map(\.name)).count != columns.count { problems.append("duplicate column names") }
        return problems
    }

    /// The same rows with only `columns`, in that order (`show a, b`): the columns are shared, not copied.
    public func picking(_ columns: [Int]?) -> Table {
        guard let columns else { return self }
        return Table(name: name, columns: columns.map { self.columns[$0] }, rowCount: rowCount, origin: origin)
    }

    /// Traps in debug builds when the table is inconsistent.
    public func checkInvariants() {
        assert(invariantViolations().isEmpty, invariantViolations().joined(separator: "; "))
    }
}
