/// A one-line progress bar for long loads: `[██████░░░░]  61%  480 MB of 787 MB · 6.1M records · 690 MB/s`.
public enum ProgressBar {
    /// The bar's text (no line end) for `done` of `total` bytes after `seconds`.
    public static func render(done: Int, total: Int, records: Int, seconds: Double, width: Int = 20, language: Language = .en) -> String {
        let zh = language == .zh
        let rate = seconds > 0 ? Double(done) / seconds : 0
        // A stream of unknown length (a server's rows): what has come so far.
        if total <= 0 { return "\(bytes(done)) · \(count(records)) \(zh ? "条记录" : "records") · \(bytes(Int(rate)))/s" }
        let fraction = min(1, Double(done) / Double(total))
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let percent = Int((fraction * 100).rounded(.down))
        return "[\(bar)] \(String(repeating: " ", count: percent < 10 ? 2 : percent < 100 ? 1 : 0))\(percent)%  \(bytes(done)) \(zh ? "/" : "of") \(bytes(total)) · \(count(records)) \(zh ? "条记录" : "records") · \(bytes(Int(rate)))/s"
    }

    /// A byte count as people read it: `787 MB`, `3.1 GB`, `512 KB`.
    public static func bytes(_ n: Int) -> String {
        let value = Double(n)
        if value >= 1e9 { return NumberFormat.fixed(value / 1e9, digits: 1) + " GB" }
        if value >= 1e6 { return NumberFormat.fixed(value / 1e6, digits: 0) + " MB" }
        if value >= 1e3 { return NumberFormat.fixed(value / 1e3, digits: 0) + " KB" }
        return "\(n) B"
    }

    /// A count in short form: `6.1M`, `12K`, `950`.
    public static func count(_ n: Int) -> String {
        if n >= 1_000_000 { return NumberFormat.fixed(Double(n) / 1e6, digits: 1) + "M" }
        if n >= 10_000 { return "\(n / 1000)K" }
        return NumberFormat.grouped(n)
    }
}
