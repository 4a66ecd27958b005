#!/usr/bin/env python3
"""Made-up wish lists at national size, to time `amphi allocate --rules` (docs/allocate.md).

    python3 data/examples-rules/national.py OUT_DIR [--year 2024] [--wishes 100] [--seed 1]

Writes OUT_DIR/{candidates,posts,wishes}.csv:
- posts: one post per DES and subdivision of the year in
  data/internat_postes_rangs_des_subdivision.csv, with its ordinary seats (CESP seats are left
  out), its group of specialties from data/groups.csv (column `group`);
- candidates: as many as the seats, exam ranks 1 to N, and a rank in each group
  (`rank_<group>`): the order of a score sqrt(rho) z + sqrt(1 - rho) e_g, z the exam rank's
  normal quantile (the common part), e_g an independent normal draw per group, and rho = 0.9
  the correlation between two groups' scores that `amphi simulate` uses from 2024;
- wishes: each candidate lists `--wishes` distinct posts, drawn one after the other with
  probability proportional to exp(-r / N), r the post's observed rang limite (a post without
  one counts as the last): popular posts come early in most lists.

The lists are made up: they serve to time the rules on an instance of national size, not to
say anything about the national choice. Standard library only; the same seed gives the same
files.
"""

import argparse
import csv
import math
import os
import random
from statistics import NormalDist

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..")
RHO = 0.9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--year", default="2024")
    parser.add_argument("--wishes", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with open(os.path.join(DATA, "groups.csv"), newline="", encoding="utf-8") as f:
        group_of = {row["des_code"]: row["group"] for row in csv.DictReader(f)}
    table = os.path.join(DATA, "internat_postes_rangs_des_subdivision.csv")
    posts = []
    with open(table, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            seats = int(row["posts"] or 0)
            if row["year"] != args.year or seats == 0:
                continue
            rang = int(row["rang_dernier"]) if row["rang_dernier"] else None
            name = f"{row['des_code']}@{row['subdivision']}"
            posts.append((name, row["des_code"], row["subdivision"], seats, rang))
    if not posts:
        raise SystemExit(f"no post in {table} for year {args.year}")
    n = sum(p[3] for p in posts)
    groups = sorted({group_of[p[1]] for p in posts})

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "posts.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "des", "subdivision", "group", "seats"])
        for name, des, sub, seats, _ in posts:
            w.writerow([name, des, sub, group_of[des], seats])

    normal = NormalDist()
    common = [normal.inv_cdf((r - 0.5) / n) for r in range(1, n + 1)]
    ranks = {}
    for g in groups:
        score = [
            math.sqrt(RHO) * c + math.sqrt(1.0 - RHO) * rng.gauss(0.0, 1.0) for c in common
        ]
        order = sorted(range(n), key=lambda i: score[i])
        ranks[g] = [0] * n
        for place, i in enumerate(order):
            ranks[g][i] = place + 1
    with open(os.path.join(args.out, "candidates.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "rank"] + [f"rank_{g}" for g in groups])
        for i in range(n):
            w.writerow([f"C{i + 1}", i + 1] + [ranks[g][i] for g in groups])

    weights = [math.exp(-(rang if rang is not None else n) / n) for *_, rang in posts]
    cumulative = []
    total = 0.0
    for x in weights:
        total += x
        cumulative.append(total)
    length = min(args.wishes, len(posts))
    with open(os.path.join(args.out, "wishes.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["candidate", "order", "post"])
        for i in range(n):
            chosen = []
            seen = set()
            while len(chosen) < length:
                k = rng.choices(range(len(posts)), cum_weights=cumulative)[0]
                if k not in seen:
                    seen.add(k)
                    chosen.append(k)
            for order, k in enumerate(chosen, start=1):
                w.writerow([f"C{i + 1}", order, posts[k][0]])
    print(f"{n} candidates, {len(posts)} posts, {length} wishes each, {len(groups)} groups")


if __name__ == "__main__":
    main()
