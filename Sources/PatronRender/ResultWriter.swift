import PatronAnalysis
import PatronStore

/// Writes result tables as CSV, TSV, JSON, JSON Lines or Markdown.
public enum ResultWriter {
    /// The whole text of `result` in `format`. CSV and TSV neutralise text cells a spreadsheet
    /// would run as a formula, unless `raw`.
    public static func write(_ result: Presentation, as format: ExportFormat, raw: Bool = false) -> String {
        switch format {
        case .csv: return delimited(result, separator: ",", raw: raw)
        case .tsv: return delimited(result, separator: "\t", raw: raw)
        case .json: return result.json.text + "\n"
        case .jsonl:
            return result.rows.map { row in
                JSONValue.object(zip(result.columns, row).map { JSONValue.Pair($0, $1.value.json) }).text + "\n"
            }.joined()
        case .markdown: return markdown(result)
        }
    }

    /// Text a spreadsheet would read as a formula (= + - @, or a leading tab, CR or LF) gets a leading '.
    public static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r", "\n"].contains(first) else { return text }
        return "'" + text
    }

    /// RFC 4180: a header line, then a line per row, CRLF line ends; fields holding the separator,
    /// a quote, CR or LF are quoted, with quotes doubled.
    static func delimited(_ result: Presentation, separator: Character, raw: Bool) -> String {
        func field(_ text: String) -> String {
            guard text.contains(where: { $0 == separator || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        func cell(_ cell: Presentation.Cell) -> String {
            switch cell.value {
            case .null: return ""
            case .number(let n): return n
            case .boolean(let b): return b ? "true" : "false"
            case .text(let t): return field(raw ? t : neutralised(t))
            }
        }
        var out = result.columns.map { field(raw ? $0 : neutralised($0)) }.joined(separator: String(separator)) + "\r\n"
        for (k, row) in result.rows.enumerated() {
            if k & 0xFFF == 0 && Interrupt.requested { break }
            out += row.map(cell).joined(separator: String(separator)) + "\r\n"
        }
        return out
    }

    /// A GitHub-flavoured Markdown table; numbers right-aligned, `|` escaped, line breaks as <br>.
    static func markdown(_ result: Presentation) -> String {
        // Markdown renders HTML: data's < > & are written as entities, so a <script> stays text.
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                .replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
                .replacingOccurrences(of: "\r\n", with: "<br>").replacingOccurrences(of: "\n", with: "<br>").replacingOccurrences(of: "\r", with: "<br>")
        }
        let numeric = result.columns.indices.map { c in
            !result.rows.isEmpty && result.rows.allSatisfy { row in
                if case .number = row[c].value { return true }
                return row[c].value == .null
            }
        }
        var out = "| " + result.columns.map(escape).joined(separator: " | ") + " |\n"
        out += "|" + numeric.map { $0 ? " ---: |" : " --- |" }.joined() + "\n"
        for row in result.rows {
            out += "| " + row.map { cell -> String in
                switch cell.value {
                case .null: return ""
                case .number(let n): return n
                case .boolean(let b): return b ? "true" : "false"
                case .text(let t): return escape(t)
                }
            }.joined(separator: " | ") + " |\n"
        }
        return out
    }
}
