"""Static pre-check of an untrusted Python script: control 10 of sandbox/README.md.

Usage: ast_check.py [--prefix TEXT] SCRIPT
       ast_check.py [--prefix TEXT] --serve   (length-prefixed scripts on stdin; see serve())

Parses SCRIPT (without running it) and rejects a documented set of dangerous patterns: blocked
modules, process-spawning os functions, eval/exec/compile/__import__ and friends, and the attribute
walks used to climb out of a restricted namespace (__subclasses__, __globals__, frames ...).

Exit status: 0 accepted; 1 rejected (one line per finding on stderr,
`PREFIX FILE:LINE:COL: RULE: message`); 2 usage or I/O error.

This check is defence in depth and deliberately bypassable (it cannot see code that is built at run
time, and Python offers many roads to the same place). The container controls must contain every
script on their own; sandbox/README.md lists the known bypasses.

Start-up cost matters (it runs before every launch): it imports only the built-in `_ast` and `sys`;
the `ast` module alone costs more than the whole check. Run it as `python3 -I -S ast_check.py`.
"""

import sys
import _ast

MAX_FINDINGS = 20

# Modules whose import is rejected (the name or any submodule of it), with the reason shown.
BLOCKED_MODULES = {
    "subprocess": "runs commands",
    "_posixsubprocess": "runs commands",
    "multiprocessing": "spawns processes",
    "asyncio": "spawns processes and opens sockets",
    "pty": "spawns processes on a terminal",
    "socket": "opens network sockets",
    "_socket": "opens network sockets",
    "socketserver": "opens network sockets",
    "ssl": "opens network sockets",
    "http": "network client and server",
    "urllib": "network client",
    "ftplib": "network client",
    "smtplib": "network client",
    "poplib": "network client",
    "imaplib": "network client",
    "nntplib": "network client",
    "telnetlib": "network client",
    "xmlrpc": "network client and server",
    "webbrowser": "runs commands",
    "ctypes": "calls arbitrary native code",
    "_ctypes": "calls arbitrary native code",
    "cffi": "calls arbitrary native code",
    "mmap": "maps raw memory",
    "importlib": "imports by computed name",
    "imp": "imports by computed name",
    "zipimport": "imports code from archives",
    "runpy": "runs code by computed name",
    "builtins": "reaches the unrestricted builtins",
    "code": "compiles and runs strings",
    "codeop": "compiles strings",
    "pickle": "unpickling calls arbitrary functions",
    "_pickle": "unpickling calls arbitrary functions",
    "shelve": "unpickling calls arbitrary functions",
    "marshal": "loads code objects",
    "gc": "walks every live object",
    "inspect": "walks frames and globals",
    "pdb": "debugger: runs arbitrary code",
    "bdb": "debugger: runs arbitrary code",
    "posix": "raw os functions (exec, fork, system)",
    "nt": "raw os functions",
}

# os (and posix) functions that start or replace processes. Except `system`, which other modules
# also define harmlessly (platform.system), they are rejected on any object: `anything.execv`.
OS_FUNCTIONS = frozenset(
    "system popen fork forkpty execl execle execlp execlpe execv execve execvp execvpe "
    "spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe posix_spawn posix_spawnp "
    "startfile".split()
)
OS_MODULES = frozenset(("os", "posix"))

# Built-in names rejected wherever they appear (call or reference).
BLOCKED_BUILTINS = {
    "eval": "evaluates a string as code",
    "exec": "executes a string as code",
    "compile": "compiles a string to code",
    "__import__": "imports by computed name",
    "breakpoint": "starts a debugger",
    "globals": "exposes the module namespace and __builtins__",
    "locals": "exposes the frame namespace",
    "help": "starts pydoc, which can run a pager",
    "__builtins__": "reaches the unrestricted builtins",
    "__loader__": "reaches the import machinery",
    "__spec__": "reaches the import machinery",
}

# Attributes used to walk from any object to builtins, globals, frames or code objects. They are
# rejected as attribute accesses and as string constants (getattr(x, "__globals__"), d["__builtins__"]).
INTROSPECTION_ATTRS = frozenset(
    "__bases__ __base__ __mro__ __subclasses__ __globals__ __builtins__ __code__ __closure__ "
    "__func__ __self__ __getattribute__ __reduce__ __reduce_ex__ __import__ __loader__ __spec__ "
    "__defaults__ __kwdefaults__ __objclass__ __wrapped__ __subclasshook__ __init_subclass__ "
    "mro f_globals f_locals f_builtins f_back f_code gi_frame gi_code cr_frame cr_code ag_frame "
    "ag_code tb_frame co_code _getframe _current_frames".split()
)

GETATTR_FAMILY = frozenset(("getattr", "setattr", "delattr", "hasattr"))


