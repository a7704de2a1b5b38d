import Foundation

/// A record the loader rejected, for the report.
public struct RejectedRecord: Sendable, Equatable {
    /// Its line number.
    public let line: Int
    /// Why.
    public let message: String

    /// Creates a rejected-record entry.
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}

/// The outcome of loading a file: the table and what the loader noticed on the way.
public struct LoadReport: Sendable {
    /// The loaded table.
    public let table: Table
    /// Warnings, such as renamed headers or numbers kept as text.
    public let warnings: [String]
    /// Blank lines skipped.
    public let blankLines: Int
    /// How many records were rejected (with `on_error skip`).
    public let rejectedCount: Int
    /// The first rejected records, at most ten.
    public let rejected: [RejectedRecord]
    /// The dialect used: the delimiter and whether there was a header.
    public let dialect: String
    /// The delimiter a delimited file was read with (given or sniffed), and whether its first
    /// record was a header: what a compiled script's reader must be told to read it the same way.
    public var delimiter: LoadOptions.Delimiter? = nil
    public var header = true

    /// A report; `dialect` says how the rows were read.
    public init(table: Table, warnings: [String] = [], blankLines: Int = 0, rejectedCount: Int = 0, rejected: [RejectedRecord] = [], dialect: String) {
        self.table = table
        self.warnings = warnings
        self.blankLines = blankLines
        self.rejectedCount = rejectedCount
        self.rejected = rejected
        self.dialect = dialect
    }
}

extension Table {
    /// The most columns a load makes (a JSON Lines file may bring a new key on every line).
    public static let maxColumns = 2_048
    /// The most columns a delimited file may have (every record holds every field, so memory
    /// grows with the data; the batches of field offsets grow with the width).
    public static let maxDelimitedColumns = 10_000

    /// Loads a delimited text file (CSV, TSV, semicolon, pipe or whitespace-aligned), sniffing
    /// what `options` leave open, and parsing bytes straight into column buffers on all threads.
    public static func load(path: String, name: String, options: LoadOptions = LoadOptions(), control: LoadControl? = nil) throws(LoadError) -> LoadReport {
        // Whether it can fit is known from its size, before it is mapped.
        if let size = MappedFile.size(of: path) { try MemoryBudget.check(loading: path, size: size, factor: 0.1) }
        let file = try MappedFile(path: path)
        control?.total.store(file.count, ordering: .relaxed)
        return try DelimitedLoad(file: file, path: path, name: name, options: options, control: control).run()
    }

    /// Loads delimited text held in memory, as `load(path:)` loads a file (the fuzz targets' way in);
    /// `path` only names it in messages.
    public static func load(bytes: [UInt8], path: String, name: String, options: LoadOptions = LoadOptions()) throws(LoadError) -> LoadReport {
        try DelimitedLoad(file: MappedFile(bytes: bytes), path: path, name: name, options: options, control: nil).run()
    }

    /// JSON Lines (or, for a `path` ending in `.json`, a JSON document) held in memory, as
    /// `loadJSONLines(path:)` loads a file.
    public static func loadJSONLines(bytes: [UInt8], path: String, name: String, options: LoadOptions = LoadOptions()) throws(LoadError) -> LoadReport {
        let load = JSONLinesLoad(file: MappedFile(bytes: bytes), path: path, name: name, options: options, control: nil)
        return try isJSONDocument(path: path) ? load.runDocument() : load.run()
    }

    /// Loads a comma-separated file with the default options (kept for the callers of the first version).
    public static func loadCSV(path: String, name: String) throws(LoadError) -> LoadReport {
        try load(path: path, name: name)
    }
}

