import CSignals
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file whole or not at all: the bytes go to a temporary file in the same folder,
/// which is flushed to disk and then renamed over the target. A failure, or a signal that ends
/// the process meanwhile, removes the temporary file and leaves any earlier file untouched.
public enum AtomicFile {
    /// Why a write failed, in words (`No such file or directory`, `No space left on device`).
    public struct Failure: Error, Sendable {
        public let reason: String
    }

    public static func write(_ text: String, to path: String) throws(Failure) {
        // A device or pipe (/dev/stdout, /dev/full, a FIFO) is written in place: renaming over it would replace it.
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG && (info.st_mode & S_IFMT) != S_IFDIR {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw Failure(reason: reason(errno)) }
            if let code = Console.writeAll(text, to: fd) {
                close(fd)
                throw Failure(reason: reason(code))
            }
            if close(fd) != 0 { throw Failure(reason: reason(errno)) }
            return
        }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else { throw Failure(reason: "the path names a folder, not a file") }
        var temporary = ""
        var fd: Int32 = -1
        // SIGTERM (or Ctrl-C in a script) while it is written removes the temporary file too; the
        // name is known to the handler before the file exists.
        defer { patron_temporary_end() }
        for attempt in 0..<100 {
            temporary = folder + ".\(name).patron-\(getpid())-\(attempt).tmp"
            patron_temporary_begin(temporary)
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw Failure(reason: reason(errno)) }
        func fail(_ code: Int32) -> Failure {
            close(fd)
            unlink(temporary)
            return Failure(reason: reason(code))
        }
        if let code = Console.writeAll(text, to: fd) { throw fail(code) }
        if fsync(fd) != 0 && errno != EINVAL { throw fail(errno) }
        if close(fd) != 0 {
            let code = errno
            unlink(temporary)
            throw Failure(reason: reason(code))
        }
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw Failure(reason: reason(code))
        }
    }

    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
