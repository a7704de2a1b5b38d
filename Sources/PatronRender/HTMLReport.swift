import Foundation

/// One self-contained HTML document of a session's results: each result as its lines and its
/// table, and where a picture says more, an inline SVG chart drawn from the same presentation
/// the terminal draws. Nothing is fetched from anywhere (the page forbids it in its own
/// Content-Security-Policy); it prints on A4; tables stay tables for screen readers.
public enum HTMLReport {
    /// A result and the statement that made it, in the language it was made in; or a lesson's
    /// narration (`say`), which the page prints as a paragraph between the results.
    public struct Section: Sendable, Equatable {
        public let statement: String
        public let presentation: Presentation
        public let language: Language
        public let isNarration: Bool
        public init(statement: String, presentation: Presentation, language: Language = .en, isNarration: Bool = false) {
            (self.statement, self.presentation, self.language, self.isNarration) = (statement, presentation, language, isNarration)
        }
    }

    /// The whole document, in the language its sections were made in (the session's when they mix).
    public static func render(title: String, language: Language, sections: [Section]) -> String {
        let languages = Set(sections.map(\.language))
        let language = languages.count == 1 ? languages.first ?? language : language
        let zh = language == .zh
        let results = sections.filter { !$0.isNarration }.count
        var html = """
            <!DOCTYPE html>
            <html lang="\(zh ? "zh-Hans" : "en")">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="patron \(BuildInfo.version)">
            <title>\(escape(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header><h1>\(escape(title))</h1><p class="about">\(escape(zh ? "\(results) 个结果，由 patron 生成" : "\(results) \(results == 1 ? "result" : "results"), made by patron"))</p></header>
            <main>

            """
        if sections.isEmpty {
            html += "<p>\(escape(zh ? "还没有结果：先运行一条语句，例如 segment where profit=high and loyalty=low" : "No results yet: run a statement first, such as segment where profit=high and loyalty=low"))</p>\n"
        }
        var number = 0
        for section in sections {
            if section.isNarration {
                html += "<p class=\"narration\"\(section.language == language ? "" : " lang=\"\(section.language == .zh ? "zh-Hans" : "en")\"")>\(escape(section.statement))</p>\n"
                continue
            }
            number += 1
            html += self.section(section, number: number, language: section.language, page: language)
        }
        return html + "</main>\n</body>\n</html>\n"
    }

    /// One result: the statement as its heading, then its blocks in order.
    static func section(_ section: Section, number: Int, language: Language, page: Language) -> String {
        let p = section.presentation
        let lang = language == page ? "" : " lang=\"\(language == .zh ? "zh-Hans" : "en")\""
        var html = "<section class=\"result\" id=\"r\(number)\" data-kind=\"\(escape(p.kind))\"\(lang)>\n"
        html += "<h2><span class=\"number\">\(number)</span> <code>\(escape(section.statement))</code></h2>\n"
        for block in p.blocks {
            switch block {
            case .line(let text): html += "<p class=\"line\">\(escape(text))</p>\n"
            case .table(let bars):
                if let bars, let chart = barChart(p, counts: bars) { html += chart }
                html += table(p)
            case .chart(let chart): html += figure(chart, language: language)
            }
        }
        return html + "</section>\n"
    }

    // MARK: Tables

    /// The drawn fields as an HTML table; shares of a shaded field tinted by their size.
    static func table(_ p: Presentation) -> String {
        let drawn = p.fields.indices.filter { p.fields[$0].isDrawn }
        guard !drawn.isEmpty else { return "" }
        var html = "<div class=\"table\"><table>\n<thead><tr>"
        let numeric = #" class="num""#
        for k in drawn { html += #"<th scope="col""# + (p.fields[k].alignment == .right ? numeric : "") + ">" + escape(p.fields[k].heading) + "</th>" }
        html += "</tr></thead>\n<tbody>\n"
        for row in p.rows {
            html += "<tr>"
            for k in drawn {
                let cell = row[k], field = p.fields[k]
                var attributes = field.alignment == .right ? numeric : ""
                if field.isShaded, case .number(let text) = cell.value, let share = Double(text), share.isFinite {
                    let alpha = max(0, min(1, share))
                    attributes += " style=\"background: rgba(33, 102, 172, \(fixed(alpha * 0.85, 3))); color: \(readableText(on: overWhite((33, 102, 172), alpha: alpha * 0.85)))\""
                }
                html += "<td\(attributes)>\(escape(cell.display))</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table></div>\n"
    }

    // MARK: Charts

    /// A chart as an SVG figure, its caption the chart's words.
    static func figure(_ chart: Chart, language: Language) -> String {
        switch chart {
        case .grid(let corner, let across, let down, let cells, let areas, let values):
            return matrix(corner: corner, across: across, down: down, cells: cells, areas: areas, values: values, language: language)
        case .curve(let points, let marker): return curve(points, marker: marker, language: language)
        case .heatmap(let heat, let caption): return heatmap(heat, caption: caption)
        case .comparison(let labels, let actual, let expected, let names): return comparison(labels, actual, expected, names: names)
        }
    }

    /// Dark enough that the white words on them pass WCAG AA (4.5:1; the browser test measures it).
    static let quadrantColours = [["#2e5a87", "#3a7a33"], ["#6e6662", "#b5540b"]]

    /// The text colour that reads best on a background (r, g, b in 0…255): black or white,
    /// whichever has the higher WCAG contrast ratio; one of them always reaches 4.58:1.
    static func readableText(on background: (Double, Double, Double)) -> String {
        func channel(_ v: Double) -> Double { let c = v / 255; return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        let l = 0.2126 * channel(background.0) + 0.7152 * channel(background.1) + 0.0722 * channel(background.2)
        return (1.05 / (l + 0.05)) >= ((l + 0.05) / 0.05) ? "#fff" : "#000"
    }

    /// A blend of a colour over white at `alpha`, as the browser paints a translucent fill.
    static func overWhite(_ colour: (Double, Double, Double), alpha: Double) -> (Double, Double, Double) {
        (255 * (1 - alpha) + colour.0 * alpha, 255 * (1 - alpha) + colour.1 * alpha, 255 * (1 - alpha) + colour.2 * alpha)
    }

    /// The 2×2 as a mosaic: columns as wide as their share of the rows, each quadrant as tall as
    /// its share within its column, so every area is its share of the rows; share of profit printed in it.
    static func matrix(corner: String, across: [String], down: [String], cells: [[String]], areas: [[Double]], values: [[Double]]?, language: Language) -> String {
        let width = 560.0, height = 340.0, left = 110.0, top = 28.0
        let plotW = width - left - 10, plotH = height - top - 10
        let total = areas.flatMap { $0 }.reduce(0, +)
        let shares = total > 0 ? areas : [[0.25, 0.25], [0.25, 0.25]]
        let columnShare = [shares[0][0] + shares[1][0], shares[0][1] + shares[1][1]]
        var svg = svgOpen(width, height, label: cells.flatMap { $0 }.joined(separator: "; "), chart: "matrix")
        var x = left
        for c in 0..<2 {
            let w = plotW * columnShare[c]
            svg += text(across.count > c ? across[c] : "", x: x + w / 2, y: 18, anchor: "middle", size: 12, bold: true)
            var y = top
            for r in 0..<2 {
                let within = columnShare[c] > 0 ? shares[r][c] / columnShare[c] : 0.5
                let h = plotH * within
                svg += "<rect x=\"\(fixed(x))\" y=\"\(fixed(y))\" width=\"\(fixed(max(0, w - 2)))\" height=\"\(fixed(max(0, h - 2)))\" fill=\"\(quadrantColours[r][c])\" data-quadrant=\"\(r)\(c)\"/>"
                if w > 70 && h > 34 {
                    let name = cells[r][c].split(whereSeparator: { $0 == ":" || $0 == "："}).first.map(String.init) ?? ""
                    svg += text(name, x: x + 8, y: y + 18, size: 13, bold: true, fill: "#fff")
                    var detail = percent(shares[r][c]) + (language == .zh ? " 的客户" : " of rows")
                    if let values { detail += language == .zh ? "，\(percent(values[r][c])) 的利润" : ", \(percent(values[r][c])) of profit" }
                    svg += text(detail, x: x + 8, y: y + 34, size: 11, fill: "#fff")
                }
                y += h
            }
            x += w
        }
        for r in 0..<2 { svg += text(down.count > r ? down[r] : "", x: left - 6, y: top + plotH * (r == 0 ? 0.25 : 0.75), anchor: "end", size: 12, bold: true) }
        svg += "</svg>"
        let legend = cells.flatMap { $0 }.map { "<li>\(escape($0))</li>" }.joined()
        return "<figure class=\"chart\" data-chart=\"matrix\"><figcaption>\(escape(corner.isEmpty ? (language == .zh ? "面积为客户占比" : "areas are shares of rows") : corner))<ul>\(legend)</ul></figcaption>\(svg)</figure>\n"
    }

    /// The cumulative (Pareto) curve, with the A line (80% by default) and the share of rows that reaches it.
    static func curve(_ points: [CurvePoint], marker: CurvePoint?, language: Language) -> String {
        let width = 520.0, height = 320.0, left = 48.0, bottom = 36.0, top = 12.0, right = 16.0
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ v: Double) -> Double { left + plotW * max(0, min(1, v)) }
        func py(_ v: Double) -> Double { top + plotH * (1 - max(0, min(1, v))) }
        let all = [CurvePoint(rows: 0, value: 0)] + points
        var svg = svgOpen(width, height, label: language == .zh ? "累计占比曲线" : "cumulative share curve", chart: "curve")
        svg += axes(left: left, top: top, plotW: plotW, plotH: plotH)
        for tick in stride(from: 0.0, through: 1.0, by: 0.2) {
            svg += text(percent(tick), x: px(tick), y: height - bottom + 16, anchor: "middle", size: 11)
            svg += text(percent(tick), x: left - 6, y: py(tick) + 4, anchor: "end", size: 11)
        }
        svg += "<polyline fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2.5\" points=\"" + all.map { "\(fixed(px($0.rows))),\(fixed(py($0.value)))" }.joined(separator: " ") + "\"/>"
        if let marker {
            let line = marker.value, rows = marker.rows
            svg += "<line x1=\"\(fixed(px(0)))\" y1=\"\(fixed(py(line)))\" x2=\"\(fixed(px(1)))\" y2=\"\(fixed(py(line)))\" stroke=\"#c0392b\" stroke-dasharray=\"5 4\"/>"
            svg += text(percent(line), x: px(1) - 4, y: py(line) - 5, anchor: "end", size: 11, fill: "#c0392b")
            svg += "<line x1=\"\(fixed(px(rows)))\" y1=\"\(fixed(py(line)))\" x2=\"\(fixed(px(rows)))\" y2=\"\(fixed(py(0)))\" stroke=\"#c0392b\" stroke-dasharray=\"2 3\"/>"
            svg += text(language == .zh ? "\(percent(rows)) 的行" : "\(percent(rows)) of rows", x: px(rows) + 5, y: py(0.05), size: 11, fill: "#c0392b")
        }
        svg += text(language == .zh ? "行的累计占比（从高到低）" : "share of rows, highest first", x: left + plotW / 2, y: height - 4, anchor: "middle", size: 11)
        svg += "</svg>"
        return "<figure class=\"chart\" data-chart=\"curve\">\(svg)</figure>\n"
    }

    /// Counts by two scores (R down, highest at the top; F across), shaded by count.
    static func heatmap(_ heat: [[Int]], caption: String) -> String {
        let n = heat.count, cell = 56.0, left = 36.0, top = 22.0
        let most = max(1, heat.flatMap { $0 }.max() ?? 1)
        let width = left + cell * Double(n) + 8, height = top + cell * Double(n) + 8
        var svg = svgOpen(width, height, label: caption, chart: "heatmap")
        for f in 0..<n { svg += text("F\(f + 1)", x: left + cell * (Double(f) + 0.5), y: 15, anchor: "middle", size: 11, bold: true) }
        for (line, r) in stride(from: n, through: 1, by: -1).enumerated() {
            let y = top + cell * Double(line)
            svg += text("R\(r)", x: left - 6, y: y + cell / 2 + 4, anchor: "end", size: 11, bold: true)
            for f in 0..<n {
                let count = heat[r - 1].count > f ? heat[r - 1][f] : 0, share = Double(count) / Double(most)
                let opacity = 0.08 + 0.87 * share
                svg += "<rect x=\"\(fixed(left + cell * Double(f)))\" y=\"\(fixed(y))\" width=\"\(fixed(cell - 2))\" height=\"\(fixed(cell - 2))\" fill=\"rgb(33, 102, 172)\" fill-opacity=\"\(fixed(opacity, 3))\"/>"
                svg += text(NumberFormat.grouped(count), x: left + cell * (Double(f) + 0.5), y: y + cell / 2 + 4, anchor: "middle", size: 11,
                            fill: readableText(on: overWhite((33, 102, 172), alpha: opacity)))
            }
        }
        svg += "</svg>"
        return "<figure class=\"chart\" data-chart=\"heatmap\"><figcaption>\(escape(caption))</figcaption>\(svg)</figure>\n"
    }

    /// Actual against expected for each label, as pairs of horizontal bars on one scale.
    static func comparison(_ labels: [String], _ actual: [Double], _ expected: [Double], names: (String, String)) -> String {
        let most = max(1e-12, (actual + expected).filter(\.isFinite).max() ?? 1)
        let left = 12.0 + 7.5 * Double(min(24, labels.map(DisplayWidth.of).max() ?? 4)), bar = 14.0, gap = 8.0
        let plotW = 300.0, width = left + plotW + 70, height = 30 + Double(labels.count) * (2 * bar + gap)
        var svg = svgOpen(width, height, label: "\(names.0) / \(names.1)", chart: "comparison")
        svg += "<rect x=\"\(fixed(left))\" y=\"6\" width=\"10\" height=\"10\" fill=\"#4e79a7\"/>" + text(names.0, x: left + 14, y: 15, size: 11)
        svg += "<rect x=\"\(fixed(left + 90))\" y=\"6\" width=\"10\" height=\"10\" fill=\"#f28e2b\"/>" + text(names.1, x: left + 104, y: 15, size: 11)
        for (k, label) in labels.enumerated() {
            let y = 24 + Double(k) * (2 * bar + gap)
            svg += text(label, x: left - 6, y: y + bar + 4, anchor: "end", size: 12)
            for (offset, (value, colour)) in [(actual[k], "#4e79a7"), (expected[k], "#f28e2b")].enumerated() {
                let v = value.isFinite ? max(0, value) : 0, w = plotW * v / most, top = y + Double(offset) * bar
                svg += "<rect x=\"\(fixed(left))\" y=\"\(fixed(top))\" width=\"\(fixed(w))\" height=\"\(fixed(bar - 1))\" fill=\"\(colour)\"/>"
                // Counts read as counts (28, not 28.00); expectations keep two decimals.
                let shown = NumberFormat.fixed(v, digits: 2)
                svg += text(shown.hasSuffix(".00") ? String(shown.dropLast(3)) : shown, x: left + w + 4, y: top + bar - 2, size: 11)
            }
        }
        svg += "</svg>"
        return "<figure class=\"chart\" data-chart=\"comparison\">\(svg)</figure>\n"
    }

    /// The counts of field `counts` as horizontal bars, labelled by the first drawn field.
    static func barChart(_ p: Presentation, counts: Int) -> String? {
        guard let labelField = p.fields.indices.first(where: { p.fields[$0].isDrawn }), counts < p.fields.count else { return nil }
        let values = p.rows.map { row -> Double in
            if case .number(let n) = row[counts].value { return Double(n) ?? 0 }
            return 0
        }
        let labels = p.rows.map { $0[labelField].display }
        let most = max(1, values.max() ?? 1), bar = 18.0
        let left = 12.0 + 7.5 * Double(min(28, labels.map(DisplayWidth.of).max() ?? 4)), plotW = 320.0
        let width = left + plotW + 80, height = 8 + Double(labels.count) * (bar + 6)
        var svg = svgOpen(width, height, label: p.fields[counts].heading, chart: "bars")
        for (k, label) in labels.enumerated() {
            let y = 4 + Double(k) * (bar + 6), w = plotW * values[k] / most
            svg += text(label, x: left - 6, y: y + bar - 5, anchor: "end", size: 11)
            svg += "<rect x=\"\(fixed(left))\" y=\"\(fixed(y))\" width=\"\(fixed(w))\" height=\"\(fixed(bar))\" fill=\"#4e79a7\"/>"
            svg += text(p.rows[k][counts].display, x: left + w + 5, y: y + bar - 5, size: 11)
        }
        svg += "</svg>"
        return "<figure class=\"chart\" data-chart=\"bars\">\(svg)</figure>\n"
    }

    // MARK: Pieces

    static func svgOpen(_ width: Double, _ height: Double, label: String, chart: String) -> String {
        "<svg viewBox=\"0 0 \(fixed(width)) \(fixed(height))\" width=\"\(fixed(width))\" height=\"\(fixed(height))\" role=\"img\" aria-label=\"\(escape(label))\" data-chart=\"\(chart)\">"
    }

    static func axes(left: Double, top: Double, plotW: Double, plotH: Double) -> String {
        "<path d=\"M\(fixed(left)) \(fixed(top)) V\(fixed(top + plotH)) H\(fixed(left + plotW))\" fill=\"none\" stroke=\"#555\"/>"
    }

    static func text(_ content: String, x: Double, y: Double, anchor: String = "start", size: Double, bold: Bool = false, fill: String = "#111") -> String {
        "<text x=\"\(fixed(x))\" y=\"\(fixed(y))\" font-size=\"\(fixed(size))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\"\(bold ? " font-weight=\"bold\"" : "")>\(escape(content))</text>"
    }

    static func percent(_ share: Double) -> String { NumberFormat.percent(share) }

    /// A coordinate with at most `digits` decimals, trailing zeros dropped (the same on every run).
    static func fixed(_ value: Double, _ digits: Int = 1) -> String {
        var text = NumberFormat.fixed(value.isFinite ? value : 0, digits: digits).replacingOccurrences(of: ",", with: "")
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// Text made safe for HTML content and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let style = """

        :root { color-scheme: light; }
        body { font-family: "Noto Sans", "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif;
               margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #111; line-height: 1.45; }
        h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
        .about { color: #555; margin-top: 0; }
        section.result { border-top: 1px solid #ccc; padding-top: 0.6rem; margin-top: 1.4rem; }
        h2 { font-size: 1.05rem; font-weight: normal; }
        h2 .number { display: inline-block; min-width: 1.6rem; color: #777; }
        h2 code { font-family: "Noto Sans Mono", "DejaVu Sans Mono", monospace; background: #f3f3f3; padding: 0.1rem 0.3rem; white-space: pre-wrap; }
        p.line { white-space: pre-wrap; margin: 0.35rem 0; }
        div.table { overflow-x: auto; }
        table { border-collapse: collapse; font-size: 0.85rem; margin: 0.6rem 0; }
        th, td { border: 1px solid #ccc; padding: 0.2rem 0.45rem; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        figure.chart { margin: 0.8rem 0; }
        figure.chart svg { max-width: 100%; height: auto; font-family: inherit; }
        figure.chart { break-inside: avoid; page-break-inside: avoid; }
        figcaption { font-size: 0.85rem; color: #333; break-after: avoid; page-break-after: avoid; }
        figcaption ul { margin: 0.3rem 0; padding-left: 1.2rem; }
        @page { size: A4; margin: 14mm; }
        @media print {
          body { margin: 0; max-width: none; font-size: 10pt; }
          section.result { break-inside: avoid-page; }
          figure.chart { break-inside: avoid; }
          table { font-size: 7.5pt; }
          div.table { overflow: visible; }
          figure.chart svg { max-height: 120mm; }
        }

        """
}
