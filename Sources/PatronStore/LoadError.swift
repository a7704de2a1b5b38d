/// A problem with an input file, positioned at a line and byte offset of that file.
public struct LoadError: Error, Sendable, Equatable {
    /// What kind of failure this is (drives the exit code).
    public enum Kind: Sendable, Equatable {
        /// The file does not exist or cannot be opened.
        case missingFile
        /// The file's contents are malformed.
        case badData
        /// The load was cancelled.
        case cancelled
    }
    /// The kind of failure.
    public var kind: Kind
    /// The file's path as given.
    public var path: String
    /// 1-based line number (0 when the error concerns the whole file).
    public var line: Int
    /// Byte offset of the error within `lineText`.
    public var byteOffset: Int
    /// The text of the offending line (empty for whole-file errors).
    public var lineText: String
    /// The message: lowercase, no final period.
    public var message: String
    /// What to do about it.
    public var hint: String?

    /// Creates a load error.
    public init(kind: Kind = .badData, path: String, line: Int = 0, byteOffset: Int = 0, lineText: String = "", message: String, hint: String? = nil) {
        self.kind = kind
        self.path = path
        self.line = line
        self.byteOffset = byteOffset
        self.lineText = lineText
        self.message = message
        self.hint = hint
    }
}

/// Why the loader chose a column's type, shown by `describe`.
public enum TypeEvidence: Sendable, Equatable {
    /// Every non-null value matched `pattern`.
    case allMatch(count: Int, pattern: String)
    /// Every value was null.
    case allNull
    /// The first value that ruled out a more specific type.
    case counterexample(value: String, line: Int, ruledOut: String)
    /// The column was built by patron itself, described in words (the demo data).
    case builtIn(String)
    /// The column was derived by a statement, as this definition says.
    case derived(Derivation)
    /// The column came from a server, where it has this type (`numeric(12,2)`); the note says how it was read.
    case server(type: String, note: String?)
}

/// How a derived column was computed, as a value; the renderer puts it in words.
public indirect enum Derivation: Sendable, Equatable {
    /// The customer identifier the orders were grouped by.
    case customer
    case firstPurchase
    case lastPurchase(asOf: Int32)
    case recency(asOf: Int32)
    case frequency(asOf: Int32)
    /// The sum of the amount (its expression as written) over the orders.
    case monetary(amount: String)
    case aov
    /// The sum of the profit (its expression as written) over the orders.
    case profit(definition: String)
    case tenure(asOf: Int32)
    case loyalty(asOf: Int32)
    case channels
    /// An RFM score of `metric` in 1…bins, the most recent scoring highest for recency.
    case score(metric: String, bins: Int)
    /// The three scores written together (`533`).
    case rfmCode
    /// The name given by the first rule of `preset` that holds.
    case rfmSegment(preset: String)
    /// A figure of a fitted customer-base model (`clv`).
    case modelled(ModelledFigure)
    /// A column `add` computed from others, by this expression as written.
    case computed(definition: String)
    /// A customer metric of the analyst's own, over each customer's orders, as written.
    case metric(definition: String)
    /// A column `attach` brought from a lookup table by key, with why it had its type there.
    case attached(from: String, by: String, why: TypeEvidence)
}

/// The per-customer figures `clv` adds.
public enum ModelledFigure: Sendable, Equatable {
    case pAlive(model: String)
    case expectedPurchases(model: String, horizon: String)
    case expectedSpend
    case lifetimeValue(horizon: String, margin: Double, discount: Double)
}

/// Where a table came from.
public enum TableOrigin: Sendable, Equatable {
    /// A file, by its path as given.
    case file(String)
    /// `customers from ORDERS … as of DATE`.
    case customers(orders: String, asOf: Int32)
    /// A server's table or query, as `CONNECTION.SCHEMA.TABLE` or `CONNECTION query`.
    case server(String)
    /// The demo data patron starts with.
    case demo
    /// A table patron makes for its own use (no rows of the user's).
    case scratch
}
