
/// One load of a delimited file: sniff the dialect, read the header, choose types from a
/// sample, parse every chunk on its own thread, and read again any column a later value
/// did not fit.
struct DelimitedLoad {
    let file: MappedFile
    let path: String
    let name: String
    let options: LoadOptions
    let control: LoadControl?

    static let sampleRows = 20_000
    static let parallelThreshold = 4 << 20

    var syntax: NumberSyntax { NumberSyntax(thousands: options.thousandsSeparator, decimalMark: options.decimalMark) }

    /// A column's chosen type.
    struct Choice {
        var type: ColumnType
        var scale = 0
        var format: DateFormat? = nil
        var pattern = ""
    }

    /// What the first record and the sample decided: the columns' names and types, where the
    /// data starts, and what the loader will say about it.
    struct Plan {
        var width: Int
        var header: Bool
        var names: [String]
        var dataStart: Int
        var bytesPerRecord: Int
        var choices: [Choice]
        var evidence: [TypeEvidence?]
        var sampleInference: [InferenceSink]
        var warnings: [String]
    }

    func run() throws(LoadError) -> LoadReport {
        guard file.count > 0 else { throw LoadError(path: path, message: "the file is empty", hint: "a data file needs at least one record") }
        let start = try file.utf8Start(path: path)
        let delimiter = options.delimiter ?? sniffDelimiter(from: start)
        let tokenizer: CSVTokenizer
        switch delimiter {
        case .byte(let b): tokenizer = CSVTokenizer(base: file.base, end: file.count, delimiter: b, whitespace: false)
        case .whitespace: tokenizer = CSVTokenizer(base: file.base, end: file.count, delimiter: 0, whitespace: true)
        }
        let (first, afterFirst) = try firstRecord(tokenizer, from: start)
        let loop = RecordLoop(tokenizer: tokenizer, width: options.columns?.count ?? first.count, nulls: NullMarkers(options.nullMarkers),
                              skipBadRecords: options.skipBadRecords, maxFieldBytes: options.maxFieldBytes, control: control)
        var plan = makePlan(first, start: start, afterFirst: afterFirst, loop: loop)
        let chunks = try parseAll(loop, &plan)
        var report = assemble(chunks, plan, dialect: describe(delimiter) + (plan.header ? ", header" : ", no header"))
        (report.delimiter, report.header) = (delimiter, plan.header)
        return report
    }

    /// The first record's fields (names, or data) and where the next record starts; a first
    /// record that is too wide, malformed, not UTF-8 or of another width than 'columns' stops here.
    func firstRecord(_ tokenizer: CSVTokenizer, from start: Int) throws(LoadError) -> (fields: [String], end: Int) {
        var afterFirst = start
        guard let first = tokenizer.record(at: &afterFirst, limit: Table.maxDelimitedColumns + 1) else {
            throw LoadError(path: path, message: "the file has no records, only blank lines", hint: "a data file needs at least one record")
        }
        if first.fields.count > Table.maxDelimitedColumns {
            throw LoadError(path: path, line: 1, lineText: file.lineText(from: start),
                            message: "the first record has more than \(Table.maxDelimitedColumns) fields; patron loads at most \(Table.maxDelimitedColumns) columns",
                            hint: "keep the columns you need first, e.g. cut -d, -f1-100")
        }
        if first.error {
            let loop = RecordLoop(tokenizer: tokenizer, width: first.fields.count, nulls: NullMarkers([]), skipBadRecords: false, maxFieldBytes: options.maxFieldBytes, control: nil)
            let probe = loop.run(from: start, stop: file.count, maxRows: 1, sinks: first.fields.map { _ in SkippingSink() })
            if let error = probe.rejected.first { throw positioned(error) }
        }
        if let bad = firstInvalidUTF8(UnsafeBufferPointer(start: file.base + start, count: afterFirst - start)) {
            throw positioned(RecordError(offset: start + bad, message: "invalid UTF-8 byte 0x\(String(file.base[start + bad], radix: 16, uppercase: true))",
                                         hint: "patron reads UTF-8; convert the file first, e.g. iconv -f latin1 -t utf-8"))
        }
        if let specs = options.columns, specs.count != first.fields.count {
            throw LoadError(path: path, line: 1, lineText: file.lineText(from: start),
                            message: "the file has \(first.fields.count) columns but 'columns' names \(specs.count)",
                            hint: "name every column, in order; use text for those you do not need")
        }
        return (first.fields, afterFirst)
    }

