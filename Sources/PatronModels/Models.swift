import RealModule

/// A fitted model: the parameters in the model's order, their standard errors (nil where the
/// Hessian gives none), the log-likelihood at the estimate, how many customers it saw, and
/// whether it is a fit: the optimiser met its tolerance at an estimate inside the parameters'
/// range, where the Hessian gives every standard error.
public struct ModelFit: Sendable {
    public let parameters: [Double]
    public let standardErrors: [Double?]
    public let logLikelihood: Double
    public let customers: Int
    public let iterations: Int
    public let problem: Problem?

    /// Why an estimate is not a fit.
    public enum Problem: Sendable, Equatable {
        /// The optimiser stopped before meeting its tolerance.
        case notConverged
        /// A parameter ran to the edge of its range (below 10⁻⁶ or above 10⁶): the data cannot
        /// pin the model down (too few customers, or all alike).
        case boundary
        /// The likelihood is (nearly) flat at the estimate: a standard error is missing or ten
        /// times its estimate, so the data cannot tell the parameters apart.
        case flat
    }

    public var converged: Bool { problem == nil }
}

/// One customer's purchases in the model's time unit: repeat purchases x (purchase days after
/// the first), the time of the last purchase after the first (t_x), and the time from the first
/// purchase to the end of the period (T).
public struct PurchaseHistory: Sendable, Hashable {
    public let repeats: Double
    public let recency: Double
    public let age: Double

    public init(repeats: Double, recency: Double, age: Double) {
        (self.repeats, self.recency, self.age) = (repeats, recency, age)
    }
}

/// The histories' times on one grid: history k's t_x is `times[recency[k]]` and its T is
/// `times[age[k]]` (whole days in the model's unit, as orders give them), so a likelihood works
/// out each time's logarithm once rather than once per history.
public struct TimeGrid: Sendable {
    public let times: [Double]
    public let recency: [Int32]
    public let age: [Int32]

    public init(times: [Double], recency: [Int32], age: [Int32]) {
        (self.times, self.recency, self.age) = (times, recency, age)
    }
}

