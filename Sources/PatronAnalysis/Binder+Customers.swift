import PatronStore
import PatronSyntax

/// Customers and what follows them: `customers from`, the models, cohorts, what-if, transitions and the lifecycle.
extension Binder {
    func bindCustomers(_ ordersName: Name, _ idName: Name, _ asOf: ParsedExpression?, _ definitions: [ParsedDefinition], _ only: [Name], _ into: Name?) throws(Diagnostic) -> BoundCustomers {
        let orders = try table(ordersName)
        let id = try column(idName, in: orders)
        guard [.integer, .text].contains(orders.columns[id].type) else {
            throw Diagnostic("customers are identified by whole numbers or text; '\(idName.text)' is \(orders.columns[id].type.rawValue)", at: idName.span)
        }
        var given: [String: ParsedDefinition] = [:], custom: [CustomMetric] = []
        for definition in definitions {
            let key = definition.name.text.lowercased()
            guard ["amount", "profit", "date"].contains(key) else {
                custom.append(try customMetric(definition, in: orders, id: id))
                continue
            }
            if let condition = definition.condition {
                throw Diagnostic("'where' belongs to a metric of your own, not to the \(key)", at: condition.span,
                                 hints: ["with online = count() where channel = \"online\""])
            }
            given[key] = definition
        }
        try Self.namedOnce(definitions.map { ($0.name.text, $0.name.span) })
        var context = BindContext()
        // The order date: named, or the date column whose name says date.
        let date: Int
        if let named = given["date"] {
            guard case .name(let n) = named.value else { throw Diagnostic("'date' names a date column", at: named.value.span) }
            date = try column(n, in: orders)
            guard orders.columns[date].type == .date else { throw Diagnostic("'\(n.text)' is \(orders.columns[date].type.rawValue), not a date column", at: n.span) }
        } else {
            let dates = orders.columns.indices.filter { orders.columns[$0].type == .date }
            guard let chosen = dates.first(where: { orders.columns[$0].name.lowercased().contains("date") }) ?? dates.first else {
                throw Diagnostic("'\(orders.name)' has no date column for the order dates", at: ordersName.span,
                                 hints: ["load it with the dates typed, e.g. with columns (… , day date \"yyyyMMdd\", …)"])
            }
            date = chosen
        }
        // What an order is worth: defined, or the first numeric column with a common name.
        let amount: BoundExpression
        let amountText: String
        if let named = given["amount"] {
            amount = try bindExpression(named.value, in: orders, context: &context)
            amountText = Self.singleLine(source.text(of: named.value.span))
        } else if let index = orders.columns.indices.first(where: { Self.amountNames.contains(orders.columns[$0].name.lowercased()) && orders.columns[$0].type.isNumeric }) {
            amount = .column(index, Self.valueType(of: orders.columns[index], scale: scale(of: orders.columns[index])))
            amountText = orders.columns[index].name
        } else {
            throw Diagnostic("no amount column in '\(orders.name)' (looked for \(Self.amountNames.prefix(6).joined(separator: ", ")), …)", at: ordersName.span,
                             hints: ["name it: customers from \(orders.name) by \(idName.text) with amount = price * quantity"])
        }
        guard amount.type.isNumeric else { throw Diagnostic("the amount must be a number, not \(amount.type.name)", at: given["amount"]?.value.span ?? ordersName.span) }
        var profit: BoundExpression? = nil
        var profitText: String? = nil
        if let named = given["profit"] {
            // `profit = amount - cost` may use the amount's own name.
            let bound = try bindExpression(named.value, in: orders, context: &context)
            guard bound.type.isNumeric else { throw Diagnostic("the profit must be a number, not \(bound.type.name)", at: named.value.span) }
            profit = bound
            profitText = Self.singleLine(source.text(of: named.value.span))
        } else if let index = orders.columnIndex(named: "profit"), orders.columns[index].type.isNumeric {
            profit = .column(index, Self.valueType(of: orders.columns[index], scale: scale(of: orders.columns[index])))
            profitText = "profit"
        }
        var asOfDay: Int32? = nil
        if let asOf {
            let empty = Table(name: "", columns: [], rowCount: 1, origin: .scratch)
            var dateContext = BindContext()
            switch try bindExpression(asOf, in: empty, context: &dateContext) {
            case .constant(.date(let d)): asOfDay = d
            default: throw Diagnostic("'as of' takes a date, e.g. as of 2024-12-31", at: asOf.span)
            }
        }
        let channel = orders.columns.indices.first { orders.columns[$0].name.lowercased() == "channel" && orders.columns[$0].type == .text }
        // 'only': the metrics to derive (the customer column always comes); the others are skipped.
        var metrics: Set<String>? = nil
        if !only.isEmpty {
            var names = BoundCustomers.metricNames
            if profit == nil { names.removeAll { $0 == "profit" } }
            if channel == nil { names.removeAll { $0 == "channels" } }
            for metric in only where !names.contains(metric.text) {
                throw Diagnostic("'\(metric.text)' is not a customer metric\(metric.text == "profit" ? " here: the orders have no profit (define one: with profit = amount - cost)" : "")",
                                 at: metric.span, hints: (Suggestion.closest(to: metric.text, in: names).map { ["did you mean '\($0)'?"] } ?? []) + ["the metrics: \(names.joined(separator: ", "))"])
            }
            metrics = Set(only.map(\.text))
        }
        var bound = BoundCustomers(orders: orders, id: id, date: date, channel: channel, amount: amount, amountText: amountText,
                                   profit: profit, profitText: profitText, asOf: asOfDay, name: into?.text ?? "customers", metrics: metrics)
        bound.custom = custom
        return bound
    }

