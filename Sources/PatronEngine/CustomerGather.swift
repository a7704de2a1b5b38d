import CPrefetch
import Dispatch
import PatronStore

/// What a customer's running figures must offer the gathering and the columns built from them.
protocol CustomerFigures: Sendable {
    init()
    /// Whether these figures keep dates, a second sum, months and channels (else: frequency and one sum).
    static var complete: Bool { get }
    var monetary: Int64 { get }
    var profit: Int64 { get }
    var first: Int32 { get }
    var last: Int32 { get }
    var frequency: Int32 { get }
    var months: UInt16 { get }
    var channels: UInt16 { get }
    /// Adds one order; says which of the two sums wrapped (the multiples of 2^64 are kept aside).
    mutating func add(day: Int32, amount: Int64, profit: Int64, month back: Int, channel: UInt32?) -> (monetary: Bool, profit: Bool)
}

/// One customer's running figures: 32 bytes, so an order touches one cache line. The sums wrap;
/// the multiples of 2^64 they lose are kept aside (in `Gathered`), so totals stay exact.
struct Accumulator: CustomerFigures {
    var monetary: Int64 = 0
    var profit: Int64 = 0
    var first: Int32 = .max
    var last: Int32 = .min
    var frequency: Int32 = 0
    var months: UInt16 = 0
    var channels: UInt16 = 0

    static var complete: Bool { true }

    @inline(__always)
    mutating func add(day: Int32, amount: Int64, profit earned: Int64, month back: Int, channel: UInt32?) -> (monetary: Bool, profit: Bool) {
        if day < first { first = day }
        if day > last { last = day }
        frequency += 1
        let (m, mo) = monetary.addingReportingOverflow(amount)
        let (p, po) = profit.addingReportingOverflow(earned)
        monetary = m
        profit = p
        if back >= 0 && back < 12 { months |= 1 << UInt16(back) }
        if let channel, channel < 16 { channels |= 1 << UInt16(channel) }
        return (mo, po)
    }
}

/// Frequency and one sum (monetary or profit, whichever was asked for): 16 bytes a customer.
struct Tally: CustomerFigures {
    var sum: Int64 = 0
    var frequency: Int32 = 0

    static var complete: Bool { false }
    var monetary: Int64 { sum }
    var profit: Int64 { sum }
    var first: Int32 { 0 }
    var last: Int32 { 0 }
    var months: UInt16 { 0 }
    var channels: UInt16 { 0 }

    @inline(__always)
    mutating func add(day: Int32, amount: Int64, profit: Int64, month back: Int, channel: UInt32?) -> (monetary: Bool, profit: Bool) {
        frequency += 1
        let (s, overflow) = sum.addingReportingOverflow(amount)
        sum = s
        return (overflow, false)
    }
}

/// Every customer's figures, gathered from the orders.
struct Gathered<Figures: CustomerFigures> {
    var accumulators: [Figures]
    /// Orders counted (the rest have no customer, no date, or fall after the as-of date).
    var used = 0
    /// Multiples of 2^64 lost by the wrapping sums, per slot (almost always empty).
    var monetaryCarry: [Int: Int64] = [:]
    var profitCarry: [Int: Int64] = [:]
    /// Channel codes per slot when there are more than 16 channels.
    var channelSets: [Int: Set<UInt32>] = [:]

    /// Adds what another core gathered for its own customers.
    mutating func absorbExtras(of other: Gathered) {
        used += other.used
        monetaryCarry.merge(other.monetaryCarry, uniquingKeysWith: +)
        profitCarry.merge(other.profitCarry, uniquingKeysWith: +)
        channelSets.merge(other.channelSets) { $0.union($1) }
    }
}

/// What the gathering reads from the orders table.
struct OrderInputs: @unchecked Sendable {
    let rows: Int
    let dates: [Int32]
    let idNulls: NullBitmap, dateNulls: NullBitmap
    let asOf: Int32
    let amount: NumberFiller
    let profit: NumberFiller?
    let slots: CustomerSlots
    let channel: (codes: TextCodes, nulls: NullBitmap, count: Int)?
    /// Months back from the as-of month, by day from `firstDay` (empty: compute from the date).
    let monthsBack: [Int16]
    let firstDay: Int32
    let asOfMonth: Int
}

