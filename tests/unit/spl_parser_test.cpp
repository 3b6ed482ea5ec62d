// Parser tests: pipeline splitting, commands, both expression grammars, errors.
#include <gtest/gtest.h>

#include "spl/parser.h"

using namespace splinter::spl;

namespace {

std::string S(std::string_view text) { return to_string(*parse_search_expression(text)); }
std::string E(std::string_view text) { return to_string(*parse_eval_expression(text)); }

size_t error_pos(const std::function<void()>& f, std::string* msg = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (msg) *msg = e.what();
    return e.pos;
  }
  ADD_FAILURE() << "expected spl::Error";
  return SIZE_MAX;
}

}  // namespace

// Splunk: "The search command evaluates OR before AND operators".
TEST(SplSearchExpr, PrecedenceOrTighterThanAnd) {
  EXPECT_EQ(S("a=1 b=2 OR c=3"), "(a=1 AND (b=2 OR c=3))");
  EXPECT_EQ(S("a=1 AND b=2 OR c=3"), "(a=1 AND (b=2 OR c=3))");
  EXPECT_EQ(S("a=1 OR b=2 c=3"), "((a=1 OR b=2) AND c=3)");
  EXPECT_EQ(S("a OR b OR c d"), "((a OR b OR c) AND d)");
  EXPECT_EQ(S("(a=1 b=2) OR c=3"), "((a=1 AND b=2) OR c=3)");
  EXPECT_EQ(S("NOT a=1 OR b=2"), "((NOT a=1) OR b=2)");
  EXPECT_EQ(S("NOT (a=1 OR b=2)"), "(NOT (a=1 OR b=2))");
  EXPECT_EQ(S("NOT NOT x"), "(NOT (NOT x))");
  // curl_download_and_bash_execution shape from the semantics doc
  EXPECT_EQ(S("Processes.process_name=curl (A) OR (B AND C)"), "(Processes.process_name=curl AND (A OR (B AND C)))");
}

TEST(SplSearchExpr, KeywordsMustBeUpperCase) {
  EXPECT_EQ(S("a and b"), "(a AND and AND b)");
  EXPECT_EQ(S("a or b"), "(a AND or AND b)");
  EXPECT_EQ(S("x not y"), "(x AND not AND y)");
}

TEST(SplSearchExpr, Comparisons) {
  EXPECT_EQ(S("a!=1 b<2 c<=3 d>4 e>=5 f==6"), "(a!=1 AND b<2 AND c<=3 AND d>4 AND e>=5 AND f=6)");
  EXPECT_EQ(S("Processes.process=\"*/i*\""), "Processes.process=\"*/i*\"");
  EXPECT_EQ(S("a=*"), "a=*");
  EXPECT_EQ(S("earliest=-24h@h"), "earliest=-24h@h");
  EXPECT_EQ(S("a = b"), "a=b");
  // unquoted values run to whitespace and may hold '=' and quotes
  EXPECT_EQ(S("CommandLine=*x=y*"), "CommandLine=*x=y*");
  EXPECT_EQ(S("\"DNS.message_type\"=\"QUERY\""), "'DNS.message_type'=\"QUERY\"");
  EXPECT_EQ(S("host:port=1 Some.Field_2=x"), "(host:port=1 AND Some.Field_2=x)");

  auto e = parse_search_expression("Processes.process_name=\"cmd.exe\"");
  ASSERT_EQ(e->kind, ExprKind::Compare);
  EXPECT_EQ(e->text, "=");
  EXPECT_EQ(e->args[0]->kind, ExprKind::Field);
  EXPECT_EQ(e->args[0]->text, "Processes.process_name");
  EXPECT_EQ(e->args[1]->kind, ExprKind::Literal);
  EXPECT_EQ(e->args[1]->text, "cmd.exe");
  EXPECT_TRUE(e->args[1]->quoted);
  EXPECT_EQ(e->span.begin, 0u);
  EXPECT_EQ(e->span.end, 32u);
  auto n = parse_search_expression("EventCode=4688");
  EXPECT_FALSE(n->args[1]->quoted);
  EXPECT_TRUE(n->args[1]->number);
  EXPECT_EQ(n->args[1]->num, 4688);
}

