import Foundation
import Testing

/// The prompt, driven through a pseudo-terminal as a person would use it.
@Suite(.serialized)
struct REPLTests {
    func start(history: URL, locale: String = "C") throws -> PseudoTerminal {
        try PseudoTerminal(program: TestSupport.binary.path, arguments: [],
                           environment: ["TERM": "xterm", "LC_ALL": locale, "HOME": history.deletingLastPathComponent().path,
                                         "PATRON_HISTORY": history.path, "PATH": "/usr/bin:/bin"],
                           directory: TestSupport.packageRoot.path)
    }

    func temporaryHistory() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-repl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("history")
    }

    @Test func typeRecallInterruptChineseAndExit() throws {
        let history = try temporaryHistory()
        defer { try? FileManager.default.removeItem(at: history.deletingLastPathComponent()) }
        let terminal = try start(history: history)

        #expect(terminal.waitFor("demo data loaded as 'demo'"))
        #expect(terminal.waitFor("patron> "))

        // Type a statement.
        terminal.type("count\r")
        #expect(terminal.waitFor("3,000 rows in 'demo'"))
        #expect(terminal.waitFor("patron> ", occurrences: 2))

        // Recall it with the up arrow and run it again.
        terminal.type("\u{1B}[A")
        terminal.type("\r")
        #expect(terminal.waitFor("3,000 rows in 'demo'", occurrences: 2))

        // Ctrl-C discards the line being typed and keeps the session.
        terminal.type("segment where nonsense")
        terminal.type("\u{03}")
        #expect(terminal.waitFor("^C"))
        #expect(terminal.waitFor("patron> ", occurrences: 4))
        terminal.type("count\r")
        #expect(terminal.waitFor("3,000 rows in 'demo'", occurrences: 3))
        #expect(!terminal.transcript.contains("nonsense'"), "the discarded line must not run")

        // An open statement continues on the next line; Ctrl-C there discards it too.
        terminal.type("segment where profit=high and\r")
        #expect(terminal.waitFor("   ...> "))
        terminal.type("\u{03}")
        #expect(terminal.waitFor("patron> ", occurrences: 6))
        terminal.type("segment where profit=high and\r")
        #expect(terminal.waitFor("   ...> ", occurrences: 2))
        terminal.type("loyalty=low\r")
        #expect(terminal.waitFor("│ profit=high and loyalty=low │"))

        // A Chinese string typed under LC_ALL=C arrives intact.
        terminal.type("segment where name = \"王伟\"\r")
        #expect(terminal.waitFor("│ name = \"王伟\" │"))
        #expect(terminal.transcript.contains("王伟\""), "the line editor echoes the characters, not escapes")
        #expect(!terminal.transcript.contains("unterminated string"))

        // Ctrl-D exits with 0 and saves the history.
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
        let saved = try String(contentsOf: history, encoding: .utf8)
        #expect(saved.contains("count"))
        #expect(!saved.contains("nonsense"))
    }

    @Test func historyCarriesAcrossSessions() throws {
        let history = try temporaryHistory()
        defer { try? FileManager.default.removeItem(at: history.deletingLastPathComponent()) }
        let first = try start(history: history)
        #expect(first.waitFor("patron> "))
        first.type("show top 1 by loyalty\r")
        #expect(first.waitFor("top 1 of 3,000 rows by loyalty"))
        first.type("quit\r")
        #expect(first.waitForExit() == 0)

        let second = try start(history: history)
        #expect(second.waitFor("patron> "))
        second.type("\u{1B}[A\u{1B}[A\r")  // the last entry is "quit"
        #expect(second.waitFor("top 1 of 3,000 rows by loyalty"))
        second.type("\u{04}")
        #expect(second.waitForExit() == 0)
    }

    @Test func unwritableHistoryIsAWarningNotAnError() throws {
        let terminal = try start(history: URL(fileURLWithPath: "/nonexistent-folder/patron-history"))
        #expect(terminal.waitFor("patron> "))
        terminal.type("count\r")
        #expect(terminal.waitFor("3,000 rows"))
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
        #expect(terminal.transcript.contains("warning: could not save history"))
    }
}
