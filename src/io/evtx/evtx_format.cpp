#include "io/evtx/evtx_format.h"

#include <zlib.h>

namespace splinter::io::evtx {

uint32_t crc32_of(const uint8_t* p, size_t n, uint32_t seed) {
  uLong c = seed;
  while (n > 0) {  // zlib takes uInt lengths
    uInt step = n > (1u << 30) ? (1u << 30) : uInt(n);
    c = ::crc32(c, p, step);
    p += step;
    n -= step;
  }
  return uint32_t(c);
}

namespace {

// Days since 1970-01-01 -> civil date (H. Hinnant's algorithm), valid far beyond 9999.
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = int64_t(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

void put_digits(std::string& out, uint64_t v, int width) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = char('0' + v % 10);
    v /= 10;
  } while (v > 0);
  for (int i = n; i < width; ++i) out.push_back('0');
  while (n > 0) out.push_back(buf[--n]);
}

}  // namespace

void append_filetime(std::string& out, uint64_t ft) {
  const uint64_t secs = ft / 10000000ull;
  const uint64_t frac = ft % 10000000ull;
  // 1601-01-01 is 134774 days before the Unix epoch.
  const int64_t days = int64_t(secs / 86400) - 134774;
  const uint64_t sod = secs % 86400;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  put_digits(out, uint64_t(y), 4);
  out.push_back('-');
  put_digits(out, m, 2);
  out.push_back('-');
  put_digits(out, d, 2);
  out.push_back('T');
  put_digits(out, sod / 3600, 2);
  out.push_back(':');
  put_digits(out, sod / 60 % 60, 2);
  out.push_back(':');
  put_digits(out, sod % 60, 2);
  out.push_back('.');
  put_digits(out, frac, 7);
  out.append("00Z");
}

bool filetime_to_unix_us(uint64_t ft, int64_t& us) {
  if (ft >= kFiletimeYear10000) return false;
  us = (int64_t(ft) - int64_t(kFiletimeUnixEpoch)) / 10;  // truncates toward 0; fine for >= 1970
  if (ft < kFiletimeUnixEpoch && (int64_t(ft) - int64_t(kFiletimeUnixEpoch)) % 10 != 0) --us;
  return true;
}

bool parse_iso_utc_us(const char* s, size_t n, int64_t& us) {
  auto num = [&](size_t at, size_t len, int& v) {
    if (at + len > n) return false;
    v = 0;
    for (size_t i = at; i < at + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, se;
  if (!num(0, 4, y) || n < 19 || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' || !num(8, 2, d) ||
      (s[10] != 'T' && s[10] != ' ') || !num(11, 2, h) || s[13] != ':' || !num(14, 2, mi) ||
      s[16] != ':' || !num(17, 2, se))
    return false;
  if (y < 1601 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return false;
  int64_t frac_us = 0;
  size_t i = 19;
  if (i < n && s[i] == '.') {
    ++i;
    int digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      if (digits < 6) frac_us = frac_us * 10 + (s[i] - '0');
      ++digits;
      ++i;
    }
    for (; digits < 6; ++digits) frac_us *= 10;
  }
  if (i < n && s[i] == 'Z') ++i;
  if (i != n) return false;
  const int64_t days = days_from_civil(y, unsigned(mo), unsigned(d));
  us = ((days * 86400) + h * 3600 + mi * 60 + se) * 1000000 + frac_us;
  return true;
}

}  // namespace splinter::io::evtx
