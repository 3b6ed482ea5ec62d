// ESCU detections against their own test data: every detection in the shared
// security_content checkout whose `tests: attack_data:` files are present under
// ../shared/data/splunk-attack_data must give at least one row on them (run together, as
// ESCU's CI replays them), except the ones listed below with the reason Splunk would give
// no row either. A detection that stops firing on its own attack data is a regression in
// a reader, a CIM mapping or the SPL engine.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/hunt.h"

namespace fs = std::filesystem;
using namespace splinter;

namespace {

const fs::path kShared = SPLINTER_SHARED_DIR;

// Detections whose attack data cannot make a row, in Splunk as here.
const std::map<std::string, std::string> kNoRowExpected = {
    {"Windows AD Abnormal Object Access Activity",
     "two users in the data: dc(ObjectName) can never exceed avg + 3 stdev"},
    {"Detect Certipy File Modifications",
     "the process that wrote the _certipy files has no process-creation event to join with"},
};

struct Case {
  std::string name, id;
  std::vector<std::string> inputs;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  const fs::path det = kShared / "content" / "security_content" / "detections";
  const fs::path data = kShared / "data" / "splunk-attack_data";
  std::error_code ec;
  if (!fs::is_directory(det, ec) || !fs::is_directory(data, ec)) return out;
  const std::string marker = "attack_data/master/";
  for (auto& e : fs::recursive_directory_iterator(det)) {
    if (e.path().extension() != ".yml" || e.path().string().find("/deprecated/") != std::string::npos) continue;
    std::ifstream in(e.path());
    Case c;
    std::set<std::string> seen;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("name: ", 0) == 0 && c.name.empty()) c.name = line.substr(6);
      if (line.rfind("id: ", 0) == 0 && c.id.empty()) c.id = line.substr(4);
      const size_t d = line.find("- data: ");
      const size_t m = line.find(marker);
      if (d == std::string::npos || m == std::string::npos) continue;
      std::string rel = line.substr(m + marker.size());
      while (!rel.empty() && (rel.back() == '\r' || rel.back() == ' ')) rel.pop_back();
      const fs::path p = data / rel;
      if (fs::is_regular_file(p, ec) && seen.insert(p.string()).second) c.inputs.push_back(p.string());
    }
    if (!c.inputs.empty() && !c.id.empty()) out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

TEST(EngineEscuAttackData, DetectionsFireOnTheirOwnTestData) {
  const auto all = cases();
  if (all.empty()) GTEST_SKIP() << "no security_content or attack_data under " << kShared;
  size_t fired = 0;
  for (const Case& c : all) {
    engine::HuntOptions o;
    o.inputs = c.inputs;
    o.content_dir = (kShared / "content" / "security_content").string();
    o.detections = {c.id};
    const auto r = engine::hunt(o);
    ASSERT_EQ(r.results.size(), 1u) << c.name;
    const auto& dr = r.results[0];
    EXPECT_EQ(dr.error, "") << c.name;
    const bool expect_none = kNoRowExpected.count(c.name) > 0;
    if (expect_none) {
      EXPECT_TRUE(dr.rows.empty()) << c.name << " now gives rows: drop it from kNoRowExpected";
    } else {
      EXPECT_FALSE(dr.rows.empty()) << c.name << " gives no row on its own test data " << c.inputs[0];
      fired += !dr.rows.empty();
    }
  }
  // At the time of writing: 15 such detections, 13 of them fire.
  EXPECT_GE(all.size(), 15u);
  EXPECT_EQ(fired + kNoRowExpected.size(), all.size());
}
