import PatronAnalysis
import PatronEngine
import PatronStore

/// The segmentation frameworks as data, for `--format` and `export result`: one row per segment
/// (or class, tier, stage, score), with the thresholds in force as facts. Segment names are in
/// the session's language, as on screen; column names and fact keys are always the same.
extension ResultTable {
    /// A share as a number, or null when there is nothing to share.
    static func share(_ part: Double, of whole: Double) -> Cell {
        whole == 0 ? .null : real(part / whole)
    }

    static func count(_ n: Int) -> Cell { .number(String(n)) }

    /// `matrix a by b`: the four quadrants.
    public init(_ m: MatrixResult, language: Language = .en) {
        let a = m.table.columns[m.first], b = m.table.columns[m.second]
        let totalProfit = m.profit.flatMap { $0 }.reduce(0, +)
        var columns = ["segment", a.name, b.name, "rows", "share"]
        if m.profitColumn != nil { columns.append("share_of_profit") }
        columns.append("advice")
        var rows: [[Cell]] = []
        for (i, j) in [(1, 1), (1, 0), (0, 1), (0, 0)] {
            let (name, _, advice) = ResultRenderer.quadrants[i][j]
            var cells: [Cell] = [.text(Vocabulary.word(name, language)), .text(i == 1 ? "high" : "low"), .text(j == 1 ? "high" : "low"),
                                 Self.count(m.counts[i][j]), Self.share(Double(m.counts[i][j]), of: Double(m.scope))]
            if m.profitColumn != nil { cells.append(totalProfit > 0 ? Self.real(m.profit[i][j] / totalProfit) : .null) }
            rows.append(cells + [.text(Vocabulary.word(advice, language))])
        }
        self.init(kind: "matrix", columns: columns, rows: rows, facts: [
            .init("table", .string(m.table.name)), .init("split", .string(m.method)),
            .init("cuts", .object([.init(a.name, Self.real(m.cuts.0).json), .init(b.name, Self.real(m.cuts.1).json)])),
            .init("rows_in_scope", .number(String(m.scope))), .init("rows_left_out", .number(String(m.missing))),
        ])
    }

    /// `pareto METRIC`: classes A, B and C.
    public init(_ p: ParetoResult) {
        let metric = p.table.columns[p.column].name
        self.init(kind: "pareto", columns: ["class", "rows", "share", metric, "share_of_\(metric)"],
                  rows: ["A", "B", "C"].enumerated().map { k, name in
                      [.text(name), Self.count(p.counts[k]), Self.share(Double(p.counts[k]), of: Double(p.scope)), Self.real(p.values[k]), Self.share(p.values[k], of: p.total)]
                  },
                  facts: [.init("table", .string(p.table.name)), .init("a", Self.real(p.a).json), .init("b", Self.real(p.b).json),
                          .init("headline_share", Self.real(p.headlineShare).json), .init("total", Self.real(p.total).json),
                          .init("rows_in_scope", .number(String(p.scope)))])
    }

    /// `tiers METRIC`: high, medium, low and none.
    public init(_ t: TiersResult, language: Language = .en) {
        let metric = t.table.columns[t.column].name
        let total = t.values.reduce(0, +)
        self.init(kind: "tiers", columns: ["tier", "rows", "share", metric, "share_of_\(metric)"],
                  rows: ["none", "low", "medium", "high"].enumerated().reversed().map { k, name in
                      [.text(Vocabulary.tier(name, metric: metric, language)), Self.count(t.counts[k]), Self.share(Double(t.counts[k]), of: Double(t.scope)),
                       Self.real(t.values[k]), total <= 0 ? .null : Self.real(t.values[k] / total)]
                  },
                  facts: [.init("table", .string(t.table.name)), .init("cuts", .array([Self.real(t.cuts.0).json, Self.real(t.cuts.1).json])),
                          .init("rows_in_scope", .number(String(t.scope)))])
    }

