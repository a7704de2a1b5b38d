import PatronAnalysis
import PatronStore

/// What a relation holds, without its rows: each column's name and type (a number's type carries
/// its scale). All a backend needs to compile a plan; a table left on a server has one too.
public struct Schema: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public let name: String
        public let type: ValueType

        public init(name: String, type: ValueType) {
            self.name = name
            self.type = type
        }
    }

    public let fields: [Field]

    public init(_ fields: [Field]) {
        self.fields = fields
    }

    /// A table's columns, as the binder typed them.
    public init(_ table: Table) {
        fields = table.columns.map { Field(name: $0.name, type: Self.type(of: $0)) }
    }

    /// The type of a stored column's values.
    public static func type(of column: Column) -> ValueType {
        switch column.storage {
        case .integer: return .number(scale: 0)
        case .decimal(_, let scale): return .number(scale: scale)
        case .text: return .text
        case .boolean: return .boolean
        case .date: return .date
        case .timestamp: return .timestamp
        }
    }

    /// The scale of a numeric field (0 for whole numbers and everything else).
    public func scale(_ index: Int) -> Int {
        if case .number(let scale) = fields[index].type { return scale }
        return 0
    }
}

extension Schema {
    /// A table with these columns and no rows: what the binder binds a plan's output against
    /// (rules over scored customers) without computing it.
    public func emptyTable(named name: String) -> Table {
        let columns = fields.map { field -> Column in
            let storage: ColumnStorage
            switch field.type {
            case .number(let scale): storage = scale == 0 ? .integer([]) : .decimal([], scale: scale)
            case .real: storage = .decimal([], scale: 6)
            case .text, .null: storage = .text(codes: TextCodes([], dictionarySize: 0), dictionary: [])
            case .boolean: storage = .boolean([])
            case .date: storage = .date([])
            case .timestamp: storage = .timestamp([])
            }
            return Column(name: field.name, storage: storage, nulls: NullBitmap())
        }
        return Table(name: name, columns: columns, rowCount: 0, origin: .scratch)
    }
}
