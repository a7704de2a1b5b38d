import Foundation
import PatronStore

/// A deterministic synthetic retail customer table, built into the binary.
///
/// 3,000 customers with English and Chinese names, a region and a channel, and metrics that
/// behave like real ones: a few customers bring most of the profit, some cost money, frequent
/// buyers are more loyal and more recent.
public enum DemoData {
    /// The demo table's name.
    public static let tableName = "demo"
    /// How many customers it holds.
    public static let customerCount = 3_000
    /// The as-of date its recency is measured to.
    public static let asOf = "2024-12-31"

    /// The demo tables, built once per process: tables never change once made, so every session
    /// can start from the same ones.
    static let sharedCustomers = customers(), sharedOrders = orders()

    /// Builds the table; the same every time.
    public static func customers() -> Table {
        var random = SplitMix64(seed: 20_240_601)
        let englishFirst = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Oliver", "Sophia", "Elijah", "Mia", "James",
                            "Amelia", "Lucas", "Harper", "Mason", "Evelyn", "Ethan", "Chloé", "Zoë", "Mateo", "Aisha"]
        let englishLast = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Roberts", "Walker",
                           "O'Brien", "Kowalski", "García", "Müller", "Nguyen", "Patel", "Şahin", "Okafor", "Larsen", "Rossi"]
        let chineseSurname = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"]
        let chineseGiven = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "建华", "晓东", "丽娟", "志强"]
        let regions = ["North", "South", "East", "West", "Central"]
        let channels = ["store", "online", "app", "phone"]
        let asOfDay = CalendarDate.dayNumber(year: 2024, month: 12, day: 31)!

        var ids: [Int64] = [], recency: [Int64] = [], frequency: [Int64] = []
        var monetary: [Int64] = [], profit: [Int64] = [], loyalty: [Int64] = [], since: [Int32] = []
        var names = TextDictionaryBuilder(), regionCodes = TextDictionaryBuilder(), channelCodes = TextDictionaryBuilder()
        var nameColumn: [UInt32] = [], regionColumn: [UInt32] = [], channelColumn: [UInt32] = []
        var channelNulls = NullBitmap()

        for i in 0..<customerCount {
            ids.append(Int64(10_001 + i))
            let name: String
            if random.chance(0.3) {
                name = random.pick(chineseSurname) + random.pick(chineseGiven)
            } else {
                name = random.pick(englishFirst) + " " + random.pick(englishLast)
            }
            nameColumn.append(names.code(of: name))
            regionColumn.append(regionCodes.code(of: random.pick(regions)))
            let channelMissing = random.chance(0.02)
            channelNulls.append(isNull: channelMissing)
            channelColumn.append(channelMissing ? 0 : channelCodes.code(of: random.pick(channels)))

            // Engagement drives everything else: orders, recency, loyalty.
            let engagement = random.unit()
            let orders = 1 + Int64(pow2(engagement * 5.5)) + Int64(random.below(3))
            frequency.append(orders)
            let tenureDays = 30 + Int64(random.below(1_400))
            since.append(asOfDay - Int32(tenureDays))
            let lastGap = Int64((1 - engagement) * (1 - engagement) * Double(min(tenureDays, 720))) + Int64(random.below(15))
            recency.append(min(lastGap, tenureDays))
            // Loyalty follows engagement only loosely: some big spenders buy in bursts (butterflies),
            // some small spenders come every month (barnacles).
            let regularity = 0.45 * engagement + 0.55 * random.unit()
            let activeMonths = min(12, max(1, Int64((regularity * 12 + random.unit() * 2 - 1).rounded())))
            loyalty.append(activeMonths * 100 / 12)

            // Basket size is log-normal-ish; margins vary; service cost can make a customer unprofitable.
            let basketCents = Int64(1_500 + 9_000 * pow2(random.unit() * 3) * (0.5 + random.unit()))
            let spend = basketCents * orders
            monetary.append(spend)
            let marginPercent = Int64(8 + random.below(30))
            let serviceCents = orders * Int64(300 + random.below(900)) + (random.chance(0.08) ? Int64(5_000 + random.below(20_000)) : 0)
            profit.append(spend * marginPercent / 100 - serviceCents)
        }

        let n = customerCount
        let demo = TypeEvidence.builtIn("built-in demo data")
        let columns = [
            Column(name: "customer_id", storage: .integer(ids), nulls: NullBitmap(count: n), evidence: demo),
            Column(name: "name", storage: .text(codes: TextCodes(nameColumn, dictionarySize: names.count), dictionary: names.strings()), nulls: NullBitmap(count: n), evidence: demo),
            Column(name: "region", storage: .text(codes: TextCodes(regionColumn, dictionarySize: regionCodes.count), dictionary: regionCodes.strings()), nulls: NullBitmap(count: n), evidence: demo),
            Column(name: "channel", storage: .text(codes: TextCodes(channelColumn, dictionarySize: channelCodes.count), dictionary: channelCodes.strings()), nulls: channelNulls, evidence: demo),
            Column(name: "since", storage: .date(since), nulls: NullBitmap(count: n), evidence: .builtIn("first purchase date")),
            Column(name: "recency", storage: .integer(recency), nulls: NullBitmap(count: n), evidence: .builtIn("days from the last purchase to \(asOf)")),
            Column(name: "frequency", storage: .integer(frequency), nulls: NullBitmap(count: n), evidence: .builtIn("number of orders")),
            Column(name: "monetary", storage: .decimal(monetary, scale: 2), nulls: NullBitmap(count: n), evidence: .builtIn("total spend")),
            Column(name: "profit", storage: .decimal(profit, scale: 2), nulls: NullBitmap(count: n), evidence: .builtIn("spend × margin − cost to serve")),
            Column(name: "loyalty", storage: .decimal(loyalty, scale: 2), nulls: NullBitmap(count: n), evidence: .builtIn("share of the last 12 months with a purchase")),
        ]
        let table = Table(name: tableName, columns: columns, rowCount: n, origin: .demo)
        table.checkInvariants()
        return table
    }

    /// The demo order log's name.
    public static let ordersName = "demo_orders"

    /// A deterministic order log drawn from the models `clv` fits (as scripts/make-retention-orders
    /// draws the example's): 1,500 customers join over 2023; while active each buys at a
    /// gamma-distributed rate (r = 0.75, α = 60 days) and after each repeat purchase drops out
    /// with a beta-distributed probability (a = 0.9, b = 5); amounts are gamma(5, ν) with ν
    /// gamma(4, 60), costs 55–85% of them. Orders run to 2024-12-31.
    public static func orders() -> Table {
        var random = SplitMix64(seed: 20_241_231)
        let start = CalendarDate.dayNumber(year: 2023, month: 1, day: 1)!, end = CalendarDate.dayNumber(year: 2024, month: 12, day: 31)!
        var rows: [(day: Int32, customer: Int64, amount: Int64, cost: Int64, channel: Int)] = []
        for customer in Int64(1_001)...2_500 {
            let joined = start + Int32(random.below(365))
            let rate = random.gamma(0.75) / 60, dropout = random.beta(0.9, 5), scale = random.gamma(4) / 60
            let channel = random.below(3)
            var day = joined
            while day <= end {
                let amount = Int64((random.gamma(5) / scale * 100).rounded())
                let cost = Int64((Double(amount) * (0.55 + 0.3 * random.unit())).rounded())
                if day != joined && random.unit() < dropout { break }
                rows.append((day, customer, max(1, amount), cost, channel))
                let gap = -Foundation.log(1 - random.unit()) / max(rate, 1e-9)
                day += Int32(max(1, min(10_000, gap.rounded())))
            }
        }
        rows.sort { ($0.day, $0.customer) < ($1.day, $1.customer) }
        let n = rows.count, channels = ["store", "online", "app"]
        let evidence = TypeEvidence.builtIn("built-in demo orders")
        let columns = [
            Column(name: "order_id", storage: .integer((1...Int64(max(1, n))).prefix(n).map { $0 }), nulls: NullBitmap(count: n), evidence: evidence),
            Column(name: "customer_id", storage: .integer(rows.map(\.customer)), nulls: NullBitmap(count: n), evidence: evidence),
            Column(name: "order_date", storage: .date(rows.map(\.day)), nulls: NullBitmap(count: n), evidence: evidence),
            Column(name: "amount", storage: .decimal(rows.map(\.amount), scale: 2), nulls: NullBitmap(count: n), evidence: evidence),
            Column(name: "cost", storage: .decimal(rows.map(\.cost), scale: 2), nulls: NullBitmap(count: n), evidence: evidence),
            Column(name: "channel", storage: .text(codes: TextCodes(rows.map { UInt32($0.channel) }, dictionarySize: channels.count), dictionary: channels),
                   nulls: NullBitmap(count: n), evidence: evidence),
        ]
        let table = Table(name: ordersName, columns: columns, rowCount: n, origin: .demo)
        table.checkInvariants()
        return table
    }

    private static func pow2(_ x: Double) -> Double {
        var result = 1.0
        var e = x
        while e >= 1 { result *= 2; e -= 1 }
        return result * (1 + e * 0.6931471805599453 + e * e * 0.2402265069591007)
    }
}

/// A small, fast, seedable generator (Steele, Lea & Flood's SplitMix64): the same seed gives the same data everywhere.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A uniform integer in 0..<bound.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func chance(_ p: Double) -> Bool { unit() < p }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// A standard normal value (Box–Muller).
    mutating func normal() -> Double {
        let u = 1 - unit(), v = unit()
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }

    /// A gamma(shape, 1) value (Marsaglia and Tsang; below shape 1 by the boost U^(1/shape)).
    mutating func gamma(_ shape: Double) -> Double {
        if shape < 1 { return gamma(shape + 1) * Foundation.pow(1 - unit(), 1 / shape) }
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let x = normal(), v = (1 + c * x) * (1 + c * x) * (1 + c * x)
            guard v > 0 else { continue }
            if Foundation.log(1 - unit()) < 0.5 * x * x + d - d * v + d * Foundation.log(v) { return d * v }
        }
    }

    /// A beta(a, b) value.
    mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(a), y = gamma(b)
        return x / (x + y)
    }
}
