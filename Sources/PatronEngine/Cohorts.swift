import PatronAnalysis
import PatronPlan
import PatronStore

/// First-purchase cohorts followed period by period.
public struct CohortResult: Sendable {
    public let orders: String
    public let period: CohortPeriod
    public let measure: CohortMeasure
    public let asOf: Int32
    /// Whether the period holding the as-of date is over (else its cells are partial).
    public let lastPeriodComplete: Bool
    public let cohorts: [Cohort]
    /// Customers whose first purchase came before the periods the table follows (it follows at
    /// most `CohortPeriod.limit` periods back from the as-of date), left out of it.
    public var leftOut = 0

    /// One cohort: its first period's label, its customers, and per period since (0, 1, …, up to
    /// the as-of date) the customers who bought, or the revenue or profit.
    public struct Cohort: Sendable {
        public let label: String
        public let customers: Int
        public let values: [Double]
    }
}

extension CohortPeriod {
    /// The period number of a day: weeks from Monday 1970-01-05, months and quarters from year 0.
    func index(_ day: Int32) -> Int {
        switch self {
        case .week:
            let days = Int(day) - 4
            return days >= 0 ? days / 7 : -((6 - days) / 7)
        case .month:
            let (y, m, _) = CalendarDate.civil(day)
            return y * 12 + m - 1
        case .quarter:
            let (y, m, _) = CalendarDate.civil(day)
            return y * 4 + (m - 1) / 3
        }
    }

    /// The first day of period number `n`.
    func start(_ n: Int) -> Int32 {
        switch self {
        case .week: return Int32(clamping: n * 7 + 4)
        case .month: return CalendarDate.dayNumber(year: n / 12, month: n % 12 + 1, day: 1) ?? 0
        case .quarter: return CalendarDate.dayNumber(year: n / 4, month: (n % 4) * 3 + 1, day: 1) ?? 0
        }
    }

    /// How a period is named: `2024-03`, `2024-Q1`, or a week by its Monday.
    func label(_ n: Int) -> String {
        switch self {
        case .week: return CalendarDate.isoString(start(n))
        case .month: return String(format: "%04d-%02d", n / 12, n % 12 + 1)
        case .quarter: return "\(n / 4)-Q\(n % 4 + 1)"
        }
    }
}

extension Engine {
    /// The derivation's customers by the period of their first order (up to the as-of date), and
    /// per period since: how many bought, or their revenue or profit.
    public static func cohorts(_ spec: BoundCustomers, period: CohortPeriod, measure: CohortMeasure) -> CohortResult {
        let orders = spec.orders
        let dateColumn = orders.columns[spec.date], idColumn = orders.columns[spec.id]
        guard case .date(let dates) = dateColumn.storage else {
            return CohortResult(orders: orders.name, period: period, measure: measure, asOf: 0, lastPeriodComplete: true, cohorts: [])
        }
        let asOf = spec.asOf ?? range(of: dates, nulls: dateColumn.nulls)?.upperBound ?? 0
        let last = period.index(asOf)
        // Exact sums at the measure's scale (a customer counts 1), turned into reals at the end; a
        // real measure (a profit defined with ÷) summed as reals.
        let (value, real, scale): ((Int) -> Int64?, ((Int) -> Double?)?, Int) = {
            let measured: BoundExpression?
            switch measure {
            case .customers: return ({ _ in 1 }, nil, 0)
            case .revenue: measured = spec.amount
            case .profit: measured = spec.profit
            }
            guard let measured else { return ({ _ in nil }, nil, 0) }
            let compiled = compile(measured, in: orders)
            guard case .number(_, let scale) = compiled else { return ({ _ in nil }, compiled.asReal, 0) }
            return (compiled.asNumber(scale: scale), nil, scale)
        }()
        // Each order's customer (a dense number) and period, then each customer's first period.
        let (customerCount, customerOf) = customerNumbers(idColumn)
        var customer = [Int32](repeating: -1, count: orders.rowCount), periodOf = [Int32](repeating: 0, count: orders.rowCount)
        var first = [Int](repeating: .max, count: customerCount)
        for row in 0..<orders.rowCount {
            guard let c = customerOf(row), !dateColumn.isNull(row), dates[row] <= asOf else { continue }
            let p = period.index(dates[row])
            (customer[row], periodOf[row]) = (Int32(c), Int32(p))
            first[c] = min(first[c], p)
        }
        // Customers who first bought before the periods followed are left out, with their orders.
        let horizon = last - period.limit + 1
        var leftOut = 0
        for c in first.indices where first[c] != .max && first[c] < horizon {
            first[c] = .max
            leftOut += 1
        }
        for row in 0..<orders.rowCount where customer[row] >= 0 && first[Int(customer[row])] == .max { customer[row] = -1 }
        let buyers = first.filter { $0 != .max }
        guard let earliest = buyers.min() else {
            var empty = CohortResult(orders: orders.name, period: period, measure: measure, asOf: asOf, lastPeriodComplete: true, cohorts: [])
            empty.leftOut = leftOut
            return empty
        }
        let count = last - earliest + 1
        var sizes = Array(repeating: 0, count: count)
        for p in buyers { sizes[p - earliest] += 1 }
        var totals = (0..<count).map { Array(repeating: Int128(0), count: count - $0) }
        var reals = (0..<count).map { Array(repeating: 0.0, count: real == nil ? 0 : count - $0) }
        // A customer counts once in a period, however many orders they placed: a bit per customer and period.
        let words = (count + 63) / 64
        var seen = [UInt64](repeating: 0, count: measure == .customers ? customerCount * words : 0)
        for row in 0..<orders.rowCount where customer[row] >= 0 {
            let c = Int(customer[row]), start = first[c], since = Int(periodOf[row]) - start
            if measure == .customers {
                let bit = c * words + (since >> 6), mask = UInt64(1) << UInt64(since & 63)
                guard seen[bit] & mask == 0 else { continue }
                seen[bit] |= mask
            }
            if let real { reals[start - earliest][since] += real(row) ?? 0 } else { totals[start - earliest][since] += Int128(value(row) ?? 0) }
        }
        let complete = asOf + 1 >= period.start(last + 1)
        let cohorts = (0..<count).filter { sizes[$0] > 0 }.map { c in
            CohortResult.Cohort(label: period.label(earliest + c), customers: sizes[c], values: real == nil ? totals[c].map { Double($0) / powerOfTen(scale) } : reals[c])
        }
        var result = CohortResult(orders: orders.name, period: period, measure: measure, asOf: asOf, lastPeriodComplete: complete, cohorts: cohorts)
        result.leftOut = leftOut
        return result
    }
}

