import Foundation

extension Table {
    /// The deepest nesting a JSON Lines value may have.
    public static let jsonNestingLimit = 64

    /// Whether a path names JSON (`.json`) or JSON Lines (`.jsonl`, `.ndjson`) rather than delimited text.
    public static func isJSONLines(path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || isJSONDocument(path: path)
    }

    /// Whether a path names one JSON document (`.json`) rather than a line per record.
    public static func isJSONDocument(path: String) -> Bool { path.lowercased().hasSuffix(".json") }

    /// The load options JSON takes; the others describe delimited text.
    public static let jsonLinesOptions: Set<String> = ["on_error", "date_format"]

    /// Loads JSON Lines (`.jsonl`, `.ndjson`): one object per line; columns are the keys in order
    /// of first appearance, typed from their values; nested objects and arrays are kept as JSON text.
    /// A `.json` file holds an array of such objects, objects one after another (one per line, or
    /// spread over lines), or patron's own result document (`"columns"` and `"rows"`).
    public static func loadJSONLines(path: String, name: String, options: LoadOptions = LoadOptions(), control: LoadControl? = nil) throws(LoadError) -> LoadReport {
        // Whether it can fit is known from its size, before it is mapped.
        if let size = MappedFile.size(of: path) { try MemoryBudget.check(loading: path, size: size, factor: 3) }
        let file = try MappedFile(path: path)
        control?.total.store(file.count, ordering: .relaxed)
        // Every value is held as it is parsed, then as its column: several times the text.
        let load = JSONLinesLoad(file: file, path: path, name: name, options: options, control: control)
        return try isJSONDocument(path: path) ? load.runDocument() : load.run()
    }
}

/// A JSON value as read from one line.
enum JSONValue {
    case null
    case boolean(Bool)
    /// A number, kept as written.
    case number(String)
    case string(String)
    /// An object or array, kept as its JSON text.
    case nested(String)
}

/// A strict JSON reader for one line, positioned errors included.
struct JSONLineParser {
    let base: UnsafePointer<UInt8>
    let end: Int
    var p: Int
    let nestingLimit: Int
    /// Whether line ends are blanks too (a `.json` document), not the end of a record.
    var spansLines = false

    struct Failure: Error {
        var offset: Int
        var message: String
        var hint: String?
    }

    /// Parses `{ "key": value, … }`, followed only by blanks when `whole`.
    mutating func object(whole: Bool = true) throws(Failure) -> [(String, JSONValue)] {
        skipBlanks()
        guard p < end, base[p] == UInt8(ascii: "{") else {
            if spansLines { throw Failure(offset: p, message: "expected '{': each value must be a JSON object", hint: "a JSON array of objects: [{\"id\": 1}, {\"id\": 2}]") }
            throw Failure(offset: p, message: p < end ? "expected '{': each line must hold one JSON object" : "expected '{'",
                          hint: "JSON Lines has one object per line, like {\"id\": 1, \"name\": \"Ann\"}")
        }
        p += 1
        var fields: [(String, JSONValue)] = []
        var seen = Set<String>()
        skipBlanks()
        if p < end && base[p] == UInt8(ascii: "}") {
            p += 1
        } else {
            while true {
                skipBlanks()
                let keyOffset = p
                guard p < end, base[p] == UInt8(ascii: "\"") else { throw Failure(offset: p, message: "expected a key in double quotes") }
                let key = try string()
                guard seen.insert(key).inserted else { throw Failure(offset: keyOffset, message: "the key '\(key)' appears twice in one object") }
                skipBlanks()
                guard p < end, base[p] == UInt8(ascii: ":") else { throw Failure(offset: p, message: "expected ':' after the key '\(key)'") }
                p += 1
                skipBlanks()
                fields.append((key, try value(depth: 1)))
                skipBlanks()
                guard p < end else {
                    if spansLines { throw Failure(offset: p, message: "expected ',' or '}' before the end of the file") }
                    throw Failure(offset: p, message: "expected ',' or '}' before the end of the line", hint: "an object must close on its own line")
                }
                if base[p] == UInt8(ascii: ",") { p += 1; continue }
                if base[p] == UInt8(ascii: "}") { p += 1; break }
                throw Failure(offset: p, message: "expected ',' or '}' after a value")
            }
        }
        skipBlanks()
        guard !whole || p == end else { throw Failure(offset: p, message: "unexpected text after the object", hint: "put one object on each line") }
        return fields
    }

