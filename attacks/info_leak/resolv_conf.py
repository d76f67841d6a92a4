# sandbox-harness: probe
# id: info.resolv-conf
# family: info-leak
# controls: network
# expect: report
# image: all
# self-test: --self-test
# summary: reads /etc/resolv.conf; escaped if a nameserver is an address outside the container (the host's resolver) or a search domain is named (the host's)
"""The host's resolver in /etc/resolv.conf.

Without a `--dns` flag Docker writes the host's nameservers into the container's /etc/resolv.conf,
even under `--network none`, where no resolver can be reached: the script learns an address of the
host's network (often an internal or a VPN's resolver), and the host's search domains (internal
domain names, a cloud region). Whenever the network is `none` the launcher passes
`--dns 0.0.0.0 --dns-search .`, so the file names only the unspecified address, which on Linux
means the container's own (empty) loopback, and no search domain. A nameserver that is neither a
loopback nor the unspecified address, or any search domain, is the escape: Docker writes nothing
there but what it copied from the host.

`--self-test` points the very same check at a stand-in resolv.conf it writes in /tmp, naming
192.0.2.53 (an address reserved for documentation) and the search domain corp.example, and must
report escaped. Only files are read;
no query is sent.
"""
import ipaddress
import json
import os
import sys

PATH = "/etc/resolv.conf"


def report(escaped, detail, **evidence):
    line = {"escaped": bool(escaped), "detail": detail}
    line.update(evidence)
    sys.stdout.write("SANDBOX-PROBE " + json.dumps(line, sort_keys=True) + "\n")
    sys.stdout.flush()


def parse(path):
    nameservers, search, options = [], [], []
    with open(path) as f:
        for line in f:
            words = line.split()
            if not words or words[0].startswith(("#", ";")):
                continue
            if words[0] == "nameserver" and len(words) > 1:
                nameservers.append(words[1])
            elif words[0] in ("search", "domain"):
                search.extend(words[1:])
            elif words[0] == "options":
                options.extend(words[1:])
    return nameservers, search, options


def outside(address):
    """True when the nameserver is an address beyond the container's own loopback."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return True  # not an address the resolver understands as local: count it
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return not (ip.is_loopback or ip.is_unspecified)


def check(path, **extra):
    nameservers, search, options = parse(path)
    foreign = [n for n in nameservers if outside(n)]
    evidence = dict(path=path, nameservers=nameservers, search_domains=search, options=options, **extra)
    if foreign or search:
        seen = (["resolver " + n for n in foreign] + ["search domain " + d for d in search])
        report(True, "%s names the host's %s" % (path, ", ".join(seen)), foreign_nameservers=foreign, **evidence)
    elif nameservers:
        report(False, "%s names only local addresses and no search domain: %s" % (path, ", ".join(nameservers)),
               **evidence)
    else:
        report(False, "%s names no nameserver and no search domain" % path, **evidence)


def main():
    if sys.argv[1:] == ["--self-test"]:
        fake = "/tmp/.resolv.conf-self-test"
        with open(fake, "w") as f:
            f.write("# stand-in for a resolv.conf copied from the host\nsearch corp.example\n"
                    "nameserver 192.0.2.53\n")
        try:
            check(fake, self_test=True)
        finally:
            os.unlink(fake)
        return
    check(PATH)


main()
