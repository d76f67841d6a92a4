# sandbox-harness: probe
# id: info.sysv-ipc
# family: info-leak
# controls: isolation
# expect: report
# image: all
# self-test: --self-test
# summary: creates one SysV shared memory segment, message queue and semaphore set, then lists /proc/sysvipc; escaped if any object it did not create is visible (the host's IPC namespace)
"""System V IPC objects of others.

A private IPC namespace (Docker's default) starts empty: the only System V shared memory
segments, message queues and semaphore sets in /proc/sysvipc/{shm,msg,sem} are those the script
makes. With `--ipc host` (or a namespace shared with another container) the objects of the host
and of other containers appear, and with them their keys, owners and sizes, and the permission to
attach to any that is world-accessible. The probe creates one object of each kind (IPC_PRIVATE,
mode 0600, 4 KiB of shared memory, one semaphore, an empty queue), checks that each appears in the
listing (else the listing does not show its namespace, and the probe fails instead of judging),
and is escaped when any entry it did not create is listed. It removes its objects (IPC_RMID)
before reporting. A second witness: the initial IPC namespace has the fixed inode 0xEFFFFFFF
(4026531839), so /proc/self/ns/ipc naming it is the host's namespace even with no object in it.

`--self-test` points the very same check at stand-ins: its own three objects are not excluded,
so they count as objects of others, and it must report escaped.

A kernel without /proc/sysvipc (gVisor's) is asked for its own counts instead: SHM_INFO, MSG_INFO
and SEM_INFO give the number of segments, queues and semaphore sets in the IPC namespace, and any
beyond the probe's own (all of them with --self-test) are objects of others. gVisor's IPC namespace
is its own kernel's, so the host's objects never show there.
"""
import ctypes
import errno
import json
import os
import sys

IPC_CREAT, IPC_RMID, IPC_PRIVATE = 0o1000, 0, 0
SHM_INFO, MSG_INFO, SEM_INFO = 14, 12, 19
INIT_IPC_NS = "ipc:[%d]" % 0xEFFFFFFF
KINDS = ("shm", "msg", "sem")


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def create(libc):
    """{kind: id} of the objects made, {kind: errno name} of those that could not be."""
    made, failed = {}, {}
    calls = {
        "shm": lambda: libc.shmget(IPC_PRIVATE, ctypes.c_size_t(4096), IPC_CREAT | 0o600),
        "msg": lambda: libc.msgget(IPC_PRIVATE, IPC_CREAT | 0o600),
        "sem": lambda: libc.semget(IPC_PRIVATE, 1, IPC_CREAT | 0o600),
    }
    for kind in KINDS:
        ident = calls[kind]()
        if ident < 0:
            e = ctypes.get_errno()
            failed[kind] = errno.errorcode.get(e, str(e))
        else:
            made[kind] = ident
    return made, failed


def remove(libc, made):
    for kind, ident in made.items():
        if kind == "shm":
            libc.shmctl(ident, IPC_RMID, None)
        elif kind == "msg":
            libc.msgctl(ident, IPC_RMID, None)
        else:
            libc.semctl(ident, 0, IPC_RMID)


def listing(kind):
    """The entries of /proc/sysvipc/KIND: dicts of the header's columns."""
    with open("/proc/sysvipc/" + kind) as f:
        header = f.readline().split()
        return [dict(zip(header, line.split())) for line in f if line.strip()]


def id_column(kind):
    return {"shm": "shmid", "msg": "msqid", "sem": "semid"}[kind]


def counts(libc):
    """{kind: number of objects in this IPC namespace}, from SHM_INFO, MSG_INFO and SEM_INFO: the
    kernel's own count, for a kernel without /proc/sysvipc (gVisor's)."""
    out = {}
    buf = ctypes.create_string_buffer(256)
    if libc.shmctl(0, SHM_INFO, buf) >= 0:
        out["shm"] = ctypes.c_int.from_buffer(buf, 0).value        # struct shm_info: used_ids
    buf = ctypes.create_string_buffer(256)
    if libc.msgctl(0, MSG_INFO, buf) >= 0:
        out["msg"] = ctypes.c_int.from_buffer(buf, 0).value        # struct msginfo: msgpool, the queues in use
    buf = ctypes.create_string_buffer(256)
    if libc.semctl(0, 0, SEM_INFO, buf) >= 0:
        out["sem"] = ctypes.c_int.from_buffer(buf, 4 * 7).value    # struct seminfo: semusz, the sets in use
    return out


def judge_by_counts(libc, made, failed, self_test):
    """The check where /proc/sysvipc does not exist: objects beyond the probe's own in the counts."""
    try:
        total = counts(libc)
    finally:
        remove(libc, made)
    for kind in made:
        if total.get(kind, 0) < 1:
            raise RuntimeError("own %s object is not counted by %s_INFO: the count is not of this IPC namespace" % (
                kind, kind.upper()))
    others = {k: n - (0 if self_test else (1 if k in made else 0)) for k, n in total.items()}
    evidence = dict(own_objects=made, not_created=failed, ipc_ns=None, counts=total,
                    others_count=sum(others.values()), listing="none (/proc/sysvipc absent): *_INFO counts")
    if self_test:
        evidence["self_test"] = True
    if any(others.values()):
        report(True, "IPC objects of others counted: %s" % others, **evidence)
    else:
        report(False, "only its own %d IPC object(s) counted (no /proc/sysvipc; SHM_INFO, MSG_INFO, SEM_INFO: %s)" % (
            len(made), total), **evidence)


def main():
    self_test = sys.argv[1:] == ["--self-test"]
    libc = ctypes.CDLL(None, use_errno=True)
    made, failed = create(libc)
    if not os.path.isdir("/proc/sysvipc"):
        judge_by_counts(libc, made, failed, self_test)
        return
    try:
        entries = {kind: listing(kind) for kind in KINDS}
    finally:
        remove(libc, made)
    for kind, ident in made.items():
        if not any(e.get(id_column(kind)) == str(ident) for e in entries[kind]):
            raise RuntimeError("own %s object %d is missing from /proc/sysvipc/%s: the listing is not of this "
                               "IPC namespace" % (kind, ident, kind))
    exclude = {} if self_test else made
    others = []
    for kind in KINDS:
        for e in entries[kind]:
            if exclude.get(kind) is not None and e.get(id_column(kind)) == str(exclude[kind]):
                continue
            others.append({"kind": kind, "key": e.get("key"), "id": e.get(id_column(kind)),
                           "perms": e.get("perms"), "uid": e.get("uid")})
    ns = os.readlink("/proc/self/ns/ipc")
    initial = ns == INIT_IPC_NS
    evidence = dict(own_objects=made, not_created=failed, ipc_ns=ns, initial_ipc_ns=initial,
                    others=others[:20], others_count=len(others))
    if self_test:
        evidence["self_test"] = True
    if others or initial:
        report(True, "IPC objects of others visible: %d%s" % (
            len(others), "; the initial IPC namespace" if initial else ""), **evidence)
    else:
        report(False, "only its own %d IPC object(s) listed (%s)" % (len(made), ns), **evidence)


main()
