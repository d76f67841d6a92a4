# sandbox-harness: probe
# id: net.abstract-unix
# family: network
# controls: network
# expect: report
# image: all
# summary: lists abstract unix sockets in /proc/net/unix and tries to connect to each (no data); escaped if any exists outside the container
"""Abstract unix sockets.

Abstract unix sockets (names starting with '@') live in the network namespace, not the file
system, so a container sharing the host's network can reach host daemons that listen on them
(CVE-2020-15257: containerd-shim's API). With `--network none` the namespace is the container's
own, and the probe itself creates none, so any abstract name listed is someone else's.
It connects to each one (timeout 0.5 s) and closes without sending anything.
"""
import errno
import json
import socket
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    abstract = []
    path_sockets = 0
    with open("/proc/net/unix") as f:
        next(f)
        for line in f:
            parts = line.split()
            if len(parts) >= 8:
                if parts[7].startswith("@"):
                    abstract.append(parts[7])
                else:
                    path_sockets += 1
    abstract = sorted(set(abstract))
    connected = {}
    for name in abstract[:20]:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(0.5)
        try:
            s.connect("\0" + name[1:])
            connected[name] = "connected"
        except OSError as e:
            connected[name] = errno.errorcode.get(e.errno, str(e)) if e.errno else type(e).__name__
        finally:
            s.close()
    shim = [n for n in abstract if "containerd-shim" in n]
    if abstract:
        detail = "%d abstract sockets visible from outside the container, %d connectable" % (
            len(abstract), sum(1 for v in connected.values() if v == "connected"))
        if shim:
            detail += "; containerd-shim sockets: %s" % shim
    else:
        detail = "no abstract unix sockets in this network namespace"
    report(abstract, detail, abstract=abstract[:50], connect=connected, named_unix_sockets=path_sockets)


main()
