import Foundation
import PatronAnalysis
import Testing

/// A throwaway PostgreSQL server for the tests: started once per test run by scripts/pg-local in
/// a temporary folder, on a Unix socket and a free port, loaded with Tests/postgres/fixtures.sql.
/// It stops by itself when the test process ends, however it ends (the script's watchdog).
enum TestServer {
    struct Info {
        let folder: String
        let port: Int
        /// Connects as the superuser over the Unix socket.
        var conninfo: String { "host=\(folder) port=\(port) user=postgres dbname=shop" }
        /// `connect shop to postgres "…"`
        var connect: String { "connect shop to postgres \"\(conninfo)\"" }
    }

    static let shared: Result<Info, ServerFailure> = start()

    struct ServerFailure: Error, CustomStringConvertible {
        let description: String
    }

    static func start() -> Result<Info, ServerFailure> {
        let folder = "/tmp/patron-pg-test-\(getpid())"
        let port = freePort()
        do {
            let started = try TestSupport.run("/bin/bash", ["scripts/pg-local", "start", folder, String(port)],
                                              environment: ["PATRON_PG_WATCH": String(getpid())])
            guard started.status == 0 else { return .failure(ServerFailure(description: "pg-local start failed (exit \(started.status)): \(started.stdout)\(started.stderr)")) }
            let info = Info(folder: folder, port: port)
            let fixtures = try psql(info, ["-d", "shop", "-f", "Tests/postgres/fixtures.sql"])
            guard fixtures.status == 0 else { return .failure(ServerFailure(description: "fixtures: \(fixtures.stderr)")) }
            return .success(info)
        } catch {
            return .failure(ServerFailure(description: "\(error)"))
        }
    }

    /// The server, or a test failure saying why there is none (never a silent skip).
    static func server() throws -> Info {
        switch shared {
        case .success(let info): return info
        case .failure(let failure):
            Issue.record("no PostgreSQL server for the tests (install it with: sh scripts/setup --tests): \(failure)")
            throw failure
        }
    }

