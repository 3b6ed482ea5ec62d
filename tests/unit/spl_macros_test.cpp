// Macro expansion: arguments, nesting, overloading, named arguments, quoting, errors.
#include <gtest/gtest.h>

#include "spl/macros.h"
#include "spl/parser.h"

using namespace splinter::spl;

namespace {

MacroTable table() {
  MacroTable t;
  t.add({"m0", {}, "a=1", "test"});
  t.add({"m1", {"x"}, "f=$x$", "test"});
  t.add({"m2", {"x", "y"}, "$x$-$y$-$x$", "test"});
  t.add({"over", {}, "zero", "test"});
  t.add({"over", {"a"}, "one($a$)", "test"});
  t.add({"over", {"a", "b"}, "two($a$,$b$)", "test"});
  t.add({"outer", {"v"}, "`inner($v$)` | eval `m0`", "test"});
  t.add({"inner", {"v"}, "search `m1($v$)`", "test"});
  t.add({"empty", {}, "", "test"});
  t.add({"loop_a", {}, "x `loop_b`", "test"});
  t.add({"loop_b", {}, "y `loop_a`", "test"});
  t.add({"self", {"n"}, "`self($n$)`", "test"});
  t.add({"dollar", {"x"}, "cost=$5 $x$ $unknown$", "test"});
  t.add({"has_unknown", {}, "`nope`", "test"});
  return t;
}

std::string X(std::string_view s) { return expand_macros(s, table()); }

Error expand_error(std::string_view s, const ExpandLimits& limits = {}) {
  try {
    expand_macros(s, table(), limits);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected an error for " << s;
  return Error("", SIZE_MAX);
}

bool contains(const Error& e, std::string_view what) { return std::string_view(e.what()).find(what) != std::string_view::npos; }

}  // namespace

TEST(SplMacros, Basic) {
  EXPECT_EQ(X("x `m0` y"), "x a=1 y");
  EXPECT_EQ(X("`m1(abc)`"), "f=abc");
  EXPECT_EQ(X("`m1( spaced )`"), "f=spaced");
  EXPECT_EQ(X("`m2(a, b)`"), "a-b-a");
  EXPECT_EQ(X("no macros | here"), "no macros | here");
  EXPECT_EQ(X("`empty`"), "");
  EXPECT_EQ(X("`dollar(v)`"), "cost=$5 v $unknown$");  // only formal names are substituted
}

TEST(SplMacros, ArgumentSplitting) {
  // commas inside quotes and parentheses do not split arguments; quotes are kept
  EXPECT_EQ(X("`m2(\"a,b\", f(c,d))`"), "\"a,b\"-f(c,d)-\"a,b\"");
  EXPECT_EQ(X("`m1(\"x\\\",y\")`"), "f=\"x\\\",y\"");
}

TEST(SplMacros, OverloadingByArity) {
  EXPECT_EQ(X("`over`"), "zero");
  EXPECT_EQ(X("`over()`"), "zero");
  EXPECT_EQ(X("`over(1)`"), "one(1)");
  EXPECT_EQ(X("`over(1,2)`"), "two(1,2)");
  MacroTable t = table();
  t.add({"over", {"a"}, "replaced($a$)", "user"});  // later definition wins
  EXPECT_EQ(expand_macros("`over(1)`", t), "replaced(1)");
  EXPECT_EQ(t.arities("over"), (std::vector<size_t>{0, 1, 2}));
}

TEST(SplMacros, NamedArguments) {
  EXPECT_EQ(X("`m2(y=B, x=A)`"), "A-B-A");
  EXPECT_EQ(X("`m1(x=v)`"), "f=v");
  // not every argument is formal=value: positional, '=' is part of the value
  EXPECT_EQ(X("`m2(y=B, A)`"), "y=B-A-y=B");
  EXPECT_EQ(X("`m1(other=v)`"), "f=other=v");
}

TEST(SplMacros, Nesting) {
  EXPECT_EQ(X("`outer(q)`"), "search f=q | eval a=1");
  Pipeline p = parse_pipeline(X("`outer(q)`"));
  ASSERT_EQ(p.commands.size(), 2u);
  EXPECT_EQ(to_string(*p.commands[0].search.expr), "f=q");
}

TEST(SplMacros, NoExpansionInsideQuotes) {
  EXPECT_EQ(X("a=\"`m0`\" `m0`"), "a=\"`m0`\" a=1");
  EXPECT_EQ(X("a=\"x\\\"`m0`\""), "a=\"x\\\"`m0`\"");
  EXPECT_EQ(X("a=\"`nope\""), "a=\"`nope\"");
}

TEST(SplMacros, Comments) {
  EXPECT_EQ(X("a ```comment | `m0` ``` b"), "a   b");
  EXPECT_EQ(expand_error("a ``` open").pos, 2u);
}

TEST(SplMacros, Errors) {
  Error e = expand_error("abc `nope` d");
  EXPECT_EQ(e.pos, 4u);
  EXPECT_TRUE(contains(e, "unknown macro `nope`")) << e.what();

  e = expand_error("ab `over(1,2,3)`");
  EXPECT_EQ(e.pos, 3u);
  EXPECT_TRUE(contains(e, "3 argument")) << e.what();
  EXPECT_TRUE(contains(e, "0, 1, 2")) << e.what();

  e = expand_error("x | `loop_a`");
  EXPECT_EQ(e.pos, 4u);
  EXPECT_TRUE(contains(e, "macro loop: `loop_a(0)` -> `loop_b(0)` -> `loop_a(0)`")) << e.what();

  e = expand_error("`self(1)`");
  EXPECT_TRUE(contains(e, "macro loop")) << e.what();

  e = expand_error("ok `has_unknown`");
  EXPECT_EQ(e.pos, 3u);  // inner errors point at the outermost call in the user's text
  EXPECT_TRUE(contains(e, "unknown macro `nope`")) << e.what();
  EXPECT_TRUE(contains(e, "has_unknown")) << e.what();

  e = expand_error("a `m0 b");
  EXPECT_EQ(e.pos, 2u);
  EXPECT_TRUE(contains(e, "unterminated")) << e.what();

  EXPECT_EQ(expand_error("`m1(a`").pos, 0u);
  EXPECT_EQ(expand_error("x ``").pos, 2u);
}

TEST(SplMacros, Limits) {
  ExpandLimits depth;
  depth.max_depth = 1;
  Error e = expand_error("`outer(q)`", depth);
  EXPECT_TRUE(contains(e, "deeper")) << e.what();

  MacroTable t;
  t.add({"big", {}, std::string(100, 'x'), ""});
  t.add({"bigger", {}, "`big``big``big`", ""});
  ExpandLimits size;
  size.max_output = 250;
  EXPECT_THROW(expand_macros("`bigger`", t, size), Error);
  EXPECT_NO_THROW(expand_macros("`big``big`", t, size));
}

// A pipe followed by an empty macro leaves an empty command: a clear parse error.
TEST(SplMacros, EmptyMacroLeavesEmptyCommand) {
  const std::string s = X("a | `empty`");
  EXPECT_EQ(s, "a | ");
  try {
    parse_pipeline(s);
    ADD_FAILURE();
  } catch (const Error& err) {
    EXPECT_EQ(err.pos, 2u);
    EXPECT_TRUE(contains(err, "empty command")) << err.what();
  }
}
