"""CPU seconds spent by each party of a load run, read from ``/proc``: the server's process
tree, PostgreSQL's processes (backends, WAL writer, checkpointer) and the load client itself.

On a shared machine latency says how busy the machine was as much as how costly a request is;
CPU per request does not, and two cores divided by it bounds the requests per second the
machine can answer. Linux only (``/proc``); elsewhere every figure is zero.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class CpuSample:
    server: float
    postgres: float
    client: float

    def __sub__(self, other: CpuSample) -> CpuSample:
        return CpuSample(
            self.server - other.server, self.postgres - other.postgres, self.client - other.client
        )


def _stat(pid: int) -> tuple[str, int, float, float] | None:
    """(command, parent pid, user + system CPU seconds, the same of its children that ended)
    of a process, None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    command = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    # fields[0] is field 3 of proc(5): utime, stime are fields 14, 15; cutime, cstime 16, 17
    own = (int(fields[11]) + int(fields[12])) / _TICKS
    ended_children = (int(fields[13]) + int(fields[14])) / _TICKS
    return command, int(fields[1]), own, ended_children


def sample(server_pid: int) -> CpuSample:
    """CPU used so far by the server's tree, PostgreSQL and this process (the client)."""
    processes = {}
    if Path("/proc").is_dir():
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and (found := _stat(int(entry.name))) is not None:
                processes[int(entry.name)] = found
    children: dict[int, list[int]] = {}
    for pid, (_, parent, _, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    tree, server = [server_pid], 0.0
    while tree:
        pid = tree.pop()
        server += processes[pid][2] if pid in processes else 0.0
        tree += children.get(pid, [])
    # a backend that ended (a connection closed) is counted in its parent's children's time
    postgres = sum(own + ended for command, _, own, ended in processes.values()
                   if command == "postgres")  # fmt: skip
    times = os.times()
    return CpuSample(server, postgres, times.user + times.system)
