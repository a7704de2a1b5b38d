/// Number syntax options shared by the sinks.
struct NumberSyntax {
    var thousands: UInt8?
    var decimalMark: UInt8

    /// Parses a plain number into a mantissa at exactly `scale` decimals.
    /// Returns nil when it is not a number, has more decimals than `scale`, or overflows.
    @inline(__always)
    func parse(_ p: UnsafePointer<UInt8>, _ count: Int, scale: Int) -> Int64? {
        if thousands == nil && count <= 18 { return parseShort(p, count, scale: scale) }
        var i = 0
        var negative = false
        if count > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) { negative = p[0] == UInt8(ascii: "-"); i = 1 }
        let digitsStart = i
        var value: Int64 = 0
        var integerDigits = 0
        while i < count {
            let d = p[i] &- 48
            if d < 10 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d))
                if o1 || o2 { return nil }
                value = a
                integerDigits += 1
                i += 1
            } else if let t = thousands, p[i] == t, integerDigits > 0 {
                i += 1
            } else {
                break
            }
        }
        guard integerDigits > 0 else { return nil }
        // Leading zeros mark identifiers (00042), not numbers.
        if integerDigits > 1 && p[digitsStart] == 48 { return nil }
        var fraction = 0
        if i < count && p[i] == decimalMark {
            i += 1
            while i < count {
                let d = p[i] &- 48
                guard d < 10 else { return nil }
                fraction += 1
                if fraction > scale { return nil }
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d))
                if o1 || o2 { return nil }
                value = a
                i += 1
            }
            if fraction == 0 { return nil }
        }
        guard i == count else { return nil }
        return Self.scaled(value, from: fraction, to: scale).map { negative ? -$0 : $0 }
    }

    /// A mantissa with `fraction` decimals brought to `scale` decimals; nil on overflow.
    @inline(__always)
    static func scaled(_ value: Int64, from fraction: Int, to scale: Int) -> Int64? {
        var value = value
        for _ in fraction..<max(fraction, scale) {
            let (m, o) = value.multipliedReportingOverflow(by: 10)
            if o { return nil }
            value = m
        }
        return value
    }

    /// `parse` for fields of at most 18 bytes without separators: no digit can overflow.
    @inline(__always)
    private func parseShort(_ p: UnsafePointer<UInt8>, _ count: Int, scale: Int) -> Int64? {
        guard count > 0 else { return nil }
        var i = 0
        let negative = p[0] == UInt8(ascii: "-")
        if negative || p[0] == UInt8(ascii: "+") { i = 1 }
        let digitsStart = i
        var value: Int64 = 0
        while i < count {
            let d = p[i] &- 48
            if d >= 10 { break }
            value = value &* 10 &+ Int64(d)
            i += 1
        }
        let integerDigits = i - digitsStart
        // Leading zeros mark identifiers (00042), not numbers.
        guard integerDigits > 0, !(integerDigits > 1 && p[digitsStart] == 48) else { return nil }
        var fraction = 0
        if i < count {
            guard p[i] == decimalMark else { return nil }
            i += 1
            let fractionStart = i
            while i < count {
                let d = p[i] &- 48
                guard d < 10 else { return nil }
                value = value &* 10 &+ Int64(d)
                i += 1
            }
            fraction = i - fractionStart
            guard fraction > 0, fraction <= scale else { return nil }
        }
        return Self.scaled(value, from: fraction, to: scale).map { negative ? -$0 : $0 }
    }

    /// The shape of a number: digits before the mark (separators excluded), after it, and
    /// whether it fits in 64 bits at its own scale; nil when it is not a plain number.
    func shape(_ p: UnsafePointer<UInt8>, _ count: Int) -> (integerDigits: Int, scale: Int, fits: Bool)? {
        var i = 0
        if count > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) { i = 1 }
        let start = i
        var digits = 0
        while i < count {
            if p[i] &- 48 < 10 { digits += 1; i += 1 }
            else if let t = thousands, p[i] == t, digits > 0 { i += 1 }
            else { break }
        }
        guard digits > 0, !(digits > 1 && p[start] == 48) else { return nil }
        var scale = 0
        if i < count && p[i] == decimalMark {
            i += 1
            while i < count && p[i] &- 48 < 10 { scale += 1; i += 1 }
            guard scale > 0 else { return nil }
        }
        guard i == count else { return nil }
        return (digits, scale, parse(p, count, scale: scale) != nil)
    }
}

