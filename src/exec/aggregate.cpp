#include "exec/aggregate.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "exec/eval_expr.h"

namespace splinter::exec {

bool parse_agg_func(const std::string& name, AggFunc& out) {
  static const std::map<std::string, AggFunc> m = {
      {"count", AggFunc::Count}, {"c", AggFunc::Count},       {"min", AggFunc::Min},
      {"max", AggFunc::Max},     {"values", AggFunc::Values}, {"dc", AggFunc::Dc},
      {"distinct_count", AggFunc::Dc}, {"earliest", AggFunc::Earliest}, {"latest", AggFunc::Latest},
      {"sum", AggFunc::Sum},     {"avg", AggFunc::Avg},       {"mean", AggFunc::Avg},
      {"list", AggFunc::List},   {"first", AggFunc::First},   {"last", AggFunc::Last},
      {"range", AggFunc::Range}, {"stdev", AggFunc::Stdev},   {"stdevp", AggFunc::Stdevp},
      {"var", AggFunc::Var},     {"varp", AggFunc::Varp},
  };
  auto it = m.find(name);
  if (it == m.end()) return false;
  out = it->second;
  return true;
}

bool parse_agg_func(const std::string& name, AggFunc& out, double& pct) {
  if (parse_agg_func(name, out)) return true;
  if (name == "median") return out = AggFunc::Perc, pct = 50, true;
  if (name == "mode") return out = AggFunc::Mode, true;
  std::string_view n = name;
  AggFunc f = AggFunc::Perc;
  if (n.starts_with("exactperc")) n.remove_prefix(9);
  else if (n.starts_with("upperperc")) n.remove_prefix(9), f = AggFunc::UpperPerc;
  else if (n.starts_with("perc")) n.remove_prefix(4);
  else if (n.starts_with("p")) n.remove_prefix(1);
  else return false;
  double x;
  if (n.empty() || !std::all_of(n.begin(), n.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; }) ||
      !parse_number(n, x) || !(x > 0 && x <= 100))
    return false;
  out = f;
  pct = x;
  return true;
}

void GroupTable::add(FieldAccess& f, int64_t time_us, bool update) {
  updating_ = update;
  hit_.clear();
  cur_.resize(spec_.by.size());
  add_key(f, time_us, 0);
}

// Builds the key field by field; a multivalue by-field adds the event to one group per value.
void GroupTable::add_key(FieldAccess& f, int64_t time_us, size_t i) {
  if (i == spec_.by.size()) {
    key_.clear();
    for (auto& k : cur_) {  // length-prefixed, so ("a:b","c") and ("a","b:c") differ
      const auto n = static_cast<uint32_t>(k.size());
      key_.append(reinterpret_cast<const char*>(&n), sizeof n);
      key_ += k;
    }
    auto it = groups_.find(std::string_view(key_));
    if (it == groups_.end()) {
      if (groups_.size() >= spec_.max_groups) {
        ++dropped_;
        return;
      }
      Group g;
      g.states.resize(spec_.aggs.size());
      g.index = by_index_.size();
      it = groups_.emplace(pool_->intern(key_), std::move(g)).first;
      by_index_.push_back(&*it);
    }
    hit_.push_back(it->second.index);
    if (updating_) update(it->second, f, time_us);
    return;
  }
  int id = spec_.by[i];
  const Value* v = f.get(id);
  int64_t t, start;
  if (id == spec_.time_field && spec_.span_us > 0 && v && v->as_time_us(t) && span_bucket_start(t, spec_.span_us, start)) {
    cur_[i] = format_epoch_us(start);
    return add_key(f, time_us, i + 1);
  }
  if (!v) {
    if (!spec_.fillnull) return;
    cur_[i] = *spec_.fillnull;
    return add_key(f, time_us, i + 1);
  }
  if (v->type == Value::Type::Multi) {
    for (auto& s : v->multi) {
      cur_[i] = s;
      add_key(f, time_us, i + 1);
    }
    return;
  }
  if (v->type == Value::Type::Str) cur_[i].assign(v->str);  // no temporary copy
  else cur_[i] = v->text();
  add_key(f, time_us, i + 1);
}

