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
        let p = purchases.parameters
        let (alive, whileAlive) = modelFigures(model, p, histories: histories, bound: bound)
        // Per customer row: P(alive), expected purchases, expected spend, value; NaN for none.
        var figures = [Double](repeating: .nan, count: 4 * histories.slot.count)
        let shared = UncheckedSendable((histories, people, alive, whileAlive))
        figures.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(buffer)
            forEachStretch(of: histories.slot.count) { rows in
                let (histories, people, alive, whileAlive) = shared.value
                for row in rows {
                    let group = histories.slot[row]
                    guard group >= 0, let chance = alive[group] else { continue }
                    let history = histories.groups[group].key, (purchases, discounted) = whileAlive[Int(histories.pairOf[group])]
                    out[4 * row] = chance
                    if let purchases { out[4 * row + 1] = purchases * chance }
                    let mean = history.repeats > 0 ? people[row].repeatSpend / history.repeats : 0
                    guard let fit = spend, let perPurchase = GammaGamma.expectedSpend(fit.parameters, SpendHistory(repeats: history.repeats, meanSpend: mean)) else { continue }
                    out[4 * row + 2] = perPurchase
                    if let discounted { out[4 * row + 3] = chance * discounted * perPurchase * bound.margin }
                }
            }
        }
        return withScores(bound, model) { row, place in figures[4 * row + place] }
    }

    /// The columns `clv` adds, in order.
    static let scoreNames = ["p_alive", "expected_purchases", "expected_spend", "clv"]

    /// The customer table with the four score columns (replacing any of an earlier fit), each
    /// row's value from `figure(row, place)` (NaN for none).
    static func withScores(_ bound: BoundCLV, _ model: PurchaseModel, figure: (Int, Int) -> Double) -> (Table, [String]) {
        let horizon = "\(bound.horizonMonths) months"
        var columns = bound.table.columns.filter { !scoreNames.contains($0.name) }
        let evidence: [(Int, ModelledFigure)] = [
            (4, .pAlive(model: model.title)), (4, .expectedPurchases(model: model.title, horizon: horizon)),
            (2, .expectedSpend), (2, .lifetimeValue(horizon: horizon, margin: bound.margin, discount: bound.discount)),
        ]
        for (place, (scale, modelled)) in evidence.enumerated() {
            columns.append(decimalColumn(scoreNames[place], scale: scale, .modelled(modelled), count: bound.table.rowCount) { figure($0, place) })
        }
        let table = Table(name: bound.table.name, columns: columns, rowCount: bound.table.rowCount, origin: bound.table.origin)
        table.checkInvariants()
        return (table, scoreNames)
    }

    /// What `clv` would do to the catalog, without fitting (`--check`): the score columns, all
    /// null, when it scores (not when it only checks the model with `until`).
    public static func clvShape(_ bound: BoundCLV) -> [CatalogChange] {
        guard bound.until == nil else { return [] }
        return [.shape(withScores(bound, PurchaseModel(rawValue: bound.model) ?? .bgnbd) { _, _ in .nan }.0)]
    }

    /// The model's figures, each worked out once where customers share them, on every core:
    /// P(alive) per distinct history; per distinct (x, T), the purchases expected over the horizon
    /// while alive and the months' purchases discounted (months of 30 days, monthly discount), so
    /// a customer's expected purchases and value are these times their P(alive).
    static func modelFigures(_ model: PurchaseModel, _ p: [Double], histories: DistinctHistories,
                             bound: BoundCLV) -> (alive: [Double?], whileAlive: [(purchases: Double?, discounted: Double?)]) {
        let months = bound.horizonMonths, unit = Double(bound.unitDays), discount = bound.discount
        let groups = UncheckedSendable(histories.groups), pairs = UncheckedSendable(histories.pairs)
        var alive = [Double](repeating: .nan, count: groups.value.count)
        alive.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(buffer)
            forEachStretch(of: groups.value.count) { range in for k in range { out[k] = model.probabilityAlive(p, groups.value[k].key) ?? .nan } }
        }
        var figures = [Double](repeating: .nan, count: 2 * pairs.value.count)
        figures.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(buffer)
            forEachStretch(of: pairs.value.count) { range in
                let horizons = (0...months).map { Double($0 * 30) / unit }
                for k in range {
                    let figures = model.expectedWhileAlive(p, repeats: pairs.value[k].repeats, age: pairs.value[k].age, over: horizons)
                    let path = figures.compactMap { $0 }
                    guard path.count == figures.count, let last = path.last else { continue }
                    var total = 0.0, factor = 1.0
                    for month in path.indices.dropFirst() {
                        factor /= 1 + discount
                        total += (path[month] - path[month - 1]) * factor
                    }
                    out[2 * k] = last
                    out[2 * k + 1] = total
                }
            }
        }
        func known(_ value: Double) -> Double? { value.isFinite ? value : nil }
        return (alive.map(known), (0..<pairs.value.count).map { (known(figures[2 * $0]), known(figures[2 * $0 + 1])) })
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

/// A decimal column of `count` reals, rounded half away from zero at `scale` places; a value that
/// is not finite (or too large for the column) is null.
func decimalColumn(_ name: String, scale: Int, _ evidence: Derivation, count: Int, _ value: (Int) -> Double) -> Column {
    var mantissas = [Int64](repeating: 0, count: count), nulls = NullBitmap()
    let factor = powerOfTen(scale)
    for row in 0..<count {
        let scaled = (value(row) * factor).rounded(.toNearestOrAwayFromZero)
        let known = scaled.isFinite && abs(scaled) < 9e18
        if known { mantissas[row] = Int64(scaled) }
        nulls.append(isNull: !known)
    }
    return Column(name: name, storage: .decimal(mantissas, scale: scale), nulls: nulls, evidence: .derived(evidence))
}
