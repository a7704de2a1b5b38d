import PatronStore

/// A profile of one column: counts, range, centre and spread, most frequent values.
public struct ColumnSummary: Sendable {
    /// The column's position in its table.
    public let column: Int
    /// Non-null values.
    public let count: Int
    /// Null values.
    public let nulls: Int
    /// Distinct non-null values.
    public let distinct: Int
    /// A row holding the smallest value, and one holding the largest (text: in code-point order).
    public let minRow: Int?
    public let maxRow: Int?
    /// The mean of a numeric column.
    public let mean: Double?
    /// The 25th, 50th and 75th percentiles (linear interpolation) of a numeric or date column.
    public let quartiles: [Double]?
    /// The most frequent values: a row holding each, and how often it occurs (most first, ties by first appearance).
    public let top: [(row: Int, count: Int)]
}

extension Engine {
    /// Profiles every column of a table.
    public static func summarize(_ table: Table) -> [ColumnSummary] {
        table.columns.indices.map { summarize(table.columns[$0], index: $0) }
    }

    static func summarize(_ column: Column, index: Int) -> ColumnSummary {
        let n = column.count
        let nulls = column.nulls.nullCount
        let rows = (0..<n).filter { !column.nulls.contains($0) }

        /// Distinct values, extremes and most frequent values from (key, row) pairs.
        func profile<K: Hashable & Comparable>(_ key: (Int) -> K) -> (Int, Int?, Int?, [(Int, Int)]) {
            var counts: [K: (first: Int, count: Int)] = [:]
            var minRow: Int? = nil, maxRow: Int? = nil
            for r in rows {
                let k = key(r)
                if let entry = counts[k] { counts[k] = (entry.first, entry.count + 1) } else { counts[k] = (r, 1) }
                if minRow == nil || k < key(minRow!) { minRow = r }
                if maxRow == nil || k > key(maxRow!) { maxRow = r }
            }
            let top = counts.values.sorted { $0.count != $1.count ? $0.count > $1.count : $0.first < $1.first }.prefix(3).map { ($0.first, $0.count) }
            return (counts.count, minRow, maxRow, top)
        }

        var mean: Double? = nil
        var quartiles: [Double]? = nil
        let stats: (Int, Int?, Int?, [(Int, Int)])
        switch column.storage {
        case .integer(let v), .decimal(let v, _):
            stats = profile { v[$0] }
            if let sum = column.exactSum(rows: rows), !rows.isEmpty {
                mean = Double(sum.sum) / powerOfTen(sum.scale) / Double(rows.count)
            }
            let sorted = column.sortedNumericValues(rows: rows)
            quartiles = sorted.isEmpty ? nil : [0.25, 0.5, 0.75].compactMap { Quantile.linear(sorted, $0) }
        case .date(let v):
            stats = profile { v[$0] }
            let sorted = rows.map { Double(v[$0]) }.sorted()
            quartiles = sorted.isEmpty ? nil : [0.25, 0.5, 0.75].compactMap { Quantile.linear(sorted, $0) }
        case .timestamp(let v):
            stats = profile { v[$0] }
        case .boolean(let v):
            stats = profile { v[$0] ? 1 : 0 }
        case .text(let codes, let dictionary):
            stats = profile { dictionary[Int(codes[$0])] }
        }
        return ColumnSummary(column: index, count: rows.count, nulls: nulls, distinct: stats.0, minRow: stats.1, maxRow: stats.2,
                             mean: mean, quartiles: quartiles, top: stats.3.map { (row: $0.0, count: $0.1) })
    }
}
