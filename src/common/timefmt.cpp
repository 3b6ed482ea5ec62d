#include "common/timefmt.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <cctype>
#include <fstream>

#include "common/strings.h"

namespace splinter {

static bool g_utc = true;

bool set_display_timezone(const std::string& tz) {
  if (tz.empty() || tz == "UTC" || tz == "utc" || tz == "Z" || tz == "GMT") {
    g_utc = true;
    return true;
  }
  // glibc silently treats an unknown zone as UTC; check the zone file exists.
  std::ifstream probe("/usr/share/zoneinfo/" + tz);
  if (!probe) return false;
  setenv("TZ", tz.c_str(), 1);
  tzset();
  g_utc = false;
  return true;
}

std::string format_time(double epoch, std::string_view fmt) {
  int64_t us;
  if (!seconds_to_us(epoch, us)) return format_number(epoch);
  return format_time_us(us, fmt);
}

std::string format_time_us(int64_t epoch_us, std::string_view fmt) {
  // Floor division: before 1970 the fraction still counts up from the second before
  // (-0.25 s is 23:59:59.750000 on 1969-12-31).
  int64_t whole = epoch_us / 1000000, micros = epoch_us % 1000000;
  if (micros < 0) whole -= 1, micros += 1000000;
  auto secs = static_cast<time_t>(whole);
  std::tm tm{};
  if (g_utc) gmtime_r(&secs, &tm);
  else localtime_r(&secs, &tm);
  std::string out;
  char buf[128];
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c != '%' || i + 1 >= fmt.size()) {
      out.push_back(c);
      continue;
    }
    char d = fmt[++i];
    int digits = 0;
    if (d >= '1' && d <= '9' && i + 1 < fmt.size() && fmt[i + 1] == 'N') {
      digits = d - '0';
      d = fmt[++i];
    }
    if (d == 'N' || d == 'Q' || d == 'q') {
      if (d == 'N' && digits == 0) digits = 9;
      if (d != 'N') digits = 3;
      // Truncate: format with many digits then cut.
      std::snprintf(buf, sizeof buf, "%09lld", static_cast<long long>(micros) * 1000);
      out.append(buf, static_cast<size_t>(digits));
      continue;
    }
    if (d == 's') {
      out += std::to_string(static_cast<long long>(secs));
      continue;
    }
    char spec[3] = {'%', d, 0};
    size_t n = std::strftime(buf, sizeof buf, spec, &tm);
    out.append(buf, n);
  }
  return out;
}

}  // namespace splinter

