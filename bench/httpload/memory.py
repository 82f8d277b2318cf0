"""Memory (``/proc/<pid>/smaps_rollup``) and CPU time (``/proc/<pid>/stat``) of
server processes (Linux).

RSS counts every page a process maps, shared ones in full; PSS divides each
shared page among the processes sharing it (so PSS adds up across gunicorn's
workers); USS is what only this process holds (what killing it would free)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True, slots=True)
class Memory:
    rss_mb: float
    pss_mb: float
    uss_mb: float

    def __add__(self, other: Memory) -> Memory:
        return Memory(self.rss_mb + other.rss_mb, self.pss_mb + other.pss_mb, self.uss_mb + other.uss_mb)

    def to_json(self) -> dict[str, float]:
        return {"rss_mb": round(self.rss_mb, 1), "pss_mb": round(self.pss_mb, 1), "uss_mb": round(self.uss_mb, 1)}


def parse_rollup(text: str) -> Memory:
    """The figures of one ``smaps_rollup`` text (values in kB there, MB here)."""
    fields: dict[str, int] = {}
    for line in text.splitlines():
        name, sep, rest = line.partition(":")
        parts = rest.split()
        if sep and len(parts) == 2 and parts[1] == "kB":
            fields[name.strip()] = int(parts[0])
    missing = {"Rss", "Pss", "Private_Clean", "Private_Dirty"} - fields.keys()
    if missing:
        raise ValueError(f"not a smaps_rollup text (missing {', '.join(sorted(missing))})")
    return Memory(rss_mb=fields["Rss"] / 1024, pss_mb=fields["Pss"] / 1024,
                  uss_mb=(fields["Private_Clean"] + fields["Private_Dirty"]) / 1024)


def of_process(pid: int, proc: Path = PROC) -> Memory:
    return parse_rollup((proc / str(pid) / "smaps_rollup").read_text(encoding="ascii"))


def children(pid: int, proc: Path = PROC) -> list[int]:
    """The direct children of ``pid`` (all its threads'), e.g. gunicorn's workers."""
    found: list[int] = []
    for task in sorted((proc / str(pid) / "task").glob("*")):
        try:
            found += [int(c) for c in (task / "children").read_text(encoding="ascii").split()]
        except OSError:
            continue  # the thread ended meanwhile
    return sorted(set(found))


def of_tree(pid: int, proc: Path = PROC) -> tuple[Memory, list[Memory]]:
    """(total over ``pid`` and its children, each child's), e.g. a gunicorn master and its workers."""
    workers = [of_process(child, proc) for child in children(pid, proc)]
    total = of_process(pid, proc)
    for worker in workers:
        total = total + worker
    return total, workers


def parse_cpu_ticks(stat: str) -> int:
    """utime + stime (clock ticks) from a ``/proc/<pid>/stat`` line; the command
    name in parentheses may hold spaces, so fields count from its closing one."""
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)


def cpu_seconds(pid: int, proc: Path = PROC) -> float:
    """CPU time ``pid`` and its live children have used: per request, a figure that
    other processes on a shared machine disturb far less than req/s."""
    import os

    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in (pid, *children(pid, proc)):
        try:
            total += parse_cpu_ticks((proc / str(p) / "stat").read_text(encoding="ascii"))
        except OSError:
            continue
    return total / ticks