    /// The table's numeric `profit` column, for shares of profit.
    func profitColumn(of table: Table) -> Int? {
        guard let index = table.columnIndex(named: "profit"), table.columns[index].type.isNumeric else { return nil }
        return index
    }

    /// `clv [model M] [until DATE] [unit U] [with margin = X, discount = Y, horizon = N months]`.
    func bindClv(_ model: Name?, _ until: ParsedExpression?, _ unit: Name?, _ options: [ParsedModelOption],
                         statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        guard let spec = catalog.lastDerivation else {
            throw Diagnostic("clv fits a model to the orders of a customer derivation; there is none yet", at: statement.span,
                             hints: ["derive customers first: customers from orders by customer_id"])
        }
        let table = try table(nil, statement: statement)
        guard table.name == spec.name else {
            throw Diagnostic("clv adds its columns to '\(spec.name)', the customers derived last, not to '\(table.name)'", at: statement.span,
                             hints: ["use \(spec.name)"])
        }
        if let model, !["bgnbd", "pareto_nbd"].contains(model.text.lowercased()) {
            var hints = ["models: bgnbd, pareto_nbd"]
            if let near = Suggestion.closest(to: model.text, in: ["bgnbd", "pareto_nbd"]) { hints.insert("did you mean '\(near)'?", at: 0) }
            throw Diagnostic("no model '\(model.text)'", at: model.span, hints: hints)
        }
        let empty = Table(name: "", columns: [], rowCount: 1, origin: .scratch)
        var day: Int32? = nil
        if let until {
            var context = BindContext()
            guard case .constant(.date(let d)) = try bindExpression(until, in: empty, context: &context) else {
                throw Diagnostic("'until' takes a date", at: until.span, hints: ["clv until 1997-09-30"])
            }
            if let asOf = spec.asOf, d >= asOf {
                throw Diagnostic("the calibration must end before the derivation's as-of date, \(CalendarDate.isoString(asOf))", at: until.span)
            }
            day = d
        }
        let unitDays: Int
        switch unit?.text.lowercased() ?? "weeks" {
        case "weeks", "week": unitDays = 7
        case "days", "day": unitDays = 1
        default: throw Diagnostic("the time unit is days or weeks, not '\(unit!.text)'", at: unit!.span, hints: ["clv unit weeks"])
        }
        var values: [String: Double] = ["margin": 1, "discount": 0.01, "horizon": 12]
        for option in options {
            let key = option.name.text.lowercased()
            guard values[key] != nil else {
                var hints = ["options: margin, discount, horizon"]
                if let near = Suggestion.closest(to: option.name.text, in: ["margin", "discount", "horizon"]) { hints.insert("did you mean '\(near)'?", at: 0) }
                throw Diagnostic("no option '\(option.name.text)'", at: option.name.span, hints: hints)
            }
            let value = try constantNumber(option.value)
            if key == "horizon", let unit = option.unit, !["month", "months"].contains(unit.text.lowercased()) {
                throw Diagnostic("the horizon is in months", at: unit.span, hints: ["horizon = 12 months"])
            }
            switch key {
            case "margin" where !(value > 0 && value <= 1): throw Diagnostic("the margin is the share of spend kept, above 0 and at most 1", at: option.value.span)
            case "discount" where !(value >= 0 && value < 1): throw Diagnostic("the discount is a monthly rate from 0 up to (not including) 1", at: option.value.span)
            case "horizon" where !(value >= 1 && value <= 1200 && value == value.rounded()): throw Diagnostic("the horizon is a whole number of months from 1 to 1200", at: option.value.span)
            default: break
            }
            values[key] = value
        }
        return .clv(BoundCLV(model: model?.text.lowercased() ?? "bgnbd", customers: spec, table: table, until: day, unitDays: unitDays, margin: values["margin"] ?? 1,
                             discount: values["discount"] ?? 0.01, horizonMonths: Int(values["horizon"] ?? 12)))
    }

