import PatronAnalysis
import PatronPlan
import PatronStore

/// A value as a key for grouping and joining: exact numbers by their value whatever their
/// scale, text by code point (as the store keeps it), null apart.
enum KeyValue: Hashable {
    case number(Int128, scale: Int)
    case real(Double)
    case text(CodePointText)
    case date(Int32), timestamp(Int64), boolean(Bool)
    case null

    init(_ literal: Literal) {
        switch literal {
        case .number(var m, var s):
            while s > 0 && m % 10 == 0 { m /= 10; s -= 1 }
            self = .number(m, scale: s)
        case .real(let r): self = .real(r)
        case .text(let t): self = .text(CodePointText(t))
        case .date(let d): self = .date(d)
        case .timestamp(let t): self = .timestamp(t)
        case .boolean(let b): self = .boolean(b)
        case .null: self = .null
        }
    }
}

extension MemoryRunner {
    /// Each row's code among the distinct values a compiled scalar takes, and those values in
    /// order of first appearance (null among them when a row has none).
    static func codes(_ compiled: Compiled, rows n: Int) -> (codes: [Int32], values: [Literal]) {
        var values: [Literal] = []
        func coded<T: Hashable>(_ read: (Int) -> T?, _ literal: (T) -> Literal) -> [Int32] {
            var index: [T?: Int32] = [:]
            return (0..<n).map { row in
                let v = read(row)
                if let known = index[v] { return known }
                index[v] = Int32(values.count)
                values.append(v.map(literal) ?? .null)
                return Int32(values.count - 1)
            }
        }
        switch compiled {
        case .number(let f, let s): return (coded(f) { .number(Int128($0), scale: s) }, values)
        case .real(let f): return (coded(f) { .real($0) }, values)
        case .date(let f): return (coded(f) { .date($0) }, values)
        case .timestamp(let f): return (coded(f) { .timestamp($0) }, values)
        case .boolean(let f): return (coded(f) { .boolean($0) }, values)
        case .text(let f): return (coded({ f($0).map(CodePointText.init) }) { .text($0.text) }, values)
        case .null: return (Array(repeating: 0, count: n), n > 0 ? [.null] : [])
        }
    }

    /// Each row's code among the distinct values of a whole-number, date or text column, read
    /// from its storage (no value made per row): dense numbers by offset, text by dictionary code.
    static func codes(of column: Column) -> (codes: [Int32], values: [Literal])? {
        let n = column.count, nulls = column.nulls
        var codes = [Int32](repeating: 0, count: n), values: [Literal] = [], nullCode: Int32 = -1
        func null() -> Int32 {
            if nullCode < 0 { nullCode = Int32(values.count); values.append(.null) }
            return nullCode
        }
        func numbers<T: FixedWidthInteger>(_ v: [T], _ literal: (T) -> Literal) {
            let bounds = Engine.range(of: v, nulls: nulls)
            if let bounds, Int(bounds.upperBound) - Int(bounds.lowerBound) < 4 * n + 1024 {
                var group = [Int32](repeating: -1, count: Int(bounds.upperBound) - Int(bounds.lowerBound) + 1)
                for r in 0..<n {
                    if nulls.contains(r) { codes[r] = null(); continue }
                    let k = Int(v[r]) - Int(bounds.lowerBound)
                    if group[k] < 0 { group[k] = Int32(values.count); values.append(literal(v[r])) }
                    codes[r] = group[k]
                }
                return
            }
            var index: [T: Int32] = [:]
            for r in 0..<n {
                if nulls.contains(r) { codes[r] = null(); continue }
                if let known = index[v[r]] { codes[r] = known; continue }
                index[v[r]] = Int32(values.count)
                values.append(literal(v[r]))
                codes[r] = Int32(values.count - 1)
            }
        }
        switch column.storage {
        case .integer(let v): numbers(v) { .number(Int128($0), scale: 0) }
        case .decimal(let v, let s): numbers(v) { .number(Int128($0), scale: s) }
        case .date(let v): numbers(v) { .date($0) }
        case .text(let textCodes, let dictionary):
            var group = [Int32](repeating: -1, count: dictionary.count)
            for r in 0..<n {
                if nulls.contains(r) { codes[r] = null(); continue }
                let c = Int(textCodes[r])
                if group[c] < 0 { group[c] = Int32(values.count); values.append(.text(dictionary[c])) }
                codes[r] = group[c]
            }
        default: return nil
        }
        return (codes, values)
    }

