#!/usr/bin/env bash
# The AST policy of sandbox/README.md, rule by rule (no Docker needed): benign code that the
# workloads use is accepted, each blocked pattern is rejected naming FILE:LINE:COL and its rule, and
# exit statuses are 0 accepted, 1 rejected, 2 unreadable file. Table: expected rule (or "ok") | code.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

check=("/usr/bin/python3" -I -S "$SANDBOX_DIR/ast_check.py")

cases=(
  "ok|import os, sys, json, time, tempfile, math, re, random, collections, itertools, functools"
  "ok|import numpy as np, pandas as pd, sympy"
  "ok|print(os.getcwd(), os.environ.get('HOME'), os.listdir('/tmp'), os.path.join('a', 'b'))"
  "ok|import platform; print(platform.system())"
  "ok|import re; pattern = re.compile('a+')"
  "ok|import signal, threading, resource"
  "ok|class A:\n    def __init__(self):\n        super().__init__()\n        print(type(self).__name__, self.__class__.__name__, self.__dict__)"
  "ok|import os\ntry:\n    os.kill(os.getpid(), 0)\nexcept OSError as e:\n    print(e.__traceback__ is not None)"
  "blocked-module|import subprocess"
  "blocked-module|from socket import socket"
  "blocked-module|import ctypes.util"
  "blocked-module|import importlib"
  "blocked-module|from builtins import open"
  "blocked-module|import pickle"
  "blocked-module|import multiprocessing.pool"
  "blocked-module|from concurrent import futures\nimport asyncio"
  "blocked-module|import posix"
  "blocked-module|from urllib import request"
  "blocked-function|import os\nos.system('id')"
  "blocked-function|import os as o\no.popen('id')"
  "blocked-function|from os import execv"
  "blocked-function|from os import *"
  "blocked-function|import os\nos.fork()"
  "blocked-function|import os\nos.spawnlp(os.P_WAIT, 'id', 'id')"
  "blocked-function|import sys\nsys.modules['os'].execvp('id', ['id'])"
  "blocked-function|import os\ngetattr(os, 'system')('id')"
  "blocked-builtin|eval('1 + 1')"
  "blocked-builtin|exec('x = 1')"
  "blocked-builtin|code = compile('1', 'f', 'eval')"
  "blocked-builtin|os = __import__('os')"
  "blocked-builtin|print(globals())"
  "blocked-builtin|breakpoint()"
  "blocked-builtin|b = __builtins__"
  "introspection|().__class__.__bases__[0].__subclasses__()"
  "introspection|def f(): pass\nprint(f.__globals__)"
  "introspection|print(print.__self__)"
  "introspection|getattr(object, '__subclasses__')()"
  "introspection|import sys\nsys._getframe().f_back"
  "introspection|from sys import _getframe"
  "introspection|print(type.mro(int))"
  "syntax-error|def broken(:\n    pass"
)

for row in "${cases[@]}"; do
  want=${row%%|*}
  code=${row#*|}
  printf '%b\n' "$code" >"$TMP/case.py"
  rc=0
  "${check[@]}" "$TMP/case.py" 2>"$TMP/err" || rc=$?
  shown=${code//\\n/; }
  if [[ $want == ok ]]; then
    [[ $rc == 0 ]] || fail "rejected benign code: $shown -> $(cat "$TMP/err")"
    ok "accepted: $shown"
  else
    [[ $rc == 1 ]] || fail "status $rc (want 1) for: $shown $(cat "$TMP/err")"
    grep -Eq "^$TMP/case.py:[0-9]+:[0-9]+: $want: " "$TMP/err" || fail "no '$want' finding for: $shown -> $(cat "$TMP/err")"
    ok "$want: $shown"
  fi
done

printf 'import subprocess\nimport socket\n' >"$TMP/two.py"
rc=0
"${check[@]}" --prefix 'run_secure_python: ' "$TMP/two.py" 2>"$TMP/err" || rc=$?
expect_eq "two findings: status" "$rc" 1
expect_eq "two findings: report" "$(cat "$TMP/err")" "run_secure_python: ast check rejected $TMP/two.py: 2 finding(s); policy in sandbox/README.md, SANDBOX_AST_CHECK=0 disables the check
run_secure_python: $TMP/two.py:1:1: blocked-module: import of 'subprocess' (runs commands)
run_secure_python: $TMP/two.py:2:1: blocked-module: import of 'socket' (opens network sockets)"

rc=0
"${check[@]}" "$TMP/absent.py" 2>"$TMP/err" || rc=$?
expect_eq "unreadable file: status" "$rc" 2
expect_contains "unreadable file: message" "$(cat "$TMP/err")" "ast check cannot read $TMP/absent.py"
