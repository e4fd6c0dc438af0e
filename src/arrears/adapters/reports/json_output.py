"""The report's numbers as JSON (``arrears report --format json``)."""

from __future__ import annotations

import json
import math
from typing import Any

from arrears.analytics.report_model import Report


def render_json(report: Report) -> str:
    """Indented JSON; NaN and infinities (undefined rates) become null, as JSON has none."""
    return json.dumps(_finite(report.to_dict()), indent=2, ensure_ascii=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value
