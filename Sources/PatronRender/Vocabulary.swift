import PatronAnalysis

/// The language segment names, advice, headings and explanations are printed in.
public enum Language: String, Sendable, CaseIterable {
    case en, zh
}

/// A word or phrase in every language patron speaks.
struct Words: Sendable {
    let en: String
    let zh: String
    func callAsFunction(_ language: Language) -> String { language == .zh ? zh : en }
}

/// The words of the segmentation frameworks, one typed table per framework, in English and Chinese.
public enum Vocabulary {
    /// The profit × loyalty matrix (Reinartz & Kumar): each quadrant's name and advice.
    static let quadrants: [Quadrant: (name: Words, advice: Words)] = [
        .trueFriends: (Words(en: "True Friends", zh: "知己"),
                       Words(en: "communicate consistently, never intrusively", zh: "持续沟通，但不打扰")),
        .butterflies: (Words(en: "Butterflies", zh: "蝴蝶"),
                       Words(en: "enjoy them while they are here; don't over-invest", zh: "趁他们还在时好好服务，不要过度投入")),
        .barnacles: (Words(en: "Barnacles", zh: "藤壶"),
                     Words(en: "grow share of wallet (up- and cross-sell) or cut the cost to serve", zh: "提升钱包份额（追加销售、交叉销售）或降低服务成本")),
        .strangers: (Words(en: "Strangers", zh: "过客"),
                     Words(en: "no investment; make money on every sale", zh: "不做投入，每笔交易都要盈利")),
    ]

    /// The lifecycle: each stage's name and advice.
    static let stages: [LifecycleStage: (name: Words, advice: Words)] = [
        .new: (Words(en: "new", zh: "新客户"), Words(en: "welcome them and earn the second order", zh: "热情欢迎，争取第二笔订单")),
        .active: (Words(en: "active", zh: "活跃"), Words(en: "keep them engaged; reward repeat purchases", zh: "保持互动，奖励重复购买")),
        .warm: (Words(en: "warm", zh: "温和"), Words(en: "remind them with a timely, relevant offer", zh: "用及时、相关的优惠提醒他们")),
        .cold: (Words(en: "cold", zh: "沉睡"), Words(en: "win them back before they lapse", zh: "在流失之前把他们赢回来")),
        .lapsed: (Words(en: "lapsed", zh: "流失"), Words(en: "re-activate cheaply, or let them go", zh: "以低成本重新激活，或者放手")),
    ]

    /// Value tiers: each tier's word (in Chinese it joins the metric: 高利润).
    static let tiers: [ValueTier: Words] = [
        .none: Words(en: "none", zh: "无"), .low: Words(en: "low", zh: "低"),
        .medium: Words(en: "medium", zh: "中"), .high: Words(en: "high", zh: "高"),
    ]

    /// The RFM rule tables' segment names (custom rules keep the names they were given).
    static let ruleNames: [String: String] = [
        "Champions": "冠军客户", "Loyal Customers": "忠诚客户", "Potential Loyalist": "潜力客户", "New Customers": "新客户",
        "Promising": "有希望的客户", "Need Attention": "需要关注", "About To Sleep": "即将沉睡", "At Risk": "有流失风险",
        "Can't Lose Them": "不能失去", "Lost": "已流失", "Recent Customers": "近期客户", "Customers Needing Attention": "需要关注",
        "Hibernating": "冬眠客户",
    ]

    /// Headings and short words of results.
    private static let headings: [String: String] = [
        "segment": "细分", "rows": "行数", "share": "占比", "stage": "阶段", "rule": "规则", "tier": "层级",
        "share of rows": "行数占比", "total": "合计", "(not yet a customer)": "（尚未成为客户）", "churned": "已流失",
        "class": "类别", "score": "分数", "metric": "指标", "value": "值", "level": "等级", "how the level is set": "等级的划分",
        "short-term": "短期", "long-term": "长期", "advice": "建议", "high": "高", "low": "低", "of profit": "的利润",
        "Others (no rule)": "其他（无规则）",
        "model": "模型", "parameter": "参数", "estimate": "估计值", "std. error": "标准误", "cohort": "同期群", "customers": "客户数",
        "revenue": "收入", "profit": "利润", "week": "周", "month": "月", "quarter": "季度",
        "column": "列", "type": "类型", "nulls": "空值", "why this type": "为何是这个类型", "count": "计数", "distinct": "不同值",
        "min": "最小值", "max": "最大值", "mean": "均值", "median": "中位数", "most frequent": "最常见的值", "definition": "定义",
        "levels": "等级", "method": "方法",
    ]

