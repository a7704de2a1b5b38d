import PatronEngine
import PatronModels
import PatronStore

extension Presenter {
    /// `clv`: both models' parameters with their standard errors, the fit's facts, the columns
    /// added, and with `until` the check on the later orders.
    func clv(_ c: CLVResult) -> Presentation {
        let unit = c.unitDays == 7 ? say("weeks", zh: "周") : say("days", zh: "天")
        let upTo = CalendarDate.isoString(c.calibrationEnd)
        let fields = [Field("model", heading: w("model")), Field("parameter", heading: w("parameter")),
                      Field("estimate", heading: w("estimate"), .right), Field("std_error", heading: w("std. error"), .right)]
        func rows(_ model: String, _ names: [String], _ fit: ModelFit) -> [[Cell]] {
            zip(names, zip(fit.parameters, fit.standardErrors)).map { name, pair in
                // A parameter that ran off to the edge of its range is shown as where it was heading.
                let estimate: Cell = pair.0 > 1e6 ? Cell(Cell.real(pair.0), display: "→ ∞") : pair.0 < 1e-6 ? Cell(Cell.real(pair.0), display: "→ 0")
                    : .number(pair.0, digits: 4)
                return [.text(model), .text(name), estimate, pair.1.map { .number($0, digits: 4) } ?? .null("—")]
            }
        }
        var table = rows(c.model.title, c.model.parameterNames, c.purchases)
        if let spend = c.spend { table += rows("Gamma-Gamma", ["p", "q", "gamma"], spend) }
        let fit = c.purchases, title = c.model.title
        let headline = say("\(title) fit on \(NumberFormat.grouped(fit.customers)) customers of '\(c.table.name)' (orders up to \(upTo), time in \(unit)): "
                           + (fit.converged ? "converged after \(fit.iterations) iterations" : "NO FIT after \(fit.iterations) iterations")
                           + ", log-likelihood \(NumberFormat.fixed(fit.logLikelihood, digits: 2))",
                           zh: "\(title) 模型拟合 '\(c.table.name)' 的 \(NumberFormat.grouped(fit.customers)) 位客户（订单截至 \(upTo)，时间单位：\(unit)）："
                           + (fit.converged ? "\(fit.iterations) 次迭代后收敛" : "\(fit.iterations) 次迭代后未得到拟合") + "，对数似然 \(NumberFormat.fixed(fit.logLikelihood, digits: 2))")
        var facts = clvFacts(c)
        var blocks: [Presentation.Block] = [.line(headline), .table(bars: nil)] + fitNotes(c).map { .line($0) }
        if let v = c.validation {
            let (check, chart, weekly, data) = validation(v, from: upTo)
            blocks += [.line(check), .chart(chart), .line(weekly.0), .chart(weekly.1)]
            facts.append(.init("validation", data))
        }
        return Presentation(kind: "clv", fields: fields, rows: table, facts: facts, blocks: blocks)
    }

