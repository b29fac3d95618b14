#!/usr/bin/env python3
"""Load test: perfplan's NDJSON, CSV tables and Parquet tables in DuckDB.

    python3 tools/duckdb_load_test.py [--bin target/release/perfplan] [PDF_DIR ...]
    python3 tools/duckdb_load_test.py --from-json [--writer BIN] DOC.json ...

Converts the PDFs (default: fixtures/) three ways in one batch each, loads every
output into DuckDB (the `duckdb` package from PyPI) and checks that they describe
the same data. With --from-json the inputs are perfplan documents (ground truth
such as ../shared/corpus/dev-v2/*.expected.json, with contract v2 values the
parser may not fill yet) and the NDJSON, CSV and Parquet come from the
`v2_tables` example (`cargo build --release --example v2_tables`), which writes
them with the same emitters and table writer as `perfplan convert`.

* counts of documents, objectives, DUP links, indicators, phases and per-year
  indicator targets are equal;
* per objective (source file and code), the number of indicators and the sum of
  `target.value` are equal (to 1e-9 relative);
* the objective keys of the CSV and Parquet tables are the same set, unique, and
  equal to the key recomputed in SQL from the NDJSON (`document_key` is the first
  16 hex digits of SHA-256 over file name, newline, file SHA-256, plus `-n`, the
  objective's position in its document);
* contract v2: the sums (and non-null counts) of the objective `weight` and
  `achievement`, the phase `weight`, the indicator `weight`, `achievement`,
  `baseline.value.value`, `actual.value`, the per-year `target.value` and the
  baseline year are equal; per objective, the phase count and the sum of phase
  weights and of per-year target values; non-null counts of the phase dates, the
  baseline and actual `raw` (a null baseline/actual is null in every flattened
  column, an empty cell is `""`) and dates;
* Parquet columns have the documented types (integers, doubles, dates, booleans,
  lists).

Exit status 0 when everything agrees, 1 with a list of differences otherwise, 2 on
a usage or setup problem (perfplan failed, duckdb missing).
"""
import argparse
import math
import os
import subprocess
import sys
import tempfile


TABLES = ("objectives", "dup_links", "indicators", "phases", "indicator_targets")


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 1):  # 1: some file failed; still a complete output
        sys.stderr.write(r.stderr)
        sys.exit(f"duckdb_load_test: {' '.join(cmd)} exited {r.returncode}")
    return r


