import Dispatch
import RealModule

/// A negative log-likelihood with its gradient, both in the natural parameters.
public typealias Objective = @Sendable ([Double]) -> (value: Double, gradient: [Double])

/// Fits a model whose parameters are all positive: a Nelder–Mead search in log-parameters from 1
/// for each (on a sample of the data when it is large), then Newton steps on the whole data with
/// the Hessian from differences of the analytic gradient, which also gives the standard errors.
/// `analytic` says the objective's gradient is exact; when it is by differences, the standard
/// errors come from second differences of the value, which the differences' noise spares.
func fitPositive(_ count: Int, customers: Int, whole: @escaping Objective, sample: Objective?, analytic: Bool = true) -> ModelFit {
    let rough = sample ?? whole
    let found = nelderMead({ rough($0.map { Double.exp($0) }).value }, from: Array(repeating: 0, count: count), tolerance: sample == nil ? 1e-10 : 1e-6)
    guard (found.converged || sample != nil) && !FitInterrupt.isRequested() else {
        let estimate = found.point.map { Double.exp($0) }
        let atEdge = !estimate.allSatisfy { $0.isFinite && $0 >= 1e-6 && $0 <= 1e6 }
        return ModelFit(parameters: estimate, standardErrors: Array(repeating: nil, count: count),
                        logLikelihood: -found.value, customers: customers, iterations: found.iterations, problem: atEdge ? .boundary : .notConverged)
    }
    // The sample stands for the whole data (its weights scaled up), so its curvature starts Newton off.
    let polished = newton(whole, from: found.point, curvature: sample)
    let estimate = polished.point.map { Double.exp($0) }
    // A parameter at the edge of its range is the reason, whether or not the search settled there.
    var problem: ModelFit.Problem? = nil
    if !estimate.allSatisfy({ $0.isFinite && $0 >= 1e-6 && $0 <= 1e6 }) {
        problem = .boundary
    } else if !polished.converged || !polished.value.isFinite {
        problem = .notConverged
    }
    var errors: [Double?] = Array(repeating: nil, count: count)
    let curvature = analytic ? gradientHessian(whole, at: estimate) : hessian({ whole($0).value }, at: estimate)
    if problem == nil, let covariance = inverse(curvature) {
        errors = (0..<count).map { covariance[$0][$0] > 0 ? covariance[$0][$0].squareRoot() : nil }
    }
    // No standard error, or one ten times its estimate: the likelihood barely moves with the parameter.
    if problem == nil, zip(estimate, errors).contains(where: { $1 == nil || $1! > 10 * $0 }) { problem = .flat }
    return ModelFit(parameters: estimate, standardErrors: errors, logLikelihood: -polished.value, customers: customers,
                    iterations: found.iterations + polished.iterations, problem: problem)
}

/// The Hessian of an objective at `x` (natural parameters) by central differences of its gradient.
func gradientHessian(_ f: Objective, at x: [Double]) -> [[Double]] {
    let n = x.count
    var h = Array(repeating: Array(repeating: 0.0, count: n), count: n)
    for i in 0..<n {
        let step = 1e-5 * max(abs(x[i]), 1e-3)
        var up = x, down = x
        up[i] += step
        down[i] -= step
        let gu = f(up).gradient, gd = f(down).gradient
        for j in 0..<n { h[i][j] = (gu[j] - gd[j]) / (2 * step) }
    }
    // Symmetric, as a Hessian is.
    for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { let m = (h[i][j] + h[j][i]) / 2; h[i][j] = m; h[j][i] = m } }
    return h
}

