"""PID 1 of a warm slot (sandbox/pool/, sandbox/README.md "Warm slots"): waits for ONE script on
stdin, then becomes the same deadline keeper as a cold launch.

Usage (the launcher's `--slot` mode passes it as `python3 -I -S -c SOURCE`):
    slot_init DEADLINE IDLE_SECONDS MAX_SCRIPT_BYTES

1. Prints `SANDBOX-SLOT-READY` on stdout: the container runs and waits; no untrusted code yet.
2. Reads one request from stdin within IDLE_SECONDS (else exits 125: an idle slot ends itself):
   `SBX1 <script_len> <name_len> <flags_len> <nargs> <arg_len>...\n`, then the name, flags and
   argument bytes, then the script (at most MAX_SCRIPT_BYTES). The name and flags are the pool's
   business and are skipped here.
3. Starts `timeout --signal=KILL DEADLINE python3 -I -B - ARGS...` with a pipe as stdin and
   writes the script into it: the deadline counts from here (the hand-over), the script is never
   a file (no host path, nothing in /tmp), and the script's own stdin is that pipe at EOF, as the
   cold launch's is empty. PID 1 stays, not dumpable, as a second deadline keeper (DEADLINE + 1 s).
4. When timeout ends, writes `\0SANDBOX-SLOT-EXIT:<token>:<status>\n` on stderr and stdout (the
   token is the request's flags field: the pool's secret for this run) and exits with that status
   (the script's own, or 128+N for signal N), which the pool then has at once.

Exit 125 with a `sandbox-slot:` line on stderr on any malformed or over-cap request. Kept to `os`
and `sys` and run with -S: the slot's start-up is off the latency path, but costs CPU.
"""

import os
import signal
import sys

READY = b"SANDBOX-SLOT-READY\n"
MAX_HEADER = 8192
MAX_ARG_BYTES = 1 << 16


def die(message):
    os.write(2, b"sandbox-slot: " + message.encode() + b"\n")
    os._exit(125)


def read_exact(n):
    chunks, left = [], n
    while left:
        chunk = os.read(0, min(left, 1 << 16))
        if not chunk:
            die(f"stdin closed after {n - left} of {n} bytes")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_header():
    line = b""
    while not line.endswith(b"\n"):  # byte by byte: nothing after the header is consumed
        if len(line) >= MAX_HEADER:
            die("request header too long")
        c = os.read(0, 1)
        if not c:
            if not line:
                os._exit(0)  # the pool closed the slot without a script: nothing to do
            die("stdin closed inside the request header")
        line += c
    return line[:-1].split(b" ")


def main(argv):
    deadline, idle, cap = argv[1], float(argv[2]), int(argv[3])
    # Not dumpable from here on: the script runs under the same uid, and must not read this
    # process's memory (the exit token below) through ptrace or /proc/1/mem.
    import ctypes  # noqa: PLC0415
    ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Python's default handler would let the script end PID 1
    signal.signal(signal.SIGALRM, lambda *_: die(f"no script within the idle limit of {idle:g} s"))
    os.write(1, READY)
    signal.setitimer(signal.ITIMER_REAL, idle)
    fields = read_header()
    try:
        if fields[0] != b"SBX1":
            raise ValueError
        script_len, name_len, flags_len, nargs = (int(f) for f in fields[1:5])
        arg_lens = [int(f) for f in fields[5:]]
    except (ValueError, IndexError):
        die("malformed request header")
    if len(arg_lens) != nargs or min([script_len, name_len, flags_len, *arg_lens]) < 0:
        die("malformed request header")
    if script_len > cap:
        die(f"script of {script_len} bytes is over the cap of {cap} bytes")
    if name_len + flags_len + sum(arg_lens) > MAX_ARG_BYTES:
        die("name, flags and arguments over 64 KiB")
    read_exact(name_len)
    token = read_exact(flags_len)  # the pool puts the run's exit token where a client puts flags
    args = [os.fsdecode(read_exact(n)) for n in arg_lens]
    script = read_exact(script_len)
    signal.setitimer(signal.ITIMER_REAL, 0)

    r, w = os.pipe()
    child = os.fork()
    if child == 0:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        os.close(w)
        os.dup2(r, 0)
        os.close(r)
        os.execvp("timeout", ["timeout", "--signal=KILL", deadline, "python3", "-I", "-B", "-", *args])
    os.close(r)
    # The second deadline keeper, for when the script stops timeout (same uid): this process ends
    # the container a second after timeout's own deadline.
    signal.signal(signal.SIGALRM, lambda *_: os._exit(137))
    if float(deadline) > 0:
        signal.setitimer(signal.ITIMER_REAL, float(deadline) + 1)
    try:
        view = memoryview(script)
        while view:
            view = view[os.write(w, view):]
    except OSError:
        pass  # Python ended before reading it all: its status says what happened
    os.close(w)
    while True:
        try:
            _, wait_status = os.waitpid(child, 0)
            break
        except ChildProcessError:
            os._exit(125)
    status = os.waitstatus_to_exitcode(wait_status)
    status = 128 - status if status < 0 else status
    # The exit token: secret to the script, so that the pool can take this line for the status
    # at once, without waiting ~40 ms for the engine to report the container's exit.
    if token:
        trailer = b"\0SANDBOX-SLOT-EXIT:" + token + b":%d\n" % status
        os.write(2, trailer)
        os.write(1, trailer)
    os._exit(status)


main(sys.argv)
