// Row commands beyond the basics (eventstats, mvexpand, makemv) and the statistics they
// rely on, over hand-made rows: values, row order, and compile errors.
#include <gtest/gtest.h>

#include <cmath>

#include "exec_test_util.h"

using namespace splinter;
using namespace splinter::exec;
using namespace splinter::exec::test;

namespace {

Value multi(std::vector<std::string> vs) {
  Value v;
  v.type = Value::Type::Multi;
  v.multi = std::move(vs);
  return v;
}

}  // namespace

// Splunk (Aggregate functions): stdev/var are the sample statistics, stdevp/varp the
// population ones; avg is over the numeric values.
TEST(ExecStats, StdevVarAndAvgOverNumericValues) {
  std::vector<Row> rows = {row({{"n", "2"}}), row({{"n", "4"}}), row({{"n", "4"}}), row({{"n", "4"}}),
                           row({{"n", "5"}}), row({{"n", "5"}}), row({{"n", "7"}}), row({{"n", "9"}}),
                           row({{"n", "n/a"}})};
  auto out = run("search * | stats avg(n) as a stdev(n) as s stdevp(n) as sp var(n) as v varp(n) as vp count(n) as c", rows);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(text(out[0], "a"), "5");  // 40 / 8: the text value is not counted
  EXPECT_EQ(text(out[0], "vp"), "4");
  EXPECT_EQ(text(out[0], "sp"), "2");
  EXPECT_EQ(text(out[0], "v"), format_number(32.0 / 7));
  EXPECT_EQ(text(out[0], "s"), format_number(std::sqrt(32.0 / 7)));
  EXPECT_EQ(text(out[0], "c"), "9");  // count(n) counts every value
  // One value has no spread; no numeric value gives no result.
  out = run("search * | stats stdev(n) as s avg(n) as a", {row({{"n", "3"}})});
  EXPECT_EQ(text(out[0], "s"), "0");
  out = run("search * | stats stdev(n) as s avg(n) as a", {row({{"n", "x"}})});
  EXPECT_EQ(text(out[0], "s"), "<null>");
  EXPECT_EQ(text(out[0], "a"), "<null>");
}

// Splunk (eventstats): the statistics of stats, "saved in a new field" of every event of
// its group; the events themselves stay, in their order.
TEST(ExecEventstats, AddsGroupAggregatesToEveryRowInOrder) {
  std::vector<Row> rows = {row({{"host", "b"}, {"n", "10"}}), row({{"host", "a"}, {"n", "1"}}),
                           row({{"host", "b"}, {"n", "30"}}), row({{"host", "a"}, {"n", "3"}})};
  auto out = run("search * | eventstats avg(n) as avg_n, count, max(n) by host", rows);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(column(out, "host"), "b,a,b,a");
  EXPECT_EQ(column(out, "n"), "10,1,30,3");
  EXPECT_EQ(column(out, "avg_n"), "20,2,20,2");
  EXPECT_EQ(column(out, "count"), "2,2,2,2");
  EXPECT_EQ(column(out, "max(n)"), "30,3,30,3");
  // No by clause: one group of all rows.
  out = run("search * | eventstats sum(n) as total dc(host) as hosts", rows);
  EXPECT_EQ(column(out, "total"), "44,44,44,44");
  EXPECT_EQ(column(out, "hosts"), "2,2,2,2");
  // Several by-fields; the rows after it see the new fields.
  out = run("search * | eventstats count as c by host n | where c=1 | eventstats count as rows", rows);
  EXPECT_EQ(column(out, "rows"), "4,4,4,4");
}

// "Only those events that have fields pertinent to the aggregation are used": a row
// without the by-field is in no group and gets nothing, but stays in the results.
TEST(ExecEventstats, RowWithNullByFieldGetsNoValues) {
  std::vector<Row> rows = {row({{"city", "SF"}, {"age", "25"}}), row({{"city", "SEA"}, {"age", "39"}}),
                           row({{"city", "SF"}, {"age", "31"}}), row({{"age", "50"}}), row({{"city", "SEA"}})};
  auto out = run("search * | eventstats avg(age) as avg_age count by city", rows);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(column(out, "avg_age"), "28,39,28,<null>,39");  // SEA's age-less row gets its group's avg
  EXPECT_EQ(column(out, "count"), "2,2,2,<null>,2");
}

