/// The cut points that split a numeric column into named levels: their method and words as the
/// binder finds them, and the values the backend that runs the statement computes (memory:
/// `LevelCuts.computed(over:)` in the engine; SQL: order statistics in the plan).
public struct LevelCuts: Sendable, Equatable {
    /// The column's name.
    public let column: String
    /// The level words, lowest first.
    public let words: [String]
    /// Ascending cut points, one fewer than the words.
    public let cuts: [Double]
    /// How the cut points were computed (e.g. terciles).
    public let method: SplitMethod
    /// How many non-null values the cut points were computed over.
    public let basis: Int
    /// How many values were null (they belong to no level).
    public let nulls: Int
    /// Decimal places of the column (for printing the cut points).
    public let scale: Int
    /// Whether `cuts`, `basis` and `nulls` hold values computed from the data (false: the
    /// binder's placeholders, which it never reads data to fill).
    public let isComputed: Bool

    /// The default level words for every numeric column.
    public static let defaultWords = ["low", "medium", "high"]

    /// The Chinese level words and the English ones they stand for, in either language.
    public static let chineseWords: [(chinese: String, english: String)] = [("低", "low"), ("中", "medium"), ("高", "high")]

    /// The place of a level word among `words`: as written (any case), or a Chinese word for an English one.
    public static func index(of word: String, in words: [String]) -> Int? {
        if let found = words.firstIndex(where: { $0.lowercased() == word.lowercased() }) { return found }
        guard let english = chineseWords.first(where: { $0.chinese == word })?.english else { return nil }
        return words.firstIndex { $0.lowercased() == english }
    }

    /// The words completion offers in a session's language: the level words; in Chinese, the
    /// Chinese for the English ones in their place (both are level words in either language).
    public static func offered(_ words: [String], chinese: Bool) -> [String] {
        guard chinese else { return words }
        return words.map { word in chineseWords.first { $0.english == word.lowercased() }?.chinese ?? word }
    }

    /// Creates cut points.
    public init(column: String, words: [String], cuts: [Double], method: SplitMethod, basis: Int, nulls: Int, scale: Int, isComputed: Bool = true) {
        self.isComputed = isComputed
        self.column = column
        self.words = words
        self.cuts = cuts
        self.method = method
        self.basis = basis
        self.nulls = nulls
        self.scale = scale
    }

    /// The level index of a value (`LevelLookup`).
    public func level(of value: Double) -> Int {
        LevelLookup(cuts)(value)
    }
}

/// The level index of a value under ascending cut points, the one lookup memory uses (row by
/// row, and by bisection on the same lookup): the lowest level takes values up to and including
/// the first cut, the highest takes values from the last cut up, and each middle level the values
/// strictly between its cuts. Equal values always share a level.
public struct LevelLookup: Sendable {
    public let cuts: [Double]

    @inlinable public init(_ cuts: [Double]) { self.cuts = cuts }

    @inlinable @inline(__always)
    public func callAsFunction(_ value: Double) -> Int {
        let n = cuts.count
        guard n > 0 else { return 0 }
        if value <= cuts[0] { return 0 }
        if value >= cuts[n - 1] { return n }
        var level = 1
        while level < n - 1 && value >= cuts[level] { level += 1 }
        return level
    }
}

/// A Pareto cut-off (a share such as 0.8) as an exact fraction, so that "the rows above hold
/// less than 80% of the total" is decided in whole numbers, in memory and in SQL alike.
public struct ParetoCutoff: Sendable, Equatable {
    public let numerator: Int128
    public let denominator: Int128

    /// The share as written in percent (`80`, `33.3`): a fraction over the smallest power of ten
    /// that holds it (up to 10⁻⁸).
    public init(_ share: Double) {
        var denominator: Int128 = 1, scaled = share
        while denominator < 100_000_000, abs(scaled - scaled.rounded()) > 1e-9 * max(1, abs(scaled)) {
            denominator *= 10
            scaled = share * Double(denominator)
        }
        (numerator, self.denominator) = (Int128(scaled.rounded()), denominator)
    }

    /// Whether `part` is below the cut-off's share of `total`: part·d < n·total.
    public func isAbove(_ part: Int128, of total: Int128) -> Bool {
        part * denominator < numerator * total
    }

    /// How many rows of value `each` (> 0), after `before`, it takes to reach the cut-off's share of `total`.
    public func rowsToReach(from before: Int128, of total: Int128, each: Int128) -> Int {
        let missing = numerator * total - before * denominator, step = each * denominator
        guard missing > 0, step > 0 else { return 0 }
        return Int((missing + step - 1) / step)
    }

    /// The rows (1-based, in value order) where the curve has a point: about every tenth of `n`
    /// rows (⌈k·n/10⌉ for k = 1…10), every row when there are fewer than ten.
    public static func curvePositions(_ n: Int) -> [Int] {
        guard n > 0 else { return [] }
        return n >= 10 ? (1...10).map { ($0 * n + 9) / 10 } : Array(1...n)
    }
}
