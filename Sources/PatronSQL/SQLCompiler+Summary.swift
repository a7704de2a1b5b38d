import PatronAnalysis
import PatronStore

extension SQLCompiler {
    /// `summarize AGGREGATES [by …] [where …] [sort by …] [top N]` and `count … by …`: a row per
    /// group, groups in key order (nulls last, text by code point) unless sorted, exact sums.
    public func summary(_ query: BoundAggregateQuery, text: String) throws(SQLError) -> String {
        let table = query.table
        var context = Context(table: table, levels: query.levels, dialect: dialect)
        let groups = query.groups.map { context.column($0) }
        var outputs: [String] = []
        for aggregate in query.aggregates {
            outputs.append(try context.aggregate(aggregate) + " AS " + dialect.quote(aggregate.label))
        }
        let condition = try query.condition.map { c throws(SQLError) in try context.condition(c) }
        let collate = dialect.byCodePoint
        func key(_ index: Int) -> String {
            context.column(index) + (table.columns[index].type == .text ? collate : "")
        }
        var order: [String] = []
        if let (column, descending) = query.sort {
            let name = column < query.groups.count ? context.column(query.groups[column]) : dialect.quote(query.aggregates[column - query.groups.count].label)
            order.append(name + (descending ? " DESC" : " ASC") + " NULLS LAST")
        }
        order += query.groups.map { key($0) + " ASC NULLS LAST" }
        var sql = "-- patron: \(text)\n"
        sql += "WITH t AS (SELECT * FROM \(dialect.quote(table.name)))"
        for cut in context.cutTables { sql += ",\n" + cut.sql }
        sql += "\nSELECT " + (groups + outputs).joined(separator: ",\n       ")
        sql += "\nFROM t" + context.cutTables.map { " CROSS JOIN \($0.alias)" }.joined()
        if let condition { sql += "\nWHERE " + condition }
        if !groups.isEmpty { sql += "\nGROUP BY " + groups.joined(separator: ", ") }
        if !order.isEmpty { sql += "\nORDER BY " + order.joined(separator: ", ") }
        if let top = query.top { sql += "\nLIMIT \(top)" }
        return sql + ";"
    }
}

extension Context {
    /// One aggregate: exact sums, minimums and maximums; averages, medians and shares as reals.
    mutating func aggregate(_ aggregate: BoundAggregate) throws(SQLError) -> String {
        guard let argument = aggregate.argument else { return "count(*)" }
        let x = try expression(argument)
        switch aggregate.kind {
        case .count: return "count(\(x))"
        case .sum: return "sum(\(x))"
        // The exact sum over the count, divided once in floating point, as in memory (an engine's own
        // avg of a decimal may round to a fixed scale, as Spark's does).
        case .avg: return "CAST(sum(\(x)) AS \(dialect.double)) / NULLIF(count(\(x)), 0)"
        case .min: return "min(\(x))"
        case .max: return "max(\(x))"
        // A median is a real, interpolated in floating point as patron does in memory.
        case .median:
            guard dialect.hasExactMedian else {
                throw SQLError(message: "median cannot be computed exactly in \(dialect.rawValue) SQL (its percentiles are approximate or window-only)",
                               hints: ["leave the median out, or compile for duckdb, postgres, spark or snowflake"])
            }
            return "percentile_cont(0.5) WITHIN GROUP (ORDER BY CAST(\(x) AS \(dialect.double)))"
        case .share: return "CAST(sum(\(x)) AS \(dialect.double)) / NULLIF(CAST(sum(sum(\(x))) OVER () AS \(dialect.double)), 0)"
        }
    }

    /// A value expression: columns, exact literals, and exact arithmetic (+, −, ×).
    mutating func expression(_ e: BoundExpression) throws(SQLError) -> String {
        switch e {
        case .column(let index, _): return column(index)
        case .constant(.number(let m, let s)): return Self.decimal(Int128(m), scale: s)
        case .constant(.text(let t)): return dialect.literal(t)
        case .constant(.date(let d)): return "DATE '\(CalendarDate.isoString(d))'"
        case .constant(.boolean(let b)): return b ? "TRUE" : "FALSE"
        case .arithmetic(let op, let a, let b, .number) where op == .add || op == .subtract || op == .multiply:
            return "(\(try expression(a)) \(op.rawValue) \(try expression(b)))"
        case .negate(let inner) where inner.type.isNumeric: return "(-\(try expression(inner)))"
        case .condition(let c): return try condition(c)
        case .compare(let a, let op, let b): return "(\(try expression(a)) \(Self.op(op)) \(try expression(b)))"
        case .and(let terms): return "(" + (try terms.map { t throws(SQLError) in try expression(t) }).joined(separator: " AND ") + ")"
        case .or(let terms): return "(" + (try terms.map { t throws(SQLError) in try expression(t) }).joined(separator: " OR ") + ")"
        case .not(let inner): return "(NOT \(try expression(inner)))"
        case .isNull(let inner, let negated): return "(\(try expression(inner)) IS \(negated ? "NOT " : "")NULL)"
        default: throw unsupported("this expression")
        }
    }
}
