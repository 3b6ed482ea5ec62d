// The search-time fields Splunk's Windows and Sysmon add-ons give every event of their
// sourcetypes (Splunk_TA_windows' FIELDALIAS/EVAL/REPORT/LOOKUP for [XmlWinEventLog],
// [source::XmlWinEventLog:Security], ...), whether or not the event is in a data model:
// what a raw search such as `wineventlog_security` EventCode=5136 | stats by src_user
// reads. The rules are data (cim/addon_mappings.cpp), computed with the RuleKinds of
// the CIM mappings, lazily per event and field.
//
// Precedence in a raw search (exec/scanner.cpp): a field the event itself has (an
// EventData/System name, a classic "Label: value" name) wins; then the add-on field;
// then the CIM field of the dataset the event maps onto. In Splunk, extractions from
// _raw come first and the add-on's aliases, evals and lookups are computed from them;
// EVAL may overwrite an extracted field of the same name, but the add-on's names
// (snake_case: src_user, process_name) do not collide with the event's (CamelCase), so
// "raw first" changes nothing in practice. Data model calculated fields (the CIM's
// "unknown" fills) are not seen by raw searches in Splunk; splinter keeps them as the
// last fallback, as it did before the add-on layer.
#pragma once
#include <string_view>
#include <vector>

#include "cim/datamodel.h"

namespace splinter::cim {

// The add-on rules for one group of events. Mappings are tried in table order, so an
// EventID-specific mapping is listed before its channel's general one.
struct AddonMapping {
  std::string_view name;
  std::vector<std::string_view> channels;   // matched case-insensitively against Channel; empty: any
  std::vector<std::string_view> event_ids;  // empty: every event of the channels
  std::vector<FieldRule> rules;
};

const std::vector<AddonMapping>& addon_mappings();

// Every field name some add-on rule defines, and its id (index), or -1.
const std::vector<std::string_view>& addon_field_names();
int addon_field_id(std::string_view name);

// The add-on fields of one event, computed on first use and cached.
class AddonFields final : public FieldSource {
 public:
  AddonFields();
  void reset(const io::Event* e);
  const Value* get(int id);  // an addon_field_id; nullptr when null
  const Value* field(std::string_view name) override { return get(addon_field_id(name)); }
  // The ids of the fields that the mappings of this event define (for result rows).
  void defined_ids(std::vector<int>& out);

 private:
  void route();
  void compute(int id);
  const io::Event* e_ = nullptr;
  bool routed_ = false;
  std::vector<const AddonMapping*> maps_;
  std::vector<Value> values_;
  std::vector<unsigned char> state_;  // 0 = not computed, 1 = computing, 2 = done
};

}  // namespace splinter::cim
