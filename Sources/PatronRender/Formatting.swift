import PatronAnalysis
import PatronStore

/// How single values read on screen: cells, timestamps, literals, cut points.
public enum Formatting {
    /// One cell's text: numbers grouped, decimals at the column's scale, dates ISO, nulls empty.
    public static func cell(_ column: Column, _ row: Int) -> String {
        if column.nulls.contains(row) { return "" }
        switch column.storage {
        case .integer(let v): return isIdentifier(column.name) ? String(v[row]) : NumberFormat.grouped(v[row])
        case .decimal(let v, let scale): return NumberFormat.decimal(v[row], scale: scale)
        case .text(let codes, let dictionary): return dictionary[Int(codes[row])]
        case .boolean(let v): return v[row] ? "true" : "false"
        case .date(let v): return CalendarDate.isoString(v[row])
        case .timestamp(let v): return timestamp(v[row])
        }
    }

    /// A timestamp as `yyyy-MM-dd HH:mm:ss`, with microseconds only when there are some.
    public static func timestamp(_ micros: Int64) -> String { CalendarDate.isoTimestamp(micros) }

    /// Whether a column's name marks it as an identifier (`id`, `customer_id`, `orderId`), printed without separators.
    public static func isIdentifier(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "id" || lower.hasSuffix("_id") || name.hasSuffix("Id") || name.hasSuffix("ID")
    }

    /// Why a column has its type, in words.
    public static func evidence(_ evidence: TypeEvidence) -> String {
        switch evidence {
        case .allMatch(let count, let pattern): return "all \(NumberFormat.grouped(count)) values are \(pattern)"
        case .allNull: return "every value is empty"
        case .counterexample(let value, let line, _) where value.count > 1 && value.hasPrefix("0") && value.allSatisfy({ ("0"..."9").contains($0) }):
            // A code such as 00042 is text on purpose: read as a number it would lose its zeros.
            return "'\(DisplayWidth.truncate(value, to: 24))' (line \(line)) keeps its leading zeros as text (a code, not a number)"
        case .counterexample(let value, let line, let ruledOut): return "'\(DisplayWidth.truncate(value, to: 24))' (line \(line)) is not \(ruledOut)"
        case .builtIn(let why): return why
        case .derived(let derivation): return definition(derivation)
        case .server(let type, let note): return "\(type) on the server" + (note.map { "; \($0)" } ?? "")
        }
    }

    /// How a derived column was computed, in words.
    public static func definition(_ derivation: Derivation) -> String {
        func day(_ d: Int32) -> String { CalendarDate.isoString(d) }
        switch derivation {
        case .customer: return "the customer"
        case .firstPurchase: return "date of the first order"
        case .lastPurchase(let asOf): return "date of the last order up to \(day(asOf))"
        case .recency(let asOf): return "days from the last purchase to \(day(asOf))"
        case .frequency(let asOf): return "number of orders up to \(day(asOf))"
        case .monetary(let amount): return "sum of \(amount) over the orders"
        case .aov: return "monetary ÷ frequency"
        case .profit(let definition): return "sum of \(definition) over the orders"
        case .tenure(let asOf): return "days from the first purchase to \(day(asOf))"
        case .loyalty(let asOf): return "share of the 12 months up to \(day(asOf)) with a purchase"
        case .channels: return "number of channels used"
        case .score(let metric, let bins): return "\(metric) scored 1…\(bins) at its quantiles\(metric == "recency" ? ", most recent highest" : "")"
        case .rfmCode: return "the three scores, R F M"
        case .rfmSegment(let preset): return "the first \(preset) rule that matches the scores"
        case .computed(let definition): return "computed as \(definition)"
        case .metric(let definition): return "per customer, over the orders: \(definition)"
        case .attached(let lookup, let keys, let why): return "from '\(lookup)' by \(keys): \(evidence(why))"
        case .modelled(let figure):
            switch figure {
            case .pAlive(let model): return "probability the customer is still active (\(model))"
            case .expectedPurchases(let model, let horizon): return "expected purchase days in the next \(horizon) (\(model); several orders on one day are one purchase)"
            case .expectedSpend: return "expected value of a purchase (Gamma-Gamma)"
            case .lifetimeValue(let horizon, let margin, let discount):
                return "expected purchases × spend × margin \(NumberFormat.fixed(margin, digits: 2)) over the next \(horizon), discounted \(NumberFormat.fixed(discount * 100, digits: 2))% a month"
            }
        }
    }

