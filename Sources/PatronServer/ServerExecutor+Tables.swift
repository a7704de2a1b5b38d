import PatronAnalysis
import PatronEngine
import PatronPlan
import PatronPostgres
import PatronSQL
import PatronStore

extension ServerExecutor {
    /// The statements that make a table there or read rows back.
    func executeTables(_ statement: BoundStatement, text: String, rowLimit: Int) throws -> Execution? {
        switch statement {
        case .customers(let spec): return try customers(spec)
        case .rfm(let table, let recency, let frequency, let monetary, let bins):
            return try rfm(table, recency: recency, frequency: frequency, monetary: monetary, bins: bins)
        case .rfmSegments(let table, let preset, let rules, let monetary): return try ruleSegments(table, preset: preset, rules: rules, monetary: monetary)
        case .addColumn(let table, let name, let expression, let text):
            let (added, target) = try replace(table.name, select: try compiler.addColumn(table, name: name, expression, from: remote.from).select)
            // The table's columns keep what they were; the new one says how it is computed.
            var columns = added.columns
            for k in columns.indices { columns[k].evidence = k < table.columns.count ? table.columns[k].evidence : .derived(.computed(definition: text)) }
            let explained = Table(name: added.name, columns: columns, rowCount: added.rowCount, origin: added.origin)
            return Execution(.done(.columnAdded(explained.columns[explained.columns.count - 1], table: table.name)), changes: [.remote(explained, target)])
        case .transitions(let spec, let from, let to, let by): return Execution(.transitions(try Engine.transitions(spec, from: from, to: to, by: by, on: self)))
        case .explainCustomer(let table, let ids, let levels, let segments):
            return Execution(.customerExplained(try explainCustomer(table, ids: ids, levels: levels, segments: segments)))
        case .crosstab(let table, let rows, let columns, let condition):
            return Execution(.crosstab(try Engine.crosstab(table, rows: rows, columns: columns, condition: condition, text: text, on: self)))
        case .show(let table, let top, let segment, let columns): return Execution(.rows(try show(table, top: top, segment: segment, rowLimit: rowLimit).picking(columns)))
        default: return nil
        }
    }

    /// Replaces the server table behind `name` by `select` (which may read it): made as a new
    /// temporary table, the old temporary one dropped, the new one renamed; all or nothing.
    func replace(_ name: String, select: String) throws -> (table: Table, target: BoundServerTable) {
        let started = ContinuousClock.now
        try connection.executeAll(compiler.replacingTemporaryTable(name, by: select))
        told(since: started, .nothing)
        let table = try connection.columns(schema: nil, table: name, name: name, connectionName: remote.connection)
        return (table, BoundServerTable(connection: remote.connection, schema: nil, table: name))
    }

    /// `customers from ORDERS`: the derivation runs there into a temporary table of that
    /// session, which becomes current, left on the server too; the report counts its customers
    /// and nulls there.
    func customers(_ spec: BoundCustomers) throws -> Execution {
        let select = try compiler.customers(spec, from: remote.from)
        let target = BoundServerTable(connection: remote.connection, schema: nil, table: spec.name)
        let started = ContinuousClock.now
        for statement in compiler.temporaryTable(spec.name, holding: select) { try connection.execute(statement) }
        told(since: started, .nothing)
        let columns = try connection.columns(schema: nil, table: spec.name, name: spec.name, connectionName: remote.connection)
        let counts = try row(compiler.valueCounts(ofTemporaryTable: spec.name, columns: columns.columns.map(\.name)))
        let customers = Int(counts.first.flatMap { $0 } ?? "") ?? 0
        let nulls = counts.dropFirst().map { customers - (Int($0 ?? "") ?? 0) }
        let facts = try answer(Lowered.derivationFacts(spec))
        var day = spec.asOf ?? 0
        if case .text(let text) = facts.value("as_of"), let read = CalendarDate.parseISO(Array(text.utf8)) { day = read }
        let used = facts.integer("used") ?? 0
        // The derived columns and what they mean, from the plan's schema (no rows).
        let schema = Engine.customerTable(try Lowered.customers(spec).schema.emptyTable(named: spec.name), spec, asOf: day)
        let derivation = CustomerDerivation(table: schema, asOf: day, asOfIsLatest: spec.asOf == nil, ordersUsed: used, ordersLeftOut: (facts.integer("orders") ?? 0) - used,
                                            customers: customers, nulls: nulls)
        return Execution(.derived(derivation, orders: spec.orders.name), changes: [.remote(columns, target), .derivation(spec)])
    }

