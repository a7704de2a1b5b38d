/// A decimal number held exactly: `mantissa / 10^scale`. The one reader and writer of decimal
/// text that every part shares — literals in statements, a server's answers, SQL literals,
/// exports to a server, the plain numbers of the data formats — so `-12.50` reads and prints the
/// same everywhere. (The loaders' hot loops read bytes straight into column mantissas instead.)
public struct ExactDecimal: Sendable, Equatable {
    /// The digits as one integer (38 of them fit).
    public let mantissa: Int128
    /// How many of the digits are decimals.
    public let scale: Int

    public init(mantissa: Int128, scale: Int) {
        self.mantissa = mantissa
        self.scale = scale
    }

    /// Reads plain decimal text: an optional `-`, then digits with at most one `.` among them
    /// (`-12.50`, `0.125`, `7`, `.5`, `5.`). Nil for anything else (a `+`, an exponent, spaces, NaN) and for
    /// more digits than 128 bits hold.
    public init?(_ text: String) {
        var utf8 = Substring(text).utf8[...]
        let negative = utf8.first == UInt8(ascii: "-")
        if negative { utf8 = utf8.dropFirst() }
        var mantissa: Int128 = 0, scale = 0, digits = 0, afterPoint = false
        for byte in utf8 {
            if byte == UInt8(ascii: "."), !afterPoint { afterPoint = true; continue }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let (times, o1) = mantissa.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int128(byte - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            mantissa = sum
            digits += 1
            if afterPoint { scale += 1 }
        }
        guard digits > 0 else { return nil }
        self.init(mantissa: negative ? -mantissa : mantissa, scale: scale)
    }

    /// The mantissa at `target` decimals: padded with zeros, or with trailing zeros dropped; nil
    /// when a digit would be lost or the result passes 128 bits.
    public func mantissa(atScale target: Int) -> Int128? {
        if target == scale { return mantissa }
        if target > scale {
            let (value, overflow) = mantissa.multipliedReportingOverflow(by: Self.power(target - scale))
            return overflow ? nil : value
        }
        let divisor = Self.power(scale - target)
        return mantissa % divisor == 0 ? mantissa / divisor : nil
    }

    /// The plain text: `-12.50` (no thousands separators; every decimal of the scale).
    public var text: String { Self.text(mantissa, scale: scale) }

    /// `mantissa / 10^scale` as plain text, for any integer type.
    public static func text<T: BinaryInteger>(_ mantissa: T, scale: Int) -> String {
        let magnitude = String(mantissa.magnitude)
        guard scale > 0 else { return (mantissa < 0 ? "-" : "") + magnitude }
        let padded = String(repeating: "0", count: max(0, scale + 1 - magnitude.count)) + magnitude
        let split = padded.index(padded.endIndex, offsetBy: -scale)
        return (mantissa < 0 ? "-" : "") + padded[..<split] + "." + padded[split...]
    }

    /// 10^n (n ≤ 38).
    public static func power(_ n: Int) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<min(max(0, n), 38) { result *= 10 }
        return result
    }
}
