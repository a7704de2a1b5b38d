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

    /// The table as lines of text (no trailing newline).
    public func render() -> String {
        var widths = headers.map(DisplayWidth.of)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], DisplayWidth.of(cell)) }
        }
        func rule(_ left: String, _ middle: String, _ right: String) -> String {
            left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for i in widths.indices {
                let cell = i < cells.count ? cells[i] : ""
                parts.append(" " + DisplayWidth.pad(cell, to: widths[i], alignRight: alignments[i] == .right) + " ")
            }
            return "│" + parts.joined(separator: "│") + "│"
        }
        var lines = [rule("┌", "┬", "┐"), line(headers), rule("├", "┼", "┤")]
        for row in rows { lines.append(line(row)) }
        lines.append(rule("└", "┴", "┘"))
        return lines.joined(separator: "\n")
    }
}
