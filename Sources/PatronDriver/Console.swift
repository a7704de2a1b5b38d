import Foundation
import PatronRender
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to the standard streams and reports failures, so a failed write never passes silently.
public enum Console {
    /// Writes `text` to a file descriptor in full; false when the write failed.
    @discardableResult
    public static func write(_ text: String, to fd: Int32) -> Bool {
        writeAll(text, to: fd) == nil
    }

    /// Writes every byte, retrying after interruptions; the error number when a write fails.
    static func writeAll(_ text: String, to fd: Int32) -> Int32? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { buffer -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
    }

    /// The terminal's width in columns, or nil when standard output is not a terminal.
    public static var width: Int? {
        guard isatty(1) != 0 else { return nil }
        var size = winsize()
        return ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : nil
    }

    /// Reads the terminal afresh (its width may have changed) and sets how results are drawn:
    /// colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    public static func refreshLayout(dataFormat: Bool = false) {
        let environment = ProcessInfo.processInfo.environment
        let allowed = (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        Style.colour = allowed && !dataFormat && isatty(1) != 0
        Style.colourErrors = allowed && isatty(2) != 0
        Style.width = dataFormat ? nil : width
    }

    /// Writes one output: results to standard output, diagnostics to standard error, each ending in a newline.
    @discardableResult
    public static func emit(_ output: Output) -> Bool {
        switch output {
        case .result(let text): return write(text + "\n", to: 1)
        case .diagnostic(let text), .note(let text): return write(text + "\n", to: 2)
        }
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