/// Receives the fields of one column, in row order.
///
/// The sinks' buffers are class-held and appended to per field, in the load's hot loop; their
/// stored properties are marked `@exclusivity(unchecked)`, because the dynamic exclusivity check
/// on each access doubles the load time (orders.csv, 10M rows, one thread, 2026-11-29: 3.62 s with
/// the checks, 1.76 s without). Nothing else in patron turns the check off. A sink is used by one
/// thread at a time: the one reading its chunk, then the one merging its column.
protocol FieldSink: AnyObject {
    /// Rows received.
    var count: Int { get }
    /// Which of the rows received are null.
    var nulls: NullBitmap { get }
    /// Set when a value did not fit: the rest of the column is stored as nulls and read again later.
    var hasMisfit: Bool { get }

    /// Appends one batch's fields for `column`; returns the first value that cannot be stored.
    func append(_ batch: FieldBatch, column: Int, context: inout BatchContext) -> BatchProblem?
    /// Appends a null.
    func appendNull()
    /// Drops rows from `rows` on (a rejected record's fields).
    func truncate(to rows: Int)
    /// The finished values.
    func finish() -> ColumnStorage
    /// Frees the values once they have been merged.
    func release()
    /// Appends the rows of the same column's next chunk (then frees them there).
    func absorb(_ next: any FieldSink)
}

/// A column being ignored in this pass (it is read in another).
final class SkippingSink: FieldSink {
    @exclusivity(unchecked) private(set) var count = 0
    var nulls: NullBitmap { NullBitmap() }
    var hasMisfit: Bool { false }

    func append(_ batch: FieldBatch, column: Int, context: inout BatchContext) -> BatchProblem? {
        count += batch.rows
        return nil
    }
    func appendNull() { count += 1 }
    func truncate(to rows: Int) { count = rows }
    func finish() -> ColumnStorage { .integer([]) }
    func release() {}
    func absorb(_ next: any FieldSink) {}
}

/// The typed sinks' shared part: an array of values with the null bitmap kept alongside. Each
/// typed sink is a final subclass whose `append` runs `fill` with its parser, so the loop is
/// compiled for its element type.
class ArraySink<Element> {
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private(set) var nulls = NullBitmap()
    @exclusivity(unchecked) private(set) var hasMisfit = false
    @exclusivity(unchecked) private(set) var values: [Element] = []
    let zero: Element

    init(zero: Element, capacity: Int) {
        self.zero = zero
        values.reserveCapacity(capacity)
    }

    /// Nulls, then `parse` for each value. A value that does not parse is a misfit, or an error
    /// when the column's type was declared and `stillFits` (a number with more decimals than a
    /// declared decimal column has seen so far) does not hold for it.
    @inline(__always)
    final func fill(_ batch: FieldBatch, column: Int, context: inout BatchContext, stillFits: ((UnsafePointer<UInt8>, Int) -> Bool)? = nil,
                    parse: (UnsafePointer<UInt8>, Int) -> Element?) -> BatchProblem? {
        let first = column * batch.capacity
        values.reserveCapacity(values.count + batch.rows)
        for row in 0..<batch.rows {
            let i = first + row
            if hasMisfit || context.isNull(batch, i) {
                appendNull()
                continue
            }
            if let v = context.withBytes(batch, i, parse) {
                values.append(v)
                nulls.append(isNull: false)
                count += 1
                continue
            }
            if column < context.declared.count, let type = context.declared[column], !(stillFits.map { context.withBytes(batch, i, $0) } ?? false) {
                let text = context.withBytes(batch, i) { String(decoding: UnsafeBufferPointer(start: $0, count: $1), as: UTF8.self) }
                return BatchProblem(row: row, offset: batch.starts[i], message: "'\(text)' is not \(type)", hint: "fix the value, or declare the column as text")
            }
            hasMisfit = true
            appendNull()
        }
        return nil
    }

