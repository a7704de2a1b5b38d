import PatronAnalysis
import PatronEngine
import PatronPostgres
import PatronRender
import PatronSQL
import PatronStore
import PatronSyntax

extension Session {
    /// `matrix`, `tiers` and `lifecycle` on a table left on a server: the framework's SQL runs
    /// there, a row per segment comes back, and the result is drawn as in memory.
    func frameworkOnServer(_ statement: BoundStatement, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        let table: Table
        switch statement {
        case .matrix(let t, _, _, _, _), .tiers(let t, _), .lifecycle(let t, _, _, _, _): table = t
        default: return .dataError
        }
        return onServer(table.name, at: context, emit: emit) { remote, connection, shown in
            let text = Self.singleLine(source.text(of: parsed.span))
            let sql = try SQLCompiler(dialect: .postgres).framework(statement, text: text, from: remote.from, counting: true)
            let started = ContinuousClock.now
            let (names, rows) = try connection.namedRows(sql)
            timeServer(since: started, Self.received(rows), emit: emit)
            let answer = FrameworkAnswer(names: names, rows: rows)
            let result: StatementResult
            switch statement {
            case .matrix(let table, let first, let second, let given, let profit):
                let order = [Quadrant.strangers, .barnacles, .butterflies, .trueFriends].map(\.key)
                let cuts = given.map { ($0[0], $0[1]) } ?? (answer.quantile(cut: 1, over: 2, scale: table.columns[first].decimalScale),
                                                              answer.quantile(cut: 2, over: 2, scale: table.columns[second].decimalScale))
                let counts = [[answer.count(order[0]), answer.count(order[1])], [answer.count(order[2]), answer.count(order[3])]]
                let scale = profit.map { table.columns[$0].decimalScale } ?? 0
                let sums = [[answer.value(order[0], scale: scale), answer.value(order[1], scale: scale)], [answer.value(order[2], scale: scale), answer.value(order[3], scale: scale)]]
                let scope = counts.joined().reduce(0, +)
                result = .matrix(MatrixResult(table: table, first: first, second: second, cuts: cuts, method: given == nil ? .median : .givenCuts,
                                              counts: counts, profit: sums, profitColumn: profit, scope: scope, missing: answer.total - scope))
            case .tiers(let table, let column):
                let tiers = ValueTier.allCases.map(\.key), scale = table.columns[column].decimalScale
                let cuts = (answer.quantile(cut: 1, over: 3, scale: scale), answer.quantile(cut: 1, fraction: 2, over: 3, scale: scale))
                let counts = tiers.map(answer.count)
                result = .tiers(TiersResult(table: table, column: column, cuts: cuts, counts: counts, values: tiers.map { answer.value($0, scale: scale) },
                                            scope: counts.reduce(0, +)))
            case .lifecycle(let table, _, let tenure, let value, let windows):
                let stages = LifecycleStage.allCases.map(\.key), scale = value.map { table.columns[$0].decimalScale } ?? 0
                let counts = stages.map(answer.count)
                result = .lifecycle(LifecycleResult(table: table, windows: windows, hasTenure: tenure != nil, counts: counts,
                                                    values: stages.map { answer.value($0, scale: scale) }, valueColumn: value, scope: counts.reduce(0, +)))
            default:
                return .dataError
            }
            present(Presenter(language: language).present(result, computedOn: shown), emit: emit)
            return .ok
        }
    }
}

