/// The language's part of `man patron`: the same topics `help` shows, as mdoc sections, so the
/// manual page documents the statements, the concepts and the functions in the words of the prompt.
extension Help {
    /// STATEMENTS, CONCEPTS and FUNCTIONS sections in mdoc (man 7 mdoc), for the manual page
    /// that scripts/package writes after the command-line part swift-argument-parser generates.
    public static func manualSections() -> String {
        let special = Set(concepts.map(\.name) + functions.map(\.name))
        var out: [String] = []
        out.append(".Sh STATEMENTS")
        out.append("Statements end at a newline or a semicolon; a hash mark (#) starts a comment.")
        out.append("At the prompt,")
        out.append(".Ic help Ar TOPIC")
        out.append("shows the same text as each entry below.")
        for topic in topics where !special.contains(topic.name) { out += entry(topic) }
        out.append(".Sh CONCEPTS")
        for topic in concepts { out += entry(topic) }
        out.append(".Sh FUNCTIONS")
        out.append("An empty (null) argument gives an empty result, except that")
        out.append(".Fn coalesce")
        out.append("skips it.")
        for topic in functions { out += entry(topic) }
        out += [
            ".Sh ENVIRONMENT", ".Bl -tag -width PATRON_HISTORY",
            ".It Ev PATRON_LANG", "en or zh: the language of messages, help and lessons (otherwise LC_ALL, LC_MESSAGES or LANG: zh_* is Chinese).",
            ".It Ev PATRON_HISTORY", "The prompt's history file; empty keeps no history.",
            ".It Ev NO_COLOR", "When set, the prompt and tables use no colour (so does TERM=dumb).",
            ".It Ev PGHOST , PGPORT , PGUSER , PGPASSWORD", "libpq reads these (and ~/.pgpass) for what a connect statement leaves out (help connect).",
            ".El",
            ".Sh FILES", ".Bl -tag -width ~/.patron_history",
            ".It Pa ~/.patron_history", "The prompt's history, one entry per statement.",
            ".It Pa ~/.editrc", "libedit's settings: bind -v for vi keys.",
            ".El",
        ]
        return out.joined(separator: "\n") + "\n"
    }

    /// One topic: its form as a subsection, its summary, its details as written, its example.
    static func entry(_ topic: Topic) -> [String] {
        var out = [".Ss " + quoted(topic.usage), escaped(sentence(topic.summary))]
        let details = topic.details.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if !details.allSatisfy({ $0.isEmpty }) {
            out += [".Bd -literal -offset indent"] + details.map(escaped) + [".Ed"]
        }
        if !topic.example.isEmpty {
            out += ["Example:", ".Dl " + quoted(topic.example)]
        }
        return out
    }

    /// A summary as a sentence: a capital letter and a full stop.
    public static func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst() + (text.hasSuffix(".") ? "" : ".")
    }

    /// Text for a macro's line, where a double quote would group words: `\(dq`.
    public static func quoted(_ line: String) -> String {
        ascii(line.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "\"", with: "\\(dq"))
    }

    /// Characters past ASCII as roff's `\[uXXXX]`, so the page reads the same whatever the
    /// encoding man assumes (… × — in the help text).
    static func ascii(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII { out.unicodeScalars.append(scalar) } else {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\[u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
            }
        }
        return out
    }

    /// Text as mdoc reads it literally: backslashes as `\e`, and a line that starts with a dot or
    /// an apostrophe (a request to roff) or is empty guarded by `\&`.
    public static func escaped(_ line: String) -> String {
        let text = ascii(line.replacingOccurrences(of: "\\", with: "\\e"))
        if text.isEmpty { return "\\&" }
        if text.hasPrefix(".") || text.hasPrefix("'") { return "\\&" + text }
        return text
    }
}
