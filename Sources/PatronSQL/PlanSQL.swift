import PatronAnalysis
import PatronPlan
import PatronStore
import PatronSyntax

/// Writes a plan as one SQL statement's syntax tree: the plan's base relation as the common
/// table `t`, each set of order statistics a scalar uses as a one-row common table (`q1`, …)
/// cross-joined where it is read, and the plan's nodes as SELECT clauses, merged into one SELECT
/// where SQL allows and nested where it does not (a filter after a projection, an aggregate of
/// labels).
struct PlanSQL {
    let dialect: SQLDialect
    /// What `t` reads: the table itself, or a relation patron wrote (a server table's query).
    let source: SQLRelation
    /// The start of every order statistic's name, chosen so no name in the plan starts so.
    let prefix: String
    /// The columns of the base relation, which order statistics order.
    let baseSchema: Schema
    var statistics: [OrderStatistics] = []
    /// The greatest values the scalars read (`Scalar.maximum`), each a common table.
    var maxima: [Scalar] = []
    /// Order statistics already known (read from the server): their sets' tables are constants.
    var known: [(set: OrderStatistics, values: [String])] = []
    private var subqueries = 0
    /// Parts of the plan it reads more than once, each written once as a common table (`w1`, …).
    private let shared: [Plan]
    /// The parts of the plan written as common tables, by name.
    private var named: [(plan: Plan, name: String)] = []
    /// The common tables after `t`, each after those it reads.
    var commonTables: [(name: String, body: SQLSelect)] = []
    /// The base relation's scan (what `t` holds).
    let baseScan: Plan

    init(_ plan: Plan, dialect: SQLDialect, from source: String?) {
        self.dialect = dialect
        self.source = source.map { .written($0) } ?? .table(plan.base.name)
        baseSchema = plan.base.schema
        baseScan = .scan(name: plan.base.name, schema: plan.base.schema)
        shared = Self.repeated(in: plan)
        let names = Self.names(in: plan)
        var prefix = "q_"
        while names.contains(where: { $0.lowercased().hasPrefix(prefix) }) { prefix += "_" }
        self.prefix = prefix
    }

    /// The parts of a plan (but its scans) that it reads more than once, as SQL reads them: a
    /// part read again is a common table, so what is inside it is counted once.
    static func repeated(in plan: Plan) -> [Plan] {
        var seen: [(plan: Plan, count: Int)] = []
        func walk(_ p: Plan) {
            if let i = seen.firstIndex(where: { $0.plan == p }) {
                seen[i].count += 1
                return
            }
            seen.append((p, 1))
            p.reads.forEach(walk)
        }
        walk(plan)
        return seen.filter { if case .scan = $0.plan { return false } else { return $0.count > 1 } }.map(\.plan)
    }

    /// Every column name of every node of the plan.
    static func names(in plan: Plan) -> [String] {
        plan.nodes.flatMap { $0.schema.fields.map(\.name) }
    }

    func unsupported(_ what: String) -> SQLError {
        SQLError(message: "\(what) cannot be compiled to \(dialect.rawValue) SQL yet", hints: ["run it in memory: load the table into patron"])
    }

    /// The plan as one statement: `WITH t AS (…), q1 AS (…) SELECT …`.
    mutating func statement(_ plan: Plan) throws(SQLError) -> SQLSelect {
        var select = finish(try build(plan))
        var base = SQLSelect(from: source)
        base.columns = []
        select.with = [("t", base)]
        select.with += commonTables
        return select
    }

    /// The plan's statement written out, after a comment line.
    mutating func text(_ plan: Plan, comment: String?) throws(SQLError) -> String {
        let select = try statement(plan)
        return (comment.map { SQLDialect.comment($0) + "\n" } ?? "") + SQLWriter(dialect: dialect).statement(select) + ";"
    }

    // MARK: - Nodes

    /// A SELECT being made, with how each of its output columns is referred to inside it.
    struct Building {
        enum Stage: Int, Comparable {
            case plain, filtered, projected, aggregated, sorted, limited, joined, combined
            static func < (a: Stage, b: Stage) -> Bool { a.rawValue < b.rawValue }
        }

