// _time through the row pipeline: carried in exact microseconds, so aggregations and
// ctime/strftime render far dates (9999-12-31T23:59:59.999999) and those before 1970
// exactly, where a double in seconds cannot hold the microseconds.
#include <gtest/gtest.h>

#include "common/timefmt.h"
#include "exec/plan.h"
#include "spl/parser.h"

using namespace splinter;
using namespace splinter::exec;

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

// Runs the commands after a leading search over the given rows.
std::vector<Row> run(const char* spl, std::vector<Row> rows) {
  auto plan = compile_plan(spl::parse_pipeline(spl));
  return run_row_ops(*plan, std::move(rows));
}

std::string text(const Row& r, const char* f) {
  const Value* v = r.get(f);
  return v ? v->text() : "<null>";
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
