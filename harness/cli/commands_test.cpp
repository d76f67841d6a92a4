#include "cli/commands.h"

#include <gtest/gtest.h>

#include <string>

#include "util/text.h"

namespace sh {
namespace {

/// The lines of the top-level --help from "Subcommands:" on: one per command.
std::vector<std::string> command_lines(const std::string& help) {
    std::vector<std::string> lines;
    bool in_commands = false;
    for (const auto line : split_lines(help)) {
        if (line.starts_with("Subcommands:")) {
            in_commands = true;
            continue;
        }
        if (in_commands && !trim(line).empty()) lines.emplace_back(line);
    }
    return lines;
}

TEST(Commands, TopLevelHelpGivesOneShortLinePerCommand) {
    CLI::App app;
    const auto commands = add_commands(app);
    const auto lines = command_lines(app.help());
    ASSERT_EQ(lines.size(), commands.size()) << app.help();
    for (std::size_t i = 0; i < lines.size(); ++i) {
        EXPECT_LE(lines[i].size(), 100u) << lines[i];
        EXPECT_EQ(trim(lines[i]).substr(0, commands[i].app->get_name().size()), commands[i].app->get_name());
    }
}

TEST(Commands, ACommandsOwnHelpKeepsItsFullText) {
    CLI::App app;
    const auto commands = add_commands(app);
    for (const auto& c : commands) {
        if (c.app->get_name() != "chaos") continue;
        const std::string help = c.app->help();
        EXPECT_NE(help.find("Inject faults into real runs and check"), std::string::npos) << help;
        EXPECT_NE(help.find("is the negative control"), std::string::npos) << help;
        EXPECT_NE(help.find("--allow-engine-restart"), std::string::npos) << help;
        for (const auto line : split_lines(c.app->get_footer())) EXPECT_LE(line.size(), 100u) << line;
        return;
    }
    FAIL() << "no chaos command";
}

}  // namespace
}  // namespace sh
