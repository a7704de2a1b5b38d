import PatronAnalysis
@testable import PatronDriver
@testable import PatronEngine
import PatronPlan
@testable import PatronSQL
import PatronStore
import PatronSyntax
import Testing

/// The logical plan and the SQL written from it, where the differential corpus does not look:
/// what the binder leaves to the backend, names that could clash, parts written once.
struct PlanTests {
    static func bind(_ text: String, over tables: [Table]) throws -> BoundStatement {
        var catalog = Catalog()
        for table in tables { catalog.add(table) }
        let source = Source(name: "t", text: text)
        let statement = try #require(Parser.parse(source).statements.first)
        return try Binder(catalog: catalog, source: source).bind(statement)
    }

    /// The binder reads no data: a level word's cut points are placeholders until the engine
    /// computes them when the statement runs, and then they are the textbook type-7 terciles.
    @Test func levelCutPointsAreTheBackendsToCompute() throws {
        let table = DemoData.customers()
        guard case .segment(let segment) = try Self.bind("segment where profit = high", over: [table]) else { Issue.record("not a segment"); return }
        let bound = try #require(segment.levels.first)
        #expect(!bound.isComputed && bound.basis == 0)
        let computed = bound.computed(over: table)
        let profit = try #require(table.columnIndex(named: "profit"))
        let sorted = table.columns[profit].sortedNumericValues()
        func type7(_ p: Double) -> Double {
            let h = Double(sorted.count - 1) * p, i = Int(h)
            return sorted[i] + (h - Double(i)) * (sorted[i + 1] - sorted[i])
        }
        #expect(computed.isComputed && computed.basis == sorted.count)
        // The same quantiles to the last few bits (the interpolation's rounding may differ by an ulp).
        #expect(zip(computed.cuts, [type7(1.0 / 3.0), type7(2.0 / 3.0)]).allSatisfy { abs($0 - $1) <= 1e-9 * abs($1) } && computed.cuts.count == 2)
        #expect(try Engine.segment(segment, on: MemoryRunner(table)).levels == [computed])
    }

    /// A rank lowers to a comparison with one order statistic, read from its own cut (no lookup).
    @Test func aRankLowersToOneOrderStatistic() throws {
        let table = DemoData.customers()
        guard case .segment(let segment) = try Self.bind("segment where profit = top 20%", over: [table]) else { Issue.record("not a segment"); return }
        let scan = Plan.table(table)
        let scalar = try Lowering(scan, levels: segment.levels).condition(segment.condition)
        let profit = try #require(table.columnIndex(named: "profit"))
        let set = OrderStatistics(of: scan, column: profit, fractions: [.init(80, 100)])
        #expect(scalar == .compare(.column(profit), .greaterOrEqual, .statistic(set, .cut(1))))
    }

    /// A column whose name starts like the statistics' names pushes them aside (`q__`), so a
    /// user's `q_lo1` is never an ambiguous reference beside them.
    @Test func statisticsNeverShareANameWithAColumn() throws {
        let column = Column(name: "q_lo1", storage: .integer([1, 2, 3, 4, 5, 6]), nulls: NullBitmap(count: 6))
        let table = Table(name: "t", columns: [column], rowCount: 6, origin: .scratch)
        guard case .segment(let segment) = try Self.bind("segment where q_lo1 = high", over: [table]) else { Issue.record("not a segment"); return }
        let sql = try SQLCompiler(dialect: .duckdb).segment(segment)
        #expect(sql.contains("AS q__lo1") && sql.contains("q1.q__cut2") && !sql.contains("q1.q_lo1"), "\(sql)")
    }

    /// A part of a plan read twice is written once: each date's customers in `transitions` are a
    /// common table that both its cut points and its labels read.
    @Test func aDerivationReadTwiceIsOneCommonTable() throws {
        let orders = DemoData.orders()
        guard case .customers(let spec) = try Self.bind("customers from demo_orders by customer_id with profit = amount - cost", over: [orders]) else {
            Issue.record("not a derivation"); return
        }
        let plan = try Lowered.transitions(spec, from: 19_900, to: 20_000, by: .matrix)
        let sql = try SQLCompiler(dialect: .postgres).write(plan, comment: nil, from: nil)
        #expect(sql.components(separatedBy: "\nw1 AS (").count == 2 && sql.components(separatedBy: "\nw2 AS (").count == 2, "\(sql)")
        #expect(!sql.contains("\nw3 AS ("))
        #expect(sql.contains("FROM w1 WHERE") && sql.contains("FROM w2 WHERE"))
        #expect(sql.contains("LEFT JOIN"))
    }

