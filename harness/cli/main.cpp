// sandbox-harness: benchmark and chaos-test harness for the hardened Python sandbox.
// main reads as the pipeline's entry: register the commands, parse, run the chosen one, and map
// every failure to exit 2 (the one fatal error type, util/error.h).

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "util/error.h"
#include "util/escape.h"

int main(int argc, char** argv) {
    CLI::App app;
    sh::set_command_line(argc, argv);
    const std::vector<sh::Command> commands = sh::add_commands(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // CLI11 checks required options before unknown ones; an unknown flag is the better
        // diagnosis (`run --bogus` should not answer "--out is required"), so name it first.
        const std::vector<std::string> unknown = app.remaining(true);
        if (e.get_exit_code() != 0 && !unknown.empty()) {
            fmt::print(stderr, "sandbox-harness: error: unknown argument(s): {}\n"
                               "Run with --help for the options of each command.\n",
                       sh::sanitize_utf8(fmt::format("{}", fmt::join(unknown, " "))));
            return 2;
        }
        const int rc = app.exit(e);  // prints help, or the error with a hint
        return rc == 0 ? 0 : 2;
    }
    try {
        for (const auto& c : commands)
            if (c.app->parsed()) return c.run();
        return 2;  // unreachable: require_subcommand(1)
    } catch (const sh::Error& e) {
        fmt::print(stderr, "sandbox-harness: error: {}\n", sh::sanitize_utf8(e.what()));
    } catch (const std::exception& e) {
        // A library's own exception (nlohmann, std::filesystem, bad_alloc) is a harness error too.
        fmt::print(stderr, "sandbox-harness: error: {}\n", sh::sanitize_utf8(e.what()));
    }
    return 2;
}
