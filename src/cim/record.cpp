#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cctype>
#include <iterator>

#include "cim/datamodel.h"
#include "common/strings.h"

namespace splinter::cim {

Router::Router() {
  for (auto& m : source_mappings())
    for (auto id : m.event_ids) entries_.push_back({id, &m});
}

static bool any_iequals(const std::vector<std::string_view>& list, const std::string_view* v) {
  if (!v) return false;
  for (auto s : list)
    if (iequals(s, *v)) return true;
  return false;
}

void Router::route(const io::Event& e, std::vector<const SourceMapping*>& out) const {
  const std::string_view* id = e.get("EventID");
  if (!id) return;
  const std::string_view* channel = nullptr;
  const std::string_view* provider = nullptr;
  bool looked = false;
  for (auto& en : entries_) {
    if (en.event_id != *id) continue;
    if (!looked) {
      channel = e.get("Channel");
      provider = e.get("ProviderName");
      looked = true;
    }
    if (any_iequals(en.mapping->channels, channel) || any_iequals(en.mapping->providers, provider))
      out.push_back(en.mapping);
  }
}

void Record::reset(const io::Event* e, const SourceMapping* m, const Dataset* d) {
  event_ = e;
  mapping_ = m;
  dataset_ = d;
  size_t n = d->fields.size() + std::size(kMetadataFields);
  values_.resize(n);
  state_.assign(n, 0);
}

const Value* Record::get(int idx) {
  if (idx < 0 || static_cast<size_t>(idx) >= values_.size()) return nullptr;
  if (state_[idx] == 0) compute(idx);
  return values_[idx].is_null() ? nullptr : &values_[idx];
}

static std::string_view basename(std::string_view p) {
  size_t cut = p.find_last_of("\\/");
  return cut == std::string_view::npos ? p : p.substr(cut + 1);
}

// The image name Splunk_SA_CIM cuts from a command line when the add-on gave none:
//   ^\s*(?:"..*\\([^"]+)").*   else   ^(?:..*\\)?([^\s"]+)(?=\s|$).*
static std::string name_from_command(std::string_view cmd) {
  struct Rx {
    pcre2_code* quoted;
    pcre2_code* plain;
    Rx() {
      int err;
      PCRE2_SIZE off;
      quoted = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(R"re(^\s*(?:"..*\\([^"]+)").*)re"), PCRE2_ZERO_TERMINATED,
                             PCRE2_DOTALL, &err, &off, nullptr);
      plain = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(R"re(^(?:..*\\)?([^\s"]+)(?=\s|$).*)re"), PCRE2_ZERO_TERMINATED,
                            PCRE2_DOTALL, &err, &off, nullptr);
    }
  };
  static const Rx rx;
  for (pcre2_code* re : {rx.quoted, rx.plain}) {
    if (!re) continue;
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(re, nullptr);
    int rc = pcre2_match(re, reinterpret_cast<PCRE2_SPTR>(cmd.data()), cmd.size(), 0, 0, md, nullptr);
    std::string out;
    if (rc >= 2) {
      PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
      out.assign(cmd.substr(ov[2], ov[3] - ov[2]));
    }
    pcre2_match_data_free(md);
    if (!out.empty()) return out;
  }
  return {};
}

// Whether v is one of the ';'-separated values of list (ASCII case-insensitively).
static bool in_list(std::string_view list, std::string_view v) {
  while (!list.empty()) {
    size_t semi = list.find(';');
    if (iequals(list.substr(0, semi), v)) return true;
    if (semi == std::string_view::npos) break;
    list.remove_prefix(semi + 1);
  }
  return false;
}

// The value of table ("from=to;from=to") for key, or nullptr when unlisted.
static bool map_lookup(std::string_view table, std::string_view key, std::string_view& to) {
  while (!table.empty()) {
    size_t semi = table.find(';');
    std::string_view pair = table.substr(0, semi);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && iequals(pair.substr(0, eq), key)) {
      to = pair.substr(eq + 1);
      return true;
    }
    if (semi == std::string_view::npos) break;
    table.remove_prefix(semi + 1);
  }
  return false;
}

static bool empty_value(const Value& v) {
  return v.is_null() || (v.type == Value::Type::Str && v.str.empty()) || (v.type == Value::Type::Multi && v.multi.empty());
}

// A CIM field of the record's dataset, or an inherited metadata field (sourcetype).
const Value* Record::field(std::string_view name) {
  int idx = dataset().field_index(name);
  if (idx < 0) idx = dataset().metadata_index(name);
  return get(idx);
}

bool is_calculation(RuleKind k) {
  switch (k) {
    case RuleKind::NameFromCommand:
    case RuleKind::FillUnknown:
    case RuleKind::LowerOrUnknown:
    case RuleKind::ZeroIfNotNumber:
    case RuleKind::FillWith:
    case RuleKind::FillFromField:
    case RuleKind::CountOrOne:
    case RuleKind::MapField: return true;
    default: return false;
  }
}

