import PatronStore

/// What `explain` says of the figures `clv` adds: the formula, the model's assumptions, and the
/// limits a reader should know, in English and Chinese.
enum ModelTexts {
    struct Explanation {
        let formula: String
        let assumptions: String
        let limits: String
    }

    static func explanation(_ figure: ModelledFigure, _ language: Language) -> Explanation {
        let zh = language == .zh
        let bgnbdAssumptions = zh
            ? "假设（BG/NBD，Fader、Hardie 与 Lee 2005）：客户存续期间按稳定的泊松速率购买，速率因人而异（gamma 分布，r 与 α）；每次购买后客户以因人而异的概率流失（beta 分布，a 与 b）；首次回购之前不会流失。时间单位为拟合时的单位，同一天的多笔订单算一次购买。"
            : "Assumes (BG/NBD, Fader, Hardie and Lee 2005): while active, a customer buys at a steady Poisson rate that varies across customers (gamma, r and α); after each purchase they may drop out with a probability that varies across customers (beta, a and b); nobody drops out before a first repeat purchase. Time is in the fit's unit; orders on one day are one purchase."
        if case .pAlive(let model) = figure, model == "Pareto/NBD" { return paretoNBD(alive: true, horizon: "", zh) }
        if case .expectedPurchases(let model, let horizon) = figure, model == "Pareto/NBD" { return paretoNBD(alive: false, horizon: horizon, zh) }
        switch figure {
        case .pAlive:
            return Explanation(
                formula: zh ? "存续概率（1 减去流失概率）。公式：P(存续) = 1 / (1 + [x > 0]·a/(b+x−1)·((α+T)/(α+tₓ))^(r+x))，x 为回购次数（首购之后的购买天数），tₓ 为末次购买距首购的时间，T 为首购至截止日的时间。"
                            : "Formula: P(alive) = 1 / (1 + [x > 0]·a/(b+x−1)·((α+T)/(α+tₓ))^(r+x)), with x the repeat purchases (purchase days after the first), tₓ the time of the last one after the first, T the time from the first to the end of the data.",
                assumptions: bgnbdAssumptions,
                limits: zh ? "已知局限：在 BG/NBD 下，从未回购的客户 P(存续) 恒为 1，无论已沉寂多久；请结合 frequency 解读 p_alive（Pareto/NBD 没有这一局限）。"
                           : "Known limit: under BG/NBD a customer who never bought again has P(alive) = 1, however long ago they bought; read p_alive together with frequency (Pareto/NBD does not have this limit).")
        case .expectedPurchases(_, let horizon):
            return Explanation(
                formula: zh ? "公式：E[Y(t) | x, tₓ, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] / (1 + [x>0]·a/(b+x−1)·((α+T)/(α+tₓ))^(r+x))，t 为未来 \(horizon)（每月按 30 天计）。"
                            : "Formula: E[Y(t) | x, tₓ, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] / (1 + [x>0]·a/(b+x−1)·((α+T)/(α+tₓ))^(r+x)), t the next \(horizon) (months of 30 days).",
                assumptions: bgnbdAssumptions,
                limits: zh ? "已知局限：只计客户已有记录的购买行为；价格、促销或季节变化不在模型之内。"
                           : "Known limit: it extrapolates the customer's own history; prices, promotions and seasons are outside the model.")
        case .expectedSpend:
            return Explanation(
                formula: zh ? "公式：E[M | x, mₓ] = p(γ + mₓ·x)/(p·x + q − 1)，mₓ 为回购的平均金额；没有回购的客户取总体均值 pγ/(q−1)。"
                            : "Formula: E[M | x, mₓ] = p(γ + mₓ·x)/(p·x + q − 1), with mₓ the mean value of the repeat purchases; a customer with no repeat purchase gets the population mean pγ/(q−1).",
                assumptions: zh ? "假设（Gamma-Gamma，Fader、Hardie 与 Lee 2005）：每次购买金额围绕客户自身均值波动（gamma，p），客户均值因人而异（gamma，q 与 γ），且与购买频率无关。"
                                : "Assumes (Gamma-Gamma, Fader, Hardie and Lee 2005): each purchase's value varies around the customer's own mean (gamma, p), the means vary across customers (gamma, q and γ), and spend does not depend on how often a customer buys.",
                limits: zh ? "已知局限：clv 会打印回购次数与平均消费的相关系数；相关明显时该假设不成立。只用回购金额，首购不计。"
                           : "Known limit: clv prints the correlation of repeat purchases and mean spend; when it is clearly not zero the assumption fails. Only repeat purchases count, not the first.")
        case .lifetimeValue(let horizon, let margin, let discount):
            let m = NumberFormat.fixed(margin, digits: 2), d = NumberFormat.fixed(discount * 100, digits: 2)
            return Explanation(
                formula: zh ? "客户终身价值。公式：对未来 \(horizon) 的每个月 m 求和 (E[Y(30m 天)] − E[Y(30(m−1) 天)]) × expected_spend × 利润率 \(m) / (1 + \(d)%)^m，与 lifetimes 的算法相同。"
                            : "Formula: the sum over the months m of the next \(horizon) of (E[Y(30m days)] − E[Y(30(m−1) days)]) × expected_spend × margin \(m) / (1 + \(d)%)^m, as lifetimes computes it.",
                assumptions: zh ? "假设：同时依赖 BG/NBD（购买次数）与 Gamma-Gamma（每次金额）两个模型的假设。"
                                : "Assumes both models: BG/NBD for how many purchases, Gamma-Gamma for what each is worth.",
                limits: zh ? "已知局限：不计 \(horizon) 之后的价值；没有消费模型时为空。"
                           : "Known limit: value beyond the next \(horizon) is not counted; empty when there is no spend model.")
        }
    }

