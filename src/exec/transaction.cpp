// transaction <field-list> [maxspan=<span>] [maxpause=<span>] [maxevents=<n>]
//             [startswith=<search>] [endswith=<search>] [connected=<bool>]
//             [keepevicted=<bool>] [mvlist=<bool>]
//
// Splunk (Search Reference, transaction): groups events whose field-list values are
// equal into one result holding the earliest member's _time, the union of the members'
// other fields, duration (newest _time minus oldest, in seconds) and eventcount.
// Splunk reads its input newest first, so an endswith event opens a transaction and a
// startswith event completes it. Decisions, recorded in tests/golden/transaction_*.test:
//  - rows are taken newest first by _time (stable), whatever order they arrive in, as
//    Splunk's event stream is; a row without _time counts as time 0;
//  - a row lacking one of the fields is in no transaction (an orphan) and is dropped
//    (keeporphans=false); so connected= changes nothing here and is accepted;
//  - a transaction is closed (complete) when it has its endswith event (if any) and its
//    startswith event (if any); one cut by maxspan, maxpause or maxevents, or left open
//    at the end of the input, without its start is evicted: dropped, or kept with
//    closed_txn=0 under keepevicted=true (closed ones then get closed_txn=1);
//  - with mvlist=false (default) a field with several values holds the distinct values
//    in lexicographic order; with mvlist=true every member's value in arrival order;
//  - transactions come out newest first by their _time.
// Other options (unifyends, keeporphans=true, delim, nullstr, maxopentxn, ...) are refused.
#include <algorithm>
#include <map>
#include <memory>
#include <unordered_map>

#include "common/strings.h"
#include "exec/args.h"
#include "exec/fields.h"
#include "exec/row_ops.h"
#include "exec/search_predicate.h"
#include "spl/lexer.h"
#include "spl/parser.h"

namespace splinter::exec {

namespace {

class TransactionOp : public RowOp {
 public:
  TransactionOp(const std::string& args, size_t pos) { parse(args, pos); }

  void run(std::vector<Row>& rows) override {
    const size_t n = rows.size();
    std::vector<int64_t> time(n, 0);
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i) {
      order[i] = i;
      if (const Value* t = rows[i].get("_time")) t->as_time_us(time[i]);
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return time[a] > time[b]; });

    struct Txn {
      std::vector<size_t> members;  // newest first
      int64_t newest = 0, oldest = 0;
      bool closed = false;
      bool done = false;
    };
    std::vector<Txn> txns;
    std::unordered_map<std::string, size_t> open;
    auto finish = [&](size_t t, bool complete) {
      txns[t].done = true;
      txns[t].closed = complete;
    };
    std::string key;
    for (size_t i : order) {
      Row& row = rows[i];
      if (!make_key(row, key)) continue;  // orphan
      RowAccess a(fields_, row);
      const bool is_end = has_end_ && end_.matches(a);
      const bool is_start = has_start_ && start_.matches(a);
      auto it = open.find(key);
      if (it != open.end()) {
        Txn& x = txns[it->second];
        const bool cut = (maxspan_ >= 0 && x.newest - time[i] > maxspan_) ||
                         (maxpause_ >= 0 && x.oldest - time[i] > maxpause_) ||
                         (maxevents_ > 0 && x.members.size() >= static_cast<size_t>(maxevents_)) || is_end;
        if (cut) {
          finish(it->second, !has_start_);
          open.erase(it);
          it = open.end();
        }
      }
      size_t t;
      if (it == open.end()) {
        if (has_end_ && !is_end) continue;  // cannot be the last event of a transaction: orphan
        t = txns.size();
        txns.emplace_back();
        txns[t].newest = time[i];
        open[key] = t;
      } else {
        t = it->second;
      }
      txns[t].members.push_back(i);
      txns[t].oldest = time[i];
      if (is_start) {
        finish(t, true);
        open.erase(key);
      }
    }
    for (auto& [k, t] : open) finish(t, !has_start_);

