import PatronAnalysis
import PatronStore

extension Lowered {
    /// `customers from ORDERS by ID [as of DATE] [with …] [only …]`: one row per customer, in
    /// customer order, from the orders with a customer and a date on or before the as-of date
    /// (the latest order date when none is given): exact sums, the average order value rounded
    /// half away from zero at the amount's scale, loyalty as the months with a purchase among the
    /// 12 up to the as-of date, to 4 places, rounded half up. Only the figures the metrics asked
    /// for are gathered.
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
        let (date, asOf) = (Scalar.column(spec.date), asOfDate(spec, orders))
        // Each figure is gathered once, when a metric first needs it.
        var values: [AggregateOutput] = []
        func figure(_ name: String, _ call: AggregateCall) -> Scalar {
            if let k = values.firstIndex(where: { $0.name == name }) { return .column(k + 1) }
            values.append(AggregateOutput(name, call))
            return .column(values.count)
        }
        let first = { figure("patron_first", AggregateCall(.min, date)) }, last = { figure("patron_last", AggregateCall(.max, date)) }
        let count = { figure("patron_orders", AggregateCall(.count)) }, total = { figure("patron_amount", AggregateCall(.sum, amount)) }
        var metrics: [(String, () -> Scalar)] = [
            ("first_purchase", first), ("last_purchase", last), ("recency", { .call(.daysBetween, [last(), asOf], .number(scale: 0)) }),
            ("frequency", count), ("monetary", { .atScale(total(), scale) }), ("aov", { .roundedQuotient(total(), count(), scale: scale) }),
        ]
        if let profit, case .number(let profitScale)? = spec.profit?.type {
            metrics.append(("profit", { .atScale(figure("patron_profit", AggregateCall(.sum, profit)), profitScale) }))
        }
        metrics += [("tenure", { .call(.daysBetween, [first(), asOf], .number(scale: 0)) }),
                    ("loyalty", { .roundedQuotient(figure("patron_months", AggregateCall(.countDistinct, purchaseMonth(date, asOf: asOf))), number(12), scale: 4) })]
        if let channel = spec.channel { metrics.append(("channels", { figure("patron_channels", AggregateCall(.countDistinct, .column(channel))) })) }
        let id = spec.orders.columns[spec.id].name
        var chosen = [Output(id, .column(0))] + metrics.filter { spec.derives($0.0) }.map { Output($0.0, $0.1()) }
        // The analyst's own metrics: their aggregates among the figures, their arithmetic over them.
        func metric(_ value: CustomMetric.Value) throws(PlanError) -> Scalar {
            switch value {
            case .constant(let literal): return .literal(literal)
            case .negate(let inner): return .negate(try metric(inner))
            case .arithmetic(let op, let x, let y): return .arithmetic(op, try metric(x), try metric(y), CustomMetric.valueType(value))
            case .aggregate(let a):
                let argument = try a.argument.map { e throws(PlanError) in try lowering.expression(e) }
                let only = try a.condition.map { e throws(PlanError) in try lowering.expression(e) }
                func call(_ kind: AggregateCall.Kind, _ x: Scalar?, _ filter: Scalar?) -> Scalar {
                    figure("patron_m\(values.count + 1)_\(kind)", AggregateCall(kind, x, filter: filter))
                }
                switch a.kind {
                case .sum: return call(.sum, argument, only)
                case .count: return call(.count, argument, only)
                case .countDistinct: return call(.countDistinct, argument, only)
                case .min: return call(.min, argument, only)
                case .max: return call(.max, argument, only)
                case .avg:
                    guard case .number(let s) = a.argument?.type else { throw PlanError("an average of a value that is not an exact number") }
                    return .roundedQuotient(call(.sum, argument, only), call(.count, argument, only), scale: s)
                case .share: return .roundedQuotient(call(.count, nil, only), call(.count, nil, nil), scale: 4)
                }
            }
        }
        for custom in spec.custom { chosen.append(Output(custom.name, try metric(custom.value))) }
        let perCustomer = Plan.aggregate(.filter(orders, ordersUsed(spec, asOf: asOf)), groups: [Output(id, .column(spec.id))], values: values)
        return .sort(.project(perCustomer, chosen), [SortKey(0)])
    }

    /// What a derivation reports of its orders: the as-of date (`as_of`), the orders (`orders`)
    /// and those used (`used`).
    public static func derivationFacts(_ spec: BoundCustomers) -> Plan {
        let orders = Plan.scan(name: spec.orders.name, schema: Schema(spec.orders))
        let asOf = asOfDate(spec, orders)
        return .aggregate(orders, groups: [], values: [AggregateOutput("as_of", AggregateCall(.constant, asOf)), AggregateOutput("orders", AggregateCall(.count)),
                                                       AggregateOutput("used", AggregateCall(.count, filter: ordersUsed(spec, asOf: asOf)))])
    }

    /// The date recency and loyalty are measured to: the one given, else the latest order date.
    static func asOfDate(_ spec: BoundCustomers, _ orders: Plan) -> Scalar {
        spec.asOf.map { Scalar.literal(.date($0)) } ?? .maximum(orders, spec.date)
    }

    /// The orders a derivation counts: with a customer and a date, on or before the as-of date.
    public static func ordersUsed(_ spec: BoundCustomers, asOf: Scalar) -> Scalar {
        let (id, date) = (Scalar.column(spec.id), Scalar.column(spec.date))
        return .and([.isNull(id, negated: true), .isNull(date, negated: true), .compare(date, .lessOrEqual, asOf)])
    }

    /// An order's month when it falls among the 12 calendar months up to the as-of date's (null
    /// otherwise): distinct ones counted, they are the months with a purchase.
    public static func purchaseMonth(_ date: Scalar, asOf: Scalar) -> Scalar {
        let back = Scalar.arithmetic(.subtract, .monthIndex(asOf), .monthIndex(date), .number(scale: 0))
        return .when([(.and([.compare(back, .greaterOrEqual, number(0)), .compare(back, .lessOrEqual, number(11))]), .monthIndex(date))], otherwise: nil)
    }

    static func number(_ n: Int128) -> Scalar { .literal(.number(n, scale: 0)) }
}
