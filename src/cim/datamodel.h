// The Splunk CIM datasets splinter maps raw events onto (Endpoint.Processes, ...),
// and the lazily computed CIM view of one event.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "common/value.h"
#include "io/event.h"

namespace splinter::cim {

// What a CIM field is computed from. The table of rules is data (cim/mappings.cpp).
enum class RuleKind {
  Copy,            // first raw field among a, b that is present (and, when b is given, a non-empty)
  CopyNotDash,     // as Copy, but "-" counts as absent (Sysmon OriginalFileName)
  Basename,        // text after the last '\' or '/' of raw field a (absent when a is one of the
                   // ';'-separated values b, e.g. "-")
  Const,           // the constant a
  Lower,           // raw field a in lower case
  DomainUser,      // a if it is already DOMAIN\name, else b\c (4688 Subject fields)
  MapValue,        // raw field a translated by the table b ("from=to;from=to"); unlisted -> absent
  CopyByFlag,      // raw field b if raw field a is "true", else raw field c
  NameFromCommand, // CIM calc: if still empty, the image name cut from CIM field a (a command line)
  FillUnknown,     // CIM calc: empty or missing -> "unknown"
  LowerOrUnknown,  // CIM calc: lower case, or "unknown" when empty or missing
  ZeroIfNotNumber, // CIM calc: if(isnum(x), x, 0)
  CopyUnless,      // first raw field in the comma list a whose value is non-empty and not one of the
                   // ';'-separated values b (case-insensitive): "WorkstationName,IpAddress" unless "-"
  Split,           // raw field a cut at the characters of b, each piece trimmed; empty pieces and
                   // pieces among the ';'-separated values c dropped; 2+ pieces -> multivalue
  FillWith,        // CIM calc: empty or missing -> the constant a (FillUnknown with another constant)
  FillFromField,   // CIM calc: empty or missing -> CIM or metadata field a (app -> sourcetype)
  CountOrOne,      // CIM calc: case(isnum(x), x, isnotnull(a), mvcount(a), 1=1, 1)
  MapField,        // CIM calc: CIM field a translated by the table b (a lookup); unlisted -> unchanged
  TypedPayload,    // raw field a; a "<word> (<payload>)" value such as Sysmon's "DWORD (0x00000001)"
                   // gives the payload, any other value is copied as it is
};

// Splunk_TA_windows' windows_action_lookup: the audit outcome of a Security event from its
// Keywords (XML: hex; classic text: words), here also as NXLog writes them (signed
// decimal) and its EventType.
inline constexpr std::string_view kAuditOutcome =
    "0x8020000000000000=success;0x8010000000000000=failure;Audit Success=success;Audit Failure=failure;"
    "-9214364837600034816=success;-9218868437227405312=failure;AUDIT_SUCCESS=success;AUDIT_FAILURE=failure";

// The CIM action of Windows user account management events (4720 created, ...): see the
// Change mapping in cim/mappings.cpp.
inline constexpr std::string_view kAccountChangeAction =
    "4720=created;4722=modified;4723=modified;4724=modified;4725=modified;4726=deleted;4738=modified;"
    "4740=lockout;4767=unlocked;4794=modified";

// How a risk event (engine/risk.h) is routed to Risk.All_Risk: its EventID and Channel,
// neither of which a Windows log can hold. Its multivalue fields (analytic stories,
// technique ids, threat objects) hold their values one per line.
inline constexpr std::string_view kRiskEventId = "splinter-risk";
inline constexpr std::string_view kRiskChannel = "splinter:risk";
inline constexpr std::string_view kRiskMultiSeparator = "\n";

struct FieldRule {
  std::string_view field;  // CIM field (without the node prefix)
  RuleKind kind;
  std::string_view a, b, c;
};

// How one raw source (channel/provider + EventIDs) maps onto a dataset.
struct SourceMapping {
  std::string_view name;      // "Sysmon EventID 1"
  std::string_view dataset;   // "Endpoint.Processes"
  std::vector<std::string_view> channels;   // matched case-insensitively against Channel
  std::vector<std::string_view> providers;  // ... or ProviderName
  std::vector<std::string_view> event_ids;
  std::vector<FieldRule> rules;  // source rules; the dataset's calculated fields follow
};

// The fields every data model dataset inherits from Splunk's base event, besides _time
// (the event time, io::Event::time_us): the event's metadata as Splunk indexes it. They
// are named without the dataset prefix ("tstats ... by host", "where sourcetype=..."):
// "Processes.host" is not a field. Raw searches see the same values.
inline constexpr std::string_view kMetadataFields[] = {"host", "source", "sourcetype"};

// Sets out to the metadata field `name` of the event, as Splunk's Windows add-on has it
// (host = Computer, source = "XmlWinEventLog:<Channel>", sourcetype = "XmlWinEventLog";
// "WinEventLog" in both for classic text records), or to null when the event has none. False (out untouched) when `name` is not a
// metadata field.
bool metadata_value(const io::Event& e, std::string_view name, Value& out);

struct Dataset {
  std::string_view name;  // "Endpoint.Processes"
  std::vector<std::string_view> fields;   // CIM field names, without the node prefix
  std::vector<FieldRule> calculated;      // data model evals applied after the source rules
  // The model name alone names its root dataset: datamodel=Network_Traffic is
  // Network_Traffic.All_Traffic. Empty for datasets that are not a model's root.
  std::string_view model_root_of;
  // The data model's constraint search for this dataset, beyond the tags our source
  // mappings stand for, in the dataset's own field names (after the calculated fields):
  // Authentication's `NOT (action=success user=*$)`. Empty: none.
  std::string_view constraint;
  // A child dataset (Authentication.Failed_Authentication) names its parent; it has the
  // parent's fields and records, and adds its constraint to the parent's. Empty: root.
  std::string_view parent;
  int field_index(std::string_view f) const;
  // Index of an inherited metadata field (host, source, sourcetype) for Record::get:
  // they follow the CIM fields. -1 for other names.
  int metadata_index(std::string_view f) const;
};

const std::vector<Dataset>& datasets();
const Dataset* find_dataset(std::string_view name);  // case-insensitive "Model.Node"
const std::vector<SourceMapping>& source_mappings();

// Routes events to mappings: by EventID first (an integer compare), then channel.
class Router {
 public:
  Router();
  // Mappings that apply to the event, appended to out.
  void route(const io::Event& e, std::vector<const SourceMapping*>& out) const;

