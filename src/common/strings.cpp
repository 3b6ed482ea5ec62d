#include "common/strings.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace splinter {

std::string to_lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = ascii_lower(c);
  return r;
}
std::string to_upper(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = ascii_upper(c);
  return r;
}
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}
bool istarts_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && iequals(s.substr(0, p.size()), p);
}
bool iends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && iequals(s.substr(s.size() - p.size()), p);
}
size_t ifind_lower(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
  if (hay.size() < needle.size()) return std::string_view::npos;
  const size_t m = needle.size();
  const char first = needle[0], first_up = ascii_upper(first);
  const char last = needle[m - 1], last_up = ascii_upper(last);
  auto rest_equal = [&](size_t i) {
    for (size_t j = 1; j + 1 < m; ++j)
      if (ascii_lower(hay[i + j]) != needle[j]) return false;
    return true;
  };
  size_t i = from;
#if defined(__SSE2__)
  // Bulk scan (search terms and wildcards over every value of every event): 16
  // candidate positions at a time, kept only where both the first and the last
  // character of the needle match in either case.
  const __m128i f = _mm_set1_epi8(first), fu = _mm_set1_epi8(first_up);
  const __m128i l = _mm_set1_epi8(last), lu = _mm_set1_epi8(last_up);
  for (; i + m - 1 + 16 <= hay.size(); i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay.data() + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay.data() + i + m - 1));
    const __m128i hit = _mm_and_si128(_mm_or_si128(_mm_cmpeq_epi8(a, f), _mm_cmpeq_epi8(a, fu)),
                                      _mm_or_si128(_mm_cmpeq_epi8(b, l), _mm_cmpeq_epi8(b, lu)));
    for (unsigned mask = unsigned(_mm_movemask_epi8(hit)); mask; mask &= mask - 1) {
      const size_t at = i + unsigned(__builtin_ctz(mask));
      if (rest_equal(at)) return at;
    }
  }
#endif
  for (; i + m <= hay.size(); ++i)
    if ((hay[i] == first || hay[i] == first_up) && (hay[i + m - 1] == last || hay[i + m - 1] == last_up) &&
        rest_equal(i))
      return i;
  return std::string_view::npos;
}
bool parse_whole(std::string_view s, size_t max_digits, int64_t& out) {
  if (s.empty() || s.size() > max_digits || max_digits > 18) return false;
  int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  out = n;
  return true;
}

bool parse_bool(std::string_view s, bool& out) {
  const std::string v = to_lower(s);
  if (v == "true" || v == "t" || v == "1") return out = true, true;
  if (v == "false" || v == "f" || v == "0") return out = false, true;
  return false;
}
std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return s.substr(b, e - b);
}
size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  if (!len || i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  auto c1 = static_cast<unsigned char>(s[i + 1]);
  if (len == 3 && ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0))) return 0;
  if (len == 4 && ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))) return 0;
  return len;
}

bool utf8_repair(std::string_view s, std::string& out) {
  size_t i = 0;
  while (i < s.size()) {
    size_t n = utf8_sequence_length(s, i);
    if (!n) break;
    i += n;
  }
  if (i == s.size()) return false;
  out.assign(s.substr(0, i));
  while (i < s.size()) {
    size_t n = utf8_sequence_length(s, i);
    if (n) out.append(s.substr(i, n)), i += n;
    else out += "\xEF\xBF\xBD", ++i;
  }
  return true;
}

bool parse_number(std::string_view s, double& out) {
  s = trim(s);
  if (s.empty() || s.size() > 64) return false;
  // Only decimal forms: "0x10" and "inf"/"nan" are strings to Splunk.
  size_t i = 0;
  if (s[i] == '+' || s[i] == '-') ++i;
  bool digits = false;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, digits = true;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, digits = true;
  }
  if (!digits) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    bool ed = false;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j, ed = true;
    if (!ed) return false;
    i = j;
  }
  if (i != s.size()) return false;
  char buf[72];
  s.copy(buf, s.size());
  buf[s.size()] = 0;
  out = std::strtod(buf, nullptr);
  return true;
}
std::string format_number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  // 15 significant digits hide float noise (0.1+0.2 -> 0.3); a 16th is kept when it is
  // what makes the text read back as the same number (microsecond epoch times).
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  if (std::isfinite(v) && std::strtod(buf, nullptr) != v) {
    char b16[40];
    std::snprintf(b16, sizeof b16, "%.16g", v);
    if (std::strtod(b16, nullptr) == v) return b16;
  }
  return buf;
}

namespace {
constexpr int64_t kUsPerSecond = 1'000'000;
// Largest whole second whose microseconds still fit an int64 (about year 294,000).
constexpr int64_t kMaxEpochSeconds = INT64_MAX / kUsPerSecond - 1;
}  // namespace

