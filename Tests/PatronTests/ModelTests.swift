import Foundation
import PatronModels
import Testing

/// The customer-base models: the numerics against known values, the fit on the CDNOW sample
/// against the published parameters, and every customer's figures against scipy.
struct ModelTests {
    static let cdnow = TestSupport.packageRoot.appendingPathComponent("Tests/data/downloaded/CDNOW_sample.txt")

    @Test func hypergeometricSeriesMatchesClosedForms() throws {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z, and ₂F₁(a, b; b; z) = (1 − z)^−a.
        for z in [0.0, 0.1, 0.5, 0.9, 0.99] {
            let value = try #require(hypergeometric2F1(1, 1, 2, z))
            #expect(abs(value - (z == 0 ? 1 : -Foundation.log(1 - z) / z)) < 1e-12 * value)
            let power = try #require(hypergeometric2F1(0.7, 2.5, 2.5, z))
            #expect(abs(power - Foundation.pow(1 - z, -0.7)) < 1e-12 * power)
        }
        #expect(hypergeometric2F1(1, 1, 2, 1) == nil)
    }

    /// Expected purchases use Euler's transformation of the series; the untransformed one, summed
    /// directly, gives the same figures, from a new customer to one with 60 repeat purchases,
    /// and the several-horizons series the same as one horizon at a time.
    @Test func expectedPurchasesAgreeWithTheUntransformedSeries() throws {
        let p = [0.243, 4.414, 0.793, 2.426], (r, alpha, a, b) = (p[0], p[1], p[2], p[3])
        for (x, age) in [(0.0, 0.0), (2.0, 38.0), (7.0, 20.0), (60.0, 70.0)] {
            let horizons = [0.0, 4.3, 26.0, 52.0, 104.0]
            let together = BGNBD.expectedWhileAlive(p, repeats: x, age: age, over: horizons)
            for (t, value) in zip(horizons, together) {
                let value = try #require(value)
                let f = try #require(hypergeometric2F1(r + x, b + x, a + b + x - 1, t / (alpha + age + t)))
                let direct = (a + b + x - 1) / (a - 1) * (1 - Foundation.pow((alpha + age) / (alpha + age + t), r + x) * f)
                #expect(abs(value - direct) <= 1e-9 * max(1, direct), "x \(x), T \(age), t \(t): \(value) against \(direct)")
                let alone = try #require(BGNBD.expectedWhileAlive(p, repeats: x, age: age, over: [t])[0])
                #expect(abs(alone - value) <= 1e-12 * max(1, value))
            }
        }
    }

    @Test func nelderMeadFindsTheRosenbrockMinimum() {
        let found = nelderMead({ x in 100 * Foundation.pow(x[1] - x[0] * x[0], 2) + Foundation.pow(1 - x[0], 2) }, from: [-1.2, 1])
        #expect(found.converged)
        #expect(abs(found.point[0] - 1) < 1e-6 && abs(found.point[1] - 1) < 1e-6)
        #expect(inverse([[4, 7], [2, 6]]).map { $0.flatMap { $0 } }?.elementsEqual([0.6, -0.7, -0.2, 0.4], by: { abs($0 - $1) < 1e-12 }) == true)
        #expect(inverse([[1, 2], [2, 4]]) == nil)
    }

    @Test func aOneTimeBuyerIsAlwaysAliveUnderBGNBD() {
        let p = [0.243, 4.414, 0.793, 2.426]
        #expect(BGNBD.probabilityAlive(p, PurchaseHistory(repeats: 0, recency: 0, age: 1000)) == 1)
        // By hand: a/(b+x−1) = 0.793/3.426 = 0.23147; last bought in week 37 of 38:
        // (42.414/41.414)^2.243 = 1.05497, odds 0.24419, P = 1/1.24419 = 0.8037. In week 1:
        // (42.414/5.414)^2.243 = 101.2, odds 23.43, P = 0.0409.
        #expect(abs(BGNBD.probabilityAlive(p, PurchaseHistory(repeats: 2, recency: 37, age: 38)) - 0.8037) < 5e-5)
        #expect(abs(BGNBD.probabilityAlive(p, PurchaseHistory(repeats: 2, recency: 1, age: 38)) - 0.0409) < 5e-4)
    }