    /// A sample of the records after the first decides whether the first names the columns, and
    /// the columns' types.
    func makePlan(_ first: [String], start: Int, afterFirst: Int, loop: RecordLoop) -> Plan {
        let width = loop.width
        let sample = loop.run(from: afterFirst, stop: file.count, maxRows: Self.sampleRows, sinks: inferenceSinks(width))
        let sampleSinks = sample.sinks.map { $0 as! InferenceSink }
        var header = options.header ?? looksLikeHeader(first, sample: sampleSinks)
        if options.header == nil && options.columns != nil && !header { header = false }
        var warnings: [String] = []
        let names = header ? headerNames(first, warnings: &warnings) : (options.columns?.map(\.name) ?? (1...width).map { "column\($0)" })
        let finalNames = options.columns?.map(\.name) ?? names
        let dataStart = header ? afterFirst : start
        let sampleInference: [InferenceSink]
        if header {
            sampleInference = sampleSinks
        } else {
            let again = loop.run(from: dataStart, stop: file.count, maxRows: Self.sampleRows, sinks: inferenceSinks(width))
            sampleInference = again.sinks.map { $0 as! InferenceSink }
        }
        let choices = (0..<width).map { choose(sampleInference[$0], name: finalNames[$0], spec: options.columns?[$0]) }
        var evidence: [TypeEvidence?] = Array(repeating: nil, count: width)
        for c in 0..<width where choices[c].type == .text {
            evidence[c] = textEvidence(sampleInference[c])
            overflowWarning(sampleInference[c], column: finalNames[c], choice: choices[c]).map { warnings.append($0) }
        }
        return Plan(width: width, header: header, names: finalNames, dataStart: dataStart,
                    bytesPerRecord: max(1, (sample.resume - afterFirst) / max(1, sample.rows)),
                    choices: choices, evidence: evidence, sampleInference: sampleInference, warnings: warnings)
    }

    /// Parses every record; a column a later value does not fit is inferred from all its values
    /// and parsing repeats. Stops at the first bad record unless on_error skip.
    func parseAll(_ loop: RecordLoop, _ plan: inout Plan) throws(LoadError) -> [ChunkResult] {
        let choices = plan.choices
        var chunks = try parallelPass(loop: declaring(loop, choices), from: plan.dataStart, bytesPerRecord: plan.bytesPerRecord) { capacity in choices.map { makeSink($0, capacity: capacity) } }
        let misfits = chunks.reduce(into: Set<Int>()) { $0.formUnion($1.misfits) }
        if !misfits.isEmpty {
            let inference = try parallelPass(loop: loop, from: plan.dataStart, bytesPerRecord: plan.bytesPerRecord) { _ in
                (0..<plan.width).map { c -> any FieldSink in
                    misfits.contains(c) ? InferenceSink(syntax: syntax, customDate: dateFormat(for: c), initial: initialCandidates(c)) : SkippingSink()
                }
            }
            for c in misfits.sorted() {
                let merged = inference[0].sinks[c] as! InferenceSink
                for chunk in inference.dropFirst() { merged.merge(chunk.sinks[c] as! InferenceSink) }
                if !options.skipBadRecords, let spec = options.columns?[c], spec.type != .text, merged.candidates.isEmpty, let bad = merged.counterexample {
                    throw positioned(RecordError(offset: bad.offset, message: "'\(bad.value)' in column '\(spec.name)' is not \(article(spec.type))",
                                                 hint: "fix the value, or declare the column as text"))
                }
                plan.choices[c] = choose(merged, name: plan.names[c], spec: options.columns?[c])
                plan.evidence[c] = plan.choices[c].type == .text ? textEvidence(merged) : nil
                overflowWarning(merged, column: plan.names[c], choice: plan.choices[c]).map { plan.warnings.append($0) }
            }
            let again = plan.choices
            chunks = try parallelPass(loop: declaring(loop, again), from: plan.dataStart, bytesPerRecord: plan.bytesPerRecord) { capacity in again.map { makeSink($0, capacity: capacity) } }
        }
        for c in 0..<plan.width where plan.choices[c].type == .text && plan.evidence[c] == nil {
            plan.evidence[c] = textEvidence(plan.sampleInference[c])
        }
        if !options.skipBadRecords, let error = chunks.lazy.flatMap(\.rejected).first { throw positioned(error) }
        if control?.isCancelled == true { throw LoadError(kind: .cancelled, path: path, message: "the load was cancelled") }
        return chunks
    }