    /// Parses `[ value, … ]`; objects and arrays inside are kept as their JSON text.
    mutating func array() throws(Failure) -> [JSONValue] {
        skipBlanks()
        guard p < end, base[p] == UInt8(ascii: "[") else { throw Failure(offset: p, message: "expected '['") }
        p += 1
        var items: [JSONValue] = []
        skipBlanks()
        if p < end && base[p] == UInt8(ascii: "]") { p += 1; return items }
        while true {
            skipBlanks()
            items.append(try value(depth: 1))
            skipBlanks()
            guard p < end else { throw Failure(offset: p, message: "expected ',' or ']' before the end of the file") }
            if base[p] == UInt8(ascii: ",") { p += 1; continue }
            if base[p] == UInt8(ascii: "]") { p += 1; return items }
            throw Failure(offset: p, message: "expected ',' or ']' after a value")
        }
    }

    mutating func skipBlanks() {
        while p < end && (base[p] == 32 || base[p] == 9 || base[p] == 13 || (spansLines && base[p] == 10)) { p += 1 }
    }

    mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard p < end else { throw Failure(offset: p, message: spansLines ? "expected a value before the end of the file" : "expected a value before the end of the line") }
        let start = p
        switch base[p] {
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipNested(depth: depth)
            return .nested(String(decoding: UnsafeBufferPointer(start: base + start, count: p - start), as: UTF8.self))
        case UInt8(ascii: "t"): try literal("true"); return .boolean(true)
        case UInt8(ascii: "f"): try literal("false"); return .boolean(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try number())
        default:
            throw Failure(offset: p, message: "unexpected character '\(String(decoding: UnsafeBufferPointer(start: base + p, count: 1), as: UTF8.self))'",
                          hint: "values are strings in double quotes, numbers, true, false, null, objects or arrays")
        }
    }

    mutating func literal(_ word: String) throws(Failure) {
        let bytes = Array(word.utf8)
        guard p + bytes.count <= end, (0..<bytes.count).allSatisfy({ base[p + $0] == bytes[$0] }) else {
            throw Failure(offset: p, message: "expected '\(word)'")
        }
        p += bytes.count
    }

    mutating func number() throws(Failure) -> String {
        let start = p
        if base[p] == UInt8(ascii: "-") { p += 1 }
        guard p < end, base[p] &- 48 < 10 else { throw Failure(offset: p, message: "expected a digit") }
        if base[p] == 48 && p + 1 < end && base[p + 1] &- 48 < 10 { throw Failure(offset: p, message: "numbers cannot have leading zeros in JSON") }
        while p < end && base[p] &- 48 < 10 { p += 1 }
        if p < end && base[p] == UInt8(ascii: ".") {
            p += 1
            guard p < end, base[p] &- 48 < 10 else { throw Failure(offset: p, message: "expected a digit after the decimal point") }
            while p < end && base[p] &- 48 < 10 { p += 1 }
        }
        if p < end && (base[p] == UInt8(ascii: "e") || base[p] == UInt8(ascii: "E")) {
            p += 1
            if p < end && (base[p] == UInt8(ascii: "+") || base[p] == UInt8(ascii: "-")) { p += 1 }
            guard p < end, base[p] &- 48 < 10 else { throw Failure(offset: p, message: "expected a digit in the exponent") }
            while p < end && base[p] &- 48 < 10 { p += 1 }
        }
        return String(decoding: UnsafeBufferPointer(start: base + start, count: p - start), as: UTF8.self)
    }

    mutating func string() throws(Failure) -> String {
        let open = p
        p += 1
        var bytes: [UInt8] = []
        while true {
            guard p < end else { throw Failure(offset: open, message: "unterminated string", hint: "close the string with \" on the same line") }
            let b = base[p]
            if b == UInt8(ascii: "\"") { p += 1; break }
            if b < 0x20 { throw Failure(offset: p, message: "control character 0x\(String(b, radix: 16)) inside a string", hint: "write it escaped, e.g. \\t or \\n") }
            if b == UInt8(ascii: "\\") {
                guard p + 1 < end else { throw Failure(offset: p, message: "unterminated escape") }
                let e = base[p + 1]
                p += 2
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
                case UInt8(ascii: "b"): bytes.append(8)
                case UInt8(ascii: "f"): bytes.append(12)
                case UInt8(ascii: "n"): bytes.append(10)
                case UInt8(ascii: "r"): bytes.append(13)
                case UInt8(ascii: "t"): bytes.append(9)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard p + 1 < end, base[p] == UInt8(ascii: "\\"), base[p + 1] == UInt8(ascii: "u") else {
                            throw Failure(offset: p - 6, message: "a high surrogate must be followed by a low one")
                        }
                        p += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw Failure(offset: p - 6, message: "invalid low surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw Failure(offset: p - 6, message: "a lone low surrogate")
                    }
                    bytes.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
                default:
                    throw Failure(offset: p - 2, message: "invalid escape '\\\(String(UnicodeScalar(e)))'", hint: "JSON escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX")
                }
                continue
            }
            bytes.append(b)
            p += 1
        }
        if let bad = firstInvalidUTF8(bytes.withUnsafeBufferPointer { $0 }) {
            throw Failure(offset: open + 1 + bad, message: "invalid UTF-8 in a string", hint: "JSON Lines files are UTF-8")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func hex4() throws(Failure) -> UInt32 {
        guard p + 4 <= end else { throw Failure(offset: p, message: "expected four hex digits after \\u") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = base[p]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - 55)
            default: throw Failure(offset: p, message: "expected a hex digit after \\u")
            }
            v = v << 4 | d
            p += 1
        }
        return v
    }

    /// Skips an object or array, checking it is well formed and not nested too deeply.
    mutating func skipNested(depth: Int) throws(Failure) {
        guard depth <= nestingLimit else {
            throw Failure(offset: p, message: "values nest more than \(nestingLimit) deep", hint: "flatten the data before loading")
        }
        let isObject = base[p] == UInt8(ascii: "{")
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        p += 1
        skipBlanks()
        if p < end && base[p] == close { p += 1; return }
        while true {
            skipBlanks()
            if isObject {
                guard p < end, base[p] == UInt8(ascii: "\"") else { throw Failure(offset: p, message: "expected a key in double quotes") }
                _ = try string()
                skipBlanks()
                guard p < end, base[p] == UInt8(ascii: ":") else { throw Failure(offset: p, message: "expected ':' after a key") }
                p += 1
                skipBlanks()
            }
            guard p < end else { throw Failure(offset: p, message: spansLines ? "expected a value before the end of the file" : "expected a value before the end of the line") }
            if base[p] == UInt8(ascii: "{") || base[p] == UInt8(ascii: "[") {
                try skipNested(depth: depth + 1)
            } else {
                _ = try value(depth: depth + 1)
            }
            skipBlanks()
            guard p < end else {
                throw Failure(offset: p, message: spansLines ? "expected ',' or '\(Character(UnicodeScalar(close)))' before the end of the file"
                                                              : "expected ',' or '\(Character(UnicodeScalar(close)))' before the end of the line")
            }
            if base[p] == UInt8(ascii: ",") { p += 1; continue }
            if base[p] == close { p += 1; return }
            throw Failure(offset: p, message: "expected ',' or '\(Character(UnicodeScalar(close)))'")
        }
    }
}

