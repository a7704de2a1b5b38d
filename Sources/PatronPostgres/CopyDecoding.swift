import PatronStore

/// Reads PostgreSQL's binary COPY format from one CopyData message: big-endian numbers, every
/// read checked against the message's end.
struct CopyReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    static let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]

    static func broken(_ what: String) -> PostgresError {
        PostgresError(.data, "the server's COPY data is not as expected: \(what)", hints: ["this is a bug in patron or an unusual server; please report it"])
    }

    mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws(PostgresError) -> T {
        let size = MemoryLayout<T>.size
        guard position + size <= bytes.count else { throw Self.broken("a message ends inside a number") }
        var value: T = 0
        for i in 0..<size { value = value << 8 | T(bytes[position + i]) }
        position += size
        return value
    }

    /// The file header, at the start of the first message.
    mutating func skipHeader() throws(PostgresError) {
        guard bytes.count >= 19, Self.signature.indices.allSatisfy({ bytes[$0] == Self.signature[$0] }) else { throw Self.broken("no PGCOPY signature") }
        position = 11
        _ = try integer(Int32.self)
        let extensionLength = Int(try integer(Int32.self))
        guard extensionLength >= 0, position + extensionLength <= bytes.count else { throw Self.broken("a header extension past the message") }
        position += extensionLength
    }

    /// The tuples in the rest of the message, each value into its column; returns how many.
    mutating func readTuples(into decoders: [ColumnDecoder]) throws(PostgresError) -> Int {
        var rows = 0
        while position < bytes.count {
            let fields = Int(try integer(Int16.self))
            if fields == -1 { break }
            guard fields == decoders.count else { throw Self.broken("a row of \(fields) fields for \(decoders.count) columns") }
            for decoder in decoders {
                let length = Int(try integer(Int32.self))
                if length < 0 {
                    decoder.appendNull()
                    continue
                }
                guard position + length <= bytes.count, let base = bytes.baseAddress else { throw Self.broken("a value past the message") }
                try decoder.append(UnsafeRawBufferPointer(start: base + position, count: length))
                position += length
            }
            rows += 1
        }
        return rows
    }
}

/// Decodes one column's binary values into the store's column buffers.
final class ColumnDecoder {
    enum Kind {
        case integer(bytes: Int)
        /// numeric(p, s) with p ≤ 18: mantissas at scale s; nil: unconstrained, scale from the values.
        case numeric(scale: Int?)
        /// A numeric too wide for patron's decimals, kept as its text.
        case numericText
        case float(bytes: Int)
        case text
        case jsonb
        case boolean
        case date
        case timestamp
        case uuid
    }

    let column: ServerColumn
    let kind: Kind
    private var nulls = NullBitmap()
    private var integers: [Int64] = []
    private var scales: [Int16] = []
    private var doubles: [Double] = []
    private var booleans: [Bool] = []
    private var days: [Int32] = []
    private var dictionary = TextDictionaryBuilder()
    private var codes = TextCodes.Builder(capacity: 0)

    /// Days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.
    static let epochDays: Int32 = 10_957
    static let epochMicros: Int64 = 946_684_800_000_000

    /// A decoder for a column of the server's type, or an error naming the column and its type.
    init(_ column: ServerColumn, options: ServerLoadOptions) throws(PostgresError) {
        self.column = column
        switch column.oid {
        case 21: kind = .integer(bytes: 2)
        case 23: kind = .integer(bytes: 4)
        case 20: kind = .integer(bytes: 8)
        case 1700:
            if column.typmod < 4 {
                kind = .numeric(scale: nil)
            } else {
                let precision = Int((column.typmod - 4) >> 16 & 0xFFFF), scale = Int((column.typmod - 4) & 0xFFFF)
                // Up to 19 digits: each value is checked against the 64-bit mantissa as it comes.
                if precision > 19 {
                    guard options.wideNumericAsText else {
                        throw PostgresError(.data, "column '\(column.name)' is \(column.typeName) on the server: wider than patron's decimals (19 digits)",
                                            hints: ["load it as text: … with wide_numeric text", "or narrow it in a query: load from CONNECTION query \"SELECT \(column.name)::numeric(18,\(scale)) …\""])
                    }
                    kind = .numericText
                } else {
                    kind = .numeric(scale: scale)
                }
            }
        case 700: kind = .float(bytes: 4)
        case 701: kind = .float(bytes: 8)
        case 25, 1043, 1042, 19, 114: kind = .text
        case 3802: kind = .jsonb
        case 16: kind = .boolean
        case 1082: kind = .date
        case 1114, 1184: kind = .timestamp
        case 2950: kind = .uuid
        default:
            guard column.baseName == "citext" else {
                throw PostgresError(.data, "column '\(column.name)' is \(column.typeName) on the server, which patron cannot hold",
                                    hints: ["cast it in a query: load from CONNECTION query \"SELECT \(column.name)::text, … FROM …\""])
            }
            kind = .text
        }
    }

