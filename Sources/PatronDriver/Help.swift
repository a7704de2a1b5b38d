/// The text of `help` and `help TOPIC`.
public enum Help {
    /// One topic: a title line, an explanation and an example that the tests run.
    public struct Topic: Sendable {
        /// The word after `help`.
        public let name: String
        /// The statement's form.
        public let usage: String
        /// One line for the overview.
        public let summary: String
        /// A paragraph for `help TOPIC`.
        public let details: String
        /// An example that runs on the demo data.
        public let example: String
    }

    /// Every topic, in the order the overview lists them.
    public static let topics: [Topic] = [
        Topic(name: "load", usage: "load \"PATH\" [as NAME] [with OPTION, …]", summary: "load a data file as a table and make it current",
              details: """
                Reads delimited text (comma, semicolon, tab, pipe or whitespace-aligned, sniffed from the
                file) or JSON Lines (.jsonl, .ndjson). Quoted fields may hold delimiters, doubled quotes and
                line breaks; a UTF-8 byte-order mark and blank lines are skipped. Each column's type
                (integer, decimal, text, boolean, date, timestamp) is chosen from its values; 'describe'
                shows why. Codes with leading zeros (00042) stay text; yyyyMMdd is read as a date only
                in a column whose name says date; day/month order is never guessed.
                A bad record stops the load with its line and column, unless on_error skip.
                Options:
                  delimiter ";" | delimiter tab | delimiter whitespace
                  header true | header false
                  columns (id text, day date "yyyyMMdd", amount decimal)
                  nulls ("NA", "-")            (empty fields are always null)
                  thousands ","   decimal ","  date_format "dd/MM/yyyy"
                  on_error skip                (load the rest; report how many and which lines)
                Without 'as', the table is named after the file. Paths are relative to the folder
                patron was started in.
                """,
              example: "load \"examples/orders.csv\" as orders with delimiter \",\", header true"),
        Topic(name: "use", usage: "use NAME", summary: "make a loaded table the current one",
              details: "Statements that name no table work on the current table.", example: "use demo"),
        Topic(name: "describe", usage: "describe [NAME]", summary: "show a table's columns, their types and why",
              details: "Lists each column with its type, its number of nulls and the evidence for the type.", example: "describe demo"),
        Topic(name: "summarize", usage: "summarize [NAME]", summary: "profile every column: counts, range, mean, quartiles, top values",
              details: "For each column: non-null count, nulls, distinct values, min and max, and for numbers the\nmean and the 25%, 50% and 75% quantiles (linear interpolation), plus the three most\nfrequent values with their counts.",
              example: "summarize demo"),
        Topic(name: "count", usage: "count [NAME]", summary: "count a table's rows", details: "Prints the number of rows.", example: "count demo"),
        Topic(name: "show", usage: "show [NAME] [top N by COLUMN]", summary: "show rows, or the top N by a column",
              details: "Without 'top', shows the first 20 rows and says how many more there are. With 'top N by\nCOLUMN', shows the N rows with the highest values (nulls last, ties in file order).",
              example: "show top 5 by profit"),
        Topic(name: "segment", usage: "segment where CONDITION", summary: "count the rows that meet a condition, with their shares",
              details: "Conditions combine comparisons (= != < <= > >=) with and, or, not and parentheses.\nCompare numbers, \"text\", dates (2024-12-31) and true/false. The level words low, medium\nand high compare a numeric column with its terciles over the rows in scope; the cut\npoints are printed under the result. A comparison with an empty value is neither true\nnor false. The result shows the count, its share of rows and, when the table has a\nprofit column, its share of profit.",
              example: "segment where profit=high and loyalty=low"),
        Topic(name: "levels", usage: "COLUMN = low | medium | high", summary: "what the level words mean",
              details: "Every numeric column has three levels, split at its terciles (the 1/3 and 2/3 quantiles,\nlinearly interpolated) over all rows of the table: low takes values up to the first cut\npoint, high takes values from the second cut point up, medium the values in between.\nEqual values always share a level. Comparisons such as 'profit >= medium' follow the\norder low < medium < high.",
              example: "segment where frequency >= medium and recency = low"),
        Topic(name: "help", usage: "help [TOPIC]", summary: "list statements, or explain one", details: "Topics: \(["load", "use", "describe", "summarize", "count", "show", "segment", "levels", "help", "quit"].joined(separator: ", ")).", example: "help segment"),
        Topic(name: "quit", usage: "quit", summary: "leave patron (Ctrl-D does the same)", details: "Ends the session.", example: ""),
    ]

    /// The overview printed by `help`.
    public static func overview() -> String {
        let width = topics.map { $0.usage.count }.max() ?? 0
        var lines = ["statements:"]
        for topic in topics where topic.name != "levels" {
            lines.append("  " + topic.usage.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + topic.summary)
        }
        lines.append("")
        lines.append("Type 'help TOPIC' for more, e.g. 'help segment' or 'help levels'.")
        lines.append("Statements end at a newline or ';'; '#' starts a comment.")
        return lines.joined(separator: "\n")
    }

    /// The text of `help TOPIC`, or nil for an unknown topic.
    public static func text(for name: String) -> String? {
        guard let topic = topics.first(where: { $0.name == name.lowercased() }) else { return nil }
        var out = "\(topic.usage)\n  \(topic.summary)\n\n\(topic.details)"
        if !topic.example.isEmpty { out += "\n\nexample:\n  \(topic.example)" }
        return out
    }
}