    /// Where a table came from, in words.
    public static func origin(_ origin: TableOrigin) -> String {
        switch origin {
        case .file(let path): return path
        case .customers(let orders, let asOf): return "customers from '\(orders)' as of \(CalendarDate.isoString(asOf))"
        case .server(let what): return what
        case .demo: return "built-in demo data"
        case .scratch: return ""
        }
    }

    /// A constant as it would be written: `2024-06-30`, `12.50`, `"North"`.
    public static func literal(_ value: Literal) -> String {
        switch value {
        case .number(let m, let s): return NumberFormat.decimal(m, scale: s).replacingOccurrences(of: ",", with: "")
        case .real(let d): return String(d)
        case .text(let t): return "\"" + t + "\""
        case .date(let d): return CalendarDate.isoString(d)
        case .timestamp(let t): return timestamp(t)
        case .boolean(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    /// The values a level takes, as a rule: the same rule as every level, the lowest takes values
    /// up to its cut, the next the values strictly between, each later one from its cut up.
    public static func levelRange(_ cuts: [Double], _ level: Int) -> String {
        func f(_ x: Double) -> String { NumberFormat.fixed(x, digits: x == x.rounded() ? 0 : 2) }
        guard !cuts.isEmpty else { return "" }
        if level == 0 { return "≤ \(f(cuts[0]))" }
        // A value equal to the first cut belongs to the lowest level, whatever later cuts equal it.
        let strictBelow = level == 1 || cuts[level - 1] <= cuts[0]
        if level == cuts.count { return (strictBelow ? "> " : "≥ ") + f(cuts[cuts.count - 1]) }
        // A middle level whose cut points coincide takes no value: say so, not "1 < x < 1".
        if cuts[level - 1] >= cuts[level] { return "—" }
        return "\(f(cuts[level - 1])) \(strictBelow ? "<" : "≤") x < \(f(cuts[level]))"
    }

    /// Cut points as a chain: `low ≤ 12.50 < medium < 80.00 ≤ high`.
    /// In Chinese the default words read 低 中 高 (they are level words in either language).
    public static func describe(_ level: LevelCuts, _ language: Language = .en) -> String {
        guard language == .zh else { return describe(level) }
        let words = level.words.map { word in LevelCuts.chineseWords.first { $0.english == word }?.chinese ?? word }
        return Catalogue.translate(describe(LevelCuts(column: level.column, words: words, cuts: level.cuts, method: level.method, basis: level.basis,
                                                      nulls: level.nulls, scale: level.scale)), language)
    }

    /// Cut points as a chain: `low ≤ 12.50 < medium < 80.00 ≤ high`.
    public static func describe(_ level: LevelCuts) -> String {
        func format(_ cut: Double) -> String {
            // Cut points on the column's own grid print at its scale; interpolated ones get two more places.
            let scaled = cut * powerOfTen(level.scale)
            return NumberFormat.fixed(cut, digits: scaled == scaled.rounded() ? level.scale : max(level.scale, 2))
        }
        if level.words.count == 1, let cut = level.cuts.first {
            return level.words[0].hasPrefix("top") ? "\(level.words[0]) ≥ \(format(cut))" : "\(level.words[0]) ≤ \(format(cut))"
        }
        guard level.cuts.count == 2, level.words.count == 3 else {
            // The lowest level takes values up to its cut, the next the values strictly between, each later one from its cut up.
            guard let first = level.cuts.first, level.words.count == level.cuts.count + 1 else { return level.words.joined(separator: ", ") }
            var parts = "\(level.words[0]) ≤ \(format(first))"
            for i in 1..<level.words.count {
                parts += (i == 1 ? " < " : " ≤ ") + level.words[i]
                if i < level.cuts.count { parts += " < \(format(level.cuts[i]))" }
            }
            return parts
        }
        let low = format(level.cuts[0]), high = format(level.cuts[1])
        if level.cuts[0] == level.cuts[1] {
            return "\(level.words[0]) ≤ \(low) < \(level.words[2])  (\(level.words[1]) is empty: both cut points are \(low))"
        }
        return "\(level.words[0]) ≤ \(low) < \(level.words[1]) < \(high) ≤ \(level.words[2])"
    }
}
