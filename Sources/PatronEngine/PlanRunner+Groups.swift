import PatronAnalysis
import PatronPlan
import PatronStore

extension MemoryRunner {
    /// A grouped aggregate over the table's rows (through a projection, whose outputs are put in
    /// place of its columns), sorted by labels: what a framework's plan is. Each group is a
    /// value of the group scalar; a label's rules are filtered in turn over the rows no earlier
    /// rule took, so each is one selection.
    func groupedAnswer(_ plan: Plan) throws -> Answer {
        var order: [Label]? = nil, body = plan
        if case .sort(let input, let keys) = plan, keys.count == 1, keys[0].column == 0, case .labels(let labels) = keys[0].order {
            (order, body) = (labels, input)
        }
        guard case .aggregate(let input, let groups, let values) = body, groups.count == 1 else { throw PlanError("this plan in memory") }
        // The projection's outputs in place of its columns.
        var rowsPlan = input, outputs: [Scalar]? = nil
        if case .project(let inner, let projected) = input { (rowsPlan, outputs) = (inner, projected.map(\.value)) }
        func inlined(_ s: Scalar) throws -> Scalar {
            guard let outputs else { return s }
            guard case .column(let k) = s, k >= 0, k < outputs.count else { throw PlanError("this plan in memory") }
            return outputs[k]
        }
        let rows = try self.rows(rowsPlan)
        let (groupOf, keys) = try grouping(rows, by: try inlined(groups[0].value))
        var answers: [[Literal]] = keys.map { [$0] }
        for output in values {
            let column = try aggregate(output.call, rows: rows, groupOf: groupOf, groups: keys.count, inlined)
            for g in answers.indices { answers[g].append(column[g]) }
        }
        if let order {
            let place = { (key: Literal) -> Int in order.firstIndex { .text($0.key) == key } ?? order.count }
            answers.sort { place($0[0]) < place($1[0]) }
        }
        return Answer(names: [groups[0].name] + values.map(\.name), rows: answers)
    }

    /// Each row's segment under a framework's segmenting, as its place in `order`; -1 for a row
    /// out of scope.
    public func labels(_ segmenting: Segmenting) throws -> [Int] {
        let rows = Engine.filter(segmenting.scope, in: table)
        let (groupOf, keys) = try grouping(rows, by: segmenting.label)
        let place = keys.map { key in segmenting.order.firstIndex { .text($0.key) == key } ?? -1 }
        var labels = [Int](repeating: -1, count: table.rowCount)
        for (i, r) in rows.enumerated() where groupOf[i] >= 0 { labels[r] = place[Int(groupOf[i])] }
        return labels
    }

    /// Each row's group (an index into the keys) and the keys in order of first appearance.
    func grouping(_ rows: Selection, by scalar: Scalar) throws -> (groupOf: [Int32], keys: [Literal]) {
        var groupOf = [Int32](repeating: -1, count: rows.count)
        if case .label(let rules, let otherwise) = scalar {
            // Position of each row among `rows`, so a selection's rows find their slot.
            var slot = [Int32](repeating: -1, count: table.rowCount)
            for (i, r) in rows.enumerated() { slot[r] = Int32(i) }
            var remaining = rows
            for (k, rule) in rules.enumerated() {
                for r in Engine.filter(rule.0, in: table, selection: remaining) { groupOf[Int(slot[r])] = Int32(k) }
                remaining = remaining.filter { groupOf[Int(slot[$0])] < 0 }
            }
            for r in remaining { groupOf[Int(slot[r])] = Int32(rules.count) }
            return (groupOf, rules.map { .text($0.1.key) } + [.text(otherwise.key)])
        }
        guard case .text(let value) = Engine.compile(scalar, in: table) else { throw PlanError("this grouping in memory") }
        var index: [String?: Int32] = [:], keys: [Literal] = []
        for (i, r) in rows.enumerated() {
            let key = value(r)
            if let g = index[key] { groupOf[i] = g; continue }
            index[key] = Int32(keys.count)
            groupOf[i] = Int32(keys.count)
            keys.append(key.map { .text($0) } ?? .null)
        }
        return (groupOf, keys)
    }

