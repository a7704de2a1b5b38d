#!/usr/bin/env python3
"""Checks the frameworks' golden data (Tests/golden/frameworks.json, patron's answers for
Tests/golden/frameworks.patron) against DuckDB, computed independently from the same orders:
the customers as of the latest order date, then the profit × loyalty matrix (median split),
Pareto classes, value tiers (terciles of the positive profits), lifecycle stages (30, 90, 180
days; new by tenure) and RFM scores (3 bins at each metric's quantiles, recency reversed, equal
values sharing a score). Quantiles are DuckDB's quantile_cont: the linear interpolation
(type 7) patron promises.

usage: frameworks_duckdb.py      (from the package root)
Prints what differs and exits 1, or prints "ok" and exits 0."""
import json
import sys

import duckdb

golden = {}
with open("Tests/golden/frameworks.json", encoding="utf-8") as f:
    for document in json.load(f):
        golden.setdefault(document["kind"], document)

con = duckdb.connect()
con.execute("""
CREATE TABLE o AS SELECT customer_id, order_date, CAST(amount AS DECIMAL(18,2)) AS amount, CAST(cost AS DECIMAL(18,2)) AS cost
FROM read_csv('Tests/data/orders-small.csv', header = true, columns = {'order_id': 'BIGINT', 'customer_id': 'BIGINT', 'order_date': 'DATE',
     'amount': 'VARCHAR', 'cost': 'VARCHAR', 'channel': 'VARCHAR'})
WHERE customer_id IS NOT NULL AND order_date IS NOT NULL""")
con.execute("""
CREATE TABLE c AS
WITH latest AS (SELECT max(order_date) AS d FROM o)
SELECT customer_id,
       (SELECT d FROM latest) - max(order_date) AS recency,
       count(*) AS frequency,
       CAST(sum(amount) AS DOUBLE) AS monetary,
       CAST(sum(amount - cost) AS DOUBLE) AS profit,
       (SELECT d FROM latest) - min(order_date) AS tenure,
       round(count(DISTINCT CASE WHEN (year((SELECT d FROM latest)) * 12 + month((SELECT d FROM latest))) - (year(order_date) * 12 + month(order_date)) BETWEEN 0 AND 11
                            THEN year(order_date) * 12 + month(order_date) END) / 12.0, 4) AS loyalty
FROM o GROUP BY customer_id""")
bad = []


def check(what, ours, theirs):
    close = (abs(ours - theirs) <= 1e-9 * max(1.0, abs(theirs))) if isinstance(theirs, float) else ours == theirs
    if not close:
        bad.append(f"{what}: patron {ours!r}, DuckDB {theirs!r}")


def rows(kind):
    document = golden[kind]
    return [dict(zip(document["columns"], row)) for row in document["rows"]]


# Matrix: values above the median are high.
p_cut, l_cut = con.execute("SELECT quantile_cont(profit, 0.5), quantile_cont(loyalty, 0.5) FROM c").fetchone()
check("matrix profit cut", golden["matrix"]["cuts"]["profit"], p_cut)
check("matrix loyalty cut", golden["matrix"]["cuts"]["loyalty"], l_cut)
total_profit = con.execute("SELECT sum(profit) FROM c").fetchone()[0]
for row in rows("matrix"):
    profit_high, loyalty_high = row["profit"] == "high", row["loyalty"] == "high"
    n, p = con.execute(f"""SELECT count(*), coalesce(sum(profit), 0) FROM c
                           WHERE (profit > {p_cut}) = {profit_high} AND (loyalty > {l_cut}) = {loyalty_high}""").fetchone()
    check(f"matrix {row['segment']} rows", row["rows"], n)
    check(f"matrix {row['segment']} share of profit", float(row["share_of_profit"]), p / total_profit)

# Pareto: highest first; A while the share before a customer is under 80%, B under 95%, C after.
classes = con.execute("""
WITH ranked AS (SELECT profit, coalesce(sum(profit) OVER (ORDER BY profit DESC, customer_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                           / sum(profit) OVER () AS before FROM c)
SELECT CASE WHEN before < 0.8 THEN 'A' WHEN before < 0.95 THEN 'B' ELSE 'C' END AS class, count(*), sum(profit) FROM ranked GROUP BY class""").fetchall()
found = {name: (n, s) for name, n, s in classes}
for row in rows("pareto"):
    n, s = found.get(row["class"], (0, 0.0))
    check(f"pareto {row['class']} rows", row["rows"], n)
    check(f"pareto {row['class']} profit", float(row["profit"]), float(s))

# Tiers: none at or below 0; low, medium, high at the terciles of the positive profits.
t1, t2 = con.execute("SELECT quantile_cont(profit, 1/3), quantile_cont(profit, 2/3) FROM c WHERE profit > 0").fetchone()
check("tiers first cut", golden["tiers"]["cuts"][0], t1)
check("tiers second cut", golden["tiers"]["cuts"][1], t2)
tiers = dict(con.execute(f"""SELECT CASE WHEN profit <= 0 THEN 'none' WHEN profit <= {t1} THEN 'low'
                                         WHEN profit >= {t2} AND profit > {t1} THEN 'high' ELSE 'medium' END, count(*) FROM c GROUP BY 1""").fetchall())
for row in rows("tiers"):
    check(f"tiers {row['tier']} rows", row["rows"], tiers.get(row["tier"], 0))

# Lifecycle: new by tenure, then by recency.
stages = dict(con.execute("""SELECT CASE WHEN tenure <= 30 THEN 'new' WHEN recency <= 30 THEN 'active' WHEN recency <= 90 THEN 'warm'
                                         WHEN recency <= 180 THEN 'cold' ELSE 'lapsed' END, count(*) FROM c GROUP BY 1""").fetchall())
for row in rows("lifecycle"):
    check(f"lifecycle {row['stage']} rows", row["rows"], stages.get(row["stage"], 0))

# RFM: 3 bins; the lowest level up to the first cut, the highest from the last, recency reversed.
bins = golden["rfm"]["bins"]
for metric in ["recency", "frequency", "monetary"]:
    cuts = list(con.execute(f"SELECT quantile_cont({metric}, [{', '.join(str(k / bins) for k in range(1, bins))}]) FROM c").fetchone()[0])
    for k, cut in enumerate(cuts):
        check(f"rfm {metric} cut {k + 1}", golden["rfm"]["cuts"][metric][k], cut)
    level = f"CASE WHEN {metric} <= {cuts[0]} THEN 0 WHEN {metric} >= {cuts[-1]} THEN {bins - 1} ELSE 1 END"
    score = f"{bins} - ({level})" if metric == "recency" else f"({level}) + 1"
    counts = dict(con.execute(f"SELECT {score}, count(*) FROM c GROUP BY 1").fetchall())
    for row in rows("rfm"):
        check(f"rfm {metric} score {row['score']} rows", row[f"{metric}_rows"], counts.get(row["score"], 0))

if bad:
    print("\n".join(bad))
    sys.exit(1)
print("ok: matrix, pareto, tiers, lifecycle and rfm scores agree with DuckDB")