TEST(ExecEventstats, ReplacesFieldOfTheSameNameAndNullResultRemovesIt) {
  // ESCU: "eventstats max(enough_data) as enough_data".
  std::vector<Row> rows = {row({{"enough_data", "0"}, {"s", "x"}}), row({{"enough_data", "1"}, {"s", "y"}}),
                           row({{"s", "z"}})};
  auto out = run("search * | eventstats max(enough_data) as enough_data", rows);
  EXPECT_EQ(column(out, "enough_data"), "1,1,1");
  out = run("search * | eventstats avg(s) as s", rows);  // no number: avg is null
  EXPECT_EQ(column(out, "s"), "<null>,<null>,<null>");
}

TEST(ExecEventstats, MultivalueByFieldCountsInEachGroup) {
  Row both = row({{"n", "1"}});
  both.set("k", multi({"a", "b"}));
  std::vector<Row> rows = {row({{"k", "a"}, {"n", "1"}}), both, row({{"k", "b"}, {"n", "1"}})};
  auto out = run("search * | eventstats count by k", rows);
  EXPECT_EQ(column(out, "count"), "2,<null>,2");
}

TEST(ExecEventstats, UnsupportedOptionsAreRefused) {
  EXPECT_NE(compile_error("search * | eventstats allnum=true avg(x)").find("allnum=true is not supported"),
            std::string::npos);
  EXPECT_NE(compile_error("search * | eventstats count by _time span=1h").find("unsupported eventstats option span="),
            std::string::npos);
  EXPECT_NE(compile_error("search * | eventstats sparkline(x)").find("unsupported aggregation"), std::string::npos);
  auto out = run("search * | eventstats allnum=false count", {row({{"a", "1"}})});
  EXPECT_EQ(column(out, "count"), "1");
}

