// PCRE2 regular expressions for SPL (match(), regex, rex): compiled once, matched with
// limits so a pathological pattern in content cannot hang a run.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct pcre2_real_code_8;
struct pcre2_real_match_data_8;
struct pcre2_real_match_context_8;

namespace splinter::exec {

class Regex {
 public:
  // Throws std::invalid_argument with PCRE2's message and offset on a bad pattern.
  explicit Regex(std::string_view pattern);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Unanchored search. A match-limit hit counts as no match and is counted in limit_hits().
  bool search(std::string_view subject) const;
  // Every match replaced, Splunk style: \1..\9 in the replacement are capture groups.
  // Returns false (out untouched) when the match limit is hit or on error.
  bool replace_all(std::string_view subject, std::string_view replacement, std::string& out) const;
  const std::string& pattern() const { return pattern_; }
  unsigned long limit_hits() const { return limit_hits_; }

  // While a LimitScope is alive on a thread, limit hits of every Regex matched on that
  // thread are also added to its counter: the engine opens one per search it
  // evaluates, so a search whose regexes gave up on a long value says so.
  class LimitScope {
   public:
    explicit LimitScope(uint64_t* counter) : prev_(current_) { current_ = counter; }
    ~LimitScope() { current_ = prev_; }
    LimitScope(const LimitScope&) = delete;
    LimitScope& operator=(const LimitScope&) = delete;

   private:
    friend class Regex;
    uint64_t* prev_;
    static thread_local uint64_t* current_;
  };

 private:
  void count_limit_hit() const;
  std::string pattern_;
  pcre2_real_code_8* code_ = nullptr;
  pcre2_real_match_data_8* md_ = nullptr;
  pcre2_real_match_context_8* mctx_ = nullptr;
  mutable unsigned long limit_hits_ = 0;
};

}  // namespace splinter::exec
