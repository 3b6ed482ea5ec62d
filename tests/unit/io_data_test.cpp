// Every shared real-world sample reads with zero rejected records.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "io_test_util.h"

namespace splinter::io::testing {
namespace {

void expect_clean(const std::string& dir, uint64_t min_events, const std::string& only_ext = "") {
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " absent";
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == "LICENSE" || e.path().extension() == ".md") continue;
    if (!only_ext.empty() && e.path().extension() != only_ext) continue;
    files.push_back(e.path().string());
  }
  ASSERT_FALSE(files.empty());
  CollectSink s;
  auto stats = read_inputs(files, s);
  uint64_t total = 0;
  for (const auto& st : stats) {
    SCOPED_TRACE(st.path);
    EXPECT_FALSE(st.failed);
    EXPECT_NE(st.format, Format::Unknown);
    EXPECT_EQ(st.rejected, 0u);
    EXPECT_GT(st.parsed, 0u);
    EXPECT_EQ(st.read, st.parsed + st.rejected);
    total += st.parsed;
  }
  for (const auto& p : s.problems) {
    // NXLog samples whose events carry no UTC time take _time from the zone-less local
    // EventTime: said as a warning, true of the data, not damage.
    if (p.warning && p.what.find("which has no time zone") != std::string::npos) continue;
    ADD_FAILURE() << p.file << ":" << p.line << ": " << p.what;
  }
  EXPECT_GE(total, min_events);
  size_t no_time = 0, no_id = 0;
  for (const auto& e : s.events) {
    no_time += e.time_us == kNoTime;
    no_id += e.get("EventID") == nullptr;
  }
  EXPECT_EQ(no_time, 0u);
  EXPECT_EQ(no_id, 0u);
}

TEST(IoSharedData, DerivedXmlWinEventLog) { expect_clean(shared_dir() + "/data/derived-xmlwineventlog", 571); }
TEST(IoSharedData, SplunkAttackData) { expect_clean(shared_dir() + "/data/splunk-attack_data", 200); }
TEST(IoSharedData, OtrfSecurityDatasets) { expect_clean(shared_dir() + "/data/OTRF-Security-Datasets", 5000); }
TEST(IoSharedData, SigmaRegressionJson) {
  expect_clean(shared_dir() + "/data/SigmaHQ-sigma/regression_data", 202, ".json");
}

}  // namespace
}  // namespace splinter::io::testing
