import PatronAnalysis
import PatronPlan
import PatronStore

/// Fills exact numbers for a list of rows: `values[i]` is the expression at row `rows[i]`, at the
/// requested scale, and `valid[i]` is false where it is null (or does not fit). The buffers hold
/// at least as many values as there are rows; their subscripts are bounds-checked in debug builds.
typealias NumberFiller = @Sendable (_ rows: UnsafeBufferPointer<Int>, _ values: UnsafeMutableBufferPointer<Int64>, _ valid: UnsafeMutableBufferPointer<Bool>) -> Void

extension Engine {
    /// A filler for a numeric expression: columns, constants, `+` and `-` run as tight loops over
    /// the rows; anything else falls back to the compiled expression row by row.
    static func numberFiller(_ e: BoundExpression, scale: Int, in table: Table) -> NumberFiller {
        numberFiller(scalar(e, in: table), scale: scale, in: table)
    }

    static func numberFiller(_ e: Scalar, scale: Int, in table: Table) -> NumberFiller {
        switch e {
        case .column(let index) where index >= 0 && index < table.columns.count:
            let column = table.columns[index]
            let nulls = column.nulls
            let values: [Int64], own: Int
            switch column.storage {
            case .integer(let v): (values, own) = (v, 0)
            case .decimal(let v, let s): (values, own) = (v, s)
            default: return fallbackFiller(e, scale: scale, in: table)
            }
            guard own <= scale else { return fallbackFiller(e, scale: scale, in: table) }
            let factor = integerPowerOfTen(scale - own)
            return { rows, out, valid in
                let n = rows.count
                assert(out.count >= n && valid.count >= n, "a filler writes \(n) values into \(out.count)")
                values.withUnsafeBufferPointer { v in
                    if factor == 1 {
                        // The common case: no scaling, nothing to overflow; a copy when the rows
                        // follow one another (they ascend, so first and last tell).
                        if n > 0, rows[n - 1] - rows[0] == n - 1, let source = v.baseAddress, let target = out.baseAddress {
                            assert(rows[0] >= 0 && rows[n - 1] < v.count, "rows \(rows[0])…\(rows[n - 1]) of \(v.count)")
                            target.update(from: source + rows[0], count: n)
                        } else {
                            for i in 0..<n { out[i] = v[rows[i]] }
                        }
                        if nulls.nullCount == 0, let flags = valid.baseAddress { flags.update(repeating: true, count: n); return }
                        for i in 0..<n { valid[i] = !nulls.contains(rows[i]) }
                        return
                    }
                    for i in 0..<n {
                        let (r, o) = v[rows[i]].multipliedReportingOverflow(by: factor)
                        out[i] = r
                        valid[i] = !o && !nulls.contains(rows[i])
                    }
                }
            }
        case .literal(.number(let wide, let s)) where s <= scale:
            let m = Int64(clamping: wide)
            let (value, passed) = m.multipliedReportingOverflow(by: integerPowerOfTen(scale - s))
            let overflow = passed || Int64(exactly: wide) == nil
            return { rows, out, valid in
                for i in 0..<rows.count { out[i] = value; valid[i] = !overflow }
            }
        case .arithmetic(let op, let a, let b, .number(let s)) where s == scale && (op == .add || op == .subtract):
            let left = numberFiller(a, scale: scale, in: table), right = numberFiller(b, scale: scale, in: table)
            let subtract = op == .subtract
            let overflowed = OverflowWatch.recorder(for: table)
            return { rows, out, valid in
                let n = rows.count
                let other = UnsafeMutableBufferPointer<Int64>.allocate(capacity: n), otherValid = UnsafeMutableBufferPointer<Bool>.allocate(capacity: n)
                defer { other.deallocate(); otherValid.deallocate() }
                left(rows, out, valid)
                right(rows, other, otherValid)
                // One loop per operator, with no branch inside, so the compiler vectorises it.
                var any = false
                if subtract {
                    for i in 0..<n {
                        let (r, o) = out[i].subtractingReportingOverflow(other[i])
                        out[i] = r
                        any = any || (o && valid[i] && otherValid[i])
                        valid[i] = valid[i] && otherValid[i] && !o
                    }
                } else {
                    for i in 0..<n {
                        let (r, o) = out[i].addingReportingOverflow(other[i])
                        out[i] = r
                        any = any || (o && valid[i] && otherValid[i])
                        valid[i] = valid[i] && otherValid[i] && !o
                    }
                }
                // Rare: work the operands again to name the rows whose result passed 64 bits.
                if any {
                    let first = UnsafeMutableBufferPointer<Int64>.allocate(capacity: n), firstValid = UnsafeMutableBufferPointer<Bool>.allocate(capacity: n)
                    defer { first.deallocate(); firstValid.deallocate() }
                    left(rows, first, firstValid)
                    for i in 0..<n where firstValid[i] && otherValid[i] {
                        let o = subtract ? first[i].subtractingReportingOverflow(other[i]).overflow : first[i].addingReportingOverflow(other[i]).overflow
                        if o { overflowed(rows[i]) }
                    }
                }
            }
        default:
            return fallbackFiller(e, scale: scale, in: table)
        }
    }

    private static func fallbackFiller(_ e: Scalar, scale: Int, in table: Table) -> NumberFiller {
        let value = compile(e, in: table).asNumber(scale: scale)
        let box = UncheckedSendable(value)
        return { rows, out, valid in
            for i in 0..<rows.count {
                let v = box.value(rows[i])
                out[i] = v ?? 0
                valid[i] = v != nil
            }
        }
    }
}

