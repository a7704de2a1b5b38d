import PatronAnalysis
import PatronRender

/// The text of `help` and `help TOPIC`.
public enum Help {
    /// The standard lifecycle windows as a list: `30, 90 and 180`.
    static func windows(last: String) -> String {
        let days = LifecycleStage.standardWindows.map(String.init)
        return days.dropLast().joined(separator: ", ") + last + (days.last ?? "")
    }

    /// One topic: a title line, an explanation and an example that the tests run.
    public struct Topic: Sendable {
        /// The word after `help`.
        public let name: String
        /// The statement's form.
        public let usage: String
        /// One line for the overview.
        public let summary: String
        /// A paragraph for `help TOPIC`.
        public let details: String
        /// An example that runs on the demo data.
        public let example: String
    }

    /// Every topic, in the order the overview lists them.
    public static let topics: [Topic] = [
        Topic(name: "load", usage: "load \"PATH\" [as NAME] [with OPTIONS]", summary: "load a data file (or a server's table: 'help connect') as a table and make it current",
              details: """
                Reads delimited text (comma, semicolon, tab, pipe or whitespace-aligned, sniffed from the
                file), JSON Lines (.jsonl, .ndjson) or JSON (.json: an array of objects, objects one after
                another, or patron's own exported result). Quoted fields may hold delimiters, doubled quotes and
                line breaks; a UTF-8 byte-order mark and blank lines are skipped. Each column's type
                (integer, decimal, text, boolean, date, timestamp) is chosen from its values; 'describe'
                shows why. Codes with leading zeros (00042) stay text; yyyyMMdd is read as a date only
                in a column whose name says date; day/month order is never guessed.
                A bad record stops the load with its line and column, unless on_error skip.
                Options:
                  delimiter ";" | delimiter tab | delimiter whitespace
                  header true | header false
                  columns (id text, day date "yyyyMMdd", amount decimal)
                  nulls ("NA", "-")            (empty fields are always null)
                  thousands ","   decimal ","  date_format "dd/MM/yyyy"
                  on_error skip                (load the rest; report how many and which lines)
                JSON takes date_format (and JSON Lines on_error); its keys' types come from their values ("" is empty).
                Without 'as', the table is named after the file. Paths are relative to the folder
                patron was started in.
                """,
              example: "load \"examples/orders.csv\" as orders with delimiter \",\", header true"),
        Topic(name: "use", usage: "use NAME", summary: "make a loaded table the current one",
              details: "Statements that name no table work on the current table.", example: "use demo"),
        Topic(name: "describe", usage: "describe [NAME]", summary: "show a table's columns, their types and why",
              details: "Lists each column with its type, its number of nulls and the evidence for the type.", example: "describe demo"),
        Topic(name: "summarize", usage: "summarize [NAME | AGGREGATES by COLUMNS]",
              summary: "profile every column, or aggregate by groups",
              details: """
                summarize [NAME]
                summarize AGGREGATE, … [by COLUMN, …] [where CONDITION] [sort by X [desc]] [top N]
                'summarize demo' profiles each column: count, nulls, distinct values, min, max, and for
                numbers the mean and the 25%, 50% and 75% quantiles, plus the most frequent values.
                'summarize count, sum(profit), avg(monetary), median(recency), min(x), max(x), share(profit)
                by region' gives one row per group; share(x) is the group's part of the total of x over
                the rows in scope. 'where' narrows the rows first; 'sort by' orders by a column or an
                aggregate; 'top N' keeps the first N groups.
                """,
              example: "summarize count, sum(profit), share(profit) by region sort by sum(profit) desc"),
        Topic(name: "count", usage: "count [NAME] [by COLUMN, …]", summary: "count a table's or a segment's rows, optionally by groups",
              details: "Prints the number of rows; with 'by', one row per group.", example: "count demo by region"),
        Topic(name: "show", usage: "show [COLUMN, … of] [NAME] [where CONDITION] [top N by COLUMN]", summary: "show rows, or the top N by a column",
              details: "Without 'top', shows the first 20 rows and says how many more there are. With 'top N by\nCOLUMN', shows the N rows with the highest values (nulls last, ties by the first column).\nNAME may be a table or a named segment; 'where' keeps the rows where a condition holds.\nName columns to see only those, in that order ('*' for all; a lone column name works too):\nshow customer_id, monetary, clv of at_risk top 5 by clv. 'show segments' lists the\nsegments, 'show levels' the cut points in force.",
              example: "show customer_id, profit, loyalty where profit = high top 5 by profit"),
        Topic(name: "segment", usage: "segment where CONDITION", summary: "count the rows that meet a condition, with their shares",
              details: "Conditions combine comparisons (= != < <= > >=) with and, or, not and parentheses.\nCompare numbers, \"text\", dates (2024-12-31) and true/false. The level words low, medium\nand high compare a numeric column with its terciles over the rows in scope; the cut\npoints are printed under the result. A comparison with an empty value is neither true\nnor false. The result shows the count, its share of rows and, when the table has a\nprofit column, its share of profit.",
              example: "segment where profit=high and loyalty=low"),
        Topic(name: "define", usage: "define segment NAME as CONDITION", summary: "name a segment; use it in conditions, show, count",
              details: """
                A named segment is its condition, evaluated afresh over the current data each time it is
                used: in other conditions ('butterflies and region = "North"', 'not butterflies'), in
                'show NAME [top N by COLUMN]', 'count NAME [by COLUMN]'. 'show segments' lists them with
                their sizes; 'drop segment NAME' forgets one.
                """,
              example: "define segment butterflies as profit=high and loyalty=low"),
        Topic(name: "drop", usage: "drop segment NAME", summary: "forget a named segment", details: "The segment's name can be used again.", example: ""),
        Topic(name: "levels", usage: "levels COLUMN quantiles N | at X, Y", summary: "set how a column splits into named levels",
              details: """
                Every numeric column has three levels by default, split at its terciles (the 1/3 and 2/3
                quantiles, linearly interpolated) over all rows: low takes values up to the first cut
                point, high takes values from the last cut point up, the levels between take the values
                between. Equal values always share a level. 'levels profit quantiles 4 as q1, q2, q3, q4'
                splits at quartiles; 'levels profit at 0, 100, 1000 as none, low, medium, high' at fixed
                values. 'profit >= medium' follows the order of the words. 'profit = top 20%' and
                'profit = bottom 10%' rank the rows. 'show levels' prints the cut points in force, and every
                result that uses a level word prints them under it.
                """,
              example: "levels profit at 0, 100, 1000 as none, low, medium, high"),
        Topic(name: "add", usage: "add NAME = EXPRESSION [to TABLE]", summary: "add a computed column to a table",
              details: """
                The column is computed from each row (the current table's, or TABLE's) and appended; it is a
                column like any other: levels, segments, show, summaries, export. Its type comes from the
                expression: an exact number (amount - cost, amount * 0.05), text, a date or true/false
                (amount >= 100); a ratio is a real number, which a column does not hold: use it where it is
                needed. 'describe' says how each computed column is made. On a table left on a server the
                column is made there.
                """,
              example: "add bonus = profit * 0.05"),
        Topic(name: "attach", usage: "attach COLUMN [as NAME], … from LOOKUP by KEY [= LOOKUP_KEY], … [to TABLE] [keep | drop unmatched]",
              summary: "add a lookup table's columns by key (a customer master's tier, region, signup)",
              details: """
                Each row of the table (the current one, or TABLE) gets the columns of the lookup row whose keys
                equal its own; '*' takes every column but the keys, 'as' renames one. Several keys match
                together (by region, store). The keys are checked first: a key the lookup table holds on more
                than one row, keys of different kinds (text '00042' against the number 42) and a name the table
                already has are errors. Rows with no match (a null key never matches) are counted and shown,
                and the statement says what becomes of them: 'keep unmatched' (their new columns empty) or
                'drop unmatched'. Each attached column keeps its type, and describe says where it came from.
                """,
              example: "load \"examples/members.csv\" as members; load \"examples/orders.csv\" as orders; attach tier, signup_channel from members by customer_id keep unmatched"),
        Topic(name: "let", usage: "let NAME = EXPRESSION", summary: "set a variable, used as $NAME",
              details: """
                Variables hold one value: a number, text, a date or true/false. 'patron run FILE --param
                NAME=VALUE' sets one from outside; it wins over the script's 'let' of the same name, so a
                script's lets are its defaults. '$as_of' sets the date 'days since' measures to.
                """,
              example: "let cutoff = 2024-12-31 - 90 days"),
        Topic(name: "crosstab", usage: "crosstab COLUMN by COLUMN", summary: "count rows for each pair of values",
              details: "crosstab COLUMN by COLUMN [where CONDITION]: rows for the first column's values, columns for\nthe second's, with totals; empty values form their own group.",
              example: "crosstab region by channel"),
        Topic(name: "expressions", usage: "operators and functions", summary: "what conditions and values can say",
              details: """
                From loosest to tightest: or; and; not; comparisons = != < <= > >=, [not] in (…),
                [not] between … and …, is [not] null, contains, starts with; + -; * / %; unary -.
                Dates: 2024-12-31, order_date - 30 days, days since last_purchase, date - date (days).
                Functions: abs round floor ceil lower upper length year month day days_between coalesce.
                A comparison with an empty value is unknown: neither it nor its 'not' holds. Overflow and
                division by zero give an empty value, never a crash.
                """,
              example: "segment where profit / frequency > 100 and days since since > 365"),
        Topic(name: "customers", usage: "customers from ORDERS by ID [as of DATE]", summary: "derive one row per customer from an order table",
              details: """
                customers from ORDERS by ID [as of DATE] [with amount = E, profit = E, date = COLUMN]
                          [only METRIC, …] [into NAME]
                Columns: first_purchase, last_purchase, recency (days from the last purchase to the
                as-of date), frequency (orders), monetary (sum of the amount), aov (monetary ÷ frequency),
                profit (sum of the profit, when defined or when the orders have a profit column),
                tenure (days since the first purchase), loyalty (share of the 12 calendar months up to
                the as-of date with a purchase) and channels (when the orders have a channel column).
                Metrics of your own follow, each over a customer's orders: 'with points = sum(amount) *
                0.05, online = count() where channel = "online", online_share = share() where channel =
                "online"' (sum, count, count(distinct x), min, max, avg (exact), share(), and + − × of
                them; 'where' keeps the orders the metric takes). describe shows each definition.
                The as-of date defaults to the latest order date and is always printed; orders after it
                are left out. The amount is found by name (amount, revenue, sales, total, value, …) or
                given with 'with amount = …'. The new table is named customers (or NAME) and becomes
                current. 'only frequency, profit' derives just those metrics: on millions of orders
                it is about twice as fast and the table is smaller. 'explain METRIC' prints a metric's
                definition as it is in force.
                """,
              example: "customers from demo by region with amount = monetary"),
        Topic(name: "explain", usage: "explain METRIC | SEGMENT | customer ID", summary: "what a metric means, a segment's size, or one customer",
              details: "For a column: how it was found or derived. For a named segment: its definition, its size\nand shares, the cut points of the levels it uses, where its customers fall in the matrix, the\nlifecycle and the RFM segments, and the advice for the largest group. For 'customer ID' (matched on the first\ncolumn): each value, its level and how the level is set, and the segments the customer is in.\nFor a concept (matrix, rfm, pareto, levels, tiers, lifecycle, clv, cohorts, loyalty, expressions):\nwhat it is and how patron computes it, as 'help' says it.",
              example: "explain loyalty"),
        Topic(name: "matrix", usage: "matrix METRIC by METRIC [split median | at X, Y]", summary: "the profit × loyalty matrix: friends, butterflies, barnacles, strangers",
              details: """
                Splits two metrics high/low (at their medians, or at X and Y: values up to the cut are low)
                and draws the 2×2 of Reinartz & Kumar: True Friends 知己 (high profit, high loyalty),
                Butterflies 蝴蝶 (high profit, low loyalty), Barnacles 藤壶 (low profit, high loyalty),
                Strangers 过客 (low, low), with counts, shares of rows and of profit, the split used, and
                one line of advice for each.
                """,
              example: "matrix profit by loyalty"),
        Topic(name: "pareto", usage: "pareto METRIC [at A, B]", summary: "ABC classes and the curve: who makes 80%",
              details: """
                Sorts rows by the metric, highest first. A row is in class A while the rows above it hold
                less than A% of the total (80 by default), in B while less than B% (95), else in C; equal
                values always share a class. Prints the headline "x% of rows make 80% of METRIC", the ABC
                table and the cumulative curve. Negative values count in the total.
                """,
              example: "pareto profit"),
        Topic(name: "tiers", usage: "tiers METRIC", summary: "value tiers: high, medium, low, none",
              details: "none takes values up to 0; low, medium and high split the positive values at their terciles.\nCounts and shares of rows and of the metric.",
              example: "tiers profit"),
        Topic(name: "rfm", usage: "rfm [bins N] | rfm segments TABLE", summary: "RFM scores and the named segments of a rule table",
              details: """
                rfm [bins N]: scores recency (reversed: the most recent score highest), frequency and
                monetary 1…N (5 by default) at their quantiles; equal values always share a score. Adds
                r_score, f_score, m_score and rfm (e.g. 545) and prints each score's range and rows.
                rfm segments rfm | putler | custom: names each row by the first rule that matches, in
                rfm_segment: rfm is the R package's 10-segment table, putler Putler's 11 (R against the
                mean of F and M), custom the rules added with 'rfm rule NAME where CONDITION'.
                'check segments' lists overlapping rules, rules that never match first, and score cells
                no rule covers.
                """,
              example: "rfm bins 5"),
        Topic(name: "lifecycle", usage: "lifecycle [windows A, B, C]", summary: "new, active, warm, cold and lapsed customers",
              details: "new: tenure up to A days (when there is a tenure column); then by recency: active up to A,\nwarm up to B, cold up to C, lapsed (churned) beyond. The defaults, \(Self.windows(last: " and ")) days, are printed.",
              example: "lifecycle windows \(Self.windows(last: ", "))"),
        Topic(name: "clv", usage: "clv [model bgnbd | pareto_nbd] [until DATE] [unit weeks | days] [with margin = X, discount = Y, horizon = N months]",
              summary: "who is slipping away and what each customer is worth (BG/NBD, Gamma-Gamma)",
              details: """
                Fits the BG/NBD purchase model (or Pareto/NBD: model pareto_nbd, slower) and the Gamma-Gamma
                spend model by maximum likelihood to the
                orders of the last 'customers from' derivation (orders on one day are one purchase, as in
                Fader–Hardie), prints the parameters with standard errors, the log-likelihood and whether it
                converged, and adds p_alive, expected_purchases (over the horizon), expected_spend and clv
                (margin and monthly discount applied) to the customer table, so level words work on them:
                segment where p_alive = low and profit = high. 'until DATE' fits on the orders up to DATE and
                checks the model on the orders after it. explain p_alive and explain clv give the formulas,
                the assumptions and the limits (a one-time buyer always has P(alive) = 1 under BG/NBD).
                """,
              example: ""),
        Topic(name: "cohorts", usage: "cohorts [by month | quarter | week] [of customers | revenue | profit]",
              summary: "first-purchase cohorts and their retention, as a heatmap",
              details: """
                Groups the customers of the last 'customers from' derivation by the period of their first
                purchase (rows) and follows them period by period (columns): the share of each cohort that
                bought (its size is the denominator, printed), or the revenue or profit as a share of the
                cohort's first period (printed). The period holding the as-of date is marked when it is not
                over. --format and 'export result' give the figures as data.
                """,
              example: ""),
        Topic(name: "what", usage: "what if retention + N points [over Y years]", summary: "the economics of retention, on your own orders",
              details: """
                From the orders of the last 'customers from' derivation: the yearly retention (customers of
                the 12 months before the last 12 who bought again in the last 12), the new customers a year
                and the profit (revenue without a profit) per active customer; then, year by year for Y
                years (5 by default), customers = last year's × retention + new customers, as things are and
                with retention N points higher. Prints how each figure was found, both projections side by
                side and the difference, next to the rule of thumb (5 points, +25–85% profit).
                """,
              example: ""),
        Topic(name: "transitions", usage: "transitions from DATE to DATE [by lifecycle | matrix | tiers | rfm | putler | custom]",
              summary: "how many customers moved between segments",
              details: """
                Repeats the last 'customers from' derivation as of each date, segments both, and counts
                customers by their segment at the first date (rows) and at the second (columns). By lifecycle
                (the default) it also counts churn (to lapsed) and win-back (from lapsed); by matrix the
                profit × loyalty quadrants at each date's medians; by tiers the profit tiers; by rfm, putler
                or custom the RFM scores at each date named by that rule table. Customers who had not bought
                by the first date form their own row.
                """,
              example: ""),
        Topic(name: "export", usage: "export [COLUMN, … of] TABLE | SEGMENT | result to \"FILE\" [as FORMAT] [with raw]", summary: "write a table, a segment's rows or the last result to a file or a server table",
              details: """
                'export customer_id, monetary of loyal to "loyal.csv"' writes only the columns named, in that order.
                The format comes from the file's extension (.csv .tsv .json .jsonl .ndjson .md) or 'as csv',
                'as tsv', 'as json', 'as jsonl', 'as markdown'. CSV follows RFC 4180 (CRLF line ends, quotes
                doubled). In CSV and TSV, text starting with = + - @, a tab, CR or LF gets a leading ' so a
                spreadsheet never runs it as a formula; numbers stay numbers; 'with raw' writes text as it
                is. The file is written to a temporary name and renamed into place: a failed write (no such
                folder, disk full, permission denied) leaves no partial file and exits with status 74.
                To a server: export butterflies to shop.public.campaign [replace | append], in one
                transaction (see 'help connect').
                """,
              example: ""),
        Topic(name: "connect", usage: "connect NAME to postgres \"CONNINFO\"", summary: "open a connection to PostgreSQL (or a server that speaks its protocol)",
              details: """
                CONNINFO is a libpq connection string (host=… port=… dbname=… user=…) or a URI
                (postgresql://user@host:5432/shop); the PG* environment variables and ~/.pgpass fill in
                what it leaves out, as for psql. The password is never shown: not in output, errors,
                --format json, saved sessions or the history file. A server that does not answer within
                connect_timeout (10 seconds unless the string says) is given up, and so is one Ctrl-C
                stops. The connection sets TimeZone UTC, ISO dates and standard strings, so no server
                default changes an answer. Then:
                  load NAME.SCHEMA.TABLE [as T]           a whole table (NAME.TABLE: the search path)
                  load from NAME query "SELECT …" as T    the rows of a query
                  use NAME.SCHEMA.TABLE [as T]            leave it there: segments run on the server
                  export WHAT to NAME.SCHEMA.TABLE [replace | append]
                Rows stream by binary COPY, each column typed as on the server (integers, numeric(p,s) as
                exact decimals, real and double as decimals, text, boolean, date, timestamp, uuid and json
                as text); numerics over 19 digits stop the load unless 'with wide_numeric text'. A type
                patron cannot hold stops it before any row is read. Ctrl-C cancels the query on the server.
                An export is one transaction: all rows or none. 'show connections' lists them; 'disconnect
                NAME' closes one. In scripts a server that cannot be reached exits with status 69.
                """,
              example: ""),
        Topic(name: "sql", usage: "sql [DIALECT] STATEMENT", summary: "print the SQL a statement compiles to",
              details: """
                The SQL gives the answers patron gives in memory (docs/sql.md): cut points are exact quantiles
                found from the two neighbouring order statistics, so equal values share a level; SQL's
                three-valued logic; exact decimals. Dialects: duckdb (the default), postgres, spark, trino,
                bigquery, snowflake. Covered: customers from, segment, define segment, summarize, count,
                crosstab, show … top N by, show segments, show levels, levels, matrix, pareto, tiers, lifecycle,
                rfm bins, rfm segments, transitions, cohorts, add, attach
                (lower, upper and length are refused). 'patron compile FILE --dialect duckdb' writes a whole script's.
                'use CONNECTION.SCHEMA.TABLE' leaves a PostgreSQL table on its server and runs every
                statement but 'summarize TABLE' there, drawn as in memory ('export TABLE to \"FILE\"' brings
                the rows back).
                """,
              example: "sql postgres segment where profit = high and loyalty = low"),
        Topic(name: "disconnect", usage: "disconnect NAME", summary: "close a server connection",
              details: "The tables loaded from it stay loaded.", example: ""),
        Topic(name: "include", usage: "include \"FILE\"", summary: "run another script here",
              details: "The path is relative to the including script (to the working directory at the prompt).\nTables, variables and segments it defines stay defined; a script that includes itself, directly\nor through others, is reported as a cycle.",
              example: ""),
        Topic(name: "save", usage: "save session to \"FILE\"", summary: "write this session's statements as a script",
              details: "Writes the statements that succeeded so far, in order and as typed (exports and reports\nincluded; help, pauses and saves listed in a comment as left out), so 'patron run FILE'\nrepeats the session's results and files.",
              example: ""),
        Topic(name: "report", usage: "report to \"FILE.html\" [title \"…\"] [from \"SCRIPT\"]", summary: "write the session's results as one HTML page with charts",
              details: """
                One self-contained HTML file of every result so far (or of what SCRIPT prints, run in a
                fresh session): each under the statement that made it, its table, and an inline SVG
                chart where a picture says more (the matrix with areas by share of customers, the
                Pareto curve with its 80% line, tier, lifecycle and segment bars, the R×F heatmap,
                cohort heatmaps, the model's checks), with cut points, definitions and advice, in the
                session's language. Nothing is fetched from anywhere; it prints on A4; the file is
                written whole or not at all. 'patron run FILE --format html' prints the same page.
                """,
              example: "report to \"/tmp/patron-class.html\" title \"Who our customers are\""),
        Topic(name: "lesson", usage: "lesson [NAME | \"FILE\"]", summary: "guided lessons on the demo data, step by step",
              details: """
                'lesson' lists the built-in lessons: basics, tiers, matrix, rfm, lifecycle and clv, in
                English or Chinese (set language zh). 'lesson NAME' runs one at the prompt: each step's
                explanation, the statement shown and then run, what to look at, and a pause: Enter goes
                on, 'back' shows the step before, 'quit' leaves. Write your own: a lesson file is a
                script with 'say "…"' lines for your words and 'pause' lines between steps; run it with
                lesson "FILE" at the prompt, or 'patron run FILE', where pauses are skipped.
                """,
              example: "lesson tiers"),
        Topic(name: "say", usage: "say \"TEXT\"", summary: "a lesson's words, printed as written",
              details: "In a lesson file, the words a trainer wants read before or after a statement.", example: "say \"Butterflies buy much, but seldom.\""),
        Topic(name: "pause", usage: "pause", summary: "a lesson waits here for Enter",
              details: "Ends a lesson's step: at the prompt the lesson waits for Enter, back or quit; a script skips it.", example: "pause"),
        Topic(name: "set", usage: "set language en | zh  ·  set timer on | off", summary: "the language of segment names and advice; statement timing",
              details: "With zh, the matrix (知己, 蝴蝶, 藤壶, 过客), value tiers (高利润, 中利润, 低利润, 无利润), lifecycle\nstages and RFM segment names, and the advice, are printed in Chinese; tables stay aligned.\nWith the timer on, each statement's elapsed time is printed on standard error (for clv, its steps too).",
              example: "set language zh"),
        Topic(name: "check", usage: "check segments", summary: "overlaps and gaps of an RFM rule table",
              details: "Checks the custom rules (or the rfm table when there are none) over every cell of scores.", example: "check segments"),
        Topic(name: "help", usage: "help [TOPIC]", summary: "list statements, or explain one",
              details: "Topics: each statement, each function, and the concepts levels, rfm, matrix, pareto, loyalty,\nexpressions and keys (editing at the prompt). Tab after 'help ' lists them.", example: "help segment"),
        Topic(name: "quit", usage: "quit", summary: "leave patron (Ctrl-D does the same)", details: "Ends the session.", example: ""),
    ] + concepts + functions

