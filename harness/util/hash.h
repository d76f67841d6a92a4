#pragma once
/// FNV-1a, 64 bits: a fast fingerprint for change detection (host files, the catalogue), not a
/// defence against anyone choosing collisions.

#include <cstdint>
#include <string_view>

namespace sh {

class Fnv1a64 {
public:
    void add(std::string_view bytes) {
        for (unsigned char c : bytes) h_ = (h_ ^ c) * 1099511628211ULL;
    }
    std::uint64_t value() const { return h_; }

private:
    std::uint64_t h_ = 1469598103934665603ULL;
};

inline std::uint64_t fnv1a64(std::string_view bytes) {
    Fnv1a64 h;
    h.add(bytes);
    return h.value();
}

}  // namespace sh
