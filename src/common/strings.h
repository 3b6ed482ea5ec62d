// Small string helpers shared by every stage: ASCII case folding and Splunk-style
// '*' wildcard patterns (search semantics: case-insensitive, '*' = any run).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace splinter {

inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }
inline char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c; }
std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
bool iends_with(std::string_view s, std::string_view suffix);
// Position of needle in hay (ASCII case-insensitive, needle already lower case) or npos.
size_t ifind_lower(std::string_view hay, std::string_view needle_lower, size_t from = 0);
std::string_view trim(std::string_view s);
// Length of the valid UTF-8 sequence starting at s[i] (1 for ASCII), 0 if invalid there
// (overlong forms, surrogates and code points past U+10FFFF are invalid).
size_t utf8_sequence_length(std::string_view s, size_t i);
// s with every invalid UTF-8 byte replaced by U+FFFD; false if s was already valid (out untouched).
bool utf8_repair(std::string_view s, std::string& out);
// Appends s as a JSON string literal (quotes, backslashes and control characters
// escaped; other bytes as they are).
void append_json_string(std::string& out, std::string_view s);
// Is the whole string a number as Splunk reads one (optional sign, digits, fraction, exponent)?
bool parse_number(std::string_view s, double& out);
// A Splunk boolean option value: true/t/1 or false/f/0, any case; false if it is neither.
bool parse_bool(std::string_view s, bool& out);
// An option's whole number: 1 to max_digits ASCII digits, no sign; false otherwise.
bool parse_whole(std::string_view s, size_t max_digits, int64_t& out);
std::string format_number(double v);  // 3 -> "3", 2.5 -> "2.5"

// Epoch times in integer microseconds, the unit _time is read in. A double holds
// microseconds only to about year 2242; near year 9999 (2.5e11 s) its step is 30 us.
//
// Seconds -> microseconds, rounded to the nearest one (a double near 1.7e9 s holds
// them only to ~0.2 us); false when not finite or beyond the int64 microsecond range.
bool seconds_to_us(double seconds, int64_t& us);
// Text -> microseconds: plain decimals exactly (digits past the sixth decimal are cut,
// as Splunk cuts subseconds), other number forms through a double; false if not a number.
bool parse_epoch_us(std::string_view s, int64_t& us);
// Microseconds as epoch seconds text: "1709648107", "253402300799.999999", "-0.5".
std::string format_epoch_us(int64_t us);

// A '*' wildcard pattern compiled once: literal segments, folded to lower case
// when case-insensitive. Matching is linear in the subject for '*'-only patterns.
class Wildcard {
 public:
  Wildcard() = default;
  explicit Wildcard(std::string_view pattern, bool case_insensitive = true);
  bool matches(std::string_view s) const;
  bool is_match_all() const { return match_all_; }
  bool has_wildcard() const { return segments_.size() != 1 || lead_star_ || trail_star_; }
  const std::string& pattern() const { return pattern_; }
  // Literal pieces every match must contain (for prefilters).
  const std::vector<std::string>& segments() const { return segments_; }

 private:
  std::string pattern_;
  std::vector<std::string> segments_;  // split on '*', empty pieces dropped
  bool lead_star_ = false, trail_star_ = false, match_all_ = false, ci_ = true;
};

}  // namespace splinter
