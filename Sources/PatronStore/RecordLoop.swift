#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    ///
    /// Records are split into a batch of field offsets first; then each column converts its
    /// fields in one tight loop, so the per-field work is monomorphic.
    func run(from start: Int, stop: Int, maxRows: Int = .max, sinks: [FieldSink]) -> ChunkResult {
        let end = tokenizer.end
        var result = ChunkResult(sinks: sinks)
        let batch = FieldBatch(width: width, capacity: 1024)
        defer { batch.deallocate() }
        var context = BatchContext(base: tokenizer.base, nulls: nulls, declared: declared)
        var p = start
        var reported = start
        var reportedRows = 0
        reading: while true {
            batch.rows = 0
            records: while batch.rows < batch.capacity && p < end && p < stop && result.rows + batch.rows < maxRows {
                if let blank = tokenizer.blankLineEnd(p) {
                    p = tokenizer.skipLineEnd(blank)
                    if blank == end { break }
                    result.blankLines += 1
                    continue
                }
                let row = batch.rows
                batch.recordStarts[row] = p
                var column = 0
                var firstExtraField = 0
                var error: RecordError? = nil
                fields: while true {
                    let (field, stopReason) = tokenizer.scanField(&p)
                    if stopReason.rawValue > CSVTokenizer.Stop.recordEnd.rawValue {
                        error = stopReason.error(field: field, at: p)
                        break fields
                    }
                    if column < width {
                        if field.end - field.start > maxFieldBytes && error == nil {
                            error = RecordError(offset: field.start, message: "a field of \(field.end - field.start) bytes is longer than the limit of \(maxFieldBytes)",
                                                hint: "a quote may be missing its partner; otherwise split the field")
                        }
                        batch.set(column: column, row: row, field)
                    } else if column == width {
                        firstExtraField = field.quoted ? field.start - 1 : field.start
                    }
                    column += 1
                    if stopReason == .recordEnd { break fields }
                }
                if error == nil && column < width {
                    error = RecordError(offset: p, message: "expected \(width) fields, found \(column)",
                                        hint: "every record needs a value (or an empty field) for each of the \(width) columns")
                } else if error == nil && column > width {
                    error = RecordError(offset: firstExtraField, message: "expected \(width) fields, found \(column)",
                                        hint: "quote fields that contain the delimiter")
                }
                if let error {
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
                batch.rows += 1
                p = tokenizer.skipLineEnd(p)
            }
            if batch.rows > 0 { convert(batch, into: &result, context: &context) }
            // A cancelled load stops within a batch (a relaxed atomic load costs nothing here).
            if control?.isCancelled == true { break reading }
            if p - reported > 1 << 22 {
                // Pages already parsed leave this process's memory (the page cache keeps them).
                releasePages(from: reported, to: batch.rows > 0 ? batch.recordStarts[0] : p)
                control?.advance(p - reported, records: result.rows - reportedRows)
                reported = p
                reportedRows = result.rows
                if control?.isCancelled == true { break reading }
            }
            if result.stoppedOnError || !(p < end && p < stop && result.rows < maxRows) { break reading }
        }
        result.resume = p
        control?.advance(p - reported, records: result.rows - reportedRows)
        return result
    }

    /// Drops the mapped pages wholly inside `from..<to` from the resident set.
    private func releasePages(from: Int, to: Int) {
        let page = 4096
        let first = (from + page - 1) / page * page, last = to / page * page
        guard last > first else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: tokenizer.base + first), last - first, MADV_DONTNEED)
    }

    /// Hands a batch to each column; a value that cannot be stored rejects its record (or stops).
    private func convert(_ batch: FieldBatch, into result: inout ChunkResult, context: inout BatchContext) {
        while batch.rows > 0 {
            var problem: (column: Int, BatchProblem)? = nil
            for column in 0..<width {
                if let found = result.sinks[column].append(batch, column: column, context: &context) {
                    problem = (column, found)
                    break
                }
                if result.sinks[column].hasMisfit { result.misfits.insert(column) }
            }
            guard let (_, found) = problem else {
                result.rows += batch.rows
                return
            }
            for sink in result.sinks where sink.count > result.rows { sink.truncate(to: result.rows) }
            result.rejected.append(RecordError(offset: found.offset, message: found.message, hint: found.hint))
            if !skipBadRecords {
                result.stoppedOnError = true
                batch.rows = found.row
            } else {
                batch.remove(row: found.row)
            }
            if batch.rows == 0 { return }
            if result.stoppedOnError {
                for column in 0..<width { _ = result.sinks[column].append(batch, column: column, context: &context) }
                result.rows += batch.rows
                return
            }
        }
    }
}

