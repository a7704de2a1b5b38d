import PatronAnalysis
import PatronPlan
import PatronStore
import PatronSyntax

extension LevelLookup {
    /// The stored values (mantissas at `scale`) whose level passes, as one closed range: nil when
    /// the passing levels are not next to each other, `.some(nil)` when no value passes. Found by
    /// bisection on the same lookup, so every value gets exactly the level it would get row by row.
    func mantissas(passing passes: [Bool], scale: Int) -> ClosedRange<Int64>?? {
        guard let first = passes.firstIndex(of: true), let last = passes.lastIndex(of: true) else { return .some(nil) }
        guard passes[first...last].allSatisfy({ $0 }), scale >= 0, scale <= 18 else { return nil }
        var divisor = 1.0
        for _ in 0..<scale { divisor *= 10 }
        func level(_ m: Int64) -> Int { self(Double(m) / divisor) }
        // The smallest mantissa whose level is at least `target` (nil: none is).
        func firstAtLeast(_ target: Int) -> Int64? {
            if level(.max) < target { return nil }
            var low = Int128(Int64.min), high = Int128(Int64.max)
            while low < high {
                let mid = (low + high) >> 1
                if level(Int64(mid)) >= target { high = mid } else { low = mid + 1 }
            }
            return Int64(low)
        }
        guard let low = first == 0 ? Int64.min : firstAtLeast(first) else { return .some(nil) }
        var high = Int64.max
        if last < passes.count - 1, let above = firstAtLeast(last + 1) {
            guard above > .min else { return .some(nil) }
            high = above - 1
        }
        return low <= high ? .some(low...high) : .some(nil)
    }
}

/// Runs bound statements over columns. Never formats text.
public enum Engine {
    /// The rows of `table` (all, or within `selection`) for which a bound condition is `want`:
    /// its scalar (`Lowering`) filtered.
    public static func filter(_ condition: BoundCondition, in table: Table, selection: Selection? = nil, want: Bool = true) -> Selection {
        filter(scalar(condition, in: table), in: table, selection: selection, want: want)
    }

    /// The rows of `table` (all, or within `selection`) for which `condition` is `want`.
    ///
    /// SQL's three-valued logic: a comparison with a null is unknown, so it is neither true nor
    /// false, and `not` keeps it unknown. Asking for `false` pushes negation down (De Morgan), so
    /// `and` narrows the selection term by term when true is wanted and `or` when false is.
    /// Comparisons of a column with a value, of two columns and of a level with a level run as
    /// loops over the stored values; any other condition is compiled and tested row by row.
    static func filter(_ condition: Scalar, in table: Table, selection: Selection? = nil, want: Bool = true) -> Selection {
        var input: Selection { selection ?? Array(0..<table.rowCount) }
        switch condition {
        case .and(let terms):
            if want, let first = terms.first {
                return terms.dropFirst().reduce(filter(first, in: table, selection: selection, want: true)) { filter($1, in: table, selection: $0, want: true) }
            }
            return SelectionAlgebra.union(terms.map { filter($0, in: table, selection: input, want: false) })
        case .or(let terms):
            if !want, let first = terms.first {
                return terms.dropFirst().reduce(filter(first, in: table, selection: selection, want: false)) { filter($1, in: table, selection: $0, want: false) }
            }
            return SelectionAlgebra.union(terms.map { filter($0, in: table, selection: input, want: true) })
        case .not(let inner):
            return filter(inner, in: table, selection: selection, want: !want)
        case .literal(.boolean(let value)):
            return value == want ? input : []
        case .isNull(.column(let index), let negated) where index >= 0 && index < table.columns.count:
            // Never unknown: a null bitmap's test.
            let nulls = table.columns[index].nulls, wantNull = want != negated
            if nulls.nullCount == 0 { return wantNull ? [] : input }
            return input.filter { nulls.contains($0) == wantNull }
        case .compare(.column(let index), let op, let other) where index >= 0 && index < table.columns.count:
            switch other {
            case .literal(let value):
                if let rows = compare(table.columns[index], op, value, selection, table.rowCount, want) { return rows }
            case .column(let right) where right >= 0 && right < table.columns.count:
                if let rows = compare(table.columns[index], op, table.columns[right], input, want) { return rows }
            case .statistic, .maximum, .relationRows:
                return filter(.compare(.column(index), op, .literal(value(of: other, over: table))), in: table, selection: selection, want: want)
            default: break
            }
        case .compare(.level(.column(let index), let bounds), let op, .literal(.number(let level, 0))) where index >= 0 && index < table.columns.count:
            if let rows = levels(table.columns[index], cuts(bounds, over: table), op, Int(clamping: level), selection, table.rowCount, want) { return rows }
        default: break
        }
        let truth = Self.truth(compile(condition, in: table))
        return input.filter { truth($0) == want }
    }

