#pragma once
/// SHA-256 (FIPS 180-4), for hashes that something outside the harness also computes and that the
/// harness must recompute rather than take on trust (the syscall sweep's reached_sha256_16).
/// For change detection alone, util/hash.h is faster.

#include <string>
#include <string_view>

namespace sh {

/// The digest of `bytes` in lower-case hex, 64 characters.
std::string sha256_hex(std::string_view bytes);

}  // namespace sh
