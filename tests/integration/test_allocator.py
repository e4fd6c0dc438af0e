"""The batch allocator setting: a block freed by one batch is reused by the next, without
faulting its pages in again (``adapters.allocator``). Each case runs in a child process so the
test process keeps glibc's defaults."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

_CHILD = """
import json, resource, sys
import numpy as np
from arrears.adapters.allocator import reuse_freed_memory
changed = reuse_freed_memory() if sys.argv[1] == "reuse" else False
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
np.ones(64 << 17)  # 64 MiB: the first batch's block, freed at once
before = faults()
np.ones(64 << 17)  # the next batch's block of the same size
print(json.dumps({"changed": changed, "faults": faults() - before}))
"""

HUGE_PAGES = (64 << 20) // (2 << 20)
"""The fewest faults 64 MiB can take: NumPy asks for 2 MiB pages on large arrays."""


def _second_batch_faults(mode: str) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, mode], check=True, capture_output=True, text=True
    )
    found: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt only")
def test_the_next_batch_reuses_the_freed_block_without_faulting_it_in() -> None:
    system = _second_batch_faults("system")
    reused = _second_batch_faults("reuse")
    assert reused["changed"]
    # glibc's defaults map and unmap a block this size: every page faults in again.
    assert system["faults"] >= HUGE_PAGES
    # Kept in the heap: the second block is the first one's pages, already there.
    assert reused["faults"] < system["faults"] // 10
