import Foundation
import PatronAnalysis
import PatronPlan
import PatronStore

/// What runs a statement's plan and answers by output name: memory (`MemoryRunner`) or a
/// server (PatronServer). The statements below are written once over it: each lowers its plan
/// (`Lowered`), has it run, and reads the answer back into its result.
public protocol PlanRunner {
    /// The rows of a plan, each value typed by the plan's schema.
    func answer(_ plan: Plan) throws -> Answer
    /// Checks cut points the answer gave (a server's values can be what memory never loads).
    func check(_ levels: [LevelCuts], emptyAllowed: Bool) throws
    /// A summary's groups and values (`Lowered.summary`), read as memory computes them.
    func summary(_ query: BoundAggregateQuery, text: String) throws -> AggregateResult
}

/// Runs plans over one table in memory, on the engine's operators: filters are selections
/// (`Engine.filter`), sums exact over stored mantissas, order statistics by bucket selection.
public struct MemoryRunner: PlanRunner {
    public let table: Table
    /// The other tables its plans may read, by name (a join's lookup table).
    public let others: [String: Table]
    /// Relations already made for this statement (a derivation its order statistics read again).
    let made = MadeRelations()

    public init(_ table: Table, others: [Table] = []) {
        self.table = table
        self.others = Dictionary(others.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func check(_ levels: [LevelCuts], emptyAllowed: Bool) throws {}

    /// The rows a plan keeps of the table, in its order: a scan, filters, a sort and a limit.
    public func rows(_ plan: Plan) throws -> Selection {
        switch plan {
        case .scan(let name, _) where name == table.name: return Array(0..<table.rowCount)
        case .filter(.scan(let name, _), let condition) where name == table.name: return Engine.filter(condition, in: table)
        case .filter(let input, let condition): return Engine.filter(condition, in: table, selection: try rows(input))
        case .sort(let input, let keys): return Engine.sorted(try rows(input), by: keys, in: table)
        case .limit(let input, let n): return Array(try rows(input).prefix(max(n, 0)))
        default: throw PlanError("this plan in memory")
        }
    }

    /// A plan's answer: on the statement paths' operators when the plan is one of theirs (the
    /// base table's rows, aggregated whole or by labels), else made node by node (`relation`).
    public func answer(_ plan: Plan) throws -> Answer {
        do { return try directAnswer(plan) } catch is PlanError { return try generalAnswer(plan) }
    }

    private func directAnswer(_ plan: Plan) throws -> Answer {
        guard case .aggregate(let input, let groups, let values) = plan, groups.isEmpty else { return try groupedAnswer(plan) }
        // nil: every row of the table (no list of them is made).
        var rows: Selection? = nil
        if case .scan(let name, _) = input, name == table.name {} else { rows = try self.rows(input) }
        // Each condition filtered once, however many values it keeps.
        var filtered: [(Scalar, Selection)] = []
        func kept(_ condition: Scalar?) -> Selection? {
            guard let condition else { return rows }
            if let found = filtered.first(where: { $0.0 == condition }) { return found.1 }
            let selection = Engine.filter(condition, in: table, selection: rows)
            filtered.append((condition, selection))
            return selection
        }
        let schema = Schema(table)
        let row = try values.map { output throws -> Literal in
            let call = output.call
            switch call.kind {
            case .count where call.argument == nil:
                if let filter = call.filter, let known = made.rows(of: .filter(input, filter)) { return .number(Int128(known), scale: 0) }
                return .number(Int128(kept(call.filter)?.count ?? table.rowCount), scale: 0)
            case .sum: return try sum(call.argument, over: kept(call.filter), schema)
            case .constant: return call.argument.map { argument in made.constant(argument) { Engine.value(of: argument, over: table) } } ?? .null
            case .rowsInScope: return .number(Int128(rows?.count ?? table.rowCount), scale: 0)
            case .groups: return .number(1, scale: 0)
            default: throw PlanError("\(call.kind) in memory")
            }
        }
        return Answer(names: values.map(\.name), rows: [row])
    }

    /// An exact sum over `rows` (all when nil); null when no value takes part, as SQL sums.
    private func sum(_ argument: Scalar?, over rows: Selection?, _ schema: Schema) throws -> Literal {
        guard let argument, case .number(let scale) = argument.type(in: schema) else { throw PlanError("this sum in memory") }
        if case .column(let index) = argument, index >= 0, index < table.columns.count {
            let column = table.columns[index]
            let present = rows.map { rows in column.nulls.nullCount == 0 ? rows.count : rows.count { !column.nulls.contains($0) } }
                ?? table.rowCount - column.nulls.nullCount
            guard let found = rows.map({ column.exactSum(rows: $0) }) ?? column.exactSum(rows: 0..<table.rowCount) else { throw PlanError("this sum in memory") }
            return present == 0 ? .null : .number(found.sum, scale: found.scale)
        }
        let value = Engine.compile(argument, in: table).asNumber(scale: scale)
        var total: Int128 = 0, present = false
        for r in rows ?? Array(0..<table.rowCount) { if let v = value(r) { total += Int128(v); present = true } }
        return present ? .number(total, scale: scale) : .null
    }
}

/// The relations one runner has made, by plan: a plan node read twice (a derivation whose
/// medians a label compares with) is made once.
final class MadeRelations: @unchecked Sendable {
    private var entries: [(plan: Plan, table: Table)] = []
    /// Values the same on every row (a greatest date, an order statistic), found once.
    private var constants: [(scalar: Scalar, value: Literal)] = []
    /// The rows of plans counted on the way (the orders a gathering used).
    private var counts: [(plan: Plan, rows: Int)] = []
    private let lock = NSLock()

    func table(for plan: Plan, _ make: () throws -> Table) rethrows -> Table {
        if let found = lock.withLock({ entries.first { $0.plan == plan }?.table }) { return found }
        let table = try make()
        lock.withLock { entries.append((plan, table)) }
        return table
    }

    func constant(_ scalar: Scalar, _ find: () throws -> Literal) rethrows -> Literal {
        if let found = lock.withLock({ constants.first { $0.scalar == scalar }?.value }) { return found }
        let value = try find()
        lock.withLock { constants.append((scalar, value)) }
        return value
    }

    func counted(_ plan: Plan, rows: Int) { lock.withLock { counts.append((plan, rows)) } }
    func rows(of plan: Plan) -> Int? { lock.withLock { counts.first { $0.plan == plan }?.rows } }
}

extension Engine {
    /// Rows in a sort's order: by the first key, ties by the next, then in row order; nulls
    /// last; text by code point; labels in their order.
    static func sorted(_ rows: Selection, by keys: [SortKey], in table: Table) -> Selection {
        let comparisons = comparisons(keys, in: table)
        return rows.sorted { a, b in
            for compare in comparisons {
                let c = compare(a, b)
                if c != 0 { return c < 0 }
            }
            return a < b
        }
    }

    /// Whether rows are already in a sort's order (a derivation's customers by identifier).
    static func inOrder(_ rows: Selection, by keys: [SortKey], in table: Table) -> Bool {
        if keys.count == 1, keys[0].order == .ascending, keys[0].column >= 0, keys[0].column < table.columns.count,
           case .integer(let v) = table.columns[keys[0].column].storage, table.columns[keys[0].column].nulls.nullCount == 0 {
            // Whole numbers with no nulls (customer identifiers): one plain loop.
            return v.withUnsafeBufferPointer { v in rows.indices.dropFirst().allSatisfy { v[rows[$0 - 1]] < v[rows[$0]] || (v[rows[$0 - 1]] == v[rows[$0]] && rows[$0 - 1] < rows[$0]) } }
        }
        let comparisons = comparisons(keys, in: table)
        return rows.indices.dropFirst().allSatisfy { i in
            for compare in comparisons {
                let c = compare(rows[i - 1], rows[i])
                if c != 0 { return c < 0 }
            }
            return rows[i - 1] < rows[i]
        }
    }

    /// How each key compares two rows (-1, 0, 1).
    private static func comparisons(_ keys: [SortKey], in table: Table) -> [(Int, Int) -> Int] {
        keys.compactMap { key -> ((Int, Int) -> Int)? in
            guard key.column >= 0, key.column < table.columns.count else { return nil }
            let column = table.columns[key.column], nulls = column.nulls
            let descending = key.order == .descending
            func by<T: Comparable>(_ value: @escaping (Int) -> T) -> (Int, Int) -> Int {
                { a, b in
                    let na = nulls.contains(a), nb = nulls.contains(b)
                    if na || nb { return na == nb ? 0 : na ? 1 : -1 }
                    let x = value(a), y = value(b)
                    return x == y ? 0 : (x < y) != descending ? -1 : 1
                }
            }
            switch column.storage {
            case .integer(let v), .decimal(let v, _): return by { v[$0] }
            case .date(let v): return by { v[$0] }
            case .timestamp(let v): return by { v[$0] }
            case .boolean(let v): return by { v[$0] ? 1 : 0 }
            case .text(let codes, let dictionary):
                let rank: [Int]
                if case .labels(let labels) = key.order {
                    rank = dictionary.map { text in labels.firstIndex { $0.key == text } ?? labels.count }
                } else {
                    rank = rankOfCodes(dictionary)
                }
                return by { rank[Int(codes[$0])] }
            }
        }
    }
}
