import PatronAnalysis
import PatronStore

extension Plan {
    /// The node's inputs, in order.
    public var inputs: [Plan] {
        switch self {
        case .scan: return []
        case .filter(let input, _), .sort(let input, _), .limit(let input, _), .project(let input, _), .aggregate(let input, _, _),
             .orderStatistics(let input, _), .window(let input, _):
            return [input]
        case .join(let left, let right, _, _): return [left, right]
        case .union(let inputs): return inputs
        }
    }

    /// The scalars the node computes.
    public var scalars: [Scalar] {
        switch self {
        case .scan, .sort, .limit, .join, .union: return []
        case .filter(_, let condition): return [condition]
        case .project(_, let outputs): return outputs.map(\.value)
        case .aggregate(_, let groups, let values): return groups.map(\.value) + values.flatMap { $0.call.scalars }
        case .window(_, let outputs): return outputs.flatMap { $0.call.scalars }
        case .orderStatistics(_, let sets): return sets.map { .statistic($0, .n) }
        }
    }

    /// The relations the node reads: its inputs, and those its scalars order or search.
    public var reads: [Plan] {
        inputs + scalars.flatMap(\.relations)
    }

    /// Every node the plan reads, itself first, depth first (a node read twice is listed twice).
    public var nodes: [Plan] {
        [self] + reads.flatMap(\.nodes)
    }
}

extension AggregateCall {
    var scalars: [Scalar] { [argument, filter].compactMap { $0 } }
}

extension Scalar {
    /// The relations the scalar reads beside its row: those its order statistics order, and
    /// those whose greatest value it takes.
    public var relations: [Plan] {
        var found: [Plan] = []
        for set in orderStatistics where !found.contains(set.relation) { found.append(set.relation) }
        visit { scalar in
            if case .maximum(let relation, _) = scalar, !found.contains(relation) { found.append(relation) }
        }
        return found
    }

    /// Calls `body` on the scalar and every scalar inside it.
    public func visit(_ body: (Scalar) -> Void) {
        body(self)
        switch self {
        case .column, .literal, .relationRows, .maximum, .statistic: return
        case .compare(let a, _, let b), .textMatch(let a, _, let b), .arithmetic(_, let a, let b, _), .quotient(let a, let b), .roundedQuotient(let a, let b, _):
            a.visit(body); b.visit(body)
        case .and(let terms), .or(let terms), .call(_, let terms, _), .concat(let terms): terms.forEach { $0.visit(body) }
        case .not(let x), .negate(let x), .isNull(let x, _), .asText(let x), .atScale(let x, _), .level(let x, _), .monthIndex(let x): x.visit(body)
        case .inList(let x, let items, _): x.visit(body); items.forEach { $0.visit(body) }
        case .label(let rules, _): rules.forEach { $0.0.visit(body) }
        case .when(let branches, let otherwise):
            branches.forEach { $0.0.visit(body); $0.1.visit(body) }
            otherwise?.visit(body)
        }
    }
}

extension Plan {
    /// A scan of a table, under its name, with its schema.
    public static func table(_ table: PatronStore.Table) -> Plan {
        .scan(name: table.name, schema: Schema(table))
    }
}