    /// `what if retention + N points [over Y years]`.
    func bindWhatIf(_ points: ParsedExpression, _ years: ParsedExpression?, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        guard let spec = catalog.lastDerivation else {
            throw Diagnostic("'what if' projects the customers of a derivation; there is none yet", at: statement.span,
                             hints: ["derive customers first: customers from orders by customer_id with profit = amount - cost"])
        }
        let n = try constantNumber(points)
        guard n > 0, n < 100 else { throw Diagnostic("the points of retention to add are between 0 and 100", at: points.span, hints: ["what if retention + 5 points"]) }
        var span = 5
        if let years {
            let y = try constantNumber(years)
            guard y >= 1, y <= 50, y == y.rounded() else { throw Diagnostic("the years are a whole number from 1 to 50", at: years.span) }
            span = Int(y)
        }
        return .whatIf(spec, points: n, years: span)
    }

    /// `cohorts [by PERIOD] [of MEASURE]`.
    func bindCohorts(_ by: Name?, _ of: Name?, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        guard let spec = catalog.lastDerivation else {
            throw Diagnostic("cohorts follow the customers of a derivation; there is none yet", at: statement.span,
                             hints: ["derive customers first: customers from orders by customer_id"])
        }
        let periods = CohortPeriod.allCases.map(\.rawValue), measures = CohortMeasure.allCases.map(\.rawValue)
        // "months" reads as "month".
        let word = by.map { $0.text.lowercased().hasSuffix("s") ? String($0.text.lowercased().dropLast()) : $0.text.lowercased() } ?? "month"
        guard let period = CohortPeriod(rawValue: word) else {
            var hints = ["periods: " + periods.joined(separator: ", ")]
            if let by, let near = Suggestion.closest(to: by.text, in: periods) { hints.insert("did you mean '\(near)'?", at: 0) }
            throw Diagnostic("cohorts are by month, quarter or week, not '\(by?.text ?? word)'", at: by?.span ?? statement.span, hints: hints)
        }
        guard let measure = CohortMeasure(rawValue: of?.text.lowercased() ?? "customers") else {
            var hints = ["cohorts of: " + measures.joined(separator: ", ")]
            if let of, let near = Suggestion.closest(to: of.text, in: measures) { hints.insert("did you mean '\(near)'?", at: 0) }
            throw Diagnostic("cohorts follow customers, revenue or profit, not '\(of?.text ?? "")'", at: of?.span ?? statement.span, hints: hints)
        }
        if measure == .profit, spec.profit == nil {
            throw Diagnostic("the derivation defines no profit", at: of?.span ?? statement.span,
                             hints: ["derive with profit: customers from \(spec.orders.name) by … with profit = amount - cost"])
        }
        return .cohorts(spec, period: period, measure: measure)
    }

