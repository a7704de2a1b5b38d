#!/usr/bin/env python3
"""A whole script compiled and run: the statements that make tables (customers from, rfm bins,
rfm segments) and the ones that read them (pareto, transitions by every segmentation, crosstab,
count … by the scores and the rule names, pages of rows by a column), compiled by `patron compile` for DuckDB and for
PostgreSQL, run there statement by statement, and every answer compared with patron's in memory.

usage: sql_scripts.py PATRON_BINARY [PSQL_ARGS…]
PSQL_ARGS reach a PostgreSQL server whose public.orders holds examples/orders.csv (scripts/pg-local,
Tests/postgres/fixtures.sql); without them only DuckDB is checked. Run from the package root."""
import json
import re
import subprocess
import sys

import duckdb

STATEMENTS = [
    "customers from orders by customer_id as of 2024-12-31 with profit = amount - cost",
    "count customers", "define segment loyal as loyalty = high and profit != low", "count loyal", "show segments",
    "show top 4 by monetary", "show loyal top 3 by profit", "show monetary, customer_id of loyal where frequency > 1 top 3 by profit",
    "pareto monetary", "pareto profit at 50, 70", "pareto loyalty at 33.3, 90",
    "transitions from 2024-06-30 to 2024-12-31 by matrix", "transitions from 2024-03-31 to 2024-12-31",
    "transitions from 2024-06-30 to 2024-12-31 by tiers",
    "rfm bins 5", "count by r_score, f_score, m_score", "count by rfm",
    "rfm segments rfm", "count by rfm_segment", "transitions from 2024-06-30 to 2024-12-31 by rfm",
    "rfm bins 4", "rfm segments putler", "crosstab rfm_segment by channels", "count by rfm_segment, r_score",
    "transitions from 2024-03-31 to 2024-12-31 by putler",
    "cohorts", "cohorts by quarter of revenue", "cohorts by week of profit",
    "add spend_band = monetary > 500", "count by spend_band, channels",
]
# Spark's temporary views cannot replace themselves (docs/sql.md): its script has no scores.
SPARK_STATEMENTS = [s for s in STATEMENTS[:10]] + ["crosstab frequency by channels", "count by channels, frequency", "cohorts by quarter of revenue", "cohorts by week"]
KINDS = ("pareto", "transitions", "count", "crosstab", "show", "segments", "cohorts")


def kind_of(line):
    """A statement's kind of answer: its verb, or `segments` for `show segments`."""
    return "segments" if line.startswith("show segments") else line.split()[0]


def norm(value):
    """A value as text, a number without trailing zeros (JSON writes 599.8 for 599.80)."""
    from decimal import Decimal, InvalidOperation
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except (InvalidOperation, ValueError):
        return str(value)


def run(patron, args, stdin):
    done = subprocess.run([patron] + args, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr)
        sys.exit(1)
    return done.stdout


ORDERS = 'load "examples/orders.csv" as orders\n'
# The customer master beside the orders (issue 28): attach on DuckDB, where both files load.
MEMBERS = ORDERS + 'load "examples/members.csv" as members\nuse orders\n'
ATTACH_STATEMENTS = [
    "attach tier, signup_channel from members by customer_id keep unmatched", "count by tier, signup_channel",
    "customers from orders by customer_id with profit = amount - cost, points = sum(amount) * 0.05, online = count() where channel = 'online', "
    "stores = count(distinct store), biggest = max(amount), typical = avg(amount), online_share = share() where channel = 'online', "
    "last_big = max(order_date) where amount > 100, spent = sum(cost) - sum(amount) * 2, orders_with_cost = count(cost)",
    "show customer_id, points, online, stores, biggest, typical, online_share, last_big, spent, orders_with_cost top 12 by points",
    "attach * from members by customer_id drop unmatched",
    "add points2 = monetary * 0.05", "count by tier", "crosstab tier by signup_channel", "show customer_id, tier, points2 top 3 by points2",
    "transitions from 2024-06-30 to 2024-12-31 by tiers",
]


def script(statements, prefix=ORDERS):
    return prefix + "\n".join(statements) + "\n"


def memory(patron, statements, prefix=ORDERS):
    """patron in memory: one JSON answer per query, in order."""
    answers = [d for d in json.loads(run(patron, ["run", "--format", "json", "--quiet", "-"], script(statements, prefix)))
               if d["kind"] in ("pareto", "transitions", "summary", "crosstab", "count", "rows", "segments", "cohorts")]
    queries = [s for s in statements if kind_of(s) in KINDS]
    assert len(answers) == len(queries), f"{len(answers)} answers for {len(queries)} queries"
    return answers


