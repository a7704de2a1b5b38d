import PatronAnalysis
import PatronPlan
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

    /// Creates a summary's answer.
    public init(table: Table, groupColumns: [Int], labels: [String], rows: [(representative: Int, values: [AggregateValue])],
                groupCount: Int, scope: Int, levels: [LevelCuts]) {
        self.table = table
        self.groupColumns = groupColumns
        self.labels = labels
        self.rows = rows
        self.groupCount = groupCount
        self.scope = scope
        self.levels = levels
    }
}

/// The answer to `crosstab a by b`: counts for each pair of values.
public struct CrosstabResult: Sendable {
    public let table: Table
    public let rowColumn: Int
    public let columnColumn: Int
    /// A row holding each row value / column value (nil: the null group), in display order.
    public let rowKeys: [Int?]
    public let columnKeys: [Int?]
    /// Per row value, per column value (and the folded rest last, when there is one).
    public let counts: [[Int]]
    public let scope: Int
    /// How many values of each side were folded into one more row or column ("other").
    public let otherRows: Int
    public let otherColumns: Int

    /// The most values a grid shows down and across.
    public static let rowLimit = 50, columnLimit = 20
}

extension Engine {
    /// Sort keys for one column's values, text in string order; nil for a null, so no value
    /// (not even the largest whole number) can pass for one.
    static func groupKey(_ column: Column) -> (Int) -> Int64? {
        let nulls = column.nulls
        switch column.storage {
        case .integer(let v), .decimal(let v, _), .timestamp(let v): return { nulls.contains($0) ? nil : v[$0] }
        case .date(let v): return { nulls.contains($0) ? nil : Int64(v[$0]) }
        case .boolean(let v): return { nulls.contains($0) ? nil : (v[$0] ? 1 : 0) }
        case .text(let codes, let dictionary):
            let rank = rankOfCodes(dictionary)
            return { nulls.contains($0) ? nil : Int64(rank[Int(codes[$0])]) }
        }
    }

    /// Whether key `a` sorts before key `b`: values in order, nulls last.
    static func precedes(_ a: Int64?, _ b: Int64?) -> Bool {
        switch (a, b) {
        case let (x?, y?): return x < y
        case (_?, nil): return true
        default: return false
        }
    }

    /// Each row in scope's group: its number per row, each group's key (for ordering) and first
    /// row, whether groups are already numbered in key order, and the null group of a single key.
    struct Grouping {
        var groupOf: [Int32]
        var orderKeys: [[Int64?]] = []
        var representative: [Int] = []
        var keysSorted = false
        var nullGroup: Int32? = nil

        init(rows: Int) { groupOf = [Int32](repeating: 0, count: rows) }

        /// Numbers a new group whose first row is `row`.
        mutating func add(_ key: [Int64?], first row: Int) -> Int32 {
            let g = Int32(orderKeys.count)
            orderKeys.append(key)
            representative.append(row)
            return g
        }
    }

    /// Groups the rows in scope and computes each aggregate per group: the summary's plan run
    /// in memory (`MemoryRunner.summary`).
    public static func aggregate(_ query: BoundAggregateQuery) -> AggregateResult {
        (try? MemoryRunner(query.table).summary(query, text: "")) ?? AggregateResult(table: query.table, groupColumns: query.groups,
            labels: query.aggregates.map(\.label), rows: [], groupCount: 0, scope: 0, levels: query.levels)
    }

    /// A grouped aggregate as memory's operator runs it: the parts of a summary's plan.
    struct GroupedAggregate {
        let table: Table
        /// The rows in scope (after the plan's filter).
        let rows: Selection
        let groups: [Int]
        let calls: [(kind: BoundAggregate.Kind, argument: Scalar?)]
        let labels: [String]
        let sort: (column: Int, descending: Bool)?
        let top: Int?
        let levels: [LevelCuts]
    }

