#include "exec/plan.h"

#include <algorithm>

#include "common/strings.h"
#include "common/timefmt.h"
#include "exec/eval_expr.h"

namespace splinter::exec {

using spl::CommandKind;

namespace {

// Resolves "Processes.process" style names against a dataset.
class DatasetFields : public FieldResolver {
 public:
  DatasetFields(const cim::Dataset& d, std::vector<std::string>& warnings) : d_(d), warnings_(warnings) {
    auto dot = d.name.find('.');
    prefix_ = std::string(d.name.substr(dot + 1)) + ".";
  }
  int resolve(std::string_view name) override {
    if (name == "_time") return kTimeField;
    std::string_view f = name;
    if (f.substr(0, prefix_.size()) == prefix_) f.remove_prefix(prefix_.size());
    else if (iequals(f.substr(0, d_.name.size() + 1), std::string(d_.name) + ".")) f.remove_prefix(d_.name.size() + 1);
    int idx = d_.field_index(f);
    if (idx < 0) {
      std::string w = "field " + std::string(name) + " is not mapped for " + std::string(d_.name) + " (always null)";
      if (std::find(warnings_.begin(), warnings_.end(), w) == warnings_.end()) warnings_.push_back(w);
    }
    return idx;
  }

 private:
  const cim::Dataset& d_;
  std::string prefix_;
  std::vector<std::string>& warnings_;
};

double parse_span(const std::string& s, size_t pos) {
  size_t i = 0;
  while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) ++i;
  double n = i ? std::stod(s.substr(0, i)) : 1;
  std::string unit = to_lower(s.substr(i));
  if (unit.empty() || unit == "s" || unit == "sec" || unit == "secs" || unit == "second" || unit == "seconds") return n;
  if (unit == "m" || unit == "min" || unit == "mins" || unit == "minute" || unit == "minutes") return n * 60;
  if (unit == "h" || unit == "hr" || unit == "hrs" || unit == "hour" || unit == "hours") return n * 3600;
  if (unit == "d" || unit == "day" || unit == "days") return n * 86400;
  throw spl::Error("unsupported span \"" + s + "\"", pos);
}

std::vector<AggSpec> compile_aggs(const std::vector<spl::Aggregation>& aggs, FieldResolver& fields) {
  std::vector<AggSpec> out;
  for (auto& a : aggs) {
    AggSpec s;
    if (!parse_agg_func(a.func, s.func)) throw spl::Error("unsupported aggregation " + a.func + "()", a.span.begin);
    if (a.func.find("eval(") != std::string::npos) throw spl::Error("eval() inside aggregations is not supported", a.span.begin);
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
  explicit RenameOp(std::vector<std::pair<std::string, std::string>> r) : renames_(std::move(r)) {}
  void run(std::vector<Row>& rows) override {
    for (auto& row : rows)
      for (auto& [from, to] : renames_) apply(row, from, to);
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
  static void apply(Row& row, const std::string& from, const std::string& to) {
    if (from.find('*') == std::string::npos) {
      if (!row.get(from) || from == to) return;
      row.erase(to);  // the renamed field replaces one of the same name
      for (auto& [n, v] : row.fields)
        if (n == from) n = to;  // keeps the column where the old one stood
      return;
    }
    std::vector<std::pair<std::string, Value>> out;
    for (auto& [name, v] : row.fields) {
      std::vector<std::string_view> caps;
      if (!capture(from, name, caps)) {
        out.emplace_back(std::move(name), std::move(v));
        continue;
      }
      std::string target;
      size_t c = 0;
      for (char ch : to) {
        if (ch == '*' && c < caps.size()) target += caps[c++];
        else target += ch;
      }
      out.emplace_back(std::move(target), std::move(v));
    }
    // A renamed field replaces an existing one of the same name (last wins).
    Row fixed;
    for (auto& [n, v] : out) fixed.set(n, std::move(v));
    row = std::move(fixed);
  }
  std::vector<std::pair<std::string, std::string>> renames_;
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
          double t;
          if (!v.as_number(t)) continue;  // Splunk leaves non-numeric values unchanged
          updates.emplace_back(f.alias.empty() ? name : f.alias, Value::of(format_time(t, timeformat_)));
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

class SearchOp : public RowOp {
 public:
  explicit SearchOp(const spl::Expr* e) : pred_(SearchPredicate::compile(e, fields_, true)) {}
  void run(std::vector<Row>& rows) override {
    if (pred_.match_all()) return;
    std::vector<Row> kept;
    for (auto& row : rows) {
      RowAccess a(fields_, row);
      if (pred_.matches(a)) kept.push_back(std::move(row));
    }
    rows = std::move(kept);
  }

 private:
  RowFields fields_;
  SearchPredicate pred_;
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
        // table/fields order the columns as listed.
        for (auto& p : pats_)
          for (auto& [n, v] : row.fields)
            if (p.matches(n) && !out.get(n)) out.fields.emplace_back(n, v);
        if (table_)
          for (auto& p : pats_)
            if (!p.has_wildcard() && !out.get(p.pattern())) out.fields.emplace_back(p.pattern(), Value{});
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

class StatsOp : public RowOp {
 public:
  explicit StatsOp(const spl::StatsCommand& c) {
    GroupSpec g;
    g.aggs = compile_aggs(c.aggregations, fields_);
    for (auto& b : c.by) g.by.push_back(fields_.resolve(b)), g.by_names.push_back(b);
    g.time_field = fields_.resolve("_time");
    spec_ = std::move(g);
  }
  void run(std::vector<Row>& rows) override {
    GroupTable t(spec_);
    for (auto& row : rows) {
      RowAccess a(fields_, row);
      double time = 0;
      if (const Value* v = a.get(spec_.time_field)) v->as_number(time);
      t.add(a, time);
    }
    rows = t.rows();
  }

 private:
  RowFields fields_;
  GroupSpec spec_;
};

}  // namespace

std::unique_ptr<Plan> compile_plan(const spl::Pipeline& p) {
  auto plan = std::make_unique<Plan>();
  if (p.commands.empty()) throw spl::Error("empty search", 0);
  const spl::Command& first = p.commands[0];
  if (first.kind != CommandKind::Tstats)
    throw spl::Error("only searches that start with | tstats are supported so far (found \"" + first.name + "\")",
                     first.span.begin);
  const auto& ts = first.tstats;
  std::string dm = ts.datamodel;
  if (!ts.nodename.empty() && dm.find('.') == std::string::npos) dm += "." + ts.nodename;
  plan->dataset = cim::find_dataset(dm);
  if (!plan->dataset) throw spl::Error("data model " + dm + " is not supported (supported: Endpoint.Processes)", first.span.begin);
  for (auto& [k, v] : ts.options) {
    std::string key = to_lower(k);
    if (key == "fillnull_value") plan->group.fillnull = v;
    else if (key == "summariesonly" || key == "allow_old_summaries" || key == "chunk_size" || key == "local" ||
             key == "include_reduced_buckets")
      continue;  // no accelerated summaries here: every event is read
    else throw spl::Error("unsupported tstats option " + k, first.span.begin);
  }
  DatasetFields fields(*plan->dataset, plan->warnings);
  plan->where = SearchPredicate::compile(ts.where.get(), fields, false);
  plan->group.aggs = compile_aggs(ts.aggregations, fields);
  for (auto& b : ts.by) {
    plan->group.by.push_back(fields.resolve(b));
    plan->group.by_names.push_back(b);
  }
  plan->group.time_field = kTimeField;
  if (!ts.span.empty()) plan->group.span_seconds = parse_span(ts.span, first.span.begin);

  for (size_t i = 1; i < p.commands.size(); ++i) {
    const spl::Command& c = p.commands[i];
    switch (c.kind) {
      case CommandKind::Rename: plan->ops.push_back(std::make_unique<RenameOp>(c.rename.renames)); break;
      case CommandKind::Convert: plan->ops.push_back(std::make_unique<ConvertOp>(c.convert, c.span.begin)); break;
      case CommandKind::Where:
        if (!c.where.expr) throw spl::Error("where needs an expression", c.span.begin);
        plan->ops.push_back(std::make_unique<WhereOp>(*c.where.expr));
        break;
      case CommandKind::Eval: plan->ops.push_back(std::make_unique<EvalOp>(c.eval)); break;
      case CommandKind::Search: plan->ops.push_back(std::make_unique<SearchOp>(c.search.expr.get())); break;
      case CommandKind::Table: plan->ops.push_back(std::make_unique<FieldsOp>(c.fields, true)); break;
      case CommandKind::Fields: plan->ops.push_back(std::make_unique<FieldsOp>(c.fields, false)); break;
      case CommandKind::Stats:
        if (c.name != "stats") throw spl::Error("command \"" + c.name + "\" is not supported yet", c.span.begin);
        plan->ops.push_back(std::make_unique<StatsOp>(c.stats));
        break;
      case CommandKind::Tstats: throw spl::Error("tstats is only supported as the first command", c.span.begin);
      case CommandKind::Other: throw spl::Error("command \"" + c.name + "\" is not supported yet", c.span.begin);
    }
  }
  return plan;
}

std::vector<Row> run_row_ops(Plan& plan, std::vector<Row> rows) {
  for (auto& op : plan.ops) op->run(rows);
  return rows;
}

}  // namespace splinter::exec
