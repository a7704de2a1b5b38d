import PatronStore

/// The segments of the classic frameworks, as keys. Their names and advice, in every language,
/// live in one catalogue in the renderer; the engine and the binder only ever name these cases.

/// The four customers of the profit × loyalty matrix (Reinartz & Kumar, HBR 2002).
public enum Quadrant: Int, Sendable, CaseIterable {
    case trueFriends, butterflies, barnacles, strangers

    /// The quadrant of a customer high or low on each axis (profit first, loyalty second).
    public init(firstHigh: Bool, secondHigh: Bool) {
        switch (firstHigh, secondHigh) {
        case (true, true): self = .trueFriends
        case (true, false): self = .butterflies
        case (false, true): self = .barnacles
        case (false, false): self = .strangers
        }
    }

    /// The segment's key where SQL labels a row (`sql matrix`, the server path reads it back).
    public var key: String {
        switch self {
        case .trueFriends: return "True Friends"
        case .butterflies: return "Butterflies"
        case .barnacles: return "Barnacles"
        case .strangers: return "Strangers"
        }
    }

    /// Whether the quadrant is high on the first axis (profit).
    public var isFirstHigh: Bool { self == .trueFriends || self == .butterflies }
    /// Whether the quadrant is high on the second axis (loyalty).
    public var isSecondHigh: Bool { self == .trueFriends || self == .barnacles }
}

/// The lifecycle stages, in order: new (by tenure), then by recency windows.
public enum LifecycleStage: Int, Sendable, CaseIterable {
    case new, active, warm, cold, lapsed

    /// The stage's key where SQL labels a row: `new`, `active`, `warm`, `cold`, `lapsed`.
    public var key: String { String(describing: self) }

    /// The recency windows in days that end the active, warm and cold stages when none are given.
    public static let standardWindows = [30, 90, 180]

    /// A customer's stage: new when tenure is within the first window, then active up to the
    /// first window of recency, warm to the second, cold to the third, lapsed beyond.
    public init(recency days: Double, tenure: Double?, windows: [Int]) {
        if let tenure, tenure <= Double(windows[0]) { self = .new }
        else if days <= Double(windows[0]) { self = .active }
        else if days <= Double(windows[1]) { self = .warm }
        else if days <= Double(windows[2]) { self = .cold }
        else { self = .lapsed }
    }
}

/// Value tiers: none (no or negative value), then low, medium and high at the terciles of the positive values.
public enum ValueTier: Int, Sendable, CaseIterable {
    case none, low, medium, high

    /// The tier's key where SQL labels a row: `none`, `low`, `medium`, `high`.
    public var key: String { String(describing: self) }

    /// The tier of a value: none at or below 0, low up to the first cut, high from the second.
    public init(_ v: Double, cuts: (Double, Double)) {
        self = v <= 0 ? .none : v <= cuts.0 ? .low : (v >= cuts.1 && v > cuts.0) ? .high : .medium
    }
}

/// How a metric's cut points were found.
public enum SplitMethod: Sendable, Equatable {
    /// At the quantiles that split the values into this many equal groups (3: terciles).
    case quantiles(Int)
    /// At fixed values set by `levels … at`.
    case fixedCuts
    /// At the median of each metric (the matrix's default).
    case median
    /// At cut points given in the statement (`matrix … at`).
    case givenCuts
    /// At a rank: `top 20%` or `bottom 10%` (the percent as written).
    case rank(top: Bool, percent: String)
    /// The scores of `rfm`, at the quantiles of each metric.
    case scores
}

/// A segment of a segmentation that `transitions` repeats at two dates.
public enum SegmentKey: Sendable, Equatable {
    case stage(LifecycleStage)
    case quadrant(Quadrant)
    /// A value tier of the named metric (profit, or monetary without profit).
    case tier(ValueTier, metric: String)
    /// A named rule of a rule table.
    case rule(String)
    /// The customers no rule of the table names.
    case unmatched
}

/// The columns the frameworks read, found by their standard names when a table is bound (a
/// user's table, or a customer table the engine derives at another date): after this, the
/// frameworks reach them by index.
public struct FrameworkColumns: Sendable {
    public let profit: Int?
    public let loyalty: Int?
    public let recency: Int?
    public let frequency: Int?
    public let monetary: Int?
    public let tenure: Int?
    /// The text column `rfm segments` adds.
    public let rfmSegment: Int?

    /// The numeric columns of `table` named profit, loyalty, recency, frequency, monetary and
    /// tenure, and its text column rfm_segment, where it has them.
    public init(_ table: Table) {
        func numeric(_ name: String) -> Int? { table.columnIndex(named: name).flatMap { table.columns[$0].type.isNumeric ? $0 : nil } }
        profit = numeric("profit")
        loyalty = numeric("loyalty")
        recency = numeric("recency")
        frequency = numeric("frequency")
        monetary = numeric("monetary")
        tenure = numeric("tenure")
        rfmSegment = table.columnIndex(named: "rfm_segment").flatMap { table.columns[$0].type == .text ? $0 : nil }
    }
}