void apply_rule(const FieldRule& r, const io::Event& e, FieldSource& rec, Value& out) {
  auto set = [&](std::string_view s) {
    out.type = Value::Type::Str;
    out.str.assign(s);
  };
  switch (r.kind) {
    case RuleKind::Copy:
    case RuleKind::CopyNotDash: {
      for (auto name : {r.a, r.b}) {
        if (name.empty()) continue;
        const std::string_view* v = e.get(name);
        if (!v) continue;
        if (r.kind == RuleKind::CopyNotDash && *v == "-") continue;
        if (v->empty() && name == r.a && !r.b.empty()) continue;  // coalesce(a, b): an empty a falls through
        set(*v);
        return;
      }
      return;
    }
    case RuleKind::Basename:
      if (const std::string_view* v = e.get(r.a); v && !in_list(r.b, *v)) set(basename(*v));
      return;
    case RuleKind::TypedPayload:
      // Splunk's Sysmon add-on (transforms.conf) lifts RegistryValueData out of Details
      // with <Data Name='Details'>\w+\s\((.+)\)</Data>, and registry_value_data is that,
      // else Details: ESCU compares registry_value_data="0x00000001".
      if (const std::string_view* v = e.get(r.a)) {
        std::string_view d = *v;
        size_t w = 0;
        while (w < d.size() && (std::isalnum(static_cast<unsigned char>(d[w])) || d[w] == '_')) ++w;
        if (w > 0 && d.size() >= w + 4 && std::isspace(static_cast<unsigned char>(d[w])) && d[w + 1] == '(' &&
            d.back() == ')')
          return set(d.substr(w + 2, d.size() - w - 3));
        set(d);
      }
      return;
    case RuleKind::Const: set(r.a); return;
    case RuleKind::Lower:
      if (const std::string_view* v = e.get(r.a)) set(to_lower(*v));
      return;
    case RuleKind::DomainUser: {
      const std::string_view* sid = e.get(r.a);
      if (sid && sid->find('\\') != std::string_view::npos) return set(*sid);
      const std::string_view* dom = e.get(r.b);
      const std::string_view* name = e.get(r.c);
      if (name && !name->empty() && *name != "-") {
        if (dom && !dom->empty() && *dom != "-") return set(std::string(*dom).append("\\").append(*name));
        return set(*name);
      }
      return;
    }
    case RuleKind::MapValue: {
      const std::string_view* v = e.get(r.a);
      std::string_view to;
      if (v && map_lookup(r.b, *v, to)) set(to);
      return;
    }
    case RuleKind::CopyUnless: {
      std::string_view names = r.a;
      while (!names.empty()) {
        size_t comma = names.find(',');
        const std::string_view* v = e.get(names.substr(0, comma));
        if (v && !v->empty() && !in_list(r.b, *v)) return set(*v);
        if (comma == std::string_view::npos) break;
        names.remove_prefix(comma + 1);
      }
      return;
    }
    case RuleKind::Split: {
      const std::string_view* v = e.get(r.a);
      if (!v) return;
      std::vector<std::string> pieces;
      std::string_view rest = *v;
      while (true) {
        size_t cut = rest.find_first_of(r.b);
        std::string_view piece = trim(rest.substr(0, cut));
        if (!piece.empty() && !in_list(r.c, piece)) pieces.emplace_back(piece);
        if (cut == std::string_view::npos) break;
        rest.remove_prefix(cut + 1);
      }
      if (pieces.size() == 1) return set(pieces[0]);
      if (pieces.size() > 1) {
        out.type = Value::Type::Multi;
        out.multi = std::move(pieces);
      }
      return;
    }
    case RuleKind::FillWith:
      if (empty_value(out)) set(r.a);
      return;
    case RuleKind::FillFromField:
      if (empty_value(out))
        if (const Value* v = rec.field(r.a); v && !empty_value(*v)) out = *v;
      return;
    case RuleKind::CountOrOne: {
      double x;
      if (!out.is_null() && out.as_number(x)) return;
      const Value* v = rec.field(r.a);
      out = Value::of(static_cast<double>(v && v->type == Value::Type::Multi ? v->multi.size() : 1));
      return;
    }
    case RuleKind::MapField: {
      const Value* v = rec.field(r.a);
      std::string_view to;
      if (v && v->type != Value::Type::Multi && map_lookup(r.b, v->text(), to)) set(to);
      return;
    }
    case RuleKind::NameFromCommand: {
      if (!out.is_null() && !out.str.empty()) return;
      const Value* cmd = rec.field(r.a);
      if (!cmd) return;
      std::string name = name_from_command(cmd->str);
      if (!name.empty()) set(name);
      return;
    }
    case RuleKind::CopyByFlag: {
      const std::string_view* flag = e.get(r.a);
      if (const std::string_view* v = e.get(flag && iequals(*flag, "true") ? r.b : r.c)) set(*v);
      return;
    }
    case RuleKind::FillUnknown:
      if (out.is_null() || (out.type == Value::Type::Str && out.str.empty())) set("unknown");
      return;
    case RuleKind::LowerOrUnknown:
      if (out.is_null() || (out.type == Value::Type::Str && out.str.empty())) set("unknown");
      else if (out.type == Value::Type::Str) out.str = to_lower(out.str);
      return;
    case RuleKind::ZeroIfNotNumber: {
      double x;
      if (out.is_null() || !out.as_number(x)) set("0");
      return;
    }
  }
}

void Record::compute(int idx) {
  state_[idx] = 1;  // guards against a calculated field that reads itself
  Value& out = values_[idx];
  out.type = Value::Type::Null;
  if (static_cast<size_t>(idx) >= dataset_->fields.size()) {  // inherited metadata
    metadata_value(*event_, kMetadataFields[idx - dataset_->fields.size()], out);
    state_[idx] = 2;
    return;
  }
  std::string_view field = dataset_->fields[idx];
  for (auto& r : mapping_->rules)
    if (r.field == field) {
      apply_rule(r, *event_, *this, out);
      if (!out.is_null()) break;
    }
  for (auto& r : dataset_->calculated)
    if (r.field == field) apply_rule(r, *event_, *this, out);
  state_[idx] = 2;
}

}  // namespace splinter::cim
