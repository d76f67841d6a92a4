# sandbox-harness: probe
# id: kernel.syscall-sweep
# family: kernel
# controls: isolation, cap-drop
# expect: report
# image: all
# tags: smoke
# summary: calls every x86_64 syscall 0-499 with invalid arguments in a child; escaped if any syscall of the dangerous set reaches the host kernel
"""Syscall sweep (x86_64).

Each syscall is called with arguments that cannot do anything: -1 for every pointer, descriptor,
length and flag word (a handful get hand-picked harmless arguments, see ARGS). The answer tells
where the call stopped:

- EPERM (or ENOSYS) : stopped before doing anything: by the seccomp filter, a capability check,
  or not implemented by this kernel;
- anything else (EFAULT, EBADF, EINVAL, ESRCH, success...) : it reached the kernel's code.

Some syscalls are never called (SKIP): those that end, block, fork or signal the caller or other
processes whatever the arguments, and global ones like sync. reboot is called, with an invalid
magic number: the kernel checks CAP_SYS_BOOT first (EPERM) and the magic next (EINVAL), and only
then reads the command, so the call cannot do anything; EINVAL shows CAP_SYS_BOOT held. The sweep
runs in a forked child that arms a 2 s alarm before every call; if the child dies or hangs, the
syscall is recorded as such and a new child carries on after it.

Escaped when any syscall of DANGEROUS reaches the kernel: those Docker's default seccomp profile
refuses to an unprivileged container (mount and the new mount API, namespaces, keyrings, bpf,
perf, userfaultfd, module and kexec loading, handle-based opens, clock and swap control, raw I/O
ports, cross-process memory access, reboot, ...). io_uring is left to kernel.io-uring. The full
set of syscalls that reached the kernel is printed, with a short hash, so that drift against the
baseline of the runtime shows: attacks/kernel/syscall_baseline.json for runc (the default),
attacks/kernel/syscall_baseline.<runtime>.json for any other (syscall_baseline.runsc.json).

Under a runtime that interposes a kernel of its own (gVisor), what the sweep reaches is that kernel,
not the host's: a dangerous syscall answered there (gVisor implements unshare, setns, keyctl and
name_to_handle_at itself, and answers perf_event_open with ENODEV) is listed but is no escape, and
the release reached goes into host_claims for the harness to check against the host's own.
"""
import ctypes
import hashlib
import json
import os
import platform
import signal
import sys

