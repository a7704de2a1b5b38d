import PatronAnalysis
import PatronStore

extension Lowered {
    /// `attach`: each row of the table with the lookup row whose keys equal its own (the
    /// lookup's columns empty where none does, unless the rows with no match go), the table's
    /// columns then the ones attached, in the table's row order.
    public static func attach(_ spec: BoundAttach) -> Plan {
        let (table, lookup) = (Plan.table(spec.table), Plan.table(spec.lookup))
        let joined = Plan.join(table, lookup, on: spec.keys.map { .init($0.table, $0.lookup) }, keepUnmatched: spec.unmatched != .drop)
        let width = spec.table.columns.count
        return .project(joined, replacing(table.schema, []) + spec.columns.map { Output($0.name, .column(width + $0.lookup)) })
    }

    /// The keys the lookup table holds more than once (no null among them), with their rows
    /// (`rows`), in key order.
    public static func duplicateKeys(_ spec: BoundAttach) -> Plan {
        let lookup = Plan.table(spec.lookup)
        let keys = spec.keys.map { Output(spec.lookup.columns[$0.lookup].name, .column($0.lookup)) }
        let present = Plan.filter(lookup, .and(spec.keys.map { .isNull(.column($0.lookup), negated: true) }))
        let counted = Plan.aggregate(present, groups: keys, values: [AggregateOutput("rows", AggregateCall(.count))])
        return .sort(.filter(counted, .compare(.column(keys.count), .greater, .literal(.number(1, scale: 0)))), keys.indices.map { SortKey($0) })
    }

    /// The table's rows whose keys no lookup row holds (a null key never matches): their keys,
    /// in the table's row order.
    public static func unmatchedRows(_ spec: BoundAttach) -> Plan {
        let table = Plan.table(spec.table)
        let lookupKeys = Plan.aggregate(Plan.table(spec.lookup), groups: spec.keys.map { Output(spec.lookup.columns[$0.lookup].name, .column($0.lookup)) }, values: [])
        let joined = Plan.join(table, lookupKeys, on: spec.keys.enumerated().map { .init($1.table, $0) }, keepUnmatched: true)
        let width = spec.table.columns.count
        return .project(.filter(joined, .isNull(.column(width), negated: false)), spec.keys.map { Output(spec.table.columns[$0.table].name, .column($0.table)) })
    }
}
