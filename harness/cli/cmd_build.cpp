// `sandbox-harness build`: builds the sandbox images through the sandbox's own build script.

#include <cerrno>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "util/error.h"
#include "cli/commands.h"

extern char** environ;

namespace sh {

namespace {

/// Runs a program attached to the terminal (its progress is the user's to see) and returns its
/// exit status (128 + signal when killed).
int run_attached(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    if (int err = posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ); err != 0)
        throw Error(fmt::format("cannot run {}: {}", argv[0], std::strerror(err)));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

Command add_build_command(CLI::App& app) {
    auto* cmd = add_described_command(
        app, "build", "Build the sandbox images",
        "Build the sandbox images (sandbox/build_secure_python.sh); an unchanged rebuild "
        "is skipped by its recipe hash.");
    auto which = std::make_shared<std::string>("all");
    auto root = std::make_shared<std::string>();
    cmd->add_option("image", *which, "base, science, canary (the test-only setuid canary) or all")
        ->check(CLI::IsMember({"base", "science", "canary", "all"}))
        ->capture_default_str();
    add_root_option(*cmd, *root);
    return {cmd, [which, root] {
        const auto script = resolve_checkout(*root).build_script();
        const int rc = run_attached({script.string(), *which});
        if (rc != 0)
            fmt::print(stderr, "sandbox-harness: error: {} {} exited with status {}\n",
                       script.string(), *which, rc);
        return rc == 0 ? 0 : 2;
    }};
}

}  // namespace sh
