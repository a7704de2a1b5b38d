/// Splits RFC 4180 comma-separated bytes into records and fields, in place.
///
/// Fields are byte ranges into the input; quoted fields with doubled quotes are marked so the
/// caller unescapes only those. Lines are counted for error positions.
struct CSVScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let path: String
    let delimiter: UInt8 = UInt8(ascii: ",")
    private(set) var position = 0
    private(set) var line = 1
    private var lineStart = 0
    /// Blank lines skipped so far.
    private(set) var blankLines = 0

    /// The current record's fields.
    var starts: [Int] = []
    var ends: [Int] = []
    var escaped: [Bool] = []
    var quoted: [Bool] = []
    /// The line on which the current record starts, and that line's first byte.
    private(set) var recordLine = 0
    private(set) var recordLineStart = 0

    init(bytes: UnsafeBufferPointer<UInt8>, path: String, startingAt start: Int = 0) {
        self.bytes = bytes
        self.path = path
        self.position = start
        self.lineStart = start
    }

    /// The text of the line that starts at byte `start`.
    func lineText(from start: Int) -> String {
        var end = start
        while end < bytes.count && bytes[end] != 10 && bytes[end] != 13 { end += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// An error positioned at byte `offset`, on the line that starts at `start`.
    func error(_ message: String, line: Int, lineStart start: Int, offset: Int, hint: String? = nil) -> LoadError {
        LoadError(path: path, line: line, byteOffset: max(0, offset - start), lineText: lineText(from: start), message: message, hint: hint)
    }

    private mutating func consumeLineEnd() {
        if position < bytes.count && bytes[position] == 13 { position += 1 }
        if position < bytes.count && bytes[position] == 10 { position += 1 }
        line += 1
        lineStart = position
    }

    /// Reads the next record; false at end of input.
    mutating func nextRecord() throws(LoadError) -> Bool {
        let n = bytes.count
        while position < n && (bytes[position] == 10 || bytes[position] == 13) {
            consumeLineEnd()
            blankLines += 1
        }
        if position >= n { return false }
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        escaped.removeAll(keepingCapacity: true)
        quoted.removeAll(keepingCapacity: true)
        recordLine = line
        recordLineStart = lineStart
        while true {
            if position < n && bytes[position] == UInt8(ascii: "\"") {
                let openLine = line, openLineStart = lineStart, open = position
                position += 1
                let start = position
                var hasEscapes = false
                while true {
                    guard position < n else {
                        throw error("unterminated quoted field", line: openLine, lineStart: openLineStart, offset: open,
                                    hint: "close the quote, or double any quote inside the field (\"\")")
                    }
                    let b = bytes[position]
                    if b == UInt8(ascii: "\"") {
                        if position + 1 < n && bytes[position + 1] == UInt8(ascii: "\"") {
                            hasEscapes = true
                            position += 2
                            continue
                        }
                        break
                    }
                    if b == 10 || (b == 13 && !(position + 1 < n && bytes[position + 1] == 10)) {
                        position += 1
                        line += 1
                        lineStart = position
                        continue
                    }
                    position += 1
                }
                starts.append(start)
                ends.append(position)
                escaped.append(hasEscapes)
                quoted.append(true)
                position += 1
                if position < n && bytes[position] != delimiter && bytes[position] != 10 && bytes[position] != 13 {
                    throw error("unexpected text after a closing quote", line: line, lineStart: lineStart, offset: position,
                                hint: "quote the whole field and double the quotes inside it")
                }
            } else {
                let start = position
                while position < n {
                    let b = bytes[position]
                    if b == delimiter || b == 10 || b == 13 { break }
                    position += 1
                }
                starts.append(start)
                ends.append(position)
                escaped.append(false)
                quoted.append(false)
            }
            if position < n && bytes[position] == delimiter {
                position += 1
                continue
            }
            if position < n { consumeLineEnd() } else { line += 1 }
            return true
        }
    }

    /// The field's bytes, unescaped when needed, passed to `body`.
    func withField<R>(_ index: Int, scratch: inout [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let field = UnsafeBufferPointer(rebasing: bytes[starts[index]..<ends[index]])
        guard escaped[index] else { return try body(field) }
        scratch.removeAll(keepingCapacity: true)
        var i = 0
        while i < field.count {
            scratch.append(field[i])
            i += field[i] == UInt8(ascii: "\"") ? 2 : 1
        }
        return try scratch.withUnsafeBufferPointer { try body($0) }
    }
}
