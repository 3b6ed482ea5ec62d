#include "exec/plan.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/strings.h"
#include "common/timefmt.h"
#include "exec/args.h"
#include "exec/eval_expr.h"
#include "exec/lookup.h"
#include "spl/parser.h"
#include "exec/regex.h"
#include "exec/row_ops.h"
#include "exec/structured.h"
#include "exec/subsearch.h"
#include "spl/lexer.h"
#include "spl/parser.h"

namespace splinter::exec {

using spl::CommandKind;

// span=<int><unit> for the s/m/h/d timescales, in microseconds (bucketing works in
// the microseconds _time is carried in).
int64_t parse_span(const std::string& s, size_t pos) {
  size_t i = 0;
  while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i > 12) throw spl::Error("span \"" + s + "\" is too long", pos);
  int64_t n = i ? std::stoll(s.substr(0, i)) : 1;
  std::string unit = to_lower(s.substr(i));
  int64_t seconds;
  if (unit.empty() || unit == "s" || unit == "sec" || unit == "secs" || unit == "second" || unit == "seconds") seconds = 1;
  else if (unit == "m" || unit == "min" || unit == "mins" || unit == "minute" || unit == "minutes") seconds = 60;
  else if (unit == "h" || unit == "hr" || unit == "hrs" || unit == "hour" || unit == "hours") seconds = 3600;
  else if (unit == "d" || unit == "day" || unit == "days") seconds = 86400;
  else if (unit == "w" || unit == "week" || unit == "weeks" || unit == "mon" || unit == "month" || unit == "months" ||
           unit == "q" || unit == "qtr" || unit == "quarter" || unit == "quarters" || unit == "y" || unit == "yr" ||
           unit == "year" || unit == "years")
    // Calendar buckets (which weekday a week starts on, months of unequal length) are not
    // implemented: refused rather than guessed.
    throw spl::Error("span \"" + s + "\" is not supported: calendar spans (weeks, months, quarters, years) are not implemented; use s, m, h or d (e.g. span=7d)", pos);
  else throw spl::Error("unsupported span \"" + s + "\"", pos);
  if (n <= 0) throw spl::Error("span \"" + s + "\" must be positive", pos);
  // Past about 285,000 years the microseconds would not fit an int64.
  if (n > 9'000'000'000'000 / seconds) throw spl::Error("span \"" + s + "\" is too long", pos);
  return n * seconds * 1'000'000;
}

namespace {

// Resolves "Processes.process" style names against a dataset; the inherited _time,
// host, source and sourcetype go without the prefix.
class DatasetFields : public FieldResolver {
 public:
  DatasetFields(const cim::Dataset& d, std::vector<std::string>& warnings) : d_(d), warnings_(warnings) {
    auto dot = d.name.find('.');
    prefix_ = std::string(d.name.substr(dot + 1)) + ".";
  }
  int resolve(std::string_view name) override {
    if (name == "_time") return kTimeField;
    if (int m = d_.metadata_index(name); m >= 0) return m;
    std::string_view f = name;
    if (f.substr(0, prefix_.size()) == prefix_) f.remove_prefix(prefix_.size());
    else if (iequals(f.substr(0, d_.name.size() + 1), std::string(d_.name) + ".")) f.remove_prefix(d_.name.size() + 1);
    int idx = d_.field_index(f);
    if (idx < 0) {
      std::string w = "field " + std::string(name) + " is not mapped for " + std::string(d_.name) + " (always null)";
      if (f != name && d_.metadata_index(f) >= 0)
        w = "field " + std::string(name) + " is not a field of " + std::string(d_.name) +
            " (always null); the inherited field is " + std::string(f) + ", without the dataset prefix";
      if (std::find(warnings_.begin(), warnings_.end(), w) == warnings_.end()) warnings_.push_back(w);
    }
    return idx;
  }

 private:
  const cim::Dataset& d_;
  std::string prefix_;
  std::vector<std::string>& warnings_;
};

// Does an eval expression give a condition (true/false) rather than a value?
bool is_condition(const spl::Expr& e) {
  using K = spl::ExprKind;
  switch (e.kind) {
    case K::And: case K::Or: case K::Not: case K::In: case K::Compare: return true;
    case K::Binary: {
      static const std::set<std::string> ops = {"=", "==", "!=", "<", "<=", ">", ">=", "LIKE", "XOR"};
      return ops.count(e.text) > 0;
    }
    case K::Call: {
      static const std::set<std::string> fns = {"like", "match", "isnull", "isnotnull", "isnum", "isint",
                                                "isstr", "isbool", "cidrmatch", "searchmatch", "in", "true", "false"};
      return fns.count(to_lower(e.text)) > 0;
    }
    default: return false;
  }
}

// eval_args: stats/eventstats, where func(eval(<expr>)) is compiled here once; tstats
// (fields of the data model only) refuses it.
std::vector<AggSpec> compile_aggs(const std::vector<spl::Aggregation>& aggs, FieldResolver& fields, bool eval_args) {
  std::vector<AggSpec> out;
  for (auto& a : aggs) {
    AggSpec s;
    if (!parse_agg_func(a.func, s.func, s.pct)) throw spl::Error("unsupported aggregation " + a.func + "()", a.span.begin);
    if (a.eval) {
      if (!eval_args) throw spl::Error("eval() inside tstats aggregations is not supported", a.span.begin);
      // Splunk (Search Manual, "Use the eval command and functions"): an eval expression
      // in a stats function must be renamed with AS.
      if (!a.alias_given)
        throw spl::Error(a.func + "(eval(...)) needs AS <name>: Splunk requires an eval() aggregation to be renamed",
                         a.span.begin);
      // A condition means "count the events where it holds" only in count(); what
      // Splunk makes of it elsewhere is not documented, so it is refused, not guessed.
      if (s.func != AggFunc::Count && is_condition(*a.eval))
        throw spl::Error(a.func + "(eval(<condition>)) is not supported; count(eval(<condition>)) counts where it holds, "
                         "or give a value, e.g. " + a.func + "(eval(if(<condition>, 1, 0)))",
                         a.eval->span.begin);
      s.eval = std::make_shared<const EvalExpr>(EvalExpr::compile(*a.eval, fields));
      s.output = a.alias;
      out.push_back(std::move(s));
      continue;
    }
    s.field = a.field.empty() ? -1 : fields.resolve(a.field);
    if (s.func != AggFunc::Count && a.field.empty())
      throw spl::Error(a.func + "() needs a field", a.span.begin);
    s.output = a.alias.empty() ? (a.field.empty() ? a.func : a.func + "(" + a.field + ")") : a.alias;
    out.push_back(std::move(s));
  }
  return out;
}

// ---- row operations ----------------------------------------------------------

// Wildcard rename: "Processes.*" AS "*" moves the part matched by each '*'.
class RenameOp : public RowOp {
 public:
  explicit RenameOp(std::vector<std::pair<std::string, std::string>> r)
      : renames_(std::move(r)), shapes_(renames_.size()) {}
  void run(std::vector<Row>& rows) override {
    for (auto& row : rows)
      for (size_t k = 0; k < renames_.size(); ++k) {
        const auto& [from, to] = renames_[k];
        if (from.find('*') == std::string::npos) rename_one(row, from, to);
        else rename_wild(row, k);
      }
  }

 private:
  static bool capture(std::string_view pat, std::string_view s, std::vector<std::string_view>& caps) {
    // Field names are case-sensitive; '*' captures greedily-minimal runs.
    if (pat.empty()) return s.empty();
    if (pat[0] == '*') {
      for (size_t k = 0; k <= s.size(); ++k) {
        caps.push_back(s.substr(0, k));
        if (capture(pat.substr(1), s.substr(k), caps)) return true;
        caps.pop_back();
      }
      return false;
    }
    return !s.empty() && s[0] == pat[0] && capture(pat.substr(1), s.substr(1), caps);
  }
  static void rename_one(Row& row, const std::string& from, const std::string& to) {
    if (!row.get(from) || from == to) return;
    row.erase(to);  // the renamed field replaces one of the same name
    for (auto& [n, v] : row.fields)
      if (n == from) n = to;  // keeps the column where the old one stood
  }
  // What a wildcard rename does to rows with these field names, in order: the output
  // names and which input field each takes its value from. Rows of one search mostly
  // share their names, so this is worked out once per shape, not per row.
  struct Shape {
    std::vector<std::string> in;
    std::vector<std::pair<std::string, size_t>> out;
  };
  void plan_shape(const Row& row, const std::string& from, const std::string& to, Shape& sh) const {
    sh.in.clear();
    sh.out.clear();
    std::vector<std::string> names(row.fields.size());
    std::vector<bool> renamed(row.fields.size());
    std::vector<std::string> targets;
    for (size_t i = 0; i < row.fields.size(); ++i) {
      const std::string& name = row.fields[i].first;
      sh.in.push_back(name);
      std::vector<std::string_view> caps;
      if (!capture(from, name, caps)) {
        names[i] = name;
        continue;
      }
      size_t c = 0;
      for (char ch : to) {
        if (ch == '*' && c < caps.size()) names[i] += caps[c++];
        else names[i] += ch;
      }
      renamed[i] = true;
      targets.push_back(names[i]);
    }
    // A renamed field replaces an existing one of the same name wherever that stood,
    // as an explicit rename does (tstats `values(X.p) as p by X.p | rename X.* as *`
    // keeps the by-field); among renamed fields the last wins, in the first one's place.
    for (size_t i = 0; i < names.size(); ++i) {
      if (!renamed[i] && std::find(targets.begin(), targets.end(), names[i]) != targets.end()) continue;
      auto at = std::find_if(sh.out.begin(), sh.out.end(), [&](const auto& o) { return o.first == names[i]; });
      if (at != sh.out.end()) at->second = i;
      else sh.out.emplace_back(names[i], i);
    }
  }
  void rename_wild(Row& row, size_t k) {
    Shape& sh = shapes_[k];
    bool same = sh.in.size() == row.fields.size();
    for (size_t i = 0; same && i < sh.in.size(); ++i) same = sh.in[i] == row.fields[i].first;
    if (!same) plan_shape(row, renames_[k].first, renames_[k].second, sh);
    std::vector<std::pair<std::string, Value>> fields;
    fields.reserve(sh.out.size());
    for (const auto& [name, src] : sh.out) fields.emplace_back(name, std::move(row.fields[src].second));
    row.fields = std::move(fields);
  }
  std::vector<std::pair<std::string, std::string>> renames_;
  std::vector<Shape> shapes_;  // per rename: the last row shape seen
};

class ConvertOp : public RowOp {
 public:
  explicit ConvertOp(const spl::ConvertCommand& c, size_t pos) : timeformat_(c.timeformat) {
    if (timeformat_.empty()) timeformat_ = kSplunkDefaultTimeFormat;
    for (auto& f : c.functions) {
      if (f.func != "ctime") throw spl::Error("unsupported convert function " + f.func + "()", pos);
      fns_.push_back(f);
    }
  }
  void run(std::vector<Row>& rows) override {
    for (auto& row : rows)
      for (auto& f : fns_) {
        Wildcard w(f.field, false);
        std::vector<std::pair<std::string, Value>> updates;
        for (auto& [name, v] : row.fields) {
          if (!w.matches(name)) continue;
          int64_t t;  // microseconds: exact for _time, whatever the date
          if (!v.as_time_us(t)) continue;  // Splunk leaves non-numeric values unchanged
          updates.emplace_back(f.alias.empty() ? name : f.alias, Value::of(format_time_us(t, timeformat_)));
        }
        for (auto& [n, v] : updates) row.set(n, std::move(v));
      }
  }

 private:
  std::string timeformat_;
  std::vector<spl::ConvertFunction> fns_;
};

class WhereOp : public RowOp {
 public:
  explicit WhereOp(const spl::Expr& e) : expr_(EvalExpr::compile(e, fields_)) {}
  void run(std::vector<Row>& rows) override {
    std::vector<Row> kept;
    for (auto& row : rows) {
      RowAccess a(fields_, row);
      if (expr_.eval(a).truthy()) kept.push_back(std::move(row));
    }
    rows = std::move(kept);
  }

 private:
  RowFields fields_;
  EvalExpr expr_;
};

class EvalOp : public RowOp {
 public:
  explicit EvalOp(const spl::EvalCommand& c) {
    for (auto& [name, e] : c.assignments) assigns_.emplace_back(name, EvalExpr::compile(*e, fields_));
  }
  void run(std::vector<Row>& rows) override {
    for (auto& row : rows)
      for (auto& [name, e] : assigns_) {
        RowAccess a(fields_, row);
        Value v = e.eval(a).to_value();
        if (v.is_null()) row.erase(name);
        else row.set(name, std::move(v));
      }
  }

