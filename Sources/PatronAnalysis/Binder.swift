import PatronStore
import PatronSyntax

/// Resolves parsed statements against the catalog: tables, columns, level words and literals.
public struct Binder {
    let catalog: Catalog
    let source: Source

    /// A binder for statements of `source` against `catalog`.
    public init(catalog: Catalog, source: Source) {
        self.catalog = catalog
        self.source = source
    }

    /// Binds one statement, or reports the first problem with it.
    public func bind(_ statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        switch statement.kind {
        case .load(let path, let pathSpan, let alias, let options):
            let name = alias?.text ?? Self.tableName(fromPath: path)
            guard !name.isEmpty else {
                throw Diagnostic("cannot name a table after '\(path)'", at: pathSpan, hints: ["name it: load \"\(path)\" as NAME"])
            }
            return .load(path: path, name: name, options: try bindLoadOptions(options))
        case .use(let name):
            return .use(try table(name))
        case .describe(let name):
            return .describe(try table(name, statement: statement))
        case .summarize(let name):
            return .summarize(try table(name, statement: statement))
        case .count(let name):
            return .count(try table(name, statement: statement))
        case .show(let name, let top):
            let table = try table(name, statement: statement)
            guard let top else { return .show(table, top: nil) }
            let column = try column(top.column, in: table)
            return .show(table, top: BoundTop(count: top.count, column: column))
        case .segment(let condition):
            let table = try table(nil, statement: statement)
            var context = BindContext()
            let bound = try bindCondition(condition, in: table, context: &context)
            let levels = context.levels
            var profit: Int? = nil
            if let index = table.columnIndex(named: "profit"), table.columns[index].type.isNumeric { profit = index }
            return .segment(BoundSegment(table: table, condition: bound, text: Self.singleLine(source.text(of: condition.span)), levels: levels, profitColumn: profit))
        case .help(let topic):
            return .help(topic: topic?.text)
        case .quit:
            return .quit
        }
    }

