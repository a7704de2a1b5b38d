import Foundation
import PatronDriver
import PatronSyntax
import Testing

/// The README's tour and the help examples run as tests, so the documentation stays true.
struct DocumentationTests {
    /// One `$ command` in a ```console block and the output printed under it.
    struct ConsoleExample: CustomTestStringConvertible {
        var command: String
        var expected: String
        var testDescription: String { command }
    }

    static let readme = TestSupport.packageRoot.appendingPathComponent("README.md")

    static func consoleExamples(in text: String) -> [ConsoleExample] {
        var examples: [ConsoleExample] = []
        var inBlock = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "```console" { inBlock = true; continue }
            if line == "```" { inBlock = false; continue }
            guard inBlock else { continue }
            if line.hasPrefix("$ ") {
                examples.append(ConsoleExample(command: String(line.dropFirst(2)), expected: ""))
            } else if !examples.isEmpty {
                examples[examples.count - 1].expected += line + "\n"
            }
        }
        return examples
    }

    static var readmeExamples: [ConsoleExample] {
        consoleExamples(in: (try? String(contentsOf: readme, encoding: .utf8)) ?? "")
    }

    /// Runs a README command with `patron` on the PATH; stdout and stderr together, as a terminal
    /// shows them, with load timings (which vary from run to run) shown as `0.00 s` and CSV's
    /// CRLF line ends as the README's LF.
    static func output(of command: String) throws -> String {
        let path = TestSupport.binary.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let text = try TestSupport.run("/bin/sh", ["-c", "(\(command)) 2>&1"], environment: ["PATH": path]).stdout
        return text.replacing(/\sin [0-9,]+\.[0-9]{2} s/, with: " in 0.00 s").replacingOccurrences(of: "\r\n", with: "\n")
    }

    /// Every README command prints what the README shows under it. With PATRON_RECORD=1 the
    /// README is rewritten with what they print instead, to be reviewed in the diff.
    @Test func readmeExamplesPrintWhatTheyShow() throws {
        if ProcessInfo.processInfo.environment["PATRON_RECORD"] == "1" { return try Self.recordReadme() }
        for example in Self.readmeExamples {
            let actual = try Self.output(of: example.command)
            #expect(actual == example.expected, "README command: \(example.command)")
        }
    }

    @Test func readmeHasATourAndExactlyTwoSetupCommands() throws {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        #expect(Self.readmeExamples.count >= 4)
        // The developers' two commands, under "Build from source" (users install a package).
        let fromSource = text.components(separatedBy: "## Build from source").dropFirst().first ?? ""
        let setup = fromSource.components(separatedBy: "```sh\n").dropFirst().first?.components(separatedBy: "```").first ?? ""
        let commands = setup.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(commands.count == 2)
        #expect(commands.allSatisfy { $0.hasPrefix("sh scripts/setup") && $0.contains("&& swift ") })
        // CI runs exactly the README's test command.
        let ci = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent(".ci/run"), encoding: .utf8)
        let testCommand = commands.first { $0.contains("swift test") }.map { String($0.split(separator: "#")[0]).trimmingCharacters(in: .whitespaces) }
        #expect(testCommand != nil && ci.contains(testCommand!))
    }

    /// Rewrites the output under each README command with what it prints now.
    static func recordReadme() throws {
        let lines = try String(contentsOf: Self.readme, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        var inBlock = false
        for line in lines {
            if line == "```console" { inBlock = true; out.append(String(line)); continue }
            if inBlock && line == "```" { inBlock = false; out.append(String(line)); continue }
            if inBlock {
                if line.hasPrefix("$ ") {
                    out.append(String(line))
                    var output = try output(of: String(line.dropFirst(2)))
                    if output.hasSuffix("\n") { output.removeLast() }
                    if !output.isEmpty { out.append(output) }
                }
                continue
            }
            out.append(String(line))
        }
        try out.joined(separator: "\n").write(to: readme, atomically: true, encoding: .utf8)
        print("PATRON_RECORD=1: rewrote the output under README.md's commands; review the diff")
    }

    /// Every help topic's example runs on the demo data without an error.
    @Test("help example", arguments: Help.topics.filter { !$0.example.isEmpty }.map(\.name))
    func helpExample(_ name: String) throws {
        let topic = try #require(Help.topics.first { $0.name == name })
        _ = FileManager.default.changeCurrentDirectoryPath(TestSupport.packageRoot.path)
        var errors: [String] = []
        let outcome = Session().run(Source(name: "help \(name)", text: topic.example)) { if case .diagnostic(let d) = $0 { errors.append(d) } }
        #expect(outcome.status == .ok, "\(errors)")
    }
}