 private:
  RowFields fields_;
  std::vector<std::pair<std::string, EvalExpr>> assigns_;
};

// search <expr>. A [subsearch] over events in it (subs_, in the order the expression
// holds them) is formatted into the expression when the command runs, after the
// subsearch's rows are known; the predicate is then compiled once for the run.
class SearchOp : public RowOp {
 public:
  explicit SearchOp(const spl::Expr* e) : pred_(SearchPredicate::compile(e, fields_, true)) {}
  SearchOp(spl::ExprPtr e, std::vector<const SubPlan*> subs) : expr_(std::move(e)), subs_(std::move(subs)) {}
  void run(std::vector<Row>& rows) override {
    if (expr_) {
      size_t k = 0;
      spl::ExprPtr e = substitute(*expr_, k);
      fields_ = RowFields();
      pred_ = SearchPredicate::compile(e.get(), fields_, true);
    }
    if (pred_.match_all()) return;
    std::vector<Row> kept;
    for (auto& row : rows) {
      RowAccess a(fields_, row);
      if (pred_.matches(a)) kept.push_back(std::move(row));
    }
    rows = std::move(kept);
  }

 private:
  spl::ExprPtr substitute(const spl::Expr& e, size_t& k) const {
    if (e.kind == spl::ExprKind::Subsearch) {
      const SubPlan* sp = subs_.at(k++);
      return format_results(sp->rows, sp->max_rows, e);
    }
    auto c = std::make_unique<spl::Expr>();
    c->kind = e.kind, c->text = e.text, c->quoted = e.quoted, c->number = e.number, c->num = e.num;
    c->case_sensitive = e.case_sensitive, c->whole_term = e.whole_term, c->span = e.span;
    for (auto& a : e.args) c->args.push_back(substitute(*a, k));
    return c;
  }
  RowFields fields_;
  SearchPredicate pred_;
  spl::ExprPtr expr_;
  std::vector<const SubPlan*> subs_;
};

// inputlookup append=true <name> after the first command: the lookup's rows (read when
// compiling) are added after the current results.
class InputlookupAppendOp : public RowOp {
 public:
  explicit InputlookupAppendOp(std::vector<Row> rows) : rows_(std::move(rows)) {}
  void run(std::vector<Row>& rows) override { rows.insert(rows.end(), rows_.begin(), rows_.end()); }

 private:
  std::vector<Row> rows_;
};

class FieldsOp : public RowOp {
 public:
  FieldsOp(const spl::FieldsCommand& c, bool table) : remove_(c.remove), table_(table) {
    for (auto& f : c.fields) pats_.emplace_back(f, false);
  }
  void run(std::vector<Row>& rows) override {
    for (auto& row : rows) {
      Row out;
      if (remove_) {
        for (auto& [n, v] : row.fields)
          if (!any(n)) out.fields.emplace_back(std::move(n), std::move(v));
      } else {
        // table/fields order the columns as listed; table keeps a listed field that a
        // row lacks as an empty cell in its place, so the column order never depends
        // on which row comes first.
        for (auto& p : pats_) {
          for (auto& [n, v] : row.fields)
            if (p.matches(n) && !out.get(n)) out.fields.emplace_back(n, v);
          if (table_ && !p.has_wildcard() && !out.get(p.pattern())) out.fields.emplace_back(p.pattern(), Value{});
        }
      }
      row = std::move(out);
    }
  }

 private:
  bool any(const std::string& n) const {
    for (auto& p : pats_)
      if (p.matches(n)) return true;
    return false;
  }
  std::vector<Wildcard> pats_;
  bool remove_, table_;
};

// The group table of stats and eventstats: aggregations, by-fields, and _time as the
// event time (for earliest/latest and a by _time span=).
GroupSpec stats_group(const spl::StatsCommand& c, RowFields& fields, size_t pos) {
  GroupSpec g;
  g.aggs = compile_aggs(c.aggregations, fields, true);
  for (auto& b : c.by) g.by.push_back(fields.resolve(b)), g.by_names.push_back(b);
  g.time_field = fields.resolve("_time");
  g.input_order = true;
  // "by _time span=1h" bins _time as tstats does (the parser keeps span among the options).
  for (auto& [k, v] : c.options)
    if (k == "span") g.span_us = parse_span(v, c.span_pos ? c.span_pos : pos);
  return g;
}

void add_row(GroupTable& t, const RowFields& fields, int time_field, Row& row) {
  RowAccess a(fields, row);
  int64_t time_us = 0;
  if (const Value* v = a.get(time_field)) v->as_time_us(time_us);
  t.add(a, time_us);
}

class StatsOp : public RowOp {
 public:
  StatsOp(const spl::StatsCommand& c, size_t pos) : spec_(stats_group(c, fields_, pos)) {}
  void run(std::vector<Row>& rows) override {
    GroupTable t(spec_);
    for (auto& row : rows) add_row(t, fields_, spec_.time_field, row);
    rows = t.rows();
  }

 private:
  RowFields fields_;
  GroupSpec spec_;
};

// eventstats: the aggregations of stats, by the same by-clause, written into every row of
// the group instead of one row per group; an aggregate replaces a field of the same name.
// Splunk (Search Reference, eventstats): "Only those events that have fields pertinent to
// the aggregation are used in generating the summary statistics", so a row whose by-field
// is null is in no group and gets no values (as stats drops it). A row with a multivalue
// by-field counts in each value's group, as in stats; which aggregates it should carry
// then is not documented, so it gets none rather than a guess.
class EventstatsOp : public RowOp {
 public:
  EventstatsOp(const spl::StatsCommand& c, size_t pos) {
    for (auto& [k, v] : c.options) {
      // allnum=true would withhold numeric results from groups holding any non-number.
      bool allnum = true;
      if (k == "allnum" && parse_bool(v, allnum) && !allnum) continue;
      if (k == "allnum") throw spl::Error("eventstats allnum=true is not supported", pos);
      // Splunk's eventstats by-clause is a plain field list (no span=).
      throw spl::Error("unsupported eventstats option " + k + "=", k == "span" && c.span_pos ? c.span_pos : pos);
    }
    spec_ = stats_group(c, fields_, pos);
  }
  void run(std::vector<Row>& rows) override {
    GroupTable t(spec_);
    std::vector<long> group(rows.size(), -1);  // -1: in no group (or in several)
    for (size_t i = 0; i < rows.size(); ++i) {
      add_row(t, fields_, spec_.time_field, rows[i]);
      if (t.last_groups().size() == 1) group[i] = static_cast<long>(t.last_groups()[0]);
    }
    std::vector<std::vector<std::pair<std::string, Value>>> results(t.size());
    for (size_t g = 0; g < t.size(); ++g) results[g] = t.aggregates(g);
    for (size_t i = 0; i < rows.size(); ++i) {
      if (group[i] < 0) continue;
      for (auto& [name, v] : results[static_cast<size_t>(group[i])]) {
        if (v.is_null()) rows[i].erase(name);
        else rows[i].set(name, v);
      }
    }
  }

 private:
  RowFields fields_;
  GroupSpec spec_;
};

// streamstats: running aggregates over the rows in their current order, by the stats
// machinery (one GroupTable). Splunk (Search Reference, streamstats): each event gets the
// statistics of the events seen so far, up to and including itself unless current=false,
// in its by-group. window=N keeps only the last N events: one window over all rows
// (global=true, the default), or one per group (global=false); time_window=<span> keeps
// the events within that time of the current one and needs rows ordered by time.
// reset_on_change=true starts over when the by-values differ from the previous event's.
// As in eventstats (and stats), a row missing a by-field is in no group: not counted, no
// values. A row with a multivalue by-field counts in each value's group (outside windows)
// and gets no values, as eventstats does.
// Decisions: current=false gives the first row of a group what stats gives over no rows
// (count 0, other functions nothing); time_window holds rows less than the span from the
// current row's _time (rows without _time are in no time window).
class StreamstatsOp : public RowOp {
 public:
  // Splunk's limits.conf max_stream_window: the largest window= it accepts.
  static constexpr int64_t kMaxWindow = 10'000;

  StreamstatsOp(const spl::StatsCommand& c, size_t pos) {
    for (size_t i = 0; i < c.options.size(); ++i) {
      const std::string& k = c.options[i].first;  // no structured binding: lambdas use it (clang 14)
      const std::string& v = c.options[i].second;
      const size_t at = i < c.option_pos.size() ? c.option_pos[i] : pos;
      bool b = false;
      auto want_bool = [&] {
        if (!parse_bool(v, b)) throw spl::Error("streamstats " + k + "= expects true or false", at);
        return b;
      };
      if (k == "current") current_ = want_bool();
      else if (k == "global") global_ = want_bool();
      else if (k == "reset_on_change") reset_on_change_ = want_bool();
      else if (k == "allnum") {
        if (want_bool()) throw spl::Error("streamstats allnum=true is not supported", at);
      } else if (k == "window") {
        double w;
        if (!parse_number(v, w) || w < 0 || w != std::floor(w) || w > static_cast<double>(kMaxWindow))
          throw spl::Error("streamstats window= expects a whole number from 0 to 10000 (Splunk's max_stream_window)", at);
        window_ = static_cast<size_t>(w);
      } else if (k == "time_window") {
        time_window_us_ = parse_span(v, at);
      } else if (k == "span") {
        throw spl::Error("streamstats takes no span= in its by clause (bin _time first)", at);
      } else {
        // reset_before/reset_after (eval expressions) and anything else.
        throw spl::Error("unsupported streamstats option " + k + "=", at);
      }
    }
    spec_ = stats_group(c, fields_, pos);
  }

  void run(std::vector<Row>& rows) override {
    GroupTable t(spec_);
    const size_t na = t.agg_count();
    const bool windowed = window_ > 0 || time_window_us_ > 0;
    std::vector<long> group(rows.size(), -1);   // windowed: each row's one group (-1: none)
    std::vector<int64_t> times(rows.size(), 0);
    std::vector<unsigned char> has_time(rows.size(), 0);
    // Windowed results wait until all rows are read: a window re-reads earlier rows, which
    // must not see the values written into them (streamstats sum(x) as x).
    std::vector<Value> results(windowed ? rows.size() * na : 0);
    std::vector<unsigned char> has_result(windowed ? rows.size() : 0, 0);
    std::vector<Value> before(na);  // current=false: the group's values before this row
    std::deque<size_t> global_win;  // row indexes of the global window
    std::vector<std::deque<size_t>> group_win;  // global=false: a window per group
    std::vector<size_t> touched;    // groups holding values since the last reset
    long prev = -1;
    for (size_t i = 0; i < rows.size(); ++i) {
      RowAccess a(fields_, rows[i]);
      if (const Value* v = a.get(spec_.time_field)) has_time[i] = v->as_time_us(times[i]);
      t.add(a, times[i], false);
      const std::vector<size_t>& hits = t.last_groups();
      if (hits.size() != 1) {
        if (hits.size() > 1 && !windowed) {  // a multivalue by-field: counted, no values
          if (reset_on_change_) touched.insert(touched.end(), hits.begin(), hits.end());
          t.add(a, times[i]);
        }
        continue;
      }
      const size_t g = hits[0];
      if (reset_on_change_ && prev >= 0 && static_cast<size_t>(prev) != g) {
        for (size_t x : touched) t.reset(x);
        for (size_t x : touched)
          if (x < group_win.size()) group_win[x].clear();
        touched.clear();
        global_win.clear();
      }
      prev = static_cast<long>(g);
      if (reset_on_change_ && (touched.empty() || touched.back() != g)) touched.push_back(g);
      if (!windowed) {
        if (!current_)
          for (size_t k = 0; k < na; ++k) before[k] = t.aggregate(g, k);
        t.add(a, times[i]);
        for (size_t k = 0; k < na; ++k) put(rows[i], t.agg_name(k), current_ ? t.aggregate(g, k) : std::move(before[k]));
        continue;
      }
      // The group is rebuilt from the rows of the window that are in it.
      if (group_win.size() <= g) group_win.resize(g + 1);
      std::deque<size_t>& win = global_ ? global_win : group_win[g];
      if (time_window_us_ > 0 && has_time[i])  // rows ordered by time: those too far from this one leave from the front
        while (!win.empty() && !in_time(times, has_time, win.front(), i)) win.pop_front();
      t.reset(g);
      // window=N counts the current row when it is included: then N-1 earlier ones.
      const size_t skip = current_ && window_ > 0 && win.size() >= window_ ? win.size() - (window_ - 1) : 0;
      for (size_t w = skip; w < win.size(); ++w) {
        const size_t j = win[w];
        if (group[j] != static_cast<long>(g) || (time_window_us_ > 0 && !in_time(times, has_time, j, i))) continue;
        RowAccess b(fields_, rows[j]);
        t.add(b, times[j]);
      }
      if (current_) t.add(a, times[i]);
      for (size_t k = 0; k < na; ++k) results[i * na + k] = t.aggregate(g, k);
      has_result[i] = 1;
      group[i] = static_cast<long>(g);
      win.push_back(i);
      if (window_ > 0 && win.size() > window_) win.pop_front();
    }
    if (windowed)
      for (size_t i = 0; i < rows.size(); ++i)
        if (has_result[i])
          for (size_t k = 0; k < na; ++k) put(rows[i], t.agg_name(k), std::move(results[i * na + k]));
  }