        var select: SQLSelect
        var fields: [SQLExpr]
        var names: [String]
        var schema: Schema
        var stage: Stage
        /// The alias of the relation the SELECT reads first (for `alias.*`).
        var alias: String
    }

    mutating func build(_ plan: Plan) throws(SQLError) -> Building {
        guard shared.contains(plan) else { return try buildNode(plan) }
        let name = try commonTable(plan)
        let names = plan.schema.fields.map(\.name)
        return Building(select: SQLSelect(from: .written(name)), fields: names.map { .column($0) }, names: names, schema: plan.schema, stage: .plain, alias: name)
    }

    /// The name of the common table that holds `plan`, written the first time it is asked for.
    mutating func commonTable(_ plan: Plan) throws(SQLError) -> String {
        if let found = named.first(where: { $0.plan == plan }) { return found.name }
        let body = finish(try buildNode(plan))
        let name = "w\(named.count + 1)"
        named.append((plan, name))
        commonTables.append((name, body))
        return name
    }

    /// What a scalar reads `relation` as: `t` for the base table, else a common table.
    mutating func rows(of relation: Plan) throws(SQLError) -> SQLRelation {
        if relation == baseScan { return .written("t") }
        if case .scan = relation { throw unsupported("a second table") }
        return .written(try commonTable(relation))
    }

