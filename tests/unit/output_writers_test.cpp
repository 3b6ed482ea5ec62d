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