def expected(answer):
    """An answer as the rows its SQL gives: (key…, count) for counts, (from, to, rows) for transitions."""
    if answer["kind"] == "count":
        return [[str(answer["rows"][0][answer["columns"].index("rows")])]]
    if answer["kind"] == "segments":
        # Each segment's rows, then the table's: the first columns of the one row its SQL gives.
        return [[str(row[answer["columns"].index("rows")]) for row in answer["rows"]] + [str(answer["table_rows"])]]
    if answer["kind"] == "cohorts":
        # Each cohort's label, customers and values (to 6 places: memory adds them as reals),
        # then the customers left out and the as-of date.
        return [[c["cohort"], str(c["customers"])] + [cents(v) for v in c["values"]] for c in answer["values"]] \
            + [["left out", str(answer["customers_left_out"])], ["as of", answer["as_of"]]]
    columns, rows = answer["columns"], answer["rows"]
    if answer["kind"] == "summary":
        return [[str(v) for v in row] for row in rows]
    if answer["kind"] == "rows":
        return [[norm(v) for v in row] for row in rows]
    if answer["kind"] == "pareto":
        return [[row[0], str(row[1])] for row in rows if row[1] > 0]
    pairs = []
    for row in rows:
        if answer["kind"] == "crosstab" and row[0] == "total":
            continue
        if row[0] == "Others (no rule)":
            row = ["Others"] + row[1:]
        for key, count in zip(columns[1:-1], row[1:-1]):
            if count:
                source = None if answer["kind"] == "transitions" and row[0] == "(not yet a customer)" else row[0]
                pairs.append([str(source), str(key), str(count)])
    return pairs


def blocks(patron, statements, dialect, prefix=ORDERS):
    """The compiled script's statements: (patron line, SQL), in order."""
    text = run(patron, ["compile", "-", "--dialect", dialect], script(statements, prefix))
    parts = re.split(r"^-- (?:<stdin>:\d+|patron): ", text, flags=re.M)[1:]
    return [(p.split("\n", 1)[0], p.split("\n", 1)[1]) for p in parts]


def cents(value):
    return format(round(float(value), 6), ".6f")