    mutating func buildNode(_ plan: Plan) throws(SQLError) -> Building {
        switch plan {
        case .scan(let name, let schema):
            // The base relation is `t`; another table (a lookup table `attach` joins) is read by its name.
            let from: SQLRelation = plan == baseScan ? .written("t") : .table(name)
            return Building(select: SQLSelect(from: from), fields: schema.fields.map { .column($0.name) }, names: schema.fields.map(\.name),
                            schema: schema, stage: .plain, alias: "t")
        case .filter(let input, let condition):
            var b = try build(input)
            if b.stage > .filtered { b = wrap(b) }
            let test = try scalar(condition, &b)
            b.select.filter = b.select.filter.map { .junction("AND", [$0, test]) } ?? test
            b.stage = .filtered
            return b
        case .project(let input, let outputs):
            var b = try build(input)
            // Columns picked from sorted rows keep their order: the ORDER BY names the input's own values.
            let picks = outputs.allSatisfy { if case .column = $0.value { return true } else { return false } }
            if b.stage > .filtered && !(picks && (b.stage == .sorted || b.stage == .limited)) { b = wrap(b) }
            let values = try outputs.map { o throws(SQLError) in try scalar(o.value, &b) }
            b.select.columns = zip(values, outputs).map { ($0, .named($1.name)) }
            (b.fields, b.names, b.schema, b.stage) = (values, outputs.map(\.name), plan.schema, .projected)
            return b
        case .aggregate(let input, let groups, let values):
            var b = try build(input)
            if b.stage > .filtered { b = wrap(b) }
            let keys = try groups.map { g throws(SQLError) in try scalar(g.value, &b) }
            let aggregates = try values.map { v throws(SQLError) in try aggregate(v.call, &b) }
            b.select.columns = zip(keys, groups).map { ($0, .named($1.name)) }
                + zip(aggregates, values).map { ($1.asText ? .cast($0, .text) : $0, .named($1.name)) }
            b.select.groupBy = keys
            // Ordered by the values themselves, not the text they are read back as.
            let types = groups.map { $0.value.type(in: b.schema) } + values.map { $0.call.type(in: b.schema) }
            let schema = Schema(zip(groups.map(\.name) + values.map(\.name), types).map { Schema.Field(name: $0, type: $1) })
            (b.fields, b.names, b.schema, b.stage) = (keys + aggregates, groups.map(\.name) + values.map(\.name), schema, .aggregated)
            return b
        case .sort(let input, let keys):
            var b = try build(input)
            if b.stage >= .sorted { b = wrap(b) }
            b.select.orderBy = keys.map { key in
                let value = b.fields[key.column]
                switch key.order {
                case .ascending, .descending:
                    return SQLOrder(value: b.schema.fields[key.column].type == .text ? .byCodePoint(value) : value, descending: key.order == .descending)
                case .labels(let labels):
                    return SQLOrder(value: .caseOf(value, labels.enumerated().map { (.string($1.key), .number(String($0))) }), descending: false)
                }
            }
            b.stage = .sorted
            return b
        case .limit(let input, let count):
            var b = try build(input)
            if b.stage >= .limited { b = wrap(b) }
            b.select.limit = count
            b.stage = .limited
            return b
        case .window(let input, let outputs):
            var b = try build(input)
            if b.stage > .plain { b = wrap(b) }
            let inputNames = b.names
            var values: [SQLExpr] = []
            for output in outputs {
                let value = try aggregate(output.call, &b)
                switch output.frame {
                case .whole: values.append(.overAll(value))
                case .before(let keys):
                    values.append(.function("coalesce", [.overBefore(value, keys.map { SQLOrder(value: b.fields[$0.column], descending: $0.order == .descending) }), .number("0")]))
                }
            }
            b.select.columns = zip(b.fields, inputNames).map { ($0, .named($1)) } + zip(values, outputs).map { ($0, .named($1.name)) }
            (b.fields, b.names, b.schema, b.stage) = (b.fields + values, inputNames + outputs.map(\.name), plan.schema, .projected)
            return b
        case .union(let inputs):
            var parts: [SQLSelect] = []
            for input in inputs { parts.append(finish(try build(input))) }
            guard var first = parts.first else { throw unsupported("an empty union") }
            first.unions = Array(parts.dropFirst())
            let names = plan.schema.fields.map(\.name)
            return Building(select: first, fields: names.map { .column($0) }, names: names, schema: plan.schema, stage: .combined, alias: "t")
        case .orderStatistics(_, let sets):
            var b = Building(select: SQLSelect(from: .written("t")), fields: [], names: [], schema: plan.schema, stage: .projected, alias: "t")
            var values: [SQLExpr] = []
            for set in sets { for which in set.statistics { values.append(try statistic(set, which, &b)) } }
            b.select.from = b.select.joins.isEmpty ? .written("t") : b.select.joins.removeFirst().relation
            b.select.columns = zip(values, plan.schema.fields).map { ($0, .named($1.name)) }
            (b.fields, b.names) = (values, plan.schema.fields.map(\.name))
            return b
        case .join(let left, let right, let on, let keepUnmatched):
            let l = finish(try build(left)), r = finish(try build(right))
            let (la, ra) = (nextAlias(), nextAlias())
            let ls = left.schema, rs = right.schema
            var select = SQLSelect(from: .select(l, alias: la))
            let condition = on.map { SQLExpr.binary(.qualified(la, .column(ls.fields[$0.left].name)), "=", .qualified(ra, .column(rs.fields[$0.right].name))) }
            select.joins = [SQLJoin(kind: keepUnmatched ? .left : .inner, relation: .select(r, alias: ra),
                                    on: condition.count == 1 ? condition[0] : .junction("AND", condition))]
            let fields = ls.fields.map { SQLExpr.qualified(la, .column($0.name)) } + rs.fields.map { SQLExpr.qualified(ra, .column($0.name)) }
            return Building(select: select, fields: fields, names: plan.schema.fields.map(\.name), schema: plan.schema, stage: .joined, alias: la)
        }
    }

    mutating func nextAlias() -> String {
        subqueries += 1
        return "s\(subqueries)"
    }

    /// A SELECT as it is written: `*` spelled `alias.*` when other relations are joined to it, and
    /// a join's columns each under a name of its own.
    func finish(_ b: Building) -> SQLSelect {
        var select = b.select
        if b.stage == .joined {
            var seen: [String: Int] = [:]
            select.columns = zip(b.fields, b.names).map { field, name in
                let count = seen[name.lowercased(), default: 0] + 1
                seen[name.lowercased()] = count
                return (field, .named(count == 1 ? name : "\(name)_\(count)"))
            }
        } else if select.columns.isEmpty && !select.joins.isEmpty {
            select.columns = [(.star(b.alias), nil)]
        }
        return select
    }

