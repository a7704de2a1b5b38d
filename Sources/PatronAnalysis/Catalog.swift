import PatronStore

/// The tables a session knows, by name, and which one is current.
public struct Catalog: Sendable {
    /// Tables by name.
    public private(set) var tables: [String: Table] = [:]
    /// The current table's name: the one statements use when they name none.
    public private(set) var currentName: String?

    /// An empty catalog.
    public init() {}

    /// The current table.
    public var current: Table? { currentName.flatMap { tables[$0] } }

    /// Adds or replaces a table and makes it current.
    public mutating func add(_ table: Table) {
        tables[table.name] = table
        currentName = table.name
    }

    /// Makes the named table current.
    public mutating func use(_ name: String) {
        if tables[name] != nil { currentName = name }
    }

    /// Table names in a stable order.
    public var names: [String] { tables.keys.sorted() }
}
