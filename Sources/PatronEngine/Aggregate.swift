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
            // Each row's keys combined into one number, a key column at a time, a stretch of rows
            // per core; then each number's group.
            if Interrupt.requested { return cancelled }
            let digits = query.groups.enumerated().map { k, g in
                let column = table.columns[g]
                guard case .text(_, let dictionary) = column.storage else { return (column: column, radix: Int32(radices[k]), rank: [Int32]()) }
                return (column: column, radix: Int32(radices[k]), rank: rankOfCodes(dictionary).map { Int32($0) })
            }
            groupOf.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let out = out
                _ = inParallel(stretches(of: rows.count).map { stretch in {
                    for digit in digits {
                        let nulls = digit.column.nulls, radix = digit.radix, rank = digit.rank
                        switch digit.column.storage {
                        case .text(let codes, _):
                            for i in stretch { let row = rows[i]; out[i] = out[i] &* radix &+ (nulls.contains(row) ? radix - 1 : rank[Int(codes[row])]) }
                        case .boolean(let v):
                            for i in stretch { let row = rows[i]; out[i] = out[i] &* radix &+ (nulls.contains(row) ? radix - 1 : v[row] ? 1 : 0) }
                        default: preconditionFailure("only text and boolean keys are combined")
                        }
                    }
                } }, when: true)
            }
            var slot = [Int32](repeating: -1, count: radices.reduce(1, *))
            for (i, row) in rows.enumerated() {
                let combined = Int(groupOf[i])
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
        // Without groups there is one, even over no rows: its count is 0 and its sums are null.
        if rows.isEmpty && query.groups.isEmpty { orderKeys = [[]]; representative = [0] }
        let groupCount = orderKeys.count
        var starts = [Int](repeating: 0, count: groupCount + 1)
        for g in groupOf { starts[Int(g) + 1] += 1 }
        for g in 0..<groupCount { starts[g + 1] += starts[g] }
        let compiled = query.aggregates.map { a in a.argument.map { compile($0, in: table) } }
        // Exact sums and averages: every group's at once, in one pass over the rows in their order,
        // the numbers read a block at a time.
        let sums: [[(sum: Int128, count: Int)]?] = zip(query.aggregates, compiled).map { aggregate, c in
            guard aggregate.kind == .sum || aggregate.kind == .avg, let argument = aggregate.argument, case .number(_, let scale)? = c else { return nil }
            return exactSums(numberFiller(argument, scale: scale, in: table), over: rows, groups: groupOf, count: groupCount)
        }
        if Interrupt.requested { return cancelled }
        // Only aggregates other than counts, exact sums and averages need each group's rows.
        let needsRows = zip(query.aggregates, sums).contains { a, sum in a.argument != nil && sum == nil }
        // Rows grouped by a counting sort: one flat array, one slice per group.
        var flat = [Int](repeating: 0, count: needsRows ? rows.count : 0)
        if needsRows {
            var fill = starts
            for (i, row) in rows.enumerated() {
                let g = Int(groupOf[i])
                flat[fill[g]] = row
                fill[g] += 1
            }
        }
        let members = (0..<groupCount).map { needsRows ? flat[starts[$0]..<starts[$0 + 1]] : flat[0..<0] }
        let sizes = (0..<groupCount).map { starts[$0 + 1] - starts[$0] }
        let order = orderKeys.indices.sorted { orderKeys[$0].lexicographicallyPrecedes(orderKeys[$1]) }

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
                values.append(value(aggregate.kind, compiled[i], exact: sums[i]?[g], group, size: sizes[g], total: totals[i], scope: rows.count))
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

    /// Each group's sum of a number expression, and how many of its rows were not null: a stretch
    /// of rows per core, the numbers read a block at a time.
    static func exactSums(_ filler: @escaping NumberFiller, over rows: [Int], groups groupOf: [Int32], count: Int) -> [(sum: Int128, count: Int)] {
        let parts = inParallel(stretches(of: rows.count).map { stretch in {
            var sums = [(sum: Int128, count: Int)](repeating: (0, 0), count: count)
            let block = 4096
            let values = UnsafeMutablePointer<Int64>.allocate(capacity: block), valid = UnsafeMutablePointer<Bool>.allocate(capacity: block)
            defer { values.deallocate(); valid.deallocate() }
            rows.withUnsafeBufferPointer { rows in
                groupOf.withUnsafeBufferPointer { groupOf in
                    guard let base = rows.baseAddress else { return }
                    for low in stride(from: stretch.lowerBound, to: stretch.upperBound, by: block) {
                        if (low - stretch.lowerBound) & 0xFFFFF == 0 && Interrupt.requested { return }
                        let n = min(block, stretch.upperBound - low)
                        filler(base + low, n, values, valid)
                        for i in 0..<n where valid[i] {
                            let g = Int(groupOf[low + i])
                            sums[g].sum += Int128(values[i])
                            sums[g].count += 1
                        }
                    }
                }
            }
            return sums
        } }, when: true)
        return (0..<count).map { g in parts.reduce((sum: 0, count: 0)) { ($0.sum + $1[g].sum, $0.count + $1[g].count) } }
    }

    private static func value(_ kind: BoundAggregate.Kind, _ compiled: Compiled?, exact: (sum: Int128, count: Int)?, _ rows: ArraySlice<Int>, size: Int, total: Double?, scope: Int) -> AggregateValue {
        guard let compiled else {
            return .count(size)
        }
        switch kind {
        case .count:
            let isNull = nullness(compiled)
            return .count(rows.reduce(0) { $0 + (isNull($1) ? 0 : 1) })
        case .sum, .avg:
            var n = 0
            if case .number(_, let scale) = compiled, let (sum, n) = exact {
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
