import PatronAnalysis
import PatronStore

extension Lowered {
    /// The names `rfm bins` writes.
    public static let scoreNames = ["r_score", "f_score", "m_score"]

    /// `rfm bins N`: the table again with scores 1…N at the quantiles of recency (reversed: the
    /// most recent score highest), frequency and monetary, compared as levels are (equal values
    /// share a score; a null value has none), and `rfm`, the three scores as digits (0 for none).
    /// The statistics are the three metrics' order statistics.
    public static func rfm(_ input: Plan, recency: Int, frequency: Int, monetary: Int, bins: Int) -> (plan: Plan, statistics: [OrderStatistics]) {
        let schema = input.schema
        let kept = replacing(schema, scoreNames + ["rfm"])
        var sets: [OrderStatistics] = []
        var scores: [Output] = []
        for (position, index) in [recency, frequency, monetary].enumerated() {
            let set = OrderStatistics.quantiles(of: input, index, bins)
            sets.append(set)
            let level = Scalar.level(.column(index), .quantiles(set))
            let score = position == 0 ? Scalar.arithmetic(.subtract, .literal(.number(Int128(bins), scale: 0)), level, .number(scale: 0))
                                      : Scalar.arithmetic(.add, level, .literal(.number(1, scale: 0)), .number(scale: 0))
            scores.append(Output(scoreNames[position], score))
        }
        let scored = Plan.project(input, kept + scores)
        let digits = (0..<3).map { Scalar.asText(.call(.coalesce, [.column(kept.count + $0), .literal(.number(0, scale: 0))], .number(scale: 0))) }
        let all = scored.schema.fields.indices.map { Output(scored.schema.fields[$0].name, .column($0)) }
        return (.project(scored, all + [Output("rfm", .concat(digits))]), sets)
    }

    /// `rfm segments`: the table again with `rfm_segment`, the name of the first rule that holds
    /// ("Others" when none does).
    public static func ruleSegments(_ input: Plan, rules: [(name: String, condition: BoundCondition)]) throws(PlanError) -> Plan {
        let schema = input.schema
        let lowering = Lowering(input)
        let label = Scalar.label(try rules.map { r throws(PlanError) in (try lowering.condition(r.condition), Label.rule(r.name)) },
                                 otherwise: .rule("Others"))
        return .project(input, replacing(schema, ["rfm_segment"]) + [Output("rfm_segment", label)])
    }

    /// `add NAME = EXPRESSION`: the table again with the computed column last.
    public static func addColumn(_ table: Table, name: String, _ expression: BoundExpression) throws(PlanError) -> Plan {
        let scan = Plan.table(table)
        let value = try Lowering(scan).expression(expression)
        return .project(scan, replacing(scan.schema, []) + [Output(name, value)])
    }

    /// The columns of `schema` but those a statement writes anew.
    static func replacing(_ schema: Schema, _ names: [String]) -> [Output] {
        schema.fields.indices.filter { !names.contains(schema.fields[$0].name) }.map { Output(schema.fields[$0].name, .column($0)) }
    }
}
