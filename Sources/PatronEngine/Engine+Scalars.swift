import PatronAnalysis
import PatronPlan
import PatronStore

extension Engine {
    /// The rows of a relation a scalar reads (order statistics, a maximum) when it is `table` or
    /// rows of it; nil for a relation memory does not hold here.
    static func relation(_ plan: Plan, over table: Table) -> (table: Table, rows: Selection?)? {
        switch plan {
        case .scan(let name, _): return name == table.name ? (table, nil) : nil
        case .filter(let input, let condition):
            guard let (base, rows) = relation(input, over: table) else { return nil }
            return (base, filter(condition, in: base, selection: rows))
        default: return nil
        }
    }

    /// The order statistics of a set over its relation (within its scope), with how many values
    /// and nulls they were found over; nil when its column is not numeric there.
    static func parts(_ set: OrderStatistics, over table: Table) -> (parts: [QuantileParts], count: Int, nulls: Int, scale: Int)? {
        guard let (base, given) = relation(set.relation, over: table) else { return nil }
        return parts(set, in: base, rows: given)
    }

    /// The order statistics of a set whose relation is `base` (its `rows`, all when nil).
    static func parts(_ set: OrderStatistics, in base: Table, rows given: Selection?) -> (parts: [QuantileParts], count: Int, nulls: Int, scale: Int)? {
        guard set.column >= 0, set.column < base.columns.count else { return nil }
        let column = base.columns[set.column]
        guard let (_, scale) = column.mantissas else { return nil }
        let fractions = set.fractions.map { ($0.numerator, $0.denominator) }
        var rows = given
        if let scope = set.scope { rows = filter(scope, in: base, selection: rows) }
        guard let rows else {
            let found = base.quantileParts(ofColumn: set.column, fractions)
            return (found.parts, found.count, column.nulls.nullCount, scale)
        }
        let found = column.quantileParts(fractions, rows: rows) ?? ([], 0)
        return (found.parts, found.count, column.nulls.nullCount == 0 ? 0 : rows.count { column.nulls.contains($0) }, scale)
    }

    /// The cut points of a set whose relation is `base`.
    static func cuts(_ set: OrderStatistics, base: Table) -> [Double] {
        guard let found = parts(set, in: base, rows: nil) else { return [] }
        return found.parts.map { $0.value(scale: found.scale) }
    }

    /// The cut points of level bounds over `table`: fixed, or the quantiles memory computes.
    static func cuts(_ bounds: LevelBounds, over table: Table) -> [Double] {
        switch bounds {
        case .fixed(let cuts): return cuts
        case .quantiles(let set):
            guard let found = parts(set, over: table) else { return [] }
            return found.parts.map { $0.value(scale: found.scale) }
        }
    }

    /// The value of a scalar that is the same on every row: an order statistic, a maximum, the
    /// rows of the relation.
    static func value(of e: Scalar, over table: Table) -> Literal {
        switch e {
        case .statistic(let set, _):
            guard let (base, rows) = relation(set.relation, over: table) else { return .null }
            return value(of: e, base: base, rows: rows)
        case .maximum(let plan, _):
            guard let (base, rows) = relation(plan, over: table) else { return .null }
            return value(of: e, base: base, rows: rows)
        default: return value(of: e, base: table)
        }
    }

    /// The value of such a scalar whose relation is `base` (its `rows`, all when nil).
    static func value(of e: Scalar, base table: Table, rows: Selection? = nil) -> Literal {
        switch e {
        case .literal(let literal): return literal
        case .relationRows: return .number(Int128(table.rowCount), scale: 0)
        case .statistic(let set, let which):
            guard let found = parts(set, in: table, rows: rows) else { return .null }
            func part(_ i: Int) -> QuantileParts? { i >= 1 && i <= found.parts.count ? found.parts[i - 1] : nil }
            switch which {
            case .n: return .number(Int128(found.count), scale: 0)
            case .nulls: return .number(Int128(found.nulls), scale: 0)
            case .lo(let i): return part(i).map { .number(Int128($0.lo), scale: found.scale) } ?? .null
            case .hi(let i): return part(i).map { .number(Int128($0.hi), scale: found.scale) } ?? .null
            case .f(let i): return part(i).map { .number(Int128($0.f), scale: 0) } ?? .null
            case .cut(let i): return part(i).map { .number(Int128($0.f == 0 ? $0.lo : $0.hi), scale: found.scale) } ?? .null
            }
        case .maximum(_, let index):
            guard index >= 0, index < table.columns.count else { return .null }
            let column = table.columns[index]
            func greatest<T: FixedWidthInteger>(_ v: [T]) -> T? {
                // All the rows: one loop the compiler vectorizes.
                if rows == nil { return range(of: v, nulls: column.nulls)?.upperBound }
                var best: T? = nil
                for r in rows ?? [] where !column.nulls.contains(r) { best = max(best ?? v[r], v[r]) }
                return best
            }
            switch column.storage {
            case .date(let v): return greatest(v).map { .date($0) } ?? .null
            case .timestamp(let v): return greatest(v).map { .timestamp($0) } ?? .null
            case .integer(let v): return greatest(v).map { .number(Int128($0), scale: 0) } ?? .null
            case .decimal(let v, let s): return greatest(v).map { .number(Int128($0), scale: s) } ?? .null
            default: return .null
            }
        default: return .null
        }
    }

