import Dispatch
#if canImport(Glibc)
import Glibc
#endif

// The one place patron runs work on several cores. Every parallel loop in the store and the
// engine goes through `inParallel`; the unchecked sharing it needs is here, audited once.

/// Runs independent pieces of work on all cores (or in order, when `parallel` is false) and
/// returns their results in order.
public func inParallel<T>(_ work: [() -> T], when parallel: Bool = true) -> [T] {
    guard parallel, work.count > 1 else { return work.map { $0() } }
    var results = [T?](repeating: nil, count: work.count)
    let jobs = UncheckedSendable(work)
    results.withUnsafeMutableBufferPointer { out in
        // Each iteration writes its own slot only.
        let slots = SharedBuffer(out)
        DispatchQueue.concurrentPerform(iterations: jobs.value.count) { i in slots[i] = jobs.value[i]() }
    }
    return results.map { result in
        guard let result else { preconditionFailure("every piece of parallel work returns") }
        return result
    }
}

/// The stretches of `count` items the cores take: one a core (at most `most`) when there are
/// enough to be worth it, else one.
public func stretches(of count: Int, most: Int = 8) -> [Range<Int>] {
    stretches(of: count, into: count >= 200_000 ? max(1, min(most, 8, activeProcessors())) : 1)
}

/// `count` items cut into `parts` stretches of like length, in order.
public func stretches(of count: Int, into parts: Int) -> [Range<Int>] {
    (0..<parts).map { count * $0 / parts..<count * ($0 + 1) / parts }
}

/// Runs `body` on each stretch of `count` items, a stretch a core.
public func forEachStretch(of count: Int, _ body: @escaping (Range<Int>) -> Void) {
    _ = inParallel(stretches(of: count).map { stretch in { body(stretch) } })
}

/// The cores this process may use.
public func activeProcessors() -> Int {
    Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}

/// A value shared across threads that only read it (compiled closures over immutable columns,
/// the list of work to run).
public struct UncheckedSendable<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}

/// A buffer that parallel work writes into, each piece to indexes no other piece touches. Every
/// access is checked against the bounds in debug builds.
public struct SharedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>?
    public let count: Int

    /// Shares a buffer that outlives the parallel work.
    public init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        base = buffer.baseAddress
        count = buffer.count
    }

    public subscript(i: Int) -> Element {
        get {
            assert(i >= 0 && i < count, "shared buffer read at \(i) of \(count)")
            return base.unsafelyUnwrapped[i]
        }
        nonmutating set {
            assert(i >= 0 && i < count, "shared buffer write at \(i) of \(count)")
            base.unsafelyUnwrapped[i] = newValue
        }
    }
}
