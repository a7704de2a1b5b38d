import PatronAnalysis
import PatronPlan
import PatronStore

/// What one aggregate of a per-customer plan is to the gathering.
private enum Figure {
    case first, last, orders, months, channels
    /// The first or second running sum, at the sum's scale.
    case sum(Int, scale: Int)
    /// Any other aggregate of the used orders (a metric of the analyst's own), made a slot at a
    /// time beside the gathering (`MemoryRunner.extra`).
    case extra(AggregateCall)
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
            if call.filter != nil {
                guard MemoryRunner.servesExtra(call, in: orders) else { return nil }
                figures.append(.extra(call))
                continue
            }
            switch (call.kind, call.argument) {
            case (.min, .column(date)?): figures.append(.first)
            case (.max, .column(date)?): figures.append(.last)
            case (.count, nil): figures.append(.orders)
            case (.sum, let x?) where sums.count < 2:
                guard case .number(let scale) = x.type(in: schema) else { return nil }
                figures.append(.sum(sums.count, scale: scale))
                sums.append(x)
            case (.countDistinct, let x?) where x == Lowered.purchaseMonth(.column(date), asOf: asOf): figures.append(.months)
            case (.countDistinct, .column(let c)?) where (channel == nil || channel == c) && c >= 0 && c < orders.columns.count && orders.columns[c].type == .text:
                (channel, figures) = (c, figures + [.channels])
            default:
                // Any other aggregate a slot at a time, beside the gathering.
                guard MemoryRunner.servesExtra(call, in: orders) else { return nil }
                figures.append(.extra(call))
            }
        }
        (self.id, self.date, self.asOf, self.figures, self.sums, self.channel) = (id, date, asOf, figures, sums, channel)
    }
}

