import PatronAnalysis
import PatronEngine
import PatronStore

/// The segmentation frameworks: one row per segment (or class, tier, stage, score) with the
/// thresholds in force as facts. Segment names are in the session's language, as on screen;
/// column names and fact keys are always the same.
extension Presenter {
    func matrix(_ m: MatrixResult) -> Presentation {
        let a = m.table.columns[m.first], b = m.table.columns[m.second]
        let totalProfit = m.totalProfit
        let hasProfit = m.profitColumn != nil
        func number(_ x: Double, _ column: Column) -> String {
            var scale = 0
            if case .decimal(_, let s) = column.storage { scale = s }
            return NumberFormat.fixed(x, digits: x == x.rounded() ? scale : max(scale, 2))
        }
        // The four quadrants as rows; the text draws them as the 2×2.
        var fields = [Field("segment"), Field(a.name), Field(b.name), Field("rows"), Field("share")]
        if hasProfit { fields.append(Field("share_of_profit")) }
        fields.append(Field("advice"))
        fields = fields.map { Field($0.key, heading: $0.heading, $0.alignment, isDrawn: false) }
        var rows: [[Cell]] = [], grid: [Quadrant: String] = [:], area: [Quadrant: Double] = [:], value: [Quadrant: Double] = [:]
        for quadrant in Quadrant.allCases {
            let count = Cell.count(m.count(quadrant)), share = Cell.share(Double(m.count(quadrant)), of: Double(m.scope), unavailable: NumberFormat.percent(0))
            let profitShare: Cell = totalProfit > 0 ? .share(m.profit(quadrant) / totalProfit) : .null()
            let name = Vocabulary.name(quadrant, language)
            var cells: [Cell] = [.text(name), .text(quadrant.isFirstHigh ? "high" : "low"), .text(quadrant.isSecondHigh ? "high" : "low"), count, share]
            if hasProfit { cells.append(profitShare) }
            rows.append(cells + [.text(Vocabulary.advice(quadrant, language))])
            area[quadrant] = m.scope > 0 ? Double(m.count(quadrant)) / Double(m.scope) : 0
            value[quadrant] = totalProfit > 0 ? m.profit(quadrant) / totalProfit : 0
            let profitPart = hasProfit && totalProfit > 0 ? say(", \(profitShare.display) of profit", zh: "，\(profitShare.display) 的利润") : ""
            grid[quadrant] = say("\(name): \(count.display) (\(share.display))", zh: "\(name)：\(count.display)（\(share.display)）") + profitPart
        }
        let method = Vocabulary.method(m.method, language)
        let title = say("\(a.name) × \(b.name) in '\(m.table.name)' (\(method): \(a.name) > \(number(m.cuts.0, a)) is high, \(b.name) > \(number(m.cuts.1, b)) is high)",
                        zh: "'\(m.table.name)' 的 \(a.name) × \(b.name)（\(method)：\(a.name) > \(number(m.cuts.0, a)) 为高，\(b.name) > \(number(m.cuts.1, b)) 为高）")
        let chart = Chart.grid(corner: "", across: [say("\(b.name) low (short-term)", zh: "\(b.name) 低（短期）"), say("\(b.name) high (long-term)", zh: "\(b.name) 高（长期）")],
                               down: ["\(a.name) \(w("high"))", "\(a.name) \(w("low"))"],
                               cells: [[grid[.butterflies]!, grid[.trueFriends]!], [grid[.strangers]!, grid[.barnacles]!]],
                               areas: [[area[.butterflies]!, area[.trueFriends]!], [area[.strangers]!, area[.barnacles]!]],
                               values: hasProfit && totalProfit > 0 ? [[value[.butterflies]!, value[.trueFriends]!], [value[.strangers]!, value[.barnacles]!]] : nil)
        var scope = say("\(NumberFormat.grouped(m.scope)) rows", zh: "\(NumberFormat.grouped(m.scope)) 行")
        if m.missing > 0 { scope += say("; \(NumberFormat.grouped(m.missing)) without both values left out", zh: "；\(NumberFormat.grouped(m.missing)) 行缺少其中一个值，未计入") }
        let advice = "\(w("advice")):" + Quadrant.allCases.map { "\n  " + DisplayWidth.pad(Vocabulary.name($0, language), to: 12) + "  " + Vocabulary.advice($0, language) }.joined()
        return Presentation(kind: "matrix", fields: fields, rows: rows,
                            facts: [.init("table", .string(m.table.name)), .init("split", .string(Vocabulary.methodKey(m.method))),
                                    .init("cuts", .object([.init(a.name, .real(m.cuts.0)), .init(b.name, .real(m.cuts.1))])),
                                    .init("rows_in_scope", .count(m.scope)), .init("rows_left_out", .count(m.missing))],
                            blocks: [.line(title), .chart(chart), .line(scope), .line(advice)])
    }