 private:
  struct Entry {
    std::string_view event_id;
    const SourceMapping* mapping;
  };
  std::vector<Entry> entries_;
};

// Where calculated rules (FillFromField, MapField, NameFromCommand, ...) read the other
// fields of the same view: a CIM record's dataset fields, or the add-on fields.
class FieldSource {
 public:
  virtual const Value* field(std::string_view name) = 0;

 protected:
  ~FieldSource() = default;
};

// Computes one rule into out (record.cpp): source rules fill out from the event,
// calculated rules transform out or read other fields through src.
void apply_rule(const FieldRule& r, const io::Event& e, FieldSource& src, Value& out);
// Whether the rule transforms the value the rules before it gave (a calculation) rather
// than reading the event.
bool is_calculation(RuleKind k);

// CIM fields of one event under one mapping, computed on first use and cached, so a
// field that no loaded detection reads costs nothing.
class Record final : public FieldSource {
 public:
  void reset(const io::Event* e, const SourceMapping* m, const Dataset* d);
  // nullptr when the field is null (not mapped and not calculated). Takes a
  // Dataset::field_index or a Dataset::metadata_index.
  const Value* get(int field_index);
  const Value* get(std::string_view field) { return get(dataset_->field_index(field)); }
  const io::Event& event() const { return *event_; }
  const Dataset& dataset() const { return *dataset_; }
  const Value* field(std::string_view name) override;  // a CIM field or inherited metadata field

 private:
  void compute(int idx);
  const io::Event* event_ = nullptr;
  const SourceMapping* mapping_ = nullptr;
  const Dataset* dataset_ = nullptr;
  std::vector<Value> values_;
  std::vector<unsigned char> state_;  // 0 = not computed, 1 = computing, 2 = done
};

}  // namespace splinter::cim
