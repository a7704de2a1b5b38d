import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How much more memory this process may take, so that work too big for it stops at once with
/// a clear error instead of being killed half-way (or trapping on a failed allocation): the least
/// of what `ulimit -v` leaves of the address space, what the cgroup (a container's limit) leaves,
/// and what the system has available.
public enum MemoryBudget {
    /// What may still be taken, in bytes, and the limit it comes from; nil when nothing limits it.
    public static func available() -> (bytes: Int, limit: String)? {
        var found: [(Int, String)] = []
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max, let used = status("VmSize") {
            found.append((Int(clamping: limit.rlim_cur) - used, "ulimit -v"))
        }
        if let max = number(in: "/sys/fs/cgroup/memory.max"), let current = number(in: "/sys/fs/cgroup/memory.current") {
            found.append((max - current, "the cgroup's memory.max"))
        }
        if let free = meminfo("MemAvailable") { found.append((free, "the memory the system has available")) }
        return found.min { $0.0 < $1.0 }.map { (bytes: max(0, $0.0), limit: $0.1) }
    }

    /// A load of a `size`-byte file: an error when it cannot fit. The file is mapped (address
    /// space, what `ulimit -v` limits, the whole size at once) and its columns take `factor` times
    /// its size more; resident memory (what a cgroup limits) grows with the columns and the pages
    /// read. The estimate errs on the side of refusing only what cannot fit.
    static func check(loading path: String, size: Int, factor: Double) throws(LoadError) {
        guard let (free, limit) = available() else { return }
        let columns = Int(Double(size) * factor) + 64 << 20
        let needed = limit == "ulimit -v" ? size + columns : Int(Double(size) * 0.7) + columns
        guard needed > free else { return }
        throw LoadError(path: path, message: "loading '\(path)' needs about \(describe(needed)) of memory, and \(describe(free)) is left (\(limit))",
                        hint: "raise the limit, or load part of the file first: head -n 1000000 '\(path)' > part.csv")
    }

    /// A piece of work that takes about `bytes`: the error message when it cannot fit, else nil.
    public static func shortfall(_ bytes: Int) -> String? {
        guard let (free, limit) = available(), bytes > free else { return nil }
        return "needs about \(describe(bytes)) of memory, and \(describe(free)) is left (\(limit))"
    }

    /// Bytes in the largest unit that keeps a digit before the point: 1.5 GB, 640 MB.
    public static func describe(_ bytes: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : String(format: value < 10 ? "%.1f %@" : "%.0f %@", value, units[unit])
    }

    /// A `Name:  1234 kB` line of /proc/self/status, in bytes.
    static func status(_ name: String) -> Int? { kilobytes(name, in: "/proc/self/status") }
    static func meminfo(_ name: String) -> Int? { kilobytes(name, in: "/proc/meminfo") }

    static func kilobytes(_ name: String, in file: String) -> Int? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let digits = line.dropFirst(name.count + 1).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }

    /// A file holding one number ("max" for no limit is nil).
    static func number(in file: String) -> Int? {
        (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}
