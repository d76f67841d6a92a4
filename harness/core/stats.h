#pragma once
/// Descriptive statistics and the Mann-Whitney U test for latency samples. Pure: no I/O.
///
/// Conventions (every figure in a report rests on these):
/// - Percentiles use linear interpolation between closest ranks, numpy's default ("linear",
///   R type 7): for n sorted values x[0..n-1] and q in [0, 100], h = (n - 1) * q / 100 and
///   P = x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
///   So p50 of {1, 2, 3, 4} is 2.5 and p95 of 1..100 is 95.05.
/// - stddev is the sample standard deviation (divisor n - 1); 0 when n == 1.
/// - mad is the raw median absolute deviation, median(|x - median(x)|), without the 1.4826
///   normal-consistency factor (scipy.stats.median_abs_deviation with its default scale=1).

#include <cstddef>
#include <vector>

#include <nlohmann/json.hpp>

namespace sh {

struct Summary {
    std::size_t n = 0;
    double min = 0, p50 = 0, p95 = 0, p99 = 0, max = 0;
    double mean = 0, stddev = 0, mad = 0;
};

/// Summarises `samples` (any order). With no samples it returns n == 0 and every other field NaN
/// (a report shows that as "no data"; JSON stores NaN as null). Throws std::invalid_argument if a
/// sample is NaN: a latency that was never measured must be left out, not passed on.
Summary summarize(std::vector<double> samples);

/// The q-th percentile (q in [0, 100]) of `sorted`, which must be sorted ascending (checked:
/// std::invalid_argument otherwise, and for q outside [0, 100]). NaN when `sorted` is empty.
double percentile(const std::vector<double>& sorted, double q);

/// Median of unsorted values (a copy is sorted). NaN when empty.
double median(std::vector<double> values);

/// Two-sample Mann-Whitney U test of "old" against "new", following scipy.stats.mannwhitneyu
/// (scipy 1.10) so that its numbers can be checked against scipy:
/// - ranks of the pooled samples, ties get the average rank;
/// - u = U of the new sample = R_new - n_new(n_new + 1)/2 = #(new > old) + 0.5 #(new == old);
/// - exact p-values from the exact null distribution of U when both samples have at most
///   kExactMaxN values and there is no tie (scipy method="exact"); otherwise the normal
///   approximation with tie correction and continuity correction (scipy method="asymptotic"):
///   sigma = sqrt(n1 n2 / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1)))),
///   p_greater = sf((u - n1 n2 / 2 - 0.5) / sigma), two-sided = 2 sf((max(U1, U2) - mu - 0.5) / sigma).
///   (scipy's "auto" goes exact only when one sample has at most 8 values; with 9..20 values
///   per sample our p-values match scipy's method="exact", not its default.)
/// When every pooled value is equal (sigma = 0) nothing can be told apart: z = 0, every p = 1.
struct MannWhitney {
    double u = 0;            ///< U of the new sample (scipy's statistic for mannwhitneyu(new, old))
    double z = 0;            ///< (u - mu) / sigma, continuity-corrected toward 0; > 0: new tends larger
    double p_two_sided = 1;
    double p_greater = 1;    ///< one-sided, H1: new is stochastically greater (slower) than old
    double p_less = 1;       ///< one-sided, H1: new is stochastically smaller (faster) than old
    double effect_size = 0.5;  ///< common-language effect: u / (n_old n_new) = P(new > old) + P(tie)/2
    bool exact = false;      ///< p-values from the exact distribution rather than the normal one
};

inline constexpr std::size_t kExactMaxN = 20;

/// Throws std::invalid_argument when either sample is empty or holds a NaN.
MannWhitney mann_whitney(const std::vector<double>& old_samples, const std::vector<double>& new_samples);

/// P(U >= u) under the null for sample sizes (m, n) without ties, by exact counting.
/// Exposed for tests; m, n <= kExactMaxN.
double mann_whitney_exact_sf(double u, std::size_t m, std::size_t n);

// JSON: NaN is written as null and read back as NaN.
void to_json(nlohmann::json&, const Summary&);
void from_json(const nlohmann::json&, Summary&);
void to_json(nlohmann::json&, const MannWhitney&);
void from_json(const nlohmann::json&, MannWhitney&);

/// Helpers shared by the other perf modules' JSON: NaN ↔ null.
nlohmann::json json_number(double);
double number_from_json(const nlohmann::json&);

}  // namespace sh