    /// A grouped (or whole) aggregate of a table's rows: a row per group, in order of first
    /// appearance, the groups' values then the aggregates'.
    func aggregated(_ t: Table, groups: [Output], values: [AggregateOutput], in plan: Plan) throws -> Answer {
        var groupOf = [Int32](repeating: 0, count: t.rowCount), keys: [[Literal]] = groups.isEmpty ? [[]] : []
        if !groups.isEmpty {
            let coded = try groups.map { group throws -> (codes: [Int32], values: [Literal]) in
                if case .column(let k) = group.value, k >= 0, k < t.columns.count, let fast = Self.codes(of: t.columns[k]) { return fast }
                return Self.codes(Engine.compile(try resolved(group.value, in: plan), in: t), rows: t.rowCount)
            }
            // Codes combined key by key: a pair of codes is a new code.
            var combined = coded[0].codes, tuples = coded[0].values.map { [$0] }
            for next in coded.dropFirst() {
                var index: [Int64: Int32] = [:], merged: [[Literal]] = []
                for row in combined.indices {
                    let pair = Int64(combined[row]) << 32 | Int64(next.codes[row])
                    if let known = index[pair] { combined[row] = known; continue }
                    index[pair] = Int32(merged.count)
                    merged.append(tuples[Int(combined[row])] + [next.values[Int(next.codes[row])]])
                    combined[row] = Int32(merged.count - 1)
                }
                tuples = merged
            }
            (groupOf, keys) = (combined, tuples)
        }
        let columns = try values.map { try aggregate($0.call, over: t, groupOf: groupOf, groups: keys.count, in: plan) }
        let rows = keys.indices.map { g in keys[g] + columns.map { $0[g] } }
        return Answer(names: groups.map(\.name) + values.map(\.name), rows: rows)
    }

    /// One aggregate's value for every group.
    private func aggregate(_ call: AggregateCall, over t: Table, groupOf: [Int32], groups: Int, in plan: Plan) throws -> [Literal] {
        let n = t.rowCount
        var taking = [Bool](repeating: true, count: n)
        if let filter = call.filter {
            let truth = Engine.truth(Engine.compile(try resolved(filter, in: plan), in: t))
            taking = (0..<n).map { truth($0) == true }
        }
        let argument = try call.argument.map { Engine.compile(try resolved($0, in: plan), in: t) }
        let rows = (0..<n).filter { taking[$0] }
        switch call.kind {
        case .count:
            var counts = [Int](repeating: 0, count: groups)
            let present: (Int) -> Bool = argument.map { a in { Engine.literal(a, row: $0) != .null } } ?? { _ in true }
            for r in rows where present(r) { counts[Int(groupOf[r])] += 1 }
            return counts.map { .number(Int128($0), scale: 0) }
        case .sum, .avg, .share:
            guard let argument else { throw PlanError("\(call.kind) of nothing") }
            return Self.sums(argument, rows: rows, groupOf: groupOf, groups: groups, kind: call.kind)
        case .min, .max:
            guard let argument else { throw PlanError("\(call.kind) of nothing") }
            var chosen = [Literal](repeating: .null, count: groups)
            let wanted = call.kind == .min ? -1 : 1
            for r in rows {
                let value = Engine.literal(argument, row: r), g = Int(groupOf[r])
                if value != .null && (chosen[g] == .null || Self.order(value, chosen[g], .ascending) == wanted) { chosen[g] = value }
            }
            return chosen
        case .countDistinct:
            guard let argument else { throw PlanError("count distinct of nothing") }
            let coded = Self.codes(argument, rows: n)
            var seen = Set<Int64>(), counts = [Int](repeating: 0, count: groups)
            for r in rows where coded.values[Int(coded.codes[r])] != .null {
                if seen.insert(Int64(groupOf[r]) << 32 | Int64(coded.codes[r])).inserted { counts[Int(groupOf[r])] += 1 }
            }
            return counts.map { .number(Int128($0), scale: 0) }
        case .median:
            guard let argument else { throw PlanError("median of nothing") }
            var values = [[Double]](repeating: [], count: groups)
            let real = argument.asReal
            for r in rows { if let v = real(r) { values[Int(groupOf[r])].append(v) } }
            return values.map { group in
                let sorted = group.sorted()
                guard !sorted.isEmpty else { return .null }
                let mid = sorted.count / 2
                return .real(sorted.count % 2 == 1 ? sorted[mid] : sorted[mid - 1] + (sorted[mid] - sorted[mid - 1]) / 2)
            }
        case .constant:
            let value = try call.argument.map { Engine.value(of: try resolved($0, in: plan), base: t) } ?? .null
            return Array(repeating: value, count: groups)
        case .groups: return Array(repeating: .number(Int128(groups), scale: 0), count: groups)
        case .rowsInScope: return Array(repeating: .number(Int128(n), scale: 0), count: groups)
        }
    }

