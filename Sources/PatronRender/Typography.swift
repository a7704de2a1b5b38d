/// Chinese typesetting as the common Chinese copywriting guidelines set it: a space between
/// Chinese and Latin letters or numbers, none between Chinese characters or around full-width
/// punctuation, and full-width punctuation after Chinese. Quoted text ('…', "…") is a name or
/// data and stays exactly as it is.
public enum Typography {
    /// Whether a character is a Chinese ideograph.
    static func isHan(_ c: Character) -> Bool {
        c.unicodeScalars.first.map { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) } ?? false
    }

    /// Whether a character is full-width punctuation (，。：；、（）《》“” and the like).
    static func isFullWidthPunctuation(_ c: Character) -> Bool {
        c.unicodeScalars.first.map { (0x3000...0x303F).contains($0.value) || (0xFF00...0xFF0F).contains($0.value) || (0xFF1A...0xFF20).contains($0.value)
            || (0xFF3B...0xFF40).contains($0.value) || (0xFF5B...0xFF65).contains($0.value) || [0x201C, 0x201D, 0x2018, 0x2019, 0x2026].contains($0.value) } ?? false
    }

    static func isLatinOrDigit(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber) }

    /// `text` (one or more lines of Chinese prose) typeset; lines keep their leading indentation.
    public static func spaced(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { spacedLine(String($0)) }.joined(separator: "\n")
    }

    static func spacedLine(_ line: String) -> String {
        let characters = Array(line)
        let indent = characters.prefix { $0 == " " }.count
        var out: [Character] = Array(characters.prefix(indent))
        var quote: Character? = nil
        var i = indent
        while i < characters.count {
            let c = characters[i]
            if let open = quote {
                out.append(c)
                if c == open { quote = nil }
                i += 1
                continue
            }
            if c == "'" || c == "\"" {
                // A quote opens only where a name can start (not an apostrophe inside a word).
                if out.last.map({ !$0.isLetter }) ?? true, characters[(i + 1)...].contains(c) { quote = c }
                if let last = out.last, isHan(last) { out.append(" ") }
                out.append(c)
                i += 1
                continue
            }
            if c == " " {
                // A space between Chinese, or by full-width punctuation, goes; a run of spaces
                // lines text up in columns and stays.
                let previous = out.last, next = i + 1 < characters.count ? characters[i + 1] : nil
                if let previous, let next, next != " ", out.count < 2 || out[out.count - 1] != " ",
                   (isHan(previous) && isHan(next)) || isFullWidthPunctuation(previous) || isFullWidthPunctuation(next) {
                    while i < characters.count && characters[i] == " " { i += 1 }
                    continue
                }
                out.append(c)
                i += 1
                continue
            }
            if let previous = out.last, isHan(previous) {
                // Half-width punctuation after Chinese is full-width; the space after it goes.
                let wide: [Character: Character] = [":": "：", ",": "，", ";": "；", "!": "！", "?": "？"]
                if let full = wide[c] {
                    out.append(full)
                    i += 1
                    while i < characters.count && characters[i] == " " { i += 1 }
                    continue
                }
            }
            if let previous = out.last, (isHan(previous) && isLatinOrDigit(c)) || ((isLatinOrDigit(previous) || previous == "%") && isHan(c)) {
                out.append(" ")
            }
            out.append(c)
            i += 1
        }
        return String(out)
    }
}
