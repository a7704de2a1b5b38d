import PatronRender

extension Help {
    /// Every help topic in Chinese, by topic name: its summary and its details (the usage and the
    /// example are code, the same in both languages). `CatalogueTests` checks every topic has one.
    static let chinese: [String: (summary: String, details: String)] = statementsZh.merging(conceptsZh) { a, _ in a }.merging(functionsZh) { a, _ in a }

    /// The first line of the topics that are not statements (for statements it is code).
    static let chineseUsage: [String: String] = ["expressions": "运算符与函数", "loyalty": "loyalty（一个指标）", "keys": "提示符下的按键"]

    static let statementsZh: [String: (summary: String, details: String)] = [
        "load": ("加载数据文件（或服务器上的表：见 'help connect'）为一张表，并设为当前表", """
            读取分隔文本（逗号、分号、制表符、竖线或空白对齐，从文件中自动识别）、JSON Lines
            （.jsonl、.ndjson）或 JSON（.json：对象数组、一个接一个的对象，或 patron 自己导出的结果）。带引号的字段可以包含分隔符、双写的引号和换行；UTF-8 字节顺序标记和空行会被跳过。
            每一列的类型（integer、decimal、text、boolean、date、timestamp）由它的值决定；'describe'
            会说明理由。带前导零的编码（00042）保留为文本；只有列名表明是日期的列才把 yyyyMMdd 读作日期；
            从不猜测日/月的顺序。出错的记录会让加载停止并给出行号和列号，除非使用 on_error skip。
            选项：
              delimiter ";" | delimiter tab | delimiter whitespace
              header true | header false
              columns (id text, day date "yyyyMMdd", amount decimal)
              nulls ("NA", "-")            （空字段总是空值）
              thousands ","   decimal ","  date_format "dd/MM/yyyy"
              on_error skip                （加载其余记录；报告跳过了多少条、是哪几行）
            JSON 只接受 date_format（JSON Lines 还接受 on_error）；各个键的类型由它们的值决定（"" 为空值）。
            不写 'as' 时，表以文件名命名。路径相对于启动 patron 时所在的文件夹。
            """),
        "use": ("把已加载的表设为当前表", "不指定表名的语句作用于当前表。"),
        "describe": ("显示表的列、类型以及理由", "列出每一列的类型、空值个数以及判断类型的依据。"),
        "summarize": ("概览每一列，或按组聚合", """
            summarize [名称]
            summarize 聚合, … [by 列, …] [where 条件] [sort by X [desc]] [top N]
            'summarize demo' 概览每一列：计数、空值、不同值个数、最小值、最大值；数值列还有均值和
            25%、50%、75% 分位数，以及最常见的值。'summarize count, sum(profit), avg(monetary),
            median(recency), min(x), max(x), share(profit) by region' 每组一行；share(x) 是该组在范围内
            各行 x 总和中的占比。'where' 先筛选行；'sort by' 按列或聚合排序；'top N' 保留前 N 组。
            """),
        "count": ("统计表或细分的行数，可按组统计", "打印行数；使用 'by' 时每组一行。"),
        "show": ("显示行，或按某列显示前 N 行", """
            不写 'top' 时显示前 20 行，并说明还有多少行。写 'top N by 列' 时显示该列值最大的 N 行
            （空值排在最后，相同值按第一列排序）。名称可以是表或命名细分；'where' 只保留满足条件的行。
            列出列名就只显示这些列，按所写顺序（'*' 表示全部；只写一个列名也可以）：
            show customer_id, monetary, clv of at_risk top 5 by clv。'show segments' 列出所有细分，
            'show levels' 列出当前使用的切分点。
            """),
        "segment": ("统计满足条件的行数及其占比", """
            条件由比较（= != < <= > >=）与 and、or、not 和括号组合而成。可以比较数字、"文本"、
            日期（2024-12-31）和 true/false。等级词 low、medium、high（或 低、中、高）把数值列与它在
            范围内各行上的三分位数比较；切分点印在结果下方。与空值的比较既不为真也不为假。结果显示
            行数、占行数的比例；表中有 profit 列时还显示占利润的比例。
            """),
        "define": ("给细分命名；可以在条件、show、count 中使用", """
            命名细分就是它的条件，每次使用时都在当前数据上重新计算：用在其他条件里
            （'butterflies and region = "North"'、'not butterflies'），用在 'show 名称 [top N by 列]'、
            'count 名称 [by 列]'。'show segments' 列出它们及其大小；'drop segment 名称' 删除一个。
            """),
        "drop": ("删除一个命名细分", "这个细分的名称可以再次使用。"),
        "levels": ("设定一列如何划分为命名等级", """
            每个数值列默认有三个等级，按全部行上的三分位数（1/3 和 2/3 分位数，线性插值）划分：
            low 取到第一个切分点为止的值，high 取从最后一个切分点起的值，中间的等级取二者之间的值。
            相同的值总是属于同一等级。'levels profit quantiles 4 as q1, q2, q3, q4' 按四分位数划分；
            'levels profit at 0, 100, 1000 as none, low, medium, high' 按固定值划分。'profit >= medium'
            遵循等级词的顺序。'profit = top 20%' 和 'profit = bottom 10%' 按排名划分。'show levels'
            打印当前的切分点，每个用到等级词的结果也会把它们印在下方。
            """),
        "add": ("给表添加一个计算列", """
            按每一行计算（当前表的行，或 TABLE 的行）并追加到表的末尾；它和其他列一样可用于等级、细分、show、
            汇总和导出。它的类型由表达式决定：精确数（amount - cost、amount * 0.05）、文本、日期或 true/false
            （amount >= 100）；比值是实数，列不保存实数：在需要的地方直接使用。'describe' 会说明每个计算列
            是怎样得到的。对留在服务器上的表，这一列在服务器上生成。
            """),
        "attach": ("按键把查找表的列并入（如客户主表的会员等级、地区、注册渠道）", """
            表（当前表，或 TABLE）的每一行取得查找表中键值相同的那一行的列；'*' 取键以外的所有列，'as' 给列改名。
            多个键一起匹配（by region, store）。先检查键：查找表中同一键出现在多行、两边键的类型不同（文本 '00042'
            对数字 42）、表中已有同名列，都会报错。没有匹配的行（空键永远不匹配）会被计数并列出，由语句决定去留：
            'keep unmatched'（新列为空）或 'drop unmatched'。并入的列保留原来的类型，describe 会说明它来自哪里。
            """),
        "let": ("设定变量，用 $名称 引用", """
            变量保存一个值：数字、文本、日期或 true/false。'patron run 文件 --param 名称=值' 从外部设定变量，
            它优先于脚本中同名的 'let'，所以脚本里的 let 就是默认值。'$as_of' 设定 'days since' 计算到的日期。
            """),
        "crosstab": ("统计每一对取值的行数", "crosstab 列 by 列 [where 条件]：行是第一列的取值，列是第二列的取值，带合计；空值单独成组。"),
        "expressions": ("条件和值能表达什么", """
            从最松到最紧：or；and；not；比较 = != < <= > >=、[not] in (…)、[not] between … and …、
            is [not] null、contains、starts with；+ -；* / %；一元 -。
            日期：2024-12-31、order_date - 30 days、days since last_purchase、日期 - 日期（天数）。
            函数：abs round floor ceil lower upper length year month day days_between coalesce。
            与空值的比较结果未知：它和它的 'not' 都不成立。溢出和除以零得到空值，绝不会崩溃。
            """),
        "customers": ("从订单表推导出每位客户一行", """
            customers from 订单表 by 客户列 [as of 日期] [with amount = 表达式, profit = 表达式, date = 列]
                      [only 指标, …] [into 名称]
            列：first_purchase、last_purchase、recency（从最后一次购买到截止日期的天数）、frequency（订单数）、
            monetary（消费额：各订单金额相加）、aov（monetary ÷ frequency）、profit（利润之和，定义了利润或订单有利润列时）、
            tenure（首次购买至今的天数）、loyalty（截至截止日期的 12 个自然月中有购买的月份占比）和 channels
            （订单有渠道列时）。之后是自定义指标，按每位客户的订单计算：'with points = sum(amount) * 0.05,
            online = count() where channel = "online", online_share = share() where channel = "online"'
            （可用 sum、count、count(distinct x)、min、max、avg（精确）、share()，以及它们的 + − ×；'where'
            决定指标使用哪些订单）。describe 会显示每个定义。截止日期默认为最晚的订单日期，并总会打印出来；之后的订单不计入。金额列按名称
            查找（amount、revenue、sales、total、value……），或用 'with amount = …' 指定。新表名为
            customers（或指定的名称），并成为当前表。'only frequency, profit' 只推导这些指标：在数百万
            订单上约快一倍，表也更小。'explain 指标' 打印当前生效的指标定义。
            """),
        "explain": ("指标的含义、细分的规模，或单个客户", """
            对于一列：它是如何得到或推导的。对于命名细分：它的定义、规模和占比，用到的等级切分点，其客户
            在矩阵、生命周期和 RFM 细分中的分布，以及对最大群体的建议。对于 'customer ID'（按第一列匹配）：
            每个值、它的等级以及等级如何设定，还有该客户所在的细分。对于概念（matrix、rfm、pareto、levels、tiers、
            lifecycle、clv、cohorts、loyalty、expressions）：它是什么、patron 如何计算，与 'help' 的说明相同。
            """),
        "matrix": ("利润 × 忠诚度矩阵：知己、蝴蝶、藤壶、过客", """
            把两个指标分为高/低（按中位数，或按 X 和 Y：不超过切分点的值为低），画出 Reinartz 与 Kumar 的
            2×2 矩阵：知己 True Friends（高利润、高忠诚）、蝴蝶 Butterflies（高利润、低忠诚）、藤壶
            Barnacles（低利润、高忠诚）、过客 Strangers（低、低），给出人数、行数占比和利润占比、所用的划分，
            以及每类客户的一条建议。
            """),
        "pareto": ("ABC 分类与曲线：谁贡献了 80%", """
            按指标从高到低排序。当排在前面的行合计不到总和的 A%（默认 80）时，该行属于 A 类；不到 B%（95）
            时属于 B 类；否则属于 C 类；相同的值总是属于同一类。打印标题“x% 的行贡献了 80% 的指标”、
            ABC 表和累计曲线。负值也计入总和。
            """),
        "tiers": ("价值层级：高、中、低、无", "无：取不超过 0 的值；低、中、高按正值的三分位数划分。\n给出行数及其占比，以及指标的占比。"),
        "rfm": ("RFM 分数和规则表中的命名细分", """
            rfm [bins N]：按分位数给 recency（反向：最近购买的分数最高）、frequency 和 monetary 打分
            1…N（默认 5）；相同的值总是同分。添加 r_score、f_score、m_score 和 rfm（例如 545），
            并打印每个分数的区间和行数。
            rfm segments rfm | putler | custom：按第一条匹配的规则给每行命名，写入 rfm_segment：rfm 是
            R 包的 10 细分表，putler 是 Putler 的 11 细分（R 与 F、M 的均值比较），custom 是用
            'rfm rule 名称 where 条件' 添加的规则。'check segments' 列出重叠的规则、从未最先匹配的规则，
            以及没有规则覆盖的分数格子。
            """),
        "lifecycle": ("新客户、活跃、温和、沉睡和流失的客户",
                      "新客户：tenure 不超过 A 天（有 tenure 列时）；然后按 recency：不超过 A 天为活跃，\n不超过 B 天为温和，不超过 C 天为沉睡，更久为流失。默认值 \(Help.windows(last: " 和 ")) 天会打印出来。"),
        "clv": ("谁正在流失，每位客户值多少（BG/NBD、Gamma-Gamma）", """
            用最大似然法，对最近一次 'customers from' 推导所用的订单拟合 BG/NBD 购买模型（或 Pareto/NBD：
            model pareto_nbd，较慢）和 Gamma-Gamma 消费模型（同一天的订单算一次购买，与 Fader–Hardie 相同），
            打印参数及标准误、对数似然和是否收敛，并向客户表添加 p_alive（存续概率）、expected_purchases
            （预测期内的预期购买次数）、expected_spend（预期每次消费）和 clv（客户终身价值，已计入利润率和
            月折现），因此等级词也可用于它们：segment where p_alive = low and profit = high。'until 日期'
            用截至该日期的订单拟合，并用之后的订单检验模型。explain p_alive 和 explain clv 给出公式、假设和
            局限（在 BG/NBD 下，只买过一次的客户 P(alive) 总是 1）。
            """),
        "cohorts": ("首购同期群及其留存，画成热力图", """
            把最近一次 'customers from' 推导的客户按首次购买所在的周期分组（行），逐期跟踪（列）：每个
            同期群中有购买的比例（分母是同期群人数，会打印出来），或收入、利润占同期群首期的比例（同样打印）。
            包含截止日期的那一期如果尚未结束，会被标出。--format 和 'export result' 以数据形式给出这些数字。
            """),
        "what": ("留存的经济账，用你自己的订单计算", """
            基于最近一次 'customers from' 推导的订单：年留存率（最近 12 个月之前那 12 个月的客户中，在最近
            12 个月再次购买的比例）、每年的新客户，以及每位活跃客户的利润（没有利润时用收入）；然后逐年推算
            Y 年（默认 5 年）：客户数 = 上一年客户数 × 留存率 + 新客户，分别按现状和留存率提高 N 个百分点计算。
            打印每个数字的来历、两种推算的对比和增幅，并与经验法则（提高 5 个百分点，利润增加 25–85%）对照。
            """),
        "transitions": ("多少客户在细分之间移动", """
            在两个日期分别重复最近一次 'customers from' 推导，各自细分，并按客户在第一个日期的细分（行）和
            第二个日期的细分（列）计数。按 lifecycle（默认）时还统计流失（变为流失）和挽回（从流失回来）；
            按 matrix 时使用各日期中位数划分的利润 × 忠诚度象限；按 tiers 时使用利润层级；按 rfm、putler 或
            custom 时使用各日期的 RFM 分数和对应的规则表。在第一个日期之前还没有购买的客户单独成一行。
            """),
        "export": ("把表、细分的行或上一个结果写入文件或服务器上的表", """
            'export customer_id, monetary of loyal to "loyal.csv"' 只写出所列的列，按所写顺序。
            格式由文件扩展名决定（.csv .tsv .json .jsonl .ndjson .md），或用 'as csv'、'as tsv'、'as json'、
            'as jsonl'、'as markdown' 指定。CSV 遵循 RFC 4180（CRLF 换行，引号双写）。在 CSV 和 TSV 中，以
            = + - @、制表符、CR 或 LF 开头的文本会加上前导 '，这样电子表格就不会把它当作公式执行；数字保持为
            数字；'with raw' 原样写出文本。文件先写到临时名称再改名到位：写入失败（文件夹不存在、磁盘已满、
            没有权限）不会留下残缺的文件，并以状态码 74 退出。
            写到服务器：export butterflies to shop.public.campaign [replace | append]，在一个事务中完成
            （见 'help connect'）。
            """),
        "connect": ("打开到 PostgreSQL（或使用其协议的服务器）的连接", """
            CONNINFO 是 libpq 连接字符串（host=… port=… dbname=… user=…）或 URI
            （postgresql://user@host:5432/shop）；它没有写的部分由 PG* 环境变量和 ~/.pgpass 补充，与 psql 相同。
            密码从不显示：不出现在输出、错误、--format json、保存的会话或历史文件中。服务器在 connect_timeout
            （连接字符串未写时为 10 秒）内没有应答就放弃连接，按 Ctrl-C 也会放弃。连接会把时区设为 UTC、
            ISO 日期和标准字符串，所以服务器的默认设置不会改变答案。然后：
              load 名称.模式.表 [as T]                 整张表（名称.表：按搜索路径）
              load from 名称 query "SELECT …" as T     一个查询的结果
              use 名称.模式.表 [as T]                  留在服务器上：细分在服务器上运行
              export 对象 to 名称.模式.表 [replace | append]
            数据通过二进制 COPY 流式传输，每列的类型与服务器上一致（整数、numeric(p,s) 为精确小数、real 和
            double 为小数、text、boolean、date、timestamp，uuid 和 json 为文本）；超过 19 位的 numeric 会让加载
            停止，除非 'with wide_numeric text'。patron 无法存放的类型会在读取任何行之前让加载停止。Ctrl-C 会
            取消服务器上的查询。导出是一个事务：要么全部行，要么一行都没有。'show connections' 列出连接；
            'disconnect 名称' 关闭一个。脚本中无法连接服务器时以状态码 69 退出。
            """),
        "sql": ("打印一条语句编译成的 SQL", """
            SQL 给出的结果与 patron 在内存中给出的相同（docs/sql.md）：切分点是由相邻两个顺序统计量求出的
            精确分位数，因此相同的值属于同一等级；采用 SQL 的三值逻辑；精确小数。方言：duckdb（默认）、
            postgres、spark、trino、bigquery、snowflake。支持：customers from、segment、define segment、
            summarize、count、crosstab、show … top N by、show segments、show levels、levels、matrix、pareto、
            tiers、lifecycle、rfm bins、rfm segments、transitions、cohorts、add、attach（lower、upper 和 length 不支持）。'patron compile 文件 --dialect duckdb' 编译整个脚本。
            'use 连接.模式.表' 把 PostgreSQL 的表留在服务器上，除 'summarize 表' 之外的语句都在服务器上运行，
            显示方式与内存中相同（'export 表 to \"文件\"' 把行取回）。
            """),
        "disconnect": ("关闭服务器连接", "从这个连接加载的表仍然保留。"),
        "include": ("在此处运行另一个脚本", "路径相对于包含它的脚本（在提示符下相对于工作目录）。\n它定义的表、变量和细分会保留；直接或间接包含自身的脚本会被报告为循环。"),
        "save": ("把本次会话的语句写成脚本", "按顺序、按输入原样写出到目前为止成功执行的语句（包括 export 和 report；help、pause 和 save\n作为省略的语句写在注释里），这样 'patron run 文件' 就能重现本次会话的结果和文件。"),
        "report": ("把会话的结果写成一个带图表的 HTML 页面", """
            一个自包含的 HTML 文件，包含到目前为止的每个结果（或在新会话中运行 SCRIPT 所打印的结果）：每个结果
            放在产生它的语句下面，附上表格，并在图更能说明问题的地方配上内嵌的 SVG 图（面积按客户占比的矩阵、
            带 80% 线的帕累托曲线、层级、生命周期和细分的条形图、R×F 热力图、同期群热力图、模型检验），
            以及切分点、定义和建议，使用会话的语言。不从任何地方获取资源；可以在 A4 纸上打印；文件要么完整
            写入，要么不写。'patron run 文件 --format html' 打印同样的页面。
            """),
        "lesson": ("在演示数据上逐步学习的引导课程", """
            'lesson' 列出内置课程：basics、tiers、matrix、rfm、lifecycle 和 clv，有英文和中文
            （set language zh）。'lesson 名称' 在提示符下运行一课：每一步的讲解，先显示再运行的语句，要看的
            重点，然后暂停：回车继续，'back' 回到上一步，'quit' 离开。也可以自己写：课程文件就是一个脚本，
            用 'say "…"' 行写讲解，用 'pause' 行分隔步骤；在提示符下用 lesson "文件" 运行，或用
            'patron run 文件' 运行（此时跳过暂停）。
            """),
        "say": ("课程中的讲解，按原样打印", "在课程文件中，培训师希望在语句之前或之后让学员读到的话。"),
        "pause": ("课程在这里等待回车", "结束课程的一步：在提示符下课程等待回车、back 或 quit；脚本会跳过它。"),
        "set": ("细分名称和建议的语言；语句计时", """
            设为 zh 时，帮助、说明、错误信息和提示、加载报告，以及矩阵（知己、蝴蝶、藤壶、过客）、价值层级
            （高利润、中利润、低利润、无利润）、生命周期阶段、RFM 细分名称和建议都以中文打印；表格保持对齐。
            也可以用 PATRON_LANG=zh 或中文区域设置启动。开启计时器后，每条语句的用时打印在标准错误输出
            （clv 还会打印各步骤的用时）。
            """),
        "check": ("RFM 规则表的重叠与遗漏", "在每个分数格子上检查自定义规则（没有自定义规则时检查 rfm 表）。"),
        "help": ("列出语句，或解释其中一个", "主题：每条语句、每个函数，以及概念 levels、rfm、matrix、pareto、loyalty、\nexpressions 和 keys（提示符下的编辑）。输入 'help ' 后按 Tab 可以列出它们。"),
        "quit": ("离开 patron（Ctrl-D 也可以）", "结束会话。"),
    ]

