import PatronAnalysis
import PatronStore

/// The economics of retention on the user's own orders: this year's retention, new customers and
/// money per customer, projected year by year as they are and with retention a few points higher.
public struct RetentionProjection: Sendable {
    public let orders: String
    public let asOf: Int32
    public let points: Double
    /// Customers who bought in the 12 months before the last 12, and those of them who bought again in the last 12.
    public let previousCustomers: Int
    public let retained: Int
    /// Customers whose first order fell in the last 12 months.
    public let newCustomers: Int
    /// Customers who bought in the last 12 months, and their revenue and profit then.
    public let activeCustomers: Int
    public let revenue: Double
    public let profit: Double?
    public let hasProfit: Bool
    /// Year by year (1 … Y): customers, revenue and profit as things are, then with the change.
    public let years: [(customers: Double, revenue: Double, profit: Double, customersWith: Double, revenueWith: Double, profitWith: Double)]

    public var retention: Double { previousCustomers > 0 ? Double(retained) / Double(previousCustomers) : 0 }
    public var improved: Double { min(0.99, retention + points / 100) }
}

/// Why a projection cannot be made.
public struct ProjectionFailure: Error, Sendable {
    public let message: String
    public let hints: [String]
}

extension Engine {
    /// Yearly retention = customers of the 12 months before the last 12 who bought again in the
    /// last 12, over all of them; each year's customers = last year's × retention + this year's
    /// new customers; revenue and profit = customers × the last 12 months' revenue and profit per
    /// active customer. The same again with retention N points higher.
    public static func whatIf(_ spec: BoundCustomers, points: Double, years: Int) throws(ProjectionFailure) -> RetentionProjection {
        let orders = spec.orders
        let dateColumn = orders.columns[spec.date]
        guard case .date(let dates) = dateColumn.storage, let span = range(of: dates, nulls: dateColumn.nulls) else {
            throw ProjectionFailure(message: "the orders have no dates", hints: [])
        }
        let asOf = spec.asOf ?? span.upperBound
        let yearStart = asOf - 364, previousStart = asOf - 729
        guard span.lowerBound <= previousStart else {
            throw ProjectionFailure(message: "a yearly retention needs two years of orders; these run from \(CalendarDate.isoString(span.lowerBound)) to \(CalendarDate.isoString(asOf))",
                                    hints: ["derive the customers of a longer order log"])
        }
        let (customerCount, customerOf) = customerNumbers(orders.columns[spec.id])
        let amount = compile(spec.amount, in: orders).asReal
        let profit = spec.profit.map { compile($0, in: orders).asReal }
        // Per customer: the first order's day, and whether they bought in each of the two years.
        var first = [Int32](repeating: .max, count: customerCount)
        var previous = [Bool](repeating: false, count: customerCount), current = previous
        var revenue = 0.0, earned = 0.0
        for row in 0..<orders.rowCount {
            guard let c = customerOf(row), !dateColumn.isNull(row), dates[row] <= asOf else { continue }
            let day = dates[row]
            first[c] = min(first[c], day)
            if day >= yearStart {
                current[c] = true
                revenue += amount(row) ?? 0
                earned += profit?(row) ?? 0
            } else if day >= previousStart {
                previous[c] = true
            }
        }
        let previousCount = previous.filter { $0 }.count, currentCount = current.filter { $0 }.count
        let retained = zip(previous, current).filter { $0 && $1 }.count
        let newCustomers = first.filter { $0 >= yearStart && $0 != .max }.count
        guard previousCount > 0, currentCount > 0 else {
            throw ProjectionFailure(message: "no customer bought in \(previousCount == 0 ? "the 12 months before the last 12" : "the last 12 months") to \(CalendarDate.isoString(asOf))",
                                    hints: ["derive the customers as of a date with orders in the two years before it"])
        }
        let perRevenue = revenue / Double(currentCount), perProfit = earned / Double(currentCount)
        let rate = Double(retained) / Double(previousCount), better = min(0.99, rate + points / 100)
        var now = Double(currentCount), with = now
        var rows: [(Double, Double, Double, Double, Double, Double)] = []
        for _ in 1...years {
            now = now * rate + Double(newCustomers)
            with = with * better + Double(newCustomers)
            rows.append((now, now * perRevenue, now * perProfit, with, with * perRevenue, with * perProfit))
        }
        return RetentionProjection(orders: orders.name, asOf: asOf, points: points, previousCustomers: previousCount, retained: retained,
                                   newCustomers: newCustomers, activeCustomers: currentCount, revenue: revenue, profit: profit == nil ? nil : earned,
                                   hasProfit: profit != nil, years: rows.map { (customers: $0.0, revenue: $0.1, profit: $0.2, customersWith: $0.3, revenueWith: $0.4, profitWith: $0.5) })
    }
}
