import PatronAnalysis
import PatronStore

extension Lowered {
    /// `transitions`: the customers derived at each date, each labelled by the segmentation, and
    /// counted by pair (`from` null: not yet a customer at the first date), in key order.
    public static func transitions(_ spec: BoundCustomers, from: Int32, to: Int32, by: Segmentation) throws(PlanError) -> Plan {
        func labelled(_ day: Int32) throws(PlanError) -> Plan {
            let dated = BoundCustomers(orders: spec.orders, id: spec.id, date: spec.date, channel: spec.channel, amount: spec.amount, amountText: spec.amountText,
                                       profit: spec.profit, profitText: spec.profitText, asOf: day, name: spec.name)
            return try labels(try customers(dated), by: by)
        }
        let (before, after) = (try labelled(from), try labelled(to))
        // after: id, segment; before: id, segment.
        let pairs = Plan.join(after, before, on: [.init(0, 0)], keepUnmatched: true)
        let counted = Plan.aggregate(pairs, groups: [Output("from", .column(3)), Output("to", .column(1))], values: [AggregateOutput("rows", AggregateCall(.count))])
        return .sort(counted, [SortKey(0), SortKey(1)])
    }

    /// Each customer of `derived` with its segment, as `id` and `segment`; a customer with no
    /// value to place has no row. Rule tables score the customers first, and name them over the scores.
    public static func labels(_ derived: Plan, by: Segmentation) throws(PlanError) -> Plan {
        let columns = FrameworkColumns(derived.schema.emptyTable(named: "customers"))
        let none = Plan.project(.filter(derived, .literal(.boolean(false))), [Output("id", .column(0)), Output("segment", .asText(.literal(.null)))])
        switch by {
        case .matrix:
            guard let p = columns.profit, let l = columns.loyalty else { return none }
            return labels(derived, matrix(derived, p, l, nil, nil))
        case .lifecycle:
            guard let r = columns.recency else { return none }
            return labels(derived, lifecycle(r, columns.tenure, nil, LifecycleStage.standardWindows))
        case .tiers:
            guard let v = columns.profit ?? columns.monetary else { return none }
            return labels(derived, tiers(derived, v))
        case .rules(let table):
            guard let r = columns.recency, let f = columns.frequency, let m = columns.monetary else { return none }
            let scored = rfm(derived, recency: r, frequency: f, monetary: m, bins: table.bins).plan
            let rules: [(name: String, condition: BoundCondition)]
            do { rules = try table.bind(over: scored.schema.emptyTable(named: "customers")) } catch {
                throw PlanError("rule '\(error.source.name)' over the scored customers (\(error.diagnostic.message))", rule: error)
            }
            let named = try ruleSegments(scored, rules: rules)
            let segment = named.schema.fields.count - 1
            return .project(named, [Output("id", .column(0)), Output("segment", .column(segment))])
        }
    }
}
