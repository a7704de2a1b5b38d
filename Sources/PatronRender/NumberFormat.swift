import PatronStore
/// Numbers as people read them: thousands separators, fixed decimals, percentages.
public enum NumberFormat {
    /// An integer with thousands separators: `1234567` → `1,234,567`.
    public static func grouped<T: BinaryInteger>(_ value: T) -> String {
        (value < 0 ? "-" : "") + group(String(value.magnitude))
    }

    private static func group(_ digits: some StringProtocol) -> String {
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    /// A fixed-point decimal `mantissa / 10^scale` with thousands separators: `123450, 2` → `1,234.50`.
    public static func decimal<T: BinaryInteger>(_ mantissa: T, scale: Int) -> String {
        guard scale > 0 else { return grouped(mantissa) }
        let plain = ExactDecimal.text(mantissa.magnitude, scale: scale)
        let point = plain.firstIndex(of: ".") ?? plain.endIndex
        return (mantissa < 0 ? "-" : "") + group(plain[..<point]) + plain[point...]
    }

    /// A floating-point value rounded to `digits` decimals, with thousands separators.
    public static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "-∞") }
        let factor = (0..<digits).reduce(1.0) { r, _ in r * 10 }
        let scaled = (value * factor).rounded(.toNearestOrAwayFromZero)
        guard abs(scaled) < 9.2e18 else { return String(value) }
        return decimal(Int64(scaled), scale: digits)
    }

    /// A floating-point value as data (JSON, no separators): the shortest decimal of up to nine
    /// places within the arithmetic's noise of it (a relative 10⁻¹²), so a cut point computed as
    /// 75.86999999999999 from cents reads 75.87, as it is; otherwise the shortest text that reads
    /// back as the same double.
    public static func shortest(_ value: Double) -> String {
        guard value.isFinite, value != 0, abs(value) < 1e15, abs(value) >= 1e-6 else { return String(value) }
        var factor = 1.0
        for places in 0...9 {
            let scaled = (value * factor).rounded(.toNearestOrAwayFromZero)
            if abs(scaled / factor - value) <= 1e-12 * abs(value) {
                let digits = String(Int64(scaled.magnitude))
                let padded = String(repeating: "0", count: max(0, places + 1 - digits.count)) + digits
                return (value < 0 ? "-" : "") + (places == 0 ? padded : padded.dropLast(places) + "." + padded.suffix(places))
            }
            factor *= 10
        }
        return String(value)
    }

    /// A share as a percentage with one decimal: `0.1234` → `12.3%`.
    /// A share that is not zero never prints as 0.0%: it prints as <0.1%.
    public static func percent(_ share: Double) -> String {
        if share > 0 && share < 0.0005 { return "<0.1%" }
        if share < 0 && share > -0.0005 { return ">-0.1%" }
        return fixed(share * 100, digits: 1) + "%"
    }
}
