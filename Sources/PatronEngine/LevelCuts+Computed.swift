import PatronAnalysis
import PatronPlan
import PatronStore

extension LevelCuts {
    /// The cut points over `table`'s values, as memory computes them when a statement runs: the
    /// order statistics the plan names for them (`Lowering.statistics(of:)`: the exact type-7
    /// quantiles of the column's non-null values, a rank's one quantile), found as every plan's
    /// are (`Engine.parts`), with how many values and nulls they were found over. Cut points
    /// already computed (fixed, given, or read back from a server) stay as they are.
    public func computed(over table: Table) -> LevelCuts {
        guard !isComputed, let set = Lowering(.table(table)).statistics(of: self), let found = Engine.parts(set, over: table),
              found.parts.count == set.fractions.count else { return self }
        return LevelCuts(column: column, words: words, cuts: found.parts.map { $0.value(scale: found.scale) }, method: method, basis: found.count,
                         nulls: found.nulls, scale: scale)
    }
}

extension Array where Element == LevelCuts {
    /// Each level's cut points over `table` (`LevelCuts.computed(over:)`).
    public func computed(over table: Table) -> [LevelCuts] { map { $0.computed(over: table) } }
}
