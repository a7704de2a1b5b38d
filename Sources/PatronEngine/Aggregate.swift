import PatronAnalysis
import PatronStore

/// One aggregate's value for one group.
public enum AggregateValue: Sendable {
    case count(Int)
    /// An exact sum, minimum or maximum: `mantissa / 10^scale`.
    case exact(Int128, scale: Int)
    case real(Double)
    /// A share of the whole, 0…1.
    case share(Double)
    case date(Int32)
    case null

    /// The value as a number, for sorting.
    var sortKey: Double {
        switch self {
        case .count(let n): return Double(n)
        case .exact(let m, let s): return Double(m) / powerOfTen(s)
        case .real(let d), .share(let d): return d
        case .date(let d): return Double(d)
        case .null: return -.infinity
        }
    }
}

/// The answer to `summarize … by …`: one row per group.
public struct AggregateResult: Sendable {
    public let table: Table
    public let groupColumns: [Int]
    public let labels: [String]
    /// For each group: a row holding its group values, and the aggregate values.
    public let rows: [(representative: Int, values: [AggregateValue])]
    /// How many groups there were before `top` cut the list.
    public let groupCount: Int
    /// Rows in scope (after `where`).
    public let scope: Int
    public let levels: [LevelCuts]
}

/// The answer to `crosstab a by b`: counts for each pair of values.
public struct CrosstabResult: Sendable {
    public let table: Table
    public let rowColumn: Int
    public let columnColumn: Int
    /// A row holding each row value / column value (nil: the null group), in display order.
    public let rowKeys: [Int?]
    public let columnKeys: [Int?]
    public let counts: [[Int]]
    public let scope: Int
}

extension Engine {
    /// Sort keys for one column's values: nulls last, text in string order.
    static func groupKey(_ column: Column) -> (Int) -> Int64 {
        let nulls = column.nulls
        switch column.storage {
        case .integer(let v), .decimal(let v, _), .timestamp(let v): return { nulls.contains($0) ? .max : v[$0] }
        case .date(let v): return { nulls.contains($0) ? .max : Int64(v[$0]) }
        case .boolean(let v): return { nulls.contains($0) ? .max : (v[$0] ? 1 : 0) }
        case .text(let codes, let dictionary):
            let rank = rankOfCodes(dictionary)
            return { nulls.contains($0) ? .max : Int64(rank[Int(codes[$0])]) }
        }
    }

    /// Groups the rows in scope and computes each aggregate per group.
    public static func aggregate(_ query: BoundAggregateQuery) -> AggregateResult {
        let table = query.table
        let rows = query.condition.map { filter($0, in: table) } ?? Array(0..<table.rowCount)
        // Each row's group: text and boolean keys combine into one number and index a table
        // directly; other keys go through a dictionary.
        var groupOf = [Int32](repeating: 0, count: rows.count)
        var orderKeys: [[Int64]] = []
        var representative: [Int] = []
        let radices: [Int]? = query.groups.allSatisfy({ table.columns[$0].type == .text || table.columns[$0].type == .boolean }) ? query.groups.map { g in
            if case .text(_, let dictionary) = table.columns[g].storage { return dictionary.count + 1 }
            return 3
        } : nil
        let keys = query.groups.map { groupKey(table.columns[$0]) }
        // Ctrl-C at the prompt: an empty answer at once (the session reports the cancel, not it).
        let cancelled = AggregateResult(table: table, groupColumns: query.groups, labels: query.aggregates.map(\.label), rows: [],
                                        groupCount: 0, scope: 0, levels: query.levels)
        if let radices, radices.reduce(1, { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }) <= 1 << 22 {
            var slot = [Int32](repeating: -1, count: radices.reduce(1, *))
            for (i, row) in rows.enumerated() {
                if i & 0xFFFF == 0 && Interrupt.requested { return cancelled }
                var combined = 0
                for (k, key) in keys.enumerated() {
                    let v = key(row)
                    combined = combined * radices[k] + (v == .max ? radices[k] - 1 : Int(v))
                }
                if slot[combined] < 0 {
                    slot[combined] = Int32(orderKeys.count)
                    orderKeys.append(keys.map { $0(row) })
                    representative.append(row)
                }
                groupOf[i] = slot[combined]
            }
        } else {
            var groupIndex: [[Int64]: Int32] = [:]
            for (i, row) in rows.enumerated() {
                if i & 0xFFFF == 0 && Interrupt.requested { return cancelled }
                let key = keys.map { $0(row) }
                if let g = groupIndex[key] { groupOf[i] = g } else {
                    let g = Int32(orderKeys.count)
                    groupIndex[key] = g
                    orderKeys.append(key)
                    representative.append(row)
                    groupOf[i] = g
                }
            }
        }
        // Rows grouped by a counting sort: one flat array, one slice per group.
        let groupCount = orderKeys.count
        var starts = [Int](repeating: 0, count: groupCount + 1)
        for g in groupOf { starts[Int(g) + 1] += 1 }
        for g in 0..<groupCount { starts[g + 1] += starts[g] }
        var fill = starts
        var flat = [Int](repeating: 0, count: rows.count)
        for (i, row) in rows.enumerated() {
            let g = Int(groupOf[i])
            flat[fill[g]] = row
            fill[g] += 1
        }
        var members = (0..<groupCount).map { flat[starts[$0]..<starts[$0 + 1]] }
        if rows.isEmpty && query.groups.isEmpty { members = [flat[0..<0]]; orderKeys = [[]]; representative = [0] }
        let order = orderKeys.indices.sorted { orderKeys[$0].lexicographicallyPrecedes(orderKeys[$1]) }

        let compiled = query.aggregates.map { a in a.argument.map { compile($0, in: table) } }
        let totals: [Double?] = zip(query.aggregates, compiled).map { aggregate, c in
            guard aggregate.kind == .share, let c else { return nil }
            let f = c.asReal
            return rows.reduce(0.0) { $0 + (f($1) ?? 0) }
        }
        var out: [(representative: Int, values: [AggregateValue])] = []
        for g in order {
            let group = members[g]
            var values: [AggregateValue] = []
            for (i, aggregate) in query.aggregates.enumerated() {
                if Interrupt.requested { return cancelled }
                values.append(value(aggregate.kind, compiled[i], group, total: totals[i], scope: rows.count))
            }
            out.append((representative[g], values))
        }
        if let sort = query.sort {
            let groupsCount = query.groups.count
            if sort.column < groupsCount {
                if sort.descending { out.reverse() }
            } else {
                let a = sort.column - groupsCount
                out = out.enumerated().sorted { x, y in
                    let u = x.element.values[a].sortKey, v = y.element.values[a].sortKey
                    if u != v { return sort.descending ? u > v : u < v }
                    return x.offset < y.offset
                }.map(\.element)
            }
        }
        let shownGroups = out.count
        if let top = query.top { out = Array(out.prefix(top)) }
        return AggregateResult(table: table, groupColumns: query.groups, labels: query.aggregates.map(\.label), rows: out,
                               groupCount: shownGroups, scope: rows.count, levels: query.levels)
    }

