// Raw Windows events -> CIM, as Splunk's add-ons map them. See
// ../shared/docs/cim-mapping.md for the sources of each rule. This file is the
// table; cim/record.cpp only interprets it.
#include <iterator>

#include "cim/datamodel.h"
#include "common/strings.h"

namespace splinter::cim {

using K = RuleKind;

const std::vector<Dataset>& datasets() {
  static const std::vector<Dataset> ds = {
      {"Endpoint.Processes",
       {"action", "dest", "original_file_name", "parent_process", "parent_process_exec", "parent_process_guid",
        "parent_process_id", "parent_process_name", "parent_process_path", "parent_user", "process",
        "process_current_directory", "process_exec", "process_guid", "process_hash", "process_id",
        "process_integrity_level", "process_name", "process_path", "user", "user_id", "vendor_product"},
       // Splunk_SA_CIM Endpoint.Processes calculated fields (fillnull_* evals).
       {{"process_name", K::NameFromCommand, "process"},
        {"parent_process_name", K::NameFromCommand, "parent_process"},
        {"dest", K::FillUnknown},
        {"user", K::FillUnknown},
        {"process", K::FillUnknown},
        {"parent_process", K::FillUnknown},
        {"original_file_name", K::FillUnknown},
        {"process_name", K::FillUnknown},
        {"parent_process_name", K::FillUnknown}}},
      {"Endpoint.Registry",
       {"action", "dest", "parent_process", "parent_process_name", "process", "process_guid", "process_id",
        "process_name", "process_path", "registry_hive", "registry_key_name", "registry_path", "registry_value_data",
        "registry_value_name", "registry_value_type", "status", "user", "vendor_product"},
       {{"process_name", K::NameFromCommand, "process"},
        {"parent_process_name", K::NameFromCommand, "parent_process"},
        {"action", K::FillUnknown},
        {"dest", K::FillUnknown},
        {"parent_process", K::FillUnknown},
        {"process", K::FillUnknown},
        {"registry_path", K::FillUnknown},
        {"registry_key_name", K::FillUnknown},
        {"registry_value_data", K::FillUnknown},
        {"registry_value_name", K::FillUnknown},
        {"registry_value_type", K::FillUnknown},
        {"user", K::FillUnknown},
        {"process_name", K::FillUnknown},
        {"parent_process_name", K::FillUnknown}}},
      {"Endpoint.Filesystem",
       {"action", "dest", "file_acl", "file_create_time", "file_hash", "file_name", "file_path", "file_size",
        "parent_process", "parent_process_name", "process", "process_guid", "process_id", "process_name",
        "process_path", "user", "vendor_product"},
       {{"process_name", K::NameFromCommand, "process"},
        {"parent_process_name", K::NameFromCommand, "parent_process"},
        {"action", K::FillUnknown},
        {"dest", K::FillUnknown},
        {"file_hash", K::FillUnknown},
        {"file_name", K::FillUnknown},
        {"file_path", K::FillUnknown},
        {"file_acl", K::FillUnknown},
        {"parent_process", K::FillUnknown},
        {"process", K::FillUnknown},
        {"user", K::FillUnknown},
        {"process_name", K::FillUnknown},
        {"parent_process_name", K::FillUnknown}}},
      // Splunk_SA_CIM Network_Traffic.json: All_Traffic fields and its fillnull_* calculations.
      {"Network_Traffic.All_Traffic",
       {"action", "app", "bytes", "bytes_in", "bytes_out", "channel", "dest", "dest_interface", "dest_ip", "dest_mac",
        "dest_port", "dest_translated_ip", "dest_translated_port", "dest_zone", "direction", "duration", "dvc",
        "dvc_ip", "dvc_mac", "dvc_zone", "flow_id", "icmp_code", "icmp_type", "packets", "packets_in", "packets_out",
        "process_guid", "process_id", "protocol", "protocol_version", "response_time", "rule", "rule_id", "session_id",
        "src", "src_interface", "src_ip", "src_mac", "src_port", "src_translated_ip", "src_translated_port",
        "src_zone", "ssid", "tcp_flag", "tos", "transport", "ttl", "user", "vendor_account", "vendor_product", "vlan",
        "wifi"},
       {{"action", K::FillUnknown},
        {"dest", K::FillUnknown},
        {"dest_port", K::ZeroIfNotNumber},
        {"dvc", K::FillUnknown},
        {"rule", K::FillUnknown},
        {"src", K::FillUnknown},
        {"src_port", K::ZeroIfNotNumber},
        {"transport", K::LowerOrUnknown},
        {"user", K::FillUnknown}},
       "Network_Traffic"},
  };
  return ds;
}

const std::vector<SourceMapping>& source_mappings() {
  static const std::vector<SourceMapping> m = {
      {"Sysmon EventID 1",
       "Endpoint.Processes",
       {"Microsoft-Windows-Sysmon/Operational", "Linux-Sysmon/Operational"},
       {"Microsoft-Windows-Sysmon", "Linux-Sysmon"},
       {"1"},
       {{"dest", K::Copy, "Computer"},
        {"user", K::Copy, "User"},
        {"process", K::Copy, "CommandLine"},
        {"process_path", K::Copy, "Image"},
        {"process_name", K::Basename, "Image"},
        {"process_exec", K::Basename, "Image"},
        {"parent_process", K::Copy, "ParentCommandLine"},
        {"parent_process_path", K::Copy, "ParentImage"},
        {"parent_process_name", K::Basename, "ParentImage"},
        {"parent_process_exec", K::Basename, "ParentImage"},
        {"original_file_name", K::CopyNotDash, "OriginalFileName"},
        {"process_id", K::Copy, "ProcessId"},
        {"parent_process_id", K::Copy, "ParentProcessId"},
        {"process_guid", K::Copy, "ProcessGuid"},
        {"parent_process_guid", K::Copy, "ParentProcessGuid"},
        {"process_hash", K::Copy, "Hashes"},
        {"process_integrity_level", K::Lower, "IntegrityLevel"},
        {"process_current_directory", K::Copy, "CurrentDirectory"},
        {"parent_user", K::Copy, "ParentUser"},
        {"user_id", K::Copy, "UserID"},
        {"action", K::Const, "allowed"},
        {"vendor_product", K::Const, "Microsoft Sysmon"}}},
      // Splunk_TA_windows 8.9.0 as security_content states it
      // (data_sources/windows_event_log_security_4688.yml).
      {"Windows Event Log Security 4688",
       "Endpoint.Processes",
       {"Security"},
       {"Microsoft-Windows-Security-Auditing"},
       {"4688"},
       {{"dest", K::Copy, "Computer"},
        {"user", K::DomainUser, "SubjectUserSid", "SubjectDomainName", "SubjectUserName"},
        {"process", K::Copy, "CommandLine"},
        {"process_path", K::Copy, "NewProcessName"},
        {"process_name", K::Basename, "NewProcessName"},
        {"process_exec", K::Basename, "NewProcessName"},
        {"parent_process_path", K::Copy, "ParentProcessName"},
        {"parent_process_name", K::Basename, "ParentProcessName"},
        {"parent_process_exec", K::Basename, "ParentProcessName"},
        {"process_id", K::Copy, "NewProcessId"},
        {"parent_process_id", K::Copy, "ProcessId"},
        {"user_id", K::Copy, "SubjectUserSid"},
        {"action", K::Const, "allowed"},
        {"vendor_product", K::Const, "Microsoft Windows"}}},
      // Sysmon registry events (cim-mapping.md 5.4; security_content's view: Details is the value data).
      {"Sysmon EventID 12/13/14",
       "Endpoint.Registry",
       {"Microsoft-Windows-Sysmon/Operational"},
       {"Microsoft-Windows-Sysmon"},
       {"12", "13", "14"},
       {{"dest", K::Copy, "Computer"},
        {"user", K::Copy, "User"},
        {"registry_path", K::Copy, "TargetObject"},
        {"registry_key_name", K::Basename, "TargetObject"},
        {"registry_value_name", K::Basename, "TargetObject"},
        {"registry_value_data", K::Copy, "Details"},
        {"action", K::MapValue, "EventType",
         "CreateKey=created;DeleteKey=deleted;DeleteValue=deleted;SetValue=modified;RenameKey=modified"},
        {"process_guid", K::Copy, "ProcessGuid"},
        {"process_id", K::Copy, "ProcessId"},
        {"process_path", K::Copy, "Image"},
        {"process_name", K::Basename, "Image"},
        {"vendor_product", K::Const, "Microsoft Sysmon"}}},
      // Sysmon network connections (cim-mapping.md 5.2): the add-on's ms-sysmon-network
      // eventtype carries the network/communicate tags of Network_Traffic. action: the
      // connection was made ("allowed", as for processes; the CIM calc would say unknown).
      {"Sysmon EventID 3",
       "Network_Traffic.All_Traffic",
       {"Microsoft-Windows-Sysmon/Operational", "Linux-Sysmon/Operational"},
       {"Microsoft-Windows-Sysmon", "Linux-Sysmon"},
       {"3"},
       {{"src_ip", K::Copy, "SourceIp"},
        {"src", K::Copy, "SourceHostname", "SourceIp"},
        {"src_port", K::Copy, "SourcePort"},
        {"dest_ip", K::Copy, "DestinationIp"},
        {"dest", K::Copy, "DestinationHostname", "DestinationIp"},
        {"dest_port", K::Copy, "DestinationPort"},
        {"transport", K::Copy, "Protocol"},
        {"direction", K::MapValue, "Initiated", "true=outbound;false=inbound"},
        {"protocol", K::CopyByFlag, "Initiated", "DestinationPortName", "SourcePortName"},
        {"app", K::Copy, "Image"},
        {"process_id", K::Copy, "ProcessId"},
        {"process_guid", K::Copy, "ProcessGuid"},
        {"user", K::Copy, "User"},
        {"dvc", K::Copy, "Computer"},
        {"action", K::Const, "allowed"},
        {"vendor_product", K::Const, "Microsoft Sysmon"}}},
      // Sysmon file events: 11 created, 23/26 deleted (cim-mapping.md 5.3).
      {"Sysmon EventID 11/23/26",
       "Endpoint.Filesystem",
       {"Microsoft-Windows-Sysmon/Operational"},
       {"Microsoft-Windows-Sysmon"},
       {"11", "23", "26"},
       {{"dest", K::Copy, "Computer"},
        {"user", K::Copy, "User"},
        {"file_path", K::Copy, "TargetFilename"},
        {"file_name", K::Basename, "TargetFilename"},
        {"file_create_time", K::Copy, "CreationUtcTime"},
        {"file_hash", K::Copy, "Hashes"},
        {"action", K::MapValue, "EventID", "11=created;23=deleted;26=deleted"},
        {"process_guid", K::Copy, "ProcessGuid"},
        {"process_id", K::Copy, "ProcessId"},
        {"process_path", K::Copy, "Image"},
        {"process_name", K::Basename, "Image"},
        {"vendor_product", K::Const, "Microsoft Sysmon"}}},
  };
  return m;
}

int Dataset::field_index(std::string_view f) const {
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i] == f) return static_cast<int>(i);
  return -1;
}

