// `sandbox-harness history`: the nights a history database holds (run --history, merge --history),
// and one case's verdicts and wall time over them.

#include <algorithm>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "core/history.h"
#include "io/history_db.h"
#include "util/escape.h"

namespace sh {

namespace {

std::string cell(const nlohmann::json& v) {
    if (v.is_null()) return "-";
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

void print_nights(const std::vector<Night>& nights) {
    const nlohmann::json sections = history_sections(nights);
    const auto& table = sections["history_nights"];
    std::vector<std::vector<std::string>> lines{{}};
    for (const auto& c : table["columns"]) lines[0].push_back(c.get<std::string>());
    for (const auto& row : table["rows"]) {
        lines.emplace_back();
        for (const auto& v : row) lines.back().push_back(one_line(cell(v)));
    }
    std::vector<std::size_t> width(lines[0].size(), 0);
    for (const auto& l : lines)
        for (std::size_t i = 0; i < l.size() && i < width.size(); ++i) width[i] = std::max(width[i], l[i].size());
    for (const auto& l : lines) {
        std::string out;
        for (std::size_t i = 0; i < l.size() && i < width.size(); ++i) out += fmt::format("{:<{}}  ", l[i], width[i]);
        fmt::print("{}\n", out.substr(0, out.find_last_not_of(' ') + 1));
    }
    if (sections.contains("history_unstable")) {
        fmt::print("\ncases whose verdict changed (oldest first):\n");
        for (const auto& row : sections["history_unstable"]["rows"])
            fmt::print("  {:<40} {}\n", one_line(cell(row[0])), one_line(cell(row[1])));
    } else {
        fmt::print("\nno case changed its verdict over these {} nights\n", nights.size());
    }
}

void print_case(const std::string& id, const std::vector<Night>& nights) {
    fmt::print("{}: {} nights\n", one_line(id), nights.size());
    for (const auto& n : nights)
        for (const auto& r : n.results)
            fmt::print("  {:<20} {:<22} {:<8} #{} {:<14} {}\n", one_line(n.started_at), one_line(n.run_id),
                       one_line(r.image), r.repetition, one_line(r.verdict),
                       r.wall_ms ? fmt::format("{:.1f} ms", *r.wall_ms) : "-");
}

}  // namespace

Command add_history_command(CLI::App& app) {
    auto* cmd = add_described_command(
        app, "history", "Show the nights of a history database, or one case over them",
        "Show the nights a history database holds (written by `run --history DB` and `merge --history "
        "DB`): verdict counts, the workloads' wall-time p50/p95 and the efficiency ratio per night, and "
        "the cases whose verdict changed; with --case, that case's verdict and wall time night by night.");
    struct Options {
        std::string db, case_id;
        int nights = 14;
    };
    auto o = std::make_shared<Options>();
    cmd->add_option("db", o->db, "The history database")->required()->check(CLI::ExistingFile);
    cmd->add_option("--case", o->case_id, "One case id: its verdicts and wall time over every night");
    cmd->add_option("--nights", o->nights, "How many of the latest nights")->check(CLI::Range(1, 100000))->capture_default_str();
    return {cmd, [o] {
        HistoryDb db(o->db);  // HistoryError (corrupt, newer, unreadable): exit 2 with the file named
        if (!o->case_id.empty()) {
            const auto nights = db.of_case(o->case_id);
            if (nights.empty()) {
                fmt::print(stderr, "sandbox-harness: error: {} holds no night with case {}\n", o->db,
                           one_line(o->case_id));
                return 2;
            }
            print_case(o->case_id, nights);
            return 0;
        }
        const auto nights = db.latest(static_cast<std::size_t>(o->nights));
        if (nights.empty()) {
            fmt::print("{} holds no night yet\n", o->db);
            return 0;
        }
        print_nights(nights);
        return 0;
    }};
}

}  // namespace sh