    /// The scalars that make values from others: rounded and whole quotients, scales, months,
    /// text, branches and labels.
    static func derived(_ e: Scalar, in table: Table) -> Compiled {
        switch e {
        case .roundedQuotient(let x, let y, let scale):
            guard case .number(let f, let sx) = compile(x, in: table), case .number(let g, let sy) = compile(y, in: table) else { return .null }
            let shift = scale + sy - sx
            return .number({ row in
                guard let a = f(row), let b = g(row), b > 0, abs(shift) <= 18 else { return nil }
                var numerator = Int128(a), denominator = Int128(b)
                if shift >= 0 { numerator *= Int128(integerPowerOfTen(shift)) } else { denominator *= Int128(integerPowerOfTen(-shift)) }
                let q = (2 * (numerator < 0 ? -numerator : numerator) + denominator) / (2 * denominator)
                return Int64(exactly: numerator < 0 ? -q : q)
            }, scale: scale)
        case .atScale(let x, let scale): return .number(compile(x, in: table).asNumber(scale: scale), scale: scale)
        case .quotient(let x, let y):
            guard case .number(let f, 0) = compile(x, in: table), case .number(let g, 0) = compile(y, in: table) else { return .null }
            return .number({ row in
                guard let a = f(row), let b = g(row), b != 0, !(a == .min && b == -1) else { return nil }
                return a / b
            }, scale: 0)
        case .monthIndex(let day):
            guard case .date(let f) = compile(day, in: table) else { return .null }
            return .number({ row in f(row).map { let (y, m, _) = CalendarDate.civil($0); return Int64(y) * 12 + Int64(m) } }, scale: 0)
        case .asText(let x):
            guard case .number(let f, 0) = compile(x, in: table) else { return .null }
            return .text({ f($0).map { String($0) } })
        case .concat(let parts):
            let texts = parts.map { part -> (Int) -> String? in
                if case .text(let f) = compile(part, in: table) { return f }
                return { _ in nil }
            }
            return .text({ row in
                var out = ""
                for t in texts { guard let piece = t(row) else { return nil }; out += piece }
                return out
            })
        case .label(let rules, let otherwise):
            return branches(rules.map { ($0.0, Scalar.literal(.text($0.1.key))) }, otherwise: .literal(.text(otherwise.key)), type: .text, in: table)
        case .when(let rules, let otherwise):
            return branches(rules, otherwise: otherwise, type: e.type(in: Schema(table)), in: table)
        default:
            return .null
        }
    }

    /// The value of the first branch whose condition holds, else `otherwise`, as one type.
    static func branches(_ rules: [(Scalar, Scalar)], otherwise: Scalar?, type: ValueType, in table: Table) -> Compiled {
        let tests = rules.map { truth(compile($0.0, in: table)) }
        let values = (rules.map(\.1) + [otherwise ?? .literal(.null)]).map { compile($0, in: table) }
        func pick(_ row: Int) -> Int {
            for (k, test) in tests.enumerated() where test(row) == true { return k }
            return tests.count
        }
        func typed<T>(_ read: (Compiled) -> ((Int) -> T?)) -> (Int) -> T? {
            let reads = values.map(read)
            return { row in reads[pick(row)](row) }
        }
        switch type {
        case .number(let scale): return .number(typed { $0.asNumber(scale: scale) }, scale: scale)
        case .real: return .real(typed(\.asReal))
        case .text: return .text(typed { if case .text(let f) = $0 { return f }; return { _ in nil } })
        case .date: return .date(typed { if case .date(let f) = $0 { return f }; return { _ in nil } })
        case .timestamp: return .timestamp(typed { if case .timestamp(let f) = $0 { return f }; return { _ in nil } })
        case .boolean: return .boolean(typed(truth))
        case .null: return .null
        }
    }
}
