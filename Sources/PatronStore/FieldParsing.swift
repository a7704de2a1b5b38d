/// Byte-level recognisers for field values, shared by inference and parsing.
enum FieldParsing {
    /// Candidate types a field can be read as.
    struct Candidates: OptionSet {
        let rawValue: UInt8
        static let boolean = Candidates(rawValue: 1)
        static let integer = Candidates(rawValue: 2)
        static let decimal = Candidates(rawValue: 4)
        static let date = Candidates(rawValue: 8)
        static let timestamp = Candidates(rawValue: 16)
        static let compactDate = Candidates(rawValue: 32)
        static let customDate = Candidates(rawValue: 64)
        static let all: Candidates = [.boolean, .integer, .decimal, .date, .timestamp, .compactDate, .customDate]
    }

    /// The types still possible, in words: "a number, a date or a boolean".
    static func describe(_ set: Candidates) -> String {
        var kinds: [String] = []
        if set.contains(.integer) || set.contains(.decimal) { kinds.append(set.contains(.decimal) ? "a number" : "a whole number") }
        if !set.intersection([.date, .compactDate, .customDate]).isEmpty { kinds.append("a date") }
        else if set.contains(.timestamp) { kinds.append("a timestamp") }
        if set.contains(.boolean) { kinds.append("a boolean") }
        guard let last = kinds.popLast() else { return "text" }
        return kinds.isEmpty ? last : kinds.joined(separator: ", ") + " or " + last
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
