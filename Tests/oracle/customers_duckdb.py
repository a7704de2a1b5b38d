#!/usr/bin/env python3
"""Checks `customers from orders` against DuckDB on a generated order log.

usage: customers_duckdb.py PATRON_BINARY

Generates 20,000 orders (deterministic), derives the customer table with patron, and compares
the totals of every metric (and the number of customers) with the same figures computed by
DuckDB. Then, on 300,000 orders (enough for patron to gather on every core) with some amounts in
the tens of millions (so narrow running sums wrap), compares every customer's figures for each
kind of derivation: every metric, and the `only` subsets that patron gathers in smaller figures;
and compares `summarize` sums, averages and minimums by two text keys (one with nulls).
Prints what differs and exits 1, or prints "ok" and exits 0."""
import atexit
import csv
import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

import duckdb

patron = sys.argv[1]
random.seed(20241231)
folder = tempfile.mkdtemp(prefix="patron-oracle-")
atexit.register(shutil.rmtree, folder, ignore_errors=True)
orders = os.path.join(folder, "orders.csv")
start = dt.date(2023, 6, 1)
with open(orders, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["order_id", "customer_id", "order_date", "amount", "cost", "channel"])
    for i in range(20_000):
        customer = int(random.paretovariate(1.2) * 10) % 1500 + 1
        day = start + dt.timedelta(days=random.randrange(600))
        amount = round(random.lognormvariate(3.5, 0.9), 2)
        cost = round(amount * random.uniform(0.4, 1.1), 2)
        w.writerow([i + 1, customer, day.isoformat(), f"{amount:.2f}", f"{cost:.2f}", random.choice(["store", "online", "app"])])

as_of = "2025-01-01"
script = f'''load "{orders}" as orders
customers from orders by customer_id as of {as_of} with profit = amount - cost
summarize count, sum(recency), sum(frequency), sum(monetary), sum(aov), sum(profit), sum(tenure), sum(loyalty), sum(channels)
pareto profit
'''
run = subprocess.run([patron], input=script, capture_output=True, text=True)
if run.returncode != 0:
    print(run.stderr)
    sys.exit(1)
summary = run.stdout.split("rows make 80% of profit")[0]
lines = [l for l in summary.splitlines() if l.startswith("│")]
values = [v.strip().replace(",", "") for v in lines[-1].strip("│").split("│")]
headline = float(re.search(r"([0-9.]+)% of rows make 80% of profit", run.stdout).group(1))
ours = dict(zip(["count", "recency", "frequency", "monetary", "aov", "profit", "tenure", "loyalty", "channels"], values))

con = duckdb.connect()
theirs = con.execute(f"""
WITH o AS (SELECT customer_id, order_date, CAST(amount AS DECIMAL(18,2)) AS amount, CAST(cost AS DECIMAL(18,2)) AS cost, channel
           FROM read_csv_auto('{orders}') WHERE order_date <= DATE '{as_of}'),
c AS (
  SELECT customer_id,
         DATE '{as_of}' - max(order_date) AS recency,
         count(*) AS frequency,
         sum(amount) AS monetary,
         -- exact: cents rounded half away from zero, as patron does
         (CASE WHEN sum(amount) >= 0 THEN (2 * CAST(sum(amount) * 100 AS BIGINT) + count(*)) // (2 * count(*))
               ELSE -((-2 * CAST(sum(amount) * 100 AS BIGINT) + count(*)) // (2 * count(*))) END) / 100 AS aov,
         sum(amount - cost) AS profit,
         DATE '{as_of}' - min(order_date) AS tenure,
         round(count(DISTINCT CASE WHEN (year(DATE '{as_of}') * 12 + month(DATE '{as_of}')) - (year(order_date) * 12 + month(order_date)) BETWEEN 0 AND 11
                              THEN year(order_date) * 12 + month(order_date) END) / 12.0, 4) AS loyalty,
         count(DISTINCT channel) AS channels
  FROM o GROUP BY customer_id)
SELECT count(*), sum(recency), sum(frequency), sum(monetary), sum(aov), sum(profit), sum(tenure), sum(loyalty), sum(channels) FROM c
""").fetchone()
names = ["count", "recency", "frequency", "monetary", "aov", "profit", "tenure", "loyalty", "channels"]
bad = 0
for name, value in zip(names, theirs):
    mine = ours[name]
    if abs(float(mine) - float(value)) > 1e-6:
        print(f"{name}: patron {mine}, duckdb {value}")
        bad += 1
# The Pareto headline: the smallest share of customers (by profit, highest first) whose
# cumulative profit reaches 80% of the total.
share = con.execute(f"""
WITH c AS (SELECT customer_id, sum(CAST(amount AS DECIMAL(18,2)) - CAST(cost AS DECIMAL(18,2))) AS profit
           FROM read_csv_auto('{orders}') WHERE order_date <= DATE '{as_of}' GROUP BY customer_id),
r AS (SELECT profit, sum(profit) OVER (ORDER BY profit DESC, customer_id ROWS UNBOUNDED PRECEDING) AS running,
             row_number() OVER (ORDER BY profit DESC, customer_id) AS n, count(*) OVER () AS total_rows, sum(profit) OVER () AS total FROM c)
SELECT min(n) / any_value(total_rows) FROM r WHERE running >= 0.8 * total
""").fetchone()[0]
if round(share * 100, 1) != headline:
    print(f"pareto headline: patron {headline}%, duckdb {share * 100:.3f}%")
    bad += 1

