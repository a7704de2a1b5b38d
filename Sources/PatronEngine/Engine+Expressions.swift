import PatronAnalysis
import PatronPlan
import PatronStore
import PatronSyntax

/// An expression compiled once into a closure over column arrays, typed by its value.
/// A nil result is SQL's null (for conditions: unknown).
enum Compiled {
    case number((Int) -> Int64?, scale: Int)
    case real((Int) -> Double?)
    case text((Int) -> String?)
    case date((Int) -> Int32?)
    case timestamp((Int) -> Int64?)
    case boolean((Int) -> Bool?)
    case null

    /// The value as a double, for mixed numeric work.
    var asReal: (Int) -> Double? {
        switch self {
        case .number(let f, let scale):
            let divisor = powerOfTen(scale)
            return { f($0).map { Double($0) / divisor } }
        case .real(let f): return f
        default: return { _ in nil }
        }
    }

    /// The value as an exact number at `scale` (nil when it does not fit).
    func asNumber(scale target: Int) -> (Int) -> Int64? {
        switch self {
        case .number(let f, let scale) where scale == target: return f
        case .number(let f, let scale) where scale < target:
            let factor = integerPowerOfTen(target - scale)
            return { row in f(row).flatMap { v in let (r, o) = v.multipliedReportingOverflow(by: factor); return o ? nil : r } }
        default: return { _ in nil }
        }
    }
}

extension Engine {
    /// A bound expression over `table` as the plan's scalar (`Lowering`, keeping cut points
    /// already computed): what every expression and condition memory runs goes through.
    static func scalar(_ e: BoundExpression, in table: Table) -> Scalar {
        (try? Lowering(.table(table), keepsComputedCuts: true).expression(e)) ?? .literal(.null)
    }

    static func scalar(_ c: BoundCondition, in table: Table) -> Scalar {
        (try? Lowering(.table(table), keepsComputedCuts: true).condition(c)) ?? .literal(.null)
    }

    /// Compiles a bound expression over `table`.
    static func compile(_ e: BoundExpression, in table: Table) -> Compiled {
        compile(scalar(e, in: table), in: table)
    }

    /// Compiles a scalar over `table`: the plan's expressions as memory runs them.
    static func compile(_ e: Scalar, in table: Table) -> Compiled {
        switch e {
        case .column(let index):
            guard index >= 0, index < table.columns.count else { return .null }
            let column = table.columns[index]
            let nulls = column.nulls
            switch column.storage {
            case .integer(let v): return .number({ nulls.contains($0) ? nil : v[$0] }, scale: 0)
            case .decimal(let v, let s): return .number({ nulls.contains($0) ? nil : v[$0] }, scale: s)
            case .text(let codes, let dictionary): return .text({ nulls.contains($0) ? nil : dictionary[Int(codes[$0])] })
            case .boolean(let v): return .boolean({ nulls.contains($0) ? nil : v[$0] })
            case .date(let v): return .date({ nulls.contains($0) ? nil : v[$0] })
            case .timestamp(let v): return .timestamp({ nulls.contains($0) ? nil : v[$0] })
            }
        case .literal(let literal): return constant(literal)
        case .maximum, .statistic, .relationRows:
            // Found once, when the statement runs: the same on every row.
            return constant(value(of: e, over: table))
        case .arithmetic(let op, let a, let b, let type):
            return arithmetic(op, compile(a, in: table), compile(b, in: table), type, overflowed: OverflowWatch.recorder(for: table))
        case .negate(let inner):
            switch compile(inner, in: table) {
            case .number(let f, let s): return .number({ f($0).flatMap { $0 == .min ? nil : -$0 } }, scale: s)
            case .real(let f): return .real({ f($0).map { -$0 } })
            default: return .null
            }
        case .call(let function, let arguments, let type):
            return call(function, arguments.map { compile($0, in: table) }, type)
        case .compare(let a, let op, let b):
            if let exact = wideComparison(a, op, b, in: table) { return .boolean(exact) }
            return .boolean(compare(compile(a, in: table), op, compile(b, in: table)))
        case .and(let terms):
            return .boolean(connective(terms.map { truth(compile($0, in: table)) }, decidedBy: false))
        case .or(let terms):
            return .boolean(connective(terms.map { truth(compile($0, in: table)) }, decidedBy: true))
        case .not(let inner):
            let f = truth(compile(inner, in: table))
            return .boolean { f($0).map { !$0 } }
        case .inList(let value, let items, let negated):
            let v = compile(value, in: table)
            let tests = items.map { compare(v, .equal, compile($0, in: table)) }
            return .boolean { row in
                var unknown = false
                for test in tests {
                    switch test(row) {
                    case .some(true): return !negated
                    case .none: unknown = true
                    default: break
                    }
                }
                return unknown ? nil : negated
            }
        case .isNull(let value, let negated):
            let isNull = nullness(compile(value, in: table))
            return .boolean { isNull($0) != negated }
        case .textMatch(let value, let kind, let pattern):
            guard case .text(let v) = compile(value, in: table), case .text(let p) = compile(pattern, in: table) else { return .boolean { _ in nil } }
            return .boolean { row in
                guard let text = v(row), let needle = p(row) else { return nil }
                return kind == .contains ? CodePointText.contains(text, needle) : CodePointText.hasPrefix(text, needle)
            }
        case .level(let value, let bounds):
            let levelOf = LevelLookup(cuts(bounds, over: table)), v = compile(value, in: table).asReal
            return .number({ v($0).map { Int64(levelOf($0)) } }, scale: 0)
        default:
            return derived(e, in: table)
        }
    }

