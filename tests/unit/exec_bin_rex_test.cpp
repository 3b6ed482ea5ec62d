// bin/bucket and rex over result rows: values, multivalues, and compile errors with
// the position of what is wrong.
#include <gtest/gtest.h>

#include "exec/regex.h"
#include "exec_test_util.h"

using namespace splinter;
using namespace splinter::exec;
using namespace splinter::exec::test;

TEST(ExecBin, TimeGoesToTheStartOfItsEpochAlignedBucket) {
  Row r;
  r.set("_time", Value::of_time_us(1795162443551234));  // 2026-11-20T08:14:03.551234Z
  auto out = run("search * | bucket span=5m _time | bin _time span=1d as day", {r});
  ASSERT_EQ(out.size(), 1u);
  const Value* t = out[0].get("_time");
  ASSERT_TRUE(t && t->type == Value::Type::Num && t->exact_us);  // stays a number, as with stats by _time span=
  EXPECT_EQ(t->us, 1795162200000000);  // 08:10:00
  EXPECT_EQ(text(out[0], "day"), "1795132800");  // 00:00 UTC
}

TEST(ExecBin, BeforeEpochFloorsDownAndNonNumbersStay) {
  Row r;
  r.set("_time", Value::of_time_us(-1500000));  // 1969-12-31T23:59:58.5Z
  r.set("t", Value::of(std::string("-61")));
  r.set("name", Value::of(std::string("abc")));
  auto out = run("search * | bin _time span=1s | bin t span=1m | bin name span=1h", {r});
  EXPECT_EQ(out[0].get("_time")->us, -2000000);
  EXPECT_EQ(text(out[0], "t"), "-120");
  EXPECT_EQ(text(out[0], "name"), "abc");
}

// Splunk gives a plain-number span on a non-time field as the range "start-end"
// (Search Manual, "Search using time bins and spans": "ranges like 10-12 and 14-16").
TEST(ExecBin, NumericSpanGivesRanges) {
  auto out = run("search * | bin n span=10 | bin m span=2.5 as m2 | bin neg span=10",
                 {row({{"n", "17"}, {"m", "6"}, {"neg", "-3"}})});
  EXPECT_EQ(text(out[0], "n"), "10-20");
  EXPECT_EQ(text(out[0], "m"), "6");
  EXPECT_EQ(text(out[0], "m2"), "5-7.5");
  EXPECT_EQ(text(out[0], "neg"), "-10-0");
}

TEST(ExecBin, BadSpansAreCompileErrors) {
  std::string msg;
  EXPECT_EQ(compile_error_pos("search * | bin _time span=1w", &msg), 26u);
  EXPECT_EQ(compile_error_pos("search * | bin _time span=0m", &msg), 26u);
  EXPECT_EQ(compile_error_pos("search * | bin n span=log10", &msg), 22u);
  EXPECT_NE(msg.find("logarithmic"), std::string::npos) << msg;
  EXPECT_EQ(compile_error_pos("search * | bin n span=-5"), 22u);
  // stats/tstats by _time span= point at the span, not at the command (found by a new user).
  EXPECT_EQ(compile_error_pos("search * | stats count by _time span=1w"), 32u);
  EXPECT_EQ(compile_error_pos("| tstats count from datamodel=Endpoint.Processes by _time span=1.5h"), 58u);
}

TEST(ExecRex, NamedGroupsOfTheFirstMatch) {
  auto out = run(R"~~(search * | rex field=user "^(?P<domain>[^\\\\]+)\\\\(?<account>.+)$" | rex field=p "(?<d>\d)")~~",
                 {row({{"user", "ACME\\jdoe"}, {"p", "a1b2"}})});
  EXPECT_EQ(text(out[0], "domain"), "ACME");
  EXPECT_EQ(text(out[0], "account"), "jdoe");
  EXPECT_EQ(text(out[0], "d"), "1");
}

// Splunk does not set the named fields when there is no match; a group that takes no
// part in the match leaves its field alone too.
TEST(ExecRex, NoMatchLeavesFieldsAlone) {
  auto out = run(
      R"~~(search * | rex field=s "(?<keep>y)" | rex field=missing "(?<keep>.*)" | rex "(?<keep>.*)" | rex field=s "(?<opt>z)?(?<all>x)")~~",
      {row({{"s", "x"}, {"keep", "old"}})});
  EXPECT_EQ(text(out[0], "keep"), "old");
  EXPECT_EQ(text(out[0], "opt"), "<null>");
  EXPECT_EQ(text(out[0], "all"), "x");
}

TEST(ExecRex, MaxMatchMakesMultivalues) {
  auto out = run(R"~~(search * | rex field=s max_match=2 "(?<d>\d+)" | rex field=s max_match=0 "(?<l>[a-z])(?<n>\d)?")~~"
                 R"~~( | rex field=s max_match=5 "(?<one>b)")~~",
                 {row({{"s", "a1b22c"}})});
  EXPECT_EQ(text(out[0], "d"), "1|22");
  EXPECT_EQ(text(out[0], "l"), "a|b|c");
  EXPECT_EQ(text(out[0], "n"), "1|2");  // c has no digit: no value from that match
  EXPECT_EQ(out[0].get("one")->type, Value::Type::Str);  // one match: a single value
}

