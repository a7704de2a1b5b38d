#!/usr/bin/env python3
"""An independent check of `clv` on the CDNOW sample: the per-customer summary (repeat purchase
days, recency and age in weeks, mean repeat spend) is rebuilt here from the raw file, the
BG/NBD and Gamma-Gamma likelihoods are maximised with scipy, and each customer's P(alive),
expected purchases (scipy's hyp2f1), expected spend and CLV are computed from the closed forms
and compared with the columns patron added.

usage: clv_scipy.py PATRON_BINARY CDNOW_SAMPLE
Prints what differs and exits 1, or "ok" and exits 0."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdnow  # noqa: E402

patron, path = sys.argv[1], sys.argv[2]
summary = cdnow.summary(path)
X, TX, T, M = (np.array([s[k] for s in summary.values()], float) for k in range(4))


def bgnbd(p):
    r, al, a, b = np.exp(p)
    A4 = np.where(X > 0, np.log(a) - np.log(np.maximum(b + X - 1, 1e-300)) - (r + X) * np.log(al + TX), -np.inf)
    return -(gammaln(r + X) - gammaln(r) + r * np.log(al) + gammaln(a + b) + gammaln(b + X) - gammaln(b) - gammaln(a + b + X)
             + np.logaddexp(-(r + X) * np.log(al + T), A4)).sum()


def gamma_gamma(p):
    pp, q, g = np.exp(p)
    x, m = X[X > 0], M[X > 0]
    return -(gammaln(pp * x + q) - gammaln(pp * x) - gammaln(q) + q * np.log(g) + (pp * x - 1) * np.log(m) + pp * x * np.log(x)
             - (pp * x + q) * np.log(g + m * x)).sum()


options = {"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20000}
r, al, a, b = np.exp(minimize(bgnbd, np.zeros(4), method="Nelder-Mead", options=options).x)
pp, q, g = np.exp(minimize(gamma_gamma, np.zeros(3), method="Nelder-Mead", options=options).x)


def expected(x, tx, t_, t):
    if t == 0:
        return 0.0
    odds = a / (b + x - 1) * ((al + t_) / (al + tx)) ** (r + x) if x > 0 else 0.0
    z = t / (al + t_ + t)
    return (a + b + x - 1) / (a - 1) * (1 - ((al + t_) / (al + t_ + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)) / (1 + odds)


exported = os.path.join(tempfile.mkdtemp(), "customers.csv")
script = f'''load "{path}" as cdnow with columns (customer text, sample text, date date "yyyyMMdd", cds integer, dollars decimal)
customers from cdnow by customer as of 1997-09-30 with amount = dollars
clv with margin = 0.3, discount = 0.01, horizon = 12 months
export customers to "{exported}" as csv
'''
run = subprocess.run([patron, "run", "--quiet", "--format", "json", "-"], input=script, capture_output=True, text=True)
if run.returncode != 0:
    sys.exit(run.stderr)
fit = json.loads(run.stdout)[0]
estimates = {row[1]: row[2] for row in fit["rows"]}
bad = []
for name, mine in [("r", r), ("alpha", al), ("a", a), ("b", b), ("p", pp), ("q", q), ("gamma", g)]:
    if abs(estimates[name] - mine) > 1e-4 * max(1, abs(mine)):
        bad.append(f"{name}: patron {estimates[name]}, scipy {mine}")
with open(exported, encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
for row in rows:
    x, tx, t_, m = summary[row["customer"]]
    alive = 1 / (1 + (a / (b + x - 1) * ((al + t_) / (al + tx)) ** (r + x) if x > 0 else 0))
    path_ = [expected(x, tx, t_, 30 * k / 7) for k in range(13)]
    spend = pp * (g + m * x) / (pp * x + q - 1) if x > 0 else pp * g / (q - 1)
    clv = sum((path_[k] - path_[k - 1]) * spend * 0.3 / 1.01 ** k for k in range(1, 13))
    for column, theirs, digits in [("p_alive", alive, 4), ("expected_purchases", path_[-1], 4), ("expected_spend", spend, 2), ("clv", clv, 2)]:
        # patron rounds to the column's places; its fit agrees to about 1e-6, so allow one unit more.
        if abs(float(row[column]) - theirs) > 1.01 * 10 ** -digits:
            bad.append(f"customer {row['customer']} {column}: patron {row[column]}, scipy {theirs:.6f}")
if len(rows) != 2357:
    bad.append(f"{len(rows)} customers exported, expected 2357")
if bad:
    print("\n".join(bad[:30]))
    sys.exit(1)
print(f"ok: 7 parameters and 4 figures of each of {len(rows)} customers agree with scipy")
