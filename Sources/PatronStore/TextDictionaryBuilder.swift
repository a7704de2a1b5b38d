/// Interns byte strings into dense codes without creating a `String` per value.
///
/// Open addressing over FNV-1a hashes; the bytes of each distinct value live once in an arena.
public struct TextDictionaryBuilder {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var slots: [Int32]
    private var hashes: [UInt64] = []
    private var mask: Int

    /// An empty dictionary.
    public init() {
        slots = Array(repeating: -1, count: 64)
        mask = 63
    }

    /// The number of distinct values.
    public var count: Int { starts.count - 1 }

    /// The code of `bytes`, adding it when new.
    public mutating func code(of bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let code = slots[slot]
            if code < 0 { break }
            if hashes[Int(code)] == hash && equals(Int(code), bytes) { return UInt32(code) }
            slot = (slot + 1) & mask
        }
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

    private func equals(_ code: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[code], end = starts[code + 1]
        guard end - start == bytes.count else { return false }
        var i = 0
        while i < bytes.count {
            if arena[start + i] != bytes[i] { return false }
            i += 1
        }
        return true
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
