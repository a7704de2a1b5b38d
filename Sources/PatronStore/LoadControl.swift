import Synchronization

/// Shared between a load and whoever watches it: bytes read so far, and a request to stop.
public final class LoadControl: Sendable {
    private let bytes = Atomic<Int>(0)
    private let records = Atomic<Int>(0)
    private let cancelled = Atomic<Bool>(false)
    /// The size of the input, once known.
    public let total = Atomic<Int>(0)

    /// A fresh control.
    public init() {}

    /// Bytes read so far (from every thread).
    public var bytesRead: Int { bytes.load(ordering: .relaxed) }

    /// Records read so far (approximate while a load runs).
    public var recordsRead: Int { records.load(ordering: .relaxed) }

    /// Whether `cancel()` was called, or Ctrl-C asked the running statement to stop.
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) || Interrupt.requested }

    /// Asks the load to stop soon; it then reports `LoadError.Kind.cancelled`.
    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Counts `n` more bytes and `r` more records read.
    public func advance(_ n: Int, records r: Int) {
        bytes.add(n, ordering: .relaxed)
        records.add(r, ordering: .relaxed)
    }
}

/// Ctrl-C while a statement runs at the prompt: the signal handler raises the flag, and long
/// loops (loads, derivations, summaries) look at it between blocks and stop early. Only the
/// prompt installs the handler; a script interrupted by Ctrl-C simply ends.
public enum Interrupt {
    private static let flag = Atomic<Bool>(false)

    /// Whether the running statement was asked to stop.
    public static var requested: Bool { flag.load(ordering: .relaxed) }

    /// Asks the running statement to stop (safe in a signal handler: one lock-free store).
    public static func request() { flag.store(true, ordering: .relaxed) }

    /// Clears the request, before the next statement.
    public static func reset() { flag.store(false, ordering: .relaxed) }
}
