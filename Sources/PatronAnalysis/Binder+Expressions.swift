import PatronStore
import PatronSyntax

/// What binding one statement's conditions collects as it goes.
struct BindContext {
    /// The level cut points used, in order of first use.
    var levels: [LevelCuts] = []
    /// The named segments being expanded (to report a segment defined in terms of itself).
    var segments: [String] = []
    /// How deep binding is, with the segments named written out: each statement nests at most
    /// `Parser.nestingLimit` deep, but a chain of segments adds theirs up.
    var depth = 0
    /// Each named segment bound once per statement: a segment used twice in a definition (`s2 as s1
    /// or s1 and …`) is not bound twice at every level, which once took minutes at 20 levels.
    var boundSegments: [String: BoundCondition] = [:]

    /// The most comparisons a condition may hold with its segments written out; past it the
    /// statement is refused, rather than evaluated for minutes.
    static let sizeLimit = 4_096

    /// The most levels a condition may have with its segments written out: twice what one
    /// statement may nest. The binder recurses per level (a debug build about 5 KB a level); a
    /// chain of 64 segments, each 250 brackets deep, once overflowed the stack.
    static let depthLimit = 512

    /// One level deeper, or an error once past the limit.
    mutating func enter(_ span: SourceSpan) throws(Diagnostic) {
        depth += 1
        guard depth <= Self.depthLimit else {
            throw Diagnostic("with its segments written out, the condition nests more than \(Self.depthLimit) deep", at: span,
                             hints: ["define a segment by its columns instead of by a long chain of others"])
        }
    }
}

extension Binder {
    // MARK: Conditions

    /// Binds a condition: comparisons of a column with a value take fast paths over the column's
    /// array; anything else becomes a boolean expression evaluated per row.
    func bindCondition(_ expression: ParsedExpression, in table: Table, context: inout BindContext) throws(Diagnostic) -> BoundCondition {
        try context.enter(expression.span)
        defer { context.depth -= 1 }
        switch expression {
        case .and(let terms, _):
            var bound: [BoundCondition] = []
            for term in terms { bound.append(try bindCondition(term, in: table, context: &context)) }
            return .and(bound)
        case .or(let terms, _):
            var bound: [BoundCondition] = []
            for term in terms { bound.append(try bindCondition(term, in: table, context: &context)) }
            return .or(bound)
        case .not(let inner, _):
            return .not(try bindCondition(inner, in: table, context: &context))
        case .group(let inner, _):
            return try bindCondition(inner, in: table, context: &context)
        case .boolean(let value, _):
            return .constant(value)
        case .name(let name):
            if table.columnIndex(named: name.text) == nil, let segment = catalog.segments[name.text] {
                return try bindSegment(segment, at: name.span, in: table, context: &context)
            }
            let index = try column(name, in: table, alsoSegments: true)
            guard table.columns[index].type == .boolean else {
                throw Diagnostic("'\(name.text)' is a \(table.columns[index].type.rawValue) column, not a condition", at: name.span,
                                 hints: ["compare it with something, e.g. \(name.text) = \(example(for: table.columns[index].type))"])
            }
            return .boolean(column: index, .equal, true)
        case .comparison(let left, let op, let right, let opSpan):
            if let fast = try fastComparison(left, op, right, opSpan: opSpan, in: table, context: &context) { return fast }
        default:
            break
        }
        let bound = try bindExpression(expression, in: table, context: &context)
        guard bound.type == .boolean || bound.type == .null else {
            throw Diagnostic("this is a \(bound.type.name), not a condition", at: expression.span, hints: ["compare it with something, e.g. profit > 100"])
        }
        return .expression(bound)
    }

    /// How deeply segments may be defined in terms of other segments (a chain of thousands once
    /// overflowed the stack).
    static let segmentDepthLimit = 64

