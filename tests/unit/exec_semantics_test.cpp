// Splunk semantics of the two expression languages over result rows.
#include <gtest/gtest.h>

#include "exec/eval_expr.h"
#include "exec/search_predicate.h"
#include "spl/parser.h"

using namespace splinter;
using namespace splinter::exec;

namespace {
Row row(std::initializer_list<std::pair<const char*, const char*>> kv) {
  Row r;
  for (auto& [k, v] : kv) r.set(k, Value::of(std::string(v)));
  return r;
}
bool search(const char* expr, Row r) {
  RowFields f;
  auto e = spl::parse_search_expression(expr);
  auto p = SearchPredicate::compile(e.get(), f, true);
  RowAccess a(f, r);
  return p.matches(a);
}
std::string eval(const char* expr, Row r) {
  RowFields f;
  auto e = spl::parse_eval_expression(expr);
  auto x = EvalExpr::compile(*e, f);
  RowAccess a(f, r);
  auto res = x.eval(a);
  if (res.boolean >= 0) return res.boolean ? "true" : "false";
  return res.value.is_null() ? "<null>" : res.value.text();
}
}  // namespace

TEST(SearchSemantics, CaseInsensitiveWildcardsOverWholeValue) {
  auto r = row({{"process", "regsvr32.exe /S /I:x"}, {"user", "CORP\\alice"}});
  EXPECT_TRUE(search("process=\"*/i*\"", r));
  EXPECT_TRUE(search("process=REGSVR32*", r));
  EXPECT_FALSE(search("process=regsvr32", r));
  EXPECT_TRUE(search("user IN (\"bob\", \"corp\\\\*\")", r));
}

TEST(SearchSemantics, NotEqualsNeedsTheFieldButNotDoesNot) {
  auto r = row({{"a", "1"}});
  EXPECT_FALSE(search("missing!=x", r));  // != : only events that have the field
  EXPECT_TRUE(search("NOT missing=x", r));  // NOT : also events without it
  EXPECT_TRUE(search("a!=2", r));
  EXPECT_FALSE(search("missing=*", r));
  EXPECT_TRUE(search("a=*", r));
}

TEST(SearchSemantics, NumericComparisons) {
  auto r = row({{"count", "10"}});
  EXPECT_TRUE(search("count>9", r));  // as numbers, not "10" < "9" as strings
  EXPECT_TRUE(search("count>=10 count<=10", r));
  EXPECT_FALSE(search("count<2", r));
}

TEST(EvalSemantics, CaseSensitiveComparisonAndNulls) {
  auto r = row({{"name", "cmd.exe"}, {"n", "7"}});
  EXPECT_EQ(eval("name=\"cmd.exe\"", r), "true");
  EXPECT_EQ(eval("name=\"CMD.EXE\"", r), "false");
  EXPECT_EQ(eval("n > 10", r), "false");  // numeric
  EXPECT_EQ(eval("missing=\"x\"", r), "false");
  EXPECT_EQ(eval("isnull(missing)", r), "true");
  EXPECT_EQ(eval("missing . \"x\"", r), "<null>");
  EXPECT_EQ(eval("n * 2 + 1", r), "15");
  EXPECT_EQ(eval("'name' . \"-\" . n", r), "cmd.exe-7");
}

TEST(EvalSemantics, MatchIsUnanchoredPcre) {
  auto r = row({{"process", "regsvr32.exe /S /i:x scrobj.dll"}});
  EXPECT_EQ(eval("match(process, \"(?i)[\\-|\\/][Ss]{1}\")", r), "true");
  EXPECT_EQ(eval("match(process, \"^/S\")", r), "false");
  EXPECT_EQ(eval("match(process, \"scrobj\")", r), "true");
  auto en_dash = row({{"process", "regsvr32.exe /i:x \xE2\x80\x93s scrobj.dll"}});
  EXPECT_EQ(eval("match(process, \"(?i)[\\-|\\/][Ss]{1}\")", en_dash), "false");
}

TEST(EvalSemantics, LikeIfCaseCoalesce) {
  auto r = row({{"dest", "HR-WS007"}});
  EXPECT_EQ(eval("like(dest, \"HR%\")", r), "true");
  EXPECT_EQ(eval("like(dest, \"hr%\")", r), "false");
  EXPECT_EQ(eval("like(dest, \"HR-WS00_\")", r), "true");
  EXPECT_EQ(eval("if(like(dest, \"HR%\"), \"hr\", \"other\")", r), "hr");
  EXPECT_EQ(eval("case(dest=\"x\", 1, dest=\"HR-WS007\", 2)", r), "2");
  EXPECT_EQ(eval("coalesce(missing, dest)", r), "HR-WS007");
  EXPECT_EQ(eval("lower(dest) . upper(\"a\") . len(dest)", r), "hr-ws007A8");
}

TEST(EvalSemantics, ReplaceIsRegexWithBackReferences) {
  auto r = row({{"path", "C:\\Users\\alice\\AppData\\x.exe"}});
  // In SPL text "\\\\" is a regex \\, i.e. one literal backslash.
  EXPECT_EQ(eval("replace(path, \"(?i)users\\\\\\\\[a-z]+\", \"Users\\\\\\\\<user>\")", r),
            "C:\\Users\\<user>\\AppData\\x.exe");
  EXPECT_EQ(eval("replace(\"2024-05-14\", \"(\\d+)-(\\d+)-(\\d+)\", \"\\3/\\2/\\1\")", r), "14/05/2024");
  EXPECT_EQ(eval("replace(\"a.b.c\", \"\\.\", \"$\")", r), "a$b$c");
}

TEST(EvalSemantics, UnknownFunctionIsACompileError) {
  RowFields f;
  auto e = spl::parse_eval_expression("frobnicate(x)");
  EXPECT_THROW(EvalExpr::compile(*e, f), spl::Error);
  auto bad = spl::parse_eval_expression("match(x, \"(unclosed\")");
  EXPECT_THROW(EvalExpr::compile(*bad, f), spl::Error);
}