    /// Room for `rows` values, so the buffers grow once.
    func reserve(_ rows: Int) {
        switch kind {
        case .integer, .numeric(scale: _?), .timestamp: integers.reserveCapacity(rows)
        case .numeric(nil): integers.reserveCapacity(rows); scales.reserveCapacity(rows)
        case .float: doubles.reserveCapacity(rows)
        case .text, .jsonb, .uuid, .numericText: codes.reserve(rows)
        case .boolean: booleans.reserveCapacity(rows)
        case .date: days.reserveCapacity(rows)
        }
    }

    func appendNull() {
        nulls.append(isNull: true)
        switch kind {
        case .integer, .numeric: integers.append(0); scales.append(0)
        case .float: doubles.append(0)
        case .text, .jsonb, .uuid, .numericText: codes.append(0)
        case .boolean: booleans.append(false)
        case .date: days.append(0)
        case .timestamp: integers.append(0)
        }
    }

    /// The error for a value that does not fit.
    func misfit(_ why: String) -> PostgresError {
        PostgresError(.data, "a value of column '\(column.name)' (\(column.typeName)) \(why)",
                      hints: ["convert it in a query: load from CONNECTION query \"SELECT … FROM …\""])
    }

    func append(_ value: UnsafeRawBufferPointer) throws(PostgresError) {
        var reader = CopyReader(value)
        nulls.append(isNull: false)
        switch kind {
        case .integer(let size):
            guard value.count == size else { throw CopyReader.broken("an integer of \(value.count) bytes") }
            switch size {
            case 2: integers.append(Int64(try reader.integer(Int16.self)))
            case 4: integers.append(Int64(try reader.integer(Int32.self)))
            default: integers.append(try reader.integer(Int64.self))
            }
        case .numeric(let scale):
            let (mantissa, dscale) = try numeric(&reader)
            if let scale {
                guard let m = rescale(mantissa, from: dscale, to: scale) else { throw misfit("does not fit in 18 digits") }
                integers.append(m)
            } else {
                guard dscale <= 18, let m = Int64(exactly: mantissa) else { throw misfit("does not fit in 18 digits") }
                integers.append(m)
                scales.append(Int16(dscale))
            }
        case .numericText:
            let text = try numericText(&reader)
            codes.append(dictionary.code(of: text))
        case .float(let size):
            doubles.append(size == 4 ? Double(Float(bitPattern: try reader.integer(UInt32.self))) : Double(bitPattern: try reader.integer(UInt64.self)))
        case .text, .uuid, .jsonb:
            if case .uuid = kind {
                guard value.count == 16 else { throw CopyReader.broken("a uuid of \(value.count) bytes") }
                let hex = value.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }
                let text = [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { hex[$0].joined() }.joined(separator: "-")
                codes.append(dictionary.code(of: text))
            } else {
                // jsonb: a version byte, then the JSON text.
                let start = { if case .jsonb = kind { return 1 } else { return 0 } }()
                guard value.count >= start else { throw CopyReader.broken("an empty jsonb value") }
                let bytes = value.bindMemory(to: UInt8.self)
                var end = bytes.count
                // char(n): its padding is not part of the value (PostgreSQL drops it when the value
                // becomes text, and compares without it), so 'ab  ' loads as 'ab'.
                if column.isPadded { while end > start, bytes[end - 1] == 0x20 { end -= 1 } }
                codes.append(dictionary.code(of: UnsafeBufferPointer(rebasing: bytes[start..<end])))
            }
        case .boolean:
            guard value.count == 1 else { throw CopyReader.broken("a boolean of \(value.count) bytes") }
            booleans.append(value[0] != 0)
        case .date:
            let day = try reader.integer(Int32.self)
            guard day != .max, day != .min, let shifted = Int32(exactly: Int64(day) + Int64(Self.epochDays)) else { throw misfit("is an infinite date") }
            days.append(shifted)
        case .timestamp:
            let micros = try reader.integer(Int64.self)
            guard micros != .max, micros != .min else { throw misfit("is an infinite timestamp") }
            let (shifted, overflow) = micros.addingReportingOverflow(Self.epochMicros)
            guard !overflow else { throw misfit("is out of range") }
            integers.append(shifted)
        }
    }