def corrupt_one_value(path, column="target_value"):
    """Add 1 to the first non-empty `column` of a CSV table."""
    import csv

    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    col = rows[0].index(column)
    for row in rows[1:]:
        if row[col]:
            row[col] = repr(float(row[col]) + 1.0)
            break
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def check_v2(con, nd, problems):
    """The contract v2 columns and tables against the NDJSON (read as JSON objects, so
    that DuckDB's type inference of all-null fields does not matter)."""

    def one(sql):
        return con.execute(sql).fetchall()

    con.execute(f"CREATE VIEW ndj AS SELECT json AS j FROM read_ndjson_objects('{nd}')")
    con.execute("CREATE VIEW ndj_ind AS SELECT j->>'$.source.file' AS file, j->>'$.code' AS code, "
                "unnest(CAST(json_extract(j, '$.indicators[*]') AS JSON[])) AS i FROM ndj")
    num = "CAST({} AS DOUBLE)"
    # (label, NDJSON query, table query with {fmt}): each returns one row of numbers
    checks = [
        ("objectives: count, sum/count weight, sum/count achievement, count level, count purpose, "
         "count responsibility_center.name, sum phase_count",
         "SELECT count(*), sum(%s), count(j->>'$.weight'), sum(%s), count(j->>'$.achievement'), "
         "count(j->>'$.level'), count(j->>'$.purpose'), count(j->>'$.responsibility_center.name'), "
         "sum(json_array_length(j, '$.phases')) FROM ndj"
         % (num.format("j->>'$.weight'"), num.format("j->>'$.achievement'")),
         "SELECT count(*), sum(CAST(weight AS DOUBLE)), count(weight), sum(CAST(achievement AS DOUBLE)), count(achievement), count(level), "
         "count(purpose), count(responsibility_center_name), sum(CAST(phase_count AS DOUBLE)) FROM {fmt}_objectives"),
        ("phases: count, sum/count weight, count start, count end, count notes, count responsible",
         "SELECT count(*), sum(%s), count(p->>'$.weight'), count(p->>'$.start'), count(p->>'$.end'), "
         "count(p->>'$.notes'), count(p->>'$.responsible') "
         "FROM (SELECT unnest(CAST(json_extract(j, '$.phases[*]') AS JSON[])) AS p FROM ndj)"
         % num.format("p->>'$.weight'"),
         "SELECT count(*), sum(CAST(weight AS DOUBLE)), count(weight), count(start), count(\"end\"), count(notes), "
         "count(responsible) FROM {fmt}_phases"),
        ("indicators: sum/count weight, sum/count achievement, count unit, count/sum baseline year, "
         "count baseline raw, sum/count baseline value, count baseline date, count actual raw, "
         "sum/count actual value, count actual date, count actual boolean",
         "SELECT sum(%s), count(i->>'$.weight'), sum(%s), count(i->>'$.achievement'), count(i->>'$.unit'), "
         "count(i->>'$.baseline.year'), sum(%s), count(i->>'$.baseline.value.raw'), sum(%s), "
         "count(i->>'$.baseline.value.value'), count(i->>'$.baseline.value.date'), count(i->>'$.actual.raw'), "
         "sum(%s), count(i->>'$.actual.value'), count(i->>'$.actual.date'), count(i->>'$.actual.boolean') "
         "FROM ndj_ind"
         % (num.format("i->>'$.weight'"), num.format("i->>'$.achievement'"), num.format("i->>'$.baseline.year'"),
            num.format("i->>'$.baseline.value.value'"), num.format("i->>'$.actual.value'")),
         "SELECT sum(CAST(weight AS DOUBLE)), count(weight), sum(CAST(achievement AS DOUBLE)), count(achievement), count(unit), "
         "count(baseline_year), sum(CAST(baseline_year AS DOUBLE)), count(baseline_raw), sum(CAST(baseline_value AS DOUBLE)), count(baseline_value), "
         "count(baseline_date), count(actual_raw), sum(CAST(actual_value AS DOUBLE)), count(actual_value), count(actual_date), "
         "count(actual_boolean) FROM {fmt}_indicators"),
        ("indicator targets: count, sum year, count raw, sum/count value, count date, count boolean, "
         "count comparator",
         "SELECT count(*), sum(%s), count(t->>'$.target.raw'), sum(%s), count(t->>'$.target.value'), "
         "count(t->>'$.target.date'), count(t->>'$.target.boolean'), count(t->>'$.target.comparator') "
         "FROM (SELECT unnest(CAST(json_extract(i, '$.targets[*]') AS JSON[])) AS t FROM ndj_ind)"
         % (num.format("t->>'$.year'"), num.format("t->>'$.target.value'")),
         "SELECT count(*), sum(CAST(year AS DOUBLE)), count(raw), sum(CAST(value AS DOUBLE)), count(value), count(date), count(boolean), "
         "count(comparator) FROM {fmt}_indicator_targets"),
    ]
    for label, nd_sql, tb_sql in checks:
        base = one(nd_sql)[0]
        print(f"{label}: {tuple(base)}")
        for fmt in ("csv", "pq"):
            got = one(tb_sql.format(fmt=fmt))[0]
            if len(got) != len(base) or not all(close(a, b) for a, b in zip(base, got)):
                problems.append(f"{fmt}: {label}: {tuple(got)} vs NDJSON {tuple(base)}")
    # per objective: phases and their weights, per-year targets and their values
    nd_per = {(f, c): (n, w) for f, c, n, w in one(
        "SELECT j->>'$.source.file', j->>'$.code', json_array_length(j, '$.phases'), "
        "(SELECT sum(CAST(p->>'$.weight' AS DOUBLE)) FROM (SELECT unnest(CAST(json_extract(j, '$.phases[*]') AS JSON[])) AS p)) "
        "FROM ndj")}
    nd_tg = {(f, c): (n, v) for f, c, n, v in one(
        "SELECT file, code, count(t), sum(CAST(t->>'$.target.value' AS DOUBLE)) FROM "
        "(SELECT file, code, unnest(CAST(json_extract(i, '$.targets[*]') AS JSON[])) AS t FROM ndj_ind) GROUP BY ALL")}
    for fmt in ("csv", "pq"):
        per = {(f, c): (n, w) for f, c, n, w in one(
            f"SELECT o.source_file, o.code, count(p.objective_key), sum(CAST(p.weight AS DOUBLE)) FROM {fmt}_objectives o "
            f"LEFT JOIN {fmt}_phases p USING (objective_key) GROUP BY ALL")}
        tg = {(f, c): (n, v) for f, c, n, v in one(
            f"SELECT o.source_file, o.code, count(*), sum(CAST(t.value AS DOUBLE)) FROM {fmt}_objectives o "
            f"JOIN {fmt}_indicator_targets t USING (objective_key) GROUP BY ALL")}
        for k, (n, w) in nd_per.items():
            if k not in per or per[k][0] != n or not close(per[k][1], w):
                problems.append(f"{fmt}: {k}: phases {per.get(k)} vs NDJSON {(n, w)}")
        if tg.keys() != nd_tg.keys() or not all(tg[k][0] == nd_tg[k][0] and close(tg[k][1], nd_tg[k][1]) for k in tg):
            problems.append(f"{fmt}: per-objective indicator targets differ from the NDJSON")
        orphans = one(f"SELECT count(*) FROM {fmt}_phases p ANTI JOIN {fmt}_objectives o USING (objective_key)")[0][0]
        orphans += one(f"SELECT count(*) FROM {fmt}_indicator_targets t ANTI JOIN {fmt}_indicators i "
                       f"ON t.objective_key = i.objective_key AND t.indicator_position = i.position")[0][0]
        if orphans:
            problems.append(f"{fmt}: {orphans} phase or indicator-target rows without their objective/indicator")
        dup = one(f"SELECT count(*) - count(DISTINCT (objective_key, indicator_position, position)) "
                  f"FROM {fmt}_indicator_targets")[0][0]
        dup += one(f"SELECT count(*) - count(DISTINCT (objective_key, position)) FROM {fmt}_phases")[0][0]
        if dup:
            problems.append(f"{fmt}: {dup} duplicate phase or indicator-target keys")
    print(f"objectives with phases compared: {len(nd_per)}; with per-year targets: {len(nd_tg)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="target/release/perfplan")
    ap.add_argument("inputs", nargs="*", default=["fixtures"])
    ap.add_argument("--from-json", action="store_true",
                    help="the inputs are perfplan JSON documents, written out by the v2_tables example")
    ap.add_argument("--writer", default="target/release/examples/v2_tables")
    ap.add_argument(
        "--corrupt",
        action="store_true",
        help="change one target value in the CSV indicators before loading: the test must then fail (exit 1)",
    )
    ap.add_argument(
        "--corrupt-v2",
        action="store_true",
        help="change one per-year target value in the CSV indicator_targets: the test must then fail (exit 1)",
    )
    args = ap.parse_args()
    try:
        import duckdb
    except ImportError:
        sys.exit("duckdb_load_test: the duckdb Python package is missing (pip install duckdb)")
    tool = args.writer if args.from_json else args.bin
    if not os.path.exists(tool):
        sys.exit(f"duckdb_load_test: no {'v2_tables example' if args.from_json else 'perfplan binary'} at {tool}")

    tmp = tempfile.mkdtemp(prefix="perfplan-duckdb-")
    nd = os.path.join(tmp, "all.ndjson")
    csv_dir = os.path.join(tmp, "csv")
    pq_dir = os.path.join(tmp, "parquet")
    if args.from_json:
        r = subprocess.run([tool, tmp, *args.inputs], capture_output=True, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            sys.exit(f"duckdb_load_test: {tool} exited {r.returncode}")
    else:
        run([args.bin, "convert", *args.inputs, "--format", "ndjson", "--out", nd, "-q"])
        run([args.bin, "convert", *args.inputs, "--tables", csv_dir, "-q"])
        run([args.bin, "convert", *args.inputs, "--tables", pq_dir, "--tables-format", "parquet", "-q"])

    if args.corrupt:
        corrupt_one_value(os.path.join(csv_dir, "indicators.csv"))
    if args.corrupt_v2:
        corrupt_one_value(os.path.join(csv_dir, "indicator_targets.csv"), "value")

    con = duckdb.connect()
    con.execute(f"CREATE VIEW nd AS SELECT * FROM read_json('{nd}', format = 'newline_delimited', records = true)")
    for name in TABLES:
        # Empty strings stay empty strings: only an unquoted empty field is NULL.
        con.execute(
            f"CREATE VIEW csv_{name} AS SELECT * FROM read_csv('{csv_dir}/{name}.csv', header = true, "
            f"allow_quoted_nulls = false, auto_detect = true)"
        )
        con.execute(f"CREATE VIEW pq_{name} AS SELECT * FROM read_parquet('{pq_dir}/{name}.parquet')")

    problems = []

    def one(sql):
        return con.execute(sql).fetchall()

    # --- counts
    counts = {
        "ndjson": one(
            "SELECT count(DISTINCT (source.file, source.sha256)), count(*), "
            "coalesce(sum(len(dup_links)), 0), coalesce(sum(len(indicators)), 0) FROM nd"
        )[0],
    }
    for fmt in ("csv", "pq"):
        counts[fmt] = one(
            f"SELECT (SELECT count(DISTINCT document_key) FROM {fmt}_objectives), "
            f"(SELECT count(*) FROM {fmt}_objectives), (SELECT count(*) FROM {fmt}_dup_links), "
            f"(SELECT count(*) FROM {fmt}_indicators)"
        )[0]
    print("documents, objectives, dup links, indicators:", {k: tuple(v) for k, v in counts.items()})
    if not (tuple(counts["ndjson"]) == tuple(counts["csv"]) == tuple(counts["pq"])):
        problems.append(f"counts differ: {counts}")
    if counts["ndjson"][1] == 0:
        problems.append("no objectives at all: nothing was compared")

    # --- per objective: indicators and the sum of target.value
    per = {
        "ndjson": one(
            "SELECT source.file, code, count(i.value), sum(CAST(i.value.target.value AS DOUBLE)) "
            "FROM nd LEFT JOIN LATERAL unnest(indicators) AS i(value) ON true GROUP BY ALL"
        ),
    }
    for fmt in ("csv", "pq"):
        per[fmt] = one(
            f"SELECT o.source_file, o.code, count(i.objective_key), sum(i.target_value) "
            f"FROM {fmt}_objectives o LEFT JOIN {fmt}_indicators i USING (objective_key) GROUP BY ALL"
        )

    def table(rows):
        return {(f, c): (n, s) for f, c, n, s in rows}

    base = table(per["ndjson"])
    for fmt in ("csv", "pq"):
        other = table(per[fmt])
        if base.keys() != other.keys():
            problems.append(f"{fmt}: objectives differ from NDJSON: {sorted(set(base) ^ set(other))[:5]}")
        for k in base.keys() & other.keys():
            (n1, s1), (n2, s2) = base[k], other[k]
            same_sum = (s1 is None and s2 is None) or (
                s1 is not None and s2 is not None and math.isclose(s1, s2, rel_tol=1e-9, abs_tol=1e-9)
            )
            if n1 != n2 or not same_sum:
                problems.append(f"{fmt}: {k}: indicators {n2} vs {n1}, sum(target.value) {s2} vs {s1}")
    total = sum(s for _, s in base.values() if s is not None)
    print(f"objectives compared: {len(base)}; sum of target.value over all: {total:.6f}")

    # --- keys
    keys = {}
    for fmt in ("csv", "pq"):
        rows = one(f"SELECT objective_key FROM {fmt}_objectives")
        keys[fmt] = [r[0] for r in rows]
        if len(set(keys[fmt])) != len(keys[fmt]):
            problems.append(f"{fmt}: objective keys are not unique")
    if set(keys["csv"]) != set(keys["pq"]):
        problems.append("objective keys differ between CSV and Parquet")
    # keys from the NDJSON side, recomputed in SQL: no reliance on row order
    bad_keys = one(
        "SELECT count(*) FROM csv_objectives WHERE document_key <> "
        "substr(sha256(source_file || chr(10) || source_sha256), 1, 16) "
        "OR objective_key <> document_key || '-' || position"
    )[0][0]
    if bad_keys:
        problems.append(f"{bad_keys} objective keys are not the documented function of file name, SHA-256 and position")
    gaps = one(
        "SELECT count(*) FROM (SELECT document_key, min(position) AS lo, max(position) AS hi, count(*) AS n "
        "FROM csv_objectives GROUP BY ALL) WHERE lo <> 1 OR hi <> n"
    )[0][0]
    nd_docs = dict(
        ((r[0], r[1]), r[2]) for r in one("SELECT source.file, source.sha256, count(*) FROM nd GROUP BY ALL")
    )
    tb_docs = dict(
        ((r[0], r[1]), r[2]) for r in one("SELECT source_file, source_sha256, count(*) FROM csv_objectives GROUP BY ALL")
    )
    if gaps or nd_docs != tb_docs:
        problems.append("objective positions are not 1..n per document, or documents differ from the NDJSON")
    orphans = one("SELECT count(*) FROM pq_indicators i ANTI JOIN pq_objectives o USING (objective_key)")[0][0]
    orphans += one("SELECT count(*) FROM pq_dup_links d ANTI JOIN pq_objectives o USING (objective_key)")[0][0]
    if orphans:
        problems.append(f"{orphans} indicator or DUP-link rows without their objective")

    # --- Parquet types
    want = {
        ("objectives", "year"): "INTEGER",
        ("objectives", "first_page"): "INTEGER",
        ("indicators", "target_value"): "DOUBLE",
        ("indicators", "target_date"): "DATE",
        ("indicators", "target_boolean"): "BOOLEAN",
        ("dup_links", "refs"): "VARCHAR[]",
        ("objectives", "weight"): "DOUBLE",
        ("objectives", "phase_count"): "INTEGER",
        ("indicators", "baseline_year"): "INTEGER",
        ("indicators", "baseline_value"): "DOUBLE",
        ("indicators", "baseline_date"): "DATE",
        ("indicators", "actual_boolean"): "BOOLEAN",
        ("indicators", "actual_date"): "DATE",
        ("phases", "start"): "DATE",
        ("phases", "end"): "DATE",
        ("phases", "weight"): "DOUBLE",
        ("indicator_targets", "year"): "INTEGER",
        ("indicator_targets", "value"): "DOUBLE",
        ("indicator_targets", "date"): "DATE",
    }
    for (t, col), typ in want.items():
        got = dict((r[0], r[1]) for r in one(f"DESCRIBE pq_{t}"))[col]
        if got != typ:
            problems.append(f"parquet {t}.{col} is {got}, expected {typ}")
    dates = one("SELECT count(target_date) FROM pq_indicators")[0][0]
    nd_dates = one(
        "SELECT count(i.value.target.date) FROM nd, unnest(indicators) AS i(value)"
    )[0][0]
    if dates != nd_dates:
        problems.append(f"parquet has {dates} target dates, NDJSON {nd_dates}")

    check_v2(con, nd, problems)

    if problems:
        print(f"duckdb_load_test: FAILED (outputs kept in {tmp})", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    print("duckdb_load_test: OK (NDJSON, CSV and Parquet agree)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