 private:
  static void put(Row& row, const std::string& name, Value v) {
    if (v.is_null()) row.erase(name);
    else row.set(name, std::move(v));
  }
  bool in_time(const std::vector<int64_t>& times, const std::vector<unsigned char>& has_time, size_t j, size_t i) const {
    if (!has_time[i] || !has_time[j]) return false;
    const int64_t d = times[i] > times[j] ? times[i] - times[j] : times[j] - times[i];
    return d < time_window_us_;
  }

  RowFields fields_;
  GroupSpec spec_;
  bool current_ = true, global_ = true, reset_on_change_ = false;
  size_t window_ = 0;
  int64_t time_window_us_ = 0;
};

// timechart [span=] [limit=] [useother=] [usenull=] [nullstr=] [otherstr=] [cont=] <aggs>
// [by <field>]: Splunk (Search Reference, timechart) aggregates over time buckets of _time,
// one row per bucket, _time the bucket's start (the epoch-aligned buckets of bin and
// stats by _time span=). With a split-by field each of its values becomes a column (with
// several aggregations "<agg>: <value>"); limit=N (default 10) keeps the N series with
// the largest sums over all buckets and, with useother=true (default), aggregates the
// rest into OTHER; limit=0 keeps all. Rows missing the field form a NULL series unless
// usenull=false. cont=true (default) makes the buckets continuous from the first to the
// last, empty ones included.
// Decisions: an empty cell is 0 for count and dc (as Splunk shows) and nothing for the
// other functions; series columns come in value order, then NULL, then OTHER; ties in the
// ranking go to the value first in that order. Without span= Splunk picks by bins=100
// from the search's time range; splinter has no time range, so it takes the rows' own,
// with the smallest of Splunk's span thresholds (1s 5s 10s 30s 1m 5m 10m 30m 1h 1d 30d)
// that gives at most 100 buckets.
class TimechartOp : public RowOp {
 public:
  static constexpr size_t kMaxFilled = 1'000'000;  // cont=true fills at most this many buckets

  TimechartOp(const spl::StatsCommand& c, size_t pos) {
    for (size_t i = 0; i < c.options.size(); ++i) {
      const std::string& k = c.options[i].first;
      const std::string& v = c.options[i].second;
      const size_t at = i < c.option_pos.size() ? c.option_pos[i] : pos;
      bool b = false;
      if (k == "span") {
        span_us_ = parse_span(v, at);
      } else if (k == "limit") {
        double n;
        if (!parse_number(v, n) || n < 0 || n != std::floor(n) || n > 1e9)
          throw spl::Error("timechart limit= expects a whole number (top/bottom forms are not supported)", at);
        limit_ = static_cast<size_t>(n);
      } else if (k == "useother" || k == "usenull" || k == "cont") {
        if (!parse_bool(v, b)) throw spl::Error("timechart " + k + "= expects true or false", at);
        (k == "useother" ? useother_ : k == "usenull" ? usenull_ : cont_) = b;
      } else if (k == "nullstr") {
        nullstr_ = v;
      } else if (k == "otherstr") {
        otherstr_ = v;
      } else {
        // bins=, minspan=, agg=, sep=, format=, partial=, fixedrange=, aligntime=, ...
        throw spl::Error("unsupported timechart option " + k + "=", at);
      }
    }
    if (c.by.size() > 1) throw spl::Error("timechart splits by one field only (use stats for more)", pos);
    spec_.aggs = compile_aggs(c.aggregations, fields_, true);
    time_id_ = fields_.resolve("_time");
    spec_.time_field = time_id_;
    spec_.input_order = true;
    spec_.by = {time_id_};
    spec_.by_names = {"_time"};
    if (!c.by.empty()) {
      split_ = c.by[0];
      split_id_ = fields_.resolve(split_);
      spec_.by.push_back(split_id_);
      spec_.by_names.push_back(split_);
      if (usenull_) spec_.fillnull = nullstr_;  // _time is never null here: rows without it are left out
    }
  }

  void run(std::vector<Row>& rows) override {
    // Rows without a time are in no bucket.
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    std::vector<unsigned char> timed(rows.size(), 0);
    std::vector<int64_t> times(rows.size(), 0);
    for (size_t i = 0; i < rows.size(); ++i) {
      RowAccess a(fields_, rows[i]);
      if (const Value* v = a.get(time_id_); v && v->as_time_us(times[i])) {
        timed[i] = 1;
        lo = std::min(lo, times[i]);
        hi = std::max(hi, times[i]);
      }
    }
    if (lo > hi) {
      rows.clear();
      return;
    }
    GroupSpec g = spec_;
    g.span_us = span_us_ > 0 ? span_us_ : auto_span(hi - lo);
    std::vector<Row> cells = aggregate(rows, timed, times, g, nullptr);
    // The series to keep: by their total over all buckets, the largest first.
    std::vector<std::string> series;  // column order
    bool has_null = false, has_other = false;
    if (split_id_ >= 0) {
      std::vector<std::string> values;  // in stats' value order
      std::unordered_map<std::string, double> total;
      for (Row& r : cells) {
        const Value* v = r.get(split_);
        std::string s = v ? v->text() : std::string();
        if (usenull_ && s == nullstr_) {
          has_null = true;
          continue;
        }
        auto [it, fresh] = total.emplace(s, 0.0);
        if (fresh) values.push_back(s);
        for (size_t a = 0; a < spec_.aggs.size(); ++a) {
          double x;
          if (const Value* c = r.get(spec_.aggs[a].output); c && c->as_number(x)) it->second += x;
        }
      }
      std::sort(values.begin(), values.end());
      std::vector<std::string> ranked = values;
      std::stable_sort(ranked.begin(), ranked.end(),
                       [&](const std::string& x, const std::string& y) { return total[x] > total[y]; });
      if (limit_ > 0 && ranked.size() > limit_) {
        std::unordered_set<std::string> keep(ranked.begin(), ranked.begin() + static_cast<long>(limit_));
        std::vector<std::string> kept;
        for (auto& v : values)
          if (keep.count(v)) kept.push_back(v);
        values = std::move(kept);
        if (useother_) {
          has_other = true;
          cells = aggregate(rows, timed, times, g, &keep);
        }
      }
      series = std::move(values);
      if (has_null) series.push_back(nullstr_);
      if (has_other) series.push_back(otherstr_);
    }
    // Columns and the value an empty cell holds.
    const size_t na = spec_.aggs.size();
    std::vector<std::string> columns;
    std::unordered_map<std::string, size_t> column_of_series;
    // Aggregation-major, as Splunk lays them out: "avg: a", "avg: b", "max: a", ...
    const size_t ns = split_id_ < 0 ? 1 : series.size();
    for (size_t s = 0; s < series.size(); ++s) column_of_series.emplace(series[s], s);
    for (auto& a : spec_.aggs)
      for (size_t s = 0; s < ns; ++s)
        columns.push_back(split_id_ < 0 ? a.output : na == 1 ? series[s] : a.output + ": " + series[s]);
    // The buckets: every one from the first to the last (cont), or those holding rows.
    std::vector<int64_t> buckets;
    int64_t first = 0, last = 0;
    span_bucket_start(lo, g.span_us, first);
    span_bucket_start(hi, g.span_us, last);
    const uint64_t n = static_cast<uint64_t>(last - first) / static_cast<uint64_t>(g.span_us) + 1;
    if (cont_ && n <= kMaxFilled) {
      for (uint64_t k = 0; k < n; ++k) buckets.push_back(first + static_cast<int64_t>(k) * g.span_us);
    } else {
      for (size_t i = 0; i < rows.size(); ++i) {
        int64_t b;
        if (timed[i] && span_bucket_start(times[i], g.span_us, b)) buckets.push_back(b);
      }
      std::sort(buckets.begin(), buckets.end());
      buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
    }
    std::vector<Row> out(buckets.size());
    for (size_t b = 0; b < buckets.size(); ++b) {
      out[b].fields.reserve(columns.size() + 1);
      out[b].fields.emplace_back("_time", Value::of_time_us(buckets[b]));
      for (size_t col = 0; col < columns.size(); ++col) {
        const AggFunc f = spec_.aggs[col / ns].func;
        out[b].fields.emplace_back(columns[col], f == AggFunc::Count || f == AggFunc::Dc ? Value::of(0.0) : Value());
      }
    }
    for (Row& r : cells) {
      int64_t t;
      const Value* tv = r.get("_time");
      if (!tv || !tv->as_time_us(t)) continue;
      auto it = std::lower_bound(buckets.begin(), buckets.end(), t);
      if (it == buckets.end() || *it != t) continue;
      size_t col = 0;
      if (split_id_ >= 0) {
        const Value* v = r.get(split_);
        auto c = column_of_series.find(v ? v->text() : std::string());
        if (c == column_of_series.end()) continue;  // a series left out (limit, useother=false)
        col = c->second;
      }
      Row& o = out[static_cast<size_t>(it - buckets.begin())];
      for (size_t a = 0; a < na; ++a)
        if (Value* c = r.get(spec_.aggs[a].output)) o.fields[1 + a * ns + col].second = std::move(*c);
    }
    for (Row& o : out)  // nothing in a cell: no field, as stats leaves it
      o.fields.erase(std::remove_if(o.fields.begin(), o.fields.end(), [](const auto& f) { return f.second.is_null(); }),
                     o.fields.end());
    rows = std::move(out);
  }

 private:
  // A row's split-by value as the series it counts in: one of `keep`, or OTHER.
  class SeriesAccess : public FieldAccess {
   public:
    SeriesAccess(RowAccess& base, int id, const std::unordered_set<std::string>& keep, const std::string& other)
        : base_(base), id_(id), keep_(keep), other_(Value::of(other)) {}
    const Value* get(int id) override {
      const Value* v = base_.get(id);
      if (id != id_ || !v) return v;
      if (v->type != Value::Type::Multi) return keep_.count(v->text()) ? v : &other_;
      mapped_ = Value();  // each value of a multivalue field, the others once as OTHER
      mapped_.type = Value::Type::Multi;
      bool other = false;
      for (auto& s : v->multi)
        if (keep_.count(s)) mapped_.multi.push_back(s);
        else other = true;
      if (other) mapped_.multi.push_back(other_.str);
      return &mapped_;
    }

   private:
    RowAccess& base_;
    int id_;
    const std::unordered_set<std::string>& keep_;
    Value other_, mapped_;
  };

  std::vector<Row> aggregate(std::vector<Row>& rows, const std::vector<unsigned char>& timed,
                             const std::vector<int64_t>& times, const GroupSpec& g,
                             const std::unordered_set<std::string>* keep) const {
    GroupTable t(g);
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!timed[i]) continue;
      RowAccess a(fields_, rows[i]);
      if (!keep) {
        t.add(a, times[i]);
        continue;
      }
      SeriesAccess s(a, split_id_, *keep, otherstr_);
      t.add(s, times[i]);
    }
    return t.rows();
  }

  // Splunk's span thresholds: the smallest giving at most 100 buckets over the range.
  static int64_t auto_span(int64_t range_us) {
    static const int64_t kSpans[] = {1, 5, 10, 30, 60, 300, 600, 1800, 3600, 86400, 2592000};
    for (int64_t s : kSpans)
      if (range_us / (s * 1'000'000) < 100) return s * 1'000'000;
    return kSpans[std::size(kSpans) - 1] * 1'000'000;
  }

  RowFields fields_;
  GroupSpec spec_;
  int time_id_ = -1, split_id_ = -1;
  std::string split_;
  int64_t span_us_ = 0;  // 0: chosen from the rows' time range
  size_t limit_ = 10;
  bool useother_ = true, usenull_ = true, cont_ = true;
  std::string nullstr_ = "NULL", otherstr_ = "OTHER";
};