    final func appendNull() {
        values.append(zero)
        nulls.append(isNull: true)
        count += 1
    }

    final func truncate(to rows: Int) {
        values.removeLast(values.count - rows)
        nulls.truncate(to: rows)
        count = rows
    }

    final func release() {
        values = []
        nulls = NullBitmap()
    }

    final func absorb(_ next: any FieldSink) {
        guard let next = next as? ArraySink<Element> else { return }
        values.append(contentsOf: next.values)
        nulls.append(contentsOf: next.nulls)
        count += next.count
        next.release()
    }
}

final class IntegerSink: ArraySink<Int64>, FieldSink {
    let syntax: NumberSyntax
    init(syntax: NumberSyntax, capacity: Int) {
        self.syntax = syntax
        super.init(zero: 0, capacity: capacity)
    }
    func append(_ batch: FieldBatch, column: Int, context: inout BatchContext) -> BatchProblem? {
        let syntax = self.syntax
        return fill(batch, column: column, context: &context) { syntax.parse($0, $1, scale: 0) }
    }
    func finish() -> ColumnStorage { .integer(values) }
}

final class DecimalSink: ArraySink<Int64>, FieldSink {
    let syntax: NumberSyntax
    let scale: Int
    init(syntax: NumberSyntax, scale: Int, capacity: Int) {
        self.syntax = syntax
        self.scale = scale
        super.init(zero: 0, capacity: capacity)
    }
    func append(_ batch: FieldBatch, column: Int, context: inout BatchContext) -> BatchProblem? {
        let syntax = self.syntax, scale = self.scale
        // More decimals than the sample showed: the scale is inferred again from every value.
        let moreDecimals = { (p: UnsafePointer<UInt8>, n: Int) in syntax.shape(p, n).map { $0.fits && $0.scale > scale } ?? false }
        return fill(batch, column: column, context: &context, stillFits: moreDecimals) { syntax.parse($0, $1, scale: scale) }
    }
    func finish() -> ColumnStorage { .decimal(values, scale: scale) }
}

final class BooleanSink: ArraySink<Bool>, FieldSink {
    init(capacity: Int) { super.init(zero: false, capacity: capacity) }
    func append(_ batch: FieldBatch, column: Int, context: inout BatchContext) -> BatchProblem? {
        fill(batch, column: column, context: &context) { FieldParsing.boolean(UnsafeBufferPointer(start: $0, count: $1)) }
    }
    func finish() -> ColumnStorage { .boolean(values) }
}

final class DateSink: ArraySink<Int32>, FieldSink {
    let format: DateFormat
    let isISO: Bool
    init(format: DateFormat, capacity: Int) {
        self.format = format
        self.isISO = format == .iso
        super.init(zero: 0, capacity: capacity)
    }
    func append(_ batch: FieldBatch, column: Int, context: inout BatchContext) -> BatchProblem? {
        if isISO {
            return fill(batch, column: column, context: &context) { $1 == 10 ? CalendarDate.parseISO($0) : nil }
        }
        let format = self.format
        return fill(batch, column: column, context: &context) { format.parse($0, $1)?.day }
    }
    func finish() -> ColumnStorage { .date(values) }
}

