import PatronAnalysis
import PatronStore
import PatronSyntax

/// The order statistics of one column of the statement's relation: what every type-7 cut point
/// is made of (docs/sql.md). For each fraction k/m, with n the non-null values in `scope` sorted,
/// `lo` is the value at rank ⌊(n−1)k/m⌋ (from 0), `hi` the next, `f` the remainder (n−1)k mod m,
/// and `cut` the value a value must reach to be at or above the quantile (`lo` when f = 0, else
/// `hi`). The backend computes them; a plan only says which.
public struct OrderStatistics: Sendable, Equatable {
    /// The rows whose values are ordered: a table, or what a plan makes (customers derived at a date).
    public let relation: Plan
    /// The column of the relation whose values are ordered, and its type.
    public let column: Int
    public let type: ValueType
    /// The quantiles, as fractions k/m.
    public let fractions: [Fraction]
    /// Which rows count (nil: all); nulls never do.
    public let scope: Scalar?

    public struct Fraction: Sendable, Equatable {
        public let numerator: Int
        public let denominator: Int

        public init(_ numerator: Int, _ denominator: Int) {
            self.numerator = numerator
            self.denominator = denominator
        }
    }

    public init(of relation: Plan, column: Int, fractions: [Fraction], scope: Scalar? = nil) {
        self.relation = relation
        self.column = column
        let fields = relation.schema.fields
        self.type = column < fields.count ? fields[column].type : .null
        self.fractions = fractions
        self.scope = scope
    }

    /// The quantiles that split values into `m` equal groups (3: terciles).
    public static func quantiles(of relation: Plan, _ column: Int, _ m: Int, scope: Scalar? = nil) -> OrderStatistics {
        OrderStatistics(of: relation, column: column, fractions: (1..<max(m, 2)).map { Fraction($0, m) }, scope: scope)
    }

    /// One statistic of the set: counts, or a fraction's order statistics (fractions from 1).
    public enum Statistic: Sendable, Equatable {
        case n, nulls
        case lo(Int), hi(Int), cut(Int), f(Int)

        /// The statistic's short name (`lo1`, `nulls`).
        public var name: String {
            switch self {
            case .n: return "n"
            case .nulls: return "nulls"
            case .lo(let i): return "lo\(i)"
            case .hi(let i): return "hi\(i)"
            case .cut(let i): return "cut\(i)"
            case .f(let i): return "f\(i)"
            }
        }
    }

    /// Every statistic the set has, in the order a backend lists them.
    public var statistics: [Statistic] {
        [.n, .nulls] + fractions.indices.flatMap { i -> [Statistic] in [.lo(i + 1), .hi(i + 1), .cut(i + 1), .f(i + 1)] }
    }
}

/// Where a value's level boundaries come from.
public enum LevelBounds: Sendable, Equatable {
    /// Fixed cut points (`levels … at`).
    case fixed([Double])
    /// The quantile cut points of a column, which the backend computes.
    case quantiles(OrderStatistics)
}

/// A typed segment label: what "label by these rules" gives a row. Never a string until a backend
/// writes one (`key`) or a presenter names one.
public enum Label: Sendable, Equatable {
    case quadrant(Quadrant)
    case stage(LifecycleStage)
    case tier(ValueTier)
    /// A rule table's segment (an RFM preset's or the user's rule), by its name as defined.
    case rule(String)
    /// A Pareto class: 0 for A, 1 for B, 2 for C.
    case paretoClass(Int)

    /// The label's key, as SQL writes it and a server's answer is read back.
    public var key: String {
        switch self {
        case .quadrant(let q): return q.key
        case .stage(let s): return s.key
        case .tier(let t): return t.key
        case .rule(let name): return name
        case .paretoClass(let k): return ["A", "B", "C"][min(max(k, 0), 2)]
        }
    }
}