    std::vector<std::pair<int64_t, Row>> out;
    for (auto& x : txns) {
      if (!x.closed && !keep_evicted_) continue;
      out.emplace_back(x.oldest, merge(rows, x.members, x.newest, x.oldest, x.closed));
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<Row> result;
    result.reserve(out.size());
    for (auto& [t, r] : out) result.push_back(std::move(r));
    rows = std::move(result);
  }

 private:
  bool make_key(const Row& r, std::string& key) const {
    key.clear();
    for (auto& f : fields_list_) {
      const Value* v = r.get(f);
      if (!v || v->is_null()) return false;
      for (auto& t : v->texts()) key += t, key += '\x1f';
      key += '\x1e';
    }
    return true;
  }

  Row merge(std::vector<Row>& rows, const std::vector<size_t>& members, int64_t newest, int64_t oldest, bool closed) const {
    Row out;
    // Field values in first-seen order of the fields, members oldest first (the order
    // Splunk lists a transaction's events in).
    std::vector<std::pair<std::string, std::vector<std::string>>> vals;
    for (auto m = members.rbegin(); m != members.rend(); ++m)
      for (auto& [name, v] : rows[*m].fields) {
        if (name.starts_with('_') || v.is_null()) continue;
        const std::string& field = name;  // clang < 16 cannot capture a structured binding
        auto it = std::find_if(vals.begin(), vals.end(), [&](auto& p) { return p.first == field; });
        if (it == vals.end()) {
          vals.emplace_back(name, std::vector<std::string>{});
          it = vals.end() - 1;
        }
        for (auto& t : v.texts()) it->second.push_back(t);
      }
    out.fields.emplace_back("_time", Value::of_time_us(oldest));
    for (auto& [name, list] : vals) {
      if (!mvlist_) {
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
      }
      if (list.size() == 1) {
        // A single value keeps its member's type (a number stays a number).
        const Value* first = nullptr;
        for (size_t m : members)
          if (const Value* v = rows[m].get(name); v && !v->is_null()) first = v;
        out.fields.emplace_back(name, first && first->type != Value::Type::Multi ? *first : Value::of(list[0]));
      } else {
        Value mv;
        mv.type = Value::Type::Multi;
        mv.multi = std::move(list);
        out.fields.emplace_back(name, std::move(mv));
      }
    }
    out.set("duration", Value::of(static_cast<double>(newest - oldest) / 1e6));
    out.set("eventcount", Value::of(static_cast<double>(members.size())));
    if (keep_evicted_) out.set("closed_txn", Value::of(closed ? 1.0 : 0.0));
    return out;
  }

  // The value of a startswith=/endswith= option at text[i]: "(...)" or a quoted string,
  // parsed as a search expression; returns the offset after it.
  size_t parse_filter(const std::string& args, size_t i, size_t pos, const std::string& key, SearchPredicate& out) {
    size_t b = i, e;
    if (i < args.size() && args[i] == '(') {
      int depth = 0;
      e = i;
      for (; e < args.size(); ++e) {
        if (args[e] == '"') {
          e = spl::skip_quoted(args, e, args.size()) - 1;
          continue;
        }
        if (args[e] == '(') ++depth;
        else if (args[e] == ')' && --depth == 0) break;
      }
      if (e == args.size()) throw spl::Error("transaction " + key + "=( is not closed", pos + i);
      b = i + 1;
      i = e + 1;
    } else if (i < args.size() && args[i] == '"') {
      const size_t after = spl::skip_quoted(args, i, args.size());
      b = i + 1, e = after - 1;
      i = after;
    } else {
      throw spl::Error("transaction " + key + "= expects a search in parentheses or quotes, e.g. " + key +
                           "=(EventCode=4720)",
                       pos + i);
    }
    if (iequals(std::string_view(args).substr(b, std::min<size_t>(5, e - b)), "eval("))
      throw spl::Error("transaction " + key + "=eval(...) is not supported (only a search expression)", pos + b);
    // Positions in the expression point into the search.
    std::string masked(pos + args.size(), ' ');
    if (args[b - 1] == '"') {
      // A quoted filter is search text with its quotes' escapes resolved.
      size_t end;
      std::string text = spl::decode_quoted(args, b - 1, args.size(), end);
      masked.replace(pos + b, text.size(), text);
      masked.resize(pos + b + text.size());
    } else {
      masked.replace(pos + b, e - b, args.substr(b, e - b));
    }
    spl::ExprPtr expr = spl::parse_search_expression(masked);
    out = SearchPredicate::compile(expr.get(), fields_, true);
    return i;
  }

