#!/usr/bin/env python3
"""The differential check of compiled SQL: every statement of a corpus runs three ways — patron
in memory, patron's SQL for DuckDB run by DuckDB, and patron's SQL for PostgreSQL run by a real
server — over the same data (patron's demo table, with ties, negative profits and nulls), and the
answers must be identical: the segment's size, its exact profit, and the exact order statistics
its cut points come from.

usage: sql_differential.py PATRON_BINARY [PSQL_ARGS…]
PSQL_ARGS (e.g. -h /tmp/sock -p 5432 -U postgres -d shop) reach a PostgreSQL server to check
too; without them only DuckDB is checked. Prints what differs and exits 1, or "ok" and exits 0."""
import decimal
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile

import duckdb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

patron, psql = sys.argv[1], sys.argv[2:]
folder = tempfile.mkdtemp(prefix="patron-sql-")
csv = os.path.join(folder, "demo.csv")

from sql_corpus import same, segment_blocks, summaries

blocks = segment_blocks()
script = [f'export demo to "{csv}"']
for s in summaries:
    script += [s, f"sql duckdb {s}", f"sql postgres {s}"]
expected = []
for name, corpus in blocks:
    if name == "quartiles":
        script += ["levels profit quantiles 4 as q1, q2, q3, q4", "levels loyalty quantiles 4 as q1, q2, q3, q4"]
    if name == "fixed":
        script += ["levels profit at 0, 100, 1000 as none, low, medium, high"]
    for c in corpus:
        script += [f"segment where {c}", f"sql duckdb segment where {c}", f"sql postgres segment where {c}"]
        expected.append(c)
run = subprocess.run([patron, "run", "--format", "json", "--quiet", "-"], input="\n".join(script) + "\n", capture_output=True, text=True)
if run.returncode != 0:
    print(run.stderr)
    sys.exit(1)
documents = json.loads(run.stdout)
summary_documents = documents[:3 * len(summaries)]
triples = [d for d in documents[3 * len(summaries):] if d["kind"] in ("segment", "sql")]

duck = duckdb.connect()
columns = ("customer_id BIGINT, name VARCHAR, region VARCHAR, channel VARCHAR, since DATE, recency BIGINT, frequency BIGINT, "
           "monetary DECIMAL(18,2), profit DECIMAL(18,2), loyalty DECIMAL(18,2)")
duck.execute(f"CREATE TABLE demo ({columns})")
duck.execute(f"INSERT INTO demo SELECT * FROM read_csv('{csv}', header = true, auto_detect = false, columns = "
             "{'customer_id': 'BIGINT', 'name': 'VARCHAR', 'region': 'VARCHAR', 'channel': 'VARCHAR', 'since': 'DATE', 'recency': 'BIGINT',"
             " 'frequency': 'BIGINT', 'monetary': 'DECIMAL(18,2)', 'profit': 'DECIMAL(18,2)', 'loyalty': 'DECIMAL(18,2)'})")
if psql:
    setup = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"] + psql +
                           ["-c", "DROP TABLE IF EXISTS demo", "-c", f"CREATE TABLE demo ({columns.replace('VARCHAR', 'text').replace('DECIMAL(18,2)', 'numeric(18,2)')})",
                            "-c", f"\\copy demo FROM '{csv}' WITH (FORMAT csv, HEADER)"], capture_output=True, text=True)
    if setup.returncode != 0:
        print(setup.stderr)
        sys.exit(1)


def postgres_rows(sql):
    """A query's rows from the PostgreSQL server, each a list of text fields, or the error it gave."""
    query = subprocess.run(["psql", "-X", "-q", "-A", "-F", "\t", "-P", "footer=off", "-t", "-v", "ON_ERROR_STOP=1"] + psql + ["-c", sql],
                           capture_output=True, text=True)
    if query.returncode != 0:
        return [], query.stderr.strip()
    return [line.split("\t") for line in query.stdout.splitlines()], None


