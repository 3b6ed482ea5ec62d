#include "exec/row_ops.h"

#include <algorithm>
#include <stdexcept>

#include "common/strings.h"
#include "exec/args.h"
#include "exec/structured.h"

namespace splinter::exec {

namespace {

void warn_once(std::vector<std::string>& warnings, const std::string& w) {
  if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) warnings.push_back(w);
}

Value make_value(std::vector<std::string>& vals) {
  if (vals.size() == 1) return Value::of(std::move(vals[0]));
  Value m;
  m.type = Value::Type::Multi;
  m.multi = std::move(vals);
  return m;
}

// Collects (name, values) pairs in first-seen order; slots are reused from row to row.
class Collector : public KvSink {
 public:
  void add(std::string_view name, std::string_view value) override {
    for (size_t k = used_; k-- > 0;)
      if (slots_[k].name == name) {
        slots_[k].vals.emplace_back(value);
        return;
      }
    if (used_ == slots_.size()) slots_.emplace_back();
    Slot& s = slots_[used_++];
    s.name.assign(name);
    s.vals.clear();
    s.vals.emplace_back(value);
  }
  void clear() { used_ = 0; }
  // Writes every collected field into the row (an extracted field replaces one of the
  // same name).
  void write(Row& row) {
    for (size_t k = 0; k < used_; ++k) row.set(slots_[k].name, make_value(slots_[k].vals));
  }

 private:
  struct Slot {
    std::string name;
    std::vector<std::string> vals;
  };
  std::vector<Slot> slots_;
  size_t used_ = 0;
};

// spath [input=<field>] [output=<field>] [path=]<path>
// Splunk (Search Reference, spath): reads JSON or XML from the input field (default _raw).
// With a path, the value(s) there go to the output field (default: the path itself);
// "{}" steps into every member of an array, and several values make a multivalue field.
// A path that ends at an object or array gives its JSON text as written. Without a path
// spath "auto-extracts" every leaf under its path name, "subject to any character read
// limits. The default limit is 5000 characters" (limits.conf [spath] extraction_cutoff).
// Decisions (recorded in tests/golden/spath_*.test):
//  * a path that matches nothing leaves the output field as it was (as rex does on no match);
//  * a multivalue input is read value by value, the results in order;
//  * JSON null, true and false give the text "null", "true", "false";
//  * an array index ({1}) is refused: Splunk's docs disagree on where it counts from;
//  * XML: leaves with only whitespace give nothing; the first path step names the root.
class SpathOp : public RowOp {
 public:
  static constexpr size_t kCutoff = 5000;
  SpathOp(const std::string& args, size_t pos, std::vector<std::string>& warnings) {
    std::string path;
    size_t path_pos = pos;
    bool have_output = false;
    for (auto& w : split_args(args, pos)) {
      const size_t at = pos + w.offset;
      const auto eq = w.quoted ? std::string::npos : w.text.find('=');
      if (eq != std::string::npos) {
        const std::string key = to_lower(w.text.substr(0, eq));
        std::string v = w.text.substr(eq + 1);
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        if (v.empty()) throw spl::Error("spath " + key + "= needs a value", at);
        if (key == "input") {
          input_ = v;
        } else if (key == "output") {
          output_ = v;
          have_output = true;
        } else if (key == "path") {
          if (!path.empty()) throw spl::Error("spath takes one path", at);
          path = v, path_pos = at + eq + 1;
        } else {
          throw spl::Error("unknown spath option '" + w.text.substr(0, eq) + "=' (spath takes input=, output=, path=)", at);
        }
        continue;
      }
      if (!path.empty()) throw spl::Error("spath takes one path; unexpected '" + w.text + "'", at);
      path = w.text, path_pos = at;
    }
    if (!path.empty()) {
      try {
        steps_ = parse_spath_path(path);
      } catch (const std::invalid_argument& e) {
        throw spl::Error("spath path \"" + path + "\": " + e.what(), path_pos);
      }
      if (!have_output) output_ = path;
    } else if (have_output) {
      throw spl::Error("spath output= needs path= (without a path spath extracts every field under its own name)", pos);
    }
    if (input_ == "_raw")
      warn_once(warnings, "spath on _raw extracts nothing: splinter's rows have no _raw field (use input=<name>)");
  }

