/// "Did you mean" suggestions by edit distance.
public enum Suggestion {
    /// The candidate closest to `word`, if close enough to be a likely typo.
    ///
    /// Case is ignored, so `Profit` suggests `profit`.
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        // A typo of a name is about as long as the name: lengths that differ by more than the
        // distance allowed cannot match, and no name worth suggesting is hundreds of characters
        // long, so a huge word costs nothing (the table below is lengths × lengths).
        guard word.count <= Self.longest else { return nil }
        let target = Array(word.lowercased())
        let limit = max(1, min(3, target.count / 3))
        var best: (candidate: String, distance: Int)? = nil
        for candidate in candidates {
            let other = Array(candidate.lowercased())
            guard other.count <= Self.longest, abs(other.count - target.count) <= limit else { continue }
            let distance = editDistance(target, other)
            guard distance <= limit else { continue }
            if best.map({ distance < $0.distance }) ?? true { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// The longest word or name compared.
    static let longest = 256

    /// Damerau–Levenshtein (optimal string alignment) distance.
    public static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
