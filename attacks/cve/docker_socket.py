# sandbox-harness: probe
# id: cve.docker-socket
# family: cve
# controls: isolation, user
# expect: report
# image: all
# self-test: --self-test
# summary: looks for container-engine API sockets (docker, containerd, cri-o, podman), DOCKER_HOST, and 127.0.0.1:2375/2376; escaped if any can be connected to (no request is sent)
"""A reachable container-engine API is root on the host: whoever can talk to dockerd can start a
privileged container with the host's disk mounted. The seed document says never to mount the
Docker socket. The probe connects to each socket it finds and closes the connection without
sending a byte; it also tries a TCP connect to the classic unencrypted and TLS Docker ports on the
loopback (connect only: under the host's network this is the host's own loopback, and nothing is
sent). DOCKER_HOST in the environment counts too.

`--self-test` adds a listening socket the probe creates itself, to show the detection works.
"""
import errno
import json
import os
import socket
import sys

SOCKETS = ["/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock",
           "/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock.ttrpc",
           "/var/run/docker/containerd/containerd.sock", "/run/crio/crio.sock", "/var/run/crio/crio.sock",
           "/run/podman/podman.sock", "/run/user/0/podman/podman.sock", "/run/buildkit/buildkitd.sock"]
PORTS = [2375, 2376]


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def try_unix(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(0.5)
    try:
        s.connect(path)
        return "connected"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e)) if e.errno else type(e).__name__
    finally:
        s.close()


def try_tcp(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(0.5)
    try:
        s.connect(("127.0.0.1", port))
        return "connected"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e)) if e.errno else type(e).__name__
    finally:
        s.close()


def main():
    paths = list(SOCKETS)
    listener = None
    if sys.argv[1:] == ["--self-test"]:
        fake = "/tmp/.docker.sock-self-test"
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(fake)
        listener.listen(1)
        paths.append(fake)
    results = {p: try_unix(p) for p in paths if os.path.exists(p)}
    results.update({"tcp 127.0.0.1:%d" % p: try_tcp(p) for p in PORTS})
    if listener is not None:
        listener.close()
        os.unlink(paths[-1])
    reachable = [k for k, v in results.items() if v == "connected"]
    docker_host = os.environ.get("DOCKER_HOST")
    if docker_host:
        reachable.append("DOCKER_HOST=%s" % docker_host)
    detail = ("engine API reachable: " + ", ".join(reachable)) if reachable else \
        "no engine socket present or reachable (%s)" % results
    report(reachable, detail, results=results, docker_host=docker_host, self_test=listener is not None)


main()
