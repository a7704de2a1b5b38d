/// A date or timestamp format such as `yyyyMMdd`, `dd/MM/yyyy` or `yyyy-MM-dd HH:mm:ss`.
///
/// Fields: `yyyy` year, `MM` month, `dd` day, `HH` hour, `mm` minute, `ss` second, each with
/// exactly that many digits; every other character must appear literally.
public struct DateFormat: Sendable, Equatable, CustomStringConvertible {
    enum Part: Sendable, Equatable {
        case year, month, day, hour, minute, second
        case literal(UInt8)
    }

    let parts: [Part]
    /// The pattern as written.
    public let pattern: String

    /// ISO 8601 dates.
    public static let iso = DateFormat(validPattern: "yyyy-MM-dd")
    /// Compact dates, as in old mainframe exports.
    public static let compact = DateFormat(validPattern: "yyyyMMdd")

    /// Parses a pattern; nil when it has no year, month and day, or uses unknown letters.
    public init?(_ pattern: String) {
        var parts: [Part] = []
        let bytes = Array(pattern.utf8)
        var i = 0
        while i < bytes.count {
            func run(_ letter: Character, _ count: Int) -> Bool {
                guard i + count <= bytes.count else { return false }
                return bytes[i..<(i + count)].allSatisfy { $0 == letter.asciiValue! } && (i + count == bytes.count || bytes[i + count] != letter.asciiValue!)
            }
            if run("y", 4) { parts.append(.year); i += 4 }
            else if run("M", 2) { parts.append(.month); i += 2 }
            else if run("d", 2) { parts.append(.day); i += 2 }
            else if run("H", 2) { parts.append(.hour); i += 2 }
            else if run("m", 2) { parts.append(.minute); i += 2 }
            else if run("s", 2) { parts.append(.second); i += 2 }
            else if (bytes[i] >= 65 && bytes[i] <= 90) || (bytes[i] >= 97 && bytes[i] <= 122) { return nil }
            else { parts.append(.literal(bytes[i])); i += 1 }
        }
        guard parts.contains(.year), parts.contains(.month), parts.contains(.day) else { return nil }
        self.parts = parts
        self.pattern = pattern
    }

    private init(validPattern: String) {
        self = DateFormat(validPattern)!
    }

    /// The pattern.
    public var description: String { pattern }

    /// Whether the format has a time of day.
    public var hasTime: Bool { parts.contains(.hour) }

    /// The exact length of a matching value.
    var length: Int {
        parts.reduce(0) { total, part in
            switch part {
            case .year: return total + 4
            case .literal: return total + 1
            default: return total + 2
            }
        }
    }

    /// Parses a value: days since 1970-01-01 and seconds into the day; nil when it does not match.
    func parse(_ p: UnsafePointer<UInt8>, _ count: Int) -> (day: Int32, seconds: Int)? {
        guard count == length else { return nil }
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
        var i = 0
        @inline(__always) func digits(_ n: Int) -> Int? {
            var v = 0
            for k in 0..<n {
                let c = p[i + k] &- 48
                guard c < 10 else { return nil }
                v = v * 10 + Int(c)
            }
            i += n
            return v
        }
        for part in parts {
            switch part {
            case .year: guard let v = digits(4) else { return nil }; year = v
            case .month: guard let v = digits(2) else { return nil }; month = v
            case .day: guard let v = digits(2) else { return nil }; day = v
            case .hour: guard let v = digits(2), v < 24 else { return nil }; hour = v
            case .minute: guard let v = digits(2), v < 60 else { return nil }; minute = v
            case .second: guard let v = digits(2), v < 60 else { return nil }; second = v
            case .literal(let b): guard p[i] == b else { return nil }; i += 1
            }
        }
        guard let dayNumber = CalendarDate.dayNumber(year: year, month: month, day: day) else { return nil }
        return (dayNumber, hour * 3600 + minute * 60 + second)
    }
}

extension CalendarDate {
    /// Parses an ISO 8601 timestamp `yyyy-MM-dd[T ]HH:mm[:ss[.ffffff]][Z]` to microseconds since 1970.
    static func parseISOTimestamp(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        guard count >= 16, let day = CalendarDate.parseISO(UnsafeBufferPointer(start: p, count: 10)),
              p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: " ") else { return nil }
        func two(_ at: Int) -> Int? {
            let a = p[at] &- 48, b = p[at + 1] &- 48
            return a < 10 && b < 10 ? Int(a) * 10 + Int(b) : nil
        }
        guard let hour = two(11), hour < 24, p[13] == UInt8(ascii: ":"), let minute = two(14), minute < 60 else { return nil }
        var i = 16
        var second = 0
        var micros = 0
        if i < count && p[i] == UInt8(ascii: ":") {
            guard i + 3 <= count, let s = two(i + 1), s < 60 else { return nil }
            second = s
            i += 3
            if i < count && p[i] == UInt8(ascii: ".") {
                i += 1
                var digits = 0
                while i < count && p[i] &- 48 < 10 {
                    if digits < 6 { micros = micros * 10 + Int(p[i] &- 48) }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
                for _ in min(digits, 6)..<6 { micros *= 10 }
            }
        }
        if i < count && p[i] == UInt8(ascii: "Z") { i += 1 }
        guard i == count else { return nil }
        return (Int64(day) * 86_400 + Int64(hour * 3600 + minute * 60 + second)) * 1_000_000 + Int64(micros)
    }
}