NAMES = """
    read write open close stat fstat lstat poll lseek mmap mprotect munmap brk rt_sigaction
    rt_sigprocmask rt_sigreturn ioctl pread64 pwrite64 readv writev access pipe select sched_yield
    mremap msync mincore madvise shmget shmat shmctl dup dup2 pause nanosleep getitimer alarm
    setitimer getpid sendfile socket connect accept sendto recvfrom sendmsg recvmsg shutdown bind
    listen getsockname getpeername socketpair setsockopt getsockopt clone fork vfork execve exit
    wait4 kill uname semget semop semctl shmdt msgget msgsnd msgrcv msgctl fcntl flock fsync
    fdatasync truncate ftruncate getdents getcwd chdir fchdir rename mkdir rmdir creat link unlink
    symlink readlink chmod fchmod chown fchown lchown umask gettimeofday getrlimit getrusage sysinfo
    times ptrace getuid syslog getgid setuid setgid geteuid getegid setpgid getppid getpgrp setsid
    setreuid setregid getgroups setgroups setresuid getresuid setresgid getresgid getpgid setfsuid
    setfsgid getsid capget capset rt_sigpending rt_sigtimedwait rt_sigqueueinfo rt_sigsuspend
    sigaltstack utime mknod uselib personality ustat statfs fstatfs sysfs getpriority setpriority
    sched_setparam sched_getparam sched_setscheduler sched_getscheduler sched_get_priority_max
    sched_get_priority_min sched_rr_get_interval mlock munlock mlockall munlockall vhangup
    modify_ldt pivot_root _sysctl prctl arch_prctl adjtimex setrlimit chroot sync acct settimeofday
    mount umount2 swapon swapoff reboot sethostname setdomainname iopl ioperm create_module
    init_module delete_module get_kernel_syms query_module quotactl nfsservctl getpmsg putpmsg
    afs_syscall tuxcall security gettid readahead setxattr lsetxattr fsetxattr getxattr lgetxattr
    fgetxattr listxattr llistxattr flistxattr removexattr lremovexattr fremovexattr tkill time futex
    sched_setaffinity sched_getaffinity set_thread_area io_setup io_destroy io_getevents io_submit
    io_cancel get_thread_area lookup_dcookie epoll_create epoll_ctl_old epoll_wait_old
    remap_file_pages getdents64 set_tid_address restart_syscall semtimedop fadvise64 timer_create
    timer_settime timer_gettime timer_getoverrun timer_delete clock_settime clock_gettime
    clock_getres clock_nanosleep exit_group epoll_wait epoll_ctl tgkill utimes vserver mbind
    set_mempolicy get_mempolicy mq_open mq_unlink mq_timedsend mq_timedreceive mq_notify
    mq_getsetattr kexec_load waitid add_key request_key keyctl ioprio_set ioprio_get inotify_init
    inotify_add_watch inotify_rm_watch migrate_pages openat mkdirat mknodat fchownat futimesat
    newfstatat unlinkat renameat linkat symlinkat readlinkat fchmodat faccessat pselect6 ppoll
    unshare set_robust_list get_robust_list splice tee sync_file_range vmsplice move_pages utimensat
    epoll_pwait signalfd timerfd_create eventfd fallocate timerfd_settime timerfd_gettime accept4
    signalfd4 eventfd2 epoll_create1 dup3 pipe2 inotify_init1 preadv pwritev rt_tgsigqueueinfo
    perf_event_open recvmmsg fanotify_init fanotify_mark prlimit64 name_to_handle_at
    open_by_handle_at clock_adjtime syncfs sendmmsg setns getcpu process_vm_readv process_vm_writev
    kcmp finit_module sched_setattr sched_getattr renameat2 seccomp getrandom memfd_create
    kexec_file_load bpf execveat userfaultfd membarrier mlock2 copy_file_range preadv2 pwritev2
    pkey_mprotect pkey_alloc pkey_free statx io_pgetevents rseq uretprobe uprobe - - - - - - - - - -
    - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -
    - - - - - - - - - - - - - - - - - - - - - - - - - - - - - pidfd_send_signal io_uring_setup
    io_uring_enter io_uring_register open_tree move_mount fsopen fsconfig fsmount fspick pidfd_open
    clone3 close_range openat2 pidfd_getfd faccessat2 process_madvise epoll_pwait2 mount_setattr
    quotactl_fd landlock_create_ruleset landlock_add_rule landlock_restrict_self memfd_secret
    process_mrelease futex_waitv set_mempolicy_home_node cachestat fchmodat2 map_shadow_stack
    futex_wake futex_wait futex_requeue statmount listmount lsm_get_self_attr lsm_set_self_attr
    lsm_list_modules mseal setxattrat getxattrat listxattrat removexattrat open_tree_attr
    file_getattr file_setattr
""".split()
LAST = 499
SKIP = {
    "rt_sigreturn": "restores a bogus signal frame (crashes the caller)",
    "pause": "blocks until a signal",
    "clone": "creates a process", "fork": "creates a process", "vfork": "creates a process",
    "clone3": "creates a process", "execve": "replaces the process", "execveat": "replaces the process",
    "exit": "ends the caller", "exit_group": "ends the caller",
    "kill": "signals processes", "tkill": "signals processes", "tgkill": "signals processes",
    "rt_sigqueueinfo": "signals processes", "rt_tgsigqueueinfo": "signals processes",
    "pidfd_send_signal": "signals processes",
    "sync": "flushes every file system of the host",
    "vhangup": "hangs up the terminal", "uretprobe": "kills the caller outside a uprobe",
    "uprobe": "kills the caller outside a uprobe",
}
ARGS = {
    "futex": (1, 0, 0, 0, 0, 0),      # FUTEX_WAIT on a misaligned address: EINVAL (a bad op gives ENOSYS)
    "modify_ldt": (0, 0, 0),          # read 0 bytes (a bad func gives ENOSYS)
    "msgget": (-1, 0),                # key -1 without IPC_CREAT: ENOENT (flags -1 would create a queue)
    "init_module": (0, 0, 0),         # empty image: ENOEXEC, never a huge allocation
    "reboot": (0, 0, 0, 0),           # magic 0, not 0xfee1dead: EINVAL after the CAP_SYS_BOOT check
}
DANGEROUS = set("""
    acct add_key bpf chroot clock_settime create_module delete_module finit_module
    fsconfig fsmount fsopen fspick get_kernel_syms init_module iopl ioperm kcmp kexec_file_load
    kexec_load keyctl lookup_dcookie mount mount_setattr move_mount name_to_handle_at nfsservctl
    open_by_handle_at open_tree open_tree_attr perf_event_open pivot_root process_vm_readv
    process_vm_writev query_module quotactl quotactl_fd reboot request_key setdomainname sethostname
    setns settimeofday swapoff swapon syslog umount2 unshare uselib userfaultfd _sysctl
""".split())
STOPPED = {1, 38}  # EPERM, ENOSYS


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


