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

    /// Whether `cancel()` was called.
    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// Asks the load to stop soon; it then reports `LoadError.Kind.cancelled`.
    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    func advance(_ n: Int, records r: Int) {
        bytes.add(n, ordering: .relaxed)
        records.add(r, ordering: .relaxed)
    }
}