    /// `lifecycle`: the stages in order (new only when tenure is known).
    public init(_ l: LifecycleResult, language: Language = .en) {
        let valueName = l.valueColumn.map { l.table.columns[$0].name }
        let total = l.values.reduce(0, +)
        var rows: [[Cell]] = []
        for (k, stage) in ["new", "active", "warm", "cold", "lapsed"].enumerated() where k > 0 || l.hasTenure {
            var cells: [Cell] = [.text(Vocabulary.word(stage, language)), Self.count(l.counts[k]), Self.share(Double(l.counts[k]), of: Double(l.scope))]
            if valueName != nil { cells.append(total > 0 ? Self.real(l.values[k] / total) : .null) }
            rows.append(cells)
        }
        self.init(kind: "lifecycle", columns: ["stage", "rows", "share"] + (valueName.map { ["share_of_\($0)"] } ?? []), rows: rows,
                  facts: [.init("table", .string(l.table.name)), .init("windows", .array(l.windows.map { .number(String($0)) })),
                          .init("rows_in_scope", .number(String(l.scope)))])
    }

    /// `rfm`: per metric and score, the values it takes and the rows that got it.
    public init(_ r: RFMResult) {
        var rows: [[Cell]] = []
        for (m, metric) in ["recency", "frequency", "monetary"].enumerated() {
            for score in 1...r.bins {
                // Recency is reversed: the lowest values score highest.
                let level = m == 0 ? r.bins - score : score - 1
                rows.append([.text(metric), Self.count(score), .text(ResultRenderer.levelRange(r.cuts[m], level)), Self.count(r.counts[m][score - 1])])
            }
        }
        self.init(kind: "rfm", columns: ["metric", "score", "values", "rows"], rows: rows,
                  facts: [.init("table", .string(r.table.name)), .init("bins", .number(String(r.bins))),
                          .init("cuts", .object(["recency", "frequency", "monetary"].enumerated().map { m, name in .init(name, .array(r.cuts[m].map { Self.real($0).json })) })),
                          .init("heat", .array(r.heat.map { .array($0.map { .number(String($0)) }) }))])
    }

    /// `rfm segments PRESET`: rows (and monetary) per named segment, then the rows no rule took.
    public init(_ a: RuleAssignment, language: Language = .en) {
        let total = a.table.rowCount
        let all = a.rows + [("Others (no rule)", a.unmatched, nil)]
        self.init(kind: "rfm_segments", columns: ["segment", "rows", "share"] + (a.totalMonetary == nil ? [] : ["share_of_monetary"]),
                  rows: all.map { row in
                      var cells: [Cell] = [.text(Vocabulary.word(row.0, language)), Self.count(row.1), Self.share(Double(row.1), of: Double(total))]
                      if let t = a.totalMonetary { cells.append(row.2.map { t > 0 ? Self.real($0 / t) : .null } ?? .null) }
                      return cells
                  },
                  facts: [.init("table", .string(a.table.name)), .init("preset", .string(a.preset))])
    }

    /// `check segments`: one row per finding.
    public init(_ c: RuleCheck) {
        var rows: [[Cell]] = c.neverMatch.map { [.text("never first to match"), .text($0), .null] }
        rows += c.overlaps.map { [.text("overlap"), .text("\($0.0) and \($0.1)"), Self.count($0.2)] }
        rows += c.uncovered.map { [.text("uncovered cell"), .text($0), .null] }
        self.init(kind: "check_segments", columns: ["finding", "subject", "cells"], rows: rows,
                  facts: [.init("preset", .string(c.preset)), .init("bins", .number(String(c.bins))), .init("cells", .number(String(c.cells)))])
    }