# Every customer's figures, on enough orders for every core, with sums past 2^31 cents.
big = os.path.join(folder, "big.csv")
with open(big, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["order_id", "customer_id", "order_date", "amount", "cost", "channel", "region"])
    for i in range(300_000):
        customer = int(random.paretovariate(1.1) * 40) % 20_000 + 1
        day = start + dt.timedelta(days=random.randrange(700))
        amount = round(random.lognormvariate(3.5, 0.9), 2)
        if random.random() < 0.02:
            amount = round(random.uniform(1e6, 9e7), 2) * random.choice([1, -1])
        cost = round(abs(amount) * random.uniform(0.4, 1.1), 2)
        w.writerow([i + 1, customer, day.isoformat(), f"{amount:.2f}", f"{cost:.2f}", random.choice(["store", "online", "app", "phone"]),
                    random.choice(["North", "South", "East", ""])])
con.execute(f"""CREATE TABLE truth AS
WITH o AS (SELECT customer_id, order_date, CAST(amount AS DECIMAL(18,2)) AS amount, CAST(cost AS DECIMAL(18,2)) AS cost, channel
           FROM read_csv_auto('{big}') WHERE order_date <= DATE '{as_of}')
SELECT customer_id, CAST(min(order_date) AS VARCHAR) AS first_purchase, CAST(max(order_date) AS VARCHAR) AS last_purchase,
       DATE '{as_of}' - max(order_date) AS recency, count(*) AS frequency, CAST(sum(amount) AS VARCHAR) AS monetary,
       CAST(sum(amount - cost) AS VARCHAR) AS profit, DATE '{as_of}' - min(order_date) AS tenure, count(DISTINCT channel) AS channels
FROM o GROUP BY customer_id""")
for only in ["", "recency, frequency, monetary, profit, first_purchase", "frequency, profit", "frequency, monetary",
             "last_purchase, tenure, channels, profit"]:
    out = os.path.join(folder, "derived.csv")
    derive = f"customers from orders by customer_id as of {as_of} with profit = amount - cost" + (f" only {only}" if only else "")
    run = subprocess.run([patron], input=f'load "{big}" as orders\n{derive}\nexport customers to "{out}"\n', capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stderr)
        sys.exit(1)
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    columns = [c for c in rows[0] if c in ("first_purchase", "last_purchase", "recency", "frequency", "monetary", "profit", "tenure", "channels")]
    truth = {str(r[0]): [str(v) for v in r[1:]] for r in con.execute(f"SELECT customer_id, {', '.join(columns)} FROM truth").fetchall()}
    if len(truth) != len(rows):
        print(f"only '{only}': patron {len(rows)} customers, duckdb {len(truth)}")
        bad += 1
    for row in rows:
        got = [row[c] for c in columns]
        if truth.get(row["customer_id"]) != got:
            print(f"only '{only}': customer {row['customer_id']}: patron {got}, duckdb {truth.get(row['customer_id'])}")
            bad += 1
            break

def summary(statement):
    """The rows of a patron summary of the big order log, as exported to CSV."""
    out = os.path.join(folder, "summary.csv")
    run = subprocess.run([patron], input=f'load "{big}" as orders\n{statement}\nexport result to "{out}"\n', capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stderr)
        sys.exit(1)
    with open(out, newline="") as f:
        return [list(r.values()) for r in csv.DictReader(f)]


# Sums and averages by two text keys, one with empty (null) values; by a date; by whole numbers.
money = "CAST(amount AS DECIMAL(18,2))"
checks = [
    ("summarize count, sum(amount), sum(amount - cost), avg(amount), min(cost) by region, channel",
     f"""SELECT coalesce(region, ''), channel, count(*), CAST(sum({money}) AS VARCHAR), CAST(sum({money} - CAST(cost AS DECIMAL(18,2))) AS VARCHAR),
         avg(amount), CAST(min(CAST(cost AS DECIMAL(18,2))) AS VARCHAR) FROM read_csv_auto('{big}') GROUP BY region, channel ORDER BY region NULLS LAST, channel""", 5),
    ("summarize count, sum(amount), avg(amount) by order_date",
     f"SELECT CAST(order_date AS VARCHAR), count(*), CAST(sum({money}) AS VARCHAR), avg(amount) FROM read_csv_auto('{big}') GROUP BY ALL ORDER BY 1", 3),
    ("summarize count, sum(amount - cost), avg(amount) by channel where amount > 100 and region = 'East'",
     f"""SELECT channel, count(*), CAST(sum({money} - CAST(cost AS DECIMAL(18,2))) AS VARCHAR), avg(amount) FROM read_csv_auto('{big}')
         WHERE amount > 100 AND region = 'East' GROUP BY ALL ORDER BY 1""", 3),
    # cost spans too many cents to index directly: grouped through a dictionary
    ("summarize count, sum(amount), avg(amount) by cost",
     f"SELECT CAST(CAST(cost AS DECIMAL(18,2)) AS VARCHAR), count(*), CAST(sum({money}) AS VARCHAR), avg(amount) FROM read_csv_auto('{big}') GROUP BY cost ORDER BY cost", 3),
    ("summarize count, sum(amount), avg(amount) by customer_id",
     f"SELECT customer_id, count(*), CAST(sum({money}) AS VARCHAR), avg(amount) FROM read_csv_auto('{big}') GROUP BY ALL ORDER BY 1", 3),
]
for statement, query, average in checks:  # the average is a real number: compared to 1e-6
    got, want = summary(statement), con.execute(query).fetchall()
    exact = lambda row: [str(v) for i, v in enumerate(row) if i != average]
    if len(got) != len(want) or any(exact(g) != exact(w) or abs(float(g[average]) - w[average]) > 1e-6 * abs(w[average]) for g, w in zip(got, want)):
        print(f"{statement}: patron {got[:5]}…, duckdb {want[:5]}…")
        bad += 1
if bad:
    sys.exit(1)
print("ok", ours)
