import Foundation
import Testing

/// Figures checked against an independent computation by DuckDB (installed from PyPI by
/// `.ci/run`; `python3 -m pip install duckdb` locally). Set PATRON_SKIP_DUCKDB=1 to skip on a
/// machine without it; otherwise a missing DuckDB is a failure, not a silent pass.
struct OracleTests {
    @Test(.needsOracles) func customersFromOrdersAgreeWithDuckDB() throws {
        let probe = try TestSupport.run("/usr/bin/env", ["python3", "-c", "import duckdb"])
        try #require(probe.status == 0, "DuckDB is needed as the oracle: python3 -m pip install duckdb (or set PATRON_SKIP_DUCKDB=1)")
        let run = try TestSupport.run("/usr/bin/env", ["python3", "Tests/oracle/customers_duckdb.py", TestSupport.binary.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("ok"))
    }

    /// The frameworks' golden data (matrix, Pareto, tiers, lifecycle, RFM scores) against the same
    /// figures computed by DuckDB from the same orders; the golden test holds patron to that data.
    @Test(.needsOracles) func frameworkGoldenAgreesWithDuckDB() throws {
        let run = try TestSupport.run("/usr/bin/env", ["python3", "Tests/oracle/frameworks_duckdb.py"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("ok"))
    }

    /// Runs an oracle script with patron's binary and the arguments psql needs to reach the test server.
    static func oracle(_ script: String) throws -> TestSupport.Run {
        let server = try TestServer.server()
        return try TestSupport.run("/usr/bin/env", ["python3", script, TestSupport.binary.path,
                                                    "-h", server.folder, "-p", String(server.port), "-U", "postgres", "-d", "shop"],
                                   environment: ["PATH": "/usr/lib/postgresql/15/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
    }

    /// The SQL `sql` compiles, run by DuckDB and by a real PostgreSQL server, gives patron's
    /// in-memory answers for 150 segment statements (level words, ranks, fixed and quartile levels,
    /// text, dates, generated combinations).
    @Test(.needsOracles) func compiledSQLAgreesOnDuckDBAndPostgreSQL() throws {
        let run = try Self.oracle("Tests/oracle/sql_differential.py")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("ok: 173 segment, 20 summary, 11 framework and 3 customer statements agree"))
    }

    /// A script whose statements make tables (customers, RFM scores, rule names) and read them
    /// (Pareto, transitions by every segmentation, cross tabs, counts), compiled, run statement by
    /// statement on DuckDB and PostgreSQL, and every answer compared with memory's.
    @Test(.needsOracles) func aCompiledScriptOfScoresAndTransitionsAgreesOnDuckDBAndPostgreSQL() throws {
        let run = try Self.oracle("Tests/oracle/sql_scripts.py")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("ok: a script of 30 statements (23 answers) compiled and run on DuckDB and on PostgreSQL"))
    }
}

/// Hostile names and statements never reach an engine as SQL (issue 26, item 1): compiled files
/// holding 'DROP TABLE victims' in a path, an include's name and statements run whole on DuckDB
/// and PostgreSQL, and the victim table survives.
struct InjectionTests {
    @Test(.needsOracles) func hostileNamesAndStatementsStayInsideComments() throws {
        let run = try OracleTests.oracle("Tests/oracle/sql_injection.py")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("ok: a file, an include and statements holding 'DROP TABLE victims' compiled and run on DuckDB and PostgreSQL"))
    }
}

/// The SQL for Spark, Trino, BigQuery and Snowflake parses in each dialect (sqlglot), and a
/// median is refused where the engine has no exact one.
struct DialectTests {
    @Test(.needsOracles) func sqlForEnginesNotStartedHereParsesInTheirDialects() throws {
        let run = try TestSupport.run("/usr/bin/env", ["python3", "Tests/oracle/sql_dialects.py", TestSupport.binary.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("ok: "))
    }
}

/// `patron compile` writes a script's queries as SQL a real engine runs to patron's answers.
struct CompileTests {
    @Test(.needsOracles) func aCompiledScriptRunsOnDuckDBToTheSameCounts() throws {
        let script = "load \"examples/orders.csv\" as orders\nsegment where amount = high and channel = \"online\"\n"
        let compiled = try TestSupport.patron(["compile", "-", "--dialect", "duckdb"], stdin: script)
        #expect(compiled.status == 0, "\(compiled.stderr)")
        #expect(compiled.stdout.contains("-- <stdin>:2: segment where amount = high and channel = \"online\""))
        let python = """
            import duckdb, sys
            con = duckdb.connect()
            con.execute("CREATE TABLE orders AS SELECT * FROM read_csv('examples/orders.csv', header = true, columns = {'order_id': 'BIGINT', 'customer_id': 'BIGINT', 'customer': 'VARCHAR', 'order_date': 'DATE', 'amount': 'DECIMAL(18,2)', 'cost': 'DECIMAL(18,2)', 'channel': 'VARCHAR', 'store': 'VARCHAR', 'region': 'VARCHAR', 'first_order': 'BOOLEAN'})")
            print(con.execute(sys.stdin.read()).fetchone()[0])
            """
        let run = try TestSupport.run("/usr/bin/env", ["python3", "-c", python], stdin: compiled.stdout)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "3")
        // What does not compile yet is an error that names it.
        let refused = try TestSupport.patron(["compile", "-"], stdin: "load \"examples/orders.csv\" as orders\nsegment where lower(channel) = \"web\"\n")
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("lower() cannot be compiled to duckdb SQL: its rules are Unicode's in patron and a collation's in a database"))
        // Spark's temporary views cannot replace themselves, so scores are refused for Spark, by name.
        let spark = try TestSupport.patron(["compile", "-", "--dialect", "spark"],
                                           stdin: "load \"examples/orders.csv\" as orders\ncustomers from orders by customer_id\nrfm bins 5\n")
        #expect(spark.status == 65 && spark.stderr.contains("'rfm bins 5' replaces the table it reads, which a Spark temporary view cannot do"))
    }
}

