import PatronAnalysis
import PatronStore

/// A named value a plan node makes from its input's rows.
public struct Output: Sendable, Equatable {
    public let name: String
    public let value: Scalar

    public init(_ name: String, _ value: Scalar) {
        self.name = name
        self.value = value
    }
}

/// One aggregate of a group's rows.
public struct AggregateCall: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case count, sum, avg, median, min, max
        /// How many distinct values (nulls not counted).
        case countDistinct
        /// The group's sum over the sum of every group's (a real).
        case share
        /// A value that is the same on every row (an order statistic, the relation's rows).
        case constant
        /// How many groups the answer has before a limit.
        case groups
        /// How many rows all the groups hold together.
        case rowsInScope
    }

    public let kind: Kind
    /// The value aggregated (nil: rows are counted).
    public let argument: Scalar?
    /// Only the rows where this holds take part (nil: all).
    public let filter: Scalar?

    public init(_ kind: Kind, _ argument: Scalar? = nil, filter: Scalar? = nil) {
        self.kind = kind
        self.argument = argument
        self.filter = filter
    }

    /// A bound aggregate of `summarize`, its argument lowered.
    public init(_ kind: BoundAggregate.Kind, argument: Scalar?) {
        let kinds: [BoundAggregate.Kind: Kind] = [.count: .count, .sum: .sum, .avg: .avg, .median: .median, .min: .min, .max: .max, .share: .share]
        self.init(kinds[kind] ?? .count, argument)
    }
}

/// A named aggregate.
public struct AggregateOutput: Sendable, Equatable {
    public let name: String
    public let call: AggregateCall
    /// Read back as exact text (the server path's answers; a typed answer will not need it).
    public let asText: Bool

    public init(_ name: String, _ call: AggregateCall, asText: Bool = false) {
        self.name = name
        self.call = call
        self.asText = asText
    }
}

/// How a sort orders one column of its input: nulls always last, text by code point.
public struct SortKey: Sendable, Equatable {
    public enum Order: Sendable, Equatable {
        case ascending, descending
        /// Labels in this order (a framework's segments as patron lists them).
        case labels([Label])
    }

    public let column: Int
    public let order: Order

    public init(_ column: Int, _ order: Order = .ascending) {
        self.column = column
        self.order = order
    }
}

/// A value of a window: an aggregate over the rows before each row, or over all the rows.
public struct WindowOutput: Sendable, Equatable {
    public enum Frame: Sendable, Equatable {
        /// Every row of the input.
        case whole
        /// The rows strictly before this one in this order (0 when there are none).
        case before([SortKey])
    }

    public let name: String
    public let call: AggregateCall
    public let frame: Frame

    public init(_ name: String, _ call: AggregateCall, _ frame: Frame) {
        self.name = name
        self.call = call
        self.frame = frame
    }
}