TEST(SplSearchExpr, TermsAndQuotes) {
  auto e = parse_search_expression("foo* \"a b | c\" ");
  ASSERT_EQ(e->kind, ExprKind::And);
  EXPECT_EQ(e->args[0]->kind, ExprKind::Term);
  EXPECT_EQ(e->args[0]->text, "foo*");
  EXPECT_FALSE(e->args[0]->quoted);
  EXPECT_EQ(e->args[1]->kind, ExprKind::Term);
  EXPECT_EQ(e->args[1]->text, "a b | c");
  EXPECT_TRUE(e->args[1]->quoted);
  EXPECT_EQ(S(R"(a="x\"y\\z\d")"), R"(a="x\"y\\z\\d")");
  EXPECT_EQ(parse_search_expression(R"(a="x\"y\\z\d")")->args[1]->text, R"(x"y\z\d)");
}

// Splunk's search directives (Search Manual, "Use CASE() and TERM() to match phrases").
TEST(SplSearchExpr, TermAndCaseDirectives) {
  auto e = parse_search_expression("TERM(regsvr32.exe) CASE(Foo*) host=CASE(LOCALHOST) term(x)");
  ASSERT_EQ(e->kind, ExprKind::And);
  ASSERT_EQ(e->args.size(), 5u);
  EXPECT_EQ(e->args[0]->text, "regsvr32.exe");
  EXPECT_TRUE(e->args[0]->whole_term);
  EXPECT_FALSE(e->args[0]->case_sensitive);
  EXPECT_EQ(e->args[1]->text, "Foo*");
  EXPECT_TRUE(e->args[1]->case_sensitive);
  ASSERT_EQ(e->args[2]->kind, ExprKind::Compare);
  EXPECT_EQ(e->args[2]->args[1]->text, "LOCALHOST");
  EXPECT_TRUE(e->args[2]->args[1]->case_sensitive);
  // Directives are upper case: term(x) is the term "term" and the group (x).
  EXPECT_EQ(e->args[3]->text, "term");
  EXPECT_FALSE(e->args[3]->whole_term);
  EXPECT_EQ(e->args[4]->text, "x");
  std::string msg;
  EXPECT_EQ(error_pos([] { parse_search_expression("TERM(a b)"); }, &msg), 7u);
  EXPECT_NE(msg.find("TERM("), std::string::npos) << msg;
  EXPECT_EQ(error_pos([] { parse_search_expression("TERM()"); }), 5u);
  // Found by a new user: a broken directive in a value was taken as no directive at all.
  for (const char* bad : {"Image=TERM(", "Image=TERM(abc", "Image=CASE()", "Image=CASE(\"\")",
                          "Image IN (a, CASE(b)", "Image IN (a, TERM(b, c)"}) {
    std::string why;
    error_pos([bad] { parse_search_expression(bad); }, &why);
    EXPECT_TRUE(why.find("TERM(") != std::string::npos || why.find("CASE(") != std::string::npos ||
                why.find("')'") != std::string::npos)
        << bad << ": " << why;
  }
  EXPECT_TRUE(parse_search_expression("Image IN (a, CASE(b))")->args[2]->case_sensitive);
}

TEST(SplSearchExpr, InLists) {
  EXPECT_EQ(S("f IN (v1, \"v2\", v3*)"), "f IN (v1, \"v2\", v3*)");
  auto e = parse_search_expression("Processes.process_name IN (\"a.exe\",b.exe) x");
  ASSERT_EQ(e->kind, ExprKind::And);
  const Expr& in = *e->args[0];
  ASSERT_EQ(in.kind, ExprKind::In);
  ASSERT_EQ(in.args.size(), 3u);
  EXPECT_EQ(in.args[0]->kind, ExprKind::Field);
  EXPECT_EQ(in.args[1]->text, "a.exe");
  EXPECT_TRUE(in.args[1]->quoted);
  EXPECT_EQ(in.args[2]->text, "b.exe");
  EXPECT_EQ(S("NOT f IN (1,2) OR g=1"), "((NOT f IN (1, 2)) OR g=1)");
  EXPECT_EQ(S("f in (1)"), "(f AND in AND 1)");  // lower-case in is a term
}

TEST(SplSearchExpr, Errors) {
  std::string msg;
  EXPECT_EQ(error_pos([] { parse_search_expression("a=1 (b=2"); }, &msg), 8u);
  EXPECT_NE(msg.find("')'"), std::string::npos) << msg;
  EXPECT_EQ(error_pos([] { parse_search_expression("a= "); }), 3u);
  EXPECT_EQ(error_pos([] { parse_search_expression("a OR"); }), 4u);
  EXPECT_EQ(error_pos([] { parse_search_expression("a=1 )"); }), 4u);
  EXPECT_EQ(error_pos([] { parse_search_expression("x=\"abc"); }), 2u);
  EXPECT_EQ(error_pos([] { parse_search_expression("f IN ()"); }), 6u);
  EXPECT_EQ(error_pos([] { parse_search_expression("f IN a"); }), 5u);
  EXPECT_EQ(error_pos([] { parse_search_expression("()"); }), 1u);
  EXPECT_EQ(error_pos([] { parse_search_expression("x=("); }), 2u);  // found by a new user: was accepted
  EXPECT_EQ(error_pos([] { parse_search_expression(std::string(300, '(') + "a" + std::string(300, ')')); }, &msg),
            256u);
  EXPECT_NE(msg.find("nested too deeply"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 1000; ++i) nots += "NOT ";
  EXPECT_THROW(parse_search_expression(nots + "a"), Error);
}

// Splunk: "The eval and where commands evaluate AND before OR operators."
TEST(SplEvalExpr, Precedence) {
  EXPECT_EQ(E("a=1 OR b=2 AND c=3"), "((a = 1) OR ((b = 2) AND (c = 3)))");
  EXPECT_EQ(E("a OR b XOR c AND d"), "(a OR (b XOR (c AND d)))");
  EXPECT_EQ(E("NOT a=1 AND b"), "((NOT (a = 1)) AND b)");
  EXPECT_EQ(E("1 + 2 * 3 - 4 % 5"), "((1 + (2 * 3)) - (4 % 5))");
  EXPECT_EQ(E("a . \"x\" . b"), "((a . \"x\") . b)");
  EXPECT_EQ(E("-a * -2"), "((-a) * (-2))");
  EXPECT_EQ(E("x + 1 > y * 2"), "((x + 1) > (y * 2))");
  EXPECT_EQ(E("a==b != c"), "((a == b) != c)");
  EXPECT_EQ(E("(a OR b) AND c"), "((a OR b) AND c)");
  EXPECT_EQ(E("a or b and not c"), "(a OR (b AND (NOT c)))");
  EXPECT_EQ(E("x LIKE \"%.exe\" and y like \"a_\""), "((x LIKE \"%.exe\") AND (y LIKE \"a_\"))");
  EXPECT_EQ(E("x IN (\"a\", 'b', 1+1)"), "x IN (\"a\", 'b', (1 + 1))");
  EXPECT_EQ(E("'field name'=\"v\""), "('field name' = \"v\")");
}

TEST(SplEvalExpr, CallsAndLiterals) {
  EXPECT_EQ(E("match(process,\"(?i)[\\-|\\/][Ss]{1}\")"), "match(process, \"(?i)[\\\\-|\\\\/][Ss]{1}\")");
  auto e = parse_eval_expression(R"(match(process,"(?i)[\-|\/][Ss]{1}"))");
  ASSERT_EQ(e->kind, ExprKind::Call);
  EXPECT_EQ(e->text, "match");
  ASSERT_EQ(e->args.size(), 2u);
  EXPECT_EQ(e->args[0]->kind, ExprKind::Field);
  EXPECT_EQ(e->args[1]->text, R"((?i)[\-|\/][Ss]{1})");
  EXPECT_EQ(E("if(isnotnull(x), true(), null())"), "if(isnotnull(x), true(), null())");
  EXPECT_EQ(E("like(a, \"%x\")"), "like(a, \"%x\")");
  EXPECT_EQ(E("now() - relative_time(now(), \"-1d@d\")"), "(now() - relative_time(now(), \"-1d@d\"))");
  EXPECT_EQ(E("CASE(ISNOTNULL('r'), 1, true(), 2.5e3)"), "CASE(ISNOTNULL('r'), 1, true(), 2.5e3)");
  auto n = parse_eval_expression("2.5");
  EXPECT_TRUE(n->number);
  EXPECT_DOUBLE_EQ(n->num, 2.5);
  // Splunk's eval: '.' concatenates, so a dotted field name must be quoted (found by a
  // new user: ESCU's `eval file_name=RTLO_file_1.RTLO_file_2` lost its value).
  auto f = parse_eval_expression("'Processes.process_name'");
  EXPECT_EQ(f->kind, ExprKind::Field);
  EXPECT_EQ(f->text, "Processes.process_name");
  auto cat = parse_eval_expression("RTLO_file_1.RTLO_file_2");
  ASSERT_EQ(cat->kind, ExprKind::Binary);
  EXPECT_EQ(cat->text, ".");
  EXPECT_EQ(cat->args[0]->text, "RTLO_file_1");
  EXPECT_EQ(cat->args[1]->text, "RTLO_file_2");
  auto b = parse_eval_expression("a + b");
  EXPECT_EQ(b->span.begin, 0u);
  EXPECT_EQ(b->span.end, 5u);
  EXPECT_EQ(b->args[1]->span.begin, 4u);
}

TEST(SplEvalExpr, Errors) {
  EXPECT_EQ(error_pos([] { parse_eval_expression("a +"); }), 3u);
  EXPECT_EQ(error_pos([] { parse_eval_expression("f(a b)"); }), 4u);
  EXPECT_EQ(error_pos([] { parse_eval_expression("(a"); }), 2u);
  EXPECT_EQ(error_pos([] { parse_eval_expression("a ! b"); }), 2u);
  EXPECT_EQ(error_pos([] { parse_eval_expression("'abc"); }), 0u);
  EXPECT_EQ(error_pos([] { parse_eval_expression("a b"); }), 2u);
  EXPECT_THROW(parse_eval_expression(std::string(1000, '-') + "a"), Error);
  EXPECT_THROW(parse_eval_expression(std::string(1000, '(') + "a" + std::string(1000, ')')), Error);
  std::string calls;
  for (int i = 0; i < 1000; ++i) calls += "f(";
  EXPECT_THROW(parse_eval_expression(calls), Error);
}

TEST(SplPipeline, SplitsOnlyOutsideQuotes) {
  auto p = parse_pipeline("search a=\"x | y\" \"line1\nline2|z\" | where b=\"|\"\n| eval c=\"q\\\"|\"");
  ASSERT_EQ(p.commands.size(), 3u);
  EXPECT_EQ(p.commands[0].kind, CommandKind::Search);
  EXPECT_EQ(to_string(*p.commands[0].search.expr), "(a=\"x | y\" AND \"line1\nline2|z\")");
  EXPECT_EQ(p.commands[1].kind, CommandKind::Where);
  EXPECT_EQ(p.commands[2].kind, CommandKind::Eval);
  EXPECT_EQ(p.commands[2].eval.assignments[0].second->text, "q\"|");
}

TEST(SplPipeline, ImplicitSearchAndLeadingPipe) {
  auto p = parse_pipeline("index=main sourcetype=x | stats count");
  ASSERT_EQ(p.commands.size(), 2u);
  EXPECT_EQ(p.commands[0].kind, CommandKind::Search);
  EXPECT_EQ(p.commands[0].name, "search");
  EXPECT_EQ(p.commands[0].span.begin, 0u);
  EXPECT_EQ(p.commands[0].span.end, 23u);
  EXPECT_EQ(p.commands[1].span.begin, 26u);
  auto q = parse_pipeline("  | TSTATS count where a=1");
  ASSERT_EQ(q.commands.size(), 1u);
  EXPECT_EQ(q.commands[0].kind, CommandKind::Tstats);
  EXPECT_EQ(q.commands[0].name, "tstats");
  EXPECT_EQ(parse_pipeline("search *").commands[0].search.expr, nullptr);
  EXPECT_EQ(parse_pipeline("*").commands[0].search.expr, nullptr);
  EXPECT_EQ(parse_pipeline("| search").commands[0].search.expr, nullptr);
  EXPECT_EQ(parse_pipeline("x | search *").commands[1].search.expr, nullptr);
  EXPECT_EQ(parse_pipeline("tstats count").commands[0].kind, CommandKind::Tstats);
}

TEST(SplPipeline, Commands) {
  auto p = parse_pipeline(
      "| stats count min(_time) as firstTime values(Processes.dest), dc(user) AS \"Users\" by a, b c"
      " | eventstats allnum=true avg(x) | streamstats count(eval(x=\"y\")) as n"
      " | rename a AS b, c as d Processes.* AS * \"x y\" as z"
      " | convert timeformat=\"%Y\" ctime(firstTime) mktime(t) AS u, dur2sec(*)"
      " | eval x=1, 'y z'=if(a>1,\"b\",c) | table a, b c | fields - a b | fields + a | fields a, b"
      " | lookup foo bar OUTPUT baz | Dedup x");
  ASSERT_EQ(p.commands.size(), 12u);
  const auto& st = p.commands[0].stats;
  EXPECT_EQ(p.commands[0].kind, CommandKind::Stats);
  ASSERT_EQ(st.aggregations.size(), 4u);
  EXPECT_EQ(st.aggregations[0].func, "count");
  EXPECT_EQ(st.aggregations[0].field, "");
  EXPECT_EQ(st.aggregations[0].alias, "count");
  EXPECT_EQ(st.aggregations[1].alias, "firstTime");
  EXPECT_EQ(st.aggregations[2].func, "values");
  EXPECT_EQ(st.aggregations[2].field, "Processes.dest");
  EXPECT_EQ(st.aggregations[2].alias, "values(Processes.dest)");
  EXPECT_EQ(st.aggregations[3].alias, "Users");
  EXPECT_EQ(st.by, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(p.commands[1].name, "eventstats");
  EXPECT_EQ(p.commands[1].stats.options.at(0), (std::pair<std::string, std::string>{"allnum", "true"}));
  EXPECT_EQ(p.commands[2].stats.aggregations[0].field, "eval(x=\"y\")");
  const auto& rn = p.commands[3].rename.renames;
  ASSERT_EQ(rn.size(), 4u);
  EXPECT_EQ(rn[2], (std::pair<std::string, std::string>{"Processes.*", "*"}));
  EXPECT_EQ(rn[3], (std::pair<std::string, std::string>{"x y", "z"}));
  const auto& cv = p.commands[4].convert;
  EXPECT_EQ(cv.timeformat, "%Y");
  ASSERT_EQ(cv.functions.size(), 3u);
  EXPECT_EQ(cv.functions[0].func, "ctime");
  EXPECT_EQ(cv.functions[0].field, "firstTime");
  EXPECT_EQ(cv.functions[0].alias, "");
  EXPECT_EQ(cv.functions[1].alias, "u");
  EXPECT_EQ(cv.functions[2].field, "*");
  const auto& ev = p.commands[5].eval.assignments;
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].first, "y z");
  EXPECT_EQ(to_string(*ev[1].second), "if((a > 1), \"b\", c)");
  EXPECT_EQ(p.commands[6].kind, CommandKind::Table);
  EXPECT_EQ(p.commands[6].fields.fields, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(p.commands[7].fields.remove);
  EXPECT_FALSE(p.commands[8].fields.remove);
  EXPECT_EQ(p.commands[8].fields.fields, (std::vector<std::string>{"a"}));
  EXPECT_EQ(p.commands[9].fields.fields, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p.commands[10].kind, CommandKind::Other);
  EXPECT_EQ(p.commands[10].name, "lookup");
  EXPECT_EQ(p.commands[10].other.args, "foo bar OUTPUT baz");
  EXPECT_EQ(p.commands[11].name, "dedup");
  EXPECT_EQ(p.commands[11].kind, CommandKind::Other);
}

TEST(SplPipeline, Tstats) {
  auto p = parse_pipeline(
      "| tstats summariesonly=false fillnull_value=\"N/A\" count(Processes.dest) values(x) as y "
      "from datamodel=Network_Resolution where nodename=DNS \"DNS.message_type\"=\"QUERY\" by _time span=1h, "
      "DNS.src \"DNS.dest\"");
  const auto& t = p.commands.at(0).tstats;
  EXPECT_EQ(t.options.size(), 2u);
  EXPECT_EQ(t.options[1].second, "N/A");
  EXPECT_EQ(t.aggregations[0].alias, "count(Processes.dest)");
  EXPECT_EQ(t.datamodel, "Network_Resolution");
  EXPECT_EQ(t.nodename, "DNS");
  EXPECT_EQ(to_string(*t.where), "'DNS.message_type'=\"QUERY\"");
  EXPECT_EQ(t.by, (std::vector<std::string>{"_time", "DNS.src", "DNS.dest"}));
  EXPECT_EQ(t.span, "1h");
  auto q = parse_pipeline("| tstats count from datamodel=Change where (nodename = All_Changes) by x");
  EXPECT_EQ(q.commands[0].tstats.nodename, "All_Changes");
  EXPECT_EQ(q.commands[0].tstats.where, nullptr);
  auto r = parse_pipeline("| tstats count where index=* by host");
  EXPECT_EQ(to_string(*r.commands[0].tstats.where), "index=*");
  // Found by a new user: a second span= silently replaced the first.
  std::string msg;
  EXPECT_EQ(error_pos([] { parse_pipeline("| tstats count from datamodel=X by _time span=1h span=1d"); }, &msg), 49u);
  EXPECT_NE(msg.find("span= given twice"), std::string::npos) << msg;
  EXPECT_EQ(error_pos([] { parse_pipeline("a | stats count by _time span=1h span=1d"); }, &msg), 33u);
  EXPECT_NE(msg.find("span= given twice in the stats"), std::string::npos) << msg;
}

TEST(SplPipeline, Errors) {
  std::string msg;
  EXPECT_EQ(error_pos([] { parse_pipeline("a | | b"); }, &msg), 4u);
  EXPECT_NE(msg.find("empty command"), std::string::npos);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | stats count |  "); }, &msg), 16u);
  EXPECT_EQ(error_pos([] { parse_pipeline(""); }), 0u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | =x"); }), 4u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | rename x y"); }, &msg), 13u);
  EXPECT_NE(msg.find("AS"), std::string::npos);
  EXPECT_EQ(error_pos([] { parse_pipeline("| tstats bogus=1 count"); }), 9u);
  EXPECT_EQ(error_pos([] { parse_pipeline("| tstats count from foo"); }), 20u);
  EXPECT_EQ(error_pos([] { parse_pipeline("| tstats count by"); }), 17u);
  EXPECT_EQ(error_pos([] { parse_pipeline("| stats"); }), 7u);
  EXPECT_EQ(error_pos([] { parse_pipeline("| convert ctime"); }), 10u);
  EXPECT_EQ(error_pos([] { parse_pipeline("| eval x"); }), 8u);
  EXPECT_EQ(error_pos([] { parse_pipeline("| eval x=1 y=2"); }), 11u);
  EXPECT_EQ(error_pos([] { parse_pipeline("| where"); }), 7u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | where x=\"abc"); }), 12u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | join x [search b"); }), 11u);
}