extension Engine {
    /// Gathers each customer's figures. The cores split the customers, not the orders: each reads
    /// every order but updates only its own customers, so there is one table of accumulators,
    /// each core's part of it a fraction of the cache a whole table per core would need, and
    /// nothing to add up afterwards. Accumulators a few orders ahead are prefetched, so several
    /// cache misses are in flight at once.
    static func gather<F: CustomerFigures>(_ input: OrderInputs, as: F.Type) -> Gathered<F> {
        let slotCount = input.slots.count
        let threads = input.rows >= 200_000 ? max(1, min(8, activeProcessors())) : 1
        nonisolated(unsafe) var extras = [Gathered<F>](repeating: Gathered(accumulators: []), count: threads)
        var accumulators = [F](repeating: F(), count: slotCount)
        let hasProfit = input.profit != nil
        let channelCount = input.channel?.count ?? 0
        let channelCodes = input.channel?.codes, channelNulls = input.channel?.nulls ?? NullBitmap(count: 0)
        let asOf = input.asOf
        accumulators.withUnsafeMutableBufferPointer { all in
            nonisolated(unsafe) let base = all.baseAddress
            extras.withUnsafeMutableBufferPointer { extras in
                nonisolated(unsafe) let extras = extras
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    guard let base else { return }
                    let mineFrom = slotCount * t / threads, mineTo = slotCount * (t + 1) / threads
                    var mine = Gathered<F>(accumulators: [])
                    let block = 4096
                    let slotOf = UnsafeMutablePointer<Int>.allocate(capacity: block), picked = UnsafeMutablePointer<Int>.allocate(capacity: block)
                    let amounts = UnsafeMutablePointer<Int64>.allocate(capacity: block), amountValid = UnsafeMutablePointer<Bool>.allocate(capacity: block)
                    let profits = UnsafeMutablePointer<Int64>.allocate(capacity: block), profitValid = UnsafeMutablePointer<Bool>.allocate(capacity: block)
                    let codes = UnsafeMutablePointer<UInt32>.allocate(capacity: block)
                    defer {
                        slotOf.deallocate(); picked.deallocate(); amounts.deallocate(); amountValid.deallocate()
                        profits.deallocate(); profitValid.deallocate(); codes.deallocate()
                    }
                    input.dates.withUnsafeBufferPointer { dates in
                    input.monthsBack.withUnsafeBufferPointer { monthsBack in
                        var low = 0
                        while low < input.rows {
                            // Ctrl-C at the prompt: stop; the caller throws the partial figures away.
                            if low & 0xFFFF == 0 && Interrupt.requested { break }
                            let chunk = low..<min(low + block, input.rows)
                            low = chunk.upperBound
                            // This core's orders in the block, picked without a branch per order.
                            input.slots.fill(chunk, into: slotOf)
                            var n = 0
                            for (i, row) in chunk.enumerated() {
                                picked[n] = i
                                let slot = slotOf[i]
                                n &+= (slot >= mineFrom && slot < mineTo && dates[row] <= asOf) ? 1 : 0
                            }
                            if n == 0 { continue }
                            input.amount(chunk, amounts, amountValid)
                            input.profit?(chunk, profits, profitValid)
                            channelCodes?.copy(chunk, to: codes)
                            let ahead = 16
                            for j in 0..<min(ahead, n) { patron_prefetch_for_write(base + slotOf[picked[j]]) }
                            for j in 0..<n {
                                if j + ahead < n { patron_prefetch_for_write(base + slotOf[picked[j + ahead]]) }
                                let i = picked[j], row = chunk.lowerBound + i
                                guard !input.idNulls.contains(row), !input.dateNulls.contains(row) else { continue }
                                mine.used += 1
                                let slot = slotOf[i], day = dates[row]
                                let money = amountValid[i] ? amounts[i] : 0
                                let earned = hasProfit && profitValid[i] ? profits[i] : 0
                                let back = !F.complete ? -1 : monthsBack.isEmpty ? input.asOfMonth - monthIndex(day) : Int(monthsBack[Int(day - input.firstDay)])
                                let code: UInt32? = F.complete && channelCodes != nil && !channelNulls.contains(row) ? codes[i] : nil
                                let wrapped = (base + slot).pointee.add(day: day, amount: money, profit: earned, month: back, channel: code)
                                if wrapped.monetary { mine.monetaryCarry[slot, default: 0] += money < 0 ? -1 : 1 }
                                if wrapped.profit { mine.profitCarry[slot, default: 0] += earned < 0 ? -1 : 1 }
                                if let code, channelCount > 16 { mine.channelSets[slot, default: []].insert(code) }
                            }
                        }
                    }
                    }
                    extras[t] = mine
                }
            }
        }
        var total = Gathered<F>(accumulators: [])
        for partial in extras { total.absorbExtras(of: partial) }
        total.accumulators = accumulators
        return total
    }
}