    private static func value(_ kind: BoundAggregate.Kind, _ compiled: Compiled?, _ rows: ArraySlice<Int>, total: Double?, scope: Int) -> AggregateValue {
        guard let compiled else {
            return .count(rows.count)
        }
        switch kind {
        case .count:
            let isNull = nullness(compiled)
            return .count(rows.reduce(0) { $0 + (isNull($1) ? 0 : 1) })
        case .sum, .avg:
            var n = 0
            if case .number(let f, let scale) = compiled {
                var sum: Int128 = 0
                for row in rows { if let v = f(row) { sum += Int128(v); n += 1 } }
                if n == 0 { return .null }
                return kind == .sum ? .exact(sum, scale: scale) : .real(Double(sum) / powerOfTen(scale) / Double(n))
            }
            let f = compiled.asReal
            var sum = 0.0
            for row in rows { if let v = f(row) { sum += v; n += 1 } }
            if n == 0 { return .null }
            return .real(kind == .sum ? sum : sum / Double(n))
        case .median:
            let f = compiled.asReal
            let values = rows.compactMap(f).sorted()
            return Quantile.linear(values, 0.5).map { .real($0) } ?? .null
        case .min, .max:
            switch compiled {
            case .number(let f, let scale):
                let values = rows.compactMap(f)
                guard let v = kind == .min ? values.min() : values.max() else { return .null }
                return .exact(Int128(v), scale: scale)
            case .date(let f):
                let values = rows.compactMap(f)
                guard let v = kind == .min ? values.min() : values.max() else { return .null }
                return .date(v)
            default:
                let values = rows.compactMap(compiled.asReal)
                guard let v = kind == .min ? values.min() : values.max() else { return .null }
                return .real(v)
            }
        case .share:
            let f = compiled.asReal
            let part = rows.reduce(0.0) { $0 + (f($1) ?? 0) }
            guard let total, total != 0 else { return .null }
            return .share(part / total)
        }
    }

    /// Counts rows for each pair of values of two columns.
    public static func crosstab(_ table: Table, rows rowColumn: Int, columns columnColumn: Int, condition: BoundCondition?) -> CrosstabResult {
        let rows = condition.map { filter($0, in: table) } ?? Array(0..<table.rowCount)
        let rowKey = groupKey(table.columns[rowColumn]), columnKey = groupKey(table.columns[columnColumn])
        var rowGroups: [Int64: Int] = [:], columnGroups: [Int64: Int] = [:]
        for row in rows {
            if rowGroups[rowKey(row)] == nil { rowGroups[rowKey(row)] = row }
            if columnGroups[columnKey(row)] == nil { columnGroups[columnKey(row)] = row }
        }
        let rowOrder = rowGroups.keys.sorted(), columnOrder = columnGroups.keys.sorted()
        let rowPosition = Dictionary(uniqueKeysWithValues: rowOrder.enumerated().map { ($1, $0) })
        let columnPosition = Dictionary(uniqueKeysWithValues: columnOrder.enumerated().map { ($1, $0) })
        var counts = Array(repeating: Array(repeating: 0, count: columnOrder.count), count: rowOrder.count)
        for row in rows { counts[rowPosition[rowKey(row)]!][columnPosition[columnKey(row)]!] += 1 }
        return CrosstabResult(table: table, rowColumn: rowColumn, columnColumn: columnColumn,
                              rowKeys: rowOrder.map { $0 == .max ? nil : rowGroups[$0] }, columnKeys: columnOrder.map { $0 == .max ? nil : columnGroups[$0] },
                              counts: counts, scope: rows.count)
    }
}