    /// The table from the chunks' columns, merged chunk by chunk so peak memory stays near the
    /// final size, and what the load reports.
    func assemble(_ chunks: [ChunkResult], _ plan: Plan, dialect: String) -> LoadReport {
        var columns: [Column] = []
        let rows = chunks.reduce(0) { $0 + $1.rows }
        // The first chunk reserved room for every row, so the others append in place; columns merge in parallel.
        let storages = inParallel((0..<plan.width).map { c in {
            let whole = chunks[0].sinks[c]
            for chunk in chunks.dropFirst() { whole.absorb(chunk.sinks[c]) }
            return whole.finish()
        } })
        for c in 0..<plan.width {
            let whole = chunks[0].sinks[c]
            let bitmap = whole.nulls
            whole.release()
            let why = plan.evidence[c] ?? .allMatch(count: rows - bitmap.nullCount, pattern: plan.choices[c].pattern)
            columns.append(Column(name: plan.names[c], storage: storages[c], nulls: bitmap, evidence: why))
        }
        let table = Table(name: name, columns: columns, rowCount: rows, origin: .file(path))
        table.checkInvariants()
        let rejected = chunks.flatMap(\.rejected)
        let report = rejected.prefix(10).map { RejectedRecord(line: file.lineNumber(at: $0.offset).line, message: $0.message) }
        return LoadReport(table: table, warnings: plan.warnings, blankLines: chunks.reduce(0) { $0 + $1.blankLines },
                          rejectedCount: rejected.count, rejected: report, dialect: dialect)
    }

    // MARK: Passes

    /// The loop with the declared columns marked, so their misfits are errors (or, with on_error
    /// skip, rejected records); a declared decimal column still takes more decimals than its sample.
    func declaring(_ loop: RecordLoop, _ choices: [Choice]) -> RecordLoop {
        var copy = loop
        copy.declared = (0..<choices.count).map { c in
            guard let spec = options.columns?[c], spec.type != .text else { return nil }
            return article(spec.type)
        }
        return copy
    }

    /// Reads every record from `start`, split into chunks at line ends, one thread each.
    /// A chunk whose start fell inside a quoted field is read again from where the one before ended.
    func parallelPass(loop: RecordLoop, from start: Int, bytesPerRecord: Int, makeSinks: (Int) -> [FieldSink]) throws(LoadError) -> [ChunkResult] {
        let end = file.count
        let threads = max(1, options.threads)
        let bytes = end - start
        var starts = [start]
        if bytes >= Self.parallelThreshold && threads > 1 {
            for k in 1..<threads {
                let guess = start + bytes / threads * k
                let lineStart = loop.tokenizer.skipLineEnd(loop.tokenizer.nextLineEnd(guess))
                if lineStart > starts.last! && lineStart < end { starts.append(lineStart) }
            }
        }
        let stops = Array(starts.dropFirst()) + [end]
        let estimate = { (range: Int) in range / bytesPerRecord + range / bytesPerRecord / 8 + 16 }
        // The first chunk's columns reserve room for the whole file: the others are appended to them.
        let sinks = (0..<starts.count).map { makeSinks($0 == 0 ? estimate(end - start) : estimate(stops[$0] - starts[$0])) }
        var chunks = inParallel(starts.indices.map { k in { loop.run(from: starts[k], stop: stops[k], sinks: sinks[k]) } })
        // A chunk is valid only if the one before ended exactly where it started.
        var k = 1
        while k < chunks.count {
            if chunks[k - 1].stoppedOnError { chunks.removeSubrange(k...); break }
            if chunks[k - 1].resume != starts[k] {
                let from = chunks[k - 1].resume
                if from >= stops[k] {
                    chunks.remove(at: k)
                    starts.remove(at: k)
                    continue
                }
                chunks[k] = loop.run(from: from, stop: stops[k], sinks: makeSinks(estimate(stops[k] - from)))
                starts[k] = from
            }
            k += 1
        }
        return chunks
    }

    // MARK: Types

    func inferenceSinks(_ width: Int) -> [FieldSink] {
        (0..<width).map { InferenceSink(syntax: syntax, customDate: dateFormat(for: $0), initial: initialCandidates($0)) }
    }

    func dateFormat(for column: Int) -> DateFormat? {
        options.columns?[column].format ?? options.dateFormat
    }

    func initialCandidates(_ column: Int) -> FieldParsing.Candidates {
        guard let spec = options.columns?[column] else { return .all }
        switch spec.type {
        case .integer: return [.integer]
        case .decimal: return [.decimal]
        case .boolean: return [.boolean]
        // A declared date takes its own format, else the load's date_format, else ISO.
        case .date: return dateFormat(for: column) == nil ? [.date] : [.customDate]
        case .timestamp: return dateFormat(for: column) == nil ? [.timestamp] : [.customDate]
        case .text: return []
        }
    }

