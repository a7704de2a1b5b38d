import FuzzSupport

/// The SQL compiler: statements bound on the demo tables compile to SQL for every dialect, or are
/// refused by name; never a crash. The SQL itself is checked against DuckDB's parser over the
/// corpus by scripts/fuzz-sql-check (a parser this process cannot hold). Each line goes to one
/// dialect in turn, so that an input of many statements stays well under the 1 s limit.
func fuzzSQL(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data.map(UnsafeRawPointer.init) else { return 0 }
    let text = Fuzz.text(start, count)
    let session = Fuzz.session()
    let dialects = ["duckdb", "postgres", "spark", "trino", "bigquery", "snowflake"]
    let lines = text.split(separator: "\n", omittingEmptySubsequences: true).prefix(12)
    let first = count > 0 ? Int(start.load(as: UInt8.self)) : 0
    for (index, line) in lines.enumerated() {
        Fuzz.run("sql \(dialects[(first + index) % dialects.count]) \(line)", in: session)
    }
    return 0
}

Fuzz.drive(fuzzSQL)