/// Field offsets for a batch of records, column by column.
final class FieldBatch {
    let width: Int
    let capacity: Int
    var rows = 0
    let starts: UnsafeMutablePointer<Int>
    let ends: UnsafeMutablePointer<Int>
    /// Bit 0: quoted; bit 1: holds doubled quotes.
    let flags: UnsafeMutablePointer<UInt8>
    let recordStarts: UnsafeMutablePointer<Int>

    init(width: Int, capacity: Int) {
        self.width = max(1, width)
        self.capacity = capacity
        starts = .allocate(capacity: self.width * capacity)
        ends = .allocate(capacity: self.width * capacity)
        flags = .allocate(capacity: self.width * capacity)
        recordStarts = .allocate(capacity: capacity)
    }

    func deallocate() {
        starts.deallocate()
        ends.deallocate()
        flags.deallocate()
        recordStarts.deallocate()
    }

    @inline(__always) func set(column: Int, row: Int, _ field: CSVTokenizer.Field) {
        let i = column * capacity + row
        starts[i] = field.start
        ends[i] = field.end
        flags[i] = (field.quoted ? 1 : 0) | (field.escaped ? 2 : 0)
    }

    /// Drops one record from the batch.
    func remove(row: Int) {
        for column in 0..<width {
            let base = column * capacity
            for r in row..<(rows - 1) {
                starts[base + r] = starts[base + r + 1]
                ends[base + r] = ends[base + r + 1]
                flags[base + r] = flags[base + r + 1]
            }
        }
        for r in row..<(rows - 1) { recordStarts[r] = recordStarts[r + 1] }
        rows -= 1
    }
}

/// A value that could not be stored, and why.
struct BatchProblem {
    var row: Int
    var offset: Int
    var message: String
    var hint: String?
}

/// What every column's conversion loop needs besides its own state.
struct BatchContext {
    let base: UnsafePointer<UInt8>
    let nulls: NullMarkers
    /// Declared columns (`with columns`): a value that does not fit is an error naming this type.
    let declared: [String?]
    var scratch: [UInt8] = []

    init(base: UnsafePointer<UInt8>, nulls: NullMarkers, declared: [String?]) {
        self.base = base
        self.nulls = nulls
        self.declared = declared
    }

    /// Whether the field at batch index `i` is null: empty, or an unquoted null marker.
    @inline(__always) func isNull(_ batch: FieldBatch, _ i: Int) -> Bool {
        let length = batch.ends[i] - batch.starts[i]
        return length == 0 || (batch.flags[i] & 1 == 0 && nulls.matches(base + batch.starts[i], length))
    }

    /// Calls `body` with the field's bytes, doubled quotes undone when needed.
    @inline(__always) mutating func withBytes<R>(_ batch: FieldBatch, _ i: Int, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        let start = batch.starts[i], end = batch.ends[i]
        guard batch.flags[i] & 2 != 0 else { return body(base + start, end - start) }
        scratch.removeAll(keepingCapacity: true)
        var k = start
        while k < end {
            scratch.append(base[k])
            k += base[k] == UInt8(ascii: "\"") ? 2 : 1
        }
        return scratch.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
    }
}

/// The field texts read as null.
struct NullMarkers {
    let markers: [[UInt8]]
    /// Which bytes start some marker: most fields are ruled out by their first byte.
    private let firstBytes: [Bool]

    init(_ strings: [String]) {
        markers = strings.map { Array($0.utf8) }.filter { !$0.isEmpty }
        var table = [Bool](repeating: false, count: 256)
        for marker in markers { table[Int(marker[0])] = true }
        firstBytes = table
    }

    @inline(__always)
    func matches(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        guard firstBytes[Int(p[0])] else { return false }
        for marker in markers where marker.count == n {
            var same = true
            for i in 0..<n where marker[i] != p[i] { same = false; break }
            if same { return true }
        }
        return false
    }
}
