#include "core/usl.h"

#include <cmath>

#include <gtest/gtest.h>

namespace sh {
namespace {

std::vector<LoadLevel> from_law(double lambda, double sigma, double kappa, std::vector<int> ns) {
    UslFit truth;
    truth.lambda = lambda, truth.sigma = sigma, truth.kappa = kappa;
    std::vector<LoadLevel> out;
    for (int n : ns) {
        const double x = truth.throughput(n);
        out.push_back({n, x, 1000 * n / x, 1.5 * 1000 * n / x});
    }
    return out;
}

TEST(Usl, RecoversTheLawItWasMadeFrom) {
    const UslFit f = fit_usl(from_law(4.0, 0.3, 0.02, {1, 2, 3, 4, 6, 8}));
    EXPECT_NEAR(4.0, f.lambda, 1e-3);
    EXPECT_NEAR(0.3, f.sigma, 1e-3);
    EXPECT_NEAR(0.02, f.kappa, 1e-4);
    EXPECT_LT(f.rms_error_pct, 0.01);
    ASSERT_TRUE(f.peak_concurrency);
    EXPECT_NEAR(std::sqrt(0.7 / 0.02), *f.peak_concurrency, 1e-2);
}

TEST(Usl, AHeldOutLevelIsPredictedFromTheOthersAndItsErrorReported) {
    auto levels = from_law(4.0, 0.3, 0.02, {1, 2, 4, 6, 8});
    levels.back().throughput *= 0.8;  // the machine fell short at 8: the check must show it
    const UslValidation v = validate_usl(levels, 2);
    EXPECT_EQ((std::vector<int>{1, 2, 4}), v.fit.fitted_levels);
    ASSERT_EQ(2u, v.held_out.size());
    EXPECT_NEAR(0, v.held_out[0].throughput_error_pct, 0.5);
    EXPECT_NEAR(25, v.held_out[1].throughput_error_pct, 0.5);  // predicted 1/0.8 of what was measured
    EXPECT_NEAR(25, v.max_throughput_error_pct, 0.5);
    EXPECT_NEAR(0, v.held_out[0].p95_error_pct, 0.5);
}

TEST(Usl, TooFewLevelsIsAClearNo) {
    EXPECT_THROW(fit_usl(from_law(4, 0.1, 0, {1, 2})), std::invalid_argument);
    EXPECT_THROW(validate_usl(from_law(4, 0.1, 0.01, {1, 2, 4, 8}), 2), std::invalid_argument);
    auto zero = from_law(4, 0.1, 0.01, {1, 2, 4});
    zero[1].throughput = 0;
    EXPECT_THROW(fit_usl(zero), std::invalid_argument);
}

TEST(Usl, ACurveWithoutCoherencyHasNoPeak) {
    const UslFit f = fit_usl(from_law(2.0, 0.5, 0, {1, 2, 4, 8}));
    EXPECT_NEAR(0, f.kappa, 1e-6);
    EXPECT_FALSE(f.peak_concurrency);
    EXPECT_NEAR(4.0, f.peak_throughput, 0.01);  // λ / σ, approached
}

}  // namespace
}  // namespace sh
