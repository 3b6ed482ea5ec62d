// Hash aggregation for tstats and stats: group-by keys -> aggregate states.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/value.h"
#include "exec/fields.h"

namespace splinter::exec {

class EvalExpr;

enum class AggFunc { Count, Min, Max, Values, Dc, Earliest, Latest, Sum, Avg, List, First, Last, Range, Stdev, Stdevp, Var, Varp, Perc, UpperPerc, Mode };

struct AggSpec {
  AggFunc func = AggFunc::Count;
  int field = -1;       // -1 with Count = count events
  std::string output;   // column name
  double pct = 50;      // Perc/UpperPerc: the percentile (median = perc50)
  // func(eval(<expr>)): evaluated per event instead of reading `field`; compiled once,
  // shared by the copies of the spec each run makes.
  std::shared_ptr<const EvalExpr> eval;
};

// Parses an SPL aggregation name (count, min, dc, distinct_count, ...); false if unknown.
bool parse_agg_func(const std::string& name, AggFunc& out);
// Also the percentile forms: median, p<N>, perc<N>, exactperc<N>, upperperc<N> (0 < N <= 100).
bool parse_agg_func(const std::string& name, AggFunc& out, double& pct);

// Start of the span_us-wide bucket holding time t: buckets are aligned to multiples of
// the span from the epoch (so to UTC midnight for whole days), and a time before 1970
// belongs to the bucket that starts before it. False if the start would overflow.
// Shared by stats/tstats "by _time span=" and bin/bucket.
inline bool span_bucket_start(int64_t t, int64_t span_us, int64_t& start) {
  const int64_t q = t / span_us - (t % span_us < 0);  // floor division
  return !__builtin_mul_overflow(q, span_us, &start);
}

struct GroupSpec {
  std::vector<AggSpec> aggs;
  std::vector<int> by;                   // field ids
  std::vector<std::string> by_names;     // output column names
  std::optional<std::string> fillnull;   // tstats fillnull_value; unset = drop rows with a null by-field
  int time_field = -2;                   // id whose value is the event time (for span and earliest/latest)
  // > 0: the by-field time_field is binned to this span, each bucket named by its start
  // (epoch-aligned, so UTC-aligned for s/m/h/d spans).
  int64_t span_us = 0;
  // first()/last() by the order add() sees rows (stats, eventstats); false: by time,
  // newest first (tstats, whose events arrive in file order).
  bool input_order = false;
  size_t max_groups = 5'000'000;         // memory guard: beyond it new groups are dropped and counted
};

// Group keys shared by the tables of one scan: many detections group the same events by
// the same fields (ESCU's seven Processes fields), so each distinct key is stored once,
// however many tables hold a group for it. Addresses of interned keys never change.
class KeyPool {
 public:
  std::string_view intern(std::string_view key) {
    return *keys_.emplace(key).first;
  }
  size_t size() const { return keys_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, Hash, std::equal_to<>> keys_;
};

class GroupTable {
 public:
  // pool: where group keys are kept (shared with other tables); null: a pool of its own.
  explicit GroupTable(GroupSpec spec, KeyPool* pool = nullptr)
      : spec_(std::move(spec)), pool_(pool ? pool : &own_pool_) {}
  GroupTable(const GroupTable&) = delete;  // pool_ may point into the table itself
  GroupTable& operator=(const GroupTable&) = delete;
  // Adds one event/row. `time_us` is its _time in epoch microseconds (for
  // earliest/latest ordering).
  // update=false only finds (or makes) the event's groups, for last_groups(), leaving
  // their aggregates as they are (streamstats current=false reads a group before adding).
  void add(FieldAccess& f, int64_t time_us, bool update = true);
  std::vector<Row> rows() const;
  // For eventstats: the groups an add() put its event in (indexes for aggregates()),
  // and one group's aggregate fields without its by-fields.
  const std::vector<size_t>& last_groups() const { return hit_; }
  std::vector<std::pair<std::string, Value>> aggregates(size_t group) const;
  // For streamstats, per row without building names: aggregation a of one group, and
  // emptying a group again (a window moved, or reset_on_change) keeping its allocations.
  size_t agg_count() const { return spec_.aggs.size(); }
  const std::string& agg_name(size_t a) const { return spec_.aggs[a].output; }
  Value aggregate(size_t group, size_t a) const { return result(spec_.aggs[a], by_index_.at(group)->second.states[a]); }
  void reset(size_t group);
  size_t size() const { return groups_.size(); }
  uint64_t dropped_groups() const { return dropped_; }

 private:
  // Per group and aggregation. The scalar part is inline; what only some functions
  // need (strings, sets, lists) is allocated on first use: a table with a million
  // groups of `count min(_time) max(_time)` then costs a few dozen bytes per state.
  struct Heavy {
    std::string str_min, str_max;
    std::set<std::string> distinct;
    std::vector<std::string> list;
    std::vector<double> nums;                                    // perc, median
    std::vector<std::pair<std::string, uint64_t>> modes;        // mode: value counts, first-seen order
    std::unordered_map<std::string, size_t> mode_index;
    std::string v_first, v_last;
    void clear() {
      str_min.clear(), str_max.clear(), distinct.clear(), list.clear(), nums.clear();
      modes.clear(), mode_index.clear(), v_first.clear(), v_last.clear();
    }
  };
  struct State {
    uint64_t count = 0;
    // Numeric values only, for avg/stdev/var (Welford's running mean and sum of squared
    // deviations: stable where sum and sum of squares would cancel).
    uint64_t n_num = 0;
    double mean = 0, m2 = 0;
    double num_min = 0, num_max = 0, sum = 0;
    // While every number seen is a time: min/max in exact microseconds, which the
    // doubles above cannot hold for far dates.
    int64_t us_min = 0, us_max = 0;
    int64_t t_first = 0, t_last = 0;
    bool has_num = false, has_str = false, all_times = true, has_time = false;
    std::unique_ptr<Heavy> heavy;
    Heavy& h() {
      if (!heavy) heavy = std::make_unique<Heavy>();
      return *heavy;
    }
    const Heavy& h() const {
      static const Heavy kEmpty;
      return heavy ? *heavy : kEmpty;
    }
  };
  struct Group {
    std::vector<State> states;
    size_t index = 0;  // first-seen order
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  void add_key(FieldAccess& f, int64_t time_us, size_t i);
  void update(Group& g, FieldAccess& f, int64_t time_us);
  void update_one(const AggSpec& spec, State& s, const Value& v, std::string_view text, int64_t time_us);
  static std::vector<std::string_view> split_key(std::string_view key);
  Value result(const AggSpec& spec, const State& s) const;

  GroupSpec spec_;
  KeyPool own_pool_;
  KeyPool* pool_;  // own_pool_ or a scan's shared pool
  // Key: the by-values, each length-prefixed (so ("a:b","c") and ("a","b:c") differ);
  // rows() cuts them out again, so they are stored once.
  using Groups = std::unordered_map<std::string_view, Group, Hash, std::equal_to<>>;
  Groups groups_;
  std::vector<Groups::value_type*> by_index_;  // groups in first-seen order (map nodes do not move)
  std::vector<size_t> hit_;
  std::vector<std::string> cur_;    // current by-values while expanding multivalue keys
  std::string key_;
  std::string num_text_;  // a number's text, for the functions that keep text
  Value eval_value_;      // an eval() argument's value for the current event
  uint64_t dropped_ = 0;
  bool updating_ = true;  // add(): update the groups' aggregates, or only find the groups
};

}  // namespace splinter::exec
