import PatronAnalysis
import PatronPlan
import PatronStore
import PatronSyntax

extension PlanSQL {
    static func op(_ op: ComparisonOperator) -> String {
        switch op {
        case .equal: return "="
        case .notEqual: return "<>"
        case .less: return "<"
        case .lessOrEqual: return "<="
        case .greater: return ">"
        case .greaterOrEqual: return ">="
        }
    }

    static func literal(_ literal: Literal) -> SQLExpr {
        switch literal {
        case .number(let mantissa, let scale): return .number(ExactDecimal.text(mantissa, scale: scale))
        case .real(let value): return .real(value)
        case .text(let text): return .string(text)
        case .date(let day): return .date(CalendarDate.isoString(day))
        case .timestamp(let micros): return .timestamp(CalendarDate.isoTimestamp(micros))
        case .boolean(let value): return .boolean(value)
        case .null: return .null
        }
    }

    /// A scalar over the rows `b` reads, with SQL's three-valued logic as patron has it; an order
    /// statistic joins its common table to `b`.
    mutating func scalar(_ s: Scalar, _ b: inout Building) throws(SQLError) -> SQLExpr {
        switch s {
        case .column(let index): return b.fields[index]
        case .literal(let literal): return Self.literal(literal)
        case .compare(let x, let op, let y): return .binary(try scalar(x, &b), Self.op(op), try scalar(y, &b))
        case .and(let terms): return .junction("AND", try terms.map { t throws(SQLError) in try scalar(t, &b) })
        case .or(let terms): return .junction("OR", try terms.map { t throws(SQLError) in try scalar(t, &b) })
        case .not(let inner): return .not(try scalar(inner, &b))
        case .isNull(let inner, let negated): return .isNull(try scalar(inner, &b), negated: negated)
        case .inList(let value, let items, let negated):
            // SQL's IN has patron's three-valued logic: no match and a null among the items is unknown.
            return .inList(try scalar(value, &b), try items.map { i throws(SQLError) in try scalar(i, &b) }, negated: negated)
        case .textMatch(let value, let kind, let pattern):
            // By code points; an empty pattern is in every text and starts every text.
            let position = SQLExpr.position(of: try scalar(pattern, &b), in: try scalar(value, &b))
            return kind == .contains ? .binary(position, ">", .number("0")) : .binary(position, "=", .number("1"))
        case .arithmetic(let op, let x, let y, .number) where op == .add || op == .subtract || op == .multiply:
            return .binary(try scalar(x, &b), op.rawValue, try scalar(y, &b))
        case .arithmetic(let op, let x, let y, .real) where op != .remainder:
            // Reals, as in memory: floating point, and null for a division by zero.
            let (u, v) = (SQLExpr.cast(try scalar(x, &b), .double), SQLExpr.cast(try scalar(y, &b), .double))
            return op == .divide ? .binary(u, "/", .function("NULLIF", [v, .number("0")])) : .binary(u, op.rawValue, v)
        case .negate(let inner) where inner.type(in: b.schema).isNumeric: return .negate(try scalar(inner, &b))
        case .call(let function, let arguments, let type): return try call(function, arguments, type, &b)
        case .statistic(let set, let which): return try statistic(set, which, &b)
        case .relationRows:
            var count = SQLSelect(from: .written("t"))
            count.columns = [(.countAll, nil)]
            return .subquery(count)
        case .level(let value, let bounds): return try level(try scalar(value, &b), bounds, &b)
        case .label(let rules, let otherwise):
            return .caseWhen(try rules.map { r throws(SQLError) in (try scalar(r.0, &b), .string(r.1.key)) }, otherwise: .string(otherwise.key))
        case .asText(let value): return .cast(try scalar(value, &b), .varchar)
        case .monthIndex(let day):
            let d = try scalar(day, &b)
            return .binary(.binary(.extract("YEAR", d), "*", .number("12")), "+", .extract("MONTH", d))
        case .quotient(let x, let y): return .integerDivide(try scalar(x, &b), try scalar(y, &b))
        case .maximum(let relation, let column): return try maximum(relation, column, &b)
        case .atScale(let value, let scale): return .cast(try scalar(value, &b), .decimal(scale))
        case .roundedQuotient(let x, let y, let scale): return roundedQuotient(try scalar(x, &b), try scalar(y, &b), scale: scale)
        case .when(let branches, let otherwise):
            return .caseWhen(try branches.map { w throws(SQLError) in (try scalar(w.0, &b), try scalar(w.1, &b)) },
                             otherwise: try otherwise.map { o throws(SQLError) in try scalar(o, &b) })
        case .concat(let parts): return .concat(try parts.map { p throws(SQLError) in try scalar(p, &b) })
        default: throw unsupported("this expression")
        }
    }

