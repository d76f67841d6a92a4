#include "core/plan.h"

#include <gtest/gtest.h>

#include <set>

namespace sh {
namespace {

CaseSpec spec(std::string id, ImageChoice image = ImageChoice::Base) {
    CaseSpec s;
    s.id = std::move(id);
    s.image = image;
    return s;
}

PlanOptions options() {
    PlanOptions o;
    o.run_id = "r1";
    return o;
}

std::vector<std::string> labels_of(const std::vector<PlanItem>& plan) {
    std::vector<std::string> out;
    for (const auto& i : plan) out.push_back(i.spec->id + "/" + i.image + "#" + std::to_string(i.repetition));
    return out;
}

TEST(ParseShard, AcceptsKOfN) {
    Shard s = parse_shard("2/4");
    EXPECT_EQ(2, s.index);
    EXPECT_EQ(4, s.count);
    EXPECT_EQ("2/4", to_string(s));
    EXPECT_EQ(1, parse_shard("1/1").count);
}

TEST(ParseShard, RejectsEverythingElse) {
    for (const char* bad : {"5/4", "0/4", "2", "2/", "/4", "a/b", "2/4/6", "-1/4", " 2/4", "2/0"}) {
        try {
            parse_shard(bad);
            ADD_FAILURE() << bad;
        } catch (const PlanError& e) {
            EXPECT_EQ("bad shard '" + std::string(bad) + "': K/N with 1 <= K <= N, e.g. 2/4", e.what());
        }
    }
}

TEST(MakePlan, OrdersByIdExpandsImagesAndRepetitions) {
    CaseSpec b = spec("b", ImageChoice::All), a = spec("a"), c = spec("c", ImageChoice::Science);
    PlanOptions o = options();
    o.repeat = 2;
    auto plan = make_plan({&b, &a, &c, &a}, o);
    EXPECT_EQ((std::vector<std::string>{"a/base#0", "b/base#0", "b/science#0", "c/science#0",
                                        "a/base#1", "b/base#1", "b/science#1", "c/science#1"}),
              labels_of(plan));
    EXPECT_EQ(7, plan.back().index);
    EXPECT_EQ("secure-python-science:latest", plan[2].image_ref);
    EXPECT_EQ("secure-python:latest", plan[1].image_ref);
}

TEST(MakePlan, ImageSelectionLeavesOtherImagesOut) {
    CaseSpec b = spec("b", ImageChoice::All), a = spec("a"), c = spec("c", ImageChoice::Science);
    PlanOptions o = options();
    o.images = ImageChoice::Base;
    EXPECT_EQ((std::vector<std::string>{"a/base#0", "b/base#0"}), labels_of(make_plan({&a, &b, &c}, o)));
    o.images = ImageChoice::Science;
    EXPECT_EQ((std::vector<std::string>{"b/science#0", "c/science#0"}), labels_of(make_plan({&a, &b, &c}, o)));
}

TEST(MakePlan, ShardsPartitionThePlanDeterministically) {
    std::vector<CaseSpec> specs;
    for (int i = 0; i < 7; ++i) specs.push_back(spec("case" + std::to_string(i), ImageChoice::All));
    std::vector<const CaseSpec*> ptrs;
    for (const auto& s : specs) ptrs.push_back(&s);
    PlanOptions o = options();
    const auto whole = make_plan(ptrs, o);
    std::set<std::string> names;
    std::size_t total = 0;
    for (int k = 1; k <= 3; ++k) {
        o.shard = Shard{k, 3};
        const auto part = make_plan(ptrs, o);
        for (const auto& item : part) {
            EXPECT_EQ(k - 1, item.index % 3);
            EXPECT_EQ(whole[item.index].container_name, item.container_name);
            names.insert(item.container_name);
        }
        total += part.size();
    }
    EXPECT_EQ(whole.size(), total);
    EXPECT_EQ(whole.size(), names.size());
    // The input order does not matter.
    std::reverse(ptrs.begin(), ptrs.end());
    o.shard.reset();
    EXPECT_EQ(labels_of(whole), labels_of(make_plan(ptrs, o)));
}

TEST(MakePlan, NamesLabelsEnvAndTokens) {
    CaseSpec s = spec("net.tcp");
    s.timeout_s = 2.5;
    s.args = {"{canary_host}:{canary_tcp_port}", "--udp={canary_udp_port}", "{token}", "plain"};
    PlanOptions o = options();
    o.canary_tcp_port = 4242;
    o.canary_udp_port = 4343;
    o.cgroup_parent_prefix = "/sandbox-harness/";
    auto plan = make_plan({&s}, o);
    ASSERT_EQ(1u, plan.size());
    const PlanItem& i = plan[0];
    EXPECT_EQ("sh-r1-0", i.container_name);
    EXPECT_EQ("sht-r1-000000", i.token);
    EXPECT_EQ((std::map<std::string, std::string>{{"sandbox-harness.run", "r1"},
                                                  {"sandbox-harness.case", "net.tcp"},
                                                  {"sandbox-harness.image", "base"}}),
              i.labels);
    EXPECT_EQ((std::map<std::string, std::string>{
                  {"SANDBOX_IMAGE", "secure-python:latest"},
                  {"SANDBOX_TIMEOUT", "2.5"},
                  {"SANDBOX_NAME", "sh-r1-0"},
                  {"SANDBOX_LABELS", "sandbox-harness.case=net.tcp sandbox-harness.image=base sandbox-harness.run=r1"},
                  {"SANDBOX_CGROUP_PARENT", "/sandbox-harness/sh-r1-0"}}),
              i.env);
    EXPECT_EQ((std::vector<std::string>{"127.0.0.1:4242", "--udp=4343", "sht-r1-000000", "plain"}), i.args);
    EXPECT_FALSE(i.skip);
}

TEST(MakePlan, NoTokenContainsAnother) {
    CaseSpec s = spec("a");
    PlanOptions o = options();
    o.repeat = 12;
    auto plan = make_plan({&s}, o);
    for (const auto& x : plan)
        for (const auto& y : plan)
            if (&x != &y) {
                EXPECT_EQ(std::string::npos, y.token.find(x.token)) << x.token << " in " << y.token;
            }
}

TEST(MakePlan, CaseTimeoutUnlessTheProfileSwitchesTimeoutsOff) {
    CaseSpec s = spec("a");
    s.timeout_s = 10;
    PlanOptions o = options();
    EXPECT_EQ("10", make_plan({&s}, o)[0].env.at("SANDBOX_TIMEOUT"));
    o.profile = with_overrides(default_profile(), {{"SANDBOX_TIMEOUT", "0"}});
    EXPECT_EQ("0", make_plan({&s}, o)[0].env.at("SANDBOX_TIMEOUT"));
    o.profile = with_overrides(default_profile(), {{"SANDBOX_TIMEOUT", "3"}});
    o.case_timeouts = false;
    EXPECT_EQ("3", make_plan({&s}, o)[0].env.at("SANDBOX_TIMEOUT"));
}

TEST(MakePlan, ExternalTargetsAreSkippedUnlessTheNetworkIsNone) {
    CaseSpec s = spec("net.external");
    s.targets_external = true;
    PlanOptions o = options();
    EXPECT_FALSE(make_plan({&s}, o)[0].skip);
    o.profile = with_overrides(default_profile(), {{"SANDBOX_NETWORK", "host"}});
    auto item = make_plan({&s}, o)[0];
    EXPECT_TRUE(item.skip);
    EXPECT_EQ("aims at an external address and the profile has SANDBOX_NETWORK=host: skipped so that it cannot "
              "reach beyond this host (it runs only under SANDBOX_NETWORK=none)",
              item.skip_reason);
}

TEST(MakePlan, SelfTestRunsOnlyProbesWithOneAndAppendsItsArguments) {
    CaseSpec with = spec("cve.x");
    with.args = {"--host", "{canary_host}"};
    with.self_test_args = {"--self-test"};
    const CaseSpec without = spec("fs.y");
    PlanOptions o = options();
    EXPECT_EQ(2u, make_plan({&with, &without}, o).size());
    EXPECT_EQ((std::vector<std::string>{"--host", "127.0.0.1"}), make_plan({&with, &without}, o).front().args);
    o.self_test = true;
    const auto plan = make_plan({&with, &without}, o);
    ASSERT_EQ(1u, plan.size());
    EXPECT_EQ("cve.x", plan.front().spec->id);
    EXPECT_EQ((std::vector<std::string>{"--host", "127.0.0.1", "--self-test"}), plan.front().args);
}

TEST(MakePlan, RejectsBadOptions) {
    CaseSpec s = spec("a", ImageChoice::Science);
    auto error_of = [&](PlanOptions o) -> std::string {
        try {
            make_plan({&s}, o);
        } catch (const PlanError& e) {
            return e.what();
        }
        return "";
    };
    PlanOptions o = options();
    o.run_id = "bad id";
    EXPECT_EQ("bad run id 'bad id': letters, digits, '_', '.' and '-', starting with a letter or digit (it is "
              "part of container names)",
              error_of(o));
    o = options();
    o.repeat = 0;
    EXPECT_EQ("bad repeat 0: at least 1", error_of(o));
    o = options();
    o.shard = Shard{3, 2};
    EXPECT_EQ("bad shard '3/2': K/N with 1 <= K <= N, e.g. 2/4", error_of(o));
    o = options();
    o.image_refs.erase("science");
    EXPECT_EQ("no image reference for the 'science' image (needed by a)", error_of(o));
}

TEST(FillPlaceholders, ReplacesEveryOccurrence) {
    EXPECT_EQ("x-1-x-1", fill_placeholders("{t}-1-{t}-1", {{"{t}", "x"}}));
    EXPECT_EQ("{other}", fill_placeholders("{other}", {{"{t}", "x"}}));
}

}  // namespace
}  // namespace sh