// Splunk (mvexpand): "one event for each value in the multivalue field"; the other fields
// are copied; limit= keeps the first N values of each event.
TEST(ExecMvexpand, OneRowPerValueOtherFieldsCopied) {
  Row a = row({{"host", "h1"}, {"n", "1"}});
  a.set("ip", multi({"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
  Row b = row({{"host", "h2"}, {"ip", "10.0.0.9"}});  // a single value stays one row
  Row c = row({{"host", "h3"}});                      // no value: no row
  auto out = run("search * | mvexpand ip", {a, b, c});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(column(out, "host"), "h1,h1,h1,h2");
  EXPECT_EQ(column(out, "ip"), "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.9");
  EXPECT_EQ(column(out, "n"), "1,1,1,<null>");
  EXPECT_EQ(out[1].get("ip")->type, Value::Type::Str);
  EXPECT_EQ(out[0].fields[0].first, "host");  // column order kept
  out = run("search * | mvexpand ip limit=2", {a, b});
  EXPECT_EQ(column(out, "ip"), "10.0.0.1,10.0.0.2,10.0.0.9");
  out = run("search * | mvexpand limit=0 ip", {a});
  EXPECT_EQ(out.size(), 3u);
}

TEST(ExecMvexpand, BadArgumentsAreCompileErrors) {
  EXPECT_NE(compile_error("search * | mvexpand").find("needs a field"), std::string::npos);
  EXPECT_NE(compile_error("search * | mvexpand a b").find("one field"), std::string::npos);
  EXPECT_NE(compile_error("search * | mvexpand a limit=x").find("whole number"), std::string::npos);
  EXPECT_NE(compile_error("search * | mvexpand a max=3").find("unknown mvexpand option"), std::string::npos);
  EXPECT_NE(compile_error("search * | mvexpand _time").find("internal field"), std::string::npos);
}

// Splunk (makemv): split on every occurrence of delim (default a single space), or take the
// first capturing group of each tokenizer match; empty values only with allowempty=true.
TEST(ExecMakemv, DelimiterTokenizerAndEmptyValues) {
  std::vector<Row> rows = {row({{"s", "a b  c"}, {"l", "x,,y,"}})};
  auto out = run("search * | makemv s", rows);
  EXPECT_EQ(text(out[0], "s"), "a|b|c");
  EXPECT_EQ(out[0].get("s")->type, Value::Type::Multi);
  out = run("search * | makemv delim=\",\" l", rows);
  EXPECT_EQ(text(out[0], "l"), "x|y");
  out = run("search * | makemv delim=\",\" allowempty=true l", rows);
  EXPECT_EQ(text(out[0], "l"), "x||y|");
  out = run("search * | makemv delim=\", \" l", {row({{"l", "a, b, c"}})});  // multi-character delimiter
  EXPECT_EQ(text(out[0], "l"), "a|b|c");
  out = run("search * | makemv tokenizer=\"([^,]+),?\" l", rows);
  EXPECT_EQ(text(out[0], "l"), "x|y");
  // One value stays single; nothing left removes the field; a multivalue is left alone.
  Row m = row({{"one", "solo"}, {"blank", "   "}});
  m.set("mv", multi({"p q", "r"}));
  out = run("search * | makemv one | makemv blank | makemv mv", {m});
  EXPECT_EQ(out[0].get("one")->type, Value::Type::Str);
  EXPECT_EQ(text(out[0], "blank"), "<null>");
  EXPECT_EQ(text(out[0], "mv"), "p q|r");
  out = run("search * | makemv missing", {m});
  EXPECT_EQ(out.size(), 1u);
}

TEST(ExecMakemv, BadArgumentsAreCompileErrors) {
  EXPECT_NE(compile_error("search * | makemv delim=\",\"").find("needs a field"), std::string::npos);
  EXPECT_NE(compile_error("search * | makemv delim=\",\" tokenizer=\"(a)\" f").find("not both"), std::string::npos);
  EXPECT_NE(compile_error("search * | makemv tokenizer=\"a+\" f").find("capturing group"), std::string::npos);
  EXPECT_NE(compile_error("search * | makemv tokenizer=\"(a\" f").find("makemv tokenizer"), std::string::npos);
  EXPECT_NE(compile_error("search * | makemv setsv=true f").find("setsv=true is not supported"), std::string::npos);
  EXPECT_NE(compile_error("search * | makemv foo=1 f").find("unknown makemv option"), std::string::npos);
  EXPECT_NE(compile_error("search * | makemv delim=\"\" f").find("must not be empty"), std::string::npos);
}

// ---- lookup ---------------------------------------------------------------------

namespace {

const std::string kLookups = std::string(SPLINTER_REPO_DIR) + "/tests/golden/data/lookup_content/lookups/";

// The test content's lookups, defined as its YAML files say.
LookupCatalog test_catalog() {
  LookupCatalog c;
  LookupDef owner;  // transforms.conf defaults: exact, case-sensitive, up to 100 matches
  owner.name = "host_owner";
  owner.path = kLookups + "host_owner.csv";
  c.add(owner);
  LookupDef cat;
  cat.name = "process_catalog";
  cat.path = kLookups + "process_catalog_20250101.csv";
  cat.wildcard_columns = {"process_name", "path"};
  cat.case_sensitive = false;
  cat.min_matches = 1;
  cat.max_matches = 1;
  cat.default_match = "none";
  c.add(cat);
  LookupDef kv;
  kv.name = "seen_before";
  kv.collection = "seen_before";
  c.add(kv);
  LookupDef cidr;
  cidr.name = "by_subnet";
  cidr.path = kLookups + "by_subnet.csv";
  cidr.unsupported_match = "CIDR(host)";
  c.add(cidr);
  return c;
}

}  // namespace

TEST(ExecLookupCsv, QuotesLineEndsBomAndHeaderBlanks) {
  auto t = LookupTable::parse_csv("\xEF\xBB\xBF" "a, b ,c\r\n1,\"x, \"\"y\"\"\",3\n\n\"multi\nline\",2\r\nshort\n");
  ASSERT_EQ(t.columns().size(), 3u);
  EXPECT_EQ(t.columns()[1], "b");  // blanks around a column name dropped
  EXPECT_EQ(t.column("c"), 2);
  EXPECT_EQ(t.column("z"), -1);
  ASSERT_EQ(t.size(), 3u);  // the blank line is no record
  EXPECT_EQ(t.cell(0, 1), "x, \"y\"");
  EXPECT_EQ(t.cell(1, 0), "multi\nline");
  EXPECT_EQ(t.cell(2, 0), "short");
  EXPECT_EQ(t.cell(2, 2), "");  // missing cells are empty
  EXPECT_THROW(LookupTable::parse_csv("a,b\n\"open,1\n"), std::runtime_error);
  EXPECT_THROW(LookupTable::parse_csv(""), std::runtime_error);
}

TEST(ExecLookup, ExactCaseSensitiveManyMatchesAndAllColumnsWithoutOutput) {
  auto c = test_catalog();
  std::vector<Row> rows = {row({{"dest", "HR-WS007.acme.example"}}), row({{"dest", "hr-ws007.acme.example"}}),
                           row({{"dest", "FIN-WS042.acme.example"}})};
  // No OUTPUT clause: every column that is not a match field.
  auto out = run("search * | lookup host_owner host AS dest", rows, &c);
  EXPECT_EQ(column(out, "owner"), "mlopez|hr-admins,<null>,jdoe");  // file order; case-sensitive by default
  EXPECT_EQ(column(out, "team"), "hr|it,<null>,finance");
  EXPECT_EQ(column(out, "host"), "<null>,<null>,<null>");  // the match field is not output
  EXPECT_EQ(out[0].get("owner")->type, Value::Type::Multi);
  // OUTPUT ... AS renames; a lookup field named like the event field needs no AS.
  out = run("search * | eval host=dest | lookup host_owner host OUTPUT owner AS who", rows, &c);
  EXPECT_EQ(column(out, "who"), "mlopez|hr-admins,<null>,jdoe");
}

TEST(ExecLookup, OutputOverwritesOutputnewFillsOnlyMissing) {
  auto c = test_catalog();
  std::vector<Row> rows = {row({{"dest", "FIN-WS042.acme.example"}, {"owner", "old"}}),
                           row({{"dest", "nowhere"}, {"owner", "old"}}), row({{"dest", "FIN-WS042.acme.example"}})};
  auto out = run("search * | lookup host_owner host AS dest OUTPUT owner", rows, &c);
  EXPECT_EQ(column(out, "owner"), "jdoe,<null>,jdoe");  // OUTPUT replaces, also with nothing
  out = run("search * | lookup host_owner host AS dest OUTPUTNEW owner, team", rows, &c);
  EXPECT_EQ(column(out, "owner"), "old,old,jdoe");
  EXPECT_EQ(column(out, "team"), "finance,<null>,finance");
}

TEST(ExecLookup, WildcardsCaseInsensitiveMaxMatchesAndDefaultMatch) {
  auto c = test_catalog();
  std::vector<Row> rows = {row({{"p", "REGSVR32.EXE"}, {"dir", "C:\\Windows\\System32\\regsvr32.exe"}}),
                           row({{"p", "regsvr32.exe"}, {"dir", "D:\\tools\\regsvr32.exe"}}),
                           row({{"p", "whoami.exe"}, {"dir", "x"}}), row({{"p", "calc.exe"}, {"dir", "x"}})};
  auto out = run("search * | lookup process_catalog process_name AS p OUTPUT category, note", rows, &c);
  EXPECT_EQ(column(out, "category"), "lolbin,lolbin,recon,none");  // min_matches 1: default_match "none"
  EXPECT_EQ(column(out, "note"), "signed, Microsoft,signed, Microsoft,<null>,none");  // max_matches 1: first row
  out = run("search * | lookup process_catalog process_name AS p, path AS dir OUTPUT note", rows, &c);
  EXPECT_EQ(column(out, "note"), "signed, Microsoft,any path,<null>,none");
}

TEST(ExecLookup, EachValueOfAMultivalueFieldAndMissingInputs) {
  auto c = test_catalog();
  Row r = row({{"n", "1"}});
  r.set("p", multi({"cmd.exe", "calc.exe", "whoami.exe"}));
  Row none = row({{"n", "2"}, {"category", "kept"}});  // no input field: not looked up
  auto out = run("search * | lookup process_catalog process_name AS p OUTPUT category", {r, none}, &c);
  EXPECT_EQ(text(out[0], "category"), "shell|none|recon");
  EXPECT_EQ(text(out[1], "category"), "kept");
}

TEST(ExecLookup, TablesAreReadOncePerCatalog) {
  auto c = test_catalog();
  const LookupDef* d = c.find("host_owner");
  ASSERT_TRUE(d);
  EXPECT_EQ(c.table(*d).get(), c.table(*d).get());
  EXPECT_EQ(c.find("host_owner.csv"), d);  // a lookup may be named by its file
  EXPECT_EQ(c.find("nope"), nullptr);
}

TEST(ExecLookup, CompileErrorsNameTheProblem) {
  auto c = test_catalog();
  EXPECT_NE(compile_error("search * | lookup nope a", &c).find("unknown lookup nope"), std::string::npos);
  EXPECT_NE(compile_error("search * | lookup host_owner a", nullptr).find("unknown lookup host_owner"), std::string::npos);
  EXPECT_NE(compile_error("search * | lookup host_owner hostname AS dest", &c).find("has no column hostname"),
            std::string::npos);
  EXPECT_NE(compile_error("search * | lookup host_owner host OUTPUT ownr", &c).find("has no column ownr"),
            std::string::npos);
  EXPECT_NE(compile_error("search * | lookup seen_before dest", &c).find("KV store collection"), std::string::npos);
  EXPECT_NE(compile_error("search * | lookup by_subnet host", &c).find("CIDR(host) is not supported"), std::string::npos);
  EXPECT_NE(compile_error("search * | lookup host_owner", &c).find("needs a field to match"), std::string::npos);
  EXPECT_NE(compile_error("search * | lookup host_owner host OUTPUT", &c).find("expected fields after OUTPUT"),
            std::string::npos);
  EXPECT_NE(compile_error("search * | lookup host_owner host AS", &c).find("after AS"), std::string::npos);
  EXPECT_NE(compile_error("search * | lookup max=1 host_owner host", &c).find("unknown lookup option"), std::string::npos);
  LookupCatalog missing;
  LookupDef d;
  d.name = "gone";
  d.path = kLookups + "does_not_exist.csv";
  missing.add(d);
  EXPECT_NE(compile_error("search * | lookup gone a", &missing).find("cannot read"), std::string::npos);
  auto out = run("search * | lookup local=true update=true host_owner host OUTPUT team", {row({{"host", "FIN-WS042.acme.example"}})}, &c);
  EXPECT_EQ(text(out[0], "team"), "finance");
}

// ---- join ------------------------------------------------------------------------

namespace {

// Runs the row commands of spl over main, with sub as the rows of its (single) join subsearch.
std::vector<Row> run_join(const std::string& spl, std::vector<Row> main, std::vector<Row> sub) {
  auto plan = compile_plan(spl::parse_pipeline(spl));
  std::vector<SubPlan*> subs;
  collect_subplans(*plan, subs);
  EXPECT_EQ(subs.size(), 1u);
  subs[0]->set_rows(std::move(sub));
  return run_row_ops(*plan, std::move(main));
}

const char* kJoinBase = "| tstats count from datamodel=Endpoint.Processes by Processes.process_id | ";
const char* kSub = " [| tstats count from datamodel=Network_Traffic.All_Traffic by All_Traffic.process_id]";

}  // namespace

TEST(ExecJoin, InnerKeepsFirstMatchOnlyAndDropsUnmatched) {
  auto out = run_join(std::string(kJoinBase) + "join pid" + kSub,
                      {row({{"pid", "1"}, {"a", "x"}}), row({{"pid", "2"}, {"a", "y"}}), row({{"a", "z"}})},
                      {row({{"pid", "1"}, {"b", "first"}}), row({{"pid", "1"}, {"b", "second"}}), row({{"pid", "3"}, {"b", "other"}})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(text(out[0], "a"), "x");
  EXPECT_EQ(text(out[0], "b"), "first");
  // The main row's fields first, then the subsearch's new ones.
  EXPECT_EQ(out[0].fields[2].first, "b");
}

TEST(ExecJoin, Max0JoinsEveryMatchAsItsOwnRow) {
  auto out = run_join(std::string(kJoinBase) + "join max=0 pid" + kSub, {row({{"pid", "1"}, {"a", "x"}})},
                      {row({{"pid", "1"}, {"b", "first"}}), row({{"pid", "1"}, {"b", "second"}})});
  EXPECT_EQ(column(out, "b"), "first,second");
  EXPECT_EQ(column(out, "a"), "x,x");
  out = run_join(std::string(kJoinBase) + "join max=2 pid" + kSub, {row({{"pid", "1"}})},
                 {row({{"pid", "1"}, {"b", "1"}}), row({{"pid", "1"}, {"b", "2"}}), row({{"pid", "1"}, {"b", "3"}})});
  EXPECT_EQ(column(out, "b"), "1,2");
}

TEST(ExecJoin, LeftAndOuterKeepUnmatchedRowsUnchanged) {
  for (const char* type : {"left", "outer", "OUTER"}) {
    auto out = run_join(std::string(kJoinBase) + "join pid type=" + type + kSub,
                        {row({{"pid", "1"}}), row({{"pid", "2"}, {"b", "mine"}}), row({{"a", "no pid"}})},
                        {row({{"pid", "1"}, {"b", "joined"}})});
    EXPECT_EQ(column(out, "b"), "joined,mine,<null>") << type;
    EXPECT_EQ(out.size(), 3u);
  }
}

TEST(ExecJoin, OverwriteDecidesWhoseValueWins) {
  std::vector<Row> main = {row({{"pid", "1"}, {"user", "main"}, {"empty", ""}})};
  std::vector<Row> sub = {row({{"pid", "1"}, {"user", "sub"}})};
  EXPECT_EQ(column(run_join(std::string(kJoinBase) + "join pid" + kSub, main, sub), "user"), "sub");
  EXPECT_EQ(column(run_join(std::string(kJoinBase) + "join overwrite=true pid" + kSub, main, sub), "user"), "sub");
  EXPECT_EQ(column(run_join(std::string(kJoinBase) + "join overwrite=false pid" + kSub, main, sub), "user"), "main");
  // A field the subsearch row lacks (or has null) never erases the main row's.
  Row s2;
  s2.set("pid", Value::of(std::string("1")));
  s2.set("user", Value{});
  EXPECT_EQ(column(run_join(std::string(kJoinBase) + "join pid" + kSub, main, {s2}), "user"), "main");
}

TEST(ExecJoin, AllJoinFieldsMustMatchExactly) {
  std::vector<Row> main = {row({{"pid", "1"}, {"host", "A"}}), row({{"pid", "1"}, {"host", "a"}}),
                           row({{"pid", "2"}, {"host", "A"}})};
  std::vector<Row> sub = {row({{"pid", "1"}, {"host", "A"}, {"b", "hit"}}), row({{"pid", "2"}, {"b", "no host"}})};
  auto out = run_join(std::string(kJoinBase) + "join pid, host" + kSub, main, sub);
  ASSERT_EQ(out.size(), 1u);  // case-sensitive; a missing field never matches
  EXPECT_EQ(text(out[0], "host"), "A");
  EXPECT_EQ(text(out[0], "b"), "hit");
  out = run_join(std::string(kJoinBase) + "join host pid" + kSub, main, sub);
  EXPECT_EQ(out.size(), 1u);
}

TEST(ExecJoin, NoMatchAndEmptySubsearch) {
  EXPECT_TRUE(run_join(std::string(kJoinBase) + "join pid" + kSub, {row({{"pid", "1"}})}, {row({{"pid", "9"}})}).empty());
  EXPECT_TRUE(run_join(std::string(kJoinBase) + "join pid" + kSub, {row({{"pid", "1"}})}, {}).empty());
  EXPECT_EQ(run_join(std::string(kJoinBase) + "join type=left pid" + kSub, {row({{"pid", "1"}})}, {}).size(), 1u);
}

TEST(ExecJoin, WithoutFieldsUsesTheFieldsCommonToBoth) {
  auto out = run_join(std::string(kJoinBase) + "join" + kSub,
                      {row({{"pid", "1"}, {"host", "A"}, {"x", "1"}}), row({{"pid", "1"}, {"host", "B"}})},
                      {row({{"host", "A"}, {"pid", "1"}, {"b", "hit"}})});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(text(out[0], "host"), "A");
}

TEST(ExecJoin, SubsearchRowsCappedAt50000) {
  SubPlan s;
  s.set_rows(std::vector<Row>(SubPlan::kMaxRows + 7, row({{"pid", "1"}})));
  EXPECT_EQ(s.rows.size(), SubPlan::kMaxRows);
  EXPECT_EQ(s.rows_cut, 7u);
}

TEST(ExecJoin, SubsearchCompileErrorsPointIntoTheWholeText) {
  std::string spl = std::string(kJoinBase) + "join pid [| tstats count from datamodel=Nope.X by a | frob ]";
  std::string msg;
  EXPECT_EQ(compile_error_pos(spl, &msg), spl.find("tstats count from datamodel=Nope"));
  EXPECT_NE(msg.find("Nope.X"), std::string::npos);
  spl = std::string(kJoinBase) + "join pid [| tstats count from datamodel=Network_Traffic.All_Traffic by a | frob ]";
  EXPECT_EQ(compile_error_pos(spl, &msg), spl.find("frob"));
  // Unmapped subsearch fields are reported on the search that holds the join.
  auto plan = compile_plan(spl::parse_pipeline(std::string(kJoinBase) + "join pid [| tstats count from datamodel=Network_Traffic.All_Traffic by All_Traffic.nope]"));
  ASSERT_FALSE(plan->warnings.empty());
  EXPECT_NE(plan->warnings.back().find("join subsearch: field All_Traffic.nope"), std::string::npos);
}
