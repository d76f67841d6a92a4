# sandbox-harness: probe
# id: net.packet-socket
# family: network
# controls: cap-drop, user
# expect: report
# image: all
# summary: tries to create AF_PACKET sockets (link-layer sniffing and injection, CAP_NET_RAW); escaped if any is created
"""Link-layer (AF_PACKET) sockets.

AF_PACKET sees and injects whole Ethernet frames on every interface of the network namespace,
and has a history of kernel bugs. It needs CAP_NET_RAW. The socket is created and closed, never
bound, read or written.
"""
import errno
import json
import socket
import sys

ETH_P_ALL = 0x0003


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    results = {}
    for name, typ in (("SOCK_RAW", socket.SOCK_RAW), ("SOCK_DGRAM", socket.SOCK_DGRAM)):
        try:
            socket.socket(socket.AF_PACKET, typ, socket.htons(ETH_P_ALL)).close()
            results[name] = "created"
        except OSError as e:
            results[name] = errno.errorcode.get(e.errno, str(e))
    created = [k for k, v in results.items() if v == "created"]
    detail = ("created AF_PACKET " + ", ".join(created)) if created else "AF_PACKET refused: %s" % results
    report(created, detail, results=results)


main()
