import CEditLine
import Foundation
import PatronDriver
import PatronStore
import PatronSyntax

/// The interactive prompt: libedit line editing, history across runs, continuation lines,
/// completion, bracketed paste, Ctrl-C (discard the line, or stop the running statement) and Ctrl-D.
public struct REPL {
    /// The prompt for a new statement.
    public static let prompt = "patron> "
    /// The prompt for a continuation line.
    public static let continuationPrompt = "   ...> "

    private let session: Session
    private let historyPath: String?

    /// A prompt over `session`; history lives in `historyPath` (nil: none).
    public init(session: Session, historyPath: String? = REPL.defaultHistoryPath()) {
        self.session = session
        self.historyPath = historyPath
    }

    /// `~/.patron_history`, or nil when there is no home folder.
    public static func defaultHistoryPath() -> String? {
        if let override = ProcessInfo.processInfo.environment["PATRON_HISTORY"] { return override.isEmpty ? nil : override }
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.patron_history"
    }

    /// What Tab completes against: the session, and the lines of the statement typed so far.
    nonisolated(unsafe) static var completing: (session: Session, pending: String)?

    /// Runs until Ctrl-D or `quit`; returns the exit status (0).
    public func run(greeting: String) -> Int32 {
        _ = patron_use_utf8_locale()
        guard let editor = patron_editor_open("patron", historyPath) else {
            Console.write("patron: error: cannot start the line editor\n", to: 2)
            return 70
        }
        defer { patron_editor_close(editor) }
        patron_editor_set_completer(editor, completeWord)
        patron_editor_bracketed_paste(editor, ProcessInfo.processInfo.environment["TERM"] == "dumb" ? 0 : 1)
        // At the prompt Ctrl-C is a key (the editor turns ISIG off); while a statement runs it
        // asks the statement to stop, and the session carries on.
        signal(SIGINT) { _ in Interrupt.request() }
        // A parent may have started us with SIGINT blocked (the mask is inherited): unblock it.
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
        // A lesson's pauses read a line here, outside the history: Enter, back or quit.
        session.lessonPause = { prompt in
            var interrupted: Int32 = 0
            guard let raw = patron_editor_read(editor, prompt, &interrupted), interrupted == 0 else {
                Console.write("\n", to: 1)
                return nil
            }
            let line = String(cString: raw)
            return line.hasSuffix("\n") ? String(line.dropLast()) : line
        }
        defer { session.lessonPause = nil }
        Console.write(greeting + "\n", to: 1)
        var pending = ""
        var firstLine = 1
        var nextLine = 1

        /// Takes one line as typed (or pasted): continues the statement, or runs it when complete.
        /// Returns false when the session should end.
        func take(_ line: String) -> Bool {
            if pending.isEmpty {
                if line.allSatisfy({ $0 == " " || $0 == "\t" }) { return true }
                firstLine = nextLine
            }
            pending += pending.isEmpty ? line : "\n" + line
            nextLine += 1
            if !Session.isComplete(pending) { return true }
            // The history file never keeps a connection string's password.
            patron_editor_remember(editor, Secrets.masked(pending))
            Console.refreshLayout(dataFormat: session.format != nil)
            Interrupt.reset()
            let outcome = session.run(Source(name: Session.promptName, text: pending, firstLine: firstLine)) { Console.emit($0) }
            Interrupt.reset()
            pending = ""
            return !outcome.shouldQuit
        }

        reading: while true {
            Self.completing = (session, pending.isEmpty ? "" : pending + "\n")
            var interrupted: Int32 = 0
            let raw = patron_editor_read(editor, pending.isEmpty ? Self.prompt : Self.continuationPrompt, &interrupted)
            if interrupted != 0 {
                pending = ""
                continue
            }
            guard let raw else {
                Console.write("\n", to: 1)
                break
            }
            var line = String(cString: raw)
            if line.hasSuffix("\n") { line.removeLast() }
            let pasted = patron_editor_take_paste(editor).map { String(cString: $0) }
            if !take(line) { break }
            // The rest of a multi-line paste: each line shown after its prompt, then taken in order;
            // a last line without a line end waits in the next line read, as a shell leaves it.
            guard let pasted else { continue }
            var rest = pasted.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let unfinished = rest.removeLast()
            for next in rest {
                Console.write((pending.isEmpty ? Self.prompt : Self.continuationPrompt) + next + "\n", to: 1)
                if !take(next) { break reading }
            }
            if !unfinished.isEmpty { patron_editor_prefill(editor, unfinished) }
        }
        Self.completing = nil
        if let historyPath, patron_editor_save(editor, historyPath) != 0 {
            Console.write("patron: warning: could not save history to '\(historyPath)'\n", to: 2)
        }
        return 0
    }
}

/// Tab at the prompt: the session completes the statement typed so far.
private func completeWord(_ before: UnsafePointer<CChar>?, _ erase: UnsafeMutablePointer<Int32>?, _ listing: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> UnsafeMutablePointer<CChar>? {
    guard let before, let (session, pending) = REPL.completing, let completion = session.complete(pending + String(cString: before)) else { return nil }
    erase?.pointee = Int32(completion.erase)
    if !completion.candidates.isEmpty {
        listing?.pointee = strdup(session.columns(completion.candidates, width: Console.width ?? 80))
    }
    return strdup(completion.insert)
}
