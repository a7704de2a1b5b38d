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
    /// The column was built by patron itself.
    case builtIn(String)
}
