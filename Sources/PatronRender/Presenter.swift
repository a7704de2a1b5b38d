import PatronAnalysis
import PatronEngine
import PatronStore

/// Turns a statement's answer into its data form, once: the table, the facts, and the layout of
/// the text drawn from them, in the session's language. Pure: it never evaluates.
public struct Presenter: Sendable {
    public let language: Language

    public init(language: Language) {
        self.language = language
    }

    typealias Cell = Presentation.Cell
    typealias Field = Presentation.Field

    /// The data form of one result.
    public func present(_ result: StatementResult) -> Presentation {
        switch result {
        case .loaded(let report): return loaded(report)
        case .schema(let table): return schema(table)
        case .profile(let table, let summaries): return profile(summaries, of: table)
        case .rows(let rows): return self.rows(rows)
        case .count(let table, let segment, let count, let total): return self.count(count, of: total, in: table, segment: segment)
        case .summary(let summary): return self.summary(summary)
        case .crosstab(let crosstab): return self.crosstab(crosstab)
        case .segment(let segment): return self.segment(segment)
        case .segmentDefined(let definition, let segment): return defined(definition, segment)
        case .segments(let sizes): return segments(sizes)
        case .levelsSet(let counts): return levelsSet(counts)
        case .levelTable(let table, let cuts, let rows): return levelTable(cuts, of: table, rows: rows)
        case .derived(let derivation, let orders): return derived(derivation, orders: orders)
        case .metric(let table, let column): return metric(table, column: column)
        case .segmentExplained(let explanation): return explained(explanation)
        case .customerExplained(let explanation): return explained(explanation)
        case .matrix(let matrix): return self.matrix(matrix)
        case .pareto(let pareto): return self.pareto(pareto)
        case .tiers(let tiers): return self.tiers(tiers)
        case .lifecycle(let lifecycle): return self.lifecycle(lifecycle)
        case .rfm(let rfm): return self.rfm(rfm)
        case .rfmSegments(let assignment): return rfmSegments(assignment)
        case .check(let check): return self.check(check)
        case .transitions(let transitions): return self.transitions(transitions)
        case .clv(let result): return clv(result)
        case .cohorts(let result): return cohorts(result)
        case .projection(let result): return projection(result)
        case .connections(let open): return connections(open)
        case .done(let confirmation): return .message(text(of: confirmation), isConfirmation: true)
        }
    }

    /// A word or heading in the session's language.
    func w(_ english: String) -> String { Vocabulary.word(english, language) }

    /// Chinese or English text.
    func say(_ english: @autoclosure () -> String, zh: @autoclosure () -> String) -> String { language == .zh ? zh() : english() }

    /// Between the items of a list in a sentence: a comma, or the Chinese enumeration comma 、.
    var listSeparator: String { language == .zh ? "、" : ", " }

    // MARK: Tables and columns

    /// Each column's type, nulls and why: what `describe`, `load` and `customers` show.
    /// The columns, their types, nulls (`nulls`, when counted elsewhere) and why each has its type.
    func schemaTable(_ table: Table, nulls: [Int]? = nil) -> (fields: [Field], rows: [[Cell]]) {
        let fields = [Field("column", heading: w("column")), Field("type", heading: w("type")), Field("nulls", heading: w("nulls"), .right), Field("why", heading: w("why this type"))]
        let rows = table.columns.enumerated().map { index, column -> [Cell] in
            var type = column.type.rawValue
            if case .decimal(_, let scale) = column.storage { type += "(\(scale))" }
            let count = nulls.map { index < $0.count ? $0[index] : 0 } ?? column.nulls.nullCount
            return [.text(column.name), .text(type), .count(count), .text(Catalogue.translate(Formatting.evidence(column.evidence), language))]
        }
        return (fields, rows)
    }

    func schema(_ table: Table) -> Presentation {
        let (fields, rows) = schemaTable(table)
        return Presentation(kind: "schema", fields: fields, rows: rows,
                            facts: [.init("table", .string(table.name)), .init("table_rows", .count(table.rowCount)), .init("table_columns", .count(table.columns.count)),
                                    .init("origin", .string(Formatting.origin(table.origin)))],
                            blocks: [.line("table '\(table.name)': \(NumberFormat.grouped(table.rowCount)) \(table.rowCount == 1 ? "row" : "rows"), \(table.columns.count) columns, from \(Formatting.origin(table.origin))"), .table(bars: nil)])
    }