    /// An aggregate read back as text is typed as text in the plan's schema, but a sort by it
    /// orders the values (a counting summary sorted by sum(profit) sorted the text once).
    @Test func aSortByAnAggregateReadAsTextOrdersTheValues() throws {
        let table = DemoData.customers()
        guard case .aggregate(let query) = try Self.bind("summarize count, sum(profit) by region sort by sum(profit) desc top 3", over: [table]) else {
            Issue.record("not a summary"); return
        }
        let (plan, _) = try Lowered.summary(query, counting: true)
        #expect(plan.schema.fields.map(\.type).prefix(3) == [.text, .text, .text])
        let sql = try SQLCompiler(dialect: .postgres).compile(query, text: "", counting: true).sql
        #expect(sql.contains("ORDER BY sum(\"profit\") DESC NULLS LAST"), "\(sql)")
    }
}

/// A statement is read back from its plan's answer by one function, whichever backend ran it:
/// memory's typed answer, and the same answer as a server sends it (every value as text, read
/// back by the plan's schema), give the same result to the last digit.
struct AnswerTests {
    /// Memory's answers, passed through text as a server's are.
    struct TextRunner: PlanRunner {
        let memory: MemoryRunner

        func answer(_ plan: Plan) throws -> Answer {
            let typed = try memory.answer(plan)
            let text = typed.rows.map { row in row.map { value -> String? in
                switch value {
                case .number(let m, let scale): return ExactDecimal(mantissa: m, scale: scale).text
                case .real(let r): return String(r)
                case .text(let t): return t
                case .boolean(let b): return b ? "t" : "f"
                case .date, .timestamp: return nil
                case .null: return nil
                }
            } }
            return Answer(text: text, schema: plan.schema)
        }

        func check(_ levels: [LevelCuts], emptyAllowed: Bool) throws {}

        func summary(_ query: BoundAggregateQuery, text: String) throws -> AggregateResult { try memory.summary(query, text: text) }
    }

    @Test func aSegmentReadsTheSameFromTypedValuesAndFromText() throws {
        let table = DemoData.customers()
        guard case .segment(let segment) = try PlanTests.bind("segment where profit = high and loyalty != low or recency = top 10%", over: [table]) else {
            Issue.record("not a segment"); return
        }
        let typed = try Engine.segment(segment, on: MemoryRunner(table))
        let text = try Engine.segment(segment, on: TextRunner(memory: MemoryRunner(table)))
        #expect(typed.count == text.count && typed.total == text.total && typed.profitShare == text.profitShare)
        #expect(typed.levels == text.levels && typed.levels.allSatisfy(\.isComputed) && typed.count > 0)
    }

    @Test func aFrameworkReadsTheSameFromTypedValuesAndFromText() throws {
        let table = DemoData.customers()
        for statement in ["matrix profit by loyalty", "tiers profit", "lifecycle"] {
            let bound = try PlanTests.bind(statement, over: [table])
            let typed = try #require(try Engine.framework(bound, on: MemoryRunner(table)))
            let text = try #require(try Engine.framework(bound, on: TextRunner(memory: MemoryRunner(table))))
            switch (typed, text) {
            case (.matrix(let a), .matrix(let b)):
                #expect(a.counts == b.counts && a.profit == b.profit && a.cuts == b.cuts && a.missing == b.missing && a.scope == table.rowCount - a.missing)
            case (.tiers(let a), .tiers(let b)):
                #expect(a.counts == b.counts && a.values == b.values && a.cuts == b.cuts && a.counts.reduce(0, +) == a.scope)
            case (.lifecycle(let a), .lifecycle(let b)):
                #expect(a.counts == b.counts && a.values == b.values && a.scope > 0)
            default:
                Issue.record("\(statement): not a framework's result")
            }
        }
    }
}

