/// A record that could not be read, positioned by byte offset (line numbers are counted later).
struct RecordError: Sendable {
    var offset: Int
    var message: String
    var hint: String?
}

/// What one pass over a range of records produced.
struct ChunkResult {
    var sinks: [FieldSink]
    var rows = 0
    var blankLines = 0
    /// Where reading stopped: the start of the first record (or blank line) not read.
    var resume = 0
    /// Columns whose values did not fit their type.
    var misfits = Set<Int>()
    /// Rejected records (all of them in skip mode; the first stops a strict pass).
    var rejected: [RecordError] = []
    var stoppedOnError = false
}

/// Reads records into per-column sinks.
struct RecordLoop {
    let tokenizer: CSVTokenizer
    let width: Int
    let nulls: NullMarkers
    let skipBadRecords: Bool
    let maxFieldBytes: Int
    let control: LoadControl?
    /// For columns whose type was declared (`with columns`): its name, so a misfit is an error.
    var declared: [String?] = []

    /// Reads the records that start in `start..<stop` (the last may run past `stop`), at most `maxRows`.
    func run(from start: Int, stop: Int, maxRows: Int = .max, sinks: [FieldSink], inference: Bool = false) -> ChunkResult {
        let base = tokenizer.base, end = tokenizer.end
        var result = ChunkResult(sinks: sinks)
        var failed = [Bool](repeating: false, count: width)
        var scratch: [UInt8] = []
        var p = start
        var reported = start
        var reportedRows = 0
        let inferenceSinks = inference ? sinks.map { $0 as? InferenceSink } : []
        records: while p < end && p < stop && result.rows < maxRows {
            if let blank = tokenizer.blankLineEnd(p) {
                p = tokenizer.skipLineEnd(blank)
                if blank == end { break }
                result.blankLines += 1
                continue
            }
            if let control, p - reported > 1 << 20 {
                control.advance(p - reported, records: result.rows - reportedRows)
                reported = p
                reportedRows = result.rows
                if control.isCancelled { break }
            }
            var column = 0
            var firstExtraField = 0
            var error: RecordError? = nil
            fields: while true {
                let (field, stopReason) = tokenizer.scanField(&p)
                if case .error(let offset, let message, let hint) = stopReason {
                    error = RecordError(offset: offset, message: message, hint: hint)
                    break fields
                }
                if column < width && error == nil {
                    let length = field.end - field.start
                    if length > maxFieldBytes {
                        error = RecordError(offset: field.start, message: "a field of \(length) bytes is longer than the limit of \(maxFieldBytes)",
                                            hint: "a quote may be missing its partner; otherwise split the field")
                    } else if failed[column] {
                        sinks[column].appendNull()
                    } else if length == 0 || (!field.quoted && nulls.matches(base + field.start, length)) {
                        sinks[column].appendNull()
                    } else {
                        if inference { inferenceSinks[column]!.currentOffset = field.start }
                        let outcome = tokenizer.withBytes(of: field, scratch: &scratch) { sinks[column].append($0, $1) }
                        switch outcome {
                        case .stored: break
                        case .misfit where column < declared.count && declared[column] != nil:
                            let text = tokenizer.withBytes(of: field, scratch: &scratch) { String(decoding: UnsafeBufferPointer(start: $0, count: $1), as: UTF8.self) }
                            error = RecordError(offset: field.start, message: "'\(text)' is not \(declared[column]!)",
                                                hint: "fix the value, or declare the column as text")
                        case .misfit:
                            failed[column] = true
                            result.misfits.insert(column)
                            sinks[column].appendNull()
                        case .invalidUTF8(let at):
                            let offset = field.escaped ? field.start : field.start + at
                            error = RecordError(offset: offset, message: "invalid UTF-8 byte 0x\(String(base[offset], radix: 16, uppercase: true))",
                                                hint: "patron reads UTF-8; convert the file first, e.g. iconv -f latin1 -t utf-8")
                        }
                    }
                } else if column == width {
                    firstExtraField = field.quoted ? field.start - 1 : field.start
                }
                column += 1
                if case .recordEnd = stopReason { break fields }
            }
            if error == nil && column < width {
                error = RecordError(offset: p, message: "expected \(width) fields, found \(column)",
                                    hint: "every record needs a value (or an empty field) for each of the \(width) columns")
            } else if error == nil && column > width {
                error = RecordError(offset: firstExtraField, message: "expected \(width) fields, found \(column)",
                                    hint: "quote fields that contain the delimiter")
            }
            if let error {
                for sink in sinks where sink.count > result.rows { sink.truncate(to: result.rows) }
                result.rejected.append(error)
                if !skipBadRecords {
                    result.stoppedOnError = true
                    break records
                }
                // Resume on the next line; an unterminated quote rejects only the line it opens on.
                let resumeFrom = error.message == "unterminated quoted field" ? error.offset : p
                p = tokenizer.skipLineEnd(tokenizer.nextLineEnd(resumeFrom))
                continue records
            }
            result.rows += 1
            p = tokenizer.skipLineEnd(p)
        }
        result.resume = p
        control?.advance(p - reported, records: result.rows - reportedRows)
        return result
    }
}

/// The field texts read as null.
struct NullMarkers {
    let markers: [[UInt8]]

    init(_ strings: [String]) {
        markers = strings.map { Array($0.utf8) }.filter { !$0.isEmpty }
    }

    @inline(__always)
    func matches(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for marker in markers where marker.count == n {
            var same = true
            for i in 0..<n where marker[i] != p[i] { same = false; break }
            if same { return true }
        }
        return false
    }
}
