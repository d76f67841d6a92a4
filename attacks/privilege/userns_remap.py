# sandbox-harness: probe
# id: priv.userns-remap
# family: privilege
# controls: user, isolation
# expect: report
# image: all
# accepted-risk: 14
# summary: reads /proc/self/uid_map and gid_map; escaped (accepted risk 14) when its uid and gid are the same numbers on the host (no user-namespace remapping, no interposed kernel)
"""User-namespace remapping.

With dockerd's `--userns-remap`, a container runs in a user namespace whose uids map to a
subordinate range on the host (uid_map `0 100000 65536`: the container's 65534 is the host's
165534, its root an unprivileged host uid). Without it the map is the identity
(`0 0 4294967295`): the script's uid 65534 is the host's `nobody`, and root in a weakened profile
is the host's root. Whatever a host uid may do, or is counted for (files owned by or writable
for nobody on a mount that reaches the container, per-uid kernel accounting such as POSIX message
queue bytes, inotify instances and the user keyring), is shared with the host's nobody and with
every other sandbox. sandbox/README.md lists this as Known Weakness 14; the probe reports it as an
accepted risk, with the maps and the host uid and gid that its own ids stand for.

A second witness: the initial user namespace has the fixed inode 0xEFFFFFFD (4026531837), so
/proc/self/ns/user naming it shows that the container shares the host's. Only files are read.

Under a runtime that interposes a kernel of its own (gVisor) the maps are that kernel's: the
script's ids exist only there, and the files, queues and keyrings they own are the runtime's, not
the host's. The runtime itself runs on the host under an id of its own (runsc 20221219: the Sentry
as uid 65534 in a user namespace that maps only 65534, the gofer as root with six capabilities),
which the script cannot see; the probe reports runtime-provided ids (contained), with the release
it reached as a claim the harness can check (sandbox/README.md, Runtimes).
"""
import json
import os
import sys

INIT_USER_NS = "user:[%d]" % 0xEFFFFFFD


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


# Linux numbers namespace inodes from 0xEFFFFFFA up (fixed ones for the initial namespaces, then
# 0xF0000000 on); an application kernel that the runtime puts between the script and the host's
# (gVisor's Sentry) numbers them its own way, from 1.
LINUX_NS_INODES = 0xE0000000


def answering_kernel():
    """Whose kernel answers this script's system calls: the host's Linux, or one the runtime
    interposes. Namespaces that cannot be read count as the host's, so the strong claim stands."""
    inodes = {}
    for ns in ("pid", "user", "net"):
        try:
            link = os.readlink("/proc/self/ns/" + ns)
            inodes[ns] = int(link[link.index("[") + 1:link.index("]")])
        except (OSError, ValueError):
            pass
    interposed = bool(inodes) and all(i < LINUX_NS_INODES for i in inodes.values())
    return {"interposed": interposed, "ns_inodes": inodes, "release": os.uname().release}


def kernel_claim(kernel):
    """The claim a report makes about the host (attacks/README.md, "Host claims"): the release of
    the kernel it reached, and whether that is the host's; the harness knows the host's own."""
    return {"kernel_release": {"seen": kernel["release"], "is_host": not kernel["interposed"]}}


def read_map(path):
    ranges = []
    with open(path) as f:
        for line in f:
            inside, outside, count = (int(x) for x in line.split())
            ranges.append((inside, outside, count))
    if not ranges:
        raise RuntimeError("%s is empty: no mapping to read" % path)
    return ranges


def host_id(ranges, own):
    for inside, outside, count in ranges:
        if inside <= own < inside + count:
            return outside + (own - inside)
    raise RuntimeError("id %d is in no range of the map %r" % (own, ranges))


def main():
    uid_map = read_map("/proc/self/uid_map")
    gid_map = read_map("/proc/self/gid_map")
    uid, gid = os.getuid(), os.getgid()
    host_uid, host_gid = host_id(uid_map, uid), host_id(gid_map, gid)
    root_on_host = host_id(uid_map, 0) if any(i == 0 for i, _, _ in uid_map) else None
    ns = os.readlink("/proc/self/ns/user")
    same = host_uid == uid or host_gid == gid
    evidence = dict(uid_map=[" ".join(map(str, r)) for r in uid_map],
                    gid_map=[" ".join(map(str, r)) for r in gid_map],
                    uid=uid, gid=gid, host_uid=host_uid, host_gid=host_gid, root_maps_to=root_on_host,
                    user_ns=ns, initial_user_ns=ns == INIT_USER_NS)
    kernel = answering_kernel()
    evidence.update(answering_kernel=kernel, host_claims=kernel_claim(kernel))
    if kernel["interposed"]:
        report(False, "runtime-provided ids: uid %d and gid %d belong to the runtime's own kernel (Linux %s as it "
               "calls itself; uid_map %s is its own), not to the host: they map to no host uid" % (
                   uid, gid, kernel["release"], "; ".join(evidence["uid_map"])), **evidence)
    elif same:
        report(True, "no user-namespace remapping: uid %d and gid %d here are uid %d and gid %d on the host "
               "(uid_map %s)" % (uid, gid, host_uid, host_gid, "; ".join(evidence["uid_map"])), **evidence)
    else:
        report(False, "remapped: uid %d here is uid %d on the host, gid %d is %d" % (uid, host_uid, gid, host_gid),
               **evidence)


main()
