# sandbox-harness: probe
# id: net.raw-socket
# family: network
# controls: cap-drop, user
# expect: report
# image: all
# summary: tries to create raw IPv4/IPv6 sockets (CAP_NET_RAW); escaped if any is created; sends nothing
"""Raw IP sockets.

A raw socket lets a process forge any packet on whatever network it has. It needs CAP_NET_RAW,
which Docker grants by default to root in the container; `--cap-drop ALL` removes it and a non-root
user never has it effective. Creating the socket is the escape; nothing is sent or received.
"""
import errno
import json
import socket
import sys

KINDS = [
    ("AF_INET/SOCK_RAW/IPPROTO_RAW", socket.AF_INET, socket.IPPROTO_RAW),
    ("AF_INET/SOCK_RAW/IPPROTO_TCP", socket.AF_INET, socket.IPPROTO_TCP),
    ("AF_INET6/SOCK_RAW/IPPROTO_RAW", socket.AF_INET6, socket.IPPROTO_RAW),
]


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    results = {}
    created = []
    for name, fam, proto in KINDS:
        try:
            socket.socket(fam, socket.SOCK_RAW, proto).close()
            results[name] = "created"
            created.append(name)
        except OSError as e:
            results[name] = errno.errorcode.get(e.errno, str(e))
    detail = ("created " + ", ".join(created)) if created else "every raw socket refused: %s" % sorted(set(results.values()))
    report(created, detail, results=results)


main()
