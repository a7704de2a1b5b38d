import PatronAnalysis
import PatronStore

extension Lowered {
    /// `pareto METRIC [at A, B]`: the metric's values grouped (equal values share a class), each
    /// group with the rows and the value of the groups above it; a group is in A while that value
    /// is below A of the total, in B while below B, else C, all compared exactly in whole numbers.
    /// A row per class, in class order. `counting` gives instead, as text rows of (kind, key, a1,
    /// a2, a3): each class's rows and value, the total, the group where the cumulative value first
    /// reaches A (the headline) and the groups holding the curve's points.
    public static func pareto(_ table: Table, _ column: Int, _ a: Double, _ b: Double, counting: Bool) -> Plan {
        let schema = Schema(table)
        let v = Scalar.column(column)
        func number(_ n: Int128) -> Scalar { .literal(.number(n, scale: 0)) }
        // g: v, c, s — a row per distinct value.
        let groups = Plan.aggregate(.filter(.scan(name: table.name, schema: schema), .isNull(v, negated: true)),
                                    groups: [Output("v", v)], values: [AggregateOutput("c", AggregateCall(.count)), AggregateOutput("s", AggregateCall(.sum, v))])
        // w: v, c, s, nb, sb, total, n — with the rows and value above, and the totals.
        let above = WindowOutput.Frame.before([SortKey(0, .descending)])
        let w = Plan.window(groups, [WindowOutput("nb", AggregateCall(.sum, .column(1)), above), WindowOutput("sb", AggregateCall(.sum, .column(2)), above),
                                     WindowOutput("total", AggregateCall(.sum, .column(2)), .whole), WindowOutput("n", AggregateCall(.sum, .column(1)), .whole)])
        let (c, s, nb, sb, total, n) = (Scalar.column(1), Scalar.column(2), Scalar.column(3), Scalar.column(4), Scalar.column(5), Scalar.column(6))
        func below(_ cut: ParetoCutoff, _ part: Scalar) -> Scalar {
            .compare(.arithmetic(.multiply, part, number(cut.denominator), part.type(in: w.schema)), .less,
                     .arithmetic(.multiply, number(cut.numerator), total, total.type(in: w.schema)))
        }
        let (cutA, cutB) = (ParetoCutoff(a), ParetoCutoff(b))
        let label = Scalar.label([(.or([.compare(total, .lessOrEqual, number(0)), below(cutA, sb)]), .paretoClass(0)), (below(cutB, sb), .paretoClass(1))],
                                 otherwise: .paretoClass(2))
        let classes = Plan.aggregate(.project(w, [Output("c", c), Output("s", s), Output("class", label)]), groups: [Output("class", .column(2))],
                                     values: [AggregateOutput("rows", AggregateCall(.sum, .column(0))), AggregateOutput("value", AggregateCall(.sum, .column(1)))])
        guard counting else { return .sort(classes, [SortKey(0)]) }
        func row(_ input: Plan, _ kind: String, _ key: Scalar, _ values: [Scalar?]) -> Plan {
            .project(input, [Output("kind", .literal(.text(kind))), Output("key", key)]
                     + values.enumerated().map { Output("a\($0 + 1)", .asText($1 ?? .literal(.null))) })
        }
        var parts = [row(classes, "class", .column(0), [.column(1), .column(2), nil]),
                     row(.aggregate(w, groups: [], values: [AggregateOutput("n", AggregateCall(.max, n)), AggregateOutput("total", AggregateCall(.max, total))]),
                         "total", .literal(.text("")), [.column(0), .column(1), nil]),
                     row(.filter(w, .and([.compare(total, .greater, number(0)), below(cutA, sb),
                                          .not(below(cutA, .arithmetic(.add, sb, s, sb.type(in: w.schema))))])),
                         "headline", .literal(.text("")), [nb, sb, .column(0)])]
        // The curve's points: about every tenth of the rows (⌈k·n/10⌉), every row under ten.
        for k in 1...10 {
            let spread = Scalar.quotient(.arithmetic(.add, .arithmetic(.multiply, number(Int128(k)), n, .number(scale: 0)), number(9), .number(scale: 0)), number(10))
            let position = Scalar.when([(.compare(n, .greaterOrEqual, number(10)), spread)], otherwise: number(Int128(k)))
            let holds = Scalar.and([.compare(nb, .less, position), .compare(position, .lessOrEqual, .arithmetic(.add, nb, c, .number(scale: 0)))])
            parts.append(row(.filter(w, holds), "point", .asText(position), [nb, sb, .column(0)]))
        }
        return .union(parts)
    }
}