TEST(SplPipeline, SubsearchIsParsedAsASearchTerm) {
  // A join's subsearch and a search's [subsearch] term are both parsed as pipelines.
  auto p = parse_pipeline("a | join x [| tstats count where a=1 | rename a as b] | search c [| inputlookup l | fields d]");
  ASSERT_EQ(p.commands.size(), 3u);
  EXPECT_EQ(p.commands[1].kind, CommandKind::Join);
  ASSERT_EQ(p.commands[1].join.subsearch->commands.size(), 2u);
  EXPECT_EQ(p.commands[1].join.subsearch->commands[1].kind, CommandKind::Rename);
  ASSERT_EQ(p.commands[2].kind, CommandKind::Search);
  const Expr& e = *p.commands[2].search.expr;
  ASSERT_EQ(e.kind, ExprKind::And);
  ASSERT_EQ(e.args.size(), 2u);
  EXPECT_EQ(e.args[1]->kind, ExprKind::Subsearch);
  EXPECT_EQ(e.args[1]->text, "| inputlookup l | fields d");
  ASSERT_TRUE(e.args[1]->subsearch);
  ASSERT_EQ(e.args[1]->subsearch->commands.size(), 2u);
  EXPECT_EQ(e.args[1]->subsearch->commands[0].name, "inputlookup");
  // Positions inside point into the whole text.
  EXPECT_EQ(e.args[1]->subsearch->commands[1].span.begin, std::string_view("a | join x [| tstats count where a=1 | rename a as b] | search c [| inputlookup l | ").size());
  // A subsearch right after a value, and an unterminated one.
  auto q = parse_pipeline("| tstats count where x=1 [|inputlookup l] by y");
  EXPECT_EQ(q.commands[0].tstats.by.size(), 1u);
  EXPECT_THROW(parse_pipeline("a [| inputlookup l"), Error);
}

