import PatronAnalysis
import PatronStore

/// The statements the server path sends besides compiled queries: the temporary tables that hold
/// a derivation or scores left on the server, and the small counts read back from them to draw
/// what memory draws. PostgreSQL's (`pg_temp`), written here so that no SQL text lives in the driver.
extension SQLCompiler {
    /// Makes the temporary table `name` hold a compiled statement's rows (its comment line left out).
    public func temporaryTable(_ name: String, holding compiled: String) -> [String] {
        let body = compiled.hasPrefix("--") ? compiled.split(separator: "\n").dropFirst().joined(separator: "\n") : compiled
        return ["DROP TABLE IF EXISTS pg_temp.\(dialect.quote(name))", "CREATE TEMPORARY TABLE \(dialect.quote(name)) AS " + body]
    }

    /// Replaces the temporary table `name` by `select`, which may read it: made as a new table, the
    /// old one dropped, the new one renamed (run in one transaction).
    public func replacingTemporaryTable(_ name: String, by select: String) -> [String] {
        let next = dialect.quote("patron_next"), quoted = dialect.quote(name)
        return ["DROP TABLE IF EXISTS pg_temp.\(next)", "CREATE TEMPORARY TABLE \(next) AS\n" + select,
                "DROP TABLE IF EXISTS pg_temp.\(quoted)", "ALTER TABLE pg_temp.\(next) RENAME TO \(quoted)"]
    }

    /// The rows per (r, f, m) score of a scored temporary table, as text.
    public func scoreCells(ofTemporaryTable name: String) -> String {
        "SELECT CAST(r_score AS TEXT), CAST(f_score AS TEXT), CAST(m_score AS TEXT), CAST(count(*) AS TEXT) FROM pg_temp.\(dialect.quote(name)) GROUP BY 1, 2, 3"
    }

    /// The rows per rule name of a named temporary table, and the exact sum of `monetary` (when given).
    public func ruleCounts(ofTemporaryTable name: String, monetary: String?) -> String {
        let money = monetary.map { "CAST(sum(\(dialect.quote($0))) AS TEXT)" } ?? "NULL"
        return "SELECT rfm_segment, CAST(count(*) AS TEXT), \(money) FROM pg_temp.\(dialect.quote(name)) GROUP BY 1"
    }

    /// The rows of a temporary table, and the values (not nulls) in each of `columns`.
    public func valueCounts(ofTemporaryTable name: String, columns: [String]) -> String {
        "SELECT " + (["count(*)"] + columns.map { "count(\(dialect.quote($0)))" }).joined(separator: ", ") + " FROM pg_temp.\(dialect.quote(name))"
    }

    /// A query that leaves out a float column's NaN and infinities, for the hint that suggests
    /// loading it so (a cut point made of one is refused).
    public func finiteRows(of column: String) -> String {
        "SELECT … WHERE \(dialect.quote(column)) NOT IN ('NaN', 'Infinity', '-Infinity')"
    }
}
