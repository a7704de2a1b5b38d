/// Byte-level recognisers for field values, shared by inference and parsing.
enum FieldParsing {
    /// Candidate types a field can be read as.
    struct Candidates: OptionSet {
        let rawValue: UInt8
        static let boolean = Candidates(rawValue: 1)
        static let integer = Candidates(rawValue: 2)
        static let decimal = Candidates(rawValue: 4)
        static let date = Candidates(rawValue: 8)
        static let all: Candidates = [.boolean, .integer, .decimal, .date]
    }

    /// Whether the field is one of the default null markers: empty, NULL, null, NA, N/A.
    static func isNullMarker(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        switch b.count {
        case 0: return true
        case 2: return b[0] == UInt8(ascii: "N") && b[1] == UInt8(ascii: "A")
        case 3: return b[0] == UInt8(ascii: "N") && b[1] == UInt8(ascii: "/") && b[2] == UInt8(ascii: "A")
        case 4:
            return (b[0] == UInt8(ascii: "N") && b[1] == UInt8(ascii: "U") && b[2] == UInt8(ascii: "L") && b[3] == UInt8(ascii: "L"))
                || (b[0] == UInt8(ascii: "n") && b[1] == UInt8(ascii: "u") && b[2] == UInt8(ascii: "l") && b[3] == UInt8(ascii: "l"))
        default: return false
        }
    }

    /// The shape of a number: digits before and after the point, or nil when not a plain number.
    /// Leading zeros (`00042`) are not numbers: such identifiers stay text.
    static func numberShape(_ b: UnsafeBufferPointer<UInt8>) -> (integerDigits: Int, scale: Int)? {
        var i = 0
        if i < b.count && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) { i += 1 }
        let intStart = i
        while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1 }
        let integerDigits = i - intStart
        guard integerDigits > 0 else { return nil }
        if integerDigits > 1 && b[intStart] == 48 { return nil }
        if i == b.count { return (integerDigits, 0) }
        guard b[i] == UInt8(ascii: ".") else { return nil }
        i += 1
        let fracStart = i
        while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1 }
        guard i == b.count, i > fracStart else { return nil }
        return (integerDigits, i - fracStart)
    }

    /// Whether the field is `true` or `false` in any case; returns the value.
    static func boolean(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        func matches(_ word: StaticString) -> Bool {
            guard b.count == word.utf8CodeUnitCount else { return false }
            let w = word.utf8Start
            for i in 0..<b.count where b[i] | 0x20 != w[i] { return false }
            return true
        }
        if matches("true") { return true }
        if matches("false") { return false }
        return nil
    }

    /// The candidate types for one non-null field, and its decimal scale.
    static func candidates(_ b: UnsafeBufferPointer<UInt8>) -> (Candidates, integerDigits: Int, scale: Int) {
        if let shape = numberShape(b) {
            if shape.scale == 0 {
                return (shape.integerDigits <= 18 ? [.integer, .decimal] : [], shape.integerDigits, 0)
            }
            return (shape.integerDigits + shape.scale <= 18 ? .decimal : [], shape.integerDigits, shape.scale)
        }
        if boolean(b) != nil { return (.boolean, 0, 0) }
        if b.count == 10, CalendarDate.parseISO(b) != nil { return (.date, 0, 0) }
        return ([], 0, 0)
    }

    /// The value of a number already known to fit, scaled to `scale` decimals.
    static func scaledInteger(_ b: UnsafeBufferPointer<UInt8>, scale: Int) -> Int64 {
        var negative = false
        var i = 0
        if b[0] == UInt8(ascii: "-") { negative = true; i = 1 } else if b[0] == UInt8(ascii: "+") { i = 1 }
        var value: Int64 = 0
        var fraction = -1
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: ".") { fraction = 0 } else {
                value = value &* 10 &+ Int64(c &- 48)
                if fraction >= 0 { fraction += 1 }
            }
            i += 1
        }
        var digits = max(fraction, 0)
        while digits < scale { value = value &* 10; digits += 1 }
        return negative ? -value : value
    }
}

/// Checks that bytes are valid UTF-8; returns the offset of the first invalid byte.
func firstInvalidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
    var i = 0
    let n = b.count
    while i < n {
        let c = b[i]
        if c < 0x80 { i += 1; continue }
        var need = 0
        var minimum: UInt32 = 0
        var scalar: UInt32 = 0
        if c & 0xE0 == 0xC0 { need = 1; minimum = 0x80; scalar = UInt32(c & 0x1F) }
        else if c & 0xF0 == 0xE0 { need = 2; minimum = 0x800; scalar = UInt32(c & 0x0F) }
        else if c & 0xF8 == 0xF0 { need = 3; minimum = 0x10000; scalar = UInt32(c & 0x07) }
        else { return i }
        guard i + need < n else { return i }
        for k in 1...need {
            let d = b[i + k]
            guard d & 0xC0 == 0x80 else { return i }
            scalar = scalar << 6 | UInt32(d & 0x3F)
        }
        if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return i }
        i += need + 1
    }
    return nil
}