    /// One statistic of a set, its common table written the first time a set is read and
    /// joined to `b` the first time `b` reads it.
    mutating func statistic(_ set: OrderStatistics, _ which: OrderStatistics.Statistic, _ b: inout Building) throws(SQLError) -> SQLExpr {
        let index: Int
        if let found = statistics.firstIndex(of: set) { index = found } else {
            let body = try statisticsTable(set)
            statistics.append(set)
            index = statistics.count - 1
            commonTables.append(("q\(index + 1)", body))
        }
        let alias = "q\(index + 1)"
        if !b.select.joins.contains(where: { if case .written(alias) = $0.relation { return true } else { return false } }) {
            b.select.joins.append(SQLJoin(kind: .cross, relation: .written(alias), on: nil))
        }
        return .qualified(alias, .own(prefix + which.name))
    }

    /// The greatest value of a column of a relation: a one-row common table (`m1`), joined to `b`
    /// the first time `b` reads it.
    mutating func maximum(_ relation: Plan, _ column: Int, _ b: inout Building) throws(SQLError) -> SQLExpr {
        let key = Scalar.maximum(relation, column)
        let index: Int
        if let found = maxima.firstIndex(of: key) { index = found } else {
            var top = SQLSelect(from: try rows(of: relation))
            top.columns = [(.function("max", [.column(relation.schema.fields[column].name)]), .own("patron_max"))]
            maxima.append(key)
            index = maxima.count - 1
            commonTables.append(("m\(index + 1)", top))
        }
        let alias = "m\(index + 1)"
        if !b.select.joins.contains(where: { if case .written(alias) = $0.relation { return true } else { return false } }) {
            b.select.joins.append(SQLJoin(kind: .cross, relation: .written(alias), on: nil))
        }
        return .qualified(alias, .own("patron_max"))
    }

    /// The level index of a value: the lowest level up to the first cut, the highest from the
    /// last, each middle one from its cut up; null for null.
    mutating func level(_ v: SQLExpr, _ bounds: LevelBounds, _ b: inout Building) throws(SQLError) -> SQLExpr {
        // "v ≤ cut k" and "v ≥ cut k", from the statistics or as fixed literals.
        var atMost: [SQLExpr], atLeast: [SQLExpr]
        switch bounds {
        case .quantiles(let set):
            atMost = try set.fractions.indices.map { i throws(SQLError) in try statistic(set, .lo(i + 1), &b) }
            atLeast = try set.fractions.indices.map { i throws(SQLError) in try statistic(set, .cut(i + 1), &b) }
        case .fixed(let cuts):
            atMost = cuts.map { .number("\($0)") }
            atLeast = atMost
        }
        let n = atMost.count
        guard n > 0 else { return .number("0") }
        var branches: [(SQLExpr, SQLExpr)] = [(.isNull(v, negated: false), .null), (.binary(v, "<=", atMost[0]), .number("0")),
                                               (.binary(v, ">=", atLeast[n - 1]), .number(String(n)))]
        for level in stride(from: n - 1, through: 2, by: -1) { branches.append((.binary(v, ">=", atLeast[level - 1]), .number(String(level)))) }
        return .caseWhen(branches, otherwise: n > 1 ? .number("1") : nil)
    }

    /// One aggregate: exact sums, minimums and maximums; averages, medians and shares as reals.
    mutating func aggregate(_ call: AggregateCall, _ b: inout Building) throws(SQLError) -> SQLExpr {
        let filter = try call.filter.map { f throws(SQLError) in try scalar(f, &b) }
        let argument = try call.argument.map { a throws(SQLError) in try scalar(a, &b) }
        func only(_ value: SQLExpr) -> SQLExpr { filter.map { .caseWhen([($0, value)], otherwise: nil) } ?? value }
        guard let x = argument.map(only) else {
            switch call.kind {
            case .groups: return .overAll(.countAll)
            case .rowsInScope: return .overAll(.function("sum", [.countAll]))
            default: return filter == nil ? .countAll : .function("count", [only(.number("1"))])
            }
        }
        switch call.kind {
        case .count: return .function("count", [x])
        case .countDistinct: return .countDistinct(x)
        case .sum: return .function("sum", [x])
        case .min: return .function("min", [x])
        case .max, .constant: return .function("max", [x])
        // The exact sum over the count, divided once in floating point, as in memory (an engine's own
        // avg of a decimal may round to a fixed scale, as Spark's does).
        case .avg: return .binary(.cast(.function("sum", [x]), .double), "/", .function("NULLIF", [.function("count", [x]), .number("0")]))
        // A median is a real, interpolated in floating point as patron does in memory.
        case .median:
            guard dialect.hasExactMedian else {
                throw SQLError(message: "median cannot be computed exactly in \(dialect.rawValue) SQL (its percentiles are approximate or window-only)",
                               hints: ["leave the median out, or compile for duckdb, postgres, spark or snowflake"])
            }
            return .percentile("0.5", .cast(x, .double))
        case .share:
            return .binary(.cast(.function("sum", [x]), .double), "/",
                           .function("NULLIF", [.cast(.overAll(.function("sum", [.function("sum", [x])])), .double), .number("0")]))
        case .groups: return .overAll(.countAll)
        case .rowsInScope: return .overAll(.function("sum", [.countAll]))
        }
    }

