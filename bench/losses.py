# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""tcpline's loss counters in the benchmarks: read from its exit summary, each
one reported per run, any non-zero one counted as a loss."""
import re

# Every loss counter tcpline prints at exit; any non-zero one is a loss.
LOSSES = [("lost", r"lost (\d+) \(ring buffer full\)"), ("storage", r"storage failures (\d+)"),
          ("recursion", r"recursion misses (\d+)"), ("evicted", r"table evictions (\d+)"),
          ("truncated", r"truncated lifelines (\d+)")]


def tcpline_losses(stderr):
    """Each loss counter of tcpline's exit summary (None when it does not print it)."""
    out = {}
    for key, pat in LOSSES:
        m = re.search(pat, stderr)
        out[key] = int(m.group(1)) if m else None
    return out


def loss_total(res):
    return sum(res.get("losses", {}).get(k) or 0 for k, _ in LOSSES) if "losses" in res \
        else res.get("lost")


def per_run_losses(rs):
    """Each run's loss counters, "ring/storage/recursion/evicted/truncated", runs by "; "."""
    cells = []
    for x in rs:
        ls = x.get("losses")
        if ls:
            cells.append("/".join("?" if ls.get(k) is None else str(ls[k]) for k, _ in LOSSES))
        else:
            cells.append("%s" % x.get("lost"))
    return "; ".join(cells)
