import Foundation

/// The outcome of loading a file: the table and what the loader noticed on the way.
public struct LoadReport: Sendable {
    /// The loaded table.
    public let table: Table
    /// Warnings, such as renamed headers.
    public let warnings: [String]
    /// Blank lines skipped.
    public let blankLines: Int
}

extension Table {
    /// Loads a comma-separated file with a header row, inferring each column's type.
    ///
    /// Two passes over the bytes: the first splits records and narrows each column's candidate
    /// types; the second parses every field straight into its column buffer.
    public static func loadCSV(path: String, name: String) throws(LoadError) -> LoadReport {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw LoadError(kind: .missingFile, path: path,
                            message: exists ? (isDirectory.boolValue ? "'\(path)' is a folder, not a file" : "cannot read '\(path)'") : "no such file '\(path)'",
                            hint: exists ? nil : "check the path; it is relative to the folder patron was started in")
        }
        let result: Result<LoadReport, LoadError> = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            do throws(LoadError) {
                return .success(try CSVLoad(bytes: bytes, path: path, name: name).run())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// One CSV load in progress.
private struct CSVLoad {
    let bytes: UnsafeBufferPointer<UInt8>
    let path: String
    let name: String

    func run() throws(LoadError) -> LoadReport {
        guard !bytes.isEmpty else {
            throw LoadError(path: path, message: "the file is empty", hint: "a CSV file needs a header row naming its columns")
        }
        var start = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        if let bad = firstInvalidUTF8(UnsafeBufferPointer(rebasing: bytes[start...])) {
            let offset = start + bad
            var line = 1, lineStart = 0
            for i in 0..<offset where bytes[i] == 10 { line += 1; lineStart = i + 1 }
            let scanner = CSVScanner(bytes: bytes, path: path)
            throw scanner.error("invalid UTF-8 byte 0x\(String(bytes[offset], radix: 16, uppercase: true))", line: line, lineStart: lineStart, offset: offset,
                                hint: "patron reads UTF-8; convert the file first, e.g. iconv -f latin1 -t utf-8")
        }

        // Pass 1: header, record count, candidate types.
        var scanner = CSVScanner(bytes: bytes, path: path, startingAt: start)
        guard try scanner.nextRecord() else {
            throw LoadError(path: path, message: "the file has no header row", hint: "a CSV file needs a header row naming its columns")
        }
        var scratch: [UInt8] = []
        var warnings: [String] = []
        var names: [String] = []
        for i in 0..<scanner.starts.count {
            var header = scanner.withField(i, scratch: &scratch) { String(decoding: $0, as: UTF8.self) }
            if header.isEmpty {
                header = "column\(i + 1)"
                warnings.append("column \(i + 1) has an empty header; named it '\(header)'")
            }
            if names.contains(header) {
                var k = 2
                while names.contains("\(header)_\(k)") { k += 1 }
                warnings.append("column \(i + 1) repeats the header '\(header)'; renamed it '\(header)_\(k)'")
                header = "\(header)_\(k)"
            }
            names.append(header)
        }
        let width = names.count
        let dataStart = scanner.position
        let firstDataLine = scanner.line
        var candidates = Array(repeating: FieldParsing.Candidates.all, count: width)
        var counterexample: [(value: String, line: Int, ruledOut: String)?] = Array(repeating: nil, count: width)
        var integerDigits = Array(repeating: 0, count: width)
        var scale = Array(repeating: 0, count: width)
        var nonNull = Array(repeating: 0, count: width)
        var rows = 0
        while try scanner.nextRecord() {
            try checkWidth(scanner, width)
            for c in 0..<width {
                scanner.withField(c, scratch: &scratch) { field in
                    if FieldParsing.isNullMarker(field) { return }
                    nonNull[c] += 1
                    guard !candidates[c].isEmpty else { return }
                    let (fieldCandidates, digits, fieldScale) = FieldParsing.candidates(field)
                    let narrowed = candidates[c].intersection(fieldCandidates)
                    if narrowed.isEmpty && counterexample[c] == nil {
                        counterexample[c] = (String(decoding: field, as: UTF8.self), scanner.recordLine, describe(candidates[c]))
                    }
                    candidates[c] = narrowed
                    integerDigits[c] = max(integerDigits[c], digits)
                    scale[c] = max(scale[c], fieldScale)
                }
            }
            rows += 1
        }
        let blankLines = scanner.blankLines

        // Choose types.
        var builders: [ColumnBuilder] = []
        var evidence: [TypeEvidence] = []
        for c in 0..<width {
            let set = candidates[c]
            if nonNull[c] == 0 {
                builders.append(.text(TextDictionaryBuilder(), []))
                evidence.append(.allNull)
            } else if set.contains(.boolean) {
                builders.append(.boolean([]))
                evidence.append(.allMatch(count: nonNull[c], pattern: "true or false"))
            } else if set.contains(.integer) {
                builders.append(.integer([]))
                evidence.append(.allMatch(count: nonNull[c], pattern: "whole numbers"))
            } else if set.contains(.decimal) && integerDigits[c] + scale[c] <= 18 {
                builders.append(.decimal([], scale: scale[c]))
                evidence.append(.allMatch(count: nonNull[c], pattern: "numbers with up to \(scale[c]) decimals"))
            } else if set.contains(.date) {
                builders.append(.date([]))
                evidence.append(.allMatch(count: nonNull[c], pattern: "yyyy-MM-dd"))
            } else {
                builders.append(.text(TextDictionaryBuilder(), []))
                if let example = counterexample[c] {
                    evidence.append(.counterexample(value: example.value, line: example.line, ruledOut: example.ruledOut))
                } else {
                    evidence.append(.counterexample(value: "", line: firstDataLine, ruledOut: "a number"))
                }
            }
            builders[c].reserve(rows)
        }

        // Pass 2: parse into column buffers.
        var nulls = Array(repeating: NullBitmap(), count: width)
        scanner = CSVScanner(bytes: bytes, path: path, startingAt: dataStart)
        while try scanner.nextRecord() {
            for c in 0..<width {
                scanner.withField(c, scratch: &scratch) { field in
                    let isNull = FieldParsing.isNullMarker(field)
                    nulls[c].append(isNull: isNull)
                    builders[c].append(field, isNull: isNull)
                }
            }
        }
        var columns: [Column] = []
        for c in 0..<width {
            columns.append(Column(name: names[c], storage: builders[c].finish(), nulls: nulls[c], evidence: evidence[c]))
        }
        let table = Table(name: name, columns: columns, rowCount: rows, origin: path)
        table.checkInvariants()
        return LoadReport(table: table, warnings: warnings, blankLines: blankLines)
    }

    private func checkWidth(_ scanner: CSVScanner, _ width: Int) throws(LoadError) {
        let found = scanner.starts.count
        guard found != width else { return }
        let offset = found > width ? scanner.starts[width] - 1 : scanner.ends[found - 1]
        throw scanner.error("expected \(width) fields, found \(found)", line: scanner.recordLine, lineStart: scanner.recordLineStart,
                            offset: offset, hint: found > width ? "quote fields that contain a comma" : "every row needs a value (or an empty field) for each of the \(width) columns")
    }

    /// The types still possible, in words: "a number, a date or a boolean".
    private func describe(_ set: FieldParsing.Candidates) -> String {
        var kinds: [String] = []
        if set.contains(.integer) || set.contains(.decimal) { kinds.append(set.contains(.decimal) ? "a number" : "a whole number") }
        if set.contains(.date) { kinds.append("a date") }
        if set.contains(.boolean) { kinds.append("a boolean") }
        guard let last = kinds.popLast() else { return "text" }
        return kinds.isEmpty ? last : kinds.joined(separator: ", ") + " or " + last
    }
}

/// A column under construction.
enum ColumnBuilder {
    case integer([Int64])
    case decimal([Int64], scale: Int)
    case text(TextDictionaryBuilder, [UInt32])
    case boolean([Bool])
    case date([Int32])

    mutating func reserve(_ n: Int) {
        switch self {
        case .integer(var v): v.reserveCapacity(n); self = .integer(v)
        case .decimal(var v, let s): v.reserveCapacity(n); self = .decimal(v, scale: s)
        case .text(let d, var v): v.reserveCapacity(n); self = .text(d, v)
        case .boolean(var v): v.reserveCapacity(n); self = .boolean(v)
        case .date(var v): v.reserveCapacity(n); self = .date(v)
        }
    }

    mutating func append(_ field: UnsafeBufferPointer<UInt8>, isNull: Bool) {
        switch self {
        case .integer(var v):
            self = .boolean([])
            v.append(isNull ? 0 : FieldParsing.scaledInteger(field, scale: 0))
            self = .integer(v)
        case .decimal(var v, let s):
            self = .boolean([])
            v.append(isNull ? 0 : FieldParsing.scaledInteger(field, scale: s))
            self = .decimal(v, scale: s)
        case .text(var d, var v):
            self = .boolean([])
            v.append(isNull ? 0 : d.code(of: field))
            self = .text(d, v)
        case .boolean(var v):
            self = .integer([])
            v.append(isNull ? false : FieldParsing.boolean(field) ?? false)
            self = .boolean(v)
        case .date(var v):
            self = .boolean([])
            v.append(isNull ? 0 : CalendarDate.parseISO(field) ?? 0)
            self = .date(v)
        }
    }

    func finish() -> ColumnStorage {
        switch self {
        case .integer(let v): return .integer(v)
        case .decimal(let v, let s): return .decimal(v, scale: s)
        case .text(let d, let v): return .text(codes: v, dictionary: d.strings())
        case .boolean(let v): return .boolean(v)
        case .date(let v): return .date(v)
        }
    }
}
