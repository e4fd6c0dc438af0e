"""A process that runs one phase (``reliability.phases``) on a book and kills itself with
``SIGKILL`` just before its N-th fault point; started by ``reliability.kill.killed_at``.

Argument: a JSON object with the book's settings, schema and clock instant, the phase, the
point, the import files and the SMS endpoint.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from arrears.bootstrap import build
from arrears.config import Settings
from arrears.domain.clock import FixedClock
from reliability.kill import die_at
from reliability.phases import run_phase


def main(argument: str) -> None:
    spec = json.loads(argument)
    settings = Settings.model_validate(spec["settings"])
    clock = FixedClock(datetime.fromisoformat(spec["instant"]))
    book = build(settings, clock=clock, schema=spec["schema"])
    die_at(book.engine, int(spec["point"]))
    files = [[Path(p) for p in group] for group in spec["files"]]
    run_phase(book, spec["phase"], files=files, sms_endpoint=spec["sms_endpoint"])


if __name__ == "__main__":
    main(sys.argv[1])
