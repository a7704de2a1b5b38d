/// Byte-level splitting of delimited text into fields, quote-aware (RFC 4180).
///
/// One function, `scanField`, finds where a field starts and ends; the record loop, the
/// dialect sniffer and the header reader all use it.
struct CSVTokenizer {
    let base: UnsafePointer<UInt8>
    /// One past the last byte.
    let end: Int
    let delimiter: UInt8
    let whitespace: Bool

    static let quote = UInt8(ascii: "\""), lf: UInt8 = 10, cr: UInt8 = 13, space: UInt8 = 32, tab: UInt8 = 9

    /// A field's location; `escaped` when it holds doubled quotes to undo.
    struct Field {
        var start: Int
        var end: Int
        var quoted: Bool
        var escaped: Bool
    }

    /// How a field scan ended (a plain code: this is returned once per field).
    enum Stop: UInt8 {
        /// More fields follow in this record.
        case delimiter
        /// The record ends here (line end or end of input).
        case recordEnd
        /// A quote opens at the field's start - 1 and never closes.
        case unterminatedQuote
        /// Text follows a closing quote, at the scan position.
        case textAfterQuote

        /// The error this stop reports, positioned at `offset`; nil when the field is fine.
        func error(field: Field, at position: Int) -> RecordError? {
            switch self {
            case .delimiter, .recordEnd: return nil
            case .unterminatedQuote:
                return RecordError(offset: field.start - 1, message: "unterminated quoted field", hint: "close the quote, or double each quote inside the field (\"\")")
            case .textAfterQuote:
                return RecordError(offset: position, message: "unexpected text after a closing quote", hint: "quote the whole field and double each quote inside it")
            }
        }
    }

    @inline(__always) func isLineEnd(_ b: UInt8) -> Bool { b == Self.lf || b == Self.cr }
    @inline(__always) func isBlank(_ b: UInt8) -> Bool { b == Self.space || b == Self.tab }

    /// Skips one line end (LF, CRLF or CR) at `p`.
    @inline(__always) func skipLineEnd(_ p: Int) -> Int {
        if p < end && base[p] == Self.cr { return p + 1 < end && base[p + 1] == Self.lf ? p + 2 : p + 1 }
        return p < end && base[p] == Self.lf ? p + 1 : p
    }

    /// The offset of the next line end at or after `p` (or `end`), ignoring quotes.
    func nextLineEnd(_ p: Int) -> Int {
        var i = p
        while i < end && !isLineEnd(base[i]) { i += 1 }
        return i
    }

    /// Whether the line at `p` holds nothing (for whitespace-aligned files: only blanks).
    @inline(__always) func blankLineEnd(_ p: Int) -> Int? {
        if isLineEnd(base[p]) { return p }
        guard whitespace else { return nil }
        var i = p
        while i < end && isBlank(base[i]) { i += 1 }
        return i == end || isLineEnd(base[i]) ? i : nil
    }

    /// Scans the field at `p`; `p` is left after the field's delimiter (or at the record's end).
    @inline(__always)
    func scanField(_ p: inout Int) -> (Field, Stop) {
        if whitespace { while p < end && isBlank(base[p]) { p += 1 } }
        if p < end && base[p] == Self.quote {
            p += 1
            let start = p
            var escaped = false
            while true {
                guard p < end else { return (Field(start: start, end: p, quoted: true, escaped: escaped), .unterminatedQuote) }
                if base[p] == Self.quote {
                    if p + 1 < end && base[p + 1] == Self.quote {
                        escaped = true
                        p += 2
                        continue
                    }
                    break
                }
                p += 1
            }
            let field = Field(start: start, end: p, quoted: true, escaped: escaped)
            p += 1
            return (field, separator(&p, after: field, afterQuote: true))
        }
        let start = p
        if whitespace {
            while p < end, case let b = base[p], !isBlank(b), !isLineEnd(b) { p += 1 }
        } else {
            p = endOfUnquotedField(from: p)
        }
        let field = Field(start: start, end: p, quoted: false, escaped: false)
        return (field, separator(&p, after: field, afterQuote: false))
    }

    /// The first delimiter, LF or CR at or after `p` (or `end`), eight bytes at a time.
    @inline(__always)
    func endOfUnquotedField(from start: Int) -> Int {
        var p = start
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let d = ones &* UInt64(delimiter), lf = ones &* UInt64(Self.lf), cr = ones &* UInt64(Self.cr)
        while p + 8 <= end {
            let w = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
            let x = w ^ d, y = w ^ lf, z = w ^ cr
            // A zero byte in x, y or z marks a match; the lowest flagged byte is exact.
            let found = ((x &- ones) & ~x | (y &- ones) & ~y | (z &- ones) & ~z) & highs
            if found != 0 { return p + found.trailingZeroBitCount / 8 }
            p += 8
        }
        let del = delimiter
        while p < end, case let b = base[p], b != del, b != Self.lf, b != Self.cr { p += 1 }
        return p
    }

    @inline(__always)
    private func separator(_ p: inout Int, after field: Field, afterQuote: Bool) -> Stop {
        guard p < end else { return .recordEnd }
        let b = base[p]
        if isLineEnd(b) { return .recordEnd }
        if whitespace {
            if isBlank(b) {
                while p < end && isBlank(base[p]) { p += 1 }
                return p == end || isLineEnd(base[p]) ? .recordEnd : .delimiter
            }
            if !afterQuote { return .delimiter }
        } else if b == delimiter {
            p += 1
            return .delimiter
        }
        return .textAfterQuote
    }

    /// The field's bytes, with doubled quotes undone in `scratch` when needed.
    @inline(__always)
    func withBytes<R>(of field: Field, scratch: inout [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        guard field.escaped else { return body(base + field.start, field.end - field.start) }
        scratch.removeAll(keepingCapacity: true)
        var i = field.start
        while i < field.end {
            scratch.append(base[i])
            i += base[i] == Self.quote ? 2 : 1
        }
        return scratch.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
    }

    /// Reads one whole record's fields as strings (for headers and sniffing); nil at the end.
    func record(at start: inout Int, limit: Int = 10_000) -> (fields: [String], error: Bool)? {
        var p = start
        while p < end, let blank = blankLineEnd(p) { p = skipLineEnd(blank) }
        guard p < end else { return nil }
        var fields: [String] = []
        var scratch: [UInt8] = []
        var failed = false
        while fields.count < limit {
            let (field, stop) = scanField(&p)
            fields.append(withBytes(of: field, scratch: &scratch) { String(decoding: UnsafeBufferPointer(start: $0, count: $1), as: UTF8.self) })
            if case .delimiter = stop { continue }
            if stop != .recordEnd { failed = true; p = nextLineEnd(p) }
            break
        }
        start = skipLineEnd(nextLineEnd(p))
        return (fields, failed)
    }
}