/// Memory's general side (`MemoryRunner.relation`): every plan node made into a table, checked
/// by hand on a few orders and against the statement paths and the gathering it stands beside.
struct MemoryPlanTests {
    /// Five orders: two of customer 1, one of 2, one of 3 with no region, one with no customer.
    static let orders: Table = {
        var nulls = NullBitmap(), regionNulls = NullBitmap()
        for row in 0..<5 { nulls.append(isNull: row == 4); regionNulls.append(isNull: row == 3) }
        return Table(name: "orders", columns: [
            Column(name: "id", storage: .integer([1, 1, 2, 3, 0]), nulls: nulls),
            Column(name: "region", storage: .text(codes: [0, 0, 1, 0, 1], dictionary: ["north", "south"]), nulls: regionNulls),
            Column(name: "amount", storage: .decimal([10_000, 25_050, 30_000, 5_000, 1_000], scale: 2), nulls: NullBitmap(count: 5)),
        ], rowCount: 5, origin: .scratch)
    }()
    /// Customers 1 and 2 with a tier; customer 3 has none.
    static let tiers = Table(name: "tiers", columns: [
        Column(name: "customer", storage: .integer([2, 1]), nulls: NullBitmap(count: 2)),
        Column(name: "tier", storage: .text(codes: [0, 1], dictionary: ["gold", "silver"]), nulls: NullBitmap(count: 2)),
    ], rowCount: 2, origin: .scratch)

    static func number(_ m: Int128, _ scale: Int = 0) -> Literal { .number(m, scale: scale) }

    @Test func aGroupedAggregateCountsSumsAndOrdersEachGroup() throws {
        let scan = Plan.table(Self.orders)
        let plan = Plan.sort(.aggregate(scan, groups: [Output("region", .column(1))], values: [
            AggregateOutput("orders", AggregateCall(.count)), AggregateOutput("amount", AggregateCall(.sum, .column(2))),
            AggregateOutput("customers", AggregateCall(.countDistinct, .column(0))), AggregateOutput("smallest", AggregateCall(.min, .column(2))),
            AggregateOutput("big", AggregateCall(.count, filter: .compare(.column(2), .greater, .literal(Self.number(20_000, 2))))),
        ]), [SortKey(0)])
        let answer = try MemoryRunner(Self.orders).answer(plan)
        // north: orders 0, 1, 3; south: 2, 4; the null region sorts last in its own group.
        #expect(answer.rows == [
            [.text("north"), Self.number(2), Self.number(35_050, 2), Self.number(1), Self.number(10_000, 2), Self.number(1)],
            [.text("south"), Self.number(2), Self.number(31_000, 2), Self.number(1), Self.number(1_000, 2), Self.number(1)],
            [.null, Self.number(1), Self.number(5_000, 2), Self.number(1), Self.number(5_000, 2), Self.number(0)],
        ])
    }

    @Test func aJoinKeepsOrDropsTheRowsWithNoMatch() throws {
        let runner = MemoryRunner(Self.orders, others: [Self.tiers])
        for keep in [true, false] {
            let joined = Plan.project(.join(.table(Self.orders), .table(Self.tiers), on: [.init(0, 0)], keepUnmatched: keep),
                                      [Output("id", .column(0)), Output("tier", .column(4))])
            let answer = try runner.answer(joined)
            let expected: [[Literal]] = [[Self.number(1), .text("silver")], [Self.number(1), .text("silver")], [Self.number(2), .text("gold")]]
            // Customer 3 has no tier and the last order no customer (a null key never matches).
            #expect(answer.rows == (keep ? expected + [[Self.number(3), .null], [.null, .null]] : expected))
        }
    }

    @Test func aWindowSumsTheRowsBeforeEachAndAUnionAppends() throws {
        let scan = Plan.table(Self.orders)
        let window = Plan.window(scan, [WindowOutput("before", AggregateCall(.sum, .column(2)), .before([SortKey(2, .descending)])),
                                        WindowOutput("all", AggregateCall(.count), .whole)])
        let answer = try MemoryRunner(Self.orders).answer(.project(window, [Output("before", .column(3)), Output("all", .column(4))]))
        // Amounts 100, 250.50, 300, 50, 10: the rows above each in descending order.
        #expect(answer.rows.map { $0[0] } == [Self.number(55_050, 2), Self.number(30_000, 2), Self.number(0, 2), Self.number(65_050, 2), Self.number(70_050, 2)])
        #expect(answer.rows.allSatisfy { $0[1] == Self.number(5) })
        let twice = try MemoryRunner(Self.orders).answer(.union([.project(scan, [Output("id", .column(0))]), .limit(.project(scan, [Output("id", .column(0))]), 1)]))
        #expect(twice.rows.count == 6 && twice.rows.last == [Self.number(1)])
    }

    /// The statement paths and the general side answer a framework's plan alike.
    @Test func theGeneralSideAnswersAFrameworkAsTheStatementPathDoes() throws {
        let table = DemoData.customers()
        for statement in ["matrix profit by loyalty", "tiers profit", "lifecycle"] {
            let (scan, segmenting) = try Lowered.segmenting(try PlanTests.bind(statement, over: [table]))
            let plan = Lowered.framework(scan, segmenting, counting: true)
            let runner = MemoryRunner(table)
            #expect(try runner.generalAnswer(plan).rows == runner.answer(plan).rows, "\(statement)")
        }
    }

    /// The gathering gives the per-customer aggregate the general side makes, value for value.
    @Test func theGatheringAndTheGeneralAggregateDeriveTheSameCustomers() throws {
        let orders = DemoData.orders()
        for text in ["customers from demo_orders by customer_id with profit = amount - cost",
                     "customers from demo_orders by customer_id only frequency, monetary",
                     "customers from demo_orders by customer_id as of 2024-06-30 only recency, tenure",
                     // Metrics of the analyst's own: made a slot at a time beside the gathering.
                     "customers from demo_orders by customer_id with profit = amount - cost, c = count(cost) where channel = \"online\", "
                        + "d = count(distinct order_date), lo = min(amount) where amount > 50, hi = max(order_date) where cost > 20, "
                        + "s = sum(cost) where channel = \"store\", t = sum(amount * 2) - sum(cost), sh = share() where amount > 100"] {
            guard case .customers(let spec) = try PlanTests.bind(text, over: [orders]) else { Issue.record("not a derivation"); return }
            let plan = try Lowered.customers(spec)
            guard case .sort(.project(.aggregate(.filter(let scan, let used), let groups, let values), let outputs), let keys) = plan else {
                Issue.record("a derivation's plan changed shape"); return
            }
            // A filter under the filter: not the gathering's shape, so the general side makes it.
            let general = Plan.sort(.project(.aggregate(.filter(.filter(scan, .literal(.boolean(true))), used), groups: groups, values: values), outputs), keys)
            let runner = MemoryRunner(orders)
            let (gathered, made) = (try runner.answer(plan), try runner.answer(general))
            #expect(gathered.names == made.names && gathered.rows == made.rows && gathered.rows.count > 100, "\(text)")
            let firstDiffering = zip(gathered.rows, made.rows).first { $0 != $1 }
            #expect(firstDiffering == nil, "\(text): \(String(describing: firstDiffering))")
        }
    }
}

