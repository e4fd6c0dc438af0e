"""Local Spark for the tests: one session for the whole run, or a clear skip.

Without pyspark or Java the Spark tests are skipped with the reason; with
``ARREARS_REQUIRE_SPARK=1`` (CI) a missing piece fails the run instead.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from typing import Any

import pytest

REQUIRE_SPARK = os.environ.get("ARREARS_REQUIRE_SPARK") == "1"


def missing() -> str | None:
    """Why Spark cannot run here, or None."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install 'arrears[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and os.path.isdir(java_home)):
        return "Java is not installed (Spark needs Java 17 or later)"
    return None


def local_spark() -> Any:
    """A ``local[2]`` session (skips, or fails under ARREARS_REQUIRE_SPARK=1, without Spark)."""
    reason = missing()
    if reason is not None:
        if REQUIRE_SPARK:
            pytest.fail(f"ARREARS_REQUIRE_SPARK=1 but {reason}")
        pytest.skip(reason)
    from arrears.adapters.spark.session import spark_session

    return spark_session(
        "local[2]",
        app_name="arrears tests",
        conf={"spark.driver.memory": "1g", "spark.sql.shuffle.partitions": "4"},
    )