    /// A stored column against a value, as a loop over the stored values; nil for a pairing
    /// the row-by-row test takes.
    private static func compare(_ column: Column, _ op: ComparisonOperator, _ literal: Literal, _ scope: Selection?, _ rowCount: Int, _ want: Bool) -> Selection? {
        switch (column.storage, literal) {
        case (.integer(let v), .number(let value, let scale)), (.decimal(let v, _), .number(let value, let scale)):
            // Both at the larger scale, exactly.
            let own = column.decimalScale, common = max(own, scale)
            guard common - own <= 18, common - scale <= 18 else { return nil }
            let multiplier = Int128(integerPowerOfTen(common - own))
            let (target, overflow) = value.multipliedReportingOverflow(by: Int128(integerPowerOfTen(common - scale)))
            guard !overflow else { return nil }
            if multiplier == 1, let small = Int64(exactly: target) {
                return select(scope, rowCount, column.nulls, want) { compare(v[$0], op, small) }
            }
            return select(scope, rowCount, column.nulls, want) { compare(Int128(v[$0]) * multiplier, op, target) }
        case (.text(let codes, let dictionary), .text(let value)):
            let wanted = CodePointText(value)
            let truth = dictionary.map { compare(CodePointText($0), op, wanted) }
            return select(scope, rowCount, column.nulls, want) { truth[Int(codes[$0])] }
        case (.date(let v), .date(let day)):
            return select(scope, rowCount, column.nulls, want) { compare(v[$0], op, day) }
        case (.timestamp(let v), .timestamp(let micros)):
            return select(scope, rowCount, column.nulls, want) { compare(v[$0], op, micros) }
        case (.boolean(let v), .boolean(let value)) where op == .equal || op == .notEqual:
            return select(scope, rowCount, column.nulls, want) { op == .equal ? v[$0] == value : v[$0] != value }
        case (_, .null):
            return []
        default:
            return nil
        }
    }

    /// Two stored columns of one kind, compared row by row (numbers exactly, at a common scale).
    private static func compare(_ left: Column, _ op: ComparisonOperator, _ right: Column, _ input: Selection, _ want: Bool) -> Selection? {
        let nulls = [left.nulls, right.nulls]
        switch (left.storage, right.storage) {
        case (.integer(let a), .integer(let b)), (.integer(let a), .decimal(let b, _)), (.decimal(let a, _), .integer(let b)), (.decimal(let a, _), .decimal(let b, _)):
            let common = max(left.decimalScale, right.decimalScale)
            let x = Int128(integerPowerOfTen(common - left.decimalScale)), y = Int128(integerPowerOfTen(common - right.decimalScale))
            return select(input, nulls, want) { compare(Int128(a[$0]) * x, op, Int128(b[$0]) * y) }
        case (.text(let a, let da), .text(let b, let db)):
            return select(input, nulls, want) { compare(CodePointText(da[Int(a[$0])]), op, CodePointText(db[Int(b[$0])])) }
        case (.date(let a), .date(let b)):
            return select(input, nulls, want) { compare(a[$0], op, b[$0]) }
        default:
            return nil
        }
    }

