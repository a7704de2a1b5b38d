import PatronAnalysis
import PatronModels
import PatronStore

/// What `clv` found: the fitted purchase (BG/NBD) and spend (Gamma-Gamma) models, the table with
/// the per-customer columns added, and, with `until`, how the model did on the orders after it.
public struct CLVResult: Sendable {
    public let model: PurchaseModel
    public let table: Table
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
    public let added: [String]
    /// Customers of the table with no purchase up to the calibration end (left out of the fit).
    public let withoutHistory: Int
    public let validation: CLVValidation?
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

/// Why a model could not be fitted, in words a person can act on.
public struct CLVFailure: Error, Sendable {
    public let message: String
    public let hints: [String]
}

/// The distinct purchase histories and each customer's among them.
struct DistinctHistories {
    let groups: [(key: PurchaseHistory, value: Int)]
    let slot: [Int]

    func history(_ row: Int) -> PurchaseHistory? { slot[row] >= 0 ? groups[slot[row]].key : nil }
}

/// Each customer's purchase days up to the end of the data, and what a model needs from them.
struct CustomerDays {
    var first: Int32 = .max, last: Int32 = .min, days = 0
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
        let spec = bound.customers, orders = spec.orders
        guard case .date(let dates) = orders.columns[spec.date].storage else { throw CLVFailure(message: "the orders have no dates", hints: []) }
        let end = spec.asOf ?? range(of: dates, nulls: orders.columns[spec.date].nulls)?.upperBound ?? 0
        let calibrationEnd = bound.until ?? end
        let people = customerDays(bound, until: calibrationEnd, end: end, keepRepeats: bound.until != nil)
        let unit = Double(bound.unitDays)
        var histories: [PurchaseHistory?] = [], spends: [SpendHistory] = []
        for person in people {
            guard person.days > 0 else { histories.append(nil); continue }
            let repeats = Double(person.days - 1)
            histories.append(PurchaseHistory(repeats: repeats, recency: Double(person.last - person.first) / unit, age: Double(calibrationEnd - person.first) / unit))
            if person.days > 1, person.repeatSpend > 0 { spends.append(SpendHistory(repeats: repeats, meanSpend: person.repeatSpend / repeats)) }
        }
        let known = histories.compactMap { $0 }
        try checkFittable(known, until: calibrationEnd)
        let distinct = distinctHistories(people, until: calibrationEnd, unit: unit)
        let model = PurchaseModel(rawValue: bound.model) ?? .bgnbd
        let purchases = model.fit(groups: distinct.groups, customers: known.count)
        let spend = spends.count >= 2 ? GammaGamma.fit(spends) : nil
        // Only a spend model that is a fit gives spend and value.
        let correlation = pearson(spends.map(\.repeats), spends.map(\.meanSpend))
        var result = CLVResult(model: model, table: bound.table, unitDays: bound.unitDays, calibrationEnd: calibrationEnd, purchases: purchases, spend: spend,
                               spendCorrelation: correlation, horizonMonths: bound.horizonMonths, margin: bound.margin, discount: bound.discount,
                               added: [], withoutHistory: histories.count - known.count, validation: nil)
        guard purchases.converged else { return result }
        if bound.until != nil {
            let validation = validate(model, purchases.parameters, people: people, histories: distinct, from: calibrationEnd, to: end, unit: unit)
            result = CLVResult(model: model, table: result.table, unitDays: result.unitDays, calibrationEnd: calibrationEnd, purchases: purchases, spend: spend,
                               spendCorrelation: correlation, horizonMonths: bound.horizonMonths, margin: bound.margin, discount: bound.discount,
                               added: [], withoutHistory: result.withoutHistory, validation: validation)
            return result
        }
        let (table, added) = scored(bound, model, people: people, histories: distinct, purchases: purchases, spend: spend?.converged == true ? spend : nil)
        return CLVResult(model: model, table: table, unitDays: bound.unitDays, calibrationEnd: calibrationEnd, purchases: purchases, spend: spend,
                         spendCorrelation: correlation, horizonMonths: bound.horizonMonths, margin: bound.margin, discount: bound.discount,
                         added: added, withoutHistory: result.withoutHistory, validation: nil)
    }

    /// The data must hold something to learn from: customers, and some who bought again.
    static func checkFittable(_ histories: [PurchaseHistory], until day: Int32) throws(CLVFailure) {
        guard histories.count >= 2 else {
            throw CLVFailure(message: "the model needs customers to learn from; \(histories.count) bought up to \(CalendarDate.isoString(day))",
                             hints: ["derive the customers of a longer order log"])
        }
        guard histories.contains(where: { $0.repeats > 0 }) else {
            throw CLVFailure(message: "none of the \(histories.count) customers bought on a second day up to \(CalendarDate.isoString(day)): the model has no repeat purchases to learn the purchase rate and the dropout from",
                             hints: ["fit on a longer order log, or a later 'until' date"])
        }
        guard histories.contains(where: { $0.age > 0 }) else {
            throw CLVFailure(message: "every customer first bought on the last day: there is no time to learn from", hints: ["fit on a longer order log"])
        }
    }

    /// The customers' distinct histories, in (x, t_x, T) order, with how many share each; and each
    /// customer's (by row) place among them, -1 for one with no purchase up to `until`. Found by
    /// one sort of whole-day keys, not by hashing.
    static func distinctHistories(_ people: [CustomerDays], until: Int32, unit: Double) -> DistinctHistories {
        var keys: [Int64] = [], rows: [Int] = []
        for (row, person) in people.enumerated() where person.days > 0 {
            let x = Int64(person.days - 1), recency = Int64(person.last - person.first), age = Int64(until - person.first)
            keys.append(x << 42 | recency << 21 | age)
            rows.append(row)
        }
        var slot = Array(repeating: -1, count: people.count)
        var groups: [(key: PurchaseHistory, value: Int)] = []
        var previous: Int64 = -1
        for index in RadixSort.order(keys) {
            let key = keys[Int(index)]
            if key != previous {
                let person = people[rows[Int(index)]]
                groups.append((PurchaseHistory(repeats: Double(person.days - 1), recency: Double(person.last - person.first) / unit,
                                               age: Double(until - person.first) / unit), 0))
                previous = key
            }
            groups[groups.count - 1].value += 1
            slot[rows[Int(index)]] = groups.count - 1
        }
        return DistinctHistories(groups: groups, slot: slot)
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
