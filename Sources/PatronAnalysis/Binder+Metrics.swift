import PatronStore
import PatronSyntax

/// The analyst's own customer metrics in `customers from … with NAME = …`.
extension Binder {
    /// A metric of the analyst's own: its aggregates bound over the orders (each over the orders
    /// where the metric's condition holds), its arithmetic exact. Its name must be new.
    func customMetric(_ definition: ParsedDefinition, in orders: Table, id: Int) throws(Diagnostic) -> CustomMetric {
        let name = definition.name
        let taken = BoundCustomers.metricNames + [orders.columns[id].name.lowercased()]
        if taken.contains(name.text.lowercased()) {
            throw Diagnostic("'\(name.text)' is a metric patron derives; a metric of your own needs a name of its own", at: name.span,
                             hints: ["name it differently, e.g. with my_\(name.text) = …", "patron's metrics: \(BoundCustomers.metricNames.joined(separator: ", "))"])
        }
        var context = BindContext()
        let condition = try definition.condition.map { c throws(Diagnostic) -> BoundExpression in
            let bound = try bindExpression(c, in: orders, context: &context)
            guard bound.type == .boolean || bound.type == .null else {
                throw Diagnostic("'where' takes a condition, not a \(bound.type.name)", at: c.span, hints: ["write it as online = count() where channel = \"online\""])
            }
            return bound
        }
        let value = try metricValue(definition.value, in: orders, condition: condition, context: &context)
        guard Self.aggregates(value) else {
            throw Diagnostic("a metric aggregates a customer's orders: '\(source.text(of: definition.value.span))' is not an aggregate", at: definition.value.span,
                             hints: ["sum(x), count(), count(distinct x), min(x), max(x), avg(x), share(): with points = sum(amount) * 0.05"])
        }
        switch CustomMetric.valueType(value) {
        case .number(let scale) where scale > 18:
            throw Diagnostic("'\(source.text(of: definition.value.span))' has \(scale) decimal places, more than a column holds (18)", at: definition.value.span)
        case .number, .date: break
        default:
            throw Diagnostic("arithmetic in a metric takes exact numbers: '\(source.text(of: definition.value.span))'", at: definition.value.span,
                             hints: ["with points = sum(amount) * 0.05"])
        }
        let text = Self.singleLine(source.text(of: definition.value.span)) + (definition.condition.map { " where " + Self.singleLine(source.text(of: $0.span)) } ?? "")
        return CustomMetric(name: name.text, value: value, text: text)
    }

    /// Whether a metric reads the orders at all (a constant alone does not).
    private static func aggregates(_ value: CustomMetric.Value) -> Bool {
        switch value {
        case .aggregate: return true
        case .constant: return false
        case .negate(let inner): return aggregates(inner)
        case .arithmetic(_, let x, let y): return aggregates(x) || aggregates(y)
        }
    }

    private func metricValue(_ e: ParsedExpression, in orders: Table, condition: BoundExpression?, context: inout BindContext) throws(Diagnostic) -> CustomMetric.Value {
        switch e {
        case .group(let inner, _): return try metricValue(inner, in: orders, condition: condition, context: &context)
        case .negate(let inner, _): return .negate(try metricValue(inner, in: orders, condition: condition, context: &context))
        case .arithmetic(let a, let op, let b, let span):
            guard op != .divide && op != .remainder else {
                throw Diagnostic("'\(op.rawValue)' gives real numbers, which a customer table holds only as exact numbers", at: span,
                                 hints: ["avg(x) and share() divide exactly: points_rate = share() where amount > 100"])
            }
            return .arithmetic(op, try metricValue(a, in: orders, condition: condition, context: &context),
                               try metricValue(b, in: orders, condition: condition, context: &context))
        case .number:
            guard case .constant(let literal) = try bindExpression(e, in: orders, context: &context), case .number = literal else {
                throw Diagnostic("a number in a metric is exact, like 0.05", at: e.span)
            }
            return .constant(literal)
        case .call(let function, let arguments, let span):
            return .aggregate(try metricAggregate(function, arguments, at: span, in: orders, condition: condition, context: &context))
        default:
            throw Diagnostic("a metric aggregates a customer's orders: '\(source.text(of: e.span))' is not an aggregate", at: e.span,
                             hints: ["sum(x), count(), count(distinct x), min(x), max(x), avg(x), share(): with points = sum(amount) * 0.05"])
        }
    }

    private func metricAggregate(_ function: Name, _ arguments: [ParsedExpression], at span: SourceSpan, in orders: Table, condition: BoundExpression?,
                                 context: inout BindContext) throws(Diagnostic) -> CustomMetric.Aggregate {
        let names = CustomMetric.Aggregate.Kind.allCases.map(\.rawValue)
        guard let kind = CustomMetric.Aggregate.Kind(rawValue: function.text.lowercased()) else {
            var hints = ["a metric's aggregates: \(names.joined(separator: ", "))"]
            if let near = Suggestion.closest(to: function.text, in: names) { hints.insert("did you mean '\(near)'?", at: 0) }
            throw Diagnostic("'\(function.text)' is not an aggregate of a customer's orders", at: function.span, hints: hints)
        }
        let wanted = kind == .share ? 0...0 : kind == .count ? 0...1 : 1...1
        guard wanted.contains(arguments.count) else {
            throw Diagnostic("'\(kind.rawValue)' takes \(wanted.upperBound == 0 ? "no value (the orders are those of its 'where')" : "one value")", at: span,
                             hints: [kind == .share ? "write it as online_share = share() where channel = \"online\"" : "write it as \(kind.rawValue)(amount)"])
        }
        let argument = try arguments.first.map { a throws(Diagnostic) in try bindExpression(a, in: orders, context: &context) }
        if let argument, let parsed = arguments.first {
            switch kind {
            case .sum, .avg:
                guard argument.type.isNumeric, argument.type != .real else {
                    throw Diagnostic("'\(kind.rawValue)' adds exact numbers; '\(source.text(of: parsed.span))' is \(argument.type.name)", at: parsed.span,
                                     hints: ["count(distinct \(source.text(of: parsed.span))) counts its values"])
                }
            case .min, .max:
                guard argument.type.isNumeric && argument.type != .real || argument.type == .date else {
                    throw Diagnostic("'\(kind.rawValue)' takes exact numbers or dates; '\(source.text(of: parsed.span))' is \(argument.type.name)", at: parsed.span)
                }
            default: break
            }
        }
        if kind == .share && condition == nil {
            throw Diagnostic("share() is the share of the orders its 'where' keeps", at: span, hints: ["write it as online_share = share() where channel = \"online\""])
        }
        return CustomMetric.Aggregate(kind: kind, argument: argument, condition: condition)
    }
}