    /// What a reader must know of a fit besides its parameters: problems, the spend model, the
    /// spend model's assumption, who was left out, and the columns added.
    private func fitNotes(_ c: CLVResult) -> [String] {
        let fit = c.purchases, upTo = CalendarDate.isoString(c.calibrationEnd)
        var notes: [String] = []
        if let problem = fit.problem { notes.append(self.problem(problem, model: c.model.title) + say("; no columns were added", zh: "；未添加任何列")) }
        if let spend = c.spend {
            notes.append(say("Gamma-Gamma spend model on \(NumberFormat.grouped(spend.customers)) repeat customers: "
                             + (spend.converged ? "converged" : "NO FIT") + ", log-likelihood \(NumberFormat.fixed(spend.logLikelihood, digits: 2))",
                             zh: "Gamma-Gamma 消费模型，基于 \(NumberFormat.grouped(spend.customers)) 位回头客：" + (spend.converged ? "已收敛" : "未得到拟合")
                             + "，对数似然 \(NumberFormat.fixed(spend.logLikelihood, digits: 2))"))
            if let problem = spend.problem {
                notes.append(self.problem(problem, model: "Gamma-Gamma") + say("; expected_spend and clv stay empty", zh: "；expected_spend 与 clv 为空"))
            }
        } else {
            notes.append(say("no spend model: fewer than two repeat customers spent a positive amount, so expected_spend and clv stay empty",
                             zh: "没有消费模型：有正消费的回头客不足两位，expected_spend 和 clv 为空"))
        }
        if let r = c.spendCorrelation {
            let text = NumberFormat.fixed(r, digits: 2)
            notes.append(abs(r) >= 0.3
                ? say("warning: repeat purchases and mean spend are correlated (r = \(text)); the spend model assumes they are not, so expected_spend and clv lean on a broken assumption",
                      zh: "警告：回购次数与平均消费相关（r = \(text)）；消费模型假设二者无关，expected_spend 和 clv 的前提不成立")
                : say("repeat purchases and mean spend: correlation \(text) (the spend model assumes none)", zh: "回购次数与平均消费的相关系数 \(text)（消费模型假设为零）"))
        }
        if c.orders > c.purchaseDays {
            let (orders, days, people) = (NumberFormat.grouped(c.orders), NumberFormat.grouped(c.purchaseDays), NumberFormat.grouped(c.sameDayCustomers))
            notes.append(say("the model counts purchase days, not orders: \(orders) orders on \(days) purchase days (\(people) \(c.sameDayCustomers == 1 ? "customer" : "customers") ordered more than once on one day), so a customer's frequency (orders) can exceed the purchases the model sees",
                             zh: "模型按购买日计数，而不是按订单计数：\(orders) 笔订单分布在 \(days) 个购买日（\(people) 位客户在同一天下过多笔订单），所以客户的 frequency（订单数）可能大于模型看到的购买次数"))
        }
        if c.withoutHistory > 0 {
            notes.append(say("\(NumberFormat.grouped(c.withoutHistory)) customers first bought after \(upTo): left out of the fit, their figures empty",
                             zh: "\(NumberFormat.grouped(c.withoutHistory)) 位客户在 \(upTo) 之后才首次购买：未参与拟合，数值为空"))
        }
        if !c.added.isEmpty {
            let horizon = "\(c.horizonMonths)", margin = NumberFormat.fixed(c.margin, digits: 2), discount = NumberFormat.fixed(c.discount * 100, digits: 2)
            notes.append(say("columns p_alive, expected_purchases (next \(horizon) months), expected_spend, clv (margin \(margin), discount \(discount)% a month) added to '\(c.table.name)'; explain p_alive and explain clv say how",
                             zh: "已向 '\(c.table.name)' 添加列 p_alive（存续概率，1 减去流失概率）、expected_purchases（未来 \(horizon) 个月的预期购买天数）、expected_spend（预期每次消费）、clv（客户终身价值；利润率 \(margin)，月折现率 \(discount)%）；explain p_alive 与 explain clv 给出定义"))
        }
        return notes
    }

    /// A fit's facts in the data form.
    private func clvFacts(_ c: CLVResult) -> [JSONValue.Pair] {
        let fit = c.purchases
        var facts: [JSONValue.Pair] = [.init("model", .string(c.model.rawValue)), .init("table", .string(c.table.name)),
                                       .init("calibration_end", .string(CalendarDate.isoString(c.calibrationEnd))), .init("unit_days", .count(c.unitDays)),
                                       .init("customers", .count(fit.customers)), .init("log_likelihood", .real(fit.logLikelihood)),
                                       .init("converged", .bool(fit.converged)), .init("iterations", .count(fit.iterations)),
                                       .init("left_out", .count(c.withoutHistory)), .init("columns_added", .array(c.added.map(JSONValue.string))),
                                       .init("horizon_months", .count(c.horizonMonths)), .init("margin", .real(c.margin)), .init("discount", .real(c.discount))]
        if let spend = c.spend {
            facts += [.init("spend_customers", .count(spend.customers)), .init("spend_log_likelihood", .real(spend.logLikelihood)), .init("spend_converged", .bool(spend.converged))]
        }
        if let r = c.spendCorrelation { facts.append(.init("spend_frequency_correlation", .real(r))) }
        facts += [.init("orders", .count(c.orders)), .init("purchase_days", .count(c.purchaseDays)), .init("same_day_customers", .count(c.sameDayCustomers))]
        return facts
    }

