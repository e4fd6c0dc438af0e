"""The Spark session the cycle runs in, configured the way the engine relies on.

Times are UTC in the session and written to Parquet as microsecond timestamps (what Polars
reads back exactly); Arrow batches are large enough that a partition crosses the Python
boundary in a few hundred batches. Python workers run the interpreter the driver runs (the
one with arrears installed) unless ``PYSPARK_PYTHON`` says otherwise. On a cluster, settings
given by ``spark-submit --conf`` or the job's configuration are kept: only unset keys are
defaulted.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULTS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.execution.arrow.maxRecordsPerBatch": "20000",
}
"""Session settings the engine relies on; a value the cluster or spark-submit set wins."""

LOCAL_DEFAULTS = {
    "spark.driver.memory": "4g",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}
"""Settings for ``local[N]`` masters, where the driver is the only executor (before the JVM
starts, so only for a session this process creates)."""


class SparkMissing(RuntimeError):
    """pyspark is not installed (``pip install 'arrears[spark]'``)."""


def spark_session(
    master: str | None, *, app_name: str = "arrears", conf: dict[str, str] | None = None
) -> SparkSession:
    """The running session, or a new one on ``master`` (None: whatever spark-submit chose)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as missing:
        raise SparkMissing("the Spark engine needs pyspark: pip install 'arrears[spark]'") from (
            missing
        )
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
        if master.startswith("local"):
            for key, value in LOCAL_DEFAULTS.items():
                builder = builder.config(key, value)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    explicit = spark.sparkContext.getConf()
    for key, value in DEFAULTS.items():
        if not explicit.contains(key):
            spark.conf.set(key, value)
    return spark
