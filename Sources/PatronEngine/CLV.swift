import PatronAnalysis
import PatronModels
import PatronStore

/// What `clv` found: the fitted purchase (BG/NBD) and spend (Gamma-Gamma) models, the table with
/// the per-customer columns added, and, with `until`, how the model did on the orders after it.
public struct CLVResult: Sendable {
    public let model: PurchaseModel
    public internal(set) var table: Table
    public let unitDays: Int
    public let calibrationEnd: Int32
    public let purchases: ModelFit
    /// The spend model, when enough repeat customers spent a positive amount.
    public let spend: ModelFit?
    /// Pearson's correlation of repeat purchases and mean repeat spend (the spend model assumes none).
    public let spendCorrelation: Double?
    public let horizonMonths: Int
    public let margin: Double
    public let discount: Double
    /// The names of the columns added (none when the model was checked with `until`, or did not converge).
    public internal(set) var added: [String] = []
    /// Customers of the table with no purchase up to the calibration end (left out of the fit).
    public let withoutHistory: Int
    /// The orders the fit read (up to the calibration end) and the purchase days they make: the
    /// models count a day with several orders once, where the table's frequency counts orders.
    public internal(set) var orders = 0, purchaseDays = 0
    /// Customers with more than one order on some day (their frequency exceeds their purchase days).
    public internal(set) var sameDayCustomers = 0
    public internal(set) var validation: CLVValidation? = nil
    /// The work's steps and their seconds, for `set timer on`.
    public internal(set) var phases: [(step: String, seconds: Double)] = []
}

/// The model checked on the orders after the calibration: by repeat purchases in the
/// calibration (0 … 7+), the customers, their mean actual and expected repeat purchases after it;
/// and week by week from the first purchase in the data, the cumulative actual and expected repeat purchases.
public struct CLVValidation: Sendable {
    public let holdoutEnd: Int32
    public let groups: [(label: String, customers: Int, actual: Double, expected: Double)]
    /// From the first purchase in the data to the end, cumulative; the first `calibrationWeeks` are the fit's.
    public let weeks: [(week: Int, actual: Double, expected: Double)]
    public let calibrationWeeks: Int
}

/// The seconds each step of a statement took.
struct Stopwatch {
    private var last = ContinuousClock.now
    private(set) var laps: [(step: String, seconds: Double)] = []

    mutating func lap(_ step: String) {
        let now = ContinuousClock.now, elapsed = now - last
        laps.append((step, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18))
        last = now
    }
}

/// Why a model could not be fitted, in words a person can act on.
public struct CLVFailure: Error, Sendable {
    public let message: String
    public let hints: [String]
}

/// The distinct purchase histories and each customer's among them; and the distinct (x, T)
/// among the histories, on which a customer's expected purchases while alive depend.
struct DistinctHistories {
    let groups: [(key: PurchaseHistory, value: Int)]
    let slot: [Int]
    /// The distinct (repeats, age) pairs, and each group's among them.
    let pairs: [(repeats: Double, age: Double)]
    let pairOf: [Int32]
    /// Each group's t_x and T as whole days, on a grid of days in the model's unit.
    let grid: TimeGrid

    func history(_ row: Int) -> PurchaseHistory? { slot[row] >= 0 ? groups[slot[row]].key : nil }
}

/// Each customer's purchase days up to the end of the data, and what a model needs from them.
struct CustomerDays {
    var first: Int32 = .max, last: Int32 = .min, days = 0, orders = 0
    var firstDaySpend = 0.0, repeatSpend = 0.0
    /// The purchase days after the calibration, and (for a check) the repeat days within it.
    var later: [Int32] = []
    var repeats: [Int32] = []
}

