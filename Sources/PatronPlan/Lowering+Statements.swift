import PatronAnalysis
import PatronStore
import PatronSyntax

/// The statements that read data, each lowered once to a plan. A backend runs the plan; an
/// assembler reads the plan's named outputs back into the statement's result.
public enum Lowered {
    /// The name of one statistic of the `set`-th set of order statistics (from 1) among a plan's
    /// outputs: `patron_cut1_lo1`.
    public static func statisticName(_ set: Int, _ statistic: OrderStatistics.Statistic) -> String {
        "patron_cut\(set)_\(statistic.name)"
    }

    /// Outputs that carry every order statistic the scalars use back with the answer.
    static func statisticOutputs(_ sets: [OrderStatistics], asText: Bool) -> [AggregateOutput] {
        sets.enumerated().flatMap { i, set in
            set.statistics.map { AggregateOutput(statisticName(i + 1, $0), AggregateCall(.constant, .statistic(set, $0)), asText: asText) }
        }
    }

    /// `segment where …`: one row with `rows` (the segment's size), `total` (the rows in scope),
    /// `part` and `whole` (its profit and all profit, exact, when the table has a profit column),
    /// and the order statistics of every level the condition uses.
    public static func segment(_ segment: BoundSegment) throws(PlanError) -> (plan: Plan, statistics: [OrderStatistics]) {
        let scan = Plan.scan(name: segment.table.name, schema: Schema(segment.table))
        let condition = try Lowering(scan, levels: segment.levels).condition(segment.condition)
        var values = [AggregateOutput("rows", AggregateCall(.count, filter: condition)), AggregateOutput("total", AggregateCall(.count))]
        if let profit = segment.profitColumn {
            values.append(AggregateOutput("part", AggregateCall(.sum, .column(profit), filter: condition)))
            values.append(AggregateOutput("whole", AggregateCall(.sum, .column(profit))))
        }
        let sets = condition.orderStatistics
        values += statisticOutputs(sets, asText: false)
        return (.aggregate(scan, groups: [], values: values), sets)
    }

    /// `summarize …` and `count … by`: a row per group, groups in key order (nulls last, text by
    /// code point) unless sorted, then the first `top`. `counting` reads every value back as
    /// exact text with how many groups there were before `top`, the rows in scope and the order
    /// statistics of the condition's levels.
    public static func summary(_ query: BoundAggregateQuery, counting: Bool) throws(PlanError) -> (plan: Plan, statistics: [OrderStatistics]) {
        let schema = Schema(query.table)
        var plan = Plan.scan(name: query.table.name, schema: schema)
        let lowering = Lowering(plan, levels: query.levels)
        var sets: [OrderStatistics] = []
        if let condition = query.condition {
            let scalar = try lowering.condition(condition)
            sets = scalar.orderStatistics
            plan = .filter(plan, scalar)
        }
        let groups = query.groups.map { Output(schema.fields[$0].name, .column($0)) }
        var values = try query.aggregates.map { a throws(PlanError) in
            AggregateOutput(a.label, AggregateCall(a.kind, argument: try a.argument.map { x throws(PlanError) in try lowering.expression(x) }), asText: counting)
        }
        if counting {
            values += [AggregateOutput("patron_groups", AggregateCall(.groups), asText: true),
                       AggregateOutput("patron_scope", AggregateCall(.rowsInScope), asText: true)]
            values += statisticOutputs(sets, asText: true)
        }
        plan = .aggregate(plan, groups: groups, values: values)
        var keys: [SortKey] = []
        if let (column, descending) = query.sort { keys.append(SortKey(column, descending ? .descending : .ascending)) }
        keys += groups.indices.map { SortKey($0) }
        if !keys.isEmpty { plan = .sort(plan, keys) }
        if let top = query.top { plan = .limit(plan, top) }
        return (plan, sets)
    }

