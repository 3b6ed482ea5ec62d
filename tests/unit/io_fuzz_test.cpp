// Mutated real inputs: the readers must never crash, hang or miscount.
#include <gtest/gtest.h>

#include <string>

#include "io_test_util.h"
#include "test_rng.h"

namespace splinter::io::testing {
namespace {

using splinter::testing::Rng;

std::string mutate(std::string s, Rng& r) {
  static const char kBytes[] = "<>/'\"{}[]:,\\\n &;=!?-EventDa\xEF\xBF\x00";
  int edits = 1 + int(r.below(8));
  for (int i = 0; i < edits && !s.empty(); ++i) {
    size_t at = r.below(s.size());
    switch (r.below(4)) {
      case 0: s[at] = kBytes[r.below(sizeof kBytes - 1)]; break;
      case 1: s.erase(at, 1 + r.below(20)); break;
      case 2: s.insert(at, s.substr(r.below(s.size()), r.below(40))); break;
      default: s.resize(at); break;
    }
  }
  return s;
}

TEST(IoFuzz, MutatedInputsNeverCrash) {
  std::string dir = shared_dir() + "/cases/";
  std::string seeds[] = {slurp(dir + "C05.xml"), slurp(dir + "C17.jsonl"), slurp(dir + "C15.xml")};
  if (seeds[0].empty()) GTEST_SKIP();
  TempDir d;
  Rng r(42);
  std::vector<std::string> paths;
  for (int i = 0; i < 600; ++i)
    paths.push_back(d.file("f" + std::to_string(i), mutate(seeds[i % 3], r)));
  CollectSink s;
  std::vector<FileStats> stats;
  ASSERT_NO_THROW(stats = read_inputs(paths, s));
  uint64_t events = 0, problems_expected = 0;
  for (const auto& st : stats) {
    EXPECT_EQ(st.read, st.parsed + st.rejected);
    events += st.parsed;
    problems_expected += st.rejected;
  }
  EXPECT_EQ(events, s.events.size());
  EXPECT_GE(s.problems.size(), problems_expected);
  EXPECT_GT(events, 300u);  // most mutations leave most records intact
}

}  // namespace
}  // namespace splinter::io::testing