    /// A named segment's condition, bound afresh over the current data.
    func bindSegment(_ segment: SegmentDefinition, at span: SourceSpan, in table: Table, context: inout BindContext) throws(Diagnostic) -> BoundCondition {
        guard !context.segments.contains(segment.name) else {
            throw Diagnostic("the segment '\(segment.name)' is defined in terms of itself", at: span,
                             hints: ["segments used: \((context.segments + [segment.name]).joined(separator: " → "))"])
        }
        guard context.segments.count < Self.segmentDepthLimit else {
            let chain = context.segments
            throw Diagnostic("segments are defined in terms of other segments more than \(Self.segmentDepthLimit) deep", at: span,
                             hints: ["segments used: \(chain.prefix(3).joined(separator: " → ")) → … → \(chain.suffix(2).joined(separator: " → ")) → \(segment.name)",
                                     "define a segment by its columns instead of by a long chain of others"])
        }
        if let bound = context.boundSegments[segment.name] { return bound }
        context.segments.append(segment.name)
        defer { context.segments.removeLast() }
        let segmentSource = Source(name: "segment '\(segment.name)'", text: segment.text)
        let inner = Binder(catalog: catalog, source: segmentSource)
        do throws(Diagnostic) {
            let bound = try inner.bindCondition(segment.condition, in: table, context: &context)
            if bound.comparisons(upTo: BindContext.sizeLimit) > BindContext.sizeLimit {
                throw Diagnostic("with its segments written out, the condition holds more than 4,096 comparisons", at: span,
                                 hints: ["a segment that names another twice doubles at every level; define it by its columns, or name the other once"])
            }
            context.boundSegments[segment.name] = bound
            return bound
        } catch {
            // Too deep a chain is said once, at the outermost segment, not wrapped at every level.
            if error.message.hasPrefix("segments are defined in terms of other segments") || error.message.hasPrefix("with its segments written out") {
                throw Diagnostic(error.message, at: span, hints: error.hints)
            }
            throw Diagnostic("the segment '\(segment.name)' does not fit table '\(table.name)': \(error.message)", at: span,
                             hints: ["its definition: \(segment.text)"] + error.hints)
        }
    }

    /// `column op value` and `value op column` where the value is a literal, a variable, a level
    /// word, a rank or another column: compiled to a loop over the column's own array.
    private func fastComparison(_ left: ParsedExpression, _ op: ComparisonOperator, _ right: ParsedExpression, opSpan: SourceSpan,
                                in table: Table, context: inout BindContext) throws(Diagnostic) -> BoundCondition? {
        if case .name(let leftName) = left, table.columnIndex(named: leftName.text) != nil, isSimple(right) {
            return try fastComparison(column: leftName, op, right, in: table, context: &context)
        }
        if case .name(let rightName) = right, table.columnIndex(named: rightName.text) != nil, isSimple(left), !isColumn(left, in: table) {
            return try fastComparison(column: rightName, op.mirrored, left, in: table, context: &context)
        }
        if case .name(let leftName) = left, table.columnIndex(named: leftName.text) == nil, case .name = right {
            throw unknownColumn(leftName, in: table, alsoLevels: false)
        }
        return nil
    }

    private func isSimple(_ e: ParsedExpression) -> Bool {
        switch e {
        case .name, .number, .string, .date, .boolean, .variable, .rank: return true
        default: return false
        }
    }

    private func isColumn(_ e: ParsedExpression, in table: Table) -> Bool {
        if case .name(let n) = e { return table.columnIndex(named: n.text) != nil }
        return false
    }

