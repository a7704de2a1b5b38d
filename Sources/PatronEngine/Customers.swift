import PatronAnalysis
import PatronStore

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
}

extension Engine {
    /// One row per customer: first and last purchase, recency, frequency, monetary, average
    /// order value, profit, tenure, loyalty and channels, as of a date.
    public static func deriveCustomers(_ spec: BoundCustomers) -> CustomerDerivation {
        let orders = spec.orders
        let idColumn = orders.columns[spec.id], dateColumn = orders.columns[spec.date]
        guard case .date(let dates) = dateColumn.storage else { fatalError("the binder checks the date column") }
        var latest = Int32.min
        for row in 0..<orders.rowCount where !dateColumn.nulls.contains(row) { latest = max(latest, dates[row]) }
        let asOf = spec.asOf ?? (latest == .min ? 0 : latest)

        // Customer keys: whole numbers as they are, text by dictionary code.
        let key: (Int) -> Int64
        switch idColumn.storage {
        case .integer(let v): key = { v[$0] }
        case .text(let codes, _): key = { Int64(codes[$0]) }
        default: key = { Int64($0) }
        }
        let amount = compile(spec.amount, in: orders)
        let amountScale: Int
        if case .number(_, let s) = amount { amountScale = s } else { amountScale = 2 }
        let amountValue = amount.asNumber(scale: amountScale)
        let profit = spec.profit.map { compile($0, in: orders) }
        let profitScale: Int
        if case .number(_, let s)? = profit { profitScale = s } else { profitScale = 2 }
        let profitValue = profit.map { $0.asNumber(scale: profitScale) }
        let channelKey: ((Int) -> Int?)? = spec.channel.map { index in
            let column = orders.columns[index]
            guard case .text(let codes, _) = column.storage else { return { _ in nil } }
            return { column.nulls.contains($0) ? nil : Int(codes[$0]) }
        }
        let asOfMonth = monthIndex(asOf)
        // Months back from the as-of month, looked up by day: the order dates span few days.
        var earliest = Int32.max
        for row in 0..<orders.rowCount where !dateColumn.nulls.contains(row) { earliest = min(earliest, dates[row]) }
        let firstDay = earliest == .max ? asOf : min(earliest, asOf)
        let monthsBack: [Int16] = firstDay <= asOf && Int(asOf) - Int(firstDay) < 200_000
            ? (firstDay...asOf).map { Int16(clamping: asOfMonth - monthIndex($0)) } : []
        // Customers found by a direct table when the identifiers are dense whole numbers.
        var dense: (minimum: Int64, slots: [Int32])? = nil
        if case .integer(let ids) = idColumn.storage, orders.rowCount > 0 {
            var low = Int64.max, high = Int64.min
            for row in 0..<orders.rowCount where !idColumn.nulls.contains(row) { low = min(low, ids[row]); high = max(high, ids[row]) }
            if low <= high, high.subtractingReportingOverflow(low).overflow == false, high - low < Int64(4 * orders.rowCount + 1024) {
                dense = (low, [Int32](repeating: -1, count: Int(high - low) + 1))
            }
        }
        let channelBits = spec.channel.map { index -> Bool in
            if case .text(_, let dictionary) = orders.columns[index].storage { return dictionary.count <= 64 }
            return false
        } ?? false

        /// One customer's running figures, kept together so an order touches one cache line.
        struct Accumulator {
            var monetary: Int128 = 0
            var profit: Int128 = 0
            var channelMask: UInt64 = 0
            var first: Int32
            var last: Int32
            var frequency: Int32 = 0
            var months: UInt16 = 0
        }
        var index: [Int64: Int] = [:]
        var keys: [Int64] = [], representative: [Int] = []
        var accumulators: [Accumulator] = []
        var channels: [Set<Int>] = []
        var used = 0
        for row in 0..<orders.rowCount {
            guard !idColumn.nulls.contains(row), !dateColumn.nulls.contains(row), dates[row] <= asOf else { continue }
            used += 1
            let k = key(row)
            let c: Int
            let known: Int?
            if let d = dense { let s = d.slots[Int(k - d.minimum)]; known = s < 0 ? nil : Int(s) } else { known = index[k] }
            if let known { c = known } else {
                c = keys.count
                if dense != nil { dense!.slots[Int(k - dense!.minimum)] = Int32(c) } else { index[k] = c }
                keys.append(k); representative.append(row)
                accumulators.append(Accumulator(first: dates[row], last: dates[row]))
                if !channelBits { channels.append([]) }
            }
            let day = dates[row]
            let back = monthsBack.isEmpty ? asOfMonth - monthIndex(day) : Int(monthsBack[Int(day - firstDay)])
            let amountNow = Int128(amountValue(row) ?? 0)
            let profitNow = profitValue.map { Int128($0(row) ?? 0) } ?? 0
            let channelNow = channelKey?(row)
            accumulators.withUnsafeMutableBufferPointer { all in
                let a = all.baseAddress! + c
                if day < a.pointee.first { a.pointee.first = day }
                if day > a.pointee.last { a.pointee.last = day }
                a.pointee.frequency += 1
                a.pointee.monetary += amountNow
                a.pointee.profit += profitNow
                if back >= 0 && back < 12 { a.pointee.months |= 1 << UInt16(back) }
                if channelBits, let ch = channelNow { a.pointee.channelMask |= 1 << UInt64(ch) }
            }
            if !channelBits, let ch = channelNow { channels[c].insert(ch) }
        }

        // Customers in identifier order, so the same orders always give the same table.
        var order: [Int]
        if let d = dense {
            order = d.slots.compactMap { $0 < 0 ? nil : Int($0) }
        } else {
            order = Array(keys.indices)
            switch idColumn.storage {
            case .text(_, let dictionary):
                let rank = rankOfCodes(dictionary)
                order.sort { rank[Int(keys[$0])] < rank[Int(keys[$1])] }
            default: order.sort { keys[$0] < keys[$1] }
            }
        }
        let n = order.count
        let none = NullBitmap(count: n)
        let asOfText = CalendarDate.isoString(asOf)
        func clamp(_ v: Int128) -> Int64 { Int64(clamping: v) }
        var columns: [Column] = []
        switch idColumn.storage {
        case .integer(let v):
            columns.append(Column(name: idColumn.name, storage: .integer(order.map { v[representative[$0]] }), nulls: none, evidence: .builtIn("the customer")))
        case .text(let codes, let dictionary):
            var builder = TextDictionaryBuilder()
            let new = order.map { builder.code(of: dictionary[Int(codes[representative[$0]])]) }
            columns.append(Column(name: idColumn.name, storage: .text(codes: TextCodes(new, dictionarySize: builder.count), dictionary: builder.strings()), nulls: none, evidence: .builtIn("the customer")))
        default: break
        }
        columns.append(Column(name: "first_purchase", storage: .date(order.map { accumulators[$0].first }), nulls: none, evidence: .builtIn("date of the first order")))
        columns.append(Column(name: "last_purchase", storage: .date(order.map { accumulators[$0].last }), nulls: none, evidence: .builtIn("date of the last order up to \(asOfText)")))
        columns.append(Column(name: "recency", storage: .integer(order.map { Int64(asOf) - Int64(accumulators[$0].last) }), nulls: none,
                              evidence: .builtIn("days from the last purchase to \(asOfText)")))
        columns.append(Column(name: "frequency", storage: .integer(order.map { Int64(accumulators[$0].frequency) }), nulls: none, evidence: .builtIn("number of orders up to \(asOfText)")))
        columns.append(Column(name: "monetary", storage: .decimal(order.map { clamp(accumulators[$0].monetary) }, scale: amountScale), nulls: none,
                              evidence: .builtIn("sum of \(spec.amountText) over the orders")))
        // Average order value at the amount's scale, rounded half away from zero.
        columns.append(Column(name: "aov", storage: .decimal(order.map { c in
            let f = Int128(accumulators[c].frequency), money = accumulators[c].monetary
            let q = money / f, r = money % f
            return clamp(q + (abs(r) * 2 >= f ? (money < 0 ? -1 : 1) : 0))
        }, scale: amountScale), nulls: none, evidence: .builtIn("monetary ÷ frequency")))
        if let profitText = spec.profitText {
            columns.append(Column(name: "profit", storage: .decimal(order.map { clamp(accumulators[$0].profit) }, scale: profitScale), nulls: none,
                                  evidence: .builtIn("sum of \(profitText) over the orders")))
        }
        columns.append(Column(name: "tenure", storage: .integer(order.map { Int64(asOf) - Int64(accumulators[$0].first) }), nulls: none,
                              evidence: .builtIn("days from the first purchase to \(asOfText)")))
        // Loyalty: the share of the 12 calendar months up to the as-of date with a purchase, to 4 places.
        columns.append(Column(name: "loyalty", storage: .decimal(order.map { c in
            let k = Int64(accumulators[c].months.nonzeroBitCount)
            return (k * 10_000 * 2 + 12) / 24
        }, scale: 4), nulls: none, evidence: .builtIn("share of the 12 months up to \(asOfText) with a purchase")))
        if spec.channel != nil {
            columns.append(Column(name: "channels", storage: .integer(order.map { Int64(channelBits ? accumulators[$0].channelMask.nonzeroBitCount : channels[$0].count) }), nulls: none,
                                  evidence: .builtIn("number of channels used")))
        }
        let table = Table(name: spec.name, columns: columns, rowCount: n, origin: "customers from '\(orders.name)' as of \(asOfText)")
        table.checkInvariants()
        return CustomerDerivation(table: table, asOf: asOf, asOfIsLatest: spec.asOf == nil, ordersUsed: used, ordersLeftOut: orders.rowCount - used)
    }

    /// Months since year 0, for counting calendar months.
    private static func monthIndex(_ day: Int32) -> Int {
        let (y, m, _) = CalendarDate.civil(day)
        return y * 12 + m - 1
    }
}
