import PatronAnalysis
import PatronPlan
import PatronStore

/// What one aggregate of a per-customer plan is to the gathering.
private enum Figure {
    case first, last, orders, months, channels
    /// The first or second running sum, at the sum's scale.
    case sum(Int, scale: Int)
}

/// The per-customer aggregate the gathering serves: orders grouped by a whole-number or text
/// customer, those used (`Lowered.ordersUsed`), with the first and last order date, the orders,
/// up to two exact sums, the months with a purchase (`Lowered.purchaseMonth`) and the channels.
private struct GatherShape {
    let id: Int, date: Int
    let asOf: Scalar
    let figures: [Figure]
    let sums: [Scalar]
    let channel: Int?

    init?(_ input: Plan, groups: [Output], values: [AggregateOutput], orders: Table) {
        guard case .filter(.scan(let name, _), .and(let terms)) = input, name == orders.name, terms.count == 3, groups.count == 1,
              case .column(let id) = groups[0].value, id >= 0, id < orders.columns.count,
              case .compare(.column(let date), .lessOrEqual, let asOf) = terms[2], date >= 0, date < orders.columns.count,
              case .date = orders.columns[date].storage, terms[0] == .isNull(.column(id), negated: true), terms[1] == .isNull(.column(date), negated: true)
        else { return nil }
        switch orders.columns[id].storage {
        case .integer, .text: break
        default: return nil
        }
        let schema = Schema(orders)
        var figures: [Figure] = [], sums: [Scalar] = [], channel: Int? = nil
        for value in values {
            let call = value.call
            guard call.filter == nil else { return nil }
            switch (call.kind, call.argument) {
            case (.min, .column(date)?): figures.append(.first)
            case (.max, .column(date)?): figures.append(.last)
            case (.count, nil): figures.append(.orders)
            case (.sum, let x?) where sums.count < 2:
                guard case .number(let scale) = x.type(in: schema) else { return nil }
                figures.append(.sum(sums.count, scale: scale))
                sums.append(x)
            case (.countDistinct, let x?) where x == Lowered.purchaseMonth(.column(date), asOf: asOf): figures.append(.months)
            case (.countDistinct, .column(let c)?) where channel == nil || channel == c:
                guard c >= 0, c < orders.columns.count, case .text = orders.columns[c].storage else { return nil }
                (channel, figures) = (c, figures + [.channels])
            default: return nil
            }
        }
        (self.id, self.date, self.asOf, self.figures, self.sums, self.channel) = (id, date, asOf, figures, sums, channel)
    }
}

extension MemoryRunner {
    /// The per-customer aggregate on the gathering (`Engine.gather`): each core adds its
    /// stretch of the orders into the smallest figures that hold what is asked for; nil for an
    /// aggregate of another shape (made by `aggregated`).
    func gathered(_ input: Plan, groups: [Output], values: [AggregateOutput]) throws -> Table? {
        guard let shape = GatherShape(input, groups: groups, values: values, orders: table) else { return nil }
        let orders = table, idColumn = orders.columns[shape.id], dateColumn = orders.columns[shape.date]
        guard case .date(let dates) = dateColumn.storage else { return nil }
        let span = Engine.range(of: dates, nulls: dateColumn.nulls)
        guard case .date(let asOf) = Engine.value(of: try resolved(shape.asOf, in: input), base: orders) else {
            return try table(named: groups[0].name, values: values, slots: CustomerSlots(idColumn, rows: 0), order: [], build: { _ in nil })
        }
        let fillers = shape.figures.compactMap { figure -> NumberFiller? in
            guard case .sum(let k, let scale) = figure else { return nil }
            return Engine.numberFiller(shape.sums[k], scale: scale, in: orders)
        }
        let channel: (codes: TextCodes, nulls: NullBitmap, count: Int)? = shape.channel.flatMap { index in
            guard case .text(let codes, let dictionary) = orders.columns[index].storage else { return nil }
            return (codes, orders.columns[index].nulls, dictionary.count)
        }
        let slots = CustomerSlots(idColumn, rows: orders.rowCount)
        let firstDay = min(span?.lowerBound ?? asOf, asOf)
        let wants = { (f: (Figure) -> Bool) in shape.figures.contains(where: f) }
        let dated = wants { if case .first = $0 { return true }; if case .last = $0 { return true }; return false }
        let months = wants { if case .months = $0 { return true }; return false }
        func inputs(months: MonthsBack? = nil, channel: (codes: TextCodes, nulls: NullBitmap, count: Int)? = nil) -> OrderInputs {
            let none: NumberFiller = { _, _, valid in for i in valid.indices { valid[i] = false } }
            return OrderInputs(rows: orders.rowCount, dates: dates, idNulls: idColumn.nulls, dateNulls: dateColumn.nulls, asOf: asOf, firstDay: firstDay,
                               amount: fillers.first ?? none, profit: fillers.count > 1 ? fillers[1] : nil, slots: slots, channel: channel, months: months)
        }
        // The smallest figures that hold what was asked for: less memory to touch at random.
        // The orders used are counted on the way (a derivation's facts ask for them).
        func made<F: CustomerFigures>(_ gathered: Gathered<F>, channels: Int = 0) throws -> Table {
            self.made.counted(input, rows: gathered.used)
            return try figures(gathered, shape, groups, values, slots, firstDay, asOf, channels: channels)
        }
        if !dated && !months && shape.channel == nil && fillers.count <= 1 { return try made(Engine.gather(inputs(), as: Tally.self)) }
        if !months && shape.channel == nil && Int(asOf) - Int(firstDay) < Compact.daySpan { return try made(Engine.gather(inputs(), as: Compact.self)) }
        let gathered = Engine.gather(inputs(months: months ? MonthsBack(from: firstDay, asOf: asOf) : nil, channel: channel), as: Accumulator.self)
        return try made(gathered, channels: channel?.count ?? 0)
    }

