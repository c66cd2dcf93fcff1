"""The kernel's own counters for a namespace: `nstat -asz` inside it."""


def read(ns):
    """Return {counter name: int} with absolute values for namespace ns."""
    out = ns.run(["nstat", "-asz"]).stdout
    values = {}
    for line in out.splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) >= 2 and fields[1].isdigit():
            values[fields[0]] = int(fields[1])
    if "TcpActiveOpens" not in values:
        raise RuntimeError("nstat output in %s has no TcpActiveOpens:\n%s" % (ns.name, out))
    return values


def delta(before, after, name):
    return after.get(name, 0) - before.get(name, 0)
