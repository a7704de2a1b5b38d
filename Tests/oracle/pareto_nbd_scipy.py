#!/usr/bin/env python3
"""An independent check of `clv model pareto_nbd` on the CDNOW sample: the Pareto/NBD likelihood
(Fader and Hardie's 2005 note, with scipy's hyp2f1) maximised with scipy from the raw file, and
each customer's P(alive) and expected purchases in 12 months of 30 days compared with the columns
patron added.

usage: pareto_nbd_scipy.py PATRON_BINARY CDNOW_SAMPLE"""
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
summary = {c: s[:3] for c, s in cdnow.summary(path).items()}
X, TX, T = (np.array([s[k] for s in summary.values()], float) for k in range(3))


def log_a0(r, al, s, be, x, tx, t_):
    n = r + s + x
    if al >= be:
        f = lambda t: np.log(hyp2f1(n, s + 1, n + 1, (al - be) / (al + t))) - n * np.log(al + t)
    else:
        f = lambda t: np.log(hyp2f1(n, r + x, n + 1, (be - al) / (be + t))) - n * np.log(be + t)
    early, late = f(tx), f(t_)
    with np.errstate(divide="ignore"):
        return early + np.log(-np.expm1(late - early))


def nll(p):
    r, al, s, be = np.exp(p)
    first = -(r + X) * np.log(al + T) - s * np.log(be + T)
    second = np.log(s / (r + s + X)) + log_a0(r, al, s, be, X, TX, T)
    return -(gammaln(r + X) - gammaln(r) + r * np.log(al) + s * np.log(be) + np.logaddexp(first, second)).sum()


r, al, s, be = np.exp(minimize(nll, np.zeros(4), method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20000}).x)
exported = os.path.join(tempfile.mkdtemp(), "customers.csv")
script = f'''load "{path}" as cdnow with columns (customer text, sample text, date date "yyyyMMdd", cds integer, dollars decimal)
customers from cdnow by customer as of 1997-09-30 with amount = dollars
clv model pareto_nbd
export customers to "{exported}" as csv
'''
run = subprocess.run([patron, "run", "--quiet", "--format", "json", "-"], input=script, capture_output=True, text=True)
if run.returncode != 0:
    sys.exit(run.stderr)
estimates = {row[1]: row[2] for row in json.loads(run.stdout)[0]["rows"]}
bad = [f"{k}: patron {estimates[k]}, scipy {v}" for k, v in [("r", r), ("alpha", al), ("s", s), ("beta", be)] if abs(estimates[k] - v) > 1e-4 * max(1, v)]
with open(exported, encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
t = 12 * 30 / 7
for row in rows:
    x, tx, t_ = summary[row["customer"]]
    first = -(r + x) * np.log(al + t_) - s * np.log(be + t_)
    second = np.log(s / (r + s + x)) + log_a0(r, al, s, be, x, tx, t_)
    alive = 1 / (1 + np.exp(second - first))
    expected = (r + x) * (be + t_) / ((al + t_) * (s - 1)) * (1 - ((be + t_) / (be + t_ + t)) ** (s - 1)) * alive
    for column, theirs in [("p_alive", alive), ("expected_purchases", expected)]:
        if abs(float(row[column]) - theirs) > 1.01e-4:
            bad.append(f"customer {row['customer']} {column}: patron {row[column]}, scipy {theirs:.6f}")
if bad:
    print("\n".join(bad[:30]))
    sys.exit(1)
print(f"ok: 4 parameters and 2 figures of each of {len(rows)} customers agree with scipy")
