// Group-by cardinality cap: events past GroupSpec::max_groups are dropped, counted
// and surfaced as a warning on the detection result (results incomplete).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/hunt.h"

using namespace splinter;

namespace {
engine::HuntOptions by_process_id(size_t max_groups) {
  engine::HuntOptions o;
  o.inputs = {std::string(SPLINTER_REPO_DIR) + "/demo"};
  o.spl = "| tstats count from datamodel=Endpoint.Processes by Processes.process_id";
  o.max_groups = max_groups;
  o.read.threads = 1;
  return o;
}
}  // namespace

TEST(EngineLimits, DroppedGroupsAreCountedAndWarned) {
  engine::HuntResult full = engine::hunt(by_process_id(0));
  ASSERT_EQ(full.results.size(), 1u);
  const auto& f = full.results[0];
  ASSERT_TRUE(f.error.empty()) << f.error;
  ASSERT_GE(f.rows.size(), 3u);
  EXPECT_EQ(f.dropped_groups, 0u);
  for (const auto& w : f.warnings) EXPECT_EQ(w.find("incomplete"), std::string::npos) << w;

  engine::HuntResult capped = engine::hunt(by_process_id(2));
  const auto& c = capped.results.at(0);
  EXPECT_EQ(c.rows.size(), 2u);
  EXPECT_GT(c.dropped_groups, 0u);
  EXPECT_EQ(c.matched_events, f.matched_events);  // matched, but not all aggregated
  bool warned = false;
  for (const auto& w : c.warnings)
    warned |= w.find("results incomplete: " + std::to_string(c.dropped_groups) +
                     " event(s) not aggregated, group limit of 2 reached") != std::string::npos;
  EXPECT_TRUE(warned);
  // The cap is not an input or content error.
  EXPECT_FALSE(capped.has_input_errors());
  EXPECT_FALSE(capped.has_content_errors());
}

// Found by a new user: a regex that gave up on a long value (PCRE2's JIT stack or match
// limit) silently counted as "no match". A 50 KB encoded command line now matches (a
// larger JIT stack); a truly exponential pattern still gives up, and the detection says so.
TEST(EngineLimits, RegexLimitHitsAreWarned) {
  const std::string dir = ::testing::TempDir() + "/splinter_regex_limits";
  std::filesystem::create_directories(dir);
  const std::string file = dir + "/long.xml";
  auto event = [](const std::string& cmd) {
    return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider "
           "Name='Microsoft-Windows-Sysmon'/><EventID>1</EventID><TimeCreated SystemTime='2026-01-01T00:00:00.000Z'/>"
           "<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>h</Computer></System><EventData>"
           "<Data Name='CommandLine'>" + cmd + "</Data></EventData></Event>\n";
  };
  std::string b64;
  for (int i = 0; i < 50000; ++i) b64 += "QUJD+/9="[i % 8];
  std::ofstream(file) << event("powershell -enc " + b64) << event(std::string(40, 'a') + "c");
  auto run = [&](const std::string& re) {
    engine::HuntOptions o;
    o.inputs = {file};
    o.spl = "search * | where match(CommandLine, \"" + re + "\") | stats count";
    engine::HuntResult r = engine::hunt(o);
    EXPECT_TRUE(r.results.at(0).error.empty()) << r.results.at(0).error;
    return r;
  };
  engine::HuntResult ok = run("-enc\\\\s+([A-Za-z0-9+/=])+$");
  EXPECT_EQ(ok.results[0].regex_limit_hits, 0u);
  ASSERT_EQ(ok.results[0].rows.size(), 1u);
  double count = 0;
  ASSERT_TRUE(ok.results[0].rows[0].get("count")->as_number(count));
  EXPECT_EQ(count, 1);

  engine::HuntResult bomb = run("^(a|aa)+$");
  EXPECT_EQ(bomb.results[0].regex_limit_hits, 1u);
  bool warned = false;
  for (const auto& w : bomb.results[0].warnings) warned |= w.find("results may be incomplete: 1 regular") == 0;
  EXPECT_TRUE(warned);
  std::filesystem::remove_all(dir);
}