void GroupTable::update(Group& g, FieldAccess& f, int64_t time_us) {
  for (size_t a = 0; a < spec_.aggs.size(); ++a) {
    const AggSpec& spec = spec_.aggs[a];
    State& s = g.states[a];
    if (spec.func == AggFunc::Count && spec.field < 0 && !spec.eval) {
      ++s.count;
      continue;
    }
    const Value* v;
    if (spec.eval) {
      // Splunk: func(eval(<expr>)) is eval temp=<expr> | stats func(temp) (Search
      // Reference, "Statistical and charting functions": Using eval expressions). A
      // condition counts as its truth: count(eval(status=404)) counts the events where it
      // holds; false, like null, is no value.
      EvalResult r = spec.eval->eval(f);
      if (spec.func == AggFunc::Count && r.boolean >= 0) {
        s.count += static_cast<uint64_t>(r.boolean);
        continue;
      }
      // Elsewhere a condition is refused when compiling; one that only shows at run
      // time (inside if()) takes the value eval would give it ("true"/"false").
      eval_value_ = r.to_value();
      if (eval_value_.is_null()) continue;
      v = &eval_value_;
    } else {
      v = f.get(spec.field);
      if (!v) continue;
    }
    // Values are read in place: no copy of the event's text per aggregation and event.
    if (v->type == Value::Type::Multi) {
      for (const std::string& text : v->multi) update_one(spec, s, *v, text, time_us);
    } else if (v->type != Value::Type::Null) {
      update_one(spec, s, *v, v->type == Value::Type::Str ? std::string_view(v->str) : std::string_view(), time_us);
    }
  }
}

// One value (of v: its text, or v itself when it is a number) into one state.
void GroupTable::update_one(const AggSpec& spec, State& s, const Value& v, std::string_view text, int64_t time_us) {
  ++s.count;
  const bool num_value = v.type == Value::Type::Num;
  // A number's text is made only for the functions that keep text.
  auto str = [&]() -> std::string_view {
    if (!num_value) return text;
    num_text_ = v.text();
    return num_text_;
  };
  double x = 0;
  auto numeric = [&] { return num_value ? (x = v.num, true) : parse_number(text, x); };
  switch (spec.func) {
    case AggFunc::Min:
    case AggFunc::Max:
    case AggFunc::Range:
    case AggFunc::Sum:
    case AggFunc::Avg:
    case AggFunc::Stdev:
    case AggFunc::Stdevp:
    case AggFunc::Var:
    case AggFunc::Varp:
      if (numeric()) {
        ++s.n_num;
        const double d = x - s.mean;
        s.mean += d / static_cast<double>(s.n_num);
        s.m2 += d * (x - s.mean);
        if (!s.has_num) s.num_min = s.num_max = x;
        s.num_min = std::min(s.num_min, x);
        s.num_max = std::max(s.num_max, x);
        s.sum += x;
        if (num_value && v.exact_us) {
          if (!s.has_num) s.us_min = s.us_max = v.us;
          s.us_min = std::min(s.us_min, v.us);
          s.us_max = std::max(s.us_max, v.us);
        } else {
          s.all_times = false;
        }
        s.has_num = true;
      } else {
        Heavy& h = s.h();
        if (!s.has_str || text < h.str_min) h.str_min = text;
        if (!s.has_str || text > h.str_max) h.str_max = text;
        s.has_str = true;
      }
      break;
    case AggFunc::Values:
    case AggFunc::Dc: s.h().distinct.emplace(str()); break;
    case AggFunc::List: {
      Heavy& h = s.h();
      if (h.list.size() < 100) h.list.emplace_back(str());  // Splunk's list() keeps at most 100 values
      break;
    }
    case AggFunc::Earliest:
    case AggFunc::Latest: {
      Heavy& h = s.h();
      if (!s.has_time || time_us < s.t_first) s.t_first = time_us, h.v_first = str();
      if (!s.has_time || time_us >= s.t_last) s.t_last = time_us, h.v_last = str();
      s.has_time = true;
      break;
    }
    case AggFunc::First:
    case AggFunc::Last: {
      // Splunk (Event order functions): first/last are the first and last values in the
      // order the events reach the command, "not necessarily chronological". Rows reach
      // stats/eventstats in pipeline order (newest first from a search). tstats reads
      // events in file order, so there they follow Splunk's search order instead:
      // first = the newest (equal times: the first read), last = the oldest (equal
      // times: the last read).
      Heavy& h = s.h();
      if (spec_.input_order) {
        if (!s.has_time) h.v_first = str();
        h.v_last = str();
      } else {
        if (!s.has_time || time_us > s.t_first) s.t_first = time_us, h.v_first = str();
        if (!s.has_time || time_us <= s.t_last) s.t_last = time_us, h.v_last = str();
      }
      s.has_time = true;
      break;
    }
    case AggFunc::Perc:
    case AggFunc::UpperPerc:
      if (numeric()) s.h().nums.push_back(x);  // percentiles are over the numeric values
      break;
    case AggFunc::Mode: {
      Heavy& h = s.h();
      auto [it, fresh] = h.mode_index.emplace(std::string(str()), h.modes.size());
      if (fresh) h.modes.emplace_back(it->first, 0);
      ++h.modes[it->second].second;
      break;
    }
    case AggFunc::Count: break;
  }
}