extension Engine {
    /// Fits BG/NBD and Gamma-Gamma to the derivation's orders up to the calibration end, in the
    /// chosen time unit (purchases on the same day are one purchase, as in Fader–Hardie), and adds
    /// p_alive, expected_purchases (over the horizon), expected_spend and clv to the table.
    public static func clv(_ bound: BoundCLV) throws(CLVFailure) -> CLVResult {
        FitInterrupt.isRequested = { Interrupt.requested }
        let spec = bound.customers, orders = spec.orders
        guard case .date(let dates) = orders.columns[spec.date].storage else { throw CLVFailure(message: "the orders have no dates", hints: []) }
        let end = spec.asOf ?? range(of: dates, nulls: orders.columns[spec.date].nulls)?.upperBound ?? 0
        let calibrationEnd = bound.until ?? end
        var clock = Stopwatch()
        let people = customerDays(bound, until: calibrationEnd, end: end, keepRepeats: bound.until != nil)
        let unit = Double(bound.unitDays)
        var known: [PurchaseHistory] = [], spends: [SpendHistory] = []
        for person in people where person.days > 0 {
            let repeats = Double(person.days - 1)
            known.append(PurchaseHistory(repeats: repeats, recency: Double(person.last - person.first) / unit, age: Double(calibrationEnd - person.first) / unit))
            if person.days > 1, person.repeatSpend > 0 { spends.append(SpendHistory(repeats: repeats, meanSpend: person.repeatSpend / repeats)) }
        }
        if Interrupt.requested { throw CLVFailure(message: "cancelled", hints: []) }
        try checkFittable(known, until: calibrationEnd, unit: unit)
        clock.lap("purchase days")
        let distinct = distinctHistories(people, until: calibrationEnd, unit: unit)
        clock.lap("distinct histories")
        let model = PurchaseModel(rawValue: bound.model) ?? .bgnbd
        let purchases = model.fit(groups: distinct.groups, customers: known.count, grid: distinct.grid)
        clock.lap("\(model.title) fit")
        let spend = spends.count >= 2 ? GammaGamma.fit(spends) : nil
        let correlation = pearson(spends.map(\.repeats), spends.map(\.meanSpend))
        clock.lap("Gamma-Gamma fit")
        var result = CLVResult(model: model, table: bound.table, unitDays: bound.unitDays, calibrationEnd: calibrationEnd, purchases: purchases, spend: spend,
                               spendCorrelation: correlation, horizonMonths: bound.horizonMonths, margin: bound.margin, discount: bound.discount,
                               withoutHistory: people.count - known.count)
        for person in people where person.days > 0 {
            result.orders += person.orders
            result.purchaseDays += person.days
            if person.orders > person.days { result.sameDayCustomers += 1 }
        }
        if purchases.converged, bound.until != nil {
            result.validation = validate(model, purchases.parameters, people: people, histories: distinct, from: calibrationEnd, to: end, unit: unit)
            clock.lap("check")
        } else if purchases.converged {
            // Only a spend model that is a fit gives spend and value.
            (result.table, result.added) = scored(bound, model, people: people, histories: distinct, purchases: purchases, spend: spend?.converged == true ? spend : nil)
            clock.lap("scores")
        }
        result.phases = clock.laps
        return result
    }

    /// The data must hold something to learn from: customers, and some who bought again.
    static func checkFittable(_ histories: [PurchaseHistory], until day: Int32, unit: Double) throws(CLVFailure) {
        guard histories.count >= 2 else {
            throw CLVFailure(message: "the model needs customers to learn from; \(histories.count) bought up to \(CalendarDate.isoString(day))",
                             hints: ["derive the customers of a longer order log"])
        }
        guard histories.contains(where: { $0.repeats > 0 }) else {
            throw CLVFailure(message: "none of the \(histories.count) customers bought on a second day up to \(CalendarDate.isoString(day)): the model has no repeat purchases to learn the purchase rate and the dropout from",
                             hints: ["fit on a longer order log, or a later 'until' date"])
        }
        // Whole-day keys hold up to 2²¹ days (5,700 years) in the fit.
        guard histories.allSatisfy({ $0.age * unit < Double(1 << 21) }) else {
            throw CLVFailure(message: "the orders span more than 2,097,151 days up to \(CalendarDate.isoString(day)); the model cannot take so long a history",
                             hints: ["fit on the orders of the last years: clv until DATE, or filter the orders"])
        }
        guard histories.contains(where: { $0.age > 0 }) else {
            throw CLVFailure(message: "every customer first bought on the last day: there is no time to learn from", hints: ["fit on a longer order log"])
        }
    }

    /// The customers' distinct histories, in (x, t_x, T) order, with how many share each; and each
    /// customer's (by row) place among them, -1 for one with no purchase up to `until`. Found by
    /// one sort of whole-day keys, not by hashing.
    static func distinctHistories(_ people: [CustomerDays], until: Int32, unit: Double) -> DistinctHistories {
        // x, t_x and T are whole days below the longest age (under 2²¹, as checked): each in `bits` bits of one key.
        let longest = people.lazy.filter { $0.days > 0 }.map { Int64(until) - Int64($0.first) }.max() ?? 0
        let bits = Int64(64 - UInt64(longest).leadingZeroBitCount), mask = (Int64(1) << bits) - 1
        var keys: [Int64] = [], rows: [Int32] = []
        keys.reserveCapacity(people.count)
        rows.reserveCapacity(people.count)
        for (row, person) in people.enumerated() where person.days > 0 {
            let x = Int64(person.days - 1), recency = Int64(person.last) - Int64(person.first), age = Int64(until) - Int64(person.first)
            keys.append(x << (2 * bits) | recency << bits | age)
            rows.append(Int32(row))
        }
        var slot = Array(repeating: -1, count: people.count)
        var groups: [(key: PurchaseHistory, value: Int)] = [], pairKeys: [Int64] = [], recencies: [Int32] = [], ages: [Int32] = []
        var previous: Int64 = -1
        for index in RadixSort.order(keys) {
            let key = keys[Int(index)]
            if key != previous {
                let (x, recency, age) = (key >> (2 * bits), key >> bits & mask, key & mask)
                groups.append((PurchaseHistory(repeats: Double(x), recency: Double(recency) / unit, age: Double(age) / unit), 0))
                pairKeys.append(x << bits | age)
                recencies.append(Int32(recency))
                ages.append(Int32(age))
                previous = key
            }
            groups[groups.count - 1].value += 1
            slot[Int(rows[Int(index)])] = groups.count - 1
        }
        let grid = TimeGrid(times: (0...longest).map { Double($0) / unit }, recency: recencies, age: ages)
        var pairs: [(repeats: Double, age: Double)] = [], pairOf = [Int32](repeating: 0, count: groups.count)
        previous = -1
        for index in RadixSort.order(pairKeys) {
            let key = pairKeys[Int(index)]
            if key != previous {
                pairs.append((groups[Int(index)].key.repeats, groups[Int(index)].key.age))
                previous = key
            }
            pairOf[Int(index)] = Int32(pairs.count - 1)
        }
        return DistinctHistories(groups: groups, slot: slot, pairs: pairs, pairOf: pairOf, grid: grid)
    }

