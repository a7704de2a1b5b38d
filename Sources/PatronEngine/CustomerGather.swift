import CPrefetch
import Dispatch
import PatronStore

/// What a customer's running figures must offer the gathering and the columns built from them.
/// Days are kept as days after the first order day; sums wrap at `sumBits` bits, and each add
/// says how many multiples of 2^sumBits the wrap lost, so the totals stay exact.
protocol CustomerFigures: Sendable {
    init()
    /// Whether these figures keep months and channels (for loyalty and channels).
    static var complete: Bool { get }
    /// The width of the running sums.
    static var sumBits: Int { get }
    var monetary: Int64 { get }
    var profit: Int64 { get }
    var first: Int32 { get }
    var last: Int32 { get }
    var frequency: Int32 { get }
    var months: UInt16 { get }
    var channels: UInt16 { get }
    /// Adds one order, `day` days after the first order day; returns what the two sums carried out.
    mutating func add(day: Int32, amount: Int64, profit: Int64, month back: Int, channel: UInt32?) -> (monetary: Int64, profit: Int64)
    /// Adds another core's figures for the same customer; returns what the two sums carried out.
    mutating func absorb(_ other: Self) -> (monetary: Int64, profit: Int64)
}

/// Adds `amount` to a running sum that wraps at its own width; returns the multiples of
/// 2^bitWidth the wrap lost (0 unless the sum left its range).
@inline(__always)
func wrappingAdd<T: FixedWidthInteger & SignedInteger>(_ sum: inout T, _ amount: Int64) -> Int64 {
    let wide = Int128(sum) + Int128(amount)
    sum = T(truncatingIfNeeded: wide)
    return Int64(truncatingIfNeeded: (wide - Int128(sum)) >> T.bitWidth)
}

/// Everything a customer needs: 32 bytes, so an order touches one cache line.
struct Accumulator: CustomerFigures {
    var monetary: Int64 = 0
    var profit: Int64 = 0
    var first: Int32 = .max
    var last: Int32 = .min
    var frequency: Int32 = 0
    var months: UInt16 = 0
    var channels: UInt16 = 0

    static var complete: Bool { true }
    static var sumBits: Int { 64 }

    @inline(__always)
    mutating func add(day: Int32, amount: Int64, profit earned: Int64, month back: Int, channel: UInt32?) -> (monetary: Int64, profit: Int64) {
        if day < first { first = day }
        if day > last { last = day }
        frequency += 1
        if back >= 0 && back < 12 { months |= 1 << UInt16(back) }
        if let channel, channel < 16 { channels |= 1 << UInt16(channel) }
        return (wrappingAdd(&monetary, amount), wrappingAdd(&profit, earned))
    }

    mutating func absorb(_ other: Accumulator) -> (monetary: Int64, profit: Int64) {
        first = min(first, other.first)
        last = max(last, other.last)
        frequency += other.frequency
        months |= other.months
        channels |= other.channels
        return (wrappingAdd(&monetary, other.monetary), wrappingAdd(&profit, other.profit))
    }
}

/// Dates, frequency and both sums in 16 bytes, for derivations without loyalty and channels:
/// half the memory to touch at random. Needs the orders to span fewer than 65,535 days.
struct Compact: CustomerFigures {
    var monetaryBits: Int32 = 0
    var profitBits: Int32 = 0
    var earliest: UInt16 = .max
    var latest: UInt16 = 0
    var frequency: Int32 = 0

    static var complete: Bool { false }
    static var sumBits: Int { 32 }
    static let daySpan = Int(UInt16.max)
    var monetary: Int64 { Int64(monetaryBits) }
    var profit: Int64 { Int64(profitBits) }
    var first: Int32 { Int32(earliest) }
    var last: Int32 { Int32(latest) }
    var months: UInt16 { 0 }
    var channels: UInt16 { 0 }

    @inline(__always)
    mutating func add(day: Int32, amount: Int64, profit earned: Int64, month back: Int, channel: UInt32?) -> (monetary: Int64, profit: Int64) {
        let day = UInt16(truncatingIfNeeded: day)
        if day < earliest { earliest = day }
        if day > latest { latest = day }
        frequency += 1
        return (wrappingAdd(&monetaryBits, amount), wrappingAdd(&profitBits, earned))
    }

    mutating func absorb(_ other: Compact) -> (monetary: Int64, profit: Int64) {
        earliest = min(earliest, other.earliest)
        latest = max(latest, other.latest)
        frequency += other.frequency
        return (wrappingAdd(&monetaryBits, other.monetary), wrappingAdd(&profitBits, other.profit))
    }
}

/// Frequency and one sum (monetary or profit, whichever was asked for): 8 bytes a customer.
struct Tally: CustomerFigures {
    var sum: Int32 = 0
    var frequency: Int32 = 0

