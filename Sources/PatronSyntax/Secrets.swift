/// Passwords in connection strings, hidden wherever a statement's text is shown or kept: output,
/// errors, the history file, saved sessions.
public enum Secrets {
    /// `text` with every password of a connection string replaced: `password=***`, and
    /// `postgresql://user:***@host`. With `keepingLength` the stars stand for each character, so a
    /// caret under a later column still points at the right place.
    public static func masked(_ text: String, keepingLength: Bool = false) -> String {
        var out = Array(text.unicodeScalars)
        var ranges: [Range<Int>] = []
        let lower = out.map { Character($0).lowercased() }
        // key=value and key = 'quoted value' (libpq's conninfo), and ?password=… in a URI.
        var i = 0
        let key = Array("password".unicodeScalars).map { Character($0).lowercased() }
        while i + key.count <= lower.count {
            guard Array(lower[i..<(i + key.count)]) == key, i == 0 || !isWordCharacter(out[i - 1]) else { i += 1; continue }
            var j = i + key.count
            while j < out.count && out[j] == " " { j += 1 }
            guard j < out.count, out[j] == "=" else { i += 1; continue }
            j += 1
            while j < out.count && out[j] == " " { j += 1 }
            let start = j
            if j < out.count && out[j] == "'" {
                j += 1
                while j < out.count && out[j] != "'" { j += out[j] == "\\" ? 2 : 1 }
                j = min(out.count, j + 1)
            } else {
                while j < out.count && !" &\"\n\t".unicodeScalars.contains(out[j]) { j += 1 }
            }
            if j > start { ranges.append(start..<j) }
            i = max(j, i + 1)
        }
        // scheme://user:password@host
        i = 0
        while i + 3 <= out.count {
            guard out[i] == ":", out[i + 1] == "/", out[i + 2] == "/" else { i += 1; continue }
            var j = i + 3
            var colon: Int? = nil
            while j < out.count && !"/@ \"\n\t?".unicodeScalars.contains(out[j]) {
                if out[j] == ":" && colon == nil { colon = j }
                j += 1
            }
            if j < out.count, out[j] == "@", let colon, j > colon + 1 { ranges.append((colon + 1)..<j) }
            i = j
        }
        for range in ranges.sorted(by: { $0.lowerBound > $1.lowerBound }) {
            let stars = keepingLength ? String(repeating: "*", count: range.count) : "***"
            out.replaceSubrange(range, with: Array(stars.unicodeScalars))
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: out)
        return String(result)
    }

    private static func isWordCharacter(_ s: Unicode.Scalar) -> Bool {
        s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_"
    }
}