    func pareto(_ p: ParetoResult) -> Presentation {
        let metric = p.table.columns[p.column].name
        let a = NumberFormat.fixed(p.a * 100, digits: 0), b = NumberFormat.fixed(p.b * 100, digits: 0)
        let limits = language == .zh ? ["A（累计至 \(a)%）", "B（累计至 \(b)%）", "C（其余）"] : ["A (to \(a)%)", "B (to \(b)%)", "C (the rest)"]
        let fields = [Field("class", heading: w("class")), Field("rows", heading: w("rows"), .right), Field("share", heading: w("share of rows"), .right),
                      Field(metric, .right), Field("share_of_\(metric)", heading: Vocabulary.share(of: metric, language), .right)]
        let rows = ["A", "B", "C"].enumerated().map { k, name -> [Cell] in
            [Cell(.text(name), display: limits[k]), .count(p.counts[k]), .share(Double(p.counts[k]), of: Double(p.scope), unavailable: NumberFormat.percent(0)),
             .number(p.values[k], digits: 2), .share(p.values[k], of: p.total)]
        }
        let headline = say("\(NumberFormat.percent(p.headlineShare)) of rows make \(a)% of \(metric) in '\(p.table.name)'",
                           zh: "'\(p.table.name)' 中 \(NumberFormat.percent(p.headlineShare)) 的行贡献了 \(a)% 的 \(metric)")
        let caption = say("cumulative share of \(metric), rows sorted highest first:", zh: "\(metric) 的累计占比（按从高到低排序）：")
        let curve = p.curve.map { CurvePoint(rows: $0.rows, value: $0.value) }
        return Presentation(kind: "pareto", fields: fields, rows: rows,
                            facts: [.init("table", .string(p.table.name)), .init("a", .real(p.a)), .init("b", .real(p.b)),
                                    .init("headline_share", .real(p.headlineShare)), .init("total", .real(p.total)), .init("rows_in_scope", .count(p.scope)),
                                    .init("curve", .array(curve.map { .object([.init("rows", .real($0.rows)), .init("value", .real($0.value))]) }))],
                            blocks: [.line(headline), .table(bars: nil), .line(caption), .chart(.curve(curve, marker: CurvePoint(rows: p.headlineShare, value: p.a)))])
    }

    func tiers(_ t: TiersResult) -> Presentation {
        let metric = t.table.columns[t.column].name
        let total = t.values.reduce(0, +)
        let c1 = NumberFormat.fixed(t.cuts.0, digits: 2), c2 = NumberFormat.fixed(t.cuts.1, digits: 2)
        let rules: [ValueTier: String] = [.none: "≤ 0", .low: "0 < x ≤ \(c1)", .medium: "\(c1) < x < \(c2)", .high: "≥ \(c2)"]
        let fields = [Field("tier", heading: w("tier")), Field("rule", heading: w("rule")), Field("rows", heading: w("rows"), .right),
                      Field("share", heading: w("share of rows"), .right), Field(metric, .right),
                      Field("share_of_\(metric)", heading: Vocabulary.share(of: metric, language), .right)]
        let rows = ValueTier.allCases.reversed().map { tier -> [Cell] in
            let k = tier.rawValue
            return [.text(Vocabulary.name(tier, metric: metric, language)), .text(rules[tier]!), .count(t.counts[k]),
                    .share(Double(t.counts[k]), of: Double(t.scope), unavailable: NumberFormat.percent(0)), .number(t.values[k], digits: 2),
                    total <= 0 ? .null("n/a") : .share(t.values[k] / total)]
        }
        let title = say("value tiers of '\(metric)' in '\(t.table.name)' (low, medium, high split at the terciles of the positive values)",
                        zh: "'\(t.table.name)' 中 '\(metric)' 的价值层级（低、中、高按正值的三分位数划分）")
        return Presentation(kind: "tiers", fields: fields, rows: rows,
                            facts: [.init("table", .string(t.table.name)), .init("cuts", .array([.real(t.cuts.0), .real(t.cuts.1)])),
                                    .init("rows_in_scope", .count(t.scope))],
                            blocks: [.line(title), .table(bars: 2)])
    }

