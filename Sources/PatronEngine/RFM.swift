import PatronAnalysis
import PatronPlan
import PatronStore

/// RFM scores added to a table, and how they were cut.
public struct RFMResult: Sendable {
    public let table: Table
    public let bins: Int
    /// For recency, frequency and monetary: the cut points and the rows per score 1…bins.
    public let cuts: [[Double]]
    public let counts: [[Int]]
    /// Rows per (R score, F score): heat[r - 1][f - 1].
    public let heat: [[Int]]

    /// Creates scores' answer (ones computed elsewhere, on a server).
    public init(table: Table, bins: Int, cuts: [[Double]], counts: [[Int]], heat: [[Int]]) {
        (self.table, self.bins, self.cuts, self.counts, self.heat) = (table, bins, cuts, counts, heat)
    }
}

/// Names given to rows by a rule table.
public struct RuleAssignment: Sendable {
    public let table: Table
    public let preset: String
    /// Each rule's name, rows and monetary; then the rows no rule matched.
    public let rows: [(name: String, count: Int, monetary: Double?)]
    public let unmatched: Int
    /// The monetary of the rows no rule matched (nil without a monetary column).
    public let unmatchedMonetary: Double?
    public let totalMonetary: Double?
    /// Scores that hold no rows between the lowest and highest a score column holds, by column
    /// (r_score, f_score, m_score): ties collapsed those bins, so rules that read them misplace rows.
    public var emptyScores: [(column: String, scores: [Int])] = []

    /// The score columns rule tables read.
    public static let scoreColumns = ["r_score", "f_score", "m_score"]

    /// The scores missing between the lowest and the highest of `seen`.
    public static func gaps(in seen: Set<Int64>) -> [Int] {
        guard let low = seen.min(), let high = seen.max(), high - low < 100 else { return [] }
        return (low...high).filter { !seen.contains($0) }.map { Int($0) }
    }

    /// Creates a rule table's answer (one computed elsewhere, on a server).
    public init(table: Table, preset: String, rows: [(name: String, count: Int, monetary: Double?)], unmatched: Int, unmatchedMonetary: Double?, totalMonetary: Double?) {
        (self.table, self.preset, self.rows, self.unmatched, self.unmatchedMonetary, self.totalMonetary) = (table, preset, rows, unmatched, unmatchedMonetary, totalMonetary)
    }
}

/// What `check segments` finds over every cell of scores.
public struct RuleCheck: Sendable {
    public let preset: String
    public let bins: Int
    public let cells: Int
    /// Rules that match no cell, or only cells an earlier rule takes.
    public let neverMatch: [String]
    /// Pairs of rules that match a cell in common, with how many.
    public let overlaps: [(String, String, Int)]
    /// Cells no rule covers, as their R, F and M scores.
    public let uncovered: [[Int64]]
}

extension Engine {
    /// Scores 1…bins at the quantiles of each metric (linear interpolation); recency is reversed so
    /// that the most recent score highest. Equal values always get the same score. The scores are
    /// the plan's (`Lowered.rfm`: each the level of its metric under order statistics), each
    /// computed in one loop over the metric's stored values.
    public static func rfm(_ table: Table, recency: Int, frequency: Int, monetary: Int, bins: Int) -> RFMResult {
        var columns = table.columns.filter { !["r_score", "f_score", "m_score", "rfm", "rfm_segment"].contains($0.name) }
        let (plan, sets) = Lowered.rfm(.table(table), recency: recency, frequency: frequency, monetary: monetary, bins: bins)
        var outputs: [Scalar] = []
        if case .project(.project(_, let scored), _) = plan { outputs = scored.suffix(3).map(\.value) }
        var allCuts: [[Double]] = [], allCounts: [[Int]] = []
        var scores: [[Int64]] = []
        for (position, index) in [recency, frequency, monetary].enumerated() {
            let cuts = cuts(.quantiles(sets[position]), over: table)
            let values = position < outputs.count ? MemoryRunner(table).wholeNumbers(outputs[position], levelsOf: index, cuts: cuts) : []
            var counts = Array(repeating: 0, count: bins)
            for v in values where v >= 1 && v <= Int64(bins) { counts[Int(v) - 1] += 1 }
            allCuts.append(cuts)
            allCounts.append(counts)
            scores.append(values.count == table.rowCount ? values : [Int64](repeating: 0, count: table.rowCount))
        }
        let nulls = (0..<3).map { k -> NullBitmap in
            var bitmap = NullBitmap()
            let column = table.columns[[recency, frequency, monetary][k]]
            for row in 0..<table.rowCount { bitmap.append(isNull: column.isNull(row)) }
            return bitmap
        }
        for (k, name) in ["r_score", "f_score", "m_score"].enumerated() {
            columns.append(Column(name: name, storage: .integer(scores[k]), nulls: nulls[k],
                                  evidence: .derived(.score(metric: ["recency", "frequency", "monetary"][k], bins: bins))))
        }
        var codes = TextDictionaryBuilder()
        let code = (0..<table.rowCount).map { row in codes.code(of: "\(scores[0][row])\(scores[1][row])\(scores[2][row])") }
        columns.append(Column(name: "rfm", storage: .text(codes: TextCodes(code, dictionarySize: codes.count), dictionary: codes.strings()),
                              nulls: NullBitmap(count: table.rowCount), evidence: .derived(.rfmCode)))
        let scored = Table(name: table.name, columns: columns, rowCount: table.rowCount, origin: table.origin)
        scored.checkInvariants()
        var heat = Array(repeating: Array(repeating: 0, count: bins), count: bins)
        for row in 0..<table.rowCount where scores[0][row] > 0 && scores[1][row] > 0 { heat[Int(scores[0][row]) - 1][Int(scores[1][row]) - 1] += 1 }
        return RFMResult(table: scored, bins: bins, cuts: allCuts, counts: allCounts, heat: heat)
    }