    /// A literal as a compiled value (a number past 64 bits has none: `wide` compares it).
    static func constant(_ literal: Literal) -> Compiled {
        switch literal {
        case .number(let m, let s): return Int64(exactly: m).map { v in .number({ _ in v }, scale: s) } ?? .null
        case .real(let d): return .real({ _ in d })
        case .text(let t): return .text({ _ in t })
        case .date(let d): return .date({ _ in d })
        case .timestamp(let t): return .timestamp({ _ in t })
        case .boolean(let b): return .boolean({ _ in b })
        case .null: return .null
        }
    }

    /// `and` (decided by the first false) or `or` (decided by the first true) in three-valued
    /// logic: otherwise unknown if any term is unknown, else the other value.
    static func connective(_ parts: [(Int) -> Bool?], decidedBy decisive: Bool) -> (Int) -> Bool? {
        { row in
            var unknown = false
            for part in parts {
                switch part(row) {
                case .some(decisive): return decisive
                case .none: unknown = true
                default: break
                }
            }
            return unknown ? nil : !decisive
        }
    }

    /// A compiled condition as truth per row.
    static func truth(_ c: Compiled) -> (Int) -> Bool? {
        if case .boolean(let f) = c { return f }
        return { _ in nil }
    }

    static func nullness(_ c: Compiled) -> (Int) -> Bool {
        switch c {
        case .number(let f, _): return { f($0) == nil }
        case .real(let f): return { f($0) == nil }
        case .text(let f): return { f($0) == nil }
        case .date(let f): return { f($0) == nil }
        case .timestamp(let f): return { f($0) == nil }
        case .boolean(let f): return { f($0) == nil }
        case .null: return { _ in true }
        }
    }

