import PatronAnalysis
import PatronPlan
import PatronStore

extension Engine {
    /// A column of the values a compiled scalar takes on rows 0..<n (nulls where it has none).
    /// Exact numbers keep their scale; a real has no column of its own (the plan says where one
    /// is made, and only an answer holds it).
    static func materialize(_ compiled: Compiled, rows n: Int, name: String, evidence: TypeEvidence = .builtIn("")) throws -> Column {
        var nulls = NullBitmap()
        func fill<T>(_ f: (Int) -> T?, _ zero: T) -> [T] {
            var out = [T]()
            out.reserveCapacity(n)
            for r in 0..<n {
                let v = f(r)
                out.append(v ?? zero)
                nulls.append(isNull: v == nil)
            }
            return out
        }
        let storage: ColumnStorage
        switch compiled {
        case .number(let f, let scale): let v = fill(f, 0); storage = scale == 0 ? .integer(v) : .decimal(v, scale: scale)
        case .date(let f): storage = .date(fill(f, 0))
        case .timestamp(let f): storage = .timestamp(fill(f, 0))
        case .boolean(let f): storage = .boolean(fill(f, false))
        case .text(let f):
            var builder = TextDictionaryBuilder()
            let codes = fill({ f($0).map { builder.code(of: $0) } }, 0)
            storage = .text(codes: TextCodes(codes, dictionarySize: builder.count), dictionary: builder.strings())
        case .null:
            storage = .integer(Array(repeating: 0, count: n))
            for _ in 0..<n { nulls.append(isNull: true) }
        case .real: throw PlanError("a real value kept as a column")
        }
        return Column(name: name, storage: storage, nulls: nulls, evidence: evidence)
    }

    /// A column of literals of one type (an aggregate's values, one per group).
    static func materialize(_ values: [Literal], type: ValueType, name: String) throws -> Column {
        func read<T>(_ pick: @escaping (Literal) -> T?) -> (Int) -> T? { { pick(values[$0]) } }
        let compiled: Compiled
        switch type {
        case .number(let scale):
            var overflowed: [Int] = []
            compiled = .number({ row in
                guard case .number(let m, let s) = values[row] else { return nil }
                let wide = s == scale ? m : s < scale ? m * Int128(integerPowerOfTen(scale - s)) : m / Int128(integerPowerOfTen(s - scale))
                guard let v = Int64(exactly: wide) else { overflowed.append(row); return nil }
                return v
            }, scale: scale)
            let column = try materialize(compiled, rows: values.count, name: name)
            // A sum past 64 bits stops the statement, as exact arithmetic does.
            if let first = overflowed.first { throw ExecutionFailure.overflow(table: name, row: first, rows: overflowed.count) }
            return column
        case .date: compiled = .date(read { if case .date(let d) = $0 { return d }; return nil })
        case .timestamp: compiled = .timestamp(read { if case .timestamp(let t) = $0 { return t }; return nil })
        case .boolean: compiled = .boolean(read { if case .boolean(let b) = $0 { return b }; return nil })
        case .text: compiled = .text(read { if case .text(let t) = $0 { return t }; return nil })
        case .real: throw PlanError("a real value kept as a column")
        case .null: compiled = .null
        }
        return try materialize(compiled, rows: values.count, name: name)
    }