    /// A column's level against a level: which levels pass is decided once; passing levels next
    /// to each other are one range of stored values (two compares a row, found by bisection on
    /// the same lookup), else one table lookup per row.
    private static func levels(_ column: Column, _ cuts: [Double], _ op: ComparisonOperator, _ level: Int, _ scope: Selection?, _ rowCount: Int, _ want: Bool) -> Selection? {
        let passes = (0...cuts.count).map { compare($0, op, level) }
        let levelOf = LevelLookup(cuts)
        if let (v, scale) = column.mantissas, let range = levelOf.mantissas(passing: passes, scale: scale) {
            // No level passes: the condition is false on every non-null row (and unknown on nulls).
            guard let range else { return want ? [] : select(scope, rowCount, column.nulls, true) { _ in true } }
            let low = range.lowerBound, high = range.upperBound
            return v.withUnsafeBufferPointer { v in select(scope, rowCount, column.nulls, want) { v[$0] >= low && v[$0] <= high } }
        }
        switch column.storage {
        case .integer(let v):
            return select(scope, rowCount, column.nulls, want) { passes[levelOf(Double(v[$0]))] }
        case .decimal(let v, let scale):
            let divisor = powerOfTen(scale)
            return select(scope, rowCount, column.nulls, want) { passes[levelOf(Double(v[$0]) / divisor)] }
        default:
            return nil
        }
    }

    /// The first `limit` rows, or the top `limit` by a column (descending, nulls last, ties in row order).
    public static func rows(of table: Table, top: BoundTop?, limit: Int, within segment: BoundCondition? = nil) -> RowsResult {
        let scope = segment.map { filter($0, in: table) } ?? Array(0..<table.rowCount)
        guard let top else {
            return RowsResult(table: table, rows: Array(scope.prefix(limit)), matching: scope.count, orderedBy: nil)
        }
        let column = table.columns[top.column]
        var order = scope
        let nulls = column.nulls
        func sortDescending<T: Comparable>(_ key: (Int) -> T) {
            order.sort { a, b in
                let na = nulls.contains(a), nb = nulls.contains(b)
                if na != nb { return nb }
                if na { return a < b }
                let ka = key(a), kb = key(b)
                return ka != kb ? ka > kb : a < b
            }
        }
        switch column.storage {
        case .integer(let v), .decimal(let v, _): sortDescending { v[$0] }
        case .date(let v): sortDescending { v[$0] }
        case .timestamp(let v): sortDescending { v[$0] }
        case .boolean(let v): sortDescending { v[$0] ? 1 : 0 }
        case .text(let codes, let dictionary):
            let rank = rankOfCodes(dictionary)
            sortDescending { rank[Int(codes[$0])] }
        }
        let n = min(top.count, scope.count)
        return RowsResult(table: table, rows: Array(order.prefix(n)), matching: scope.count, orderedBy: column.name)
    }

    /// The rank of each dictionary code in sorted string order.
    static func rankOfCodes(_ dictionary: [String]) -> [Int] {
        var rank = Array(repeating: 0, count: dictionary.count)
        for (position, code) in dictionary.indices.sorted(by: { CodePointText(dictionary[$0]) < CodePointText(dictionary[$1]) }).enumerated() { rank[code] = position }
        return rank
    }

    @inline(__always)
    static func compare<T: Comparable>(_ a: T, _ op: ComparisonOperator, _ b: T) -> Bool {
        switch op {
        case .equal: return a == b
        case .notEqual: return a != b
        case .less: return a < b
        case .lessOrEqual: return a <= b
        case .greater: return a > b
        case .greaterOrEqual: return a >= b
        }
    }

    /// The rows of `input` (all `rowCount` rows when nil) that are not null and whose test is `want`.
    @inline(__always)
    private static func select(_ input: Selection?, _ rowCount: Int, _ nulls: NullBitmap, _ want: Bool, _ test: (Int) -> Bool) -> Selection {
        var out: Selection = []
        guard let input else {
            out.reserveCapacity(rowCount / 4)
            if nulls.nullCount == 0 {
                for r in 0..<rowCount where test(r) == want { out.append(r) }
            } else {
                for r in 0..<rowCount where !nulls.contains(r) && test(r) == want { out.append(r) }
            }
            return out
        }
        out.reserveCapacity(input.count)
        if nulls.nullCount == 0 {
            for r in input where test(r) == want { out.append(r) }
        } else {
            for r in input where !nulls.contains(r) && test(r) == want { out.append(r) }
        }
        return out
    }

    private static func select(_ input: Selection, _ nulls: [NullBitmap], _ want: Bool, _ test: (Int) -> Bool) -> Selection {
        input.filter { r in !nulls.contains { $0.contains(r) } && test(r) == want }
    }
}