    /// Why an estimate is not a fit, plainly.
    private func problem(_ problem: ModelFit.Problem, model: String) -> String {
        switch problem {
        case .notConverged:
            return say("the \(model) optimiser did not converge: the estimates are where it stopped, not a fit",
                       zh: "\(model) 优化未收敛：以上估计只是停止处的数值，并非拟合结果")
        case .boundary:
            return say("the \(model) estimates ran to the edge of their range: the data cannot pin the model down (too few customers, or all alike)",
                       zh: "\(model) 的估计跑到了取值范围的边缘：数据无法确定模型（客户太少，或彼此完全相同）")
        case .flat:
            return say("the \(model) likelihood is nearly flat at the estimate (a standard error is missing or ten times its estimate): the data cannot tell the parameters apart",
                       zh: "\(model) 的似然在估计处几乎是平的（标准误缺失或达到估计值的十倍）：数据无法区分这些参数")
        }
    }

    /// The check on the orders after the calibration: by calibration repeat purchases, and week by week.
    private func validation(_ v: CLVValidation, from start: String) -> (String, Chart, (String, Chart), JSONValue) {
        let end = CalendarDate.isoString(v.holdoutEnd)
        let names = (say("actual", zh: "实际"), say("expected", zh: "预测"))
        let check = say("the model on the orders after \(start), up to \(end): repeat purchases per customer, by repeat purchases up to \(start) (customers in brackets)",
                        zh: "模型在 \(start) 之后（至 \(end)）订单上的检验：按截至 \(start) 的回购次数分组的人均回购（括号内为客户数）")
        let labels = v.groups.map { "\($0.label) (\(NumberFormat.grouped($0.customers)))" }
        let chart = Chart.comparison(labels: labels, actual: v.groups.map(\.actual), expected: v.groups.map(\.expected), names: names)
        // Every sixth week, the calibration's last and the last, for the cumulative track.
        let shown = v.weeks.filter { $0.week % 6 == 0 || $0.week == v.calibrationWeeks || $0.week == v.weeks.count }
        let weekly = (say("cumulative repeat purchases by week from the first purchase in the data (the fit ends in week \(v.calibrationWeeks), marked |):",
                          zh: "从数据中的首次购买起按周累计的回购（拟合截止于第 \(v.calibrationWeeks) 周，以 | 标出）："),
                      Chart.comparison(labels: shown.map { say("week \($0.week)", zh: "第 \($0.week) 周") + ($0.week == v.calibrationWeeks ? " |" : "") },
                                       actual: shown.map(\.actual), expected: shown.map(\.expected), names: names))
        let data = JSONValue.object([
            .init("holdout_end", .string(end)),
            .init("groups", .array(v.groups.map { .object([.init("repeat_purchases", .string($0.label)), .init("customers", .count($0.customers)),
                                                           .init("actual", .real($0.actual)), .init("expected", .real($0.expected))]) })),
            .init("calibration_weeks", .count(v.calibrationWeeks)),
            .init("weeks", .array(v.weeks.map { .object([.init("week", .count($0.week)), .init("actual", .real($0.actual)), .init("expected", .real($0.expected))]) })),
        ])
        return (check, chart, weekly, data)
    }
}