    /// The type for a column from what its values could all be read as.
    func choose(_ sink: InferenceSink, name: String, spec: ColumnSpec?) -> Choice {
        if let spec {
            switch spec.type {
            case .text: return Choice(type: .text)
            case .decimal: return Choice(type: .decimal, scale: sink.scale, pattern: sink.scale == 0 ? "whole numbers (declared decimal)" : "numbers with up to \(sink.scale) decimals (declared)")
            case .integer: return Choice(type: .integer, pattern: "whole numbers (declared)")
            case .boolean: return Choice(type: .boolean, pattern: "true or false (declared)")
            case .date: return Choice(type: .date, format: sink.customDate ?? .iso, pattern: "\(sink.customDate ?? .iso) (declared)")
            case .timestamp: return Choice(type: .timestamp, format: sink.customDate, pattern: "\(sink.customDate?.pattern ?? "ISO 8601 timestamps") (declared)")
            }
        }
        let set = sink.candidates
        if sink.nonNull == 0 { return Choice(type: .text) }
        if set.contains(.boolean) { return Choice(type: .boolean, pattern: "true or false") }
        // A date_format asked for by name wins over numbers: 19970101 is a date when the load says
        // dates look like yyyyMMdd, with a header or without.
        if set.contains(.customDate), let format = sink.customDate, set.contains(.integer) || set.contains(.decimal) {
            return Choice(type: format.hasTime ? .timestamp : .date, format: format, pattern: "\(format) \(format.hasTime ? "timestamps" : "dates")")
        }
        if set.contains(.compactDate) && Self.nameSuggestsDate(name) { return Choice(type: .date, format: .compact, pattern: "yyyyMMdd dates") }
        if set.contains(.integer) { return Choice(type: .integer, pattern: "whole numbers") }
        if set.contains(.decimal) { return Choice(type: .decimal, scale: sink.scale, pattern: "numbers with up to \(sink.scale) decimals") }
        if set.contains(.date) { return Choice(type: .date, format: .iso, pattern: "yyyy-MM-dd dates") }
        if set.contains(.customDate), let format = sink.customDate {
            return Choice(type: format.hasTime ? .timestamp : .date, format: format, pattern: "\(format) \(format.hasTime ? "timestamps" : "dates")")
        }
        if set.contains(.timestamp) { return Choice(type: .timestamp, pattern: "ISO 8601 timestamps") }
        return Choice(type: .text)
    }

    /// Column names such as `order_date`, `day`, `dt`, `created_at` or `signup_on` suggest dates.
    static func nameSuggestsDate(_ name: String) -> Bool {
        let lower = name.lowercased()
        return ["date", "day", "time"].contains { lower.contains($0) } || lower == "dt" || lower.hasSuffix("_dt") || lower.hasSuffix("_at") || lower.hasSuffix("_on")
    }

    /// A warning when a whole number too large for 64 bits is what made a column text.
    func overflowWarning(_ sink: InferenceSink, column: String, choice: Choice) -> String? {
        guard choice.type == .text, let overflow = sink.overflow, sink.counterexample?.offset == overflow.offset else { return nil }
        return "column '\(column)': \(overflow.value) (line \(file.lineNumber(at: overflow.offset).line)) does not fit in 64 bits; the column is loaded as text"
    }

    func textEvidence(_ sink: InferenceSink) -> TypeEvidence {
        if sink.nonNull == 0 { return .allNull }
        if let example = sink.counterexample {
            return .counterexample(value: example.value, line: file.lineNumber(at: example.offset).line, ruledOut: example.ruledOut)
        }
        return .builtIn("declared text")
    }

    func makeSink(_ choice: Choice, capacity: Int) -> FieldSink {
        switch choice.type {
        case .integer: return IntegerSink(syntax: syntax, capacity: capacity)
        case .decimal: return DecimalSink(syntax: syntax, scale: choice.scale, capacity: capacity)
        case .boolean: return BooleanSink(capacity: capacity)
        case .date: return DateSink(format: choice.format ?? .iso, capacity: capacity)
        case .timestamp: return TimestampSink(format: choice.format, capacity: capacity)
        case .text: return TextSink(capacity: capacity)
        }
    }

    // MARK: Dialect