// Forms seen in security_content that a naive tokenizer gets wrong.
TEST(SplPipeline, ContentQuirks) {
  // backslash outside quotes: escapes a quote (no string starts) and a space
  EXPECT_EQ(S(R"(a=*\"privileged\":true* b=*System\ Volume* c=*\\Windows\\* d=\d)"),
            R"((a=*"privileged":true* AND b=*System Volume* AND c=*\Windows\* AND d=\d))");
  EXPECT_EQ(parse_pipeline(R"(x=*\"a\"* y=a\|b | stats count)").commands.size(), 2u);
  // balanced parentheses inside an unquoted value
  EXPECT_EQ(S("(p=*GetCurrent()* OR q=1)"), "(p=*GetCurrent()* OR q=1)");
  // empty items in IN lists
  EXPECT_EQ(S("f IN (,\"a\",)"), "f IN (\"a\")");
  // numbers starting with '.'
  EXPECT_EQ(E("x<.5 AND .25 > y"), "((x < .5) AND (.25 > y))");
  // drop_dm_object_name("Web") -> rename "Web".* AS *
  auto p = parse_pipeline(R"(| rename "Web".* AS * | stats values(a) as aceFlags(inheritance) by "DNS".x)");
  EXPECT_EQ(p.commands[0].rename.renames.at(0), (std::pair<std::string, std::string>{"Web.*", "*"}));
  EXPECT_EQ(p.commands[1].stats.aggregations.at(0).alias, "aceFlags(inheritance)");
  EXPECT_EQ(p.commands[1].stats.by, (std::vector<std::string>{"DNS.x"}));
  // eval targets are names, not expressions
  auto e = parse_pipeline("| eval inbound:outbound = a/b, {key}=v, f_-x=1 | fields - a* predicted(x)");
  ASSERT_EQ(e.commands[0].eval.assignments.size(), 3u);
  EXPECT_EQ(e.commands[0].eval.assignments[0].first, "inbound:outbound");
  EXPECT_EQ(e.commands[0].eval.assignments[1].first, "{key}");
  EXPECT_EQ(e.commands[0].eval.assignments[2].first, "f_-x");
  EXPECT_EQ(e.commands[1].fields.fields, (std::vector<std::string>{"a*", "predicted(x)"}));
  EXPECT_TRUE(e.commands[1].fields.remove);
}