/// The BG/NBD model (Fader, Hardie and Lee 2005): purchases at a gamma-distributed rate (r, α)
/// while alive; after each purchase a customer drops out with a beta-distributed probability (a, b).
public enum BGNBD {
    /// ln L of one history for parameters (r, α, a, b).
    public static func logLikelihood(_ p: [Double], _ h: PurchaseHistory) -> Double {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]), x = h.repeats
        let a1 = logGamma(r + x) - logGamma(r) + r * Double.log(alpha)
        let a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x)
        let a3 = -(r + x) * Double.log(alpha + h.age)
        guard x > 0 else { return a1 + a2 + a3 }
        let a4 = Double.log(a) - Double.log(b + x - 1) - (r + x) * Double.log(alpha + h.recency)
        let top = max(a3, a4)
        return a1 + a2 + top + Double.log(Double.exp(a3 - top) + Double.exp(a4 - top))
    }

    /// The maximum-likelihood fit over the histories (equal histories are counted once, weighted).
    public static func fit(_ histories: [PurchaseHistory]) -> ModelFit {
        fit(groups: grouped(histories), customers: histories.count)
    }

    /// The fit over distinct histories and how many customers share each, in a fixed order (so
    /// the sums, and the fit, are the same on every run); `grid`, when the times lie on one, spares
    /// the likelihood a logarithm per history.
    public static func fit(groups: [(key: PurchaseHistory, value: Int)], customers: Int, grid: TimeGrid? = nil) -> ModelFit {
        let whole = Data(groups, grid: grid)
        let sample = groups.count > 20_000 ? whole.sampled(5_000) : nil
        return fitPositive(4, customers: customers, whole: whole.objective, sample: sample?.objective)
    }

    /// Histories and their weights, as columns, for the likelihood and its gradient; t_x and T as
    /// places in a table of times, so ln(α + t) and 1/(α + t) are worked out once per time.
    struct Data: Sendable {
        let x: [Int], recency: [Int32], age: [Int32], weight: [Double]
        let times: [Double]
        let most: Int

        init(_ groups: [(key: PurchaseHistory, value: Int)], grid: TimeGrid?) {
            x = groups.map { Int($0.key.repeats) }
            weight = groups.map { Double($0.value) }
            most = x.max() ?? 0
            if let grid, grid.recency.count == groups.count, grid.age.count == groups.count {
                (times, recency, age) = (grid.times, grid.recency, grid.age)
            } else {
                // Each history's own times: the first half recencies, the second ages.
                times = groups.map(\.key.recency) + groups.map(\.key.age)
                recency = groups.indices.map { Int32($0) }
                age = groups.indices.map { Int32(groups.count + $0) }
            }
        }

        private init(x: [Int], recency: [Int32], age: [Int32], weight: [Double], times: [Double]) {
            (self.x, self.recency, self.age, self.weight, self.times) = (x, recency, age, weight, times)
            most = x.max() ?? 0
        }

        /// About `size` of the histories, every k-th in their fixed order, each weighted k times.
        func sampled(_ size: Int) -> Data {
            let step = max(1, x.count / size), picked = Array(stride(from: 0, to: x.count, by: step))
            let xs = picked.map { x[$0] }, weights = picked.map { weight[$0] * Double(step) }
            guard times.count > 4 * picked.count else {
                return Data(x: xs, recency: picked.map { recency[$0] }, age: picked.map { age[$0] }, weight: weights, times: times)
            }
            // A table of times much longer than the sample: the sample's own times instead.
            return Data(x: xs, recency: picked.indices.map { Int32($0) }, age: picked.indices.map { Int32(picked.count + $0) }, weight: weights,
                        times: picked.map { times[Int(recency[$0])] } + picked.map { times[Int(age[$0])] })
        }

        /// −ln L and its gradient in (r, α, a, b). The terms that depend on x alone are sums over
        /// k < x (ln Γ(r+x) − ln Γ(r) = Σ ln(r+k), and so on), made once per evaluation; the
        /// terms of a time once per time.
        var objective: Objective {
            { [self] p in
                let (r, alpha, a, b) = (p[0], p[1], p[2], p[3])
                guard p.allSatisfy({ $0 > 0 && $0.isFinite }) else { return (.infinity, [0, 0, 0, 0]) }
                var l1 = [0.0], d1 = [0.0], l2 = [0.0], da = [0.0], db = [0.0], lb = [0.0], ib = [0.0]
                for k in 0..<most {
                    let k = Double(k)
                    l1.append(l1.last! + Double.log(r + k)); d1.append(d1.last! + 1 / (r + k))
                    l2.append(l2.last! + Double.log(b + k) - Double.log(a + b + k))
                    da.append(da.last! - 1 / (a + b + k)); db.append(db.last! + 1 / (b + k) - 1 / (a + b + k))
                    // ln(b + x − 1) and 1/(b + x − 1) at x = k + 1.
                    lb.append(Double.log(b + k)); ib.append(1 / (b + k))
                }
                let logTime = times.map { Double.log(alpha + $0) }, inverseTime = times.map { 1 / (alpha + $0) }
                let logAlpha = Double.log(alpha), logA = Double.log(a)
                let (l1c, d1c, l2c, dac, dbc, lbc, ibc) = (l1, d1, l2, da, db, lb, ib)
                let sums = parallelSum(x.count, width: 5) { range in
                    var ll = 0.0, gr = 0.0, gal = 0.0, ga = 0.0, gb = 0.0
                    for i in range {
                        let xi = x[i], xd = Double(xi), w = weight[i], rx = r + xd
                        let lT = logTime[Int(age[i])], a3 = -rx * lT
                        var w3 = 1.0, w4 = 0.0, lse = a3, ltx = 0.0, itx = 0.0
                        if xi > 0 {
                            ltx = logTime[Int(recency[i])]
                            itx = inverseTime[Int(recency[i])]
                            let a4 = logA - lbc[xi] - rx * ltx
                            // ln(e^a3 + e^a4) with one exponential: the smaller over the larger.
                            let e = Double.exp(-abs(a3 - a4)), share = 1 / (1 + e)
                            lse = max(a3, a4) + Double.log(onePlus: e)
                            (w3, w4) = a3 >= a4 ? (share, e * share) : (e * share, share)
                        }
                        ll += w * (l1c[xi] + r * logAlpha + l2c[xi] + lse)
                        gr += w * (d1c[xi] + logAlpha - w3 * lT - w4 * ltx)
                        gal += w * (r / alpha - rx * (w3 * inverseTime[Int(age[i])] + w4 * itx))
                        ga += w * (dac[xi] + w4 / a)
                        gb += w * (dbc[xi] - w4 * ibc[xi])
                    }
                    return [ll, gr, gal, ga, gb]
                }
                return (-sums[0], sums.dropFirst().map { -$0 })
            }
        }
    }

    /// The term a/(b+x−1)·((α+T)/(α+t_x))^(r+x) of P(alive), for x > 0.
    static func dropOdds(_ p: [Double], _ h: PurchaseHistory) -> Double {
        guard h.repeats > 0 else { return 0 }
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]), x = h.repeats
        return Double.exp(Double.log(a) - Double.log(b + x - 1) + (r + x) * (Double.log(alpha + h.age) - Double.log(alpha + h.recency)))
    }

    /// P(alive | x, t_x, T); 1 for a customer who never bought again (the model's known limit).
    public static func probabilityAlive(_ p: [Double], _ h: PurchaseHistory) -> Double {
        1 / (1 + dropOdds(p, h))
    }

    /// E[purchases in the next t | x, t_x, T]; nil when the hypergeometric series does not settle.
    public static func expectedPurchases(_ p: [Double], _ h: PurchaseHistory, over t: Double) -> Double? {
        expectedPurchases(p, h, over: [t])[0]
    }

    /// E[purchases in the next t | x, t_x, T] for several t at once (one series for all of them).
    public static func expectedPurchases(_ p: [Double], _ h: PurchaseHistory, over ts: [Double]) -> [Double?] {
        let alive = probabilityAlive(p, h)
        return expectedWhileAlive(p, repeats: h.repeats, age: h.age, over: ts).map { $0.map { $0 * alive } }
    }

    /// E[purchases in the next t | alive, x, T] = (a+b+x−1)/(a−1)·(1 − ((α+T)/(α+T+t))^(r+x)·₂F₁(r+x, b+x; a+b+x−1; z)),
    /// z = t/(α+T+t), for several t at once (one series for all): the expected purchases are this
    /// times P(alive), and it does not depend on t_x, so customers with the same x and T share it.
    /// Worked out with Euler's transformation ₂F₁(A, B; C; z) = (1−z)^(C−A−B)·₂F₁(C−A, C−B; C; z),
    /// which turns the bracket into 1 − (1−z)^(a−1)·₂F₁(a+b−1−r, a−1; a+b+x−1; z): a series whose
    /// terms fall from the start, where the original's first grow with x.
    public static func expectedWhileAlive(_ p: [Double], repeats x: Double, age: Double, over ts: [Double]) -> [Double?] {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3])
        guard abs(a - 1) > 1e-12 else { return ts.map { _ in nil } }
        let series = hypergeometric2F1(a + b - 1 - r, a - 1, a + b + x - 1, at: ts.map { $0 / (alpha + age + $0) })
        let first = (a + b + x - 1) / (a - 1)
        return zip(ts, series).map { t, f in
            guard t > 0 else { return 0 }
            guard let f else { return nil }
            let value = first * (1 - Double.exp((a - 1) * (Double.log(alpha + age) - Double.log(alpha + age + t))) * f)
            return value.isFinite ? value : nil
        }
    }

    /// E[purchases in (0, t]] of a customer picked at random when the period starts: one alive
    /// with no repeat purchase and no time behind them.
    public static func expectedPurchases(_ p: [Double], newCustomerOver t: Double) -> Double? {
        expectedWhileAlive(p, repeats: 0, age: 0, over: [t])[0]
    }
}

