import FuzzSupport

/// JSON Lines and JSON documents: any bytes either load into a table with one column per key, each
/// as long as the table, or stop with an error at a line; the first byte chooses whether bad lines
/// are skipped and whether the bytes are a `.jsonl` or a `.json` file.
func fuzzJSONL(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data.map(UnsafeRawPointer.init) else { return 0 }
    guard count >= 1 else { return 0 }
    var options = LoadOptions()
    options.skipBadRecords = start.load(as: UInt8.self) & 1 != 0
    do throws(LoadError) {
        let report = try Table.loadJSONLines(bytes: Fuzz.bytes(start + 1, count - 1), path: start.load(as: UInt8.self) & 2 != 0 ? "fuzz.json" : "fuzz.jsonl", name: "fuzz", options: options)
        report.table.checkInvariants()
        let session = Fuzz.session()
        session.adopt(report.table)
        Fuzz.run("describe fuzz\nsummarize fuzz", in: session)
    } catch {
        _ = error.message
    }
    return 0
}

Fuzz.drive(fuzzJSONL)