    /// Ideas behind the statements, each with an example.
    static let concepts: [Topic] = [
        Topic(name: "loyalty", usage: "loyalty (a metric)", summary: "how steadily a customer buys",
              details: """
                The share of the 12 calendar months up to the as-of date in which the customer bought at
                least once, from 0 to 1 (to four places): 0.5 is a purchase in 6 of the 12 months. It is
                what the profit × loyalty matrix splits on: high loyalty with high profit are True Friends,
                with low profit Barnacles. 'customers from ORDERS by ID' derives it; a table can also bring
                its own column named loyalty.
                """,
              example: "segment where loyalty = high"),
        Topic(name: "keys", usage: "keys at the prompt", summary: "editing, completion, history, paste and Ctrl-C",
              details: """
                Tab completes the word before the cursor: statement words at the start of a line, table,
                column, segment and metric names after the words that take them, level words after
                'METRIC =', file names inside load "…"; when several fit, Tab lists them. Up and down walk
                the history (kept in ~/.patron_history; a statement over several lines is one entry);
                Ctrl-R searches it as you type. Pasted text runs line by line, each statement one history
                entry; a last line without a line end waits for Enter. Ctrl-C discards the line being
                typed, or stops a running load, derivation or summary and keeps the session; Ctrl-D on
                an empty line leaves. Keys are emacs-style; put 'bind -v' in
                ~/.editrc for vi keys. Colour is off when NO_COLOR is set or output is not a terminal;
                tables wider than the terminal leave out their last columns and say which.
                """,
              example: ""),
    ]

