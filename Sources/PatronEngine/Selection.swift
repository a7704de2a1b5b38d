/// Ascending row indexes that satisfy a condition so far.
public typealias Selection = [Int]

enum SelectionAlgebra {
    /// The sorted union of sorted selections.
    static func union(_ parts: [Selection]) -> Selection {
        guard var result = parts.first else { return [] }
        for part in parts.dropFirst() {
            var merged: Selection = []
            merged.reserveCapacity(result.count + part.count)
            var i = 0, j = 0
            while i < result.count && j < part.count {
                if result[i] < part[j] { merged.append(result[i]); i += 1 }
                else if result[i] > part[j] { merged.append(part[j]); j += 1 }
                else { merged.append(result[i]); i += 1; j += 1 }
            }
            merged.append(contentsOf: result[i...])
            merged.append(contentsOf: part[j...])
            result = merged
        }
        return result
    }
}
