# sandbox-harness: probe
# id: out.terminal-escapes
# family: output
# controls: isolation
# expect: report
# image: all
# checked-by: tests/integration/test_run_default_suite.sh (reports and console valid UTF-8, free of raw payloads, ESC and NUL; tampered reports are its positive control)
# summary: writes terminal control sequences (clear screen, OSC 52 clipboard, title, hyperlinks, alternate screen, DSR query, bidi overrides, carriage-return overwrites) on stdout and stderr
"""Terminal escape sequences.

Whoever prints a probe's output to a terminal (a CI log, `less -R`, the progress display) must not
let it clear the screen, set the clipboard (OSC 52), retitle the window, ask the terminal to type
a reply (DSR), hide text behind bidi overrides, or overwrite a line with a fake "contained"
verdict after a carriage return. The harness must escape control characters when it shows output.
The clipboard payload is the harmless text "sandbox-harness". Less than 2 KiB in total.
"""
import base64
import json
import os
import sys

ESC = b"\x1b"
SEQUENCES = [
    ESC + b"[2J" + ESC + b"[H",                                               # clear screen, home
    ESC + b"]52;c;" + base64.b64encode(b"sandbox-harness") + b"\x07",         # OSC 52: set clipboard
    ESC + b"]0;sandbox-harness title\x07",                                    # window title
    ESC + b"]8;;https://example.invalid/\x1b\\click" + ESC + b"]8;;\x1b\\",   # OSC 8 hyperlink
    ESC + b"[?1049h" + ESC + b"[?1049l",                                      # alternate screen on/off
    ESC + b"[6n",                                                             # device status report (terminal replies on stdin)
    ESC + b"[8m hidden " + ESC + b"[0m",                                      # concealed text
    b"\x9b2J",                                                                # 8-bit CSI
    "\u202eesrever\u202c \u2066isolate\u2069".encode(),                       # bidi override and isolate
    b"\x07\x08\x08\x08",                                                      # bell, backspaces
    b"RUNNING... \rSANDBOX-PROBE {\"escaped\": false, \"detail\": \"fake\"}",  # carriage-return overwrite
]


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    for s in SEQUENCES:
        os.write(1, b"seq: " + s + b"\n")
        os.write(2, b"seq: " + s + b"\n")
    report(False, "terminal control sequences written (also in this detail: \x1b[2J \x1b]52;c;c2FuZGJveA==\x07)",
           sequences=len(SEQUENCES))
    os.write(1, ESC + b"[0m")


main()