    static var complete: Bool { false }
    static var sumBits: Int { 32 }
    var monetary: Int64 { Int64(sum) }
    var profit: Int64 { Int64(sum) }
    var first: Int32 { 0 }
    var last: Int32 { 0 }
    var months: UInt16 { 0 }
    var channels: UInt16 { 0 }

    @inline(__always)
    mutating func add(day: Int32, amount: Int64, profit: Int64, month back: Int, channel: UInt32?) -> (monetary: Int64, profit: Int64) {
        frequency += 1
        return (wrappingAdd(&sum, amount), 0)
    }

    mutating func absorb(_ other: Tally) -> (monetary: Int64, profit: Int64) {
        frequency += other.frequency
        return (wrappingAdd(&sum, other.monetary), 0)
    }
}

/// Every customer's figures, gathered from the orders.
struct Gathered<Figures: CustomerFigures> {
    var accumulators: FiguresTable<Figures>
    /// Orders counted (the rest have no customer, no date, or fall after the as-of date).
    var used = 0
    /// Multiples of 2^sumBits lost by the wrapping sums, per slot (almost always empty).
    var monetaryCarry: [Int: Int64] = [:]
    var profitCarry: [Int: Int64] = [:]
    /// Channel codes per slot when there are more than 16 channels.
    var channelSets: [Int: Set<UInt32>] = [:]

    /// Keeps aside what a slot's sums carried out of their width.
    @inline(__always)
    mutating func carry(_ carried: (monetary: Int64, profit: Int64), slot: Int) {
        if carried.monetary != 0 { monetaryCarry[slot, default: 0] += carried.monetary }
        if carried.profit != 0 { profitCarry[slot, default: 0] += carried.profit }
    }

    /// Adds what another core gathered besides the figures themselves.
    mutating func absorbExtras(of other: Gathered) {
        used += other.used
        monetaryCarry.merge(other.monetaryCarry, uniquingKeysWith: +)
        profitCarry.merge(other.profitCarry, uniquingKeysWith: +)
        channelSets.merge(other.channelSets) { $0.union($1) }
    }
}

/// Every customer's figures, indexed by slot.
final class FiguresTable<F: CustomerFigures>: @unchecked Sendable {
    let base: UnsafeMutablePointer<F>
    let count: Int