    /// A column of a scalar computed a whole column at a time, for the shapes a derivation's
    /// projection makes of its figures: a column as it is (or at a larger scale), days from a
    /// date column to a date, a rounded quotient of two exact columns. Nil for any other.
    static func vector(_ value: Scalar, over t: Table) -> Column? {
        func column(_ s: Scalar) -> Column? {
            guard case .column(let k) = s, k >= 0, k < t.columns.count else { return nil }
            return t.columns[k]
        }
        switch value {
        case .column: return column(value)
        case .atScale(let x, let scale):
            guard let c = column(x), let (v, own) = c.mantissas, own <= scale else { return nil }
            if own == scale { return c }
            let factor = integerPowerOfTen(scale - own)
            guard v.allSatisfy({ !$0.multipliedReportingOverflow(by: factor).overflow }) else { return nil }
            return Column(name: c.name, storage: .decimal(v.map { $0 * factor }, scale: scale), nulls: c.nulls)
        case .call(.daysBetween, let args, _):
            guard args.count == 2 else { return nil }
            if let c = column(args[0]), case .date(let days) = c.storage, case .literal(.date(let to)) = args[1] {
                return Column(name: c.name, storage: .integer(days.map { Int64(to) - Int64($0) }), nulls: c.nulls)
            }
            return nil
        case .roundedQuotient(let x, let y, let scale):
            guard let a = column(x), let (p, sp) = a.mantissas, a.nulls.nullCount == 0 else { return nil }
            let q: [Int64], sq: Int
            if case .literal(.number(let m, let s)) = y, let d = Int64(exactly: m) { (q, sq) = (Array(repeating: d, count: p.count), s) } else {
                guard let b = column(y), let (v, s) = b.mantissas, b.nulls.nullCount == 0 else { return nil }
                (q, sq) = (v, s)
            }
            let shift = scale + sq - sp
            guard abs(shift) <= 18 else { return nil }
            let up = Int128(integerPowerOfTen(max(shift, 0))), down = Int128(integerPowerOfTen(max(-shift, 0)))
            var nulls = NullBitmap()
            let out = zip(p, q).map { a, b -> Int64 in
                guard b > 0 else { nulls.append(isNull: true); return 0 }
                let numerator = Int128(a) * up, denominator = Int128(b) * down
                let r = (2 * (numerator < 0 ? -numerator : numerator) + denominator) / (2 * denominator)
                guard let v = Int64(exactly: numerator < 0 ? -r : r) else { nulls.append(isNull: true); return 0 }
                nulls.append(isNull: false)
                return v
            }
            // Money keeps its kind at scale 0 too (an average order value in whole units).
            return Column(name: a.name, storage: .decimal(out, scale: scale), nulls: nulls)
        default: return nil
        }
    }

    /// The value of a compiled scalar on one row, as a literal.
    static func literal(_ compiled: Compiled, row: Int) -> Literal {
        switch compiled {
        case .number(let f, let scale): return f(row).map { .number(Int128($0), scale: scale) } ?? .null
        case .real(let f): return f(row).map { .real($0) } ?? .null
        case .text(let f): return f(row).map { .text($0) } ?? .null
        case .date(let f): return f(row).map { .date($0) } ?? .null
        case .timestamp(let f): return f(row).map { .timestamp($0) } ?? .null
        case .boolean(let f): return f(row).map { .boolean($0) } ?? .null
        case .null: return .null
        }
    }
}

extension Column {
    /// The column's values at `rows`, in that order; a negative row is a null (a join's row
    /// with no match).
    func taking(_ rows: [Int]) -> Column {
        var kept = NullBitmap()
        for r in rows { kept.append(isNull: r < 0 || nulls.contains(r)) }
        func pick<T>(_ v: [T], _ zero: T) -> [T] { rows.map { $0 < 0 ? zero : v[$0] } }
        let storage: ColumnStorage
        switch self.storage {
        case .integer(let v): storage = .integer(pick(v, 0))
        case .decimal(let v, let s): storage = .decimal(pick(v, 0), scale: s)
        case .date(let v): storage = .date(pick(v, 0))
        case .timestamp(let v): storage = .timestamp(pick(v, 0))
        case .boolean(let v): storage = .boolean(pick(v, false))
        case .text(let codes, let dictionary):
            storage = .text(codes: TextCodes(rows.map { $0 < 0 ? 0 : codes[$0] }, dictionarySize: dictionary.count), dictionary: dictionary)
        }
        return Column(name: name, storage: storage, nulls: kept, evidence: evidence)
    }
}

extension Table {
    /// The table's rows at `rows`, in that order, under another name.
    func taking(_ rows: [Int], name: String? = nil) -> Table {
        Table(name: name ?? self.name, columns: columns.map { $0.taking(rows) }, rowCount: rows.count, origin: origin)
    }
}
