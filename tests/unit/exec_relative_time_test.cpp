// relative_time() (Splunk's relative time modifiers) and cidrmatch().
#include <gtest/gtest.h>

#include "exec/eval_expr.h"

using splinter::exec::apply_relative_time;
using splinter::exec::cidr_match;

namespace {
// 2026-03-18T14:37:25.5Z, a Wednesday.
constexpr double kT = 1773844645.5;
double rt(const char* mod) {
  double out = -1;
  EXPECT_TRUE(apply_relative_time(kT, mod, out)) << mod;
  return out;
}
}  // namespace

TEST(ExecRelativeTime, OffsetsKeepTheFraction) {
  EXPECT_DOUBLE_EQ(rt("now"), kT);
  EXPECT_DOUBLE_EQ(rt("+30m"), kT + 1800);
  EXPECT_DOUBLE_EQ(rt("-24h"), kT - 86400);
  EXPECT_DOUBLE_EQ(rt("-1d+2h"), kT - 86400 + 7200);
  EXPECT_DOUBLE_EQ(rt("-h"), kT - 3600);  // no number: 1
}

TEST(ExecRelativeTime, SnapRoundsDownToTheUnit) {
  EXPECT_DOUBLE_EQ(rt("@d"), 1773792000);           // 2026-03-18T00:00:00Z
  EXPECT_DOUBLE_EQ(rt("-30d@d"), 1773792000 - 30 * 86400.0);
  EXPECT_DOUBLE_EQ(rt("@h"), 1773842400);           // 14:00:00
  EXPECT_DOUBLE_EQ(rt("-70m@m"), 1773840420);       // 13:27:00
  EXPECT_DOUBLE_EQ(rt("-24h@h"), 1773842400 - 86400.0);
  EXPECT_DOUBLE_EQ(rt("@d+8h"), 1773792000 + 8 * 3600.0);  // offset after the snap
  EXPECT_DOUBLE_EQ(rt("@w0"), 1773532800);          // Sunday 2026-03-15
  EXPECT_DOUBLE_EQ(rt("@w1"), 1773619200);          // Monday 2026-03-16
  EXPECT_DOUBLE_EQ(rt("@mon"), 1772323200);         // 2026-03-01
  EXPECT_DOUBLE_EQ(rt("@q"), 1767225600);           // 2026-01-01
  EXPECT_DOUBLE_EQ(rt("@y"), 1767225600);
}

TEST(ExecRelativeTime, MonthsClampTheDay) {
  double out;
  // 2026-03-31T00:00:00Z - 1mon -> 2026-02-28 (decision: clamped to the month's length).
  ASSERT_TRUE(apply_relative_time(1774915200, "-1mon", out));
  EXPECT_DOUBLE_EQ(out, 1772236800);
  ASSERT_TRUE(apply_relative_time(1774915200, "+1y", out));
  EXPECT_DOUBLE_EQ(out, 1774915200 + 365 * 86400.0);
}

TEST(ExecRelativeTime, UnknownModifiersFail) {
  double out;
  EXPECT_FALSE(apply_relative_time(kT, "-1x", out));
  EXPECT_FALSE(apply_relative_time(kT, "yesterday", out));
  EXPECT_FALSE(apply_relative_time(kT, "@fortnight", out));
}

TEST(ExecCidrmatch, Ipv4Subnets) {
  EXPECT_TRUE(cidr_match("10.0.0.0/8", "10.200.3.4"));
  EXPECT_FALSE(cidr_match("10.0.0.0/8", "11.0.0.1"));
  EXPECT_TRUE(cidr_match("172.16.0.0/12", "172.31.255.255"));
  EXPECT_FALSE(cidr_match("172.16.0.0/12", "172.32.0.0"));
  EXPECT_TRUE(cidr_match("192.168.1.7", "192.168.1.7"));  // a bare address: /32
  EXPECT_TRUE(cidr_match("0.0.0.0/0", "8.8.8.8"));
  EXPECT_FALSE(cidr_match("10.0.0.0/8", "10.0.0"));
  EXPECT_FALSE(cidr_match("10.0.0.0/8", "fe80::1"));
  EXPECT_FALSE(cidr_match("10.0.0.0/33", "10.0.0.1"));
}
