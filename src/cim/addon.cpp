#include "cim/addon.h"

#include <algorithm>
#include <unordered_map>

#include "common/strings.h"

namespace splinter::cim {

namespace {
struct Names {
  std::vector<std::string_view> list;
  std::unordered_map<std::string_view, int> ids;
  Names() {
    for (const AddonMapping& m : addon_mappings())
      for (const FieldRule& r : m.rules)
        if (ids.emplace(r.field, static_cast<int>(list.size())).second) list.push_back(r.field);
  }
};
const Names& names() {
  static const Names n;
  return n;
}
}  // namespace

const std::vector<std::string_view>& addon_field_names() { return names().list; }

int addon_field_id(std::string_view name) {
  const auto& ids = names().ids;
  auto it = ids.find(name);
  return it == ids.end() ? -1 : it->second;
}

AddonFields::AddonFields() {
  values_.resize(addon_field_names().size());
  state_.assign(values_.size(), 0);
}

void AddonFields::reset(const io::Event* e) {
  e_ = e;
  routed_ = false;
  std::fill(state_.begin(), state_.end(), 0);
}

void AddonFields::route() {
  routed_ = true;
  maps_.clear();
  const std::string_view* channel = e_->get("Channel");
  const std::string_view* id = e_->get("EventID");
  for (const AddonMapping& m : addon_mappings()) {
    if (!m.channels.empty() &&
        (!channel || std::none_of(m.channels.begin(), m.channels.end(),
                                  [&](std::string_view c) { return iequals(c, *channel); })))
      continue;
    if (!m.event_ids.empty() &&
        (!id || std::find(m.event_ids.begin(), m.event_ids.end(), *id) == m.event_ids.end()))
      continue;
    maps_.push_back(&m);
  }
}

const Value* AddonFields::get(int id) {
  if (id < 0 || !e_) return nullptr;
  if (state_[size_t(id)] == 0) compute(id);
  return values_[size_t(id)].is_null() ? nullptr : &values_[size_t(id)];
}

void AddonFields::compute(int id) {
  if (!routed_) route();
  state_[size_t(id)] = 1;  // a rule that reads its own field sees null
  Value& out = values_[size_t(id)];
  out.type = Value::Type::Null;
  const std::string_view field = addon_field_names()[size_t(id)];
  // The first mapping (in table order) whose source rules give a value wins; calculations
  // (FillWith, ...) then transform what the rules before them gave.
  for (const AddonMapping* m : maps_)
    for (const FieldRule& r : m->rules) {
      if (r.field != field) continue;
      if (!is_calculation(r.kind) && !out.is_null()) continue;
      apply_rule(r, *e_, *this, out);
    }
  state_[size_t(id)] = 2;
}

void AddonFields::defined_ids(std::vector<int>& out) {
  if (!e_) return;
  if (!routed_) route();
  for (const AddonMapping* m : maps_)
    for (const FieldRule& r : m->rules) {
      int id = addon_field_id(r.field);
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
}

}  // namespace splinter::cim
