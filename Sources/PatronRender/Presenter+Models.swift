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
        var table = rows("BG/NBD", ["r", "alpha", "a", "b"], c.purchases)
        if let spend = c.spend { table += rows("Gamma-Gamma", ["p", "q", "gamma"], spend) }
        let fit = c.purchases
        var lines = [say("BG/NBD fit on \(NumberFormat.grouped(fit.customers)) customers of '\(c.table.name)' (orders up to \(upTo), time in \(unit)): "
                         + (fit.converged ? "converged after \(fit.iterations) iterations" : "NO FIT after \(fit.iterations) iterations")
                         + ", log-likelihood \(NumberFormat.fixed(fit.logLikelihood, digits: 2))",
                         zh: "BG/NBD 模型拟合 '\(c.table.name)' 的 \(NumberFormat.grouped(fit.customers)) 位客户（订单截至 \(upTo)，时间单位：\(unit)）："
                         + (fit.converged ? "\(fit.iterations) 次迭代后收敛" : "\(fit.iterations) 次迭代后未得到拟合") + "，对数似然 \(NumberFormat.fixed(fit.logLikelihood, digits: 2))")]
        var after: [String] = []
        if let problem = fit.problem { after.append(self.problem(problem, model: "BG/NBD") + say("; no columns were added", zh: "；未添加任何列")) }
        if let spend = c.spend {
            after.append(say("Gamma-Gamma spend model on \(NumberFormat.grouped(spend.customers)) repeat customers: "
                             + (spend.converged ? "converged" : "NO FIT") + ", log-likelihood \(NumberFormat.fixed(spend.logLikelihood, digits: 2))",
                             zh: "Gamma-Gamma 消费模型，基于 \(NumberFormat.grouped(spend.customers)) 位回头客：" + (spend.converged ? "已收敛" : "未得到拟合")
                             + "，对数似然 \(NumberFormat.fixed(spend.logLikelihood, digits: 2))"))
            if let problem = spend.problem {
                after.append(self.problem(problem, model: "Gamma-Gamma") + say("; expected_spend and clv stay empty", zh: "；expected_spend 与 clv 为空"))
            }
        } else {
            after.append(say("no spend model: fewer than two repeat customers spent a positive amount, so expected_spend and clv stay empty",
                             zh: "没有消费模型：有正消费的回头客不足两位，expected_spend 和 clv 为空"))
        }
        if let r = c.spendCorrelation {
            let text = NumberFormat.fixed(r, digits: 2)
            after.append(abs(r) >= 0.3
                ? say("warning: repeat purchases and mean spend are correlated (r = \(text)); the spend model assumes they are not, so expected_spend and clv lean on a broken assumption",
                      zh: "警告：回购次数与平均消费相关（r = \(text)）；消费模型假设二者无关，expected_spend 和 clv 的前提不成立")
                : say("repeat purchases and mean spend: correlation \(text) (the spend model assumes none)", zh: "回购次数与平均消费的相关系数 \(text)（消费模型假设为零）"))
        }
        if c.withoutHistory > 0 {
            after.append(say("\(NumberFormat.grouped(c.withoutHistory)) customers first bought after \(upTo): left out of the fit, their figures empty",
                             zh: "\(NumberFormat.grouped(c.withoutHistory)) 位客户在 \(upTo) 之后才首次购买：未参与拟合，数值为空"))
        }
        if !c.added.isEmpty {
            let horizon = "\(c.horizonMonths)"
            after.append(say("columns p_alive, expected_purchases (next \(horizon) months), expected_spend, clv (margin \(NumberFormat.fixed(c.margin, digits: 2)), discount \(NumberFormat.fixed(c.discount * 100, digits: 2))% a month) added to '\(c.table.name)'; explain p_alive and explain clv say how",
                             zh: "已向 '\(c.table.name)' 添加列 p_alive、expected_purchases（未来 \(horizon) 个月）、expected_spend、clv（利润率 \(NumberFormat.fixed(c.margin, digits: 2))，月折现率 \(NumberFormat.fixed(c.discount * 100, digits: 2))%）；explain p_alive 与 explain clv 给出定义"))
        }
        var facts: [JSONValue.Pair] = [.init("table", .string(c.table.name)), .init("calibration_end", .string(upTo)), .init("unit_days", .count(c.unitDays)),
                                       .init("customers", .count(fit.customers)), .init("log_likelihood", .real(fit.logLikelihood)),
                                       .init("converged", .bool(fit.converged)), .init("iterations", .count(fit.iterations)),
                                       .init("left_out", .count(c.withoutHistory)), .init("columns_added", .array(c.added.map(JSONValue.string))),
                                       .init("horizon_months", .count(c.horizonMonths)), .init("margin", .real(c.margin)), .init("discount", .real(c.discount))]
        if let spend = c.spend {
            facts += [.init("spend_customers", .count(spend.customers)), .init("spend_log_likelihood", .real(spend.logLikelihood)), .init("spend_converged", .bool(spend.converged))]
        }
        if let r = c.spendCorrelation { facts.append(.init("spend_frequency_correlation", .real(r))) }
        var blocks: [Presentation.Block] = lines.map { .line($0) } + [.table(bars: nil)] + after.map { .line($0) }
        if let v = c.validation {
            let (check, chart, weekly, data) = validation(v, from: upTo)
            blocks += [.line(check), .chart(chart), .line(weekly.0), .chart(weekly.1)]
            facts.append(.init("validation", data))
        }
        lines.removeAll()
        return Presentation(kind: "clv", fields: fields, rows: table, facts: facts, blocks: blocks)
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
        // Every fourth week, and the last, for the cumulative track.
        let shown = v.weeks.filter { $0.week % 4 == 0 || $0.week == v.weeks.count }
        let weekly = (say("cumulative repeat purchases after \(start), by week:", zh: "\(start) 之后的累计回购，按周："),
                      Chart.comparison(labels: shown.map { say("week \($0.week)", zh: "第 \($0.week) 周") }, actual: shown.map(\.actual), expected: shown.map(\.expected), names: names))
        let data = JSONValue.object([
            .init("holdout_end", .string(end)),
            .init("groups", .array(v.groups.map { .object([.init("repeat_purchases", .string($0.label)), .init("customers", .count($0.customers)),
                                                           .init("actual", .real($0.actual)), .init("expected", .real($0.expected))]) })),
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
        fields += (0..<widest).map { Field("p\($0)", heading: String($0), .right) }
        let shades = ["░", "▒", "▓", "█"]
        var marked = false
        let rows = c.cohorts.map { cohort -> [Presentation.Cell] in
            let denominator = c.measure == .customers ? Double(cohort.customers) : cohort.values.first ?? 0
            let baseCell: Presentation.Cell = c.measure == .customers ? .count(cohort.customers) : .number(denominator, digits: 2)
            let cells = (0..<widest).map { k -> Presentation.Cell in
                guard k < cohort.values.count, denominator != 0 else { return .null() }
                let share = cohort.values[k] / denominator
                let partial = !c.lastPeriodComplete && k == cohort.values.count - 1
                if partial { marked = true }
                let shade = share <= 0 ? " " : shades[max(0, min(3, Int(share * 4)))]
                return Presentation.Cell(Presentation.Cell.real(share), display: shade + " " + NumberFormat.percent(share) + (partial ? "*" : ""))
            }
            return [.text(cohort.label), baseCell] + cells
        }
        let measure = c.measure == .customers ? say("share of each cohort buying", zh: "各同期群中仍在购买的比例")
            : say("\(c.measure.rawValue) as a share of the cohort's first \(c.period.rawValue)", zh: "\(w(c.measure.rawValue))占同期群首期的比例")
        var blocks: [Presentation.Block] = [.line(say("cohorts of '\(c.orders)' by \(c.period.rawValue) of first purchase (rows) and \(c.period.rawValue)s since (columns): \(measure), to \(CalendarDate.isoString(c.asOf))",
                                                      zh: "'\(c.orders)' 按首购所在\(period)分组的同期群（行）与此后的\(period)数（列）：\(measure)，截至 \(CalendarDate.isoString(c.asOf))")),
                                             .table(bars: nil)]
        if marked {
            blocks.append(.line(say("* the \(c.period.rawValue) of \(CalendarDate.isoString(c.asOf)) is not over: its shares are partial",
                                    zh: "* \(CalendarDate.isoString(c.asOf)) 所在的一期尚未结束：该列比例不完整")))
        }
        let facts: [JSONValue.Pair] = [
            .init("orders", .string(c.orders)), .init("period", .string(c.period.rawValue)), .init("measure", .string(c.measure.rawValue)),
            .init("as_of", .string(CalendarDate.isoString(c.asOf))), .init("last_period_complete", .bool(c.lastPeriodComplete)),
            .init("values", .array(c.cohorts.map { cohort in .object([.init("cohort", .string(cohort.label)), .init("customers", .count(cohort.customers)),
                                                                       .init("values", .array(cohort.values.map { .real($0) }))]) })),
        ]
        return Presentation(kind: "cohorts", fields: fields, rows: rows, facts: facts, blocks: blocks)
    }
}
