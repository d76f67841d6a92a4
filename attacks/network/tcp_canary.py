# sandbox-harness: probe
# id: net.tcp-canary
# family: network
# controls: network
# expect: report
# image: all
# args: {canary_host} {canary_tcp_port} {canary_udp_port} {token}
# tags: smoke
# summary: connects to the host's loopback TCP canary and sends the case token; escaped if the connection opens
"""TCP to the host.

Inside `--network none` the container has its own loopback, so 127.0.0.1 is the container itself
and nothing listens there: ECONNREFUSED. With the host's network, 127.0.0.1 is the host and the
harness's canary answers (and records the token, which is the outside evidence).
The probe refuses to talk to anything but a loopback address.
"""
import errno
import ipaddress
import json
import socket
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    host, tcp_port, token = sys.argv[1], int(sys.argv[2]), sys.argv[4]
    if not ipaddress.ip_address(host).is_loopback:
        sys.exit("refusing a non-loopback canary address: %s" % host)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect((host, tcp_port))
    except OSError as e:
        name = errno.errorcode.get(e.errno, str(e)) if e.errno else type(e).__name__
        report(False, "connect %s:%d failed: %s" % (host, tcp_port, name), error=name)
        return
    s.sendall(("SANDBOX-HARNESS net.tcp-canary %s\n" % token).encode())
    s.shutdown(socket.SHUT_WR)
    try:
        reply = s.recv(64).decode("ascii", "replace")
    except OSError:
        reply = None
    s.close()
    report(True, "connected to the canary at %s:%d and sent the token" % (host, tcp_port), reply=reply)


main()
