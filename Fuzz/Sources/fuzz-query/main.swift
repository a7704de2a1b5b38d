import FuzzSupport

/// Query text through the whole path (lexer, parser, binder, engine, presenter) on the demo
/// customers and their order log: any statement, in English or Chinese, must answer or explain
/// why not, never crash; exit 70 (an internal error) is a finding.
func fuzzQuery(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data.map(UnsafeRawPointer.init) else { return 0 }
    guard count > 0 else { return 0 }
    let session = Fuzz.session()
    // The first byte picks the language, so Chinese messages are fuzzed too.
    if start.load(as: UInt8.self) & 1 == 1 { session.language = .zh }
    let outcome = Fuzz.run(Fuzz.text(start + 1, count - 1), in: session)
    if outcome.status.rawValue == 70 { Fuzz.finding("an internal error") }
    return 0
}

Fuzz.drive(fuzzQuery)
