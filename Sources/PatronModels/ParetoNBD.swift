import RealModule

/// The purchase models `clv` can fit.
public enum PurchaseModel: String, Sendable, CaseIterable {
    case bgnbd, paretoNBD = "pareto_nbd"

    /// The parameters' names, in the model's order.
    public var parameterNames: [String] { self == .bgnbd ? ["r", "alpha", "a", "b"] : ["r", "alpha", "s", "beta"] }

    /// The name as printed.
    public var title: String { self == .bgnbd ? "BG/NBD" : "Pareto/NBD" }

    public func fit(groups: [(key: PurchaseHistory, value: Int)], customers: Int, grid: TimeGrid? = nil) -> ModelFit {
        self == .bgnbd ? BGNBD.fit(groups: groups, customers: customers, grid: grid) : ParetoNBD.fit(groups: groups, customers: customers)
    }

    public func probabilityAlive(_ p: [Double], _ h: PurchaseHistory) -> Double? {
        self == .bgnbd ? BGNBD.probabilityAlive(p, h) : ParetoNBD.probabilityAlive(p, h)
    }

    public func expectedPurchases(_ p: [Double], _ h: PurchaseHistory, over t: Double) -> Double? {
        self == .bgnbd ? BGNBD.expectedPurchases(p, h, over: t) : ParetoNBD.expectedPurchases(p, h, over: t)
    }

    /// E[repeat purchases in (0, t]] of a customer from their first purchase.
    public func expectedPurchases(_ p: [Double], newCustomerOver t: Double) -> Double? {
        self == .bgnbd ? BGNBD.expectedPurchases(p, newCustomerOver: t) : ParetoNBD.expectedPurchases(p, newCustomerOver: t)
    }

    /// The expected purchases over several horizons at once.
    public func expectedPurchases(_ p: [Double], _ h: PurchaseHistory, over ts: [Double]) -> [Double?] {
        self == .bgnbd ? BGNBD.expectedPurchases(p, h, over: ts) : ts.map { ParetoNBD.expectedPurchases(p, h, over: $0) }
    }

    /// The expected purchases over several horizons of a customer alive now, with x repeat
    /// purchases and age T: under both models the expected purchases are this times P(alive).
    public func expectedWhileAlive(_ p: [Double], repeats: Double, age: Double, over ts: [Double]) -> [Double?] {
        self == .bgnbd ? BGNBD.expectedWhileAlive(p, repeats: repeats, age: age, over: ts)
            : ts.map { ParetoNBD.expectedWhileAlive(p, repeats: repeats, age: age, over: $0) }
    }
}

/// The Pareto/NBD model (Schmittlein, Morrison and Colombo 1987; the expressions of Fader and
/// Hardie's 2005 note): purchases at a gamma-distributed rate (r, α) while alive, and a lifetime
/// that ends at an exponential time whose rate is gamma-distributed across customers (s, β), so
/// a customer may leave at any moment, not only after a purchase.
public enum ParetoNBD {
    /// ln of the A₀ term and of the first term, for parameters (r, α, s, β); nil when a series does not settle.
    static func terms(_ p: [Double], _ h: PurchaseHistory) -> (first: Double, second: Double)? {
        let (r, alpha, s, beta) = (p[0], p[1], p[2], p[3]), x = h.repeats
        let first = -(r + x) * Double.log(alpha + h.age) - s * Double.log(beta + h.age)
        let n = r + s + x
        // A₀ = F(t_x) − F(T), with the larger of α and β in the denominators, so the series' z is in [0, 1).
        func part(_ t: Double) -> Double? {
            if alpha >= beta {
                guard let f = hypergeometric2F1(n, s + 1, n + 1, (alpha - beta) / (alpha + t)) else { return nil }
                return Double.log(f) - n * Double.log(alpha + t)
            }
            guard let f = hypergeometric2F1(n, r + x, n + 1, (beta - alpha) / (beta + t)) else { return nil }
            return Double.log(f) - n * Double.log(beta + t)
        }
        guard let early = part(h.recency), let late = part(h.age), early >= late else { return nil }
        // ln(e^early − e^late), and the factor s/(r+s+x).
        let difference = early + Double.log(-Double.expMinusOne(late - early))
        let second = Double.log(s / n) + difference
        return (first, second)
    }