final class TimestampSink: ArraySink<Int64>, FieldSink {
    let format: DateFormat?
    init(format: DateFormat?, capacity: Int) {
        self.format = format
        super.init(zero: 0, capacity: capacity)
    }
    func append(_ batch: FieldBatch, column: Int, context: inout BatchContext) -> BatchProblem? {
        let format = self.format
        return fill(batch, column: column, context: &context) { p, n in
            if let format {
                guard let (d, s) = format.parse(p, n) else { return nil }
                return (Int64(d) * 86_400 + Int64(s)) * 1_000_000
            }
            return CalendarDate.parseISOTimestamp(p, n)
        }
    }
    func finish() -> ColumnStorage { .timestamp(values) }
}

final class TextSink: FieldSink {
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private(set) var nulls = NullBitmap()
    var hasMisfit: Bool { false }
    @exclusivity(unchecked) private var dictionary = TextDictionaryBuilder()
    @exclusivity(unchecked) private var codes: TextCodes.Builder

    init(capacity: Int) { codes = TextCodes.Builder(capacity: capacity) }

    func append(_ batch: FieldBatch, column: Int, context: inout BatchContext) -> BatchProblem? {
        let first = column * batch.capacity
        codes.reserve(batch.rows)
        for row in 0..<batch.rows {
            let i = first + row
            if context.isNull(batch, i) {
                appendNull()
                continue
            }
            let invalid: Int? = context.withBytes(batch, i) { p, n in
                let buffer = UnsafeBufferPointer(start: p, count: n)
                let before = dictionary.count
                let code = dictionary.code(of: buffer)
                // Only a value not seen before needs checking.
                if dictionary.count > before, let bad = firstInvalidUTF8(buffer) {
                    dictionary.removeLast()
                    return bad
                }
                codes.append(code)
                return nil
            }
            if let at = invalid {
                let offset = batch.flags[i] & 2 != 0 ? batch.starts[i] : batch.starts[i] + at
                return BatchProblem(row: row, offset: offset, message: "invalid UTF-8 byte 0x\(String(context.base[offset], radix: 16, uppercase: true))",
                                    hint: "patron reads UTF-8; convert the file first, e.g. iconv -f latin1 -t utf-8")
            }
            nulls.append(isNull: false)
            count += 1
        }
        return nil
    }

    func appendNull() {
        codes.append(0)
        nulls.append(isNull: true)
        count += 1
    }

    func truncate(to rows: Int) {
        codes.truncate(to: rows)
        nulls.truncate(to: rows)
        count = rows
    }

    func finish() -> ColumnStorage { .text(codes: codes.build(), dictionary: dictionary.strings()) }

    func release() {
        codes = TextCodes.Builder(capacity: 0)
        nulls = NullBitmap()
    }

    /// Appends the next chunk's codes, translated into this dictionary.
    func absorb(_ next: any FieldSink) {
        guard let next = next as? TextSink else { return }
        var map: [UInt32] = []
        map.reserveCapacity(next.dictionary.count)
        next.dictionary.forEachValue { map.append(dictionary.code(of: $0)) }
        codes.reserve(next.count)
        for i in 0..<next.codes.count { codes.append(map[Int(next.codes[i])]) }
        nulls.append(contentsOf: next.nulls)
        count += next.count
        next.release()
    }
}

/// Watches a column's values to choose its type: what every value could be read as.
final class InferenceSink: FieldSink {
    @exclusivity(unchecked) private(set) var count = 0
    var nulls: NullBitmap { NullBitmap() }
    var hasMisfit: Bool { false }
    @exclusivity(unchecked) var candidates: FieldParsing.Candidates
    @exclusivity(unchecked) var integerDigits = 0
    @exclusivity(unchecked) var scale = 0
    @exclusivity(unchecked) var nonNull = 0
    /// The first value that ruled out a type, its offset in the file, and what it ruled out.
    @exclusivity(unchecked) var counterexample: (value: String, offset: Int, ruledOut: String)?
    /// The first non-null value.
    @exclusivity(unchecked) var firstValue: (value: String, offset: Int)?
    /// The first whole number too large for 64 bits.
    @exclusivity(unchecked) var overflow: (value: String, offset: Int)?
    @exclusivity(unchecked) var currentOffset = 0
    let syntax: NumberSyntax
    let customDate: DateFormat?
    /// Whether the column was declared decimal: its scale counts every number, even after a value
    /// that is not one.
    let keepsScale: Bool

