#define PCRE2_CODE_UNIT_WIDTH 8
#include "exec/regex.h"

#include <pcre2.h>

#include <stdexcept>

namespace splinter::exec {

// Generous for real patterns, small enough that catastrophic backtracking ends in
// milliseconds instead of hours.
static constexpr uint32_t kMatchLimit = 1'000'000;
static constexpr uint32_t kDepthLimit = 10'000;

Regex::Regex(std::string_view pattern) : pattern_(pattern) {
  int err = 0;
  PCRE2_SIZE off = 0;
  code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                        &err, &off, nullptr);
  if (!code_) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    throw std::invalid_argument("bad regular expression \"" + pattern_ + "\" at offset " + std::to_string(off) + ": " +
                                reinterpret_cast<const char*>(msg));
  }
  pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);  // optional speed-up; falls back to the interpreter
  md_ = pcre2_match_data_create_from_pattern(code_, nullptr);
  mctx_ = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(mctx_, kMatchLimit);
  pcre2_set_depth_limit(mctx_, kDepthLimit);
}

Regex::~Regex() {
  pcre2_match_context_free(mctx_);
  pcre2_match_data_free(md_);
  pcre2_code_free(code_);
}

bool Regex::search(std::string_view s) const {
  int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), 0, 0, md_, mctx_);
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT) ++limit_hits_;
  return rc >= 0;
}

}  // namespace splinter::exec