// bin/bucket. Splunk's bin "puts continuous numerical values into discrete sets ... by
// adjusting the value of <field> so that all of the items in a particular set have the
// same value". On _time, or with a time span (bin span=1h gtime), the value becomes the
// start of its bucket, epoch-aligned as in stats/tstats by _time span= (Splunk: spans of
// a day or more align to midnight in the user's time zone; splinter's is UTC). A plain
// number on another field gives Splunk's range text "start-end" (Search Manual, "Search
// using time bins and spans": span=2 on date_hour gives "10-12", "14-16").
// Values that are not numbers are left as they are.
class BinOp : public RowOp {
 public:
  BinOp(const spl::BinCommand& c, const std::string& name) : field_(c.field), out_(c.alias.empty() ? c.field : c.alias) {
    const char last = c.span.empty() ? '0' : c.span.back();
    const bool timescale = !std::isdigit(static_cast<unsigned char>(last)) && last != '.';
    if (c.field == "_time" || timescale) {
      span_us_ = parse_span(c.span, c.span_pos);
    } else if (c.span.find("log") != std::string::npos) {
      throw spl::Error(name + " span=" + c.span + ": logarithmic spans are not supported", c.span_pos);
    } else if (!parse_number(c.span, span_) || !(span_ > 0) || !std::isfinite(span_)) {
      throw spl::Error(name + " span=" + c.span + ": expected a positive number or a time span such as 5m", c.span_pos);
    }
  }
  void run(std::vector<Row>& rows) override {
    for (auto& row : rows) {
      const Value* v = row.get(field_);
      if (!v) continue;
      Value out;
      if (span_us_ > 0) {
        int64_t t, start;
        if (!v->as_time_us(t) || !span_bucket_start(t, span_us_, start)) continue;
        out = Value::of_time_us(start);  // stays a number, as stats by _time span= leaves it
      } else {
        double x;
        if (!v->as_number(x)) continue;
        const double lo = std::floor(x / span_) * span_;
        out = Value::of(format_number(lo) + "-" + format_number(lo + span_));
      }
      row.set(out_, std::move(out));
    }
  }

 private:
  std::string field_, out_;
  int64_t span_us_ = 0;  // time-based buckets
  double span_ = 0;      // numeric ranges
};

// rex: Splunk "matches the value of the specified field against the unanchored regular
// expression and extracts the named groups into fields of the corresponding names"
// (default field _raw, which splinter's rows do not carry: no match there). max_match=N
// takes the first N matches (0 = all) and "if greater than 1, the resulting fields are
// multivalued". No match leaves the row as it was. mode=sed rewrites the field with
// s/<regex>/<replacement>/<flags>: g replaces every match, a number N only the Nth, no
// flag the first; \1..\9 in the replacement are groups.
class RexOp : public RowOp {
 public:
  explicit RexOp(const spl::RexCommand& c) : field_(c.field), max_(static_cast<size_t>(c.max_match)) {
    std::string pattern = c.pattern;
    size_t base = 0;  // offset of the regex inside the quoted argument
    if (c.sed) {
      parse_sed(c, pattern);
      base = 2;  // after "s/"
    }
    try {
      re_ = std::make_unique<Regex>(pattern);
    } catch (const RegexError& e) {
      throw spl::Error(std::string("rex: ") + e.what(), source_pos(c, base + e.offset));
    }
    if (c.sed) return;
    for (auto& [name, group] : re_->named_groups()) {
      const auto& wanted = name;  // clang 14 cannot capture a structured binding
      auto it = std::find_if(names_.begin(), names_.end(), [&](auto& n) { return n.first == wanted; });
      if (it == names_.end()) names_.emplace_back(name, std::vector<int>{group});
      else it->second.push_back(group);  // (?J) duplicate names: the first group that took part
    }
    // Splunk refuses such a rex too ("does not extract anything").
    if (names_.empty())
      throw spl::Error(
          "rex: the regular expression \"" + c.pattern + "\" has no named group (?<name>...), so it extracts nothing",
          c.pattern_pos);
  }

  void run(std::vector<Row>& rows) override {
    for (auto& row : rows) {
      const Value* v = row.get(field_);
      if (!v || v->is_null()) continue;
      if (sed_) {
        rewrite(row, *v);
        continue;
      }
      // Each value of a multivalue field in turn, until max_match matches are found.
      std::vector<std::vector<std::string>> found(names_.size());
      size_t matches = 0;
      for (const std::string& text : v->texts()) {
        if (max_ && matches >= max_) break;
        for (auto& g : re_->find_all(text, max_ ? max_ - matches : 0)) {
          ++matches;
          for (size_t i = 0; i < names_.size(); ++i)
            for (int gi : names_[i].second)
              if (g[gi].first != std::string::npos) {
                found[i].push_back(text.substr(g[gi].first, g[gi].second - g[gi].first));
                break;
              }
        }
      }
      for (size_t i = 0; i < names_.size(); ++i) {
        if (found[i].empty()) continue;  // no match, or the group took no part: field untouched
        Value out;
        if (found[i].size() == 1) {
          out = Value::of(std::move(found[i][0]));
        } else {
          out.type = Value::Type::Multi;
          out.multi = std::move(found[i]);
        }
        row.set(names_[i].first, std::move(out));
      }
    }
  }

 private:
  // Offset in the search text of byte `off` of the decoded argument (\\ and \" are two
  // bytes as written).
  static size_t source_pos(const spl::RexCommand& c, size_t off) {
    const std::string& s = c.pattern_src;
    size_t i = 0;
    for (size_t d = 0; i < s.size() && d < off; ++d)
      i += s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\') ? 2 : 1;
    return c.pattern_pos + 1 + i;
  }

  void parse_sed(const spl::RexCommand& c, std::string& regex) {
    sed_ = true;
    const std::string& e = c.pattern;
    auto bad = [&](const std::string& why, size_t off) {
      throw spl::Error("rex mode=sed: " + why + " (expected s/<regex>/<replacement>/[g|N])", source_pos(c, off));
    };
    if (e.empty() || e[0] != 's')
      bad(e.starts_with("y") ? "y/// (character substitution) is not supported" : "unsupported sed command", 0);
    const unsigned char delim = e.size() < 2 ? ' ' : static_cast<unsigned char>(e[1]);
    if (std::isalnum(delim) || delim == '\\' || std::isspace(delim)) bad("expected a delimiter after s", 1);
    const char d = e[1];
    std::string parts[2];
    size_t i = 2;
    for (auto& part : parts) {
      for (;;) {
        if (i >= e.size()) bad(std::string("missing closing '") + d + "'", e.size());
        if (e[i] == '\\' && i + 1 < e.size()) {
          // The regex keeps "\/" (PCRE reads it as '/'), so error offsets stay exact;
          // in the replacement it is the delimiter itself.
          if (&part == &parts[1] && e[i + 1] == d) part += d;
          else part.append(e, i, 2);
          i += 2;
          continue;
        }
        if (e[i] == d) {
          ++i;
          break;
        }
        part += e[i++];
      }
    }
    const std::string flags = e.substr(i);
    double n;
    if (flags == "g") global_ = true;
    else if (flags.empty()) nth_ = 1;
    else if (flags.size() <= 9 && std::all_of(flags.begin(), flags.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) &&
             parse_number(flags, n) && n >= 1)
      nth_ = static_cast<size_t>(n);
    else bad("unsupported flags \"" + flags + "\" (g or a match number)", i);
    regex = parts[0];
    repl_ = parts[1];
  }

  std::string substitute(const std::string& s, bool& changed) const {
    auto ms = re_->find_all(s, global_ ? 0 : nth_);
    std::string out;
    size_t last = 0;
    for (size_t k = 0; k < ms.size(); ++k) {
      if (!global_ && k + 1 != nth_) continue;
      const Regex::Groups& g = ms[k];
      const size_t b = std::max(g[0].first, last);
      out.append(s, last, b - last);
      for (size_t i = 0; i < repl_.size(); ++i) {
        const char ch = repl_[i];
        if (ch == '\\' && i + 1 < repl_.size() && repl_[i + 1] >= '0' && repl_[i + 1] <= '9') {
          const size_t gi = static_cast<size_t>(repl_[++i] - '0');
          if (gi < g.size() && g[gi].first != std::string::npos) out.append(s, g[gi].first, g[gi].second - g[gi].first);
        } else if (ch == '\\' && i + 1 < repl_.size() && repl_[i + 1] == '\\') {
          out += repl_[++i];  // "\\" is one literal backslash
        } else {
          out += ch;
        }
      }
      last = std::max(b, g[0].second);
      changed = true;
    }
    out.append(s, last);
    return out;
  }

  // mode=sed rewrites each value of the field; an untouched value keeps its type.
  void rewrite(Row& row, const Value& v) const {
    bool changed = false;
    if (v.type == Value::Type::Multi) {
      Value out = v;
      for (auto& s : out.multi) s = substitute(s, changed);
      if (changed) row.set(field_, std::move(out));
      return;
    }
    std::string s = substitute(v.text(), changed);
    if (changed) row.set(field_, Value::of(std::move(s)));
  }

  std::string field_;
  size_t max_;
  std::unique_ptr<Regex> re_;
  std::vector<std::pair<std::string, std::vector<int>>> names_;  // field -> group numbers
  bool sed_ = false, global_ = false;
  size_t nth_ = 0;
  std::string repl_;
};

// ---- commands kept as raw text by the parser ------------------------------------

// regex <field>=<regex> | <field>!=<regex> | <regex> (on _raw, which rows do not have)
class RegexOp : public RowOp {
 public:
  RegexOp(const std::string& args, size_t pos) {
    auto eq = args.find('=');
    if (eq == std::string::npos) throw spl::Error("regex without a field (regex on _raw) is not supported on result rows", pos);
    negate_ = eq > 0 && args[eq - 1] == '!';
    field_ = std::string(trim(std::string_view(args).substr(0, negate_ ? eq - 1 : eq)));
    auto words = split_args(std::string_view(args).substr(eq + 1), pos);
    if (words.size() != 1 || field_.empty()) throw spl::Error("regex expects <field>=\"<regex>\"", pos);
    try {
      re_ = std::make_unique<Regex>(words[0].text);
    } catch (const std::invalid_argument& e) {
      throw spl::Error(e.what(), pos);
    }
  }
  void run(std::vector<Row>& rows) override {
    std::vector<Row> kept;
    for (auto& row : rows) {
      bool hit = false;
      if (const Value* v = row.get(field_))
        for (auto& t : v->texts()) hit = hit || re_->search(t);
      if (hit != negate_) kept.push_back(std::move(row));
    }
    rows = std::move(kept);
  }

 private:
  std::string field_;
  bool negate_ = false;
  std::unique_ptr<Regex> re_;
};

// dedup [N] <field>... [keepempty=true] [consecutive=true]
class DedupOp : public RowOp {
 public:
  DedupOp(const std::string& args, size_t pos) {
    for (auto& w : split_args(args, pos)) {
      auto eq = w.text.find('=');
      double n;
      if (!w.quoted && eq != std::string::npos) {
        std::string k = to_lower(w.text.substr(0, eq)), v = to_lower(w.text.substr(eq + 1));
        if (k == "keepempty") keepempty_ = v == "true" || v == "t" || v == "1";
        else if (k == "consecutive") consecutive_ = v == "true" || v == "t" || v == "1";
        else if (k == "keepevents") continue;
        else throw spl::Error("unsupported dedup option " + k, pos);
      } else if (fields_.empty() && !w.quoted && parse_number(w.text, n) && n >= 1) {
        keep_ = static_cast<size_t>(n);
      } else if (!w.quoted && to_lower(w.text) == "sortby") {
        sortby_ = " ";
      } else if (!sortby_.empty()) {
        sortby_ += (w.quoted ? "\"" + w.text + "\"" : w.text) + " ";
      } else {
        fields_.push_back(w.text);
      }
    }
    if (fields_.empty()) throw spl::Error("dedup needs at least one field", pos);
    if (sortby_ == " ") throw spl::Error("dedup sortby needs a field", pos);
  }
  // The sort after "sortby" ("-count +dest"), empty without one. Splunk (Search
  // Reference, dedup): sortby sorts the results that dedup keeps; which row of a
  // duplicate set is kept is still decided by the input order (a sort after the dedup).
  const std::string& sortby() const { return sortby_; }
  void run(std::vector<Row>& rows) override {
    std::vector<Row> kept;
    std::map<std::string, size_t> seen;
    std::string prev;
    for (auto& row : rows) {
      std::string key;
      bool missing = false;
      for (auto& f : fields_) {
        const Value* v = row.get(f);
        if (!v || v->is_null()) missing = true;
        std::string t = v ? v->text() : std::string();
        key += std::to_string(t.size()) + ":" + t;
      }
      if (missing) {
        if (keepempty_) kept.push_back(std::move(row));
        continue;
      }
      if (consecutive_) {
        if (key != prev || kept.empty()) kept.push_back(std::move(row));
        prev = key;
        continue;
      }
      if (++seen[key] <= keep_) kept.push_back(std::move(row));
    }
    rows = std::move(kept);
  }

 private:
  std::string sortby_;
  std::vector<std::string> fields_;
  size_t keep_ = 1;
  bool keepempty_ = false, consecutive_ = false;
};

