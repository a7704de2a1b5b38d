#!/usr/bin/env python3
"""Hostile names never reach an engine as SQL (issue 26, item 1): a CSV file named
`a<newline>DROP TABLE victims; --.csv`, an included script named the same way, a statement whose
string holds a line break and SQL, and a multi-line statement with a `#` comment line are compiled
by `patron compile` for DuckDB and PostgreSQL, and the whole compiled file is run as an attacker
would (DuckDB's Python `execute` of the whole text; `psql -f`). The victim table must survive, and
every comment must stay one line. scripts/check-spark runs the same script on Spark
(`write_hostile`, `compiled`, `comment_lines_are_whole`). Columns named like the SQL's own
aliases (item 9) run on DuckDB; files with null markers and each delimiter are sql_scripts.py's.

usage: sql_injection.py PATRON_BINARY [PSQL_ARGS…]   (without PSQL_ARGS only DuckDB runs)
Run from the package root. Prints "ok: …" and exits 0, or says what failed and exits 1."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import duckdb

HOSTILE = "\nDROP TABLE victims; --"


def write_hostile(work):
    """Writes the hostile CSV, include and script into `work`; the script's path."""
    csv = os.path.join(work, "a" + HOSTILE + ".csv")
    shutil.copyfile("examples/orders.csv", csv)
    included = os.path.join(work, "inc" + HOSTILE + ".patron")
    with open(included, "w", encoding="utf-8") as f:
        f.write("segment where amount > 20\n")
    escaped = lambda path: path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    script = f'''load "{escaped(csv)}" as hostile_orders
segment where channel = "x{escaped(HOSTILE)}" or amount > 50
include "{escaped(included)}"
segment where amount > 10 and
# x; DROP TABLE victims; --
channel = "online"
summarize count by channel where amount > 5 # ; DROP TABLE victims; --
'''
    path = os.path.join(work, "hostile.patron")
    with open(path, "w", encoding="utf-8") as f:
        f.write(script)
    return path


def compiled(patron, script_path, dialect, failures):
    run = subprocess.run([patron, "compile", script_path, "--dialect", dialect], capture_output=True, text=True)
    if run.returncode != 0:
        failures.append(f"{dialect}: patron compile failed: {run.stderr}")
        return ""
    return run.stdout


def comment_lines_are_whole(sql, dialect, failures):
    """Every comment is one line: a line after a comment line never starts with the hostile text."""
    lines = sql.split("\n")
    for before, line in zip(lines, lines[1:]):
        if before.startswith("--") and line.lstrip().startswith(("DROP TABLE victims", "# x; DROP")):
            failures.append(f"{dialect}: a comment was broken: {before!r} / {line!r}")


def main():
    patron, psql_args = sys.argv[1], sys.argv[2:]
    work = tempfile.mkdtemp(prefix="patron-injection-")
    failures = []
    script_path = write_hostile(work)
    ran = []
    sql = compiled(patron, script_path, "duckdb", failures)
    if sql:
        comment_lines_are_whole(sql, "duckdb", failures)
        con = duckdb.connect()
        con.execute("CREATE TABLE victims (x INTEGER); INSERT INTO victims VALUES (1)")
        try:
            con.execute(sql)
        except duckdb.Error as error:
            failures.append(f"duckdb: the compiled script failed: {error}")
        if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'victims'").fetchone()[0] != 1:
            failures.append("duckdb: the victim table was dropped")
        ran.append("DuckDB")

    if psql_args:
        sql = compiled(patron, script_path, "postgres", failures)
        if sql:
            comment_lines_are_whole(sql, "postgres", failures)
            setup = "DROP SCHEMA IF EXISTS hostile CASCADE; CREATE SCHEMA hostile; CREATE TABLE hostile.victims (x integer); INSERT INTO hostile.victims VALUES (1);"
            subprocess.run(["psql", *psql_args, "-q", "-c", setup], check=True, capture_output=True)
            path = os.path.join(work, "compiled.sql")
            with open(path, "w", encoding="utf-8") as f:
                f.write("SET search_path TO hostile;\n" + sql)
            run = subprocess.run(["psql", *psql_args, "-q", "-v", "ON_ERROR_STOP=1", "-f", path], capture_output=True, text=True)
            if run.returncode != 0:
                failures.append(f"postgres: the compiled script failed: {run.stderr.strip()}")
            # As an attacker would run it: psql goes on after an error, so one broken line is enough.
            subprocess.run(["psql", *psql_args, "-q", "-c", setup], check=True, capture_output=True)
            subprocess.run(["psql", *psql_args, "-q", "-f", path], capture_output=True, text=True)
            check = subprocess.run(["psql", *psql_args, "-tA", "-c", "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hostile' AND table_name = 'victims'"],
                                   capture_output=True, text=True)
            if check.stdout.strip() != "1":
                failures.append("postgres: the victim table was dropped")
            subprocess.run(["psql", *psql_args, "-q", "-c", "DROP SCHEMA IF EXISTS hostile CASCADE"], capture_output=True)
            ran.append("PostgreSQL")

    # Names that collide with the SQL's own (issue 26, item 9): columns named n, nulls and d, used in
    # level words, the matrix, tiers and a derivation, run on DuckDB; the segment counts what memory counts.
    names_csv = os.path.join(work, "names.csv")
    with open(names_csv, "w", encoding="utf-8") as f:
        f.write("id,n,nulls,d,q_x,day\n1,5,2,3,1,2024-01-02\n2,6,1,4,1,2024-02-03\n3,7,0,5,1,2024-03-04\n1,8,3,6,1,2024-05-01\n")
    names_script = os.path.join(work, "names.patron")
    with open(names_script, "w", encoding="utf-8") as f:
        f.write(f'load "{names_csv}" as o\nsegment where n = high and nulls = low\nmatrix n by nulls\ntiers n\n'
                "summarize count, sum(n) by d\ncustomers from o by id with amount = n, date = day\nsegment where recency = high\n")
    compiled_names = subprocess.run([patron, "compile", names_script, "--dialect", "duckdb"], capture_output=True, text=True)
    con = duckdb.connect()
    collided = 0
    import re
    for block in re.split(r"\n(?=-- )", compiled_names.stdout):
        body = "\n".join(line for line in block.split("\n") if not line.startswith("--")).strip()
        if not body:
            continue
        try:
            con.execute(body)
            result = con.fetchall()
            collided += 1
            if "segment where n = high and nulls = low" in block.split("\n")[0]:
                memory = subprocess.run([patron, "run", names_script, "--format", "json", "--quiet"], capture_output=True, text=True)
                expected = [d for d in __import__("json").loads(memory.stdout) if d["kind"] == "segment"][0]["count"]
                if result[0][0] != expected:
                    failures.append(f"names: the segment counts {result[0][0]} on DuckDB, {expected} in memory")
        except duckdb.Error as error:
            failures.append(f"names: {block.split(chr(10))[0]}: {str(error).splitlines()[0]}")

    shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print(f"ok: a file, an include and statements holding 'DROP TABLE victims' compiled and run on {' and '.join(ran)}; the victims survive; "
          f"{collided} statements over columns named n, nulls, d and q_x run on DuckDB")


if __name__ == "__main__":
    main()
