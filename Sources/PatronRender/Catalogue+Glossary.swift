/// One Chinese term per concept, which every Chinese text draws from: the table a translator and
/// a trainer check first. `avoid` lists the variants that once crept in; `CatalogueTests` fails
/// when one appears anywhere in the sources.
public enum Glossary {
    /// A concept's term in both languages, and the Chinese variants not to use for it.
    public struct Term: Sendable {
        public let english: String
        public let chinese: String
        public let avoid: [String]
        init(_ english: String, _ chinese: String, avoid: [String] = []) {
            (self.english, self.chinese, self.avoid) = (english, chinese, avoid)
        }
    }

    public static let terms: [Term] = [
        Term("cut point", "切分点", avoid: ["分界点", "分割点"]),
        Term("level", "等级"),
        Term("segment", "细分"),
        Term("share", "占比"),
        Term("customer", "客户", avoid: ["顾客"]),
        Term("order", "订单"),
        Term("recency", "最近购买"),
        Term("frequency", "购买频次"),
        Term("monetary", "消费额", avoid: ["总消费", "消费金额", "金额之和"]),
        Term("profit", "利润"),
        Term("loyalty", "忠诚度"),
        Term("new", "新客户"),
        Term("active", "活跃"),
        Term("warm", "温和", avoid: ["为温，", "、温、", "：温：", "；温："]),
        Term("cold", "沉睡", avoid: ["为冷，", "、冷和", "、冷、", "；冷："]),
        Term("lapsed", "流失"),
        Term("median", "中位数"),
        Term("terciles", "三分位数"),
        Term("quartiles", "四分位数"),
        Term("quintiles", "五分位数"),
    ]

    /// The Chinese term for an English one (as written in `terms`), or nil.
    public static func chinese(_ english: String) -> String? {
        terms.first { $0.english == english.lowercased() }?.chinese
    }
}
