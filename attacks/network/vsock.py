# sandbox-harness: probe
# id: net.vsock
# family: network
# controls: isolation
# expect: report
# image: all
# summary: tries to create AF_VSOCK sockets, which reach the hypervisor or VM host and ignore network namespaces; escaped if one is created
# accepted-risk: 12
"""AF_VSOCK.

Virtual sockets connect a guest VM to its host (CID 2) and back, and are not confined by network
namespaces: `--network none` does not stop them. On a VM host with vsock services (cloud and
micro-VM agents listen there) a container that can create one can talk to the hypervisor side.
Newer Docker default seccomp profiles refuse socket(AF_VSOCK, ...); older ones do not. The probe
only creates and closes the sockets: it never connects, binds or sends (a connect would be
traffic to a non-loopback peer). Whether a vsock transport is present is recorded from the error
of a datagram socket and from /dev/vsock.
"""
import errno
import json
import os
import socket
import sys

AF_VSOCK = getattr(socket, "AF_VSOCK", 40)


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    results = {}
    for name, typ in (("SOCK_STREAM", socket.SOCK_STREAM), ("SOCK_SEQPACKET", socket.SOCK_SEQPACKET),
                      ("SOCK_DGRAM", socket.SOCK_DGRAM)):
        try:
            socket.socket(AF_VSOCK, typ, 0).close()
            results[name] = "created"
        except OSError as e:
            results[name] = errno.errorcode.get(e.errno, str(e))
    created = [k for k, v in results.items() if v == "created"]
    detail = ("created AF_VSOCK " + ", ".join(created) + " (not confined by --network none)") if created \
        else "AF_VSOCK refused: %s" % results
    report(created, detail, results=results, dev_vsock=os.path.exists("/dev/vsock"))


main()
