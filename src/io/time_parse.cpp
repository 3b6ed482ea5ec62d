#include "io/time_parse.h"

#include "io/event.h"

namespace splinter::io {

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's algorithm: exact for the whole proleptic Gregorian range.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return kDays[m - 1] + (m == 2 && leap);
}

namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

bool valid_ymdhms(int y, int mo, int d, int h, int mi, int se) {
  // A day past the month's end (2024-02-30) is no date: unreadable, not rolled over.
  return y >= 1601 && mo >= 1 && mo <= 12 && d >= 1 && unsigned(d) <= days_in_month(y, unsigned(mo)) && h <= 23 &&
         mi <= 59 && se <= 60;
}

int64_t to_us(int y, int mo, int d, int h, int mi, int se) {
  int64_t days = days_from_civil(y, unsigned(mo), unsigned(d));
  return ((days * 24 + h) * 60 + mi) * 60 * 1000000LL + int64_t(se) * 1000000LL;
}

}  // namespace

int64_t parse_iso_time(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  int y, mo, d, h, mi, se;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ' && s[10] != 't') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
    return kNoTime;
  if (!valid_ymdhms(y, mo, d, h, mi, se)) return kNoTime;
  int64_t us = to_us(y, mo, d, h, mi, se);
  size_t p = 19;
  if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
    ++p;
    int64_t frac = 0;
    int nd = 0;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      if (nd < 6) {
        frac = frac * 10 + (s[p] - '0');
        ++nd;
      }
      ++p;
    }
    for (; nd < 6; ++nd) frac *= 10;
    us += frac;
  }
  if (p == s.size()) return us;
  if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == s.size()) return us;
  if (s[p] == ' ' && p + 1 < s.size()) ++p;  // "2024-05-16 09:20:11 +00:00"
  if (s[p] == '+' || s[p] == '-') {
    int oh = 0, om = 0;
    size_t q = p + 1;
    if (!digits(s, q, 2, oh)) return kNoTime;
    q += 2;
    if (q < s.size() && s[q] == ':') ++q;
    if (q < s.size()) {
      if (!digits(s, q, 2, om)) return kNoTime;
      q += 2;
    }
    if (q != s.size()) return kNoTime;
    int64_t off = (int64_t(oh) * 60 + om) * 60 * 1000000LL;
    return s[p] == '+' ? us - off : us + off;
  }
  if (s.substr(p) == "UTC" || s.substr(p) == "GMT") return us;
  return kNoTime;
}

int64_t parse_classic_time(std::string_view s) {
  // MM/DD/YYYY hh:mm:ss AM|PM
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  int mo, d, y, h, mi, se;
  // Shortest accepted: "01/14/2021 1:41:39" (one-digit hour, no AM/PM).
  if (s.size() < 18 || !digits(s, 0, 2, mo) || s[2] != '/' || !digits(s, 3, 2, d) || s[5] != '/' ||
      !digits(s, 6, 4, y) || s[10] != ' ')
    return kNoTime;
  size_t p = 11;
  // The hour may have one or two digits.
  size_t hl = (p + 1 < s.size() && s[p + 1] == ':') ? 1 : 2;
  if (!digits(s, p, hl, h)) return kNoTime;
  p += hl;
  if (p + 6 > s.size() || s[p] != ':' || !digits(s, p + 1, 2, mi) || s[p + 3] != ':' || !digits(s, p + 4, 2, se))
    return kNoTime;
  p += 6;
  std::string_view ampm = s.substr(p);
  if (ampm == " PM" || ampm == " pm") {
    if (h < 12) h += 12;
  } else if (ampm == " AM" || ampm == " am") {
    if (h == 12) h = 0;
  } else if (!ampm.empty()) {
    return kNoTime;
  }
  if (!valid_ymdhms(y, mo, d, h, mi, se)) return kNoTime;
  return to_us(y, mo, d, h, mi, se);
}

}  // namespace splinter::io