class Checker:
    def __init__(self):
        self.findings = []  # (line, col, rule, message)
        self.os_aliases = set(OS_MODULES)

    def add(self, node, rule, message):
        self.findings.append((node.lineno, node.col_offset + 1, rule, message))

    def check_module_name(self, node, name):
        top = name.split(".", 1)[0]
        if top in BLOCKED_MODULES:
            self.add(node, "blocked-module", f"import of '{name}' ({BLOCKED_MODULES[top]})")
            return False
        return True

    def visit_Import(self, node):
        for alias in node.names:
            if self.check_module_name(node, alias.name) and alias.name in OS_MODULES:
                self.os_aliases.add(alias.asname or alias.name)

    def visit_ImportFrom(self, node):
        module = node.module or ""
        if node.level or not self.check_module_name(node, module):
            return
        for alias in node.names:
            if module in OS_MODULES and (alias.name == "*" or alias.name in OS_FUNCTIONS):
                what = "star import" if alias.name == "*" else f"import of '{alias.name}'"
                self.add(node, "blocked-function", f"{what} from '{module}' (starts processes)")
            elif module == "sys" and alias.name in INTROSPECTION_ATTRS:
                self.add(node, "introspection", f"import of 'sys.{alias.name}' (walks frames)")
            elif "." not in module:
                self.check_module_name(node, f"{module}.{alias.name}")

    def visit_Attribute(self, node):
        attr = node.attr
        if attr in INTROSPECTION_ATTRS:
            self.add(node, "introspection", f"access to attribute '{attr}'")
        elif attr in OS_FUNCTIONS:
            base = node.value
            if attr != "system" or (type(base) is _ast.Name and base.id in self.os_aliases):
                self.add(node, "blocked-function", f"use of '{attr}' (starts processes)")

    def visit_Name(self, node):
        reason = BLOCKED_BUILTINS.get(node.id)
        if reason is not None:
            self.add(node, "blocked-builtin", f"use of '{node.id}' ({reason})")

    def visit_Call(self, node):
        func = node.func
        if type(func) is _ast.Name and func.id in GETATTR_FAMILY and len(node.args) >= 2:
            target, name = node.args[0], node.args[1]
            if (type(name) is _ast.Constant and name.value in OS_FUNCTIONS
                    and type(target) is _ast.Name and target.id in self.os_aliases):
                self.add(node, "blocked-function", f"{func.id}() of '{name.value}' (starts processes)")

    def visit_Constant(self, node):
        value = node.value
        if type(value) is str and value in INTROSPECTION_ATTRS and value.startswith("__"):
            self.add(node, "introspection", f"string constant '{value}' (names an introspection attribute)")

    def run(self, tree):
        handlers = {
            _ast.Import: self.visit_Import,
            _ast.ImportFrom: self.visit_ImportFrom,
            _ast.Attribute: self.visit_Attribute,
            _ast.Name: self.visit_Name,
            _ast.Call: self.visit_Call,
            _ast.Constant: self.visit_Constant,
        }
        # Depth-first in source order, so that `import os as o` is seen before `o.system`.
        AST, list_ = _ast.AST, list
        stack = [tree]
        pop, extend = stack.pop, stack.extend
        while stack:
            node = pop()
            handler = handlers.get(type(node))
            if handler is not None:
                handler(node)
            children = []
            for field in node._fields:
                child = getattr(node, field, None)
                if type(child) is list_:
                    children.extend(item for item in child if isinstance(item, AST))
                elif isinstance(child, AST):
                    children.append(child)
            children.reverse()
            extend(children)


def check(source, path, prefix=""):
    """(0, "") when accepted; (1, the findings as stderr lines) when rejected."""
    findings = []
    try:
        tree = compile(source, path, "exec", _ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as e:
        findings.append((e.lineno or 1, e.offset or 1, "syntax-error", e.msg))
    except ValueError as e:  # null bytes (Python 3.11)
        line = source.count(b"\n", 0, max(source.find(b"\0"), 0)) + 1
        findings.append((line, 1, "syntax-error", str(e)))
    else:
        checker = Checker()
        checker.run(tree)
        findings = checker.findings

    if not findings:
        return 0, ""
    findings = sorted(set(findings))
    out = [f"{prefix}ast check rejected {path}: {len(findings)} finding(s); "
           "policy in sandbox/README.md, SANDBOX_AST_CHECK=0 disables the check\n"]
    for line, col, rule, message in findings[:MAX_FINDINGS]:
        out.append(f"{prefix}{path}:{line}:{col}: {rule}: {message}\n")
    if len(findings) > MAX_FINDINGS:
        out.append(f"{prefix}... and {len(findings) - MAX_FINDINGS} more\n")
    return 1, "".join(out)


def read_exact(stream, n):
    data = stream.read(n)
    if len(data) != n:
        raise EOFError
    return data


def serve(prefix):
    """A long-lived checker (sandbox/pool/ast_checker.h): one CPython for every script. Requests
    on stdin, `<name_len> <script_len>\n` then the name (the path shown in messages) and the
    script; each answered on stdout with `<status> <text_len>\n<text>` (status 0 or 1, text the
    findings as check() gives them). Ends at EOF. Started as root, it first becomes nobody: it
    parses untrusted code and needs no privilege."""
    import os  # noqa: PLC0415 (only this mode needs it)
    if os.getuid() == 0:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header = stdin.readline(64)
        if not header:
            return 0
        try:
            name_len, script_len = (int(f) for f in header.split())
            name = read_exact(stdin, name_len).decode("utf-8", "surrogateescape")
            source = read_exact(stdin, script_len)
        except (ValueError, EOFError):
            sys.stderr.write(f"{prefix}ast check --serve: malformed request\n")
            return 2
        status, text = check(source, name, prefix)
        data = text.encode("utf-8", "surrogateescape")
        stdout.write(b"%d %d\n" % (status, len(data)) + data)
        stdout.flush()


def main(argv):
    prefix = ""
    args = argv[1:]
    if len(args) >= 2 and args[0] == "--prefix":
        prefix, args = args[1], args[2:]
    if args == ["--serve"]:
        return serve(prefix)
    if len(args) != 1:
        sys.stderr.write(f"{prefix}usage: ast_check.py [--prefix TEXT] SCRIPT | --serve\n")
        return 2
    path = args[0]
    try:
        with open(path, "rb") as f:
            source = f.read()
    except OSError as e:
        sys.stderr.write(f"{prefix}ast check cannot read {path}: {e.strerror}\n")
        return 2
    status, text = check(source, path, prefix)
    sys.stderr.write(text)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