  void parse(const std::string& args, size_t pos) {
    size_t i = 0;
    while (i < args.size()) {
      if (spl::is_space(args[i]) || args[i] == ',') {
        ++i;
        continue;
      }
      size_t w = i;
      while (i < args.size() && !spl::is_space(args[i]) && args[i] != ',' && args[i] != '=') ++i;
      std::string word = args.substr(w, i - w);
      if (i >= args.size() || args[i] != '=') {
        if (word.empty()) throw spl::Error("unexpected '" + std::string(1, args[i]) + "' in transaction", pos + i);
        fields_list_.push_back(word);
        continue;
      }
      const std::string key = to_lower(word);
      ++i;  // '='
      if (key == "startswith" || key == "endswith") {
        i = parse_filter(args, i, pos, key, key == "startswith" ? start_ : end_);
        (key == "startswith" ? has_start_ : has_end_) = true;
        continue;
      }
      const size_t vb = i;
      while (i < args.size() && !spl::is_space(args[i]) && args[i] != ',') ++i;
      std::string v = args.substr(vb, i - vb);
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      const size_t at = pos + w;
      auto boolean = [&](bool& out) {
        if (!parse_bool(v, out)) throw spl::Error("transaction " + key + "= expects true or false", pos + vb);
      };
      auto span = [&](int64_t& out) {
        if (v == "-1") out = -1;
        else out = parse_span(v, pos + vb);
      };
      bool b = false;
      if (key == "maxspan") span(maxspan_);
      else if (key == "maxpause") span(maxpause_);
      else if (key == "maxevents") {
        if (v == "-1") maxevents_ = -1;
        else if (!v.empty() && v.size() < 10 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
          maxevents_ = std::stoll(v);
        else throw spl::Error("transaction maxevents= expects a whole number", pos + vb);
      } else if (key == "connected") boolean(b);
      else if (key == "keepevicted") boolean(keep_evicted_);
      else if (key == "mvlist") {
        if (!parse_bool(v, mvlist_))
          throw spl::Error("transaction mvlist= with a field list is not supported (only true or false)", pos + vb);
      } else if (key == "keeporphans") {
        boolean(b);
        if (b) throw spl::Error("transaction keeporphans=true is not supported", at);
      } else {
        throw spl::Error("transaction option " + word + "= is not supported (supported: maxspan, maxpause, maxevents, "
                         "startswith, endswith, connected, keepevicted, mvlist)",
                         at);
      }
    }
    if (fields_list_.empty())
      throw spl::Error("transaction without a field list is not supported (name the fields that group events)", pos);
  }

  RowFields fields_;
  std::vector<std::string> fields_list_;
  int64_t maxspan_ = -1, maxpause_ = -1;  // microseconds; -1 = no limit (Splunk's default)
  int64_t maxevents_ = 1000;               // Splunk's default
  bool has_start_ = false, has_end_ = false;
  SearchPredicate start_, end_;
  bool keep_evicted_ = false, mvlist_ = false;
};

}  // namespace

std::unique_ptr<RowOp> make_transaction(const std::string& args, size_t args_pos) {
  return std::make_unique<TransactionOp>(args, args_pos);
}

}  // namespace splinter::exec