    func loaded(_ report: LoadReport) -> Presentation {
        let table = report.table
        let (fields, rows) = schemaTable(table)
        return Presentation(kind: "load", fields: fields, rows: rows,
                            facts: [.init("table", .string(table.name)), .init("path", .string(Formatting.origin(table.origin))), .init("dialect", .string(report.dialect)),
                                    .init("table_rows", .count(table.rowCount)), .init("table_columns", .count(table.columns.count)),
                                    .init("rejected", .count(report.rejectedCount)), .init("blank_lines", .count(report.blankLines))],
                            blocks: [.line("loaded '\(table.name)' from \(Formatting.origin(table.origin)) (\(report.dialect)): \(NumberFormat.grouped(table.rowCount)) rows, \(table.columns.count) columns"),
                                     .table(bars: nil)],
                            isConfirmation: true)
    }

    /// The one-line summary every load ends with, on standard error.
    public static func loadSummary(_ report: LoadReport, seconds: Double) -> String {
        var line = "loaded \(NumberFormat.grouped(report.table.rowCount)) rows × \(report.table.columns.count) columns in \(NumberFormat.fixed(seconds, digits: 2)) s"
        line += report.rejectedCount == 0 ? ", no records rejected" : ", \(NumberFormat.grouped(report.rejectedCount)) rejected"
        if report.blankLines > 0 { line += ", \(NumberFormat.grouped(report.blankLines)) blank \(report.blankLines == 1 ? "line" : "lines") skipped" }
        return line
    }

    func derived(_ derived: CustomerDerivation, orders: String) -> Presentation {
        let table = derived.table
        let (customers, asOf) = (NumberFormat.grouped(derived.customers), CalendarDate.isoString(derived.asOf))
        let (used, left) = (NumberFormat.grouped(derived.ordersUsed), NumberFormat.grouped(derived.ordersLeftOut))
        var text = say("derived '\(table.name)' from '\(orders)': \(customers) customers, as of \(asOf)", zh: "已从 '\(orders)' 推导出 '\(table.name)'：\(customers) 位客户，截至 \(asOf)")
        text += derived.asOfIsLatest ? say(" (the latest order date)", zh: "（最晚的订单日期）") : ""
        text += say("; \(used) orders used", zh: "；使用了 \(used) 个订单")
        if derived.ordersLeftOut > 0 {
            text += say(", \(left) left out (no customer or date, or after the as-of date)", zh: "，另有 \(left) 个未使用（没有客户或日期，或晚于截止日期）")
        }
        let (fields, rows) = schemaTable(table, nulls: derived.nulls)
        return Presentation(kind: "customers", fields: fields, rows: rows,
                            facts: [.init("table", .string(table.name)), .init("orders", .string(orders)), .init("customers", .count(derived.customers)),
                                    .init("as_of", .string(CalendarDate.isoString(derived.asOf))), .init("as_of_is_latest", .bool(derived.asOfIsLatest)),
                                    .init("orders_used", .count(derived.ordersUsed)), .init("orders_left_out", .count(derived.ordersLeftOut))],
                            blocks: [.line(text), .table(bars: nil)], isConfirmation: true)
    }

    func metric(_ table: Table, column index: Int) -> Presentation {
        let column = table.columns[index]
        let why = Formatting.evidence(column.evidence)
        var facts: [JSONValue.Pair] = [.init("table", .string(table.name)), .init("column", .string(column.name)),
                                       .init("type", .string(column.type.rawValue)), .init("definition", .string(why))]
        var line = "\(column.name) (\(column.type.rawValue)) in '\(table.name)': \(why)"
        // Where statements on it run: a table left on a server says so.
        if case .server(let place) = table.origin, table.rowCount == 0 {
            facts.append(.init("runs_on", .string(place)))
            line += say("; the table stays on the server (\(place)), where its statements run", zh: "；该表留在服务器上（\(place)），语句在那里运行")
        }
        // A model's figure: its formula, what the model assumes, and its known limits.
        if case .derived(.modelled(let figure)) = column.evidence {
            let text = ModelTexts.explanation(figure, language)
            facts += [.init("formula", .string(text.formula)), .init("assumptions", .string(text.assumptions)), .init("limits", .string(text.limits))]
            return Presentation(kind: "metric", facts: facts, blocks: [.line(line), .line(text.formula), .line(text.assumptions), .line(text.limits)])
        }
        return Presentation(kind: "metric", facts: facts, blocks: [.line(line)])
    }