// mvexpand <field> [limit=<int>]: Splunk (Search Reference, mvexpand) "expands the values
// of a multivalue field into separate events, one event for each value"; limit is "the
// number of values of <field> to use for each input event" (0, the default, = all). The
// other fields are copied. A row without the field has no value to make an event of, so
// it yields none (what Splunk's one-event-per-value rule gives, and what users see).
class MvexpandOp : public RowOp {
 public:
  MvexpandOp(const std::string& args, size_t pos) {
    for (auto& w : split_args(args, pos)) {
      if (!w.quoted && istarts_with(w.text, "limit=")) {
        double n;
        if (!parse_number(w.text.substr(6), n) || n < 0 || n != std::floor(n))
          throw spl::Error("mvexpand limit= expects a whole number (0 = no limit), found '" + w.text.substr(6) + "'", pos);
        limit_ = static_cast<size_t>(n);
      } else if (!w.quoted && w.text.find('=') != std::string::npos) {
        throw spl::Error("unknown mvexpand option '" + w.text + "'", pos);
      } else if (!field_.empty()) {
        throw spl::Error("mvexpand takes one field; unexpected '" + w.text + "'", pos);
      } else {
        field_ = w.text;
      }
    }
    if (field_.empty()) throw spl::Error("mvexpand needs a field, e.g. mvexpand user", pos);
    // Splunk: "mvexpand command can't be applied to internal fields".
    if (field_[0] == '_') throw spl::Error("mvexpand cannot expand the internal field " + field_, pos);
    if (field_.find('*') != std::string::npos) throw spl::Error("mvexpand takes a field name, not a wildcard", pos);
  }
  void run(std::vector<Row>& rows) override {
    std::vector<Row> out;
    out.reserve(rows.size());
    for (auto& row : rows) {
      Value* v = row.get(field_);
      if (!v || v->is_null()) continue;
      if (v->type != Value::Type::Multi) {
        out.push_back(std::move(row));
        continue;
      }
      std::vector<std::string> values = std::move(v->multi);
      if (limit_ && values.size() > limit_) values.resize(limit_);
      for (auto& one : values) {
        out.push_back(row);
        out.back().set(field_, Value::of(std::move(one)));
      }
    }
    rows = std::move(out);
  }

 private:
  std::string field_;
  size_t limit_ = 0;
};

// makemv [delim=<string> | tokenizer=<regex>] [allowempty=<bool>] [setsv=<bool>] <field>:
// Splunk (Search Reference, makemv) splits a single value "on every occurrence of this
// delimiter" (default a single space), or takes "the first capturing group" of each
// repeated match of the tokenizer. Empty values are dropped unless allowempty=true. A
// value that is already multivalue is left as it is (makemv converts single values).
class MakemvOp : public RowOp {
 public:
  MakemvOp(const std::string& args, size_t pos) {
    bool have_delim = false;
    for (auto& w : split_args(args, pos)) {
      const auto eq = w.text.find('=');
      const std::string key = eq == std::string::npos ? "" : to_lower(w.text.substr(0, eq));
      const std::string v = eq == std::string::npos ? "" : w.text.substr(eq + 1);
      if (key == "delim") {
        if (v.empty()) throw spl::Error("makemv delim= must not be empty", pos);
        delim_ = v, have_delim = true;
      } else if (key == "tokenizer") {
        try {
          re_ = std::make_unique<Regex>(v);
        } catch (const RegexError& e) {
          throw spl::Error(std::string("makemv tokenizer: ") + e.what(), pos);
        }
        if (re_->capture_count() < 1) throw spl::Error("makemv tokenizer needs a capturing group, e.g. \"([^,]+),?\"", pos);
      } else if (key == "allowempty" || key == "setsv") {
        bool on = false;
        if (!parse_bool(v, on)) throw spl::Error("makemv " + key + "= expects true or false", pos);
        if (key == "setsv" && on) throw spl::Error("makemv setsv=true is not supported", pos);
        if (key == "allowempty") allowempty_ = on;
      } else if (!key.empty() && !w.quoted) {
        throw spl::Error("unknown makemv option '" + w.text + "'", pos);
      } else if (!field_.empty()) {
        throw spl::Error("makemv takes one field; unexpected '" + w.text + "'", pos);
      } else {
        field_ = w.text;
      }
    }
    if (have_delim && re_) throw spl::Error("makemv takes delim= or tokenizer=, not both", pos);
    if (field_.empty()) throw spl::Error("makemv needs a field, e.g. makemv delim=\",\" recipients", pos);
    if (field_[0] == '_') throw spl::Error("makemv cannot split the internal field " + field_, pos);
  }
  void run(std::vector<Row>& rows) override {
    for (auto& row : rows) {
      Value* v = row.get(field_);
      if (!v || v->is_null() || v->type == Value::Type::Multi) continue;
      const std::string s = v->text();
      std::vector<std::string> parts;
      if (re_) {
        for (auto& g : re_->find_all(s, 0))
          if (g.size() > 1 && g[1].first != std::string::npos) parts.push_back(s.substr(g[1].first, g[1].second - g[1].first));
      } else {
        size_t from = 0, hit;
        while ((hit = s.find(delim_, from)) != std::string::npos) parts.push_back(s.substr(from, hit - from)), from = hit + delim_.size();
        parts.push_back(s.substr(from));
      }
      if (!allowempty_) std::erase(parts, std::string());
      if (parts.empty()) {
        row.erase(field_);
      } else if (parts.size() == 1) {
        *v = Value::of(std::move(parts[0]));
      } else {
        Value m;
        m.type = Value::Type::Multi;
        m.multi = std::move(parts);
        *v = std::move(m);
      }
    }
  }

 private:
  std::string field_, delim_ = " ";
  std::unique_ptr<Regex> re_;
  bool allowempty_ = false;
};

// lookup [local=<bool>] [update=<bool>] <name> (<lookup-field> [AS <event-field>])...
//        [OUTPUT | OUTPUTNEW (<lookup-destfield> [AS <event-destfield>])...]
// Splunk (Search Reference, lookup; Knowledge Manager Manual, "Add field matching rules to
// your lookup configuration"): a row matches a table row when every lookup field equals
// its event field (per the definition's case_sensitive_match and WILDCARD() columns); up to
// max_matches rows in file order give the output fields (several: multivalue); fewer than
// min_matches are made up with default_match. Without OUTPUT every column that is not a
// match field is output. OUTPUT overwrites the event's fields (no match: they are
// removed); OUTPUTNEW only fills fields the event does not have. Each value of a
// multivalue event field is looked up in turn. A row without an event field is not
// looked up and stays as it is.
class LookupOp : public RowOp {
 public:
  LookupOp(const std::string& args, size_t pos, const LookupCatalog* catalog) {
    auto words = split_args(args, pos);
    size_t i = 0;
    for (; i < words.size() && !words[i].quoted && words[i].text.find('=') != std::string::npos; ++i) {
      const std::string key = to_lower(words[i].text.substr(0, words[i].text.find('=')));
      if (key != "local" && key != "update") throw spl::Error("unknown lookup option '" + words[i].text + "'", pos);
      // Neither changes what a search over files gives: there are no remote peers here,
      // and update= concerns real-time searches.
    }
    if (i >= words.size()) throw spl::Error("lookup needs a lookup table name", pos);
    const std::string name = words[i++].text;
    const LookupDef* def = catalog ? catalog->find(name) : nullptr;
    if (!def)
      throw spl::Error("unknown lookup " + name + (catalog && catalog->size() ? "" : " (lookups come from the content's lookups/ folder)"), pos);
    if (!def->unsupported_match.empty())
      throw spl::Error("lookup " + name + ": match_type " + def->unsupported_match + " is not supported (only WILDCARD)", pos);
    std::shared_ptr<const LookupTable> table;
    try {
      table = catalog->table(*def);
    } catch (const std::exception& e) {
      throw spl::Error(e.what(), pos);
    }
    auto column = [&](const std::string& col) {
      int c = table->column(col);
      if (c < 0) throw spl::Error("lookup " + name + " has no column " + col, pos);
      return static_cast<size_t>(c);
    };
    // (table column, event field) pairs: the match fields, then the outputs.
    auto pairs = [&](std::vector<std::pair<std::string, std::string>>& out, bool stop_at_output) {
      while (i < words.size()) {
        const std::string& w = words[i].text;
        if (stop_at_output && !words[i].quoted && (iequals(w, "OUTPUT") || iequals(w, "OUTPUTNEW"))) return;
        std::string col = w, field = w;
        ++i;
        if (i + 1 < words.size() && !words[i].quoted && iequals(words[i].text, "AS")) field = words[i + 1].text, i += 2;
        else if (i < words.size() && !words[i].quoted && iequals(words[i].text, "AS"))
          throw spl::Error("lookup: expected a field name after AS", pos);
        out.emplace_back(col, field);
      }
    };
    std::vector<std::pair<std::string, std::string>> in, outs;
    pairs(in, true);
    if (in.empty()) throw spl::Error("lookup " + name + " needs a field to match, e.g. lookup " + name + " <column> AS <field>", pos);
    if (i < words.size()) {
      output_new_ = iequals(words[i].text, "OUTPUTNEW");
      ++i;
      pairs(outs, false);
      if (outs.empty()) throw spl::Error("lookup: expected fields after " + std::string(output_new_ ? "OUTPUTNEW" : "OUTPUT"), pos);
    }
    std::vector<size_t> in_cols;
    for (auto& [col, field] : in) in_cols.push_back(column(col)), in_fields_.push_back(field);
    if (outs.empty())
      for (size_t c = 0; c < table->columns().size(); ++c)
        if (std::find(in_cols.begin(), in_cols.end(), c) == in_cols.end()) outs.emplace_back(table->columns()[c], table->columns()[c]);
    for (auto& [col, field] : outs) out_cols_.push_back(column(col)), out_fields_.push_back(field);
    min_matches_ = def->min_matches;
    default_match_ = def->default_match;
    matcher_ = std::make_unique<LookupMatcher>(*def, std::move(table), std::move(in_cols));
  }

  void run(std::vector<Row>& rows) override {
    std::vector<std::vector<std::string>> inputs(in_fields_.size());
    std::vector<std::vector<std::string>> found(out_fields_.size());
    for (auto& row : rows) {
      bool missing = false;
      for (size_t k = 0; k < in_fields_.size(); ++k) {
        const Value* v = row.get(in_fields_[k]);
        if (!v || v->is_null()) missing = true;
        else inputs[k] = v->texts();
      }
      if (missing) continue;
      for (auto& f : found) f.clear();
      std::vector<std::string> key(in_fields_.size());
      lookup_all(inputs, 0, key, found);
      for (size_t o = 0; o < out_fields_.size(); ++o) {
        const std::string& name = out_fields_[o];
        if (output_new_ && row.get(name) && !row.get(name)->is_null()) continue;
        auto& vs = found[o];
        if (vs.empty()) {
          if (!output_new_) row.erase(name);
        } else if (vs.size() == 1) {
          row.set(name, Value::of(std::move(vs[0])));
        } else {
          Value m;
          m.type = Value::Type::Multi;
          m.multi = std::move(vs);
          row.set(name, std::move(m));
        }
      }
    }
  }

 private:
  // Every combination of the input fields' values (one field: each of its values).
  void lookup_all(const std::vector<std::vector<std::string>>& inputs, size_t k, std::vector<std::string>& key,
                  std::vector<std::vector<std::string>>& found) const {
    if (k < inputs.size()) {
      for (auto& v : inputs[k]) key[k] = v, lookup_all(inputs, k + 1, key, found);
      return;
    }
    const auto hits = matcher_->match(key);
    for (size_t o = 0; o < out_cols_.size(); ++o) {
      for (size_t r : hits)
        if (const std::string& c = matcher_->table().cell(r, out_cols_[o]); !c.empty()) found[o].push_back(c);
      if (!default_match_.empty())
        for (size_t n = hits.size(); n < min_matches_; ++n) found[o].push_back(default_match_);
    }
  }

  std::unique_ptr<LookupMatcher> matcher_;
  std::vector<std::string> in_fields_, out_fields_;
  std::vector<size_t> out_cols_;
  bool output_new_ = false;
  size_t min_matches_ = 0;
  std::string default_match_;
};

// fillnull [value=<string>] [<field>...]: default value 0; no fields = every field seen.
class FillnullOp : public RowOp {
 public:
  FillnullOp(const std::string& args, size_t pos) {
    for (auto& w : split_args(args, pos)) {
      if (!w.quoted && istarts_with(w.text, "value=")) value_ = w.text.substr(6);
      else fields_.push_back(w.text);
    }
  }
  void run(std::vector<Row>& rows) override {
    std::vector<std::string> fields = fields_;
    if (fields.empty())
      for (auto& r : rows)
        for (auto& [n, v] : r.fields)
          if (std::find(fields.begin(), fields.end(), n) == fields.end()) fields.push_back(n);
    for (auto& r : rows)
      for (auto& f : fields) {
        Value* v = r.get(f);
        if (!v) r.fields.emplace_back(f, Value::of(value_));
        else if (v->is_null() || (v->type == Value::Type::Str && v->str.empty())) *v = Value::of(value_);
      }
  }

 private:
  std::string value_ = "0";
  std::vector<std::string> fields_;
};

