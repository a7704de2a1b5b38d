import Foundation
import Testing

/// The prompt as analysts use it (issue 7): completion, history, paste, help, colour, width and
/// cancel, each typed through a pseudo-terminal. Each step waits for the prompt before typing on.
@Suite(.serialized)
struct PromptTests {
    /// A fresh history file in its own folder, removed afterwards.
    final class Scratch {
        let folder: URL
        var history: URL { folder.appendingPathComponent("history") }
        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-prompt-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: folder) }
    }

    func start(_ scratch: Scratch, colour: Bool = false) throws -> PseudoTerminal {
        var environment = ["TERM": "xterm", "LC_ALL": "C.UTF-8", "HOME": scratch.folder.path, "PATRON_HISTORY": scratch.history.path, "PATH": "/usr/bin:/bin"]
        if !colour { environment["NO_COLOR"] = "1" }
        let terminal = try PseudoTerminal(program: TestSupport.binary.path, arguments: [], environment: environment, directory: TestSupport.packageRoot.path)
        #expect(terminal.waitFor("patron> ") != nil)
        return terminal
    }

    @Test func tabCompletesByContext() throws {
        let scratch = try Scratch()
        let terminal = try start(scratch)
        // A statement word at the start of a line.
        #expect(terminal.run("desc\t\r", expecting: "customer_id"))
        // A table after 'use'.
        #expect(terminal.run("use de\t\r", expecting: "using 'demo'"))
        // A column inside a condition, and a level word after 'METRIC ='.
        #expect(terminal.run("segment where loy\t= hi\t\r", expecting: "│ loyalty = high"))
        // Several level words fit: Tab lists them, and the line stays as typed.
        let before = terminal.mark
        terminal.type("segment where profit = \t")
        #expect(terminal.waitFor("high    low     medium", after: before) != nil)
        #expect(terminal.run("l\t\r", expecting: "│ profit = low"))
        // A segment name after 'drop segment'.
        #expect(terminal.run("define segment butterflies as profit=high and loyalty=low\r", expecting: "segment 'butterflies'"))
        #expect(terminal.run("drop segment bu\t\r", expecting: "dropped segment 'butterflies'"))
        // A file path inside load "…": the folder, then the file (which closes the string).
        #expect(terminal.run("load \"Tests/da\ttin\t as t\r", expecting: "loaded"))
        #expect(terminal.run("count t\r", expecting: "rows in 't'"))
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }

    /// Issue 26, item 13: a server that accepts and stays silent: Ctrl-C gives up the connect at
    /// the prompt, and a script stops at connect_timeout with exit 69.
    @Test func aSilentServerNeitherHangsThePromptNorAScript() throws {
        let silent = Process()
        silent.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        silent.arguments = ["python3", "-c", "import socket\ns = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\nprint(s.getsockname()[1], flush=True)\nconnections = []\nwhile True: connections.append(s.accept())"]
        let pipe = Pipe()
        silent.standardOutput = pipe
        silent.standardError = FileHandle.nullDevice
        try silent.run()
        // SIGKILL: the test runner blocks the signals its children inherit, so SIGTERM would wait for ever.
        defer { kill(silent.processIdentifier, SIGKILL); silent.waitUntilExit() }
        let port = String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(port) != nil)
        let scratch = try Scratch()
        let terminal = try start(scratch)
        let mark = terminal.mark
        terminal.type("connect quiet to postgres \"host=127.0.0.1 port=\(port) dbname=x\"\r")
        Thread.sleep(forTimeInterval: 1.0 * PseudoTerminal.slowdown)
        #expect(!terminal.output(after: mark).contains("patron> "), "the connect should still be waiting")
        terminal.type("\u{03}")
        #expect(terminal.waitFor("cancelled", after: mark, timeout: 5) != nil, "\(terminal.output(after: mark))")
        #expect(terminal.run("count\r", expecting: "3,000 rows"))
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
        let script = try TestSupport.patron(["-c", "connect quiet to postgres \"host=127.0.0.1 port=\(port) dbname=x connect_timeout=2\""])
        #expect(script.status == 69)
        #expect(script.stderr.contains("the server did not answer within 2 seconds"), "\(script.stderr)")
    }

    /// Issue 25, item 19: an error at the prompt says which line in the prompt's own count.
    @Test func anErrorAtThePromptSaysItsLine() throws {
        let scratch = try Scratch()
        let terminal = try start(scratch)
        #expect(terminal.run("count\r", expecting: "3,000 rows"))
        #expect(terminal.run("segment where proffit=high\r", expecting: "line 2, column 15: error: unknown column 'proffit'"))
        #expect(!terminal.output(after: 0).contains("<stdin>") && !terminal.output(after: 0).contains("<prompt>"))
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }

    @Test func aMultiLineStatementIsOneHistoryEntryAndCtrlRFindsIt() throws {
        let scratch = try Scratch()
        let first = try start(scratch)
        #expect(first.run("segment where profit=high and\r", expecting: "", prompt: "   ...> "))
        #expect(first.run("loyalty=low\r", expecting: "│ profit=high and loyalty=low"))
        #expect(first.run("count\r", expecting: "3,000 rows in 'demo'"))
        // Up twice brings back the two-line statement whole; Enter runs it as written.
        let mark = first.mark
        #expect(first.run("\u{1B}[A\u{1B}[A\r", expecting: "│ profit=high and loyalty=low"))
        #expect(first.output(after: mark).contains("241"))
        first.type("\u{04}")
        #expect(first.waitForExit() == 0)

        // In a new session, Ctrl-R searches the saved history as you type.
        let second = try start(scratch)
        #expect(second.run("\u{12}loyalty=l\r", expecting: "│ profit=high and loyalty=low"))
        second.type("\u{04}")
        #expect(second.waitForExit() == 0)
    }

    @Test func pastedStatementsRunInOrderEachIsRememberedAndAnOpenLastLineWaits() throws {
        let scratch = try Scratch()
        let terminal = try start(scratch)
        let start = terminal.mark
        // Bracketed paste: a tab inside the paste stays text, it does not complete.
        terminal.type("\u{1B}[200~count\nsegment where profit=high and\n  loyalty=low\nshow top 1 by\tprofit\n\u{1B}[201~")
        let counted = terminal.waitFor("3,000 rows in 'demo'", after: start)
        let segmented = counted.flatMap { terminal.waitFor("│ profit=high and loyalty=low", after: $0) }
        let shown = segmented.flatMap { terminal.waitFor("top 1 of 3,000 rows by profit", after: $0) }
        #expect(shown != nil, "\(terminal.transcript)")
        #expect(terminal.waitFor("patron> ", after: shown ?? 0) != nil)
        // Each statement is its own history entry, the two-line one whole.
        #expect(terminal.run("\u{1B}[A\u{1B}[A\r", expecting: "│ profit=high and loyalty=low"))
        // A last line without a line end waits in the line being edited, not run: it can still be changed.
        let again = terminal.mark
        terminal.type("\u{1B}[200~count\ndescribe de\u{1B}[201~")
        let waiting = terminal.waitFor("3,000 rows in 'demo'", after: again).flatMap { terminal.waitFor("describe de", after: $0) }
        #expect(waiting != nil, "\(terminal.transcript)")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(!terminal.output(after: waiting ?? 0).contains("why this type"))
        #expect(terminal.run("mo\r", expecting: "why this type"))
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
        let saved = try String(contentsOf: scratch.history, encoding: .utf8)
        #expect(saved.contains("count"))
        // libedit writes entries vis(3)-encoded: the pasted tab is kept as a tab.
        #expect(saved.contains("show\\040top\\0401\\040by\\011profit"))
    }

    @Test func helpExplainsStatementsFunctionsAndConcepts() throws {
        let scratch = try Scratch()
        let terminal = try start(scratch)
        #expect(terminal.run("help\r", expecting: "functions: abs, round"))
        #expect(terminal.run("help days_between\r", expecting: "days_between(DATE, DATE)"))
        #expect(terminal.run("help loyalty\r", expecting: "12 calendar months"))
        #expect(terminal.run("help keys\r", expecting: "bind -v"))
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }

    @Test func colourOnATerminalNoneWithNoColorOrAPipe() throws {
        let scratch = try Scratch()
        let coloured = try start(scratch, colour: true)
        var mark = coloured.mark
        #expect(coloured.run("segment where profit=high\r", expecting: "of 3,000 rows"))
        #expect(coloured.output(after: mark).contains("\u{1B}[1m"), "headings in bold")
        #expect(coloured.output(after: mark).contains("\u{1B}[36m"), "numbers in colour")
        mark = coloured.mark
        #expect(coloured.run("segment where profit=hgh\r", expecting: "did you mean"))
        #expect(coloured.output(after: mark).contains("\u{1B}[31merror:"), "errors in red")
        // A chart's table (the matrix's 2×2) is styled too: its bold reaches the terminal, never
        // shown as the text \x1B[1m.
        mark = coloured.mark
        #expect(coloured.run("matrix profit by loyalty\r", expecting: "advice:"))
        #expect(coloured.output(after: mark).contains("\u{1B}[1mloyalty low") && !coloured.output(after: mark).contains("\\x1B"),
                "\(coloured.output(after: mark))")
        coloured.type("\u{04}")
        #expect(coloured.waitForExit() == 0)

        let plain = try start(scratch)
        mark = plain.mark
        #expect(plain.run("segment where profit=high\r", expecting: "of 3,000 rows"))
        #expect(!plain.output(after: mark).contains("\u{1B}[1m") && !plain.output(after: mark).contains("\u{1B}[36m"), "NO_COLOR turns colour off")
        plain.type("\u{04}")
        #expect(plain.waitForExit() == 0)

        let piped = try TestSupport.patron(["-c", "segment where profit=hgh"], environment: ["TERM": "xterm"])
        #expect(!piped.stdout.contains("\u{1B}") && !piped.stderr.contains("\u{1B}"))
    }

    @Test func tablesFitTheTerminalAndFollowItsResizes() throws {
        let scratch = try Scratch()
        let terminal = try start(scratch)
        var mark = terminal.mark
        #expect(terminal.run("show top 1 by profit\r", expecting: "top 1 of 3,000 rows"))
        #expect(terminal.output(after: mark).contains("(2 columns not shown to fit the terminal's 100 columns: profit, loyalty)"))
        terminal.resize(columns: 200)
        mark = terminal.mark
        #expect(terminal.run("show top 1 by profit\r", expecting: "top 1 of 3,000 rows"))
        #expect(!terminal.output(after: mark).contains("not shown"))
        #expect(terminal.output(after: mark).contains("│ loyalty │"))
        terminal.resize(columns: 60)
        mark = terminal.mark
        #expect(terminal.run("show top 1 by profit\r", expecting: "top 1 of 3,000 rows"))
        let narrow = terminal.output(after: mark)
        #expect(narrow.contains("columns not shown to fit the terminal's 60 columns"))
        #expect(!narrow.split(separator: "\n").contains { $0.hasPrefix("│") && $0.count > 60 })
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }

    @Test func ctrlCStopsALongLoadSummaryOrDerivationAndKeepsTheSession() throws {
        let scratch = try Scratch()
        // Orders, 40,000 lines a block: 100 blocks take seconds to load in a debug build even on a
        // fast machine; 40 blocks load in a few seconds and take seconds to summarize by customer
        // with a median (each group's amounts sorted).
        var block = ""
        for i in 0..<40_000 { block += "\(i),\(1_000_000 + i % 9_973),2024-0\(i % 9 + 1)-1\(i % 9),\(i % 5000).\(i % 100)\n" }
        func orders(_ name: String, blocks: Int) throws -> URL {
            let file = scratch.folder.appendingPathComponent(name)
            FileManager.default.createFile(atPath: file.path, contents: Data("order_id,customer_id,order_date,amount\n".utf8))
            let handle = try FileHandle(forWritingTo: file)
            handle.seekToEndOfFile()
            for _ in 0..<blocks { handle.write(Data(block.utf8)) }
            try handle.close()
            return file
        }
        let big = try orders("big.csv", blocks: 100), some = try orders("some.csv", blocks: 40)

        /// Types `statement`, presses Ctrl-C after `delay` seconds; the seconds until it stopped,
        /// scaled to an idle machine (`PseudoTerminal.load`).
        func interrupt(_ statement: String, after delay: Double, terminal: PseudoTerminal) -> Double? {
            let mark = terminal.mark
            terminal.type(statement + "\r")
            Thread.sleep(forTimeInterval: delay)
            #expect(!terminal.output(after: mark).contains("patron> "), "'\(statement)' should still be running")
            let pressed = Date(), load = PseudoTerminal.load
            terminal.type("\u{03}")
            guard let stopped = terminal.waitFor("cancelled: ", after: mark, timeout: 10) else { return nil }
            // Seconds as an idle machine would take them: divided by how crowded the cores were.
            let seconds = Date().timeIntervalSince(pressed) / max(load, PseudoTerminal.load)
            #expect(terminal.waitFor("patron> ", after: stopped) != nil)
            return seconds
        }

        let terminal = try start(scratch)
        let quick = 0.5 * PseudoTerminal.slowdown
        let load = interrupt("load \"\(big.path)\" as big", after: 1.0 * PseudoTerminal.slowdown, terminal: terminal)
        #expect(load != nil && load! < quick, "the load stopped after \(load ?? -1) s")
        // The session and its data are as they were.
        #expect(terminal.run("count\r", expecting: "3,000 rows in 'demo'"))
        #expect(terminal.run("describe big\r", expecting: "unknown table"))

        // Loading 1.6M rows takes seconds in a debug build, more with the suite's other tests
        // beside it (a wait, not a time limit).
        #expect(terminal.run("load \"\(some.path)\" as some\r", expecting: "loaded 'some'", timeout: 60))
        let summary = interrupt("summarize count, median(amount), avg(amount) by customer_id", after: 0.4 * PseudoTerminal.slowdown, terminal: terminal)
        #expect(summary != nil && summary! < quick, "the summary stopped after \(summary ?? -1) s")
        #expect(terminal.run("count\r", expecting: "1,600,000 rows in 'some'"))
        // Deriving customers from 1.6M orders takes about a second in a debug build.
        let derivation = interrupt("customers from some by customer_id", after: 0.3 * PseudoTerminal.slowdown, terminal: terminal)
        #expect(derivation != nil && derivation! < quick, "the derivation stopped after \(derivation ?? -1) s")
        #expect(terminal.run("describe customers\r", expecting: "unknown table"))
        #expect(terminal.run("count\r", expecting: "1,600,000 rows in 'some'"))
        // Issue 25, item 6: a model fit (minutes for Pareto/NBD on these orders in a debug build)
        // stops too, and the customer table keeps its columns.
        #expect(terminal.run("customers from some by customer_id\r", expecting: "derived 'customers'"))
        let fit = interrupt("clv model pareto_nbd", after: 2.0 * PseudoTerminal.slowdown, terminal: terminal)
        #expect(fit != nil && fit! < quick, "the fit stopped after \(fit ?? -1) s")
        #expect(terminal.run("explain p_alive\r", expecting: "unknown"))
        #expect(terminal.run("count\r", expecting: "9,973 rows in 'customers'"))
        // Transitions derive the customers twice; an export of 1.6M orders writes nothing when stopped.
        let transitions = interrupt("transitions from 2024-03-01 to 2024-09-30", after: 0.3 * PseudoTerminal.slowdown, terminal: terminal)
        #expect(transitions != nil && transitions! < quick, "transitions stopped after \(transitions ?? -1) s")
        let exported = scratch.folder.appendingPathComponent("all.csv")
        let export = interrupt("export some to \"\(exported.path)\"", after: 1.0 * PseudoTerminal.slowdown, terminal: terminal)
        #expect(export != nil && export! < quick, "the export stopped after \(export ?? -1) s")
        #expect(!FileManager.default.fileExists(atPath: exported.path))
        #expect(terminal.run("count some\r", expecting: "1,600,000 rows in 'some'"))
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }
}