int Dataset::metadata_index(std::string_view f) const {
  for (size_t i = 0; i < std::size(kMetadataFields); ++i)
    if (kMetadataFields[i] == f) return static_cast<int>(fields.size() + i);
  return -1;
}

// Splunk's metadata for a Windows event as Splunk_TA_windows indexes it: the host is
// the event's Computer, the source names its channel after the sourcetype, which is
// WinEventLog for classic text records and XmlWinEventLog for XML renderings.
bool metadata_value(const io::Event& e, std::string_view name, Value& out) {
  auto set = [&](std::string_view a, std::string_view b = {}, std::string_view c = {}) {
    out.type = Value::Type::Str;
    out.str.assign(a);
    out.str.append(b);
    out.str.append(c);
  };
  const std::string_view sourcetype =
      e.format == io::EventFormat::Classic ? "WinEventLog" : "XmlWinEventLog";
  if (name == "host") {
    out.type = Value::Type::Null;
    if (const std::string_view* c = e.get("Computer")) set(*c);
    return true;
  }
  if (name == "source") {
    out.type = Value::Type::Null;
    if (const std::string_view* c = e.get("Channel")) set(sourcetype, ":", *c);
    return true;
  }
  if (name == "sourcetype") {
    set(sourcetype);
    return true;
  }
  return false;
}

const Dataset* find_dataset(std::string_view name) {
  for (auto& d : datasets())
    if (iequals(d.name, name) || (!d.model_root_of.empty() && iequals(d.model_root_of, name))) return &d;
  return nullptr;
}

}  // namespace splinter::cim
