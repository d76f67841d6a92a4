# sandbox-harness: probe
# id: net.external-no-route
# family: network
# controls: network
# expect: report
# image: all
# targets: external
# self-test: --self-test
# summary: tries a TCP connect (1 s timeout, no payload) to two public resolver addresses; escaped if either connects
"""No route out.

This probe aims at addresses outside the host (1.1.1.1 and 2606:4700:4700::1111, port 443), so its
header says `targets: external`: the harness runs it only with `SANDBOX_NETWORK=none`, where it
must fail at once with ENETUNREACH. It only opens a connection (1 s timeout) and closes it.

`--self-test` (positive control: the harness never runs this probe with a network that could reach
the addresses) points the very same connect check at a listening socket the probe opens itself on
127.0.0.1 inside the container (the loopback is up under `--network none`; port chosen by the
kernel), which must report escaped. In that mode the public addresses are not tried at all, and
nothing is sent; the listener is closed again.
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


def check(targets, **extra):
    results = {}
    for fam, addr in targets:
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
    report(reached, detail, results=results, **extra)


def main():
    if sys.argv[1:] == ["--self-test"]:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listener.bind(("127.0.0.1", 0))
            listener.listen(1)
            check([(socket.AF_INET, listener.getsockname())], self_test=True)
        finally:
            listener.close()
        return
    check(TARGETS)


main()