// head [N] (default 10)
class HeadOp : public RowOp {
 public:
  HeadOp(const std::string& args, size_t pos) {
    auto words = split_args(args, pos);
    double n;
    if (words.size() > 1) throw spl::Error("head supports only a row count", pos);
    if (words.size() == 1) {
      std::string t = words[0].text;
      if (istarts_with(t, "limit=")) t = t.substr(6);
      if (!parse_number(t, n) || n < 0) throw spl::Error("head expects a row count", pos);
      n_ = static_cast<size_t>(n);
    }
  }
  void run(std::vector<Row>& rows) override {
    if (rows.size() > n_) rows.resize(n_);
  }

 private:
  size_t n_ = 10;
};

// sort [N|limit=N] [+|-]<sort-field> ... [d|desc], <sort-field> = field | auto(field) |
// str(field) | num(field) | ip(field). Splunk's default limit is 10000 rows (sort 0 = no
// limit). Splunk (Search Reference, sort): "Results missing a given field are treated as
// having the smallest or largest possible value of that field if the order is descending
// or ascending, respectively": such rows come last either way.
// Collation (Search Reference, sort, "Sort field options" and Usage): auto (the default)
// sorts numbers numerically, IP addresses as addresses, other text lexicographically
// (byte order: digits before upper before lower case); values of different kinds are
// ordered numbers, then IPs, then text (so the order is total; the docs decide only
// pairs of one kind). str: lexicographic; num: numbers numerically, then the values
// that are no numbers, lexicographically; ip: IPv4/IPv6 addresses by address, then the
// others, lexicographically. Text that merely starts with digits ("10.1.a") is text:
// the docs' bullet ("sorted numerically based on that number alone") and their own
// example (9.1.a before 10.1.a, descending, "lexicographically") disagree.
class SortOp : public RowOp {
 public:
  enum class Collate { Auto, Str, Num, Ip };
  SortOp(const std::string& args, size_t pos) {
    auto words = split_args(args, pos);
    bool desc_next = false;
    for (size_t i = 0; i < words.size(); ++i) {
      std::string t = words[i].text;
      const size_t at = pos + words[i].offset;
      double n;
      if (i == 0 && !words[i].quoted && parse_number(t, n)) {
        limit_ = static_cast<size_t>(n);
        continue;
      }
      if (!words[i].quoted && istarts_with(t, "limit=")) {
        if (!parse_number(t.substr(6), n) || n < 0) throw spl::Error("sort limit= expects a number", at);
        limit_ = static_cast<size_t>(n);
        continue;
      }
      if (!words[i].quoted && (t == "-" || t == "+")) {
        desc_next = t == "-";
        continue;
      }
      bool desc = desc_next;
      desc_next = false;
      if (!words[i].quoted && !t.empty() && (t[0] == '-' || t[0] == '+')) desc = t[0] == '-', t = t.substr(1);
      if (!words[i].quoted && (to_lower(t) == "d" || to_lower(t) == "desc")) {
        for (auto& k : keys_) k.desc = !k.desc;
        continue;
      }
      Key k{t, desc, Collate::Auto};
      const size_t open = t.find('(');
      if (!words[i].quoted && open != std::string::npos && t.back() == ')') {
        const std::string fn = to_lower(t.substr(0, open));
        static const std::map<std::string, Collate> kinds = {
            {"auto", Collate::Auto}, {"str", Collate::Str}, {"num", Collate::Num}, {"ip", Collate::Ip}};
        if (auto it = kinds.find(fn); it != kinds.end()) {
          k.field = t.substr(open + 1, t.size() - open - 2);
          k.collate = it->second;
          if (k.field.empty()) throw spl::Error("sort " + fn + "() needs a field", at);
        } else {
          // Splunk's sort takes only these four (Search Reference, sort); a typo would
          // otherwise name a field that no row has and leave the rows unsorted.
          throw spl::Error("sort: unknown " + fn + "(); use auto(), str(), ip() or num() (quote a field whose name has parentheses)", at);
        }
      }
      keys_.push_back(std::move(k));
    }
    if (keys_.empty()) throw spl::Error("sort needs a field", pos);
  }
  void run(std::vector<Row>& rows) override {
    // Each row's sort keys are worked out once, not in every comparison.
    const size_t nk = keys_.size();
    std::vector<SortKey> sk(rows.size() * nk);
    for (size_t r = 0; r < rows.size(); ++r)
      for (size_t k = 0; k < nk; ++k) sk[r * nk + k] = make_key(rows[r].get(keys_[k].field), keys_[k].collate);
    std::vector<size_t> order(rows.size());
    for (size_t r = 0; r < order.size(); ++r) order[r] = r;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      for (size_t k = 0; k < nk; ++k) {
        const SortKey& x = sk[a * nk + k];
        const SortKey& y = sk[b * nk + k];
        if (x.kind == kMissing || y.kind == kMissing) {
          if (x.kind == y.kind) continue;
          return y.kind == kMissing;  // missing last, ascending or descending
        }
        const int c = compare(x, y);
        if (c != 0) return keys_[k].desc ? c > 0 : c < 0;
      }
      return false;
    });
    std::vector<Row> out;
    out.reserve(std::min(rows.size(), limit_ ? limit_ : rows.size()));
    for (size_t r : order) {
      if (limit_ && out.size() >= limit_) break;
      out.push_back(std::move(rows[r]));
    }
    rows = std::move(out);
  }

 private:
  struct Key {
    std::string field;
    bool desc = false;
    Collate collate = Collate::Auto;
  };
  // kind orders values of different kinds: number, IP address, text; then missing.
  static constexpr int kNum = 0, kIp = 1, kText = 2, kMissing = 3;
  struct SortKey {
    int kind = kMissing;
    double num = 0;
    std::array<unsigned char, 17> ip{};  // family byte (4 before 6), then the address
    std::string text;
  };
  static bool parse_ip(const std::string& s, std::array<unsigned char, 17>& out) {
    unsigned char buf[16];
    if (inet_pton(AF_INET, s.c_str(), buf) == 1) {
      out.fill(0);
      out[0] = 4;
      std::copy(buf, buf + 4, out.begin() + 1);
      return true;
    }
    if (inet_pton(AF_INET6, s.c_str(), buf) == 1) {
      out[0] = 6;
      std::copy(buf, buf + 16, out.begin() + 1);
      return true;
    }
    return false;
  }
  static SortKey make_key(const Value* v, Collate c) {
    SortKey k;
    if (!v || v->is_null()) return k;
    k.text = v->text();  // a multivalue field sorts by its first value
    if (c == Collate::Str) return k.kind = kText, k;
    // (a NaN would break the ordering: it sorts as text)
    if (c != Collate::Ip && (v->type == Value::Type::Num ? (k.num = v->num, true) : parse_number(k.text, k.num)) &&
        !std::isnan(k.num))
      return k.kind = kNum, k;
    if (c != Collate::Num && parse_ip(k.text, k.ip)) return k.kind = kIp, k;
    return k.kind = kText, k;
  }
  static int compare(const SortKey& x, const SortKey& y) {
    if (x.kind != y.kind) return x.kind < y.kind ? -1 : 1;
    if (x.kind == kNum) return x.num < y.num ? -1 : x.num > y.num ? 1 : 0;
    if (x.kind == kIp) {
      if (const int c = std::memcmp(x.ip.data(), y.ip.data(), x.ip.size())) return c < 0 ? -1 : 1;
      return 0;
    }
    const int c = x.text.compare(y.text);
    return (c > 0) - (c < 0);
  }
  std::vector<Key> keys_;
  size_t limit_ = 10000;
};

// append [subsearch]: the subsearch's rows after the current ones (Search Reference, append).
class AppendOp : public RowOp {
 public:
  explicit AppendOp(const SubPlan* sub) : sub_(sub) {}
  void run(std::vector<Row>& rows) override { rows.insert(rows.end(), sub_->rows.begin(), sub_->rows.end()); }

 private:
  const SubPlan* sub_;
};

// join: each row is matched against the subsearch's rows on the join fields (every one
// present and equal, an exact case-sensitive comparison of the values); a match adds the
// subsearch row's fields to the row, replacing fields of the same name unless
// overwrite=false. max=N joins at most the first N matches (one result row each; 0: all);
// type=inner drops rows without a match, outer/left keep them unchanged. Without join
// fields, the fields common to both result sets are used.
class JoinOp : public RowOp {
 public:
  JoinOp(const spl::JoinCommand& c, const SubPlan* sub)
      : fields_(c.fields), inner_(c.type == "inner"), max_(static_cast<size_t>(c.max)), overwrite_(c.overwrite), sub_(sub) {}
  void run(std::vector<Row>& rows) override {
    const std::vector<Row>& sub = sub_->rows;
    std::vector<std::string> fields = fields_;
    if (fields.empty()) {
      std::unordered_set<std::string> main_names;
      for (auto& r : rows)
        for (auto& f : r.fields) main_names.insert(f.first);
      for (auto& r : sub)
        for (auto& f : r.fields)
          if (main_names.count(f.first) && std::find(fields.begin(), fields.end(), f.first) == fields.end())
            fields.push_back(f.first);
    }
    std::unordered_map<std::string, std::vector<size_t>> index;
    std::string k;
    if (!fields.empty())
      for (size_t i = 0; i < sub.size(); ++i)
        if (key(sub[i], fields, k)) index[k].push_back(i);
    std::vector<Row> out;
    out.reserve(rows.size());
    for (auto& row : rows) {
      const std::vector<size_t>* hits = nullptr;
      if (!fields.empty() && key(row, fields, k))
        if (auto it = index.find(k); it != index.end()) hits = &it->second;
      if (!hits) {
        if (!inner_) out.push_back(std::move(row));
        continue;
      }
      const size_t n = max_ ? std::min(max_, hits->size()) : hits->size();
      for (size_t j = 0; j < n; ++j) {
        Row r = j + 1 == n ? std::move(row) : row;
        for (auto& [name, v] : sub[(*hits)[j]].fields) {
          if (v.is_null()) continue;
          if (Value* cur = r.get(name)) {
            if (overwrite_ || cur->is_null()) *cur = v;
          } else {
            r.fields.emplace_back(name, v);
          }
        }
        out.push_back(std::move(r));
      }
    }
    rows = std::move(out);
  }

 private:
  // The join fields' values as one string; false when one is missing or null.
  static bool key(const Row& r, const std::vector<std::string>& fields, std::string& out) {
    out.clear();
    for (auto& f : fields) {
      const Value* v = r.get(f);
      if (!v || v->is_null()) return false;
      for (auto& t : v->texts()) out += t, out += '\x1f';
      out += '\x1e';
    }
    return true;
  }
  std::vector<std::string> fields_;
  bool inner_;
  size_t max_;
  bool overwrite_;
  const SubPlan* sub_;
};

// ---- commands holding a sub-pipeline: foreach, appendpipe ---------------------------

// The '[' ... ']' part of a command's argument text: offsets of both brackets in args
// (quote-aware; nested brackets balance). Throws when there is none or it is unclosed.
void find_brackets(const std::string& args, size_t args_pos, const char* cmd, size_t& open, size_t& close) {
  open = std::string::npos;
  int depth = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const char ch = args[i];
    if (ch == '"') {
      i = spl::skip_quoted(args, i, args.size()) - 1;
      continue;
    }
    if (ch == '[') {
      if (depth++ == 0 && open == std::string::npos) open = i;
    } else if (ch == ']' && depth > 0 && --depth == 0) {
      close = i;
      for (size_t k = close + 1; k < args.size(); ++k)
        if (!spl::is_space(args[k]))
          throw spl::Error(std::string("unexpected text after the ") + cmd + " subsearch", args_pos + k);
      return;
    }
  }
  if (open == std::string::npos)
    throw spl::Error(std::string(cmd) + " needs a subsearch in [ ]", args_pos + args.size());
  throw spl::Error("unterminated '[' subsearch", args_pos + open);
}

// Parses body (the text between the brackets, which starts at offset body_pos of the
// search) as a row pipeline; positions in it point into the whole search. A body
// without a leading '|' ("eval x=1", "stats count") is a command, not search terms.
spl::Pipeline parse_body(std::string_view body, size_t body_pos) {
  std::string masked(body_pos + body.size(), ' ');
  masked.replace(body_pos, body.size(), body);
  size_t first = 0;
  while (first < body.size() && spl::is_space(body[first])) ++first;
  if (first == body.size()) throw spl::Error("empty subsearch", body_pos);
  if (body[first] != '|') {
    if (body_pos == 0) masked.insert(0, "|"); else masked[body_pos - 1] = '|';
  }
  return spl::parse_pipeline(masked);
}

// Compiles a sub-pipeline's row commands into their own plan; join subsearches and
// warnings inside go to the outer plan.
std::unique_ptr<Plan> compile_body(const spl::Pipeline& p, Plan& outer, const LookupCatalog* lookups);

void run_ops(Plan& p, std::vector<Row>& rows) {
  for (auto& op : p.ops) op->run(rows);
}