    /// One aggregate's value for every group.
    private func aggregate(_ call: AggregateCall, rows: Selection, groupOf: [Int32], groups: Int, _ inlined: (Scalar) throws -> Scalar) throws -> [Literal] {
        var taking = [Bool](repeating: true, count: rows.count)
        if let filter = call.filter {
            let kept = Set(Engine.filter(try inlined(filter), in: table, selection: rows))
            taking = rows.map { kept.contains($0) }
        }
        switch call.kind {
        case .count where call.argument == nil:
            var counts = [Int](repeating: 0, count: groups)
            for i in rows.indices where taking[i] && groupOf[i] >= 0 { counts[Int(groupOf[i])] += 1 }
            return counts.map { .number(Int128($0), scale: 0) }
        case .sum:
            guard let argument = try call.argument.map(inlined), case .number(let scale) = argument.type(in: Schema(table)) else { throw PlanError("this sum in memory") }
            if case .literal(.number(let m, _)) = argument, m == 0 {
                // Nothing summed (a framework with no value column): every group's sum is 0.
                return Array(repeating: .number(0, scale: scale), count: groups)
            }
            let value = Engine.compile(argument, in: table).asNumber(scale: scale)
            var sums = [Int128](repeating: 0, count: groups), present = [Bool](repeating: false, count: groups)
            for (i, r) in rows.enumerated() where taking[i] && groupOf[i] >= 0 {
                guard let v = value(r) else { continue }
                sums[Int(groupOf[i])] += Int128(v)
                present[Int(groupOf[i])] = true
            }
            return (0..<groups).map { present[$0] ? .number(sums[$0], scale: scale) : .null }
        case .constant:
            let value = call.argument.map { Engine.value(of: $0, over: table) } ?? .null
            return Array(repeating: value, count: groups)
        case .rowsInScope: return Array(repeating: .number(Int128(rows.count), scale: 0), count: groups)
        case .groups: return Array(repeating: .number(Int128(groups), scale: 0), count: groups)
        default: throw PlanError("\(call.kind) in memory")
        }
    }
}

extension MemoryRunner {
    /// `summarize …` and `count … by`: the summary's plan (`Lowered.summary`) run on memory's
    /// grouped aggregation (combined-key or radix-sorted groups, exact sums a block at a time).
    public func summary(_ query: BoundAggregateQuery, text: String) throws -> AggregateResult {
        var plan = try Lowered.summary(query, counting: false).plan
        var top: Int? = nil, keys: [SortKey] = []
        if case .limit(let input, let n) = plan { (plan, top) = (input, n) }
        if case .sort(let input, let sortKeys) = plan { (plan, keys) = (input, sortKeys) }
        guard case .aggregate(let input, let groups, let values) = plan else { throw PlanError("this summary in memory") }
        let columns = try groups.map { group throws -> Int in
            guard case .column(let index) = group.value else { throw PlanError("this grouping in memory") }
            return index
        }
        let kinds: [AggregateCall.Kind: BoundAggregate.Kind] = [.count: .count, .sum: .sum, .avg: .avg, .median: .median, .min: .min, .max: .max, .share: .share]
        let calls = try values.map { value throws -> (kind: BoundAggregate.Kind, argument: Scalar?) in
            guard let kind = kinds[value.call.kind], value.call.filter == nil else { throw PlanError("\(value.call.kind) in memory") }
            return (kind, value.call.argument)
        }
        // A sort by an output comes before the groups' own order (the plan's last keys).
        let sort = keys.count > groups.count ? keys.first.map { (column: $0.column, descending: $0.order == .descending) } : nil
        return Engine.aggregate(Engine.GroupedAggregate(table: table, rows: try rows(input), groups: columns, calls: calls, labels: values.map(\.name),
                                                        sort: sort, top: top, levels: query.levels.computed(over: table)))
    }
}

extension Engine {
    /// `crosstab A by B [where …]`: the rows of each pair counted by the runner's summary, then
    /// laid out (the most frequent values each way, the rest folded) here.
    public static func crosstab(_ table: Table, rows: Int, columns: Int, condition: BoundCondition?, text: String, on runner: some PlanRunner) throws -> CrosstabResult {
        let summary = try runner.summary(.counting(table, by: [rows, columns], within: condition), text: text)
        var weights = Array(repeating: 0, count: summary.table.rowCount)
        for row in summary.rows where row.representative < weights.count {
            if case .count(let n)? = row.values.first { weights[row.representative] = n }
        }
        return crosstab(summary.table, rows: summary.groupColumns[0], columns: summary.groupColumns[1], condition: nil, weights: weights)
    }
}

extension MemoryRunner {
    /// A whole-number scalar of the table's rows (0 where it is null) when it is a level of a
    /// column under `cuts`, plus or less a whole number (a score): one loop over the stored
    /// values; any other scalar compiled.
    func wholeNumbers(_ scalar: Scalar, levelsOf index: Int, cuts: [Double]) -> [Int64] {
        let column = table.columns[index], levelOf = LevelLookup(cuts)
        var out = [Int64](repeating: 0, count: table.rowCount)
        func fill(_ score: (Int64) -> Int64) {
            guard let (v, scale) = column.mantissas, !cuts.isEmpty else { return }
            let divisor = powerOfTen(scale), nulls = column.nulls
            for row in 0..<table.rowCount where !nulls.contains(row) { out[row] = score(Int64(levelOf(Double(v[row]) / divisor))) }
        }
        switch scalar {
        case .arithmetic(.subtract, .literal(.number(let k, 0)), .level(.column(index), _), _): fill { Int64(clamping: k) &- $0 }
        case .arithmetic(.add, .level(.column(index), _), .literal(.number(let k, 0)), _): fill { $0 &+ Int64(clamping: k) }
        default:
            let value = Engine.compile(scalar, in: table).asNumber(scale: 0)
            for row in 0..<table.rowCount { out[row] = value(row) ?? 0 }
        }
        return out
    }
}