/// A read-only memory map of a whole file.
final class MappedFile: @unchecked Sendable {
    let base: UnsafePointer<UInt8>
    let count: Int
    private let mapping: UnsafeMutableRawPointer?
    /// The copy held for bytes given in memory.
    private let owned: UnsafeMutablePointer<UInt8>?
    nonisolated(unsafe) private static let empty = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    init(path: String) throws(LoadError) {
        // Not blocking on open: a FIFO with no writer yet reads as empty instead of hanging.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw LoadError(kind: .missingFile, path: path, message: code == ENOENT ? "no such file '\(path)'" : "cannot open '\(path)': \(String(cString: strerror(code)))",
                            hint: code == ENOENT ? "check the path; it is relative to the folder patron was started in" : nil)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LoadError(kind: .missingFile, path: path, message: "cannot read '\(path)'") }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw LoadError(kind: .missingFile, path: path, message: "'\(path)' is a folder, not a file")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        if (info.st_mode & S_IFMT) != S_IFREG || info.st_size == 0 {
            // A pipe, a device or a /proc file has no size to map: it is read to its end, up to
            // 4 GB or a quarter of the memory left (so /dev/zero is an error, not a hang).
            let limit = min(4 << 30, MemoryBudget.available().map { max(1 << 20, $0.bytes / 4) } ?? (4 << 30))
            var buffer: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw LoadError(kind: .missingFile, path: path, message: "cannot read '\(path)': \(String(cString: strerror(errno)))") }
                if n == 0 { break }
                buffer.append(contentsOf: chunk[0..<n])
                guard buffer.count <= limit else {
                    throw LoadError(path: path, message: "'\(path)' goes on past \(MemoryBudget.describe(limit)), more than patron can hold",
                                    hint: "load a regular file, or a part: head -c 100M '\(path)' > part.csv")
                }
            }
            count = buffer.count
            mapping = nil
            if buffer.isEmpty {
                owned = nil
                base = UnsafePointer(Self.empty)
            } else {
                let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: buffer.count)
                copy.initialize(from: buffer, count: buffer.count)
                owned = copy
                base = UnsafePointer(copy)
            }
            return
        }
        count = Int(info.st_size)
        owned = nil
        if count == 0 {
            mapping = nil
            base = UnsafePointer(Self.empty)
            return
        }
        guard let m = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), m != MAP_FAILED else {
            throw LoadError(kind: .missingFile, path: path, message: "cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
        _ = madvise(m, count, MADV_SEQUENTIAL)
        mapping = m
        base = UnsafePointer(m.assumingMemoryBound(to: UInt8.self))
    }

    /// The size of a regular file, nil when it is not one (or cannot be read).
    static func size(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// A copy of `bytes`, held as a mapped file is.
    init(bytes: [UInt8]) {
        count = bytes.count
        mapping = nil
        guard !bytes.isEmpty else {
            base = UnsafePointer(Self.empty)
            owned = nil
            return
        }
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        copy.initialize(from: bytes, count: bytes.count)
        owned = copy
        base = UnsafePointer(copy)
    }

    deinit {
        if let mapping { munmap(mapping, count) }
        owned?.deallocate()
    }

    /// The 1-based line number of byte `offset` (LF, CRLF and CR each end a line).
    func lineNumber(at offset: Int) -> (line: Int, lineStart: Int) {
        var line = 1, lineStart = 0
        var i = 0
        let limit = min(offset, count)
        while i < limit {
            let b = base[i]
            if b == 10 || (b == 13 && !(i + 1 < count && base[i + 1] == 10)) {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        return (line, lineStart)
    }

    /// A record error with its line number and the text of its line.
    func positioned(_ error: RecordError, path: String) -> LoadError {
        let (line, lineStart) = lineNumber(at: error.offset)
        return LoadError(path: path, line: line, byteOffset: error.offset - lineStart, lineText: lineText(from: lineStart),
                         message: error.message, hint: error.hint)
    }

    /// Refuses a file that starts with a UTF-16 byte-order mark; returns where the data starts
    /// (after a UTF-8 byte-order mark, if there is one).
    func utf8Start(path: String) throws(LoadError) -> Int {
        if count >= 2 && ((base[0] == 0xFF && base[1] == 0xFE) || (base[0] == 0xFE && base[1] == 0xFF)) {
            throw LoadError(path: path, line: 1, lineText: "", message: "the file is UTF-16 (byte-order mark \(base[0] == 0xFF ? "FF FE" : "FE FF")), not UTF-8",
                            hint: "convert it first: iconv -f UTF-16 -t UTF-8 '\(path)' > converted")
        }
        return count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF ? 3 : 0
    }

    /// The text of the line starting at `start`.
    func lineText(from start: Int) -> String {
        var end = start
        while end < count && base[end] != 10 && base[end] != 13 { end += 1 }
        return String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
    }
}
