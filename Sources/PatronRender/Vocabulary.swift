/// The language segment names, advice and explanations are printed in.
public enum Language: String, Sendable, CaseIterable {
    case en, zh
}

/// Words of the segmentation frameworks in English and Chinese.
public enum Vocabulary {
    private static let chinese: [String: String] = [
        // the profit × loyalty matrix (Reinartz & Kumar)
        "True Friends": "知己", "Butterflies": "蝴蝶", "Barnacles": "藤壶", "Strangers": "过客",
        "communicate consistently, never intrusively": "持续沟通，但不打扰",
        "enjoy them while they are here; don't over-invest": "趁他们还在时好好服务，不要过度投入",
        "grow share of wallet (up- and cross-sell) or cut the cost to serve": "提升钱包份额（追加销售、交叉销售）或降低服务成本",
        "no investment; make money on every sale": "不做投入，每笔交易都要盈利",
        "short-term": "短期", "long-term": "长期", "advice": "建议", "high": "高", "low": "低", "of profit": "的利润",
        // value tiers
        "none": "无", "medium": "中",
        // lifecycle
        "new": "新客户", "active": "活跃", "warm": "温和", "cold": "沉睡", "lapsed": "流失",
        "welcome them and earn the second order": "热情欢迎，争取第二笔订单", "keep them engaged; reward repeat purchases": "保持互动，奖励重复购买",
        "remind them with a timely, relevant offer": "用及时、相关的优惠提醒他们", "win them back before they lapse": "在流失之前把他们赢回来",
        "re-activate cheaply, or let them go": "以低成本重新激活，或者放手",
        // RFM rule tables
        "Champions": "冠军客户", "Loyal Customers": "忠诚客户", "Potential Loyalist": "潜力客户", "New Customers": "新客户",
        "Promising": "有希望的客户", "Need Attention": "需要关注", "About To Sleep": "即将沉睡", "At Risk": "有流失风险",
        "Can't Lose Them": "不能失去", "Lost": "已流失", "Recent Customers": "近期客户", "Customers Needing Attention": "需要关注",
        "Hibernating": "冬眠客户", "Others (no rule)": "其他（无规则）",
        // headings
        "segment": "细分", "rows": "行数", "share": "占比", "stage": "阶段", "rule": "规则", "tier": "层级",
        "share of rows": "行数占比", "total": "合计", "(not yet a customer)": "（尚未成为客户）", "churned": "已流失",
        "terciles": "三分位数", "quartiles": "四分位数", "quintiles": "五分位数", "fixed cut points": "固定分界点",
        "class": "类别", "score": "分数", "metric": "指标", "value": "值", "level": "等级", "how the level is set": "等级的划分",
    ]

    /// A word or phrase in `language` (English words are their own translation).
    public static func word(_ english: String, _ language: Language) -> String {
        language == .zh ? chinese[english] ?? english : english
    }

    /// A heading for a share of a metric: `share of profit`, 利润占比.
    public static func share(of metric: String, _ language: Language) -> String {
        guard language == .zh else { return "share of \(metric)" }
        return (metric.lowercased() == "profit" ? "利润" : metric) + "占比"
    }

    /// A value tier's name: 高利润 for high profit in Chinese, `high` in English.
    public static func tier(_ english: String, metric: String, _ language: Language) -> String {
        guard language == .zh else { return english }
        let metricWord = metric.lowercased() == "profit" ? "利润" : metric
        return word(english, .zh) + metricWord
    }
}