    /// The built-in functions, one topic each.
    static let functions: [Topic] = [
        ("abs", "abs(X)", "the absolute value of a number", "segment where abs(profit) > 1000"),
        ("round", "round(X)", "a number rounded to the nearest whole number, halves away from zero", "segment where round(loyalty * 10) = 5"),
        ("floor", "floor(X)", "the largest whole number not above X", "segment where floor(loyalty * 4) = 2"),
        ("ceil", "ceil(X)", "the smallest whole number not below X", "segment where ceil(recency / 30) <= 1"),
        ("lower", "lower(TEXT)", "text in lower case", "segment where lower(region) = \"north\""),
        ("upper", "upper(TEXT)", "text in upper case", "segment where upper(channel) = \"APP\""),
        ("length", "length(TEXT)", "the number of characters in a text", "segment where length(name) > 12"),
        ("year", "year(DATE)", "the year of a date", "segment where year(since) = 2023"),
        ("month", "month(DATE)", "the month of a date, 1 to 12", "segment where month(since) = 12"),
        ("day", "day(DATE)", "the day of the month of a date", "segment where day(since) = 1"),
        ("days_between", "days_between(DATE, DATE)", "days from the first date to the second", "segment where days_between(since, 2024-12-31) > 365"),
        ("coalesce", "coalesce(X, Y, …)", "the first value that is not empty", "segment where coalesce(channel, \"none\") = \"none\""),
    ].map { name, usage, summary, example in
        Topic(name: name, usage: usage, summary: summary,
              details: "A function: \(summary). An empty (null) argument gives an empty result\(name == "coalesce" ? ", except that coalesce skips it" : ""); see also 'help expressions'.",
              example: example)
    }

