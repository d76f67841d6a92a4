#pragma once
/// Planning: selected cases × images × repetitions, sharded, each with the container name,
/// labels, launcher environment, filled-in arguments and canary token it will run with.
/// Pure: the same inputs give the same plan on every CI runner.

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

#include "core/case_spec.h"
#include "core/profile.h"

namespace sh {

class PlanError : public Error {
public:
    using Error::Error;
};

/// `--shard K/N`: this runner takes plan items K-1, K-1+N, K-1+2N, ... (1 <= K <= N).
struct Shard {
    int index = 1;  ///< K, 1-based
    int count = 1;  ///< N
};
/// Throws PlanError("bad shard '5/4': K/N with 1 <= K <= N, e.g. 2/4").
Shard parse_shard(std::string_view);
std::string to_string(const Shard&);

/// {"base": "secure-python:latest", "science": "secure-python-science:latest"}
const std::map<std::string, std::string>& default_image_refs();

/// Docker's container-name rule, which the run id must also follow: [a-zA-Z0-9][a-zA-Z0-9_.-]*.
bool is_valid_run_id(std::string_view);

struct PlanOptions {
    ImageChoice images = ImageChoice::All;  ///< which images to run; cases on other images are left out
    int repeat = 1;
    std::optional<Shard> shard;
    std::string run_id;
    std::map<std::string, std::string> image_refs = default_image_refs();
    std::string canary_host = "127.0.0.1";
    int canary_tcp_port = 0;
    int canary_udp_port = 0;
    Profile profile = default_profile();  ///< the effective profile: decides skips and timeouts
    /// When set, each container gets the cgroup parent `<prefix>/<container name>`.
    std::optional<std::string> cgroup_parent_prefix;
    /// Each case's own `timeout` overrides the profile's SANDBOX_TIMEOUT (unless the profile sets 0,
    /// i.e. the timeout control is switched off). False keeps the profile's value, for sweeps.
    bool case_timeouts = true;
    /// Run each case's positive control: its `self-test` arguments after its `args`. Cases
    /// without a self-test are left out.
    bool self_test = false;
};

struct PlanItem {
    const CaseSpec* spec = nullptr;
    std::string image;      ///< "base" | "science"
    std::string image_ref;  ///< tag to run
    int repetition = 0;     ///< 0-based
    int index = 0;          ///< position in the whole (unsharded) plan; names and tokens derive from it
    std::string container_name;                ///< sh-<run_id>-<index>
    std::map<std::string, std::string> labels;  ///< sandbox-harness.run / .case / .image
    /// SANDBOX_* overrides for this case: SANDBOX_IMAGE, SANDBOX_TIMEOUT, SANDBOX_NAME,
    /// SANDBOX_LABELS and, with a prefix, SANDBOX_CGROUP_PARENT.
    std::map<std::string, std::string> env;
    std::vector<std::string> args;  ///< placeholders filled
    std::string token;              ///< unique in the run, for canary attribution
    bool skip = false;
    std::string skip_reason;
};

/// Orders the cases by id (duplicates dropped), expands them over repetitions (outermost) and
/// images, numbers the items, then keeps this shard's. Throws PlanError on a bad run id,
/// repeat < 1, a bad shard, or a missing image reference.
std::vector<PlanItem> make_plan(const std::vector<const CaseSpec*>& cases, const PlanOptions&);

/// One planned run of a case, as a run's report lists it (RunMeta::planned) and merge checks it
/// against the records: "id [image] #repetition", e.g. "fs.write-etc [base] #0".
std::string case_key(std::string_view case_id, std::string_view image, int repetition);
/// The case_key of every item, in plan order.
std::vector<std::string> planned_case_keys(const std::vector<PlanItem>&);

/// Replaces {canary_host}, {canary_tcp_port}, {canary_udp_port} and {token} in `arg`.
std::string fill_placeholders(std::string arg, const std::map<std::string, std::string>& values);

}  // namespace sh
