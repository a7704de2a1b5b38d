import PatronAnalysis
import PatronStore
import PatronSyntax

/// A framework as its parts: the rows it places, the label each gets, the value summed.
public struct Segmenting: Sendable {
    /// The rows that have a place (the others are left out).
    public let scope: Scalar
    /// Each row's segment.
    public let label: Scalar
    /// What is summed per segment (nil: nothing).
    public let value: Scalar?
    /// The segments in the order patron lists them.
    public let order: [Label]
}

extension Lowered {
    /// A framework statement's segmenting of its table's rows: the 2×2 matrix, value tiers, lifecycle stages.
    /// The table's scan comes with it: what the segmenting reads.
    public static func segmenting(_ statement: BoundStatement) throws(PlanError) -> (Plan, Segmenting) {
        func scan(_ table: Table) -> Plan { .table(table) }
        switch statement {
        case .matrix(let table, let first, let second, let cuts, let profit): return (scan(table), matrix(scan(table), first, second, cuts, profit))
        case .tiers(let table, let column): return (scan(table), tiers(scan(table), column))
        case .lifecycle(let table, let recency, let tenure, let value, let windows): return (scan(table), lifecycle(recency, tenure, value, windows))
        default: throw PlanError("this statement")
        }
    }

    /// `matrix A by B [at X, Y]`: high above the median (of the rows with both values) or the given cut.
    public static func matrix(_ input: Plan, _ first: Int, _ second: Int, _ cuts: [Double]?, _ profit: Int?) -> Segmenting {
        let both = Scalar.and([.isNull(.column(first), negated: true), .isNull(.column(second), negated: true)])
        func high(_ index: Int) -> Scalar {
            if let cuts { return .compare(.column(index), .greater, .literal(.real(cuts[index == first ? 0 : 1]))) }
            // Above the median ⇔ above the lower of its two neighbouring order statistics.
            let median = OrderStatistics(of: input, column: index, fractions: [.init(1, 2)], scope: both)
            return .compare(.column(index), .greater, .statistic(median, .lo(1)))
        }
        let (a, b) = (high(first), high(second))
        let label = Scalar.label([(.and([a, b]), .quadrant(.trueFriends)), (a, .quadrant(.butterflies)), (b, .quadrant(.barnacles))],
                                 otherwise: .quadrant(.strangers))
        return Segmenting(scope: both, label: label, value: profit.map { .column($0) }, order: Quadrant.allCases.map { .quadrant($0) })
    }

    /// `tiers METRIC`: none at or below 0; low, medium, high at the terciles of the positive values.
    public static func tiers(_ input: Plan, _ column: Int) -> Segmenting {
        let v = Scalar.column(column), zero = Scalar.literal(.number(0, scale: 0))
        let terciles = OrderStatistics.quantiles(of: input, column, 3, scope: .compare(v, .greater, zero))
        let (lo1, cut2) = (Scalar.statistic(terciles, .lo(1)), Scalar.statistic(terciles, .cut(2)))
        let label = Scalar.label([(.compare(v, .lessOrEqual, zero), .tier(.none)), (.compare(v, .lessOrEqual, lo1), .tier(.low)),
                                  (.and([.compare(v, .greaterOrEqual, cut2), .compare(v, .greater, lo1)]), .tier(.high))],
                                 otherwise: .tier(.medium))
        return Segmenting(scope: .isNull(v, negated: true), label: label, value: v, order: ValueTier.allCases.reversed().map { .tier($0) })
    }

    /// `lifecycle [windows A, B, C]`: new by tenure, then active, warm, cold and lapsed by recency.
    public static func lifecycle(_ recency: Int, _ tenure: Int?, _ value: Int?, _ windows: [Int]) -> Segmenting {
        func within(_ column: Int, _ days: Int) -> Scalar { .compare(.column(column), .lessOrEqual, .literal(.number(Int128(days), scale: 0))) }
        var rules: [(Scalar, Label)] = tenure.map { [(within($0, windows[0]), .stage(.new))] } ?? []
        rules += [(within(recency, windows[0]), .stage(.active)), (within(recency, windows[1]), .stage(.warm)), (within(recency, windows[2]), .stage(.cold))]
        return Segmenting(scope: .isNull(.column(recency), negated: true), label: .label(rules, otherwise: .stage(.lapsed)),
                          value: value.map { .column($0) }, order: LifecycleStage.allCases.map { .stage($0) })
    }

    /// A framework: a row per segment with its rows and its value summed, in the order patron
    /// lists them. `within` (a segment's condition, lowered) keeps only its rows; cut points stay
    /// those of the whole table. `counting` reads every value back as exact text, with the
    /// table's rows (`patron_total`) and each set of order statistics.
    public static func framework(_ input: Plan, _ segmenting: Segmenting, within: Scalar? = nil, counting: Bool) -> Plan {
        let scope = within.map { Scalar.and([segmenting.scope, $0]) } ?? segmenting.scope
        let labelled = Plan.project(.filter(input, scope),
                                    [Output("segment", segmenting.label), Output("v", segmenting.value ?? .literal(.number(0, scale: 0)))])
        var values = [AggregateOutput(counting ? "patron_rows" : "rows", AggregateCall(.count), asText: counting),
                      AggregateOutput(counting ? "patron_value" : "value", AggregateCall(.sum, .column(1)), asText: counting)]
        if counting {
            values.append(AggregateOutput("patron_total", AggregateCall(.constant, .relationRows), asText: true))
            values += statisticOutputs(segmenting.label.orderStatistics, asText: true)
        }
        return .sort(.aggregate(labelled, groups: [Output("segment", .column(0))], values: values), [SortKey(0, .labels(segmenting.order))])
    }

    /// Each row's segment as `id` (the input's first column) and `segment`; a row with no place has none.
    public static func labels(_ input: Plan, _ segmenting: Segmenting) -> Plan {
        .project(.filter(input, segmenting.scope), [Output("id", .column(0)), Output("segment", segmenting.label)])
    }
}