  void run(std::vector<Row>& rows) override {
    for (auto& row : rows) {
      const Value* v = row.get(input_);
      if (!v || v->is_null()) continue;
      if (steps_.empty()) {
        found_.clear();
        for_each_text(*v, [&](std::string_view t) {
          if (!json_leaves(t, kCutoff, found_)) xml_leaves(t, kCutoff, found_);
        });
        found_.write(row);
        continue;
      }
      vals_.clear();
      for_each_text(*v, [&](std::string_view t) {
        if (!json_path(t, steps_, vals_)) xml_path(t, steps_, vals_);
      });
      if (!vals_.empty()) row.set(output_, make_value(vals_));
    }
  }

 private:
  template <class F>
  static void for_each_text(const Value& v, F&& f) {
    if (v.type == Value::Type::Str) return f(std::string_view(v.str));
    if (v.type == Value::Type::Multi) {
      for (auto& s : v.multi) f(std::string_view(s));
      return;
    }
    f(std::string_view(v.text()));
  }
  std::string input_ = "_raw", output_;
  std::vector<PathStep> steps_;
  Collector found_;
  std::vector<std::string> vals_;
};

// xmlkv [<field>] [maxinputs=<int>]: Splunk (Search Reference, xmlkv) "automatically
// extracts key-value pairs from XML-formatted data": <name>value</name> gives name=value.
// Decisions: only elements without child elements give a pair; a tag that occurs more
// than once gives a multivalue field in document order; entities are decoded; an
// extracted field replaces one of the same name. maxinputs only batches the work in
// Splunk, so it does not change results.
class XmlkvOp : public RowOp {
 public:
  XmlkvOp(const std::string& args, size_t pos, std::vector<std::string>& warnings) {
    for (auto& w : split_args(args, pos)) {
      const size_t at = pos + w.offset;
      if (!w.quoted && istarts_with(w.text, "maxinputs=")) {
        double n;
        if (!parse_number(w.text.substr(10), n) || n < 1) throw spl::Error("xmlkv maxinputs= expects a positive number", at);
        continue;
      }
      if (!w.quoted && w.text.find('=') != std::string::npos)
        throw spl::Error("unknown xmlkv option '" + w.text + "' (xmlkv takes a field and maxinputs=)", at);
      if (!field_.empty()) throw spl::Error("xmlkv takes one field; unexpected '" + w.text + "'", at);
      field_ = w.text;
    }
    if (field_.empty()) field_ = "_raw";
    if (field_ == "_raw") warn_once(warnings, "xmlkv on _raw extracts nothing: splinter's rows have no _raw field (name a field)");
  }
  void run(std::vector<Row>& rows) override {
    for (auto& row : rows) {
      const Value* v = row.get(field_);
      if (!v || v->is_null()) continue;
      found_.clear();
      if (v->type == Value::Type::Multi) {
        for (auto& s : v->multi) xml_tag_values(s, found_);
      } else {
        const std::string t = v->type == Value::Type::Str ? std::string() : v->text();
        xml_tag_values(v->type == Value::Type::Str ? std::string_view(v->str) : std::string_view(t), found_);
      }
      found_.write(row);
    }
  }

 private:
  std::string field_;
  Collector found_;
};

// fromjson <field> [prefix=<string>]: Splunk (Search Reference, fromjson) "returns keys as
// fields and key values as field values" for the top-level members of a JSON object;
// arrays become multivalue fields. Decisions: a nested object (or an array inside an
// array) is kept as its JSON text; null gives no value (the field is left as it was);
// text that is not a JSON object leaves the row unchanged.
class FromjsonOp : public RowOp {
 public:
  FromjsonOp(const std::string& args, size_t pos) {
    for (auto& w : split_args(args, pos)) {
      const size_t at = pos + w.offset;
      if (!w.quoted && istarts_with(w.text, "prefix=")) {
        prefix_ = w.text.substr(7);
        if (prefix_.size() >= 2 && prefix_.front() == '"' && prefix_.back() == '"') prefix_ = prefix_.substr(1, prefix_.size() - 2);
        continue;
      }
      if (!w.quoted && w.text.find('=') != std::string::npos)
        throw spl::Error("unknown fromjson option '" + w.text + "' (fromjson takes a field and prefix=)", at);
      if (!field_.empty()) throw spl::Error("fromjson takes one field; unexpected '" + w.text + "'", at);
      field_ = w.text;
    }
    if (field_.empty()) throw spl::Error("fromjson needs a field, e.g. fromjson Data", pos);
  }
  void run(std::vector<Row>& rows) override {
    struct Sink : JsonMemberSink {
      Collector& c;
      const std::string& prefix;
      std::string key;
      Sink(Collector& c, const std::string& p) : c(c), prefix(p) {}
      void begin(std::string_view k) override { key.assign(prefix).append(k); }
      void value(std::string_view v) override { c.add(key, v); }
    } sink(found_, prefix_);
    for (auto& row : rows) {
      const Value* v = row.get(field_);
      if (!v || v->type != Value::Type::Str) continue;
      found_.clear();
      json_members(v->str, sink);
      found_.write(row);
    }
  }