    /// A binary numeric as an exact mantissa at its display scale.
    func numeric(_ reader: inout CopyReader) throws(PostgresError) -> (Int128, Int) {
        let count = Int(try reader.integer(Int16.self)), weight = Int(try reader.integer(Int16.self))
        let sign = try reader.integer(UInt16.self), dscale = Int(try reader.integer(Int16.self))
        guard sign == 0 || sign == 0x4000 else { throw misfit("is not a number (NaN or infinity)") }
        guard dscale >= 0, dscale <= 1000, count >= 0 else { throw CopyReader.broken("a numeric's header") }
        // value = Σ digit[i] × 10000^(weight − i); scaled by 10^dscale it is a whole number.
        // Each digit is base 10,000: anything else is not what a server sends.
        var mantissa: Int128 = 0
        var overflow = false
        func multiply(_ by: Int128) {
            let (m, o) = mantissa.multipliedReportingOverflow(by: by)
            mantissa = m
            overflow = overflow || o
        }
        var exponent = 0   // the power of 10 the digits so far are at, relative to 10^-dscale
        for i in 0..<count {
            let digit = Int128(try reader.integer(Int16.self))
            guard (0...9_999).contains(digit) else { throw CopyReader.broken("a numeric digit outside 0…9999") }
            multiply(10_000)
            let (m, o) = mantissa.addingReportingOverflow(digit)
            mantissa = m
            overflow = overflow || o
            exponent = 4 * (weight - i)
        }
        // The last digit group sits at 10^exponent; bring the whole to 10^-dscale.
        var shift = count == 0 ? 0 : exponent + dscale
        if shift >= 0 {
            while shift > 0 { multiply(10); shift -= 1 }
        } else {
            while shift < 0 { mantissa /= 10; shift += 1 }
        }
        guard !overflow else { throw misfit("does not fit in 38 digits") }
        return (sign == 0x4000 ? -mantissa : mantissa, dscale)
    }

    /// A binary numeric as its text, for numerics too wide for patron's decimals.
    func numericText(_ reader: inout CopyReader) throws(PostgresError) -> String {
        let count = Int(try reader.integer(Int16.self)), weight = Int(try reader.integer(Int16.self))
        let sign = try reader.integer(UInt16.self), dscale = Int(try reader.integer(Int16.self))
        guard sign == 0 || sign == 0x4000 else { return sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity" : "-Infinity" }
        guard dscale >= 0, dscale <= 1000, count >= 0 else { throw CopyReader.broken("a numeric's header") }
        var groups: [Int] = []
        for _ in 0..<count {
            let group = Int(try reader.integer(Int16.self))
            guard (0...9_999).contains(group) else { throw CopyReader.broken("a numeric digit outside 0…9999") }
            groups.append(group)
        }
        // Integer part: groups at weights weight…0; fraction: weights −1, −2, ….
        var integer = ""
        if weight < 0 { integer = "0" } else {
            for w in stride(from: weight, through: 0, by: -1) {
                let g = weight - w < groups.count ? groups[weight - w] : 0
                integer += integer.isEmpty ? String(g) : String(repeating: "0", count: 4 - String(g).count) + String(g)
            }
        }
        var fraction = ""
        var w = -1
        while fraction.count < dscale {
            let index = weight - w
            let g = index >= 0 && index < groups.count ? groups[index] : 0
            fraction += String(repeating: "0", count: 4 - String(g).count) + String(g)
            w -= 1
        }
        fraction = String(fraction.prefix(dscale))
        return (sign == 0x4000 ? "-" : "") + integer + (dscale > 0 ? "." + fraction : "")
    }

    /// `mantissa / 10^from` as a mantissa at scale `to`, when exact and within 64 bits.
    func rescale(_ mantissa: Int128, from: Int, to: Int) -> Int64? {
        var m = mantissa
        if to >= from {
            for _ in from..<to {
                let (next, overflow) = m.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                m = next
            }
        } else {
            for _ in to..<from {
                guard m % 10 == 0 else { return nil }
                m /= 10
            }
        }
        return Int64(exactly: m)
    }

    /// The finished column, with where its type came from.
    func finish() throws(PostgresError) -> Column {
        let evidence = TypeEvidence.server(type: column.typeName, note: nil)
        switch kind {
        case .integer:
            return Column(name: column.name, storage: .integer(integers), nulls: nulls, evidence: evidence)
        case .numeric(let scale?):
            return Column(name: column.name, storage: .decimal(integers, scale: scale), nulls: nulls, evidence: evidence)
        case .numeric(nil):
            let scale = Int(scales.max() ?? 0)
            var values = [Int64](repeating: 0, count: integers.count)
            for i in integers.indices {
                guard let m = rescale(Int128(integers[i]), from: Int(scales[i]), to: scale) else {
                    throw misfit("does not fit in 18 digits at \(scale) decimals, the most any value has")
                }
                values[i] = m
            }
            return Column(name: column.name, storage: .decimal(values, scale: scale), nulls: nulls,
                          evidence: .server(type: column.typeName, note: "\(scale) \(scale == 1 ? "decimal" : "decimals"), the most any value has"))
        case .float:
            return try floats(evidence: evidence)
        case .text, .jsonb, .uuid, .numericText:
            return Column(name: column.name, storage: .text(codes: codes.build(), dictionary: dictionary.strings()),
                          nulls: nulls, evidence: kind.isWideNumeric ? .server(type: column.typeName, note: "kept as text: wider than patron's decimals")
                                                    : column.isPadded ? .server(type: column.typeName, note: "without its padding, as PostgreSQL compares it") : evidence)
        case .boolean:
            return Column(name: column.name, storage: .boolean(booleans), nulls: nulls, evidence: evidence)
        case .date:
            return Column(name: column.name, storage: .date(days), nulls: nulls, evidence: evidence)
        case .timestamp:
            return Column(name: column.name, storage: .timestamp(integers), nulls: nulls, evidence: evidence)
        }
    }

    /// Floating-point values as exact decimals: each value's shortest decimal form, at the most
    /// decimals any value needs (as a file's numbers are read).
    func floats(evidence: TypeEvidence) throws(PostgresError) -> Column {
        var parsed: [(Int128, Int)] = []
        parsed.reserveCapacity(doubles.count)
        for (row, v) in doubles.enumerated() {
            if nulls.contains(row) { parsed.append((0, 0)); continue }
            guard v.isFinite else { throw misfit("is not a finite number") }
            // A real's shortest form is its own (0.1, not the double 0.10000000149011612).
            let text = { if case .float(4) = kind { return "\(Float(v))" } else { return "\(v)" } }()
            guard let exact = Self.shortestDecimal(text) else { throw misfit("does not fit in 18 digits") }
            parsed.append(exact)
        }
        let scale = parsed.map(\.1).max() ?? 0
        var values: [Int64] = []
        values.reserveCapacity(parsed.count)
        for (m, s) in parsed {
            guard scale <= 18, let value = rescale(m, from: s, to: scale) else { throw misfit("needs more than 18 digits as a decimal (\(scale) decimals)") }
            values.append(value)
        }
        return Column(name: column.name, storage: .decimal(values, scale: scale), nulls: nulls,
                      evidence: .server(type: column.typeName, note: "read as decimals with up to \(scale) \(scale == 1 ? "place" : "places")"))
    }

    /// A number's shortest decimal text (`1.5`, `1e-05`) as a mantissa and a scale.
    static func shortestDecimal(_ shortest: String) -> (Int128, Int)? {
        var text = shortest
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        var scale = 0
        if let dot = text.firstIndex(of: ".") {
            scale = text.distance(from: dot, to: text.endIndex) - 1
            text.remove(at: dot)
        }
        scale -= exponent
        // Past 38 digits no Int128 holds it (1e300 from a double): a value patron cannot hold.
        guard scale >= -38, var mantissa = Int128(text) else { return nil }
        while scale < 0 {
            let (shifted, overflow) = mantissa.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            mantissa = shifted
            scale += 1
        }
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10
            scale -= 1
        }
        return (negative ? -mantissa : mantissa, scale)
    }
}

