"""The CDNOW sample as the customer-base models see it, rebuilt from the raw file for the
oracles: per customer, repeat purchase days x (orders on one day are one purchase), the time of
the last after the first t_x and from the first to the end T, in weeks, and the mean value of the
repeat days' purchases."""
import collections
import datetime

import numpy as np


def summary(path, end=datetime.date(1997, 9, 30)):
    """{customer: (x, t_x, T, mean repeat spend)} for the purchases up to `end`."""
    days = collections.defaultdict(dict)
    for line in open(path):
        customer, _, day, _, dollars = line.split()
        day = datetime.date(int(day[:4]), int(day[4:6]), int(day[6:]))
        if day <= end:
            days[customer][day] = days[customer].get(day, 0) + float(dollars)
    out = {}
    for customer, spend in days.items():
        purchases = sorted(spend)
        first, x = purchases[0], len(purchases) - 1
        out[customer] = (x, (purchases[-1] - first).days / 7, (end - first).days / 7,
                         float(np.mean([spend[d] for d in purchases[1:]])) if x else 0.0)
    return out
