import Dispatch
import PatronAnalysis
import PatronPlan
import PatronStore
#if canImport(Glibc)
import Glibc
#endif

/// The customer table derived from orders, and what the derivation decided.
public struct CustomerDerivation: Sendable {
    public let table: Table
    /// The as-of date recency and loyalty are measured to.
    public let asOf: Int32
    /// Whether the as-of date is the latest order date (not given).
    public let asOfIsLatest: Bool
    /// Orders used, and orders left out (no customer, no date, or after the as-of date).
    public let ordersUsed: Int
    public let ordersLeftOut: Int
    /// The customers, and the nulls of each column (the table's own, unless counted on a server).
    public let customers: Int
    public let nulls: [Int]

    /// Creates a derivation's report; `customers` and `nulls` default to the table's own.
    public init(table: Table, asOf: Int32, asOfIsLatest: Bool, ordersUsed: Int, ordersLeftOut: Int, customers: Int? = nil, nulls: [Int]? = nil) {
        (self.table, self.asOf, self.asOfIsLatest, self.ordersUsed, self.ordersLeftOut) = (table, asOf, asOfIsLatest, ordersUsed, ordersLeftOut)
        self.customers = customers ?? table.rowCount
        self.nulls = nulls ?? table.columns.map(\.nulls.nullCount)
    }
}

extension Engine {
    /// `customers from ORDERS …` in memory: the derivation's plan (`Lowered.customers`), its
    /// per-customer figures gathered on all cores, and its facts (`Lowered.derivationFacts`).
    public static func deriveCustomers(_ spec: BoundCustomers) throws -> CustomerDerivation {
        let runner = MemoryRunner(spec.orders)
        // The customers first: the facts then read what their gathering counted.
        let derived = try runner.relation(try Lowered.customers(spec))
        let facts = try runner.answer(Lowered.derivationFacts(spec))
        var asOf = spec.asOf ?? 0
        if case .date(let day) = facts.value("as_of") { asOf = day }
        let table = customerTable(derived, spec, asOf: asOf)
        table.checkInvariants()
        let used = facts.integer("used") ?? 0
        return CustomerDerivation(table: table, asOf: asOf, asOfIsLatest: spec.asOf == nil, ordersUsed: used, ordersLeftOut: (facts.integer("orders") ?? 0) - used)
    }

    /// A derivation's rows (or its schema, with none) as the customer table: named, from its
    /// orders at its date, each column with what it means (shown by `describe` and `explain`).
    public static func customerTable(_ derived: Table, _ spec: BoundCustomers, asOf: Int32) -> Table {
        let meanings: [String: Derivation] = [
            "first_purchase": .firstPurchase, "last_purchase": .lastPurchase(asOf: asOf), "recency": .recency(asOf: asOf),
            "frequency": .frequency(asOf: asOf), "monetary": .monetary(amount: spec.amountText), "aov": .aov,
            "profit": .profit(definition: spec.profitText ?? ""), "tenure": .tenure(asOf: asOf), "loyalty": .loyalty(asOf: asOf), "channels": .channels,
        ]
        let custom = Dictionary(spec.custom.map { ($0.name, Derivation.metric(definition: $0.text)) }, uniquingKeysWith: { a, _ in a })
        let columns = derived.columns.enumerated().map { k, column in
            Column(name: column.name, storage: column.storage, nulls: column.nulls,
                   evidence: .derived(k == 0 ? .customer : custom[column.name] ?? meanings[column.name] ?? .customer))
        }
        return Table(name: spec.name, columns: columns, rowCount: derived.rowCount, origin: .customers(orders: spec.orders.name, asOf: asOf))
    }

    /// The smallest and largest non-null value, or nil when every value is null.
    static func range<T: FixedWidthInteger>(of values: [T], nulls: NullBitmap) -> ClosedRange<T>? {
        var low = T.max, high = T.min
        values.withUnsafeBufferPointer { v in
            if nulls.nullCount == 0 {
                // No nulls: a plain loop the compiler vectorizes.
                for x in v { low = Swift.min(low, x); high = Swift.max(high, x) }
            } else {
                for (row, x) in v.enumerated() where !nulls.contains(row) { low = Swift.min(low, x); high = Swift.max(high, x) }
            }
        }
        return nulls.nullCount == values.count ? nil : low...high
    }