// security_content writes both "bucket span=5m _time" and "bin _time as bin_time span=10m".
TEST(SplPipeline, BinAndBucket) {
  auto p = parse_pipeline("a | bucket span=5m _time | bin _time as bin_time span=10m | BIN span=2 \"x y\" AS z");
  ASSERT_EQ(p.commands.size(), 4u);
  const auto& b1 = p.commands[1];
  EXPECT_EQ(b1.kind, CommandKind::Bin);
  EXPECT_EQ(b1.name, "bucket");
  EXPECT_EQ(b1.bin.field, "_time");
  EXPECT_EQ(b1.bin.alias, "");
  EXPECT_EQ(b1.bin.span, "5m");
  EXPECT_EQ(b1.bin.span_pos, 16u);
  const auto& b2 = p.commands[2].bin;
  EXPECT_EQ(b2.field, "_time");
  EXPECT_EQ(b2.alias, "bin_time");
  EXPECT_EQ(b2.span, "10m");
  EXPECT_EQ(p.commands[3].name, "bin");
  EXPECT_EQ(p.commands[3].bin.field, "x y");
  EXPECT_EQ(p.commands[3].bin.alias, "z");
}

// Splunk's bins=, minspan=, start=/end= and aligntime= would change the buckets: refused
// with the option's position, never ignored.
TEST(SplPipeline, BinErrors) {
  std::string msg;
  EXPECT_EQ(error_pos([] { parse_pipeline("a | bin bins=10 _time"); }, &msg), 8u);
  EXPECT_NE(msg.find("bins="), std::string::npos) << msg;
  for (std::string opt : {"minspan=5m", "start=0", "end=100", "aligntime=@d"}) {
    const std::string spl = "a | bucket _time span=1h " + opt;
    EXPECT_EQ(error_pos([&] { parse_pipeline(spl); }, &msg), 25u) << spl;
    EXPECT_NE(msg.find(opt.substr(0, opt.find('=') + 1)), std::string::npos) << msg;
  }
  EXPECT_EQ(error_pos([] { parse_pipeline("a | bin _time foo=1 span=1h"); }, &msg), 14u);
  EXPECT_NE(msg.find("unknown"), std::string::npos) << msg;
  EXPECT_EQ(error_pos([] { parse_pipeline("a | bucket _time"); }, &msg), 4u);  // no span
  EXPECT_NE(msg.find("span="), std::string::npos) << msg;
  EXPECT_EQ(error_pos([] { parse_pipeline("a | bucket span=10m"); }), 19u);  // no field
  EXPECT_EQ(error_pos([] { parse_pipeline("a | bin span=1h _time host"); }), 22u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | bin span=1h span=2h _time"); }), 16u);
}

TEST(SplPipeline, Rex) {
  auto p = parse_pipeline(
      R"~~(a | rex field=process_name "(?<extracted_process_name>[^\\\\]+)$" | rex max_match=100 field=aceFlags "(?P<f>[A-Z]{2})")~~"
      R"~~( | rex "x(?<y>\")" max_match=0 | rex field=ccnumber mode=sed "s/(\\d{4}-){3}/XXXX-XXXX-XXXX-/g")~~"
      R"~~( | rex field=destination{}.address "[^@]+@(?<dest_domain>[^@]+)")~~");
  ASSERT_EQ(p.commands.size(), 6u);
  const auto& r1 = p.commands[1];
  EXPECT_EQ(r1.kind, CommandKind::Rex);
  EXPECT_EQ(r1.rex.field, "process_name");
  EXPECT_EQ(r1.rex.max_match, 1);
  EXPECT_FALSE(r1.rex.sed);
  EXPECT_EQ(r1.rex.pattern, R"~~((?<extracted_process_name>[^\\]+)$)~~");  // SPL decodes \\ and \" only
  EXPECT_EQ(r1.rex.pattern_pos, 27u);
  EXPECT_EQ(r1.rex.pattern_src, R"~~((?<extracted_process_name>[^\\\\]+)$)~~");
  EXPECT_EQ(p.commands[2].rex.max_match, 100);
  EXPECT_EQ(p.commands[2].rex.field, "aceFlags");
  EXPECT_EQ(p.commands[3].rex.field, "_raw");  // Splunk's default
  EXPECT_EQ(p.commands[3].rex.pattern, "x(?<y>\")");
  EXPECT_EQ(p.commands[3].rex.max_match, 0);
  EXPECT_TRUE(p.commands[4].rex.sed);
  EXPECT_EQ(p.commands[4].rex.pattern, R"~~(s/(\d{4}-){3}/XXXX-XXXX-XXXX-/g)~~");
  EXPECT_EQ(p.commands[5].rex.field, "destination{}.address");
}

TEST(SplPipeline, RexErrors) {
  std::string msg;
  EXPECT_EQ(error_pos([] { parse_pipeline("a | rex field=x"); }, &msg), 4u);
  EXPECT_NE(msg.find("quoted regular expression"), std::string::npos) << msg;
  EXPECT_EQ(error_pos([] { parse_pipeline("a | rex field=x offset_field=o \"(?<a>.)\""); }, &msg), 16u);
  EXPECT_NE(msg.find("offset_field"), std::string::npos) << msg;
  EXPECT_EQ(error_pos([] { parse_pipeline("a | rex max_match=two \"(?<a>.)\""); }), 18u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | rex mode=perl \"(?<a>.)\""); }), 13u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | rex mode=sed max_match=2 \"s/a/b/\""); }), 17u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | rex \"(?<a>.)\" \"(?<b>.)\""); }), 18u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | rex field=x (?<a>.)"); }), 16u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | rex bogus=1 \"(?<a>.)\""); }), 8u);
}

