@testable import PatronDriver
@testable import PatronEngine
import PatronAnalysis
import PatronSQL
import PatronStore
import Testing

/// A level test over stored numbers is turned into one range of values; every value must get
/// the level the row-by-row lookup gives it.
struct LevelRangeTests {
    @Test(arguments: [0, 2, 4])
    func theRangeAgreesWithTheLookupRowByRow(scale: Int) {
        var random = SplitMix64(seed: UInt64(scale) + 7)
        for _ in 0..<200 {
            let count = Int(random.next() % 4) + 1
            let cuts = (0..<count).map { _ in Double(Int64(random.next() % 2_001) - 1_000) / 7 }.sorted()
            let lookup = LevelLookup(cuts)
            let divisor = [1.0, 100, 10_000][scale / 2]
            let values = (0..<300).map { _ in Int64(random.next() % 40_001) - 20_000 } + [.min, .max, 0]
            for level in 0...count {
                for op in [ComparisonOperatorCase.equal, .notEqual, .less, .greaterOrEqual] {
                    let passes = (0...count).map { op.test($0, level) }
                    guard let range = lookup.mantissas(passing: passes, scale: scale) else {
                        #expect(op == .notEqual && level > 0 && level < count)
                        continue
                    }
                    for m in values {
                        let expected = passes[lookup(Double(m) / divisor)]
                        #expect((range?.contains(m) ?? false) == expected, "cuts \(cuts) value \(m) scale \(scale)")
                    }
                }
            }
        }
    }
}

enum ComparisonOperatorCase { case equal, notEqual, less, greaterOrEqual
    func test(_ a: Int, _ b: Int) -> Bool {
        switch self {
        case .equal: return a == b
        case .notEqual: return a != b
        case .less: return a < b
        case .greaterOrEqual: return a >= b
        }
    }
}

/// Quantiles found by selection (the order statistics `QuantileParts` a plan reads, interpolated
/// once) must equal those read off the sorted values, bit for bit.
struct SelectionQuantileTests {
    @Test(arguments: [10, 1_000, 100_000])
    func selectionAgreesWithSorting(spread: Int64) {
        var random = SplitMix64(seed: UInt64(spread))
        for size in [1, 2, 3, 7, 100, 5_000] {
            var nulls = NullBitmap()
            let values = (0..<size).map { i -> Int64 in
                nulls.append(isNull: i % 11 == 5)
                // Negative and positive values, many repeats, and now and then an extreme one.
                if random.next() % 97 == 0 { return random.next() % 2 == 0 ? Int64.max / 3 : Int64.min / 3 }
                return Int64(random.next() % UInt64(2 * spread)) - spread
            }
            let column = Column(name: "x", storage: .decimal(values, scale: 2), nulls: nulls)
            let fractions = [(0, 1), (1, 5), (1, 3), (1, 2), (2, 3), (4, 5), (99, 100), (1, 1)]
            let sorted = column.sortedNumericValues()
            let found = column.quantileParts(fractions)
            #expect(found?.count == sorted.count)
            #expect(found?.parts.map { $0.value(scale: 2) } == fractions.compactMap { Quantile.linear(sorted, Double($0.0) / Double($0.1)) },
                    "size \(size) spread \(spread)")
        }
    }
}

/// Quantile positions are worked out in whole numbers, so a quantile that lands on a value is that
/// value (not a hair below it, as (n − 1) × 0.333… would give).
struct QuantilePositionTests {
    @Test func positionsAreExactForTheFractionsPatronUses() {
        for count in 1...200 {
            for denominator in [2, 3, 4, 5, 6, 7, 10, 100] {
                for k in 0...denominator {
                    let (lower, fraction) = Quantile.position(count: count, Double(k) / Double(denominator))
                    let h = (count - 1) * k
                    #expect(lower == (count > 1 ? h / denominator : 0), "count \(count), \(k)/\(denominator)")
                    #expect(fraction == (count > 1 ? Double(h % denominator) / Double(denominator) : 0))
                }
            }
        }
        // 7 values: the 1/3 quantile is the third value itself.
        #expect(Quantile.linear([10, 20, 30, 40, 50, 60, 70], 1.0 / 3.0) == 30)
        #expect(Quantile.linear([10, 20, 30, 40, 50, 60, 70], 2.0 / 3.0) == 50)
    }
}

/// A server's decimal text read back as the exact value memory computes, at the argument's scale.
@Test(arguments: [("12.50", 2, Int128(1250)), ("-0.5", 2, -50), ("12", 2, 1200), ("0", 0, 0), ("-7", 0, -7),
                  ("3.1400", 2, 314), ("170141183460469231731687303715884105727", 0, Int128.max)])
func serverDecimalTextIsReadExactly(text: String, scale: Int, mantissa: Int128) {
    #expect(AggregateText.exact(text, scale: scale) == mantissa)
}

/// Text that is not an exact decimal at that scale is refused, never rounded.
@Test(arguments: [("1.234", 2), ("abc", 0), ("1e5", 0), ("", 0), ("1.2.3", 2), ("170141183460469231731687303715884105727", 1), ("--1", 0)])
func serverDecimalTextThatDoesNotFitIsRefused(text: String, scale: Int) {
    #expect(AggregateText.exact(text, scale: scale) == nil)
}
