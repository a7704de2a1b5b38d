import FuzzSupport

/// The SQL compiler: statements bound on the demo tables compile to SQL for every dialect, or are
/// refused by name; never a crash. The SQL itself is checked against DuckDB's parser over the
/// corpus by scripts/fuzz-sql-check (a parser this process cannot hold).
func fuzzSQL(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data.map(UnsafeRawPointer.init) else { return 0 }
    let text = Fuzz.text(start, count)
    let session = Fuzz.session()
    for dialect in ["duckdb", "postgres", "spark", "trino", "bigquery", "snowflake"] {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(8) {
            Fuzz.run("sql \(dialect) \(line)", in: session)
        }
    }
    return 0
}

Fuzz.drive(fuzzSQL)