/// A repeat customer's spend: repeat purchases x and the mean value of those purchases m_x.
public struct SpendHistory: Sendable, Hashable {
    public let repeats: Double
    public let meanSpend: Double

    public init(repeats: Double, meanSpend: Double) {
        (self.repeats, self.meanSpend) = (repeats, meanSpend)
    }
}

/// The Gamma-Gamma spend model (Fader, Hardie and Lee 2005, "RFM and CLV"): each purchase's value
/// is gamma(p, ν) with ν gamma(q, γ) across customers, independent of how often they buy.
public enum GammaGamma {
    /// ln L of one repeat customer for parameters (p, q, γ).
    public static func logLikelihood(_ parameters: [Double], _ h: SpendHistory) -> Double {
        let (p, q, gamma) = (parameters[0], parameters[1], parameters[2]), x = h.repeats, m = h.meanSpend
        return logGamma(p * x + q) - logGamma(p * x) - logGamma(q) + q * Double.log(gamma) + (p * x - 1) * Double.log(m)
            + p * x * Double.log(x) - (p * x + q) * Double.log(gamma + m * x)
    }

    /// The maximum-likelihood fit over repeat customers with a positive mean spend.
    public static func fit(_ histories: [SpendHistory]) -> ModelFit {
        // Mean spends are seldom equal: the customers go in as given (an order the caller fixes).
        let groups = histories.map { (key: $0, value: 1) }
        let whole = Data(groups.map { ($0.key, Double($0.value)) })
        let sample = groups.count > 20_000 ? Data(sampled(groups, 5_000).map { ($0.key, Double($0.value)) }) : nil
        return fitPositive(3, customers: histories.count, whole: whole.objective, sample: sample?.objective)
    }