extension Engine {
    /// Cohorts from their plan (`Lowered.cohorts`), answered by a runner (a server): the
    /// cells, each cohort's customers, those left out and the as-of date, laid out as memory
    /// lays them out (every period since each cohort's first, up to the as-of date).
    public static func cohorts(_ spec: BoundCustomers, period: CohortPeriod, measure: CohortMeasure, on runner: some PlanRunner) throws -> CohortResult {
        let answer = try runner.answer(try Lowered.cohorts(spec, period: period, measure: measure))
        let kinds = Lowered.cohortKinds
        var asOf = spec.asOf ?? 0, leftOut = 0, sizes: [Int: Int] = [:], cells: [Int: [Int: Double]] = [:]
        for row in answer.rows.indices {
            guard case .text(let kind) = answer.value("kind", row: row) else { continue }
            let cohort = answer.integer("cohort", row: row) ?? 0, since = answer.integer("since", row: row) ?? 0
            // Counts and the date come at the measure's scale, as whole numbers.
            let value = answer.real("value", row: row), whole = answer.exact("value", row: row).flatMap { Int(exactly: $0.mantissa / Int128(integerPowerOfTen($0.scale))) }
            switch kind {
            case kinds.cell: cells[cohort, default: [:]][since] = value ?? 0
            case kinds.size: sizes[cohort] = whole ?? 0
            case kinds.leftOut: leftOut = whole ?? 0
            case kinds.asOf: if let day = whole.flatMap({ Int32(exactly: $0) }) { asOf = day }
            default: continue
            }
        }
        let last = period.index(asOf)
        var result = CohortResult(orders: spec.orders.name, period: period, measure: measure, asOf: asOf, lastPeriodComplete: asOf + 1 >= period.start(last + 1),
                                  cohorts: sizes.keys.sorted().filter { $0 <= last }.map { first in
                                      CohortResult.Cohort(label: period.label(first), customers: sizes[first] ?? 0,
                                                          values: (0...(last - first)).map { cells[first]?[$0] ?? 0 })
                                  })
        if result.cohorts.isEmpty { result = CohortResult(orders: spec.orders.name, period: period, measure: measure, asOf: asOf, lastPeriodComplete: true, cohorts: []) }
        result.leftOut = leftOut
        return result
    }

    /// Each order's customer as a number from 0: dense whole-number identifiers by their
    /// distance from the smallest, text by its dictionary code, others numbered as they come.
    static func customerNumbers(_ ids: Column) -> (count: Int, of: (Int) -> Int?) {
        switch ids.storage {
        case .integer(let values):
            if let span = range(of: values, nulls: ids.nulls), span.upperBound.subtractingReportingOverflow(span.lowerBound).overflow == false,
               span.upperBound - span.lowerBound < Int64(4 * values.count + 1024) {
                let low = span.lowerBound
                return (Int(span.upperBound - low) + 1, { ids.isNull($0) ? nil : Int(values[$0] - low) })
            }
            var number: [Int64: Int] = [:]
            for (row, v) in values.enumerated() where !ids.isNull(row) && number[v] == nil { number[v] = number.count }
            return (number.count, { ids.isNull($0) ? nil : number[values[$0]] })
        case .text(let codes, let dictionary):
            return (dictionary.count, { ids.isNull($0) ? nil : Int(codes[$0]) })
        default:
            let key = groupKey(ids)
            var number: [Int64: Int] = [:]
            for row in 0..<ids.count { if let k = key(row), number[k] == nil { number[k] = number.count } }
            return (number.count, { key($0).flatMap { number[$0] } })
        }
    }
}
