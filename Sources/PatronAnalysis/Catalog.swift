import PatronStore
import PatronSyntax

/// The tables a session knows, by name, and which one is current.
public struct Catalog: Sendable {
    /// Tables by name.
    public private(set) var tables: [String: Table] = [:]
    /// The current table's name: the one statements use when they name none.
    public private(set) var currentName: String?
    /// Named segments, by name: their conditions as written, bound afresh each time they are used.
    public var segments: [String: SegmentDefinition] = [:]
    /// Variables set by `let` (or `--param`), by name.
    public var variables: [String: Literal] = [:]
    /// Level definitions set by `levels`, by table and then column name (the default is terciles
    /// low, medium, high): levels belong to one table's column, so levels set on the demo table do
    /// not follow its metric's name into a derived customer table.
    public var levels: [String: [String: LevelDefinition]] = [:]

    /// The levels set for a table's column, if any.
    public func levels(of column: String, in table: String) -> LevelDefinition? { levels[table]?[column] }
    /// Custom RFM rules (`rfm rule`), in order: the first that matches names the customer.
    public var rfmRules: [SegmentDefinition] = []
    /// The last `customers from` derivation, which `transitions` repeats at other dates.
    public var lastDerivation: BoundCustomers?
    /// The number of score bins of the last `rfm`.
    public var rfmBins = 5
    /// Open server connections by name, with where each goes (never its password).
    public var connections: [String: String] = [:]
    /// Tables that stay on a server (`use CONNECTION.SCHEMA.TABLE`), by their name here: the
    /// catalog holds their columns, not their rows.
    public var remote: [String: BoundServerTable] = [:]
    /// Tables whose newest columns `--check` added without computing them (a model's scores):
    /// statements bind against their names and types, and level words take placeholder cuts.
    public private(set) var unvalued: Set<String> = []

    /// Whether a table's rows are not here to compute cut points from: left on a server, or
    /// shaped by `--check` without the work.
    public func holdsNoValues(_ table: Table) -> Bool {
        remote[table.name] != nil || unvalued.contains(table.name)
    }

    /// The settings that change later answers without being data: level definitions, variables,
    /// RFM rules and bins. A lesson puts them back as it found them.
    public struct Settings: Sendable {
        let levels: [String: [String: LevelDefinition]]
        let variables: [String: Literal]
        let rfmRules: [SegmentDefinition]
        let rfmBins: Int
    }

    /// The settings now, to put back later.
    public var settings: Settings {
        get { Settings(levels: levels, variables: variables, rfmRules: rfmRules, rfmBins: rfmBins) }
        set { (levels, variables, rfmRules, rfmBins) = (newValue.levels, newValue.variables, newValue.rfmRules, newValue.rfmBins) }
    }

    /// Replaces a table by a new version of itself (same name), keeping it current if it was.
    public mutating func replace(_ table: Table) {
        let wasCurrent = currentName == table.name
        tables[table.name] = table
        if wasCurrent || currentName == nil { currentName = table.name }
    }

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

/// A named segment as defined: its condition and the text it was written as.
public struct SegmentDefinition: Sendable {
    /// The segment's name.
    public let name: String
    /// The condition.
    public let condition: ParsedExpression
    /// The condition's source text.
    public let text: String

    /// Creates a definition.
    public init(name: String, condition: ParsedExpression, text: String) {
        self.name = name
        self.condition = condition
        self.text = text
    }
}

/// How a column is split into named levels.
public struct LevelDefinition: Sendable, Equatable {
    /// How the cut points are found.
    public enum Method: Sendable, Equatable {
        /// At the quantiles that split the rows in scope into this many equal groups.
        case quantiles(Int)
        /// At these fixed values.
        case cuts([Double])
    }
    /// The method.
    public let method: Method
    /// The level words, lowest first.
    public let words: [String]

    /// Creates a definition.
    public init(method: Method, words: [String]) {
        self.method = method
        self.words = words
    }

    /// Terciles named low, medium, high: the default for every numeric column.
    public static let terciles = LevelDefinition(method: .quantiles(3), words: LevelCuts.defaultWords)
}

/// One change a statement makes to the catalog; the engine returns them, the driver applies them.
public enum CatalogChange: Sendable {
    /// Adds (or replaces) a table and makes it current.
    case add(Table)
    /// Replaces a table by a new version of itself, keeping it current if it was.
    case replace(Table)
    /// Makes the named table current.
    case use(String)
    /// Sets a variable.
    case variable(String, Literal)
    /// Sets how a table's column is split.
    case levels(table: String, column: String, LevelDefinition)
    /// Names a segment, or forgets it (nil).
    case segment(String, SegmentDefinition?)
    /// Remembers a customer derivation, which `transitions` repeats.
    case derivation(BoundCustomers)
    /// Sets the number of bins of the last `rfm`.
    case rfmBins(Int)
    /// Adds a custom RFM rule.
    case rfmRule(SegmentDefinition)
    /// Records an open connection and where it goes, or forgets it (nil).
    case connection(String, String?)
    /// Adds a server table's columns (no rows) under a name, current, its rows left on the server.
    case remote(Table, BoundServerTable)
    /// Replaces a table by one with the columns a statement adds, not computed (`--check`).
    case shape(Table)
}

extension Catalog {
    /// Applies one change.
    public mutating func apply(_ change: CatalogChange) {
        switch change {
        case .add(let table):
            remote[table.name] = nil
            unvalued.remove(table.name)
            add(table)
        case .shape(let table):
            replace(table)
            unvalued.insert(table.name)
        case .remote(let table, let source):
            add(table)
            remote[table.name] = source
        case .replace(let table): replace(table)
        case .use(let name): use(name)
        case .variable(let name, let value): variables[name] = value
        case .levels(let table, let column, let definition): levels[table, default: [:]][column] = definition
        case .segment(let name, let definition): segments[name] = definition
        case .derivation(let spec): lastDerivation = spec
        case .rfmBins(let bins): rfmBins = bins
        case .rfmRule(let rule): rfmRules.append(rule)
        case .connection(let name, let description): connections[name] = description
        }
    }
}

/// A rule table bound afresh over each table it names: its level words take their cut points
/// from that table's rows, as `transitions` needs at each of its two dates.
public struct RuleTable: Sendable {
    /// The table's name (`rfm`, `putler`, `custom`).
    public let preset: String
    /// The number of score bins.
    public let bins: Int
    /// The rules, first match wins.
    public let rules: [SegmentDefinition]
    /// The catalog the rules bind against (for variables, levels and segments).
    let catalog: Catalog

    /// Creates a rule table that binds against `catalog`.
    public init(preset: String, bins: Int, rules: [SegmentDefinition], catalog: Catalog) {
        self.preset = preset
        self.bins = bins
        self.rules = rules
        self.catalog = catalog
    }

    /// The rules bound over `table`, in order; a failure names the rule's own text.
    public func bind(over table: Table) throws(RuleFailure) -> [(name: String, condition: BoundCondition)] {
        var bound: [(name: String, condition: BoundCondition)] = []
        for rule in rules {
            let source = Source(name: "rule '\(rule.name)'", text: rule.text)
            var context = BindContext()
            do throws(Diagnostic) {
                bound.append((rule.name, try Binder(catalog: catalog, source: source).bindCondition(rule.condition, in: table, context: &context)))
            } catch {
                throw RuleFailure(diagnostic: error, source: source)
            }
        }
        return bound
    }
}

/// A rule that could not be bound, with the rule's text to point into.
public struct RuleFailure: Error, Sendable {
    public let diagnostic: Diagnostic
    public let source: Source
}