    func rows(_ result: RowsResult) -> Presentation {
        let table = result.table
        let shown = result.rows.count
        let footer: String
        if let ordered = result.orderedBy {
            footer = "top \(NumberFormat.grouped(shown)) of \(NumberFormat.grouped(result.matching)) rows by \(ordered), highest first"
        } else if result.matching > shown {
            footer = "\(NumberFormat.grouped(shown)) of \(NumberFormat.grouped(result.matching)) rows shown; \(NumberFormat.grouped(result.matching - shown)) more not shown (show top N by COLUMN picks others)"
        } else {
            footer = "\(NumberFormat.grouped(shown)) \(shown == 1 ? "row" : "rows")"
        }
        return Presentation(kind: "rows", fields: table.columns.map { Field($0.name, $0.type.isNumeric ? .right : .left) },
                            rows: Self.cells(of: result.rows, in: table),
                            facts: [.init("table", .string(table.name)), .init("shown", .count(shown)), .init("matching", .count(result.matching))],
                            blocks: [.table(bars: nil), .line(footer)])
    }

    /// Each row's stored cells; an export of millions of rows hears Ctrl-C between rows (and the
    /// driver then writes nothing).
    static func cells(of rows: [Int], in table: Table) -> [[Cell]] {
        var cells: [[Cell]] = []
        cells.reserveCapacity(rows.count)
        for (k, row) in rows.enumerated() {
            if k & 0xFFF == 0 && Interrupt.requested { break }
            cells.append(table.columns.map { Cell.stored($0, row) })
        }
        return cells
    }

    /// The rows `export` writes: every column, nothing else.
    public func export(_ result: RowsResult, kind: String) -> Presentation {
        var p = rows(result)
        p.kind = kind
        p.facts = [.init("table", .string(result.table.name))]
        return p
    }

    func count(_ n: Int, of total: Int, in table: Table, segment: String?) -> Presentation {
        let (count, all) = (NumberFormat.grouped(n), NumberFormat.grouped(total))
        let text = segment.map { name in
            let share = NumberFormat.percent(total == 0 ? 0 : Double(n) / Double(total))
            return say("\(count) of \(all) rows in '\(table.name)' are in '\(name)' (\(share))", zh: "'\(table.name)' 的 \(all) 行中有 \(count) 行属于 '\(name)'（\(share)）")
        } ?? say("\(all) \(total == 1 ? "row" : "rows") in '\(table.name)'", zh: "'\(table.name)' 共 \(all) 行")
        var fields = [Field("table", isDrawn: false)], cells: [Cell] = [.text(table.name)]
        if let segment {
            fields += [Field("segment", isDrawn: false), Field("rows", isDrawn: false), Field("of", isDrawn: false), Field("share", isDrawn: false)]
            cells += [.text(segment), .count(n), .count(total), .share(Double(n), of: Double(total))]
        } else {
            fields.append(Field("rows", isDrawn: false))
            cells.append(.count(n))
        }
        return Presentation(kind: "count", fields: fields, rows: [cells], blocks: [.line(text)])
    }

    func profile(_ summaries: [ColumnSummary], of table: Table) -> Presentation {
        let fields = [Field("column", heading: w("column")), Field("type", heading: w("type")), Field("count", heading: w("count"), .right),
                      Field("nulls", heading: w("nulls"), .right), Field("distinct", heading: w("distinct"), .right), Field("min", heading: w("min"), .right),
                      Field("max", heading: w("max"), .right), Field("mean", heading: w("mean"), .right), Field("p25", heading: "25%", .right),
                      Field("median", heading: w("median"), .right), Field("p75", heading: "75%", .right), Field("most_frequent", heading: w("most frequent"))]
        let rows = summaries.map { summary -> [Cell] in
            let column = table.columns[summary.column]
            func value(_ row: Int?) -> Cell {
                guard let row else { return .null() }
                let cell = Cell.stored(column, row)
                return Cell(cell.value, display: DisplayWidth.truncate(cell.display, to: 24))
            }
            // One number of decimals for all of a column's quartiles: its scale, or two when any is fractional.
            var scale = 0
            if case .decimal(_, let s) = column.storage { scale = s }
            let digits = (summary.quartiles ?? []).allSatisfy { $0 == $0.rounded() } ? scale : max(scale, 2)
            let quartiles: [Cell] = summary.quartiles.map { q in
                q.map { x in column.type == .date ? .text(CalendarDate.isoString(Int32(x.rounded(.down)))) : .number(x, digits: digits) }
            } ?? [.null(), .null(), .null()]
            let top = Cell(.text(summary.top.map { "\(Formatting.cell(column, $0.row)) (\($0.count))" }.joined(separator: ", ")),
                           display: summary.top.map { "\(DisplayWidth.truncate(Formatting.cell(column, $0.row), to: 16)) (\(NumberFormat.grouped($0.count)))" }.joined(separator: ", "))
            return [.text(column.name), .text(column.type.rawValue), .count(summary.count), .count(summary.nulls), .count(summary.distinct),
                    value(summary.minRow), value(summary.maxRow), summary.mean.map { .number($0, digits: 2) } ?? .null()] + quartiles + [top]
        }
        return Presentation(kind: "profile", fields: fields, rows: rows,
                            facts: [.init("table", .string(table.name)), .init("table_rows", .count(table.rowCount))],
                            blocks: [.line("summary of '\(table.name)': \(NumberFormat.grouped(table.rowCount)) rows"), .table(bars: nil)])
    }