 private:
  std::string field_, prefix_;
  Collector found_;
};

// replace (<wc-string> WITH <wc-string>) [, ...] [IN <field-list>]
// Splunk (Search Reference, replace): replaces whole field values; '*' matches any run of
// characters and a '*' in the replacement puts back what the pattern's '*' matched ("the
// result must have the same number of wildcards, or none at all"). "Non-wildcard
// replacement values specified later take precedence over those replacements specified
// earlier. For a wildcard replacement, fuller matches take precedence over lesser
// matches." Without IN every field is changed except internal ones ("To replace values
// on _internal fields, you must specify the field name with the IN clause").
// Decisions: matching is case-sensitive; an exact (non-wildcard) pair beats a wildcard
// one; among wildcard pairs the "fuller" match is the pattern with more literal
// characters, a later one on a tie; each value of a multivalue field is replaced alone.
class ReplaceOp : public RowOp {
 public:
  ReplaceOp(const std::string& args, size_t pos) {
    auto words = split_args(args, pos);
    size_t i = 0;
    auto kw = [&](size_t k, const char* s) { return k < words.size() && !words[k].quoted && iequals(words[k].text, s); };
    while (i < words.size() && !kw(i, "IN")) {
      if (!kw(i + 1, "WITH") || i + 2 >= words.size() || kw(i + 2, "IN"))
        throw spl::Error("replace expects <value> WITH <replacement> pairs, e.g. replace \"a*\" WITH \"b*\" IN field",
                         pos + words[i].offset);
      Pair p{words[i].text, words[i + 2].text, 0, 0};
      p.stars = std::count(p.from.begin(), p.from.end(), '*');
      const size_t to_stars = std::count(p.to.begin(), p.to.end(), '*');
      if (to_stars != 0 && to_stars != p.stars)
        throw spl::Error("replace: \"" + p.to + "\" must have as many '*' as \"" + p.from + "\", or none",
                         pos + words[i + 2].offset);
      p.literal = p.from.size() - p.stars;
      pairs_.push_back(std::move(p));
      i += 3;
    }
    if (pairs_.empty()) throw spl::Error("replace needs <value> WITH <replacement>", pos);
    if (i < words.size()) {
      if (i + 1 >= words.size()) throw spl::Error("replace: expected field names after IN", pos + words[i].offset);
      for (++i; i < words.size(); ++i) fields_.emplace_back(words[i].text, false);
    }
  }
  void run(std::vector<Row>& rows) override {
    for (auto& row : rows)
      for (auto& [name, v] : row.fields) {
        if (!applies(name) || v.is_null()) continue;
        if (v.type == Value::Type::Multi) {
          for (auto& s : v.multi)
            if (replace(s, out_)) s = out_;
        } else if (v.type == Value::Type::Str) {
          if (replace(v.str, out_)) v.str = out_;
        } else if (replace(v.text(), out_)) {
          v = Value::of(out_);
        }
      }
  }