    /// Groups the rows in scope and computes each aggregate per group.
    static func aggregate(_ query: GroupedAggregate) -> AggregateResult {
        let table = query.table, rows = query.rows
        // Ctrl-C at the prompt: an empty answer at once (the session reports the cancel, not it).
        let cancelled = AggregateResult(table: table, groupColumns: query.groups, labels: query.labels, rows: [],
                                        groupCount: 0, scope: 0, levels: query.levels)
        guard var grouping = group(rows, by: query.groups, in: table) else { return cancelled }
        // Without groups there is one, even over no rows: its count is 0 and its sums are null.
        if rows.isEmpty && query.groups.isEmpty { grouping.orderKeys = [[]]; grouping.representative = [0] }
        let groupOf = grouping.groupOf, representative = grouping.representative
        let groupCount = representative.count
        var starts = [Int](repeating: 0, count: groupCount + 1)
        starts.withUnsafeMutableBufferPointer { starts in for g in groupOf { starts[Int(g) + 1] += 1 } }
        for g in 0..<groupCount { starts[g + 1] += starts[g] }
        let compiled = query.calls.map { a in a.argument.map { compile($0, in: table) } }
        // Exact sums and averages: every group's at once, in one pass over the rows in their order,
        // the numbers read a block at a time.
        let sums: [[(sum: Int128, count: Int)]?] = zip(query.calls, compiled).map { aggregate, c in
            guard aggregate.kind == .sum || aggregate.kind == .avg, let argument = aggregate.argument, case .number(_, let scale)? = c else { return nil }
            return exactSums(numberFiller(argument, scale: scale, in: table), over: rows, groups: groupOf, count: groupCount)
        }
        if Interrupt.requested { return cancelled }
        // Only aggregates other than counts, exact sums and averages need each group's rows.
        let needsRows = zip(query.calls, sums).contains { a, sum in a.argument != nil && sum == nil }
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
        let order = keyOrder(grouping, keys: query.groups.count)
        let totals: [Double?] = zip(query.calls, compiled).map { aggregate, c in
            guard aggregate.kind == .share, let c else { return nil }
            let f = c.asReal
            return rows.reduce(0.0) { $0 + (f($1) ?? 0) }
        }
        // Each group's values, a stretch of groups per core when there are many.
        let parts = inParallel(stretches(of: order.count).map { stretch in {
            var part: [(representative: Int, values: [AggregateValue])] = []
            part.reserveCapacity(stretch.count)
            for g in order[stretch] {
                var values: [AggregateValue] = []
                for (i, aggregate) in query.calls.enumerated() {
                    if Interrupt.requested { return part }
                    values.append(value(aggregate.kind, compiled[i], exact: sums[i]?[g], members[g], size: sizes[g], total: totals[i], scope: rows.count))
                }
                part.append((representative[g], values))
            }
            return part
        } }, when: true)
        if Interrupt.requested { return cancelled }
        let out = sorted(Array(parts.joined()), by: query.sort, groups: query.groups.count)
        return AggregateResult(table: table, groupColumns: query.groups, labels: query.labels,
                               rows: query.top.map { Array(out.prefix($0)) } ?? out, groupCount: out.count, scope: rows.count, levels: query.levels)
    }