    /// One aggregate value.
    static func cell(_ value: AggregateValue) -> Cell {
        switch value {
        case .count(let n): return .count(n)
        case .exact(let m, let s): return .exact(m, scale: s)
        case .real(let d): return .number(d, digits: 2)
        case .share(let d): return .share(d)
        case .date(let d): return .text(CalendarDate.isoString(d))
        case .null: return .null()
        }
    }

    func summary(_ result: AggregateResult) -> Presentation {
        let table = result.table
        let fields = result.groupColumns.map { Field(table.columns[$0].name, table.columns[$0].type.isNumeric ? .right : .left) }
            + result.labels.map { Field($0, .right) }
        let rows = result.rows.map { row, values in
            result.groupColumns.map { Cell.stored(table.columns[$0], row, null: "(null)") } + values.map(Self.cell)
        }
        var footer = "\(NumberFormat.grouped(result.scope)) rows in scope"
        if !result.groupColumns.isEmpty {
            footer = "\(NumberFormat.grouped(result.groupCount)) \(result.groupCount == 1 ? "group" : "groups")"
                + (result.rows.count < result.groupCount ? " (top \(result.rows.count) shown)" : "") + " · " + footer
        }
        if result.labels.contains(where: { $0.lowercased().hasPrefix("share") }) { footer += " · shares are of the total over the rows in scope" }
        // `count by …` is a distribution: draw it.
        let bars = !result.groupColumns.isEmpty && result.labels == ["count"] ? result.groupColumns.count : nil
        return Presentation(kind: "summary", fields: fields, rows: rows,
                            facts: [.init("table", .string(table.name)), .init("groups", .count(result.groupCount)), .init("shown", .count(result.rows.count)),
                                    .init("rows_in_scope", .count(result.scope)), .init("cut_points", cutPoints(result.levels))],
                            blocks: [.table(bars: bars), .line(footer)] + levelFooter(result.levels))
    }

