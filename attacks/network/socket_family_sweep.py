# sandbox-harness: probe
# id: net.socket-family-sweep
# family: network
# controls: cap-drop, isolation
# expect: report
# image: all
# summary: tries every address family 0-45 with stream, dgram, raw, rdm, seqpacket and packet types; escaped if one outside the allowlist is created
# accepted-risk: 12
"""Socket family sweep.

Creating a socket sends nothing, but it exposes the family's kernel code, and some families reach
outside the network namespace. The allowlist is what an unprivileged process in `--network none`
legitimately gets:

- AF_UNIX, any type (local IPC);
- AF_INET / AF_INET6 stream and datagram (they create fine; with `--network none` they have only the
  container's own loopback, and net.tcp-canary and friends check they cannot leave);
- AF_NETLINK datagram/raw (per network namespace; glibc uses it to list interfaces);
- AF_ALG seqpacket (the kernel crypto API: unprivileged by design; attack surface, not an escape).

Anything else is an escape: AF_PACKET and raw IP need CAP_NET_RAW, AF_VSOCK talks to the
hypervisor or VM host and ignores network namespaces, and the rest are rarely needed protocols.
On kernels with loadable modules, creating a socket of an unloaded family can trigger a module
autoload: that is part of the attack surface this sweep measures.
"""
import errno
import json
import socket
import sys

TYPES = {1: "STREAM", 2: "DGRAM", 3: "RAW", 4: "RDM", 5: "SEQPACKET", 10: "PACKET"}
ALLOWED = {(1, t) for t in TYPES} | {(2, 1), (2, 2), (10, 1), (10, 2), (16, 2), (16, 3), (38, 5)}


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


NAMES = {40: "AF_VSOCK", 44: "AF_XDP", 45: "AF_MCTP", 42: "AF_QIPCRTR", 43: "AF_SMC"}


def family_name(fam):
    if fam in NAMES:
        return NAMES[fam]
    for name in dir(socket):
        if name.startswith("AF_") and getattr(socket, name) == fam:
            return name
    return "AF_%d" % fam


def main():
    created = []
    for fam in range(46):
        for typ in TYPES:
            try:
                socket.socket(fam, typ, 0).close()
            except OSError:
                continue
            created.append("%s/%s" % (family_name(fam), TYPES[typ]) + ("" if (fam, typ) in ALLOWED else "!"))
    unexpected = [c[:-1] for c in created if c.endswith("!")]
    allowed = [c for c in created if not c.endswith("!")]
    detail = ("created outside the allowlist: " + ", ".join(unexpected)) if unexpected else \
        "only allowlisted families created"
    report(unexpected, detail, unexpected=unexpected, allowed_created=allowed)


main()
