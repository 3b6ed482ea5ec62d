// Wildcard matcher against a straightforward reference: '*' = any run of bytes,
// ASCII case folding when case-insensitive, the empty pattern matches only "".
// Input: byte 0 = flags (bit 0: case-sensitive), then pattern '\0' subject.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/strings.h"
#include "fuzz_common.h"

namespace {

char fold(char c, bool ci) { return ci ? splinter::ascii_lower(c) : c; }

// Recursive matcher, memoised on (pattern index, subject index) so that many stars stay cheap.
class Reference {
 public:
  Reference(std::string_view p, std::string_view s, bool ci)
      : p_(p), s_(s), ci_(ci), memo_((p.size() + 1) * (s.size() + 1), -1) {}
  bool run() { return match(0, 0); }

 private:
  bool match(size_t i, size_t j) {
    signed char& m = memo_[i * (s_.size() + 1) + j];
    if (m >= 0) return m;
    bool r;
    if (i == p_.size()) r = j == s_.size();
    else if (p_[i] == '*') r = match(i + 1, j) || (j < s_.size() && match(i, j + 1));
    else r = j < s_.size() && fold(p_[i], ci_) == fold(s_[j], ci_) && match(i + 1, j + 1);
    m = r;
    return r;
  }
  std::string_view p_, s_;
  bool ci_;
  std::vector<signed char> memo_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 4096) return 0;
  const bool ci = !(data[0] & 1);
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t nul = rest.find('\0');
  std::string_view pattern = rest.substr(0, nul);
  std::string_view subject = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  splinter::Wildcard w(pattern, ci);
  const bool got = w.matches(subject);
  const bool want = Reference(pattern, subject, ci).run();
  if (got != want) {
    std::fprintf(stderr, "pattern=\"%.*s\" subject=\"%.*s\" ci=%d: Wildcard says %d, reference says %d\n",
                 int(pattern.size()), pattern.data(), int(subject.size()), subject.data(), int(ci), int(got),
                 int(want));
    splinter::fuzz::fail("Wildcard disagrees with the reference matcher");
  }
  // Every match contains the literal segments, in order (prefilters rely on it).
  if (got) {
    size_t at = 0;
    for (const std::string& seg : w.segments()) {
      at = ci ? splinter::ifind_lower(subject, seg, at) : subject.find(seg, at);
      if (at == std::string_view::npos) splinter::fuzz::fail("a match lacks a literal segment");
      at += seg.size();
    }
  }
  return 0;
}