    /// The delimiter that splits the first records into the same number of fields (more than one).
    func sniffDelimiter(from start: Int) -> LoadOptions.Delimiter {
        let limit = min(file.count, start + 65_536)
        var best: (delimiter: LoadOptions.Delimiter, fields: Int, share: Double)? = nil
        for candidate in [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: "|")] {
            let tokenizer = CSVTokenizer(base: file.base, end: limit, delimiter: candidate, whitespace: false)
            if let (fields, share) = consistency(tokenizer, from: start), fields > 1,
               best == nil || share > best!.share + 0.001 || (abs(share - best!.share) <= 0.001 && fields > best!.fields) {
                best = (.byte(candidate), fields, share)
            }
        }
        if let best, best.share >= 0.9 { return best.delimiter }
        let spaced = CSVTokenizer(base: file.base, end: limit, delimiter: 0, whitespace: true)
        if let (fields, share) = consistency(spaced, from: start), fields > 1, share >= 0.9 { return .whitespace }
        return best?.delimiter ?? .byte(UInt8(ascii: ","))
    }

    /// The most common field count over the first records, and the share of records that have it.
    private func consistency(_ tokenizer: CSVTokenizer, from start: Int) -> (Int, Double)? {
        var p = start
        var counts: [Int: Int] = [:]
        var records = 0
        while records < 100, let record = tokenizer.record(at: &p, limit: 1000) {
            if record.error { counts[-1, default: 0] += 1 } else { counts[record.fields.count, default: 0] += 1 }
            records += 1
        }
        // The last record may be cut off by the sniffing window.
        guard records > 0, let (fields, n) = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }) else { return nil }
        return (fields, Double(n) / Double(records > 1 && p >= tokenizer.end ? records - 1 : records) )
    }

    func describe(_ delimiter: LoadOptions.Delimiter) -> String {
        switch delimiter {
        case .whitespace: return "whitespace-aligned"
        case .byte(UInt8(ascii: ",")): return "comma-separated"
        case .byte(UInt8(ascii: "\t")): return "tab-separated"
        case .byte(UInt8(ascii: ";")): return "semicolon-separated"
        case .byte(UInt8(ascii: "|")): return "pipe-separated"
        case .byte(let b): return "separated by '\(Character(UnicodeScalar(b)))'"
        }
    }

    /// Whether the first record names the columns: some typed column's first value does not
    /// fit the type of the values below it; or every column holds text.
    func looksLikeHeader(_ first: [String], sample: [InferenceSink]) -> Bool {
        guard !sample.isEmpty, sample.contains(where: { $0.nonNull > 0 }) else { return true }
        var anyTyped = false
        for (c, sink) in sample.enumerated() where c < first.count && sink.nonNull > 0 && !sink.candidates.isEmpty {
            anyTyped = true
            let probe = InferenceSink(syntax: syntax, customDate: sink.customDate, initial: .all)
            var bytes = Array(first[c].utf8)
            if bytes.isEmpty || options.nullMarkers.contains(first[c]) { continue }
            bytes.withUnsafeMutableBufferPointer { probe.observe($0.baseAddress!, $0.count) }
            if probe.candidates.intersection(sink.candidates).isEmpty { return true }
        }
        return !anyTyped
    }

    /// The columns' names from the header: an empty one becomes columnN, a repeated one gets the
    /// next free `_k`. Sets and a next-suffix per name keep this linear in the header's length,
    /// and only the first ten renamings are listed.
    func headerNames(_ fields: [String], warnings: inout [String]) -> [String] {
        var names: [String] = [], taken = Set<String>(), nextSuffix: [String: Int] = [:]
        let given = Set(fields)
        var renamed = 0
        for (i, field) in fields.enumerated() {
            var header = field.trimmingCharacters(in: .whitespaces)
            if header.isEmpty {
                header = "column\(i + 1)"
                warnings.append("column \(i + 1) has an empty header; named it '\(header)'")
            }
            if taken.contains(header) {
                var k = nextSuffix[header] ?? 2
                while taken.contains("\(header)_\(k)") || given.contains("\(header)_\(k)") { k += 1 }
                nextSuffix[header] = k + 1
                renamed += 1
                if renamed <= 10 { warnings.append("column \(i + 1) repeats the header '\(header)'; renamed it '\(header)_\(k)'") }
                header = "\(header)_\(k)"
            }
            names.append(header)
            taken.insert(header)
        }
        if renamed > 10 { warnings.append("\(renamed - 10) more repeated headers were renamed the same way") }
        return names
    }

    func article(_ type: ColumnType) -> String {
        switch type {
        case .integer: return "a whole number"
        case .decimal: return "a number"
        case .text: return "text"
        case .boolean: return "true or false"
        case .date: return "a date"
        case .timestamp: return "a timestamp"
        }
    }

    func positioned(_ error: RecordError) -> LoadError { file.positioned(error, path: path) }
}