    init(count: Int) {
        self.count = count
        base = UnsafeMutablePointer<F>.allocate(capacity: max(1, count))
        base.initialize(repeating: F(), count: count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    var indices: Range<Int> { 0..<count }
    subscript(slot: Int) -> F { base[slot] }
}

/// What the gathering reads from the orders table.
struct OrderInputs: @unchecked Sendable {
    let rows: Int
    let dates: [Int32]
    let idNulls: NullBitmap, dateNulls: NullBitmap
    let asOf: Int32
    /// The day figures count their days from: no order counted falls before it.
    let firstDay: Int32
    let amount: NumberFiller
    let profit: NumberFiller?
    let slots: CustomerSlots
    let channel: (codes: TextCodes, nulls: NullBitmap, count: Int)?
    /// Months back from the as-of month (for loyalty), or nil when loyalty is not asked for.
    let months: MonthsBack?
}

/// How many calendar months before the as-of month a day falls, by lookup when the order dates
/// span few days (by calendar arithmetic otherwise).
struct MonthsBack: Sendable {
    let table: [Int16]
    let firstDay: Int32
    let asOfMonth: Int

    init(from firstDay: Int32, asOf: Int32) {
        self.firstDay = firstDay
        asOfMonth = Engine.monthIndex(asOf)
        table = firstDay <= asOf && Int(asOf) - Int(firstDay) < 200_000
            ? (firstDay...asOf).map { [asOfMonth] in Int16(clamping: asOfMonth - Engine.monthIndex($0)) } : []
    }

    @inline(__always)
    func back(_ day: Int32, in table: UnsafeBufferPointer<Int16>) -> Int {
        table.isEmpty ? asOfMonth - Engine.monthIndex(day) : Int(table[Int(day - firstDay)])
    }
}

extension Engine {
    /// Gathers each customer's figures on all cores. Each core adds its own stretch of the orders
    /// into a table of its own (no core waits for another, and each reads only its orders); then
    /// the cores add the other tables into the first, each for its own range of customers.
    /// Accumulators a few orders ahead are prefetched, so several cache misses are in flight.
    static func gather<F: CustomerFigures>(_ input: OrderInputs, as: F.Type) -> Gathered<F> {
        let slotCount = input.slots.count
        // A table per core costs memory and a merge: no more tables than orders per customer, so
        // all of them together take fewer bytes than the figure's size times the orders.
        let orders = stretches(of: input.rows, most: input.rows / max(1, slotCount))
        let tables = orders.map { _ in FiguresTable<F>(count: slotCount) }
        var total = Gathered<F>(accumulators: tables[0])
        let parts = inParallel(zip(orders, tables).map { rows, table in { pass(input, rows: rows, into: table) } }, when: true)
        for part in parts { total.absorbExtras(of: part) }
        guard tables.count > 1 else { return total }
        // Raw pointers, not the tables: no reference counting in the inner loop.
        let into = tables[0].base, others = tables.dropFirst().map(\.base)
        let carries = inParallel(stretches(of: slotCount, into: tables.count).map { customers in {
            var carried = Gathered<F>(accumulators: tables[0])
            for from in others {
                assert(customers.upperBound <= tables[0].count, "merging slots up to \(customers.upperBound) of \(tables[0].count)")
                for slot in customers where from[slot].frequency > 0 { carried.carry(into[slot].absorb(from[slot]), slot: slot) }
            }
            return carried
        } }, when: true)
        for part in carries { total.absorbExtras(of: part) }
        return total
    }

    /// One core's pass: the orders in `rows`, added into `table`.
    private static func pass<F: CustomerFigures>(_ input: OrderInputs, rows: Range<Int>, into table: FiguresTable<F>) -> Gathered<F> {
        let base = table.base, slots = table.count
        let hasProfit = input.profit != nil
        let channelCount = input.channel?.count ?? 0
        let channelCodes = input.channel?.codes, channelNulls = input.channel?.nulls ?? NullBitmap(count: 0)
        let asOf = input.asOf
        var mine = Gathered<F>(accumulators: table)
        let block = 4096
        let slotOf = UnsafeMutablePointer<Int>.allocate(capacity: block)
        let pickedRow = UnsafeMutablePointer<Int>.allocate(capacity: block), pickedSlot = UnsafeMutablePointer<Int>.allocate(capacity: block)
        let amounts = UnsafeMutableBufferPointer<Int64>.allocate(capacity: block), amountValid = UnsafeMutableBufferPointer<Bool>.allocate(capacity: block)
        let profits = UnsafeMutableBufferPointer<Int64>.allocate(capacity: block), profitValid = UnsafeMutableBufferPointer<Bool>.allocate(capacity: block)
        let codes = UnsafeMutablePointer<UInt32>.allocate(capacity: block)
        defer {
            slotOf.deallocate(); pickedRow.deallocate(); pickedSlot.deallocate(); amounts.deallocate(); amountValid.deallocate()
            profits.deallocate(); profitValid.deallocate(); codes.deallocate()
        }
        input.dates.withUnsafeBufferPointer { dates in
        (input.months?.table ?? []).withUnsafeBufferPointer { monthsBack in
            var low = rows.lowerBound
            while low < rows.upperBound {
                // Ctrl-C at the prompt: stop; the caller throws the partial figures away.
                if (low - rows.lowerBound) & 0xFFFF == 0 && Interrupt.requested { break }
                let chunk = low..<min(low + block, rows.upperBound)
                low = chunk.upperBound
                assert(chunk.count <= block, "a chunk of \(chunk.count) rows for buffers of \(block)")
                // The orders up to the as-of date, picked without a branch per order.
                input.slots.fill(chunk, into: slotOf)
                var n = 0
                for (i, row) in chunk.enumerated() {
                    pickedRow[n] = row
                    pickedSlot[n] = slotOf[i]
                    n &+= dates[row] <= asOf ? 1 : 0
                }
                if n == 0 { continue }
                let picked = UnsafeBufferPointer(start: pickedRow, count: n)
                input.amount(picked, amounts, amountValid)
                input.profit?(picked, profits, profitValid)
                channelCodes?.copy(chunk, to: codes)
                let ahead = MemoryLayout<F>.stride >= 32 ? 16 : 32
                for j in 0..<min(ahead, n) { patron_prefetch_for_write(base + pickedSlot[j]) }
                for j in 0..<n {
                    if j + ahead < n { patron_prefetch_for_write(base + pickedSlot[j + ahead]) }
                    let row = pickedRow[j]
                    guard !input.idNulls.contains(row), !input.dateNulls.contains(row) else { continue }
                    mine.used += 1
                    let slot = pickedSlot[j], day = dates[row]
                    let money = amountValid[j] ? amounts[j] : 0
                    let earned = hasProfit && profitValid[j] ? profits[j] : 0
                    let back = F.complete ? input.months?.back(day, in: monthsBack) ?? -1 : -1
                    let code: UInt32? = F.complete && channelCodes != nil && !channelNulls.contains(row) ? codes[row - chunk.lowerBound] : nil
                    assert(slot >= 0 && slot < slots, "figures slot \(slot) of \(slots)")
                    mine.carry((base + slot).pointee.add(day: day &- input.firstDay, amount: money, profit: earned, month: back, channel: code), slot: slot)
                    if let code, channelCount > 16 { mine.channelSets[slot, default: []].insert(code) }
                }
            }
        }
        }
        return mine
    }
}
