import CEditLine
import Foundation
import PatronDriver
import PatronSyntax

/// The interactive prompt: libedit line editing, history across runs, continuation lines, Ctrl-C and Ctrl-D.
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

    /// Runs until Ctrl-D or `quit`; returns the exit status (0).
    public func run(greeting: String) -> Int32 {
        _ = patron_use_utf8_locale()
        guard let editor = patron_editor_open("patron", historyPath) else {
            Console.write("patron: error: cannot start the line editor\n", to: 2)
            return 70
        }
        defer { patron_editor_close(editor) }
        // At the prompt Ctrl-C is a key (the editor turns ISIG off); while a statement runs it must
        // not kill the session either.
        signal(SIGINT, SIG_IGN)
        Console.write(greeting + "\n", to: 1)
        var pending = ""
        var firstLine = 1
        var nextLine = 1
        while true {
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
            if pending.isEmpty {
                if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
                firstLine = nextLine
            }
            pending += pending.isEmpty ? line : "\n" + line
            nextLine += 1
            if !Session.isComplete(pending) { continue }
            patron_editor_remember(editor, pending)
            let outcome = session.run(Source(name: "<stdin>", text: pending, firstLine: firstLine)) { Console.emit($0) }
            pending = ""
            if outcome.shouldQuit { break }
        }
        if let historyPath, patron_editor_save(editor, historyPath) != 0 {
            Console.write("patron: warning: could not save history to '\(historyPath)'\n", to: 2)
        }
        return 0
    }
}