    /// Exact sums per group (null where no value took part), their mean, or their share of
    /// the sum of all.
    private static func sums(_ argument: Compiled, rows: [Int], groupOf: [Int32], groups: Int, kind: AggregateCall.Kind) -> [Literal] {
        var counts = [Int](repeating: 0, count: groups)
        switch argument {
        case .number(let f, let scale):
            var sums = [Int128](repeating: 0, count: groups)
            for r in rows { if let v = f(r) { sums[Int(groupOf[r])] += Int128(v); counts[Int(groupOf[r])] += 1 } }
            let total = sums.reduce(0, +), divisor = powerOfTen(scale)
            return (0..<groups).map { g in
                guard counts[g] > 0 else { return .null }
                switch kind {
                case .avg: return .real(Double(sums[g]) / divisor / Double(counts[g]))
                case .share: return total == 0 ? .null : .real(Double(sums[g]) / Double(total))
                default: return .number(sums[g], scale: scale)
                }
            }
        default:
            let real = argument.asReal
            var sums = [Double](repeating: 0, count: groups)
            for r in rows { if let v = real(r) { sums[Int(groupOf[r])] += v; counts[Int(groupOf[r])] += 1 } }
            let total = sums.reduce(0, +)
            return (0..<groups).map { g in
                guard counts[g] > 0 else { return .null }
                switch kind {
                case .avg: return .real(sums[g] / Double(counts[g]))
                case .share: return total == 0 ? .null : .real(sums[g] / total)
                default: return .real(sums[g])
                }
            }
        }
    }

    /// How two values compare in a sort's order (-1, 0, 1): nulls last, exact numbers by value,
    /// text by code point, labels in their order.
    static func order(_ a: Literal, _ b: Literal, _ order: SortKey.Order) -> Int {
        if a == .null || b == .null { return a == b ? 0 : a == .null ? 1 : -1 }
        var c = 0
        switch (a, b, order) {
        case (.text(let x), .text(let y), .labels(let labels)):
            let place = { (t: String) in labels.firstIndex { $0.key == t } ?? labels.count }
            return place(x) < place(y) ? -1 : place(x) > place(y) ? 1 : 0
        case (.number(let x, let s), .number(let y, let t), _):
            let (p, q) = s == t ? (x, y) : s < t ? (x * Int128(integerPowerOfTen(t - s)), y) : (x, y * Int128(integerPowerOfTen(s - t)))
            c = p < q ? -1 : p > q ? 1 : 0
        case (.real(let x), .real(let y), _): c = x < y ? -1 : x > y ? 1 : 0
        case (.text(let x), .text(let y), _): c = CodePointText(x) < CodePointText(y) ? -1 : CodePointText(x) == CodePointText(y) ? 0 : 1
        case (.date(let x), .date(let y), _): c = x < y ? -1 : x > y ? 1 : 0
        case (.timestamp(let x), .timestamp(let y), _): c = x < y ? -1 : x > y ? 1 : 0
        case (.boolean(let x), .boolean(let y), _): c = x == y ? 0 : x ? 1 : -1
        default: c = 0
        }
        return order == .descending ? -c : c
    }

    /// A window's values as a column: sums or counts over the rows before each row in an
    /// order, or over all the rows.
    func windowed(_ output: WindowOutput, over t: Table, in plan: Plan) throws -> Column {
        let n = t.rowCount
        let argument = try output.call.argument.map { Engine.compile(try resolved($0, in: plan), in: t) }
        guard output.call.kind == .sum || output.call.kind == .count, output.call.filter == nil else { throw PlanError("\(output.call.kind) over a window") }
        var scale = 0
        let value: (Int) -> Int128? = try {
            guard let argument else { return { _ in 1 } }
            guard case .number(let f, let s) = argument else { throw PlanError("a window over a value that is not an exact number") }
            scale = output.call.kind == .sum ? s : 0
            return output.call.kind == .sum ? { f($0).map { Int128($0) } } : { f($0) == nil ? nil : 1 }
        }()
        var out = [Literal](repeating: .null, count: n)
        switch output.frame {
        case .whole:
            var total: Int128 = 0, any = false
            for r in 0..<n { if let v = value(r) { total += v; any = true } }
            let literal: Literal = any || output.call.kind == .count ? .number(total, scale: scale) : .null
            out = Array(repeating: literal, count: n)
        case .before(let keys):
            var running: Int128 = 0
            for r in Engine.sorted(Array(0..<n), by: keys, in: t) {
                out[r] = .number(running, scale: scale)
                running += value(r) ?? 0
            }
        }
        return try Engine.materialize(out, type: .number(scale: scale), name: output.name)
    }

