import PatronAnalysis
import PatronEngine
import PatronPostgres
import PatronPlan
import PatronSQL
import PatronStore

/// Runs bound statements on the PostgreSQL server that holds their table, as the engine runs
/// them in memory: each is compiled from its plan (PatronSQL), sent once, and its answer read
/// back by column name into the engine's result types and catalog changes, so the presenter
/// draws it as it draws memory's. The driver only chooses between the two.
public final class ServerExecutor: PlanRunner {
    let connection: PostgresConnection
    let remote: BoundServerTable
    /// Told after each trip to the server: its seconds and what came back.
    let trip: (Double, Received) -> Void
    let compiler = SQLCompiler(dialect: .postgres)

    public init(connection: PostgresConnection, remote: BoundServerTable, trip: @escaping (Double, Received) -> Void) {
        self.connection = connection
        self.remote = remote
        self.trip = trip
    }

    /// What a trip to the server brought back.
    public enum Received: Sendable {
        /// Rows of text, this many bytes.
        case bytes(Int)
        /// Groups of a summary, by binary COPY.
        case groups(Int)
        /// Rows of a table, by binary COPY.
        case rows(Int)
        /// Nothing: the answer stays there (a table made on the server).
        case nothing
    }

    /// The table a statement reads, when the statement can run on a server.
    public static func table(of statement: BoundStatement) -> String? {
        switch statement {
        case .customers(let spec), .transitions(let spec, _, _, _), .cohorts(let spec, _, _): return spec.orders.name
        case .aggregate(let query): return query.table.name
        case .count(let table, _, _, _), .matrix(let table, _, _, _, _), .tiers(let table, _), .lifecycle(let table, _, _, _, _),
             .rfm(let table, _, _, _, _), .rfmSegments(let table, _, _, _), .explainCustomer(let table, _, _, _), .crosstab(let table, _, _, _),
             .show(let table, _, _, _), .addColumn(let table, _, _, _), .pareto(let table, _, _, _), .levels(let table, _, _, _), .showSegments(let table, _), .showLevels(let table, _):
            return table.name
        case .explainSegment(_, let bound, _): return bound.table.name
        case .defineSegment(_, let preview): return preview.table.name
        case .segment(let segment): return segment.table.name
        default: return nil
        }
    }

    /// Runs `statement` (written as `text`) there; `rowLimit` is how many rows `show` without
    /// `top` pages. Nil for a statement with no server path.
    public func execute(_ statement: BoundStatement, text: String, rowLimit: Int) throws -> Execution? {
        switch statement {
        case .segment(let segment): return Execution(.segment(try Engine.segment(segment, on: self)))
        case .defineSegment(let definition, let preview):
            return Execution(.segmentDefined(definition, try Engine.segment(preview, on: self)), changes: [.segment(definition.name, definition)])
        case .aggregate(let query): return Execution(.summary(try summary(query, text: text)))
        case .count(let table, let segment, let name, let groups):
            guard groups.isEmpty else { return Execution(.summary(try summary(.counting(table, by: groups, within: segment), text: text))) }
            return Execution(try Engine.count(table, segment: segment, name: name, on: self))
        case .matrix, .tiers, .lifecycle: return try Engine.framework(statement, on: self).map { Execution($0) }
        case .pareto(let table, let column, let a, let b): return Execution(.pareto(try pareto(table, column: column, a: a, b: b, text: text)))
        case .explainSegment(let definition, let bound, let columns):
            return Execution(.segmentExplained(try explain(definition, bound, columns: columns, text: text)))
        case .levels(let table, let column, let definition, let cuts):
            return Execution(.levelsSet(try Engine.levelCounts(table, column: column, cuts, on: self)),
                             changes: [.levels(table: table.name, column: table.columns[column].name, definition)])
        case .showSegments(let table, let segments): return Execution(.segments(try Engine.sizes(table, segments, on: self)))
        case .cohorts(let spec, let period, let measure): return Execution(.cohorts(try Engine.cohorts(spec, period: period, measure: measure, on: self)))
        case .showLevels(let table, let all):
            let (levels, rows) = try Engine.levelTable(table, all, on: self)
            return Execution(.levelTable(table, levels, rows: rows))
        default: return try executeTables(statement, text: text, rowLimit: rowLimit)
        }
    }

