// PCRE2 regular expressions for SPL (match(), regex, rex): compiled once, matched with
// limits so a pathological pattern in content cannot hang a run.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct pcre2_real_code_8;
struct pcre2_real_match_data_8;
struct pcre2_real_match_context_8;

namespace splinter::exec {

// A pattern PCRE2 rejects: its message, and the offset in the pattern where it stopped
// (so callers can point into the search text).
class RegexError : public std::invalid_argument {
 public:
  RegexError(const std::string& msg, size_t offset) : std::invalid_argument(msg), offset(offset) {}
  size_t offset;
};

class Regex {
 public:
  // Throws RegexError (a std::invalid_argument) with PCRE2's message and offset on a bad pattern.
  explicit Regex(std::string_view pattern);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Unanchored search. A match-limit hit counts as no match and is counted in limit_hits().
  bool search(std::string_view subject) const;
  // Every match replaced, Splunk style: \1..\9 in the replacement are capture groups.
  // Returns false (out untouched) when the match limit is hit or on error.
  bool replace_all(std::string_view subject, std::string_view replacement, std::string& out) const;
  // Named groups, (?<name>...) or (?P<name>...): each name with its group number, in
  // group order.
  std::vector<std::pair<std::string, int>> named_groups() const;
  int capture_count() const;  // capturing groups, named or not
  // One match: [begin, end) of groups 0..n; npos for a group that took no part.
  using Groups = std::vector<std::pair<size_t, size_t>>;
  // Successive non-overlapping matches, at most `max` (0 = no limit). After an empty
  // match the next one may not be empty at the same place, as in Perl's m//g.
  // A match-limit hit ends the list and is counted in limit_hits().
  std::vector<Groups> find_all(std::string_view subject, size_t max) const;
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
