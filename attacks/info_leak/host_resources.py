# sandbox-harness: probe
# id: info.host-resources
# family: info-leak
# controls: isolation
# expect: report
# image: all
# accepted-risk: 1
# summary: compares /proc/meminfo, /proc/cpuinfo, /proc/uptime and /proc/loadavg with the container's own limits; escaped (accepted risk 1) when host values show through
"""Host resources show through /proc.

/proc/meminfo, /proc/cpuinfo, /proc/stat, /proc/uptime and /proc/loadavg are not namespaced: they
describe the host (its total memory, CPU model and count, uptime, load), not the container's
cgroup limits. That is inherent to containers without something like LXCFS (Known Weakness 1),
so the probe reports it as escaped with the numbers and the verdict is accepted-risk.
"""
import json
import os
import sys


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


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
    host_memory = mem_total_kib is not None and (limit_kib is None or mem_total_kib < limit_kib or
                                                 mem_total_kib != limit_kib)
    escaped = host_memory or cpus > 0
    detail = "host values visible: MemTotal %s MiB (cgroup limit %s MiB), %d CPUs (%s), uptime %s s" % (
        mem_total_kib // 1024 if mem_total_kib else "?", limit_kib // 1024 if limit_kib else "none",
        cpus, model, uptime.split()[0] if uptime else "?")
    report(escaped, detail, mem_total_kib=mem_total_kib, cgroup_memory_limit_kib=limit_kib, cpuinfo_processors=cpus,
           cpu_model=model, online_cpus=os.cpu_count(), uptime=uptime.split()[0] if uptime else None,
           loadavg=(read("/proc/loadavg") or "").strip())


main()