// appendpipe [run_in_preview=<bool>] [<subpipeline>]: Splunk (Search Reference,
// appendpipe) "appends the result of the subpipeline to the search results": the
// subpipeline runs over a copy of the current results and its rows are added after them.
class AppendpipeOp : public RowOp {
 public:
  AppendpipeOp(const std::string& args, size_t pos, Plan& outer, const LookupCatalog* lookups) {
    size_t open, close;
    find_brackets(args, pos, "appendpipe", open, close);
    for (auto& w : split_args(std::string_view(args).substr(0, open), pos)) {
      bool b;
      if (!w.quoted && istarts_with(w.text, "run_in_preview=") && parse_bool(w.text.substr(15), b)) continue;
      throw spl::Error("unexpected '" + w.text + "' in appendpipe (only run_in_preview= may come before the subpipeline)",
                       pos + w.offset);
    }
    sub_ = compile_body(parse_body(std::string_view(args).substr(open + 1, close - open - 1), pos + open + 1), outer, lookups);
  }
  void run(std::vector<Row>& rows) override {
    std::vector<Row> extra = rows;
    run_ops(*sub_, extra);
    rows.reserve(rows.size() + extra.size());
    for (auto& r : extra) rows.push_back(std::move(r));
  }

 private:
  std::unique_ptr<Plan> sub_;
};

// foreach [mode=multifield] <wc-field> ... [fieldstr=<s>] [matchstr=<s>] [matchseg1=<s>
// matchseg2=<s> matchseg3=<s>] [ <template> ]
// Splunk (Search Reference, foreach): runs the templated subsearch once for each field
// that matches the wildcard list, with <<FIELD>> replaced by the field's name,
// <<MATCHSTR>> by the part of the name the wildcards matched and <<MATCHSEGn>> by what
// the n-th wildcard matched. Decisions: the fields are those of the whole result set,
// in lexicographic order (the order Splunk lists fields in); a field of a pattern that
// matched already is not taken twice; '*' does not match internal fields (_time, ...)
// unless the pattern starts with '_'; with several wildcards <<MATCHSTR>> is their
// matches joined. The other modes (multivalue, json_array, auto_collections, with
// <<ITEM>>) are refused. Each field's template is parsed and compiled once.
class ForeachOp : public RowOp {
 public:
  ForeachOp(const std::string& args, size_t pos, Plan& outer, const LookupCatalog* lookups)
      : outer_(outer), lookups_(lookups) {
    size_t open, close;
    find_brackets(args, pos, "foreach", open, close);
    tokens_ = {"<<FIELD>>", "<<MATCHSTR>>", "<<MATCHSEG1>>", "<<MATCHSEG2>>", "<<MATCHSEG3>>"};
    for (auto& w : split_args(std::string_view(args).substr(0, open), pos)) {
      const size_t at = pos + w.offset;
      const auto eq = w.quoted ? std::string::npos : w.text.find('=');
      if (eq == std::string::npos) {
        patterns_.push_back(w.text);
        continue;
      }
      const std::string key = to_lower(w.text.substr(0, eq)), v = w.text.substr(eq + 1);
      if (key == "mode") {
        if (to_lower(v) != "multifield")
          throw spl::Error("foreach mode=" + v + " is not supported (only mode=multifield, over a wildcard field list)", at);
      } else if (key == "fieldstr" || key == "matchstr" || key == "matchseg1" || key == "matchseg2" || key == "matchseg3") {
        if (v.empty()) throw spl::Error("foreach " + key + "= needs a string", at);
        const size_t k = key == "fieldstr" ? 0 : key == "matchstr" ? 1 : static_cast<size_t>(key.back() - '0') + 1;
        tokens_[k] = v;
      } else {
        throw spl::Error("unknown foreach option '" + w.text.substr(0, eq) + "='", at);
      }
    }
    if (patterns_.empty()) throw spl::Error("foreach needs a field list, e.g. foreach count* [eval <<FIELD>>=<<FIELD>>*2]", pos);
    body_ = args.substr(open + 1, close - open - 1);
    if (body_.find("<<ITEM>>") != std::string::npos)
      throw spl::Error("foreach <<ITEM>> (mode=multivalue or json_array) is not supported", pos + open + 1 + body_.find("<<ITEM>>"));
    // Check the template now, with each token replaced by a name of the same length so
    // that errors point at the right place in the search.
    std::string probe = body_;
    for (auto& t : tokens_)
      for (size_t at = probe.find(t); at != std::string::npos; at = probe.find(t, at + t.size()))
        probe.replace(at, t.size(), std::string(t.size(), 'x'));
    compile_body(parse_body(probe, pos + open + 1), outer_, lookups_);
  }

  void run(std::vector<Row>& rows) override {
    std::vector<std::string> names;
    for (auto& r : rows)
      for (auto& f : r.fields) names.push_back(f.first);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::vector<std::string_view> caps;
    for (const std::string& name : names)
      for (const std::string& pat : patterns_) {
        if (!name.empty() && name[0] == '_' && (pat.empty() || pat[0] != '_')) continue;
        if (!wildcard_capture(pat, name, caps)) continue;
        if (Plan* p = instance(name, caps)) run_ops(*p, rows);
        break;
      }
  }

 private:
  Plan* instance(const std::string& name, const std::vector<std::string_view>& caps) {
    auto it = cache_.find(name);
    if (it != cache_.end()) return it->second.get();
    std::string matchstr;
    for (auto c : caps) matchstr += c;
    std::string text = body_;
    for (size_t k = 0; k < tokens_.size(); ++k) {
      const std::string value = k == 0 ? name : k == 1 ? matchstr : k - 2 < caps.size() ? std::string(caps[k - 2]) : "";
      for (size_t at = text.find(tokens_[k]); at != std::string::npos; at = text.find(tokens_[k], at + value.size()))
        text.replace(at, tokens_[k].size(), value);
    }
    std::unique_ptr<Plan> p;
    try {
      p = compile_body(parse_body(text, 0), outer_, lookups_);
    } catch (const spl::Error&) {
      // A field name that does not fit the template (e.g. one with spaces where the
      // template names it unquoted): the template is skipped for that field.
      p = nullptr;
    }
    return (cache_[name] = std::move(p)).get();
  }
  Plan& outer_;
  const LookupCatalog* lookups_;
  std::vector<std::string> patterns_, tokens_;
  std::string body_;
  std::unordered_map<std::string, std::unique_ptr<Plan>> cache_;
};
}  // namespace

// Splits "a=1 b, "x y" -c" into words, honouring double quotes (\" and \\ decode,
// other backslashes stay, as in SPL quoted strings). Commas separate like spaces.
std::vector<ArgWord> split_args(std::string_view s, size_t pos) {
  std::vector<ArgWord> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == ',')) ++i;
    if (i >= s.size()) break;
    ArgWord w;
    w.offset = i;
    while (i < s.size() && !(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == ',')) {
      if (s[i] == '"') {
        w.quoted = true;
        ++i;
        bool closed = false;
        while (i < s.size()) {
          if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) {
            w.text += s[i + 1];
            i += 2;
          } else if (s[i] == '"') {
            ++i;
            closed = true;
            break;
          } else {
            w.text += s[i++];
          }
        }
        if (!closed) throw spl::Error("unterminated double-quoted string", pos);
      } else if (s[i] == '=' || s[i] == '!') {
        // Keep "field=value" / "field != value" splittable by the caller.
        w.text += s[i++];
      } else {
        w.text += s[i++];
      }
    }
    out.push_back(std::move(w));
  }
  return out;
}

static void compile_row_ops(const spl::Pipeline& p, size_t from, Plan& plan, const LookupCatalog* lookups);

namespace {
std::unique_ptr<Plan> compile_body(const spl::Pipeline& p, Plan& outer, const LookupCatalog* lookups) {
  auto sub = std::make_unique<Plan>();
  compile_row_ops(p, 0, *sub, lookups);
  for (auto& w : sub->warnings)
    if (std::find(outer.warnings.begin(), outer.warnings.end(), w) == outer.warnings.end()) outer.warnings.push_back(w);
  for (auto& sp : sub->subplans) outer.subplans.push_back(std::move(sp));
  sub->subplans.clear();
  return sub;
}
}  // namespace

int RawFields::resolve(std::string_view name) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  names.emplace_back(name);
  return static_cast<int>(names.size() - 1);
}

bool RawFields::always_true(std::string_view name) {
  return name == "index" || name == "earliest" || name == "latest" || name == "splunk_server";
}

namespace {

bool has_subsearch(const spl::Expr* e) {
  if (!e) return false;
  if (e->kind == spl::ExprKind::Subsearch) return true;
  for (auto& a : e->args)
    if (has_subsearch(a.get())) return true;
  return false;
}

void add_warning(Plan& plan, const std::string& w) {
  if (std::find(plan.warnings.begin(), plan.warnings.end(), w) == plan.warnings.end()) plan.warnings.push_back(w);
}

// A copy of e where each [subsearch] whose rows are known when compiling (it starts with
// | inputlookup) is replaced by its formatted rows. A subsearch over events is kept as
// it is and compiled into a SubPlan of `plan` (appended to `dynamic`, in expression
// order), to be scanned in the same pass as the search; with dynamic null it is an error
// (`where` names the place for the message).
spl::ExprPtr resolve_subsearches(const spl::Expr& e, Plan& plan, const LookupCatalog* lookups,
                                 std::vector<const SubPlan*>* dynamic, const char* where) {
  if (e.kind != spl::ExprKind::Subsearch) {
    auto c = clone_expr(e);
    c->args.clear();
    for (auto& a : e.args) c->args.push_back(resolve_subsearches(*a, plan, lookups, dynamic, where));
    return c;
  }
  auto sub = compile_plan(*e.subsearch, lookups);
  for (auto& w : sub->warnings) add_warning(plan, "subsearch: " + w);
  if (sub->generated && sub->subplans.empty()) {
    std::vector<Row> rows = run_row_ops(*sub, sub->generated_rows);
    if (rows.size() > kSubsearchMaxRows)
      add_warning(plan, "subsearch returned " + std::to_string(rows.size()) + " rows; only the first " +
                            std::to_string(kSubsearchMaxRows) + " are used, as in Splunk (limits.conf maxout)");
    return format_results(rows, kSubsearchMaxRows, e);
  }
  if (!dynamic)
    throw spl::Error(std::string("a subsearch over events is not supported in ") + where +
                         " (it would need a second pass over the input); a subsearch that starts with "
                         "| inputlookup is",
                     e.span.begin);
  auto sp = std::make_unique<SubPlan>();
  sp->plan = std::move(sub);
  sp->text = e.text;
  sp->use = "search";
  sp->max_rows = kSubsearchMaxRows;
  dynamic->push_back(sp.get());
  plan.subplans.push_back(std::move(sp));
  return clone_expr(e);
}

}  // namespace

