import PatronAnalysis
import PatronPlan
import PatronStore

/// What `attach` did: the columns, from where to where, the rows that found a match and those
/// that did not (the first few keys of them), and whether those stayed.
public struct AttachReport: Sendable {
    public let columns: [String]
    public let lookup: String
    public let table: String
    public let keys: String
    public let rows: Int
    public let unmatched: Int
    public let kept: Bool
    /// The first few keys without a match, as written (`512, 513, …`).
    public let examples: String
}

extension Engine {
    /// `attach …`: the keys checked first (a key the lookup holds twice stops it; rows with no
    /// match stop it unless the statement says what becomes of them), then the join (its plan,
    /// `Lowered.attach`), each attached column saying where it came from.
    public static func attach(_ spec: BoundAttach, on runner: MemoryRunner) throws -> (Table, AttachReport) {
        let duplicates = try runner.answer(Lowered.duplicateKeys(spec))
        if !duplicates.rows.isEmpty {
            let shown = duplicates.rows.prefix(5).map { row in keyText(Array(row.dropLast())) + " (×\(keyWord(row.last ?? .null)))" }
            throw ExecutionFailure.model("'\(spec.lookup.name)' has more than one row for \(duplicates.rows.count) of its \(spec.keyText) values",
                                         hints: ["the first: " + shown.joined(separator: ", "),
                                                 "a lookup table has one row per key: count \(spec.lookup.name) by \(spec.keyText) shows them"])
        }
        let unmatched = try runner.answer(Lowered.unmatchedRows(spec))
        // The keys without a match, each once; the first few shown.
        var keys: [String] = [], seen = Set<String>()
        for row in unmatched.rows {
            let key = keyText(row)
            if seen.insert(key).inserted { keys.append(key) }
        }
        let examples = keys.prefix(5).joined(separator: ", ") + (keys.count > 5 ? ", …" : "")
        if !unmatched.rows.isEmpty && spec.unmatched == nil {
            throw ExecutionFailure.model("\(unmatched.rows.count) of \(spec.table.rowCount) rows of '\(spec.table.name)' have no match in '\(spec.lookup.name)' (\(spec.keyText) \(examples))",
                                         hints: ["keep them, their new columns empty: \(spec.text) keep unmatched", "or leave them out: \(spec.text) drop unmatched"])
        }
        let made = try runner.relation(Lowered.attach(spec))
        let width = spec.table.columns.count
        var columns = made.columns
        for (k, added) in spec.columns.enumerated() where width + k < columns.count {
            columns[width + k].evidence = .derived(.attached(from: spec.lookup.name, by: spec.keyText, why: spec.lookup.columns[added.lookup].evidence))
        }
        let table = Table(name: spec.table.name, columns: columns, rowCount: made.rowCount, origin: spec.table.origin)
        let report = AttachReport(columns: spec.columns.map(\.name), lookup: spec.lookup.name, table: spec.table.name, keys: spec.keyText,
                                  rows: spec.table.rowCount, unmatched: unmatched.rows.count, kept: spec.unmatched != .drop, examples: examples)
        return (table, report)
    }

    /// A key's values as written: `17`, or `(17, "north")` for several.
    static func keyText(_ values: [Literal]) -> String {
        let parts = values.map(keyWord)
        return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: ", ") + ")"
    }

    /// One key value as written in a statement: text quoted, dates in ISO form.
    static func keyWord(_ value: Literal) -> String {
        switch value {
        case .number(let m, let scale): return ExactDecimal(mantissa: m, scale: scale).text
        case .real(let r): return String(r)
        case .text(let t): return "'\(t)'"
        case .date(let d): return CalendarDate.isoString(d)
        case .timestamp(let t): return String(t)
        case .boolean(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }
}
