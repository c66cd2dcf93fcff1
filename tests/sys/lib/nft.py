"""Packet loss on a namespace's input with nftables (table inet tlt)."""


def drop_input(ns, match):
    """Drop TCP packets matching `match` (nft syntax) on ns's input, counted."""
    ruleset = ("table inet tlt {\n"
               "  chain in {\n"
               "    type filter hook input priority 0; policy accept;\n"
               "    meta l4proto tcp %s counter drop\n"
               "  }\n"
               "}\n" % match)
    ns.run(["nft", "-f", "-"], input=ruleset)


def dropped(ns):
    """Packets counted by the drop rule so far."""
    out = ns.run(["nft", "list", "chain", "inet", "tlt", "in"]).stdout
    for line in out.splitlines():
        if "counter packets" in line:
            words = line.split()
            return int(words[words.index("packets") + 1])
    raise RuntimeError("no counter in nft chain of %s:\n%s" % (ns.name, out))


def clear(ns):
    ns.run(["nft", "delete", "table", "inet", "tlt"], check=False)