std::unique_ptr<Plan> compile_plan(const spl::Pipeline& p, const LookupCatalog* lookups) {
  auto plan = std::make_unique<Plan>();
  if (p.commands.empty()) throw spl::Error("empty search", 0);
  const spl::Command& first = p.commands[0];
  if (first.kind == CommandKind::Search) {
    // A search over raw events: the filter runs in the scan, matching events become
    // rows, and every later command runs on those rows.
    plan->raw_search = true;
    if (!has_subsearch(first.search.expr.get())) {
      plan->where = SearchPredicate::compile(first.search.expr.get(), plan->raw_fields, true);
      compile_row_ops(p, 1, *plan, lookups);
      return plan;
    }
    // Subsearches over events must be conjuncts of the whole search: the scan keeps the
    // events that match the rest (candidates), and the first row command keeps those
    // that also match the subsearches' formatted rows, once they are known. The rows
    // carry every field of the event, so this is the same filter Splunk applies.
    std::vector<const SubPlan*> dyn;
    spl::ExprPtr e = resolve_subsearches(*first.search.expr, *plan, lookups, &dyn, "the first search");
    std::vector<spl::ExprPtr> rest, subs;
    if (e->kind == spl::ExprKind::Subsearch) subs.push_back(std::move(e));
    else if (e->kind == spl::ExprKind::And) {
      for (auto& a : e->args) (a->kind == spl::ExprKind::Subsearch ? subs : rest).push_back(std::move(a));
    } else {
      rest.push_back(std::move(e));
    }
    spl::ExprPtr scan;
    if (rest.size() == 1) scan = std::move(rest[0]);
    else if (rest.size() > 1) {
      scan = std::make_unique<spl::Expr>();
      scan->kind = spl::ExprKind::And;
      scan->span = first.search.expr->span;
      scan->args = std::move(rest);
    }
    if (scan && has_subsearch(scan.get())) {
      const spl::Expr* bad = scan.get();
      while (bad->kind != spl::ExprKind::Subsearch)
        for (auto& a : bad->args)
          if (has_subsearch(a.get())) {
            bad = a.get();
            break;
          }
      throw spl::Error("a subsearch over events is only supported as a term ANDed with the whole first search "
                       "(not inside OR or NOT)",
                       bad->span.begin);
    }
    plan->where = SearchPredicate::compile(scan.get(), plan->raw_fields, true);
    if (!subs.empty()) {
      spl::ExprPtr f;
      if (subs.size() == 1) f = std::move(subs[0]);
      else {
        f = std::make_unique<spl::Expr>();
        f->kind = spl::ExprKind::And;
        f->span = first.search.expr->span;
        f->args = std::move(subs);
      }
      plan->ops.push_back(std::make_unique<SearchOp>(std::move(f), std::move(dyn)));
    } else if (!dyn.empty()) {
      throw spl::Error("internal: subsearch lost", first.span.begin);
    }
    compile_row_ops(p, 1, *plan, lookups);
    return plan;
  }
  if (first.kind == CommandKind::Other && first.name == "inputlookup") {
    const std::string& a = first.other.args;
    Inputlookup il = read_inputlookup(a, first.span.end - a.size(), lookups);
    plan->generated = true;
    plan->generated_rows = std::move(il.rows);
    compile_row_ops(p, 1, *plan, lookups);
    return plan;
  }
  if (first.kind == CommandKind::Other && first.name == "makeresults") {
    // makeresults [count=N] [annotate=false]: N rows holding only _time, the time the
    // search runs (Search Reference, makeresults); for trying a pipeline on made-up values.
    const std::string& a = first.other.args;
    const size_t at = first.span.end - a.size();
    int64_t count = 1;
    for (const auto& w : split_args(a, at)) {
      const size_t eq = w.text.find('=');
      const std::string key = eq == std::string::npos ? w.text : to_lower(w.text.substr(0, eq));
      const std::string v = eq == std::string::npos ? "" : w.text.substr(eq + 1);
      if (key == "count") {
        if (!parse_whole(v, 7, count))
          throw spl::Error("makeresults count= expects a whole number up to 9,999,999", at + w.offset);
      } else if (key == "annotate") {
        bool b = false;
        if (!parse_bool(to_lower(v), b)) throw spl::Error("makeresults annotate= expects true or false", at + w.offset);
        if (b) throw spl::Error("makeresults annotate=true is not supported (splinter has no index or host)", at + w.offset);
      } else {
        throw spl::Error("unsupported makeresults argument '" + w.text + "'", at + w.offset);
      }
    }
    const int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
    plan->generated = true;
    plan->generated_rows.resize(static_cast<size_t>(count));
    for (Row& r : plan->generated_rows) r.set("_time", Value::of_time_us(now_us / 1'000'000 * 1'000'000));
    compile_row_ops(p, 1, *plan, lookups);
    return plan;
  }
  if (first.kind != CommandKind::Tstats)
    throw spl::Error("searches must start with search terms, | tstats, | inputlookup or | makeresults (found \"" +
                         first.name + "\")",
                     first.span.begin);
  const auto& ts = first.tstats;
  std::string dm = ts.datamodel;
  // nodename is the dataset's lineage inside the model ("DNS",
  // "Authentication.Failed_Authentication"): its last step names the dataset.
  if (!ts.nodename.empty() && dm.find('.') == std::string::npos)
    dm += "." + ts.nodename.substr(ts.nodename.rfind('.') == std::string::npos ? 0 : ts.nodename.rfind('.') + 1);
  plan->dataset = cim::find_dataset(dm);
  // A child dataset reads its root's records, with the constraints of every step.
  std::vector<std::string_view> constraints;
  while (plan->dataset && !plan->dataset->parent.empty()) {
    if (!plan->dataset->constraint.empty()) constraints.push_back(plan->dataset->constraint);
    plan->dataset = cim::find_dataset(plan->dataset->parent);
  }
  if (plan->dataset && !plan->dataset->constraint.empty()) constraints.push_back(plan->dataset->constraint);
  if (dm.empty())
    throw spl::Error("tstats without from datamodel=... (tstats over index-time fields is not supported)",
                     first.span.begin);
  if (!plan->dataset) {
    std::string known;
    for (auto& d : cim::datasets()) known += (known.empty() ? "" : ", ") + std::string(d.name);
    throw spl::Error("data model " + dm + " is not supported (supported: " + known + ")", first.span.begin);
  }
  for (auto& [k, v] : ts.options) {
    std::string key = to_lower(k);
    if (key == "fillnull_value") plan->group.fillnull = v;
    else if (key == "summariesonly" || key == "allow_old_summaries" || key == "chunk_size" || key == "local" ||
             key == "include_reduced_buckets")
      continue;  // no accelerated summaries here: every event is read
    else throw spl::Error("unsupported tstats option " + k, first.span.begin);
  }
  DatasetFields fields(*plan->dataset, plan->warnings);
  for (std::string_view c : constraints) {
    spl::ExprPtr e = spl::parse_search_expression(c);
    plan->constraints.push_back(SearchPredicate::compile(e.get(), fields, false));
  }
  if (has_subsearch(ts.where.get())) {
    spl::ExprPtr w = resolve_subsearches(*ts.where, *plan, lookups, nullptr, "tstats where");
    plan->where = SearchPredicate::compile(w.get(), fields, false);
  } else {
    plan->where = SearchPredicate::compile(ts.where.get(), fields, false);
  }
  plan->group.aggs = compile_aggs(ts.aggregations, fields, false);
  for (auto& b : ts.by) {
    plan->group.by.push_back(fields.resolve(b));
    plan->group.by_names.push_back(b);
  }
  plan->group.time_field = kTimeField;
  if (!ts.span.empty()) plan->group.span_us = parse_span(ts.span, ts.span_pos ? ts.span_pos : first.span.begin);

  compile_row_ops(p, 1, *plan, lookups);
  return plan;
}

static void compile_row_ops(const spl::Pipeline& p, size_t from, Plan& plan_ref, const LookupCatalog* lookups) {
  Plan* plan = &plan_ref;
  for (size_t i = from; i < p.commands.size(); ++i) {
    const spl::Command& c = p.commands[i];
    switch (c.kind) {
      case CommandKind::Rename: plan->ops.push_back(std::make_unique<RenameOp>(c.rename.renames)); break;
      case CommandKind::Convert: plan->ops.push_back(std::make_unique<ConvertOp>(c.convert, c.span.begin)); break;
      case CommandKind::Where:
        if (!c.where.expr) throw spl::Error("where needs an expression", c.span.begin);
        plan->ops.push_back(std::make_unique<WhereOp>(*c.where.expr));
        break;
      case CommandKind::Eval: plan->ops.push_back(std::make_unique<EvalOp>(c.eval)); break;
      case CommandKind::Search:
        if (has_subsearch(c.search.expr.get())) {
          std::vector<const SubPlan*> dyn;
          spl::ExprPtr e = resolve_subsearches(*c.search.expr, *plan, lookups, &dyn, "search");
          plan->ops.push_back(std::make_unique<SearchOp>(std::move(e), std::move(dyn)));
        } else {
          plan->ops.push_back(std::make_unique<SearchOp>(c.search.expr.get()));
        }
        break;
      case CommandKind::Table:
        // Splunk (Search Reference, table): the field list is required.
        if (c.fields.fields.empty()) throw spl::Error("table needs a list of fields", c.span.begin);
        plan->ops.push_back(std::make_unique<FieldsOp>(c.fields, true));
        break;
      case CommandKind::Fields: plan->ops.push_back(std::make_unique<FieldsOp>(c.fields, false)); break;
      case CommandKind::Stats:
        if (c.name == "stats") plan->ops.push_back(std::make_unique<StatsOp>(c.stats, c.span.begin));
        else if (c.name == "eventstats") plan->ops.push_back(std::make_unique<EventstatsOp>(c.stats, c.span.begin));
        else if (c.name == "streamstats") plan->ops.push_back(std::make_unique<StreamstatsOp>(c.stats, c.span.begin));
        else if (c.name == "timechart") plan->ops.push_back(std::make_unique<TimechartOp>(c.stats, c.span.begin));
        else throw spl::Error("command \"" + c.name + "\" is not supported yet", c.span.begin);
        break;
      case CommandKind::Bin: plan->ops.push_back(std::make_unique<BinOp>(c.bin, c.name)); break;
      case CommandKind::Rex:
        if (c.rex.field == "_raw") {
          std::string w = "rex on _raw extracts nothing: splinter's rows have no _raw field (use field=<name>)";
          if (std::find(plan->warnings.begin(), plan->warnings.end(), w) == plan->warnings.end()) plan->warnings.push_back(w);
        }
        plan->ops.push_back(std::make_unique<RexOp>(c.rex));
        break;
      case CommandKind::Tstats: throw spl::Error("tstats is only supported as the first command", c.span.begin);
      case CommandKind::Join: {
        auto sub = std::make_unique<SubPlan>();
        sub->plan = compile_plan(*c.join.subsearch, lookups);
        sub->text = c.join.subsearch_text;
        for (auto& w : sub->plan->warnings) {
          std::string sw = (c.join.type == "append" ? "append" : "join") + std::string(" subsearch: ") + w;
          if (std::find(plan->warnings.begin(), plan->warnings.end(), sw) == plan->warnings.end()) plan->warnings.push_back(sw);
        }
        if (c.join.type == "append") {
          sub->use = "append";
          sub->max_rows = static_cast<size_t>(c.join.max);
          plan->ops.push_back(std::make_unique<AppendOp>(sub.get()));
        } else {
          plan->ops.push_back(std::make_unique<JoinOp>(c.join, sub.get()));
        }
        plan->subplans.push_back(std::move(sub));
        break;
      }
      case CommandKind::Other: {
        size_t pos = c.span.begin;
        const std::string& a = c.other.args;
        const size_t args_pos = c.span.end - a.size();  // the parser trimmed the argument text
        if (c.name == "regex") plan->ops.push_back(std::make_unique<RegexOp>(a, pos));
        else if (c.name == "dedup") {
          auto d = std::make_unique<DedupOp>(a, pos);
          const std::string sortby = d->sortby();
          plan->ops.push_back(std::move(d));
          if (!sortby.empty()) plan->ops.push_back(std::make_unique<SortOp>("0" + sortby, pos));  // 0: no limit
        }
        else if (c.name == "fillnull") plan->ops.push_back(std::make_unique<FillnullOp>(a, pos));
        else if (c.name == "head") plan->ops.push_back(std::make_unique<HeadOp>(a, pos));
        else if (c.name == "sort") plan->ops.push_back(std::make_unique<SortOp>(a, pos));
        else if (c.name == "mvexpand") plan->ops.push_back(std::make_unique<MvexpandOp>(a, pos));
        else if (c.name == "makemv") plan->ops.push_back(std::make_unique<MakemvOp>(a, pos));
        else if (c.name == "lookup") plan->ops.push_back(std::make_unique<LookupOp>(a, pos, lookups));
        else if (c.name == "spath") plan->ops.push_back(make_spath(a, args_pos, plan->warnings));
        else if (c.name == "xmlkv") plan->ops.push_back(make_xmlkv(a, args_pos, plan->warnings));
        else if (c.name == "fromjson") plan->ops.push_back(make_fromjson(a, args_pos));
        else if (c.name == "replace") plan->ops.push_back(make_replace(a, args_pos));
        else if (c.name == "addtotals") plan->ops.push_back(make_addtotals(a, args_pos));
        else if (c.name == "foreach") plan->ops.push_back(std::make_unique<ForeachOp>(a, args_pos, *plan, lookups));
        else if (c.name == "transaction") plan->ops.push_back(make_transaction(a, args_pos));
        else if (c.name == "appendpipe") plan->ops.push_back(std::make_unique<AppendpipeOp>(a, args_pos, *plan, lookups));
        else if (c.name == "inputlookup") {
          Inputlookup il = read_inputlookup(a, args_pos, lookups);
          if (!il.append)
            throw spl::Error("inputlookup after the first command needs append=true (it would replace the results)", pos);
          plan->ops.push_back(std::make_unique<InputlookupAppendOp>(std::move(il.rows)));
        }
        else throw spl::Error("command \"" + c.name + "\" is not supported yet", pos);
        break;
      }
    }
  }
}

void SubPlan::set_rows(std::vector<Row> r) {
  rows_cut = r.size() > max_rows ? r.size() - max_rows : 0;
  if (rows_cut) r.resize(max_rows);
  rows = std::move(r);
}

void collect_subplans(Plan& plan, std::vector<SubPlan*>& out) {
  for (auto& s : plan.subplans) {
    collect_subplans(*s->plan, out);
    out.push_back(s.get());
  }
}

std::vector<Row> run_row_ops(Plan& plan, std::vector<Row> rows) {
  Regex::LimitScope scope(&plan.regex_limit_hits);
  for (auto& op : plan.ops) op->run(rows);
  return rows;
}

}  // namespace splinter::exec
