#define PCRE2_CODE_UNIT_WIDTH 8
#include "exec/regex.h"

#include <pcre2.h>

#include <stdexcept>

namespace splinter::exec {

// Generous for real patterns, small enough that catastrophic backtracking ends in
// milliseconds instead of hours.
static constexpr uint32_t kMatchLimit = 1'000'000;
static constexpr uint32_t kDepthLimit = 10'000;
// The JIT's own stack (PCRE2's default is 32 KiB) bounds recursion on long values, e.g.
// a repeated group over a long encoded PowerShell command line. One per thread, shared
// by every pattern (matches on a thread never overlap), grown on demand up to the max.
static constexpr size_t kJitStackMax = size_t(8) << 20;

static pcre2_jit_stack* thread_jit_stack(void*) {
  struct Holder {
    pcre2_jit_stack* stack = pcre2_jit_stack_create(64 * 1024, kJitStackMax, nullptr);
    ~Holder() { pcre2_jit_stack_free(stack); }
  };
  thread_local Holder h;
  return h.stack;  // null (allocation failed): PCRE2 uses its small default stack
}

thread_local uint64_t* Regex::LimitScope::current_ = nullptr;

void Regex::count_limit_hit() const {
  ++limit_hits_;
  if (LimitScope::current_) ++*LimitScope::current_;
}

static bool is_limit(int rc) {
  return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
}

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
  // JIT is an optional speed-up; without it PCRE2 falls back to the interpreter.
  const bool jit = pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE) == 0;
  md_ = pcre2_match_data_create_from_pattern(code_, nullptr);
  mctx_ = pcre2_match_context_create(nullptr);
  if (jit) pcre2_jit_stack_assign(mctx_, thread_jit_stack, nullptr);
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
  if (is_limit(rc)) count_limit_hit();
  return rc >= 0;
}

bool Regex::replace_all(std::string_view s, std::string_view repl, std::string& out) const {
  // Translate Splunk's \N back-references to PCRE2's ${N}; a literal '$' becomes "$$".
  std::string r;
  for (size_t i = 0; i < repl.size(); ++i) {
    if (repl[i] == '\\' && i + 1 < repl.size() && repl[i + 1] >= '0' && repl[i + 1] <= '9') {
      r += "${";
      r += repl[++i];
      r += '}';
    } else if (repl[i] == '\\' && i + 1 < repl.size() && repl[i + 1] == '\\') {
      r += repl[++i];  // "\\" is one literal backslash
    } else if (repl[i] == '$') {
      r += "$$";
    } else {
      r += repl[i];
    }
  }
  PCRE2_SIZE len = s.size() * 2 + r.size() + 64;
  for (int attempt = 0; attempt < 2; ++attempt) {
    out.resize(len);
    int rc = pcre2_substitute(code_, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), 0,
                              PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH, md_, mctx_,
                              reinterpret_cast<PCRE2_SPTR>(r.data()), r.size(),
                              reinterpret_cast<PCRE2_UCHAR*>(out.data()), &len);
    if (rc >= 0) {
      out.resize(len);
      return true;
    }
    if (rc != PCRE2_ERROR_NOMEMORY) {
      if (is_limit(rc)) count_limit_hit();
      out.clear();
      return false;
    }
  }
  out.clear();
  return false;
}

}  // namespace splinter::exec
