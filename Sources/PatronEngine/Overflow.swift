import PatronAnalysis
import PatronPlan
import PatronStore
import PatronSyntax
import Synchronization

/// The rows whose exact arithmetic passed 64 bits while one statement ran. Such a value has no
/// exact number (PostgreSQL and DuckDB stop with "out of range"); the statement stops and says
/// where, instead of counting the row as unknown. Comparisons of sums, differences and products
/// are worked in 128 bits first (`Engine.wide`), so `id * 2 > 0` is decided and records nothing.
public final class OverflowWatch: Sendable {
    /// The watch of the statement running on this task; compiled expressions capture it.
    @TaskLocal static var current: OverflowWatch?

    private struct State {
        var table = ""
        var first: Int?
        var rows = Set<Int>()
    }
    private let state = Mutex(State())

    init() {}

    /// Notes one row of `table` whose value overflowed.
    func record(_ table: String, row: Int) {
        state.withLock { s in
            if s.first == nil { s.table = table; s.first = row }
            if s.table == table { s.rows.insert(row) }
        }
    }

    /// The table, its first overflowing row (from 0) and how many rows overflowed; nil when none.
    var overflow: (table: String, row: Int, rows: Int)? {
        state.withLock { s in s.first.map { (s.table, $0, s.rows.count) } }
    }

    /// A closure that records an overflowing row of `table` with the current watch (or nothing).
    static func recorder(for table: Table) -> @Sendable (Int) -> Void {
        guard let watch = current else { return { _ in } }
        let name = table.name
        return { watch.record(name, row: $0) }
    }
}

extension Engine {
    /// An exact numeric expression in 128 bits: sums, differences, products and negations of
    /// 64-bit values, so a comparison is decided where a 64-bit intermediate would overflow.
    /// Nil for expressions of other shapes (the caller compiles them as usual).
    static func wide(_ e: Scalar, in table: Table) -> (value: (Int) -> Int128?, scale: Int)? {
        switch e {
        case .arithmetic(let op, let a, let b, .number) where op == .add || op == .subtract || op == .multiply:
            guard let x = wide(a, in: table), let y = wide(b, in: table) else { return nil }
            let (f, g) = (x.value, y.value)
            if op == .multiply {
                return ({ row in
                    guard let u = f(row), let v = g(row) else { return nil }
                    let (r, o) = u.multipliedReportingOverflow(by: v)
                    return o ? nil : r
                }, x.scale + y.scale)
            }
            let scale = max(x.scale, y.scale)
            let (p, q) = (Int128(integerPowerOfTen(scale - x.scale)), Int128(integerPowerOfTen(scale - y.scale)))
            let subtract = op == .subtract
            return ({ row in
                guard let u = f(row), let v = g(row) else { return nil }
                let (a, o1) = u.multipliedReportingOverflow(by: p), (b, o2) = v.multipliedReportingOverflow(by: q)
                let (r, o3) = subtract ? a.subtractingReportingOverflow(b) : a.addingReportingOverflow(b)
                return o1 || o2 || o3 ? nil : r
            }, scale)
        case .negate(let inner):
            guard let x = wide(inner, in: table) else { return nil }
            return ({ row in x.value(row).map { -$0 } }, x.scale)
        case .literal(.number(let m, let s)):
            return ({ _ in m }, s)
        case .column:
            guard case .number(let f, let s) = compile(e, in: table) else { return nil }
            return ({ row in f(row).map { Int128($0) } }, s)
        default:
            return nil
        }
    }

    /// A comparison of exact numbers where either side computes: worked in 128 bits.
    static func wideComparison(_ a: Scalar, _ op: ComparisonOperator, _ b: Scalar, in table: Table) -> ((Int) -> Bool?)? {
        func computes(_ e: Scalar) -> Bool {
            switch e {
            case .arithmetic, .negate: return true
            case .literal(.number(let m, _)): return Int64(exactly: m) == nil
            default: return false
            }
        }
        guard computes(a) || computes(b) else { return nil }
        let schema = Schema(table)
        guard case .number = a.type(in: schema), case .number = b.type(in: schema),
              let x = wide(a, in: table), let y = wide(b, in: table) else { return nil }
        let scale = max(x.scale, y.scale)
        guard scale - x.scale <= 18, scale - y.scale <= 18 else { return nil }
        let (p, q) = (Int128(integerPowerOfTen(scale - x.scale)), Int128(integerPowerOfTen(scale - y.scale)))
        let (f, g) = (x.value, y.value)
        return { row in
            guard let u = f(row), let v = g(row) else { return nil }
            let (l, o1) = u.multipliedReportingOverflow(by: p), (r, o2) = v.multipliedReportingOverflow(by: q)
            return o1 || o2 ? nil : compare(l, op, r)
        }
    }

    /// Runs one statement under a fresh overflow watch; stops with the first overflowing row.
    static func watchingOverflow(_ body: () throws(ExecutionFailure) -> Execution) throws(ExecutionFailure) -> Execution {
        let watch = OverflowWatch()
        let result = OverflowWatch.$current.withValue(watch) { () -> Result<Execution, ExecutionFailure> in
            do throws(ExecutionFailure) { return .success(try body()) } catch { return .failure(error) }
        }
        if let o = watch.overflow { throw .overflow(table: o.table, row: o.row, rows: o.rows) }
        return try result.get()
    }
}