// join [options] <fields> [subsearch]: options and comma- or space-separated fields in any
// order; the subsearch is a pipeline of its own whose positions point into the whole text.
TEST(SplJoin, OptionsFieldsAndSubsearch) {
  const std::string text =
      "| tstats count from datamodel=Endpoint.Processes by Processes.process_id | join process_guid, _time type=outer "
      "max=0 overwrite=false usetime=false earlier=true [| tstats count from datamodel=Network_Traffic by "
      "All_Traffic.process_guid | rename \"a]\" as b | search x=\"[\" ] ";
  auto p = parse_pipeline(text);
  ASSERT_EQ(p.commands.size(), 2u);
  const Command& c = p.commands[1];
  EXPECT_EQ(c.kind, CommandKind::Join);
  EXPECT_EQ(c.join.type, "outer");
  EXPECT_EQ(c.join.max, 0);
  EXPECT_FALSE(c.join.overwrite);
  EXPECT_EQ(c.join.fields, (std::vector<std::string>{"process_guid", "_time"}));
  ASSERT_TRUE(c.join.subsearch);
  const Pipeline& sub = *c.join.subsearch;
  ASSERT_EQ(sub.commands.size(), 3u);
  EXPECT_EQ(sub.commands[0].kind, CommandKind::Tstats);
  EXPECT_EQ(sub.commands[0].span.begin, text.find("tstats count from datamodel=Network_Traffic"));
  EXPECT_EQ(sub.commands[2].kind, CommandKind::Search);
  EXPECT_EQ(text.substr(c.join.subsearch_span.begin, c.join.subsearch_span.end - c.join.subsearch_span.begin).back(), ' ');
}