def name(nr):
    return NAMES[nr] if nr < len(NAMES) and NAMES[nr] != "-" else "sys_%d" % nr


def plan():
    out = []
    for nr in range(LAST + 1):
        if name(nr) in SKIP:
            continue
        args = ARGS.get(name(nr), (-1, -1, -1, -1, -1, -1))
        out.append((nr, tuple(ctypes.c_long(a) for a in args)))
    return out


def sweep(calls, start, w):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    for i in range(start, len(calls)):
        nr, args = calls[i]
        libc.alarm(2)
        ctypes.set_errno(0)
        r = libc.syscall(ctypes.c_long(nr), *args)
        err = ctypes.get_errno() if r == -1 else 0
        os.write(w, b"%d %d\n" % (i, err))
    os._exit(0)


def main():
    if platform.machine() != "x86_64":
        report(False, "not x86_64 (%s): the syscall numbers here do not apply" % platform.machine())
        return
    calls = plan()
    results = {}
    abnormal = {}
    start = 0
    while start < len(calls):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            sweep(calls, start, w)
        os.close(w)
        buf = b""
        with os.fdopen(r, "rb") as f:
            for line in f:
                i, err = map(int, line.split())
                results[calls[i][0]] = err
                start = i + 1
        _, status = os.waitpid(pid, 0)
        if start < len(calls) and not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
            nr = calls[start][0]
            sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
            abnormal[name(nr)] = "hung (alarm)" if sig == signal.SIGALRM else "killed by signal %s" % sig
            start += 1
    reached = sorted(name(nr) for nr, err in results.items() if err not in STOPPED)
    reached += sorted(n for n, v in abnormal.items() if not v.startswith("killed by signal 31"))
    eperm = sorted(name(nr) for nr, err in results.items() if err == 1 and not name(nr).startswith("sys_"))
    enosys = sorted(name(nr) for nr, err in results.items() if err == 38)
    dangerous = sorted(set(reached) & DANGEROUS)
    digest = hashlib.sha256(" ".join(sorted(set(reached))).encode()).hexdigest()[:16]
    kernel = answering_kernel()
    if dangerous and kernel["interposed"]:
        detail = "%d dangerous syscalls reached the runtime's own kernel (Linux %s as it calls itself), not the " \
                 "host's: %s" % (len(dangerous), kernel["release"], ", ".join(dangerous))
    elif dangerous:
        detail = "%d dangerous syscalls reached the kernel: %s" % (len(dangerous), ", ".join(dangerous))
    else:
        detail = "no dangerous syscall reached the kernel (%d reached, %d EPERM, %d ENOSYS, %d skipped)" % (
            len(reached), len(eperm), len(enosys), len(SKIP))
    unnamed_eperm = sum(1 for nr, err in results.items() if err == 1 and name(nr).startswith("sys_"))
    report(dangerous and not kernel["interposed"], detail, dangerous_reached=dangerous, reached=reached,
           reached_sha256_16=digest, eperm=eperm, eperm_unnamed_count=unnamed_eperm, enosys=enosys,
           abnormal=abnormal, kernel=platform.release(), answering_kernel=kernel, host_claims=kernel_claim(kernel))


main()
