// Group-by cardinality cap: events past GroupSpec::max_groups are dropped, counted
// and surfaced as a warning on the detection result (results incomplete).
#include <gtest/gtest.h>

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