    /// A heading or short word in `language` (English words are their own translation).
    public static func word(_ english: String, _ language: Language) -> String {
        language == .zh ? headings[english] ?? english : english
    }

    /// A quadrant's name.
    public static func name(_ quadrant: Quadrant, _ language: Language) -> String { quadrants[quadrant]!.name(language) }
    /// A quadrant's advice.
    public static func advice(_ quadrant: Quadrant, _ language: Language) -> String { quadrants[quadrant]!.advice(language) }
    /// A stage's name.
    public static func name(_ stage: LifecycleStage, _ language: Language) -> String { stages[stage]!.name(language) }
    /// A stage's advice.
    public static func advice(_ stage: LifecycleStage, _ language: Language) -> String { stages[stage]!.advice(language) }

    /// A value tier's name: 高利润 for high profit in Chinese, `high` in English.
    public static func name(_ tier: ValueTier, metric: String, _ language: Language) -> String {
        guard language == .zh else { return tiers[tier]!.en }
        return tiers[tier]!.zh + metricWord(metric)
    }

    /// A rule table's segment name.
    public static func rule(_ name: String, _ language: Language) -> String {
        language == .zh ? ruleNames[name] ?? name : name
    }

    /// The name of a segment of any segmentation.
    public static func name(_ key: SegmentKey, _ language: Language) -> String {
        switch key {
        case .stage(let stage): return name(stage, language)
        case .quadrant(let quadrant): return name(quadrant, language)
        case .tier(let tier, let metric): return name(tier, metric: metric, language)
        case .rule(let name): return rule(name, language)
        case .unmatched: return word("Others (no rule)", language)
        }
    }

    /// How cut points were found, as printed after them: `terciles`, 三分位数.
    public static func method(_ method: SplitMethod, _ language: Language) -> String {
        switch method {
        case .quantiles(let n):
            let named = [2: Words(en: "2-quantiles", zh: "中位数两分"), 3: Words(en: "terciles", zh: "三分位数"), 4: Words(en: "quartiles", zh: "四分位数"),
                         5: Words(en: "quintiles", zh: "五分位数"), 10: Words(en: "deciles", zh: "十分位数")]
            let numerals = ["六", "七", "八", "九"]
            if language == .zh, named[n] == nil, (6...9).contains(n) { return numerals[n - 6] + "分位数" }
            return named[n]?(language) ?? (language == .zh ? "\(n) 等分位数" : "\(n)-quantiles")
        case .fixedCuts: return Words(en: "fixed cut points", zh: "固定切分点")(language)
        case .median: return Words(en: "median split", zh: "中位数划分")(language)
        case .givenCuts: return Words(en: "given cut points", zh: "给定切分点")(language)
        case .rank(let top, let percent):
            return language == .zh ? "\(top ? "前" : "后") \(percent)%" : "\(top ? "top" : "bottom") \(percent)%"
        case .scores: return Words(en: "scores", zh: "分数")(language)
        }
    }

    /// The method as data: a stable English name.
    static func methodKey(_ method: SplitMethod) -> String { Self.method(method, .en) }

    /// A heading for a share of a metric: `share of profit`, 利润占比.
    public static func share(of metric: String, _ language: Language) -> String {
        guard language == .zh else { return "share of \(metric)" }
        let word = metricWord(metric)
        // A Latin name stands apart from the Chinese after it, as Chinese typesetting does.
        return word == metric ? "\(metric) 占比" : word + "占比"
    }

    /// A metric's name inside a Chinese phrase: the glossary's term for profit and monetary, others keep their names.
    static func metricWord(_ metric: String) -> String {
        ["profit", "monetary"].contains(metric.lowercased()) ? Glossary.chinese(metric) ?? metric : metric
    }
}