    /// Each row's group: when every key has few enough distinct values (text, booleans, whole
    /// numbers and dates over a short span), the keys combine into one number that indexes a
    /// table directly; other keys go through a dictionary. Nil when Ctrl-C stops it.
    static func group(_ rows: [Int], by groups: [Int], in table: Table) -> Grouping? {
        let digits = groups.compactMap { KeyDigits(table.columns[$0], limit: 1 << 26) }
        let radices = digits.count == groups.count ? digits.map(\.radix) : nil
        if let radices, radices.reduce(1, { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }) <= min(max(1 << 22, 2 * rows.count), Int(Int32.max)) {
            return groupByCombinedKeys(rows, digits: digits, size: radices.reduce(1, *))
        }
        var grouping = Grouping(rows: rows.count)
        let keys = groups.map { groupKey(table.columns[$0]) }
        if keys.count == 1, let key = keys.first, let group = groups.first {
            // One key over a wide span: a dictionary of numbers, not of arrays; nulls a group of their own.
            var groupIndex: [Int64: Int32] = [:]
            let nulls = table.columns[group].nulls
            for (i, row) in rows.enumerated() {
                if i & 0xFFFF == 0 && Interrupt.requested { return nil }
                if nulls.contains(row) {
                    if grouping.nullGroup == nil { grouping.nullGroup = grouping.add([nil], first: row) }
                    grouping.groupOf[i] = grouping.nullGroup ?? 0
                    continue
                }
                guard let k = key(row) else { continue }
                if let g = groupIndex[k] { grouping.groupOf[i] = g } else {
                    let g = grouping.add([k], first: row)
                    groupIndex[k] = g
                    grouping.groupOf[i] = g
                }
            }
        } else {
            var groupIndex: [[Int64?]: Int32] = [:]
            for (i, row) in rows.enumerated() {
                if i & 0xFFFF == 0 && Interrupt.requested { return nil }
                let key = keys.map { $0(row) }
                if let g = groupIndex[key] { grouping.groupOf[i] = g } else {
                    let g = grouping.add(key, first: row)
                    groupIndex[key] = g
                    grouping.groupOf[i] = g
                }
            }
        }
        return grouping
    }

    /// Each row's keys combined into one number, a key column at a time, a stretch of rows per
    /// core; then each number's group. Combined numbers ascend as the keys sort (nulls last), so
    /// groups numbered in that order need no sorting.
    static func groupByCombinedKeys(_ rows: [Int], digits: [KeyDigits], size: Int) -> Grouping? {
        var grouping = Grouping(rows: rows.count)
        if Interrupt.requested { return nil }
        grouping.groupOf.withUnsafeMutableBufferPointer { out in
            let out = SharedBuffer(out)
            forEachStretch(of: rows.count) { stretch in for digit in digits { digit.combine(rows, stretch, into: out) } }
        }
        // The first row of each combined number.
        var first = [Int](repeating: -1, count: size)
        for (i, row) in rows.enumerated() {
            if i & 0xFFFFF == 0 && Interrupt.requested { return nil }
            let combined = Int(grouping.groupOf[i])
            if first[combined] < 0 { first[combined] = row }
        }
        var group = [Int32](repeating: -1, count: size)
        for combined in 0..<size where first[combined] >= 0 {
            group[combined] = Int32(grouping.representative.count)
            grouping.representative.append(first[combined])
        }
        grouping.groupOf.withUnsafeMutableBufferPointer { out in
            let out = SharedBuffer(out)
            forEachStretch(of: rows.count) { stretch in for i in stretch { out[i] = group[Int(out[i])] } }
        }
        grouping.keysSorted = true
        return grouping
    }

    /// The groups in key order: as numbered when the keys combined; one key by the radix sort,
    /// the null group (if any) last; several keys compared in turn.
    static func keyOrder(_ grouping: Grouping, keys: Int) -> [Int] {
        if grouping.keysSorted { return Array(0..<grouping.representative.count) }
        let orderKeys = grouping.orderKeys
        if keys == 1 {
            let byKey = RadixSort.order(orderKeys.map { $0[0] ?? .max }).map { Int($0) }
            return grouping.nullGroup.map { null in byKey.filter { $0 != Int(null) } + [Int(null)] } ?? byKey
        }
        return orderKeys.indices.sorted { orderKeys[$0].lexicographicallyPrecedes(orderKeys[$1], by: precedes) }
    }

    /// The groups as `sort by` asks: by a key (already in order, reversed when descending) or by
    /// an aggregate, ties in key order.
    static func sorted(_ rows: [(representative: Int, values: [AggregateValue])], by sort: (column: Int, descending: Bool)?,
                       groups: Int) -> [(representative: Int, values: [AggregateValue])] {
        guard let sort else { return rows }
        if sort.column < groups { return sort.descending ? rows.reversed() : rows }
        let a = sort.column - groups
        return rows.enumerated().sorted { x, y in
            let u = x.element.values[a].sortKey, v = y.element.values[a].sortKey
            if u != v { return sort.descending ? u > v : u < v }
            return x.offset < y.offset
        }.map(\.element)
    }

