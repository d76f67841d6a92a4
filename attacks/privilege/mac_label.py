# sandbox-harness: probe
# id: priv.mac-label
# family: privilege
# controls: isolation
# expect: report
# image: all
# accepted-risk: 13
# summary: reads its own LSM label (/proc/self/attr/apparmor/current, /proc/self/attr/current); escaped (accepted risk 13) when no AppArmor or SELinux label confines it
"""Mandatory access control.

Where AppArmor is enabled Docker confines every container with its `docker-default` profile (no
mount, no writes to most of /proc and /sys, no ptrace of other profiles), and where SELinux is
enabled with a `container_t` label. On a host with neither, the container runs without any
mandatory access control: only seccomp, capabilities and Docker's masked and read-only paths are
left. sandbox/README.md lists this as Known Weakness 13, so the probe reports it as an accepted
risk, with the label it found (or the error that shows there is none).

The label is read from /proc/self/attr/apparmor/current (kernels with LSM stacking) and
/proc/self/attr/current. EINVAL there means no LSM on this kernel provides a label: unconfined.
An AppArmor label `unconfined` or one in complain mode, and the SELinux types `unconfined_t`,
`spc_t` (the "super privileged container" type of --privileged) and `kernel_t` confine nothing
either. Any other label counts as confinement. Only files are read.

Under a runtime that interposes a kernel of its own (gVisor) the attr files are that kernel's
(gVisor has none: ENOENT), and say nothing of the host's LSM, which confines (or not) the runtime's
own processes: the probe reports runtime-provided (contained). On a host without an LSM, as the
reference host, Known Weakness 13 still holds for those processes (sandbox/README.md, Runtimes).
"""
import errno
import json
import os
import sys

ATTRS = ("/proc/self/attr/apparmor/current", "/proc/self/attr/current")
UNCONFINED_SELINUX_TYPES = {"unconfined_t", "spc_t", "kernel_t", "unconfined_service_t"}


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


def read_attr(path):
    """The label (stripped of NULs and blanks), or None and the errno name."""
    try:
        with open(path, "rb") as f:
            raw = f.read(4096)
    except OSError as e:
        return None, errno.errorcode.get(e.errno, str(e))
    return raw.replace(b"\0", b"").decode("utf-8", "replace").strip(), None


def confines(label):
    """(True/False, why) for a label read from an attr file."""
    if not label:
        return False, "empty label"
    if label == "unconfined" or label.startswith("unconfined "):
        return False, "AppArmor: unconfined"
    if label.endswith("(complain)"):
        return False, "AppArmor profile in complain mode (logs, does not enforce)"
    parts = label.split(":")
    if len(parts) >= 3 and parts[2] in UNCONFINED_SELINUX_TYPES:
        return False, "SELinux type %s" % parts[2]
    return True, "confined by %s" % label


def read_optional(path):
    try:
        with open(path) as f:
            return f.read(512).strip()
    except OSError as e:
        return "(%s)" % errno.errorcode.get(e.errno, str(e))


def main():
    seen = {}
    label = None
    for path in ATTRS:
        value, err = read_attr(path)
        seen[path] = value if err is None else "(%s)" % err
        if err is None and label is None:
            label = value
    evidence = dict(
        attrs=seen,
        lsm_list=read_optional("/sys/kernel/security/lsm"),
        apparmor_enabled=read_optional("/sys/module/apparmor/parameters/enabled"),
        selinuxfs=os.path.isdir("/sys/fs/selinux"),
    )
    kernel = answering_kernel()
    evidence.update(answering_kernel=kernel, host_claims=kernel_claim(kernel))
    if kernel["interposed"]:
        report(False, "runtime-provided: the attr files (%s) are the runtime's own kernel's (Linux %s as it calls "
               "itself); the host's confinement of the runtime cannot be seen from here" % (
                   ", ".join("%s %s" % (p, v) for p, v in seen.items()), kernel["release"]), label=label, **evidence)
        return
    if label is None:
        report(True, "no MAC label: no LSM provides one (%s)" % ", ".join(
            "%s %s" % (p, v) for p, v in seen.items()), label=None, **evidence)
        return
    ok, why = confines(label)
    if ok:
        report(False, "MAC label in force: %s" % label, label=label, **evidence)
    else:
        report(True, "not confined by a MAC label: %s (%r)" % (why, label), label=label, **evidence)


main()
