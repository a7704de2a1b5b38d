import Foundation
import Testing

/// A trainer's class at the prompt (issue 18): `lesson matrix` through a pseudo-terminal, Enter
/// at each pause, in English and then in Chinese; `back` and `quit` at a pause; and the same
/// lesson run as a script, where pauses are skipped.
@Suite(.serialized)
struct LessonTests {
    func start(_ folder: URL) throws -> PseudoTerminal {
        let environment = ["TERM": "xterm", "LC_ALL": "C.UTF-8", "HOME": folder.path, "PATRON_HISTORY": folder.appendingPathComponent("history").path,
                           "PATH": "/usr/bin:/bin", "NO_COLOR": "1"]
        let terminal = try PseudoTerminal(program: TestSupport.binary.path, arguments: [], environment: environment, directory: TestSupport.packageRoot.path)
        #expect(terminal.waitFor("patron> ") != nil)
        return terminal
    }

    func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("patron-lesson-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func theMatrixLessonStepByStepInEnglishThenChinese() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let terminal = try start(folder)
        let pause = "[Enter] next · back · quit › "
        // Step 1 shows its words, the statement, its result, then waits.
        #expect(terminal.run("lesson matrix\r", expecting: "› matrix profit by loyalty", prompt: pause))
        var mark = terminal.mark
        #expect(terminal.run("\r", expecting: "── 2/5 ──", prompt: pause))
        #expect(terminal.output(after: mark).contains("› segment where profit = high and loyalty = high"))
        // Anything else is asked again; back shows the step before.
        #expect(terminal.run("sideways\r", expecting: "press Enter to go on, or type back or quit", prompt: pause))
        #expect(terminal.run("back\r", expecting: "── 1/5 ──", prompt: pause))
        for step in 2...5 { #expect(terminal.run("\r", expecting: "── \(step)/5 ──", prompt: step == 5 ? "patron> " : pause)) }
        #expect(terminal.output(after: mark).contains("end of lesson matrix"))
        // In Chinese: every line a student reads is Chinese (statements and numbers aside).
        #expect(terminal.run("set language zh\r", expecting: "zh"))
        mark = terminal.mark
        let pauseZh = "[回车] 下一步 · back 上一步 · quit 退出 › "
        #expect(terminal.run("lesson matrix\r", expecting: "忠诚度矩阵", prompt: pauseZh))
        for step in 2...4 { #expect(terminal.run("\r", expecting: "── \(step)/5 ──", prompt: pauseZh)) }
        #expect(terminal.run("quit\r", expecting: "已离开课程 matrix"))
        let chinese = terminal.output(after: mark)
        for word in ["知己", "蝴蝶", "藤壶", "过客", "建议", "切分点"] { #expect(chinese.contains(word), "\(word)") }
        #expect(!chinese.contains("Butterflies") && !chinese.contains("advice:") && !chinese.contains("cut points"))
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }

    /// Ctrl-C at a pause leaves the lesson and keeps the prompt.
    @Test func ctrlCAtAPauseLeavesTheLesson() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let terminal = try start(folder)
        #expect(terminal.run("lesson tiers\r", expecting: "› tiers profit", prompt: "[Enter] next · back · quit › "))
        #expect(terminal.run("\u{03}", expecting: "left lesson tiers"))
        #expect(terminal.run("count\r", expecting: "3,000 rows in 'demo'"))
        terminal.type("\u{04}")
        #expect(terminal.waitForExit() == 0)
    }

    /// Every built-in lesson runs through as a script, in both languages, without an error.
    @Test(arguments: ["basics", "tiers", "matrix", "rfm", "lifecycle", "clv"])
    func everyLessonRunsAsAScript(_ name: String) throws {
        for language in ["en", "zh"] {
            let run = try TestSupport.patron(["--quiet", "-c", "set language \(language)", "-c", "lesson \(name)"])
            #expect(run.status == 0, "\(name) \(language): \(run.stderr)")
            #expect(run.stderr.isEmpty, "\(name) \(language): \(run.stderr)")
            #expect(run.stdout.contains(language == "zh" ? "课程 \(name) 结束" : "end of lesson \(name)"))
        }
    }
}
