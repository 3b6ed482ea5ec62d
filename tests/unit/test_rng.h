// A small, seeded xorshift generator: mutation and corruption tests must be
// reproducible from their seed, whatever the standard library's engines do.
#pragma once
#include <cstddef>
#include <cstdint>

namespace splinter::testing {

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed ? seed : 1) {}
  uint64_t next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return s_;
  }
  size_t below(size_t n) { return n ? size_t(next() % n) : 0; }
  bool chance(unsigned percent) { return below(100) < percent; }

 private:
  uint64_t s_;
};

}  // namespace splinter::testing
