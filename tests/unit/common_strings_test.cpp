#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "common/literal_set.h"
#include "common/strings.h"
#include "common/timefmt.h"
#include "common/value.h"

using namespace splinter;

// A slow, obviously correct reference: '*' matches any run, comparison ASCII-folded.
static bool reference_match(std::string_view p, std::string_view s) {
  if (p.empty()) return s.empty();
  if (p[0] == '*') {
    for (size_t k = 0; k <= s.size(); ++k)
      if (reference_match(p.substr(1), s.substr(k))) return true;
    return false;
  }
  return !s.empty() && ascii_lower(p[0]) == ascii_lower(s[0]) && reference_match(p.substr(1), s.substr(1));
}

TEST(Wildcard, SplunkSearchSemantics) {
  EXPECT_TRUE(Wildcard("*/i*").matches("regsvr32.exe /s /I:http://x scrobj.dll"));  // case-insensitive
  EXPECT_TRUE(Wildcard("regsvr32.exe").matches("REGSVR32.EXE"));
  EXPECT_FALSE(Wildcard("regsvr32.exe").matches("regsvr32.exe "));  // whole value, not a substring
  EXPECT_FALSE(Wildcard("*/i*").matches("regsvr32 -s -i:x"));
  EXPECT_TRUE(Wildcard("*").matches(""));
  EXPECT_TRUE(Wildcard("a*b*c").matches("aXXbYYc"));
  EXPECT_FALSE(Wildcard("a*b*c").matches("aXXcYYb"));
  EXPECT_TRUE(Wildcard("ab*ab").matches("abab"));
  EXPECT_FALSE(Wildcard("ab*ab").matches("aba"));  // prefix and suffix may not overlap
  EXPECT_TRUE(Wildcard("").matches(""));
  EXPECT_FALSE(Wildcard("").matches("x"));
  EXPECT_FALSE(Wildcard("A*", false).matches("abc"));  // case-sensitive mode for field names
}

TEST(Wildcard, AgreesWithReferenceOnGeneratedCases) {
  const char* alphabet = "aAb*";
  unsigned seed = 12345;
  auto rnd = [&] { return seed = seed * 1103515245 + 12345, (seed >> 16) & 0x7fff; };
  for (int i = 0; i < 20000; ++i) {
    std::string p, s;
    for (unsigned n = rnd() % 6; n; --n) p += alphabet[rnd() % 4];
    for (unsigned n = rnd() % 8; n; --n) s += "aAbB"[rnd() % 4];
    ASSERT_EQ(Wildcard(p).matches(s), reference_match(p, s)) << "pattern '" << p << "' subject '" << s << "'";
  }
}

TEST(Numbers, ParseAndFormat) {
  double d;
  EXPECT_TRUE(parse_number(" 42 ", d));
  EXPECT_EQ(d, 42);
  EXPECT_TRUE(parse_number("-1.5e2", d));
  EXPECT_EQ(d, -150);
  EXPECT_FALSE(parse_number("0x1b28", d));  // hex process ids stay strings
  EXPECT_FALSE(parse_number("nan", d));
  EXPECT_FALSE(parse_number("", d));
  EXPECT_EQ(format_number(3), "3");
  EXPECT_EQ(format_number(2.5), "2.5");
  EXPECT_EQ(format_number(0.1 + 0.2), "0.3");                         // no float noise
  EXPECT_EQ(format_number(1795162443.551234), "1795162443.551234");  // microsecond _time kept whole
}

TEST(Ctime, SecurityContentFormatIsUtcAndTruncates) {
  ASSERT_TRUE(set_display_timezone("UTC"));
  // 2024-05-14T09:15:02.9999 must not round up to :03.
  EXPECT_EQ(format_time(1715678102.9999, "%Y-%m-%dT%H:%M:%S"), "2024-05-14T09:15:02");
  EXPECT_EQ(format_time(1715678102.25, std::string(kSplunkDefaultTimeFormat)), "05/14/2024 09:15:02");
  EXPECT_EQ(format_time(1715678102.123456, "%H:%M:%S.%3N|%6N|%Q"), "09:15:02.123|123456|123");
  EXPECT_EQ(format_time(0, "%s"), "0");
  // Sub-second digits of a microsecond _time (a double) are not cut one short
  // (found by a first user: .0021000Z printed as .002099, .918 as .917).
  EXPECT_EQ(format_time(1715678102.0021, "%S.%6N"), "02.002100");
  EXPECT_EQ(format_time(1715678102.918, "%S.%3N"), "02.918");
  EXPECT_EQ(format_time(1715678102.9999995, "%S.%6N"), "03.000000");
}

