import PatronAnalysis
import PatronPlan
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
            return Execution(try inMemory(table) { try count(table, segment: segment, name: name, on: $0) })
        case .count(let table, let segment, _, let groups):
            return Execution(.summary(try finished(inMemory(table) { try $0.summary(.counting(table, by: groups, within: segment), text: "") })))
        case .show(let table, let top, let segment, let columns):
            return Execution(.rows(try inMemory(table) { try rows(of: table, top: top, limit: rowLimit, within: segment, on: $0) }.picking(columns)))
        case .aggregate(let query):
            return Execution(.summary(try finished(inMemory(query.table) { try $0.summary(query, text: "") })))
        case .crosstab(let table, let rows, let columns, let condition):
            return Execution(.crosstab(try inMemory(table) { try crosstab(table, rows: rows, columns: columns, condition: condition, text: "", on: $0) }))
        case .addColumn(let table, let name, let expression, let text):
            let added = try inMemory(table) { try addColumn(table, name: name, expression, text: text, on: $0) }
            return Execution(.done(.columnAdded(added.columns[added.columns.count - 1], table: table.name)), changes: [.replace(added)])
        case .attach(let spec):
            let (attached, report) = try inMemory(spec.table, others: [spec.lookup]) { try attach(spec, on: $0) }
            return Execution(.done(.attached(report)), changes: [.replace(attached)])
        case .letVariable(let name, let expression):
            let value = evaluate(constant: expression)
            return Execution(.done(.variable(name, value, fromParameter: false)), changes: [.variable(name, value)])
        case .levels(let table, let column, let definition, let cuts):
            return Execution(.levelsSet(try inMemory(table) { try levelCounts(table, column: column, cuts, on: $0) }),
                             changes: [.levels(table: table.name, column: table.columns[column].name, definition)])
        case .defineSegment(let definition, let preview):
            return Execution(.segmentDefined(definition, try inMemory(preview.table) { try segment(preview, on: $0) }), changes: [.segment(definition.name, definition)])
        case .dropSegment(let name):
            return Execution(.done(.segmentDropped(name)), changes: [.segment(name, nil)])
        case .showSegments(let table, let segments):
            return Execution(.segments(try inMemory(table) { try sizes(table, segments, on: $0) }))
        case .showLevels(let table, let cuts):
            let (levels, rows) = try inMemory(table) { try levelTable(table, cuts, on: $0) }
            return Execution(.levelTable(table, levels, rows: rows))
        case .customers(let spec):
            let derived = try finished(inMemory(spec.orders) { _ in try deriveCustomers(spec) })
            return Execution(.derived(derived, orders: spec.orders.name), changes: [.add(derived.table), .derivation(spec)])
        case .explainMetric(let table, let column):
            return Execution(.metric(table, column: column))
        case .explainSegment(let definition, let bound, let columns):
            return Execution(.segmentExplained(try inMemory(bound.table) { runner in
                let result = try segment(bound, on: runner)
                let portrait = try portrait(of: bound, count: result.count, columns: columns, on: runner) {
                    rfmSegments(of: filter(bound.condition, in: bound.table), in: bound.table, column: columns.rfmSegment)
                }
                return SegmentExplanation(name: definition.name, definition: definition.text, segment: result, portrait: portrait)
            }))
        case .explainCustomer(let table, let ids, let levels, let segments):
            return Execution(.customerExplained(try inMemory(table) { try explainCustomer(table, ids: ids, levels: levels, segments: segments, on: $0) }))
        case .matrix(let table, _, _, _, _), .tiers(let table, _), .lifecycle(let table, _, _, _, _):
            guard let result = try inMemory(table, { try framework(statement, on: $0) }) else { preconditionFailure("a framework") }
            return Execution(result)
        case .pareto(let table, let column, let a, let b):
            return Execution(.pareto(pareto(table, column: column, a: a, b: b)))
        case .rfm(let table, let recency, let frequency, let monetary, let bins):
            let result = rfm(table, recency: recency, frequency: frequency, monetary: monetary, bins: bins)
            return Execution(.rfm(result), changes: [.replace(result.table), .rfmBins(bins)])
        case .rfmSegments(let table, let preset, let rules, let monetary):
            let result = try inMemory(table) { _ in try assign(table, preset: preset, rules: rules, monetary: monetary) }
            return Execution(.rfmSegments(result), changes: [.replace(result.table)])
        case .rfmRule(let rule, let position):
            return Execution(.done(.ruleAdded(rule, position: position)), changes: [.rfmRule(rule)])
        case .checkSegments(let preset, let bins, let cells, let rules):
            return Execution(.check(check(preset: preset, bins: bins, cells: cells, rules: rules)))
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
            return Execution(.transitions(try finished(inMemory(spec.orders) { try transitions(spec, from: from, to: to, by: by, on: $0) })))
        case .segment(let bound):
            return Execution(.segment(try inMemory(bound.table) { try segment(bound, on: $0) }))
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

    /// A statement's plans run in memory over `table`: a plan memory cannot run yet is said as
    /// the statement's failure (the lowering and the runner are written together, so it is not
    /// expected).
    static func inMemory<T>(_ table: Table, others: [Table] = [], _ body: (MemoryRunner) throws -> T) throws(ExecutionFailure) -> T {
        do { return try body(MemoryRunner(table, others: others)) } catch let failure as ExecutionFailure { throw failure } catch let error as PlanError {
            throw .model("\(error.what) cannot run in memory yet", hints: [])
        } catch {
            throw .model("\(error)", hints: [])
        }
    }

    /// `add NAME = EXPRESSION`: the table with the column its plan computes, explained by its
    /// expression as written.
    static func addColumn(_ table: Table, name: String, _ expression: BoundExpression, text: String, on runner: MemoryRunner) throws -> Table {
        let made = try runner.relation(try Lowered.addColumn(table, name: name, expression))
        var columns = made.columns
        if let last = columns.indices.last { columns[last].evidence = .derived(.computed(definition: text)) }
        return Table(name: table.name, columns: columns, rowCount: made.rowCount, origin: table.origin)
    }

    /// `explain customer ID`: the first row the first id that picks any picks, its metrics' cut
    /// points and its verdicts.
    static func explainCustomer(_ table: Table, ids: [BoundCondition], levels: [Int: LevelCuts], segments: [(String, String, BoundCondition, [LevelCuts])],
                                on runner: MemoryRunner) throws -> CustomerExplanation {
        for id in ids {
            let plan = try Lowered.rows(table, where: id, levels: [], descending: nil, limit: nil)
            guard let row = try runner.rows(plan).first else { continue }
            let facts = try customerFacts(table, id: id, levels: levels, segments: segments, on: runner)
            return CustomerExplanation(table: table, row: row, levels: facts.levels, segments: facts.verdicts)
        }
        throw ExecutionFailure.noSuchCustomer(table: table.name)
    }

    /// `show [SEGMENT] [top N by X]`: the first `limit` rows in row order, or the top N by X
    /// (descending, nulls last, ties by the first column, then row order); with how many match.
    static func rows(of table: Table, top: BoundTop?, limit: Int, within segment: BoundCondition?, on runner: MemoryRunner) throws -> RowsResult {
        let matching = try runner.rows(try Lowered.rows(table, where: segment ?? .constant(true), levels: [], descending: nil, limit: nil))
        guard let top else { return RowsResult(table: table, rows: Array(matching.prefix(limit)), matching: matching.count, orderedBy: nil) }
        let keys = [SortKey(top.column, .descending), SortKey(0)]
        return RowsResult(table: table, rows: Array(sorted(matching, by: keys, in: table).prefix(top.count)), matching: matching.count,
                          orderedBy: table.columns[top.column].name)
    }

    /// The rows `export` writes: a whole table or a named segment's rows.
    public static func rows(toExport source: ExportSource) -> RowsResult? {
        switch source {
        case .table(let table, let columns): return RowsResult(table: table, rows: Array(0..<table.rowCount), matching: table.rowCount, orderedBy: nil).picking(columns)
        case .segment(_, let table, let condition, _, let columns):
            let rows = filter(condition, in: table)
            return RowsResult(table: table, rows: rows, matching: rows.count, orderedBy: nil).picking(columns)
        case .lastResult: return nil
        }
    }
}
