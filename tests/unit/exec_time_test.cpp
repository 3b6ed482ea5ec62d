// _time through the row pipeline: carried in exact microseconds, so aggregations and
// ctime/strftime render far dates (9999-12-31T23:59:59.999999) and those before 1970
// exactly, where a double in seconds cannot hold the microseconds.
#include <gtest/gtest.h>

#include "common/timefmt.h"
#include "exec_test_util.h"

using namespace splinter;
using namespace splinter::exec;
using splinter::exec::test::run;
using splinter::exec::test::text;

namespace {

constexpr int64_t kLast = 253402300799999999;      // 9999-12-31T23:59:59.999999Z
constexpr int64_t kNextToLast = 253402300799999998;  // one microsecond before
constexpr int64_t kMoonLanding = -14182939500000;  // 1969-07-20T20:17:40.5Z

Row event(int64_t us, const char* host) {
  Row r;
  r.set("_time", Value::of_time_us(us));
  r.set("host", Value::of(std::string(host)));
  return r;
}

}  // namespace

TEST(ExecTime, MinMaxKeepExactMicrosecondsForCtime) {
  ASSERT_TRUE(set_display_timezone("UTC"));
  auto rows = run(
      "search * | stats min(_time) as firstTime max(_time) as lastTime count by host"
      " | convert timeformat=\"%Y-%m-%dT%H:%M:%S.%6N\" ctime(firstTime) ctime(lastTime) AS lastText",
      {event(kNextToLast, "a"), event(kLast, "a"), event(0, "b"), event(kMoonLanding, "b")});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(text(rows[0], "host"), "a");
  EXPECT_EQ(text(rows[0], "firstTime"), "9999-12-31T23:59:59.999998");
  EXPECT_EQ(text(rows[0], "lastText"), "9999-12-31T23:59:59.999999");
  // max() stays a number (the AS copy leaves it), with its exact microseconds.
  const Value* last = rows[0].get("lastTime");
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->type, Value::Type::Num);
  EXPECT_EQ(last->text(), "253402300799.999999");
  EXPECT_EQ(text(rows[1], "firstTime"), "1969-07-20T20:17:40.500000");
  EXPECT_EQ(text(rows[1], "lastText"), "1970-01-01T00:00:00.000000");
}

TEST(ExecTime, DefaultCtimeAndStrftimeAtTheEndOfYear9999) {
  ASSERT_TRUE(set_display_timezone("UTC"));
  auto rows = run("search * | eval s=strftime(_time, \"%Y-%m-%d %H:%M:%S.%3N\") | convert ctime(_time)",
                  {event(kLast, "a")});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(text(rows[0], "s"), "9999-12-31 23:59:59.999");
  EXPECT_EQ(text(rows[0], "_time"), "12/31/9999 23:59:59");
}

TEST(ExecTime, EarliestAndLatestOrderByMicroseconds) {
  // One microsecond apart at year 9999: equal as doubles, ordered as microseconds.
  Row a = event(kLast, "h"), b = event(kNextToLast, "h");
  a.set("v", Value::of(std::string("last")));
  b.set("v", Value::of(std::string("first")));
  auto rows = run("search * | stats earliest(v) as e latest(v) as l by host", {a, b});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(text(rows[0], "e"), "first");
  EXPECT_EQ(text(rows[0], "l"), "last");
}

TEST(ExecTime, MixedNumbersFallBackToDoubles) {
  // A min over numbers that are not all times is an ordinary number.
  Row a = event(1000000, "h");
  Row b;
  b.set("_time", Value::of(0.5));
  b.set("host", Value::of(std::string("h")));
  auto rows = run("search * | stats min(_time) as t max(_time) as u by host", {a, b});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(text(rows[0], "t"), "0.5");
  EXPECT_EQ(text(rows[0], "u"), "1");
}

TEST(ExecTime, SpanBucketsAreNumbersAtTheBucketStart) {
  // 2024-03-05T14:15:07.25Z and 14:59:59.999999Z share the 14:00 hour; 15:00:00 starts the next.
  const int64_t h14 = 1709647200000000;
  std::vector<Row> rows = {event(h14 + 907250000, "a"), event(h14 + 3599999999, "a"), event(h14 + 3600000000, "a")};
  auto out = run("search * | stats count by _time span=1h", rows);
  ASSERT_EQ(out.size(), 2u);
  const Value* t = out[0].get("_time");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->type, Value::Type::Num);
  EXPECT_EQ(t->text(), "1709647200");
  EXPECT_EQ(text(out[0], "count"), "2");
  EXPECT_EQ(text(out[1], "_time"), "1709650800");
  EXPECT_EQ(text(out[1], "count"), "1");
  // Day spans start at 00:00 UTC; 90m spans count from the epoch.
  out = run("search * | stats count by _time span=1d", rows);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(text(out[0], "_time"), "1709596800");  // 2024-03-05T00:00:00Z
  out = run("search * | stats count by _time span=90m", rows);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(text(out[0], "_time"), "1709645400");  // 13:30 to 15:00 (multiples of 5400 s)
  EXPECT_EQ(text(out[0], "count"), "2");
  EXPECT_EQ(text(out[1], "_time"), "1709650800");
}

TEST(ExecTime, SpanBucketsBefore1970AndAtTheEndOf9999) {
  ASSERT_TRUE(set_display_timezone("UTC"));
  // -0.5 s lies in the second that starts at -1, not in the one at 0.
  auto out = run("search * | stats count by _time span=1s | convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime(_time)",
                 {event(-500000, "a"), event(kMoonLanding, "a"), event(kLast, "a")});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(text(out[0], "_time"), "1969-07-20T20:17:40");
  EXPECT_EQ(text(out[1], "_time"), "1969-12-31T23:59:59");
  EXPECT_EQ(text(out[2], "_time"), "9999-12-31T23:59:59");
  out = run("search * | stats count by _time span=1d", {event(kMoonLanding, "a"), event(-1, "a")});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(text(out[0], "_time"), "-14256000");  // 1969-07-20T00:00:00Z
  EXPECT_EQ(text(out[1], "_time"), "-86400");     // 1969-12-31T00:00:00Z
}

TEST(ExecTime, ByTimeWithoutSpanIsANumberAndOtherKeysStayText) {
  Row r = event(1709648107250000, "a");
  auto out = run("search * | stats count by _time host", {r});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_NE(out[0].get("_time"), nullptr);
  EXPECT_EQ(out[0].get("_time")->type, Value::Type::Num);
  EXPECT_EQ(text(out[0], "_time"), "1709648107.25");
  ASSERT_NE(out[0].get("host"), nullptr);
  EXPECT_EQ(out[0].get("host")->type, Value::Type::Str);
  // A _time that is no longer a number (formatted text) is grouped and kept as text.
  out = run("search * | convert ctime(_time) | stats count by _time span=1h", {r});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].get("_time")->type, Value::Type::Str);
}

TEST(ExecTime, BadSpansAreCompileErrors) {
  for (const char* spl : {"search * | stats count by _time span=0h", "search * | stats count by _time span=1w",
                          "search * | stats count by _time span=99999999999d"})
    EXPECT_THROW(compile_plan(spl::parse_pipeline(spl)), spl::Error) << spl;
  EXPECT_NO_THROW(compile_plan(spl::parse_pipeline("search * | stats count by _time span=15min")));
}
