// Shared pieces of the fuzz targets: a sink that checks the reader contract
// (read = parsed + rejected, every rejected record reported) and a hard failure
// that libFuzzer (and the standalone driver) report as a crash.
#pragma once
#include <cstdio>
#include <cstdlib>

#include "io/input.h"

namespace splinter::fuzz {

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

class CountingSink : public io::EventSink {
 public:
  void on_event(const io::Event& e) override {
    ++events;
    // Touch every byte so ASan sees reads of dangling or short values.
    for (const io::Field& f : e) {
      for (char c : f.name) sum += static_cast<unsigned char>(c);
      for (char c : f.value) sum += static_cast<unsigned char>(c);
    }
  }
  void on_problem(const io::InputProblem& p) override {
    if (p.warning) ++warnings;
    else problems += p.records;  // an EVTX damaged stretch may stand for several records
    if (p.what.empty()) fail("problem without a message");
  }
  unsigned long events = 0, problems = 0, warnings = 0, sum = 0;  // problems: records lost
};

// The accounting every reader promises (see io/input.h FileStats).
inline void check_stats(const io::FileStats& st, const CountingSink& s) {
  if (st.read != st.parsed + st.rejected) fail("read != parsed + rejected");
  if (st.parsed != s.events) fail("parsed != events handed to the sink");
  if (s.problems < st.rejected) fail("a rejected record was not reported");
}

}  // namespace splinter::fuzz
