// Output writers: JSON validity, message rendering, risk events.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "engine/hunt.h"
#include "output/writers.h"

using namespace splinter;

TEST(OutputJson, QuoteEscapesAndRepairsUtf8) {
  EXPECT_EQ(output::json_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(output::json_quote("x\xff" "y"), "\"x\xEF\xBF\xBDy\"");
  EXPECT_EQ(output::json_quote("caf\xC3\xA9"), "\"caf\xC3\xA9\"");  // valid UTF-8 passes through
  EXPECT_EQ(output::json_quote("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // encoded surrogate
}

TEST(OutputRisk, MessageTokens) {
  Row r;
  r.set("dest", Value::of(std::string("WS01")));
  r.set("user", Value::of(std::string("CORP\\alice")));
  EXPECT_EQ(output::render_message("on $dest$ by $user$ ($missing$) costs $5", r),
            "on WS01 by CORP\\alice ($missing$) costs $5");
}

static engine::HuntResult demo_hunt(const std::string& spl = "") {
  engine::HuntOptions o;
  o.inputs = {std::string(SPLINTER_REPO_DIR) + "/demo"};
  o.spl = spl;
  return engine::hunt(o);
}

TEST(OutputRisk, OneEventPerRowAndRiskObject) {
  auto r = demo_hunt();
  std::ostringstream out;
  output::write_risk_events(out, r);
  std::string s = out.str();
  // 4 result rows x 2 risk objects (user, dest: observables with role Victim).
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 8);
  EXPECT_NE(s.find("\"risk_object\": \"FIN-SRV01.acme.example\", \"risk_object_type\": \"system\""), std::string::npos);
  EXPECT_NE(s.find("\"risk_object\": \"ACME\\\\svc_backup\", \"risk_object_type\": \"user\""), std::string::npos);
  EXPECT_NE(s.find("\"risk_score\": 36"), std::string::npos);
  EXPECT_NE(s.find("\"search_name\": \"ESCU - Regsvr32 Silent and Install Param Dll Loading - Rule\""), std::string::npos);
  EXPECT_NE(s.find("\"threat_object\": [\"WmiPrvSE.exe\",\"regsvr32.exe\"]"), std::string::npos);
}

TEST(OutputRisk, NoRiskEventsForAdhocSearches) {
  auto r = demo_hunt("| tstats count from datamodel=Endpoint.Processes by Processes.dest");
  ASSERT_FALSE(r.results.empty());
  EXPECT_FALSE(r.results[0].rows.empty());
  std::ostringstream out;
  output::write_risk_events(out, r);
  EXPECT_EQ(out.str(), "");
}

TEST(OutputRisk, BuiltinSeedMatchesUpstreamYaml) {
  // The built-in copy of the seed detection must give the same rows and risk events
  // as security_content's own YAML.
  std::string content = std::string(SPLINTER_SHARED_DIR) + "/content/security_content";
  if (!std::filesystem::is_directory(content)) GTEST_SKIP() << "no " << content;
  auto builtin = demo_hunt();
  engine::HuntOptions o;
  o.inputs = {std::string(SPLINTER_REPO_DIR) + "/demo"};
  o.content_dir = content;
  o.detections = {"f421c250-24e7-11ec-bc43-acde48001122"};
  auto upstream = engine::hunt(o);
  ASSERT_EQ(upstream.results.size(), 1u);
  EXPECT_NE(upstream.results[0].detection->file.find("detections/endpoint/"), std::string::npos);
  std::ostringstream a, b, c, d;
  output::write_rows(a, builtin, output::Format::Json);
  output::write_rows(b, upstream, output::Format::Json);
  output::write_risk_events(c, builtin);
  output::write_risk_events(d, upstream);
  EXPECT_EQ(a.str(), b.str());
  EXPECT_EQ(c.str(), d.str());
}

// Log values are attacker-controlled: the table must not pass terminal control
// sequences through (found by a first user: ESC[2J in a user name cleared the screen).
TEST(OutputTable, ControlCharactersAreShownNotSent) {
  auto r = demo_hunt("EventCode=1 | head 1 | table Computer");
  ASSERT_EQ(r.results.size(), 1u);
  ASSERT_TRUE(r.results[0].error.empty()) << r.results[0].error;
  engine::HuntResult fake;
  fake.content = std::move(r.content);
  fake.results = std::move(r.results);
  Row row;
  row.set("evil", Value::of(std::string("a\x1b[2J\nb\xc2\x9b" "c")));
  fake.results[0].rows = {row};
  std::ostringstream out;
  output::write_rows(out, fake, output::Format::Table);
  std::string s = out.str();
  EXPECT_EQ(s.find('\x1b'), std::string::npos) << s;
  EXPECT_EQ(s.find("\xc2\x9b"), std::string::npos) << s;
  EXPECT_NE(s.find("a\\x1b[2J b\\u009bc"), std::string::npos) << s;
}

TEST(OutputTable, AdhocSearchHasNoRiskColumns) {
  auto r = demo_hunt("EventCode=1 | head 1 | table Computer");
  std::ostringstream table, json, csv;
  output::write_rows(table, r, output::Format::Table);
  output::write_rows(json, r, output::Format::Json);
  output::write_rows(csv, r, output::Format::Csv);
  EXPECT_EQ(table.str().find("risk"), std::string::npos) << table.str();
  EXPECT_EQ(json.str().find("risk_score"), std::string::npos) << json.str();
  EXPECT_EQ(csv.str().substr(0, csv.str().find('\n')), "detection,Computer");
}

// -d FILE naming a detection that --content also loads runs it once (found by a first
// user: every row and risk event came out twice).
TEST(OutputRisk, DetectionFileInsideContentRunsOnce) {
  std::string content = std::string(SPLINTER_SHARED_DIR) + "/content/security_content";
  std::string file = content + "/detections/endpoint/regsvr32_silent_and_install_param_dll_loading.yml";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "no ../shared content";
  engine::HuntOptions o;
  o.inputs = {std::string(SPLINTER_REPO_DIR) + "/demo"};
  o.content_dir = content;
  o.detections = {file};
  auto r = engine::hunt(o);
  ASSERT_EQ(r.results.size(), 1u);
  EXPECT_EQ(r.results[0].rows.size(), 4u);
}

// table fixes the column order, whatever fields the first row lacks (found by a first
// user: a field missing from the first row moved to the end).
TEST(OutputTable, TableColumnsKeepTheirOrder) {
  engine::HuntOptions o;
  o.inputs = {std::string(SPLINTER_REPO_DIR) + "/demo"};
  o.spl = "EventCode=1 | table NoSuchField Computer EventRecordID";
  auto r = engine::hunt(o);
  std::ostringstream csv;
  output::write_rows(csv, r, output::Format::Csv);
  EXPECT_EQ(csv.str().substr(0, csv.str().find('\n')), "detection,NoSuchField,Computer,EventRecordID");
}

// A search that did not compile writes no CSV header (found by a new user: a lone
// "detection" line on stdout read like an empty result, with exit code 4).
TEST(OutputCsv, NothingCompiledWritesNothing) {
  auto r = demo_hunt("EventCode=1 | nosuchcommand");
  ASSERT_EQ(r.results.size(), 1u);
  ASSERT_FALSE(r.results[0].error.empty());
  std::ostringstream csv;
  output::write_rows(csv, r, output::Format::Csv);
  EXPECT_EQ(csv.str(), "");
}

// A Correlation search over the Risk data model gives its rows a risk_score (a sum) of
// their own: the row's field wins over the detection's risk metadata, once per JSON
// object and in one CSV column (rows of other detections fill it with their score).
TEST(OutputRisk, RowsOwnRiskScoreIsNotRepeated) {
  engine::HuntOptions o;
  const std::string repo = SPLINTER_REPO_DIR;
  o.inputs = {repo + "/tests/golden/data/risk_sysmon.xml"};
  o.content_dir = repo + "/tests/golden/data/risk_content";
  o.detections = {"Risk Test Certutil Download", repo + "/tests/golden/data/risk_dm_by_day.yml"};
  o.read.threads = 1;
  auto r = engine::hunt(o);
  ASSERT_EQ(r.results.size(), 2u);
  ASSERT_TRUE(r.results[1].error.empty()) << r.results[1].error;
  ASSERT_EQ(r.results[1].rows.size(), 4u);
  std::ostringstream json, csv;
  output::write_rows(json, r, output::Format::Json);
  output::write_rows(csv, r, output::Format::Csv);
  std::istringstream lines(json.str());
  std::string line;
  std::vector<std::string> scores;
  while (std::getline(lines, line)) {
    size_t at = line.find("\"risk_score\": ");
    ASSERT_NE(at, std::string::npos) << line;
    EXPECT_EQ(line.find("\"risk_score\": ", at + 1), std::string::npos) << line;
    EXPECT_EQ(line.find("\"risk_message\": ", line.find("\"risk_message\": ") + 1), std::string::npos) << line;
    scores.push_back(line.substr(at + 14, line.find_first_of(",}", at) - at - 14));
  }
  // Certutil's two rows (its score), then the day/type sums of its risk events.
  EXPECT_EQ(scores, (std::vector<std::string>{"64", "64", "64", "32", "64", "32"}));
  const std::string c = csv.str();
  const std::string header = c.substr(0, c.find('\n')) + ",";
  EXPECT_EQ(header.find(",risk_score,"), header.rfind(",risk_score,")) << header;
  EXPECT_EQ(header.find(",risk_message,"), header.rfind(",risk_message,")) << header;
  EXPECT_NE(c.find("\nRisk Test Certutil Download,ws-b.example,ACME\\bob,certutil.exe,1,2026-04-02T14:00:00,"
                   "2026-04-02T14:00:00,,,64,,,,,,,,Certutil downloaded a file on ws-b.example as ACME\\bob\n"),
            std::string::npos)
      << c;
  EXPECT_NE(c.find("\nRisk Test Score By Day,,,,1,,,2026-04-02,user,32,32,ACME\\bob,process_name,"
                   "ESCU - Risk Test Certutil Download - Rule,,,stash,Risk of user objects on 2026-04-02\n"),
            std::string::npos)
      << c;
}