    /// Months since year 0, for counting calendar months.
    static func monthIndex(_ day: Int32) -> Int {
        let (y, m, _) = CalendarDate.civil(day)
        return y * 12 + m - 1
    }
}

/// Where each order's customer is counted: dense whole-number identifiers index directly, text
/// identifiers by dictionary code, other whole numbers by order of first appearance.
struct CustomerSlots: @unchecked Sendable {
    enum Kind {
        case dense(ids: [Int64], minimum: Int64)
        case codes(TextCodes, dictionary: [String])
        case numbered(rowSlot: [Int32], keys: [Int64])
    }
    let kind: Kind
    let count: Int

    init(_ column: Column, rows: Int) {
        switch column.storage {
        case .integer(let ids):
            let bounds = Engine.range(of: ids, nulls: column.nulls)
            let low = bounds?.lowerBound ?? 0, high = bounds?.upperBound ?? 0
            if bounds == nil {
                (kind, count) = (.dense(ids: ids, minimum: 0), 0)
            } else if case (let span, false) = high.subtractingReportingOverflow(low), span < Int64(2 * rows + 1024) {
                (kind, count) = (.dense(ids: ids, minimum: low), Int(span) + 1)
            } else {
                var index: [Int64: Int32] = [:], keys: [Int64] = []
                let rowSlot = (0..<rows).map { row -> Int32 in
                    if column.nulls.contains(row) { return 0 }
                    if let known = index[ids[row]] { return known }
                    keys.append(ids[row])
                    index[ids[row]] = Int32(keys.count - 1)
                    return Int32(keys.count - 1)
                }
                (kind, count) = (.numbered(rowSlot: rowSlot, keys: keys), max(keys.count, 1))
            }
        case .text(let codes, let dictionary):
            (kind, count) = (.codes(codes, dictionary: dictionary), max(dictionary.count, 1))
        default:
            // The binder only lets whole numbers and text identify customers; anything else is one slot per row.
            (kind, count) = (.numbered(rowSlot: (0..<rows).map { Int32(truncatingIfNeeded: $0) }, keys: (0..<rows).map(Int64.init)), max(rows, 1))
        }
    }

    /// The slots of a block of rows (null identifiers get any slot; their orders are skipped).
    func fill(_ rows: Range<Int>, into out: UnsafeMutablePointer<Int>) {
        switch kind {
        case .dense(let ids, let minimum):
            ids.withUnsafeBufferPointer { ids in for (i, row) in rows.enumerated() { out[i] = Int(ids[row] &- minimum) } }
            // A null's stored value may lie outside the range; send it to slot 0 (its order is skipped).
            for i in 0..<rows.count where out[i] < 0 || out[i] >= count { out[i] = 0 }
        case .codes(let codes, _):
            for (i, row) in rows.enumerated() { out[i] = Int(codes[row]) }
        case .numbered(let rowSlot, _):
            for (i, row) in rows.enumerated() { out[i] = Int(rowSlot[row]) }
        }
    }

    /// The slot of one row (its identifier is not null).
    func slot(of row: Int) -> Int {
        switch kind {
        case .dense(let ids, let minimum): return Int(ids[row] &- minimum)
        case .codes(let codes, _): return Int(codes[row])
        case .numbered(let rowSlot, _): return Int(rowSlot[row])
        }
    }

    /// The identifier of a slot: the whole number, or the dictionary code for text.
    func key(of slot: Int) -> Int64 {
        switch kind {
        case .dense(_, let minimum): return minimum + Int64(slot)
        case .codes: return Int64(slot)
        case .numbered(_, let keys): return keys[slot]
        }
    }

    /// Slots in identifier order: numbers ascending, text in its collation order.
    func ordered(_ used: [Int]) -> [Int] {
        switch kind {
        case .dense: return used
        case .codes(_, let dictionary):
            let rank = Engine.rankOfCodes(dictionary)
            return used.sorted { rank[$0] < rank[$1] }
        case .numbered(_, let keys): return used.sorted { keys[$0] < keys[$1] }
        }
    }
}