    /// ln L of one history for parameters (r, α, s, β).
    public static func logLikelihood(_ p: [Double], _ h: PurchaseHistory) -> Double {
        let (r, alpha, s, beta) = (p[0], p[1], p[2], p[3]), x = h.repeats
        guard let (first, second) = terms(p, h) else { return -.infinity }
        let top = max(first, second)
        let total = second.isFinite ? top + Double.log(Double.exp(first - top) + Double.exp(second - top)) : first
        return logGamma(r + x) - logGamma(r) + r * Double.log(alpha) + s * Double.log(beta) + total
    }

    /// The maximum-likelihood fit; the gradient is by central differences of the likelihood.
    public static func fit(_ histories: [PurchaseHistory]) -> ModelFit {
        fit(groups: grouped(histories), customers: histories.count)
    }

    /// The fit over distinct histories and how many customers share each.
    public static func fit(groups: [(key: PurchaseHistory, value: Int)], customers: Int) -> ModelFit {
        func objective(_ groups: [(key: PurchaseHistory, value: Int)]) -> Objective {
            let value: @Sendable ([Double]) -> Double = { p in
                guard p.allSatisfy({ $0 > 0 && $0.isFinite }) else { return .infinity }
                return -parallelSum(groups.count, width: 1) { range in
                    // Each history may sum a long series: Ctrl-C is heard between histories.
                    [range.reduce(0.0) { FitInterrupt.isRequested() ? .nan : $0 + Double(groups[$1].value) * logLikelihood(p, groups[$1].key) }]
                }[0]
            }
            return { p in
                let centre = value(p)
                let gradient = (0..<p.count).map { i -> Double in
                    let h = 1e-6 * max(abs(p[i]), 1e-3)
                    var up = p, down = p
                    up[i] += h
                    down[i] -= h
                    return (value(up) - value(down)) / (2 * h)
                }
                return (centre, gradient)
            }
        }
        let sample = groups.count > 20_000 ? objective(sampled(groups, 5_000)) : nil
        return fitPositive(4, customers: customers, whole: objective(groups), sample: sample, analytic: false)
    }

    /// E[repeat purchases in (0, t]] of a customer from their first purchase: (r β/(α(s−1)))·(1 − (β/(β+t))^(s−1)).
    public static func expectedPurchases(_ p: [Double], newCustomerOver t: Double) -> Double? {
        let (r, alpha, s, beta) = (p[0], p[1], p[2], p[3])
        guard abs(s - 1) > 1e-12 else { return nil }
        let value = r * beta / (alpha * (s - 1)) * (1 - Double.exp((s - 1) * (Double.log(beta) - Double.log(beta + t))))
        return value.isFinite ? value : nil
    }

    /// P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x)·(α+T)^(r+x)(β+T)^s·A₀).
    public static func probabilityAlive(_ p: [Double], _ h: PurchaseHistory) -> Double? {
        guard let (first, second) = terms(p, h) else { return nil }
        return 1 / (1 + Double.exp(second - first))
    }

    /// E[purchases in the next t | x, t_x, T] = (r+x)(β+T)/((α+T)(s−1))·(1 − ((β+T)/(β+T+t))^(s−1))·P(alive).
    public static func expectedPurchases(_ p: [Double], _ h: PurchaseHistory, over t: Double) -> Double? {
        guard let alive = probabilityAlive(p, h), let value = expectedWhileAlive(p, repeats: h.repeats, age: h.age, over: t) else { return nil }
        return value * alive
    }

    /// E[purchases in the next t | alive, x, T] = (r+x)(β+T)/((α+T)(s−1))·(1 − ((β+T)/(β+T+t))^(s−1)).
    public static func expectedWhileAlive(_ p: [Double], repeats x: Double, age: Double, over t: Double) -> Double? {
        guard t > 0 else { return 0 }
        let (r, alpha, s, beta) = (p[0], p[1], p[2], p[3])
        guard abs(s - 1) > 1e-12 else { return nil }
        let value = (r + x) * (beta + age) / ((alpha + age) * (s - 1)) * (1 - Double.exp((s - 1) * (Double.log(beta + age) - Double.log(beta + age + t))))
        return value.isFinite ? value : nil
    }
}
