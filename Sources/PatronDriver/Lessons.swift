import PatronRender

/// A built-in lesson: a script of `say` lines, statements and `pause` lines on the demo data,
/// in English and in Chinese.
struct Lesson {
    let name: String
    let title: String
    let titleZh: String
    let english: String
    let chinese: String

    func script(_ language: Language) -> String { language == .zh ? chinese : english }
    func title(_ language: Language) -> String { language == .zh ? titleZh : title }
}

/// The lessons `lesson` lists, in the order a class would take them.
enum Lessons {
    static func named(_ name: String) -> Lesson? { all.first { $0.name == name.lowercased() } }

    static let all: [Lesson] = [basics, tiers, matrix, rfm, lifecycle, clv]

    static let basics = Lesson(name: "basics", title: "segmentation basics: levels and cut points", titleZh: "细分入门：等级与切分点", english: """
        say "Segmentation starts with words people already use: high, medium and low. patron turns each word into a range of a column, cut where the data says."
        say "First, what the demo table holds: 3,000 customers, one row each, with their recency, frequency, spend, profit and loyalty."
        describe
        pause
        say "Who brings a high profit? By default 'high' is the top third of the column: the rows above its second tercile."
        segment where profit = high
        say "Look under the result: the cut points in force are printed, so anyone can check what 'high' meant."
        pause
        say "Words combine with and, or and not. Who is profitable but seldom buys?"
        segment where profit = high and loyalty = low
        pause
        say "Levels can also rank rows: the top fifth by profit."
        segment where profit = top 20%
        say "Or set the cut points yourself, at values the business already uses:"
        levels profit at 0, 500 as none, some, much
        segment where profit = much
        pause
        say "explain says what a metric means and how it was measured."
        explain loyalty
        say "That is the idea: words for ranges, ranges from the data, every cut point shown. Next: lesson tiers."
        """, chinese: """
        say "客户细分从人人都懂的词开始：高、中、低。patron 把每个词变成某一列的一个区间，切分点由数据决定。"
        say "先看演示数据：3,000 位客户，每人一行，包括最近购买、购买频次、消费额、利润和忠诚度。"
        describe
        pause
        say "谁的利润高？默认情况下，'高' 是该列最高的三分之一：高于第二个三分位点的行。"
        segment where profit = 高
        say "看结果下方：当前使用的切分点都会显示出来，任何人都能核对 '高' 指的是什么。"
        pause
        say "条件可以用 and、or、not 组合。谁利润高但很少购买？"
        segment where profit = 高 and loyalty = 低
        pause
        say "等级也可以按排名划分：利润最高的五分之一。"
        segment where profit = top 20%
        say "也可以自己设定切分点，用业务里已经在用的数值："
        levels profit at 0, 500 as none, some, much
        segment where profit = much
        pause
        say "explain 说明一个指标的含义以及它是怎样计算的。"
        explain loyalty
        say "这就是核心思想：用词表示区间，区间来自数据，每个切分点都公开。下一课：lesson tiers。"
        """)

    static let tiers = Lesson(name: "tiers", title: "value tiers and the 20/80 rule", titleZh: "价值层级与二八法则", english: """
        say "Customers are not worth the same. Value tiers put them in high, medium and low, and 'none' for those who cost money."
        tiers profit
        say "Compare the two share columns: the high tier's share of profit is far above its share of rows."
        pause
        say "The Pareto principle says about 20% of customers make 80% of the profit. Check it on this data, not in a textbook:"
        pareto profit
        say "The headline gives the share of customers that makes 80% of profit here; the curve shows how fast it rises."
        pause
        say "Who are they? The five most profitable customers:"
        show top 5 by profit
        say "Protect these first: losing one of them costs more than losing dozens from class C. Next: lesson matrix."
        """, chinese: """
        say "客户的价值并不相同。价值层级把客户分为高、中、低三层，亏损的客户归入 '无'。"
        tiers profit
        say "比较两列占比：高价值层在利润中的占比远高于它在客户中的占比。"
        pause
        say "帕累托法则说，大约 20% 的客户贡献 80% 的利润。用这份数据检验，而不是照搬教科书："
        pareto profit
        say "标题给出了在这里贡献 80% 利润的客户占比；曲线显示累计利润上升得有多快。"
        pause
        say "他们是谁？利润最高的五位客户："
        show top 5 by profit
        say "先保住这些客户：失去其中一位，损失比失去几十位 C 类客户还大。下一课：lesson matrix。"
        """)