    func lifecycle(_ l: LifecycleResult) -> Presentation {
        let valueName = l.valueColumn.map { l.table.columns[$0].name }
        let w = l.windows
        let days = say(" days", zh: " 天")
        let rules: [LifecycleStage: String] = [.new: "tenure ≤ \(w[0])\(days)", .active: "recency ≤ \(w[0])", .warm: "\(w[0]) < recency ≤ \(w[1])",
                                               .cold: "\(w[1]) < recency ≤ \(w[2])", .lapsed: "recency > \(w[2]) (\(self.w("churned")))"]
        let total = l.values.reduce(0, +)
        var fields = [Field("stage", heading: self.w("stage")), Field("rule", heading: self.w("rule")), Field("rows", heading: self.w("rows"), .right),
                      Field("share", heading: self.w("share"), .right)]
        if let valueName { fields.append(Field("share_of_\(valueName)", heading: Vocabulary.share(of: valueName, language), .right)) }
        let rows = LifecycleStage.allCases.filter { $0 != .new || l.hasTenure }.map { stage -> [Cell] in
            let k = stage.rawValue
            var cells: [Cell] = [.text(Vocabulary.name(stage, language)), .text(rules[stage]!), .count(l.counts[k]),
                                 .share(Double(l.counts[k]), of: Double(l.scope), unavailable: NumberFormat.percent(0))]
            if valueName != nil { cells.append(total > 0 ? .share(l.values[k] / total) : .null("n/a")) }
            return cells
        }
        let windows = w.map(String.init).joined(separator: listSeparator)
        let title = say("lifecycle of '\(l.table.name)' (windows \(windows) days\(l.hasTenure ? "; new customers first" : "")):",
                        zh: "'\(l.table.name)' 的生命周期（窗口 \(windows) 天\(l.hasTenure ? "；先判定新客户" : "")）：")
        return Presentation(kind: "lifecycle", fields: fields, rows: rows,
                            facts: [.init("table", .string(l.table.name)), .init("windows", .array(w.map(JSONValue.count))), .init("rows_in_scope", .count(l.scope))],
                            blocks: [.line(title), .table(bars: 2)])
    }

    func rfm(_ r: RFMResult) -> Presentation {
        let metrics = ["recency", "frequency", "monetary"]
        let fields = [Field("score", heading: w("score"), .right)] + metrics.flatMap { [Field($0), Field("\($0)_rows", heading: w("rows"), .right)] }
        let rows = stride(from: r.bins, through: 1, by: -1).map { score -> [Cell] in
            // Recency is reversed: the lowest values score highest.
            [.count(score)] + (0..<3).flatMap { m -> [Cell] in
                [.text(Formatting.levelRange(r.cuts[m], m == 0 ? r.bins - score : score - 1)), .count(r.counts[m][score - 1])]
            }
        }
        let title = say("RFM scores 1…\(r.bins) for '\(r.table.name)' at the quantiles of each metric (most recent scores highest; equal values share a score); columns r_score, f_score, m_score, rfm added",
                        zh: "'\(r.table.name)' 的 RFM 分数 1…\(r.bins)，按各指标的分位数划分（最近购买的分数最高；相同的值分数相同）；已添加 r_score、f_score、m_score、rfm 列")
        let caption = say("rows by R (down) and F (across):", zh: "按 R（纵向）和 F（横向）的行数：")
        var notes: [Presentation.Block] = []
        for (m, name) in metrics.enumerated() {
            let empty = (1...r.bins).filter { r.counts[m][$0 - 1] == 0 }
            guard !empty.isEmpty, r.counts[m].contains(where: { $0 > 0 }) else { continue }
            let list = empty.map(String.init).joined(separator: language == .zh ? "、" : ", ")
            let cuts = r.cuts[m].map(NumberFormat.shortest).joined(separator: listSeparator)
            let scores = empty.count == 1 ? "score \(list) holds" : "scores \(list) hold"
            notes.append(.line(say("warning: \(name) \(scores) no rows: no value falls in its range, as many customers share a few values and equal values share a score (cut points \(cuts))",
                                   zh: "警告：\(name) 的分数 \(list) 没有任何行：没有值落在它的区间内，因为许多客户的值集中在少数几个数上，而相同的值分数相同（切分点 \(cuts)）")))
        }
        if !notes.isEmpty {
            notes.append(.line(say("help: set the bins yourself: fewer bins (rfm bins 3), or rules on the values themselves (rfm rule one_time where frequency = 1, then rfm segments custom)",
                                   zh: "提示：请自行设定分箱：减少分箱数（rfm bins 3），或直接按数值编写规则（rfm rule one_time where frequency = 1，然后 rfm segments custom）")))
        }
        return Presentation(kind: "rfm", fields: fields, rows: rows,
                            facts: [.init("table", .string(r.table.name)), .init("bins", .count(r.bins)),
                                    .init("cuts", .object(metrics.enumerated().map { m, name in .init(name, .array(r.cuts[m].map(JSONValue.real))) })),
                                    .init("heat", .array(r.heat.map { .array($0.map(JSONValue.count)) }))],
                            blocks: [.line(title), .table(bars: nil)] + notes + [.chart(.heatmap(r.heat, caption: caption))])
    }

