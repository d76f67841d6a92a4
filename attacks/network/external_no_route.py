# sandbox-harness: probe
# id: net.external-no-route
# family: network
# controls: network
# expect: report
# image: all
# targets: external
# summary: tries a TCP connect (1 s timeout, no payload) to two public resolver addresses; escaped if either connects
"""No route out.

This probe aims at addresses outside the host (1.1.1.1 and 2606:4700:4700::1111, port 443), so its
header says `targets: external`: the harness runs it only with `SANDBOX_NETWORK=none`, where it
must fail at once with ENETUNREACH. It only opens a connection (1 s timeout) and closes it.
"""
import errno
import json
import socket
import sys

TARGETS = [(socket.AF_INET, ("1.1.1.1", 443)), (socket.AF_INET6, ("2606:4700:4700::1111", 443))]


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    results = {}
    for fam, addr in TARGETS:
        key = "%s:%d" % addr
        try:
            s = socket.socket(fam, socket.SOCK_STREAM)
        except OSError as e:
            results[key] = errno.errorcode.get(e.errno, str(e))
            continue
        s.settimeout(1)
        try:
            s.connect(addr)
            results[key] = "connected"
        except OSError as e:
            results[key] = errno.errorcode.get(e.errno, str(e)) if e.errno else type(e).__name__
        finally:
            s.close()
    reached = [k for k, v in results.items() if v == "connected"]
    detail = ("connected to " + ", ".join(reached)) if reached else "no route: %s" % results
    report(reached, detail, results=results)


main()
