# sandbox-harness: probe
# id: info.host-connections
# family: info-leak
# controls: network
# expect: report
# image: all
# summary: reads /proc/net/{tcp,tcp6,udp,udp6,unix}; escaped if any socket exists that the probe did not open (the host's listeners and connections)
"""Sockets of the network namespace.

/proc/net/* lists every socket of the network namespace. In a private namespace the probe, which
opens none, sees an empty table; in the host's namespace it sees every listener and connection of
the host (ports, peers, the harness's canary). Only counts and up to 10 local TCP listeners are
reported.
"""
import json
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def rows(name):
    try:
        with open("/proc/net/" + name) as f:
            return f.read().splitlines()[1:]
    except OSError:
        return []


def main():
    counts = {n: len(rows(n)) for n in ("tcp", "tcp6", "udp", "udp6", "unix", "raw", "packet")}
    listeners = []
    for n in ("tcp", "tcp6"):
        for r in rows(n):
            parts = r.split()
            if len(parts) > 3 and parts[3] == "0A":
                listeners.append("%s %s" % (n, parts[1]))
    total = sum(counts.values())
    detail = ("%d foreign sockets visible (%s)" % (total, counts)) if total else "no sockets in this network namespace"
    report(total > 0, detail, counts=counts, tcp_listeners=listeners[:10])


main()