extension MemoryRunner {
    /// The per-customer aggregate on the gathering (`Engine.gather`): each core adds its
    /// stretch of the orders into the smallest figures that hold what is asked for; nil for an
    /// aggregate of another shape (made by `aggregated`).
    func gathers(_ input: Plan, groups: [Output], values: [AggregateOutput]) -> Bool {
        GatherShape(input, groups: groups, values: values, orders: table) != nil
    }

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
        // The orders used are counted on the way (a derivation's facts ask for them); the extra
        // aggregates are made over them a slot at a time, in the customers' order.
        func made<F: CustomerFigures>(_ gathered: Gathered<F>, channels: Int = 0) throws -> Table {
            self.made.counted(input, rows: gathered.used)
            let table = try figures(gathered, shape, groups, values, slots, firstDay, asOf, channels: channels)
            guard shape.figures.contains(where: { if case .extra = $0 { return true } else { return false } }) else { return table }
            let used = try rows(input)
            let order = slots.ordered(gathered.accumulators.indices.filter { gathered.accumulators[$0].frequency > 0 })
            var columns = table.columns
            for (k, figure) in shape.figures.enumerated() {
                guard case .extra(let call) = figure else { continue }
                let storage = try extra(call, over: used, slots: slots, order: order)
                columns[k + 1] = Column(name: columns[k + 1].name, storage: storage.storage, nulls: storage.nulls)
            }
            return Table(name: table.name, columns: columns, rowCount: table.rowCount, origin: table.origin)
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
            case .extra: return nil
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

extension MemoryRunner {
    /// Whether `extra` makes this aggregate: counts, exact sums, least and greatest numbers or
    /// dates, and distinct counts of a column.
    static func servesExtra(_ call: AggregateCall, in orders: Table) -> Bool {
        let schema = Schema(orders)
        switch call.kind {
        case .count: return true
        case .sum: if case .number? = call.argument?.type(in: schema) { return true } else { return false }
        case .min, .max:
            switch call.argument?.type(in: schema) {
            case .number?, .date?: return true
            default: return false
            }
        case .countDistinct:
            guard case .column(let c)? = call.argument, c >= 0, c < orders.columns.count else { return false }
            return codes(of: orders.columns[c]) != nil
        default: return false
        }
    }

    /// One aggregate of the used orders (`used`, rows of the base table) per customer slot, in
    /// the customers' `order`: each row's slot read from the identifier, then one loop.
    func extra(_ call: AggregateCall, over used: Selection, slots: CustomerSlots, order: [Int]) throws -> (storage: ColumnStorage, nulls: NullBitmap) {
        var rows = try call.filter.map { Engine.filter($0, in: table, selection: used) } ?? used
        if call.kind == .count, let argument = call.argument { rows = Engine.filter(.isNull(argument, negated: true), in: table, selection: rows) }
        let slotOf = rows.map { slots.slot(of: $0) }
        func laidOut<T>(_ perSlot: [T], present: [Bool]?) -> ([T], NullBitmap) {
            var nulls = NullBitmap()
            for slot in order { nulls.append(isNull: !(present?[slot] ?? true)) }
            return (order.map { perSlot[$0] }, nulls)
        }
        let schema = Schema(table)
        switch call.kind {
        case .count:
            var counts = [Int64](repeating: 0, count: slots.count)
            for slot in slotOf { counts[slot] += 1 }
            let (v, nulls) = laidOut(counts, present: nil)
            return (.integer(v), nulls)
        case .countDistinct:
            guard case .column(let c)? = call.argument, let coded = Self.codes(of: table.columns[c]) else { throw PlanError.shape }
            var counts = [Int64](repeating: 0, count: slots.count)
            let null = coded.values.firstIndex(of: .null).map { Int32($0) } ?? -1
            if coded.values.count <= 64 {
                // Few values (categories, channels): a bit per value and customer.
                var bits = [UInt64](repeating: 0, count: slots.count)
                for (i, row) in rows.enumerated() where coded.codes[row] != null { bits[slotOf[i]] |= 1 << UInt64(coded.codes[row]) }
                for s in bits.indices { counts[s] = Int64(bits[s].nonzeroBitCount) }
            } else {
                var seen = Set<Int64>()
                for (i, row) in rows.enumerated() where coded.codes[row] != null {
                    if seen.insert(Int64(slotOf[i]) << 32 | Int64(coded.codes[row])).inserted { counts[slotOf[i]] += 1 }
                }
            }
            let (v, nulls) = laidOut(counts, present: nil)
            return (.integer(v), nulls)
        case .min, .max:
            guard let argument = call.argument else { throw PlanError.shape }
            // The least or greatest value of each slot's rows, nulls where a slot has none.
            func extreme<T: Comparable>(_ value: (Int) -> T?, zero: T) -> ([T], NullBitmap) {
                var best = [T](repeating: zero, count: slots.count), present = [Bool](repeating: false, count: slots.count)
                for (i, row) in rows.enumerated() {
                    guard let x = value(row) else { continue }
                    let s = slotOf[i]
                    if !present[s] || (call.kind == .min ? x < best[s] : x > best[s]) { (best[s], present[s]) = (x, true) }
                }
                return laidOut(best, present: present)
            }
            switch (argument.type(in: schema), Engine.compile(argument, in: table)) {
            case (.date, .date(let f)):
                let (v, nulls) = extreme(f, zero: Int32(0))
                return (.date(v), nulls)
            case (.number(let scale), let compiled):
                let (v, nulls) = extreme(compiled.asNumber(scale: scale), zero: Int64(0))
                return (scale == 0 ? .integer(v) : .decimal(v, scale: scale), nulls)
            default: throw PlanError.shape
            }
        case .sum:
            guard case .number(let scale)? = call.argument?.type(in: schema), let argument = call.argument else { throw PlanError.shape }
            let fill = Engine.numberFiller(argument, scale: scale, in: table)
            var sums = [Int128](repeating: 0, count: slots.count), present = [Bool](repeating: false, count: slots.count)
            let block = 4096
            let values = UnsafeMutableBufferPointer<Int64>.allocate(capacity: block), valid = UnsafeMutableBufferPointer<Bool>.allocate(capacity: block)
            defer { values.deallocate(); valid.deallocate() }
            rows.withUnsafeBufferPointer { all in
                var low = 0
                while low < all.count {
                    let high = min(low + block, all.count)
                    fill(UnsafeBufferPointer(rebasing: all[low..<high]), values, valid)
                    for i in 0..<(high - low) where valid[i] {
                        let s = slotOf[low + i]
                        sums[s] += Int128(values[i])
                        present[s] = true
                    }
                    low = high
                }
            }
            var overflowed: Int? = nil
            let narrow = sums.enumerated().map { k, s -> Int64 in
                guard let v = Int64(exactly: s) else { overflowed = overflowed ?? k; return 0 }
                return v
            }
            if overflowed != nil { throw ExecutionFailure.overflow(table: table.name, row: 0, rows: 1) }
            let (v, nulls) = laidOut(narrow, present: present)
            return (scale == 0 ? .integer(v) : .decimal(v, scale: scale), nulls)
        default: throw PlanError.shape
        }
    }
}
