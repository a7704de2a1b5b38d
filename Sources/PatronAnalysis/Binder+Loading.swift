import PatronStore
import PatronSyntax

/// Load options and loads: `load … with …`, the options as `LoadOptions`.
extension Binder {
    /// `load "FILE" [as NAME] [with …]`.
    func bindLoad(_ path: String, _ pathSpan: SourceSpan, _ alias: Name?, _ options: [ParsedLoadOption], statement: ParsedStatement) throws(Diagnostic) -> BoundStatement {
        let name = alias?.text ?? Self.tableName(fromPath: path)
        guard !name.isEmpty else {
            throw Diagnostic("cannot name a table after '\(path)'", at: pathSpan, hints: ["name it: load \"\(path)\" as NAME"])
        }
        if Table.isJSONLines(path: path), let option = options.first(where: { !Table.jsonLinesOptions.contains($0.name.text.lowercased()) }) {
            throw Diagnostic("'\(option.name.text)' applies to delimited files; JSON Lines takes each key's type from its values", at: option.name.span,
                             hints: ["a JSON Lines load takes on_error skip and date_format"])
        }
        if Table.isJSONDocument(path: path), let option = options.first(where: { $0.name.text.lowercased() == "on_error" }) {
            throw Diagnostic("'on_error' applies to files of records; a .json document is one value, and a malformed part of it stops the load", at: option.name.span,
                             hints: ["JSON Lines (.jsonl) can skip its bad lines: jq -c '.[]' x.json > x.jsonl"])
        }
        return .load(path: path, name: name, options: try bindLoadOptions(options))
    }

    func bindLoadOptions(_ parsed: [ParsedLoadOption]) throws(Diagnostic) -> LoadOptions {
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
                    throw Diagnostic("a delimiter is one ASCII character (not a quote or a line end), not \"\(text)\"", at: span,
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
            case ("wide_numeric", _):
                throw Diagnostic("'wide_numeric' is an option of loads from a server; a file's numbers are read by what they hold", at: option.name.span)
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

    func singleByte(_ text: String) -> UInt8? {
        let bytes = Array(text.utf8)
        return bytes.count == 1 ? bytes[0] : nil
    }

    func dateFormat(_ text: String, at span: SourceSpan) throws(Diagnostic) -> DateFormat {
        guard let format = DateFormat(text) else {
            throw Diagnostic("'\(text)' is not a date format", at: span,
                             hints: ["use yyyy, MM, dd (and HH, mm, ss) with any separators, e.g. \"dd/MM/yyyy\" or \"yyyyMMdd\""])
        }
        return format
    }
}
