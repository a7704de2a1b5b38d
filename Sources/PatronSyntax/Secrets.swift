import Foundation

/// Passwords in connection strings, hidden wherever a statement's text is shown or kept: output,
/// errors, the history file, saved sessions; and scrubbed from what libpq says about them.
///
/// A connection string reaches patron inside a quoted statement string, so its text may be seen
/// with patron's escapes (`\"`, `\\`) or without them; the rules below hold for both, and err on
/// the side of hiding more: a value quoted as libpq quotes it (`'…'`) ends only at a quote with no
/// backslash before it; an unquoted value ends at white space or at a statement's closing quote;
/// a URI's password runs from the user's colon to the last `@` before the host.
public enum Secrets {
    /// The keywords whose values are secrets (libpq's `password` and `sslpassword`).
    public static let keywords = ["password", "sslpassword"]

    /// `text` with every secret of a connection string replaced: `password=***`, and
    /// `postgresql://user:***@host`. With `keepingLength` the stars stand for each character, so a
    /// caret under a later column still points at the right place.
    public static func masked(_ text: String, keepingLength: Bool = false) -> String {
        var out = Array(text.unicodeScalars)
        let ranges = secretRanges(in: out)
        for range in ranges.sorted(by: { $0.lowerBound > $1.lowerBound }) {
            let stars = keepingLength ? String(repeating: "*", count: range.count) : "***"
            out.replaceSubrange(range, with: Array(stars.unicodeScalars))
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: out)
        return String(result)
    }

    /// The secrets of a connection string as written (quotes and escapes removed), for scrubbing
    /// a server's or libpq's message, which may quote them back.
    public static func values(in conninfo: String) -> [String] {
        let scalars = Array(conninfo.unicodeScalars)
        return secretRanges(in: scalars).map { range in
            var value = String.UnicodeScalarView()
            var k = range.lowerBound
            if k < range.upperBound, scalars[k] == "'" { k += 1 }
            while k < range.upperBound {
                if scalars[k] == "\\" && k + 1 < range.upperBound { k += 1 }
                if !(scalars[k] == "'" && k == range.upperBound - 1) { value.append(scalars[k]) }
                k += 1
            }
            return String(value)
        }.filter { !$0.isEmpty }
    }

    /// `message` with each secret, and each piece of it of four or more characters between the
    /// characters libpq splits at (`@`, `:`, `%`, `/`), replaced by `***`: libpq may name a
    /// password's tail as a host, or echo a bad percent-encoding.
    public static func scrubbed(_ message: String, secrets: [String]) -> String {
        var out = message
        var pieces = Set(secrets)
        for secret in secrets {
            for piece in secret.split(whereSeparator: { "@:%/?&".contains($0) }) where piece.count >= 4 { pieces.insert(String(piece)) }
        }
        for piece in pieces.sorted(by: { $0.count > $1.count }) where !piece.isEmpty {
            out = out.replacingOccurrences(of: piece, with: "***")
        }
        return out
    }

    /// Where the secrets are in `out`.
    static func secretRanges(in out: [Unicode.Scalar]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        let lower = out.map { Character($0).lowercased() }
        // key=value and key = 'quoted value' (libpq's conninfo), and ?password=… in a URI.
        for keyword in keywords {
            let key = Array(keyword.unicodeScalars).map { Character($0).lowercased() }
            var i = 0
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
                    // A quote with a backslash before it is escaped, at libpq's level or patron's.
                    while j < out.count && !(out[j] == "'" && out[j - 1] != "\\") && out[j] != "\n" { j += 1 }
                    j = min(out.count, j + 1)
                } else {
                    while j < out.count && !" &\n\t".unicodeScalars.contains(out[j]) && !(out[j] == "\"" && out[j - 1] != "\\") { j += 1 }
                }
                if j > start { ranges.append(start..<j) }
                i = max(j, i + 1)
            }
        }
        // scheme://user:password@host: the password runs to the last @ before the host's /, ? or end.
        var i = 0
        while i + 3 <= out.count {
            guard out[i] == ":", out[i + 1] == "/", out[i + 2] == "/" else { i += 1; continue }
            var j = i + 3, colon: Int? = nil, lastAt: Int? = nil
            while j < out.count && !"/ \n\t".unicodeScalars.contains(out[j]) && !(out[j] == "\"" && out[j - 1] != "\\") {
                if out[j] == ":" && colon == nil && lastAt == nil { colon = j }
                if out[j] == "@" { lastAt = j }
                j += 1
            }
            if let at = lastAt, let colon, colon < at, at > colon + 1 { ranges.append((colon + 1)..<at) }
            i = max(j, i + 3)
        }
        return ranges
    }

    private static func isWordCharacter(_ s: Unicode.Scalar) -> Bool {
        s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "_"
    }
}
