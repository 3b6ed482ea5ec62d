#define PCRE2_CODE_UNIT_WIDTH 8
#include "exec/regex.h"

#include <pcre2.h>

#include <algorithm>
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
    throw RegexError("bad regular expression \"" + pattern_ + "\" at offset " + std::to_string(off) + ": " +
                         reinterpret_cast<const char*>(msg),
                     off);
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

int Regex::capture_count() const {
  uint32_t n = 0;
  pcre2_pattern_info(code_, PCRE2_INFO_CAPTURECOUNT, &n);
  return static_cast<int>(n);
}

std::vector<std::pair<std::string, int>> Regex::named_groups() const {
  uint32_t count = 0, entry = 0;
  PCRE2_SPTR table = nullptr;
  pcre2_pattern_info(code_, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(code_, PCRE2_INFO_NAMEENTRYSIZE, &entry);
  pcre2_pattern_info(code_, PCRE2_INFO_NAMETABLE, &table);
  std::vector<std::pair<std::string, int>> out;
  for (uint32_t i = 0; i < count; ++i) {
    PCRE2_SPTR e = table + static_cast<size_t>(i) * entry;  // 2-byte group number, then the name
    out.emplace_back(reinterpret_cast<const char*>(e + 2), (e[0] << 8) | e[1]);
  }
  // PCRE2 sorts the table by name; group order is the order the pattern gives.
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.second < b.second; });
  return out;
}

std::vector<Regex::Groups> Regex::find_all(std::string_view s, size_t max) const {
  std::vector<Groups> out;
  size_t pos = 0;
  uint32_t opts = 0;
  while (pos <= s.size() && (max == 0 || out.size() < max)) {
    int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), pos, opts, md_, mctx_);
    if (rc == PCRE2_ERROR_NOMATCH && opts != 0) {
      // No non-empty match where the empty one was: step one character on (pcre2demo's loop).
      opts = 0;
      if (pos == s.size()) break;
      ++pos;
      while (pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) ++pos;
      continue;
    }
    if (rc < 0) {
      if (is_limit(rc)) count_limit_hit();
      break;
    }
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md_);
    const uint32_t n = pcre2_get_ovector_count(md_);
    Groups g(n, {std::string_view::npos, std::string_view::npos});
    for (uint32_t i = 0; i < n && i < static_cast<uint32_t>(rc); ++i)
      if (ov[2 * i] != PCRE2_UNSET) g[i] = {ov[2 * i], ov[2 * i + 1]};
    out.push_back(std::move(g));
    const size_t b = ov[0], e = std::max(ov[0], ov[1]);  // \K can put the start after the end
    opts = e == b ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0;
    pos = e;
  }
  return out;
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