    /// Fader, Hardie and Lee (2005): r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4; and
    /// Gamma-Gamma on the 946 repeat customers: p = 6.25, q = 3.74, γ = 15.44.
    @Test func cdnowFitEqualsThePublishedParameters() throws {
        #expect(FileManager.default.fileExists(atPath: Self.cdnow.path), "run: sh scripts/setup --tests (it fetches the CDNOW sample)")
        let script = """
            load "\(Self.cdnow.path)" as cdnow with columns (customer text, sample text, date date "yyyyMMdd", cds integer, dollars decimal)
            customers from cdnow by customer as of 1997-09-30 with amount = dollars
            clv
            """
        let run = try TestSupport.patron(["run", "--quiet", "--format", "json", "-"], stdin: script)
        #expect(run.status == 0, "\(run.stderr)")
        let fit = try #require(TestSupport.results(run.stdout).first)
        let rows = try #require(fit["rows"] as? [[Any]])
        var estimate: [String: Double] = [:]
        for row in rows { if let name = row[1] as? String, let value = row[2] as? Double { estimate[name] = value } }
        func rounded(_ x: Double?, _ places: Double) -> Double { ((x ?? .nan) * places).rounded() / places }
        #expect(rounded(estimate["r"], 1000) == 0.243 && rounded(estimate["alpha"], 1000) == 4.414)
        #expect(rounded(estimate["a"], 1000) == 0.793 && rounded(estimate["b"], 1000) == 2.426)
        #expect(rounded(fit["log_likelihood"] as? Double, 10) == -9582.4)
        #expect(fit["customers"] as? Int == 2357 && fit["spend_customers"] as? Int == 946 && fit["converged"] as? Bool == true)
        #expect(rounded(estimate["p"], 100) == 6.25 && rounded(estimate["q"], 100) == 3.74 && rounded(estimate["gamma"], 100) == 15.44)
        // Every parameter has a standard error (from the Hessian).
        #expect(rows.allSatisfy { $0[3] is Double })
    }

    /// The Pareto/NBD on the same data: r = 0.55, α = 10.58, s = 0.61, β = 11.67, LL = −9595.0
    /// (Fader, Hardie and Lee 2005); and every customer's P(alive) and expected purchases against scipy.
    @Test func paretoNBDOnCdnowEqualsThePublishedParameters() throws {
        let script = """
            load "\(Self.cdnow.path)" as cdnow with columns (customer text, sample text, date date "yyyyMMdd", cds integer, dollars decimal)
            customers from cdnow by customer as of 1997-09-30 with amount = dollars
            clv model pareto_nbd
            """
        let run = try TestSupport.patron(["run", "--quiet", "--format", "json", "-"], stdin: script)
        #expect(run.status == 0, "\(run.stderr)")
        let fit = try #require(TestSupport.results(run.stdout).first)
        var estimate: [String: Double] = [:]
        for row in fit["rows"] as? [[Any]] ?? [] { if let name = row[1] as? String, let value = row[2] as? Double { estimate[name] = value } }
        func rounded(_ x: Double?, _ places: Double) -> Double { ((x ?? .nan) * places).rounded() / places }
        #expect(fit["model"] as? String == "pareto_nbd" && fit["converged"] as? Bool == true)
        #expect(rounded(estimate["r"], 100) == 0.55 && rounded(estimate["alpha"], 100) == 10.58)
        #expect(rounded(estimate["s"], 100) == 0.61 && rounded(estimate["beta"], 100) == 11.67)
        #expect(rounded(fit["log_likelihood"] as? Double, 10) == -9595.0)
    }

    /// The same fit and each customer's figures against an independent implementation (scipy).
    @Test(.needsOracles) func paretoNBDOnCdnowAgreesWithScipy() throws {
        let oracle = try TestSupport.run("/usr/bin/env", ["python3", "Tests/oracle/pareto_nbd_scipy.py", TestSupport.binary.path, Self.cdnow.path])
        #expect(oracle.status == 0 && oracle.stdout.hasPrefix("ok: 4 parameters and 2 figures of each of 2357 customers agree with scipy"), "\(oracle.stdout)\(oracle.stderr)")
    }

    @Test(.needsOracles) func everyCustomersFiguresAgreeWithScipy() throws {
        let run = try TestSupport.run("/usr/bin/env", ["python3", "Tests/oracle/clv_scipy.py", TestSupport.binary.path, Self.cdnow.path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("ok: 7 parameters and 4 figures of each of 2357 customers agree with scipy"))
    }

    /// The standard check: fitted to 1997-09-30, against the 39 weeks after it.
    @Test func cdnowCheckAgainstTheHoldoutWeeks() throws {
        let script = """
            load "\(Self.cdnow.path)" as cdnow with columns (customer text, sample text, date date "yyyyMMdd", cds integer, dollars decimal)
            customers from cdnow by customer as of 1998-06-30 with amount = dollars
            clv until 1997-09-30
            """
        let run = try TestSupport.patron(["run", "--quiet", "--format", "json", "-"], stdin: script)
        let fit = try #require(TestSupport.results(run.stdout).first)
        let validation = try #require(fit["validation"] as? [String: Any])
        let weeks = try #require(validation["weeks"] as? [[String: Any]])
        // 78 weeks from 1997-01-01, the fit's 39 first: Fader, Hardie and Lee's tracking plot.
        #expect(weeks.count == 78 && validation["calibration_weeks"] as? Int == 39)
        let fitted = try #require(weeks[38]["actual"] as? Double), last = try #require(weeks.last)
        let actual = try #require(last["actual"] as? Double), expected = try #require(last["expected"] as? Double)
        // 2,457 repeat purchases in the calibration, 1,882 after it; the model within 5% at the end.
        #expect(fitted == 2457 && actual == 2457 + 1882 && abs(expected - actual) / actual < 0.05)
        #expect(fit["columns_added"] as? [String] == [])
    }
}
