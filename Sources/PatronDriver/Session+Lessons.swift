import PatronAnalysis
import PatronRender
import PatronSyntax

extension Session {
    /// `lesson`: the built-in lessons; `lesson NAME` or `lesson "FILE"`: one, step by step.
    func lesson(name: String?, path: String?, at context: StatementContext, emit: (Output) -> Void) -> (Outcome.Status, Bool) {
        let (parsed, source) = (context.parsed, context.source)
        guard case .lesson(let nameToken, _, let pathSpan) = parsed.kind else { return (.dataError, false) }
        guard name != nil || path != nil else {
            present(lessonList(), emit: emit)
            return (.ok, false)
        }
        guard !nesting.inLesson else {
            emit(.diagnostic(rendered(Diagnostic("a lesson cannot start another lesson", at: parsed.span,
                                                                  hints: ["finish this one first (quit leaves it)"]), in: source)))
            return (.dataError, false)
        }
        let text: String, title: String, shownName: String
        if let name {
            guard let lesson = Lessons.named(name) else {
                var hints = Suggestion.closest(to: name, in: Lessons.all.map(\.name)).map { ["did you mean '\($0)'?"] } ?? []
                hints.append("lessons: " + Lessons.all.map(\.name).joined(separator: ", ") + "; type 'lesson' for the list")
                emit(.diagnostic(rendered(Diagnostic("no lesson named '\(name)'", at: nameToken?.span ?? parsed.span, hints: hints), in: source)))
                return (.dataError, false)
            }
            (text, title, shownName) = (lesson.script(language), lesson.title(language), lesson.name)
        } else {
            let file = path ?? ""
            switch Self.readScript(file) {
            case .success(let contents): (text, title, shownName) = (contents, file, file)
            case .failure(let failure):
                emit(.diagnostic(rendered(Diagnostic(failure.message, at: pathSpan ?? parsed.span, hints: failure.hints), in: source)))
                return (failure.status, false)
            }
        }
        // A lesson's levels, rules and settings are the lesson's: the session gets its own back.
        let (settings, spokenLanguage, timed) = (catalog.settings, language, timer)
        nesting.inLesson = true
        defer {
            nesting.inLesson = false
            catalog.settings = settings
            (language, timer) = (spokenLanguage, timed)
        }
        return runLesson(Source(name: path ?? "<lesson \(shownName)>", text: text), name: shownName, title: title, emit: emit)
    }

    /// The built-in lessons, a row each.
    private func lessonList() -> Presentation {
        let zh = language == .zh
        let fields = [Presentation.Field("lesson", heading: zh ? "课程" : "lesson"), Presentation.Field("title", heading: zh ? "内容" : "what it teaches"),
                      Presentation.Field("steps", heading: zh ? "步数" : "steps", .right)]
        let rows = Lessons.all.map { lesson -> [Presentation.Cell] in
            [Presentation.Cell.text(lesson.name), Presentation.Cell.text(lesson.title(language)), Presentation.Cell.count(Self.steps(of: Parser.parse(Source(name: lesson.name, text: lesson.script(language)))).count)]
        }
        let how = zh ? "lesson 名称：逐步运行一课（回车继续，back 返回上一步，quit 退出）；lesson \"文件\"：运行你自己写的课（脚本中的 say 与 pause 行）"
            : "lesson NAME runs one step by step (Enter goes on, back goes back, quit leaves); lesson \"FILE\" runs your own (a script with say and pause lines)"
        return Presentation(kind: "lessons", fields: fields, rows: rows, facts: [.init("lessons", .number(String(rows.count)))], blocks: [.table(bars: nil), .line(how)])
    }

    /// A lesson's statements in steps: the statements between pauses.
    static func steps(of parsed: ParseResult) -> [[ParsedStatement]] {
        var steps: [[ParsedStatement]] = [[]]
        for statement in parsed.statements {
            if case .pause = statement.kind { steps.append([]) } else { steps[steps.count - 1].append(statement) }
        }
        return steps.filter { !$0.isEmpty }
    }

    /// Runs a lesson's steps; at the prompt it waits after each for Enter, `back` or `quit`.
    private func runLesson(_ source: Source, name: String, title: String, emit: (Output) -> Void) -> (Outcome.Status, Bool) {
        let parsed = Parser.parse(source)
        guard parsed.diagnostics.isEmpty else {
            for diagnostic in parsed.diagnostics { emit(.diagnostic(rendered(diagnostic, in: source))) }
            return (.dataError, false)
        }
        let steps = Self.steps(of: parsed), zh = language == .zh
        present(.message(zh ? "课程 \(name)：\(title)（共 \(steps.count) 步）" : "lesson \(name): \(title) (\(steps.count) steps)"), emit: emit)
        var step = 0
        while step < steps.count {
            present(.message("── \(step + 1)/\(steps.count) ──"), emit: emit)
            let outcome = runStatements(steps[step], in: source, worst: .ok, echo: true, emit: emit)
            if outcome.status != .ok || outcome.shouldQuit { return (outcome.status, outcome.shouldQuit) }
            guard step + 1 < steps.count, let ask = lessonPause else { step += 1; continue }
            switch lessonMove(ask, emit: emit) {
            case .next: step += 1
            case .back: step = max(0, step - 1)
            case .quit:
                present(.message(zh ? "已离开课程 \(name)；随时可以用 lesson \(name) 重新开始" : "left lesson \(name); lesson \(name) starts it again"), emit: emit)
                return (.ok, false)
            }
        }
        present(.message(zh ? "课程 \(name) 结束；lesson 列出所有课程" : "end of lesson \(name); lesson lists them all"), emit: emit)
        return (.ok, false)
    }

    enum LessonMove { case next, back, quit }

    /// Asks at a pause until the answer is Enter, next, back or quit (Ctrl-C and Ctrl-D quit).
    private func lessonMove(_ ask: (String) -> String?, emit: (Output) -> Void) -> LessonMove {
        let zh = language == .zh
        while true {
            guard let answer = ask(zh ? "[回车] 下一步 · back 上一步 · quit 退出 › " : "[Enter] next · back · quit › ") else { return .quit }
            switch answer.trimmingCharacters(in: .whitespaces).lowercased() {
            case "", "n", "next", "下一步", "继续": return .next
            case "b", "back", "上一步", "返回": return .back
            case "q", "quit", "exit", "退出": return .quit
            default:
                emit(.note(zh ? "按回车继续，或输入 back、quit" : "press Enter to go on, or type back or quit"))
            }
        }
    }
}