    /// A one-key join of two whole-number, date or text columns of one kind: each left row with
    /// its right rows (in right row order), by the key's stored values. Nil for other columns.
    static func pairs(_ l: Column, _ r: Column, keepUnmatched: Bool) -> (left: [Int], right: [Int])? {
        // The right rows of each key, as an index: a first row, and the rare further ones.
        func join<K: Hashable>(_ leftKey: (Int) -> K?, _ rightKey: (Int) -> K?) -> (left: [Int], right: [Int]) {
            var first: [K: Int] = [:], more: [Int: [Int]] = [:]
            first.reserveCapacity(r.count)
            for row in 0..<r.count {
                guard let key = rightKey(row) else { continue }
                if let known = first[key] { more[known, default: []].append(row) } else { first[key] = row }
            }
            var lefts: [Int] = [], rights: [Int] = []
            lefts.reserveCapacity(l.count); rights.reserveCapacity(l.count)
            for row in 0..<l.count {
                guard let key = leftKey(row), let match = first[key] else {
                    if keepUnmatched { lefts.append(row); rights.append(-1) }
                    continue
                }
                lefts.append(row); rights.append(match)
                for other in more[match] ?? [] { lefts.append(row); rights.append(other) }
            }
            return (lefts, rights)
        }
        switch (l.storage, r.storage) {
        case (.integer(let a), .integer(let b)):
            return join({ l.nulls.contains($0) ? nil : a[$0] }, { r.nulls.contains($0) ? nil : b[$0] })
        case (.date(let a), .date(let b)):
            return join({ l.nulls.contains($0) ? nil : a[$0] }, { r.nulls.contains($0) ? nil : b[$0] })
        case (.text(let a, let da), .text(let b, let db)):
            // Text by code point: each left code mapped to the right dictionary's code, once.
            var rightCode: [CodePointText: Int] = [:]
            for (k, text) in db.enumerated() { rightCode[CodePointText(text)] = k }
            let mapped = da.map { rightCode[CodePointText($0)] ?? -1 }
            return join({ l.nulls.contains($0) || mapped[Int(a[$0])] < 0 ? nil : mapped[Int(a[$0])] }, { r.nulls.contains($0) ? nil : Int(b[$0]) })
        default: return nil
        }
    }

    /// The rows of several tables one after another, typed by the first's schema.
    func united(_ parts: [Table], schema: Schema) throws -> Table {
        let columns = try schema.fields.enumerated().map { k, field -> Column in
            var values: [Literal] = []
            for part in parts where k < part.columns.count {
                let compiled = Engine.compile(.column(k), in: part)
                values += (0..<part.rowCount).map { Engine.literal(compiled, row: $0) }
            }
            return try Engine.materialize(values, type: field.type, name: field.name)
        }
        return Table(name: parts.first?.name ?? table.name, columns: columns, rowCount: columns.first?.count ?? 0, origin: table.origin)
    }

    /// Each left row with every right row whose keys equal its own (in right row order); with
    /// `keepUnmatched`, a left row with none once, its right columns null. Null keys never match.
    func joined(_ left: Table, _ right: Table, on keys: [Plan.JoinKey], keepUnmatched: Bool) throws -> Table {
        func keyOf(_ t: Table, _ columns: [Int]) -> (Int) -> [KeyValue]? {
            let compiled = columns.map { Engine.compile(.column($0), in: t) }
            return { row in
                let key = compiled.map { KeyValue(Engine.literal($0, row: row)) }
                return key.contains(.null) ? nil : key
            }
        }
        if keys.count == 1, let pairs = Self.pairs(left.columns[keys[0].left], right.columns[keys[0].right], keepUnmatched: keepUnmatched) {
            let columns = left.columns.map { $0.taking(pairs.left) } + right.columns.map { $0.taking(pairs.right) }
            return Table(name: left.name, columns: columns, rowCount: pairs.left.count, origin: left.origin)
        }
        let rightKey = keyOf(right, keys.map(\.right)), leftKey = keyOf(left, keys.map(\.left))
        var index: [[KeyValue]: [Int]] = [:]
        for r in 0..<right.rowCount { if let key = rightKey(r) { index[key, default: []].append(r) } }
        var lefts: [Int] = [], rights: [Int] = []
        for l in 0..<left.rowCount {
            if let matches = leftKey(l).flatMap({ index[$0] }) {
                for r in matches { lefts.append(l); rights.append(r) }
            } else if keepUnmatched {
                lefts.append(l); rights.append(-1)
            }
        }
        let columns = left.columns.map { $0.taking(lefts) } + right.columns.map { $0.taking(rights) }
        return Table(name: left.name, columns: columns, rowCount: lefts.count, origin: left.origin)
    }
}
