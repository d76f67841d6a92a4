# sandbox-harness: probe
# id: info.host-resources
# family: info-leak
# controls: isolation
# expect: report
# image: all
# accepted-risk: 1
# summary: reads /proc/meminfo, /proc/cpuinfo, /proc/uptime and the boot id; escaped (accepted risk 1) when a value is the host's (memory other than the container's limit, CPU model, boot id)
"""Host resources show through /proc.

/proc/meminfo, /proc/cpuinfo, /proc/stat, /proc/uptime, /proc/loadavg and
/proc/sys/kernel/random/boot_id are not namespaced: they describe the host (its total memory, CPU
model and count, uptime, load, the id of its current boot), not the container's cgroup limits.
That is inherent to containers without something like LXCFS (Known Weakness 1), so the probe
reports it as escaped with the numbers and the verdict is accepted-risk.

What counts is a value that is the host's: MemTotal other than the container's own memory limit,
the CPU model name, the boot id. A runtime that interposes a kernel of its own (gVisor) answers
/proc itself: MemTotal is the container's limit, the CPU model "unknown", the uptime the sandbox's
own, and there is no boot id; the probe reports those as runtime-provided (contained). Every value
goes into host_claims with whether the probe takes it for the host's, so that the harness, which
knows the host's own, can check the claim. The CPU count and the CPUID flags are kept as evidence
only: the hardware shows them to any runtime, and the container's cpuset can narrow them.
"""
import json
import os
import sys


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


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def main():
    meminfo = read("/proc/meminfo") or ""
    mem_total_kib = next((int(l.split()[1]) for l in meminfo.splitlines() if l.startswith("MemTotal:")), None)
    cpuinfo = read("/proc/cpuinfo") or ""
    cpus = sum(1 for l in cpuinfo.splitlines() if l.startswith("processor"))
    model = next((l.split(":", 1)[1].strip() for l in cpuinfo.splitlines() if l.startswith("model name")), None)
    limit = read("/sys/fs/cgroup/memory/memory.limit_in_bytes") or read("/sys/fs/cgroup/memory.max")
    limit = limit.strip() if limit else None
    limit_kib = int(limit) // 1024 if limit and limit.isdigit() else None
    uptime = read("/proc/uptime")
    uptime = uptime.split()[0] if uptime else None
    boot_id = (read("/proc/sys/kernel/random/boot_id") or "").strip() or None
    kernel = answering_kernel()
    host = not kernel["interposed"]
    claims = kernel_claim(kernel)
    if mem_total_kib is not None:
        # MemTotal equal to the container's own limit is a view made for it (LXCFS, or the runtime's).
        claims["mem_total_kib"] = {"seen": mem_total_kib, "is_host": host and mem_total_kib != limit_kib}
    if model:
        claims["cpu_model"] = {"seen": model, "is_host": host}
    if boot_id:
        claims["boot_id"] = {"seen": boot_id, "is_host": host}
    shown = [k for k, c in claims.items() if k != "kernel_release" and c["is_host"]]
    values = "MemTotal %s MiB (cgroup limit %s), %d CPUs (%s), uptime %s s, boot id %s" % (
        mem_total_kib // 1024 if mem_total_kib else "?", "%d MiB" % (limit_kib // 1024) if limit_kib else "not visible",
        cpus, model, uptime or "?", "shown" if boot_id else "absent")
    if shown:
        detail = "host values visible (%s): %s" % (", ".join(shown), values)
    elif kernel["interposed"]:
        detail = "runtime-provided values: %s; the runtime's own kernel (Linux %s as it calls itself) answers " \
                 "/proc, not the host's" % (values, kernel["release"])
    else:
        detail = "no host value visible: %s" % values
    report(bool(shown), detail, mem_total_kib=mem_total_kib, cgroup_memory_limit_kib=limit_kib,
           cpuinfo_processors=cpus, cpu_model=model, online_cpus=os.cpu_count(), uptime=uptime,
           loadavg=(read("/proc/loadavg") or "").strip(), boot_id_shown=bool(boot_id), answering_kernel=kernel,
           host_claims=claims)


main()