    /// Each group's sum of a number expression, and how many of its rows were not null: a stretch
    /// of rows per core, the numbers read a block at a time.
    static func exactSums(_ filler: @escaping NumberFiller, over rows: [Int], groups groupOf: [Int32], count: Int) -> [(sum: Int128, count: Int)] {
        let parts = inParallel(stretches(of: rows.count).map { stretch in {
            var sums = [(sum: Int128, count: Int)](repeating: (0, 0), count: count)
            let block = 4096
            let values = UnsafeMutableBufferPointer<Int64>.allocate(capacity: block), valid = UnsafeMutableBufferPointer<Bool>.allocate(capacity: block)
            defer { values.deallocate(); valid.deallocate() }
            rows.withUnsafeBufferPointer { rows in
                groupOf.withUnsafeBufferPointer { groupOf in
                    guard let base = rows.baseAddress else { return }
                    for low in stride(from: stretch.lowerBound, to: stretch.upperBound, by: block) {
                        if (low - stretch.lowerBound) & 0xFFFFF == 0 && Interrupt.requested { return }
                        let n = min(block, stretch.upperBound - low)
                        filler(UnsafeBufferPointer(start: base + low, count: n), values, valid)
                        sums.withUnsafeMutableBufferPointer { sums in
                            for i in 0..<n where valid[i] {
                                let g = Int(groupOf[low + i])
                                sums[g].sum += Int128(values[i])
                                sums[g].count += 1
                            }
                        }
                    }
                }
            }
            return sums
        } }, when: true)
        guard var total = parts.first else { return [] }
        total.withUnsafeMutableBufferPointer { total in
            for part in parts.dropFirst() {
                part.withUnsafeBufferPointer { part in
                    for g in 0..<count { total[g].sum += part[g].sum; total[g].count += part[g].count }
                }
            }
        }
        return total
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

    /// Counts rows for each pair of values of two columns. The grid holds at most `rowLimit` values
    /// down and `columnLimit` across: the most frequent ones, in value order; the rest of each side
    /// is summed in one more row or column, so the grid's size never grows with the data's variety.
    /// `weights` (one per row) count each row that many times: the groups of a summary computed elsewhere.
    public static func crosstab(_ table: Table, rows rowColumn: Int, columns columnColumn: Int, condition: BoundCondition?, weights: [Int]? = nil,
                                rowLimit: Int = CrosstabResult.rowLimit, columnLimit: Int = CrosstabResult.columnLimit) -> CrosstabResult {
        let rows = condition.map { filter($0, in: table) } ?? Array(0..<table.rowCount)
        let rowKey = groupKey(table.columns[rowColumn]), columnKey = groupKey(table.columns[columnColumn])
        func weight(_ row: Int) -> Int { weights.map { row < $0.count ? $0[row] : 0 } ?? 1 }
        // Each value's first row and how many rows it has (a row of weight 0 stands for none).
        var rowGroups: [Int64?: (first: Int, count: Int)] = [:], columnGroups: [Int64?: (first: Int, count: Int)] = [:]
        for row in rows {
            let w = weight(row)
            guard w > 0 else { continue }
            rowGroups[rowKey(row), default: (row, 0)].count += w
            columnGroups[columnKey(row), default: (row, 0)].count += w
        }
        func kept(_ groups: [Int64?: (first: Int, count: Int)], _ limit: Int) -> [Int64?] {
            let all = groups.keys.sorted(by: precedes)
            guard all.count > limit else { return all }
            let frequent = Set(all.sorted { groups[$0]!.count != groups[$1]!.count ? groups[$0]!.count > groups[$1]!.count : precedes($0, $1) }.prefix(limit))
            return all.filter { frequent.contains($0) }
        }
        let rowOrder = kept(rowGroups, max(1, rowLimit)), columnOrder = kept(columnGroups, max(1, columnLimit))
        let otherRows = rowGroups.count - rowOrder.count, otherColumns = columnGroups.count - columnOrder.count
        let rowPosition = Dictionary(uniqueKeysWithValues: rowOrder.enumerated().map { ($1, $0) })
        let columnPosition = Dictionary(uniqueKeysWithValues: columnOrder.enumerated().map { ($1, $0) })
        // The folded values count in one more row and column, after the kept ones.
        let height = rowOrder.count + (otherRows > 0 ? 1 : 0), width = columnOrder.count + (otherColumns > 0 ? 1 : 0)
        var counts = Array(repeating: Array(repeating: 0, count: width), count: height)
        for row in rows where weight(row) > 0 {
            let i = rowPosition[rowKey(row)] ?? rowOrder.count, j = columnPosition[columnKey(row)] ?? columnOrder.count
            counts[i][j] += weight(row)
        }
        return CrosstabResult(table: table, rowColumn: rowColumn, columnColumn: columnColumn,
                              rowKeys: rowOrder.map { $0 == nil ? nil : rowGroups[$0]?.first }, columnKeys: columnOrder.map { $0 == nil ? nil : columnGroups[$0]?.first },
                              counts: counts, scope: rows.reduce(0) { $0 + weight($1) }, otherRows: otherRows, otherColumns: otherColumns)
    }
}

/// How a group key column's values become digits of one combined group number: `radix` digits,
/// the last one for null.
struct KeyDigits: @unchecked Sendable {
    enum Source {
        case ranks(TextCodes, [Int32])
        case booleans([Bool])
        case wholes([Int64], minimum: Int64)
        case days([Int32], minimum: Int32)
    }
    let source: Source
    let nulls: NullBitmap
    let radix: Int

