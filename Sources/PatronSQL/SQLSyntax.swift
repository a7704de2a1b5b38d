import PatronAnalysis

/// SQL as a syntax tree: what a plan becomes before it is text. Each node is written out by
/// `SQLWriter` in one dialect, so spelling (quotes, integer division, code-point order) is
/// decided in one place and no piece of SQL is glued from strings. Names a user chose are kept as
/// names (`column`), text as text (`string`); both reach SQL only through the dialect's quoting.
indirect enum SQLExpr: Sendable {
    /// A column by name, quoted when written.
    case column(String)
    /// A name patron chose (`v`, `q_lo1`), written bare: the same in every dialect's folding.
    case own(String)
    /// A column of a relation patron named: `q1.q_lo1`, `s1."region"`.
    case qualified(String, SQLExpr)
    case star(String?)
    /// An exact numeric literal's digits (`-12.50`).
    case number(String)
    /// A double literal.
    case real(Double)
    /// A text literal.
    case string(String)
    case date(String)
    case timestamp(String)
    case boolean(Bool)
    case null
    /// `(a op b)`
    case binary(SQLExpr, String, SQLExpr)
    /// `(a AND b …)`, `(a OR b …)`
    case junction(String, [SQLExpr])
    case not(SQLExpr)
    /// Texts joined: `a || b` or `concat(a, b)`.
    case concat([SQLExpr])
    /// `EXTRACT(FIELD FROM x)`
    case extract(String, SQLExpr)
    /// `(-x)`
    case negate(SQLExpr)
    case isNull(SQLExpr, negated: Bool)
    case inList(SQLExpr, [SQLExpr], negated: Bool)
    /// `name(a, b)`
    case function(String, [SQLExpr])
    /// `count(DISTINCT x)`
    case countDistinct(SQLExpr)
    case countAll
    /// `CASE WHEN … THEN … [ELSE …] END`
    case caseWhen([(SQLExpr, SQLExpr)], otherwise: SQLExpr?)
    /// `CASE x WHEN … THEN … END`
    case caseOf(SQLExpr, [(SQLExpr, SQLExpr)])
    case cast(SQLExpr, SQLType)
    /// `x OVER ()`
    case overAll(SQLExpr)
    /// `f(x) OVER (ORDER BY … ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)`: over the rows before.
    case overBefore(SQLExpr, [SQLOrder])
    /// `row_number() OVER (ORDER BY x)`
    case rowNumber(orderBy: SQLExpr)
    /// `percentile_cont(f) WITHIN GROUP (ORDER BY x)`
    case percentile(String, SQLExpr)
    /// `(SELECT …)`
    case subquery(SQLSelect)
    /// Spelled per dialect.
    case integerDivide(SQLExpr, SQLExpr)
    case remainder(SQLExpr, SQLExpr)
    case position(of: SQLExpr, in: SQLExpr)
    case daysBetween(SQLExpr, SQLExpr)
    case byCodePoint(SQLExpr)
}

/// The types patron casts to.
enum SQLType: Sendable {
    case text, double, bigint
    /// Text as a table's column holds it (VARCHAR; BigQuery's STRING).
    case varchar
    case decimal(Int)
}

/// A column's name in a SELECT: a name from the plan (quoted) or one patron chose (bare).
enum SQLAlias: Sendable {
    case named(String)
    case own(String)
}

/// What a SELECT reads.
indirect enum SQLRelation: Sendable {
    /// A table by its name, quoted when written.
    case table(String)
    /// A relation patron already wrote as SQL (a server table's query, a CTE's name).
    case written(String)
    case select(SQLSelect, alias: String)
    /// No relation: a SELECT of constants.
    case none
}

extension SQLRelation {
    var isNone: Bool { if case .none = self { return true } else { return false } }
}

/// One join after the first relation.
struct SQLJoin: Sendable {
    enum Kind: String, Sendable { case cross = "CROSS JOIN", inner = "JOIN", left = "LEFT JOIN" }
    let kind: Kind
    let relation: SQLRelation
    let on: SQLExpr?
}