    /// `transitions from DATE to DATE [by SEGMENTATION]`.
    func bindTransitions(_ from: ParsedExpression, _ to: ParsedExpression, _ by: Name?, statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        guard let spec = catalog.lastDerivation else {
            throw Diagnostic("transitions repeat a customer derivation at two dates; there is none yet", at: statement.span,
                             hints: ["derive customers first: customers from orders by customer_id"])
        }
        let segmentation: Segmentation
        switch by?.text.lowercased() ?? "lifecycle" {
        case "lifecycle": segmentation = .lifecycle
        case "matrix":
            guard spec.profit != nil else {
                throw Diagnostic("the matrix needs profit, and the derivation defines none", at: by!.span,
                                 hints: ["derive with profit: customers from \(spec.orders.name) by … with profit = amount - cost"])
            }
            segmentation = .matrix
        case "tiers": segmentation = .tiers
        case let preset where preset == "custom" || Self.rfmPresets[preset] != nil:
            segmentation = .rules(RuleTable(preset: preset, bins: catalog.rfmBins, rules: try rfmRules(by!), catalog: catalog))
        default:
            let choices = ["lifecycle", "matrix", "tiers", "rfm", "putler", "custom"]
            var hints = ["segmentations: " + choices.joined(separator: ", ")]
            if let near = Suggestion.closest(to: by!.text, in: choices) { hints.insert("did you mean '\(near)'?", at: 0) }
            throw Diagnostic("transitions cannot be by '\(by!.text)'", at: by!.span, hints: hints)
        }
        let empty = Table(name: "", columns: [], rowCount: 1, origin: .scratch)
        var days: [Int32] = []
        for date in [from, to] {
            var context = BindContext()
            guard case .constant(.date(let d)) = try bindExpression(date, in: empty, context: &context) else {
                throw Diagnostic("'transitions' takes two dates", at: date.span, hints: ["transitions from 2024-06-30 to 2024-12-31"])
            }
            days.append(d)
        }
        guard days[0] < days[1] else { throw Diagnostic("the first date must come before the second", at: from.span.merged(with: to.span)) }
        return .transitions(spec, from: days[0], to: days[1], by: segmentation)
    }

    /// `lifecycle [windows A, B, C]`.
    func bindLifecycle(_ windows: [ParsedExpression], statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let table = try table(nil, statement: statement)
        guard let recency = table.columnIndex(named: "recency"), table.columns[recency].type.isNumeric else {
            throw Diagnostic("lifecycle needs a numeric 'recency' column in '\(table.name)'", at: statement.span,
                             hints: ["derive it first: customers from ORDERS by CUSTOMER_ID"])
        }
        var days = LifecycleStage.standardWindows
        if !windows.isEmpty {
            guard windows.count == 3 else { throw Diagnostic("'windows' takes three numbers of days: active, warm, cold", at: windows[0].span, hints: ["lifecycle windows " + LifecycleStage.standardWindows.map(String.init).joined(separator: ", ")]) }
            days = []
            for window in windows {
                let value = try constantNumber(window)
                guard value >= 0, value == value.rounded(), value < 100_000 else { throw Diagnostic("a window is a whole number of days", at: window.span) }
                guard days.last.map({ Int(value) > $0 }) ?? true else { throw Diagnostic("windows must grow: \(Int(value)) is not above \(days.last!)", at: window.span) }
                days.append(Int(value))
            }
        }
        let tenure = table.columnIndex(named: "tenure").flatMap { table.columns[$0].type.isNumeric ? $0 : nil }
        let value = (table.columnIndex(named: "monetary") ?? table.columnIndex(named: "profit")).flatMap { table.columns[$0].type.isNumeric ? $0 : nil }
        return .lifecycle(table, recency: recency, tenure: tenure, value: value, windows: days)
    }
}