    /// Repeat customers and their weights, as columns; each distinct x once for the terms of x alone.
    struct Data: Sendable {
        let xIndex: [Int], logSpend: [Double], spend: [Double], weight: [Double]
        let xs: [Double]

        init(_ groups: [(SpendHistory, Double)]) {
            xs = Array(Set(groups.map { $0.0.repeats })).sorted()
            if let last = xs.last, last < 1e6, xs.allSatisfy({ $0 >= 0 && $0 == $0.rounded() }) {
                // Whole repeat counts (as purchase days give them): their places by an array.
                var place = [Int](repeating: 0, count: Int(last) + 1)
                for (k, x) in xs.enumerated() { place[Int(x)] = k }
                xIndex = groups.map { place[Int($0.0.repeats)] }
            } else {
                let index = Dictionary(uniqueKeysWithValues: xs.enumerated().map { ($1, $0) })
                xIndex = groups.map { index[$0.0.repeats] ?? 0 }
            }
            spend = groups.map { $0.0.meanSpend }
            logSpend = spend.map { Double.log($0) }
            weight = groups.map { $0.1 }
        }

        /// −ln L and its gradient in (p, q, γ).
        var objective: Objective {
            { [self] parameters in
                let (p, q, gamma) = (parameters[0], parameters[1], parameters[2])
                guard parameters.allSatisfy({ $0 > 0 && $0.isFinite }) else { return (.infinity, [0, 0, 0]) }
                let lq = logGamma(q), dq = digamma(q), logGammaScale = Double.log(gamma)
                // Per distinct x: ln Γ(px+q) − ln Γ(px) − ln Γ(q) + px ln x, and its derivatives in p and q.
                let perX = xs.map { x -> (Double, Double, Double) in
                    let px = p * x, lx = Double.log(x), both = digamma(px + q)
                    return (logGamma(px + q) - logGamma(px) - lq + px * lx, x * (both - digamma(px) + lx), both - dq)
                }
                let sums = parallelSum(spend.count, width: 4) { range in
                    var ll = 0.0, gp = 0.0, gq = 0.0, gg = 0.0
                    for i in range {
                        let (g, dp, dqx) = perX[xIndex[i]], x = xs[xIndex[i]], m = spend[i], w = weight[i]
                        let total = Double.log(gamma + m * x), px = p * x
                        ll += w * (g + q * logGammaScale + (px - 1) * logSpend[i] - (px + q) * total)
                        gp += w * (dp + x * logSpend[i] - x * total)
                        gq += w * (dqx + logGammaScale - total)
                        gg += w * (q / gamma - (px + q) / (gamma + m * x))
                    }
                    return [ll, gp, gq, gg]
                }
                return (-sums[0], sums.dropFirst().map { -$0 })
            }
        }
    }

    /// E[value of a purchase | x, m_x]: the population mean pγ/(q−1) weighted with the customer's
    /// own mean; the population mean for a customer with no repeat purchase. Nil when q ≤ 1.
    public static func expectedSpend(_ parameters: [Double], _ h: SpendHistory) -> Double? {
        let (p, q, gamma) = (parameters[0], parameters[1], parameters[2])
        guard q > 1 else { return nil }
        guard h.repeats > 0 else { return p * gamma / (q - 1) }
        return p * (gamma + h.meanSpend * h.repeats) / (p * h.repeats + q - 1)
    }
}

/// About `size` of the groups, every k-th in their fixed order, each weighted k times.
func sampled<Key>(_ groups: [(key: Key, value: Int)], _ size: Int) -> [(key: Key, value: Int)] {
    let step = max(1, groups.count / size)
    return stride(from: 0, to: groups.count, by: step).map { (groups[$0].key, groups[$0].value * step) }
}

/// Equal histories counted once, in (x, t_x, T) order.
public func grouped(_ histories: [PurchaseHistory]) -> [(key: PurchaseHistory, value: Int)] {
    Dictionary(histories.map { ($0, 1) }, uniquingKeysWith: +).sorted {
        ($0.key.repeats, $0.key.recency, $0.key.age) < ($1.key.repeats, $1.key.recency, $1.key.age)
    }
}
