// PCRE2 limits: a catastrophic pattern on a hostile subject ends quickly, counts as
// no match and is counted as a limit hit; ordinary patterns are unaffected.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "exec/regex.h"

using splinter::exec::Regex;

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

TEST(ExecLimits, CatastrophicBacktrackingHitsTheMatchLimit) {
  const std::string subject = std::string(5000, 'a') + "!";
  for (const char* p : {"(a+)+$", "^(\\w+\\s?)*$"}) {
    Regex re(p);
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_FALSE(re.search(subject)) << p;
    EXPECT_LT(seconds_since(t0), 2.0) << p;
    EXPECT_EQ(re.limit_hits(), 1u) << p;
    EXPECT_FALSE(re.search(subject)) << p;  // and again: each search is bounded and counted
    EXPECT_EQ(re.limit_hits(), 2u) << p;
  }
  // Patterns PCRE2 itself defuses (auto-possessification, required-character checks)
  // end quickly without touching the limit.
  for (const char* p : {"(a|a)*$", "(a*)*b", "(a|aa)+$"}) {
    Regex re(p);
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_FALSE(re.search(subject)) << p;
    EXPECT_LT(seconds_since(t0), 2.0) << p;
    EXPECT_LE(re.limit_hits(), 1u) << p;
  }
}

TEST(ExecLimits, ManySearchesStayBounded) {
  // A run over many events with a pathological pattern: bounded per event.
  Regex re("(a+)+$");
  const std::string subject = std::string(64, 'a') + "b";
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(re.search(subject));
  EXPECT_LT(seconds_since(t0), 10.0);
  EXPECT_EQ(re.limit_hits(), 20u);
}

TEST(ExecLimits, OrdinaryPatternsUnaffected) {
  Regex re("(a+)+$");
  EXPECT_TRUE(re.search(std::string(100000, 'a')));  // matches without backtracking
  Regex cmd("(?i)regsvr32.*\\s/[si]\\b");
  EXPECT_TRUE(cmd.search("C:\\Windows\\System32\\REGSVR32.EXE /s /i:x foo.dll"));
  EXPECT_EQ(re.limit_hits() + cmd.limit_hits(), 0u);
  // Subjects with invalid UTF-8 are searched, not rejected (the valid parts can match).
  Regex dot("a.c");
  EXPECT_TRUE(dot.search(std::string("\xff\xfe abc \xc3")));
  EXPECT_EQ(dot.limit_hits(), 0u);
}

TEST(ExecLimits, BadPatternIsAClearError) {
  try {
    Regex re("(unclosed");
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("bad regular expression"), std::string::npos) << e.what();
  }
}
