#include "run/runtime_check.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/process_runner.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/files.h"
#include "util/text.h"

namespace sh {

namespace fs = std::filesystem;

namespace {

/// What the trial script prints: its run counts only when this line arrives.
constexpr const char* kToken = "sandbox-harness runtime check";
constexpr std::size_t kMaxReasonChars = 600;

std::string default_runtime() { return profile_default("SANDBOX_RUNTIME").value_or("runc"); }

std::string seconds(std::chrono::milliseconds ms) {
    return fmt::format("{:g}", static_cast<double>(ms.count()) / 1000.0);
}

/// A one-line script readable by the container's user (uid 65534), removed by the destructor.
class TrialScript {
public:
    TrialScript() {
        std::string path = (fs::temp_directory_path() / "sandbox-harness-runtime-check-XXXXXX.py").string();
        UniqueFd fd(::mkstemps(path.data(), 3));
        if (!fd)
            throw Error(fmt::format("cannot create the runtime check's script {}: {}", path, std::strerror(errno)));
        path_ = path;
        const std::string text = fmt::format("print(\"{}\")\n", kToken);
        if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
            ::fchmod(fd.get(), 0644) != 0)
            throw Error(fmt::format("cannot write the runtime check's script {}: {}", path_.string(),
                                    std::strerror(errno)));
    }
    ~TrialScript() {
        std::error_code ec;
        fs::remove(path_, ec);
    }
    TrialScript(const TrialScript&) = delete;
    TrialScript& operator=(const TrialScript&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

/// The launcher's stderr on one line: what Docker and the launcher said, without blank lines and
/// the docker CLI's "Run 'docker run --help'" (older clients: "See ...") hint.
std::string said(const LaunchResult& r) {
    std::vector<std::string> lines;
    for (std::string_view line : split_lines(r.stderr_text)) {
        line = trim(line);
        if (line.empty() || line.starts_with("Run 'docker run --help'") ||
            line.starts_with("See 'docker run --help'"))
            continue;
        lines.emplace_back(line);
    }
    return ellipsize(one_line(join(lines, "; ")), kMaxReasonChars);
}

struct Trial {
    bool ok = false;
    std::string what;  ///< on failure: what happened, on one line
    double wall_ms = 0;
};

Trial run_trial(const RuntimeCheckOptions& o, const std::string& runtime, const std::string& name,
                const fs::path& script, ProcessRunner& processes, const std::atomic<bool>* cancel) {
    ProcessRequest req;
    req.argv = {o.launcher.string(), script.string()};
    req.env_set = o.profile.values;  // every flag the cases get
    if (!o.profile.path.empty()) req.env_set["SANDBOX_PROFILE"] = o.profile.path;
    if (!o.image_ref.empty()) req.env_set["SANDBOX_IMAGE"] = o.image_ref;
    req.env_set["SANDBOX_RUNTIME"] = runtime;
    req.env_set["SANDBOX_TIMEOUT"] = seconds(o.timeout);
    req.env_set["SANDBOX_AST_CHECK"] = "0";  // the script is ours; the check is about the runtime
    req.env_set["SANDBOX_NAME"] = name;
    // Not sandbox-harness.run: the run's final cleanup (and a later run's orphan removal) must not
    // wait on a container that a hung runtime holds in "created".
    req.env_set["SANDBOX_LABELS"] = "sandbox-harness.runtime-check=" + o.run_id;
    req.env_set.erase("SANDBOX_CGROUP_PARENT");
    req.output_cap_bytes = 64 * 1024;
    req.deadline = o.deadline;
    req.grace = o.grace;

    const LaunchResult r = processes.run(req, cancel);
    Trial t;
    t.wall_ms = r.wall_ms;
    if (!r.started) {
        t.what = "the launcher could not run: " + one_line(r.start_error);
        return t;
    }
    if (r.exit_code == 0 && !r.harness_deadline_hit && r.stdout_text.find(kToken) != std::string::npos) {
        t.ok = true;
        return t;
    }
    const std::string stderr_said = said(r);
    if (r.harness_deadline_hit || r.exit_code == kLauncherTimeout) {
        t.what = fmt::format("a one-line script did not finish within {} s under runtime {} (the runtime hangs at "
                             "start, or the engine is overloaded){}; its container {} may remain while the "
                             "runtime's processes do",
                             seconds(r.harness_deadline_hit ? o.deadline : o.timeout), runtime,
                             stderr_said.empty() ? "" : ": " + stderr_said, name);
        return t;
    }
    const std::string status = r.signal ? fmt::format("killed by signal {}", *r.signal)
                                        : fmt::format("launcher exit {}", r.exit_code);
    if (!stderr_said.empty()) t.what = fmt::format("{} ({})", stderr_said, status);
    else if (r.exit_code == 0)
        t.what = fmt::format("a one-line script under runtime {} printed nothing ({})", runtime, status);
    else t.what = fmt::format("a one-line script failed under runtime {} ({})", runtime, status);
    return t;
}

}  // namespace

RuntimeCheck check_runtime(const RuntimeCheckOptions& o, ProcessRunner& processes, const std::atomic<bool>* cancel) {
    RuntimeCheck c;
    c.runtime = o.profile.effective("SANDBOX_RUNTIME");
    if (c.runtime.empty() || c.runtime == default_runtime()) {
        c.note = fmt::format("runtime {}: the engine's own, not checked",
                             c.runtime.empty() ? default_runtime() : c.runtime);
        return c;
    }
    const TrialScript script;
    const std::string name = fmt::format("sh-{}-runtime-check", o.run_id);
    const Trial trial = run_trial(o, c.runtime, name, script.path(), processes, cancel);
    c.wall_ms = trial.wall_ms;
    if (cancel && cancel->load()) {
        c.note = fmt::format("runtime {}: check interrupted", c.runtime);
        return c;
    }
    c.checked = true;
    if (trial.ok) {
        c.note = fmt::format("runtime {}: sandbox/run_secure_python.sh ran a one-line script with the profile in "
                             "{:.0f} ms (limit {} s)", c.runtime, trial.wall_ms, seconds(o.timeout));
        return c;
    }
    // Is it the runtime? The same trial under the default runtime tells.
    const Trial fallback =
        run_trial(o, default_runtime(), name + "-" + default_runtime(), script.path(), processes, cancel);
    if (cancel && cancel->load()) {
        c.checked = false;
        c.note = fmt::format("runtime {}: check interrupted", c.runtime);
        return c;
    }
    if (!fallback.ok) {
        // Not the runtime's fault: the cases run, and show the failure as errors.
        c.note = fmt::format("runtime {}: a one-line script failed ({}), and under {} too ({}): not a runtime problem, "
                             "so no case is skipped", c.runtime, trial.what, default_runtime(), fallback.what);
        return c;
    }
    c.available = false;
    c.reason = trial.what;
    c.note = fmt::format("runtime {}: sandbox/run_secure_python.sh could not run a one-line script with the profile "
                         "(limit {} s); the same script ran under {} in {:.0f} ms",
                         c.runtime, seconds(o.timeout), default_runtime(), fallback.wall_ms);
    return c;
}

void skip_unavailable_runtime(std::vector<PlanItem>& plan, const RuntimeCheck& check) {
    if (check.available) return;
    for (PlanItem& item : plan) {
        if (item.skip) continue;
        item.skip = true;
        item.skip_reason = fmt::format("runtime {} is unavailable on this host: {}", check.runtime, check.reason);
    }
}

nlohmann::json runtime_check_section(const RuntimeCheck& check) {
    nlohmann::json j = {{"title", "Container runtime check"},
                        {"note", check.note},
                        {"runtime", check.runtime},
                        {"available", check.available}};
    if (!check.reason.empty()) j["reason"] = check.reason;
    return j;
}

std::vector<PlanItem> skip_if_runtime_unavailable(std::vector<PlanItem> plan, const fs::path& launcher,
                                                  const Profile& profile, RunMeta& meta, ProcessRunner& processes,
                                                  const std::atomic<bool>& cancel) {
    if (plan.empty()) return plan;
    RuntimeCheckOptions o;
    o.launcher = launcher;
    o.profile = profile;
    o.image_ref = plan.front().image_ref;
    o.run_id = meta.run_id;
    const RuntimeCheck check = check_runtime(o, processes, &cancel);
    if (!check.checked) return plan;
    meta.extra["runtime_check"] = runtime_check_section(check);
    if (!check.available) {
        const auto skipped = std::count_if(plan.begin(), plan.end(), [](const PlanItem& i) { return !i.skip; });
        fmt::print(stderr, "sandbox-harness: runtime {} is unavailable on this host, so its {} cases are skipped: {}\n",
                   one_line(check.runtime), skipped, check.reason);
        skip_unavailable_runtime(plan, check);
    }
    return plan;
}

}  // namespace sh