    static let matrix = Lesson(name: "matrix", title: "the profit × loyalty matrix and what to do with each quadrant", titleZh: "利润 × 忠诚度矩阵：每个象限该怎么做", english: """
        say "The loyalty matrix (Reinartz and Kumar) asks two questions of every customer: are they profitable, and are they loyal?"
        say "Two questions, four answers, four kinds of customer: true friends, butterflies, barnacles and strangers."
        matrix profit by loyalty
        pause
        say "The matrix splits each column at its median. To name its quadrants with words, give both columns two levels, split the same way:"
        levels profit quantiles 2 as low, high
        levels loyalty quantiles 2 as low, high
        say "True friends are profitable and loyal. Communicate consistently, never intrusively."
        segment where profit = high and loyalty = high
        pause
        say "Butterflies are profitable but fleeting. Enjoy them while they are here; do not over-invest in keeping them."
        segment where profit = high and loyalty = low
        pause
        say "Barnacles are loyal but not profitable. Grow their share of wallet, or cut the cost of serving them."
        segment where profit = low and loyalty = high
        pause
        say "Strangers are neither: no investment, and make money on every sale."
        say "The split was at the medians. Move it to thresholds the business believes in, and watch the quadrants change:"
        matrix profit by loyalty at 500, 0.6
        say "Every quadrant comes with its advice; the cut points are printed in the title. Next: lesson rfm."
        """, chinese: """
        say "忠诚度矩阵（Reinartz 与 Kumar）对每位客户问两个问题：是否带来利润？是否忠诚？"
        say "两个问题，四种答案，四类客户：知己、蝴蝶、藤壶和过客。"
        matrix profit by loyalty
        pause
        say "矩阵按每列的中位数划分。要用词来指代象限，就给两列各设两个等级，按同样的方式划分："
        levels profit quantiles 2 as low, high
        levels loyalty quantiles 2 as low, high
        say "知己：利润高且忠诚。保持稳定的沟通，但不要打扰。"
        segment where profit = 高 and loyalty = 高
        pause
        say "蝴蝶：利润高但来去匆匆。趁他们在时好好服务，不要为留住他们过度投入。"
        segment where profit = 高 and loyalty = 低
        pause
        say "藤壶：忠诚但利润低。提高他们的钱包份额（交叉销售、向上销售），或降低服务成本。"
        segment where profit = 低 and loyalty = 高
        pause
        say "过客：两者都不是。不做投入，每笔交易都要赚钱。"
        say "刚才按中位数划分。换成业务认可的阈值，看看各象限如何变化："
        matrix profit by loyalty at 500, 0.6
        say "每个象限都附有建议；切分点印在标题里。下一课：lesson rfm。"
        """)

    static let rfm = Lesson(name: "rfm", title: "RFM: recency, frequency, monetary", titleZh: "RFM：最近购买、购买频次、消费额", english: """
        say "RFM scores every customer from 1 to 5 on recency (how lately), frequency (how often) and monetary (how much)."
        rfm
        say "Each score holds about a fifth of the customers. Recency is reversed: the most recent score 5."
        say "The heatmap counts customers by R (down) and F (across): the top right are recent and frequent, the champions."
        pause
        say "Named segments come from a rule table: each name is a rule on the three scores, and the first rule that matches wins."
        rfm segments putler
        pause
        say "A rule table can leave customers out or let rules overlap. check segments shows both:"
        check segments
        say "Scores are relative to this customer base: a 5 here is the best fifth of these customers, not a fixed amount. Next: lesson lifecycle."
        """, chinese: """
        say "RFM 按最近购买（多近）、购买频次（多常）和消费额（多少）给每位客户打 1 到 5 分。"
        rfm
        say "每个分数大约包含五分之一的客户。最近购买是反向的：最近购买的客户得 5 分。"
        say "热力图按 R（纵向）和 F（横向）统计客户数：右上角是最近且频繁购买的客户，也就是冠军客户。"
        pause
        say "命名的细分来自规则表：每个名称是三项分数上的一条规则，第一条匹配的规则生效。"
        rfm segments putler
        pause
        say "规则表可能漏掉一些客户，也可能规则重叠。check segments 会把两者都列出来："
        check segments
        say "分数是相对于这批客户的：这里的 5 分是这些客户中最好的五分之一，而不是固定的金额。下一课：lesson lifecycle。"
        """)

