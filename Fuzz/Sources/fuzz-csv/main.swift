import FuzzSupport

/// Delimited files (CSV, TSV, semicolon, pipe, whitespace-aligned) with fuzzed load options: the
/// first two bytes choose the delimiter, header, error mode, separators and null markers. A load
/// either gives a table whose every column is as long as the table, or an error; then the table is
/// described, profiled and summarized, which reads every column.
func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data.map(UnsafeRawPointer.init) else { return 0 }
    guard count >= 2 else { return 0 }
    let a = start.load(as: UInt8.self), b = start.load(fromByteOffset: 1, as: UInt8.self)
    var options = LoadOptions()
    switch a & 7 {
    case 1: options.delimiter = .byte(UInt8(ascii: ","))
    case 2: options.delimiter = .byte(UInt8(ascii: "\t"))
    case 3: options.delimiter = .byte(UInt8(ascii: ";"))
    case 4: options.delimiter = .byte(UInt8(ascii: "|"))
    case 5: options.delimiter = .whitespace
    default: break
    }
    if a & 8 != 0 { options.header = a & 16 != 0 }
    options.skipBadRecords = a & 32 != 0
    if a & 64 != 0 { options.thousandsSeparator = UInt8(ascii: ","); options.decimalMark = UInt8(ascii: ".") }
    if a & 128 != 0 { options.thousandsSeparator = UInt8(ascii: "."); options.decimalMark = UInt8(ascii: ",") }
    if b & 1 != 0 { options.nullMarkers = ["-", ""] }
    options.threads = 1 + Int(b >> 7)
    options.maxFieldBytes = b & 2 != 0 ? 64 : options.maxFieldBytes
    let bytes = Fuzz.bytes(start + 2, count - 2)
    do throws(LoadError) {
        let report = try Table.load(bytes: bytes, path: "fuzz.csv", name: "fuzz", options: options)
        report.table.checkInvariants()
        let session = Fuzz.session()
        session.adopt(report.table)
        Fuzz.run("describe fuzz\nsummarize fuzz\nshow fuzz", in: session)
    } catch {
        _ = error.message
    }
    return 0
}

Fuzz.drive(fuzzCSV)
