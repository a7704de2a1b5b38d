import PatronAnalysis
import PatronStore

extension Engine {
    /// Runs one bound statement: its answer as a value, and the catalog changes it makes.
    /// `rowLimit` bounds the rows `show` returns. Statements about the session itself (load,
    /// export, include, save, help, settings, quit) are the driver's and are not taken here.
    /// A value that passes 64 bits in exact arithmetic stops the statement (`.overflow`).
    public static func execute(_ statement: BoundStatement, rowLimit: Int) throws(ExecutionFailure) -> Execution {
        try watchingOverflow { () throws(ExecutionFailure) in try perform(statement, rowLimit: rowLimit) }
    }

    private static func perform(_ statement: BoundStatement, rowLimit: Int) throws(ExecutionFailure) -> Execution {
        switch statement {
        case .use(let table):
            return Execution(.done(.using(table)), changes: [.use(table.name)])
        case .describe(let table):
            return Execution(.schema(table))
        case .summarize(let table):
            return Execution(.profile(table, summarize(table)))
        case .count(let table, let segment, let name, let groups) where groups.isEmpty:
            return Execution(.count(table, segment: name, count: segment.map { filter($0, in: table).count } ?? table.rowCount, of: table.rowCount))
        case .count(let table, let segment, _, let groups):
            return Execution(.summary(try finished(aggregate(.counting(table, by: groups, within: segment)))))
        case .show(let table, let top, let segment):
            return Execution(.rows(rows(of: table, top: top, limit: rowLimit, within: segment)))
        case .aggregate(let query):
            return Execution(.summary(try finished(aggregate(query))))
        case .crosstab(let table, let rows, let columns, let condition):
            return Execution(.crosstab(crosstab(table, rows: rows, columns: columns, condition: condition)))
        case .letVariable(let name, let expression):
            let value = evaluate(constant: expression)
            return Execution(.done(.variable(name, value, fromParameter: false)), changes: [.variable(name, value)])
        case .levels(let table, let column, let definition, let cuts):
            return Execution(.levelsSet(levelCounts(table, column: column, cuts: cuts)), changes: [.levels(table: table.name, column: table.columns[column].name, definition)])
        case .defineSegment(let definition, let preview):
            return Execution(.segmentDefined(definition, segment(preview)), changes: [.segment(definition.name, definition)])
        case .dropSegment(let name):
            return Execution(.done(.segmentDropped(name)), changes: [.segment(name, nil)])
        case .showSegments(let table, let segments):
            return Execution(.segments(SegmentSizes(table: table, segments: segments.map { ($0.0, $0.1.map { filter($0.condition, in: table).count }) })))
        case .showLevels(let table, let cuts):
            return Execution(.levelTable(table, cuts.computed(over: table), rows: table.rowCount))
        case .customers(let spec):
            let derived = try finished(deriveCustomers(spec))
            return Execution(.derived(derived, orders: spec.orders.name), changes: [.add(derived.table), .derivation(spec)])
        case .explainMetric(let table, let column):
            return Execution(.metric(table, column: column))
        case .explainSegment(let definition, let bound, let columns):
            return Execution(.segmentExplained(explain(definition.name, definition: definition.text, bound, columns: columns)))
        case .explainCustomer(let table, let ids, let levels, let segments):
            // The first row the first id that picks any picks.
            guard let row = ids.lazy.compactMap({ filter($0, in: table).first }).first else { throw .noSuchCustomer(table: table.name) }
            return Execution(.customerExplained(explain(table, row: row, levels: levels.mapValues { $0.computed(over: table) },
                                                        segments: segments.map { ($0.0, $0.1, $0.2) })))
        case .matrix(let table, let first, let second, let cuts, let profit):
            return Execution(.matrix(matrix(table, first: first, second: second, cuts: cuts, profitColumn: profit)))
        case .pareto(let table, let column, let a, let b):
            return Execution(.pareto(pareto(table, column: column, a: a, b: b)))
        case .tiers(let table, let column):
            return Execution(.tiers(tiers(table, column: column)))
        case .rfm(let table, let recency, let frequency, let monetary, let bins):
            let result = rfm(table, recency: recency, frequency: frequency, monetary: monetary, bins: bins)
            return Execution(.rfm(result), changes: [.replace(result.table), .rfmBins(bins)])
        case .rfmSegments(let table, let preset, let rules, let monetary):
            let result = assign(table, preset: preset, rules: rules, monetary: monetary)
            return Execution(.rfmSegments(result), changes: [.replace(result.table)])
        case .rfmRule(let rule, let position):
            return Execution(.done(.ruleAdded(rule, position: position)), changes: [.rfmRule(rule)])
        case .checkSegments(let preset, let bins, let cells, let rules):
            return Execution(.check(check(preset: preset, bins: bins, cells: cells, rules: rules)))
        case .lifecycle(let table, let recency, let tenure, let value, let windows):
            return Execution(.lifecycle(lifecycle(table, recency: recency, tenure: tenure, value: value, windows: windows)))
        case .whatIf(let spec, let points, let years):
            do {
                return Execution(.projection(try whatIf(spec, points: points, years: years)))
            } catch {
                throw .model(error.message, hints: error.hints)
            }
        case .cohorts(let spec, let period, let measure):
            return Execution(.cohorts(cohorts(spec, period: period, measure: measure)))
        case .clv(let bound):
            let result: CLVResult
            do {
                result = try clv(bound)
            } catch {
                if Interrupt.requested { throw .cancelled }
                throw .model(error.message, hints: error.hints)
            }
            _ = try finished(result)
            return Execution(.clv(result), changes: result.added.isEmpty ? [] : [.replace(result.table)])
        case .transitions(let spec, let from, let to, let by):
            let result: TransitionsResult
            do throws(RuleFailure) {
                result = try transitions(spec, from: from, to: to, by: by)
            } catch {
                throw .rule(error)
            }
            return Execution(.transitions(try finished(result)))
        case .segment(let bound):
            return Execution(.segment(segment(bound)))
        case .load, .setLanguage, .setTimer, .export, .include, .saveSession, .report, .lesson, .say, .pause, .explainConcept, .help, .quit, .connect, .disconnect, .showConnections, .loadServer, .exportServer, .sqlSegment, .sqlSummary, .sqlCustomers, .sqlFramework, .useServer:
            preconditionFailure("the driver runs statements about the session itself")
        }
    }

