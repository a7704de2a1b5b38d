import PatronAnalysis
import PatronEngine
import PatronStore

/// Results as text for people: box tables, grouped numbers, footers that say what was left out.
public enum ResultRenderer {
    /// One cell's text: numbers grouped, decimals at the column's scale, dates ISO, nulls empty.
    public static func cell(_ column: Column, _ row: Int) -> String {
        if column.nulls.contains(row) { return "" }
        switch column.storage {
        case .integer(let v): return isIdentifier(column.name) ? String(v[row]) : NumberFormat.grouped(v[row])
        case .decimal(let v, let scale): return NumberFormat.decimal(v[row], scale: scale)
        case .text(let codes, let dictionary): return dictionary[Int(codes[row])]
        case .boolean(let v): return v[row] ? "true" : "false"
        case .date(let v): return CalendarDate.isoString(v[row])
        case .timestamp(let v): return timestamp(v[row])
        }
    }

    /// A timestamp as `yyyy-MM-dd HH:mm:ss`, with microseconds only when there are some.
    public static func timestamp(_ micros: Int64) -> String {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = Int(seconds - day * 86_400)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var text = CalendarDate.isoString(Int32(clamping: day)) + " \(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60))"
        if fraction != 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: 6 - digits.count) + digits
        }
        return text
    }

    /// Whether a column's name marks it as an identifier (`id`, `customer_id`, `orderId`), printed without separators.
    static func isIdentifier(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "id" || lower.hasSuffix("_id") || name.hasSuffix("Id") || name.hasSuffix("ID")
    }

    /// Rows of a table as a box table, with a footer when rows were left out.
    public static func render(_ result: RowsResult) -> String {
        let table = result.table
        var text = TextTable(headers: table.columns.map(\.name),
                             alignments: table.columns.map { $0.type.isNumeric ? .right : .left })
        for row in result.rows { text.rows.append(table.columns.map { cell($0, row) }) }
        var out = text.render()
        let shown = result.rows.count
        if let ordered = result.orderedBy {
            out += "\ntop \(NumberFormat.grouped(shown)) of \(NumberFormat.grouped(result.matching)) rows by \(ordered), highest first"
        } else if result.matching > shown {
            out += "\n\(NumberFormat.grouped(shown)) of \(NumberFormat.grouped(result.matching)) rows shown; \(NumberFormat.grouped(result.matching - shown)) more not shown (show top N by COLUMN picks others)"
        } else {
            out += "\n\(NumberFormat.grouped(shown)) \(shown == 1 ? "row" : "rows")"
        }
        return out
    }

    /// A table's schema: each column's type and why it was chosen.
    public static func schema(_ table: Table, withTitle: Bool = true) -> String {
        var text = TextTable(headers: ["column", "type", "nulls", "why this type"], alignments: [.left, .left, .right, .left])
        for column in table.columns {
            var type = column.type.rawValue
            if case .decimal(_, let scale) = column.storage { type += "(\(scale))" }
            text.rows.append([column.name, type, NumberFormat.grouped(column.nulls.nullCount), evidence(column.evidence)])
        }
        guard withTitle else { return text.render() }
        return "table '\(table.name)': \(NumberFormat.grouped(table.rowCount)) rows, \(table.columns.count) columns, from \(table.origin)\n" + text.render()
    }

    /// What `load` prints: the schema it chose, under a title naming the dialect.
    public static func loaded(_ report: LoadReport) -> String {
        let table = report.table
        return "loaded '\(table.name)' from \(table.origin) (\(report.dialect)): \(NumberFormat.grouped(table.rowCount)) rows, \(table.columns.count) columns\n"
            + schema(table, withTitle: false)
    }

    /// The one-line summary every load ends with, on standard error.
    public static func loadSummary(_ report: LoadReport, seconds: Double) -> String {
        var line = "loaded \(NumberFormat.grouped(report.table.rowCount)) rows × \(report.table.columns.count) columns in \(NumberFormat.fixed(seconds, digits: 2)) s"
        line += report.rejectedCount == 0 ? ", no records rejected" : ", \(NumberFormat.grouped(report.rejectedCount)) rejected"
        if report.blankLines > 0 { line += ", \(NumberFormat.grouped(report.blankLines)) blank lines skipped" }
        return line
    }

    /// Why a column has its type, in words.
    public static func evidence(_ evidence: TypeEvidence) -> String {
        switch evidence {
        case .allMatch(let count, let pattern): return "all \(NumberFormat.grouped(count)) values are \(pattern)"
        case .allNull: return "every value is empty"
        case .counterexample(let value, let line, let ruledOut): return "'\(DisplayWidth.truncate(value, to: 24))' (line \(line)) is not \(ruledOut)"
        case .builtIn(let why): return why
        }
    }

    /// `summarize`: one line per column.
    public static func render(_ summaries: [ColumnSummary], of table: Table) -> String {
        var text = TextTable(headers: ["column", "type", "count", "nulls", "distinct", "min", "max", "mean", "25%", "median", "75%", "most frequent"],
                             alignments: [.left, .left, .right, .right, .right, .right, .right, .right, .right, .right, .right, .left])
        for summary in summaries {
            let column = table.columns[summary.column]
            func value(_ row: Int?) -> String { row.map { DisplayWidth.truncate(cell(column, $0), to: 24) } ?? "" }
            // One number of decimals for all of a column's quartiles: its scale, or two when any is fractional.
            var scale = 0
            if case .decimal(_, let s) = column.storage { scale = s }
            let digits = (summary.quartiles ?? []).allSatisfy { $0 == $0.rounded() } ? scale : max(scale, 2)
            func number(_ x: Double) -> String {
                if column.type == .date { return CalendarDate.isoString(Int32(x.rounded(.down))) }
                return NumberFormat.fixed(x, digits: digits)
            }
            let quartiles = summary.quartiles?.map(number) ?? ["", "", ""]
            let top = summary.top.map { "\(DisplayWidth.truncate(cell(column, $0.row), to: 16)) (\(NumberFormat.grouped($0.count)))" }.joined(separator: ", ")
            text.rows.append([column.name, column.type.rawValue, NumberFormat.grouped(summary.count), NumberFormat.grouped(summary.nulls),
                              NumberFormat.grouped(summary.distinct), value(summary.minRow), value(summary.maxRow),
                              summary.mean.map { NumberFormat.fixed($0, digits: 2) } ?? "", quartiles[0], quartiles[1], quartiles[2], top])
        }
        return "summary of '\(table.name)': \(NumberFormat.grouped(table.rowCount)) rows\n" + text.render()
    }

    /// One aggregate value as text.
    static func text(_ value: AggregateValue) -> String {
        switch value {
        case .count(let n): return NumberFormat.grouped(n)
        case .exact(let m, let s): return NumberFormat.decimal(m, scale: s)
        case .real(let d): return NumberFormat.fixed(d, digits: 2)
        case .share(let d): return NumberFormat.percent(d)
        case .date(let d): return CalendarDate.isoString(d)
        case .null: return ""
        }
    }

    /// `summarize … by …`: one row per group, then how many groups and rows were in scope.
    public static func render(_ result: AggregateResult) -> String {
        let table = result.table
        var text = TextTable(headers: result.groupColumns.map { table.columns[$0].name } + result.labels,
                             alignments: result.groupColumns.map { table.columns[$0].type.isNumeric ? .right : .left } + result.labels.map { _ in .right })
        // `count by …` is a distribution: draw it.
        let counts = result.rows.map { row -> Int in if case .count(let n)? = row.1.first { return n } else { return 0 } }
        let bars = !result.groupColumns.isEmpty && result.labels == ["count"] ? Bars.bars(counts) : nil
        if bars != nil {
            text.headers.append("")
            text.alignments.append(.left)
        }
        for (k, (row, values)) in result.rows.enumerated() {
            text.rows.append(result.groupColumns.map { table.columns[$0].isNull(row) ? "(null)" : cell(table.columns[$0], row) } + values.map(Self.text) + (bars.map { [$0[k]] } ?? []))
        }
        var out = text.render()
        var footer = "\(NumberFormat.grouped(result.scope)) rows in scope"
        if !result.groupColumns.isEmpty {
            footer = "\(NumberFormat.grouped(result.groupCount)) \(result.groupCount == 1 ? "group" : "groups")"
                + (result.rows.count < result.groupCount ? " (top \(result.rows.count) shown)" : "") + " · " + footer
        }
        if result.labels.contains(where: { $0.lowercased().hasPrefix("share") }) { footer += " · shares are of the total over the rows in scope" }
        out += "\n" + footer
        out += levelFooter(result.levels)
        return out
    }

    /// `crosstab a by b`: counts, with totals.
    public static func render(_ result: CrosstabResult) -> String {
        let table = result.table
        let rowColumn = table.columns[result.rowColumn], columnColumn = table.columns[result.columnColumn]
        func label(_ column: Column, _ row: Int?) -> String { row.map { cell(column, $0) } ?? "(null)" }
        var text = TextTable(headers: ["\(rowColumn.name) \\ \(columnColumn.name)"] + result.columnKeys.map { label(columnColumn, $0) } + ["total"],
                             alignments: [.left] + Array(repeating: .right, count: result.columnKeys.count + 1))
        for (i, key) in result.rowKeys.enumerated() {
            text.rows.append([label(rowColumn, key)] + result.counts[i].map(NumberFormat.grouped) + [NumberFormat.grouped(result.counts[i].reduce(0, +))])
        }
        let columnTotals = result.columnKeys.indices.map { c in result.counts.reduce(0) { $0 + $1[c] } }
        text.rows.append(["total"] + columnTotals.map(NumberFormat.grouped) + [NumberFormat.grouped(result.scope)])
        return text.render()
    }

    /// The cut points of each level used, under a result.
    static func levelFooter(_ levels: [LevelCuts], language: Language = .en) -> String {
        guard !levels.isEmpty else { return "" }
        var out = language == .zh ? "\n分界点（基于全部行；相同的值属于同一等级）：" : "\ncut points (over all rows; equal values share a level):"
        let width = levels.map { DisplayWidth.of($0.column) }.max() ?? 0
        for level in levels {
            out += "\n  " + DisplayWidth.pad(level.column, to: width) + "  " + describe(level) + (language == .zh ? "（\(Vocabulary.word(level.method, .zh))）" : "  (\(level.method))")
            if level.nulls > 0 {
                out += language == .zh ? "（\(NumberFormat.grouped(level.nulls)) 个空值不属于任何等级）"
                                       : "  (\(NumberFormat.grouped(level.nulls)) \(level.nulls == 1 ? "null" : "nulls") in no level)"
            }
        }
        return out
    }

    /// A constant as it would be written: `2024-06-30`, `12.50`, `"North"`.
    public static func literal(_ value: Constant) -> String {
        switch value {
        case .number(let m, let s): return NumberFormat.decimal(m, scale: s).replacingOccurrences(of: ",", with: "")
        case .real(let d): return String(d)
        case .text(let t): return "\"" + t + "\""
        case .date(let d): return CalendarDate.isoString(d)
        case .timestamp(let t): return timestamp(t)
        case .boolean(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    /// `levels`: the split in force and how many rows fall in each level.
    public static func levels(_ cuts: LevelCuts, counts: [Int], table: Table) -> String {
        var text = TextTable(headers: ["level", "rows", "share"], alignments: [.left, .right, .right])
        let total = max(1, counts.reduce(0, +))
        for (word, count) in zip(cuts.words, counts) {
            text.rows.append([word, NumberFormat.grouped(count), NumberFormat.percent(Double(count) / Double(total))])
        }
        return "levels of '\(cuts.column)' in '\(table.name)' (\(cuts.method)): \(describe(cuts))\n" + text.render()
    }

    /// `show segments`: each segment's definition and size in the current table.
    public static func segments(_ rows: [(name: String, definition: String, count: Int?)], table: Table) -> String {
        guard !rows.isEmpty else { return "no segments are defined; define one: define segment butterflies as profit=high and loyalty=low" }
        var text = TextTable(headers: ["segment", "definition", "rows", "share", ""], alignments: [.left, .left, .right, .right, .left])
        let bars = Bars.bars(rows.map { $0.count ?? 0 })
        for (k, row) in rows.enumerated() {
            text.rows.append([row.name, row.definition, row.count.map(NumberFormat.grouped) ?? "n/a",
                              row.count.map { NumberFormat.percent(table.rowCount == 0 ? 0 : Double($0) / Double(table.rowCount)) } ?? "n/a", bars[k]])
        }
        return text.render() + "\nsizes in '\(table.name)' (\(NumberFormat.grouped(table.rowCount)) rows); n/a: the segment uses columns this table lacks"
    }

    /// `show levels`: the levels in force for each numeric column.
    public static func levelTable(_ all: [LevelCuts], table: Table) -> String {
        var text = TextTable(headers: ["column", "levels", "method"], alignments: [.left, .left, .left])
        for cuts in all { text.rows.append([cuts.column, describe(cuts), cuts.method]) }
        return "levels in '\(table.name)' (\(NumberFormat.grouped(table.rowCount)) rows; equal values share a level)\n" + text.render()
    }

    /// The four customers of the profit × loyalty matrix (Reinartz & Kumar), indexed [profit high][loyalty high].
    public static let quadrants = [[("Strangers", "过客", "no investment; make money on every sale"),
                                    ("Barnacles", "藤壶", "grow share of wallet (up- and cross-sell) or cut the cost to serve")],
                                   [("Butterflies", "蝴蝶", "enjoy them while they are here; don't over-invest"),
                                    ("True Friends", "知己", "communicate consistently, never intrusively")]]

    /// `matrix`: the 2×2 grid with names, counts, shares and advice, and the split used.
    public static func render(_ m: MatrixResult, language: Language = .en) -> String {
        let a = m.table.columns[m.first], b = m.table.columns[m.second]
        let totalProfit = m.profit.flatMap { $0 }.reduce(0, +)
        func number(_ x: Double, _ column: Column) -> String {
            var scale = 0
            if case .decimal(_, let s) = column.storage { scale = s }
            return NumberFormat.fixed(x, digits: x == x.rounded() ? scale : max(scale, 2))
        }
        let w = { (english: String) in Vocabulary.word(english, language) }
        func cell(_ i: Int, _ j: Int) -> String {
            let (name, _, _) = quadrants[i][j]
            var text = "\(w(name)): \(NumberFormat.grouped(m.counts[i][j])) (\(NumberFormat.percent(m.scope == 0 ? 0 : Double(m.counts[i][j]) / Double(m.scope))))"
            if m.profitColumn != nil && totalProfit > 0 { text += ", \(NumberFormat.percent(m.profit[i][j] / totalProfit)) \(w("of profit"))" }
            return text
        }
        var grid = TextTable(headers: ["", "\(b.name) \(w("low")) (\(w("short-term")))", "\(b.name) \(w("high")) (\(w("long-term")))"], alignments: [.left, .left, .left])
        grid.rows.append(["\(a.name) \(w("high"))", cell(1, 0), cell(1, 1)])
        grid.rows.append(["\(a.name) \(w("low"))", cell(0, 0), cell(0, 1)])
        var out = language == .zh
            ? "'\(m.table.name)' 的 \(a.name) × \(b.name)（\(m.method == "median split" ? "中位数划分" : "给定分界点")：\(a.name) > \(number(m.cuts.0, a)) 为高，\(b.name) > \(number(m.cuts.1, b)) 为高）\n"
            : "\(a.name) × \(b.name) in '\(m.table.name)' (\(m.method): \(a.name) > \(number(m.cuts.0, a)) is high, \(b.name) > \(number(m.cuts.1, b)) is high)\n"
        out += grid.render()
        if language == .zh {
            out += "\n\(NumberFormat.grouped(m.scope)) 行" + (m.missing > 0 ? "；\(NumberFormat.grouped(m.missing)) 行缺少其中一个值，未计入" : "")
        } else {
            out += "\n\(NumberFormat.grouped(m.scope)) rows" + (m.missing > 0 ? "; \(NumberFormat.grouped(m.missing)) without both values left out" : "")
        }
        out += "\n\(w("advice")):"
        for (i, j) in [(1, 1), (1, 0), (0, 1), (0, 0)] {
            let (name, _, advice) = quadrants[i][j]
            out += "\n  " + DisplayWidth.pad(w(name), to: 12) + "  " + w(advice)
        }
        return out
    }

    /// `pareto`: the ABC table, the curve in text, and the headline.
    public static func render(_ p: ParetoResult, language: Language = .en) -> String {
        let column = p.table.columns[p.column]
        let w = { (english: String) in Vocabulary.word(english, language) }
        var text = TextTable(headers: [w("class"), w("rows"), w("share of rows"), column.name, Vocabulary.share(of: column.name, language)], alignments: [.left, .right, .right, .right, .right])
        let a = NumberFormat.fixed(p.a * 100, digits: 0), b = NumberFormat.fixed(p.b * 100, digits: 0)
        let limits = language == .zh ? ["A（累计至 \(a)%）", "B（累计至 \(b)%）", "C（其余）"] : ["A (to \(a)%)", "B (to \(b)%)", "C (the rest)"]
        for k in 0..<3 {
            text.rows.append([limits[k], NumberFormat.grouped(p.counts[k]), NumberFormat.percent(p.scope == 0 ? 0 : Double(p.counts[k]) / Double(p.scope)),
                              NumberFormat.fixed(p.values[k], digits: 2), p.total == 0 ? "n/a" : NumberFormat.percent(p.values[k] / p.total)])
        }
        var out = language == .zh
            ? "'\(p.table.name)' 中 \(NumberFormat.percent(p.headlineShare)) 的行贡献了 \(a)% 的 \(column.name)\n" + text.render()
                + "\n\(column.name) 的累计占比（按从高到低排序）："
            : "\(NumberFormat.percent(p.headlineShare)) of rows make \(a)% of \(column.name) in '\(p.table.name)'\n" + text.render()
                + "\ncumulative share of \(column.name), rows sorted highest first:"
        for point in p.curve {
            let filled = max(0, min(40, Int((point.value * 40).rounded())))
            out += "\n  " + DisplayWidth.pad(NumberFormat.percent(point.rows), to: 6, alignRight: true) + " " + String(repeating: "█", count: filled)
                + String(repeating: "·", count: 40 - filled) + " " + NumberFormat.percent(point.value)
        }
        return out
    }

    /// `tiers`: none, low, medium, high with counts and shares.
    public static func render(_ t: TiersResult, language: Language = .en) -> String {
        let column = t.table.columns[t.column]
        let total = t.values.reduce(0, +)
        let w = { (english: String) in Vocabulary.word(english, language) }
        var text = TextTable(headers: [w("tier"), w("rule"), w("rows"), w("share of rows"), column.name, Vocabulary.share(of: column.name, language), ""],
                             alignments: [.left, .left, .right, .right, .right, .right, .left])
        let c1 = NumberFormat.fixed(t.cuts.0, digits: 2), c2 = NumberFormat.fixed(t.cuts.1, digits: 2)
        let rules = ["≤ 0", "0 < x ≤ \(c1)", "\(c1) < x < \(c2)", "≥ \(c2)"]
        let bars = Bars.bars(t.counts)
        for (k, name) in ["none", "low", "medium", "high"].enumerated().reversed() {
            text.rows.append([Vocabulary.tier(name, metric: column.name, language), rules[k], NumberFormat.grouped(t.counts[k]), NumberFormat.percent(t.scope == 0 ? 0 : Double(t.counts[k]) / Double(t.scope)),
                              NumberFormat.fixed(t.values[k], digits: 2), total <= 0 ? "n/a" : NumberFormat.percent(t.values[k] / total), bars[k]])
        }
        let title = language == .zh
            ? "'\(t.table.name)' 中 '\(column.name)' 的价值层级（低、中、高按正值的三分位数划分）"
            : "value tiers of '\(column.name)' in '\(t.table.name)' (low, medium, high split at the terciles of the positive values)"
        return title + "\n" + text.render()
    }

    /// Lifecycle stages and the advice for each, in stage order.
    public static let stageAdvice = [("new", "welcome them and earn the second order"), ("active", "keep them engaged; reward repeat purchases"),
                                     ("warm", "remind them with a timely, relevant offer"), ("cold", "win them back before they lapse"),
                                     ("lapsed", "re-activate cheaply, or let them go")]

    /// `explain SEGMENT`: its definition and size, then what kind of customers are in it and the advice for them.
    public static func explain(segment name: String, definition: String, result: SegmentResult, portrait p: SegmentPortrait, language: Language = .en) -> String {
        let w = { (english: String) in Vocabulary.word(english, language) }
        var out = "\(w("segment")) '\(name)' = \(definition)\n" + render(result, language: language)
        guard p.count > 0 else {
            return out + "\n" + (language == .zh ? "当前数据中该细分为空，没有建议" : "the segment is empty over the current data, so there is no advice")
        }
        func share(_ n: Int) -> String { NumberFormat.percent(Double(n) / Double(p.count)) }
        func listing(_ parts: [(String, Int)]) -> String {
            parts.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }.map { "\($0.0) \(share($0.1))" }.joined(separator: ", ")
        }
        out += "\n" + (language == .zh ? "这些是什么样的客户：" : "what kind of customers they are:")
        var advice: (String, String)? = nil
        if let q = p.quadrants {
            let cells = [(1, 1), (1, 0), (0, 1), (0, 0)].map { (w(quadrants[$0.0][$0.1].0), q[$0.0][$0.1], quadrants[$0.0][$0.1].2) }
            out += "\n  " + (language == .zh ? "利润 × 忠诚度（中位数划分）：" : "profit × loyalty (median split): ") + listing(cells.map { ($0.0, $0.1) })
            if let top = cells.max(by: { $0.1 < $1.1 }) { advice = (top.0, top.2) }
        }
        if let stages = p.stages {
            let cells = stageAdvice.enumerated().map { (w($0.element.0), stages[$0.offset], $0.element.1) }
            out += "\n  " + (language == .zh ? "生命周期（30、90、180 天）：" : "lifecycle (30, 90, 180 days): ") + listing(cells.map { ($0.0, $0.1) })
            if advice == nil, let top = cells.max(by: { $0.1 < $1.1 }) { advice = (top.0, top.2) }
        }
        if !p.rfmSegments.isEmpty {
            out += "\n  " + (language == .zh ? "RFM 细分：" : "RFM segments: ") + listing(p.rfmSegments.map { (w($0.name), $0.count) })
        }
        if let advice {
            out += "\n" + (language == .zh ? "建议（最大的一组是\(advice.0)）：" : "advice (most are \(advice.0)): ") + w(advice.1)
        } else if p.quadrants == nil && p.stages == nil {
            out += "\n  " + (language == .zh ? "没有利润、忠诚度或最近购买天数列；先从订单推导客户：customers from ORDERS by ID"
                                          : "no profit, loyalty or recency columns; derive customers first: customers from ORDERS by ID")
        }
        return out
    }

    /// `explain customer ID`: each value, its level, and the segments the row is in.
    public static func explain(_ table: Table, row: Int, levels: [Int: LevelCuts], segments: [(name: String, text: String, verdict: Bool?)], language: Language = .en) -> String {
        let w = { (english: String) in Vocabulary.word(english, language) }
        var text = TextTable(headers: [w("metric"), w("value"), w("level"), w("how the level is set")], alignments: [.left, .right, .left, .left])
        for (index, column) in table.columns.enumerated() {
            var level = "", rule = ""
            if let cuts = levels[index], let v = column.doubleValue(row) {
                level = cuts.words[cuts.level(of: v)]
                rule = describe(cuts)
            }
            text.rows.append([column.name, column.isNull(row) ? "(null)" : cell(column, row), level, rule])
        }
        var out = (language == .zh ? "'\(table.name)' 中的客户 \(cell(table.columns[0], row))\n" : "customer \(cell(table.columns[0], row)) in '\(table.name)'\n") + text.render()
        if segments.isEmpty {
            out += language == .zh ? "\n没有命名细分；定义一个：define segment butterflies as profit=high and loyalty=low"
                                   : "\nno named segments; define one: define segment butterflies as profit=high and loyalty=low"
        } else {
            out += language == .zh ? "\n细分：" : "\nsegments:"
            for segment in segments {
                let verdict = language == .zh ? segment.verdict.map { $0 ? "属于  " : "不属于" } ?? "未知  "
                                              : segment.verdict.map { $0 ? "in     " : "not in " } ?? "unknown"
                out += "\n  \(verdict) \(segment.name): \(segment.text)"
            }
        }
        return out
    }

    /// `transitions`: customers by segment at the first date (rows) and at the second (columns).
    public static func transitions(_ counts: [[Int]], names english: [String], by segmentation: String, from: Int32, to: Int32, language: Language = .en) -> String {
        let w = { (english: String) in Vocabulary.word(english, language) }
        let names = english.map(w), k = names.count
        var text = TextTable(headers: ["\(CalendarDate.isoString(from)) \\ \(CalendarDate.isoString(to))"] + names + [w("total")],
                             alignments: [.left] + Array(repeating: .right, count: k + 1))
        for (i, row) in counts.enumerated() {
            text.rows.append([i < k ? names[i] : w("(not yet a customer)")] + row.map(NumberFormat.grouped) + [NumberFormat.grouped(row.reduce(0, +))])
        }
        let stayed = (0..<k).reduce(0) { $0 + counts[$1][$1] }
        let newcomers = counts[k].reduce(0, +)
        let moved = counts.prefix(k).reduce(0) { $0 + $1.reduce(0, +) } - stayed
        var out = "\(segmentation) " + (language == .zh ? "细分从 \(CalendarDate.isoString(from)) 到 \(CalendarDate.isoString(to)) 的变化（行：之前，列：之后）"
                                                     : "segments from \(CalendarDate.isoString(from)) (rows) to \(CalendarDate.isoString(to)) (columns)")
        out += "\n" + text.render() + "\n"
        out += language == .zh ? "留在原细分：\(NumberFormat.grouped(stayed))；转移：\(NumberFormat.grouped(moved))；新客户：\(NumberFormat.grouped(newcomers))"
                               : "stayed: \(NumberFormat.grouped(stayed)); moved: \(NumberFormat.grouped(moved)); new since \(CalendarDate.isoString(from)): \(NumberFormat.grouped(newcomers))"
        if segmentation == "lifecycle" && k == 5 {
            let churned = (1...3).reduce(0) { $0 + counts[$1][4] }
            let wonBack = counts[4][1] + counts[4][2]
            out += language == .zh ? "\n流失（活跃、温和或沉睡 → 流失）：\(NumberFormat.grouped(churned))；赢回（流失 → 活跃或温和）：\(NumberFormat.grouped(wonBack))；窗口 30, 90, 180 天"
                                   : "\nchurned (active, warm or cold → lapsed): \(NumberFormat.grouped(churned)); won back (lapsed → active or warm): \(NumberFormat.grouped(wonBack)); lifecycle windows 30, 90, 180 days"
        }
        return out
    }

    /// `lifecycle`: stages with their rules, counts and shares.
    public static func render(_ l: LifecycleResult, language: Language = .en) -> String {
        let valueName = l.valueColumn.map { l.table.columns[$0].name }
        let word = { (english: String) in Vocabulary.word(english, language) }
        var text = TextTable(headers: [word("stage"), word("rule"), word("rows"), word("share")] + (valueName.map { [Vocabulary.share(of: $0, language)] } ?? []) + [""],
                             alignments: [.left, .left, .right, .right] + (valueName == nil ? [] : [.right]) + [.left])
        let w = l.windows
        let days = language == .zh ? " 天" : " days"
        let rules = ["tenure ≤ \(w[0])\(days)", "recency ≤ \(w[0])", "\(w[0]) < recency ≤ \(w[1])", "\(w[1]) < recency ≤ \(w[2])", "recency > \(w[2]) (\(word("churned")))"]
        let total = l.values.reduce(0, +)
        let bars = Bars.bars(l.counts)
        for (k, stage) in ["new", "active", "warm", "cold", "lapsed"].enumerated() where k > 0 || l.hasTenure {
            var cells = [word(stage), rules[k], NumberFormat.grouped(l.counts[k]), NumberFormat.percent(l.scope == 0 ? 0 : Double(l.counts[k]) / Double(l.scope))]
            if valueName != nil { cells.append(total > 0 ? NumberFormat.percent(l.values[k] / total) : "n/a") }
            text.rows.append(cells + [bars[k]])
        }
        let windows = w.map(String.init).joined(separator: ", ")
        let title = language == .zh
            ? "'\(l.table.name)' 的生命周期（窗口 \(windows) 天\(l.hasTenure ? "；先判定新客户" : "")）："
            : "lifecycle of '\(l.table.name)' (windows \(windows) days\(l.hasTenure ? "; new customers first" : "")):"
        return title + "\n" + text.render()
    }

    /// `rfm`: the bin edges and the rows per score of each metric.
    public static func render(_ r: RFMResult, recency: Column, frequency: Column, monetary: Column, language: Language = .en) -> String {
        let rows = Vocabulary.word("rows", language)
        var text = TextTable(headers: [Vocabulary.word("score", language), "recency", rows, "frequency", rows, "monetary", rows],
                             alignments: [.right, .left, .right, .left, .right, .left, .right])
        let range = levelRange
        for score in stride(from: r.bins, through: 1, by: -1) {
            let rLevel = r.bins - score, level = score - 1
            text.rows.append(["\(score)", range(r.cuts[0], rLevel), NumberFormat.grouped(r.counts[0][score - 1]),
                              range(r.cuts[1], level), NumberFormat.grouped(r.counts[1][score - 1]),
                              range(r.cuts[2], level), NumberFormat.grouped(r.counts[2][score - 1])])
        }
        let title = language == .zh
            ? "'\(r.table.name)' 的 RFM 分数 1…\(r.bins)，按各指标的分位数划分（最近购买的分数最高；相同的值分数相同）；已添加 r_score、f_score、m_score、rfm 列"
            : "RFM scores 1…\(r.bins) for '\(r.table.name)' at the quantiles of each metric (most recent scores highest; equal values share a score); columns r_score, f_score, m_score, rfm added"
        return title + "\n" + text.render() + "\n" + heatmap(r.heat, language: language)
    }

    /// The values a level takes, as a rule: the same rule as every level, the lowest takes values
    /// up to its cut, the next the values strictly between, each later one from its cut up.
    static func levelRange(_ cuts: [Double], _ level: Int) -> String {
        func f(_ x: Double) -> String { NumberFormat.fixed(x, digits: x == x.rounded() ? 0 : 2) }
        guard !cuts.isEmpty else { return "" }
        if level == 0 { return "≤ \(f(cuts[0]))" }
        if level == cuts.count { return "≥ \(f(cuts[cuts.count - 1]))" }
        return level == 1 ? "\(f(cuts[0])) < x < \(f(cuts[1]))" : "\(f(cuts[level - 1])) ≤ x < \(f(cuts[level]))"
    }

    /// The R×F heatmap: rows per recency score (down) and frequency score (across), shaded.
    static func heatmap(_ heat: [[Int]], language: Language = .en) -> String {
        let most = max(1, heat.flatMap { $0 }.max() ?? 1)
        let shades = [" ", "░", "▒", "▓", "█"]
        let width = max(5, heat.flatMap { $0 }.map { NumberFormat.grouped($0).count }.max() ?? 1)
        var out = (language == .zh ? "按 R（纵向）和 F（横向）的行数：" : "rows by R (down) and F (across):") + "\n     " + (1...heat.count).map { DisplayWidth.pad("F\($0)", to: width + 2, alignRight: true) }.joined()
        for r in stride(from: heat.count, through: 1, by: -1) {
            out += "\n  R\(r) "
            for f in 1...heat.count {
                let n = heat[r - 1][f - 1]
                let shade = shades[n == 0 ? 0 : min(4, 1 + n * 4 / (most + 1))]
                out += " " + shade + DisplayWidth.pad(NumberFormat.grouped(n), to: width, alignRight: true)
            }
        }
        return out
    }

    /// `rfm segments`: rows and monetary per named segment.
    public static func render(_ a: RuleAssignment, language: Language = .en) -> String {
        let w = { (english: String) in Vocabulary.word(english, language) }
        var text = TextTable(headers: [w("segment"), w("rows"), w("share")] + (a.totalMonetary == nil ? [] : [Vocabulary.share(of: "monetary", language)]) + [""],
                             alignments: [.left, .right, .right] + (a.totalMonetary == nil ? [] : [.right]) + [.left])
        let total = a.table.rowCount
        let all = a.rows + [("Others (no rule)", a.unmatched, nil)]
        let bars = Bars.bars(all.map(\.1))
        for (k, row) in all.enumerated() {
            var cells = [w(row.0), NumberFormat.grouped(row.1), NumberFormat.percent(total == 0 ? 0 : Double(row.1) / Double(total))]
            if let t = a.totalMonetary { cells.append(row.2.map { t > 0 ? NumberFormat.percent($0 / t) : "n/a" } ?? "") }
            text.rows.append(cells + [bars[k]])
        }
        let title = language == .zh
            ? "'\(a.table.name)' 的 \(a.preset) 细分（按第一条匹配的规则；已添加 rfm_segment 列）"
            : "\(a.preset) segments of '\(a.table.name)' (first matching rule wins; column rfm_segment added)"
        return title + "\n" + text.render()
    }

    /// `check segments`: what the rules leave out or fight over.
    public static func render(_ c: RuleCheck, language: Language = .en) -> String {
        let w = { (english: String) in Vocabulary.word(english, language) }
        let names = { (rules: [String]) in rules.map(w).joined(separator: language == .zh ? "、" : ", ") }
        func cells(_ n: Int) -> String { language == .zh ? "\(NumberFormat.grouped(n)) 个单元格" : "\(NumberFormat.grouped(n)) \(n == 1 ? "cell" : "cells")" }
        let uncovered = c.uncovered.prefix(20).joined(separator: ", ") + (c.uncovered.count > 20 ? ", …" : "")
        if language == .zh {
            var out = "\(c.preset) 规则覆盖全部 \(c.cells) 个分数单元格（每项 1…\(c.bins)）："
            out += c.neverMatch.isEmpty ? "\n  每条规则都最先匹配某些单元格" : "\n  从未最先匹配：" + names(c.neverMatch)
            out += c.overlaps.isEmpty ? "\n  规则之间没有重叠" : "\n  重叠（靠前的规则优先）：" + c.overlaps.map { "\n    \(w($0.0)) 与 \(w($0.1))：\(cells($0.2))" }.joined()
            out += c.uncovered.isEmpty ? "\n  每个单元格都被覆盖" : "\n  没有规则覆盖的 \(cells(c.uncovered.count))（R-F-M）：" + uncovered
            return out
        }
        var out = "\(c.preset) rules over all \(c.cells) score cells (1…\(c.bins) each):"
        out += c.neverMatch.isEmpty ? "\n  every rule matches some cell first" : "\n  never first to match: " + names(c.neverMatch)
        out += c.overlaps.isEmpty ? "\n  no rules overlap" : "\n  overlapping (the earlier rule wins):" + c.overlaps.map { "\n    \($0.0) and \($0.1): \(cells($0.2))" }.joined()
        out += c.uncovered.isEmpty ? "\n  every cell is covered" : "\n  \(cells(c.uncovered.count)) no rule covers (R-F-M): " + uncovered
        return out
    }

    /// `count` as a sentence.
    public static func count(_ table: Table) -> String {
        "\(NumberFormat.grouped(table.rowCount)) \(table.rowCount == 1 ? "row" : "rows") in '\(table.name)'"
    }

    /// A segment: its size, its shares, and the cut points of each level word it used.
    public static func render(_ result: SegmentResult, language: Language = .en) -> String {
        let w = { (english: String) in Vocabulary.word(english, language) }
        var headers = [w("segment"), w("rows"), w("share")]
        var cells = [result.condition, NumberFormat.grouped(result.rows.count), NumberFormat.percent(result.share)]
        if let profit = result.profitColumn {
            headers.append(Vocabulary.share(of: profit, language))
            cells.append(result.profitShare.map(NumberFormat.percent) ?? "n/a")
        }
        let text = TextTable(headers: headers, alignments: [.left] + Array(repeating: .right, count: headers.count - 1), rows: [cells])
        var out = text.render()
        out += language == .zh ? "\n共 \(NumberFormat.grouped(result.total)) 行，来自 '\(result.table.name)'"
                               : "\nof \(NumberFormat.grouped(result.total)) rows in '\(result.table.name)'"
        if result.profitColumn != nil && result.profitShare == nil {
            out += language == .zh ? "；总利润不为正，利润占比不适用" : "; share of profit is n/a because total profit is not positive"
        }
        out += levelFooter(result.levels, language: language)
        return out
    }

    /// Cut points as a chain: `low ≤ 12.50 < medium < 80.00 ≤ high`.
    public static func describe(_ level: LevelCuts) -> String {
        func format(_ cut: Double) -> String {
            // Cut points on the column's own grid print at its scale; interpolated ones get two more places.
            let scaled = cut * powerOfTen(level.scale)
            return NumberFormat.fixed(cut, digits: scaled == scaled.rounded() ? level.scale : max(level.scale, 2))
        }
        if level.words.count == 1, let cut = level.cuts.first {
            return level.words[0].hasPrefix("top") ? "\(level.words[0]) ≥ \(format(cut))" : "\(level.words[0]) ≤ \(format(cut))"
        }
        guard level.cuts.count == 2, level.words.count == 3 else {
            // The lowest level takes values up to its cut, the next the values strictly between, each later one from its cut up.
            guard let first = level.cuts.first, level.words.count == level.cuts.count + 1 else { return level.words.joined(separator: ", ") }
            var parts = "\(level.words[0]) ≤ \(format(first))"
            for i in 1..<level.words.count {
                parts += (i == 1 ? " < " : " ≤ ") + level.words[i]
                if i < level.cuts.count { parts += " < \(format(level.cuts[i]))" }
            }
            return parts
        }
        let low = format(level.cuts[0]), high = format(level.cuts[1])
        if level.cuts[0] == level.cuts[1] {
            return "\(level.words[0]) ≤ \(low) < \(level.words[2])  (\(level.words[1]) is empty: both cut points are \(low))"
        }
        return "\(level.words[0]) ≤ \(low) < \(level.words[1]) < \(high) ≤ \(level.words[2])"
    }
}
