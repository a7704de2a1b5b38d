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
            out += "\ntop \(NumberFormat.grouped(shown)) of \(NumberFormat.grouped(table.rowCount)) rows by \(ordered), highest first"
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

    /// `count` as a sentence.
    public static func count(_ table: Table) -> String {
        "\(NumberFormat.grouped(table.rowCount)) \(table.rowCount == 1 ? "row" : "rows") in '\(table.name)'"
    }

    /// A segment: its size, its shares, and the cut points of each level word it used.
    public static func render(_ result: SegmentResult) -> String {
        var headers = ["segment", "rows", "share"]
        var cells = [result.condition, NumberFormat.grouped(result.rows.count), NumberFormat.percent(result.share)]
        if let profit = result.profitColumn {
            headers.append("share of \(profit)")
            cells.append(result.profitShare.map(NumberFormat.percent) ?? "n/a")
        }
        let text = TextTable(headers: headers, alignments: [.left] + Array(repeating: .right, count: headers.count - 1), rows: [cells])
        var out = text.render()
        out += "\nof \(NumberFormat.grouped(result.total)) rows in '\(result.table.name)'"
        if result.profitColumn != nil && result.profitShare == nil { out += "; share of profit is n/a because total profit is not positive" }
        if !result.levels.isEmpty {
            out += "\ncut points (\(result.levels[0].method) over all rows; equal values share a level):"
            let width = result.levels.map { DisplayWidth.of($0.column) }.max() ?? 0
            for level in result.levels {
                out += "\n  " + DisplayWidth.pad(level.column, to: width) + "  " + describe(level)
                if level.nulls > 0 { out += "  (\(NumberFormat.grouped(level.nulls)) \(level.nulls == 1 ? "null" : "nulls") in no level)" }
            }
        }
        return out
    }

    /// Cut points as a chain: `low ≤ 12.50 < medium < 80.00 ≤ high`.
    public static func describe(_ level: LevelCuts) -> String {
        func format(_ cut: Double) -> String {
            // Cut points on the column's own grid print at its scale; interpolated ones get two more places.
            let scaled = cut * powerOfTen(level.scale)
            return NumberFormat.fixed(cut, digits: scaled == scaled.rounded() ? level.scale : max(level.scale, 2))
        }
        guard level.cuts.count == 2, level.words.count == 3 else {
            return zip(level.words, level.cuts).map { "\($0) ≤ \(format($1))" }.joined(separator: " < ") + " < \(level.words.last ?? "")"
        }
        let low = format(level.cuts[0]), high = format(level.cuts[1])
        if level.cuts[0] == level.cuts[1] {
            return "\(level.words[0]) ≤ \(low) < \(level.words[2])  (\(level.words[1]) is empty: both cut points are \(low))"
        }
        return "\(level.words[0]) ≤ \(low) < \(level.words[1]) < \(high) ≤ \(level.words[2])"
    }
}
