# sandbox-harness: probe
# id: net.icmp-socket
# family: network
# controls: cap-drop, user
# expect: report
# image: all
# summary: tries raw ICMP/ICMPv6 sockets and, if one opens, pings 127.0.0.1 once; escaped if a raw ICMP socket is created
"""ICMP.

A raw ICMP socket (CAP_NET_RAW) can craft any ICMP message; that is the escape. The unprivileged
"ping socket" (SOCK_DGRAM/IPPROTO_ICMP, allowed by net.ipv4.ping_group_range, which Docker opens for
containers) is recorded as evidence only: it can only send echo requests over the routes the
namespace has. The only packet ever sent is one echo request to 127.0.0.1.
"""
import errno
import json
import select
import socket
import struct
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def echo(sock):
    body = b"sandbox-harness"
    hdr = struct.pack("!BBHHH", 8, 0, 0, 0x5348, 1)
    pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + body), 0x5348, 1) + body
    sock.sendto(pkt, ("127.0.0.1", 0))
    ready, _, _ = select.select([sock], [], [], 0.5)
    return bool(ready)


def attempt(fam, typ, proto):
    try:
        return socket.socket(fam, typ, proto), None
    except OSError as e:
        return None, errno.errorcode.get(e.errno, str(e))


def main():
    results = {}
    raw_created = []
    for name, fam, proto in (("raw ICMP", socket.AF_INET, socket.IPPROTO_ICMP),
                             ("raw ICMPv6", socket.AF_INET6, socket.IPPROTO_ICMPV6)):
        s, err = attempt(fam, socket.SOCK_RAW, proto)
        if s is None:
            results[name] = err
            continue
        raw_created.append(name)
        results[name] = "created"
        if fam == socket.AF_INET:
            try:
                results[name] = "created; echo to 127.0.0.1 answered: %s" % echo(s)
            except OSError as e:
                results[name] = "created; send failed: %s" % errno.errorcode.get(e.errno, str(e))
        s.close()
    s, err = attempt(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
    results["ping socket (evidence only)"] = err or "created"
    if s is not None:
        s.close()
    try:
        with open("/proc/sys/net/ipv4/ping_group_range") as f:
            ping_range = f.read().split()
    except OSError:
        ping_range = None
    detail = ("created " + ", ".join(raw_created)) if raw_created else "raw ICMP refused"
    report(raw_created, detail, results=results, ping_group_range=ping_range)


main()
