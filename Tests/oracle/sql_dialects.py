#!/usr/bin/env python3
"""Checks patron's SQL for the engines the tests cannot start here — Spark, Trino, BigQuery and
Snowflake — by parsing every statement of a corpus with sqlglot in that dialect (and writing it
back out, which fails on constructs the dialect lacks). A median, which Trino and BigQuery have
only approximately or as a window function, must be refused for them with a clear error.

usage: sql_dialects.py PATRON_BINARY
Prints what fails and exits 1, or prints "ok" and exits 0."""
import json
import subprocess
import sys

import sqlglot
from sqlglot.errors import ErrorLevel

patron = sys.argv[1]
statements = [
    "segment where profit = high and loyalty = low", "segment where region = \"North's\" and profit = top 20%",
    "segment where not (recency = low) or frequency >= medium", "segment where channel = \"online\" and since < 2023-06-30",
    "segment where monetary > 1000.5 and profit = bottom 50%", "segment where loyalty != medium or profit < high",
    "segment where channel is null or channel = \"app\"", "segment where profit - monetary > -100",
    "count by region, channel", "summarize count, sum(profit), avg(profit), min(since), max(monetary) by region",
    "summarize count, share(profit) by channel where loyalty >= medium sort by count desc top 3",
    "summarize sum(profit - monetary) by region where profit = top 10%",
    "summarize count, median(monetary) by region",
    "customers from demo by region with amount = monetary, date = since",
    "matrix profit by loyalty", "matrix profit by loyalty at 500, 0.5", "tiers profit", "lifecycle windows 10, 60, 120",
    "customers from demo by customer_id as of 2024-06-30 with amount = monetary, profit = profit - 1, date = since only recency, loyalty",
    "pareto profit", "pareto monetary at 33.3, 90", "crosstab region by channel", "rfm bins 5", "segment where (frequency + recency) / 2 > 10",
    'segment where name contains "a" and year(since) = 2023 and region starts with "N"',
    'segment where region in ("North", "West") or days_between(since, 2024-12-31) > 365 or round(profit, 1) > 10.5',
]
medians = {s for s in statements if "median(" in s}
bad = []
for dialect in ["spark", "trino", "bigquery", "snowflake"]:
    script = "\n".join(f"sql {dialect} {s}" for s in statements) + "\n"
    run = subprocess.run([patron, "run", "--format", "json", "--keep-going", "-"], input=script, capture_output=True, text=True)
    documents = json.loads(run.stdout)
    expected_ok = [s for s in statements if not (s in medians and dialect in ("trino", "bigquery"))]
    if len(documents) != len(expected_ok):
        bad.append(f"{dialect}: {len(documents)} statements compiled, expected {len(expected_ok)}: {run.stderr[:400]}")
        continue
    if dialect in ("trino", "bigquery") and "median cannot be computed exactly in " + dialect not in run.stderr:
        bad.append(f"{dialect}: a median is not refused")
    for statement, document in zip(expected_ok, documents):
        try:
            tree = sqlglot.parse_one(document["sql"], read=dialect, error_level=ErrorLevel.RAISE)
            tree.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE)
        except Exception as error:  # sqlglot's ParseError, UnsupportedError, TokenError
            bad.append(f"{dialect}: {statement}: {str(error).splitlines()[0]}")

# Quoting as each engine defines it (issue 26, item 2): hostile values and names, compiled for
# every dialect, read back by sqlglot in that dialect as exactly what was written.
import os
import tempfile

from sqlglot import exp

VALUES = ["it's", "a\\b", "\\' or 1=1) THEN 1 END) AS rows, --", "line\nbreak", "tab\tx", 'dq"x', "\\\\", "back`tick", "é 王"]
NAMES = ["bs\\col", 'dq"name', "it's", "王 伟"]
folder = tempfile.mkdtemp(prefix="patron-quoting-")
data = os.path.join(folder, "names.csv")
with open(data, "w", encoding="utf-8") as f:
    f.write(",".join('"' + n.replace('"', '""') + '"' for n in NAMES) + "\n" + ",".join(["a"] * len(NAMES)) + "\n")
patron_text = lambda v: '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
quoted_checks = 0
for dialect in ["duckdb", "postgres", "spark", "trino", "bigquery", "snowflake"]:
    lines = [f'load "{data}" as names'] + [f'sql {dialect} segment where `{NAMES[0]}` = "a" or `{NAMES[3]}` = "b" or `{NAMES[1]}` = {patron_text(v)}' for v in VALUES]
    run = subprocess.run([patron, "run", "--format", "json", "--quiet", "-"], input="\n".join(lines) + "\n", capture_output=True, text=True)
    if run.returncode != 0:
        bad.append(f"{dialect}: hostile values did not compile: {run.stderr[:300]}")
        continue
    sqls = [d["sql"] for d in json.loads(run.stdout) if "sql" in d]
    for value, sql in zip(VALUES, sqls):
        try:
            tree = sqlglot.parse_one(sql, read=dialect, error_level=ErrorLevel.RAISE)
        except Exception as error:
            bad.append(f"{dialect}: {value!r}: {str(error).splitlines()[0]}")
            continue
        literals = {l.this for l in tree.find_all(exp.Literal) if l.is_string}
        identifiers = {i.this for i in tree.find_all(exp.Identifier)}
        if value not in literals:
            bad.append(f"{dialect}: the value {value!r} reads back as one of {sorted(literals)!r}")
        for name in (NAMES[0], NAMES[1], NAMES[3]):
            if name not in identifiers:
                bad.append(f"{dialect}: the name {name!r} reads back as one of {sorted(identifiers)!r}")
        quoted_checks += 1
if bad:
    print("\n".join(bad))
    sys.exit(1)
print(f"ok: {len(statements)} statements parse in spark, trino, bigquery and snowflake (medians refused where inexact); "
      f"{quoted_checks} hostile values and names read back exactly in all six dialects")
