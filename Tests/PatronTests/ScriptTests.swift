import Foundation
import PatronDriver
import PatronSyntax
import Testing

/// Data-driven script tests: every `Tests/scripts/*.test` file.
///
/// A file is a sequence of blocks. A block starts with a line `run` or `error`, then the
/// statements, then a line `----`, then the expected output. `run` expects exactly that
/// output and no errors — results as they are, notes (the load summary, a timer's line, words
/// under a data format) each line marked `note: `, with their times as `0.00 s` — ; `error`
/// expects the run to fail with every expected line appearing in the error text. Blocks run in
/// order in one session, so a `load` carries over. Set PATRON_RECORD=1 to rewrite the expected
/// output of `run` blocks deliberately; the run then says which files it rewrote.
struct ScriptTests {
    static let folder = TestSupport.packageRoot.appendingPathComponent("Tests/scripts")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".test") }.sorted()
    }

    @Test("script", arguments: ScriptTests.files)
    func script(_ file: String) throws {
        _ = FileManager.default.changeCurrentDirectoryPath(TestSupport.packageRoot.path)
        let path = Self.folder.appendingPathComponent(file)
        let text = try String(contentsOf: path, encoding: .utf8)
        var blocks = ScriptTestFile.parse(text)
        #expect(!blocks.isEmpty, "\(file) has no blocks")
        let session = Session()
        var recorded = false
        for index in blocks.indices {
            let block = blocks[index]
            var stdout: [String] = [], stderr: [String] = []
            let outcome = session.run(Source(name: file, text: block.statements, firstLine: block.line)) { output in
                switch output {
                case .result(let s): stdout.append(s)
                case .diagnostic(let s): stderr.append(s)
                case .note(let s): stdout.append(Self.note(s))
                }
            }
            let out = stdout.joined(separator: "\n")
            let err = stderr.joined(separator: "\n")
            switch block.kind {
            case .run:
                #expect(outcome.status == .ok, "\(file):\(block.line): expected success, got:\n\(err)")
                if ProcessInfo.processInfo.environment["PATRON_RECORD"] == "1" && out != block.expected {
                    blocks[index].expected = out
                    recorded = true
                } else {
                    #expect(out == block.expected, "\(file):\(block.line): output differs")
                }
            case .error:
                #expect(outcome.status != .ok, "\(file):\(block.line): expected an error, got:\n\(out)")
                for line in block.expected.split(separator: "\n") where !line.isEmpty {
                    #expect(err.contains(line), "\(file):\(block.line): error text lacks '\(line)'; it was:\n\(err)")
                }
            }
        }
        if recorded {
            try ScriptTestFile.render(blocks, header: ScriptTestFile.header(text)).write(to: path, atomically: true, encoding: .utf8)
            print("PATRON_RECORD=1: rewrote the expected output of \(file); review the diff")
        }
    }

    /// A note as the expected output holds it: each line marked, times (which vary from run to
    /// run) as 0.00 s.
    static func note(_ text: String) -> String {
        text.replacing(/[0-9][0-9,]*\.[0-9]+ s\b/, with: "0.00 s").split(separator: "\n", omittingEmptySubsequences: false)
            .map { "note: " + $0 }.joined(separator: "\n")
    }
}

/// The `.test` format.
enum ScriptTestFile {
    struct Block {
        enum Kind: String { case run, error }
        var kind: Kind
        var line: Int
        var statements: String
        var expected: String
    }

    /// The comment lines before the first block.
    static func header(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).prefix { $0 != "run" && $0 != "error" }.joined(separator: "\n")
    }

    static func parse(_ text: String) -> [Block] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [Block] = []
        var i = 0
        while i < lines.count {
            guard let kind = Block.Kind(rawValue: lines[i]) else { i += 1; continue }
            let start = i + 2
            i += 1
            var statements: [String] = []
            while i < lines.count && lines[i] != "----" { statements.append(lines[i]); i += 1 }
            i += 1
            var expected: [String] = []
            while i < lines.count && !(Block.Kind(rawValue: lines[i]) != nil && (expected.last ?? "").isEmpty) {
                expected.append(lines[i])
                i += 1
            }
            while expected.last == "" { expected.removeLast() }
            blocks.append(Block(kind: kind, line: start, statements: statements.joined(separator: "\n"), expected: expected.joined(separator: "\n")))
        }
        return blocks
    }

    static func render(_ blocks: [Block], header: String) -> String {
        var out = header.isEmpty ? "" : header + (header.hasSuffix("\n") ? "" : "\n")
        for block in blocks {
            out += "\(block.kind.rawValue)\n\(block.statements)\n----\n\(block.expected)\n\n"
        }
        return String(out.dropLast())
    }
}