// _time in exact microseconds: a double cannot hold them near year 9999 (its step there
// is 30 us), where 23:59:59.999999 rounded up to year 10000.
TEST(Ctime, ExactOverTheWholeRange) {
  ASSERT_TRUE(set_display_timezone("UTC"));
  const std::string iso = "%Y-%m-%dT%H:%M:%S.%6N";
  const int64_t last = 253402300799999999;  // 9999-12-31T23:59:59.999999Z
  EXPECT_EQ(format_time_us(last, iso), "9999-12-31T23:59:59.999999");
  EXPECT_EQ(format_time_us(last, std::string(kSplunkDefaultTimeFormat)), "12/31/9999 23:59:59");
  EXPECT_EQ(format_time_us(last, "%s|%3N|%Q|%9N"), "253402300799|999|999|999999000");
  EXPECT_EQ(format_time_us(last - 999999, iso), "9999-12-31T23:59:59.000000");
  // The double path rounds to the microsecond, so it reaches year 10000 here: the
  // reason times are carried in microseconds.
  EXPECT_EQ(format_time(253402300799.999999, "%Y"), "10000");
  EXPECT_EQ(format_time_us(0, iso), "1970-01-01T00:00:00.000000");
  EXPECT_EQ(format_time_us(1, iso), "1970-01-01T00:00:00.000001");
  EXPECT_EQ(format_time_us(0, "%s"), "0");
  // Before 1970 the fraction counts up from the second before, not down.
  EXPECT_EQ(format_time_us(-1, iso), "1969-12-31T23:59:59.999999");
  EXPECT_EQ(format_time_us(-14182939500000, iso), "1969-07-20T20:17:40.500000");
  EXPECT_EQ(format_time_us(-11644473600000000, iso), "1601-01-01T00:00:00.000000");  // the FILETIME epoch
  EXPECT_EQ(format_time(-0.25, iso), "1969-12-31T23:59:59.750000");
}

TEST(EpochMicros, ParseAndFormatAreExact) {
  int64_t us = 0;
  EXPECT_TRUE(parse_epoch_us("253402300799.999999", us));
  EXPECT_EQ(us, 253402300799999999);
  EXPECT_EQ(format_epoch_us(us), "253402300799.999999");
  EXPECT_TRUE(parse_epoch_us(" 1709648107 ", us));
  EXPECT_EQ(us, 1709648107000000);
  EXPECT_EQ(format_epoch_us(us), "1709648107");
  EXPECT_TRUE(parse_epoch_us("1715678102.4471234", us));  // past six digits: cut, as Splunk cuts
  EXPECT_EQ(us, 1715678102447123);
  EXPECT_EQ(format_epoch_us(us), "1715678102.447123");
  EXPECT_TRUE(parse_epoch_us("-14182939.5", us));
  EXPECT_EQ(us, -14182939500000);
  EXPECT_EQ(format_epoch_us(us), "-14182939.5");
  EXPECT_EQ(format_epoch_us(-1), "-0.000001");
  EXPECT_EQ(format_epoch_us(0), "0");
  EXPECT_TRUE(parse_epoch_us("1.5e3", us));  // other number forms through a double
  EXPECT_EQ(us, 1500000000);
  EXPECT_FALSE(parse_epoch_us("12:00", us));
  EXPECT_FALSE(parse_epoch_us("", us));
  EXPECT_FALSE(parse_epoch_us("99999999999999999999", us));  // beyond int64 microseconds
  EXPECT_TRUE(seconds_to_us(1715678102.0021, us));
  EXPECT_EQ(us, 1715678102002100);
  EXPECT_FALSE(seconds_to_us(1e300, us));
  EXPECT_FALSE(seconds_to_us(std::nan(""), us));
}