TEST(ExecRex, MultivalueInputIsMatchedValueByValue) {
  Row r;
  r.set("v", Value{Value::Type::Multi, "", 0, {"k=1", "x", "k=2"}});
  auto out = run(R"~~(search * | rex field=v "k=(?<first>\d)" | rex field=v max_match=0 "k=(?<all>\d)")~~", {r});
  EXPECT_EQ(text(out[0], "first"), "1");
  EXPECT_EQ(text(out[0], "all"), "1|2");
}

TEST(ExecRex, SedReplacesFirstNthOrEveryMatch) {
  auto out = run(
      R"~~(search * | rex field=a mode=sed "s/o/0/" | rex field=b mode=sed "s/o/0/2" | rex field=c mode=sed "s/(\w+)@(\w+)/\2 at \1/g")~~"
      R"~~( | rex field=d mode=sed "s/\//|/g" | rex field=e mode=sed "s#x#\##g" | rex field=f mode=sed "s/nomatch/y/")~~",
      {row({{"a", "foo boo"}, {"b", "foo boo"}, {"c", "u@h v@k"}, {"d", "a/b/c"}, {"e", "axbx"}})});
  EXPECT_EQ(text(out[0], "a"), "f0o boo");
  EXPECT_EQ(text(out[0], "b"), "fo0 boo");
  EXPECT_EQ(text(out[0], "c"), "h at u k at v");
  EXPECT_EQ(text(out[0], "d"), "a|b|c");
  EXPECT_EQ(text(out[0], "e"), "a#b#");
  EXPECT_EQ(text(out[0], "f"), "<null>");  // a missing field stays missing
}

TEST(ExecRex, SedOnANumberKeepsItWhenNothingChanges) {
  Row r;
  r.set("n", Value::of(12.0));
  auto out = run(R"~~(search * | rex field=n mode=sed "s/x/y/g")~~", {r});
  EXPECT_EQ(out[0].get("n")->type, Value::Type::Num);
  out = run(R"~~(search * | rex field=n mode=sed "s/1/9/")~~", {r});
  EXPECT_EQ(text(out[0], "n"), "92");
}

TEST(ExecRex, BadPatternsAreCompileErrorsAtTheirPosition) {
  std::string msg;
  // "search * | rex field=x " is 23 bytes: the quote, then the pattern from 24.
  EXPECT_EQ(compile_error_pos(R"~~(search * | rex field=x "(?<a>x")~~", &msg), 24u + 6);
  EXPECT_NE(msg.find("missing closing parenthesis"), std::string::npos) << msg;
  // \\ and \" take two bytes in the text, one in the pattern.
  EXPECT_EQ(compile_error_pos(R"~~(search * | rex field=x "\\\"(?<a>x++++)")~~", &msg), 24u + 4 + 8);  // at the third +
  EXPECT_EQ(compile_error_pos(R"~~(search * | rex field=x "no named group")~~", &msg), 23u);
  EXPECT_NE(msg.find("named group"), std::string::npos) << msg;
  EXPECT_EQ(compile_error_pos(R"~~(search * | rex field=x mode=sed "s/(a/b/")~~", &msg), 33u + 2 + 2);
  EXPECT_EQ(compile_error_pos(R"~~(search * | rex field=x mode=sed "s/a/b")~~", &msg), 33u + 5);
  EXPECT_EQ(compile_error_pos(R"~~(search * | rex field=x mode=sed "s/a/b/q")~~", &msg), 33u + 6);
  EXPECT_EQ(compile_error_pos(R"~~(search * | rex field=x mode=sed "y/a/b/")~~", &msg), 33u);
  EXPECT_NE(msg.find("y///"), std::string::npos) << msg;
}

TEST(ExecRex, RawIsMissingSoANoteSaysSo) {
  auto plan = compile_plan(spl::parse_pipeline(R"~~(search * | rex "(?<a>.)")~~"));
  ASSERT_EQ(plan->warnings.size(), 1u);
  EXPECT_NE(plan->warnings[0].find("_raw"), std::string::npos);
}

// find_all steps past empty matches as Perl's m//g does.
TEST(ExecRegex, FindAllAndEmptyMatches) {
  Regex re("(?<b>b*)");
  auto ms = re.find_all("abba", 0);
  ASSERT_EQ(ms.size(), 4u);  // "" at 0, "bb", "" at 3, "" at 4
  EXPECT_EQ(ms[0][0], (std::pair<size_t, size_t>{0, 0}));
  EXPECT_EQ(ms[1][0], (std::pair<size_t, size_t>{1, 3}));
  EXPECT_EQ(ms[2][0], (std::pair<size_t, size_t>{3, 3}));
  EXPECT_EQ(ms[3][0], (std::pair<size_t, size_t>{4, 4}));
  EXPECT_EQ(re.find_all("abba", 2).size(), 2u);
  Regex multi("(?<x>.)(?<y>z)?");
  auto m = multi.find_all("\xC3\xA9", 0);  // one two-byte character, not two bytes
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0][2].first, std::string::npos);
  EXPECT_EQ(multi.named_groups(), (std::vector<std::pair<std::string, int>>{{"x", 1}, {"y", 2}}));
}
