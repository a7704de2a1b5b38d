import PatronAnalysis
import PatronPlan
import PatronStore

/// The statements that count and pick rows of one table, written once over a `PlanRunner`:
/// each lowers its plan, has it run (in memory or on a server) and reads the answer back by
/// output name into its result.
extension Engine {
    /// `segment where …` and a definition's preview: the segment's size, the rows in scope, its
    /// exact share of profit and the cut points its levels took.
    public static func segment(_ segment: BoundSegment, on runner: some PlanRunner) throws -> SegmentResult {
        let (plan, statistics) = try Lowered.segment(segment)
        let answer = try runner.answer(plan)
        let levels = Lowered.levels(segment.levels, of: .table(segment.table), statistics: statistics, from: answer)
        try runner.check(levels, emptyAllowed: false)
        // part / whole as exact mantissas at one scale, divided once.
        var share: Double? = nil
        if let whole = answer.exact("whole"), whole.mantissa > 0 {
            let part = answer.exact("part") ?? ExactDecimal(mantissa: 0, scale: whole.scale)
            let scale = max(part.scale, whole.scale)
            func at(_ x: ExactDecimal) -> Double { Double(x.mantissa * ExactDecimal.power(scale - x.scale)) }
            share = at(part) / at(whole)
        }
        return SegmentResult(table: segment.table, condition: segment.text, count: answer.integer("rows") ?? 0, total: answer.integer("total") ?? 0,
                             profitShare: share, profitColumn: segment.profitColumn.map { segment.table.columns[$0].name }, levels: levels)
    }

    /// How many rows each condition holds for, the rows in all, and `levels` with the cut points
    /// the answer gives, in one plan (`Lowered.counts`).
    public static func counts(_ table: Table, _ conditions: [(condition: BoundCondition, levels: [LevelCuts])], levels: [LevelCuts] = [],
                              on runner: some PlanRunner) throws -> (counts: [Int], total: Int, levels: [LevelCuts]) {
        try counted(table, Lowered.counts(table, conditions), conditions: conditions.count, levels: levels, on: runner)
    }

    /// A counting plan (`Lowered.counts` and the plans made of it) run and read back.
    static func counted(_ table: Table, _ lowered: (plan: Plan, statistics: [OrderStatistics]), conditions: Int, levels: [LevelCuts],
                        on runner: some PlanRunner) throws -> (counts: [Int], total: Int, levels: [LevelCuts]) {
        let answer = try runner.answer(lowered.plan)
        return ((0..<conditions).map { answer.integer("patron_count\($0 + 1)") ?? 0 }, answer.integer("total") ?? 0,
                Lowered.levels(levels, of: .table(table), statistics: lowered.statistics, from: answer))
    }

    /// `count TABLE [SEGMENT]`: the rows, or the segment's rows, of all.
    public static func count(_ table: Table, segment: BoundCondition?, name: String?, on runner: some PlanRunner) throws -> StatementResult {
        let counted = try counts(table, segment.map { [($0, [])] } ?? [], on: runner)
        return .count(table, segment: name, count: counted.counts.first ?? counted.total, of: counted.total)
    }

    /// `levels METRIC …`: the rows of each level, with the cut points they were counted under.
    public static func levelCounts(_ table: Table, column: Int, _ cuts: LevelCuts, on runner: some PlanRunner) throws -> LevelCounts {
        let counted = try self.counted(table, Lowered.levelCounts(table, column: column, cuts), conditions: cuts.words.count, levels: [cuts], on: runner)
        if cuts.method != .fixedCuts { try runner.check(counted.levels, emptyAllowed: false) }
        return LevelCounts(table: table, cuts: counted.levels.first ?? cuts, counts: counted.counts)
    }

    /// `show segments`: every segment's rows, counted together.
    public static func sizes(_ table: Table, _ segments: [(SegmentDefinition, BoundSegment?)], on runner: some PlanRunner) throws -> SegmentSizes {
        let bound = segments.compactMap { $0.1 }
        let counted = try self.counted(table, Lowered.sizes(table, bound), conditions: bound.count, levels: [], on: runner)
        var next = counted.counts.makeIterator()
        let sizes = segments.map { definition, segment in (definition: definition, count: segment == nil ? nil : next.next()) }
        return SegmentSizes(table: table, segments: sizes, total: counted.total)
    }

    /// `show levels`: every column's cut points (fixed ones as they are), and the table's rows.
    /// A column with no values has no levels.
    public static func levelTable(_ table: Table, _ all: [LevelCuts], on runner: some PlanRunner) throws -> (levels: [LevelCuts], rows: Int) {
        let lowered = try Lowered.levelTable(table, all)
        let counted = try self.counted(table, (lowered.plan, lowered.statistics), conditions: lowered.quantiles.count, levels: lowered.quantiles.map(\.cuts), on: runner)
        try runner.check(counted.levels, emptyAllowed: true)
        var computed = counted.levels.makeIterator()
        let levels = all.compactMap { cuts -> LevelCuts? in
            guard cuts.method != .fixedCuts, table.columns.contains(where: { $0.name == cuts.column }) else { return cuts }
            guard let found = computed.next(), found.basis > 0 else { return nil }
            return found
        }
        return (levels, counted.total)
    }

    /// `explain customer`: the cut points of the metrics shown, and whether each named segment
    /// holds for the row `id` picks (true, false, or unknown), each counted over the table.
    public static func customerFacts(_ table: Table, id: BoundCondition, levels: [Int: LevelCuts], segments: [(String, String, BoundCondition, [LevelCuts])],
                                     on runner: some PlanRunner) throws -> (levels: [Int: LevelCuts], verdicts: [(name: String, definition: String, isMember: Bool?)]) {
        let columns = levels.keys.sorted()
        var computed: [Int: LevelCuts] = [:]
        if !columns.isEmpty {
            let cuts = columns.compactMap { levels[$0] }
            let counted = try counts(table, zip(columns, cuts).map { (.level(column: $0, $1, .equal, level: 0), [$1]) }, levels: cuts, on: runner)
            try runner.check(counted.levels, emptyAllowed: true)
            for (column, cut) in zip(columns, counted.levels) where cut.basis > 0 || cut.method == .fixedCuts { computed[column] = cut }
        }
        guard !segments.isEmpty else { return (computed, []) }
        let answer = try runner.answer(try Lowered.verdicts(table, row: id, conditions: segments.map { ($0.2, $0.3) }))
        let verdicts = segments.enumerated().map { i, segment -> (name: String, definition: String, isMember: Bool?) in
            let holds = answer.integer("patron_in\(i + 1)") ?? 0, fails = answer.integer("patron_out\(i + 1)") ?? 0
            return (segment.0, segment.1, holds > 0 ? true : fails > 0 ? false : nil)
        }
        return (computed, verdicts)
    }
}