/// A relational plan: what a statement reads and makes, with no rows and no backend. Every
/// statement that reads data is lowered to one (`Lowering`); a backend runs it (memory) or writes
/// it in its language (SQL).
public indirect enum Plan: Sendable, Equatable {
    /// A table, by name, with its schema. A backend knows where it lives (memory, a file, a server).
    case scan(name: String, schema: Schema)
    /// The rows where a condition holds.
    case filter(Plan, Scalar)
    /// New columns made from each row.
    case project(Plan, [Output])
    /// One row per distinct group (one row in all when there are no groups).
    case aggregate(Plan, groups: [Output], values: [AggregateOutput])
    /// The rows in order: by the first key, ties by the next.
    case sort(Plan, [SortKey])
    /// The first rows.
    case limit(Plan, Int)
    /// Each row with values over other rows added (running sums, totals).
    case window(Plan, [WindowOutput])
    /// The rows of every input, one after another (their columns as the first's).
    case union([Plan])
    /// One row: the order statistics of columns of the input (its base relation), each named
    /// `Lowered.statisticName(set, statistic)`.
    case orderStatistics(Plan, [OrderStatistics])
    /// The rows of the right input joined to each row of the left where the key columns are equal
    /// (null keys never match); `keepUnmatched` keeps a left row with no match, its right columns null.
    case join(Plan, Plan, on: [JoinKey], keepUnmatched: Bool)

    public struct JoinKey: Sendable, Equatable {
        public let left: Int
        public let right: Int

        public init(_ left: Int, _ right: Int) {
            self.left = left
            self.right = right
        }
    }

    /// The names and types of the rows the plan makes.
    public var schema: Schema {
        switch self {
        case .scan(_, let schema): return schema
        case .filter(let input, _), .sort(let input, _), .limit(let input, _): return input.schema
        case .project(let input, let outputs):
            let fields = input.schema
            return Schema(outputs.map { Schema.Field(name: $0.name, type: $0.value.type(in: fields)) })
        case .aggregate(let input, let groups, let values):
            let fields = input.schema
            return Schema(groups.map { Schema.Field(name: $0.name, type: $0.value.type(in: fields)) }
                          + values.map { Schema.Field(name: $0.name, type: $0.asText ? .text : $0.call.type(in: fields)) })
        case .join(let left, let right, _, _): return Schema(left.schema.fields + right.schema.fields)
        case .orderStatistics(_, let sets):
            return Schema(sets.enumerated().flatMap { i, set in
                set.statistics.map { Schema.Field(name: Lowered.statisticName(i + 1, $0), type: Scalar.statistic(set, $0).type(in: Schema([]))) }
            })
        case .window(let input, let outputs):
            let fields = input.schema
            return Schema(fields.fields + outputs.map { Schema.Field(name: $0.name, type: $0.call.type(in: fields)) })
        case .union(let inputs): return inputs.first?.schema ?? Schema([])
        }
    }

    /// The table the plan reads first (its leftmost scan): the relation order statistics are of.
    public var base: (name: String, schema: Schema) {
        switch self {
        case .scan(let name, let schema): return (name, schema)
        case .filter(let input, _), .sort(let input, _), .limit(let input, _), .project(let input, _), .aggregate(let input, _, _), .join(let input, _, _, _),
             .orderStatistics(let input, _), .window(let input, _):
            return input.base
        case .union(let inputs): return inputs.first?.base ?? ("", Schema([]))
        }
    }
}

extension AggregateCall {
    /// The type of the aggregate's value.
    public func type(in schema: Schema) -> ValueType {
        switch kind {
        case .count, .countDistinct, .groups, .rowsInScope: return .number(scale: 0)
        case .avg, .median, .share: return .real
        case .sum, .min, .max, .constant: return argument?.type(in: schema) ?? .number(scale: 0)
        }
    }
}

extension Scalar {
    /// The type of the expression's values over rows of `schema`.
    public func type(in schema: Schema) -> ValueType {
        switch self {
        case .column(let index): return index < schema.fields.count ? schema.fields[index].type : .null
        case .literal(let literal): return literal.type
        case .arithmetic(_, _, _, let type), .call(_, _, let type): return type
        case .quotient, .monthIndex: return .number(scale: 0)
        case .roundedQuotient(_, _, let scale), .atScale(_, let scale): return .number(scale: scale)
        case .maximum(let relation, let column): return Scalar.column(column).type(in: relation.schema)
        case .when(let branches, let otherwise): return branches.first?.1.type(in: schema) ?? otherwise?.type(in: schema) ?? .null
        case .negate(let inner): return inner.type(in: schema)
        case .compare, .and, .or, .not, .isNull, .inList, .textMatch: return .boolean
        case .statistic(let statistics, let which):
            switch which {
            case .n, .nulls, .f: return .number(scale: 0)
            case .lo, .hi, .cut: return statistics.type
            }
        case .relationRows, .level: return .number(scale: 0)
        case .label, .asText, .concat: return .text
        }
    }
}
