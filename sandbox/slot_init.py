"""PID 1 of a warm slot (sandbox/pool/, sandbox/README.md "Warm slots"): waits for ONE script on
stdin, then becomes the same deadline keeper as a cold launch.

Usage (the launcher's `--slot` mode passes it as `python3 -I -S -c SOURCE`):
    slot_init DEADLINE IDLE_SECONDS MAX_SCRIPT_BYTES

1. Prints `SANDBOX-SLOT-READY` on stdout: the container runs and waits; no untrusted code yet.
2. Reads one request from stdin within IDLE_SECONDS (else exits 125: an idle slot ends itself):
   `SBX1 <script_len> <name_len> <flags_len> <nargs> <arg_len>...\n`, then the name, flags and
   argument bytes, then the script (at most MAX_SCRIPT_BYTES). The name and flags are the pool's
   business and are skipped here.
3. Puts the script into a pipe, makes that pipe stdin and execs
   `timeout --signal=KILL DEADLINE python3 -I -B - ARGS...`: the deadline counts from here (the
   hand-over), the script is never a file (no host path, nothing in /tmp), and the script's own
   stdin is that pipe at EOF, as the cold launch's is empty.

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
    read_exact(name_len + flags_len)
    args = [os.fsdecode(read_exact(n)) for n in arg_lens]
    script = read_exact(script_len)
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)

    import fcntl  # noqa: PLC0415 (only this path needs it)
    r, w = os.pipe()
    try:
        fcntl.fcntl(w, 1031, max(len(script), 4096))  # F_SETPIPE_SZ: the whole script fits
    except OSError:
        pass  # over /proc/sys/fs/pipe-max-size or the uid's pipe pages: the writer below
    if len(script) <= fcntl.fcntl(w, 1032):  # F_GETPIPE_SZ
        view = memoryview(script)
        while view:
            view = view[os.write(w, view):]
    elif os.fork() == 0:  # does not fit: a child writes it and ends
        os.close(r)
        view = memoryview(script)
        while view:
            view = view[os.write(w, view):]
        os._exit(0)
    os.close(w)
    os.dup2(r, 0)
    os.close(r)
    os.execvp("timeout", ["timeout", "--signal=KILL", deadline, "python3", "-I", "-B", "-", *args])


main(sys.argv)