    func crosstab(_ result: CrosstabResult) -> Presentation {
        let table = result.table
        let a = table.columns[result.rowColumn], b = table.columns[result.columnColumn]
        func label(_ column: Column, _ row: Int?) -> String { row.map { Formatting.cell(column, $0) } ?? "(null)" }
        func other(_ n: Int) -> String { say("(other \(NumberFormat.grouped(n)) \(n == 1 ? "value" : "values"))", zh: "（其他 \(NumberFormat.grouped(n)) 个值）") }
        var columnLabels = result.columnKeys.map { label(b, $0) }
        if result.otherColumns > 0 { columnLabels.append(other(result.otherColumns)) }
        var rowLabels = result.rowKeys.map { label(a, $0) }
        if result.otherRows > 0 { rowLabels.append(other(result.otherRows)) }
        // Two values can print alike (a value and the "other" label): keys stay unique.
        var seen = Set<String>([a.name, "total"])
        let fields = [Field(a.name, heading: "\(a.name) \\ \(b.name)")] + columnLabels.map { text -> Field in
            var key = text
            while !seen.insert(key).inserted { key += "_" }
            return Field(key, heading: text, .right)
        } + [Field("total", heading: w("total"), .right)]
        var rows = rowLabels.enumerated().map { i, text in
            [Cell.text(text)] + result.counts[i].map(Cell.count) + [.count(result.counts[i].reduce(0, +))]
        }
        let columnTotals = columnLabels.indices.map { c in result.counts.reduce(0) { $0 + $1[c] } }
        rows.append([Cell(.text("total"), display: w("total"))] + columnTotals.map(Cell.count) + [.count(result.scope)])
        var blocks: [Presentation.Block] = [.table(bars: nil)]
        if result.otherRows > 0 || result.otherColumns > 0 {
            let shownRows = NumberFormat.grouped(result.rowKeys.count), allRows = NumberFormat.grouped(result.rowKeys.count + result.otherRows)
            let shownColumns = NumberFormat.grouped(result.columnKeys.count), allColumns = NumberFormat.grouped(result.columnKeys.count + result.otherColumns)
            blocks.append(.line(say("the grid shows the most frequent values: \(shownRows) of \(allRows) of \(a.name), \(shownColumns) of \(allColumns) of \(b.name); the rest are summed under (other …). Every pair: summarize count by \(a.name), \(b.name); or bin a number first, e.g. levels \(a.name) quantiles 5",
                                    zh: "表格只显示最常见的值：\(a.name) 的 \(allRows) 个值中的 \(shownRows) 个，\(b.name) 的 \(allColumns) 个值中的 \(shownColumns) 个；其余的合计在（其他 …）中。查看每一对：summarize count by \(a.name), \(b.name)；或先把数值分组，例如 levels \(a.name) quantiles 5")))
        }
        return Presentation(kind: "crosstab", fields: fields, rows: rows,
                            facts: [.init("table", .string(table.name)), .init("rows_in_scope", .count(result.scope)),
                                    .init("other_row_values", .count(result.otherRows)), .init("other_column_values", .count(result.otherColumns))],
                            blocks: blocks)
    }

    // MARK: Segments and levels

    func segment(_ result: SegmentResult) -> Presentation {
        var fields = [Field("segment", heading: w("segment")), Field("rows", heading: w("rows"), .right), Field("share", heading: w("share"), .right)]
        var cells: [Cell] = [.text(result.condition), .count(result.count), .share(result.share)]
        var facts: [JSONValue.Pair] = [.init("table", .string(result.table.name)), .init("count", .count(result.count)),
                                       .init("total", .count(result.total)), .init("share", .real(result.share))]
        if let profit = result.profitColumn {
            fields.append(Field("share_of_\(profit)", heading: Vocabulary.share(of: profit, language), .right))
            let cell = result.profitShare.map(Cell.share) ?? .null("n/a")
            cells.append(cell)
            facts.append(.init("share_of_\(profit)", cell.value.json))
        }
        facts.append(.init("cut_points", cutPoints(result.levels)))
        var line = say("of \(NumberFormat.grouped(result.total)) rows in '\(result.table.name)'", zh: "共 \(NumberFormat.grouped(result.total)) 行，来自 '\(result.table.name)'")
        if result.profitColumn != nil && result.profitShare == nil {
            line += say("; share of profit is n/a because total profit is not positive", zh: "；总利润不为正，利润占比不适用")
        }
        let blocks: [Presentation.Block] = [.table(bars: nil), .line(line)] + levelFooter(result.levels)
        return Presentation(kind: "segment", fields: fields, rows: [cells], facts: facts, blocks: blocks)
    }

    /// A result drawn as in memory, with the line and fact that say which server computed it.
    public func present(_ result: StatementResult, computedOn server: String) -> Presentation {
        var presentation = present(result)
        presentation.facts.append(.init("computed_on", .string(server)))
        presentation.blocks.append(.line(say("computed on the server: \(server)", zh: "在服务器上计算：\(server)")))
        return presentation
    }

    func defined(_ definition: SegmentDefinition, _ result: SegmentResult) -> Presentation {
        var p = segment(result)
        p.facts = [.init("name", .string(definition.name)), .init("definition", .string(definition.text))] + p.facts
        p.blocks.insert(.line("segment '\(definition.name)' = \(definition.text)"), at: 0)
        p.isConfirmation = true
        return p
    }

