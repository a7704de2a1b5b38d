/// Draws a presentation as text for people: its lines, its box table and its charts, in order.
public enum TextDrawing {
    /// The whole text form, lines joined by line ends (no trailing one).
    public static func draw(_ presentation: Presentation) -> String {
        presentation.blocks.map { block in
            // Words and data reach a terminal here: their control characters are shown, not obeyed.
            switch block {
            case .line(let text): return TerminalText.visible(text)
            case .table(let bars): return table(presentation, bars: bars)
            case .chart(let chart): return draw(visible(chart))
            }
        }.joined(separator: "\n")
    }

    /// The box table of the drawn fields, with a bar column from the counts of field `bars`.
    static func table(_ p: Presentation, bars: Int?) -> String {
        let drawn = p.fields.indices.filter { p.fields[$0].isDrawn }
        var text = TextTable(headers: drawn.map { TerminalText.visible(p.fields[$0].heading, keepingLines: false) }, alignments: drawn.map { p.fields[$0].alignment })
        let barTexts = bars.map { column in
            Bars.bars(p.rows.map { row in
                if case .number(let n) = row[column].value { return Int(n) ?? 0 }
                return 0
            })
        }
        if barTexts != nil {
            text.headers.append("")
            text.alignments.append(.left)
        }
        for (k, row) in p.rows.enumerated() {
            text.rows.append(drawn.map { TerminalText.visible(p.fields[$0].isShaded ? shaded(row[$0]) : row[$0].display, keepingLines: false) } + (barTexts.map { [$0[k]] } ?? []))
        }
        return text.render()
    }

    /// A share's cell with its shade before it: ░ ▒ ▓ █ by quarters, blank for none.
    static func shaded(_ cell: Presentation.Cell) -> String {
        guard case .number(let text) = cell.value, let share = Double(text) else { return cell.display }
        return (share <= 0 ? " " : ["░", "▒", "▓", "█"][max(0, min(3, Int(share * 4)))]) + " " + cell.display
    }

    /// The 2×2 as blocks whose areas are the quadrants' shares of the rows: each column as wide
    /// as its share, each quadrant as tall as its share within its column; a legend names them.
    static func mosaic(across: [String], down: [String], cells: [[String]], areas: [[Double]]) -> String {
        guard areas.count == 2, areas.allSatisfy({ $0.count == 2 }), across.count == 2, down.count == 2 else { return "" }
        let width = 48, height = 8, glyphs = [["▒", "█"], ["░", "▓"]]
        let total = areas.flatMap { $0 }.reduce(0, +)
        let shares = total > 0 ? areas.map { $0.map { $0 / total } } : [[0.25, 0.25], [0.25, 0.25]]
        let column = [shares[0][0] + shares[1][0], shares[0][1] + shares[1][1]]
        let left = max(0, min(width, Int((Double(width) * column[0]).rounded())))
        let widths = [left, width - left]
        let tops = (0..<2).map { c in column[c] > 0 ? max(0, min(height, Int((Double(height) * shares[0][c] / column[c]).rounded()))) : 0 }
        var lines = ["  " + DisplayWidth.pad(DisplayWidth.truncate(across[0], to: max(0, widths[0] - 1)), to: widths[0]) + across[1]]
        for line in 0..<height {
            var text = "  "
            for c in 0..<2 where widths[c] > 0 { text += String(repeating: glyphs[line < tops[c] ? 0 : 1][c], count: widths[c]) }
            let label = line == 0 ? down[0] : line == height - 1 ? down[1] : ""
            lines.append(text + (label.isEmpty ? "" : "  " + label))
        }
        let names = cells.map { $0.map { $0.split(whereSeparator: { $0 == ":" || $0 == "：" }).first.map(String.init) ?? "" } }
        lines.append("  " + (0..<2).flatMap { r in (0..<2).map { c in "\(glyphs[r][c]) \(names[r][c]) \(NumberFormat.percent(shares[r][c]))" } }.joined(separator: "  "))
        return lines.joined(separator: "\n")
    }

    /// A chart as text.
    /// A chart's words and data with their control characters shown, not obeyed: before it is
    /// drawn, so the drawing's own styling (bold headings) still reaches the terminal.
    static func visible(_ chart: Chart) -> Chart {
        func shown(_ text: String) -> String { TerminalText.visible(text, keepingLines: false) }
        switch chart {
        case .grid(let corner, let across, let down, let cells, let areas, let values):
            return .grid(corner: shown(corner), across: across.map(shown), down: down.map(shown), cells: cells.map { $0.map(shown) }, areas: areas, values: values)
        case .curve: return chart
        case .heatmap(let heat, let caption): return .heatmap(heat, caption: TerminalText.visible(caption))
        case .comparison(let labels, let actual, let expected, let names):
            return .comparison(labels: labels.map(shown), actual: actual, expected: expected, names: (shown(names.0), shown(names.1)))
        }
    }

    static func draw(_ chart: Chart) -> String {
        switch chart {
        case .grid(let corner, let across, let down, let cells, let areas, _):
            var grid = TextTable(headers: [corner] + across, alignments: Array(repeating: .left, count: across.count + 1))
            for (heading, row) in zip(down, cells) { grid.rows.append([heading] + row) }
            return grid.render() + "\n" + mosaic(across: across, down: down, cells: cells, areas: areas)
        case .curve(let points, _):
            return points.map { point in
                let filled = max(0, min(40, Int((point.value * 40).rounded())))
                return "  " + DisplayWidth.pad(NumberFormat.percent(point.rows), to: 6, alignRight: true) + " " + String(repeating: "█", count: filled)
                    + String(repeating: "·", count: 40 - filled) + " " + NumberFormat.percent(point.value)
            }.joined(separator: "\n")
        case .heatmap(let heat, let caption):
            let most = max(1, heat.flatMap { $0 }.max() ?? 1)
            let shades = [" ", "░", "▒", "▓", "█"]
            let width = max(5, heat.flatMap { $0 }.map { NumberFormat.grouped($0).count }.max() ?? 1)
            var out = caption + "\n     " + (1...max(1, heat.count)).map { DisplayWidth.pad("F\($0)", to: width + 2, alignRight: true) }.joined()
            for r in stride(from: heat.count, through: 1, by: -1) {
                out += "\n  R\(r) "
                for f in 1...heat.count {
                    let n = heat[r - 1][f - 1]
                    let shade = shades[n == 0 ? 0 : min(4, 1 + n * 4 / (most + 1))]
                    out += " " + shade + DisplayWidth.pad(NumberFormat.grouped(n), to: width, alignRight: true)
                }
            }
            return out
        case .comparison(let labels, let actual, let expected, let names):
            let most = max(1e-12, (actual + expected).max() ?? 1)
            let width = labels.map(DisplayWidth.of).max() ?? 1, nameWidth = max(DisplayWidth.of(names.0), DisplayWidth.of(names.1))
            func bar(_ v: Double, _ mark: String) -> String {
                let n = v.isFinite ? max(0, min(40, Int((v / most * 40).rounded()))) : 0
                return String(repeating: mark, count: n) + " " + NumberFormat.fixed(v, digits: 2)
            }
            return zip(labels, zip(actual, expected)).map { label, pair in
                "  " + DisplayWidth.pad(label, to: width, alignRight: true) + " " + DisplayWidth.pad(names.0, to: nameWidth) + " " + bar(pair.0, "█") + "\n"
                    + "  " + String(repeating: " ", count: width) + " " + DisplayWidth.pad(names.1, to: nameWidth) + " " + bar(pair.1, "░")
            }.joined(separator: "\n")
        }
    }
}
