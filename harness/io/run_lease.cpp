#include "io/run_lease.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "util/text.h"

namespace sh {

namespace fs = std::filesystem;

RunLease::RunLease(fs::path dir, const std::string& run_id, const std::map<std::string, std::string>& labels) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    const fs::path path = dir / run_id;
    const fs::path partial = dir / ("." + run_id + ".partial");
    {
        std::ofstream out(partial);
        for (const auto& [k, v] : labels) out << k << '=' << v << '\n';
        if (!out.flush()) {
            problem_ = "cannot write the run's lease in " + dir.string() + " (needs root)";
            fs::remove(partial, ec);
            return;
        }
    }
    fs::rename(partial, path, ec);  // a reader sees the whole lease or none
    if (ec) {
        problem_ = "cannot write the run's lease " + path.string() + ": " + ec.message();
        fs::remove(partial, ec);
        return;
    }
    path_ = path;
}

RunLease::~RunLease() {
    std::error_code ec;
    if (!path_.empty()) fs::remove(path_, ec);
}

std::vector<LeaseOnFile> read_run_leases(const fs::path& dir) {
    std::vector<LeaseOnFile> out;
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with(".") || !entry.is_regular_file(ec)) continue;
        LeaseOnFile lease;
        lease.run_id = name;
        std::ifstream in(entry.path());
        std::string line;
        while (std::getline(in, line))
            if (const auto eq = line.find('='); eq != std::string::npos && eq > 0)
                lease.labels[line.substr(0, eq)] = line.substr(eq + 1);
        const auto written = fs::last_write_time(entry.path(), ec);
        if (!ec) lease.age_s = std::chrono::duration<double>(now - written).count();
        if (!lease.labels.empty()) out.push_back(std::move(lease));
    }
    return out;
}

void remove_run_lease(const fs::path& dir, const std::string& run_id) {
    std::error_code ec;
    fs::remove(dir / run_id, ec);
}

}  // namespace sh