/// Spark in local mode (pyspark from PyPI, on Java 17; scripts/setup --tests installs both): the
/// check corpus through Spark SQL, and the README's Spark example run as a new user would.
struct SparkTests {
    @Test(.needsSpark) func theCorpusAndTheReadmeExampleAgreeWithMemoryOnSpark() throws {
        let check = try TestSupport.run("/usr/bin/env", ["python3", "scripts/check-spark", TestSupport.binary.path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("ok: 173 segment and 20 summary statements, and a script of 14 statements"))

        // The README's two commands, with `patron` the built binary and the SQL in a scratch folder.
        let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```sh\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
        let block = try #require(blocks.first { $0.contains("spark-sql") })
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("patron-spark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let commands = block.replacingOccurrences(of: "warehouse.sql", with: scratch.appendingPathComponent("warehouse.sql").path)
        let sparkHome = try TestSupport.run("/usr/bin/env", ["python3", "-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))"])
        let path = [TestSupport.binary.deletingLastPathComponent().path, sparkHome.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/bin",
                    ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"].joined(separator: ":")
        let spark = try TestSupport.run("/bin/sh", ["-ec", commands], environment: ["PATH": path])
        #expect(spark.status == 0, "\(spark.stderr)")
        // Each answer is the one patron prints in memory: the two segments' sizes, then the summary's rows.
        let memory = try TestSupport.patron(["run", "examples/warehouse.patron", "--quiet", "--format", "json"])
        let documents = TestSupport.results(memory.stdout)
        let sizes = documents.filter { $0["kind"] as? String == "segment" }.compactMap { ($0["count"] as? Int).map(String.init) }
        let summary = (documents.first { $0["kind"] as? String == "summary" }?["rows"] as? [[Any]] ?? []).map { $0.map { "\($0)" }.joined(separator: "\t") }
        let lines = spark.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5 && sizes.count == 2)
        #expect(lines.prefix(2).map { String($0.split(separator: "\t")[0]) } == sizes)
        #expect(Array(lines.dropFirst(2)) == summary)
    }
}
