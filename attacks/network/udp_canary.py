# sandbox-harness: probe
# id: net.udp-canary
# family: network
# controls: network
# expect: report
# image: all
# args: {canary_host} {canary_tcp_port} {canary_udp_port} {token}
# summary: sends the token in a datagram to the host's loopback UDP canary; escaped unless ICMP port-unreachable comes back
"""UDP to the host.

A datagram is sent on a connected UDP socket. Inside `--network none`, 127.0.0.1 is the
container's own loopback where nothing listens, so the kernel answers with ICMP port unreachable,
which the connected socket reports as ECONNREFUSED on the next receive. When no such error comes
back within a second, something received it: the host's canary (which records the token).
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
    host, udp_port, token = sys.argv[1], int(sys.argv[3]), sys.argv[4]
    if not ipaddress.ip_address(host).is_loopback:
        sys.exit("refusing a non-loopback canary address: %s" % host)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    try:
        s.connect((host, udp_port))
        s.send(("SANDBOX-HARNESS net.udp-canary %s\n" % token).encode())
        s.recv(64)
        reached, why = True, "a reply came back"
    except socket.timeout:
        reached, why = True, "no port-unreachable within 1 s: a listener took the datagram"
    except OSError as e:
        name = errno.errorcode.get(e.errno, str(e))
        reached, why = False, "%s: nothing listens there" % name
    finally:
        s.close()
    report(reached, "datagram to %s:%d: %s" % (host, udp_port, why))


main()
