/// A box-drawn table whose columns are aligned by display width.
public struct TextTable {
    /// How a column's cells are aligned.
    public enum Alignment: Sendable { case left, right }

    /// Column headings.
    public var headers: [String]
    /// Alignment per column.
    public var alignments: [Alignment]
    /// The cells, row by row.
    public var rows: [[String]]

    /// A table with the given headings and alignments.
    public init(headers: [String], alignments: [Alignment], rows: [[String]] = []) {
        self.headers = headers
        self.alignments = alignments
        self.rows = rows
    }

    /// The table as lines of text (no trailing newline). On a terminal too narrow for it, the
    /// columns that do not fit are left out (never the first) and a last line names them.
    public func render() -> String {
        var all = headers.map { DisplayWidth.of($0) }
        for row in rows {
            for (i, cell) in row.enumerated() where i < all.count { all[i] = max(all[i], DisplayWidth.of(cell)) }
        }
        var shown = all.count
        if let limit = Style.width {
            while shown > 1 && all.prefix(shown).reduce(1, { $0 + $1 + 3 }) > limit { shown -= 1 }
        }
        let widths = Array(all.prefix(shown))
        func rule(_ left: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right
        }
        func line(_ cells: [String], heading: Bool) -> String {
            var parts: [String] = []
            for i in widths.indices {
                let cell = i < cells.count ? cells[i] : ""
                let right = alignments[i] == .right
                let padded = DisplayWidth.pad(cell, to: widths[i], alignRight: right)
                // Headings bold, numbers (the right-aligned columns) in colour.
                parts.append(" " + (heading ? Style.paint(padded, Style.bold) : right ? Style.paint(padded, Style.cyan) : padded) + " ")
            }
            return "│" + parts.joined(separator: "│") + "│"
        }
        var lines = [rule("┌", "┬", "┐"), line(headers, heading: true), rule("├", "┼", "┤")]
        for row in rows { lines.append(line(row, heading: false)) }
        lines.append(rule("└", "┴", "┘"))
        if shown < headers.count {
            let left = headers[shown...].enumerated().map { $1.isEmpty ? "column \(shown + $0 + 1)" : $1 }
            lines.append("(\(left.count) \(left.count == 1 ? "column" : "columns") not shown to fit the terminal's \(Style.width ?? 0) columns: \(left.joined(separator: ", ")))")
        }
        return lines.joined(separator: "\n")
    }
}