/// One ORDER BY key, nulls last.
struct SQLOrder: Sendable {
    let value: SQLExpr
    let descending: Bool
}

/// A SELECT with its common tables.
struct SQLSelect: Sendable {
    var with: [(name: String, body: SQLSelect)] = []
    /// Empty: `*`.
    var columns: [(value: SQLExpr, alias: SQLAlias?)] = []
    var from: SQLRelation
    var joins: [SQLJoin] = []
    var filter: SQLExpr? = nil
    var groupBy: [SQLExpr] = []
    var orderBy: [SQLOrder] = []
    var limit: Int? = nil
    /// SELECTs whose rows follow this one's (`UNION ALL`).
    var unions: [SQLSelect] = []

    init(from: SQLRelation) {
        self.from = from
    }
}

/// Writes the syntax tree as one dialect's text.
struct SQLWriter {
    let dialect: SQLDialect

    func expression(_ e: SQLExpr) -> String {
        switch e {
        case .column(let name): return dialect.quote(name)
        case .own(let name): return name
        case .qualified(let relation, let name): return relation + "." + expression(name)
        case .star(let relation): return relation.map { $0 + ".*" } ?? "*"
        case .number(let digits): return digits
        case .real(let value): return "CAST(\(value) AS \(dialect.double))"
        case .string(let text): return dialect.literal(text)
        case .date(let iso): return "DATE '\(iso)'"
        case .timestamp(let iso): return "TIMESTAMP '\(iso)'"
        case .boolean(let value): return value ? "TRUE" : "FALSE"
        case .null: return "NULL"
        case .binary(let a, let op, let b): return "(\(expression(a)) \(op) \(expression(b)))"
        case .junction(_, let terms) where terms.count == 1: return expression(terms[0])
        case .junction(let op, let terms): return "(" + terms.map(expression).joined(separator: " \(op) ") + ")"
        case .not(let inner): return "(NOT \(expression(inner)))"
        case .concat(let parts):
            return dialect == .postgres || dialect == .duckdb ? parts.map(expression).joined(separator: " || ")
                : "concat(" + parts.map(expression).joined(separator: ", ") + ")"
        case .extract(let field, let value): return "EXTRACT(\(field) FROM \(expression(value)))"
        case .negate(let inner): return "(-\(expression(inner)))"
        case .isNull(let inner, let negated): return "(\(expression(inner)) IS \(negated ? "NOT " : "")NULL)"
        case .inList(let value, let items, let negated):
            return "(\(expression(value)) \(negated ? "NOT " : "")IN (\(items.map(expression).joined(separator: ", "))))"
        case .function(let name, let arguments): return "\(name)(\(arguments.map(expression).joined(separator: ", ")))"
        case .countDistinct(let value): return "count(DISTINCT \(expression(value)))"
        case .countAll: return "count(*)"
        case .caseWhen(let branches, let otherwise):
            return "CASE " + branches.map { "WHEN \(expression($0.0)) THEN \(expression($0.1))" }.joined(separator: " ")
                + (otherwise.map { " ELSE \(expression($0))" } ?? "") + " END"
        case .caseOf(let value, let branches):
            return "CASE \(expression(value)) " + branches.map { "WHEN \(expression($0.0)) THEN \(expression($0.1))" }.joined(separator: " ") + " END"
        case .cast(let value, let type): return "CAST(\(expression(value)) AS \(self.type(type)))"
        case .overAll(let value): return "\(expression(value)) OVER ()"
        case .overBefore(let value, let order):
            return "\(expression(value)) OVER (ORDER BY \(order.map(self.order).joined(separator: ", ")) ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
        case .rowNumber(let key): return "row_number() OVER (ORDER BY \(expression(key)))"
        case .percentile(let fraction, let value): return "percentile_cont(\(fraction)) WITHIN GROUP (ORDER BY \(expression(value)))"
        case .subquery(let select): return "(" + inline(select) + ")"
        case .integerDivide(let a, let b): return dialect.divide(expression(a), expression(b))
        case .remainder(let a, let b): return dialect.remainder(expression(a), expression(b))
        case .position(let needle, let text): return dialect.position(of: expression(needle), in: expression(text))
        case .daysBetween(let a, let b): return dialect.days(from: expression(a), to: expression(b))
        case .byCodePoint(let key): return dialect.byCodePoint(expression(key))
        }
    }