    func segments(_ sizes: SegmentSizes) -> Presentation {
        let table = sizes.table, total = sizes.total
        guard !sizes.segments.isEmpty else { return .message("no segments are defined; define one: define segment butterflies as profit=high and loyalty=low") }
        let fields = [Field("segment", heading: w("segment")), Field("definition", heading: w("definition")), Field("rows", heading: w("rows"), .right),
                      Field("share", heading: w("share"), .right)]
        let rows = sizes.segments.map { segment -> [Cell] in
            [.text(segment.definition.name), .text(segment.definition.text), segment.count.map(Cell.count) ?? .null("n/a"),
             segment.count.map { Cell.share(Double($0), of: Double(total), unavailable: NumberFormat.percent(0)) } ?? .null("n/a")]
        }
        return Presentation(kind: "segments", fields: fields, rows: rows,
                            facts: [.init("table", .string(table.name)), .init("table_rows", .count(total))],
                            blocks: [.table(bars: 2), .line("sizes in '\(table.name)' (\(NumberFormat.grouped(total)) rows); n/a: the segment uses columns this table lacks")])
    }

    func levelsSet(_ levels: LevelCounts) -> Presentation {
        let cuts = levels.cuts
        let total = max(1, levels.counts.reduce(0, +))
        let rows = zip(cuts.words, levels.counts).map { word, count -> [Cell] in [.text(word), .count(count), .share(Double(count) / Double(total))] }
        return Presentation(kind: "levels_set", fields: [Field("level", heading: w("level")), Field("rows", heading: w("rows"), .right), Field("share", heading: w("share"), .right)], rows: rows,
                            facts: [.init("table", .string(levels.table.name)), .init("cut_points", cutPoints([cuts]))],
                            blocks: [.line(say("levels of '\(cuts.column)' in '\(levels.table.name)' (\(Vocabulary.method(cuts.method, .en))): \(Formatting.describe(cuts, language))",
                                                zh: "'\(levels.table.name)' 中 '\(cuts.column)' 的等级（\(Vocabulary.method(cuts.method, .zh))）：\(Formatting.describe(cuts, language))")),
                                     .table(bars: nil)],
                            isConfirmation: true)
    }

    func levelTable(_ all: [LevelCuts], of table: Table, rows total: Int) -> Presentation {
        Presentation(kind: "levels", fields: [Field("column", heading: w("column")), Field("levels", heading: w("levels")), Field("method", heading: w("method")), Field("cuts", isDrawn: false)],
                     rows: all.map { cuts in
                         [.text(cuts.column), .text(Formatting.describe(cuts, language)), .text(Vocabulary.methodKey(cuts.method), shown: Vocabulary.method(cuts.method, language)),
                          .text(cuts.cuts.map(NumberFormat.shortest).joined(separator: ", "))]
                     },
                     facts: [.init("table", .string(table.name)), .init("table_rows", .count(total)), .init("cut_points", cutPoints(all))],
                     blocks: [.line("levels in '\(table.name)' (\(NumberFormat.grouped(total)) rows; equal values share a level)"), .table(bars: nil)])
    }

    /// Cut points as data: column, method, level words and cuts.
    func cutPoints(_ levels: [LevelCuts]) -> JSONValue {
        .array(levels.map { level in
            .object([.init("column", .string(level.column)), .init("method", .string(Vocabulary.methodKey(level.method))),
                     .init("levels", .array(level.words.map(JSONValue.string))), .init("cuts", .array(level.cuts.map(JSONValue.real))),
                     .init("nulls", .count(level.nulls))])
        })
    }

    /// The cut points of each level used, under a result.
    func levelFooter(_ levels: [LevelCuts]) -> [Presentation.Block] {
        guard !levels.isEmpty else { return [] }
        var out = say("cut points (over all rows; equal values share a level):", zh: "切分点（基于全部行；相同的值属于同一等级）：")
        let width = levels.map { DisplayWidth.of($0.column) }.max() ?? 0
        for level in levels {
            let method = Vocabulary.method(level.method, language)
            out += "\n  " + DisplayWidth.pad(level.column, to: width) + "  " + Formatting.describe(level, language) + say("  (\(method))", zh: "（\(method)）")
            if level.nulls > 0 {
                out += say("  (\(NumberFormat.grouped(level.nulls)) \(level.nulls == 1 ? "null" : "nulls") in no level)",
                           zh: "（\(NumberFormat.grouped(level.nulls)) 个空值不属于任何等级）")
            }
        }
        return [.line(out)]
    }

    // MARK: Explanations

