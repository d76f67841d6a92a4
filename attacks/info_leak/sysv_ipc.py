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
"""
import ctypes
import errno
import json
import os
import sys

IPC_CREAT, IPC_RMID, IPC_PRIVATE = 0o1000, 0, 0
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


def main():
    self_test = sys.argv[1:] == ["--self-test"]
    libc = ctypes.CDLL(None, use_errno=True)
    made, failed = create(libc)
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
