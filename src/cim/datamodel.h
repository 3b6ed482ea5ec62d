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
  Basename,        // text after the last '\' or '/' of raw field a
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
};

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

// CIM fields of one event under one mapping, computed on first use and cached, so a
// field that no loaded detection reads costs nothing.
class Record {
 public:
  void reset(const io::Event* e, const SourceMapping* m, const Dataset* d);
  // nullptr when the field is null (not mapped and not calculated). Takes a
  // Dataset::field_index or a Dataset::metadata_index.
  const Value* get(int field_index);
  const Value* get(std::string_view field) { return get(dataset_->field_index(field)); }
  const io::Event& event() const { return *event_; }
  const Dataset& dataset() const { return *dataset_; }

 private:
  void compute(int idx);
  const io::Event* event_ = nullptr;
  const SourceMapping* mapping_ = nullptr;
  const Dataset* dataset_ = nullptr;
  std::vector<Value> values_;
  std::vector<unsigned char> state_;  // 0 = not computed, 1 = computing, 2 = done
};

}  // namespace splinter::cim
