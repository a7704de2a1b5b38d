import RealModule

/// The result of a minimisation: where it ended, the value there, and whether it met its tolerance.
public struct Minimum: Sendable {
    public let point: [Double]
    public let value: Double
    public let iterations: Int
    public let converged: Bool
}

/// Whether a fit should stop where it is (Ctrl-C): asked between iterations. The engine points it
/// at its interrupt flag; a stopped fit reports that it did not converge.
public enum FitInterrupt {
    nonisolated(unsafe) public static var isRequested: @Sendable () -> Bool = { false }
}

/// Minimises `f` by the Nelder–Mead simplex method (as `lifetimes` and scipy do for these
/// models): converged when every vertex lies within `tolerance` of the best in position, and
/// within `tolerance` relative to it (at least 1) in value. Non-finite values count as +∞, so the search stays where the function is defined.
public func nelderMead(_ f: ([Double]) -> Double, from start: [Double], step: Double = 0.5, tolerance: Double = 1e-10,
                       maxIterations: Int = 20_000) -> Minimum {
    let n = start.count
    func value(_ x: [Double]) -> Double { let v = f(x); return v.isFinite ? v : .infinity }
    var simplex = [start] + (0..<n).map { i -> [Double] in var x = start; x[i] += step; return x }
    var values = simplex.map(value)
    func combine(_ a: [Double], _ b: [Double], _ t: Double) -> [Double] { zip(a, b).map { $0 + t * ($1 - $0) } }
    var iteration = 0
    while iteration < maxIterations {
        if FitInterrupt.isRequested() { return Minimum(point: simplex[0], value: values[0], iterations: iteration, converged: false) }
        let order = values.indices.sorted { values[$0] < values[$1] }
        simplex = order.map { simplex[$0] }
        values = order.map { values[$0] }
        let spread = simplex.dropFirst().map { zip($0, simplex[0]).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
        if values[0].isFinite, spread <= tolerance, (values.last ?? 0) - values[0] <= tolerance * max(1, abs(values[0])) { break }
        iteration += 1
        let centroid = (0..<n).map { i in simplex.dropLast().reduce(0) { $0 + $1[i] } / Double(n) }
        let worst = simplex[n]
        let reflected = combine(centroid, worst, -1), fr = value(reflected)
        if fr < values[0] {
            let expanded = combine(centroid, worst, -2), fe = value(expanded)
            (simplex[n], values[n]) = fe < fr ? (expanded, fe) : (reflected, fr)
        } else if fr < values[n - 1] {
            (simplex[n], values[n]) = (reflected, fr)
        } else {
            let outside = fr < values[n]
            let contracted = combine(centroid, outside ? reflected : worst, 0.5), fc = value(contracted)
            if fc < (outside ? fr : values[n]) {
                (simplex[n], values[n]) = (contracted, fc)
            } else {
                for i in 1...n {
                    simplex[i] = combine(simplex[0], simplex[i], 0.5)
                    values[i] = value(simplex[i])
                }
            }
        }
    }
    let best = values.indices.min { values[$0] < values[$1] } ?? 0
    return Minimum(point: simplex[best], value: values[best], iterations: iteration, converged: iteration < maxIterations && values[best].isFinite)
}

/// The Hessian of `f` at `x` by central differences, with steps relative to each coordinate.
public func hessian(_ f: ([Double]) -> Double, at x: [Double]) -> [[Double]] {
    let n = x.count
    let h = x.map { 1e-4 * max(abs($0), 1e-2) }
    var result = Array(repeating: Array(repeating: 0.0, count: n), count: n)
    func at(_ moves: [(Int, Double)]) -> Double {
        var y = x
        for (i, d) in moves { y[i] += d }
        return f(y)
    }
    let centre = f(x)
    for i in 0..<n {
        result[i][i] = (at([(i, h[i])]) - 2 * centre + at([(i, -h[i])])) / (h[i] * h[i])
        for j in (i + 1)..<max(i + 1, n) {
            let v = (at([(i, h[i]), (j, h[j])]) - at([(i, h[i]), (j, -h[j])]) - at([(i, -h[i]), (j, h[j])]) + at([(i, -h[i]), (j, -h[j])])) / (4 * h[i] * h[j])
            result[i][j] = v
            result[j][i] = v
        }
    }
    return result
}

/// The inverse of a small square matrix by Gauss–Jordan elimination with partial pivoting; nil
/// when it is singular (or nearly: a pivot below 1e-300) or not finite.
public func inverse(_ matrix: [[Double]]) -> [[Double]]? {
    let n = matrix.count
    var a = matrix.enumerated().map { i, row in row + (0..<n).map { $0 == i ? 1.0 : 0.0 } }
    for column in 0..<n {
        guard let pivot = (column..<n).max(by: { abs(a[$0][column]) < abs(a[$1][column]) }), abs(a[pivot][column]) > 1e-300,
              a[pivot][column].isFinite else { return nil }
        a.swapAt(column, pivot)
        let p = a[column][column]
        a[column] = a[column].map { $0 / p }
        for row in 0..<n where row != column {
            let factor = a[row][column]
            if factor != 0 { a[row] = zip(a[row], a[column]).map { $0 - factor * $1 } }
        }
    }
    let result = a.map { Array($0[n...]) }
    return result.allSatisfy { $0.allSatisfy(\.isFinite) } ? result : nil
}

/// Standard errors from the Hessian of a negative log-likelihood: the square roots of the
/// inverse's diagonal; nil for each when the Hessian cannot be inverted or a variance is not positive.
public func standardErrors(_ negativeLogLikelihood: ([Double]) -> Double, at x: [Double]) -> [Double?] {
    guard let covariance = inverse(hessian(negativeLogLikelihood, at: x)) else { return x.map { _ in nil } }
    return (0..<x.count).map { covariance[$0][$0] > 0 ? covariance[$0][$0].squareRoot() : nil }
}

/// The Gaussian hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1, by its series; nil when
/// it does not settle in 200,000 terms.
public func hypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double? {
    guard z >= 0, z < 1 else { return nil }
    var term = 1.0, sum = 1.0
    for k in 0..<200_000 {
        let k = Double(k)
        term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        sum += term
        if abs(term) <= 1e-16 * abs(sum) { return sum.isFinite ? sum : nil }
    }
    return nil
}

/// ₂F₁(a, b; c; z) at several z in [0, 1) at once: the series' coefficients are the same for
/// every z, so each is worked out once, and a z leaves the sum when its terms no longer count
/// (the smaller z first). Nil for a z outside [0, 1) or a series that does not settle.
public func hypergeometric2F1(_ a: Double, _ b: Double, _ c: Double, at zs: [Double]) -> [Double?] {
    guard zs.allSatisfy({ $0 >= 0 && $0 < 1 }) else { return zs.map { hypergeometric2F1(a, b, c, $0) } }
    let order = zs.indices.sorted { zs[$0] < zs[$1] }
    let z = order.map { zs[$0] }
    var sums = Array(repeating: 1.0, count: z.count)
    let settled = sums.withUnsafeMutableBufferPointer { sums in
        var powers = Array(repeating: 1.0, count: z.count)
        return powers.withUnsafeMutableBufferPointer { powers in
            var coefficient = 1.0, lowest = 0
            for k in 0..<200_000 {
                let k = Double(k)
                coefficient *= (a + k) * (b + k) / ((c + k) * (k + 1))
                for m in lowest..<z.count {
                    powers[m] *= z[m]
                    sums[m] += coefficient * powers[m]
                }
                // Terms of a smaller z are smaller still: once this z's stop counting, it is done.
                while lowest < z.count && k > 0 && abs(coefficient * powers[lowest]) <= 1e-16 * abs(sums[lowest]) { lowest += 1 }
                if lowest == z.count { return true }
            }
            return false
        }
    }
    guard settled else { return zs.map { _ in nil } }
    var result = [Double?](repeating: nil, count: z.count)
    for (place, index) in order.enumerated() { result[index] = sums[place].isFinite ? sums[place] : nil }
    return result
}

/// ln Γ(x).
@inline(__always) func logGamma(_ x: Double) -> Double { Double.logGamma(x) }