    /// The overview printed by `help`.
    public static func overview(_ language: Language = .en) -> String {
        let shown = Set(concepts.map(\.name) + functions.map(\.name) + ["expressions"])
        let width = min(44, topics.filter { !shown.contains($0.name) }.map { $0.usage.count }.max() ?? 0)
        var lines = ["statements:"]
        for topic in topics where !shown.contains(topic.name) {
            if topic.usage.count > width {
                // A long form on its own line, its summary under it in the summary column.
                lines.append("  " + Style.highlight(topic.usage))
                lines.append("  " + String(repeating: " ", count: width) + "  " + summary(topic, language))
            } else {
                lines.append("  " + Style.highlight(topic.usage.padding(toLength: width, withPad: " ", startingAt: 0)) + "  " + summary(topic, language))
            }
        }
        lines.append("")
        lines.append("concepts: levels, rfm, matrix, pareto, loyalty, expressions, keys")
        lines.append("functions: " + functions.map(\.name).joined(separator: ", "))
        lines.append("")
        lines.append("Type 'help TOPIC' for more, e.g. 'help segment', 'help levels' or 'help expressions'.")
        lines.append("Statements end at a newline or ';'; '#' starts a comment.")
        return lines.map { $0.hasPrefix("  ") ? $0 : Catalogue.translate($0, language) }.joined(separator: "\n")
    }

    /// A topic's one-line summary in the language.
    static func summary(_ topic: Topic, _ language: Language) -> String {
        language == .zh ? chinese[topic.name]?.summary ?? topic.summary : topic.summary
    }

    /// The text of `help TOPIC`, or nil for an unknown topic.
    public static func text(for name: String, _ language: Language = .en) -> String? {
        guard let topic = topics.first(where: { $0.name == name.lowercased() }) else { return nil }
        let details = language == .zh ? chinese[topic.name]?.details ?? topic.details : topic.details
        let usage = language == .zh ? chineseUsage[topic.name] ?? topic.usage : topic.usage
        var out = "\(usage)\n  \(summary(topic, language))\n\n\(details)"
        if !topic.example.isEmpty { out += "\n\n\(Catalogue.translate("example:", language))\n  \(Style.highlight(topic.example))" }
        return out
    }
}