    func explained(_ e: SegmentExplanation) -> Presentation {
        var p = segment(e.segment)
        p.kind = "explain_segment"
        p.blocks.insert(.line("\(w("segment")) '\(e.name)' = \(e.definition)"), at: 0)
        p.facts = [.init("name", .string(e.name)), .init("definition", .string(e.definition))] + p.facts
        guard e.portrait.count > 0 else {
            p.blocks.append(.line(say("the segment is empty over the current data, so there is no advice", zh: "当前数据中该细分为空，没有建议")))
            return p
        }
        let (lines, facts) = portrait(e.portrait)
        p.blocks.append(.line(lines.joined(separator: "\n")))
        p.facts += facts
        return p
    }

    /// Where a segment's rows fall in each framework, largest group first, and the advice for the largest.
    func portrait(_ portrait: SegmentPortrait) -> (lines: [String], facts: [JSONValue.Pair]) {
        func listing(_ parts: [(name: String, count: Int)]) -> (text: String, data: JSONValue) {
            let sorted = parts.enumerated().filter { $0.element.count > 0 }
                .sorted { $0.element.count != $1.element.count ? $0.element.count > $1.element.count : $0.offset < $1.offset }.map(\.element)
            let share = { (n: Int) in Double(n) / Double(portrait.count) }
            return (sorted.map { "\($0.name) \(NumberFormat.percent(share($0.count)))" }.joined(separator: listSeparator),
                    .array(sorted.map { .object([.init("segment", .string($0.name)), .init("rows", .count($0.count)), .init("share", .real(share($0.count)))]) }))
        }
        var lines = [say("what kind of customers they are:", zh: "这些是什么样的客户：")], facts: [JSONValue.Pair] = []
        if let q = portrait.quadrants {
            let (text, data) = listing(Quadrant.allCases.map { (Vocabulary.name($0, language), q[$0.rawValue]) })
            lines.append("  " + say("profit × loyalty (median split): ", zh: "利润 × 忠诚度（中位数划分）：") + text)
            facts.append(.init("quadrants", data))
        }
        if let s = portrait.stages {
            let (text, data) = listing(LifecycleStage.allCases.map { (Vocabulary.name($0, language), s[$0.rawValue]) })
            let windows = LifecycleStage.standardWindows.map(String.init)
            lines.append("  " + say("lifecycle (\(windows.joined(separator: ", ")) days): ", zh: "生命周期（\(windows.joined(separator: "、")) 天）：") + text)
            facts += [.init("stages", data), .init("windows", .array(LifecycleStage.standardWindows.map(JSONValue.count)))]
        }
        if !portrait.rfmSegments.isEmpty {
            let (text, data) = listing(portrait.rfmSegments.map { (Vocabulary.rule($0.name, language), $0.count) })
            lines.append("  " + say("RFM segments: ", zh: "RFM 细分：") + text)
            facts.append(.init("rfm_segments", data))
        }
        let largest: (name: String, advice: String)?
        switch portrait.largest {
        case .quadrant(let quadrant)?: largest = (Vocabulary.name(quadrant, language), Vocabulary.advice(quadrant, language))
        case .stage(let stage)?: largest = (Vocabulary.name(stage, language), Vocabulary.advice(stage, language))
        default: largest = nil
        }
        if let largest {
            lines.append(say("advice (most are \(largest.name)): ", zh: "建议（最大的一组是\(largest.name)）：") + largest.advice)
            facts.append(.init("advice", .string(largest.advice)))
        } else if portrait.quadrants == nil && portrait.stages == nil {
            lines.append("  " + say("no profit, loyalty or recency columns; derive customers first: customers from ORDERS by ID",
                                    zh: "没有利润、忠诚度或最近购买天数列；先从订单推导客户：customers from ORDERS by ID"))
        }
        return (lines, facts)
    }