def normal(value):
    """A value as comparable text: exact decimals without trailing zeros, nulls as None."""
    if value is None or value == "":
        return None
    d = decimal.Decimal(str(value))
    return str(d.normalize()) if d == d.to_integral_value() or True else str(d)


bad = []


def engines_for(duck_rows, pg_sql, label):
    """DuckDB's rows, and PostgreSQL's when a server is given; None (the failure noted) when
    PostgreSQL refuses the query."""
    engines = [("DuckDB", duck_rows)]
    if psql:
        rows, error = postgres_rows(pg_sql)
        if error:
            bad.append(f"PostgreSQL: {label}: {error}")
            return None
        engines.append(("PostgreSQL", list(rows)))
    return engines

for i, condition in enumerate(expected):
    ours, duck_sql, pg_sql = triples[3 * i: 3 * i + 3]
    assert ours["kind"] == "segment" and duck_sql["kind"] == "sql" and pg_sql["kind"] == "sql", (condition, ours, duck_sql)
    cursor = duck.execute(duck_sql["sql"])
    names = [d[0] for d in cursor.description]
    theirs = dict(zip(names, cursor.fetchone()))
    if normal(theirs["rows"]) != normal(ours["count"]) or normal(theirs["total"]) != normal(ours["total"]):
        bad.append(f"DuckDB: segment where {condition}: {theirs['rows']} of {theirs['total']}, patron {ours['count']} of {ours['total']}")
    if psql:
        query = subprocess.run(["psql", "-X", "-q", "-A", "-F", "\t", "-P", "footer=off", "-v", "ON_ERROR_STOP=1"] + psql + ["-c", pg_sql["sql"]],
                               capture_output=True, text=True)
        if query.returncode != 0:
            bad.append(f"PostgreSQL: segment where {condition}: {query.stderr.strip()}")
            continue
        header, row = query.stdout.splitlines()[:2]
        pg = dict(zip(header.split("\t"), row.split("\t")))
        # DuckDB and PostgreSQL must agree on every figure, to the cent.
        for key, value in theirs.items():
            if normal(pg.get(key)) != normal(value):
                bad.append(f"PostgreSQL: segment where {condition}: {key} = {pg.get(key)}, DuckDB {value}")
    if "part" in theirs and ours.get("share_of_profit") is not None and theirs["whole"]:
        share = float(theirs["part"] or 0) / float(theirs["whole"])
        if abs(share - ours["share_of_profit"]) > 1e-12:
            bad.append(f"segment where {condition}: share of profit {share} in SQL, {ours['share_of_profit']} in patron")

for i, statement in enumerate(summaries):
    ours, duck_sql, pg_sql = summary_documents[3 * i: 3 * i + 3]
    assert ours["kind"] == "summary" and duck_sql["kind"] == "sql", (statement, ours["kind"], duck_sql["kind"])
    engines = engines_for([list(r) for r in duck.execute(duck_sql["sql"]).fetchall()], pg_sql["sql"], statement)
    if engines is None:
        continue
    for engine, theirs in engines:
        if len(theirs) != len(ours["rows"]):
            bad.append(f"{engine}: {statement}: {len(theirs)} rows, patron {len(ours['rows'])}")
            continue
        for r, (mine, other) in enumerate(zip(ours["rows"], theirs)):
            other = [None if isinstance(v, str) and v == "" else (v.isoformat() if hasattr(v, "isoformat") else v) for v in other]
            if len(mine) != len(other) or not all(same(a, b) for a, b in zip(mine, other)):
                bad.append(f"{engine}: {statement}: row {r + 1} is {other}, patron {mine}")
                break

# The frameworks over the demo table: each segment's rows and its value summed.
frameworks = ["matrix profit by loyalty", "matrix profit by loyalty at 500, 0.5", "matrix recency by frequency", "tiers profit", "tiers monetary",
              "lifecycle", "lifecycle windows 10, 60, 120", "pareto profit", "pareto monetary at 50, 70", "pareto frequency at 33.3, 90", "pareto loyalty"]
