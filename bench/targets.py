# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""The benchmark's targets (issue 12), each said met or missed with its figure."""
import statistics

from losses import loss_total

HOOKS_ONLY = "trace, all filtered out"


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def targets(results, idle, rep):
    """The issue's targets (issue 12), each said met or missed, with the figure."""
    out = ["## Targets", ""]

    def ratio_line(name):
        rs = results.get(name)
        if not rs:
            return "- `%s`: not measured" % name
        r = med([x["ratio"] for x in rs])
        lossy = sum(1 for x in rs if loss_total(x))
        ok = r is not None and r >= 0.95 and lossy == 0
        return "- `%s` keeps >= 0.95 of the untraced rate with every loss counter 0 in every "\
               "run: %s (ratio %.2f, %s 0.95 by %.2f; %d of %d runs with a loss)" % (
                   name, "met" if ok else "MISSED", r, "over" if r >= 0.95 else "short of",
                   abs(r - 0.95), lossy, len(rs))
    for name in ("trace --json", "trace text", "record"):
        out.append(ratio_line(name))
    floor = results.get(HOOKS_ONLY)
    if floor:
        out.append("  (the kernel side alone, every event filtered out in BPF, keeps %.2f: the "
                   "ceiling for any reader)" % med([x["ratio"] for x in floor]))
    churn_rss = [x["rss_kb"] / 1024 for n in ("trace --json", "trace text", "record")
                 for x in results.get(n, []) if x.get("rss_kb")]
    if churn_rss:
        out.append("- peak RSS <= 64 MiB during the churn runs: %s (at most %.1f MiB)"
                   % ("met" if max(churn_rss) <= 64 else "MISSED", max(churn_rss)))
    rss = idle["rss_kb"] / 1024
    out.append("- peak RSS <= 64 MiB with the idle connections above: %s (%.1f MiB)"
               % ("met" if rss <= 64 else "MISSED", rss))
    bpe = [x["bytes"] / x["events"] for x in results.get("record", [])
           if x.get("bytes") and x.get("events")]
    if bpe:
        out.append("- `record` <= 8 bytes per event on disk: %s (%.1f bytes per event)"
                   % ("met" if med(bpe) <= 8 else "MISSED", med(bpe)))
    if rep:
        dec = rep["runs"]["summary"]["per_s"]
        js = rep["runs"]["--events --json"]["per_s"]
        out.append("- `report` >= 4M events/s per core: %s (%.0f events/s decoding into the "
                   "summary; %.0f events/s when every event is also printed as JSON)"
                   % ("met" if dec >= 4e6 else "MISSED", dec, js))
    out += ["", "Why, and the levers left: docs/performance.md."]
    return out + [""]
