/// Something that went wrong with a server: what, why, and what to do.
public struct PostgresError: Error, Sendable, Equatable {
    /// The kinds of failure, each with its exit code in scripts.
    public enum Kind: Sendable, Equatable {
        /// The server cannot be reached or used: down, unreachable, wrong password, gone away,
        /// a statement timeout (exit 69, sysexits' EX_UNAVAILABLE).
        case unavailable
        /// The request was wrong: a missing table, a syntax error, a permission, a type patron
        /// cannot hold, a value that does not fit (exit 65).
        case data
        /// Ctrl-C: the query was cancelled on the server, nothing kept.
        case cancelled
    }
    public var kind: Kind
    /// One line, lowercase, no final period.
    public var message: String
    /// What to do about it.
    public var hints: [String]
    /// The server's SQLSTATE code, when it sent one.
    public var code: String?
    /// For an error in a query: the 1-based character position the server points at.
    public var position: Int?
    /// For a missing table: the tables the server has (schema.table), for did-you-mean.
    public var candidates: [String]

    public init(_ kind: Kind, _ message: String, hints: [String] = [], code: String? = nil, position: Int? = nil, candidates: [String] = []) {
        self.kind = kind
        self.message = message
        self.hints = hints
        self.code = code
        self.position = position
        self.candidates = candidates
    }

    /// The kind an SQLSTATE code implies: connection, authorisation, operator intervention and
    /// resource classes mean the server is unavailable; the rest are the request's fault.
    static func kind(of code: String?) -> Kind {
        guard let code else { return .unavailable }
        if code == "57014" { return .unavailable }   // query_canceled: a statement timeout
        return ["08", "28", "53", "57", "58", "XX"].contains(String(code.prefix(2))) ? .unavailable : .data
    }
}
