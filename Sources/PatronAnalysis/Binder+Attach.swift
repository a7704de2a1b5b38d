import PatronStore
import PatronSyntax

extension Binder {
    /// `attach COLUMNS from LOOKUP by KEYS [to TABLE] [keep | drop unmatched]`: the keys in both
    /// tables and of one type, the columns in the lookup table, each new name free in the table.
    /// The data's checks (keys held twice, rows with no match) are the engine's.
    func bindAttach(_ parsed: ParsedAttach, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try self.table(parsed.table, statement: statement)
        let lookup = try self.table(parsed.lookup, statement: statement)
        guard lookup.name != table.name else {
            throw Diagnostic("a table is attached to another, not to itself", at: parsed.lookup.span,
                             hints: ["attach tier from members by customer_id to orders"])
        }
        let keys = try parsed.keys.map { key throws(Diagnostic) -> BoundAttach.Key in
            let left = try column(key.table, in: table), right = try column(key.lookup ?? key.table, in: lookup)
            try Self.sameKind(table.columns[left], in: table, lookup.columns[right], in: lookup, at: (key.lookup ?? key.table).span)
            return BoundAttach.Key(table: left, lookup: right)
        }
        var added: [BoundAttach.Added] = [], spans: [(text: String, span: SourceSpan)] = []
        for column in parsed.columns {
            if column.name.text == "*" {
                for index in lookup.columns.indices where !keys.contains(where: { $0.lookup == index }) {
                    added.append(BoundAttach.Added(lookup: index, name: lookup.columns[index].name))
                    spans.append((lookup.columns[index].name, column.name.span))
                }
                continue
            }
            let index = try self.column(column.name, in: lookup)
            let name = column.alias?.text ?? lookup.columns[index].name
            added.append(BoundAttach.Added(lookup: index, name: name))
            spans.append((name, (column.alias ?? column.name).span))
        }
        try Self.namedOnce(spans)
        for (name, span) in spans {
            guard let existing = table.columns.first(where: { $0.name.lowercased() == name.lowercased() }) else { continue }
            throw Diagnostic("'\(table.name)' already has a column '\(existing.name)'", at: span,
                             hints: ["attach it under another name: attach \(name) as \(lookup.name)_\(name) from \(lookup.name) by …"])
        }
        let unmatched = parsed.unmatched.flatMap { BoundAttach.Unmatched(rawValue: $0.text.lowercased()) }
        return .attach(BoundAttach(table: table, lookup: lookup, keys: keys, columns: added, unmatched: unmatched,
                                   text: Self.singleLine(source.text(of: statement.span))))
    }

    /// Two key columns that can be equal: numbers with numbers, text with text, dates with dates.
    private static func sameKind(_ a: Column, in table: Table, _ b: Column, in lookup: Table, at span: SourceSpan) throws(Diagnostic) {
        func kind(_ type: ColumnType) -> String {
            switch type {
            case .integer, .decimal: return "number"
            default: return type.rawValue
            }
        }
        guard kind(a.type) != kind(b.type) else { return }
        var hints = ["a key is compared as it is stored: load one of the tables with columns (\(a.name) \(b.type.rawValue)) or (\(b.name) \(a.type.rawValue))"]
        if a.type == .text || b.type == .text {
            hints.insert("codes such as '00042' keep their leading zeros as text; read both as text to match them as codes", at: 0)
        }
        throw Diagnostic("'\(b.name)' is \(b.type.rawValue) in '\(lookup.name)' and '\(a.name)' is \(a.type.rawValue) in '\(table.name)': keys must be of one kind",
                         at: span, hints: hints)
    }
}
