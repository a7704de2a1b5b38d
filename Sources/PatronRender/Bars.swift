/// Horizontal bars drawn with block characters, eight steps to a cell.
public enum Bars {
    /// The default width of a bar column, in cells.
    public static let width = 20

    private static let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// A bar `value / largest` of `width` cells long; empty for zero, negative or undefined values,
    /// and at least a sliver for any positive value so small groups stay visible.
    public static func bar(_ value: Double, of largest: Double, width: Int = Bars.width) -> String {
        guard largest > 0, value > 0, value.isFinite, largest.isFinite else { return "" }
        let eighths = max(1, min(width * 8, Int((value / largest * Double(width * 8)).rounded())))
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }

    /// Bars for a column of counts, each against the largest.
    public static func bars(_ values: [Int], width: Int = Bars.width) -> [String] {
        let largest = Double(values.max() ?? 0)
        return values.map { bar(Double($0), of: largest, width: width) }
    }
}
