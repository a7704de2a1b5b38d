import PatronAnalysis
import PatronStore

extension LevelCuts {
    /// The cut points over `table`'s values, as memory computes them when a statement runs: the
    /// exact type-7 quantiles of the column's non-null values (a rank's one quantile), with how
    /// many values and nulls they were found over. Cut points already computed (fixed, given, or
    /// read back from a server) stay as they are.
    public func computed(over table: Table) -> LevelCuts {
        guard !isComputed, let index = table.columnIndex(named: column) else { return self }
        let probabilities: [Double]
        switch method {
        case .quantiles(let n): probabilities = (1..<max(n, 2)).map { Double($0) / Double(n) }
        case .rank(let top, let percent):
            guard let p = Double(percent) else { return self }
            probabilities = [top ? 1 - p / 100 : p / 100]
        default: return self
        }
        let found = table.quantiles(ofColumn: index, probabilities)
        guard found.values.count == probabilities.count else { return self }
        return LevelCuts(column: column, words: words, cuts: found.values, method: method, basis: found.count,
                         nulls: table.columns[index].nulls.nullCount, scale: scale)
    }
}

extension Array where Element == LevelCuts {
    /// Each level's cut points over `table` (`LevelCuts.computed(over:)`).
    public func computed(over table: Table) -> [LevelCuts] { map { $0.computed(over: table) } }
}