    /// Runs psql against the test server as the superuser.
    @discardableResult
    static func psql(_ info: Info, _ arguments: [String]) throws -> TestSupport.Run {
        let bin = ["/usr/lib/postgresql/15/bin/psql", "/usr/bin/psql"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "psql"
        return try TestSupport.run(bin, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", info.folder, "-p", String(info.port), "-U", "postgres"] + arguments)
    }

    /// A port nothing listens on now.
    static func freePort() -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// PostgreSQL as a source and a destination (issue 15), against a real server.
@Suite(.serialized)
struct PostgresTests {
    /// Runs patron with `-c` statements (connected first), the way a script would.
    func patron(_ statements: [String], _ extra: [String] = [], connect: Bool = true, environment: [String: String] = [:]) throws -> TestSupport.Run {
        let server = try TestServer.server()
        let all = (connect ? [server.connect] : []) + statements
        return try TestSupport.patron(all.flatMap { ["-c", $0] } + extra, environment: environment)
    }

    @Test func everyAnswerOfTheSegmentationExampleIsTheSameFromPostgresAsFromCSV() throws {
        let server = try TestServer.server()
        let script = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("examples/segmentation.patron"), encoding: .utf8)
        #expect(script.contains("load \"examples/orders.csv\" as orders"))
        let fromServer = script.replacingOccurrences(of: "load \"examples/orders.csv\" as orders", with: server.connect + "\nload shop.public.orders as orders")
        let csv = try TestSupport.patron(["run", "--quiet", "-"], stdin: script)
        let postgres = try TestSupport.patron(["run", "--quiet", "-"], stdin: fromServer)
        #expect(csv.status == 0 && postgres.status == 0, "\(csv.stderr)\(postgres.stderr)")
        #expect(postgres.stdout.count > 1000)
        #expect(postgres.stdout == csv.stdout)
    }

    /// Issue 26, item 2: with standard_conforming_strings off (here through PGOPTIONS, as a
    /// database or a role could set it), a --param built to break out of a literal counts what it
    /// counts in memory: the connection pins the setting the quoting relies on.
    @Test func backslashesInAValueCannotBreakOutWhateverTheServersSettings() throws {
        let hostile = #"\' or 1=1) THEN 1 END) AS rows, --"#
        let statements = ["use shop.public.orders", "segment where channel = $p"]
        let memory = try TestSupport.patron(["-c", "load \"examples/orders.csv\" as orders", "-c", "segment where channel = $p", "--param", "p=\(hostile)", "--quiet", "--format", "json"])
        let server = try patron(statements, ["--param", "p=\(hostile)", "--quiet", "--format", "json"], environment: ["PGOPTIONS": "-c standard_conforming_strings=off"])
        #expect(server.status == 0, "\(server.stderr)")
        let count = { (run: TestSupport.Run) in TestSupport.results(run.stdout).last?["count"] as? Int }
        #expect(count(memory) == 0)
        #expect(count(server) == count(memory), "\(server.stdout)")
        // The settings hold for every statement, and 'use' checks them again.
        let shown = try patron(["load from shop query \"SELECT current_setting('standard_conforming_strings') AS s, current_setting('TimeZone') AS z\" as settings", "show settings"],
                               ["--quiet"], environment: ["PGOPTIONS": "-c standard_conforming_strings=off -c TimeZone=America/Lima"])
        #expect(shown.stdout.contains("│ on │ UTC │"), "\(shown.stdout)\(shown.stderr)")
    }

    @Test func typesComeFromTheServerAndDescribeSaysSo() throws {
        let run = try patron(["load shop.public.kinds", "describe kinds", "show kinds"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        for (column, type, why) in [("i2", "integer", "smallint on the server"), ("n", "decimal(2)", "numeric(12,2) on the server"),
                                    ("nu", "decimal(3)", "numeric on the server; 3 decimals, the most any value has"),
                                    ("f4", "decimal(1)", "real on the server; read as decimals with up to 1 place"),
                                    ("f8", "decimal(3)", "double precision on the server; read as decimals with up to 3 places"),
                                    ("c", "text", "character(4) on the server; without its padding, as PostgreSQL compares it"), ("tz", "timestamp", "timestamp with time zone on the server"),
                                    ("u", "text", "uuid on the server"), ("j", "text", "jsonb on the server")] {
            let line = lines.first { $0.hasPrefix("│ \(column) ") }
            #expect(line?.contains("│ \(type) ") == true && line?.contains(why) == true, "describe of '\(column)': \(line ?? "none")")
        }
        // The values, exactly: extremes of each integer, exact decimals, dates before 1970, text with tabs and line ends.
        let json = try patron(["load shop.public.kinds", "show kinds"], ["--format", "json", "--quiet"])
        let document = try #require(TestSupport.results(json.stdout).last)
        let rows = try #require(document["rows"] as? [[Any]])
        #expect(rows.count == 3)
        #expect(json.stdout.contains(#"[1,2,9223372036854775807,1234567890.12,0.125,0.1,2.500,"Ann","tab\tand\nline","ab",true,"2024-02-29","2024-01-02 03:04:05.250000","2024-01-01 00:00:00","a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11","{\"a\": [1, 2]}"]"#), "\(json.stdout)")
        #expect(json.stdout.contains(#"[-32768,-2147483648,-9223372036854775807,-0.05,-12.500,-1.5,-0.001,"王伟 \"q\"","","x",false,"1900-01-01",null,null,null,"[]"]"#), "\(json.stdout)")
        #expect(json.stdout.contains("[null,null,null,null,null,null,null,null,null,null,null,null,null,null,null,null]"))
    }

    @Test func aQueryLoadsItsRowsAndNamesNeedNoQuotingByHand() throws {
        let run = try patron(["load from shop query \"SELECT region, count(*) AS n, sum(amount) AS total FROM orders GROUP BY region ORDER BY region;\" as totals",
                              "show totals", "load shop.sales.`odd \"name\" t` as odd", "show odd"], ["--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("│ East   │ 16 │ 1,268.49 │"), "\(run.stdout)")
        #expect(run.stdout.contains("│  2 │ names    │"))
    }

    @Test func wideNumericsStopOrLoadAsTextWhenAskedAndOtherTypesStopBeforeAnyRow() throws {
        let wide = try patron(["load shop.public.wide"])
        #expect(wide.status == 65)
        #expect(wide.stderr.contains("error: column 'big' is numeric(30,2) on the server: wider than patron's decimals (19 digits)"))
        #expect(wide.stderr.contains("help: load it as text: … with wide_numeric text"))
        let text = try patron(["load shop.public.wide with wide_numeric text", "show wide"], ["--quiet"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("123456789012345678901.25"))
        let interval = try patron(["load shop.public.spans"])
        #expect(interval.status == 65)
        #expect(interval.stderr.contains("column 'during' is interval on the server, which patron cannot hold"))
    }

    @Test func badSituationsAreOneClearErrorWithTheRightExitCode() throws {
        let server = try TestServer.server()
        // Nothing listening there: the host and port tried, exit 69.
        let closed = TestServer.freePort()
        let down = try patron(["connect w to postgres \"host=127.0.0.1 port=\(closed) user=postgres dbname=shop connect_timeout=3\""], connect: false)
        #expect(down.status == 69)
        #expect(down.stderr.contains("connection to server at \"127.0.0.1\", port \(closed) failed"), "\(down.stderr)")
        // A wrong password, exit 69; the password itself is never printed.
        let wrong = try patron(["connect w to postgres \"postgresql://analyst:not-it@127.0.0.1:\(server.port)/shop\""], connect: false)
        #expect(wrong.status == 69)
        #expect(wrong.stderr.contains("password authentication failed for user \"analyst\""))
        #expect(!wrong.stderr.contains("not-it"))
        // A missing database, exit 65.
        let nodb = try patron(["connect w to postgres \"host=\(server.folder) port=\(server.port) user=postgres dbname=shpo\""], connect: false)
        #expect(nodb.status == 65)
        #expect(nodb.stderr.contains("database \"shpo\" does not exist"))
        // A missing table, with did-you-mean over the server's tables.
        let missing = try patron(["load shop.public.ordres"])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("error: no table 'public.ordres' on the server"))
        #expect(missing.stderr.contains("help: did you mean 'public.orders'?"))
        // Permission denied.
        let denied = try patron(["connect a to postgres \"host=127.0.0.1 port=\(server.port) user=analyst password=hunter2-secret dbname=shop\"", "load a.public.orders"], connect: false)
        #expect(denied.status == 65)
        #expect(denied.stderr.contains("permission denied for table orders"), "\(denied.stderr)")
        #expect(!denied.stderr.contains("hunter2-secret"))
        // A syntax error: the server's message, pointed at inside the query.
        let syntax = try patron(["load from shop query \"SELECT amount FROM orders WHERE\" as x"])
        #expect(syntax.status == 65)
        #expect(syntax.stderr.contains("<command 2>:1:54: error: syntax error at end of input"), "\(syntax.stderr)")
        // A statement timeout, exit 69, and no table.
        let slow = try patron(["connect t to postgres \"\(server.conninfo) options='-c statement_timeout=200'\"",
                               "load from t query \"SELECT g FROM generate_series(1, 3) g, pg_sleep(2)\" as slow"], connect: false)
        #expect(slow.status == 69)
        #expect(slow.stderr.contains("canceling statement due to statement timeout"), "\(slow.stderr)")
    }

    @Test func aServerThatGoesAwayMidLoadLeavesNoTable() throws {
        let server = try TestServer.server()
        // A query that streams slowly; its backend is terminated half a second in.
        let killer = Process()
        killer.executableURL = URL(fileURLWithPath: "/bin/sh")
        killer.arguments = ["-c", "sleep 1; psql -X -q -h \(server.folder) -p \(server.port) -U postgres -d shop -c \"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'COPY (%SELECT g, pg_sleep%'\""]
        killer.environment = ["PATH": "/usr/lib/postgresql/15/bin:/usr/bin:/bin"]
        try killer.run()
        let run = try patron(["load from shop query \"SELECT g, pg_sleep(0.001)::text AS s FROM generate_series(1, 20000) g\" as gone", "describe gone"], ["--keep-going"])
        killer.waitUntilExit()
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.stderr.contains("terminating connection due to administrator command") || run.stderr.contains("server closed the connection"), "\(run.stderr)")
        #expect(run.stderr.contains("unknown table 'gone'"))
    }

    @Test func segmentsGoBackAsCampaignListsAllOrNothing() throws {
        let server = try TestServer.server()
        try TestServer.psql(server, ["-d", "shop", "-c", "DROP TABLE IF EXISTS public.butterflies"])
        let setup = ["load shop.public.orders as orders", "customers from orders by customer_id as of 2024-12-31 with profit = amount - cost",
                     "define segment butterflies as profit = high and loyalty = low"]
        let first = try patron(setup + ["export butterflies to shop.public.butterflies", "load shop.public.butterflies as back", "count back"], ["--quiet"])
        #expect(first.status == 0, "\(first.stderr)")
        let local = try patron(setup + ["count butterflies"], ["--quiet"])
        let n = try #require(local.stdout.split(separator: " ").first.map(String.init))
        #expect(first.stdout.contains("\(n) rows in 'back'"), "\(first.stdout) vs \(local.stdout)")
        // The table is there now: say replace or append.
        let again = try patron(setup + ["export butterflies to shop.public.butterflies"])
        #expect(again.status == 65)
        #expect(again.stderr.contains("the table 'public.butterflies' is already on the server"))
        let twice = try patron(setup + ["export butterflies to shop.public.butterflies append", "load shop.public.butterflies as back", "count back"], ["--quiet"])
        #expect(twice.stdout.contains("\(Int(n.replacingOccurrences(of: ",", with: ""))! * 2) rows in 'back'"), "\(twice.stdout)")
        // A write that fails part way is rolled back: the campaign table keeps its one row.
        let check = try patron(["load from shop query \"SELECT customer_id::bigint, (profit - 100)::numeric(19,2) AS profit FROM (SELECT customer_id, sum(amount - cost) AS profit FROM orders GROUP BY customer_id) p ORDER BY customer_id\" as p",
                                "export p to shop.public.campaign append"])
        #expect(check.status == 65)
        #expect(check.stderr.contains("violates check constraint"), "\(check.stderr)")
        #expect(check.stderr.contains("rolled back: "), "\(check.stderr)")
        let kept = try TestServer.psql(server, ["-d", "shop", "-A", "-t", "-c", "SELECT count(*) FROM public.campaign"])
        #expect(kept.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }

    /// Issue 26, item 7 (a NUL in a literal): a clear refusal, exit 65, not "unknown error" with
    /// the exit code of a server that went away.
    @Test func aNULInAValueIsRefusedClearly() throws {
        let server = try TestServer.server()
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("patron-nul-\(UUID().uuidString).patron")
        defer { try? FileManager.default.removeItem(at: script) }
        try "\(server.connect)\nuse shop.public.orders\nsegment where channel = \"a\u{0}b\"\n".write(to: script, atomically: true, encoding: .utf8)
        let run = try TestSupport.patron(["run", script.path])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("NUL character"), "\(run.stderr)")
    }

    /// Issue 26, item 7 (an all-null column): level words over a column with no values are the
    /// error memory gives, not a made-up cut at 0.
    @Test func levelsOfAColumnWithNoValuesAreRefusedAsInMemory() throws {
        let server = try TestServer.server()
        try TestServer.psql(server, ["-d", "shop", "-c", "DROP TABLE IF EXISTS public.allnull; CREATE TABLE public.allnull (id integer, x numeric(8,2)); INSERT INTO public.allnull VALUES (1, NULL), (2, NULL)"])
        let run = try patron(["use shop.public.allnull", "segment where x = high"])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("'x' has no values to compute levels from"), "\(run.stderr)")
    }

    /// Issue 26, item 7 (json and uuid keys): counting by a jsonb or uuid column of a table left on
    /// the server orders its keys by code point as memory does (a COLLATE once refused them).
    @Test func countByAJSONOrUUIDColumnOnTheServer() throws {
        let run = try patron(["use shop.public.kinds", "count by j", "count by u"], ["--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "\(run.stdout)")
    }

    /// Issue 26, item 7 (NaN and infinity): a cut point made of one is refused, as memory refuses
    /// the value at a load.
    @Test func nanOrInfinityNeverBecomesACutPoint() throws {
        let server = try TestServer.server()
        try TestServer.psql(server, ["-d", "shop", "-c", "DROP TABLE IF EXISTS public.odd; CREATE TABLE public.odd (id integer, x double precision); INSERT INTO public.odd VALUES (1, 1.5), (2, 'NaN'), (3, 'Infinity'), (4, 'NaN')"])
        let run = try patron(["use shop.public.odd", "segment where x = high"])
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("'x' holds NaN or infinity on the server"), "\(run.stderr)")
        // A framework's median or terciles too: once printed as a cut at 0.
        for framework in ["tiers x", "matrix x by id"] {
            let refused = try patron(["use shop.public.odd", framework])
            #expect(refused.status == 65 && refused.stderr.contains("'x' holds NaN or infinity on the server"), "\(framework): \(refused.stderr)")
        }
        let loaded = try patron(["load shop.public.odd"])
        #expect(loaded.status == 65 && loaded.stderr.contains("is not a finite number"), "\(loaded.stderr)")
    }

    /// Issue 26, item 7 (BC dates): 44 BC is the year -43 on the server as in memory (ISO 8601's
    /// astronomical years), and prints as -0043-03-15, not 0-43-03-15.
    @Test func bcDatesAgreeOnTheYear() throws {
        let server = try TestServer.server()
        try TestServer.psql(server, ["-d", "shop", "-c", "DROP TABLE IF EXISTS public.ides; CREATE TABLE public.ides (id integer, d date); INSERT INTO public.ides VALUES (1, '0044-03-15 BC'), (2, '2024-03-15')"])
        let server_ = try patron(["use shop.public.ides", "segment where year(d) = -43"], ["--quiet", "--format", "json"])
        let memory = try patron(["load shop.public.ides", "segment where year(d) = -43", "show ides"], ["--quiet"])
        #expect(TestSupport.results(server_.stdout).last?["count"] as? Int == 1, "\(server_.stdout)\(server_.stderr)")
        #expect(memory.stdout.contains("│  1 │ -0043-03-15 │"), "\(memory.stdout)")
        #expect(memory.stdout.contains("year(d) = -43 │    1 │"), "\(memory.stdout)")
    }

    /// Issue 26, item 7 (char(n)): a char(4) holding 'ab' compares equal to "ab" on the server,
    /// where the padding is no part of the value; loaded, it is 'ab' too (it was 'ab  ', so the
    /// same segment counted 1 on the server and 0 in memory), and `count by` groups alike.
    @Test func charColumnsCompareWithoutTheirPaddingOnTheServerAndLoaded() throws {
        let statements = ["segment where c = \"ab\"", "segment where c < \"ab \"", "count kinds by c"]
        let used = try patron(["use shop.public.kinds"] + statements, ["--quiet", "--format", "json"])
        let loaded = try patron(["load shop.public.kinds"] + statements, ["--quiet", "--format", "json"])
        #expect(used.status == 0 && loaded.status == 0, "\(used.stderr)\(loaded.stderr)")
        let (server, memory) = (TestSupport.results(used.stdout), TestSupport.results(loaded.stdout))
        #expect(server.count == 3 && memory.count == 3, "\(used.stdout)\(loaded.stdout)")
        #expect(server.first?["count"] as? Int == 1 && memory.first?["count"] as? Int == 1, "\(used.stdout)\(loaded.stdout)")
        for (s, m) in zip(server, memory) {
            #expect(String(describing: s["count"] ?? s["rows"] ?? "") == String(describing: m["count"] ?? m["rows"] ?? ""), "\(s) against \(m)")
        }
    }

    /// Issue 26, item 7 (unconstrained numeric and floats under `use`): their scale is the most
    /// decimals any value has, as a load finds it (it was 0: tiers printed 0.00).
    @Test func unconstrainedNumbersLeftOnTheServerKeepTheirScale() throws {
        let used = try patron(["use shop.public.kinds", "describe kinds"], ["--quiet"])
        let loaded = try patron(["load shop.public.kinds", "describe kinds"], ["--quiet"])
        #expect(used.status == 0 && loaded.status == 0, "\(used.stderr)\(loaded.stderr)")
        for column in ["nu", "f8", "f4"] {
            let type = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("│ \(column) ") }?.split(separator: "│").dropFirst().first?.trimmingCharacters(in: .whitespaces) }
            #expect(type(used.stdout) != nil && type(used.stdout) == type(loaded.stdout), "\(column): \(type(used.stdout) ?? "none") under use, \(type(loaded.stdout) ?? "none") loaded")
        }
    }

    /// Issue 26, item 14: a query that ends in a comment loads (the comment once swallowed the
    /// wrapper's closing bracket).
    @Test func aQueryEndingInACommentLoads() throws {
        let run = try patron(["load from shop query \"SELECT 1 AS a -- note\" as noted", "show noted"], ["--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("│ 1 │"), "\(run.stdout)")
    }

    /// Issue 26, item 3: libpq's own messages about a bad connection string do not quote its secret.
    @Test func libpqsMessagesAboutAConnectionStringAreScrubbed() throws {
        let server = try TestServer.server()
        for conninfo in ["postgresql://analyst:pa@ssSECRET@127.0.0.1:\(server.port)/shop", "postgresql://analyst:%zzSECRET@127.0.0.1:\(server.port)/shop",
                         "host=127.0.0.1 port=\(server.port) user=analyst sslpassword=keySECRET password=wrongSECRET dbname=shop"] {
            let run = try TestSupport.patron(["-c", "connect w to postgres \"\(conninfo)\""])
            #expect(run.status != 0)
            #expect(!run.stderr.contains("SECRET") && !run.stdout.contains("SECRET"), "\(run.stderr)")
        }
    }

    @Test func aPasswordNeverAppearsInOutputErrorsJSONSavedSessionsOrHistory() throws {
        let server = try TestServer.server()
        let secret = "hunter2-secret"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-secret-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let connect = "connect a to postgres \"host=127.0.0.1 port=\(server.port) user=analyst password=\(secret) dbname=shop\""
        let saved = folder.appendingPathComponent("saved.patron").path
        let text = try patron([connect, "show connections", "load a.public.kinds", "load a.public.orders", "save session to \"\(saved)\""], ["--keep-going"], connect: false)
        let json = try patron([connect, "show connections", "load a.public.kinds as k"], ["--format", "json"], connect: false)
        let uri = try patron(["connect b to postgres \"postgresql://analyst:\(secret)@127.0.0.1:\(server.port)/shop\"", "show connections", "load b.nothing"], connect: false)
        // A syntax error echoes the statement: with the password starred out.
        let echoed = try patron(["connect c to postgres \"password=\(secret) host=x\" extra"], connect: false)
        #expect(echoed.stderr.contains("password=**************"), "\(echoed.stderr)")
        let savedText = try String(contentsOfFile: saved, encoding: .utf8)
        #expect(savedText.contains("password=***"))
        // The prompt's history file.
        var environment = ["TERM": "xterm", "LC_ALL": "C.UTF-8", "HOME": folder.path, "PATRON_HISTORY": folder.appendingPathComponent("history").path, "PATH": "/usr/bin:/bin", "NO_COLOR": "1"]
        environment["PGCONNECT_TIMEOUT"] = "5"
        let terminal = try PseudoTerminal(program: TestSupport.binary.path, arguments: [], environment: environment, directory: TestSupport.packageRoot.path)
        #expect(terminal.waitFor("patron> ") != nil)
        #expect(terminal.run(connect + "\r", expecting: "connected 'a'"))
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
        let history = try String(contentsOfFile: folder.appendingPathComponent("history").path, encoding: .utf8)
        // libedit writes its history vis-encoded (a space as \\040).
        #expect(history.contains("connect"))
        for (what, output) in [("output", text.stdout + text.stderr), ("json", json.stdout + json.stderr), ("uri", uri.stdout + uri.stderr),
                               ("echo", echoed.stderr), ("saved session", savedText), ("history", history)] {
            #expect(!output.contains(secret), "the password appears in the \(what)")
        }
        #expect(text.stdout.contains("analyst@127.0.0.1:\(server.port)/shop"))
    }

    /// `use CONNECTION.SCHEMA.TABLE`: segments run on the server and print what they print in
    /// memory, apart from the line that says where they ran.
    @Test func segmentsOfATableLeftOnTheServerMatchMemory() throws {
        let server = try TestServer.server()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-remote-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("demo.csv").path
        #expect(try TestSupport.patron(["-c", "export demo to \"\(csv)\""]).status == 0)
        try TestServer.psql(server, ["-d", "shop", "-c", "DROP TABLE IF EXISTS demo",
                                     "-c", "CREATE TABLE demo (customer_id bigint, name text, region text, channel text, since date, recency bigint, frequency bigint, monetary numeric(18,2), profit numeric(18,2), loyalty numeric(18,2))",
                                     "-c", "\\copy demo FROM '\(csv)' WITH (FORMAT csv, HEADER)"])
        let segments = ["segment where profit=high and loyalty=low", "segment where region = \"North\" and profit = top 20%",
                        "segment where not (recency = low) or frequency >= medium", "segment where channel = \"online\" and since < 2023-06-30",
                        "segment where monetary > 1000.5 and profit = bottom 50%",
                        // Summaries run there too: exact sums, dates, reals, shares, sorting, top, cut points.
                        "summarize count, sum(profit), avg(monetary), median(recency), min(profit), max(since), share(profit) by region, channel where profit = high or loyalty = top 30% sort by sum(profit) desc top 5",
                        "summarize count, sum(monetary * 2 - profit), min(since) where recency < 30",
                        "count by channel", "count by region, channel", "define segment big as profit = high and loyalty = low",
                        "summarize count, sum(profit) by channel where big", "count", "count big", "explain big",
                        "levels loyalty quantiles 4 as poor, fair, good, great", "levels profit at 0, 100, 1000 as none, low, medium, high",
                        "segment where loyalty = good and profit = medium", "define segment fans as loyalty = top 10% and recency < medium",
                        "show segments", "show levels"]
        let memory = try TestSupport.patron(segments.flatMap { ["-c", $0] } + ["--quiet"])
        let remote = try patron(["use shop.public.demo as demo"] + segments, ["--quiet"])
        #expect(memory.status == 0 && remote.status == 0, "\(remote.stderr)")
        let lines = remote.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        // (--quiet leaves out the confirmations of the two define segment and two levels statements, in memory as on the server.)
        #expect(lines.filter { $0 == "computed on the server: shop.public.demo" }.count == segments.count - 4)
        // Without --quiet, the levels are counted on the server too.
        let counted = try patron(["use shop.public.demo as demo", "levels profit at 0, 100, 1000 as none, low, medium, high"])
        #expect(counted.stdout.contains("│ medium │ 1,746 │ 58.2% │") && counted.stdout.hasSuffix("computed on the server: shop.public.demo\n"), "\(counted.stdout)")
        #expect(lines.filter { $0 != "computed on the server: shop.public.demo" }.joined(separator: "\n") == memory.stdout)
        // explain SEGMENT places the segment's rows in the RFM segments of a table that has them, counted there.
        let scored = ["rfm bins 5", "rfm segments rfm"]
        #expect(try patron(scored + ["export demo to shop.public.demo_rfm replace"]).status == 0)
        let explained = try patron(["use shop.public.demo_rfm as demo", "define segment s as recency < medium", "explain s"], ["--quiet"])
        let inMemory = try TestSupport.patron((scored + ["define segment s as recency < medium", "explain s"]).flatMap { ["-c", $0] } + ["--quiet"])
        #expect(explained.stdout.contains("RFM segments: Champions"))
        #expect(inMemory.stdout.hasSuffix(explained.stdout.replacingOccurrences(of: "computed on the server: shop.public.demo_rfm\n", with: "")))
        // Other statements on it ask for a load.
        let refused = try patron(["use shop.public.demo as demo", "summarize demo"])
        #expect(refused.status == 65)
        // Never an answer computed over the no rows patron holds of it.
        let profile = try patron(["use shop.public.demo as demo", "define segment big as profit = high", "summarize demo"])
        #expect(profile.status == 65 && profile.stderr.contains("stays on the server"), "\(profile.stdout)")
        // A table or a segment written to a file: its rows come back from the server, every one, in
        // one order whatever the server's (by each column), the rows memory writes.
        for what in ["demo", "big"] {
            let there = folder.appendingPathComponent("server-\(what).csv").path, here = folder.appendingPathComponent("memory-\(what).csv").path
            let exported = try patron(["use shop.public.demo as demo", "define segment big as profit = top 10%", "export \(what) to \"\(there)\""], ["--quiet"])
            #expect(exported.status == 0, "\(exported.stderr)")
            #expect(try TestSupport.patron(["-c", "define segment big as profit = top 10%", "-c", "export \(what) to \"\(here)\"", "--quiet"]).status == 0)
            let server = try String(contentsOfFile: there, encoding: .utf8).split(separator: "\n")
            let memory = try String(contentsOfFile: here, encoding: .utf8).split(separator: "\n")
            #expect(server.first == memory.first && server.count == memory.count && server.sorted() == memory.sorted(), "export \(what)")
            #expect(server.dropFirst().map { Int($0.prefix { $0 != "," }) ?? 0 } == server.dropFirst().map { Int($0.prefix { $0 != "," }) ?? 0 }.sorted())
        }
        #expect(refused.stderr.contains("'demo' stays on the server, where this statement does not run yet"))
        #expect(refused.stderr.contains("help: on the server run: " + Binder.serverStatements))
        #expect(refused.stderr.contains("help: load it to run this in memory: load shop.public.demo as demo"))
    }

    /// Orders left on the server: the derivation runs there into a temporary table, and its
    /// segments run there too, printing what they print in memory.
    @Test func customersDerivedOnTheServerSegmentAsInMemory() throws {
        let statements = ["customers from orders by customer_id as of 2024-12-31 with profit = amount - cost",
                          "segment where profit = high and loyalty = low", "segment where profit = high or recency < medium", "segment where loyalty = top 30%",
                          // The frameworks run there too: medians, terciles and stages from the server's order statistics.
                          "matrix profit by loyalty", "matrix monetary by frequency at 400, 3", "tiers profit", "lifecycle windows 30, 90, 180",
                          // Issue 28: metrics of the analyst's own, derived there.
                          "customers from orders by customer_id as of 2024-12-31 with points = sum(amount) * 0.05, online = count() where channel = 'online', "
                            + "stores = count(distinct store), typical = avg(amount), online_share = share() where channel = 'online', last_big = max(order_date) where amount > 100",
                          "segment where points = high and online_share = low", "show customer_id, points, online, stores, typical, online_share, last_big top 5 by points"]
        let memory = try TestSupport.patron(["-c", "load \"examples/orders.csv\" as orders"] + statements.flatMap { ["-c", $0] } + ["--quiet"])
        let server = try patron(["use shop.public.orders"] + statements, ["--quiet"])
        #expect(memory.status == 0 && server.status == 0, "\(server.stderr)")
        #expect(server.stderr.isEmpty, "\(server.stderr)")
        let lines = server.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.filter { $0 == "computed on the server: shop.customers" }.count == statements.count - 2)
        #expect(lines.filter { $0 != "computed on the server: shop.customers" }.joined(separator: "\n") == memory.stdout)
        // The JSON too, to the last digit of every sum (memory sums decimals exactly, as the server does).
        let memoryJSON = try TestSupport.patron(["-c", "load \"examples/orders.csv\" as orders"] + statements.flatMap { ["-c", $0] } + ["--quiet", "--format", "json"])
        let serverJSON = try patron(["use shop.public.orders"] + statements, ["--quiet", "--format", "json"])
        #expect(serverJSON.stdout.replacingOccurrences(of: ",\"computed_on\":\"shop.customers\"", with: "") == memoryJSON.stdout)
        // explain says where its statements run; the timer adds the server's time and what came back.
        let timed = try patron(["use shop.public.orders", "set timer on", statements[0], "explain profit", statements[1], "count by frequency"])
        #expect(timed.stdout.contains("profit (decimal) in 'customers': numeric(19,2) on the server; the table stays on the server (shop.customers), where its statements run"))
        #expect(timed.stderr.contains("nothing received (the table stays there)"))
        #expect(timed.stderr.contains("bytes of answer received"))
        #expect(timed.stderr.contains("7 groups received"))
    }

    /// The trainer's tour (examples/segmentation.patron) with the orders left on the server:
    /// every statement runs there, and prints what memory prints, apart from the lines that say
    /// where it ran. Then the rest of what runs there: cross tabs, pages of rows, Pareto cut-offs,
    /// transitions by every segmentation, a rule table with real arithmetic, and a missing customer.
    @Test func theTrainersTourRunsOnTheServerAsInMemory() throws {
        let script = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("examples/segmentation.patron"), encoding: .utf8)
        var tour = script.split(separator: "\n").map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") }
        #expect(tour.first == "load \"examples/orders.csv\" as orders")
        tour.removeFirst()
        let rest = ["use customers", "crosstab channels by rfm_segment", "show", "show top 3 by profit", "pareto profit at 50, 90", "transitions from 2024-06-30 to 2024-12-31",
                    "transitions from 2024-03-31 to 2024-12-31 by tiers", "rfm bins 4", "transitions from 2024-06-30 to 2024-12-31 by rfm",
                    "rfm segments putler", "crosstab rfm_segment by r_score",
                    // Verdicts of several segments, from one query on the server (true, false, unknown alike).
                    "define segment quiet as recency > 90 or loyalty = low", "explain customer 501",
                    // Issue 28: a computed column made there, picked columns, cohorts.
                    "add spend = monetary - profit", "show customer_id, spend, monetary where spend > 100 top 3 by spend", "cohorts by quarter of revenue"]
        for format in [[], ["--format", "json"]] {
            let memory = try TestSupport.patron(["-c", "load \"examples/orders.csv\" as orders"] + (tour + rest).flatMap { ["-c", $0] } + ["--quiet"] + format)
            let server = try patron(["use shop.public.orders"] + tour + rest, ["--quiet"] + format)
            #expect(memory.status == 0 && server.status == 0 && server.stderr.isEmpty, "\(server.stderr)")
            let place = /computed on the server: shop\.(customers|quick|public\.orders)\n/
            let json = /,"computed_on":"shop\.(customers|quick|public\.orders)"/
            let computed = server.stdout.matches(of: format.isEmpty ? place : json).count
            // Every statement says where it ran, but the two derivations, 'use', the two definitions and 'add' (--quiet keeps confirmations quiet).
            #expect(computed == tour.count + rest.count - 6)
            let (there, here) = (server.stdout.replacing(place, with: "").replacing(json, with: ""), memory.stdout)
            let differs = zip(there.split(separator: "\n"), here.split(separator: "\n")).first { $0 != $1 }
            #expect(there == here, "first difference: \(differs.map { "server \($0)\nmemory \($1)" } ?? "in length")")
        }
        // The missing customer: the same error, from the server.
        let missing = try patron(["use shop.public.orders", tour[0], "explain customer 999"])
        #expect(missing.status != 0 && missing.stderr.contains("no row of 'customers' has customer_id = 999"))
    }

    @Test func passwordsComeFromTheEnvironmentOrPgpassAsForPsql() throws {
        let server = try TestServer.server()
        let connect = "connect a to postgres \"host=127.0.0.1 port=\(server.port) user=analyst dbname=shop\""
        let fromEnvironment = try patron([connect, "load a.public.kinds", "count"], ["--quiet"], connect: false, environment: ["PGPASSWORD": "hunter2-secret"])
        #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
        #expect(fromEnvironment.stdout.contains("3 rows in 'kinds'"))
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("patron-pgpass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let pgpass = home.appendingPathComponent(".pgpass")
        try "127.0.0.1:\(server.port):shop:analyst:hunter2-secret\n".write(to: pgpass, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: pgpass.path)
        let fromFile = try patron([connect, "load a.public.kinds", "count"], ["--quiet"], connect: false, environment: ["HOME": home.path, "PGPASSWORD": ""])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        // Without either, the server says no: exit 69.
        let without = try patron([connect], connect: false, environment: ["HOME": home.path + "/none", "PGPASSWORD": ""])
        #expect(without.status == 69)
    }

    /// The prompt in a pseudo-terminal, connected to the test server as 'shop'; its home folder.
    func connectedPrompt() throws -> (TestServer.Info, PseudoTerminal, URL) {
        let server = try TestServer.server()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-prompt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let environment = ["TERM": "xterm", "LC_ALL": "C.UTF-8", "HOME": folder.path, "PATRON_HISTORY": folder.appendingPathComponent("history").path, "PATH": "/usr/bin:/bin", "NO_COLOR": "1"]
        let terminal = try PseudoTerminal(program: TestSupport.binary.path, arguments: [], environment: environment, directory: TestSupport.packageRoot.path)
        #expect(terminal.waitFor("patron> ") != nil)
        #expect(terminal.run(server.connect + "\r", expecting: "connected 'shop'"))
        return (server, terminal, folder)
    }

    @Test func ctrlCCancelsTheQueryOnTheServerAndKeepsNoTable() throws {
        let (server, terminal, folder) = try connectedPrompt()
        defer { try? FileManager.default.removeItem(at: folder) }
        let mark = terminal.mark
        terminal.type("load from shop query \"SELECT g, pg_sleep(0.001)::text AS s FROM generate_series(1, 100000) g\" as slow\r")
        Thread.sleep(forTimeInterval: 1)
        let pressed = Date(), load = PseudoTerminal.load
        terminal.type("\u{03}")
        let stopped = terminal.waitFor("cancelled: the query was cancelled on the server", after: mark, timeout: 10)
        #expect(stopped != nil, "\(terminal.output(after: mark))")
        // Within 2 s as an idle machine takes it (the whole query would take 100 s and more).
        let seconds = Date().timeIntervalSince(pressed) / max(load, PseudoTerminal.load)
        #expect(seconds < 2, "the query stopped after \(seconds) s (scaled to an idle machine)")
        #expect(terminal.run("describe slow\r", expecting: "unknown table 'slow'"))
        // The server is not still running it.
        let active = try TestServer.psql(server, ["-d", "shop", "-A", "-t", "-c", "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(0.001)%' AND state = 'active' AND pid <> pg_backend_pid()"])
        #expect(active.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }

    /// A summary of a table left on the server, waiting there (here on a lock another session
    /// holds): Ctrl-C cancels it on the server and the prompt stays.
    @Test func ctrlCCancelsASummaryRunningOnTheServer() throws {
        let (server, terminal, folder) = try connectedPrompt()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(terminal.run("use shop.public.orders as locked\r", expecting: "using 'locked'"))
        // Another session holds the table until it is stopped.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: ["/usr/lib/postgresql/15/bin/psql", "/usr/bin/psql"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/psql")
        holder.arguments = ["-X", "-q", "-h", server.folder, "-p", String(server.port), "-U", "postgres", "-d", "shop",
                            "-c", "BEGIN", "-c", "LOCK TABLE orders IN ACCESS EXCLUSIVE MODE", "-c", "SELECT pg_sleep(8)"]
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        defer { holder.terminate(); holder.waitUntilExit() }
        Thread.sleep(forTimeInterval: 0.5)
        let mark = terminal.mark
        terminal.type("count by region\r")
        Thread.sleep(forTimeInterval: 1)
        terminal.type("\u{03}")
        let stopped = terminal.waitFor("cancelled: the query was cancelled on the server; the session is as it was", after: mark, timeout: 10)
        #expect(stopped != nil, "\(terminal.output(after: mark))")
        #expect(terminal.run("explain region\r", expecting: "the table stays on the server"))
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }
}
