/// The cut points that split a numeric column into named levels, resolved once at bind time.
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

    /// The default level words for every numeric column.
    public static let defaultWords = ["low", "medium", "high"]

    /// Creates cut points.
    public init(column: String, words: [String], cuts: [Double], method: SplitMethod, basis: Int, nulls: Int, scale: Int) {
        self.column = column
        self.words = words
        self.cuts = cuts
        self.method = method
        self.basis = basis
        self.nulls = nulls
        self.scale = scale
    }

    /// The level index of a value: the lowest level takes values up to and including the first
    /// cut, the highest takes values from the last cut up, and each middle level the values
    /// strictly between its cuts. Equal values always share a level.
    public func level(of value: Double) -> Int {
        guard let first = cuts.first, let last = cuts.last else { return 0 }
        if value <= first { return 0 }
        if value >= last { return cuts.count }
        var level = 1
        while level < cuts.count - 1 && value >= cuts[level] { level += 1 }
        return level
    }
}