extension ColumnDecoder.Kind {
    var isWideNumeric: Bool { if case .numericText = self { return true } else { return false } }
}

/// Binary COPY decoded without a server: the fuzz target's way into the decoders, and the tests'.
public enum CopyDecoding {
    /// A column as a server would describe it: its type's number (OID), modifier and name.
    public struct ColumnType: Sendable {
        public let oid: UInt32, typmod: Int32, typeName: String
        public init(oid: UInt32, typmod: Int32 = -1, typeName: String) { (self.oid, self.typmod, self.typeName) = (oid, typmod, typeName) }
    }

    /// Decodes one message of binary COPY data (header, tuples, trailer) into a table, as a load
    /// from a server would; an error for data no server sends or values patron cannot hold.
    public static func decode(_ columns: [ColumnType], message: [UInt8], options: ServerLoadOptions = ServerLoadOptions()) throws(PostgresError) -> Table {
        let decoders = try columns.enumerated().map { index, type throws(PostgresError) in
            try ColumnDecoder(ServerColumn(name: "c\(index + 1)", oid: type.oid, typmod: type.typmod, typeName: type.typeName, baseName: type.typeName), options: options)
        }
        var rows = 0
        let result: Result<Int, PostgresError> = message.withUnsafeBytes { bytes in
            var reader = CopyReader(bytes)
            do throws(PostgresError) {
                try reader.skipHeader()
                return .success(try reader.readTuples(into: decoders))
            } catch {
                return .failure(error)
            }
        }
        rows = try result.get()
        var built: [Column] = []
        for decoder in decoders { built.append(try decoder.finish()) }
        let table = Table(name: "copy", columns: built, rowCount: rows, origin: .server("fuzz"))
        table.checkInvariants()
        return table
    }
}