namespace splinter {

static int64_t civil_days(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return era * 146097 + (yoe * 365 + yoe / 4 - yoe / 100 + doy) - 719468;
}

bool parse_time_us(std::string_view s, std::string_view format, int64_t& out) {
  // Composite directives first become their parts.
  std::string fmt;
  for (size_t k = 0; k < format.size(); ++k) {
    if (format[k] == '%' && k + 1 < format.size()) {
      const char d = format[k + 1];
      const char* exp = d == 'T' ? "%H:%M:%S" : d == 'F' ? "%Y-%m-%d" : d == 'D' ? "%m/%d/%y" : d == 'R' ? "%H:%M" : nullptr;
      if (exp) {
        fmt += exp, ++k;
        continue;
      }
      fmt += format[k], fmt += format[++k];
      continue;
    }
    fmt += format[k];
  }
  static const char* kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                                  "july",    "august",   "september", "october", "november", "december"};
  static const char* kDays[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  int64_t year = 1970, mon = 1, day = 1, hour = 0, min = 0, sec = 0, micros = 0, yday = -1, epoch = 0;
  int pm = -1, offset_min = 0;
  bool has_offset = false, has_epoch = false;
  size_t i = 0;
  auto space = [&] {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  // Up to `max` digits (at least one), with an optional sign when `sign`.
  auto num = [&](size_t max, int64_t& v, bool sign = false) {
    bool neg = false;
    if (sign && i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    size_t n = 0;
    v = 0;
    while (i < s.size() && n < max && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0'), ++n;
    if (neg) v = -v;
    return n > 0;
  };
  // A month or weekday name, full or its first three letters, any case.
  auto name = [&](const char* const* names, int count, int64_t& idx) {
    for (int k = 0; k < count; ++k) {
      std::string_view full = names[k];
      for (size_t len : {full.size(), size_t(3)})
        if (i + len <= s.size() && iequals(s.substr(i, len), full.substr(0, len))) {
          i += len, idx = k;
          return true;
        }
    }
    return false;
  };
  for (size_t f = 0; f < fmt.size(); ++f) {
    const char c = fmt[f];
    if (std::isspace(static_cast<unsigned char>(c))) {
      space();
      continue;
    }
    if (c != '%' || f + 1 >= fmt.size()) {
      if (i >= s.size() || s[i] != c) return false;
      ++i;
      continue;
    }
    char d = fmt[++f];
    size_t frac_digits = 0;
    if (d >= '1' && d <= '9' && f + 1 < fmt.size() && fmt[f + 1] == 'N') frac_digits = size_t(d - '0'), d = fmt[++f];
    int64_t v = 0;
    bool ok = true;
    switch (d) {
      case 'Y': ok = num(4, year, true); break;
      case 'y': ok = num(2, v), year = v < 69 ? 2000 + v : 1900 + v; break;
      case 'm': ok = num(2, mon) && mon >= 1 && mon <= 12; break;
      case 'd':
      case 'e': space(), ok = num(2, day) && day >= 1 && day <= 31; break;
      case 'H':
      case 'k': space(), ok = num(2, hour) && hour <= 23; break;
      case 'I':
      case 'l': space(), ok = num(2, hour) && hour >= 1 && hour <= 12; break;
      case 'M': ok = num(2, min) && min <= 59; break;
      case 'S': ok = num(2, sec) && sec <= 60; break;
      case 'j': ok = num(3, yday) && yday >= 1 && yday <= 366; break;
      case 'p':
        if (i + 2 <= s.size() && (iequals(s.substr(i, 2), "am") || iequals(s.substr(i, 2), "pm")))
          pm = ascii_lower(s[i]) == 'p', i += 2;
        else ok = false;
        break;
      case 'b':
      case 'B':
      case 'h': ok = name(kMonths, 12, v), mon = v + 1; break;
      case 'a':
      case 'A': ok = name(kDays, 7, v); break;
      case 'N':
      case 'Q':
      case 'q': {
        // Subseconds: %N/%9N nine digits, %3N/%Q/%q milliseconds, %6N microseconds.
        size_t want = d == 'N' ? (frac_digits ? frac_digits : 9) : 3, n = 0;
        int64_t x = 0;
        while (i < s.size() && n < want && s[i] >= '0' && s[i] <= '9') x = x * 10 + (s[i++] - '0'), ++n;
        if (!n) return false;
        for (; n < 6; ++n) x *= 10;
        for (; n > 6; --n) x /= 10;
        micros = x;
        break;
      }
      case 's': ok = num(12, epoch, true), has_epoch = true; break;
      case 'z':
      case 'Z': {
        // +hhmm, +hh:mm, Z/UTC/GMT; other zone names are skipped (taken as UTC).
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
          const int sign = s[i++] == '-' ? -1 : 1;
          int64_t hh, mm = 0;
          if (!num(2, hh)) return false;
          if (i < s.size() && s[i] == ':') ++i;
          num(2, mm);
          offset_min = sign * int(hh * 60 + mm), has_offset = true;
        } else if (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) {
          while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
          has_offset = true;
        } else {
          ok = false;
        }
        break;
      }
      case '%':
        if (i >= s.size() || s[i] != '%') return false;
        ++i;
        break;
      default: return false;
    }
    if (!ok) return false;
  }
  if (has_epoch) {
    out = epoch * 1000000 + micros;
    return true;
  }
  if (pm >= 0) hour = (hour % 12) + (pm ? 12 : 0);
  int64_t days = yday > 0 ? civil_days(year, 1, 1) + yday - 1 : civil_days(year, mon, day);
  int64_t secs = days * 86400 + hour * 3600 + min * 60 + sec;
  if (has_offset) {
    secs -= int64_t(offset_min) * 60;
  } else if (!g_utc) {
    // The display zone: mktime reads the fields as local time.
    std::tm tm{};
    tm.tm_year = int(year - 1900), tm.tm_mon = int(mon - 1), tm.tm_mday = int(day);
    if (yday > 0) tm.tm_mon = 0, tm.tm_mday = int(yday);
    tm.tm_hour = int(hour), tm.tm_min = int(min), tm.tm_sec = int(sec), tm.tm_isdst = -1;
    const time_t t = mktime(&tm);
    if (t == time_t(-1) && !(year == 1969 && mon == 12 && day == 31)) return false;
    secs = int64_t(t);
  }
  out = secs * 1000000 + micros;
  return true;
}

}  // namespace splinter
