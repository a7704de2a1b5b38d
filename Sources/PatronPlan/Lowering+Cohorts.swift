import PatronAnalysis
import PatronStore

extension Lowered {
    /// The names of a cohort answer's rows (`kind`): a cell (a cohort's value in a period since
    /// its first), a cohort's customers, the customers left out (first bought before the periods
    /// followed), and the as-of date (in `value`, as days from 1970-01-01).
    public static let cohortKinds = (cell: "cell", size: "size", leftOut: "left_out", asOf: "as_of")

    /// `cohorts by PERIOD [of MEASURE]`: the orders a derivation uses, each customer's first
    /// period, and per cohort (`cohort`, a period number) and period since (`since`): how many
    /// customers bought, or the exact sum of their amount or profit. Periods are numbered as
    /// memory numbers them: weeks from Monday 1970-01-05, months and quarters from year 0. One
    /// statement: rows of (`kind`, `cohort`, `since`, `value`), `value` at the measure's scale.
    public static func cohorts(_ spec: BoundCustomers, period: CohortPeriod, measure: CohortMeasure) throws(PlanError) -> Plan {
        let orders = Plan.scan(name: spec.orders.name, schema: Schema(spec.orders))
        let asOf = asOfDate(spec, orders)
        let lowering = Lowering(orders)
        var value = Scalar.literal(.number(1, scale: 0)), scale = 0
        switch measure {
        case .customers: break
        case .revenue:
            guard case .number(let s) = spec.amount.type else { throw PlanError("an amount that is not an exact number") }
            (value, scale) = (try lowering.expression(spec.amount), s)
        case .profit:
            if let profit = spec.profit, case .number(let s) = profit.type { (value, scale) = (try lowering.expression(profit), s) } else { value = number(0) }
        }
        // p: id, period, value — the orders used.
        let p = Plan.project(.filter(orders, ordersUsed(spec, asOf: asOf)),
                             [Output("id", .column(spec.id)), Output("period", periodIndex(.column(spec.date), period)), Output("value", value)])
        let firsts = Plan.aggregate(p, groups: [Output("id", .column(0))], values: [AggregateOutput("first", AggregateCall(.min, .column(1)))])
        let horizon = Scalar.arithmetic(.subtract, periodIndex(asOf, period), number(Int128(period.limit - 1)), .number(scale: 0))
        let followed = Plan.filter(firsts, .compare(.column(1), .greaterOrEqual, horizon))
        // joined: id, period, value, id, first.
        let joined = Plan.join(p, followed, on: [.init(0, 0)], keepUnmatched: false)
        let since = Scalar.arithmetic(.subtract, .column(1), .column(4), .number(scale: 0))
        let cells = Plan.aggregate(joined, groups: [Output("cohort", .column(4)), Output("since", since)],
                                   values: [measure == .customers ? AggregateOutput("value", AggregateCall(.countDistinct, .column(0)))
                                                                  : AggregateOutput("value", AggregateCall(.sum, .column(2)))])
        func row(_ input: Plan, _ kind: String, _ cohort: Scalar, _ since: Scalar, _ value: Scalar) -> Plan {
            .project(input, [Output("kind", .literal(.text(kind))), Output("cohort", cohort), Output("since", since), Output("value", .atScale(value, scale))])
        }
        let count = [AggregateOutput("n", AggregateCall(.count))]
        return .union([
            row(cells, cohortKinds.cell, .column(0), .column(1), .column(2)),
            row(.aggregate(followed, groups: [Output("cohort", .column(1))], values: count), cohortKinds.size, .column(0), number(0), .column(1)),
            row(.aggregate(.filter(firsts, .compare(.column(1), .less, horizon)), groups: [], values: count), cohortKinds.leftOut, number(0), number(0), .column(0)),
            row(.aggregate(orders, groups: [], values: [AggregateOutput("as_of", AggregateCall(.constant, asOf))]), cohortKinds.asOf, number(0), number(0),
                .call(.daysBetween, [.literal(.date(0)), .column(0)], .number(scale: 0))),
        ])
    }

    /// A date's period number: weeks from Monday 1970-01-05 (floored), months and quarters from year 0.
    static func periodIndex(_ day: Scalar, _ period: CohortPeriod) -> Scalar {
        let months = Scalar.arithmetic(.subtract, .monthIndex(day), number(1), .number(scale: 0))
        switch period {
        case .month: return months
        case .quarter: return .quotient(months, number(3))
        case .week:
            // Shifted by a million weeks so the whole-number division floors before 1970 too.
            let days = Scalar.call(.daysBetween, [.literal(.date(4)), day], .number(scale: 0))
            let shifted = Scalar.arithmetic(.add, days, number(7_000_000), .number(scale: 0))
            return .arithmetic(.subtract, .quotient(shifted, number(7)), number(1_000_000), .number(scale: 0))
        }
    }
}