    /// Each customer of the table (by row) with their purchase days: spend per day summed, days
    /// up to `until` in the calibration, the later ones (up to `end`) kept for the check.
    static func customerDays(_ bound: BoundCLV, until: Int32, end: Int32, keepRepeats: Bool) -> [CustomerDays] {
        let spec = bound.customers, orders = spec.orders, table = bound.table
        let rowOf = customerRows(orders.columns[spec.id], table.columns[0])
        let date = orders.columns[spec.date]
        guard case .date(let dates) = date.storage else { return [] }
        let amount = compile(spec.amount, in: orders).asReal
        // Orders by customer, then day: one sort of (customer << 32 | day), the spend read in file order.
        var keys: [Int64] = [], spends: [Double] = []
        keys.reserveCapacity(orders.rowCount)
        spends.reserveCapacity(orders.rowCount)
        for row in 0..<orders.rowCount {
            if row & 0xFFFF == 0 && Interrupt.requested { return [] }
            guard let customer = rowOf(row), !date.isNull(row), dates[row] <= end else { continue }
            keys.append(Int64(customer) << 32 | Int64(UInt32(bitPattern: dates[row] &+ Int32.min)))
            spends.append(amount(row) ?? 0)
        }
        var people = Array(repeating: CustomerDays(), count: table.rowCount)
        for index in RadixSort.order(keys) {
            let key = keys[Int(index)], customer = Int(key >> 32)
            let day = Int32(bitPattern: UInt32(truncatingIfNeeded: key)) &- Int32.min
            if day > until {
                if people[customer].later.last != day { people[customer].later.append(day) }
                continue
            }
            let spend = spends[Int(index)]
            people[customer].orders += 1
            if people[customer].last != day {
                if people[customer].days == 0 { people[customer].first = day } else if keepRepeats { people[customer].repeats.append(day) }
                people[customer].days += 1
                people[customer].last = day
            }
            if people[customer].days == 1 { people[customer].firstDaySpend += spend } else { people[customer].repeatSpend += spend }
        }
        return people
    }

    /// For each order row, the row of its customer in the customer table (by the id's value).
    static func customerRows(_ orderIds: Column, _ customerIds: Column) -> (Int) -> Int? {
        switch (orderIds.storage, customerIds.storage) {
        case (.integer(let ids), .integer(let keys)):
            // Dense identifiers (the usual case) by an array; others by a dictionary.
            if let low = keys.min(), let high = keys.max(), high.subtractingReportingOverflow(low).overflow == false,
               high - low < Int64(4 * keys.count + 1024) {
                var at = [Int32](repeating: -1, count: Int(high - low) + 1)
                for (row, key) in keys.enumerated() where !customerIds.isNull(row) { at[Int(key - low)] = Int32(row) }
                return { row in
                    guard !orderIds.isNull(row) else { return nil }
                    let id = ids[row]
                    guard id >= low, id <= high, case let found = at[Int(id - low)], found >= 0 else { return nil }
                    return Int(found)
                }
            }
            var at: [Int64: Int] = [:]
            for (row, key) in keys.enumerated() where !customerIds.isNull(row) { at[key] = row }
            return { orderIds.isNull($0) ? nil : at[ids[$0]] }
        case (.text(let codes, let dictionary), .text(let keyCodes, let keyDictionary)):
            var at: [String: Int] = [:]
            for (row, code) in keyCodes.enumerated() where !customerIds.isNull(row) { at[keyDictionary[Int(code)]] = row }
            let rowOfCode = dictionary.map { at[$0] }
            return { orderIds.isNull($0) ? nil : rowOfCode[Int(codes[$0])] }
        default:
            return { _ in nil }
        }
    }

    /// Pearson's correlation; nil with fewer than three pairs or no spread.
    static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        let n = Double(x.count)
        guard x.count >= 3 else { return nil }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }
}