    /// `rfm bins N`: the scores are added there; the cut points and the rows per score come back.
    /// The order statistics are read first and go into the scoring as constants: worked out once.
    func rfm(_ table: Table, recency: Int, frequency: Int, monetary: Int, bins: Int) throws -> Execution {
        let compiled = try compiler.rfm(table, recency: recency, frequency: frequency, monetary: monetary, bins: bins, from: remote.from)
        let statistics = try row(compiled.statistics ?? "")
        let cuts = compiled.cuts(from: statistics, names: compiled.statisticNames).map(\.cuts)
        let (scored, target) = try replace(table.name, select: compiled.select(withStatistics: statistics) ?? compiled.select)
        let cells = try rows(compiler.scoreCells(ofTemporaryTable: table.name))
        var counts = Array(repeating: Array(repeating: 0, count: bins), count: 3), heat = Array(repeating: Array(repeating: 0, count: bins), count: bins)
        for cell in cells where cell.count == 4 {
            let scores = cell[0..<3].map { $0.flatMap { Int($0) } }, n = Int(cell[3] ?? "") ?? 0
            for (k, score) in scores.enumerated() { if let score, (1...bins).contains(score) { counts[k][score - 1] += n } }
            if let r = scores[0], let f = scores[1], (1...bins).contains(r), (1...bins).contains(f) { heat[r - 1][f - 1] += n }
        }
        return Execution(.rfm(RFMResult(table: scored, bins: bins, cuts: cuts, counts: counts, heat: heat)), changes: [.remote(scored, target), .rfmBins(bins)])
    }

    /// `rfm segments`: each row is named there by the first rule that holds; the rows and the
    /// exact monetary of each name come back.
    func ruleSegments(_ table: Table, preset: String, rules: [(name: String, condition: BoundCondition)], monetary: Int?) throws -> Execution {
        let compiled = try compiler.ruleSegments(table, rules: rules, from: remote.from)
        let (named, target) = try replace(table.name, select: compiled.select)
        let answer = try rows(compiler.ruleCounts(ofTemporaryTable: table.name, monetary: monetary.map { table.columns[$0].name }))
        let scale = monetary.map { table.columns[$0].decimalScale } ?? 0
        func sum(_ text: String?) -> Int128 { text.flatMap { AggregateText.exact($0, scale: scale) } ?? 0 }
        var counts: [String: Int] = [:], sums: [String: Int128] = [:]
        for row in answer where row.count == 3 {
            guard let name = row[0] else { continue }
            (counts[name], sums[name]) = (Int(row[1] ?? "") ?? 0, sum(row[2]))
        }
        let real = { (x: Int128) in Double(x) / powerOfTen(scale) }
        let rows = rules.map { (name: $0.name, count: counts[$0.name] ?? 0, monetary: monetary == nil ? nil : real(sums[$0.name] ?? 0)) }
        let total = sums.values.reduce(0, +)
        var result = RuleAssignment(table: named, preset: preset, rows: rows, unmatched: counts["Others"] ?? 0,
                                    unmatchedMonetary: monetary == nil ? nil : real(sums["Others"] ?? 0), totalMonetary: monetary == nil ? nil : real(total))
        for name in RuleAssignment.scoreColumns where table.columns.contains(where: { $0.name == name }) {
            let seen = try self.rows(SQLDialect.postgres.distinctValues(of: name, in: "pg_temp." + PostgresConnection.quote(table.name)))
            let missing = RuleAssignment.gaps(in: Set(seen.compactMap { $0.first.flatMap { $0 }.flatMap { Int64($0) } }))
            if !missing.isEmpty { result.emptyScores.append((name, missing)) }
        }
        return Execution(.rfmSegments(result), changes: [.remote(named, target)])
    }

    /// `explain customer ID`: the customer's row comes back (decoded as a load decodes it), and
    /// every metric's cut points and every named segment's verdict are computed there, one query each.
    func explainCustomer(_ table: Table, ids: [BoundCondition], levels: [Int: LevelCuts], segments: [(String, String, BoundCondition, [LevelCuts])]) throws -> CustomerExplanation {
        // The first id that picks a row picks it; the verdicts are for that id.
        var found: (page: Table, id: BoundCondition)? = nil
        for id in ids where found == nil {
            let sql = try compiler.rows(table, where: id, from: remote.from)
            let rows = try load(sql, as: table.name)
            if rows.rowCount > 0 { found = (rows, id) }
        }
        guard let (page, id) = found else { throw ExecutionFailure.noSuchCustomer(table: table.name) }
        let facts = try Engine.customerFacts(table, id: id, levels: levels, segments: segments, on: self)
        return CustomerExplanation(table: page, row: 0, levels: facts.levels, segments: facts.verdicts)
    }

    /// `show [top N by X]`: that page of rows comes back (ordered by X, else by the first column,
    /// which keys a derived customer table), with the count of all.
    func show(_ table: Table, top: BoundTop?, segment: BoundCondition?, rowLimit: Int) throws -> RowsResult {
        let limit = top?.count ?? rowLimit
        let sql = try compiler.rows(table, where: segment ?? .constant(true), from: remote.from, descending: top?.column,
                                    limit: limit == Int.max ? Int(Int32.max) : limit)
        let page = try load(sql, as: table.name)
        let counted = try Engine.counts(table, segment.map { [($0, [])] } ?? [], on: self)
        return RowsResult(table: page, rows: Array(0..<page.rowCount), matching: counted.counts.first ?? counted.total,
                          orderedBy: top.map { table.columns[$0.column].name })
    }

    /// Every row of `table` where `condition` holds (every row without one), by binary COPY, in
    /// one order whatever the server's (by each column in turn): what `export` writes to a file.
    public func rows(of table: Table, where condition: BoundCondition?, levels: [LevelCuts], control: LoadControl) throws -> Table {
        let sql = try compiler.rows(table, where: condition ?? .constant(true), levels: levels, from: remote.from, everyColumn: true)
        return try load(sql, as: table.name, control: control)
    }
}
