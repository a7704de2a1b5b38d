import Foundation
import Testing

/// Paths and process helpers shared by the tests.
enum TestSupport {
    /// The package's root folder.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built `patron` binary, next to the test bundle.
    static var binary: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = exe.deletingLastPathComponent()
        // On Linux the test runner is `<build>/<config>/patronPackageTests.xctest`.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("patron").path) && folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("patron")
    }

    /// What a finished process printed and how it exited.
    struct Run {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    /// Runs the patron binary with `arguments`, from the package root, feeding `stdin`.
    /// The results of a `--format json` run: its one document, an array of results in order.
    static func results(_ stdout: String) -> [[String: Any]] {
        ((try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [[String: Any]]) ?? []
    }

    static func patron(_ arguments: [String], stdin: String = "", environment: [String: String] = [:]) throws -> Run {
        try run(binary.path, arguments, stdin: stdin, environment: environment)
    }

    /// Runs a program to completion.
    static func run(_ program: String, _ arguments: [String], stdin: String = "", environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        var env = ProcessInfo.processInfo.environment
        env["PATRON_HISTORY"] = ""
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a full pipe never blocks the child.
        nonisolated(unsafe) var errorData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorData = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Run(stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errorData, as: UTF8.self), status: process.terminationStatus)
    }
}

/// Conditions under which a test is skipped, and reported as skipped, never as passed.
extension Trait where Self == ConditionTrait {
    /// The independent oracles (DuckDB, scipy, Chromium from `scripts/setup --tests`);
    /// PATRON_SKIP_DUCKDB=1 skips them on a machine without them.
    static var needsOracles: Self {
        .disabled(if: ProcessInfo.processInfo.environment["PATRON_SKIP_DUCKDB"] == "1", "PATRON_SKIP_DUCKDB=1: the independent oracles are not run")
    }

    /// Spark in local mode; PATRON_SKIP_SPARK=1 skips it.
    static var needsSpark: Self {
        .disabled(if: ProcessInfo.processInfo.environment["PATRON_SKIP_SPARK"] == "1", "PATRON_SKIP_SPARK=1: Spark is not run")
    }
}