/// Damped Newton steps in log-parameters u = ln θ: the gradient is θ·∂f/∂θ, the Hessian comes
/// from differences of that gradient; a step that does not lower f is damped until it does.
/// Converged when a step moves no log-parameter by more than 1e-10.
func newton(_ f: @escaping Objective, from start: [Double], curvature: Objective? = nil) -> Minimum {
    let n = start.count
    func inLogs(_ u: [Double], _ g: Objective = f) -> (Double, [Double]) {
        let theta = u.map { Double.exp($0) }
        let (value, gradient) = g(theta)
        return (value, zip(theta, gradient).map { $0 * $1 })
    }
    func hessianAt(_ u: [Double], _ g: Objective = f) -> [[Double]] {
        var hessian = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for i in 0..<n {
            var up = u, down = u
            up[i] += 1e-5
            down[i] -= 1e-5
            let gu = inLogs(up, g).1, gd = inLogs(down, g).1
            for j in 0..<n { hessian[i][j] = (gu[j] - gd[j]) / 2e-5 }
        }
        return hessian
    }
    var u = start, (value, gradient) = inLogs(start)
    // The Hessian is worked out again only when a step with the last one fails to lower f; the
    // first may come from a sample of the data (`curvature`), which costs no pass over all of it.
    var hessian = hessianAt(u, curvature ?? f), fresh = curvature == nil
    for iteration in 1...100 {
        guard value.isFinite, !FitInterrupt.isRequested() else { return Minimum(point: u, value: value, iterations: iteration, converged: false) }
        var damping = 0.0, moved = false
        while damping < 1e12 {
            var damped = hessian
            for i in 0..<n { damped[i][i] += damping }
            if let inverse = inverse(damped) {
                let step = (0..<n).map { i in -(0..<n).reduce(0.0) { $0 + inverse[i][$1] * gradient[$1] } }
                let next = zip(u, step).map { $0 + $1 }
                let (nextValue, nextGradient) = inLogs(next)
                if nextValue.isFinite && nextValue <= value + 1e-12 * abs(value) {
                    let largest = step.map(abs).max() ?? 0, gain = value - nextValue
                    (u, value, gradient, moved) = (next, nextValue, nextGradient, true)
                    // Settled: the step is nothing, or it is small and gains nothing f can show.
                    if largest < 1e-10 || (largest < 1e-6 && gain <= 1e-13 * max(1, abs(value))) {
                        return Minimum(point: u, value: value, iterations: iteration, converged: true)
                    }
                    break
                }
            }
            if !fresh { break }
            damping = damping == 0 ? 1e-6 * max(1, abs(value)) : damping * 10
        }
        if !moved && !fresh {
            hessian = hessianAt(u)
            fresh = true
            continue
        }
        if !moved {
            // No step lowers f: at the minimum to the precision f has.
            return Minimum(point: u, value: value, iterations: iteration, converged: gradient.allSatisfy { abs($0) < 1e-4 * max(1, abs(value)) })
        }
        fresh = false
    }
    return Minimum(point: u, value: value, iterations: 100, converged: false)
}

/// ψ(x), the digamma function, for x > 0: the recurrence up to 6, then the asymptotic series.
func digamma(_ x: Double) -> Double {
    var x = x, result = 0.0
    while x < 6 { result -= 1 / x; x += 1 }
    let f = 1 / (x * x)
    return result + Double.log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))))
}

/// Sums `body(range)` over `count` items split across the cores.
func parallelSum(_ count: Int, width: Int, _ body: @Sendable (Range<Int>) -> [Double]) -> [Double] {
    let parts = count < 50_000 ? 1 : 8
    let results = Results(parts: parts, width: width)
    DispatchQueue.concurrentPerform(iterations: parts) { part in
        let range = (count * part / parts)..<(count * (part + 1) / parts)
        results.store(body(range), at: part)
    }
    return results.total()
}

/// Each part's sums in its own slots, added in a fixed order so the total is the same on every run.
final class Results: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Double>
    private let parts: Int, width: Int
    init(parts: Int, width: Int) {
        (self.parts, self.width) = (parts, width)
        slots = .allocate(capacity: parts * width)
        slots.initialize(repeating: 0)
    }
    deinit { slots.deallocate() }
    func store(_ values: [Double], at part: Int) {
        precondition(values.count == width && part < parts)
        for (i, v) in values.enumerated() { slots[part * width + i] = v }
    }
    func total() -> [Double] { (0..<width).map { i in (0..<parts).reduce(0.0) { $0 + slots[$1 * width + i] } } }
}