    static let conceptsZh: [String: (summary: String, details: String)] = [
        "loyalty": ("客户购买的稳定程度", """
            截至截止日期的 12 个自然月中，客户至少购买过一次的月份占比，取值 0 到 1（保留四位小数）：
            0.5 表示 12 个月中有 6 个月有购买。利润 × 忠诚度矩阵就按它划分：高忠诚且高利润是知己，
            高忠诚而低利润是藤壶。'customers from 订单表 by 客户列' 会推导出它；表也可以自带名为 loyalty 的列。
            """),
        "keys": ("编辑、补全、历史、粘贴和 Ctrl-C", """
            Tab 补全光标前的词：行首的语句词，相应词后面的表名、列名、细分名和指标名，'指标 =' 后面的等级词，
            load "…" 中的文件名；有多个候选时，Tab 会列出它们。上下方向键浏览历史（保存在 ~/.patron_history；
            多行语句算一条）；Ctrl-R 边输入边搜索历史。粘贴的文本逐行运行，每条语句一条历史；最后一行如果没有
            换行，会等待回车。Ctrl-C 丢弃正在输入的行，或停止正在运行的加载、推导或汇总并保留会话；在空行上按
            Ctrl-D 离开。按键是 emacs 风格；在 ~/.editrc 中写 'bind -v' 可以使用 vi 按键。设置了 NO_COLOR
            或输出不是终端时不使用颜色；比终端更宽的表会省略最后几列并说明省略了哪些。
            """),
    ]

    static let functionsZh: [String: (summary: String, details: String)] = {
        let summaries = [
            "abs": "数字的绝对值", "round": "四舍五入到最接近的整数，一半时远离零", "floor": "不大于 X 的最大整数",
            "ceil": "不小于 X 的最小整数", "lower": "转为小写的文本", "upper": "转为大写的文本", "length": "文本的字符数",
            "year": "日期的年份", "month": "日期的月份，1 到 12", "day": "日期是当月的第几天", "days_between": "从第一个日期到第二个日期的天数",
            "coalesce": "第一个不为空的值",
        ]
        return summaries.mapValues { summary in
            (summary, "函数：\(summary)。参数为空（null）时结果为空\(summary == "第一个不为空的值" ? "，但 coalesce 会跳过空参数" : "")；另见 'help expressions'。")
        }
    }()
}