/// The objects a load has read: each key's values by row, as they come, so memory grows with the
/// values, not keys × rows.
struct JSONObjects {
    var keys: [String] = []
    var keyIndex: [String: Int] = [:]
    var values: [[(row: Int32, value: JSONValue)]] = []
    var rowCount = 0
    var rowOffsets: [Int] = []

    /// Adds one object as a row read at `offset`; returns the key that is one too many, if any.
    mutating func add(_ fields: [(String, JSONValue)], at offset: Int) -> String? {
        for (key, value) in fields {
            let index: Int
            if let known = keyIndex[key] { index = known } else {
                guard keys.count < Table.maxColumns else { return key }
                index = keys.count
                keys.append(key)
                keyIndex[key] = index
                values.append([])
            }
            // An empty string is an empty value, as an empty field of a delimited file is.
            if case .string(let text) = value, text.isEmpty { continue }
            values[index].append((Int32(truncatingIfNeeded: rowCount), value))
        }
        rowCount += 1
        rowOffsets.append(offset)
        return nil
    }
}

/// One JSON Lines load: parse every line, then type each key's column from its values.
struct JSONLinesLoad {
    let file: MappedFile
    let path: String
    let name: String
    let options: LoadOptions
    let control: LoadControl?

    func run() throws(LoadError) -> LoadReport {
        let base = file.base, count = file.count
        guard count > 0 else { throw LoadError(path: path, message: "the file is empty", hint: "JSON Lines needs one object per line") }
        var p = try file.utf8Start(path: path)
        var objects = JSONObjects()
        var tooManyKeys: RecordError? = nil
        var rejected: [RecordError] = []
        var blankLines = 0
        while p < count {
            var lineEnd = p
            while lineEnd < count && base[lineEnd] != 10 { lineEnd += 1 }
            let next = lineEnd + 1
            defer { p = next }
            var contentEnd = lineEnd
            if contentEnd > p && base[contentEnd - 1] == 13 { contentEnd -= 1 }
            var blank = true
            for i in p..<contentEnd where base[i] != 32 && base[i] != 9 { blank = false; break }
            if blank {
                if lineEnd < count || contentEnd > p { blankLines += lineEnd < count ? 1 : 0 }
                continue
            }
            if contentEnd - p > options.maxFieldBytes {
                rejected.append(RecordError(offset: p, message: "a line of \(contentEnd - p) bytes is longer than the limit of \(options.maxFieldBytes)", hint: nil))
                if !options.skipBadRecords { break }
                continue
            }
            var parser = JSONLineParser(base: base, end: contentEnd, p: p, nestingLimit: Table.jsonNestingLimit)
            do throws(JSONLineParser.Failure) {
                if let key = objects.add(try parser.object(), at: p) {
                    let failure = tooMany(key, at: p)
                    tooManyKeys = RecordError(offset: failure.offset, message: failure.message, hint: failure.hint)
                    break
                }
            } catch {
                rejected.append(RecordError(offset: error.offset, message: error.message, hint: error.hint))
                if !options.skipBadRecords { break }
            }
            if objects.rowCount % 65_536 == 0 {
                control?.advance(next - p, records: 0)
                if control?.isCancelled == true { throw LoadError(kind: .cancelled, path: path, message: "the load was cancelled") }
            }
        }
        if let tooManyKeys { throw positioned(tooManyKeys) }
        if !options.skipBadRecords, let error = rejected.first { throw positioned(error) }
        return try report(objects, rejected: rejected, blankLines: blankLines, dialect: "JSON Lines")
    }