    /// Names each row by the first rule that holds ("Others" when none does): the label of the
    /// plan's `rfm_segment` (`Lowered.ruleSegments`), its rules filtered in turn.
    public static func assign(_ table: Table, preset: String, rules: [(name: String, condition: BoundCondition)], monetary: Int?) throws -> RuleAssignment {
        let plan = try Lowered.ruleSegments(.table(table), rules: rules)
        guard case .project(_, let outputs) = plan, let label = outputs.last?.value else { throw PlanError.shape }
        let place = try MemoryRunner(table).grouping(Array(0..<table.rowCount), by: label)
        var dictionary = TextDictionaryBuilder()
        let names = rules.map(\.name) + ["Others"]
        for name in names { _ = dictionary.code(of: name) }
        let codes = place.groupOf.map { UInt32($0 < 0 ? Int32(rules.count) : $0) }
        var columns = table.columns.filter { $0.name != "rfm_segment" }
        columns.append(Column(name: "rfm_segment", storage: .text(codes: TextCodes(codes, dictionarySize: names.count), dictionary: dictionary.strings()),
                              nulls: NullBitmap(count: table.rowCount), evidence: .derived(.rfmSegment(preset: preset))))
        let named = Table(name: table.name, columns: columns, rowCount: table.rowCount, origin: table.origin)
        let money = monetary.map { table.columns[$0] }
        var counts = Array(repeating: 0, count: names.count), exact = ExactSums(money, buckets: names.count + 1)
        for (row, k) in codes.enumerated() {
            counts[Int(k)] += 1
            exact.add(row, to: Int(k))
            exact.add(row, to: names.count)
        }
        let sums = exact.values
        let rows = names.indices.dropLast().map { (names[$0], counts[$0], money == nil ? nil : sums[$0]) }
        var result = RuleAssignment(table: named, preset: preset, rows: rows, unmatched: counts[rules.count], unmatchedMonetary: money == nil ? nil : sums[rules.count],
                                    totalMonetary: money == nil ? nil : sums[names.count])
        result.emptyScores = emptyScores(in: table)
        return result
    }

    /// The scores each score column skips between its lowest and highest (ties collapse bins).
    static func emptyScores(in table: Table) -> [(column: String, scores: [Int])] {
        RuleAssignment.scoreColumns.compactMap { name -> (String, [Int])? in
            guard let column = table.columns.first(where: { $0.name == name }), case .integer(let values) = column.storage else { return nil }
            var seen = Set<Int64>()
            for row in 0..<table.rowCount where !column.isNull(row) { seen.insert(values[row]) }
            let missing = RuleAssignment.gaps(in: seen)
            return missing.isEmpty ? nil : (name, missing)
        }
    }

    /// Evaluates every rule on every cell of scores.
    public static func check(preset: String, bins: Int, cells: Table, rules: [(name: String, condition: BoundCondition)]) -> RuleCheck {
        let sets = rules.map { Set(filter($0.condition, in: cells)) }
        var taken = Set<Int>()
        var never: [String] = []
        for (k, set) in sets.enumerated() {
            if set.subtracting(taken).isEmpty { never.append(rules[k].name) }
            taken.formUnion(set)
        }
        var overlaps: [(String, String, Int)] = []
        for i in sets.indices { for j in sets.indices where j > i {
            let common = sets[i].intersection(sets[j]).count
            if common > 0 { overlaps.append((rules[i].name, rules[j].name, common)) }
        } }
        guard case .integer(let r) = cells.columns[0].storage, case .integer(let f) = cells.columns[1].storage, case .integer(let m) = cells.columns[2].storage else {
            return RuleCheck(preset: preset, bins: bins, cells: cells.rowCount, neverMatch: never, overlaps: overlaps, uncovered: [])
        }
        let uncovered = (0..<cells.rowCount).filter { !taken.contains($0) }.map { [r[$0], f[$0], m[$0]] }
        return RuleCheck(preset: preset, bins: bins, cells: cells.rowCount, neverMatch: never, overlaps: overlaps, uncovered: uncovered)
    }
}
