# sandbox-harness: probe
# id: net.ipv6-canary
# family: network
# controls: network
# expect: report
# image: all
# args: {canary_host} {canary_tcp_port} {canary_udp_port} {token}
# summary: connects to the canary's TCP port on ::1 and sends the token; escaped if the connection opens
"""TCP over IPv6 loopback.

The harness's canary listens on ::1 too (same port number as on 127.0.0.1). Inside
`--network none`, IPv6 is usually disabled on the container's loopback (EADDRNOTAVAIL) or nothing
listens (ECONNREFUSED); with the host's network the connection reaches the host's canary.
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
    tcp_port, token = int(sys.argv[2]), sys.argv[4]
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    except OSError as e:
        report(False, "no IPv6 socket: %s" % errno.errorcode.get(e.errno, str(e)))
        return
    s.settimeout(2)
    try:
        s.connect(("::1", tcp_port))
    except OSError as e:
        name = errno.errorcode.get(e.errno, str(e)) if e.errno else type(e).__name__
        report(False, "connect [::1]:%d failed: %s" % (tcp_port, name), error=name)
        return
    s.sendall(("SANDBOX-HARNESS net.ipv6-canary %s\n" % token).encode())
    s.shutdown(socket.SHUT_WR)
    try:
        reply = s.recv(64).decode("ascii", "replace")
    except OSError:
        reply = None
    s.close()
    report(True, "connected to the canary at [::1]:%d and sent the token" % tcp_port, reply=reply)


main()