    func rfmSegments(_ a: RuleAssignment) -> Presentation {
        let total = a.rows.reduce(a.unmatched) { $0 + $1.count }
        var fields = [Field("segment", heading: w("segment")), Field("rows", heading: w("rows"), .right), Field("share", heading: w("share"), .right)]
        if a.totalMonetary != nil { fields.append(Field("share_of_monetary", heading: Vocabulary.share(of: "monetary", language), .right)) }
        let all = a.rows.map { (Vocabulary.rule($0.name, language), $0.count, $0.monetary) } + [(w("Others (no rule)"), a.unmatched, a.unmatchedMonetary)]
        let rows = all.map { name, count, monetary -> [Cell] in
            var cells: [Cell] = [.text(name), .count(count), .share(Double(count), of: Double(total), unavailable: NumberFormat.percent(0))]
            if let t = a.totalMonetary { cells.append(monetary.map { t > 0 ? .share($0 / t) : .null("n/a") } ?? .null()) }
            return cells
        }
        let title = say("\(a.preset) segments of '\(a.table.name)' (first matching rule wins; column rfm_segment added)",
                        zh: "'\(a.table.name)' 的 \(a.preset) 细分（按第一条匹配的规则；已添加 rfm_segment 列）")
        var blocks: [Presentation.Block] = [.line(title), .table(bars: 1)]
        // A preset's rules were written for full bins; custom rules are the analyst's own.
        if !a.emptyScores.isEmpty && a.preset != "custom" {
            let skipped = a.emptyScores.map { "\($0.column) \($0.scores.map(String.init).joined(separator: listSeparator))" }.joined(separator: language == .zh ? "；" : "; ")
            blocks.append(.line(say("warning: some scores hold no rows (\(skipped)): ties collapsed their bins, so rules written for every score put customers where the rule table's names do not fit them; see rfm for why, and set the bins yourself (rfm bins N, or your own rules with rfm rule)",
                                    zh: "警告：有些分数没有任何行（\(skipped)）：并列的值使分箱合并，按每个分数编写的规则会把客户放进与名称不符的细分；原因见 rfm，请自行设定分箱（rfm bins N，或用 rfm rule 编写自己的规则）")))
        }
        return Presentation(kind: "rfm_segments", fields: fields, rows: rows,
                            facts: [.init("table", .string(a.table.name)), .init("preset", .string(a.preset)), .init("rows_in_scope", .count(total)),
                                    .init("empty_scores", .object(a.emptyScores.map { .init($0.column, .array($0.scores.map(JSONValue.count))) }))],
                            blocks: blocks)
    }