script = []
for f in frameworks:
    script += [f"sql duckdb {f}", f"sql postgres {f}", f]
run = subprocess.run([patron, "run", "--format", "json", "--quiet", "-"], input="\n".join(script) + "\n", capture_output=True, text=True)
if run.returncode != 0:
    print(run.stderr)
    sys.exit(1)
documents = json.loads(run.stdout)
for k, statement in enumerate(frameworks):
    duck_sql, pg_sql, ours = documents[3 * k: 3 * k + 3]
    names = {"matrix": ("segment", "share_of_profit"), "tiers": ("tier", None), "lifecycle": ("stage", None), "pareto": ("class", None)}[ours["kind"]]
    columns = ours["columns"]
    mine = [[row[columns.index(names[0])], row[columns.index("rows")]] for row in ours["rows"]]
    engines = engines_for([list(r) for r in duck.execute(duck_sql["sql"]).fetchall()], pg_sql["sql"], statement)
    if engines is None:
        continue
    for engine, rows in engines:
        theirs = {str(r[0]): int(r[1]) for r in rows}
        for segment, count in mine:
            if theirs.get(segment, 0) != count:
                bad.append(f"{engine}: {statement}: {segment} has {theirs.get(segment, 0)} rows, patron {count}")

# Customers from the example orders (in PostgreSQL as public.orders, loaded by scripts/pg-local):
# every customer's every figure, with and without an as-of date, and with 'only'.
derivations = ["customers from orders by customer_id as of 2024-12-31 with profit = amount - cost",
               "customers from orders by customer_id", "customers from orders by customer_id as of 2024-06-30 with profit = amount - cost only recency, frequency, profit, loyalty"]
script = ['load "examples/orders.csv" as orders']
for d in derivations:
    script += [f"sql duckdb {d}", f"sql postgres {d}", d, "show customers", "use orders"]
run = subprocess.run([patron, "run", "--format", "json", "--quiet", "-"], input="\n".join(script) + "\n", capture_output=True, text=True)
if run.returncode != 0:
    print(run.stderr)
    sys.exit(1)
documents = json.loads(run.stdout)
duck.execute("CREATE TABLE orders AS SELECT * FROM read_csv('examples/orders.csv', header = true, columns = {'order_id': 'BIGINT', 'customer_id': 'BIGINT', "
             "'customer': 'VARCHAR', 'order_date': 'DATE', 'amount': 'DECIMAL(10,2)', 'cost': 'DECIMAL(10,2)', 'channel': 'VARCHAR', 'store': 'VARCHAR', "
             "'region': 'VARCHAR', 'first_order': 'BOOLEAN'})")
for k, derivation in enumerate(derivations):
    duck_sql, pg_sql, shown = [d for d in documents if d["kind"] in ("sql", "rows")][3 * k: 3 * k + 3]
    expected_rows = shown["rows"]
    engines = engines_for([[v.isoformat() if hasattr(v, "isoformat") else v for v in r] for r in duck.execute(duck_sql["sql"]).fetchall()],
                          pg_sql["sql"], derivation)
    if engines is None:
        continue
    for engine, rows in engines:
        if len(rows) != len(expected_rows):
            bad.append(f"{engine}: {derivation}: {len(rows)} customers, patron {len(expected_rows)}")
            continue
        for mine, theirs in zip(expected_rows, rows):
            if len(mine) != len(theirs) or not all(same(a, b) for a, b in zip(mine, theirs)):
                bad.append(f"{engine}: {derivation}: {theirs}, patron {mine}")
                break

if bad:
    print("\n".join(bad[:40]))
    print(f"{len(bad)} differences over {len(expected)} statements")
    sys.exit(1)
print(f"ok: {len(expected)} segment, {len(summaries)} summary, {len(frameworks)} framework and {len(derivations)} customer statements agree in memory, on DuckDB"
      + (" and on PostgreSQL" if psql else ""))