extension Presenter {
    /// `cohorts`: a row per first-purchase cohort, its denominator, and per period since the share
    /// still buying (or of the first period's revenue or profit), shaded as a heatmap; the cells of
    /// a period not yet over are marked.
    func cohorts(_ c: CohortResult) -> Presentation {
        let widest = c.cohorts.map(\.values.count).max() ?? 0
        let period = w(c.period.rawValue)
        let base = c.measure == .customers ? w("customers") : say("first \(c.period.rawValue) \(c.measure.rawValue)", zh: "首期\(w(c.measure.rawValue))")
        var fields = [Field("cohort", heading: w("cohort")), Field("base", heading: base, .right)]
        fields += (0..<widest).map { Field("p\($0)", heading: String($0), .right, isShaded: true) }
        var marked = false
        let rows = c.cohorts.map { cohort -> [Presentation.Cell] in
            let denominator = c.measure == .customers ? Double(cohort.customers) : cohort.values.first ?? 0
            let baseCell: Presentation.Cell = c.measure == .customers ? .count(cohort.customers) : .number(denominator, digits: 2)
            let cells = (0..<widest).map { k -> Presentation.Cell in
                guard k < cohort.values.count, denominator != 0 else { return .null() }
                let share = cohort.values[k] / denominator
                let partial = !c.lastPeriodComplete && k == cohort.values.count - 1
                if partial { marked = true }
                return Presentation.Cell(Presentation.Cell.real(share), display: NumberFormat.percent(share) + (partial ? "*" : ""))
            }
            return [.text(cohort.label), baseCell] + cells
        }
        let measure = c.measure == .customers ? say("share of each cohort buying", zh: "各同期群中仍在购买的比例")
            : say("\(c.measure.rawValue) as a share of the cohort's first \(c.period.rawValue)", zh: "\(w(c.measure.rawValue))占同期群首期的比例")
        var blocks: [Presentation.Block] = [.line(say("cohorts of '\(c.orders)' by \(c.period.rawValue) of first purchase (rows) and \(c.period.rawValue)s since (columns): \(measure), to \(CalendarDate.isoString(c.asOf))",
                                                      zh: "'\(c.orders)' 按首购所在\(period)分组的同期群（行）与此后的\(period)数（列）：\(measure)，截至 \(CalendarDate.isoString(c.asOf))")),
                                             .table(bars: nil)]
        if c.leftOut > 0 {
            let n = NumberFormat.grouped(c.leftOut), limit = c.period.limit
            blocks.append(.line(say("\(n) customers who first bought more than \(limit) \(c.period.rawValue)s before \(CalendarDate.isoString(c.asOf)) are left out; the table follows the last \(limit)" + (c.period == .quarter ? "" : " (by quarter follows longer)"),
                                    zh: "\(n) 位客户的首次购买早于 \(CalendarDate.isoString(c.asOf)) 之前 \(limit) 个\(period)，未计入；表格只跟踪最近 \(limit) 个\(period)" + (c.period == .quarter ? "" : "（按季度可以跟踪更久）"))))
        }
        if marked {
            blocks.append(.line(say("* the \(c.period.rawValue) of \(CalendarDate.isoString(c.asOf)) is not over: its shares are partial",
                                    zh: "* \(CalendarDate.isoString(c.asOf)) 所在的一期尚未结束：该列比例不完整")))
        }
        let facts: [JSONValue.Pair] = [
            .init("orders", .string(c.orders)), .init("period", .string(c.period.rawValue)), .init("measure", .string(c.measure.rawValue)),
            .init("as_of", .string(CalendarDate.isoString(c.asOf))), .init("last_period_complete", .bool(c.lastPeriodComplete)),
            .init("customers_left_out", .count(c.leftOut)),
            .init("values", .array(c.cohorts.map { cohort in .object([.init("cohort", .string(cohort.label)), .init("customers", .count(cohort.customers)),
                                                                       .init("values", .array(cohort.values.map { .real($0) }))]) })),
        ]
        return Presentation(kind: "cohorts", fields: fields, rows: rows, facts: facts, blocks: blocks)
    }
}