    func check(_ c: RuleCheck) -> Presentation {
        let names = { (rules: [String]) in rules.map { Vocabulary.rule($0, language) }.joined(separator: language == .zh ? "、" : ", ") }
        func cells(_ n: Int) -> String { say("\(NumberFormat.grouped(n)) \(n == 1 ? "cell" : "cells")", zh: "\(NumberFormat.grouped(n)) 个单元格") }
        let cellNames = c.uncovered.map { $0.map(String.init).joined(separator: "-") }
        let uncovered = cellNames.prefix(20).joined(separator: ", ") + (cellNames.count > 20 ? ", …" : "")
        var text = say("\(c.preset) rules over all \(c.cells) score cells (1…\(c.bins) each):", zh: "\(c.preset) 规则覆盖全部 \(c.cells) 个分数单元格（每项 1…\(c.bins)）：")
        text += c.neverMatch.isEmpty ? say("\n  every rule matches some cell first", zh: "\n  每条规则都最先匹配某些单元格")
                                     : say("\n  never first to match: ", zh: "\n  从未最先匹配：") + names(c.neverMatch)
        text += c.overlaps.isEmpty ? say("\n  no rules overlap", zh: "\n  规则之间没有重叠")
            : say("\n  overlapping (the earlier rule wins):", zh: "\n  重叠（靠前的规则优先）：")
                + c.overlaps.map { say("\n    \($0.0) and \($0.1): \(cells($0.2))", zh: "\n    \(Vocabulary.rule($0.0, .zh)) 与 \(Vocabulary.rule($0.1, .zh))：\(cells($0.2))") }.joined()
        text += c.uncovered.isEmpty ? say("\n  every cell is covered", zh: "\n  每个单元格都被覆盖")
                                    : say("\n  \(cells(c.uncovered.count)) no rule covers (R-F-M): ", zh: "\n  没有规则覆盖的 \(cells(c.uncovered.count))（R-F-M）：") + uncovered
        var rows: [[Cell]] = c.neverMatch.map { [.text("never first to match"), .text($0), .null()] }
        rows += c.overlaps.map { [.text("overlap"), .text("\($0.0) and \($0.1)"), .count($0.2)] }
        rows += cellNames.map { [.text("uncovered cell"), .text($0), .null()] }
        return Presentation(kind: "check_segments", fields: [Field("finding", isDrawn: false), Field("subject", isDrawn: false), Field("cells", isDrawn: false)],
                            rows: rows,
                            facts: [.init("preset", .string(c.preset)), .init("bins", .count(c.bins)), .init("cells", .count(c.cells)),
                                    .init("uncovered", .count(c.uncovered.count))],
                            blocks: [.line(text)])
    }

    func transitions(_ t: TransitionsResult) -> Presentation {
        let names = t.keys.map { Vocabulary.name($0, language) }
        let from = CalendarDate.isoString(t.from), to = CalendarDate.isoString(t.to)
        let fields = [Field("from", heading: "\(from) \\ \(to)")] + names.map { Field($0, .right) } + [Field("total", heading: w("total"), .right)]
        let rows = t.counts.enumerated().map { i, row -> [Cell] in
            [.text(i < names.count ? names[i] : w("(not yet a customer)"))] + row.map(Cell.count) + [.count(row.reduce(0, +))]
        }
        var lines = say("stayed: \(NumberFormat.grouped(t.stayed)); moved: \(NumberFormat.grouped(t.moved)); new since \(from): \(NumberFormat.grouped(t.newcomers))",
                        zh: "留在原细分：\(NumberFormat.grouped(t.stayed))；转移：\(NumberFormat.grouped(t.moved))；新客户：\(NumberFormat.grouped(t.newcomers))")
        var facts: [JSONValue.Pair] = [.init("segmentation", .string(t.segmentation)), .init("from_date", .string(from)), .init("to_date", .string(to)),
                                       .init("stayed", .count(t.stayed)), .init("moved", .count(t.moved)), .init("new", .count(t.newcomers))]
        if let churned = t.churned, let wonBack = t.wonBack {
            let windows = LifecycleStage.standardWindows.map(String.init).joined(separator: listSeparator)
            lines += say("\nchurned (active, warm or cold → lapsed): \(NumberFormat.grouped(churned)); won back (lapsed → active or warm): \(NumberFormat.grouped(wonBack)); lifecycle windows \(windows) days",
                         zh: "\n流失（活跃、温和或沉睡 → 流失）：\(NumberFormat.grouped(churned))；赢回（流失 → 活跃或温和）：\(NumberFormat.grouped(wonBack))；窗口 \(windows) 天")
            facts += [.init("churned", .count(churned)), .init("won_back", .count(wonBack)),
                      .init("windows", .array(LifecycleStage.standardWindows.map(JSONValue.count)))]
        }
        let title = "\(t.segmentation) " + say("segments from \(from) (rows) to \(to) (columns)", zh: "细分从 \(from) 到 \(to) 的变化（行：之前，列：之后）")
        return Presentation(kind: "transitions", fields: fields, rows: rows, facts: facts,
                            blocks: [.line(title), .table(bars: nil), .line(lines)])
    }
}