    func type(_ type: SQLType) -> String {
        switch type {
        case .text: return "TEXT"
        case .double: return dialect.double
        case .bigint: return "BIGINT"
        case .varchar: return dialect == .bigquery ? "STRING" : "VARCHAR"
        case .decimal(let scale): return "DECIMAL(19, \(scale))"
        }
    }

    func relation(_ r: SQLRelation) -> String {
        switch r {
        case .table(let name): return dialect.quote(name)
        case .written(let text): return text
        case .select(let select, let alias): return "(\(inline(select))) AS \(alias)"
        case .none: return ""
        }
    }

    /// A statement on several lines: each common table (a one-line body on its line, a longer
    /// one indented on lines of its own), then the clauses.
    func statement(_ s: SQLSelect) -> String {
        var lines: [String] = []
        for (i, table) in s.with.enumerated() {
            let head = (i == 0 ? "WITH " : "") + table.name + " AS ("
            let tail = i == s.with.count - 1 ? ")" : "),"
            let body = inline(table.body)
            if body.count <= 100 { lines.append(head + body + tail) } else {
                lines.append(head)
                lines += layout(table.body, indent: "  ")
                lines.append(tail)
            }
        }
        return (lines + layout(s, indent: "")).joined(separator: "\n")
    }

    /// A SELECT's clauses on lines of their own, its columns one to a line.
    func layout(_ s: SQLSelect, indent: String) -> [String] {
        let columns = columns(s).joined(separator: ",\n" + indent + "       ")
        return (["SELECT " + columns] + clauses(s, joinsOnLines: true) + s.unions.map { "UNION ALL " + inline($0) }).map { indent + $0 }
    }

    /// A SELECT on one line (inside another).
    func inline(_ s: SQLSelect) -> String {
        precondition(s.with.isEmpty, "a common table inside a subquery")
        return (["SELECT " + columns(s).joined(separator: ", ")] + clauses(s, joinsOnLines: false) + s.unions.map { "UNION ALL " + inline($0) })
            .joined(separator: " ")
    }

    private func columns(_ s: SQLSelect) -> [String] {
        s.columns.isEmpty ? ["*"] : s.columns.map { column in
            switch (column.value, column.alias) {
            case (.column(let name), .named(let alias)?) where name == alias: return dialect.quote(name)
            case (.own(let name), .own(let alias)?) where name == alias: return name
            case (_, .named(let alias)?): return expression(column.value) + " AS " + dialect.quote(alias)
            case (_, .own(let alias)?): return expression(column.value) + " AS " + alias
            case (_, nil): return expression(column.value)
            }
        }
    }

    func order(_ key: SQLOrder) -> String {
        expression(key.value) + (key.descending ? " DESC" : " ASC") + " NULLS LAST"
    }

    private func clauses(_ s: SQLSelect, joinsOnLines: Bool) -> [String] {
        let joins = s.joins.map { "\($0.kind.rawValue) " + relation($0.relation) + ($0.on.map { " ON " + expression($0) } ?? "") }
        var lines: [String] = []
        if !s.from.isNone {
            let from = "FROM " + relation(s.from)
            let joinedOnLines = joinsOnLines && joins.contains { $0.count > 40 }
            lines += joinedOnLines ? [from] + joins : [([from] + joins).joined(separator: " ")]
        }
        if let filter = s.filter { lines.append("WHERE " + expression(filter)) }
        if !s.groupBy.isEmpty { lines.append("GROUP BY " + s.groupBy.map(expression).joined(separator: ", ")) }
        if !s.orderBy.isEmpty {
            lines.append("ORDER BY " + s.orderBy.map(order).joined(separator: ", "))
        }
        if let limit = s.limit { lines.append("LIMIT \(limit)") }
        return lines
    }
}
