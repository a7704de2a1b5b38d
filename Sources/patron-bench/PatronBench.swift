import ArgumentParser
import Foundation
import PatronAnalysis
import PatronEngine
import PatronStore
import PatronSyntax

/// `patron-bench DATA_DIR`: times patron on the shared benchmark data and prints one JSON
/// object in the contract of `../shared/bench/bench_common.py`, so `run_anchors.py --tool`
/// puts patron beside DuckDB and Polars from one run.
@main
struct PatronBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "patron-bench", abstract: "Benchmark patron on orders.csv and customers.csv.")

    @Argument(help: "A folder with orders.csv and customers.csv (from gen_orders.py).")
    var dataDir: String

    @Option(help: "Threads for loading (0: all cores).")
    var threads = 0

    @Option(help: "Repetitions of each load.")
    var reps = 5

    @Option(help: "Repetitions of each in-memory operation (after one untimed warm-up).")
    var fastReps = 9

    func run() throws {
        let orders = dataDir + "/orders.csv", customers = dataDir + "/customers.csv"
        let used = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        var options = LoadOptions()
        options.threads = used
        var memory: [String: Double] = ["rss_baseline_mb": Self.rssMB()]
        var times: [String: [Double]] = [:]

        func timed(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }

        var table: Table? = nil
        var loadTimes: [Double] = []
        loadTimes.append(try timed { table = try Table.load(path: orders, name: "orders", options: options).table })
        memory["rss_after_load_mb"] = Self.rssMB()
        memory["peak_rss_mb"] = Self.peakRSSMB()
        memory["engine_mb"] = Double(table.map(Self.bytes) ?? 0) / 1_048_576
        for _ in 1..<max(1, reps) {
            table = nil
            loadTimes.append(try timed { table = try Table.load(path: orders, name: "orders", options: options).table })
        }
        times["load_orders"] = loadTimes
        let schema = table?.columns.map { "\($0.name):\($0.type.rawValue)" } ?? []
        let rows = table?.rowCount ?? 0
        times["load_customers"] = try (0..<max(1, reps)).map { _ in try timed { _ = try Table.load(path: customers, name: "customers", options: options) } }

        // In-memory operations, as patron statements bound once and run by the engine.
        var firstRun: [String: Double] = [:]
        var answers: [String: Any] = ["orders_rows": rows]
        if let orders = table {
            var catalog = Catalog()
            catalog.add(orders)
            func bind(_ text: String) throws -> BoundStatement {
                let source = Source(name: "bench", text: text)
                guard let statement = Parser.parse(source).statements.first else { throw ValidationError("does not parse: \(text)") }
                return try Binder(catalog: catalog, source: source).bind(statement)
            }
            func op(_ name: String, _ body: () throws -> Void) rethrows {
                firstRun[name] = try timed(body)
                times[name] = try (0..<max(1, fastReps)).map { _ in try timed(body) }
            }
            // rfm: the columns DuckDB's query computes (recency, frequency, monetary, profit, first
            // order), as `only` asks for them; customers_all: every metric patron derives (extra work,
            // for the record).
            let derive = "customers from orders by customer_id as of 2025-01-01 with profit = amount - cost"
            guard case .customers(let spec) = try bind(derive + " only recency, frequency, monetary, profit, first_purchase"),
                  case .customers(let every) = try bind(derive) else { throw ValidationError("not a derivation") }
            var customers: Table? = nil
            try op("rfm") { customers = try Engine.deriveCustomers(spec).table }
            try op("customers_all") { _ = try Engine.deriveCustomers(every).table }
            catalog.add(customers!)
            answers["rfm_rows"] = customers!.rowCount
            guard case .rfm(let t, let r, let f, let m, let bins) = try bind("rfm bins 5") else { throw ValidationError("not rfm") }
            op("quintiles") { _ = Engine.rfm(t, recency: r, frequency: f, monetary: m, bins: bins) }
            guard case .segment(let segment) = try bind("segment where profit = high and frequency = low") else { throw ValidationError("not a segment") }
            var count = 0
            op("segment") { count = (try? Engine.segment(segment, on: MemoryRunner(segment.table)))?.count ?? -1 }
            answers["segment_count"] = count
            guard case .pareto(let pt, let pc, let a, let b) = try bind("pareto profit") else { throw ValidationError("not pareto") }
            var share = 0.0
            op("pareto") { share = Engine.pareto(pt, column: pc, a: a, b: b).headlineShare }
            answers["pareto_share"] = (share * 1e6).rounded() / 1e6
            catalog.use("orders")
            guard case .aggregate(let groupBy) = try bind("summarize count, sum(amount), sum(amount - cost), avg(amount) by region, channel") else { throw ValidationError("not a summary") }
            op("groupby") { _ = Engine.aggregate(groupBy) }
            // e2e_segment: the two statements an analyst would type, deriving only what the segment uses.
            guard case .customers(let few) = try bind(derive + " only frequency, profit") else { throw ValidationError("not a derivation") }
            var e2e = 0
            try op("e2e_segment") {
                let derived = try Engine.deriveCustomers(few).table
                var scratch = catalog
                scratch.add(derived)
                let source = Source(name: "bench", text: "segment where profit = high and frequency = low")
                if case .segment(let s)? = try? Binder(catalog: scratch, source: source).bind(Parser.parse(source).statements[0]) { e2e = (try? Engine.segment(s, on: MemoryRunner(s.table)))?.count ?? -1 }
            }
            answers["e2e_segment_count"] = e2e
        }

        let bytes = (try? FileManager.default.attributesOfItem(atPath: orders)[.size] as? Int) ?? 0
        let result: [String: Any] = [
            "system": "patron", "version": "0.1.0", "threads": used,
            "orders_file": orders, "orders_rows": rows, "orders_bytes": bytes,
            "times": times, "first_run": firstRun, "memory": memory,
            "answers": answers.merging(["orders_schema": schema]) { a, _ in a },
        ]
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    /// Resident memory now, from /proc/self/statm.
    static func rssMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return .nan }
        let pages = Double(text.split(separator: " ")[1]) ?? .nan
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    /// Peak resident memory (VmHWM), from /proc/self/status.
    static func peakRSSMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return .nan }
        return (Double(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? .nan) / 1024
    }

    /// The bytes a table's columns hold.
    static func bytes(_ table: Table) -> Int {
        table.columns.reduce(0) { total, column in
            let values: Int
            switch column.storage {
            case .integer(let v), .decimal(let v, _), .timestamp(let v): values = v.count * 8
            case .date(let v): values = v.count * 4
            case .boolean(let v): values = v.count
            case .text(let codes, let dictionary): values = codes.count * codes.width + dictionary.reduce(0) { $0 + $1.utf8.count + 16 }
            }
            return total + values + column.nulls.words.count * 8
        }
    }
}
