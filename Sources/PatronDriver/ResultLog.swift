import PatronRender

/// What a session keeps of what it has done: the last result (for `export result`), every result
/// with the statement that made it (for `report`), and the statements that succeeded (for `save
/// session`). One job, apart from running statements.
struct ResultLog {
    /// The last result printed, for `export result`.
    private(set) var last: Presentation? = nil
    /// The statement that answered last in words, not rows, when it is the last answer: what
    /// `export result` then says it cannot write.
    private(set) var lastInWords: String? = nil
    /// Every result printed so far with the statement that made it, for `report`.
    private(set) var sections: [HTMLReport.Section] = []
    /// The statements that succeeded at the top level, as written, for `save session`.
    private(set) var succeeded: [String] = []
    /// The statements `save session` leaves out (help, pauses, saves, quit), which it lists as comments.
    private var leftOut: [String] = []

    /// A result printed under `statement`: a table or chart becomes the last result and a
    /// report's section (the list of lessons, a menu, does not); an answer in words clears it.
    mutating func record(_ presentation: Presentation, statement: String, language: Language) {
        if presentation.isText && !presentation.isConfirmation && presentation.kind != "text" {
            last = nil
            lastInWords = statement
        }
        if !presentation.isText && !presentation.isConfirmation {
            last = presentation
            lastInWords = nil
            if presentation.kind != "lessons" { sections.append(HTMLReport.Section(statement: statement, presentation: presentation, language: language)) }
        }
    }

    /// A lesson's narration, which belongs in its handout between the results it explains.
    mutating func narrate(_ words: String, language: Language) {
        sections.append(HTMLReport.Section(statement: words, presentation: .message(words), language: language, isNarration: true))
    }

    /// A statement that succeeded at the top level; bookkeeping (help, pauses, saves) is only listed.
    mutating func succeeded(_ text: String, bookkeeping: Bool) {
        if bookkeeping { leftOut.append(text) } else { succeeded.append(text) }
    }

    /// The script `save session` writes: the statements that succeeded, in order.
    var script: String {
        var script = "# saved by patron: the statements that succeeded in this session, in order (exports and reports\n"
            + "# included: running this file writes their files again)\n"
        if !leftOut.isEmpty {
            script += "# left out, as they change no table, setting or file a replay needs: "
                + leftOut.map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "; ") + "\n"
        }
        return script + succeeded.map { $0 + "\n" }.joined()
    }
}
