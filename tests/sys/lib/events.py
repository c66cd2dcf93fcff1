"""Finding a socket's records in tcpline's output."""
import datetime
import ipaddress


def norm_addr(addr):
    if addr is None:
        return None
    try:
        return str(ipaddress.ip_address(addr))
    except ValueError:
        return addr


def same_tuple(record, laddr, lport, raddr, rport):
    return (norm_addr(record.get("laddr")) == norm_addr(laddr) and record.get("lport") == lport
            and norm_addr(record.get("raddr")) == norm_addr(raddr) and record.get("rport") == rport)


def touches(record, tup):
    """True if record is about the connection tup (dict laddr/lport/raddr/rport), either end."""
    l, lp, r, rp = tup["laddr"], tup["lport"], tup["raddr"], tup["rport"]
    return same_tuple(record, l, lp, r, rp) or same_tuple(record, r, rp, l, lp)


def cookies_for(trace, netns, tup):
    """Distinct non-zero cookies of records in netns with exactly this local/remote tuple."""
    found = []
    for r in trace.records:
        if r.get("netns") == netns and r.get("cookie") and same_tuple(
                r, tup["laddr"], tup["lport"], tup["raddr"], tup["rport"]):
            if r["cookie"] not in found:
                found.append(r["cookie"])
    return found


def socket_cookie(ctx, trace, netns, tup, what):
    """The one cookie tcpline used for this socket (a require: later checks need it)."""
    found = cookies_for(trace, netns, tup)
    ctx.require(len(found) == 1, "%s: expected exactly one socket cookie for %s:%s -> %s:%s in netns %d, got %r"
                % (what, tup["laddr"], tup["lport"], tup["raddr"], tup["rport"], netns, found))
    return found[0]


def states_of(trace, netns, cookie):
    return trace.select("state", netns=netns, cookie=cookie)


def transitions(state_events):
    return [(e.get("old"), e.get("new")) for e in state_events]


def lifeline_of(ctx, trace, netns, cookie, what):
    lls = [l for l in trace.lifelines(netns) if l.get("cookie") == cookie]
    ctx.require(len(lls) == 1, "%s: expected exactly one lifeline for cookie %s, got %d" % (what, cookie, len(lls)))
    return lls[0]


def parse_time_ns(text):
    """RFC 3339 UTC with up to ns precision -> ns since the epoch (None if malformed)."""
    if not isinstance(text, str) or not text.endswith("Z"):
        return None
    body = text[:-1]
    frac = "0"
    if "." in body:
        body, frac = body.split(".", 1)
    if not frac.isdigit() or len(frac) > 9:
        return None
    try:
        dt = datetime.datetime.strptime(body, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    return int(dt.timestamp()) * 10**9 + int(frac.ljust(9, "0"))
