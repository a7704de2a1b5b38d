import PatronAnalysis
import PatronModels
import PatronStore

extension Engine {
    /// The columns a fit adds, per customer of the table: P(alive), expected purchases over the
    /// horizon, expected spend per purchase and the lifetime value over the horizon (months of 30
    /// days, each month's expected purchases × spend × margin, discounted monthly). Customers with
    /// no purchase in the calibration, or whose values the model cannot give, have nulls.
    static func scored(_ bound: BoundCLV, _ model: PurchaseModel, people: [CustomerDays], histories: DistinctHistories, purchases: ModelFit,
                       spend: ModelFit?) -> (Table, [String]) {
        let p = purchases.parameters, unit = Double(bound.unitDays)
        let months = bound.horizonMonths
        var alive = Values(scale: 4), expected = Values(scale: 4), spending = Values(scale: 2), value = Values(scale: 2)
        // Equal histories have equal purchase figures: each distinct one is worked out once, on every core.
        let distinct = histories.groups.map(\.key), slot = histories.slot
        var paths = [Double](repeating: .nan, count: distinct.count * (months + 1))
        let shared = UncheckedSendable(distinct)
        paths.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(buffer)
            forEachStretch(of: distinct.count) { range in
                let horizons = (0...months).map { Double($0 * 30) / unit }
                for k in range {
                    for (month, value) in model.expectedPurchases(p, shared.value[k], over: horizons).enumerated() {
                        out[k * (months + 1) + month] = value ?? .nan
                    }
                }
            }
        }
        for row in slot.indices {
            guard let history = histories.history(row) else {
                alive.append(nil); expected.append(nil); spending.append(nil); value.append(nil)
                continue
            }
            let base = slot[row] * (months + 1)
            let known = paths[base + months].isFinite && paths[base..<(base + months)].allSatisfy(\.isFinite)
            alive.append(model.probabilityAlive(p, history))
            expected.append(known ? paths[base + months] : nil)
            let person = people[row]
            let perPurchase = spend.flatMap { fit in
                GammaGamma.expectedSpend(fit.parameters, SpendHistory(repeats: history.repeats,
                                                                     meanSpend: history.repeats > 0 ? person.repeatSpend / history.repeats : 0))
            }
            spending.append(perPurchase)
            guard let perPurchase, known else { value.append(nil); continue }
            var total = 0.0, factor = 1.0
            for month in 1...months {
                factor /= 1 + bound.discount
                total += (paths[base + month] - paths[base + month - 1]) * perPurchase * bound.margin * factor
            }
            value.append(total)
        }
        let horizon = "\(months) months"
        var columns = bound.table.columns.filter { !["p_alive", "expected_purchases", "expected_spend", "clv"].contains($0.name) }
        columns.append(alive.column("p_alive", .modelled(.pAlive(model: model.title))))
        columns.append(expected.column("expected_purchases", .modelled(.expectedPurchases(model: model.title, horizon: horizon))))
        columns.append(spending.column("expected_spend", .modelled(.expectedSpend)))
        columns.append(value.column("clv", .modelled(.lifetimeValue(horizon: horizon, margin: bound.margin, discount: bound.discount))))
        let table = Table(name: bound.table.name, columns: columns, rowCount: bound.table.rowCount, origin: bound.table.origin)
        table.checkInvariants()
        return (table, ["p_alive", "expected_purchases", "expected_spend", "clv"])
    }

    /// The model against the orders after the calibration: groups by calibration repeat
    /// purchases (0 … 7+), and week by week the cumulative purchases of the calibration's customers.
    static func validate(_ model: PurchaseModel, _ p: [Double], people: [CustomerDays], histories: DistinctHistories, from start: Int32, to end: Int32,
                         unit: Double) -> CLVValidation {
        let span = Double(end - start) / unit
        var customers = Array(repeating: 0, count: 8), actual = Array(repeating: 0.0, count: 8), expected = Array(repeating: 0.0, count: 8)
        var cache: [Int: Double] = [:]
        for row in histories.slot.indices {
            guard let history = histories.history(row) else { continue }
            let group = min(Int(history.repeats), 7)
            customers[group] += 1
            actual[group] += Double(people[row].later.count)
            let found = cache[histories.slot[row]] ?? (model.expectedPurchases(p, history, over: span) ?? 0)
            cache[histories.slot[row]] = found
            expected[group] += found
        }
        var groups: [(label: String, customers: Int, actual: Double, expected: Double)] = []
        for k in 0..<8 {
            let n = Double(max(customers[k], 1))
            groups.append((label: k == 7 ? "7+" : String(k), customers: customers[k], actual: actual[k] / n, expected: expected[k] / n))
        }
        let (weeks, calibrationWeeks) = tracking(model, p, people: people, until: start, end: end, unit: unit)
        return CLVValidation(holdoutEnd: end, groups: groups, weeks: weeks, calibrationWeeks: calibrationWeeks)
    }

    /// The tracking plot of the literature: week by week from the first purchase in the data to
    /// the end, the cumulative repeat purchases of the calibration's customers against the model's
    /// Σ E[X(t − first purchase)] (each customer's expected repeat purchases since their first).
    static func tracking(_ model: PurchaseModel, _ p: [Double], people: [CustomerDays], until: Int32, end: Int32,
                         unit: Double) -> (weeks: [(week: Int, actual: Double, expected: Double)], calibrationWeeks: Int) {
        let known = people.filter { $0.days > 0 }
        guard let origin = known.map(\.first).min() else { return ([], 0) }
        let count = max(1, (Int(end - origin) + 7) / 7)
        var actual = Array(repeating: 0.0, count: count)
        for person in known { for day in person.repeats + person.later { actual[min(count - 1, Int(day - origin) / 7)] += 1 } }
        for week in 1..<count { actual[week] += actual[week - 1] }
        // Customers who first bought on the same day have the same expectation.
        let firsts = Dictionary(known.map { ($0.first, 1) }, uniquingKeysWith: +).sorted { $0.key < $1.key }
        let weeks = (0..<count).map { week -> (week: Int, actual: Double, expected: Double) in
            let last = min(end, origin + Int32(7 * week + 6))
            let expected = firsts.reduce(0.0) { sum, first in
                guard first.key <= last else { return sum }
                return sum + Double(first.value) * (model.expectedPurchases(p, newCustomerOver: Double(last - first.key) / unit) ?? 0)
            }
            return (week + 1, actual[week], expected)
        }
        return (weeks, (Int(until - origin) + 7) / 7)
    }
}

/// A decimal column being filled from reals, rounded half away from zero at `scale` places.
struct Values {
    let scale: Int
    var mantissas: [Int64] = []
    var nulls = NullBitmap()

    init(scale: Int) { self.scale = scale }

    mutating func append(_ value: Double?) {
        let scaled = value.map { ($0 * powerOfTen(scale)).rounded(.toNearestOrAwayFromZero) }
        guard let scaled, scaled.isFinite, abs(scaled) < 9e18 else {
            mantissas.append(0)
            nulls.append(isNull: true)
            return
        }
        mantissas.append(Int64(scaled))
        nulls.append(isNull: false)
    }

    func column(_ name: String, _ evidence: Derivation) -> Column {
        Column(name: name, storage: .decimal(mantissas, scale: scale), nulls: nulls, evidence: .derived(evidence))
    }
}
