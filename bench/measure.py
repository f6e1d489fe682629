"""Run one command in a fresh process and measure its wall time and the peak RSS of its whole process tree.

Two measures of memory, the larger one wins:
* the kernel's high-water mark from ``wait4``: the peak RSS of the largest single process in the tree (a child
  counts once its parent has waited for it), exact, but it does not add processes that ran side by side;
* a sampled sum of the RSS of every process in the tree (parent links read from /proc), which does.
The pipeline runs in one process today, so the two agree; the sum is there so a child it may start counts.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.2  # one /proc scan costs ~2 ms: well under 1% of a core at this pace


@dataclass(frozen=True)
class Measured:
    returncode: int
    started: float  # time.time() just before the process started: Dagster's event timestamps use the same clock
    ended: float
    wall_s: float  # monotonic
    peak_rss_mib: float  # max(kernel high-water mark, sampled tree sum)
    kernel_maxrss_mib: float
    sampled_tree_rss_mib: float
    max_processes: int  # the most processes seen in the tree at one sample
    samples: tuple[tuple[float, float], ...] = ()  # (time.time(), tree RSS in MiB) at each sample


def run_measured(cmd: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> Measured:
    """Run cmd to completion with stdout and stderr in `log`; never raises on a non-zero exit."""
    with log.open("wb") as out:
        started = time.time()
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        tree_peak_kib, max_procs = 0, 0
        samples: list[tuple[float, float]] = []
        while True:
            # wait4 rather than Popen.wait: it also returns the child's resource usage, for this child only
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            rss_kib, procs = _tree_rss_kib(proc.pid)
            tree_peak_kib, max_procs = max(tree_peak_kib, rss_kib), max(max_procs, procs)
            samples.append((time.time(), rss_kib / 1024))
            time.sleep(SAMPLE_SECONDS)
        wall = time.monotonic() - t0
        ended = time.time()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
    kernel_mib = usage.ru_maxrss / 1024  # KiB on Linux
    tree_mib = tree_peak_kib / 1024
    return Measured(
        returncode=proc.returncode, started=started, ended=ended, wall_s=wall,
        peak_rss_mib=max(kernel_mib, tree_mib), kernel_maxrss_mib=kernel_mib, sampled_tree_rss_mib=tree_mib,
        max_processes=max_procs, samples=tuple(samples),
    )  # fmt: skip


def _tree_rss_kib(root: int) -> tuple[int, int]:
    """Summed VmRSS (KiB) of root and all its descendants, and how many processes that is."""
    parent_of: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_text()
            except OSError:  # the process ended while we looked
                continue
            # the command name (field 2) may hold spaces and parentheses: ppid is the 2nd field after the last ')'
            parent_of[int(name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parent_of.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        total += _vm_rss_kib(pid)
    return total, len(tree)


def _vm_rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