    private func fastComparison(column leftName: Name, _ op: ComparisonOperator, _ right: ParsedExpression,
                                in table: Table, context: inout BindContext) throws(Diagnostic) -> BoundCondition {
        let leftIndex = try column(leftName, in: table)
        let leftColumn = table.columns[leftIndex]
        var value = right
        if case .variable(let name) = right { value = try literal(for: name) }
        switch value {
        case .name(let rightName):
            if let rightIndex = table.columnIndex(named: rightName.text) {
                return try bindColumns(leftIndex, op, rightIndex, in: table, span: leftName.span.merged(with: rightName.span))
            }
            let definition = catalog.levels(of: leftColumn.name, in: table.name) ?? .terciles
            guard let level = LevelCuts.index(of: rightName.text, in: definition.words) else {
                throw unknownColumn(rightName, in: table, alsoLevels: leftColumn.type.isNumeric, levelWords: definition.words)
            }
            guard leftColumn.type.isNumeric else {
                throw Diagnostic("level words such as '\(rightName.text)' need a numeric column; '\(leftName.text)' is \(leftColumn.type.rawValue)",
                                 at: rightName.span, hints: leftColumn.type == .text ? ["to match the text, quote it: \(leftName.text) = \"\(rightName.text)\""] : [])
            }
            let cuts = try levelCuts(leftIndex, in: table, span: rightName.span)
            if !context.levels.contains(where: { $0.column == cuts.column }) { context.levels.append(cuts) }
            return .level(column: leftIndex, cuts, op, level: level)
        case .rank(let top, let percent, let span):
            guard leftColumn.type.isNumeric else {
                throw Diagnostic("'\(top ? "top" : "bottom") \(percent)%' needs a numeric column; '\(leftName.text)' is \(leftColumn.type.rawValue)", at: span)
            }
            guard op == .equal, let p = Double(percent), p > 0, p <= 100 else {
                throw Diagnostic("write '\(leftName.text) = \(top ? "top" : "bottom") N%' with N between 0 and 100", at: span)
            }
            // The cut is the backend's to compute; a column with no values has none.
            guard catalog.holdsNoValues(table) || table.rowCount > leftColumn.nulls.nullCount else {
                throw Diagnostic("'\(leftColumn.name)' has no values to rank", at: span)
            }
            let cuts = LevelCuts(column: leftColumn.name, words: [top ? "top \(percent)%" : "bottom \(percent)%"], cuts: [0],
                                 method: .rank(top: top, percent: percent), basis: 0, nulls: 0, scale: scale(of: leftColumn), isComputed: false)
            context.levels.append(cuts)
            return .rank(column: leftIndex, cuts)
        case .number(let text, let span):
            guard leftColumn.type.isNumeric else { throw mismatch(leftName, leftColumn, value) }
            guard let literal = ExactNumber(text) else {
                throw Diagnostic("the number \(text) has too many digits", at: span, hints: ["numbers have at most 18 significant digits"])
            }
            let columnScale = scale(of: leftColumn)
            let common = max(columnScale, literal.scale)
            guard common <= 18 else { throw Diagnostic("the number \(text) has more than 18 decimals", at: span) }
            let scaled = Int128(literal.mantissa) * Int128(integerPowerOfTen(common - literal.scale))
            return .numeric(column: leftIndex, multiplier: integerPowerOfTen(common - columnScale), op, value: scaled)
        case .string(let text, let span):
            switch leftColumn.type {
            case .text:
                return .text(column: leftIndex, op, text)
            case .date, .timestamp:
                guard let day = CalendarDate.parseISO(Array(text.utf8)) else {
                    throw Diagnostic("'\(text)' is not a date in the form yyyy-MM-dd", at: span, hints: ["write dates without quotes: 2024-12-31"])
                }
                return leftColumn.type == .date ? .date(column: leftIndex, op, day) : .timestamp(column: leftIndex, op, Int64(day) * 86_400_000_000)
            default:
                throw mismatch(leftName, leftColumn, value)
            }
        case .date(let year, let month, let day, let span):
            guard let dayNumber = CalendarDate.dayNumber(year: year, month: month, day: day) else {
                throw Diagnostic("\(source.text(of: span)) is not a valid date", at: span, hints: ["dates are written yyyy-MM-dd, e.g. 2024-12-31"])
            }
            if leftColumn.type == .timestamp { return .timestamp(column: leftIndex, op, Int64(dayNumber) * 86_400_000_000) }
            guard leftColumn.type == .date else { throw mismatch(leftName, leftColumn, value) }
            return .date(column: leftIndex, op, dayNumber)
        case .boolean(let flag, _):
            guard leftColumn.type == .boolean else { throw mismatch(leftName, leftColumn, value) }
            guard op == .equal || op == .notEqual else {
                throw Diagnostic("true and false can only be compared with = and !=", at: value.span)
            }
            return .boolean(column: leftIndex, op, flag)
        default:
            var context2 = context
            let bound = try bindExpression(.comparison(.name(leftName), op, value, operatorSpan: value.span), in: table, context: &context2)
            context = context2
            return .expression(bound)
        }
    }