    /// Compares two compiled values of comparable types; unknown when either is null.
    static func compare(_ a: Compiled, _ op: ComparisonOperator, _ b: Compiled) -> (Int) -> Bool? {
        switch (a, b) {
        case (.number(let f, let s), .number(let g, let t)):
            // In a common scale, exactly: 922337203685477580 at two decimals passes 64 bits, and
            // the comparison is still defined (it was unknown, so 'between' counted no row).
            let scale = max(s, t)
            let (x, y) = (Int128(integerPowerOfTen(scale - s)), Int128(integerPowerOfTen(scale - t)))
            return { row in
                guard let u = f(row), let v = g(row) else { return nil }
                return compare(Int128(u) * x, op, Int128(v) * y)
            }
        case (.number, .real), (.real, .number), (.real, .real):
            let x = a.asReal, y = b.asReal
            return { row in
                guard let u = x(row), let v = y(row) else { return nil }
                return compare(u, op, v)
            }
        case (.text(let f), .text(let g)):
            return { row in
                guard let u = f(row), let v = g(row) else { return nil }
                return compare(CodePointText(u), op, CodePointText(v))
            }
        case (.date(let f), .date(let g)):
            return { row in
                guard let u = f(row), let v = g(row) else { return nil }
                return compare(u, op, v)
            }
        case (.timestamp(let f), .timestamp(let g)):
            return { row in
                guard let u = f(row), let v = g(row) else { return nil }
                return compare(u, op, v)
            }
        case (.date(let f), .timestamp):
            return compare(.timestamp({ f($0).map { Int64($0) * 86_400_000_000 } }), op, b)
        case (.timestamp, .date(let g)):
            return compare(a, op, .timestamp({ g($0).map { Int64($0) * 86_400_000_000 } }))
        case (.boolean(let f), .boolean(let g)):
            return { row in
                guard let u = f(row), let v = g(row) else { return nil }
                return op == .equal ? u == v : op == .notEqual ? u != v : compare(u ? 1 : 0, op, v ? 1 : 0)
            }
        default:
            return { _ in nil }
        }
    }

    /// Arithmetic that never traps: division by zero gives null; a result past 64 bits gives null
    /// and is reported to `overflowed` with its row, so the statement can say so.
    static func arithmetic(_ op: ArithmeticOperator, _ a: Compiled, _ b: Compiled, _ type: ValueType, overflowed: @escaping (Int) -> Void = { _ in }) -> Compiled {
        switch type {
        case .number(let scale):
            if op == .multiply, case .number(let f, let s) = a, case .number(let g, let t) = b, s + t == scale {
                return .number({ row in
                    guard let u = f(row), let v = g(row) else { return nil }
                    let (r, o) = u.multipliedReportingOverflow(by: v)
                    if o { overflowed(row); return nil }
                    return r
                }, scale: scale)
            }
            let x = a.asNumber(scale: scale), y = b.asNumber(scale: scale)
            let (aNull, bNull) = (nullness(a), nullness(b))
            func exact(_ operation: @escaping (Int64, Int64) -> (partialValue: Int64, overflow: Bool)) -> Compiled {
                .number({ row in
                    guard let u = x(row), let v = y(row) else {
                        // Present but not at the common scale: 64 bits could not hold it.
                        if !aNull(row) && !bNull(row) { overflowed(row) }
                        return nil
                    }
                    let (r, o) = operation(u, v)
                    if o { overflowed(row); return nil }
                    return r
                }, scale: scale)
            }
            switch op {
            case .add: return exact { $0.addingReportingOverflow($1) }
            case .subtract: return exact { $0.subtractingReportingOverflow($1) }
            case .remainder: return .number({ row in x(row).flatMap { u in y(row).flatMap { v in v == 0 || (u == .min && v == -1) ? nil : u % v } } }, scale: scale)
            case .multiply, .divide: return .null
            }
        case .real:
            let x = a.asReal, y = b.asReal
            return .real { row in
                guard let u = x(row), let v = y(row) else { return nil }
                let r: Double
                switch op {
                case .add: r = u + v
                case .subtract: r = u - v
                case .multiply: r = u * v
                case .divide: if v == 0 { return nil }; r = u / v
                case .remainder: if v == 0 { return nil }; r = u.truncatingRemainder(dividingBy: v)
                }
                return r.isFinite ? r : nil
            }
        case .date:
            guard case .date(let d) = a, case .number(let n, 0) = b else { return .null }
            return .date { row in
                guard let day = d(row), let days = n(row), let delta = Int32(exactly: days) else { return nil }
                let (r, o) = op == .add ? day.addingReportingOverflow(delta) : day.subtractingReportingOverflow(delta)
                return o ? nil : r
            }
        default:
            return .null
        }
    }