// The by-values of a group key, as add_key wrote them.
std::vector<std::string_view> GroupTable::split_key(std::string_view key) {
  std::vector<std::string_view> out;
  while (key.size() >= sizeof(uint32_t)) {
    uint32_t n;
    std::memcpy(&n, key.data(), sizeof n);
    key.remove_prefix(sizeof n);
    out.push_back(key.substr(0, n));
    key.remove_prefix(std::min<size_t>(n, key.size()));
  }
  return out;
}

std::vector<Row> GroupTable::rows() const {
  // Splunk returns stats/tstats groups sorted by the by-field values (numbers as numbers).
  // Keys are cut out and parsed as numbers once, not in every comparison.
  const size_t nk = spec_.by.size();
  const size_t ng = by_index_.size();
  std::vector<std::vector<std::string_view>> keys(ng);
  std::vector<double> num(ng * nk);
  std::vector<unsigned char> is_num(ng * nk);
  for (size_t g = 0; g < ng; ++g) {
    keys[g] = split_key(by_index_[g]->first);
    for (size_t i = 0; i < nk && i < keys[g].size(); ++i) is_num[g * nk + i] = parse_number(keys[g][i], num[g * nk + i]);
  }
  std::vector<size_t> sorted(ng);
  for (size_t g = 0; g < ng; ++g) sorted[g] = g;
  std::stable_sort(sorted.begin(), sorted.end(), [&](size_t a, size_t b) {
    for (size_t i = 0; i < keys[a].size() && i < keys[b].size(); ++i) {
      const std::string_view x = keys[a][i], y = keys[b][i];
      if (x == y) continue;
      const size_t ia = a * nk + i, ib = b * nk + i;
      if (is_num[ia] && is_num[ib] && num[ia] != num[ib]) return num[ia] < num[ib];
      return x < y;
    }
    return false;
  });
  std::vector<Row> out;
  // Without a by clause Splunk always returns one row, even over no events (count=0),
  // so "| stats count" can say "none".
  if (ng == 0 && spec_.by_names.empty()) {
    Group none;
    none.states.resize(spec_.aggs.size());
    Row r;
    for (size_t a = 0; a < spec_.aggs.size(); ++a) r.fields.emplace_back(spec_.aggs[a].output, result(spec_.aggs[a], none.states[a]));
    out.push_back(std::move(r));
    return out;
  }
  out.reserve(ng);
  for (size_t gi : sorted) {
    const Group& g = by_index_[gi]->second;
    Row r;
    for (size_t i = 0; i < keys[gi].size() && i < spec_.by_names.size(); ++i) {
      // _time (a span's bucket start, or the time itself) stays a number, as in Splunk,
      // so the table shows a time and convert ctime(_time) formats it.
      int64_t t;
      if (spec_.by[i] == spec_.time_field && parse_epoch_us(keys[gi][i], t))
        r.fields.emplace_back(spec_.by_names[i], Value::of_time_us(t));
      else
        r.fields.emplace_back(spec_.by_names[i], Value::of(std::string(keys[gi][i])));
    }
    for (size_t a = 0; a < spec_.aggs.size(); ++a) r.fields.emplace_back(spec_.aggs[a].output, result(spec_.aggs[a], g.states[a]));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::pair<std::string, Value>> GroupTable::aggregates(size_t group) const {
  std::vector<std::pair<std::string, Value>> out;
  const Group& g = by_index_.at(group)->second;
  for (size_t a = 0; a < spec_.aggs.size(); ++a) out.emplace_back(spec_.aggs[a].output, result(spec_.aggs[a], g.states[a]));
  return out;
}

void GroupTable::reset(size_t group) {
  for (State& s : by_index_.at(group)->second.states) {
    std::unique_ptr<Heavy> h = std::move(s.heavy);
    s = State{};
    if (h) h->clear(), s.heavy = std::move(h);
  }
}

Value GroupTable::result(const AggSpec& spec, const State& s) const {
  Value v;
  switch (spec.func) {
    case AggFunc::Count: v = Value::of(static_cast<double>(s.count)); break;
    case AggFunc::Min:
      if (s.has_num) v = s.all_times ? Value::of_time_us(s.us_min) : Value::of(s.num_min);
      else if (s.has_str) v = Value::of(s.h().str_min);
      break;
    case AggFunc::Max:
      // Splunk: numbers are compared as numbers; strings only when no value is numeric.
      if (s.has_num) v = s.all_times ? Value::of_time_us(s.us_max) : Value::of(s.num_max);
      else if (s.has_str) v = Value::of(s.h().str_max);
      break;
    case AggFunc::Range:
      if (s.has_num) v = Value::of(s.num_max - s.num_min);
      break;
    case AggFunc::Sum:
      if (s.has_num) v = Value::of(s.sum);
      break;
    case AggFunc::Avg:
      // Over the numeric values only: Splunk's avg ignores values that are not numbers.
      if (s.n_num) v = Value::of(s.sum / static_cast<double>(s.n_num));
      break;
    case AggFunc::Stdev:
    case AggFunc::Var:
    case AggFunc::Stdevp:
    case AggFunc::Varp: {
      // Splunk (Aggregate functions): stdev/var are the sample statistics, stdevp/varp
      // the population ones. A sample of one value has no spread: 0, not a division by zero.
      if (!s.n_num) break;
      const bool sample = spec.func == AggFunc::Stdev || spec.func == AggFunc::Var;
      const double n = static_cast<double>(s.n_num);
      const double var = sample ? (s.n_num > 1 ? s.m2 / (n - 1) : 0) : s.m2 / n;
      v = Value::of(spec.func == AggFunc::Var || spec.func == AggFunc::Varp ? var : std::sqrt(var));
      break;
    }
    case AggFunc::Values:
      if (!s.h().distinct.empty()) {
        v.type = s.h().distinct.size() == 1 ? Value::Type::Str : Value::Type::Multi;
        if (s.h().distinct.size() == 1) v.str = *s.h().distinct.begin();
        else v.multi.assign(s.h().distinct.begin(), s.h().distinct.end());
      }
      break;
    case AggFunc::Dc: v = Value::of(static_cast<double>(s.h().distinct.size())); break;
    case AggFunc::List:
      if (!s.h().list.empty()) {
        v.type = Value::Type::Multi;
        v.multi = s.h().list;
      }
      break;
    case AggFunc::Earliest:
    case AggFunc::First:
      if (s.has_time) v = Value::of(s.h().v_first);
      break;
    case AggFunc::Latest:
    case AggFunc::Last:
      if (s.has_time) v = Value::of(s.h().v_last);
      break;
    case AggFunc::Perc:
    case AggFunc::UpperPerc: {
      // Decision (tests/golden/stats_percentiles_median_mode.test): over the sorted
      // numeric values, the rank p/100*(n-1); perc/exactperc/median interpolate linearly
      // between the values on either side of it (median of an even count: the mean of the
      // two middle values), upperperc takes the value above it. Exact for any count:
      // Splunk's perc approximates only past 1000 distinct values.
      if (s.h().nums.empty()) break;
      std::vector<double> sorted = s.h().nums;
      std::sort(sorted.begin(), sorted.end());
      const double rank = spec.pct / 100.0 * static_cast<double>(sorted.size() - 1);
      const size_t lo = static_cast<size_t>(std::floor(rank)), hi = std::min(sorted.size() - 1, lo + 1);
      const double frac = rank - static_cast<double>(lo);
      if (spec.func == AggFunc::UpperPerc) v = Value::of(frac > 0 ? sorted[hi] : sorted[lo]);
      else v = Value::of(sorted[lo] + (sorted[hi] - sorted[lo]) * frac);
      break;
    }
    case AggFunc::Mode: {
      // The most frequent value; on a tie the one seen first.
      const std::pair<std::string, uint64_t>* best = nullptr;
      for (auto& m : s.h().modes)
        if (!best || m.second > best->second) best = &m;
      if (best) v = Value::of(best->first);
      break;
    }
  }
  return v;
}

}  // namespace splinter::exec