TEST(SplJoin, DefaultsAndForms) {
  auto p = parse_pipeline("a | join  host process_id [search b | table host]");
  const Command& c = p.commands[1];
  EXPECT_EQ(c.join.type, "inner");
  EXPECT_EQ(c.join.max, 1);
  EXPECT_TRUE(c.join.overwrite);
  EXPECT_EQ(c.join.fields, (std::vector<std::string>{"host", "process_id"}));
  EXPECT_EQ(c.join.subsearch->commands[0].kind, CommandKind::Search);
  // "join domain[...]" and "join [...]" (no fields: the common ones).
  EXPECT_EQ(parse_pipeline("a | join domain[search b]").commands[1].join.fields, std::vector<std::string>{"domain"});
  EXPECT_TRUE(parse_pipeline("a | join [search b]").commands[1].join.fields.empty());
  EXPECT_EQ(parse_pipeline("a | join user type=LEFT [search b]").commands[1].join.type, "left");
  // A nested join subsearch.
  auto n = parse_pipeline("a | join x [search b | join y [search c]]");
  ASSERT_EQ(n.commands[1].join.subsearch->commands.size(), 2u);
  EXPECT_EQ(n.commands[1].join.subsearch->commands[1].kind, CommandKind::Join);
}

TEST(SplJoin, Errors) {
  std::string msg;
  EXPECT_EQ(error_pos([] { parse_pipeline("a | join x"); }, &msg), 4u);
  EXPECT_NE(msg.find("needs a subsearch"), std::string::npos);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | join type=full x [search b]"); }, &msg), 14u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | join max=-1 x [search b]"); }), 13u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | join overwrite=maybe x [search b]"); }), 19u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | join usetime=true x [search b]"); }, &msg), 9u);
  EXPECT_NE(msg.find("usetime=true is not supported"), std::string::npos);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | join left=L x [search b]"); }, &msg), 9u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | join x [ ]"); }, &msg), 11u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | join x [search b] y"); }), 22u);
  // Errors inside the subsearch point into the whole text.
  EXPECT_EQ(error_pos([] { parse_pipeline("a | join x [search b | eval ]"); }), 27u);
  EXPECT_EQ(error_pos([] { parse_pipeline("a | join x [search b || table c]"); }), 22u);
}