    static func call(_ function: BuiltinFunction, _ args: [Compiled], _ type: ValueType) -> Compiled {
        switch function {
        case .abs:
            switch args[0] {
            case .number(let f, let s): return .number({ f($0).flatMap { $0 == .min ? nil : Swift.abs($0) } }, scale: s)
            case .real(let f): return .real({ f($0).map { Swift.abs($0) } })
            default: return .null
            }
        case .round, .floor, .ceil:
            guard case .number(let target) = type else {
                let f = args[0].asReal
                return .real({ f($0).map { $0.rounded(.toNearestOrAwayFromZero) } })
            }
            switch args[0] {
            case .number(let f, let s):
                if s <= target { return .number(args[0].asNumber(scale: target), scale: target) }
                let divisor = integerPowerOfTen(s - target)
                return .number({ row in
                    guard let v = f(row) else { return nil }
                    var q = v / divisor
                    let r = v % divisor
                    switch function {
                    case .round: if Swift.abs(r) * 2 >= divisor { q += v < 0 ? -1 : 1 }
                    case .floor: if r < 0 { q -= 1 }
                    default: if r > 0 { q += 1 }
                    }
                    return q
                }, scale: target)
            case .real(let f):
                let factor = powerOfTen(target)
                let rule: FloatingPointRoundingRule = function == .round ? .toNearestOrAwayFromZero : function == .floor ? .down : .up
                return .number({ row in f(row).flatMap { Int64(exactly: ($0 * factor).rounded(rule)) } }, scale: target)
            default: return .null
            }
        case .lower, .upper:
            guard case .text(let f) = args[0] else { return .null }
            return .text({ f($0).map { function == .lower ? $0.lowercased() : $0.uppercased() } })
        case .length:
            guard case .text(let f) = args[0] else { return .null }
            return .number({ f($0).map { Int64($0.count) } }, scale: 0)
        case .year, .month, .day:
            let day: (Int) -> Int32?
            switch args[0] {
            case .date(let f): day = f
            case .timestamp(let f): day = { f($0).map { Int32(clamping: ($0 >= 0 ? $0 : $0 - 86_399_999_999) / 86_400_000_000) } }
            default: return .null
            }
            return .number({ row in
                guard let d = day(row) else { return nil }
                let (y, m, dd) = CalendarDate.civil(d)
                return Int64(function == .year ? y : function == .month ? m : dd)
            }, scale: 0)
        case .daysBetween:
            guard case .date(let f) = args[0], case .date(let g) = args[1] else { return .null }
            return .number({ row in
                guard let a = f(row), let b = g(row) else { return nil }
                return Int64(b) - Int64(a)
            }, scale: 0)
        case .coalesce:
            switch type {
            case .number(let scale):
                let parts = args.map { $0.asNumber(scale: scale) }
                return .number({ row in for p in parts { if let v = p(row) { return v } }; return nil }, scale: scale)
            case .real:
                let parts = args.map(\.asReal)
                return .real({ row in for p in parts { if let v = p(row) { return v } }; return nil })
            case .text:
                let parts = args.compactMap { if case .text(let f) = $0 { f } else { nil } }
                return .text({ row in for p in parts { if let v = p(row) { return v } }; return nil })
            case .date:
                let parts = args.compactMap { if case .date(let f) = $0 { f } else { nil } }
                return .date({ row in for p in parts { if let v = p(row) { return v } }; return nil })
            case .timestamp:
                let parts = args.compactMap { if case .timestamp(let f) = $0 { f } else { nil } }
                return .timestamp({ row in for p in parts { if let v = p(row) { return v } }; return nil })
            case .boolean:
                let parts = args.compactMap { if case .boolean(let f) = $0 { f } else { nil } }
                return .boolean({ row in for p in parts { if let v = p(row) { return v } }; return nil })
            case .null:
                return .null
            }
        }
    }
}

extension Engine {
    /// The value of an expression that uses no columns (a `let`).
    public static func evaluate(constant e: BoundExpression) -> Literal {
        let empty = Table(name: "", columns: [], rowCount: 1, origin: .scratch)
        switch compile(scalar(e, in: empty), in: empty) {
        case .number(let f, let scale): return f(0).map { .number(Int128($0), scale: scale) } ?? .null
        case .real(let f): return f(0).map { .real($0) } ?? .null
        case .text(let f): return f(0).map { .text($0) } ?? .null
        case .date(let f): return f(0).map { .date($0) } ?? .null
        case .timestamp(let f): return f(0).map { .timestamp($0) } ?? .null
        case .boolean(let f): return f(0).map { .boolean($0) } ?? .null
        case .null: return .null
        }
    }
}