    /// The catalog changes a statement makes, worked out without its work, for `--check`: the
    /// columns a model fit adds. Nil for statements that are cheap enough to run or change nothing.
    public static func shape(of statement: BoundStatement) -> [CatalogChange]? {
        switch statement {
        case .clv(let bound): return clvShape(bound)
        default: return nil
        }
    }

    /// A value computed under Ctrl-C, or the cancel when one came while it ran.
    private static func finished<T>(_ value: T) throws(ExecutionFailure) -> T {
        if Interrupt.requested { throw .cancelled }
        return value
    }

    /// The rows per level of a column's cut points.
    static func levelCounts(_ table: Table, column: Int, cuts bound: LevelCuts) -> LevelCounts {
        let cuts = bound.computed(over: table)
        var counts = Array(repeating: 0, count: cuts.words.count)
        let values = table.columns[column]
        for row in 0..<table.rowCount { if let v = values.doubleValue(row) { counts[cuts.level(of: v)] += 1 } }
        return LevelCounts(table: table, cuts: cuts, counts: counts)
    }

    /// The rows `export` writes: a whole table or a named segment's rows.
    public static func rows(toExport source: ExportSource) -> RowsResult? {
        switch source {
        case .table(let table): return RowsResult(table: table, rows: Array(0..<table.rowCount), matching: table.rowCount, orderedBy: nil)
        case .segment(_, let table, let condition, _):
            let rows = filter(condition, in: table)
            return RowsResult(table: table, rows: rows, matching: rows.count, orderedBy: nil)
        case .lastResult: return nil
        }
    }
}
