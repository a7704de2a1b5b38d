import PatronAnalysis
import PatronEngine
import PatronPostgres
import PatronRender
import PatronSQL
import PatronStore
import PatronSyntax

/// Statements that give a table left on a server new columns (`rfm bins`, `rfm segments`): the
/// new table is made there, in one transaction, as a temporary table under the same name.
extension Session {
    /// Replaces the server table behind `name` by `select` (which may read it): made as a new
    /// temporary table, the old temporary one dropped, the new one renamed; all or nothing.
    func replaceOnServer(_ name: String, select: String, _ remote: BoundServerTable, _ connection: PostgresConnection,
                         emit: (Output) -> Void) throws -> (table: Table, target: BoundServerTable) {
        let started = ContinuousClock.now
        try connection.executeAll(SQLCompiler(dialect: .postgres).replacingTemporaryTable(name, by: select))
        timeServer(since: started, "nothing received (the table stays there)", emit: emit)
        let table = try connection.columns(schema: nil, table: name, name: name, connectionName: remote.connection)
        return (table, BoundServerTable(connection: remote.connection, schema: nil, table: name))
    }

    /// `rfm bins N` on a table left on a server: the scores are added there; the cut points and
    /// the rows per score come back.
    func rfmOnServer(_ table: Table, recency: Int, frequency: Int, monetary: Int, bins: Int, at context: StatementContext,
                     emit: (Output) -> Void) -> Outcome.Status {
        return onServer(table.name, at: context, emit: emit) { remote, connection, shown in
            let compiled = try SQLCompiler(dialect: .postgres).rfm(table, recency: recency, frequency: frequency, monetary: monetary, bins: bins,
                                                                  from: remote.from)
            let statistics = try connection.row(compiled.statistics ?? "")
            let cuts = compiled.cuts(from: statistics, names: compiled.statisticNames).map(\.cuts)
            // The statistics just read go into the scoring as constants: worked out once.
            let (scored, target) = try replaceOnServer(table.name, select: compiled.select(withStatistics: statistics) ?? compiled.select, remote, connection, emit: emit)
            let cells = try connection.rows(SQLCompiler(dialect: .postgres).scoreCells(ofTemporaryTable: table.name))
            var counts = Array(repeating: Array(repeating: 0, count: bins), count: 3), heat = Array(repeating: Array(repeating: 0, count: bins), count: bins)
            for cell in cells where cell.count == 4 {
                let scores = cell[0..<3].map { $0.flatMap { Int($0) } }, n = Int(cell[3] ?? "") ?? 0
                for (k, score) in scores.enumerated() { if let score, (1...bins).contains(score) { counts[k][score - 1] += n } }
                if let r = scores[0], let f = scores[1], (1...bins).contains(r), (1...bins).contains(f) { heat[r - 1][f - 1] += n }
            }
            catalog.apply(.remote(scored, target))
            catalog.apply(.rfmBins(bins))
            present(Presenter(language: language).present(.rfm(RFMResult(table: scored, bins: bins, cuts: cuts, counts: counts, heat: heat)), computedOn: shown),
                    emit: emit)
            return .ok
        }
    }

    /// `rfm segments TABLE` on a table left on a server: each row is named there by the first rule
    /// that holds; the rows and the exact monetary of each name come back.
    func ruleSegmentsOnServer(_ table: Table, preset: String, rules: [(name: String, condition: BoundCondition)], monetary: Int?,
                              at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        return onServer(table.name, at: context, emit: emit) { remote, connection, shown in
            let compiled = try SQLCompiler(dialect: .postgres).ruleSegments(table, rules: rules, from: remote.from)
            let (named, target) = try replaceOnServer(table.name, select: compiled.select, remote, connection, emit: emit)
            let answer = try connection.rows(SQLCompiler(dialect: .postgres).ruleCounts(ofTemporaryTable: table.name, monetary: monetary.map { table.columns[$0].name }))
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
            catalog.apply(.remote(named, target))
            var result = RuleAssignment(table: named, preset: preset, rows: rows, unmatched: counts["Others"] ?? 0,
                                        unmatchedMonetary: monetary == nil ? nil : real(sums["Others"] ?? 0), totalMonetary: monetary == nil ? nil : real(total))
            for name in RuleAssignment.scoreColumns where table.columns.contains(where: { $0.name == name }) {
                let seen = try connection.rows(SQLDialect.postgres.distinctValues(of: name, in: "pg_temp." + PostgresConnection.quote(table.name)))
                let missing = RuleAssignment.gaps(in: Set(seen.compactMap { $0.first.flatMap { $0 }.flatMap { Int64($0) } }))
                if !missing.isEmpty { result.emptyScores.append((name, missing)) }
            }
            present(Presenter(language: language).present(.rfmSegments(result), computedOn: shown), emit: emit)
            return .ok
        }
    }
}

extension Session {
    /// `transitions` when the orders stay on a server: the customers are derived there at each
    /// date (into temporary tables), labelled there, and only the counts per pair come back.
    func transitionsOnServer(_ spec: BoundCustomers, from: Int32, to: Int32, by: Segmentation, at context: StatementContext,
                             emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        return onServer(spec.orders.name, at: context, emit: emit) { remote, connection, shown in
            // Derived at each date, labelled and paired there, in one statement: only the counts per pair come back.
            let sql = try SQLCompiler(dialect: .postgres).transitions(spec, from: from, to: to, by: by, text: Self.singleLine(source.text(of: parsed.span)),
                                                                       source: remote.from)
            let started = ContinuousClock.now
            let answer = try connection.rows(sql)
            timeServer(since: started, Self.received(answer), emit: emit)
            let order = SQLCompiler.segmentOrder(by)
            var counts = Array(repeating: Array(repeating: 0, count: order.count), count: order.count + 1)
            for row in answer where row.count == 3 {
                guard let after = row[1].flatMap({ order.firstIndex(of: $0) }) else { continue }
                let before = row[0].flatMap { order.firstIndex(of: $0) } ?? order.count
                counts[before][after] += Int(row[2] ?? "") ?? 0
            }
            let keys = Engine.segmentKeys(by, tierMetric: spec.profit != nil ? "profit" : "monetary")
            present(Presenter(language: language).present(.transitions(TransitionsResult(segmentation: by.name, keys: keys, from: from, to: to, counts: counts)),
                                                          computedOn: shown), emit: emit)
            return .ok
        }
    }
}