    /// A `.json` document: an array of objects, objects one after another, or patron's own result
    /// document. The document is one value, so a malformed part stops the load.
    func runDocument() throws(LoadError) -> LoadReport {
        var parser = JSONLineParser(base: file.base, end: file.count, p: try file.utf8Start(path: path), nestingLimit: Table.jsonNestingLimit, spansLines: true)
        var objects = JSONObjects()
        var reported = parser.p, cancelled = false
        /// Every 65,536 objects: the progress line moves, and Ctrl-C is heard.
        func stopsHere() -> Bool {
            guard objects.rowCount % 65_536 == 0 else { return false }
            control?.advance(parser.p - reported, records: 0)
            reported = parser.p
            cancelled = control?.isCancelled == true
            return cancelled
        }
        do throws(JSONLineParser.Failure) {
            parser.skipBlanks()
            if parser.p < file.count && file.base[parser.p] == UInt8(ascii: "[") {
                parser.p += 1
                parser.skipBlanks()
                if parser.p < file.count && file.base[parser.p] == UInt8(ascii: "]") { parser.p += 1 }
                else {
                    while true {
                        parser.skipBlanks()
                        let at = parser.p
                        if let key = objects.add(try parser.object(whole: false), at: at) { throw tooMany(key, at: at) }
                        if stopsHere() { break }
                        parser.skipBlanks()
                        guard parser.p < file.count else { throw JSONLineParser.Failure(offset: parser.p, message: "expected ',' or ']' before the end of the file") }
                        if file.base[parser.p] == UInt8(ascii: ",") { parser.p += 1; continue }
                        if file.base[parser.p] == UInt8(ascii: "]") { parser.p += 1; break }
                        throw JSONLineParser.Failure(offset: parser.p, message: "expected ',' or ']' after an object", hint: "a JSON array of objects: [{\"id\": 1}, {\"id\": 2}]")
                    }
                }
            } else {
                while parser.p < file.count {
                    let at = parser.p
                    let fields = try parser.object(whole: false)
                    if objects.rowCount == 0, let document = try resultDocument(fields, at: at) {
                        parser.skipBlanks()
                        if parser.p == file.count { objects = document; break }
                    }
                    if let key = objects.add(fields, at: at) { throw tooMany(key, at: at) }
                    if stopsHere() { break }
                    parser.skipBlanks()
                }
            }
            parser.skipBlanks()
            guard cancelled || parser.p == file.count else { throw JSONLineParser.Failure(offset: parser.p, message: "unexpected text after the array", hint: "a .json file holds one array of objects, or objects one after another") }
        } catch {
            throw positioned(RecordError(offset: error.offset, message: error.message, hint: error.hint))
        }
        if cancelled { throw LoadError(kind: .cancelled, path: path, message: "the load was cancelled") }
        return try report(objects, rejected: [], blankLines: 0, dialect: "JSON")
    }

