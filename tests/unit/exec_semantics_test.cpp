// Splunk semantics of the two expression languages over result rows.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "exec/eval_expr.h"
#include "exec_test_util.h"
#include "exec/search_predicate.h"
#include "spl/parser.h"

using namespace splinter;
using namespace splinter::exec;
using splinter::exec::test::row;

namespace {
bool search(const char* expr, Row r) {
  RowFields f;
  auto e = spl::parse_search_expression(expr);
  auto p = SearchPredicate::compile(e.get(), f, true);
  RowAccess a(f, r);
  return p.matches(a);
}
// The value of expr over r: true/false, "<null>", the text, or (all) every value
// joined with '|'.
std::string eval(const char* expr, Row r, bool all = false) {
  RowFields f;
  auto e = spl::parse_eval_expression(expr);
  auto x = EvalExpr::compile(*e, f);
  RowAccess a(f, r);
  auto res = x.eval(a);
  if (res.boolean >= 0) return res.boolean ? "true" : "false";
  if (res.value.is_null()) return "<null>";
  if (!all) return res.value.text();
  std::string out;
  for (auto& t : res.value.texts()) out += (out.empty() ? "" : "|") + t;
  return out;
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

// The prefilter that lets one pass run hundreds of searches: each search names a
// conjunct of exact comparisons that must hold (its anchors), looked up by hash.
namespace {
std::string anchors_of(const char* expr) {
  RowFields f;
  auto e = spl::parse_search_expression(expr);
  auto p = SearchPredicate::compile(e.get(), f, true);
  std::string out;
  for (auto& a : p.anchors())
    out += (out.empty() ? "" : " ") + f.names[size_t(a.field)] + (a.exact ? ":" : "~") + a.value;
  return out;
}
}  // namespace

TEST(SearchPrefilter, AnchorsComeFromOneConjunctOfExactComparisons) {
  EXPECT_EQ(anchors_of("(Processes.process_name=regsvr32.exe OR Processes.original_file_name=REGSVR32.EXE) "
                       "Processes.process=\"*/i*\""),
            "Processes.process_name:regsvr32.exe Processes.original_file_name:regsvr32.exe");
  // A field most events share (EventCode, source, ...) is the last choice.
  EXPECT_EQ(anchors_of("EventCode=4688 process_name IN (a.exe, \"B.EXE\")"), "process_name:a.exe process_name:b.exe");
  EXPECT_EQ(anchors_of("EventCode=4688 process=*x*"), "EventCode:4688");
  // A wildcard gives its longest literal piece, which the value must contain; better
  // than a common field, worse than exact values.
  EXPECT_EQ(anchors_of("EventCode=4688 process=\"*-EncodedCommand*\""), "process~-encodedcommand");
  EXPECT_EQ(anchors_of("process=\"*-enc*\" process_name=powershell.exe"), "process_name:powershell.exe");
  EXPECT_EQ(anchors_of("process IN (\"*\\\\temp\\\\*\", \"*.hta\") EventCode=1"), "process~\\temp\\ process~.hta");
  EXPECT_EQ(anchors_of("process IN (\"*.hta\", \"*a*\") EventCode=1"), "EventCode:1");
  EXPECT_EQ(anchors_of("process_name=CASE(A.exe)"), "process_name:a.exe");
  EXPECT_EQ(anchors_of("(a=1 b=2) OR c=3"), "a:1 c:3");
  // Nothing exact that every match needs: no anchors, the search sees every event.
  EXPECT_EQ(anchors_of("NOT process_name=a.exe"), "");
  EXPECT_EQ(anchors_of("process_name=a* OR x=1"), "");
  EXPECT_EQ(anchors_of("process_name!=a.exe"), "");
  EXPECT_EQ(anchors_of("a=\"\""), "");
  EXPECT_EQ(anchors_of("regsvr32"), "");
}

// Soundness over random expressions and rows: whenever a search matches, one of its
// anchors holds, so skipping events where none holds never loses a match.
TEST(SearchPrefilter, AnchorsNeverRejectAMatch) {
  std::mt19937 rng(7);
  const char* fields[] = {"a", "b", "c"};
  const char* values[] = {"X", "x", "1", "01", "y", "x*", "*", "*xyz*", "ab*cde", "*XYZ"};
  auto pick = [&](auto& arr) { return arr[rng() % std::size(arr)]; };
  std::function<std::string(int)> gen = [&](int depth) -> std::string {
    switch (depth > 2 ? rng() % 3 : rng() % 6) {
      case 0: return std::string(pick(fields)) + "=" + pick(values);
      case 1: return std::string(pick(fields)) + " IN (" + pick(values) + ", " + pick(values) + ")";
      case 2: return std::string(pick(fields)) + "!=" + pick(values);
      case 3: return "(" + gen(depth + 1) + " OR " + gen(depth + 1) + ")";
      case 4: return "(" + gen(depth + 1) + " " + gen(depth + 1) + ")";
      default: return "NOT (" + gen(depth + 1) + ")";
    }
  };
  const char* row_values[] = {"X", "x", "1", "01", "y", "xy", "xyz", "abXYZcde", "abcde", "Q-XYZ"};
  int anchored = 0, checked = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string expr = gen(0);
    RowFields f;
    auto e = spl::parse_search_expression(expr);
    auto p = SearchPredicate::compile(e.get(), f, true);
    if (p.anchors().empty()) continue;
    ++anchored;
    for (int j = 0; j < 20; ++j) {
      Row r;
      for (const char* name : fields)
        if (rng() % 4) r.set(name, Value::of(std::string(pick(row_values))));
      RowAccess a(f, r);
      if (!p.matches(a)) continue;
      ++checked;
      bool held = false;
      for (auto& an : p.anchors()) {
        const Value* v = r.get(f.names[size_t(an.field)]);
        held |= v && (an.exact ? to_lower(v->text()) == an.value
                               : to_lower(v->text()).find(an.value) != std::string::npos);
      }
      EXPECT_TRUE(held) << expr;
    }
  }
  EXPECT_GT(anchored, 500);
  EXPECT_GT(checked, 500);
}

// Splunk's tostring(X, format) for numbers (Search Reference, conversion functions);
// found by a new user: the format was ignored.
TEST(EvalSemantics, TostringFormats) {
  Row r = row({{"n", "255"}, {"big", "1234567.891"}, {"secs", "615"}, {"s", "abc"}});
  EXPECT_EQ(eval("tostring(n, \"hex\")", r), "0xFF");
  EXPECT_EQ(eval("tostring(-n, \"hex\")", r), "-0xFF");
  EXPECT_EQ(eval("tostring(big, \"commas\")", r), "1,234,567.89");
  EXPECT_EQ(eval("tostring(n*1000, \"commas\")", r), "255,000");
  EXPECT_EQ(eval("tostring(secs, \"duration\")", r), "00:10:15");
  EXPECT_EQ(eval("tostring(secs + 86400*2, \"duration\")", r), "2+00:10:15");
  EXPECT_EQ(eval("tostring(s, \"hex\")", r), "abc");  // not a number: unchanged
  EXPECT_EQ(eval("tostring(n)", r), "255");
}

// Multivalue and other eval functions (Splunk Search Reference, "Multivalue eval
// functions", "Text functions", "Mathematical functions").
namespace {
Row mvrow(std::initializer_list<std::pair<const char*, std::vector<std::string>>> kv) {
  Row r;
  for (auto& [k, vs] : kv) {
    Value v;
    v.type = Value::Type::Multi;
    v.multi = vs;
    r.set(k, vs.size() == 1 ? Value::of(vs[0]) : v);
  }
  return r;
}
std::string evalmv(const char* expr, Row r) { return eval(expr, std::move(r), true); }
}  // namespace

TEST(EvalSemantics, MvfindGivesTheIndexOfTheFirstMatch) {
  auto r = mvrow({{"names", {"ForwardTo", "RedirectTo", "DeliverToMailboxAndForward"}}, {"pat", {"Redirect"}},
                  {"one", {"x"}}});
  EXPECT_EQ(evalmv("mvfind(names, \"To$\")", r), "0");
  EXPECT_EQ(evalmv("mvfind(names, \"Redirect\")", r), "1");
  EXPECT_EQ(evalmv("mvfind(names, \"^Deliver\")", r), "2");
  EXPECT_EQ(evalmv("mvfind(names, \"nothing\")", r), "<null>");  // null when none matches
  EXPECT_EQ(evalmv("mvfind(missing, \"x\")", r), "<null>");
  EXPECT_EQ(evalmv("mvfind(names, pat)", r), "1");  // pattern from a field
  EXPECT_EQ(evalmv("mvfind(one, \"x\")", r), "0");
  EXPECT_EQ(evalmv("isnull(mvfind(names, \"(?i)forwardto\"))", r), "false");
  // A literal pattern is compiled with the expression: a bad one is a compile error.
  RowFields f;
  auto bad = spl::parse_eval_expression("mvfind(names, \"(\")");
  EXPECT_THROW(EvalExpr::compile(*bad, f), spl::Error);
}

TEST(EvalSemantics, PatternFromAFieldFollowsEachRow) {
  // The expression keeps the last pattern it compiled for rows that repeat it; each row
  // still gets its own pattern, and an invalid one gives null (mvfind, replace) or false
  // (match) for that row only.
  RowFields f;
  auto e = spl::parse_eval_expression("mvfind(v, p)");
  auto x = EvalExpr::compile(*e, f);
  const char* pats[] = {"b", "b", "(", "a", "b"};
  std::string got;
  for (const char* p : pats) {
    Row r = mvrow({{"v", {"a", "b"}}, {"p", {p}}});
    RowAccess a(f, r);
    auto res = x.eval(a);
    got += (got.empty() ? "" : ",") + (res.value.is_null() ? std::string("<null>") : res.value.text());
  }
  EXPECT_EQ(got, "1,1,<null>,0,1");
}

TEST(EvalSemantics, MvzipMvappendMvdedup) {
  auto r = mvrow({{"k", {"a", "b", "c"}}, {"v", {"1", "2"}}, {"s", {"z"}}});
  EXPECT_EQ(evalmv("mvzip(k, v)", r), "a,1|b,2");  // as many pairs as the shorter field
  EXPECT_EQ(evalmv("mvzip(k, v, \"=\")", r), "a=1|b=2");
  EXPECT_EQ(evalmv("mvzip(k, missing)", r), "<null>");
  EXPECT_EQ(evalmv("mvappend(k, missing, \"x\", s)", r), "a|b|c|x|z");
  EXPECT_EQ(evalmv("mvappend(missing)", r), "<null>");
  EXPECT_EQ(evalmv("mvcount(mvappend(s, s))", r), "2");
  EXPECT_EQ(evalmv("mvdedup(mvappend(v, k, v, s))", r), "1|2|a|b|c|z");  // first occurrence kept
  EXPECT_EQ(evalmv("mvjoin(mvdedup(split(\"x;y;x\", \";\")), \",\")", r), "x,y");
}

TEST(EvalSemantics, MvmapAndMvfilterSeeOneValueAtATime) {
  auto r = mvrow({{"new", {"a", "b", "c"}}, {"old", {"b"}}, {"n", {"1", "5", "10"}}});
  // ESCU: values of one field missing from another.
  EXPECT_EQ(evalmv("mvmap(new, if(isnull(mvfind(old, new)), new, null()))", r), "a|c");
  EXPECT_EQ(evalmv("mvmap(n, n * 2)", r), "2|10|20");
  EXPECT_EQ(evalmv("mvmap(missing, 1)", r), "<null>");
  EXPECT_EQ(evalmv("mvfilter(n > 3)", r), "5|10");
  EXPECT_EQ(evalmv("mvfilter(match(new, \"^[ab]$\"))", r), "a|b");
  EXPECT_EQ(evalmv("mvfilter(new = \"zz\")", r), "<null>");
  RowFields f;
  auto two = spl::parse_eval_expression("mvfilter(a = b)");
  EXPECT_THROW(EvalExpr::compile(*two, f), spl::Error);
  auto notfield = spl::parse_eval_expression("mvmap(split(x, \",\"), 1)");
  EXPECT_THROW(EvalExpr::compile(*notfield, f), spl::Error);
}

TEST(EvalSemantics, UrldecodeAndPow) {
  auto r = row({{"u", "http%3A%2F%2Fwww.splunk.com%2Fdownload%3Fr%3Dheader"}, {"h", "%2F%zz%4"}, {"p", "a+b%20c"}});
  EXPECT_EQ(eval("urldecode(u)", r), "http://www.splunk.com/download?r=header");  // Splunk's example
  EXPECT_EQ(eval("urldecode(h)", r), "/%zz%4");  // incomplete escapes stay as written
  EXPECT_EQ(eval("urldecode(p)", r), "a+b c");
  // ESCU's linux_auditd_normalized_proctitle_process: hex bytes decoded through %XX.
  EXPECT_EQ(eval("urldecode(replace(\"2F62696E2F7368\", \"([0-9A-F]{2})\", \"%\\1\"))", r), "/bin/sh");
  EXPECT_EQ(eval("urldecode(missing)", r), "<null>");
  EXPECT_EQ(eval("pow(10, 3)", r), "1000");
  EXPECT_EQ(eval("pow(2, -1)", r), "0.5");
  EXPECT_EQ(eval("pow(\"x\", 2)", r), "<null>");
}

// Decision (Splunk's docs do not say how non-ASCII letters fold): case-insensitive
// matching and lower()/upper() fold ASCII letters only, the same in the prefilter, the
// wildcard matcher and eval, so the paths agree; "Zoë" and "ZOË" are different values.
TEST(SearchSemantics, CaseFoldingIsAsciiOnly) {
  auto r = row({{"user", "CORP\\Zo\xC3\xAB"}});
  EXPECT_TRUE(search("user=\"corp\\\\zo\xC3\xAB\"", r));
  EXPECT_FALSE(search("user=\"CORP\\\\ZO\xC3\x8B\"", r));
  EXPECT_EQ(eval("lower(user)", r), "corp\\zo\xC3\xAB");
  EXPECT_EQ(eval("upper(user)", r), "CORP\\ZO\xC3\xAB");
}

// Found by a tester: substr() counted bytes while len() counts characters, so
// substr("日本語",2,1) gave half a character. Positions are UTF-8 code points.
TEST(ExecEval, SubstrCountsCharacters) {
  // U+1F600 (4 bytes), U+00EB (2), U+65E5 (3), ASCII.
  Row r = row({{"s", "a\xF0\x9F\x98\x80\xC3\xAB\xE6\x97\xA5z"}});
  EXPECT_EQ(eval("len(s)", r), "5");
  EXPECT_EQ(eval("substr(s, 2, 1)", r), "\xF0\x9F\x98\x80");
  EXPECT_EQ(eval("substr(s, 3, 2)", r), "\xC3\xAB\xE6\x97\xA5");
  EXPECT_EQ(eval("substr(s, -2)", r), "\xE6\x97\xA5z");
  EXPECT_EQ(eval("substr(s, -4, 1)", r), "\xF0\x9F\x98\x80");
  EXPECT_EQ(eval("substr(s, 0, 3)", r), "a\xF0\x9F\x98\x80");  // 0 is before the first character
  EXPECT_EQ(eval("substr(s, 5)", r), "z");
  EXPECT_EQ(eval("substr(s, 6)", r), "");
  EXPECT_EQ(eval("substr(s, -9, 2)", r), "");  // ends before the string
  // Every cut of every string is whole characters: concatenating the pieces gives it back.
  std::string joined;
  for (int j = 1; j <= 5; ++j) joined += eval(("substr(s, " + std::to_string(j) + ", 1)").c_str(), r);
  EXPECT_EQ(joined, "a\xF0\x9F\x98\x80\xC3\xAB\xE6\x97\xA5z");
  for (int i = 1; i <= 5; ++i) {
    const std::string split = "substr(s, 1, " + std::to_string(i) + ") . substr(s, " + std::to_string(i + 1) + ")";
    EXPECT_EQ(eval(split.c_str(), r), "a\xF0\x9F\x98\x80\xC3\xAB\xE6\x97\xA5z");
  }
  // Broken text (stray continuation bytes, a cut sequence) never reads past the value;
  // a stray byte goes with the character before it, as len() counts.
  Row bad = row({{"s", "\x80" "a\xA9" "b\xE6\x97"}});
  EXPECT_EQ(eval("len(s)", bad), "3");  // a, b and the cut sequence's lead byte
  EXPECT_EQ(eval("substr(s, 1, 1)", bad), "\x80" "a\xA9");
  EXPECT_EQ(eval("substr(s, 2)", bad), "b\xE6\x97");
  EXPECT_EQ(eval("substr(s, 3)", bad), "\xE6\x97");
  EXPECT_EQ(eval("substr(s, 4)", bad), "");
}