    init(syntax: NumberSyntax, customDate: DateFormat?, initial: FieldParsing.Candidates) {
        self.syntax = syntax
        self.customDate = customDate
        candidates = initial
        keepsScale = initial == [.decimal]
        if customDate == nil { candidates.remove(.customDate) }
    }

    /// Narrows the candidates by one non-null value.
    func observe(_ p: UnsafePointer<UInt8>, _ n: Int) {
        count += 1
        nonNull += 1
        if firstValue == nil { firstValue = (String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self), currentOffset) }
        guard !candidates.isEmpty else {
            // A declared decimal column keeps its scale from the numbers among its values (the
            // others are rejected records with on_error skip).
            if keepsScale, let shape = syntax.shape(p, n), shape.fits { scale = max(scale, shape.scale) }
            return
        }
        var fits: FieldParsing.Candidates = []
        if let shape = syntax.shape(p, n) {
            if shape.fits {
                fits.insert(.decimal)
                if shape.scale == 0 { fits.insert(.integer) }
                integerDigits = max(integerDigits, shape.integerDigits)
                scale = max(scale, shape.scale)
            } else if overflow == nil {
                overflow = (String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self), currentOffset)
            }
            if n == 8 && shape.scale == 0 && candidates.contains(.compactDate), DateFormat.compact.parse(p, n) != nil { fits.insert(.compactDate) }
        }
        if candidates.contains(.boolean), FieldParsing.boolean(UnsafeBufferPointer(start: p, count: n)) != nil { fits.insert(.boolean) }
        if candidates.contains(.date) && n == 10, CalendarDate.parseISO(UnsafeBufferPointer(start: p, count: n)) != nil { fits.insert(.date) }
        if candidates.contains(.timestamp) && n >= 16, CalendarDate.parseISOTimestamp(p, n) != nil { fits.insert(.timestamp) }
        if let customDate, candidates.contains(.customDate), customDate.parse(p, n) != nil { fits.insert(.customDate) }
        let narrowed = candidates.intersection(fits)
        if narrowed.isEmpty && counterexample == nil {
            counterexample = (String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self), currentOffset, FieldParsing.describe(candidates))
        }
        candidates = narrowed
    }

    func appendNull() { count += 1 }
    func truncate(to rows: Int) { count = rows }
    func finish() -> ColumnStorage { .integer([]) }
    func release() {}
    func absorb(_ next: any FieldSink) {}

    func append(_ batch: FieldBatch, column: Int, context: inout BatchContext) -> BatchProblem? {
        let first = column * batch.capacity
        for row in 0..<batch.rows {
            let i = first + row
            if context.isNull(batch, i) {
                appendNull()
                continue
            }
            currentOffset = batch.starts[i]
            context.withBytes(batch, i) { observe($0, $1) }
        }
        return nil
    }

    /// Folds in what another chunk's sink saw (chunks are merged in file order).
    func merge(_ other: InferenceSink) {
        let before = candidates
        candidates.formIntersection(other.candidates)
        if counterexample == nil {
            if let theirs = other.counterexample {
                counterexample = theirs
            } else if candidates.isEmpty && !before.isEmpty, let first = other.firstValue {
                counterexample = (first.value, first.offset, FieldParsing.describe(before))
            }
        }
        if firstValue == nil { firstValue = other.firstValue }
        integerDigits = max(integerDigits, other.integerDigits)
        scale = max(scale, other.scale)
        nonNull += other.nonNull
        count += other.count
        if overflow == nil { overflow = other.overflow }
    }
}
