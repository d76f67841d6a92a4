#include "testing/fake_docker.h"

#include <fmt/format.h>

namespace sh {

/// A watch only filters on labels ("key" or "key=value"), as the harness's watches do.
struct FakeDocker::Watch final : EventWatch {
    std::vector<std::string> labels;
    std::function<void(const EngineEvent&)> on_event;
    std::optional<std::string> failed;
    mutable std::mutex mu;
    bool stopped = false;

    bool matches(const EngineEvent& e) const {
        for (const auto& want : labels) {
            const auto eq = want.find('=');
            const std::string key = want.substr(0, eq);
            auto it = e.attributes.find(key);
            if (it == e.attributes.end()) return false;
            if (eq != std::string::npos && it->second != want.substr(eq + 1)) return false;
        }
        return true;
    }
    bool wait_ready(std::chrono::milliseconds) override { return !error(); }
    void stop() override {
        std::lock_guard lock(mu);
        stopped = true;
    }
    std::optional<std::string> error() const override {
        std::lock_guard lock(mu);
        return failed;
    }
};

FakeDocker::FakeDocker() {
    engine.version = "20.10.24+fake";
    engine.api_version = "1.41";
    engine.os = "linux";
    engine.kernel = "6.1.0-fake";
    engine.cgroup_version = "1";
    engine.cgroup_driver = "cgroupfs";
    engine.storage_driver = "overlay2";
    engine.docker_root_dir = "/var/lib/docker";
}

void FakeDocker::check_up() const {
    if (down) throw DockerError("GET /v1.41/version via fake://engine: " + *down, 0);
}

void FakeDocker::add_image(const std::string& ref, ImageDetails details) {
    std::lock_guard lock(mu_);
    if (details.id.empty()) details.id = "sha256:" + std::string(64, 'a' + static_cast<char>(images_.size() % 26));
    if (details.tags.empty()) details.tags = {ref};
    images_[ref] = std::move(details);
}

FakeDocker::Container* FakeDocker::find(const std::string& name_or_id) {
    for (auto& [name, c] : containers_)
        if (name == name_or_id || c.id == name_or_id) return &c;
    return nullptr;
}

std::string FakeDocker::create(const Launch& l) {
    std::string id;
    {
        std::lock_guard lock(mu_);
        Container c;
        c.id = fmt::format("{:064x}", next_id_++);
        c.name = l.name;
        c.labels = l.labels;
        c.inspect = l.inspect;
        c.inspect["Id"] = c.id;
        c.inspect["Name"] = "/" + l.name;
        for (const auto& [k, v] : l.labels) c.inspect["Config"]["Labels"][k] = v;
        c.inspect["State"]["OOMKilled"] = false;
        id = c.id;
        containers_[l.name] = std::move(c);
    }
    emit(l.name, "create");
    return id;
}

std::string FakeDocker::launch(const Launch& l) {
    const std::string id = create(l);
    emit(l.name, "start");
    if (l.oom) {
        std::lock_guard lock(mu_);
        if (Container* c = find(l.name)) c->inspect["State"]["OOMKilled"] = true;
    }
    if (l.oom) emit(l.name, "oom");
    emit(l.name, "die", {{"exitCode", std::to_string(l.exit_code)}});
    if (l.auto_remove) emit(l.name, "destroy");
    return id;
}

void FakeDocker::emit(const std::string& name, const std::string& action,
                      std::map<std::string, std::string> extra) {
    EngineEvent e;
    {
        std::lock_guard lock(mu_);
        Container* c = find(name);
        if (!c) throw std::logic_error("FakeDocker: no container " + name);
        e.type = "container";
        e.action = action;
        e.id = c->id;
        e.name = c->name;
        e.attributes = c->labels;
        e.attributes["name"] = c->name;
        for (auto& [k, v] : extra) e.attributes[k] = std::move(v);
        e.time_s = (clock_s_ += 0.01);
        if (action == "start") c->state = "running";
        if (action == "die") c->state = "exited";
        if (action == "destroy") destroy_locked(name);
    }
    deliver(e);
}

void FakeDocker::destroy_locked(const std::string& name) { containers_.erase(name); }

void FakeDocker::deliver(const EngineEvent& e) {
    std::vector<std::shared_ptr<Watch>> live;
    {
        std::lock_guard lock(mu_);
        for (const auto& w : watches_)
            if (auto s = w.lock()) live.push_back(std::move(s));
    }
    for (const auto& w : live) {  // outside the engine's lock: a watcher may call back (inspect)
        {
            std::lock_guard lock(w->mu);
            if (w->stopped) continue;
        }
        if (w->matches(e)) w->on_event(e);
    }
}

void FakeDocker::break_watches(const std::string& reason) {
    std::lock_guard lock(mu_);
    for (const auto& w : watches_)
        if (auto s = w.lock()) {
            std::lock_guard wl(s->mu);
            s->failed = reason;
            s->stopped = true;
        }
}

std::vector<std::string> FakeDocker::removed() const {
    std::lock_guard lock(mu_);
    return removed_;
}

bool FakeDocker::exists(const std::string& name) const {
    std::lock_guard lock(mu_);
    return containers_.count(name) > 0;
}

EngineVersion FakeDocker::version() {
    check_up();
    return engine;
}

std::optional<nlohmann::json> FakeDocker::inspect_container(const std::string& name_or_id) {
    check_up();
    std::lock_guard lock(mu_);
    if (Container* c = find(name_or_id)) return c->inspect;
    return std::nullopt;
}

std::vector<ContainerSummary> FakeDocker::list_containers(const std::string& label_filter) {
    check_up();
    std::lock_guard lock(mu_);
    const auto eq = label_filter.find('=');
    const std::string key = label_filter.substr(0, eq);
    std::vector<ContainerSummary> out;
    for (const auto& [name, c] : containers_) {
        auto it = c.labels.find(key);
        if (it == c.labels.end()) continue;
        if (eq != std::string::npos && it->second != label_filter.substr(eq + 1)) continue;
        out.push_back({c.id, {"/" + name}, c.state, c.labels});
    }
    return out;
}

void FakeDocker::remove_container(const std::string& id) {
    check_up();
    std::string name;
    {
        std::lock_guard lock(mu_);
        removed_.push_back(id);
        Container* c = find(id);
        if (!c) return;
        name = c->name;
    }
    emit(name, "destroy");
}

std::optional<ImageDetails> FakeDocker::inspect_image(const std::string& ref) {
    check_up();
    std::lock_guard lock(mu_);
    auto it = images_.find(ref);
    if (it == images_.end()) return std::nullopt;
    return it->second;
}

std::unique_ptr<EventWatch> FakeDocker::watch_events(nlohmann::json filters,
                                                     std::function<void(const EngineEvent&)> on_event) {
    // A unique_ptr for the caller, sharing the watch with the engine's list (which holds a weak one).
    struct Handle final : EventWatch {
        std::shared_ptr<Watch> w;
        bool wait_ready(std::chrono::milliseconds t) override { return w->wait_ready(t); }
        void stop() override { w->stop(); }
        std::optional<std::string> error() const override { return w->error(); }
    };
    auto w = std::make_shared<Watch>();
    if (filters.contains("label"))
        for (const auto& l : filters["label"]) w->labels.push_back(l.get<std::string>());
    w->on_event = std::move(on_event);
    if (down) w->failed = *down;
    {
        std::lock_guard lock(mu_);
        watches_.push_back(w);
    }
    auto h = std::make_unique<Handle>();
    h->w = std::move(w);
    return h;
}

std::string FakeDocker::create_container(const nlohmann::json& body, const std::string& name) {
    check_up();
    Launch l;
    l.name = name.empty() ? fmt::format("fake-{}", next_id_) : name;
    if (body.contains("Labels"))
        for (const auto& [k, v] : body["Labels"].items()) l.labels[k] = v.get<std::string>();
    l.inspect = {{"Config", body}, {"HostConfig", body.value("HostConfig", nlohmann::json::object())}};
    return create(l);
}

void FakeDocker::start_container(const std::string& id) {
    check_up();
    std::string name;
    {
        std::lock_guard lock(mu_);
        Container* c = find(id);
        if (!c) throw DockerError("POST /containers/" + id + "/start: HTTP 404: no such container", 404);
        name = c->name;
    }
    emit(name, "start");
}

int FakeDocker::wait_container(const std::string& id, const std::string&) {
    check_up();
    std::string name;
    {
        std::lock_guard lock(mu_);
        Container* c = find(id);
        if (!c) return 0;
        name = c->name;
    }
    emit(name, "die", {{"exitCode", "0"}});
    emit(name, "destroy");
    return 0;
}

}  // namespace sh
