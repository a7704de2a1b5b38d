import Dispatch
import PatronAnalysis
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
    /// One row per customer: first and last purchase, recency, frequency, monetary, average
    /// order value, profit, tenure, loyalty and channels, as of a date.
    public static func deriveCustomers(_ spec: BoundCustomers) -> CustomerDerivation {
        let orders = spec.orders
        let idColumn = orders.columns[spec.id], dateColumn = orders.columns[spec.date]
        guard case .date(let dates) = dateColumn.storage else { fatalError("the binder checks the date column") }
        let span = range(of: dates, nulls: dateColumn.nulls)
        let asOf = spec.asOf ?? span.map(\.upperBound) ?? 0

        let amount = compile(spec.amount, in: orders)
        let amountScale: Int
        if case .number(_, let s) = amount { amountScale = s } else { amountScale = 2 }
        let profitScale: Int
        if let p = spec.profit, case .number(_, let s) = compile(p, in: orders) { profitScale = s } else { profitScale = 2 }
        let amountFill = numberFiller(spec.amount, scale: amountScale, in: orders)
        let profitFill = spec.profit.map { numberFiller($0, scale: profitScale, in: orders) }
        let channel: (codes: TextCodes, nulls: NullBitmap, count: Int)? = spec.channel.flatMap { index in
            guard case .text(let codes, let dictionary) = orders.columns[index].storage else { return nil }
            return (codes, orders.columns[index].nulls, dictionary.count)
        }
        let channelCount = channel?.count ?? 0
        // Each order's customer slot: the identifier itself when whole numbers are dense, the
        // dictionary code for text, otherwise a number handed out in order of first appearance.
        let slots = CustomerSlots(idColumn, rows: orders.rowCount)

        // The smallest figures that give what was asked for: less memory to touch at random.
        let firstDay = min(span?.lowerBound ?? asOf, asOf)
        let wanted = Set(BoundCustomers.metricNames.filter { spec.derives($0) })
        let tallyProfit = wanted.isSubset(of: ["frequency", "profit"]) && profitFill != nil
        if tallyProfit || wanted.isSubset(of: ["frequency", "monetary", "aov"]) {
            var total = gather(inputs(amount: tallyProfit ? profitFill ?? amountFill : amountFill), as: Tally.self)
            total.profitCarry = total.monetaryCarry
            return finish(total)
        }
        let profit = spec.derives("profit") ? profitFill : nil
        if !wanted.contains("loyalty") && !wanted.contains("channels") && Int(asOf) - Int(firstDay) < Compact.daySpan {
            return finish(gather(inputs(amount: amountFill, profit: profit), as: Compact.self))
        }
        return finish(gather(inputs(amount: amountFill, profit: profit, channel: spec.derives("channels") ? channel : nil,
                                    months: spec.derives("loyalty") ? MonthsBack(from: firstDay, asOf: asOf) : nil), as: Accumulator.self))

        func inputs(amount: @escaping NumberFiller, profit: NumberFiller? = nil, channel: (codes: TextCodes, nulls: NullBitmap, count: Int)? = nil, months: MonthsBack? = nil) -> OrderInputs {
            OrderInputs(rows: orders.rowCount, dates: dates, idNulls: idColumn.nulls, dateNulls: dateColumn.nulls, asOf: asOf, firstDay: firstDay,
                        amount: amount, profit: profit, slots: slots, channel: channel, months: months)
        }

        /// The customer table from everyone's figures: the columns asked for, in identifier order.
        func finish<F: CustomerFigures>(_ total: Gathered<F>) -> CustomerDerivation {
        let accumulators = total.accumulators
        let used = total.used
        func money(_ slot: Int, _ wrapped: Int64, _ carries: [Int: Int64]) -> Int128 {
            carries.isEmpty ? Int128(wrapped) : Int128(wrapped) + Int128(carries[slot] ?? 0) << F.sumBits
        }
        func channelsUsed(_ slot: Int) -> Int {
            channelCount <= 16 ? accumulators[slot].channels.nonzeroBitCount : total.channelSets[slot]?.count ?? 0
        }

        // Customers in identifier order, so the same orders always give the same table.
        let order = slots.ordered(accumulators.indices.filter { accumulators[$0].frequency > 0 })
        let n = order.count
        let none = NullBitmap(count: n)
        func clamp(_ v: Int128) -> Int64 { Int64(clamping: v) }
        // Each column is built on its own, so the cores share the columns between them.
        var builders: [(metric: String, build: () -> Column)] = []
        switch idColumn.storage {
        case .integer:
            builders.append(("", { Column(name: idColumn.name, storage: .integer(order.map { slots.key(of: $0) }), nulls: none, evidence: .derived(.customer)) }))
        case .text(_, let dictionary):
            builders.append(("", {
                var builder = TextDictionaryBuilder()
                let new = order.map { builder.code(of: dictionary[Int(slots.key(of: $0))]) }
                return Column(name: idColumn.name, storage: .text(codes: TextCodes(new, dictionarySize: builder.count), dictionary: builder.strings()), nulls: none, evidence: .derived(.customer))
            }))
        default: break
        }
        builders.append(("first_purchase", { Column(name: "first_purchase", storage: .date(order.map { firstDay + accumulators[$0].first }), nulls: none, evidence: .derived(.firstPurchase)) }))
        builders.append(("last_purchase", { Column(name: "last_purchase", storage: .date(order.map { firstDay + accumulators[$0].last }), nulls: none, evidence: .derived(.lastPurchase(asOf: asOf))) }))
        builders.append(("recency", {
            Column(name: "recency", storage: .integer(order.map { Int64(asOf) - Int64(firstDay) - Int64(accumulators[$0].last) }), nulls: none,
                   evidence: .derived(.recency(asOf: asOf)))
        }))
        builders.append(("frequency", { Column(name: "frequency", storage: .integer(order.map { Int64(accumulators[$0].frequency) }), nulls: none, evidence: .derived(.frequency(asOf: asOf))) }))
        builders.append(("monetary", {
            Column(name: "monetary", storage: .decimal(order.map { clamp(money($0, accumulators[$0].monetary, total.monetaryCarry)) }, scale: amountScale), nulls: none,
                   evidence: .derived(.monetary(amount: spec.amountText)))
        }))
        // Average order value at the amount's scale, rounded half away from zero.
        builders.append(("aov", {
            Column(name: "aov", storage: .decimal(order.map { c in
                let f = Int128(accumulators[c].frequency), sum = money(c, accumulators[c].monetary, total.monetaryCarry)
                let q = sum / f, r = sum % f
                return clamp(q + (abs(r) * 2 >= f ? (sum < 0 ? -1 : 1) : 0))
            }, scale: amountScale), nulls: none, evidence: .derived(.aov))
        }))
        if let profitText = spec.profitText {
            builders.append(("profit", {
                Column(name: "profit", storage: .decimal(order.map { clamp(money($0, accumulators[$0].profit, total.profitCarry)) }, scale: profitScale), nulls: none,
                       evidence: .derived(.profit(definition: profitText)))
            }))
        }
        builders.append(("tenure", {
            Column(name: "tenure", storage: .integer(order.map { Int64(asOf) - Int64(firstDay) - Int64(accumulators[$0].first) }), nulls: none,
                   evidence: .derived(.tenure(asOf: asOf)))
        }))
        // Loyalty: the share of the 12 calendar months up to the as-of date with a purchase, to 4 places.
        builders.append(("loyalty", {
            Column(name: "loyalty", storage: .decimal(order.map { c in
                let k = Int64(accumulators[c].months.nonzeroBitCount)
                return (k * 10_000 * 2 + 12) / 24
            }, scale: 4), nulls: none, evidence: .derived(.loyalty(asOf: asOf)))
        }))
        if spec.channel != nil {
            builders.append(("channels", { Column(name: "channels", storage: .integer(order.map { Int64(channelsUsed($0)) }), nulls: none, evidence: .derived(.channels)) }))
        }
        let columns = inParallel(builders.filter { spec.derives($0.metric) || $0.metric == "" }.map(\.build), when: n >= 100_000)
        let table = Table(name: spec.name, columns: columns, rowCount: n, origin: .customers(orders: orders.name, asOf: asOf))
        table.checkInvariants()
        return CustomerDerivation(table: table, asOf: asOf, asOfIsLatest: spec.asOf == nil, ordersUsed: used, ordersLeftOut: orders.rowCount - used)
        }
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