    /// A variable's value written back as a literal, so it takes the same paths as one.
    private func literal(for name: Name) throws(Diagnostic) -> ParsedExpression {
        guard let value = catalog.variables[name.text] else { throw unknownVariable(name) }
        switch value {
        case .number(let m, let s): return .number(ExactDecimal(mantissa: m, scale: s).text, name.span)
        case .real(let d): return .number(String(d), name.span)
        case .text(let t): return .string(t, name.span)
        case .date(let d):
            let (y, m, dd) = CalendarDate.civil(d)
            return .date(year: y, month: m, day: dd, name.span)
        case .boolean(let b): return .boolean(b, name.span)
        case .timestamp, .null: return .variable(name)
        }
    }

    func unknownVariable(_ name: Name) -> Diagnostic {
        var hints: [String] = []
        if let near = Suggestion.closest(to: name.text, in: catalog.variables.keys) { hints.append("did you mean '$\(near)'?") }
        hints.append(catalog.variables.isEmpty ? "set one first: let \(name.text) = 2024-12-31" : "variables: \(catalog.variables.keys.sorted().map { "$" + $0 }.joined(separator: ", "))")
        return Diagnostic("unknown variable '$\(name.text)'", at: name.span, hints: hints)
    }

    func bindColumns(_ left: Int, _ op: ComparisonOperator, _ right: Int, in table: Table, span: SourceSpan) throws(Diagnostic) -> BoundCondition {
        let leftType = table.columns[left].type, rightType = table.columns[right].type
        if leftType.isNumeric && rightType.isNumeric {
            let leftScale = scale(of: table.columns[left]), rightScale = scale(of: table.columns[right])
            let common = max(leftScale, rightScale)
            return .numericColumns(left: left, leftMultiplier: integerPowerOfTen(common - leftScale), op,
                                   right: right, rightMultiplier: integerPowerOfTen(common - rightScale))
        }
        if leftType == .text && rightType == .text { return .textColumns(left: left, op, right: right) }
        if leftType == .date && rightType == .date { return .dateColumns(left: left, op, right: right) }
        throw Diagnostic("cannot compare \(leftType.rawValue) column '\(table.columns[left].name)' with \(rightType.rawValue) column '\(table.columns[right].name)'", at: span)
    }

    /// A numeric column's levels as defined: the method and words, with fixed cut points as
    /// given; quantile cut points are computed by the backend that runs the statement (the binder
    /// reads no data). A column with no values (all null) has none to compute.
    func levelCuts(_ index: Int, in table: Table, span: SourceSpan) throws(Diagnostic) -> LevelCuts {
        let column = table.columns[index]
        let definition = catalog.levels(of: column.name, in: table.name) ?? .terciles
        let values = catalog.holdsNoValues(table) ? 0 : table.rowCount - column.nulls.nullCount
        if !catalog.holdsNoValues(table) && values == 0 {
            throw Diagnostic("'\(column.name)' has no values to compute levels from", at: span)
        }
        switch definition.method {
        case .quantiles(let n):
            return LevelCuts(column: column.name, words: definition.words, cuts: [Double](repeating: 0, count: max(n - 1, 0)), method: .quantiles(n),
                             basis: 0, nulls: 0, scale: scale(of: column), isComputed: false)
        case .cuts(let fixed):
            return LevelCuts(column: column.name, words: definition.words, cuts: fixed, method: .fixedCuts,
                             basis: values, nulls: catalog.holdsNoValues(table) ? 0 : column.nulls.nullCount, scale: scale(of: column))
        }
    }

    func scale(of column: Column) -> Int {
        if case .decimal(_, let scale) = column.storage { return scale }
        return 0
    }

    func example(for type: ColumnType) -> String {
        switch type {
        case .integer, .decimal: return "high"
        case .text: return "\"North\""
        case .date, .timestamp: return "2024-12-31"
        case .boolean: return "true"
        }
    }

    func kindName(_ e: ParsedExpression) -> String {
        switch e {
        case .number: return "number"
        case .string: return "string"
        case .date: return "date"
        case .boolean: return "boolean"
        default: return "value"
        }
    }

