#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Interns byte strings into dense codes without creating a `String` per value.
///
/// Open addressing over a word-at-a-time hash; the bytes of each distinct value live once in an arena.
public struct TextDictionaryBuilder {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var mask: Int
    /// A direct-mapped cache for values of at most 16 bytes (most dictionary text): two words
    /// and the length identify a value, so a hit costs no hashing loop and no byte compare.
    private var cacheWords = [UInt64](repeating: 0, count: 2 * Self.cacheSize)
    private var cacheEntries = [UInt64](repeating: 0, count: Self.cacheSize)
    private static let cacheSize = 1024

    /// An empty dictionary.
    public init() {
        slots = Array(repeating: -1, count: 64)
        mask = 63
    }

    /// The number of distinct values.
    public var count: Int { starts.count - 1 }

    /// The code of `bytes`, adding it when new.
    public mutating func code(of bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let n = bytes.count
        guard n <= 16, let p = bytes.baseAddress else { return lookup(bytes) }
        let raw = UnsafeRawPointer(p)
        let w1 = Self.loadPartial(raw, min(n, 8)), w2 = n > 8 ? Self.loadPartial(raw + 8, n - 8) : 0
        var mixed = (w1 &* 0x9E37_79B9_7F4A_7C15) ^ (w2 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(n)
        mixed ^= mixed >> 29
        let slot = Int(truncatingIfNeeded: mixed) & (Self.cacheSize - 1)
        let entry = cacheEntries[slot]
        // An entry holds (length + 1) << 32 | code; 0 is empty.
        if entry >> 32 == UInt64(n + 1) && cacheWords[2 * slot] == w1 && cacheWords[2 * slot + 1] == w2 {
            return UInt32(truncatingIfNeeded: entry)
        }
        let code = lookup(bytes)
        cacheWords[2 * slot] = w1
        cacheWords[2 * slot + 1] = w2
        cacheEntries[slot] = UInt64(n + 1) << 32 | UInt64(code)
        return code
    }

    /// The hash-table path, for long values and cache misses.
    private mutating func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let hash = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: hash) & mask
        let found: Int32? = slots.withUnsafeBufferPointer { slots in
            hashes.withUnsafeBufferPointer { hashes in
                while true {
                    let code = slots[slot]
                    if code < 0 { return nil }
                    if hashes[Int(code)] == hash && equals(Int(code), bytes) { return code }
                    slot = (slot + 1) & mask
                }
            }
        }
        if let found { return UInt32(found) }
        let code = Int32(count)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(hash)
        slots[slot] = code
        if count * 2 > slots.count { grow() }
        return UInt32(code)
    }

    /// The code of a Swift string, adding it when new.
    public mutating func code(of string: String) -> UInt32 {
        var utf8 = Array(string.utf8)
        return utf8.withUnsafeMutableBufferPointer { code(of: UnsafeBufferPointer($0)) }
    }

    /// The distinct values, in code order.
    public func strings() -> [String] {
        (0..<count).map { i in String(decoding: arena[starts[i]..<starts[i + 1]], as: UTF8.self) }
    }

    @inline(__always)
    private func equals(_ code: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[code], end = starts[code + 1]
        let n = bytes.count
        guard end - start == n else { return false }
        if n == 0 { return true }
        return arena.withUnsafeBufferPointer { arena in
            let a = UnsafeRawPointer(arena.baseAddress! + start), b = UnsafeRawPointer(bytes.baseAddress!)
            // Short values (most dictionary text) compare as one or two words, without a call.
            if n <= 8 { return Self.loadPartial(a, n) == Self.loadPartial(b, n) }
            if n <= 16 {
                return a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self)
                    && a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            }
            return memcmp(a, b, n) == 0
        }
    }

    /// A fast hash, eight bytes at a time.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        guard let p = bytes.baseAddress else { return h }
        var i = 0
        while i + 8 <= n {
            h = (h ^ UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        h = (h ^ loadPartial(UnsafeRawPointer(p + i), n - i)) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }

    /// Up to eight bytes as one word (zero-filled), in at most three loads.
    @inline(__always)
    static func loadPartial(_ p: UnsafeRawPointer, _ n: Int) -> UInt64 {
        if n >= 8 { return p.loadUnaligned(as: UInt64.self) }
        var value: UInt64 = 0
        var i = 0
        if n & 4 != 0 {
            value = UInt64(p.loadUnaligned(as: UInt32.self))
            i = 4
        }
        if n & 2 != 0 {
            value |= UInt64(p.loadUnaligned(fromByteOffset: i, as: UInt16.self)) << UInt64(i * 8)
            i += 2
        }
        if n & 1 != 0 {
            value |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << UInt64(i * 8)
        }
        return value
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for code in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[code]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(code)
        }
    }

    /// Removes the most recently added value (its slot is the last on its probe chain).
    public mutating func removeLast() {
        guard count > 0 else { return }
        // Forget cached codes: the removed one may be among them.
        for i in cacheEntries.indices where UInt32(truncatingIfNeeded: cacheEntries[i]) == UInt32(count - 1) { cacheEntries[i] = 0 }
        let code = Int32(count - 1)
        var slot = Int(truncatingIfNeeded: hashes[Int(code)]) & mask
        while slots[slot] != code { slot = (slot + 1) & mask }
        slots[slot] = -1
        hashes.removeLast()
        starts.removeLast()
        arena.removeLast(arena.count - starts[starts.count - 1])
    }

    /// Calls `body` with each value's bytes, in code order.
    public func forEachValue(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        arena.withUnsafeBufferPointer { all in
            for i in 0..<count { body(UnsafeBufferPointer(rebasing: all[starts[i]..<starts[i + 1]])) }
        }
    }
}
