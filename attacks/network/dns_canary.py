# sandbox-harness: probe
# id: net.dns-canary
# family: network
# controls: network
# expect: report
# image: all
# args: {canary_host} {canary_tcp_port} {canary_udp_port} {token}
# summary: sends a DNS query for <token>.canary.invalid to the loopback UDP canary; escaped unless ICMP port-unreachable comes back
"""DNS exfiltration shape, aimed only at the harness's canary.

DNS is the usual way out of "no network" setups that still have a resolver. The query is a real
A-record query whose name carries the token, sent to the canary's UDP port on loopback (never to
the resolver in /etc/resolv.conf, which is recorded as evidence). Reachability is decided as in
net.udp-canary: ECONNREFUSED means no listener (the container's own loopback).
"""
import errno
import ipaddress
import json
import socket
import struct
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def query(name):
    header = struct.pack(">HHHHHH", 0x5348, 0x0100, 1, 0, 0, 0)
    qname = b"".join(bytes([len(p)]) + p.encode("ascii") for p in name.split(".")) + b"\x00"
    return header + qname + struct.pack(">HH", 1, 1)


def resolvers():
    try:
        with open("/etc/resolv.conf") as f:
            return [l.split()[1] for l in f if l.startswith("nameserver") and len(l.split()) > 1]
    except OSError:
        return None


def main():
    host, udp_port, token = sys.argv[1], int(sys.argv[3]), sys.argv[4]
    if not ipaddress.ip_address(host).is_loopback:
        sys.exit("refusing a non-loopback canary address: %s" % host)
    name = "%s.net-dns-canary.sandbox-harness.invalid" % token
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    try:
        s.connect((host, udp_port))
        s.send(query(name))
        s.recv(512)
        reached, why = True, "an answer came back"
    except socket.timeout:
        reached, why = True, "no port-unreachable within 1 s: a listener took the query"
    except OSError as e:
        reached, why = False, "%s: nothing listens there" % errno.errorcode.get(e.errno, str(e))
    finally:
        s.close()
    report(reached, "DNS query for %s to %s:%d: %s" % (name, host, udp_port, why),
           resolv_conf_nameservers=resolvers())


main()
