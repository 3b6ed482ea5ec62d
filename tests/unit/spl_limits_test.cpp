// Hostile SPL: macro nesting depth, expansion size (including blow-up through
// arguments), parser nesting depth. Each limit ends in a clear spl::Error, quickly.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>

#include "spl/macros.h"
#include "spl/parser.h"

using namespace splinter::spl;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// m0 -> m1 -> ... -> m(n-1) -> "leaf"
MacroTable chain(int n) {
  MacroTable t;
  for (int i = 0; i + 1 < n; ++i) t.add({"m" + std::to_string(i), {}, "x`m" + std::to_string(i + 1) + "`", "t"});
  t.add({"m" + std::to_string(n - 1), {}, "leaf", "t"});
  return t;
}

}  // namespace

TEST(SplLimits, MacroNestingDepth) {
  ExpandLimits lim;  // default max_depth 50
  EXPECT_EQ(expand_macros("`m0`", chain(50), lim), std::string(49, 'x') + "leaf");
  std::string e = error_of([&] { expand_macros("`m0`", chain(51), lim); });
  EXPECT_NE(e.find("macro nesting deeper than 50"), std::string::npos) << e;
  lim.max_depth = 5;
  e = error_of([&] { expand_macros("`m0`", chain(6), lim); });
  EXPECT_NE(e.find("deeper than 5"), std::string::npos) << e;
  EXPECT_NE(e.find("`m0(0)` -> `m1(0)`"), std::string::npos) << e;  // the chain is named
}

TEST(SplLimits, ExpansionSizeBillionLaughs) {
  // b9 would be 10^9 bytes: the limit stops it early.
  MacroTable t;
  t.add({"b0", {}, "aaaaaaaaaa", "t"});
  for (int i = 1; i < 10; ++i) {
    std::string d;
    for (int k = 0; k < 10; ++k) d += "`b" + std::to_string(i - 1) + "`";
    t.add({"b" + std::to_string(i), {}, d, "t"});
  }
  auto t0 = std::chrono::steady_clock::now();
  std::string e = error_of([&] { expand_macros("`b9`", t); });
  EXPECT_NE(e.find("macro expansion exceeds 1048576 bytes"), std::string::npos) << e;
  EXPECT_LT(seconds_since(t0), 5.0);
  EXPECT_EQ(expand_macros("`b3`", t).size(), 10000u);
}

TEST(SplLimits, ExpansionSizeThroughArguments) {
  // Each level doubles its argument before expanding it: 2^40 bytes if unchecked.
  MacroTable t;
  for (int i = 0; i < 40; ++i)
    t.add({"d" + std::to_string(i), {"x"}, "`d" + std::to_string(i + 1) + "($x$$x$)`", "t"});
  t.add({"d40", {"x"}, "$x$", "t"});
  auto t0 = std::chrono::steady_clock::now();
  std::string e = error_of([&] { expand_macros("`d0(0123456789abcdef)`", t); });
  EXPECT_NE(e.find("macro expansion exceeds"), std::string::npos) << e;
  EXPECT_LT(seconds_since(t0), 5.0);
  ExpandLimits lim;
  lim.max_output = 64;
  e = error_of([&] { expand_macros("`d0(0123456789abcdef)`", t, lim); });
  EXPECT_NE(e.find("macro expansion exceeds 64 bytes"), std::string::npos) << e;
}

TEST(SplLimits, ParserNestingDepth) {
  auto nested = [](int n, const std::string& open, const std::string& inner, const std::string& close) {
    std::string s;
    for (int i = 0; i < n; ++i) s += open;
    s += inner;
    for (int i = 0; i < n; ++i) s += close;
    return s;
  };
  // Within the cap: parses.
  EXPECT_NO_THROW(parse_search_expression(nested(200, "(", "a=1", ")")));
  EXPECT_NO_THROW(parse_eval_expression(nested(200, "(", "1", ")")));
  // Beyond it: a clear error, never a stack overflow, whatever the construct.
  const std::string deep[] = {
      nested(100000, "(", "a=1", ")"),
      nested(100000, "NOT ", "a=1", ""),
  };
  for (const auto& s : deep) {
    std::string e = error_of([&] { parse_search_expression(s); });
    EXPECT_NE(e.find("nested too deeply (limit 256)"), std::string::npos) << e.substr(0, 200);
  }
  const std::string deep_eval[] = {
      nested(100000, "(", "1", ")"),
      nested(100000, "-", "1", ""),
      nested(100000, "NOT ", "x", ""),
      nested(100000, "if(", "1", ",1,1)"),
      nested(100000, "len(", "x", ")"),
  };
  for (const auto& s : deep_eval) {
    std::string e = error_of([&] { parse_eval_expression(s); });
    EXPECT_NE(e.find("nested too deeply (limit 256)"), std::string::npos) << e.substr(0, 200);
  }
  std::string e = error_of([&] { parse_pipeline("| where " + nested(5000, "(", "a=1", ")")); });
  EXPECT_NE(e.find("nested too deeply"), std::string::npos) << e.substr(0, 200);
  e = error_of([&] { parse_pipeline("| tstats count from datamodel=Endpoint.Processes where " + nested(5000, "(", "a=1", ")")); });
  EXPECT_NE(e.find("nested too deeply"), std::string::npos) << e.substr(0, 200);
  e = error_of([&] { parse_pipeline("| eval x=" + nested(5000, "-", "1", "")); });
  EXPECT_NE(e.find("nested too deeply"), std::string::npos) << e.substr(0, 200);
}