    private func tooMany(_ key: String, at offset: Int) -> JSONLineParser.Failure {
        JSONLineParser.Failure(offset: offset, message: "the objects hold more than \(Table.maxColumns) different keys ('\(key)' is one too many); patron loads at most \(Table.maxColumns) columns",
                               hint: "keep the keys you need (e.g. jq -c '{id, name, amount}'), or flatten the data first")
    }

    /// Patron's own result document (`export … to "x.json"`): `"columns"`, a list of names, and
    /// `"rows"`, lists of values in that order; nil when the object is not one.
    private func resultDocument(_ fields: [(String, JSONValue)], at offset: Int) throws(JSONLineParser.Failure) -> JSONObjects? {
        guard case .nested(let names)? = fields.first(where: { $0.0 == "columns" })?.1, case .nested(let rows)? = fields.first(where: { $0.0 == "rows" })?.1,
              names.hasPrefix("["), rows.hasPrefix("[") else { return nil }
        func array(_ text: String) throws(JSONLineParser.Failure) -> [JSONValue] {
            let bytes = Array(text.utf8)
            return try bytes.withUnsafeBufferPointer { buffer throws(JSONLineParser.Failure) in
                var parser = JSONLineParser(base: buffer.baseAddress!, end: buffer.count, p: 0, nestingLimit: Table.jsonNestingLimit, spansLines: true)
                do throws(JSONLineParser.Failure) { return try parser.array() } catch { throw JSONLineParser.Failure(offset: offset, message: error.message) }
            }
        }
        var columns: [String] = []
        for name in try array(names) {
            guard case .string(let text) = name else { return nil }
            columns.append(text)
        }
        var objects = JSONObjects()
        for (r, row) in try array(rows).enumerated() {
            guard case .nested(let text) = row, text.hasPrefix("[") else { return nil }
            let values = try array(text)
            guard values.count == columns.count else {
                throw JSONLineParser.Failure(offset: offset, message: "row \(r + 1) of the result has \(values.count) values for \(columns.count) columns")
            }
            if let key = objects.add(Array(zip(columns, values)), at: offset) { throw tooMany(key, at: offset) }
        }
        return objects
    }

