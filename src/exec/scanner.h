// One pass over the events for many compiled searches: each event is routed to the
// CIM datasets it maps to (by EventID and channel), its CIM view is computed lazily
// once and shared by every search on that dataset, and matching events update each
// search's hash aggregation.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cim/addon.h"
#include "cim/datamodel.h"
#include "common/literal_set.h"
#include "exec/plan.h"
#include "io/input.h"

namespace splinter::exec {

// Per-event cache of raw-search field values, shared by all raw-search plans.
class RawEventCache {
 public:
  int intern(const std::string& name);
  void reset(const io::Event* e, const Value& time, cim::Record* rec);  // time: _time, or null
  const Value* get(int id);
  void all_values(std::vector<const Value*>& out);
  cim::AddonFields& addon() { return addon_; }

 private:
  void compute(int id, Value& out);
  void locate();  // where each interned name first occurs in the event, in one pass
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, int, NameHash, std::equal_to<>> ids_;
  std::vector<unsigned char> metadata_;  // per id: host/source/sourcetype (never the raw field)
  std::vector<int> addon_id_;            // per id: cim::addon_field_id, or -1
  cim::AddonFields addon_;               // the add-on's search-time fields of the event
  std::vector<int> at_;                  // per id: index of the event field, -1 if absent
  bool located_ = false;
  std::vector<std::string> names_;
  std::vector<Value> values_, terms_;
  size_t terms_n_ = 0;  // terms_ in use
  std::vector<unsigned char> done_;
  const io::Event* e_ = nullptr;
  cim::Record* rec_ = nullptr;
  Value time_;
  bool terms_ready_ = false;
};

struct ScanCounters {
  uint64_t events = 0;    // events seen
  uint64_t routed = 0;    // events that mapped onto a CIM dataset
  uint64_t no_time = 0;   // events without a usable _time
};

class Scanner {
 public:
  // Plans must outlive the scanner.
  void add(Plan* plan);
  void on_event(const io::Event& e);
  // Rows of plan i before its row pipeline: aggregated (tstats) or events (raw search).
  // Taken once: raw-search rows are moved out, a tstats table is freed. Calls for
  // different plans may run on different threads.
  std::vector<Row> rows(size_t i);
  uint64_t matched(size_t i) const { return entries_[i].matched; }
  // Groups (tstats) or events (raw search) dropped by a memory guard for plan i.
  uint64_t dropped(size_t i) const;
  const ScanCounters& counters() const { return counters_; }

 private:
  struct Entry {
    Plan* plan;
    std::unique_ptr<GroupTable> table;  // tstats plans
    std::vector<Row> raw_rows;          // raw-search plans: the matching events
    std::vector<int> raw_map;           // plan field id -> RawEventCache id
    uint64_t matched = 0;
    uint64_t dropped = 0;               // raw rows beyond plan->max_raw_rows (groups, once the table is gone)
  };
  // The searches over one dataset, or the raw searches, with an index of their anchors
  // (SearchPredicate::anchors): one hash lookup per anchored field and event picks the
  // searches worth evaluating, instead of evaluating hundreds of predicates per event.
  struct Group {
    const cim::Dataset* dataset = nullptr;  // nullptr: raw searches (scanner-wide field ids)
    std::vector<uint32_t> always;           // entries without anchors
    struct Field {
      int id;
      std::unordered_map<std::string, std::vector<uint32_t>> entries;  // lower-cased value -> entries
      LiteralSet pieces;                                               // literals the value must contain
      std::vector<std::vector<uint32_t>> piece_entries;                // piece id -> entries
    };
    std::vector<Field> fields;
  };
  Group* group_for(const cim::Dataset* d, bool create);
  // Fills candidates_ with the group's entries to evaluate on this event; get(id) reads a field.
  template <class Get>
  void pick_candidates(const Group& g, Get&& get);
  void scan_raw(Entry& en, const io::Event& e, const Value& time, cim::Record* rec);
  std::vector<Group> groups_;
  bool groups_built_ = false;
  std::vector<uint64_t> picked_;  // per entry: the pass that last picked it
  std::vector<uint32_t> candidates_;
  uint64_t pass_ = 0;
  std::string key_;
  cim::Router router_;
  cim::Record raw_record_;
  RawEventCache raw_;
  bool has_raw_ = false;
  KeyPool keys_;  // group keys of every table, each distinct key once
  std::vector<Entry> entries_;
  std::vector<const cim::SourceMapping*> routed_;
  cim::Record record_;
  ScanCounters counters_;
};

}  // namespace splinter::exec
