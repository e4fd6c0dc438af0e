"""Small files next to Spark's tables (manifests), on whatever file system Spark reads.

A snapshot may live on a local disk, HDFS, S3 or a Databricks volume; the driver reads and
writes its manifests through Hadoop's ``FileSystem`` (the one Spark uses for the tables), so a
path that works for ``spark.read.parquet`` works here too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def _fs(spark: SparkSession, path: str) -> tuple[Any, Any]:
    jvm: Any = spark._jvm  # py4j gateway: untyped
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    return hadoop_path.getFileSystem(spark._jsc.hadoopConfiguration()), hadoop_path


def join(base: str, *parts: str) -> str:
    return "/".join([base.rstrip("/"), *parts])


def absolute(path: Path | str) -> str:
    """A URI as given (``s3a://…``, ``dbfs:/…``), a local path made absolute."""
    text = str(path)
    if "://" in text or text.startswith(("file:", "dbfs:")):
        return text
    return str(Path(text).resolve())


def read_text(spark: SparkSession, path: str) -> str:
    fs, hadoop_path = _fs(spark, path)
    stream = fs.open(hadoop_path)
    try:
        jvm: Any = spark._jvm
        data = jvm.org.apache.commons.io.IOUtils.toByteArray(stream)
    finally:
        stream.close()
    return bytes(data).decode("utf-8")


def write_text(spark: SparkSession, path: str, text: str) -> None:
    fs, hadoop_path = _fs(spark, path)
    stream = fs.create(hadoop_path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def exists(spark: SparkSession, path: str) -> bool:
    fs, hadoop_path = _fs(spark, path)
    return bool(fs.exists(hadoop_path))


def entries(spark: SparkSession, path: str) -> int:
    """How many entries a directory holds (0 when it does not exist)."""
    fs, hadoop_path = _fs(spark, path)
    if not fs.exists(hadoop_path):
        return 0
    return len(fs.listStatus(hadoop_path))


def rename(spark: SparkSession, source: str, target: str) -> None:
    fs, source_path = _fs(spark, source)
    _, target_path = _fs(spark, target)
    if not fs.rename(source_path, target_path):
        raise OSError(f"could not rename {source} to {target}")


def delete(spark: SparkSession, path: str) -> None:
    fs, hadoop_path = _fs(spark, path)
    fs.delete(hadoop_path, True)