extension Session {
    /// `explain customer ID` on a table left on a server: the customer's row comes back (decoded
    /// as a load decodes it), each metric's cut points and each named segment's verdict are
    /// computed there, and the explanation is drawn as in memory.
    func explainCustomerOnServer(_ table: Table, id: BoundCondition, levels: [Int: LevelCuts], segments: [(String, String, BoundCondition, [LevelCuts])],
                                 at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        let (parsed, source) = (context.parsed, context.source)
        return onServer(table.name, at: context, emit: emit) { remote, connection, shown in
            let from = remote.from
            let sql = try SQLCompiler(dialect: .postgres).rows(table, where: id, from: from)
            let found = try connection.load(.query(sql), connectionName: remote.connection, name: table.name, control: LoadControl())
            guard found.rowCount > 0 else {
                var span = parsed.span
                if case .explainCustomer(let expression) = parsed.kind { span = expression.span }
                emit(.diagnostic(rendered(Diagnostic("no row of '\(table.name)' has \(table.columns[0].name) = \(source.text(of: span))", at: span,
                                                                      hints: ["the first column, \(table.columns[0].name), identifies a customer: see 'show top 5 by \(table.columns[0].name)'"]), in: source)))
                return .dataError
            }
            // Every metric's cut points from one answer row: a segment that names each level.
            let columns = levels.keys.sorted()
            var computed: [Int: LevelCuts] = [:]
            if !columns.isEmpty {
                let probe = BoundSegment(table: table, condition: .or(columns.map { .level(column: $0, levels[$0]!, .equal, level: 0) }), text: "",
                                         levels: columns.map { levels[$0]! }, profitColumn: nil)
                let cuts = try serverSegment(probe, remote, connection, emit: emit).levels
                for (column, cut) in zip(columns, cuts) where cut.basis > 0 { computed[column] = cut }
            }
            // In a segment when its condition is true for the row, out when false, else unknown.
            // Every segment's verdict from one query.
            let verdictSQL = try SQLCompiler(dialect: .postgres).verdicts(table, row: id, conditions: segments.map { ($0.2, $0.3) }, from: remote.from)
            let answer = segments.isEmpty ? [] : try connection.row(verdictSQL)
            func count(_ i: Int) -> Int { i < answer.count ? answer[i].flatMap { Int($0) } ?? 0 : 0 }
            let verdicts = segments.enumerated().map { i, segment -> (name: String, definition: String, isMember: Bool?) in
                (segment.0, segment.1, count(2 * i) > 0 ? true : count(2 * i + 1) > 0 ? false : nil)
            }
            present(Presenter(language: language).present(.customerExplained(CustomerExplanation(table: found, row: 0, levels: computed, segments: verdicts)),
                                                          computedOn: shown), emit: emit)
            return .ok
        }
    }
}

extension Session {
    /// `crosstab A by B` on a table left on a server: counted there as `count … by A, B`, the
    /// groups read back as a summary's are, and laid out as in memory.
    func crosstabOnServer(_ table: Table, rows: Int, columns: Int, condition: BoundCondition?, at context: StatementContext,
                          emit: (Output) -> Void) -> Outcome.Status {
        return onServer(table.name, at: context, emit: emit) { remote, connection, shown in
            let summary = try serverSummary(.counting(table, by: [rows, columns], within: condition), remote, connection, at: context, emit: emit)
            var weights = Array(repeating: 0, count: summary.table.rowCount)
            for row in summary.rows where row.representative < weights.count {
                if case .count(let n)? = row.values.first { weights[row.representative] = n }
            }
            let result = Engine.crosstab(summary.table, rows: 0, columns: 1, condition: nil, weights: weights)
            present(Presenter(language: language).present(.crosstab(result), computedOn: shown), emit: emit)
            return .ok
        }
    }

    /// `show [top N by X]` on a table left on a server: that page of rows comes back (ordered by
    /// X, else by the first column, which keys a derived customer table), with the count of all.
    func showOnServer(_ table: Table, top: BoundTop?, segment: BoundCondition?, at context: StatementContext, emit: (Output) -> Void) -> Outcome.Status {
        return onServer(table.name, at: context, emit: emit) { remote, connection, shown in
            let limit = top?.count ?? (format == nil ? rowLimit : Int.max)
            let sql = try SQLCompiler(dialect: .postgres).rows(table, where: segment ?? .constant(true), from: remote.from,
                                                              descending: top?.column, limit: limit == Int.max ? Int(Int32.max) : limit)
            let page = try connection.load(.query(sql), connectionName: remote.connection, name: table.name, control: LoadControl())
            let counted = try serverSummary(.counting(table, by: [], within: segment), remote, connection, at: context, emit: emit)
            guard case .count(let matching)? = counted.rows.first?.values.first else { return .dataError }
            let result = RowsResult(table: page, rows: Array(0..<page.rowCount), matching: matching, orderedBy: top.map { table.columns[$0.column].name })
            present(Presenter(language: language).present(.rows(result), computedOn: shown), emit: emit)
            return .ok
        }
    }
}