 private:
  struct Pair {
    std::string from, to;
    size_t stars, literal;
  };
  bool applies(const std::string& name) const {
    if (fields_.empty()) return name.empty() || name[0] != '_';
    for (auto& f : fields_)
      if (f.matches(name)) return true;
    return false;
  }
  bool replace(const std::string& s, std::string& out) {
    for (size_t k = pairs_.size(); k-- > 0;)
      if (pairs_[k].stars == 0 && pairs_[k].from == s) return out = pairs_[k].to, true;
    const Pair* best = nullptr;
    for (auto& p : pairs_) {
      if (p.stars == 0 || (best && p.literal < best->literal)) continue;
      if (!wildcard_capture(p.from, s, caps_)) continue;
      best = &p;
      best_caps_.assign(caps_.begin(), caps_.end());
    }
    if (!best) return false;
    out.clear();
    size_t c = 0;
    for (char ch : best->to) {
      if (ch == '*' && c < best_caps_.size()) out.append(best_caps_[c++]);
      else out += ch;
    }
    return true;
  }
  std::vector<Pair> pairs_;
  std::vector<Wildcard> fields_;
  std::vector<std::string_view> caps_, best_caps_;
  std::string out_;
};

// addtotals [row=<bool>] [col=<bool>] [labelfield=<field>] [label=<string>]
//           [fieldname=<field>] [<field-list>]
// Splunk (Search Reference, addtotals): row=true (default) adds to each result the sum of
// its numeric fields (those listed, wildcards allowed; default all) in fieldname
// (default "Total"); col=true appends a result holding each field's column sum, with
// label (default "Total") in labelfield when one is given. Decisions: internal fields
// (_time, ...) are not summed unless listed; a row with no numeric field gets no total;
// a multivalue field is not a number.
class AddtotalsOp : public RowOp {
 public:
  AddtotalsOp(const std::string& args, size_t pos) {
    for (auto& w : split_args(args, pos)) {
      const size_t at = pos + w.offset;
      const auto eq = w.quoted ? std::string::npos : w.text.find('=');
      if (eq == std::string::npos) {
        fields_.emplace_back(w.text, false);
        continue;
      }
      const std::string key = to_lower(w.text.substr(0, eq));
      std::string v = w.text.substr(eq + 1);
      auto boolean = [&](bool& out) {
        if (!parse_bool(v, out)) throw spl::Error("addtotals " + key + "= expects true or false", at);
      };
      if (key == "row") boolean(row_);
      else if (key == "col") boolean(col_);
      else if (key == "fieldname") fieldname_ = v;
      else if (key == "label") label_ = v;
      else if (key == "labelfield") labelfield_ = v;
      else throw spl::Error("unknown addtotals option '" + w.text.substr(0, eq) + "='", at);
      if ((key == "fieldname" || key == "labelfield") && v.empty()) throw spl::Error("addtotals " + key + "= needs a field name", at);
    }
  }
  void run(std::vector<Row>& rows) override {
    std::vector<std::pair<std::string, double>> cols;
    for (auto& row : rows) {
      double sum = 0;
      bool any = false;
      for (auto& [name, v] : row.fields) {
        double x;
        if (!summed(name) || v.type == Value::Type::Multi || !v.as_number(x)) continue;
        sum += x, any = true;
        if (!col_) continue;
        const std::string& field = name;  // clang < 16 cannot capture a structured binding
        auto it = std::find_if(cols.begin(), cols.end(), [&](auto& c) { return c.first == field; });
        if (it == cols.end()) cols.emplace_back(name, x);
        else it->second += x;
      }
      if (row_ && any) row.set(fieldname_, Value::of(sum));
    }
    if (!col_) return;
    Row total;
    for (auto& [name, s] : cols) total.set(name, Value::of(s));
    if (row_) {
      double all = 0;
      bool any = false;
      for (auto& r : rows)
        if (const Value* t = r.get(fieldname_); t && t->type == Value::Type::Num) all += t->num, any = true;
      if (any) total.set(fieldname_, Value::of(all));
    }
    if (!labelfield_.empty()) total.set(labelfield_, Value::of(label_));
    rows.push_back(std::move(total));
  }

 private:
  bool summed(const std::string& name) const {
    if (name == fieldname_) return false;
    if (fields_.empty()) return name.empty() || name[0] != '_';
    for (auto& f : fields_)
      if (f.matches(name)) return true;
    return false;
  }
  bool row_ = true, col_ = false;
  std::string fieldname_ = "Total", label_ = "Total", labelfield_;
  std::vector<Wildcard> fields_;
};

}  // namespace

std::unique_ptr<RowOp> make_spath(const std::string& args, size_t pos, std::vector<std::string>& warnings) {
  return std::make_unique<SpathOp>(args, pos, warnings);
}
std::unique_ptr<RowOp> make_xmlkv(const std::string& args, size_t pos, std::vector<std::string>& warnings) {
  return std::make_unique<XmlkvOp>(args, pos, warnings);
}
std::unique_ptr<RowOp> make_fromjson(const std::string& args, size_t pos) { return std::make_unique<FromjsonOp>(args, pos); }
std::unique_ptr<RowOp> make_replace(const std::string& args, size_t pos) { return std::make_unique<ReplaceOp>(args, pos); }
std::unique_ptr<RowOp> make_addtotals(const std::string& args, size_t pos) { return std::make_unique<AddtotalsOp>(args, pos); }

}  // namespace splinter::exec
