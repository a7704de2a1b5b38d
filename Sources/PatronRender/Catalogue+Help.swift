extension Catalogue {
    /// `help`: the overview's lines (each topic's summary and details are beside it, in `Help.chinese`).
    static let helpTexts: [Entry] = helpFrame

    static let helpFrame: [Entry] = [
        Entry("statements:", "语句："),
        Entry("concepts: levels, rfm, matrix, pareto, loyalty, expressions, keys", "概念：levels、rfm、matrix、pareto、loyalty、expressions、keys"),
        Entry("Type 'help TOPIC' for more, e.g. 'help segment', 'help levels' or 'help expressions'.", "输入 'help 主题' 了解更多，例如 'help segment'、'help levels' 或 'help expressions'。"),
        Entry("Statements end at a newline or ';'; '#' starts a comment.", "语句以换行或 ';' 结束；'#' 开始注释。"),
        Entry("example:", "示例："),
    ]
}