    /// The SELECT made so far read as a relation by a new one.
    mutating func wrap(_ b: Building) -> Building {
        let inner = finish(b)
        let names = inner.columns.isEmpty || b.stage != .joined ? b.names
            : inner.columns.compactMap { if case .named(let name)? = $0.alias { return name } else { return nil } }
        let alias = nextAlias()
        return Building(select: SQLSelect(from: .select(inner, alias: alias)), fields: names.map { .column($0) }, names: names,
                        schema: b.schema, stage: .plain, alias: alias)
    }
}

extension PlanSQL {
    /// A one-row table of a column's order statistics (docs/sql.md): for each fraction k/m, `lo`
    /// (the value at rank ⌊(n−1)k/m⌋), `hi` (the next), `f` ((n−1)k mod m) and `cut`, the value a
    /// value must reach to be at or above the quantile: `lo` when the quantile lands on it, else `hi`.
    mutating func statisticsTable(_ set: OrderStatistics) throws(SQLError) -> SQLSelect {
        if let values = known.first(where: { $0.set == set })?.values, values.count == set.statistics.count {
            var constants = SQLSelect(from: .none)
            constants.columns = zip(values, set.statistics).map { (.number($0), .own(prefix + $1.name)) }
            return constants
        }
        let schema = set.relation.schema
        let relation = try rows(of: set.relation)
        var base = Building(select: SQLSelect(from: relation), fields: schema.fields.map { .column($0.name) }, names: schema.fields.map(\.name),
                            schema: schema, stage: .plain, alias: "t")
        let value = base.fields[set.column]
        let scope = try set.scope.map { s throws(SQLError) in try scalar(s, &base) }
        func named(_ e: SQLExpr, _ name: String) -> (value: SQLExpr, alias: SQLAlias?) { (e, .own(name)) }
        let v = SQLExpr.own("v"), r = SQLExpr.own("r"), n = SQLExpr.own("n"), nulls = SQLExpr.own("nulls")

        var ordered = SQLSelect(from: relation)
        ordered.columns = [named(value, "v"), named(.rowNumber(orderBy: value), "r")]
        ordered.filter = .junction("AND", [.isNull(value, negated: true)] + (scope.map { [$0] } ?? []))
        var counts = SQLSelect(from: relation)
        counts.columns = [named(.function("count", [value]), "n"), named(.binary(.countAll, "-", .function("count", [value])), "nulls")]
        counts.filter = scope
        var positions = SQLSelect(from: .select(counts, alias: "c"))
        positions.columns = [named(n, "n"), named(nulls, "nulls")]
        var picks = [named(.function("max", [n]), prefix + "n"), named(.function("max", [nulls]), prefix + "nulls")]
        for (i, fraction) in set.fractions.enumerated() {
            let h = SQLExpr.binary(.binary(n, "-", .number("1")), "*", .number(String(fraction.numerator)))
            let m = SQLExpr.number(String(fraction.denominator))
            let (k, f) = (SQLExpr.own("k\(i + 1)"), SQLExpr.own("f\(i + 1)"))
            positions.columns += [named(.integerDivide(h, m), "k\(i + 1)"), named(.remainder(h, m), "f\(i + 1)")]
            func at(_ offset: SQLExpr) -> SQLExpr { .function("max", [.caseWhen([(.binary(r, "=", .binary(k, "+", offset)), v)], otherwise: nil)]) }
            picks += [named(at(.number("1")), prefix + "lo\(i + 1)"), named(at(.number("2")), prefix + "hi\(i + 1)"),
                      named(at(.caseWhen([(.binary(f, "=", .number("0")), .number("1"))], otherwise: .number("2"))), prefix + "cut\(i + 1)"),
                      named(.function("max", [f]), prefix + "f\(i + 1)")]
        }
        var table = SQLSelect(from: .select(ordered, alias: "o"))
        table.joins = [SQLJoin(kind: .cross, relation: .select(positions, alias: "p"), on: nil)]
        table.columns = picks
        return table
    }
}