    func mismatch(_ name: Name, _ column: Column, _ operand: ParsedExpression) -> Diagnostic {
        var hints = ["compare '\(name.text)' with a value such as \(example(for: column.type))"]
        // A column meant to hold numbers that one value made text: say which, and how to load it as numbers.
        if case .number = operand, column.type == .text, case .counterexample(let value, let line, _) = column.evidence {
            hints = ["'\(name.text)' was read as text because '\(value)' (line \(line)) is not a number",
                     "to read it as numbers and count the bad rows: load … with columns (…, \(name.text) decimal), on_error skip"]
        }
        return Diagnostic("cannot compare \(column.type.rawValue) column '\(name.text)' with the \(kindName(operand)) \(source.text(of: operand.span))",
                          at: operand.span, hints: hints)
    }

    /// Finds a column, suggesting columns and (when asked) segments for a typo.
    func column(_ name: Name, in table: Table, alsoSegments: Bool) throws(Diagnostic) -> Int {
        if let index = table.columnIndex(named: name.text) { return index }
        let names = table.columns.map(\.name) + (alsoSegments ? Array(catalog.segments.keys) : [])
        var hints: [String] = []
        if let near = Suggestion.closest(to: name.text, in: names) { hints.append("did you mean '\(near)'?") }
        else { hints.append("columns of '\(table.name)': \(table.columns.prefix(12).map(\.name).joined(separator: ", "))") }
        throw Diagnostic("unknown \(alsoSegments && !catalog.segments.isEmpty ? "column or segment" : "column") '\(name.text)'\(alsoSegments ? "" : " in table '\(table.name)'")",
                         at: name.span, hints: hints)
    }

    // MARK: Expressions

