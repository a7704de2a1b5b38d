import Foundation
import PatronAnalysis
import PatronSyntax

extension Session {
    /// The variables `source` reads (`$name`) or sets (`let name`), with those of the scripts it
    /// includes: a `--param` named by none of them is a typo, not a setting.
    public static func variablesNamed(in source: Source) -> Set<String> {
        var names: Set<String> = [], seen: Set<String> = []
        collectVariables(in: source, into: &names, seen: &seen)
        return names
    }

    private static func collectVariables(in source: Source, into names: inout Set<String>, seen: inout Set<String>) {
        let (tokens, _) = Lexer.tokenize(source)
        for token in tokens where token.kind == .variable { names.insert(token.text) }
        for statement in Parser.parse(source).statements {
            switch statement.kind {
            case .letVariable(let name, _):
                names.insert(name.text)
            case .include(let path, _):
                let resolved = Binder.resolve(path, relativeTo: source.name)
                guard seen.insert(canonical(resolved)).inserted, case .success(let text) = readScript(resolved) else { continue }
                collectVariables(in: Source(name: resolved, text: text), into: &names, seen: &seen)
            default:
                continue
            }
        }
    }

    /// A `--param` no script reads, as the message and hint of the usage error the command line
    /// prints (exit 64), the hint naming the nearest name the scripts do read; nil when every
    /// parameter is read.
    public static func unreadParameter(_ given: some Collection<String>, read: Set<String>) -> (message: String, hint: String)? {
        guard let unread = given.sorted().first(where: { !read.contains($0) }) else { return nil }
        let message = "--param \(unread): the script never reads $\(unread)"
        if let near = Suggestion.closest(to: unread, in: read.sorted()) { return (message, "did you mean '\(near)'?") }
        if read.isEmpty { return (message, "the script reads no variables; remove --param \(unread)") }
        return (message, "the script reads \(read.sorted().map { "$" + $0 }.joined(separator: ", "))")
    }
}