TEST(EpochMicros, TimeValueKeepsItsMicroseconds) {
  Value v = Value::of_time_us(253402300799999999);
  EXPECT_EQ(v.type, Value::Type::Num);
  EXPECT_EQ(v.text(), "253402300799.999999");
  int64_t us = 0;
  ASSERT_TRUE(v.as_time_us(us));
  EXPECT_EQ(us, 253402300799999999);
  double d = 0;
  ASSERT_TRUE(v.as_number(d));  // still a number for arithmetic and comparisons
  EXPECT_NEAR(d, 253402300800.0, 1e-3);
  // A time's text read back (a renamed or copied field) stays exact.
  ASSERT_TRUE(Value::of(v.text()).as_time_us(us));
  EXPECT_EQ(us, 253402300799999999);
  EXPECT_EQ(Value::of_time_us(-14182939500000).text(), "-14182939.5");
  EXPECT_EQ(Value::of(1709648107.25).text(), "1709648107.25");  // other numbers as before
}

TEST(Ctime, OtherZones) {
  ASSERT_TRUE(set_display_timezone("Asia/Tokyo"));
  EXPECT_EQ(format_time(1715678102, "%Y-%m-%dT%H:%M:%S"), "2024-05-14T18:15:02");
  EXPECT_FALSE(set_display_timezone("Not/AZone"));
  ASSERT_TRUE(set_display_timezone("UTC"));
  EXPECT_EQ(format_time(1715678102, "%H"), "09");
}

// ifind_lower scans 16 positions at a time: it must agree with a plain scan at every
// offset, needle length and case mix, including matches that end at the last byte.
TEST(IfindLower, AgreesWithPlainScan) {
  std::mt19937 rng(3);
  const char alphabet[] = "aAbB/-.x";
  auto naive = [](std::string_view hay, std::string_view needle, size_t from) -> size_t {
    for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
      size_t k = 0;
      while (k < needle.size() && splinter::ascii_lower(hay[i + k]) == needle[k]) ++k;
      if (k == needle.size()) return i;
    }
    return std::string_view::npos;
  };
  for (int n = 0; n < 20000; ++n) {
    std::string hay(rng() % 70, ' '), needle(1 + rng() % 5, ' ');
    for (char& c : hay) c = alphabet[rng() % 8];
    for (char& c : needle) c = splinter::ascii_lower(alphabet[rng() % 8]);
    const size_t from = hay.empty() ? 0 : rng() % (hay.size() + 1);
    ASSERT_EQ(splinter::ifind_lower(hay, needle, from), naive(hay, needle, from)) << hay << " / " << needle << " @" << from;
  }
}

// The multi-literal prefilter must report exactly the literals a plain search finds.
TEST(LiteralSet, FindsWhatAPlainSearchFinds) {
  std::mt19937 rng(5);
  const char alphabet[] = "abAB-\\.\xc3";
  for (int round = 0; round < 300; ++round) {
    splinter::LiteralSet set;
    std::vector<std::string> lits;
    for (int k = 1 + rng() % 12; k > 0; --k) {
      std::string l(1 + rng() % 4, ' ');
      for (char& c : l) c = alphabet[rng() % 8];
      const uint32_t id = set.add(l);
      if (id == lits.size()) lits.push_back(splinter::to_lower(l));
      EXPECT_EQ(lits[id], splinter::to_lower(l));
    }
    set.build();
    for (int t = 0; t < 20; ++t) {
      std::string text(rng() % 40, ' ');
      for (char& c : text) c = alphabet[rng() % 8];
      std::vector<bool> found(lits.size());
      set.scan(text, [&](uint32_t id) { found[id] = true; });
      for (size_t i = 0; i < lits.size(); ++i)
        EXPECT_EQ(found[i], splinter::ifind_lower(text, lits[i]) != std::string_view::npos) << text << " / " << lits[i];
    }
  }
  splinter::LiteralSet none;
  none.build();
  int calls = 0;
  none.scan("anything", [&](uint32_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(Strings, ParseWhole) {
  int64_t n = -1;
  EXPECT_TRUE(parse_whole("0", 9, n));
  EXPECT_EQ(n, 0);
  EXPECT_TRUE(parse_whole("123456789", 9, n));
  EXPECT_EQ(n, 123456789);
  EXPECT_FALSE(parse_whole("1234567890", 9, n));  // more digits than allowed
  EXPECT_FALSE(parse_whole("", 9, n));
  EXPECT_FALSE(parse_whole("-1", 9, n));
  EXPECT_FALSE(parse_whole("+1", 9, n));
  EXPECT_FALSE(parse_whole("1.5", 9, n));
  EXPECT_EQ(n, 123456789);  // untouched on failure
}
