#include "exec/scanner.h"

#include "exec/regex.h"

#include <algorithm>
#include <limits>

namespace splinter::exec {

namespace {
class RecordAccess : public FieldAccess {
 public:
  RecordAccess(cim::Record& r, const Value& time) : r_(r), time_(time) {}
  const Value* get(int id) override {
    if (id == kTimeField) return time_.is_null() ? nullptr : &time_;
    return r_.get(id);
  }

 private:
  cim::Record& r_;
  const Value& time_;
};
// Field values of the current raw event, computed once per event and shared by every
// raw-search plan (ids are scanner-wide; each plan maps its own ids onto them).
class RawEventAccess : public FieldAccess {
 public:
  RawEventAccess(RawEventCache& c, const std::vector<int>& map) : c_(c), map_(map) {}
  const Value* get(int id) override { return id < 0 ? nullptr : c_.get(map_[id]); }
  void all_values(std::vector<const Value*>& out) override { c_.all_values(out); }

 private:
  RawEventCache& c_;
  const std::vector<int>& map_;
};

// The row a matching raw event becomes: raw fields, then Splunk's metadata (_time,
// host, source, sourcetype: these replace raw fields of the same name, as in search),
// then the add-on's fields, then the CIM fields that the event does not already carry
// under the same name.
Row event_row(const io::Event& e, const Value& time, cim::AddonFields& addon, cim::Record* rec) {
  Row r;
  r.fields.reserve(e.size() + 24);
  // The row outlives the event: copy names and values out of the event's views.
  for (auto& f : e)
    if (!r.get(f.name)) r.fields.emplace_back(std::string(f.name), Value::of(std::string(f.value)));
  if (!time.is_null()) r.set("_time", time);
  for (std::string_view name : cim::kMetadataFields) {
    Value v;
    cim::metadata_value(e, name, v);
    if (v.is_null()) r.erase(name);  // metadata wins over a raw field of the same name
    else r.set(name, std::move(v));
  }
  std::vector<int> ids;
  addon.defined_ids(ids);
  for (int id : ids) {
    const std::string_view name = cim::addon_field_names()[size_t(id)];
    if (r.get(name)) continue;
    if (const Value* v = addon.get(id)) r.fields.emplace_back(std::string(name), *v);
  }
  if (rec) {
    const auto& d = rec->dataset();
    for (size_t i = 0; i < d.fields.size(); ++i) {
      if (r.get(d.fields[i])) continue;
      if (const Value* v = rec->get(static_cast<int>(i))) r.fields.emplace_back(std::string(d.fields[i]), *v);
    }
  }
  return r;
}

}  // namespace

// A raw event seen as Splunk presents it: its own fields, the metadata fields Splunk
// adds (source, sourcetype, host, _time), the add-on's search-time fields (src_user,
// object_file_path, ...) and the CIM fields of the dataset it maps onto, each computed
// only when asked for.
int RawEventCache::intern(const std::string& name) {
  auto [it, fresh] = ids_.emplace(name, static_cast<int>(names_.size()));
  if (fresh) {
    names_.push_back(name);
    bool meta = false;
    for (std::string_view m : cim::kMetadataFields) meta |= name == m;
    metadata_.push_back(meta);
    addon_id_.push_back(cim::addon_field_id(name));
  }
  return it->second;
}

void RawEventCache::reset(const io::Event* e, const Value& time, cim::Record* rec) {
  e_ = e;
  rec_ = rec;
  time_ = time;
  addon_.reset(e);
  values_.resize(names_.size());
  done_.assign(names_.size(), 0);
  terms_ready_ = false;
  located_ = false;
}

// One hash lookup per event field instead of a scan of the event per field asked for:
// raw searches together ask for hundreds of names.
void RawEventCache::locate() {
  at_.assign(names_.size(), -1);
  for (size_t i = 0; i < e_->size(); ++i)
    if (auto it = ids_.find((*e_)[i].name); it != ids_.end() && at_[size_t(it->second)] < 0)
      at_[size_t(it->second)] = static_cast<int>(i);  // first value wins
  located_ = true;
}

const Value* RawEventCache::get(int id) {
  if (!done_[id]) {
    done_[id] = 1;
    compute(id, values_[id]);
  }
  return values_[id].is_null() ? nullptr : &values_[id];
}

void RawEventCache::compute(int id, Value& out) {
  out.type = Value::Type::Null;
  const std::string_view name = names_[size_t(id)];
  // Splunk's metadata (host, source, sourcetype): the values tstats sees too.
  if (metadata_[size_t(id)] && cim::metadata_value(*e_, name, out)) return;
  if (!located_) locate();
  if (const int at = at_[size_t(id)]; at >= 0) {
    out.type = Value::Type::Str;
    out.str.assign((*e_)[size_t(at)].value);
    return;
  }
  if (name == "_time") {
    out = time_;
    return;
  }
  // The add-on's search-time field (src_user, object_file_path, ...), then the CIM field.
  // Decision: an add-on field that is null for this event falls through to the CIM field,
  // whose source rules carry what newer add-ons give for mapped events (Sysmon 1's
  // parent_process) and whose fills say "unknown" where Splunk's raw search has null
  // (src_user of a 4625 whose SubjectUserName is "-"), as before the add-on layer.
  if (const int a = addon_id_[size_t(id)]; a >= 0)
    if (const Value* v = addon_.get(a)) {
      out = *v;
      return;
    }
  if (rec_)
    if (const Value* v = rec_->get(rec_->dataset().field_index(name))) out = *v;
}

void RawEventCache::all_values(std::vector<const Value*>& out) {
  if (!terms_ready_) {
    if (terms_.size() < e_->size()) terms_.resize(e_->size());
    size_t n = 0;
    for (size_t i = 0; i < e_->size(); ++i) {
      // splinter's own marker is a field, not text of the event: a bare "true" must not match it.
      if (e_->recovered && (*e_)[i].name == io::kRecoveredField) continue;
      terms_[n].type = Value::Type::Str;
      terms_[n++].str.assign((*e_)[i].value);
    }
    terms_n_ = n;  // terms_ keeps its size: no strings freed and made again per event
    terms_ready_ = true;
  }
  for (size_t i = 0; i < terms_n_; ++i) out.push_back(&terms_[i]);
}

Scanner::Group* Scanner::group_for(const cim::Dataset* d, bool create) {
  for (auto& g : groups_)
    if (g.dataset == d) return &g;
  if (!create) return nullptr;
  groups_.emplace_back().dataset = d;
  return &groups_.back();
}

void Scanner::add(Plan* plan) {
  Entry en;
  en.plan = plan;
  if (!plan->raw_search) en.table = std::make_unique<GroupTable>(plan->group, &keys_);
  for (auto& n : plan->raw_fields.names) en.raw_map.push_back(raw_.intern(n));
  has_raw_ |= plan->raw_search;
  groups_built_ = false;
  const auto idx = static_cast<uint32_t>(entries_.size());
  entries_.push_back(std::move(en));
  picked_.push_back(0);
  if (!plan->raw_search && !plan->dataset) return;  // over no dataset: sees no event
  Group& g = *group_for(plan->raw_search ? nullptr : plan->dataset, true);
  const auto& anchors = plan->where.anchors();
  if (anchors.empty()) g.always.push_back(idx);
  for (const auto& a : anchors) {
    const int id = plan->raw_search ? entries_[idx].raw_map[size_t(a.field)] : a.field;
    auto f = std::find_if(g.fields.begin(), g.fields.end(), [&](const auto& x) { return x.id == id; });
    if (f == g.fields.end()) f = g.fields.insert(g.fields.end(), Group::Field{id, {}});
    std::vector<uint32_t>* list;
    if (a.exact) {
      list = &f->entries[a.value];
    } else {
      const uint32_t piece = f->pieces.add(a.value);
      if (piece == f->piece_entries.size()) f->piece_entries.emplace_back();
      list = &f->piece_entries[piece];
    }
    if (list->empty() || list->back() != idx) list->push_back(idx);
  }
}

template <class Get>
void Scanner::pick_candidates(const Group& g, Get&& get) {
  ++pass_;
  candidates_.assign(g.always.begin(), g.always.end());
  for (const auto& f : g.fields) {
    const Value* v = get(f.id);
    if (!v) continue;
    auto pick = [&](const std::vector<uint32_t>& entries) {
      for (uint32_t e : entries)
        if (picked_[e] != pass_) picked_[e] = pass_, candidates_.push_back(e);
    };
    auto one = [&](std::string_view s) {
      if (!f.entries.empty()) {
        key_.assign(s);
        for (char& c : key_) c = ascii_lower(c);
        if (auto it = f.entries.find(key_); it != f.entries.end()) pick(it->second);
      }
      if (!f.pieces.empty()) f.pieces.scan(s, [&](uint32_t piece) { pick(f.piece_entries[piece]); });
    };
    switch (v->type) {
      case Value::Type::Str: one(v->str); break;
      case Value::Type::Num: one(v->text()); break;
      case Value::Type::Multi:
        for (const auto& m : v->multi) one(m);
        break;
      default: break;
    }
  }
}

void Scanner::scan_raw(Entry& en, const io::Event& e, const Value& time, cim::Record* rec) {
  RawEventAccess access(raw_, en.raw_map);
  Regex::LimitScope scope(&en.plan->regex_limit_hits);
  if (!en.plan->where.matches(access)) return;
  ++en.matched;
  if (en.raw_rows.size() >= en.plan->max_raw_rows) {
    ++en.dropped;
    return;
  }
  en.raw_rows.push_back(event_row(e, time, raw_.addon(), rec));
}

uint64_t Scanner::dropped(size_t i) const {
  const Entry& en = entries_[i];
  return en.table ? en.table->dropped_groups() : en.dropped;  // (dropped: kept when the table went)
}

void Scanner::on_event(const io::Event& e) {
  if (!groups_built_) {
    for (auto& g : groups_)
      for (auto& f : g.fields) f.pieces.build();
    groups_built_ = true;
  }
  ++counters_.events;
  routed_.clear();
  router_.route(e, routed_);
  bool has_time = e.time_us != io::kNoTime;
  if (!has_time) ++counters_.no_time;
  // _time in exact microseconds: a double cannot hold them for far dates.
  const Value time = has_time ? Value::of_time_us(e.time_us) : Value{};
  const int64_t time_us = has_time ? e.time_us : 0;
  if (!routed_.empty()) ++counters_.routed;
  if (has_raw_) {
    cim::Record* rec = nullptr;
    if (!routed_.empty()) {
      raw_record_.reset(&e, routed_.front(), cim::find_dataset(routed_.front()->dataset));
      rec = &raw_record_;
    }
    raw_.reset(&e, time, rec);
    if (const Group* g = group_for(nullptr, false)) {
      pick_candidates(*g, [&](int id) { return raw_.get(id); });
      for (uint32_t i : candidates_) scan_raw(entries_[i], e, time, rec);
    }
  }
  for (const cim::SourceMapping* m : routed_) {
    const cim::Dataset* d = cim::find_dataset(m->dataset);
    if (!d) continue;
    const Group* g = group_for(d, false);
    if (!g) continue;
    record_.reset(&e, m, d);
    {
      RecordAccess access(record_, time);
      pick_candidates(*g, [&](int id) { return access.get(id); });
    }
    for (uint32_t i : candidates_) {
      Entry& en = entries_[i];
      RecordAccess access(record_, time);
      Regex::LimitScope scope(&en.plan->regex_limit_hits);
      bool in_dataset = true;
      for (const SearchPredicate& c : en.plan->constraints) in_dataset = in_dataset && c.matches(access);
      if (!in_dataset || !en.plan->where.matches(access)) continue;
      ++en.matched;
      en.table->add(access, time_us);
    }
  }
}

std::vector<Row> Scanner::rows(size_t i) {
  Entry& en = entries_[i];
  if (en.table) {
    // Each scan's rows are taken once: the table goes as soon as they are made, so the
    // (parallel) pipelines free memory as they go rather than all of it at the end.
    std::vector<Row> out = en.table->rows();
    en.dropped = en.table->dropped_groups();
    en.table.reset();
    return out;
  }
  // Splunk hands a search's events on newest first; head, dedup and first/last depend
  // on it. Inputs are read in file order, so sort (stable: equal times keep input order).
  // Each row's time is looked up once, not per comparison; events without one go last.
  std::vector<std::pair<int64_t, size_t>> order(en.raw_rows.size());
  for (size_t r = 0; r < order.size(); ++r) {
    const Value* t = en.raw_rows[r].get("_time");
    int64_t x;
    order[r] = {t && t->as_time_us(x) ? x : std::numeric_limits<int64_t>::min(), r};
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<Row> sorted;
  sorted.reserve(order.size());
  for (auto& [t, r] : order) sorted.push_back(std::move(en.raw_rows[r]));
  en.raw_rows.clear();
  return sorted;
}

}  // namespace splinter::exec
