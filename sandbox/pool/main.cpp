// sandbox-pool: the warm-slot pool manager (foreground, for systemd or any supervisor), and its
// client (--client), which run_secure_python.sh runs when a profile sets SANDBOX_POOL.
// sandbox/README.md, "Warm slots", is the reference.

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "client.h"
#include "exit_status.h"
#include "pool_server.h"

namespace {

constexpr const char* kUsage =
    "usage: sandbox-pool --socket PATH [--slots N] [--queue N] [--idle SECONDS] [--max-script-bytes N]\n"
    "                    [--sandbox-dir DIR]\n"
    "       sandbox-pool --client SOCKET [--name NAME] [--profile-flags FLAGS] -- SCRIPT [ARGS...]\n"
    "The profile is the launcher's: SANDBOX_PROFILE and SANDBOX_* variables as for run_secure_python.sh.\n";

int usage(const std::string& error) {
    std::fprintf(stderr, "sandbox-pool: %s\n%s", error.c_str(), kUsage);
    return pool::kFailure;
}

bool to_number(const std::string& s, std::size_t& out, std::size_t min, std::size_t max) {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (s.empty() || *end || s[0] == '-' || v < min || v > max) return false;
    out = v;
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> a(argv + 1, argv + argc);
    try {
        if (!a.empty() && a[0] == "--client") {
            pool::ClientRequest r;
            std::size_t i = 1;
            if (i >= a.size()) return usage("--client needs a socket path");
            r.socket = a[i++];
            for (; i < a.size() && a[i] != "--"; i += 2) {
                if (i + 1 >= a.size()) return usage(a[i] + " needs a value");
                if (a[i] == "--name") r.name = a[i + 1];
                else if (a[i] == "--profile-flags") r.profile_flags = a[i + 1];
                else return usage("unknown client option " + a[i]);
            }
            if (i + 1 >= a.size()) return usage("--client needs -- SCRIPT");
            r.script_path = a[i + 1];
            r.args.assign(a.begin() + static_cast<long>(i) + 2, a.end());
            if (r.name.empty()) r.name = r.script_path;
            return pool::run_client(r);
        }
        pool::PoolOptions o;
        o.sandbox_dir = SANDBOX_DIR;
        for (std::size_t i = 0; i < a.size(); i += 2) {
            if (a[i] == "--help" || a[i] == "-h") {
                std::fputs(kUsage, stdout);
                return 0;
            }
            if (i + 1 >= a.size()) return usage(a[i] + " needs a value");
            const std::string& v = a[i + 1];
            std::size_t n = 0;
            if (a[i] == "--socket") o.socket = v;
            else if (a[i] == "--sandbox-dir") o.sandbox_dir = v;
            else if (a[i] == "--slots" && to_number(v, n, 1, 64)) o.slots = n;
            else if (a[i] == "--queue" && to_number(v, n, 0, 100000)) o.queue = n;
            else if (a[i] == "--idle" && to_number(v, n, 1, 86400)) o.idle_seconds = static_cast<unsigned>(n);
            else if (a[i] == "--max-script-bytes" && to_number(v, n, 1, 16 << 20)) o.max_script_bytes = n;
            else return usage("bad option or value: " + a[i] + " " + v);
        }
        if (o.socket.empty() || o.socket[0] != '/') return usage("--socket needs an absolute path");
        return pool::run_pool(o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sandbox-pool: %s\n", e.what());
        return pool::kFailure;
    }
}