    /// Binds any expression, checking types and deciding each operation's result type.
    func bindExpression(_ expression: ParsedExpression, in table: Table, context: inout BindContext) throws(Diagnostic) -> BoundExpression {
        try context.enter(expression.span)
        defer { context.depth -= 1 }
        switch expression {
        case .group(let inner, _):
            return try bindExpression(inner, in: table, context: &context)
        case .name(let name):
            if let index = table.columnIndex(named: name.text) {
                let column = table.columns[index]
                return .column(index, Self.valueType(of: column, scale: scale(of: column)))
            }
            if let segment = catalog.segments[name.text] {
                return .condition(try bindSegment(segment, at: name.span, in: table, context: &context))
            }
            _ = try column(name, in: table, alsoSegments: true)
            fatalError("unreachable")
        case .variable(let name):
            guard let value = catalog.variables[name.text] else { throw unknownVariable(name) }
            return .constant(value)
        case .number(let text, let span):
            return .constant(try numberConstant(text, span))
        case .days(let text, let span):
            guard let days = Int64(text) else { throw Diagnostic("\(text) days is not a whole number of days", at: span) }
            return .constant(.number(Int128(days), scale: 0))
        case .string(let text, _):
            return .constant(.text(text))
        case .date(let year, let month, let day, let span):
            guard let d = CalendarDate.dayNumber(year: year, month: month, day: day) else {
                throw Diagnostic("\(source.text(of: span)) is not a valid date", at: span, hints: ["dates are written yyyy-MM-dd, e.g. 2024-12-31"])
            }
            return .constant(.date(d))
        case .boolean(let b, _):
            return .constant(.boolean(b))
        case .null:
            return .constant(.null)
        case .and(let terms, _), .or(let terms, _):
            var bound: [BoundExpression] = []
            for term in terms { bound.append(try condition(term, in: table, context: &context)) }
            if case .and = expression { return .and(bound) }
            return .or(bound)
        case .not(let inner, _):
            return .not(try condition(inner, in: table, context: &context))
        case .comparison(let left, let op, let right, let opSpan):
            if case .name(let leftName) = left, let index = table.columnIndex(named: leftName.text), table.columns[index].type.isNumeric,
               case .name(let rightName) = right, table.columnIndex(named: rightName.text) == nil, catalog.segments[rightName.text] == nil {
                return .condition(try fastComparison(column: leftName, op, right, in: table, context: &context))
            }
            if case .rank = right, case .name(let leftName) = left {
                return .condition(try fastComparison(column: leftName, op, right, in: table, context: &context))
            }
            let a = try bindExpression(left, in: table, context: &context)
            let b = try bindExpression(right, in: table, context: &context)
            let compared = BoundExpression.compare(try coerce(a, to: b.type, at: left.span, other: right.span), op,
                                                   try coerce(b, to: a.type, at: right.span, other: left.span))
            return try compared.checked(comparable: a.type, b.type, at: opSpan, source: source, left: left, right: right)
        case .arithmetic(let left, let op, let right, let opSpan):
            let a = try bindExpression(left, in: table, context: &context)
            let b = try bindExpression(right, in: table, context: &context)
            return try arithmetic(a, op, b, spans: (left.span, opSpan, right.span))
        case .negate(let inner, let span):
            let e = try bindExpression(inner, in: table, context: &context)
            guard e.type.isNumeric || e.type == .null else { throw Diagnostic("cannot negate a \(e.type.name)", at: span) }
            return .negate(e)
        case .inList(let value, let items, let negated, _):
            let e = try bindExpression(value, in: table, context: &context)
            var bound: [BoundExpression] = []
            for item in items {
                let b = try bindExpression(item, in: table, context: &context)
                guard Self.comparable(e.type, b.type) else {
                    throw Diagnostic("cannot look for a \(b.type.name) among \(e.type.name) values", at: item.span)
                }
                bound.append(try coerce(b, to: e.type, at: item.span, other: value.span))
            }
            return .inList(e, bound, negated: negated)
        case .between(let value, let low, let high, let negated, let span):
            let check = ParsedExpression.and([.comparison(value, .greaterOrEqual, low, operatorSpan: span), .comparison(value, .lessOrEqual, high, operatorSpan: span)], span)
            let bound = try bindExpression(check, in: table, context: &context)
            return negated ? .not(bound) : bound
        case .isNull(let value, let negated, _):
            return .isNull(try bindExpression(value, in: table, context: &context), negated: negated)
        case .textMatch(let value, let kind, let pattern, _):
            let e = try bindExpression(value, in: table, context: &context)
            let p = try bindExpression(pattern, in: table, context: &context)
            guard e.type == .text || e.type == .null else { throw Diagnostic("'\(kind.rawValue)' needs text, not a \(e.type.name)", at: value.span) }
            guard p.type == .text || p.type == .null else { throw Diagnostic("'\(kind.rawValue)' needs text to look for, not a \(p.type.name)", at: pattern.span, hints: ["e.g. name \(kind.rawValue) \"Ann\""]) }
            return .textMatch(e, kind, p)
        case .daysSince(let value, let span):
            let e = try bindExpression(value, in: table, context: &context)
            guard e.type == .date else { throw Diagnostic("'days since' needs a date, not a \(e.type.name)", at: value.span, hints: ["e.g. days since last_purchase"]) }
            let reference: BoundExpression
            if let asOf = catalog.variables["as_of"] {
                reference = .constant(asOf)
            } else if case .column(let index, _) = e, catalog.holdsNoValues(table) || table.rowCount > table.columns[index].nulls.nullCount {
                // The column's latest date, found by the backend that runs the statement.
                reference = .latestDate(column: index)
            } else {
                throw Diagnostic("'days since' needs a reference date", at: span, hints: ["set one: let as_of = 2024-12-31"])
            }
            return .call(.daysBetween, [e, reference], .number(scale: 0))
        case .call(let name, let arguments, let span):
            var bound: [BoundExpression] = []
            for argument in arguments { bound.append(try bindExpression(argument, in: table, context: &context)) }
            return try call(name, bound, arguments: arguments, span: span)
        case .rank(_, _, let span):
            throw Diagnostic("'top N%' and 'bottom N%' compare a column: write profit = top 20%", at: span)
        }
    }

    /// A sub-expression that must be a condition.
    private func condition(_ e: ParsedExpression, in table: Table, context: inout BindContext) throws(Diagnostic) -> BoundExpression {
        let bound = try bindExpression(e, in: table, context: &context)
        guard bound.type == .boolean || bound.type == .null else {
            throw Diagnostic("this is a \(bound.type.name), not a condition", at: e.span, hints: ["compare it with something, e.g. profit > 100"])
        }
        return bound
    }

