import PatronAnalysis
import PatronStore

extension Lowered {
    /// `customers from ORDERS by ID [as of DATE] [with …] [only …]`: one row per customer, in
    /// customer order, from the orders with a customer and a date on or before the as-of date
    /// (the latest order date when none is given): exact sums, the average order value rounded
    /// half away from zero at the amount's scale, loyalty as the months with a purchase among the
    /// 12 up to the as-of date, to 4 places, rounded half up.
    public static func customers(_ spec: BoundCustomers) throws(PlanError) -> Plan {
        let orders = Plan.scan(name: spec.orders.name, schema: Schema(spec.orders))
        return try customers(spec, over: orders)
    }

    /// The derivation over `orders` (the orders' table, or a plan with its columns).
    public static func customers(_ spec: BoundCustomers, over orders: Plan) throws(PlanError) -> Plan {
        let lowering = Lowering(orders)
        let amount = try lowering.expression(spec.amount)
        let profit = try spec.profit.map { p throws(PlanError) in try lowering.expression(p) }
        guard case .number(let scale) = spec.amount.type else { throw PlanError("an amount that is not an exact number") }
        let (id, date) = (Scalar.column(spec.id), Scalar.column(spec.date))
        let asOf = spec.asOf.map { Scalar.literal(.date($0)) } ?? .maximum(orders, spec.date)
        func number(_ n: Int128) -> Scalar { .literal(.number(n, scale: 0)) }
        func month(_ day: Scalar) -> Scalar { .monthIndex(day) }
        let back = Scalar.arithmetic(.subtract, month(asOf), month(date), .number(scale: 0))
        let recent = Scalar.when([(.and([.compare(back, .greaterOrEqual, number(0)), .compare(back, .lessOrEqual, number(11))]), month(date))], otherwise: nil)
        let used = Plan.filter(orders, .and([.isNull(id, negated: true), .isNull(date, negated: true), .compare(date, .lessOrEqual, asOf)]))
        var values = [AggregateOutput("patron_first", AggregateCall(.min, date)), AggregateOutput("patron_last", AggregateCall(.max, date)),
                      AggregateOutput("patron_orders", AggregateCall(.count)), AggregateOutput("patron_amount", AggregateCall(.sum, amount)),
                      AggregateOutput("patron_months", AggregateCall(.countDistinct, recent))]
        if let profit { values.append(AggregateOutput("patron_profit", AggregateCall(.sum, profit))) }
        if let channel = spec.channel { values.append(AggregateOutput("patron_channels", AggregateCall(.countDistinct, .column(channel)))) }
        let perCustomer = Plan.aggregate(used, groups: [Output(spec.orders.columns[spec.id].name, id)], values: values)
        let (first, last, count, total, months) = (Scalar.column(1), Scalar.column(2), Scalar.column(3), Scalar.column(4), Scalar.column(5))
        var metrics: [Output] = [
            Output("first_purchase", first), Output("last_purchase", last), Output("recency", .call(.daysBetween, [last, asOf], .number(scale: 0))),
            Output("frequency", count), Output("monetary", .atScale(total, scale)), Output("aov", .roundedQuotient(total, count, scale: scale)),
        ]
        if case .number(let profitScale)? = spec.profit?.type { metrics.append(Output("profit", .atScale(.column(6), profitScale))) }
        metrics += [Output("tenure", .call(.daysBetween, [first, asOf], .number(scale: 0))), Output("loyalty", .roundedQuotient(months, number(12), scale: 4))]
        if spec.channel != nil { metrics.append(Output("channels", .column(values.count))) }
        let chosen = [Output(spec.orders.columns[spec.id].name, .column(0))] + metrics.filter { spec.derives($0.name) }
        return .sort(.project(perCustomer, chosen), [SortKey(0)])
    }
}