    /// A function as patron computes it; the ones whose rules are Unicode's in patron and the
    /// database's collation in SQL (case, character counts) are refused.
    mutating func call(_ function: BuiltinFunction, _ arguments: [Scalar], _ type: ValueType, _ b: inout Building) throws(SQLError) -> SQLExpr {
        let args = try arguments.map { a throws(SQLError) in try scalar(a, &b) }
        let first = arguments.first?.type(in: b.schema)
        switch function {
        case .abs where first?.isNumeric == true: return .function("abs", args)
        case .round, .floor, .ceil:
            // Exact decimals to the result's places: half away from zero, down, up.
            guard case .number(let target) = type, case .number(let scale)? = first else { throw unsupported("\(function.rawValue) of a real") }
            if scale <= target { return args[0] }
            // DECIMAL(19, target) holds every patron decimal; a DECIMAL(38, …) made Spark rescale a
            // comparison with the column itself (round(amount, 0) > amount: 0 rows against 28).
            if function == .round { return .cast(.function("round", [args[0], .number(String(target))]), .decimal(target)) }
            let power = SQLExpr.number("1" + String(repeating: "0", count: target))
            return .cast(.binary(.function(function.rawValue, [.binary(args[0], "*", power)]), "/", power), .decimal(target))
        case .year where first == .date || first == .timestamp: return extract("YEAR", args[0])
        case .month where first == .date || first == .timestamp: return extract("MONTH", args[0])
        case .day where first == .date || first == .timestamp: return extract("DAY", args[0])
        case .daysBetween: return .daysBetween(args[0], args[1])
        case .coalesce: return .function("coalesce", args)
        default:
            throw SQLError(message: "\(function.rawValue)() cannot be compiled to \(dialect.rawValue) SQL: its rules are Unicode's in patron and a collation's in a database",
                           hints: ["run it in memory: load the table into patron"])
        }
    }

    /// A date's year, month or day as a whole number.
    func extract(_ field: String, _ value: SQLExpr) -> SQLExpr {
        let part = SQLExpr.cast(.extract(field, value), .bigint)
        guard field == "YEAR", dialect == .postgres else { return part }
        // PostgreSQL has no year 0 (44 BC is -44); patron's years are ISO 8601's astronomical ones (-43).
        return .caseWhen([(.binary(part, "<", .number("0")), .binary(part, "+", .number("1")))], otherwise: part)
    }

    /// x / y rounded half away from zero at `scale` places, in whole numbers of the last place
    /// (y > 0): ⌊(2·units + y) / 2y⌋, mirrored for a negative x.
    func roundedQuotient(_ x: SQLExpr, _ y: SQLExpr, scale: Int) -> SQLExpr {
        let power = SQLExpr.number("1" + String(repeating: "0", count: scale))
        let units = SQLExpr.cast(.binary(x, "*", power), .bigint)
        let two = SQLExpr.number("2")
        let up = SQLExpr.integerDivide(.binary(.binary(two, "*", units), "+", y), .binary(two, "*", y))
        let down = SQLExpr.negate(.integerDivide(.binary(.binary(.number("-2"), "*", units), "+", y), .binary(two, "*", y)))
        let quotient = SQLExpr.caseWhen([(.binary(x, ">=", .number("0")), up)], otherwise: down)
        guard scale > 0 else { return .cast(quotient, .bigint) }
        let step = SQLExpr.number("0." + String(repeating: "0", count: scale - 1) + "1")
        return .cast(.binary(quotient, "*", step), .decimal(scale))
    }
}
