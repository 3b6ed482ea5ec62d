// Risk events as the Risk.All_Risk dataset sees them (engine/risk.h): their time, the
// event fields they become, and that the --risk writer and the data model share them.
#include <gtest/gtest.h>

#include <string>

#include "cim/datamodel.h"
#include "common/timefmt.h"
#include "engine/hunt.h"
#include "engine/risk.h"

using namespace splinter;

namespace {
Row row_of(std::initializer_list<std::pair<const char*, Value>> fs) {
  Row r;
  for (auto& [n, v] : fs) r.set(n, v);
  return r;
}
}  // namespace

TEST(EngineRisk, TimeIsTheRowsTimeElseFirstTimeElseLastTime) {
  ASSERT_TRUE(set_display_timezone("UTC"));
  // 2026-04-01T09:05:00Z
  const int64_t t = 1775034300LL * 1'000'000;
  EXPECT_EQ(engine::risk_time_us(row_of({{"_time", Value::of_time_us(t)}, {"firstTime", Value::of(1.0)}})), t);
  // ESCU's security_content_ctime text, then convert ctime's default format.
  EXPECT_EQ(engine::risk_time_us(row_of({{"firstTime", Value::of(std::string("2026-04-01T09:05:00"))}})), t);
  EXPECT_EQ(engine::risk_time_us(row_of({{"lastTime", Value::of(std::string("04/01/2026 09:05:00"))}})), t);
  // An epoch number in text (firstTime before ctime).
  EXPECT_EQ(engine::risk_time_us(row_of({{"firstTime", Value::of(std::string("1775034300"))}})), t);
  EXPECT_EQ(engine::risk_time_us(row_of({{"firstTime", Value::of(std::string("yesterday"))}})), io::kNoTime);
  EXPECT_EQ(engine::risk_time_us(row_of({{"count", Value::of(3.0)}})), io::kNoTime);
}

TEST(EngineRisk, EventsCarryTheRiskIndexFieldsAndRouteToAllRisk) {
  content::Detection d;
  d.name = "Some Detection";
  d.id = "x1";
  d.type = "TTP";
  d.message = "seen on $dest$";
  d.analytic_stories = {"Story A", "Story B"};
  d.mitre_attack_ids = {"T1105"};
  d.risk_objects = {{"dest", "system", 40}, {"user", "user", 0}};
  d.risk_score = 7;
  d.threat_objects = {{"process_name", "process_name", 0}};
  engine::DetectionResult dr;
  dr.detection = &d;
  dr.rows.push_back(row_of({{"dest", Value::of(std::string("h1"))},
                            {"user", Value::of(std::string("u1"))},
                            {"process_name", Value::of(std::string("certutil.exe"))},
                            {"firstTime", Value::of(std::string("2026-04-01T09:05:00"))}}));
  std::vector<std::string> seen;
  io::Event ev;
  cim::Router router;
  std::vector<const cim::SourceMapping*> routed;
  engine::for_each_risk_event(dr, [&](const engine::RiskEvent& r) {
    engine::to_event(r, ev);
    EXPECT_EQ(ev.format, io::EventFormat::Risk);
    EXPECT_EQ(ev.time_us, 1775034300LL * 1'000'000);
    routed.clear();
    router.route(ev, routed);
    ASSERT_EQ(routed.size(), 1u);
    EXPECT_EQ(routed[0]->dataset, "Risk.All_Risk");
    cim::Record rec;
    rec.reset(&ev, routed[0], cim::find_dataset("Risk.All_Risk"));
    auto text = [&](std::string_view f) {
      const Value* v = rec.field(f);  // CIM or metadata field
      return v ? v->text() : std::string("<null>");
    };
    seen.push_back(text("risk_object") + "|" + text("risk_object_type") + "|" + text("risk_score") + "|" +
                   text("calculated_risk_score") + "|" + text("risk_message") + "|" + text("search_name") + "|" +
                   text("threat_object") + "|" + text("annotations.mitre_attack.mitre_technique_id") + "|" +
                   text("annotations.mitre_attack.mitre_tactic_id") + "|" + text("tag") + "|" + text("source") + "|" +
                   text("sourcetype") + "|" + text("host"));
    const Value* stories = rec.get("analyticstories");
    ASSERT_NE(stories, nullptr);
    ASSERT_EQ(stories->type, Value::Type::Multi);
    EXPECT_EQ(stories->multi, (std::vector<std::string>{"Story A", "Story B"}));
  });
  // One event per risk object; the user has no score of its own: the detection's
  // (its first rba score).
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "h1|system|40|40|seen on h1|ESCU - Some Detection - Rule|certutil.exe|T1105|<null>|<null>|"
                      "ESCU - Some Detection - Rule|stash|<null>",
                      "u1|user|40|40|seen on h1|ESCU - Some Detection - Rule|certutil.exe|T1105|<null>|<null>|"
                      "ESCU - Some Detection - Rule|stash|<null>"}));

  // Hunting searches send no risk.
  d.type = "Hunting";
  size_t n = 0;
  engine::for_each_risk_event(dr, [&](const engine::RiskEvent&) { ++n; });
  EXPECT_EQ(n, 0u);
}
