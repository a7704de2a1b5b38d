import Foundation
import Testing

/// The prompt, driven through a pseudo-terminal as a person would use it. Like a person, each
/// step waits for the prompt before typing on: keys typed while a statement runs reach a
/// terminal in cooked mode, where the line discipline, not patron, would see them.
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
        let greeting = terminal.waitFor("demo data loaded as 'demo'")
        #expect(greeting != nil)
        #expect(terminal.waitFor("patron> ", after: greeting ?? 0) != nil)

        // Type a statement.
        #expect(terminal.run("count\r", expecting: "3,000 rows in 'demo'"))

        // Recall it with the up arrow and run it again.
        #expect(terminal.run("\u{1B}[A\r", expecting: "3,000 rows in 'demo'"))

        // Ctrl-C discards the line being typed and keeps the session.
        #expect(terminal.run("segment where nonsense\u{03}", expecting: "^C"))
        #expect(terminal.run("count\r", expecting: "3,000 rows in 'demo'"))
        #expect(!terminal.transcript.contains("nonsense'"), "the discarded line must not run")

        // An open statement continues on the next line; Ctrl-C there discards it too.
        #expect(terminal.run("segment where profit=high and\r", expecting: "", prompt: "   ...> "))
        #expect(terminal.run("\u{03}", expecting: "^C"))
        #expect(terminal.run("segment where profit=high and\r", expecting: "", prompt: "   ...> "))
        #expect(terminal.run("loyalty=low\r", expecting: "│ profit=high and loyalty=low │"))

        // A Chinese string typed under LC_ALL=C arrives intact, and is echoed as typed.
        #expect(terminal.run("segment where name = \"王伟\"\r", expecting: "│ name = \"王伟\" │"))
        #expect(terminal.transcript.contains("patron> segment where name = \"王伟\""))
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
        #expect(first.waitFor("patron> ") != nil)
        #expect(first.run("show top 1 by loyalty\r", expecting: "top 1 of 3,000 rows by loyalty"))
        first.type("quit\r")
        #expect(first.waitForExit() == 0)

        let second = try start(history: history)
        #expect(second.waitFor("patron> ") != nil)
        // The last entry is "quit"; the one before it is the query.
        #expect(second.run("\u{1B}[A\u{1B}[A\r", expecting: "top 1 of 3,000 rows by loyalty"))
        second.type("\u{04}")
        #expect(second.waitForExit() == 0, "\(second.transcript)")
    }

    @Test func unwritableHistoryIsAWarningNotAnError() throws {
        let terminal = try start(history: URL(fileURLWithPath: "/nonexistent-folder/patron-history"))
        #expect(terminal.waitFor("patron> ") != nil)
        #expect(terminal.run("count\r", expecting: "3,000 rows"))
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
        #expect(terminal.transcript.contains("warning: could not save history"))
    }
}

/// Long loads draw a progress bar when standard error is a terminal, and clear it when done.
struct ProgressTests {
    @Test func aLongLoadShowsProgressOnATerminal() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("patron-progress-\(UUID().uuidString).csv")
        var text = "id,name,amount,day\n"
        for i in 0..<300_000 { text += "\(i),customer \(i % 977),\(i % 5000).\(i % 100),2024-0\(i % 9 + 1)-1\(i % 9)\n" }
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let terminal = try PseudoTerminal(program: TestSupport.binary.path, arguments: ["-c", "load \"\(file.path)\" as big"],
                                          environment: ["TERM": "xterm", "PATRON_PROGRESS_AFTER": "0", "PATRON_HISTORY": "", "PATH": "/usr/bin:/bin"],
                                          directory: TestSupport.packageRoot.path)
        #expect(terminal.waitForExit(timeout: 60) == 0)
        #expect(terminal.transcript.contains("records ·"), "a bar with bytes, records and rate")
        #expect(terminal.transcript.contains("MB/s"))
        #expect(terminal.transcript.contains("\r\u{1B}[K"), "the bar is cleared when the load ends")
        #expect(terminal.transcript.contains("loaded 300,000 rows × 4 columns in"))
    }

    @Test func noProgressWhenStandardErrorIsNotATerminal() throws {
        let run = try TestSupport.patron(["-c", "load \"Tests/data/tiny.csv\""], environment: ["PATRON_PROGRESS_AFTER": "0"])
        #expect(!run.stderr.contains("\u{1B}"))
    }
}
