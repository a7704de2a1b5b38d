import PatronAnalysis
import PatronStore
import PatronSyntax

/// Why a bound statement has no plan yet: what, for the message a backend gives.
public struct PlanError: Error, Sendable, Equatable {
    /// What cannot be lowered ("levels by median", "a rank").
    public let what: String
    /// A rule of a rule table that does not bind over the customers it names (the user's error).
    public let rule: RuleFailure?

    public init(_ what: String, rule: RuleFailure? = nil) {
        self.what = what
        self.rule = rule
    }

    public static func == (a: PlanError, b: PlanError) -> Bool { a.what == b.what }

    /// A plan of a shape its backend does not run (a lowering and its runner disagree).
    public static let shape = PlanError("this plan")
}

/// Lowers the binder's conditions and expressions over one table to the plan's scalars: level
/// words become the level of a value under order statistics the backend computes (never cut
/// points the binder read from data), ranks a comparison with one order statistic.
public struct Lowering: Sendable {
    /// The rows the scalars are over, which level words and ranks order.
    public let input: Plan
    public let schema: Schema
    /// The level cut points the conditions use (their methods; a rank's percent).
    public var levels: [LevelCuts]
    /// Whether cut points already computed (by a framework, at a date) stay those values rather
    /// than quantiles to compute again: memory's choice, which has them at hand.
    public var keepsComputedCuts: Bool

    public init(_ input: Plan, levels: [LevelCuts] = [], keepsComputedCuts: Bool = false) {
        self.input = input
        self.schema = input.schema
        self.levels = levels
        self.keepsComputedCuts = keepsComputedCuts
    }

    public func condition(_ c: BoundCondition) throws(PlanError) -> Scalar {
        switch c {
        case .and(let terms): return .and(try terms.map { t throws(PlanError) in try condition(t) })
        case .or(let terms): return .or(try terms.map { t throws(PlanError) in try condition(t) })
        case .not(let inner): return .not(try condition(inner))
        case .constant(let value): return .literal(.boolean(value))
        case .numeric(let index, let multiplier, let op, let value):
            // column × multiplier op value, all at a common scale: the literal is value at that scale.
            var common = schema.scale(index), m = multiplier
            while m > 1 { m /= 10; common += 1 }
            return .compare(.column(index), op, .literal(.number(value, scale: common)))
        case .numericColumns(let left, _, let op, let right, _), .textColumns(let left, let op, let right), .dateColumns(let left, let op, let right):
            return .compare(.column(left), op, .column(right))
        case .text(let index, let op, let value): return .compare(.column(index), op, .literal(.text(value)))
        case .date(let index, let op, let day): return .compare(.column(index), op, .literal(.date(day)))
        case .timestamp(let index, let op, let micros): return .compare(.column(index), op, .literal(.timestamp(micros)))
        case .boolean(let index, let op, let value): return .compare(.column(index), op, .literal(.boolean(value)))
        case .level(let index, let cuts, let op, let level):
            return .compare(try self.level(index, cuts), op, .literal(.number(Int128(level), scale: 0)))
        case .rank(let index, let cuts) where keepsComputedCuts && cuts.isComputed:
            guard case .rank(let top, _) = cuts.method, let cut = cuts.cuts.first else { throw PlanError("a rank") }
            return .compare(.column(index), top ? .greaterOrEqual : .lessOrEqual, .literal(.real(cut)))
        case .rank(let index, let cuts):
            guard case .rank(let top, let percent) = cuts.method, let p = Self.fraction(percent) else { throw PlanError("a rank") }
            let statistics = OrderStatistics(of: input, column: index,
                                             fractions: [top ? .init(p.1 - p.0, p.1) : .init(p.0, p.1)])
            return top ? .compare(.column(index), .greaterOrEqual, .statistic(statistics, .cut(1)))
                       : .compare(.column(index), .lessOrEqual, .statistic(statistics, .lo(1)))
        case .expression(let e): return try expression(e)
        }
    }

    /// The level of a column's values under cut points by a method: quantiles the backend
    /// computes, or fixed values.
    public func level(_ index: Int, _ cuts: LevelCuts) throws(PlanError) -> Scalar {
        guard !cuts.cuts.isEmpty else { return .literal(.number(0, scale: 0)) }
        if keepsComputedCuts && cuts.isComputed { return .level(.column(index), .fixed(cuts.cuts)) }
        switch cuts.method {
        case .quantiles(let m): return .level(.column(index), .quantiles(.quantiles(of: input, index, m)))
        case .fixedCuts: return .level(.column(index), .fixed(cuts.cuts))
        default: throw PlanError("levels by \(cuts.method)")
        }
    }

    public func expression(_ e: BoundExpression) throws(PlanError) -> Scalar {
        switch e {
        case .column(let index, _): return .column(index)
        case .constant(let constant): return .literal(constant)
        case .arithmetic(let op, let a, let b, let type): return .arithmetic(op, try expression(a), try expression(b), type)
        case .negate(let inner): return .negate(try expression(inner))
        case .call(let function, let arguments, let type):
            return .call(function, try arguments.map { a throws(PlanError) in try expression(a) }, type)
        case .compare(let a, let op, let b): return .compare(try expression(a), op, try expression(b))
        case .and(let terms): return .and(try terms.map { t throws(PlanError) in try expression(t) })
        case .or(let terms): return .or(try terms.map { t throws(PlanError) in try expression(t) })
        case .not(let inner): return .not(try expression(inner))
        case .inList(let value, let items, let negated):
            return .inList(try expression(value), try items.map { i throws(PlanError) in try expression(i) }, negated: negated)
        case .isNull(let inner, let negated): return .isNull(try expression(inner), negated: negated)
        case .textMatch(let value, let kind, let pattern): return .textMatch(try expression(value), kind, try expression(pattern))
        case .condition(let c): return try condition(c)
        case .latestDate(let index): return .maximum(input, index)
        }
    }

    /// A percent as written (`20`, `12.5`) as a fraction of 100.
    public static func fraction(_ percent: String) -> (Int, Int)? {
        var digits = percent, denominator = 100
        if let dot = digits.firstIndex(of: ".") {
            let decimals = digits.distance(from: dot, to: digits.endIndex) - 1
            digits.remove(at: dot)
            for _ in 0..<decimals { denominator *= 10 }
        }
        return Int(digits).map { ($0, denominator) }
    }

    /// The order statistics a level uses (quantiles, a rank), as the lowering makes them.
    public func statistics(of level: LevelCuts) -> OrderStatistics? {
        guard let index = schema.fields.firstIndex(where: { $0.name == level.column }) else { return nil }
        switch level.method {
        case .quantiles(let m): return .quantiles(of: input, index, m)
        case .rank(let top, let percent):
            guard let p = Self.fraction(percent) else { return nil }
            return OrderStatistics(of: input, column: index, fractions: [top ? .init(p.1 - p.0, p.1) : .init(p.0, p.1)])
        default: return nil
        }
    }
}
