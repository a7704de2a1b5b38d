import PatronAnalysis
import PatronEngine
import PatronPostgres
import PatronSQL
import PatronStore

extension ServerExecutor {
    /// `matrix`, `tiers` and `lifecycle`: a row per segment comes back, with the order statistics
    /// of the cut points, read as memory computes them.
    func framework(_ statement: BoundStatement, text: String) throws -> StatementResult? {
        let sql = try compiler.framework(statement, text: text, from: remote.from, counting: true)
        let (names, rows) = try namedRows(sql)
        let answer = FrameworkAnswer(names: names, rows: rows)
        switch statement {
        case .matrix(let table, let first, let second, let given, let profit):
            let order = [Quadrant.strangers, .barnacles, .butterflies, .trueFriends].map(\.key)
            let cuts = given.map { ($0[0], $0[1]) } ?? (answer.quantile(cut: 1, over: 2, scale: table.columns[first].decimalScale),
                                                          answer.quantile(cut: 2, over: 2, scale: table.columns[second].decimalScale))
            let counts = [[answer.count(order[0]), answer.count(order[1])], [answer.count(order[2]), answer.count(order[3])]]
            let scale = profit.map { table.columns[$0].decimalScale } ?? 0
            let sums = [[answer.value(order[0], scale: scale), answer.value(order[1], scale: scale)], [answer.value(order[2], scale: scale), answer.value(order[3], scale: scale)]]
            let scope = counts.joined().reduce(0, +)
            return .matrix(MatrixResult(table: table, first: first, second: second, cuts: cuts, method: given == nil ? .median : .givenCuts,
                                        counts: counts, profit: sums, profitColumn: profit, scope: scope, missing: answer.total - scope))
        case .tiers(let table, let column):
            let tiers = ValueTier.allCases.map(\.key), scale = table.columns[column].decimalScale
            let cuts = (answer.quantile(cut: 1, over: 3, scale: scale), answer.quantile(cut: 1, fraction: 2, over: 3, scale: scale))
            let counts = tiers.map(answer.count)
            return .tiers(TiersResult(table: table, column: column, cuts: cuts, counts: counts, values: tiers.map { answer.value($0, scale: scale) },
                                      scope: counts.reduce(0, +)))
        case .lifecycle(let table, _, let tenure, let value, let windows):
            let stages = LifecycleStage.allCases.map(\.key), scale = value.map { table.columns[$0].decimalScale } ?? 0
            let counts = stages.map(answer.count)
            return .lifecycle(LifecycleResult(table: table, windows: windows, hasTenure: tenure != nil, counts: counts,
                                              values: stages.map { answer.value($0, scale: scale) }, valueColumn: value, scope: counts.reduce(0, +)))
        default:
            return nil
        }
    }

    /// `explain SEGMENT`: the segment's size, and where its rows fall in the matrix, the
    /// lifecycle and the RFM segments, each counted there.
    func explain(_ definition: SegmentDefinition, _ bound: BoundSegment, columns: FrameworkColumns, text: String) throws -> SegmentExplanation {
        let table = bound.table
        let segment = try Engine.segment(bound, on: self)
        // One framework, kept to the segment's rows, counted per segment label.
        func counts(_ framework: BoundStatement, _ labels: [String]) throws -> [Int] {
            let sql = try compiler.framework(framework, text: text, from: remote.from, counting: true, within: (bound.condition, bound.levels))
            let (names, rows) = try namedRows(sql)
            let answer = FrameworkAnswer(names: names, rows: rows)
            return labels.map(answer.count)
        }
        var quadrants: [Int]? = nil, stages: [Int]? = nil, named: [(name: String, count: Int)] = []
        if let profit = columns.profit, let loyalty = columns.loyalty {
            quadrants = try counts(.matrix(table, first: profit, second: loyalty, cuts: nil, profit: nil), Quadrant.allCases.map(\.key))
        }
        if let recency = columns.recency {
            stages = try counts(.lifecycle(table, recency: recency, tenure: columns.tenure, value: nil, windows: LifecycleStage.standardWindows),
                                LifecycleStage.allCases.map(\.key))
        }
        if let rfm = columns.rfmSegment {
            let summary = try self.summary(BoundAggregateQuery.counting(table, by: [rfm], within: bound.condition), text: text)
            named = summary.rows.compactMap { row -> (name: String, count: Int)? in
                let column = summary.table.columns[0], r = row.representative
                guard !column.isNull(r), case .text(let codes, let dictionary) = column.storage, Int(codes[r]) < dictionary.count,
                      case .count(let n)? = row.values.first else { return nil }
                return (dictionary[Int(codes[r])], n)
            }
            named.sort { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
        }
        let portrait = SegmentPortrait(quadrants: quadrants, stages: stages, rfmSegments: named, count: segment.count)
        return SegmentExplanation(name: definition.name, definition: definition.text, segment: segment, portrait: portrait)
    }
}

extension ServerExecutor {
    /// `pareto METRIC`: the classes, the total, the headline's group and the curve's groups come
    /// back as exact text, and the sums are finished as in memory.
    func pareto(_ table: Table, column: Int, a: Double, b: Double, text: String) throws -> ParetoResult {
        let sql = try compiler.framework(.pareto(table, column: column, a: a, b: b), text: text, from: remote.from, counting: true)
        let answer = try rows(sql)
        let scale = table.columns[column].decimalScale
        func exact(_ text: String?) throws -> Int128 {
            guard let text, let value = AggregateText.exact(text, scale: scale) else {
                throw AggregateText.Unreadable(message: "the server answered '\(text ?? "null")' in a Pareto split, which patron cannot read exactly")
            }
            return value
        }
        // The rows of a UNION come in no stated order: read the total first.
        let rows = answer.filter { $0.count == 5 }
        let totals = rows.first { $0[0] == "total" }
        let n = Int(totals?[2] ?? "") ?? 0, total = totals?[3] == nil ? 0 : try exact(totals?[3])
        var counts = [0, 0, 0], sums: [Int128] = [0, 0, 0], headline: Int? = nil
        var points: [(position: Int, cumulative: Int128)] = []
        for row in rows {
            let count = Int(row[2] ?? "") ?? 0
            switch row[0] {
            case "class":
                guard let k = ["A", "B", "C"].firstIndex(of: row[1] ?? "") else { continue }
                (counts[k], sums[k]) = (count, try exact(row[3]))
            case "headline":
                headline = count + ParetoCutoff(a).rowsToReach(from: try exact(row[3]), of: total, each: try exact(row[4]))
            case "point":
                guard let position = Int(row[1] ?? "") else { continue }
                points.append((position, try exact(row[3]) + Int128(position - count) * (try exact(row[4]))))
            default:
                continue
            }
        }
        let curve = points.sorted { $0.position < $1.position }.map { point in
            (rows: Double(point.position) / Double(max(n, 1)), value: total > 0 ? Double(point.cumulative) / Double(total) : 0)
        }
        let divisor = powerOfTen(scale)
        return ParetoResult(table: table, column: column, a: a, b: b, counts: counts, values: sums.map { Double($0) / divisor },
                            total: Double(total) / divisor, headlineShare: n == 0 ? 0 : Double(headline ?? n) / Double(n), curve: curve, scope: n)
    }
}
