/// Conversions between civil dates (proleptic Gregorian) and day numbers since 1970-01-01.
public enum CalendarDate {
    /// The day number of `year-month-day`, or nil when the date does not exist.
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int32? {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146_097 + doe - 719_468)
    }

    /// The civil date of a day number.
    public static func civil(_ dayNumber: Int32) -> (year: Int, month: Int, day: Int) {
        let z = Int(dayNumber) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The number of days in a month.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses `yyyy-MM-dd` from ten bytes at `p` without allocating.
    @inline(__always)
    static func parseISO(_ p: UnsafePointer<UInt8>) -> Int32? {
        guard p[4] == UInt8(ascii: "-"), p[7] == UInt8(ascii: "-") else { return nil }
        let y0 = p[0] &- 48, y1 = p[1] &- 48, y2 = p[2] &- 48, y3 = p[3] &- 48
        let m0 = p[5] &- 48, m1 = p[6] &- 48, d0 = p[8] &- 48, d1 = p[9] &- 48
        guard y0 < 10, y1 < 10, y2 < 10, y3 < 10, m0 < 10, m1 < 10, d0 < 10, d1 < 10 else { return nil }
        let year = Int(y0) * 1000 + Int(y1) * 100 + Int(y2) * 10 + Int(y3)
        return dayNumber(year: year, month: Int(m0) * 10 + Int(m1), day: Int(d0) * 10 + Int(d1))
    }

    /// Parses `yyyy-MM-dd` from ASCII bytes.
    public static func parseISO<C: Collection>(_ bytes: C) -> Int32? where C.Element == UInt8 {
        if let fast = bytes.withContiguousStorageIfAvailable({ $0.count == 10 ? parseISO($0.baseAddress!) : nil }) { return fast }
        guard bytes.count == 10 else { return nil }
        var digits = [Int](); digits.reserveCapacity(8)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 7 {
                guard b == UInt8(ascii: "-") else { return nil }
            } else {
                guard b >= 48 && b <= 57 else { return nil }
                digits.append(Int(b - 48))
            }
        }
        let year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
        return dayNumber(year: year, month: digits[4] * 10 + digits[5], day: digits[6] * 10 + digits[7])
    }

    /// Formats a day number as `yyyy-MM-dd`.
    public static func isoString(_ dayNumber: Int32) -> String {
        let (y, m, d) = civil(dayNumber)
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        // ISO 8601's astronomical years: 1 BC is 0000, 44 BC is -0043 (it printed 0-43-03-15).
        return (y < 0 ? "-" + pad(-y, 4) : pad(y, 4)) + "-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// A timestamp as `yyyy-MM-dd HH:mm:ss`, with microseconds only when there are some.
    public static func isoTimestamp(_ micros: Int64) -> String {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = Int(seconds - day * 86_400)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text = isoString(Int32(clamping: day)) + " \(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60))"
        if fraction != 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: 6 - digits.count) + digits
        }
        return text
    }
}