    /// The gathered figures as the aggregate's table: the customers in identifier order, a
    /// column per aggregate.
    private func figures<F: CustomerFigures>(_ total: Gathered<F>, _ shape: GatherShape, _ groups: [Output], _ values: [AggregateOutput],
                                             _ slots: CustomerSlots, _ firstDay: Int32, _ asOf: Int32, channels: Int) throws -> Table {
        let figures = total.accumulators
        let order = slots.ordered(figures.indices.filter { figures[$0].frequency > 0 })
        func sum(_ k: Int, _ slot: Int) -> Int64 {
            let (wrapped, carries) = k == 0 || F.self == Tally.self ? (figures[slot].monetary, total.monetaryCarry) : (figures[slot].profit, total.profitCarry)
            return Int64(clamping: carries.isEmpty ? Int128(wrapped) : Int128(wrapped) + Int128(carries[slot] ?? 0) << F.sumBits)
        }
        return try table(named: groups[0].name, values: values, slots: slots, order: order) { k in
            switch shape.figures[k] {
            case .first: return .date(order.map { firstDay + figures[$0].first })
            case .last: return .date(order.map { firstDay + figures[$0].last })
            case .orders: return .integer(order.map { Int64(figures[$0].frequency) })
            case .months: return .integer(order.map { Int64(figures[$0].months.nonzeroBitCount) })
            case .channels:
                return .integer(order.map { Int64(channels <= 16 ? figures[$0].channels.nonzeroBitCount : total.channelSets[$0]?.count ?? 0) })
            case .sum(let which, let scale):
                let v = order.map { sum(which, $0) }
                return .decimal(v, scale: scale)
            }
        }
    }

    /// The customers' identifiers and a column per aggregate (`build` gives each one's values),
    /// built in parallel.
    private func table(named name: String, values: [AggregateOutput], slots: CustomerSlots, order: [Int], build: @escaping (Int) -> ColumnStorage?) throws -> Table {
        let n = order.count, none = NullBitmap(count: n), idColumn = table.columns.first { $0.name == name } ?? table.columns[0]
        let identifiers: () -> Column = {
            switch idColumn.storage {
            case .text(_, let dictionary):
                var builder = TextDictionaryBuilder()
                let codes = order.map { builder.code(of: dictionary[Int(slots.key(of: $0))]) }
                return Column(name: name, storage: .text(codes: TextCodes(codes, dictionarySize: builder.count), dictionary: builder.strings()), nulls: none)
            default: return Column(name: name, storage: .integer(order.map { slots.key(of: $0) }), nulls: none)
            }
        }
        let columns = inParallel([identifiers] + values.indices.map { k in {
            Column(name: values[k].name, storage: build(k) ?? .integer(Array(repeating: 0, count: n)), nulls: none)
        } }, when: n >= 100_000)
        return Table(name: table.name, columns: columns, rowCount: n, origin: table.origin)
    }
}
