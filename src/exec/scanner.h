// One pass over the events for many compiled searches: each event is routed to the
// CIM datasets it maps to (by EventID and channel), its CIM view is computed lazily
// once and shared by every search on that dataset, and matching events update each
// search's hash aggregation.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "cim/datamodel.h"
#include "exec/plan.h"
#include "io/input.h"

namespace splinter::exec {

struct ScanCounters {
  uint64_t events = 0;    // events seen
  uint64_t routed = 0;    // events that mapped onto at least one dataset in use
  uint64_t no_time = 0;   // events without a usable _time
};

class Scanner {
 public:
  // Plans must outlive the scanner.
  void add(Plan* plan);
  void on_event(const io::Event& e);
  // Aggregated rows of plan i (before the row pipeline).
  std::vector<Row> rows(size_t i) const;
  uint64_t matched(size_t i) const { return entries_[i].matched; }
  // Events of plan i not aggregated because their group would exceed GroupSpec::max_groups.
  uint64_t dropped_groups(size_t i) const { return entries_[i].table->dropped_groups(); }
  const ScanCounters& counters() const { return counters_; }

 private:
  struct Entry {
    Plan* plan;
    std::unique_ptr<GroupTable> table;
    uint64_t matched = 0;
  };
  cim::Router router_;
  std::vector<Entry> entries_;
  std::vector<const cim::SourceMapping*> routed_;
  cim::Record record_;
  ScanCounters counters_;
};

}  // namespace splinter::exec