extension Session {
    /// `explain SEGMENT` on a table left on a server: the segment's size, and where its rows fall
    /// in the matrix, the lifecycle and the RFM segments, each counted there.
    func explainOnServer(_ definition: SegmentDefinition, _ bound: BoundSegment, columns: FrameworkColumns, at context: StatementContext,
                         emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        return onServer(bound.table.name, at: context, emit: emit) { remote, connection, shown in
            let table = bound.table, text = Self.singleLine(source.text(of: parsed.span))
            let segment = try serverSegment(bound, remote, connection, emit: emit)
            // One framework, kept to the segment's rows, counted per segment label.
            func counts(_ framework: BoundStatement, _ labels: [String]) throws -> [Int] {
                let sql = try SQLCompiler(dialect: .postgres).framework(framework, text: text, from: remote.from,
                                                                        counting: true, within: (bound.condition, bound.levels))
                let (names, rows) = try connection.namedRows(sql)
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
                let summary = try serverSummary(BoundAggregateQuery.counting(table, by: [rfm], within: bound.condition), remote, connection,
                                                at: context, emit: emit)
                named = summary.rows.compactMap { row -> (name: String, count: Int)? in
                    let column = summary.table.columns[0], r = row.representative
                    guard !column.isNull(r), case .text(let codes, let dictionary) = column.storage, Int(codes[r]) < dictionary.count,
                          case .count(let n)? = row.values.first else { return nil }
                    let label = dictionary[Int(codes[r])]
                    return (label, n)
                }
                named.sort { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
            }
            let portrait = SegmentPortrait(quadrants: quadrants, stages: stages, rfmSegments: named, count: segment.count)
            present(Presenter(language: language).present(.segmentExplained(SegmentExplanation(name: definition.name, definition: definition.text, segment: segment,
                                                                                                 portrait: portrait)), computedOn: shown), emit: emit)
            return .ok
        }
    }
}

extension Session {
    /// `levels METRIC …` on a table left on a server: the definition is kept, and the rows of each
    /// level are counted there (one segment per word), with the cut points the server's rows give.
    func levelsOnServer(_ table: Table, column: Int, _ definition: LevelDefinition, _ cuts: LevelCuts, at context: StatementContext,
                        emit: (Output) -> Void) -> Outcome.Status {
        return onServer(table.name, at: context, emit: emit) { remote, connection, shown in
            var counts: [Int] = [], computed = cuts
            for (index, word) in cuts.words.enumerated() {
                let level = BoundSegment(table: table, condition: .level(column: column, cuts, .equal, level: index),
                                         text: "\(cuts.column) = \(word)", levels: [cuts], profitColumn: nil)
                let result = try serverSegment(level, remote, connection, emit: emit)
                counts.append(result.count)
                computed = result.levels.first ?? computed
            }
            catalog.apply(.levels(table: table.name, column: table.columns[column].name, definition))
            present(Presenter(language: language).present(.levelsSet(LevelCounts(table: table, cuts: computed, counts: counts)), computedOn: shown), emit: emit)
            return .ok
        }
    }
}

extension Session {
    /// `show segments` on a table left on a server: each segment's rows counted there.
    func segmentsOnServer(_ table: Table, _ segments: [(SegmentDefinition, BoundSegment?)], at context: StatementContext,
                          emit: (Output) -> Void) -> Outcome.Status {
        return onServer(table.name, at: context, emit: emit) { remote, connection, shown in
            var sizes: [(definition: SegmentDefinition, count: Int?)] = [], total: Int? = nil
            for (definition, segment) in segments {
                guard let segment else { sizes.append((definition, nil)); continue }
                let result = try serverSegment(segment, remote, connection, emit: emit)
                sizes.append((definition, result.count))
                total = result.total
            }
            if total == nil { total = try connection.count(schema: remote.schema, table: remote.table) }
            present(Presenter(language: language).present(.segments(SegmentSizes(table: table, segments: sizes, total: total)), computedOn: shown), emit: emit)
            return .ok
        }
    }

    /// `show levels` on a table left on a server: every column's cut points computed there.
    func levelTableOnServer(_ table: Table, _ all: [LevelCuts], at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        return onServer(table.name, at: context, emit: emit) { remote, connection, shown in
            var computed: [LevelCuts] = []
            for cuts in all {
                // Fixed cut points need no server; quantiles are computed there.
                guard cuts.method != .fixedCuts, let column = table.columns.firstIndex(where: { $0.name == cuts.column }) else { computed.append(cuts); continue }
                let level = BoundSegment(table: table, condition: .level(column: column, cuts, .equal, level: 0),
                                         text: cuts.column, levels: [cuts], profitColumn: nil)
                // A column with no values has no levels, as in memory.
                if let found = try serverSegment(level, remote, connection, emit: emit).levels.first, found.basis > 0 { computed.append(found) }
            }
            let rows = try connection.count(schema: remote.schema, table: remote.table)
            present(Presenter(language: language).present(.levelTable(table, computed, rows: rows), computedOn: shown), emit: emit)
            return .ok
        }
    }
}

extension Session {
    /// `pareto METRIC` on a table left on a server: the classes, the total, the headline's group
    /// and the curve's groups come back as exact text, and patron finishes the sums as in memory.
    func paretoOnServer(_ table: Table, column: Int, a: Double, b: Double, at context: StatementContext,
                        emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        return onServer(table.name, at: context, emit: emit) { remote, connection, shown in
            let text = Self.singleLine(source.text(of: parsed.span))
            let sql = try SQLCompiler(dialect: .postgres).framework(.pareto(table, column: column, a: a, b: b), text: text,
                                                                    from: remote.from, counting: true)
            let started = ContinuousClock.now
            let answer = try connection.rows(sql)
            timeServer(since: started, Self.received(answer), emit: emit)
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
            let result = ParetoResult(table: table, column: column, a: a, b: b, counts: counts, values: sums.map { Double($0) / divisor },
                                      total: Double(total) / divisor, headlineShare: n == 0 ? 0 : Double(headline ?? n) / Double(n), curve: curve, scope: n)
            present(Presenter(language: language).present(.pareto(result), computedOn: shown), emit: emit)
            return .ok
        }
    }
}