    /// The table from the objects read, typed key by key, and what the load reports.
    private func report(_ objects: JSONObjects, rejected: [RecordError], blankLines: Int, dialect: String) throws(LoadError) -> LoadReport {
        var objects = objects
        guard !objects.keys.isEmpty || objects.rowCount > 0 else {
            throw LoadError(path: path, message: "the file has no objects", hint: dialect == "JSON" ? "a .json file holds an array of objects: [{\"id\": 1}, {\"id\": 2}]" : "JSON Lines needs one object per line")
        }
        // Columns: infer each key's type from its values, then fill it.
        let syntax = NumberSyntax(thousands: nil, decimalMark: UInt8(ascii: "."))
        var columns: [Column] = []
        for (k, key) in objects.keys.enumerated() {
            if control?.isCancelled == true { throw LoadError(kind: .cancelled, path: path, message: "the load was cancelled") }
            // One key's values laid out by row at a time, its sparse list let go once it is a column.
            var dense = Array(repeating: JSONValue.null, count: objects.rowCount)
            for (row, value) in objects.values[k] { dense[Int(row)] = value }
            objects.values[k] = []
            columns.append(column(named: key, values: dense, offsets: objects.rowOffsets, syntax: syntax))
        }
        let table = Table(name: name, columns: columns, rowCount: objects.rowCount, origin: .file(path))
        table.checkInvariants()
        let report = rejected.prefix(10).map { RejectedRecord(line: file.lineNumber(at: $0.offset).line, message: $0.message) }
        return LoadReport(table: table, warnings: [], blankLines: blankLines, rejectedCount: rejected.count, rejected: report, dialect: dialect)
    }