    static func valueType(of column: Column, scale: Int) -> ValueType {
        switch column.type {
        case .integer: return .number(scale: 0)
        case .decimal: return .number(scale: scale)
        case .text: return .text
        case .boolean: return .boolean
        case .date: return .date
        case .timestamp: return .timestamp
        }
    }

    static func comparable(_ a: ValueType, _ b: ValueType) -> Bool {
        if a == .null || b == .null { return true }
        if a.isNumeric && b.isNumeric { return true }
        if (a == .date || a == .timestamp) && (b == .date || b == .timestamp || b == .text) { return true }
        if a == .text && (b == .date || b == .timestamp) { return true }
        return a == b
    }

    /// A text constant compared with a date is read as a date.
    private func coerce(_ e: BoundExpression, to other: ValueType, at span: SourceSpan, other otherSpan: SourceSpan) throws(Diagnostic) -> BoundExpression {
        if case .constant(.text(let text)) = e, other == .date || other == .timestamp {
            guard let day = CalendarDate.parseISO(Array(text.utf8)) else {
                throw Diagnostic("'\(text)' is not a date in the form yyyy-MM-dd", at: span, hints: ["write dates without quotes: 2024-12-31"])
            }
            return .constant(other == .date ? .date(day) : .timestamp(Int64(day) * 86_400_000_000))
        }
        return e
    }

    private func numberConstant(_ text: String, _ span: SourceSpan) throws(Diagnostic) -> Literal {
        guard let literal = ExactNumber(text) else {
            throw Diagnostic("the number \(text) has too many digits", at: span, hints: ["numbers have at most 18 significant digits"])
        }
        guard literal.scale <= 18 else { throw Diagnostic("the number \(text) has more than 18 decimals", at: span) }
        return .number(Int128(literal.mantissa), scale: literal.scale)
    }

    /// Arithmetic types: exact numbers stay exact (the larger scale; products add scales up to 18),
    /// quotients are real; a date plus or minus whole days is a date; a date minus a date is days.
    private func arithmetic(_ a: BoundExpression, _ op: ArithmeticOperator, _ b: BoundExpression,
                            spans: (SourceSpan, SourceSpan, SourceSpan)) throws(Diagnostic) -> BoundExpression {
        switch (a.type, b.type) {
        case (.null, _), (_, .null):
            return .arithmetic(op, a, b, .null)
        case (.number(let s), .number(let t)):
            switch op {
            case .add, .subtract, .remainder: return .arithmetic(op, a, b, .number(scale: max(s, t)))
            case .multiply: return .arithmetic(op, a, b, s + t <= 18 ? .number(scale: s + t) : .real)
            case .divide: return .arithmetic(op, a, b, .real)
            }
        case (let x, let y) where x.isNumeric && y.isNumeric:
            return .arithmetic(op, a, b, .real)
        case (.date, .number(0)) where op == .add || op == .subtract:
            return .arithmetic(op, a, b, .date)
        case (.number(0), .date) where op == .add:
            return .arithmetic(op, b, a, .date)
        case (.date, .date) where op == .subtract:
            return .call(.daysBetween, [b, a], .number(scale: 0))
        default:
            let hint: [String]
            if a.type == .date || b.type == .date { hint = ["dates move by whole days: order_date - 30 days; two dates subtract to days"] }
            else if a.type == .text || b.type == .text { hint = ["text cannot be used in arithmetic; compare it instead"] }
            else { hint = [] }
            throw Diagnostic("cannot apply '\(op.rawValue)' to a \(a.type.name) and a \(b.type.name)", at: spans.1, hints: hint)
        }
    }