    func explained(_ e: CustomerExplanation) -> Presentation {
        let table = e.table, row = e.row
        let fields = [Field("metric", heading: w("metric")), Field("value", heading: w("value"), .right), Field("level", heading: w("level")),
                      Field("how", heading: w("how the level is set"))]
        let rows = table.columns.enumerated().map { index, column -> [Cell] in
            var level = Cell.null(), rule = Cell.null()
            if let cuts = e.levels[index], let v = column.doubleValue(row) {
                // The data keeps the level word as defined; the reader sees it in their language (高 for high).
                let word = cuts.words[cuts.level(of: v)]
                level = .text(word, shown: language == .zh ? LevelCuts.chineseWords.first { $0.english == word }?.chinese ?? word : word)
                rule = .text(Formatting.describe(cuts, language))
            }
            return [.text(column.name), .stored(column, row, null: "(null)"), level, rule]
        }
        let id = Formatting.cell(table.columns[0], row)
        var lines: String
        if e.segments.isEmpty {
            lines = say("no named segments; define one: define segment butterflies as profit=high and loyalty=low",
                        zh: "没有命名细分；定义一个：define segment butterflies as profit=high and loyalty=low")
        } else {
            lines = say("segments:", zh: "细分：")
            for segment in e.segments {
                let verdict = language == .zh ? segment.isMember.map { $0 ? "属于  " : "不属于" } ?? "未知  "
                                              : segment.isMember.map { $0 ? "in     " : "not in " } ?? "unknown"
                lines += "\n  \(verdict) \(segment.name): \(segment.definition)"
            }
        }
        let segments = JSONValue.array(e.segments.map { .object([.init("segment", .string($0.name)), .init("definition", .string($0.definition)),
                                                                 .init("in_segment", $0.isMember.map(JSONValue.bool) ?? .null)]) })
        return Presentation(kind: "customer", fields: fields, rows: rows,
                            facts: [.init("table", .string(table.name)), .init("customer", Cell.stored(table.columns[0], row).value.json), .init("segments", segments)],
                            blocks: [.line(say("customer \(id) in '\(table.name)'", zh: "'\(table.name)' 中的客户 \(id)")), .table(bars: nil), .line(lines)])
    }

    /// `show connections`.
    func connections(_ open: [(name: String, server: String)]) -> Presentation {
        guard !open.isEmpty else { return .message("no connections; open one: connect shop to postgres \"host=localhost dbname=shop\"") }
        return Presentation(kind: "connections", fields: [Field("name"), Field("server")], rows: open.map { [.text($0.name), .text($0.server)] },
                            facts: [.init("connections", .count(open.count))], blocks: [.table(bars: nil)])
    }

    // MARK: Messages

    /// A confirmation in words.
    func text(of confirmation: Confirmation) -> String {
        switch confirmation {
        case .using(let table): return "using '\(table.name)': \(NumberFormat.grouped(table.rowCount)) rows"
        case .variable(let name, let value, let fromParameter):
            return "$\(name) = \(Formatting.literal(value))" + (fromParameter ? " (from --param; the script's value is not used)" : "")
        case .segmentDropped(let name): return "dropped segment '\(name)'"
        case .attached(let r):
            let head = "attached \(r.columns.joined(separator: ", ")) from '\(r.lookup)' to '\(r.table)' by \(r.keys)"
            guard r.unmatched > 0 else { return head + ": all \(NumberFormat.grouped(r.rows)) rows matched" }
            let matched = "\(NumberFormat.grouped(r.rows - r.unmatched)) of \(NumberFormat.grouped(r.rows)) rows matched"
            let fate = r.kept ? "kept, their new columns empty" : "left out"
            return head + ": \(matched); \(NumberFormat.grouped(r.unmatched)) without a match \(fate) (\(r.keys) \(r.examples))"
        case .columnAdded(let column, let table):
            let type = column.type.rawValue + (column.type == .decimal ? "(\(column.decimalScale))" : "")
            return "added column '\(column.name)' to '\(table)': \(type), \(NumberFormat.grouped(column.nulls.nullCount)) nulls"
        case .ruleAdded(let rule, let position): return "rule \(position) of the custom table: \(rule.name) where \(rule.text)"
        case .language(let code):
            return code == "zh" ? "语言：中文（细分名称、建议与说明）" : "language: English (segment names, advice and explanations)"
        case .timer(let on): return on ? "timer on: each statement's time is printed on standard error" : "timer off"
        case .exported(let rows, let path, let format, let raw):
            return "exported \(NumberFormat.grouped(rows)) \(rows == 1 ? "row" : "rows") to '\(path)' (\(format.rawValue)\(raw ? ", raw" : ""))"
        case .connected(let name, let server, let version): return "connected '\(name)' to PostgreSQL \(version) at \(server)"
        case .disconnected(let name): return "disconnected '\(name)'"
        case .exportedToServer(let rows, let target, let mode):
            return "exported \(NumberFormat.grouped(rows)) \(rows == 1 ? "row" : "rows") to \(target)\(mode.map { " (\($0))" } ?? ""), in one transaction"
        case .saved(let count, let path):
            return "saved \(count) \(count == 1 ? "statement" : "statements") to '\(path)'; run them with: patron run \(path)"
        }
    }
}
