import PatronAnalysis
import PatronEngine
import PatronSQL
import PatronStore

extension AggregateText {
    /// The value as memory computes it: counts, exact sums, minimums and maximums at the
    /// argument's scale, dates, and reals.
    /// Nil when the server's text is not such a value (never rounded or guessed).
    var value: AggregateValue? {
        guard let text else { return .null }
        switch (kind, argument) {
        case (.count, _): return Int(text).map(AggregateValue.count)
        case (.sum, .number(let scale)?), (.min, .number(let scale)?), (.max, .number(let scale)?):
            return Self.exact(text, scale: scale).map { .exact($0, scale: scale) }
        case (.min, .date?), (.max, .date?): return CalendarDate.parseISO(Array(text.utf8)).map(AggregateValue.date)
        case (.share, _): return Double(text).map(AggregateValue.share)
        default: return Double(text).map(AggregateValue.real)
        }
    }

    /// Each group's values, in row order; the first text that is not a value stops the reading.
    static func rows(_ texts: [[AggregateText]], labels: [String]) -> Result<[(representative: Int, values: [AggregateValue])], Unreadable> {
        var rows: [(representative: Int, values: [AggregateValue])] = []
        for (row, group) in texts.enumerated() {
            var values: [AggregateValue] = []
            for (label, text) in zip(labels, group) {
                guard let value = text.value else {
                    return .failure(Unreadable(message: "the server answered '\(text.text ?? "")' for \(label), which patron cannot read exactly"))
                }
                values.append(value)
            }
            rows.append((row, values))
        }
        return .success(rows)
    }

    /// A value the server answered that patron cannot read exactly.
    public struct Unreadable: Error, Sendable {
        public let message: String
    }

    /// A decimal's text (`-12.5`) as a mantissa at `scale` decimals, when it has no more.
    public static func exact(_ text: String, scale: Int) -> Int128? {
        ExactDecimal(text)?.mantissa(atScale: scale)
    }
}