    /// Whether each condition holds for the rows where `row` holds (`explain customer`): two
    /// counts per condition, `patron_in1` and `patron_out1`, …: the rows where it is true and
    /// where it is false (neither: unknown). Each condition lowers with its own levels.
    public static func verdicts(_ table: Table, row: BoundCondition, conditions: [(condition: BoundCondition, levels: [LevelCuts])]) throws(PlanError) -> Plan {
        let scan = Plan.table(table)
        let selected = try Lowering(scan).condition(row)
        var values: [AggregateOutput] = []
        for (i, item) in conditions.enumerated() {
            let holds = try Lowering(scan, levels: item.levels).condition(item.condition)
            values.append(AggregateOutput("patron_in\(i + 1)", AggregateCall(.count, filter: .and([selected, holds]))))
            values.append(AggregateOutput("patron_out\(i + 1)", AggregateCall(.count, filter: .and([selected, .not(holds)]))))
        }
        if values.isEmpty { values = [AggregateOutput("count", AggregateCall(.count))] }
        return .aggregate(scan, groups: [], values: values)
    }

    /// The rows of `table` where `condition` holds, every column; in no stated order, or (with a
    /// limit) by `column` descending, then by the first column, or (`everyColumn`) by every column.
    public static func rows(_ table: Table, where condition: BoundCondition, levels: [LevelCuts], descending column: Int?, limit: Int?,
                            everyColumn: Bool = false, columns: [Int]? = nil) throws(PlanError) -> Plan {
        let scan = Plan.table(table)
        var plan = scan
        if case .constant(true) = condition {} else { plan = .filter(scan, try Lowering(scan, levels: levels).condition(condition)) }
        if let limit {
            plan = .limit(.sort(plan, (column.map { [SortKey($0, .descending)] } ?? []) + [SortKey(0)]), limit)
        } else if everyColumn {
            // One order whatever the server's: by each column in turn (equal rows are the same row).
            plan = .sort(plan, table.columns.indices.map { SortKey($0) })
        }
        // The columns picked (`show a, b`), after the order that may use others.
        if let columns { plan = .project(plan, columns.map { Output(table.columns[$0].name, .column($0)) }) }
        return plan
    }
}

extension Lowered {
    /// The rows where each condition holds (`patron_count1`, …), each lowered with its own
    /// levels, the rows in all (`total`), and the order statistics of every level they use, in
    /// one row: sizes of named segments, a level's rows per word, every metric's cut points.
    public static func counts(_ table: Table, _ conditions: [(condition: BoundCondition, levels: [LevelCuts])]) throws(PlanError) -> (plan: Plan, statistics: [OrderStatistics]) {
        let scan = Plan.table(table)
        var values: [AggregateOutput] = [], sets: [OrderStatistics] = []
        for (i, item) in conditions.enumerated() {
            let holds = try Lowering(scan, levels: item.levels).condition(item.condition)
            for set in holds.orderStatistics where !sets.contains(set) { sets.append(set) }
            values.append(AggregateOutput("patron_count\(i + 1)", AggregateCall(.count, filter: holds)))
        }
        values.append(AggregateOutput("total", AggregateCall(.count)))
        return (.aggregate(scan, groups: [], values: values + statisticOutputs(sets, asText: false)), sets)
    }
}

extension Lowered {
    /// `levels METRIC …`: the rows of each level (`patron_count1`, … lowest first) and the cut
    /// points they were counted under.
    public static func levelCounts(_ table: Table, column: Int, _ cuts: LevelCuts) throws(PlanError) -> (plan: Plan, statistics: [OrderStatistics]) {
        try counts(table, cuts.words.indices.map { (condition: BoundCondition.level(column: column, cuts, .equal, level: $0), levels: [cuts]) })
    }

    /// `show segments`: the rows of each segment (`patron_count1`, … in the order given).
    public static func sizes(_ table: Table, _ segments: [BoundSegment]) throws(PlanError) -> (plan: Plan, statistics: [OrderStatistics]) {
        try counts(table, segments.map { ($0.condition, $0.levels) })
    }

    /// `show levels`: the cut points of every column whose levels are quantiles (`quantiles`,
    /// with their columns; fixed cut points need no data), and the table's rows.
    public static func levelTable(_ table: Table, _ all: [LevelCuts]) throws(PlanError) -> (plan: Plan, statistics: [OrderStatistics], quantiles: [(column: Int, cuts: LevelCuts)]) {
        let quantiles = all.compactMap { cuts -> (column: Int, cuts: LevelCuts)? in
            guard cuts.method != .fixedCuts, let column = table.columns.firstIndex(where: { $0.name == cuts.column }) else { return nil }
            return (column, cuts)
        }
        let (plan, statistics) = try counts(table, quantiles.map { (.level(column: $0.column, $0.cuts, .equal, level: 0), [$0.cuts]) })
        return (plan, statistics, quantiles)
    }
}
