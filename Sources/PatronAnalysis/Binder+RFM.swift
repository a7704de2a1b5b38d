import PatronStore
import PatronSyntax

/// RFM: scores, rule tables (the presets are data), rules and the check of a rule table.
extension Binder {
    /// `rfm [bins N]`.
    func bindRfm(_ bins: Int, _ span: SourceSpan, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        guard (2...10).contains(bins) else { throw Diagnostic("rfm scores use 2 to 10 bins, not \(bins)", at: span) }
        var indexes: [Int] = []
        for metric in ["recency", "frequency", "monetary"] {
            guard let index = table.columnIndex(named: metric), table.columns[index].type.isNumeric else {
                throw Diagnostic("rfm needs a numeric '\(metric)' column in '\(table.name)'", at: statement.span,
                                 hints: ["derive them first: customers from ORDERS by CUSTOMER_ID"])
            }
            indexes.append(index)
        }
        return .rfm(table, recency: indexes[0], frequency: indexes[1], monetary: indexes[2], bins: bins)
    }

    /// `rfm segments TABLE`.
    func bindRfmSegments(_ preset: Name, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        guard ["r_score", "f_score", "m_score"].allSatisfy({ table.columnIndex(named: $0) != nil }) else {
            throw Diagnostic("'\(table.name)' has no RFM scores yet", at: statement.span, hints: ["score it first: rfm bins 5"])
        }
        let bound = try bindRules(try rfmRules(preset), in: table)
        let monetary = table.columnIndex(named: "monetary").flatMap { table.columns[$0].type.isNumeric ? $0 : nil }
        return .rfmSegments(table, preset: preset.text.lowercased(), rules: bound, monetary: monetary)
    }

    /// `rfm rule NAME where CONDITION`.
    func bindRfmRule(_ name: Name, _ condition: ParsedExpression, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        return .rfmRule(SegmentDefinition(name: name.text, condition: condition, text: Self.singleLine(source.text(of: condition.span))),
                        position: catalog.rfmRules.count + 1)
    }

    /// The rule tables: the R package rfm's 10 segments, Putler's 11 (R score against the mean of
    /// F and M), or the custom rules; each rule is a condition on r_score, f_score and m_score.
    static let rfmPresets: [String: [(String, String)]] = [
        "rfm": [
            ("Champions", "r_score between 4 and 5 and f_score between 4 and 5 and m_score between 4 and 5"),
            ("Loyal Customers", "r_score between 2 and 5 and f_score between 3 and 5 and m_score between 3 and 5"),
            ("Potential Loyalist", "r_score between 3 and 5 and f_score between 1 and 3 and m_score between 1 and 3"),
            ("New Customers", "r_score between 4 and 5 and f_score between 1 and 1 and m_score between 1 and 1"),
            ("Promising", "r_score between 3 and 4 and f_score between 1 and 1 and m_score between 1 and 1"),
            ("Need Attention", "r_score between 2 and 3 and f_score between 2 and 3 and m_score between 2 and 3"),
            ("About To Sleep", "r_score between 2 and 3 and f_score between 1 and 2 and m_score between 1 and 2"),
            ("At Risk", "r_score between 1 and 2 and f_score between 2 and 5 and m_score between 2 and 5"),
            ("Can't Lose Them", "r_score between 1 and 1 and f_score between 4 and 5 and m_score between 4 and 5"),
            ("Lost", "r_score between 1 and 2 and f_score between 1 and 2 and m_score between 1 and 2"),
        ],
        "putler": [
            ("Champions", "r_score between 4 and 5 and (f_score + m_score) / 2 between 4 and 5"),
            ("Loyal Customers", "r_score between 2 and 5 and (f_score + m_score) / 2 between 3 and 5"),
            ("Potential Loyalist", "r_score between 3 and 5 and (f_score + m_score) / 2 between 1 and 3"),
            ("Recent Customers", "r_score between 4 and 5 and (f_score + m_score) / 2 between 0 and 1"),
            ("Promising", "r_score between 3 and 4 and (f_score + m_score) / 2 between 0 and 1"),
            ("Customers Needing Attention", "r_score between 2 and 3 and (f_score + m_score) / 2 between 2 and 3"),
            ("About To Sleep", "r_score between 2 and 3 and (f_score + m_score) / 2 between 0 and 2"),
            ("At Risk", "r_score between 0 and 2 and (f_score + m_score) / 2 between 2 and 5"),
            ("Can't Lose Them", "r_score between 0 and 1 and (f_score + m_score) / 2 between 4 and 5"),
            ("Hibernating", "r_score between 1 and 2 and (f_score + m_score) / 2 between 1 and 2"),
            ("Lost", "r_score between 0 and 2 and (f_score + m_score) / 2 between 0 and 2"),
        ],
    ]

    /// Binds a rule table's conditions over a scored table, in order.
    public func bindRules(_ rules: [SegmentDefinition], in table: Table) throws(Diagnostic) -> [(name: String, condition: BoundCondition)] {
        var bound: [(name: String, condition: BoundCondition)] = []
        for rule in rules {
            var context = BindContext()
            let ruleBinder = Binder(catalog: catalog, source: Source(name: "rule '\(rule.name)'", text: rule.text))
            bound.append((rule.name, try ruleBinder.bindCondition(rule.condition, in: table, context: &context)))
        }
        return bound
    }

    func rfmRules(_ preset: Name) throws(Diagnostic) -> [SegmentDefinition] {
        let key = preset.text.lowercased()
        if key == "custom" {
            guard !catalog.rfmRules.isEmpty else {
                throw Diagnostic("no custom rules yet", at: preset.span, hints: ["add them in order: rfm rule Champions where r_score >= 4 and f_score >= 4"])
            }
            return catalog.rfmRules
        }
        guard let table = Self.rfmPresets[key] else {
            throw Diagnostic("unknown rule table '\(preset.text)'", at: preset.span, hints: ["rule tables: rfm (10 segments), putler (11), custom"])
        }
        return table.map { name, text in
            let parsed = Parser.parse(Source(name: name, text: "segment where " + text))
            guard case .segment(let condition)? = parsed.statements.first?.kind else { fatalError("preset rules parse") }
            return SegmentDefinition(name: name, condition: condition, text: text)
        }
    }

    /// `check segments`.
    func bindCheckSegments(statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let preset = Name(catalog.rfmRules.isEmpty ? "rfm" : "custom", statement.span)
        let rules = try rfmRules(preset)
        let bins = catalog.rfmBins
        var r: [Int64] = [], f: [Int64] = [], m: [Int64] = []
        for a in 1...bins { for b in 1...bins { for c in 1...bins { r.append(Int64(a)); f.append(Int64(b)); m.append(Int64(c)) } } }
        let n = r.count
        let cells = Table(name: "cells", columns: [Column(name: "r_score", storage: .integer(r), nulls: NullBitmap(count: n)),
                                                   Column(name: "f_score", storage: .integer(f), nulls: NullBitmap(count: n)),
                                                   Column(name: "m_score", storage: .integer(m), nulls: NullBitmap(count: n))], rowCount: n, origin: .scratch)
        var bound: [(String, BoundCondition)] = []
        for rule in rules {
            var context = BindContext()
            let ruleBinder = Binder(catalog: catalog, source: Source(name: "rule '\(rule.name)'", text: rule.text))
            bound.append((rule.name, try ruleBinder.bindCondition(rule.condition, in: cells, context: &context)))
        }
        return .checkSegments(preset: preset.text, bins: bins, cells: cells, rules: bound)
    }
}
