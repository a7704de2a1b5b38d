import PatronAnalysis
import PatronDriver
import PatronEngine
import PatronStore
import PatronSyntax
import Testing

/// Segment counts on the demo data against a naive, independent computation.
struct SegmentOracleTests {
    static let table = DemoData.customers()
    static let numeric = ["recency", "frequency", "monetary", "profit", "loyalty"]

    /// Values of a column as doubles, straight from the storage.
    func values(_ name: String) -> [Double?] {
        let column = Self.table.columns[Self.table.columnIndex(named: name)!]
        return (0..<Self.table.rowCount).map { column.doubleValue($0) }
    }

    /// The tercile level of every row, computed the slow obvious way.
    func naiveLevels(_ name: String) -> [Int?] {
        let v = values(name)
        let sorted = v.compactMap { $0 }.sorted()
        func quantile(_ p: Double) -> Double {
            let h = Double(sorted.count - 1) * p
            let i = Int(h)
            return i + 1 < sorted.count ? sorted[i] + (h - Double(i)) * (sorted[i + 1] - sorted[i]) : sorted[i]
        }
        let low = quantile(1.0 / 3.0), high = quantile(2.0 / 3.0)
        return v.map { x in x.map { $0 <= low ? 0 : ($0 >= high ? 2 : 1) } }
    }

    func count(_ condition: String) throws -> Int {
        var catalog = Catalog()
        catalog.add(Self.table)
        let source = Source(name: "t", text: "segment where " + condition)
        let parsed = Parser.parse(source)
        let statement = try #require(parsed.statements.first)
        guard case .segment(let segment) = try Binder(catalog: catalog, source: source).bind(statement) else {
            Issue.record("not a segment")
            return -1
        }
        return try Engine.segment(segment, on: MemoryRunner(segment.table)).count
    }

    @Test(arguments: SegmentOracleTests.numeric)
    func everyPairOfLevels(_ first: String) throws {
        let words = ["low", "medium", "high"]
        let a = naiveLevels(first)
        for second in Self.numeric where second != first {
            let b = naiveLevels(second)
            for i in 0..<3 {
                for j in 0..<3 {
                    let expected = zip(a, b).filter { $0 == i && $1 == j }.count
                    #expect(try count("\(first)=\(words[i]) and \(second)=\(words[j])") == expected, "\(first)=\(words[i]) and \(second)=\(words[j])")
                    let either = zip(a, b).filter { $0 == i || $1 == j }.count
                    #expect(try count("\(first)=\(words[i]) or \(second)=\(words[j])") == either)
                }
            }
        }
    }

    @Test func numericComparisonsAgreeWithDoubles() throws {
        let profit = values("profit")
        for threshold in [-100.0, 0, 0.01, 99.99, 250.5, 1_000, 5_000] {
            #expect(try count("profit > \(threshold)") == profit.filter { ($0 ?? -.infinity) > threshold }.count)
            #expect(try count("profit <= \(threshold)") == profit.filter { $0 != nil && $0! <= threshold }.count)
        }
        let channel = Self.table.columns[Self.table.columnIndex(named: "channel")!]
        let nonNullOnline = (0..<Self.table.rowCount).filter { !channel.isNull($0) && text(of: channel, $0) != "online" }.count
        #expect(try count("channel != \"online\"") == nonNullOnline, "nulls are neither equal nor unequal")
    }

    private func text(of column: Column, _ row: Int) -> String {
        guard case .text(let codes, let dictionary) = column.storage else { return "" }
        return dictionary[Int(codes[row])]
    }
}