    /// One key's column: numbers become integers or decimals, strings text, dates or timestamps;
    /// values of mixed kinds become text (numbers and nested values as their JSON text).
    func column(named key: String, values: [JSONValue], offsets: [Int], syntax: NumberSyntax) -> Column {
        var kinds = Set<String>()
        let inference = InferenceSink(syntax: syntax, customDate: options.dateFormat, initial: .all)
        var firstText: (String, Int)? = nil
        for (r, value) in values.enumerated() {
            switch value {
            case .null: continue
            case .boolean: kinds.insert("boolean")
            case .number(let text):
                kinds.insert("number")
                inference.currentOffset = offsets[r]
                var bytes = Array(text.utf8)
                bytes.withUnsafeMutableBufferPointer { inference.observe($0.baseAddress!, $0.count) }
            case .string(let text):
                kinds.insert("string")
                if firstText == nil { firstText = (text, offsets[r]) }
                inference.currentOffset = offsets[r]
                var bytes = Array(text.utf8)
                guard !bytes.isEmpty else { continue }  // empty strings were stored as nulls
                bytes.withUnsafeMutableBufferPointer { inference.observe($0.baseAddress!, $0.count) }
            case .nested:
                kinds.insert("nested")
            }
        }
        var nulls = NullBitmap()
        let n = values.count
        func text(_ value: JSONValue) -> String? {
            switch value {
            case .null: return nil
            case .boolean(let b): return b ? "true" : "false"
            case .number(let t), .string(let t), .nested(let t): return t
            }
        }
        /// A typed column from each value `parse` reads (the others are nulls).
        func typed<T>(_ pattern: String, _ zero: T, _ storage: ([T]) -> ColumnStorage, _ parse: (JSONValue) -> T?) -> Column {
            var v: [T] = []
            v.reserveCapacity(n)
            for value in values {
                if let parsed = parse(value) { v.append(parsed); nulls.append(isNull: false) } else { v.append(zero); nulls.append(isNull: true) }
            }
            return Column(name: key, storage: storage(v), nulls: nulls, evidence: .allMatch(count: n - nulls.nullCount, pattern: pattern))
        }
        /// A string value's UTF-8 bytes, for the date and time parsers.
        func string<T>(_ value: JSONValue, _ parse: (UnsafePointer<UInt8>, Int) -> T?) -> T? {
            guard case .string(let t) = value else { return nil }
            return Array(t.utf8).withUnsafeBufferPointer { $0.isEmpty ? nil : parse($0.baseAddress!, $0.count) }
        }
        if kinds == ["boolean"] {
            return typed("JSON true or false", false, { .boolean($0) }) { if case .boolean(let b) = $0 { return b } else { return nil } }
        }
        if kinds == ["number"] && (inference.candidates.contains(.integer) || inference.candidates.contains(.decimal)) {
            let scale = inference.candidates.contains(.integer) ? 0 : inference.scale
            return typed(scale == 0 ? "whole numbers" : "numbers with up to \(scale) decimals", 0, { scale == 0 ? .integer($0) : .decimal($0, scale: scale) }) { value in
                guard case .number(let t) = value else { return nil }
                return Array(t.utf8).withUnsafeBufferPointer { syntax.parse($0.baseAddress!, $0.count, scale: scale) }
            }
        }
        if kinds == ["string"] && inference.candidates.contains(.date) {
            return typed("yyyy-MM-dd dates", 0, { .date($0) }) { string($0) { CalendarDate.parseISO(UnsafeBufferPointer(start: $0, count: $1)) } }
        }
        if kinds == ["string"] && inference.candidates.contains(.customDate), let format = options.dateFormat {
            if format.hasTime {
                return typed("\(format) timestamps", 0, { .timestamp($0) }) { string($0) { format.parse($0, $1).map { (Int64($0.day) * 86_400 + Int64($0.seconds)) * 1_000_000 } } }
            }
            return typed("\(format) dates", 0, { .date($0) }) { string($0) { format.parse($0, $1)?.day } }
        }
        if kinds == ["string"] && inference.candidates.contains(.timestamp) {
            return typed("ISO 8601 timestamps", 0, { .timestamp($0) }) { string($0) { CalendarDate.parseISOTimestamp($0, $1) } }
        }
        var dictionary = TextDictionaryBuilder()
        var codes: [UInt32] = []
        codes.reserveCapacity(n)
        for value in values {
            if let t = text(value) { codes.append(dictionary.code(of: t)); nulls.append(isNull: false) } else { codes.append(0); nulls.append(isNull: true) }
        }
        let evidence: TypeEvidence
        if kinds.isEmpty {
            evidence = .allNull
        } else if kinds.count > 1 {
            evidence = .builtIn("values of several JSON kinds (\(kinds.sorted().joined(separator: ", ")))")
        } else if kinds == ["nested"] {
            evidence = .builtIn("JSON objects or arrays, kept as JSON text")
        } else if let (first, offset) = firstText {
            evidence = .counterexample(value: first, line: file.lineNumber(at: offset).line, ruledOut: "a date or a timestamp")
        } else {
            evidence = .builtIn("JSON numbers beyond 64-bit decimals, kept as text")
        }
        return Column(name: key, storage: .text(codes: TextCodes(codes, dictionarySize: dictionary.count), dictionary: dictionary.strings()), nulls: nulls, evidence: evidence)
    }

    func positioned(_ error: RecordError) -> LoadError { file.positioned(error, path: path) }
}