/// A scalar expression over the rows of a plan's input: conditions keep SQL's three-valued logic
/// as patron has it, numbers stay exact where their types are.
public indirect enum Scalar: Sendable, Equatable {
    /// A column of the input, by index.
    case column(Int)
    case literal(Literal)
    case compare(Scalar, ComparisonOperator, Scalar)
    case and([Scalar])
    case or([Scalar])
    case not(Scalar)
    case isNull(Scalar, negated: Bool)
    case inList(Scalar, [Scalar], negated: Bool)
    case textMatch(Scalar, TextMatch, Scalar)
    /// Arithmetic with the result's type (exact where the inputs are, else real).
    case arithmetic(ArithmeticOperator, Scalar, Scalar, ValueType)
    case negate(Scalar)
    case call(BuiltinFunction, [Scalar], ValueType)
    /// One of a set of order statistics of the base relation (the same on every row).
    case statistic(OrderStatistics, OrderStatistics.Statistic)
    /// The rows of the base relation, all of them (the same on every row).
    case relationRows
    /// The greatest value of a column of a relation (the same on every row; null when it has none).
    case maximum(Plan, Int)
    /// An exact number divided by another (greater than 0), rounded half away from zero at `scale` places.
    case roundedQuotient(Scalar, Scalar, scale: Int)
    /// An exact number as an exact number of `scale` places (it has at most as many).
    case atScale(Scalar, Int)
    /// The level (0 lowest) of a value under these bounds: the lowest level up to the first cut,
    /// the highest from the last, each middle one from its cut up; null for null.
    case level(Scalar, LevelBounds)
    /// The label of the first rule that holds, else `otherwise`.
    case label([(Scalar, Label)], otherwise: Label)
    /// A whole number divided by another, rounded toward zero (both at least 0).
    case quotient(Scalar, Scalar)
    /// The value of the first branch whose condition holds, else `otherwise` (else null).
    case when([(Scalar, Scalar)], otherwise: Scalar?)
    /// A date's month counted from year 0: year × 12 + month (the months between two dates).
    case monthIndex(Scalar)
    /// A value written as text (a whole number's digits).
    case asText(Scalar)
    /// Texts joined end to end.
    case concat([Scalar])

    public static func == (a: Scalar, b: Scalar) -> Bool {
        switch (a, b) {
        case (.column(let x), .column(let y)): return x == y
        case (.literal(let x), .literal(let y)): return x == y
        case (.compare(let a1, let o1, let b1), .compare(let a2, let o2, let b2)): return a1 == a2 && o1 == o2 && b1 == b2
        case (.and(let x), .and(let y)), (.or(let x), .or(let y)): return x == y
        case (.not(let x), .not(let y)), (.negate(let x), .negate(let y)): return x == y
        case (.isNull(let x, let n1), .isNull(let y, let n2)): return x == y && n1 == n2
        case (.inList(let x, let l1, let n1), .inList(let y, let l2, let n2)): return x == y && l1 == l2 && n1 == n2
        case (.textMatch(let a1, let k1, let b1), .textMatch(let a2, let k2, let b2)): return a1 == a2 && k1 == k2 && b1 == b2
        case (.arithmetic(let o1, let a1, let b1, let t1), .arithmetic(let o2, let a2, let b2, let t2)): return o1 == o2 && a1 == a2 && b1 == b2 && t1 == t2
        case (.call(let f1, let x, let t1), .call(let f2, let y, let t2)): return f1 == f2 && x == y && t1 == t2
        case (.statistic(let s1, let k1), .statistic(let s2, let k2)): return s1 == s2 && k1 == k2
        case (.relationRows, .relationRows): return true
        case (.maximum(let p1, let c1), .maximum(let p2, let c2)): return p1 == p2 && c1 == c2
        case (.roundedQuotient(let a1, let b1, let s1), .roundedQuotient(let a2, let b2, let s2)): return a1 == a2 && b1 == b2 && s1 == s2
        case (.atScale(let x, let s1), .atScale(let y, let s2)): return x == y && s1 == s2
        case (.level(let x, let b1), .level(let y, let b2)): return x == y && b1 == b2
        case (.asText(let x), .asText(let y)), (.monthIndex(let x), .monthIndex(let y)): return x == y
        case (.quotient(let a1, let b1), .quotient(let a2, let b2)): return a1 == a2 && b1 == b2
        case (.when(let r1, let o1), .when(let r2, let o2)):
            return o1 == o2 && r1.count == r2.count && zip(r1, r2).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.concat(let x), .concat(let y)): return x == y
        case (.label(let r1, let o1), .label(let r2, let o2)):
            return o1 == o2 && r1.count == r2.count && zip(r1, r2).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Every set of order statistics the expression reads, each once, in order of first use.
    public var orderStatistics: [OrderStatistics] {
        var found: [OrderStatistics] = []
        collect(into: &found)
        return found
    }

    func collect(into found: inout [OrderStatistics]) {
        func add(_ s: OrderStatistics) {
            s.scope?.collect(into: &found)
            if !found.contains(s) { found.append(s) }
        }
        switch self {
        case .column, .literal, .relationRows, .maximum: return
        case .compare(let a, _, let b), .textMatch(let a, _, let b), .arithmetic(_, let a, let b, _), .quotient(let a, let b), .roundedQuotient(let a, let b, _):
            a.collect(into: &found); b.collect(into: &found)
        case .and(let terms), .or(let terms), .call(_, let terms, _), .concat(let terms): terms.forEach { $0.collect(into: &found) }
        case .not(let x), .negate(let x), .isNull(let x, _), .asText(let x), .atScale(let x, _), .monthIndex(let x): x.collect(into: &found)
        case .inList(let x, let items, _): x.collect(into: &found); items.forEach { $0.collect(into: &found) }
        case .statistic(let s, _): add(s)
        case .level(let x, let bounds):
            x.collect(into: &found)
            if case .quantiles(let s) = bounds { add(s) }
        case .label(let rules, _): rules.forEach { $0.0.collect(into: &found) }
        case .when(let branches, let otherwise):
            branches.forEach { $0.0.collect(into: &found); $0.1.collect(into: &found) }
            otherwise?.collect(into: &found)
        }
    }
}
