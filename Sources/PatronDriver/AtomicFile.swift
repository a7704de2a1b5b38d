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

    /// Writes `text` to `path` atomically. A symbolic link is written through (its target gets the
    /// bytes; the link stays); an existing file keeps its permissions (a 0600 file stays 0600) and,
    /// where the user may, its owner; a new file gets 0666 less the umask, as any tool's would.
    public static func write(_ text: String, to requested: String) throws(Failure) {
        let path = resolvingLinks(requested)
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
        var existing = stat()
        let keeps = stat(path, &existing) == 0 && (existing.st_mode & S_IFMT) == S_IFREG
        var temporary = ""
        var fd: Int32 = -1
        // SIGTERM (or Ctrl-C in a script) while it is written removes the temporary file too; the
        // name is known to the handler before the file exists.
        defer { patron_temporary_end() }
        for attempt in 0..<100 {
            temporary = folder + ".\(name).patron-\(getpid())-\(attempt).tmp"
            patron_temporary_begin(temporary)
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw Failure(reason: reason(errno)) }
        func fail(_ code: Int32) -> Failure {
            close(fd)
            unlink(temporary)
            return Failure(reason: reason(code))
        }
        if keeps {
            // The file being replaced decides who may read the new one.
            if fchmod(fd, existing.st_mode & 0o7777) != 0 { throw fail(errno) }
            _ = fchown(fd, existing.st_uid, existing.st_gid)
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

    /// The file a path names, through any symbolic links (also a link to a file not yet there).
    static func resolvingLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: 4096)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count > 0 else { return current }
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if target.hasPrefix("/") {
                current = target
            } else {
                let folder = current.lastIndex(of: "/").map { String(current[...$0]) } ?? ""
                current = folder + target
            }
        }
        return current
    }

    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
