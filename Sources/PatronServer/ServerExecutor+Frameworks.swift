import PatronAnalysis
import PatronEngine
import PatronPostgres
import PatronSQL
import PatronStore

extension ServerExecutor {
    /// `explain SEGMENT`: the segment's size, and where its rows fall in the matrix, the
    /// lifecycle (`Engine.portrait`, each one query) and the RFM segments (one summary).
    func explain(_ definition: SegmentDefinition, _ bound: BoundSegment, columns: FrameworkColumns, text: String) throws -> SegmentExplanation {
        let segment = try Engine.segment(bound, on: self)
        let portrait = try Engine.portrait(of: bound, count: segment.count, columns: columns, on: self) {
            guard let rfm = columns.rfmSegment else { return [] }
            let summary = try self.summary(BoundAggregateQuery.counting(bound.table, by: [rfm], within: bound.condition), text: text)
            return summary.rows.compactMap { row -> (name: String, count: Int)? in
                let column = summary.table.columns[0], r = row.representative
                guard !column.isNull(r), case .text(let codes, let dictionary) = column.storage, Int(codes[r]) < dictionary.count,
                      case .count(let n)? = row.values.first else { return nil }
                return (dictionary[Int(codes[r])], n)
            }
        }
        return SegmentExplanation(name: definition.name, definition: definition.text, segment: segment, portrait: portrait)
    }
}

extension ServerExecutor {
    /// `pareto METRIC`: the classes, the total, the headline's group and the curve's groups come
    /// back as exact text, and the sums are finished as in memory.
    func pareto(_ table: Table, column: Int, a: Double, b: Double, text: String) throws -> ParetoResult {
        let sql = try compiler.framework(.pareto(table, column: column, a: a, b: b), text: text, from: remote.from, counting: true)
        let answer = try rows(sql)
        let scale = table.columns[column].decimalScale
        func exact(_ text: String?) throws -> Int128 {
            guard let text, let value = AggregateText.exact(text, scale: scale) else {
                throw AggregateText.Unreadable(message: "the server answered '\(text ?? "null")' in a Pareto split, which patron cannot read exactly")
            }
            return value
        }
        // The rows of a UNION come in no stated order: read the total first.
        let rows = answer.filter { $0.count == 5 }
        let totals = rows.first { $0[0] == "total" }
        let n = Int(totals?[2] ?? "") ?? 0, total = totals?[3] == nil ? 0 : try exact(totals?[3])
        var counts = [0, 0, 0], sums: [Int128] = [0, 0, 0], headline: Int? = nil
        var points: [(position: Int, cumulative: Int128)] = []
        for row in rows {
            let count = Int(row[2] ?? "") ?? 0
            switch row[0] {
            case "class":
                guard let k = ["A", "B", "C"].firstIndex(of: row[1] ?? "") else { continue }
                (counts[k], sums[k]) = (count, try exact(row[3]))
            case "headline":
                headline = count + ParetoCutoff(a).rowsToReach(from: try exact(row[3]), of: total, each: try exact(row[4]))
            case "point":
                guard let position = Int(row[1] ?? "") else { continue }
                points.append((position, try exact(row[3]) + Int128(position - count) * (try exact(row[4]))))
            default:
                continue
            }
        }
        let curve = points.sorted { $0.position < $1.position }.map { point in
            (rows: Double(point.position) / Double(max(n, 1)), value: total > 0 ? Double(point.cumulative) / Double(total) : 0)
        }
        let divisor = powerOfTen(scale)
        return ParetoResult(table: table, column: column, a: a, b: b, counts: counts, values: sums.map { Double($0) / divisor },
                            total: Double(total) / divisor, headlineShare: n == 0 ? 0 : Double(headline ?? n) / Double(n), curve: curve, scope: n)
    }
}
