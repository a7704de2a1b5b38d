import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program running on a pseudo-terminal, typed at as a person would.
final class PseudoTerminal {
    private let master: Int32
    private let pid: pid_t
    /// Everything the program has written so far.
    private(set) var transcript = ""
    private var bytes: [UInt8] = []

    /// Starts `program` with `arguments` and exactly `environment` on a new 100×40 terminal.
    init(program: String, arguments: [String], environment: [String: String], directory: String) throws {
        // Everything the child needs is prepared before fork: after it, only exec-safe calls.
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        // A sanitizer run's settings (scripts/sanitize) reach the child too.
        let inherited = ProcessInfo.processInfo.environment.filter { ["ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "SWIFT_BACKTRACE"].contains($0.key) }
        let envp = environment.merging(inherited) { own, _ in own }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        guard let dir = strdup(directory), let path = argv[0] else { throw POSIXError(.ENOMEM) }
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
            free(dir)
        }
        var size = winsize(ws_row: 40, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0)
        var fd: Int32 = -1
        let child = forkpty(&fd, nil, nil, &size)
        if child < 0 { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        if child == 0 {
            _ = chdir(dir)
            execve(path, argv, envp)
            _exit(127)
        }
        master = fd
        pid = child
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    /// Types text (control characters included) at the terminal.
    func type(_ text: String) {
        var data = Array(text.utf8)
        _ = data.withUnsafeMutableBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Resizes the terminal, as dragging a window's edge does (the program gets SIGWINCH).
    func resize(columns: Int, rows: Int = 40) {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Output after byte `start`, as text.
    func output(after start: Int) -> String {
        pump(milliseconds: 0)
        return String(decoding: bytes[min(start, bytes.count)...], as: UTF8.self)
    }

    /// How many bytes have been read so far; pass it to `waitFor(_:after:)` to look only at later output.
    var mark: Int { bytes.count }

    /// How much slower the program runs than a plain debug build: ten times under ThreadSanitizer
    /// (scripts/sanitize sets TSAN_OPTIONS), so the waits and the time limits of the prompt
    /// tests stretch with it.
    static let slowdown: Double = ProcessInfo.processInfo.environment["TSAN_OPTIONS"] == nil ? 1 : 10

    /// How crowded the cores are right now: the run queue over the last minute per core, at least
    /// 1. A time limit multiplied by it holds on an idle machine exactly as written and stretches
    /// only by the share of the cores other work takes (the whole suite runs its tests side by
    /// side on two cores: a 0.5 s limit once failed at 0.55 s with the PostgreSQL tests beside it).
    static var load: Double {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
              let first = text.split(separator: " ").first, let average = Double(first) else { return 1 }
        return max(1, average / Double(max(1, ProcessInfo.processInfo.activeProcessorCount)))
    }

    /// Reads output until `text` appears after byte `start`, or the timeout (stretched by
    /// `slowdown`) passes. Returns the byte offset just past the match, to chain waits in order.
    @discardableResult
    func waitFor(_ text: String, after start: Int = 0, timeout: Double = 10) -> Int? {
        let needle = Array(text.utf8)
        let deadline = Date().addingTimeInterval(timeout * Self.slowdown)
        while true {
            if let end = find(needle, from: start) { return end }
            if Date() >= deadline { return nil }
            pump(milliseconds: 50)
        }
    }

    /// Types `keys`, then waits for `output` and for the prompt after it; true when both came.
    @discardableResult
    func run(_ keys: String, expecting output: String, prompt: String = "patron> ", timeout: Double = 10) -> Bool {
        let start = mark
        type(keys)
        guard let end = waitFor(output, after: start, timeout: timeout) else { return false }
        return waitFor(prompt, after: end) != nil
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count else { return needle.isEmpty ? start : nil }
        var i = max(0, start)
        while i + needle.count <= bytes.count {
            if bytes[i] == needle[0] && Array(bytes[i..<(i + needle.count)]) == needle { return i + needle.count }
            i += 1
        }
        return nil
    }

    /// Waits for the program to exit; returns its exit status, or nil on timeout.
    func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout * Self.slowdown)
        var status: Int32 = 0
        while Date() < deadline {
            pump(milliseconds: 20)
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                pump(milliseconds: 20)
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
            }
        }
        return nil
    }

    private func pump(milliseconds: Int32) {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        transcript = String(decoding: bytes, as: UTF8.self)
    }
}