extension Presenter {
    /// `what if retention + N points`: how the figures were found, the years side by side, and the difference.
    func projection(_ p: RetentionProjection) -> Presentation {
        let points = NumberFormat.fixed(p.points, digits: p.points == p.points.rounded() ? 0 : 1)
        let money = p.hasProfit ? "profit" : "revenue"
        let moneyWord = w(money)
        let end = CalendarDate.isoString(p.asOf), before = CalendarDate.isoString(p.asOf - 365)
        let fields = [Field("year", heading: say("year", zh: "年"), .right), Field("customers", heading: w("customers"), .right),
                      Field("customers_with", heading: say("customers +\(points)", zh: "客户数 +\(points)"), .right),
                      Field(money, heading: moneyWord, .right), Field("\(money)_with", heading: say("\(money) +\(points)", zh: "\(moneyWord) +\(points)"), .right),
                      Field("difference", heading: say("difference", zh: "增幅"), .right)]
        let rows = p.years.enumerated().map { k, y -> [Presentation.Cell] in
            let (base, with) = p.hasProfit ? (y.profit, y.profitWith) : (y.revenue, y.revenueWith)
            return [.count(k + 1), .number(y.customers, digits: 0), .number(y.customersWith, digits: 0), .number(base, digits: 2), .number(with, digits: 2),
                    .share(with - base, of: abs(base))]
        }
        let total = p.years.reduce(0.0) { $0 + (p.hasProfit ? $1.profit : $1.revenue) }
        let totalWith = p.years.reduce(0.0) { $0 + (p.hasProfit ? $1.profitWith : $1.revenueWith) }
        let gain = total != 0 ? (totalWith - total) / abs(total) : 0
        let last = p.years.last.map { p.hasProfit ? ($0.profitWith - $0.profit) / abs($0.profit) : ($0.revenueWith - $0.revenue) / abs($0.revenue) } ?? 0
        let perCustomer = (p.hasProfit ? (p.profit ?? 0) : p.revenue) / Double(max(1, p.activeCustomers))
        let lines = [
            say("what if retention were \(points) points higher: the customers of '\(p.orders)' to \(end), projected \(p.years.count) years",
                zh: "如果留存率提高 \(points) 个百分点：'\(p.orders)' 截至 \(end) 的客户，预测 \(p.years.count) 年"),
            say("  retention: \(NumberFormat.grouped(p.retained)) of the \(NumberFormat.grouped(p.previousCustomers)) customers of the year to \(before) bought again in the year to \(end): \(NumberFormat.percent(p.retention)) a year; +\(points) points: \(NumberFormat.percent(p.improved))",
                zh: "  留存率：截至 \(before) 的一年中的 \(NumberFormat.grouped(p.previousCustomers)) 位客户里，有 \(NumberFormat.grouped(p.retained)) 位在截至 \(end) 的一年中再次购买：每年 \(NumberFormat.percent(p.retention))；提高 \(points) 个百分点后：\(NumberFormat.percent(p.improved))"),
            say("  new customers: \(NumberFormat.grouped(p.newCustomers)) a year (first order in the year to \(end)); \(money) per active customer: \(NumberFormat.fixed(perCustomer, digits: 2)) (\(NumberFormat.grouped(p.activeCustomers)) active)",
                zh: "  新客户：每年 \(NumberFormat.grouped(p.newCustomers)) 位（首购在截至 \(end) 的一年内）；每位活跃客户的\(moneyWord)：\(NumberFormat.fixed(perCustomer, digits: 2))（活跃客户 \(NumberFormat.grouped(p.activeCustomers)) 位）"),
            say("  each year: customers = last year's × retention + new customers; \(money) = customers × \(money) per customer",
                zh: "  每年：客户数 = 上一年客户数 × 留存率 + 新客户数；\(moneyWord) = 客户数 × 每位客户的\(moneyWord)"),
        ]
        let verdict = say("over \(p.years.count) years: \(money) \(signed(gain)) in total, \(signed(last)) in year \(p.years.count). The rule of thumb says 5 points of retention raise profit 25–85%; on this data, \(points) points give \(signed(gain)).",
                          zh: "\(p.years.count) 年合计：\(moneyWord) \(signed(gain))，第 \(p.years.count) 年 \(signed(last))。经验法则说留存率提高 5 个百分点可使利润增加 25–85%；在这份数据上，提高 \(points) 个百分点带来 \(signed(gain))。")
        let facts: [JSONValue.Pair] = [
            .init("orders", .string(p.orders)), .init("as_of", .string(end)), .init("points", .real(p.points)), .init("retention", .real(p.retention)),
            .init("retention_with", .real(p.improved)), .init("previous_customers", .count(p.previousCustomers)), .init("retained", .count(p.retained)),
            .init("new_customers", .count(p.newCustomers)), .init("active_customers", .count(p.activeCustomers)), .init("per_customer", .real(perCustomer)),
            .init("measure", .string(money)), .init("total", .real(total)), .init("total_with", .real(totalWith)), .init("gain", .real(gain)), .init("gain_last_year", .real(last)),
        ]
        return Presentation(kind: "projection", fields: fields, rows: rows, facts: facts, blocks: lines.map { .line($0) } + [.table(bars: nil), .line(verdict)])
    }

    private func signed(_ share: Double) -> String { (share >= 0 ? "+" : "−") + NumberFormat.percent(abs(share)) }
}
