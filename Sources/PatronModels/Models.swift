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

/// Fits in log-parameter space (every parameter positive), from 1 for each, as `lifetimes` does;
/// standard errors from the Hessian of the negative log-likelihood at the estimate.
func fitPositive(_ count: Int, customers: Int, _ negativeLogLikelihood: @escaping ([Double]) -> Double) -> ModelFit {
    let found = nelderMead({ negativeLogLikelihood($0.map { Double.exp($0) }) }, from: Array(repeating: 0, count: count))
    let estimate = found.point.map { Double.exp($0) }
    var problem: ModelFit.Problem? = nil
    if !found.converged || !found.value.isFinite {
        problem = .notConverged
    } else if !estimate.allSatisfy({ $0.isFinite && $0 >= 1e-6 && $0 <= 1e6 }) {
        problem = .boundary
    }
    let errors = problem == nil ? standardErrors(negativeLogLikelihood, at: estimate) : estimate.map { _ in nil }
    // No standard error, or one ten times its estimate: the likelihood barely moves with the parameter.
    if problem == nil, zip(estimate, errors).contains(where: { $1 == nil || $1! > 10 * $0 }) { problem = .flat }
    return ModelFit(parameters: estimate, standardErrors: errors, logLikelihood: -found.value, customers: customers, iterations: found.iterations, problem: problem)
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
        // In a fixed order, so the sums (and the fit) are the same on every run.
        let groups = Dictionary(histories.map { ($0, 1) }, uniquingKeysWith: +).sorted {
            ($0.key.repeats, $0.key.recency, $0.key.age) < ($1.key.repeats, $1.key.recency, $1.key.age)
        }
        return fitPositive(4, customers: histories.count) { p in
            -groups.reduce(0.0) { $0 + Double($1.value) * logLikelihood(p, $1.key) }
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
        guard t > 0 else { return 0 }
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]), x = h.repeats
        guard abs(a - 1) > 1e-12,
              let f = hypergeometric2F1(r + x, b + x, a + b + x - 1, t / (alpha + h.age + t)) else { return nil }
        let first = (a + b + x - 1) / (a - 1)
        let second = 1 - Double.exp((r + x) * (Double.log(alpha + h.age) - Double.log(alpha + h.age + t))) * f
        let value = first * second / (1 + dropOdds(p, h))
        return value.isFinite ? value : nil
    }

    /// E[purchases in (0, t]] of a customer picked at random when the period starts.
    public static func expectedPurchases(_ p: [Double], newCustomerOver t: Double) -> Double? {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3])
        guard abs(a - 1) > 1e-12, let f = hypergeometric2F1(r, b, a + b - 1, t / (alpha + t)) else { return nil }
        let value = (a + b - 1) / (a - 1) * (1 - Double.exp(r * (Double.log(alpha) - Double.log(alpha + t))) * f)
        return value.isFinite ? value : nil
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
        let groups = Dictionary(histories.map { ($0, 1) }, uniquingKeysWith: +).sorted {
            ($0.key.repeats, $0.key.meanSpend) < ($1.key.repeats, $1.key.meanSpend)
        }
        return fitPositive(3, customers: histories.count) { p in
            -groups.reduce(0.0) { $0 + Double($1.value) * logLikelihood(p, $1.key) }
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