    static let lifecycle = Lesson(name: "lifecycle", title: "lifecycle and churn", titleZh: "生命周期与流失", english: """
        say "Lifecycle stages follow one question: how long since the last purchase?"
        lifecycle
        say "Active bought in the last 30 days, warm 30 to 90 days ago, cold 90 to 180, lapsed longer ago: counted as churned."
        pause
        say "The windows depend on how often your customers buy: a weekly grocery is not a yearly car service."
        lifecycle windows 14, 60, 120
        pause
        say "Lapsed customers who used to spend a lot are the ones worth winning back:"
        segment where recency > 180 and monetary = high
        say "Winning back is worth it for customers who were valuable; for the rest, let them go. Next: lesson clv."
        """, chinese: """
        say "生命周期阶段只问一个问题：距离上次购买有多久？"
        lifecycle
        say "活跃：30 天内购买过；温和：30 到 90 天前；沉睡：90 到 180 天前；流失：更久以前，计为已流失。"
        pause
        say "窗口取决于客户的购买频率：每周买菜和每年保养汽车不是一回事。"
        lifecycle windows 14, 60, 120
        pause
        say "曾经消费很多、现在已流失的客户，才值得去挽回："
        segment where recency > 180 and monetary = 高
        say "对曾经有价值的客户，挽回是值得的；其余的就让他们走吧。下一课：lesson clv。"
        """)

    static let clv = Lesson(name: "clv", title: "P(alive), customer lifetime value and the economics of retention", titleZh: "存续概率、客户终身价值与留存的经济账", english: """
        say "Recency windows say who has been quiet. A model says who is still a customer. The demo order log, demo_orders, has 1,500 customers over two years."
        customers from demo_orders by customer_id as of 2024-12-31 with profit = amount - cost
        pause
        say "Retention as trainers draw it: each quarter's new customers, and the share of them still buying in each quarter since."
        cohorts by quarter
        pause
        say "The BG/NBD model learns how often customers buy and how likely they are to drop out. Fit it to mid-2024 and check it on the rest:"
        clv until 2024-06-30
        say "Compare actual and expected: a model that tracks the holdout can be trusted to score customers."
        pause
        say "Now fit on everything: every customer gets P(alive), the purchases expected next year, the spend per purchase and the lifetime value."
        clv with margin = 0.3
        segment where p_alive = low and profit = high
        say "Those are the profitable customers the model thinks are leaving: call them first."
        pause
        explain p_alive
        pause
        say "Retention economics: what are five more customers in a hundred kept each year worth, on this data?"
        what if retention + 5 points over 5 years
        say "The rule of thumb says 25-85% more profit. Now you know the figure for your own customers."
        """, chinese: """
        say "最近购买窗口只能说明谁最近没有动静；模型能判断谁仍然是客户。演示订单表 demo_orders 包含 1,500 位客户两年的订单。"
        customers from demo_orders by customer_id as of 2024-12-31 with profit = amount - cost
        pause
        say "培训里常画的留存图：每季度的新客户，以及此后每个季度仍在购买的比例。"
        cohorts by quarter
        pause
        say "BG/NBD 模型学习客户多久购买一次、流失的可能性有多大。用 2024 年年中以前的数据拟合，再用之后的订单检验："
        clv until 2024-06-30
        say "比较实际与预测：能跟上检验期的模型，才可以用来给客户打分。"
        pause
        say "现在用全部数据拟合：每位客户得到存续概率、明年的预期购买次数、每次的预期消费和客户终身价值。"
        clv with margin = 0.3
        segment where p_alive = 低 and profit = 高
        say "这些是模型认为正在流失的高利润客户：先联系他们。"
        pause
        explain p_alive
        pause
        say "留存的经济账：在这份数据上，每年多留住百分之五的客户值多少？"
        what if retention + 5 points over 5 years
        say "经验法则说利润会提高 25% 到 85%。现在你知道了自己客户的真实数字。"
        """)
}
