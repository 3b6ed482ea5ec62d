#include "common/timefmt.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>

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
  // _time carries microseconds; a double near 1.7e9 holds them only to ~0.2 us, so
  // round to the microsecond before cutting digits (.0021 must not print as .002099).
  double whole = std::floor(epoch);
  auto micros = static_cast<long long>(std::llround((epoch - whole) * 1e6));
  if (micros >= 1000000) whole += 1, micros -= 1000000;
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
      long long ns = micros * 1000;
      if (ns < 0) ns = 0;
      std::snprintf(buf, sizeof buf, "%09lld", ns);
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
