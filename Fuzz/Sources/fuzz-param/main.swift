import FuzzSupport

/// `--param` values: any text is read as a number, a date, true/false or text, then used where a
/// script would use it (compared with numbers, dates and text, in arithmetic and in level words).
func fuzzParam(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start = data.map(UnsafeRawPointer.init) else { return 0 }
    let text = Fuzz.text(start, count)
    let value = Session.parameterValue(text)
    let session = Fuzz.session()
    session.parameters = ["x": value]
    Fuzz.run("""
        segment where profit > $x
        segment where since < $x or name = $x
        let y = $x + 1
        segment where profit * $x > 10
        """, in: session)
    return 0
}

Fuzz.drive(fuzzParam)