    /// A table name made from a file name: `data/Orders 2024.csv` → `Orders_2024`.
    public static func tableName(fromPath path: String) -> String {
        var base = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = base.lastIndex(of: "."), dot != base.startIndex { base = String(base[..<dot]) }
        var name = String(base.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) ? Character($0) : "_" })
        if let first = name.first, first.isNumber { name = "_" + name }
        return name
    }

    /// Text with each run of whitespace (newlines included) shown as one space.
    static func singleLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    // MARK: Load options

    private func bindLoadOptions(_ parsed: [ParsedLoadOption]) throws(Diagnostic) -> LoadOptions {
        var options = LoadOptions()
        var seen = Set<String>()
        for option in parsed {
            let key = option.name.text.lowercased()
            guard seen.insert(key).inserted else {
                throw Diagnostic("the option '\(option.name.text)' is given twice", at: option.name.span)
            }
            switch (key, option.value) {
            case ("delimiter", .word(let word)) where ["whitespace", "tab"].contains(word.text.lowercased()):
                options.delimiter = word.text.lowercased() == "tab" ? .byte(9) : .whitespace
            case ("delimiter", .string(let text, let span)):
                let bytes = Array(text.utf8)
                guard bytes.count == 1, bytes[0] != UInt8(ascii: "\""), bytes[0] != 10, bytes[0] != 13 else {
                    throw Diagnostic("a delimiter is one character (not a quote or a line end), not \"\(text)\"", at: span,
                                     hints: ["delimiter \";\", delimiter \"\\t\", delimiter \"|\" or delimiter whitespace"])
                }
                options.delimiter = .byte(bytes[0])
            case ("header", .word(let word)) where ["true", "false"].contains(word.text.lowercased()):
                options.header = word.text.lowercased() == "true"
            case ("on_error", .word(let word)) where ["skip", "stop"].contains(word.text.lowercased()):
                options.skipBadRecords = word.text.lowercased() == "skip"
            case ("thousands", .string(let text, let span)):
                guard let byte = singleByte(text), [UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: " "), UInt8(ascii: "'"), UInt8(ascii: "_")].contains(byte) else {
                    throw Diagnostic("a thousands separator is one of , . ' _ or a space, not \"\(text)\"", at: span)
                }
                options.thousandsSeparator = byte
            case ("decimal", .string(let text, let span)):
                guard let byte = singleByte(text), byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",") else {
                    throw Diagnostic("the decimal mark is \".\" or \",\", not \"\(text)\"", at: span)
                }
                options.decimalMark = byte
            case ("date_format", .string(let text, let span)):
                options.dateFormat = try dateFormat(text, at: span)
            case ("nulls", .strings(let markers)):
                options.nullMarkers = markers.map(\.0)
            case ("columns", .columns(let specs)):
                var columns: [ColumnSpec] = []
                for spec in specs {
                    guard let type = ColumnType(rawValue: spec.type.text.lowercased()) else {
                        var hints: [String] = []
                        if let near = Suggestion.closest(to: spec.type.text, in: ColumnType.allCases.map(\.rawValue)) { hints.append("did you mean '\(near)'?") }
                        hints.append("types: \(ColumnType.allCases.map(\.rawValue).joined(separator: ", "))")
                        throw Diagnostic("unknown type '\(spec.type.text)'", at: spec.type.span, hints: hints)
                    }
                    var format: DateFormat? = nil
                    if let (text, span) = spec.format {
                        guard type == .date || type == .timestamp else {
                            throw Diagnostic("only date and timestamp columns take a format", at: span)
                        }
                        format = try dateFormat(text, at: span)
                    }
                    if columns.contains(where: { $0.name == spec.name.text }) {
                        throw Diagnostic("the column '\(spec.name.text)' is named twice", at: spec.name.span)
                    }
                    columns.append(ColumnSpec(name: spec.name.text, type: type, format: format))
                }
                options.columns = columns
            default:
                throw Diagnostic("'\(option.name.text)' does not take that value", at: option.name.span,
                                 hints: [Self.loadOptionHelp[key] ?? "see 'help load'"])
            }
        }
        if options.thousandsSeparator != nil && options.thousandsSeparator == options.decimalMark,
           let span = parsed.first(where: { $0.name.text.lowercased() == "thousands" })?.name.span {
            throw Diagnostic("the thousands separator and the decimal mark must differ", at: span)
        }
        return options
    }

    /// How each load option is written.
    static let loadOptionHelp: [String: String] = [
        "delimiter": "delimiter \";\" (one character), delimiter tab or delimiter whitespace",
        "header": "header true or header false",
        "on_error": "on_error skip (load the rest and report) or on_error stop",
        "thousands": "thousands \",\"",
        "decimal": "decimal \",\" (with thousands \".\")",
        "date_format": "date_format \"dd/MM/yyyy\"",
        "nulls": "nulls (\"NA\", \"-\")",
        "columns": "columns (id text, day date \"yyyyMMdd\", amount decimal)",
    ]

    private func singleByte(_ text: String) -> UInt8? {
        let bytes = Array(text.utf8)
        return bytes.count == 1 ? bytes[0] : nil
    }

    private func dateFormat(_ text: String, at span: SourceSpan) throws(Diagnostic) -> DateFormat {
        guard let format = DateFormat(text) else {
            throw Diagnostic("'\(text)' is not a date format", at: span,
                             hints: ["use yyyy, MM, dd (and HH, mm, ss) with any separators, e.g. \"dd/MM/yyyy\" or \"yyyyMMdd\""])
        }
        return format
    }

    // MARK: Names

    func table(_ name: Name?, statement: ParsedStatement) throws(Diagnostic) -> Table {
        if let name { return try table(name) }
        guard let current = catalog.current else {
            throw Diagnostic("no table is loaded", at: statement.span, hints: ["load one first: load \"orders.csv\" as orders"])
        }
        return current
    }

    func table(_ name: Name) throws(Diagnostic) -> Table {
        if let table = catalog.tables[name.text] { return table }
        var hints: [String] = []
        if let near = Suggestion.closest(to: name.text, in: catalog.names) { hints.append("did you mean '\(near)'?") }
        hints.append(catalog.names.isEmpty ? "no tables are loaded yet" : "tables: \(catalog.names.joined(separator: ", "))")
        throw Diagnostic("unknown table '\(name.text)'", at: name.span, hints: hints)
    }

    func column(_ name: Name, in table: Table) throws(Diagnostic) -> Int {
        if let index = table.columnIndex(named: name.text) { return index }
        throw unknownColumn(name, in: table, alsoLevels: false)
    }

    func unknownColumn(_ name: Name, in table: Table, alsoLevels: Bool, levelWords: [String] = LevelCuts.defaultWords) -> Diagnostic {
        let names = table.columns.map(\.name)
        var hints: [String] = []
        let candidates = alsoLevels ? names + levelWords : names
        if let near = Suggestion.closest(to: name.text, in: candidates) {
            hints.append("did you mean '\(near)'?")
        } else {
            let list = names.prefix(12).joined(separator: ", ")
            hints.append("columns of '\(table.name)': \(list)\(names.count > 12 ? ", …" : "")")
        }
        return Diagnostic("unknown \(alsoLevels ? "column or level" : "column") '\(name.text)'\(alsoLevels ? "" : " in table '\(table.name)'")",
                          at: name.span, hints: hints)
    }

}

/// A decimal literal as an exact mantissa and scale.
struct ExactNumber {
    let mantissa: Int64
    let scale: Int

    init?(_ text: String) {
        var digits = text
        var negative = false
        if digits.hasPrefix("-") { negative = true; digits.removeFirst() }
        var scale = 0
        if let dot = digits.firstIndex(of: ".") {
            scale = digits.distance(from: dot, to: digits.endIndex) - 1
            digits.remove(at: dot)
        }
        guard let value = Int64(digits) else { return nil }
        self.mantissa = negative ? -value : value
        self.scale = scale
    }
}
