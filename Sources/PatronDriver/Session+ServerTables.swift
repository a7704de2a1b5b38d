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
        let quoted = PostgresConnection.quote(name)
        let started = ContinuousClock.now
        try connection.execute("BEGIN")
        do {
            try connection.execute("DROP TABLE IF EXISTS pg_temp.patron_next")
            try connection.execute("CREATE TEMPORARY TABLE patron_next AS\n" + select)
            try connection.execute("DROP TABLE IF EXISTS pg_temp.\(quoted)")
            try connection.execute("ALTER TABLE pg_temp.patron_next RENAME TO \(quoted)")
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        timeServer(since: started, "nothing received (the table stays there)", emit: emit)
        let table = try connection.columns(schema: nil, table: name, name: name, connectionName: remote.connection)
        return (table, BoundServerTable(connection: remote.connection, schema: nil, table: name))
    }

    /// `rfm bins N` on a table left on a server: the scores are added there; the cut points and
    /// the rows per score come back.
    func rfmOnServer(_ table: Table, recency: Int, frequency: Int, monetary: Int, bins: Int, parsed: ParsedStatement, source: Source,
                     emit: (Output) -> Void) -> Outcome.Status {
        onServer(table.name, parsed: parsed, source: source, emit: emit) { remote, connection, shown in
            let compiled = try SQLCompiler(dialect: .postgres).rfm(table, recency: recency, frequency: frequency, monetary: monetary, bins: bins,
                                                                  from: PostgresConnection.qualified(remote.schema, remote.table))
            let statistics = try connection.row(compiled.statistics ?? "")
            let cuts = compiled.cuts(from: statistics, names: compiled.statisticNames).map(\.cuts)
            let (scored, target) = try replaceOnServer(table.name, select: compiled.select, remote, connection, emit: emit)
            let cells = try connection.rows("SELECT CAST(r_score AS TEXT), CAST(f_score AS TEXT), CAST(m_score AS TEXT), CAST(count(*) AS TEXT) FROM pg_temp.\(PostgresConnection.quote(table.name)) GROUP BY 1, 2, 3")
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
                              parsed: ParsedStatement, source: Source, emit: (Output) -> Void) -> Outcome.Status {
        onServer(table.name, parsed: parsed, source: source, emit: emit) { remote, connection, shown in
            let compiled = try SQLCompiler(dialect: .postgres).ruleSegments(table, rules: rules, from: PostgresConnection.qualified(remote.schema, remote.table))
            let (named, target) = try replaceOnServer(table.name, select: compiled.select, remote, connection, emit: emit)
            let money = monetary.map { "CAST(sum(\(PostgresConnection.quote(table.columns[$0].name))) AS TEXT)" } ?? "NULL"
            let answer = try connection.rows("SELECT rfm_segment, CAST(count(*) AS TEXT), \(money) FROM pg_temp.\(PostgresConnection.quote(table.name)) GROUP BY 1")
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
            let result = RuleAssignment(table: named, preset: preset, rows: rows, unmatched: counts["Others"] ?? 0, totalMonetary: monetary == nil ? nil : real(total))
            present(Presenter(language: language).present(.rfmSegments(result), computedOn: shown), emit: emit)
            return .ok
        }
    }
}
