import PatronAnalysis
import PatronPlan
import PatronStore

/// The general side of memory's runner: any plan made into a table of its own, node by node
/// (a filter is a selection taken, a projection compiled columns, an aggregate grouped by its
/// keys' values). The statement paths in `PlanRunner.swift` read the base table's rows without
/// making tables; this side serves the rest: derived relations, joins, windows and unions.
extension MemoryRunner {
    /// The rows a plan makes, as a table.
    public func relation(_ plan: Plan) throws -> Table {
        if Interrupt.requested { throw ExecutionFailure.cancelled }
        if case .scan = plan { return try made(plan) }
        return try made.table(for: plan) { try self.made(plan) }
    }

    private func made(_ plan: Plan) throws -> Table {
        switch plan {
        case .scan(let name, _):
            guard let found = name == table.name ? table : others[name] else { throw PlanError("a scan of '\(name)'") }
            return found
        case .filter(let input, let condition):
            let t = try relation(input)
            return t.taking(Engine.filter(try resolved(condition, in: plan), in: t))
        case .project(let input, let outputs):
            let t = try relation(input)
            let made = inParallel(outputs.map { output in { Result { try projected(output, over: t, in: plan) } } }, when: t.rowCount >= 100_000)
            return Table(name: t.name, columns: try made.map { try $0.get() }, rowCount: t.rowCount, origin: t.origin)
        case .aggregate(let input, let groups, let values):
            if let gathered = try gathered(input, groups: groups, values: values) { return gathered }
            let answer = try aggregated(try relation(input), groups: groups, values: values, in: plan)
            return try table(answer, schema: plan.schema, like: try relation(input))
        case .sort(let input, let keys):
            let t = try relation(input)
            let all = Array(0..<t.rowCount)
            let ordered = Engine.inOrder(all, by: keys, in: t) ? all : Engine.sorted(all, by: keys, in: t)
            return ordered == all ? t : t.taking(ordered)
        case .limit(let input, let n):
            let t = try relation(input)
            return n >= t.rowCount ? t : t.taking(Array(0..<max(n, 0)))
        case .window(let input, let outputs):
            let t = try relation(input)
            let added = try outputs.map { try windowed($0, over: t, in: plan) }
            return Table(name: t.name, columns: t.columns + added, rowCount: t.rowCount, origin: t.origin)
        case .union(let inputs):
            return try united(try inputs.map(relation), schema: plan.schema)
        case .join(let left, let right, let keys, let keepUnmatched):
            return try joined(try relation(left), try relation(right), on: keys, keepUnmatched: keepUnmatched)
        case .orderStatistics(_, let sets):
            let values = try sets.map { set throws -> [Literal] in
                let base = try relation(set.relation)
                return set.statistics.map { Engine.value(of: .statistic(set, $0), base: base) }
            }
            return try table(Answer(names: plan.schema.fields.map(\.name), rows: [values.flatMap { $0 }]), schema: plan.schema, like: table)
        }
    }

    /// Any plan's answer: its rows as values (an aggregate's reals among them), a sort and a
    /// limit over an aggregate applied to the answer's rows.
    func generalAnswer(_ plan: Plan) throws -> Answer {
        switch plan {
        case .limit(let input, let n):
            let inner = try generalAnswer(input)
            return Answer(names: inner.names, rows: Array(inner.rows.prefix(max(n, 0))))
        case .sort(let input, let keys):
            guard case .aggregate = input else { break }
            let inner = try generalAnswer(input)
            return Answer(names: inner.names, rows: inner.rows.enumerated().sorted { a, b in
                for key in keys where key.column < a.element.count {
                    let c = Self.order(a.element[key.column], b.element[key.column], key.order)
                    if c != 0 { return c < 0 }
                }
                return a.offset < b.offset
            }.map(\.element))
        case .aggregate(let input, let groups, let values):
            // An aggregate the gathering serves is made as a relation (once); any other one here.
            if !gathers(input, groups: groups, values: values) {
                return try aggregated(try relation(input), groups: groups, values: values, in: plan)
            }
        default: break
        }
        let t = try relation(plan)
        let compiled = t.columns.indices.map { Engine.compile(.column($0), in: t) }
        return Answer(names: plan.schema.fields.map(\.name), rows: (0..<t.rowCount).map { row in compiled.map { Engine.literal($0, row: row) } })
    }

