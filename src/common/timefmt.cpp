#include "common/timefmt.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
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