    /// The Pareto/NBD figures: P(alive) and expected purchases.
    static func paretoNBD(alive: Bool, horizon: String, _ zh: Bool) -> Explanation {
        let assumptions = zh
            ? "假设（Pareto/NBD，Schmittlein、Morrison 与 Colombo 1987）：客户存续期间按稳定的泊松速率购买，速率因人而异（gamma，r 与 α）；存续时间服从指数分布，其速率因人而异（gamma，s 与 β），因此客户随时可能流失，而不只是在购买之后。"
            : "Assumes (Pareto/NBD, Schmittlein, Morrison and Colombo 1987): while active, a customer buys at a steady Poisson rate that varies across customers (gamma, r and α); their lifetime is exponential with a rate that varies across customers (gamma, s and β), so they may leave at any moment, not only after a purchase."
        if alive {
            return Explanation(
                formula: zh ? "公式：P(存续) = 1 / (1 + s/(r+s+x)·(α+T)^(r+x)·(β+T)^s·A₀)，A₀ 为 Fader 与 Hardie（2005）给出的含 ₂F₁ 的项。"
                            : "Formula: P(alive) = 1 / (1 + s/(r+s+x)·(α+T)^(r+x)·(β+T)^s·A₀), with A₀ the ₂F₁ term of Fader and Hardie's 2005 note.",
                assumptions: assumptions,
                limits: zh ? "已知局限：拟合比 BG/NBD 慢；沉寂已久的一次性客户 P(存续) 会下降（不同于 BG/NBD）。"
                           : "Known limit: slower to fit than BG/NBD; unlike BG/NBD, a one-time buyer's P(alive) falls as time passes.")
        }
        return Explanation(
            formula: zh ? "公式：E[Y(t) | x, tₓ, T] = (r+x)(β+T)/((α+T)(s−1))·(1 − ((β+T)/(β+T+t))^(s−1))·P(存续)，t 为未来 \(horizon)（每月按 30 天计）。"
                        : "Formula: E[Y(t) | x, tₓ, T] = (r+x)(β+T)/((α+T)(s−1))·(1 − ((β+T)/(β+T+t))^(s−1))·P(alive), t the next \(horizon) (months of 30 days).",
            assumptions: assumptions,
            limits: zh ? "已知局限：只计客户已有记录的购买行为；价格、促销或季节变化不在模型之内。"
                       : "Known limit: it extrapolates the customer's own history; prices, promotions and seasons are outside the model.")
    }
}