    /// A table of an answer's rows, typed by the plan's schema.
    private func table(_ answer: Answer, schema: Schema, like origin: Table) throws -> Table {
        let columns = try schema.fields.enumerated().map { k, field in
            try Engine.materialize(answer.rows.map { k < $0.count ? $0[k] : .null }, type: field.type, name: field.name)
        }
        return Table(name: origin.name, columns: columns, rowCount: answer.rows.count, origin: origin.origin)
    }

    /// A scalar made ready for a relation that is not the base table: the values that are the
    /// same on every row (greatest values, order statistics, level cuts, the base's rows) found
    /// here, over the relations they name.
    func resolved(_ scalar: Scalar, in plan: Plan) throws -> Scalar {
        var failure: Error? = nil
        let base = plan.base.name == table.name ? table : others[plan.base.name]
        let out = scalar.rewritten { e -> Scalar? in
            do {
                switch e {
                case .maximum(let relation, _):
                    return .literal(try made.constant(e) { Engine.value(of: e, base: try self.relation(relation)) })
                case .statistic(let set, _): return .literal(try made.constant(e) { Engine.value(of: e, base: try self.relation(set.relation)) })
                case .level(let x, .quantiles(let set)):
                    return .level(try resolved(x, in: plan), .fixed(Engine.cuts(set, base: try self.relation(set.relation))))
                case .relationRows: return base.map { .literal(.number(Int128($0.rowCount), scale: 0)) }
                default: return nil
                }
            } catch {
                failure = failure ?? error
                return nil
            }
        }
        if let failure { throw failure }
        return out
    }

    /// One output of a projection as a column: a column passed through as it is (its "why"
    /// with it), anything else compiled.
    private func projected(_ output: Output, over t: Table, in plan: Plan) throws -> Column {
        let value = try resolved(output.value, in: plan)
        if let column = Engine.vector(value, over: t) {
            return Column(name: output.name, storage: column.storage, nulls: column.nulls, evidence: column.evidence)
        }
        return try Engine.materialize(Engine.compile(value, in: t), rows: t.rowCount, name: output.name)
    }
}

extension Scalar {
    /// The scalar with every part `replace` gives a replacement for replaced (the parts of a
    /// replacement are not visited again).
    public func rewritten(_ replace: (Scalar) -> Scalar?) -> Scalar {
        if let new = replace(self) { return new }
        func r(_ s: Scalar) -> Scalar { s.rewritten(replace) }
        switch self {
        case .column, .literal, .relationRows, .maximum, .statistic: return self
        case .compare(let a, let op, let b): return .compare(r(a), op, r(b))
        case .textMatch(let a, let kind, let b): return .textMatch(r(a), kind, r(b))
        case .arithmetic(let op, let a, let b, let type): return .arithmetic(op, r(a), r(b), type)
        case .quotient(let a, let b): return .quotient(r(a), r(b))
        case .roundedQuotient(let a, let b, let scale): return .roundedQuotient(r(a), r(b), scale: scale)
        case .and(let terms): return .and(terms.map(r))
        case .or(let terms): return .or(terms.map(r))
        case .call(let f, let terms, let type): return .call(f, terms.map(r), type)
        case .concat(let terms): return .concat(terms.map(r))
        case .not(let x): return .not(r(x))
        case .negate(let x): return .negate(r(x))
        case .isNull(let x, let negated): return .isNull(r(x), negated: negated)
        case .asText(let x): return .asText(r(x))
        case .atScale(let x, let scale): return .atScale(r(x), scale)
        case .level(let x, let bounds): return .level(r(x), bounds)
        case .monthIndex(let x): return .monthIndex(r(x))
        case .inList(let x, let items, let negated): return .inList(r(x), items.map(r), negated: negated)
        case .label(let rules, let otherwise): return .label(rules.map { (r($0.0), $0.1) }, otherwise: otherwise)
        case .when(let branches, let otherwise): return .when(branches.map { (r($0.0), r($0.1)) }, otherwise: otherwise.map(r))
        }
    }
}