def cohort_rows(result, period):
    """A cohorts plan's rows (kind, cohort, since, value) laid out as patron lays out the table:
    each cohort's label, customers and value per period since, up to the as-of date's period."""
    import datetime
    sizes, cells, left, as_of = {}, {}, 0, 0
    for kind, cohort, since, value in result:
        cohort, since = int(float(cohort)), int(float(since))
        if kind == "cell":
            cells[(cohort, since)] = value
        elif kind == "size":
            sizes[cohort] = int(float(value))
        elif kind == "left_out":
            left = int(float(value))
        elif kind == "as_of" and value is not None:
            as_of = int(float(value))
    day = datetime.date(1970, 1, 1) + datetime.timedelta(days=as_of)
    months = day.year * 12 + day.month - 1
    last = {"month": months, "quarter": months // 3, "week": (as_of - 4) // 7}[period]

    def label(n):
        if period == "month":
            return f"{n // 12:04d}-{n % 12 + 1:02d}"
        if period == "quarter":
            return f"{n // 4}-Q{n % 4 + 1}"
        return (datetime.date(1970, 1, 5) + datetime.timedelta(weeks=n)).isoformat()
    return [[label(c), str(sizes[c])] + [cents(cells.get((c, k), 0)) for k in range(last - c + 1)] for c in sorted(sizes)] \
        + [["left out", str(left)], ["as of", day.isoformat()]]


def rows_of(kind, result, width=0, line=""):
    if kind == "cohorts":
        words = line.split()
        return cohort_rows(result, words[words.index("by") + 1] if "by" in words else "month")
    if kind == "segments":
        return [[str(v) for v in r[:width]] for r in result]
    if kind == "pareto":
        return [[str(r[0]), str(r[1])] for r in result]
    if kind in ("count", "crosstab"):
        return [[str(v) for v in r] for r in result]
    if kind == "show":
        return [[norm(v) for v in r] for r in result]
    return [[str(r[0]), str(r[1]), str(r[2])] for r in result]


def compare(patron, statements, engine, execute, dialect, prefix=ORDERS):
    """Runs the compiled script statement by statement with `execute`; what differs from memory."""
    answers, bad, k = memory(patron, statements, prefix), [], 0
    for line, sql in blocks(patron, statements, dialect, prefix):
        if line.startswith("load ") and dialect in ("postgres", "spark"):
            continue  # the server's public.orders holds the same rows
        result = execute(sql)
        kind = kind_of(line)
        if kind not in KINDS:
            continue
        mine = expected(answers[k])
        theirs = rows_of(kind, result, len(mine[0]) if mine else 0, line)
        if kind in ("count", "crosstab"):
            theirs = [["None" if v == "None" else v for v in r] for r in theirs]
        if sorted(mine) != sorted(theirs):
            bad.append(f"{engine}: {line}: {theirs}, patron {mine}")
        k += 1
    return bad


def compare_files(patron, engine, execute, dialect):
    """The corpus's files (sql_corpus.FILES) loaded by a compiled script and each segment's size
    compared with memory's; `execute` runs one compiled statement and returns its rows."""
    import os
    import shutil
    import tempfile
    from sql_corpus import write_files
    folder = tempfile.mkdtemp(prefix="patron-files-")
    bad, checked = [], 0
    try:
        for path, load, segments in write_files(folder):
            text = load + "\n" + "".join(f"segment where {c}\n" for c in segments)
            answers = [d for d in json.loads(run(patron, ["run", "--format", "json", "--quiet", "-"], text)) if d["kind"] == "segment"]
            parts = re.split(r"^-- (?:<stdin>:\d+|patron): ", run(patron, ["compile", "-", "--dialect", dialect], text), flags=re.M)[1:]
            results = []
            for part in parts:
                try:
                    results.append(execute(part.split("\n", 1)[1]))
                except Exception as error:  # the engine's own error, said with the file
                    bad.append(f"{engine}: {os.path.basename(path)}: {str(error).splitlines()[0]}")
                    results = None
                    break
            if results is None:
                continue
            for condition, ours, theirs in zip(segments, answers, results[1:]):
                checked += 1
                got = [int(v) for v in theirs[0][:2]] if theirs else None
                if got != [ours["count"], ours["total"]]:
                    bad.append(f"{engine}: {os.path.basename(path)}: segment where {condition}: {got}, patron {ours['count']} of {ours['total']}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return bad, checked


def main():
    patron, psql = sys.argv[1], sys.argv[2:]
    duck = duckdb.connect()
    bad = compare(patron, STATEMENTS, "DuckDB", lambda sql: duck.execute(sql).fetchall() if sql.strip() else [], "duckdb")
    bad += compare(patron, ATTACH_STATEMENTS, "DuckDB", lambda sql: duck.execute(sql).fetchall() if sql.strip() else [], "duckdb", MEMBERS)
    file_bad, files_checked = compare_files(patron, "DuckDB", lambda sql: duck.execute(sql).fetchall() if sql.strip() else [], "duckdb")
    bad += file_bad
    if psql:
        schema = "patron_scripts"
        base = ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1"] + psql
        subprocess.run(base + ["-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE", "-c", f"CREATE SCHEMA {schema}"], check=True, capture_output=True)

        def postgres(sql):
            done = subprocess.run(base + ["-c", f"SET search_path TO {schema}, public; " + sql], capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"PostgreSQL: {done.stderr}\n{sql}")
            # psql writes a boolean as t or f; patron's JSON as true or false, read as Python's.
            truth = {"t": "True", "f": "False"}
            return [[None if v == "" else truth.get(v, v) for v in line.split("\t")] for line in done.stdout.splitlines() if line]

        try:
            bad += compare(patron, STATEMENTS, "PostgreSQL", postgres, "postgres")
        finally:
            subprocess.run(base + ["-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"], capture_output=True)
    if bad:
        print("\n".join(bad))
        sys.exit(1)
    answers = len([s for s in STATEMENTS if s.split()[0] in KINDS])
    print(f"ok: a script of {len(STATEMENTS)} statements ({answers} answers) compiled and run on DuckDB"
          + (" and on PostgreSQL" if psql else "") + " answers as patron does in memory; "
          + f"with a customer master attached, {len(ATTACH_STATEMENTS)} statements on DuckDB; "
          + f"{files_checked} segments over {len(__import__('sql_corpus').FILES)} files (null markers, quoted line breaks, each delimiter, "
          + "no header, a decimal comma, a date format) agree on DuckDB")


if __name__ == "__main__":
    main()