    /// Nil when the column has more than `limit` distinct possible values.
    init?(_ column: Column, limit: Int) {
        nulls = column.nulls
        func span<T: FixedWidthInteger>(_ values: [T]) -> (minimum: T, radix: Int)? {
            guard let range = Engine.range(of: values, nulls: column.nulls) else { return (0, 1) }
            let (width, overflow) = Int64(range.upperBound).subtractingReportingOverflow(Int64(range.lowerBound))
            return overflow || width >= Int64(limit) ? nil : (range.lowerBound, Int(width) + 2)
        }
        switch column.storage {
        case .text(let codes, let dictionary):
            (source, radix) = (.ranks(codes, Engine.rankOfCodes(dictionary).map { Int32($0) }), dictionary.count + 1)
        case .boolean(let values):
            (source, radix) = (.booleans(values), 3)
        case .integer(let values), .decimal(let values, _), .timestamp(let values):
            guard let (minimum, radix) = span(values) else { return nil }
            (source, self.radix) = (.wholes(values, minimum: minimum), radix)
        case .date(let values):
            guard let (minimum, radix) = span(values) else { return nil }
            (source, self.radix) = (.days(values, minimum: minimum), radix)
        }
    }

    /// Shifts the numbers of `rows[stretch]` by this column's radix and adds its digit.
    func combine(_ rows: [Int], _ stretch: Range<Int>, into out: SharedBuffer<Int32>) {
        let radix = Int32(radix), null = radix - 1
        switch source {
        case .ranks(let codes, let rank):
            for i in stretch { let row = rows[i]; out[i] = out[i] &* radix &+ (nulls.contains(row) ? null : rank[Int(codes[row])]) }
        case .booleans(let v):
            for i in stretch { let row = rows[i]; out[i] = out[i] &* radix &+ (nulls.contains(row) ? null : v[row] ? 1 : 0) }
        case .wholes(let v, let minimum):
            for i in stretch { let row = rows[i]; out[i] = out[i] &* radix &+ (nulls.contains(row) ? null : Int32(truncatingIfNeeded: v[row] &- minimum)) }
        case .days(let v, let minimum):
            for i in stretch { let row = rows[i]; out[i] = out[i] &* radix &+ (nulls.contains(row) ? null : v[row] &- minimum) }
        }
    }
}
