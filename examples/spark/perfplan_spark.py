"""Convert performance-plan PDFs with Apache Spark and write the warehouse tables
as Parquet.

    spark-submit examples/spark/perfplan_spark.py 'INPUT/*.pdf' OUT_DIR

Spark's ``binaryFile`` source reads the PDFs; each executor converts its rows with
the ``perfplan`` Python package (``mapInArrow``, one conversion per row); a file
that fails becomes a row of ``OUT_DIR/files`` with its status and error, never a
failed task. The tables (``objectives``, ``dup_links``, ``indicators``,
``phases``, ``indicator_targets``: the columns and types of ``perfplan convert
--tables DIR --tables-format parquet``) go to ``OUT_DIR/<table>``.

As the command line, a file with the same name and bytes as another input is
converted once: the first by path keeps its row, the others are ``duplicate``
rows of ``files`` naming it, with nothing in the tables.

The package must be installed on every worker with pyarrow (``pip install
./python``, or the wheel from ``pip wheel ./python`` as a cluster library or in
the workers' image): a native module cannot be imported from a ``--py-files`` zip.
"""

from __future__ import annotations

import hashlib
import sys
from typing import Iterator

import pyarrow as pa

TABLES = ("objectives", "dup_links", "indicators", "phases", "indicator_targets")

FILES_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("name", pa.string()),
        ("sha256", pa.string()),
        ("status", pa.string()),
        ("error_kind", pa.string()),
        ("error", pa.string()),
        ("document", pa.string()),
    ]
)


def convert_rows(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``binaryFile`` rows (path, content) -> one row per file: its name and
    SHA-256 (what makes a duplicate), status, error and the document's JSON
    (null when the file failed)."""
    import perfplan

    for batch in batches:
        out = {name: [] for name in FILES_SCHEMA.names}
        for path, content in zip(batch.column("path").to_pylist(), batch.column("content").to_pylist()):
            name = path.rsplit("/", 1)[-1]
            # one thread per document: Spark runs a task per core already
            r = perfplan.convert_result(content, name=name, page_threads=1)
            out["path"].append(path)
            out["name"].append(name)
            out["sha256"].append(hashlib.sha256(content).hexdigest())
            out["status"].append(r.status)
            out["error_kind"].append(r.error_kind)
            out["error"].append(r.error)
            out["document"].append(r.document_json)
        yield pa.RecordBatch.from_pydict(out, schema=FILES_SCHEMA)


def table_rows(table: str):
    """Documents' JSON -> the rows of one warehouse table."""

    def rows(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import perfplan

        for batch in batches:
            # the JSON text goes to the native module as it is (parsed there once)
            docs = [perfplan.Result("", "ok", None, None, t) for t in batch.column("document").to_pylist() if t]
            yield from perfplan.to_arrow(docs)[table].to_batches()

    return rows


def run(spark, inputs, out: str) -> None:
    """Convert ``inputs`` (a path or glob, or a list of them, as ``binaryFile``
    reads) and write ``out/files`` and ``out/<table>`` as Parquet."""
    import perfplan
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    files = spark.read.format("binaryFile").load(inputs).select("path", "content")
    converted = files.mapInArrow(convert_rows, from_arrow_schema(FILES_SCHEMA))
    # duplicates (same name and bytes) after conversion, on the small rows: the
    # first by path stays, the others point at it (the PDFs are read only once)
    first = F.first("path").over(Window.partitionBy("name", "sha256").orderBy("path"))
    dup = F.col("path") != F.col("first_path")
    converted = (
        converted.withColumn("first_path", first)
        .withColumn("status", F.when(dup, F.lit("duplicate")).otherwise(F.col("status")))
        .withColumn("error_kind", F.when(dup, F.lit(None)).otherwise(F.col("error_kind")))
        .withColumn(
            "error",
            F.when(dup, F.concat(F.lit("the same file name and bytes as "), F.col("first_path"))).otherwise(
                F.col("error")
            ),
        )
        .withColumn("document", F.when(dup, F.lit(None)).otherwise(F.col("document")))
        .drop("first_path")
        .cache()
    )
    converted.drop("document").write.mode("overwrite").parquet(f"{out}/files")
    # the schema of each table, from an empty conversion
    empty = perfplan.to_arrow([])
    docs = converted.where("document IS NOT NULL").select("document")
    for table in TABLES:
        docs.mapInArrow(table_rows(table), from_arrow_schema(empty[table].schema)).write.mode("overwrite").parquet(
            f"{out}/{table}"
        )


def main(argv: list) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("perfplan").getOrCreate()
    try:
        run(spark, argv[1], argv[2])
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