    /// `transitions`: customers by segment at the first date (rows) and the second (columns).
    public static func transitions(_ counts: [[Int]], names english: [String], by segmentation: String, from: Int32, to: Int32, language: Language = .en) -> ResultTable {
        let names = english.map { Vocabulary.word($0, language) }
        let k = names.count
        return ResultTable(kind: "transitions", columns: ["from"] + names + ["total"],
                           rows: counts.enumerated().map { i, row in
                               [.text(i < k ? names[i] : Vocabulary.word("(not yet a customer)", language))] + row.map(Self.count) + [Self.count(row.reduce(0, +))]
                           },
                           facts: [.init("segmentation", .string(segmentation)), .init("from_date", .string(CalendarDate.isoString(from))),
                                   .init("to_date", .string(CalendarDate.isoString(to)))])
    }

    /// `explain customer ID`: each metric's value and level, then whether the customer is in each named segment.
    public static func customer(_ table: Table, row: Int, levels: [Int: LevelCuts], segments: [(name: String, text: String, verdict: Bool?)]) -> ResultTable {
        var rows: [[Cell]] = table.columns.enumerated().map { index, column in
            var level: Cell = .null
            if let cuts = levels[index], let v = column.doubleValue(row) { level = .text(cuts.words[cuts.level(of: v)]) }
            return [.text("metric"), .text(column.name), cell(column, row), level, .null]
        }
        rows += segments.map { [.text("segment"), .text($0.name), .text($0.text), .null, $0.verdict.map(Cell.boolean) ?? .null] }
        return ResultTable(kind: "customer", columns: ["part", "name", "value", "level", "in_segment"], rows: rows,
                           facts: [.init("table", .string(table.name)), .init("customer", cell(table.columns[0], row).json)])
    }

    /// `summarize TABLE`: one row per column profile.
    public static func profile(_ summaries: [ColumnSummary], of table: Table) -> ResultTable {
        ResultTable(kind: "profile", columns: ["column", "type", "count", "nulls", "distinct", "min", "max", "mean", "p25", "median", "p75", "most_frequent"],
                    rows: summaries.map { summary in
                        let column = table.columns[summary.column]
                        let quartiles: [Cell] = summary.quartiles.map { q in
                            q.map { column.type == .date ? .text(CalendarDate.isoString(Int32($0.rounded(.down)))) : real($0) }
                        } ?? [.null, .null, .null]
                        let top = summary.top.map { "\(ResultRenderer.cell(column, $0.row)) (\($0.count))" }.joined(separator: ", ")
                        return [.text(column.name), .text(column.type.rawValue), count(summary.count), count(summary.nulls), count(summary.distinct),
                                summary.minRow.map { cell(column, $0) } ?? .null, summary.maxRow.map { cell(column, $0) } ?? .null,
                                summary.mean.map(real) ?? .null] + quartiles + [.text(top)]
                    },
                    facts: [.init("table", .string(table.name)), .init("rows", .number(String(table.rowCount)))])
    }

    /// `show segments`: each segment's definition and its rows in the current table (null: it does not apply).
    public static func segments(_ rows: [(name: String, definition: String, count: Int?)], table: Table) -> ResultTable {
        ResultTable(kind: "segments", columns: ["segment", "definition", "rows", "share"],
                    rows: rows.map { [.text($0.name), .text($0.definition), $0.count.map(count) ?? .null,
                                      $0.count.map { share(Double($0), of: Double(table.rowCount)) } ?? .null] },
                    facts: [.init("table", .string(table.name)), .init("rows", .number(String(table.rowCount)))])
    }

    /// `show levels` and `levels …`: the cut points in force.
    public static func levels(_ all: [LevelCuts], table: Table) -> ResultTable {
        ResultTable(kind: "levels", columns: ["column", "method", "levels", "cuts"],
                    rows: all.map { [.text($0.column), .text($0.method), .text($0.words.joined(separator: ", ")),
                                     .text($0.cuts.map { NumberFormat.fixed($0, digits: $0 == $0.rounded() ? 0 : 2) }.joined(separator: ", "))] },
                    facts: [.init("table", .string(table.name)), .init("cut_points", cutPoints(all))])
    }
}