    private func call(_ name: Name, _ arguments: [BoundExpression], arguments parsed: [ParsedExpression], span: SourceSpan) throws(Diagnostic) -> BoundExpression {
        guard let function = BuiltinFunction(rawValue: name.text.lowercased()) else {
            var hints: [String] = []
            if let near = Suggestion.closest(to: name.text, in: BuiltinFunction.allCases.map(\.rawValue)) { hints.append("did you mean '\(near)'?") }
            hints.append("functions: \(BuiltinFunction.allCases.map(\.rawValue).joined(separator: ", "))")
            throw Diagnostic("unknown function '\(name.text)'", at: name.span, hints: hints)
        }
        func arity(_ range: ClosedRange<Int>) throws(Diagnostic) {
            guard range.contains(arguments.count) else {
                let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) or \(range.upperBound)"
                throw Diagnostic("'\(function.rawValue)' takes \(expected) argument\(range.upperBound == 1 ? "" : "s"), not \(arguments.count)", at: span)
            }
        }
        func require(_ index: Int, _ ok: (ValueType) -> Bool, _ what: String) throws(Diagnostic) {
            let type = arguments[index].type
            guard ok(type) || type == .null else {
                throw Diagnostic("'\(function.rawValue)' needs \(what), not a \(type.name)", at: parsed[index].span)
            }
        }
        switch function {
        case .abs:
            try arity(1...1); try require(0, \.isNumeric, "a number")
            return .call(function, arguments, arguments[0].type)
        case .round:
            try arity(1...2); try require(0, \.isNumeric, "a number")
            var digits = 0
            if arguments.count == 2 {
                guard case .constant(.number(let d, 0)) = arguments[1], (0...18).contains(d) else {
                    throw Diagnostic("the digits of 'round' must be a whole number from 0 to 18", at: parsed[1].span)
                }
                digits = Int(d)
            }
            return .call(function, arguments, arguments[0].type == .real ? .real : .number(scale: digits))
        case .floor, .ceil:
            try arity(1...1); try require(0, \.isNumeric, "a number")
            return .call(function, arguments, .number(scale: 0))
        case .lower, .upper:
            try arity(1...1); try require(0, { $0 == .text }, "text")
            return .call(function, arguments, .text)
        case .length:
            try arity(1...1); try require(0, { $0 == .text }, "text")
            return .call(function, arguments, .number(scale: 0))
        case .year, .month, .day:
            try arity(1...1); try require(0, { $0 == .date || $0 == .timestamp }, "a date")
            return .call(function, arguments, .number(scale: 0))
        case .daysBetween:
            try arity(2...2); try require(0, { $0 == .date }, "a date"); try require(1, { $0 == .date }, "a date")
            return .call(function, arguments, .number(scale: 0))
        case .coalesce:
            guard !arguments.isEmpty else { throw Diagnostic("'coalesce' takes at least one argument", at: span) }
            var type = ValueType.null
            for (i, argument) in arguments.enumerated() {
                switch (type, argument.type) {
                case (.null, let t): type = t
                case (_, .null): break
                case (.number(let s), .number(let t)): type = .number(scale: max(s, t))
                case (let a, let b) where a.isNumeric && b.isNumeric: type = .real
                case (let a, let b) where a == b: break
                default:
                    throw Diagnostic("'coalesce' needs values of one type; this is a \(argument.type.name), the ones before are \(type.name)", at: parsed[i].span)
                }
            }
            return .call(function, arguments, type)
        }
    }
}

extension BoundExpression {
    /// The comparison itself, once the operand types are known to be comparable.
    func checked(comparable a: ValueType, _ b: ValueType, at span: SourceSpan, source: Source, left: ParsedExpression, right: ParsedExpression) throws(Diagnostic) -> BoundExpression {
        guard Binder.comparable(a, b) else {
            throw Diagnostic("cannot compare a \(a.name) with a \(b.name)", at: span,
                             hints: ["\(source.text(of: left.span)) is a \(a.name); \(source.text(of: right.span)) is a \(b.name)"])
        }
        return self
    }
}

/// Numbers written back as text (for variables used where a literal goes).
enum NumberText {
    static func decimal(_ mantissa: Int64, scale: Int) -> String { ExactDecimal.text(mantissa, scale: scale) }
}

extension BoundCondition {
    /// How many comparisons the condition holds, counted until `limit` is passed (a shared
    /// sub-condition counts each time it appears, as it is evaluated).
    func comparisons(upTo limit: Int) -> Int {
        var count = 0
        func visit(_ condition: BoundCondition) {
            guard count <= limit else { return }
            switch condition {
            case .and(let parts), .or(let parts): for part in parts { visit(part) }
            case .not(let inner): visit(inner)
            default: count += 1
            }
        }
        visit(self)
        return count
    }
}
