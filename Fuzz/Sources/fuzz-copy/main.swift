import FuzzSupport
import PatronPostgres

/// PostgreSQL's binary COPY decoding: the first bytes choose up to four column types (integers,
/// numerics at several scales, floats, text, boolean, dates, timestamps, uuid, json, and a type
/// patron refuses), the rest is the COPY message. A message either decodes into a table whose
/// columns are as long as it, or gives an error; never a crash.
let types: [CopyDecoding.ColumnType] = [
    .init(oid: 21, typeName: "smallint"), .init(oid: 23, typeName: "integer"), .init(oid: 20, typeName: "bigint"),
    .init(oid: 1700, typeName: "numeric"), .init(oid: 1700, typmod: (12 << 16 | 2) + 4, typeName: "numeric(12,2)"),
    .init(oid: 1700, typmod: (38 << 16 | 10) + 4, typeName: "numeric(38,10)"), .init(oid: 700, typeName: "real"),
    .init(oid: 701, typeName: "double precision"), .init(oid: 25, typeName: "text"), .init(oid: 1043, typeName: "character varying"),
    .init(oid: 16, typeName: "boolean"), .init(oid: 1082, typeName: "date"), .init(oid: 1114, typeName: "timestamp without time zone"),
    .init(oid: 1184, typeName: "timestamp with time zone"), .init(oid: 2950, typeName: "uuid"), .init(oid: 114, typeName: "json"),
    .init(oid: 3802, typeName: "jsonb"), .init(oid: 600, typeName: "point"),
]

func fuzzCopy(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data.map(UnsafeRawPointer.init) else { return 0 }
    guard count >= 2 else { return 0 }
    let first = start.load(as: UInt8.self)
    let width = Int(first & 3) + 1
    guard count > width else { return 0 }
    let columns = (0..<width).map { types[Int(start.load(fromByteOffset: 1 + $0, as: UInt8.self)) % types.count] }
    let options = ServerLoadOptions(wideNumericAsText: first & 4 != 0)
    // A valid header in front when asked, so the tuples are reached more often.
    var message = Fuzz.bytes(start + 1 + width, count - 1 - width)
    if first & 8 != 0 { message = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0] + message }
    do throws(PostgresError) {
        let table = try CopyDecoding.decode(columns, message: message, options: options)
        table.checkInvariants()
    } catch {
        _ = error.message
    }
    return 0
}

Fuzz.drive(fuzzCopy)
