#if canImport(Glibc)
import Glibc
#endif
@_exported import PatronDriver
@_exported import PatronStore
@_exported import PatronSyntax

/// What every fuzz target shares: the input as text, and a session that touches nothing outside.
public enum Fuzz {
    /// The bytes as UTF-8 text (invalid sequences replaced, as a file read would be refused first).
    public static func text(_ start: UnsafeRawPointer, _ count: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    }

    /// The bytes, copied.
    public static func bytes(_ start: UnsafeRawPointer, _ count: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: start, count: count))
    }

    /// A fresh session over the demo tables (customers and their order log) that reads and writes
    /// no files and opens no connections; output is rendered and dropped.
    public static func session() -> Session {
        let session = Session()
        session.sandboxed = true
        session.quiet = true
        session.checksInvariants = true
        return session
    }

    /// Runs `text` as a script in `session`, rendering everything it prints.
    @discardableResult
    public static func run(_ text: String, in session: Session) -> Outcome {
        session.run(Source(name: "<fuzz>", text: text)) { output in
            switch output {
            case .result(let s), .diagnostic(let s), .note(let s): _ = s.utf8.count
            }
        }
    }

    /// A crash that libFuzzer reports with the input: a finding, not an error message.
    public static func finding(_ what: String) -> Never {
        fatalError("fuzz finding: " + what)
    }

    /// One input to a target: its bytes, and how many.
    public typealias Target = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Hands the process to libFuzzer with `target` as the function it calls for each input
    /// (libFuzzer's LLVMFuzzerRunDriver: SwiftPM gives executables a main of their own, so the
    /// targets call into libFuzzer rather than let its main call them).
    public static func drive(_ target: Target) -> Never {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runDriver(&argc, &argv, target))
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ target: Fuzz.Target) -> CInt