    /// Sends a query that answers in rows of text; tells how long it took and what came back.
    func rows(_ sql: String) throws -> [[String?]] {
        let started = ContinuousClock.now
        let answer = try connection.rows(sql)
        told(since: started, Self.received(answer))
        return answer
    }

    func row(_ sql: String) throws -> [String?] {
        let started = ContinuousClock.now
        let answer = try connection.row(sql)
        told(since: started, Self.received([answer]))
        return answer
    }

    /// Sends a query whose answer comes by binary COPY into a table named `name` (Ctrl-C cancels
    /// it on the server); tells how long it took and how many rows, or `groups`, came back.
    func load(_ sql: String, as name: String, control: LoadControl = LoadControl(), groups: Bool = false) throws -> Table {
        let started = ContinuousClock.now
        let answer = try connection.load(.query(sql), connectionName: remote.connection, name: name, control: control)
        told(since: started, groups ? .groups(answer.rowCount) : .rows(answer.rowCount))
        return answer
    }

    /// Sends a query whose answer is read by column name.
    func namedRows(_ sql: String) throws -> (names: [String], rows: [[String?]]) {
        let started = ContinuousClock.now
        let answer = try connection.namedRows(sql)
        told(since: started, Self.received(answer.rows))
        return answer
    }

    func told(since started: ContinuousClock.Instant, _ received: Received) {
        let elapsed = ContinuousClock.now - started
        trip(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, received)
    }

    /// What came back in rows of text: their bytes.
    static func received(_ rows: [[String?]]) -> Received {
        .bytes(rows.reduce(0) { $0 + $1.reduce(0) { $0 + ($1?.utf8.count ?? 0) } })
    }

    /// A plan's rows: compiled, sent once, each value read as the plan's schema types it.
    public func answer(_ plan: Plan) throws -> Answer {
        Answer(text: try rows(compiler.query(plan, from: remote.from)), schema: plan.schema)
    }

    /// Cut points the server's rows give, checked as memory checks them: a column with no values
    /// has no quantiles (rather than a made-up cut at 0); a float column's NaN or infinity sorts
    /// into the order statistics, and memory refuses such a value at the load, so a cut point
    /// made of one is refused too.
    public func check(_ levels: [LevelCuts], emptyAllowed: Bool) throws {
        if !emptyAllowed, let empty = levels.first(where: { $0.basis == 0 && $0.method != .fixedCuts }) {
            throw SQLError(message: "'\(empty.column)' has no values to compute levels from", hints: [])
        }
        if let odd = levels.first(where: { $0.cuts.contains { !$0.isFinite } }) {
            throw SQLError(message: "'\(odd.column)' holds NaN or infinity on the server, so its levels have no cut point patron can use",
                           hints: ["leave them out in a query: load from CONNECTION query \"\(SQLCompiler(dialect: .postgres).finiteRows(of: odd.column))\""])
        }
    }

    /// A summary (`summarize … by …`, `count … by …`), its groups streamed back by binary COPY
    /// (so that Ctrl-C cancels the query on the server), read as memory computes it.
    public func summary(_ query: BoundAggregateQuery, text: String) throws -> AggregateResult {
        let compiled = try compiler.compile(query, text: text, from: remote.from, counting: true)
        let answer = try load(compiled.sql, as: query.table.name, groups: true)
        let read = compiled.read(answer)
        let rows = try AggregateText.rows(read.values, labels: query.aggregates.map(\.label)).get()
        return AggregateResult(table: answer, groupColumns: Array(query.groups.indices), labels: query.aggregates.map(\.label),
                               rows: rows, groupCount: read.groupCount, scope: read.scope, levels: read.levels)
    }
}

extension BoundServerTable {
    /// What compiled statements read the table from: the query `use` set, or the table itself.
    public var from: String { relation ?? PostgresConnection.qualified(schema, table) }
}