extension MemoryPlanTests {
    /// Cohorts' plan (what SQL and a server run), answered by memory's general side, lays out
    /// the table memory's own operator makes: every period and measure, to the last cent.
    @Test func cohortsPlanAgreesWithMemorysOwnOperator() throws {
        let orders = DemoData.orders()
        guard case .customers(let spec) = try PlanTests.bind("customers from demo_orders by customer_id with profit = amount - cost", over: [orders]) else {
            Issue.record("not a derivation"); return
        }
        for p in CohortPeriod.allCases {
            for m in CohortMeasure.allCases {
                let text = "cohorts by \(p.rawValue) of \(m.rawValue)"
                let own = Engine.cohorts(spec, period: p, measure: m)
                let planned = try Engine.cohorts(spec, period: p, measure: m, on: MemoryRunner(orders))
                #expect(own.asOf == planned.asOf && own.leftOut == planned.leftOut && own.lastPeriodComplete == planned.lastPeriodComplete, "\(text)")
                #expect(own.cohorts.map(\.label) == planned.cohorts.map(\.label) && own.cohorts.map(\.customers) == planned.cohorts.map(\.customers), "\(text)")
                let apart = zip(own.cohorts, planned.cohorts).flatMap { zip($0.values, $1.values).map { abs($0 - $1) } }.max() ?? 0
                #expect(apart < 1e-6 && own.cohorts.count > 3, "\(text): values differ by \(apart)")
            }
        }
    }
}
