/// Expressions back to text: what the parser reads back to the same tree (spans aside). Brackets
/// come from the tree's group nodes, so nothing is added or lost; names that are not plain words
/// go in backquotes, strings are escaped as the lexer reads them.
extension ParsedExpression {
    public var text: String {
        switch self {
        case .and(let terms, _): return terms.map(\.text).joined(separator: " and ")
        case .or(let terms, _): return terms.map(\.text).joined(separator: " or ")
        case .not(let e, _): return "not " + e.text
        case .group(let e, _): return "(" + e.text + ")"
        case .comparison(let a, let op, let b, _): return a.text + " " + op.rawValue + " " + b.text
        case .arithmetic(let a, let op, let b, _): return a.text + " " + op.rawValue + " " + b.text
        case .negate(let e, _): return "-" + e.text
        case .inList(let e, let values, let negated, _): return e.text + (negated ? " not in (" : " in (") + values.map(\.text).joined(separator: ", ") + ")"
        case .between(let e, let low, let high, let negated, _): return e.text + (negated ? " not between " : " between ") + low.text + " and " + high.text
        case .isNull(let e, let negated, _): return e.text + (negated ? " is not null" : " is null")
        case .textMatch(let e, let match, let t, _): return e.text + " " + match.rawValue + " " + t.text
        case .daysSince(let e, _): return "days since " + e.text
        case .call(let f, let arguments, _): return Self.name(f.text) + "(" + arguments.map(\.text).joined(separator: ", ") + ")"
        case .rank(let top, let percent, _): return (top ? "top " : "bottom ") + percent + "%"
        case .name(let n): return Self.name(n.text)
        case .variable(let n): return "$" + n.text
        case .number(let n, _): return n
        case .days(let n, _): return n + " days"
        case .string(let s, _): return Self.quoted(s)
        case .date(let y, let m, let d, _): return Self.padded(y, 4) + "-" + Self.padded(m, 2) + "-" + Self.padded(d, 2)
        case .boolean(let b, _): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    /// The same tree with every span at 0, to compare trees by what they say.
    public var erasingSpans: ParsedExpression {
        let none = SourceSpan(0, 0)
        func erased(_ n: Name) -> Name { Name(n.text, none) }
        switch self {
        case .and(let terms, _): return .and(terms.map(\.erasingSpans), none)
        case .or(let terms, _): return .or(terms.map(\.erasingSpans), none)
        case .not(let e, _): return .not(e.erasingSpans, none)
        case .group(let e, _): return .group(e.erasingSpans, none)
        case .comparison(let a, let op, let b, _): return .comparison(a.erasingSpans, op, b.erasingSpans, operatorSpan: none)
        case .arithmetic(let a, let op, let b, _): return .arithmetic(a.erasingSpans, op, b.erasingSpans, operatorSpan: none)
        case .negate(let e, _): return .negate(e.erasingSpans, none)
        case .inList(let e, let values, let negated, _): return .inList(e.erasingSpans, values.map(\.erasingSpans), negated: negated, none)
        case .between(let e, let low, let high, let negated, _): return .between(e.erasingSpans, low.erasingSpans, high.erasingSpans, negated: negated, none)
        case .isNull(let e, let negated, _): return .isNull(e.erasingSpans, negated: negated, none)
        case .textMatch(let e, let match, let t, _): return .textMatch(e.erasingSpans, match, t.erasingSpans, none)
        case .daysSince(let e, _): return .daysSince(e.erasingSpans, none)
        case .call(let f, let arguments, _): return .call(erased(f), arguments.map(\.erasingSpans), none)
        case .rank(let top, let percent, _): return .rank(top: top, percent: percent, none)
        case .name(let n): return .name(erased(n))
        case .variable(let n): return .variable(erased(n))
        case .number(let n, _): return .number(n, none)
        case .days(let n, _): return .days(n, none)
        case .string(let s, _): return .string(s, none)
        case .date(let y, let m, let d, _): return .date(year: y, month: m, day: d, none)
        case .boolean(let b, _): return .boolean(b, none)
        case .null: return .null(none)
        }
    }

    static func padded(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// A name as written: a plain word, or in backquotes when it is not one (or is a keyword).
    static func name(_ text: String) -> String {
        let plain = text.first.map { $0.isLetter || $0 == "_" } == true && text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
            && !Self.reserved.contains(text.lowercased())
        return plain ? text : "`" + text + "`"
    }

    /// Words the expression grammar reads as its own.
    static let reserved: Set<String> = ["and", "or", "not", "in", "between", "is", "null", "true", "false", "contains", "starts", "with", "days", "since", "top", "bottom"]

    /// A string as the lexer reads it: quotes, backslashes and line ends escaped.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out + "\""
    }
}
