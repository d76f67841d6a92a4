# sandbox-harness: probe
# id: priv.userns-remap
# family: privilege
# controls: user, isolation
# expect: report
# image: all
# accepted-risk: 14
# summary: reads /proc/self/uid_map and gid_map; escaped (accepted risk 14) when its uid and gid are the same numbers on the host (no user-namespace remapping)
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
    if same:
        report(True, "no user-namespace remapping: uid %d and gid %d here are uid %d and gid %d on the host "
               "(uid_map %s)" % (uid, gid, host_uid, host_gid, "; ".join(evidence["uid_map"])), **evidence)
    else:
        report(False, "remapped: uid %d here is uid %d on the host, gid %d is %d" % (uid, host_uid, gid, host_gid),
               **evidence)


main()
