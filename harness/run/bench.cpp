#include "run/bench.h"

#include <chrono>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "io/docker_client.h"
#include "io/process_runner.h"

namespace sh {

namespace fs = std::filesystem;

namespace {

std::optional<double> ms_between(std::optional<double> a, std::optional<double> b) {
    if (!a || !b) return std::nullopt;
    return (*b - *a) * 1000.0;
}

std::string new_bench_id() {
    std::random_device rd;
    return fmt::format("bench-{:08x}", rd());
}

}  // namespace

BenchSession::BenchSession(DockerEngine& docker, fs::path launcher, Profile profile)
    : docker_(docker), launcher_(std::move(launcher)), profile_(std::move(profile)), run_id_(new_bench_id()) {
    events_ = std::make_unique<EventMonitor>(docker_, run_id_);
}

BenchSession::~BenchSession() {
    try {
        cleanup();
    } catch (const std::exception&) {
    }
}

void BenchSession::cleanup() {
    for (const auto& c : docker_.list_containers("sandbox-harness.run=" + run_id_)) docker_.remove_container(c.id);
}

LaunchSample BenchSession::launch(const fs::path& script, const std::map<std::string, std::string>& overrides,
                                  const std::vector<std::string>& args) {
    const std::string name = fmt::format("sh-{}-{}", run_id_, counter_++);
    ProcessRequest req;
    req.argv = {launcher_.string(), script.string()};
    req.argv.insert(req.argv.end(), args.begin(), args.end());
    req.env_set = profile_.values;
    for (const auto& [k, v] : overrides) req.env_set[k] = v;
    if (!profile_.path.empty()) req.env_set["SANDBOX_PROFILE"] = profile_.path;
    req.env_set["SANDBOX_NAME"] = name;
    req.env_set["SANDBOX_LABELS"] = "sandbox-harness.run=" + run_id_ + " sandbox-harness.bench=1";
    double timeout = 10;
    if (auto it = req.env_set.find("SANDBOX_TIMEOUT"); it != req.env_set.end()) {
        try {
            timeout = std::stod(it->second);
        } catch (const std::exception&) {
        }
    }
    req.deadline = std::chrono::milliseconds(static_cast<long>((timeout + 30) * 1000));
    req.output_cap_bytes = 64 * 1024;

    LaunchSample s;
    s.launch = run_process(req);
    const bool reached_docker = s.launch.started && s.launch.exit_code != 125 && s.launch.exit_code != 126;
    s.timeline = events_->wait_destroyed(name, std::chrono::milliseconds(reached_docker ? 5000 : 200));
    const double spawn = s.launch.start_unix_s;
    const double exit = spawn + s.launch.wall_ms / 1000.0;
    s.client_to_create = ms_between(spawn, s.timeline.t_create);
    s.create_to_start = ms_between(s.timeline.t_create, s.timeline.t_start);
    s.start_to_die = ms_between(s.timeline.t_start, s.timeline.t_die);
    s.die_to_destroy = ms_between(s.timeline.t_die, s.timeline.t_destroy);
    s.destroy_to_exit = ms_between(s.timeline.t_destroy, exit);
    if (s.timeline.inspect) {
        std::lock_guard lock(mu_);
        last_inspect_ = s.timeline.inspect;
    }
    return s;
}

std::optional<nlohmann::json> BenchSession::last_create_body() const {
    std::lock_guard lock(mu_);
    if (!last_inspect_) return std::nullopt;
    return create_body_from_inspect(*last_inspect_);
}

double BenchSession::direct_lifecycle(const nlohmann::json& body) {
    const std::string name = fmt::format("sh-{}-{}", run_id_, counter_++);
    const auto t0 = std::chrono::steady_clock::now();
    const std::string id = docker_.create_container(body, name);
    docker_.start_container(id);
    docker_.wait_container(id, "removed");
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

nlohmann::json create_body_from_inspect(const nlohmann::json& inspect) {
    const auto& cfg = inspect.at("Config");
    nlohmann::json body = {{"Image", cfg.at("Image")},
                           {"Cmd", cfg.value("Cmd", nlohmann::json::array())},
                           {"User", cfg.value("User", "")},
                           {"Env", cfg.value("Env", nlohmann::json::array())},
                           {"WorkingDir", cfg.value("WorkingDir", "")},
                           {"Labels", cfg.value("Labels", nlohmann::json::object())},
                           {"NetworkDisabled", cfg.value("NetworkDisabled", false)},
                           {"AttachStdout", true},
                           {"AttachStderr", true},
                           {"HostConfig", inspect.at("HostConfig")}};
    if (cfg.contains("Entrypoint") && !cfg["Entrypoint"].is_null()) body["Entrypoint"] = cfg["Entrypoint"];
    // The engine names the container; the direct lifecycle keeps the launcher's labels so the
    // session's guard still finds it.
    return body;
}

std::map<std::string, fs::path> write_bench_scripts(const fs::path& dir) {
    static const std::map<std::string, std::string> scripts = {
        {"pass", "pass\n"},
        {"hello", "print('hello, world')\n"},
        {"numpy-import", "import numpy\nprint(numpy.__version__)\n"},
        {"pandas-import", "import pandas\nprint(pandas.__version__)\n"},
        {"sympy-import", "import sympy\nprint(sympy.__version__)\n"},
        {"sleep", "import time\ntime.sleep(30)\n"},
        {"balloon",
         "chunks = []\nfor _ in range(4096):\n    chunks.append(bytearray(1 << 20))\nprint('cap reached')\n"},
        {"forkbomb",
         "import os, time\nt0 = time.monotonic()\nkids = []\nfor _ in range(4096):\n    try:\n"
         "        pid = os.fork()\n    except OSError:\n        break\n    if pid == 0:\n"
         "        time.sleep(5)\n        os._exit(0)\n    kids.append(pid)\n"
         "print(f'forked {len(kids)} in {(time.monotonic() - t0) * 1000:.1f} ms')\n"
         "for k in kids:\n    os.kill(k, 9)\n    os.waitpid(k, 0)\n"},
        {"spin",
         "import threading, time\ndef spin():\n    end = time.monotonic() + 20\n    while time.monotonic() < end:\n"
         "        pass\nts = [threading.Thread(target=spin) for _ in range(2)]\n[t.start() for t in ts]\n"
         "[t.join() for t in ts]\n"},
    };
    fs::create_directories(dir);
    std::map<std::string, fs::path> out;
    for (const auto& [name, text] : scripts) {
        const fs::path p = dir / (name + ".py");
        std::ofstream(p) << text;
        out[name] = p;
    }
    return out;
}

}  // namespace sh
