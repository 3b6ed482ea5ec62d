#include "io/evtx/evtx_format.h"

#include "io/time_parse.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SPLINTER_EVTX_CRC_PCLMUL 1
#endif

namespace splinter::io::evtx {
namespace {

// CRC32, zlib polynomial (reflected 0xedb88320). Portable path: slicing-by-8
// tables; x86 with PCLMULQDQ: carry-less multiply folding of 64-byte blocks
// (Gopal, Ozturk et al., "Fast CRC Computation for Generic Polynomials Using
// PCLMULQDQ Instruction", Intel 2009; the constants are those of its zlib port),
// chosen at run time. Both give zlib's crc32() exactly (see io_evtx_reader_test).
struct CrcTables {
  uint32_t t[8][256];
  constexpr CrcTables() : t{} {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i)
      for (int k = 1; k < 8; ++k) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
  }
};
constexpr CrcTables kCrc;

// c: the pre-inverted running CRC.
uint32_t crc_slice8(uint32_t c, const uint8_t* p, size_t n) {
  const auto& t = kCrc.t;
  for (; n >= 8; n -= 8, p += 8) {
    const uint32_t lo = le32(p) ^ c, hi = le32(p + 4);
    c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
        t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
  }
  for (; n > 0; --n, ++p) c = t[0][(c ^ *p) & 0xff] ^ (c >> 8);
  return c;
}

#if defined(SPLINTER_EVTX_CRC_PCLMUL)
#define SPLINTER_PCLMUL_FN __attribute__((target("pclmul,sse2"))) inline
SPLINTER_PCLMUL_FN __m128i load16(const uint8_t* q) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q)); }
SPLINTER_PCLMUL_FN __m128i fold(__m128i x, __m128i k, __m128i next) {
  const __m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
  const __m128i hi = _mm_clmulepi64_si128(x, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(hi, lo), next);
}

// n >= 64 and a multiple of 16; c: the pre-inverted running CRC.
__attribute__((target("pclmul,sse2"))) uint32_t crc_pclmul(uint32_t c, const uint8_t* p, size_t n) {
  const __m128i k1k2 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
  const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
  const __m128i k5k0 = _mm_set_epi64x(0, 0x0163cd6124);
  const __m128i poly = _mm_set_epi64x(0x01f7011641, 0x01db710641);
  __m128i x1 = _mm_xor_si128(load16(p), _mm_cvtsi32_si128(int(c)));
  __m128i x2 = load16(p + 16), x3 = load16(p + 32), x4 = load16(p + 48);
  p += 64;
  n -= 64;
  for (; n >= 64; n -= 64, p += 64) {
    x1 = fold(x1, k1k2, load16(p));
    x2 = fold(x2, k1k2, load16(p + 16));
    x3 = fold(x3, k1k2, load16(p + 32));
    x4 = fold(x4, k1k2, load16(p + 48));
  }
  x1 = fold(x1, k3k4, x2);
  x1 = fold(x1, k3k4, x3);
  x1 = fold(x1, k3k4, x4);
  for (; n >= 16; n -= 16, p += 16) x1 = fold(x1, k3k4, load16(p));
  // 128 -> 64 bits.
  const __m128i mask32 = _mm_setr_epi32(~0, 0, ~0, 0);
  x2 = _mm_clmulepi64_si128(x1, k3k4, 0x10);
  x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), x2);
  x2 = _mm_srli_si128(x1, 4);
  x1 = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x1, mask32), k5k0, 0x00), x2);
  // Barrett reduction to 32 bits.
  x2 = _mm_clmulepi64_si128(_mm_and_si128(x1, mask32), poly, 0x10);
  x2 = _mm_clmulepi64_si128(_mm_and_si128(x2, mask32), poly, 0x00);
  x1 = _mm_xor_si128(x1, x2);
  return uint32_t(_mm_cvtsi128_si32(_mm_srli_si128(x1, 4)));
}

bool have_pclmul() {
  static const bool yes = [] {
    __builtin_cpu_init();  // may run before libgcc's own constructor
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
  }();
  return yes;
}
#endif

}  // namespace

uint32_t crc32_of(const uint8_t* p, size_t n, uint32_t seed) {
  uint32_t c = ~seed;
#if defined(SPLINTER_EVTX_CRC_PCLMUL)
  if (n >= 64 && have_pclmul()) {
    const size_t bulk = n & ~size_t(15);
    c = crc_pclmul(c, p, bulk);
    p += bulk;
    n -= bulk;
  }
#endif
  return ~crc_slice8(c, p, n);
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
  if (y >= 0 && y <= 9999) {  // always, but for FILETIMEs past year 9999
    // Fixed layout "YYYY-MM-DDTHH:MM:SS.fffffff00Z", filled in place.
    char b[30];
    auto put = [&](int at, uint64_t v, int width) {
      for (int i = at + width - 1; i >= at; --i, v /= 10) b[i] = char('0' + v % 10);
    };
    put(0, uint64_t(y), 4);
    b[4] = '-';
    put(5, m, 2);
    b[7] = '-';
    put(8, d, 2);
    b[10] = 'T';
    put(11, sod / 3600, 2);
    b[13] = ':';
    put(14, sod / 60 % 60, 2);
    b[16] = ':';
    put(17, sod % 60, 2);
    b[19] = '.';
    put(20, frac, 7);
    b[27] = '0';
    b[28] = '0';
    b[29] = 'Z';
    out.append(b, sizeof b);
    return;
  }
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
  if (y < 1601 || mo < 1 || mo > 12 || d < 1 || unsigned(d) > days_in_month(y, unsigned(mo)) || h > 23 || mi > 59 ||
      se > 60)
    return false;
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
