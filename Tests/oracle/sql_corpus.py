"""The corpus of statements the SQL checks run: segments (level words on every metric with every
operator, ranks, fixed and quartile levels, text, dates and numbers, and generated combinations
from a fixed seed) and summaries, over patron's demo table."""
import random

# Summaries and count … by, with every aggregate, where, sort and top.
summaries = [
    "count by region", "count by channel", "count by region, channel", "count by frequency",
    "summarize count, sum(profit), avg(profit), min(profit), max(profit) by region",
    "summarize count, sum(monetary), min(since), max(since) by channel",
    "summarize count, median(monetary), share(profit) by region",
    "summarize sum(profit - monetary), sum(monetary * 2) by region, channel",
    "summarize count, sum(profit) by region where loyalty >= medium",
    "summarize count, avg(loyalty) by channel where profit = high and recency < medium",
    "summarize count by region sort by count desc",
    "summarize count, sum(profit) by channel sort by sum(profit) desc top 2",
    "summarize count, sum(profit) by frequency where frequency <= 5 sort by frequency desc",
    "summarize count, sum(profit), max(monetary)",
    "summarize count, sum(profit) where region = \"North\"",
    "summarize count(channel), count by region",
    "summarize share(monetary) by channel where not (channel = \"store\")",
    "summarize count, median(profit) by region where profit = top 25%",
    "summarize min(profit), max(profit), avg(monetary) by region, channel where since >= 2023-01-01",
    "summarize count by recency where recency < 10",
]


def segment_blocks():
    """(level setting, conditions) pairs: terciles, quartiles (levels … quantiles 4), fixed levels."""
    # The corpus: level words on every metric with every operator, combinations, ranks, fixed levels,
    # other quantiles, and conditions on text, dates and numbers; a fixed seed for the generated part.
    metrics = ["profit", "loyalty", "recency", "frequency", "monetary"]
    words = ["low", "medium", "high"]
    conditions = [f"{m} {op} {w}" for m in metrics for w in words for op in ["=", "!="]]
    conditions += [f"{m} {op} medium" for m in metrics for op in ["<", "<=", ">", ">="]]
    conditions += [f"{m} = top {p}%" for m in metrics for p in ["10", "20", "33.3"]]
    conditions += [f"{m} = bottom {p}%" for m in ["profit", "recency"] for p in ["5", "50"]]
    conditions += ['region = "North"', 'region != "West" and channel = "online"', 'channel = "store" or channel = "app"',
                   "since < 2023-01-01", "since >= 2024-06-30 and frequency > 3", "profit > 0", "profit <= -10.5",
                   "loyalty > 0.5", "monetary >= 1000.25", "not (profit = high)", "not (channel = \"phone\")",
                   "frequency = 1", "recency between 30 and 90", "profit = high and loyalty = low", "profit = low and loyalty = high"]
    # Lists, text matching, functions and real arithmetic (division by zero is null, as in memory).
    conditions += ['region in ("North", "South")', 'channel not in ("store", "app")', 'channel in ("online", "nowhere")',
                   'name contains "a"', 'region starts with "No"', 'name contains ""', "abs(profit) > 100", "round(profit) >= 50",
                   "floor(loyalty * 10) = 5", "round(monetary, 1) > 500.5", "ceil(profit) = 10", "year(since) = 2023", "round(profit, 0) > profit",
                   "day(since) = 1", "days_between(since, 2024-12-31) > 365", "days since since < 400", "days since since >= 730 and frequency > 3", 'coalesce(channel, "none") = "none"',
                   "(profit + monetary) / 2 > 300", "profit / frequency > 20", "monetary / 0 > 1", "profit / (frequency - 1) > 50 or channel is null"]
    random.seed(20241231)
    for _ in range(60):
        terms = [f"{random.choice(metrics)} {random.choice(['=', '!=', '<', '>='])} {random.choice(words)}" for _ in range(random.randint(2, 3))]
        joiners = [random.choice([" and ", " or "]) for _ in terms[1:]]
        text = terms[0] + "".join(j + t for j, t in zip(joiners, terms[1:]))
        conditions.append(("not (" + text + ")") if random.random() < 0.2 else text)
    conditions = [c.replace("recency between 30 and 90", "recency >= 30 and recency <= 90") for c in conditions]
    _blocks = [("terciles", conditions), ("quartiles", ["profit = q1", "profit = q4", "loyalty != q2", "profit = q3 and loyalty = q1"]),
              ("fixed", ["profit = none", "profit = medium", "profit = high or profit = none"])]

    return _blocks


def same(ours, theirs):
    """A cell of patron's summary and one an engine returned: equal text, or numbers equal to 1e-12."""
    if ours is None or theirs is None or theirs == "":
        return (ours is None) == (theirs is None or theirs == "")
    if isinstance(ours, bool):
        return str(ours).lower() in (str(theirs).lower(), "t" if ours else "f")
    if isinstance(ours, (int, float)):
        a, b = float(ours), float(theirs)
        return abs(a - b) <= 1e-12 * max(1.0, abs(a))
    return str(ours) == str(theirs)


# Files a compiled script must read as patron does (issue 26, item 8): patron's null markers, quoted
# line breaks, doubled quotes and delimiters inside quotes, each delimiter patron sniffs, a file
# without a header, a decimal comma, a declared date format and null markers of the user's own.
# Each: (file name, its text, load options, segments whose sizes memory and the engine must agree on).
def _rows(sep, rows):
    return "".join(sep.join(r) + "\n" for r in rows)


_NOTES = [["id", "amount", "note"]] + [[str(i), f"{i}.50", "NA" if i % 3 == 0 else ("" if i % 4 == 0 else "x")] for i in range(1, 13)]
FILES = [
    ("markers.csv", 'id,name,amount\n1,NA,1\n2,,2\n3,null,NULL\n4,"a\nb ""quoted"", and more",3\n5,N/A,4.5\n6,NULL,NA\n7,Ann,5\n8,"N/A ",6\n', "",
     ["name is null", 'name contains "quoted"', "amount > 2", "amount is null", 'name = "N/A "']),
    ("semicolon.txt", _rows(";", [[c.replace(".", ",") for c in r] for r in _NOTES]), ' with decimal ","',
     ["amount > 3 and note is null", "amount <= 6.5", 'note = "x"']),
    ("tab.tsv", _rows("\t", _NOTES), "", ["amount > 3 and note is null", 'note = "x"']),
    ("pipe.txt", _rows("|", _NOTES), "", ["amount > 3 and note is null", "id between 2 and 7"]),
    ("headerless.csv", _rows(",", _NOTES[1:]), "", ["column2 > 3", "column3 is null"]),
    ("dates.csv", "id,day,spent\n1,31/01/2024,10\n2,01/02/2024,-\n3,29/02/2024,?\n4,,7\n", ' with date_format "dd/MM/yyyy", nulls ("-", "?")',
     ["day >= 2024-02-01", "spent is null", "day is null"]),
]


def write_files(folder):
    """Writes the FILES into `folder`; (path, load statement, segments) for each."""
    import os
    cases = []
    for name, text, options, segments in FILES:
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        table = name.split(".")[0]
        cases.append((path, f'load "{path}" as {table}{options}', segments))
    return cases
