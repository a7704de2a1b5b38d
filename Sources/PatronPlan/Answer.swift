import PatronAnalysis
import PatronStore

/// What a backend gives back for a plan: its rows, each value typed, read by the plan's output
/// names. Memory makes one from its columns; a server's text rows are read once, by the plan's
/// schema, into the same values. The assemblers (`Lowered.levels`, the executors' results) read
/// only this, so a statement is read back one way whatever ran it.
public struct Answer: Sendable {
    public let names: [String]
    public let rows: [[Literal]]

    public init(names: [String], rows: [[Literal]]) {
        self.names = names
        self.rows = rows
    }

    /// Rows of text as a server writes them, each value read as the schema types its column
    /// (exact numbers exactly; a text the type does not read stays text).
    public init(text: [[String?]], schema: Schema) {
        names = schema.fields.map(\.name)
        rows = text.map { row in
            zip(schema.fields, row).map { field, value in value.map { Literal(reading: $0, as: field.type) } ?? .null }
        }
    }

    /// One row of named texts (a server's numbers written as text), each read as a number.
    public init(texts: [String: String]) {
        names = texts.keys.sorted()
        rows = [names.map { Literal(reading: texts[$0] ?? "", as: .number(scale: 0)) }]
    }

    /// The value of a named output in a row (null when there is no such output or row).
    public func value(_ name: String, row: Int = 0) -> Literal {
        guard row >= 0, row < rows.count, let column = names.firstIndex(of: name), column < rows[row].count else { return .null }
        return rows[row][column]
    }

    /// A whole number (a count).
    public func integer(_ name: String, row: Int = 0) -> Int? {
        exact(name, row: row).flatMap { $0.scale == 0 ? Int(exactly: $0.mantissa) : nil }
    }

    /// An exact number (also one a server wrote as text).
    public func exact(_ name: String, row: Int = 0) -> ExactDecimal? {
        switch value(name, row: row) {
        case .number(let m, let scale): return ExactDecimal(mantissa: m, scale: scale)
        case .text(let text): return ExactDecimal(text)
        default: return nil
        }
    }

    /// A number of either kind as a double.
    public func real(_ name: String, row: Int = 0) -> Double? {
        switch value(name, row: row) {
        case .number(let m, let scale): return Double(m) / powerOfTen(scale)
        case .real(let r): return r
        case .text(let text): return Double(text)
        default: return nil
        }
    }

    /// The row whose first value is `key` (a segment's label), if any.
    public func row(keyed key: String) -> Int? {
        rows.firstIndex { $0.first == .text(key) }
    }
}

extension Literal {
    /// A value written as text, read as `type` reads it.
    public init(reading text: String, as type: ValueType) {
        switch type {
        case .number:
            if let exact = ExactDecimal(text) { self = .number(exact.mantissa, scale: exact.scale) } else { self = Double(text).map { .real($0) } ?? .text(text) }
        case .real: self = Double(text).map { .real($0) } ?? .text(text)
        case .boolean where text == "t" || text == "true": self = .boolean(true)
        case .boolean where text == "f" || text == "false": self = .boolean(false)
        default: self = .text(text)
        }
    }
}

extension Lowered {
    /// Each level's cut points from the order statistics an answer holds (`statisticName`, in
    /// the order of `statistics`), interpolated as every quantile of patron's is
    /// (`QuantileParts.value`). A level whose statistics the answer lacks stays as it is.
    public static func levels(_ levels: [LevelCuts], of input: Plan, statistics: [OrderStatistics], from answer: Answer, row: Int = 0) -> [LevelCuts] {
        let lowering = Lowering(input)
        return levels.map { level -> LevelCuts in
            guard let set = lowering.statistics(of: level), let index = statistics.firstIndex(of: set) else { return level }
            func value(_ statistic: OrderStatistics.Statistic) -> Literal { answer.value(statisticName(index + 1, statistic), row: row) }
            func mantissa(_ literal: Literal) -> Int64? {
                let exact: ExactDecimal?
                switch literal {
                case .number(let m, let scale): exact = ExactDecimal(mantissa: m, scale: scale)
                case .text(let text): exact = ExactDecimal(text)
                default: exact = nil
                }
                return exact?.mantissa(atScale: level.scale).flatMap { Int64(exactly: $0) }
            }
            let n = answer.integer(statisticName(index + 1, .n), row: row) ?? 0
            let cuts = set.fractions.indices.map { i -> Double in
                let lo = value(.lo(i + 1)), hi = value(.hi(i + 1)), f = answer.integer(statisticName(index + 1, .f(i + 1)), row: row) ?? 0
                let m = set.fractions[i].denominator
                // At the column's scale, exactly, when the values are exact; else as read.
                if let l = mantissa(lo) {
                    return QuantileParts(lo: l, hi: mantissa(hi) ?? l, f: f, m: m).value(scale: level.scale)
                }
                let l = answer.real(statisticName(index + 1, .lo(i + 1)), row: row) ?? 0
                return Quantile.between(l, answer.real(statisticName(index + 1, .hi(i + 1)), row: row) ?? l, Double(f) / Double(m))
            }
            return LevelCuts(column: level.column, words: level.words, cuts: cuts, method: level.method, basis: n,
                             nulls: answer.integer(statisticName(index + 1, .nulls), row: row) ?? 0, scale: level.scale)
        }
    }
}