bool seconds_to_us(double seconds, int64_t& us) {
  if (!std::isfinite(seconds) || std::fabs(seconds) > double(kMaxEpochSeconds)) return false;
  // Whole seconds and the fraction apart: the product seconds * 1e6 would lose the
  // microseconds to rounding past 2^53 us.
  double whole = std::floor(seconds);
  auto micros = static_cast<int64_t>(std::llround((seconds - whole) * 1e6));
  us = static_cast<int64_t>(whole) * kUsPerSecond + micros;
  return true;
}

bool parse_epoch_us(std::string_view s, int64_t& us) {
  std::string_view t = trim(s);
  size_t i = 0;
  bool neg = false;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) neg = t[i++] == '-';
  int64_t secs = 0, frac = 0;
  bool digits = false, plain = true;
  for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, digits = true) {
    secs = secs * 10 + (t[i] - '0');
    if (secs > kMaxEpochSeconds) {
      plain = false;
      break;
    }
  }
  if (plain && i < t.size() && t[i] == '.') {
    int nd = 0;
    for (++i; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, digits = true)
      if (nd < 6) frac = frac * 10 + (t[i] - '0'), ++nd;
    for (; nd < 6; ++nd) frac *= 10;
  }
  if (plain && digits && i == t.size()) {
    us = secs * kUsPerSecond + frac;
    if (neg) us = -us;
    return true;
  }
  double d;  // exponent forms, or out of range (then refused below)
  return parse_number(s, d) && seconds_to_us(d, us);
}

std::string format_epoch_us(int64_t us) {
  const bool neg = us < 0;
  // |us| as unsigned: safe even for INT64_MIN.
  const uint64_t a = neg ? uint64_t(0) - uint64_t(us) : uint64_t(us);
  std::string out = neg ? "-" : "";
  out += std::to_string(a / kUsPerSecond);
  if (uint64_t frac = a % kUsPerSecond) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%06llu", static_cast<unsigned long long>(frac));
    std::string_view f(buf, 6);
    while (f.back() == '0') f.remove_suffix(1);
    out += '.';
    out += f;
  }
  return out;
}

Wildcard::Wildcard(std::string_view pattern, bool case_insensitive) : pattern_(pattern), ci_(case_insensitive) {
  std::string cur;
  bool any_literal = false;
  for (char c : pattern) {
    if (c == '*') {
      if (!cur.empty()) segments_.push_back(std::move(cur)), cur.clear();
      continue;
    }
    any_literal = true;
    cur.push_back(ci_ ? ascii_lower(c) : c);
  }
  if (!cur.empty()) segments_.push_back(std::move(cur));
  lead_star_ = !pattern.empty() && pattern.front() == '*';
  trail_star_ = !pattern.empty() && pattern.back() == '*';
  match_all_ = !any_literal && !pattern.empty();
}

static bool seg_eq(std::string_view s, std::string_view seg, bool ci) {
  if (s.size() != seg.size()) return false;
  if (!ci) return s == seg;
  for (size_t i = 0; i < s.size(); ++i)
    if (ascii_lower(s[i]) != seg[i]) return false;
  return true;
}

static size_t seg_find(std::string_view hay, std::string_view seg, size_t from, bool ci) {
  return ci ? ifind_lower(hay, seg, from) : hay.find(seg, from);
}

bool Wildcard::matches(std::string_view s) const {
  if (match_all_) return true;
  if (segments_.empty()) return s.empty();  // empty pattern matches only the empty value
  size_t lo = 0, hi = s.size();
  size_t first = 0, last = segments_.size();
  if (!lead_star_) {
    const auto& seg = segments_[0];
    if (s.size() < seg.size() || !seg_eq(s.substr(0, seg.size()), seg, ci_)) return false;
    lo = seg.size();
    first = 1;
    if (segments_.size() == 1 && !trail_star_) return s.size() == seg.size();
  }
  if (!trail_star_ && last > first) {
    const auto& seg = segments_.back();
    if (hi - lo < seg.size() || !seg_eq(s.substr(hi - seg.size()), seg, ci_)) return false;
    hi -= seg.size();
    --last;
  }
  // Middle segments: leftmost match of each in order is optimal for '*'.
  std::string_view mid = s.substr(0, hi);
  for (size_t i = first; i < last; ++i) {
    size_t p = seg_find(mid, segments_[i], lo, ci_);
    if (p == std::string_view::npos) return false;
    lo = p + segments_[i].size();
  }
  return lo <= hi;
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  size_t run = 0;  // start of the pending run of bytes that need no escape
  for (size_t k = 0; k < s.size(); ++k) {
    const unsigned char c = static_cast<unsigned char>(s[k]);
    if (c != '"' && c != '\\' && c >= 0x20) continue;
    out.append(s.data() + run, k - run);
    run = k + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

}  // namespace splinter
