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
      // Splunk_SA_CIM Network_Resolution.json: the DNS dataset is the model's root; its
      // calculations fill answer, dest, message_type, query and reply_code_id, count
      // answers and queries, and look reply_code up from reply_code_id
      // (cim_dns_reply_code_lookup: the IANA DNS RCODE names).
      {"Network_Resolution.DNS",
       {"additional_answer_count", "answer", "answer_count", "authority_answer_count", "dest", "dest_category",
        "dest_ip", "dest_port", "duration", "message_type", "name", "query", "query_count", "query_type",
        "record_type", "reply_code", "reply_code_id", "response_time", "src", "src_category", "src_ip",
        "src_port", "transaction_id", "transport", "ttl", "vendor_product"},
       {{"answer", K::FillUnknown},
        {"answer_count", K::CountOrOne, "answer"},
        {"dest", K::FillUnknown},
        {"message_type", K::FillUnknown},
        {"query", K::FillUnknown},
        {"query_count", K::CountOrOne, "query"},
        {"reply_code_id", K::FillFromField, "reply_code"},
        {"reply_code_id", K::FillUnknown},
        {"reply_code", K::MapField, "reply_code_id",
         "0=NoError;1=FormErr;2=ServFail;3=NXDomain;4=NotImp;5=Refused;6=YXDomain;7=YXRRSet;8=NXRRSet;"
         "9=NotAuth;10=NotZone"}},
       "Network_Resolution"},
      // Splunk_SA_CIM Authentication.json. The root's constraint drops successful logons of
      // computer accounts (user ending in $); its children narrow by outcome.
      {"Authentication.Authentication",
       {"action", "app", "authentication_method", "authentication_service", "dest", "dest_category",
        "dest_nt_domain", "duration", "process", "reason", "reason_id", "response_time", "result", "session_id",
        "signature", "signature_id", "src", "src_category", "src_nt_domain", "src_user", "src_user_category",
        "src_user_id", "src_user_role", "src_user_type", "user", "user_agent", "user_category", "user_id",
        "user_role", "user_type", "vendor_account", "vendor_product"},
       {{"action", K::FillUnknown},
        {"app", K::FillFromField, "sourcetype"},
        {"src", K::FillUnknown},
        {"src_user", K::FillUnknown},
        {"dest", K::FillUnknown},
        {"user", K::FillUnknown},
        {"result", K::FillUnknown}},
       "Authentication",
       "NOT (action=success user=*$)"},
      {"Authentication.Failed_Authentication", {}, {}, {}, "action=failure OR result=failure", "Authentication.Authentication"},
      {"Authentication.Successful_Authentication", {}, {}, {}, "action=success OR result=success",
       "Authentication.Authentication"},
      // Splunk_SA_CIM Change.json: All_Changes, the model's root. result falls back to the
      // event's signature and result_id to its signature_id (-1 without); our Windows
      // mappings give result and result_id themselves, so only the fallbacks remain here.
      {"Change.All_Changes",
       {"action", "change_type", "command", "dest", "dest_category", "dvc", "object", "object_attrs",
        "object_category", "object_id", "object_path", "result", "result_id", "src", "src_category", "status",
        "user", "user_agent", "user_category", "user_name", "user_type", "vendor_account", "vendor_product",
        "vendor_region"},
       {{"change_type", K::FillUnknown},
        {"command", K::FillUnknown},
        {"dest", K::FillUnknown},
        {"dvc", K::FillUnknown},
        {"object", K::FillUnknown},
        {"object_attrs", K::FillUnknown},
        {"object_category", K::FillUnknown},
        {"object_id", K::FillUnknown},
        {"object_path", K::FillUnknown},
        {"status", K::FillUnknown},
        {"result", K::FillUnknown},
        {"result_id", K::FillWith, "-1"},
        {"src", K::FillUnknown},
        {"user", K::FillUnknown},
        {"user_name", K::FillUnknown},
        {"action", K::FillUnknown}},
       "Change"},
      // Enterprise Security's Risk data model (DA-ESS-RiskAnalysis / SA-ThreatIntelligence:
      // Risk.json): All_Risk over the risk index. Its events here are the risk events this
      // run's detections make (engine/risk.h), one per result row and risk object, with the
      // field names the risk index gives them. calculated_risk_score is risk_score after ES's
      // risk factors; splinter has none, so the two are equal. annotations.mitre_attack.*
      // are what ESCU's build adds to each detection: technique ids from the YAML; tactics
      // are not in the detection YAML, so mitre_tactic and mitre_tactic_id stay null (a
      // tstats by them needs fillnull_value, as ESCU's summariesonly macro gives). tag is
      // null as well: no eventtypes tag these events. source is the search_name
      // ("ESCU - <name> - Rule") and sourcetype "stash", as the risk action writes them.
      {"Risk.All_Risk",
       {"analyticstories", "annotations.mitre_attack.mitre_tactic", "annotations.mitre_attack.mitre_tactic_id",
        "annotations.mitre_attack.mitre_technique_id", "calculated_risk_score", "risk_message", "risk_object",
        "risk_object_type", "risk_score", "search_name", "tag", "threat_object", "threat_object_type"},
       {},
       "Risk"},
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
        {"registry_value_data", K::TypedPayload, "Details"},
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
      // Sysmon DNS queries -> Network_Resolution.DNS. Splunk's Sysmon add-on 4.0.2, as
      // security_content lists its output for EventID 22 (data_sources/sysmon_eventid_22.yml),
      // gives query, reply_code_id, src, vendor_product and no answer, dest, message_type or
      // record_type for that example (whose QueryResults is "-"). Our decisions:
      //  - query = QueryName; reply_code_id = QueryStatus as logged (a Windows status: 0 is
      //    success and so becomes reply_code NoError; 9003 "name error" etc. have no CIM name);
      //  - answer = QueryResults cut at ';' (Sysmon ends the list with one): one value per
      //    answer, "-" meaning none, so the CIM fills "unknown"; entries are kept as Sysmon
      //    writes them ("::ffff:1.2.3.4", "type:  5 cname.example");
      //  - src = Computer (the host that asked); dest, message_type and record_type are not
      //    in the event and take the CIM's "unknown" (record_type stays null).
      {"Sysmon EventID 22",
       "Network_Resolution.DNS",
       {"Microsoft-Windows-Sysmon/Operational"},
       {"Microsoft-Windows-Sysmon"},
       {"22"},
       {{"query", K::Copy, "QueryName"},
        {"answer", K::Split, "QueryResults", ";", "-"},
        {"reply_code_id", K::Copy, "QueryStatus"},
        {"src", K::Copy, "Computer"},
        {"vendor_product", K::Const, "Microsoft Sysmon"}}},
      // Windows Security logon events -> Authentication: the events Splunk_TA_windows tags
      // "authentication" (eventtypes windows_logon_success/_failure/_explicit,
      // windows_auth_ticket_granted, windows_service_ticket_granted, windows_pre_auth_failed,
      // windows_account_used4logon). Field rules after the add-on's [source::XmlWinEventLog:Security]
      // (8.1.2): action from Keywords (windows_action_lookup: audit success/failure); user =
      // TargetUserName, src_user = SubjectUserName; src = the first of WorkstationName,
      // Workstation, IpAddress (Source_Workstation; src_ip is not an Authentication
      // field); dest = TargetServerName (4648) else Computer; signature = the event's
      // title, signature_id = EventID. Decisions: "-" counts as absent everywhere (so the CIM
      // says "unknown"); app = win:local / win:remote from LogonType (2, 7, 11 local; 3, 8, 10
      // remote), other events fall to the CIM's sourcetype, since the add-on's
      // windows_app_lookup table itself was not at hand; 4672 (special privileges, also tagged
      // authentication by the add-on) is left out: it is not a logon attempt and has no user.
      {"Windows Event Log Security 4624/4625/4648/4768/4769/4771/4776",
       "Authentication.Authentication",
       {"Security"},
       {"Microsoft-Windows-Security-Auditing"},
       {"4624", "4625", "4648", "4768", "4769", "4771", "4776"},
       {{"action", K::MapValue, "Keywords",
         kAuditOutcome},
        {"app", K::MapValue, "LogonType", "2=win:local;7=win:local;11=win:local;3=win:remote;8=win:remote;10=win:remote"},
        {"src", K::CopyUnless, "WorkstationName,Workstation,IpAddress", "-"},
        {"dest", K::CopyUnless, "TargetServerName,Computer", "-"},
        {"user", K::CopyUnless, "TargetUserName", "-"},
        {"user_id", K::CopyUnless, "TargetUserSid", "-;NULL SID"},
        {"src_user", K::CopyUnless, "SubjectUserName", "-"},
        {"dest_nt_domain", K::CopyUnless, "TargetDomainName", "-"},
        {"src_nt_domain", K::CopyUnless, "SubjectDomainName", "-"},
        {"session_id", K::CopyUnless, "TargetLogonId", "-"},
        {"process", K::CopyUnless, "ProcessName", "-"},
        {"authentication_method", K::CopyUnless, "AuthenticationPackageName,PackageName", "-"},
        {"reason_id", K::CopyUnless, "SubStatus,Status", "-;0x0"},
        {"signature_id", K::Copy, "EventID"},
        {"signature", K::MapValue, "EventID",
         "4624=An account was successfully logged on;4625=An account failed to log on;"
         "4648=A logon was attempted using explicit credentials;"
         "4768=A Kerberos authentication ticket (TGT) was requested;4769=A Kerberos service ticket was requested;"
         "4771=Kerberos pre-authentication failed;"
         "4776=The computer attempted to validate the credentials for an account"},
        {"vendor_product", K::Const, "Microsoft Windows"}}},
      // Windows Security user account management -> Change.All_Changes: Splunk_TA_windows
      // tags these "account change" (windows_account_created/_enabled/_password_change/
      // _password_set/_disabled/_deleted/_modified/_lockout/_unlocked, and 4794 through
      // windows_account_management, the User Account Management category). user = the account
      // changed (TargetUserName) (who changed it, src_user, belongs to the Account_Management
      // child, which splinter does not have), dest = dvc =
      // Computer, src = Workstation (4794), status from Keywords. Decisions (the add-on's
      // windows_audit_changes lookup was not at hand): action from the CIM's expected values
      // by EventID (4720 created, 4726 deleted, 4740 lockout, 4767 unlocked, the rest
      // modified); change_type "AAA" and object_category "user" (the values ESCU searches
      // for); result = the event's title (what the CIM's fallback to signature gives, and what
      // ESCU matches: "*lock*", the 4794 title); result_id = EventID.
      {"Windows Event Log Security 4720/4722/4723/4724/4725/4726/4738/4740/4767/4794",
       "Change.All_Changes",
       {"Security"},
       {"Microsoft-Windows-Security-Auditing"},
       {"4720", "4722", "4723", "4724", "4725", "4726", "4738", "4740", "4767", "4794"},
       {{"action", K::MapValue, "EventID", kAccountChangeAction},
        {"result", K::MapValue, "EventID",
         "4720=A user account was created;4722=A user account was enabled;"
         "4723=An attempt was made to change an account's password;"
         "4724=An attempt was made to reset an account's password;4725=A user account was disabled;"
         "4726=A user account was deleted;4738=A user account was changed;4740=A user account was locked out;"
         "4767=A user account was unlocked;"
         "4794=An attempt was made to set the Directory Services Restore Mode administrator password"},
        {"result_id", K::Copy, "EventID"},
        {"change_type", K::Const, "AAA"},
        {"object_category", K::Const, "user"},
        {"object", K::CopyUnless, "TargetUserName", "-"},
        {"object_id", K::CopyUnless, "TargetSid", "-"},
        {"user", K::CopyUnless, "TargetUserName", "-"},
        {"src", K::CopyUnless, "Workstation", "-"},
        {"dest", K::Copy, "Computer"},
        {"dvc", K::Copy, "Computer"},
        {"status", K::MapValue, "Keywords",
         kAuditOutcome},
        {"vendor_product", K::Const, "Microsoft Windows"}}},
      // Risk events (engine/risk.h) -> Risk.All_Risk: they carry the risk index's names;
      // multivalue fields hold their values one per line (kRiskMultiSeparator).
      {"splinter risk event",
       "Risk.All_Risk",
       {kRiskChannel},
       {},
       {kRiskEventId},
       {{"risk_object", K::Copy, "risk_object"},
        {"risk_object_type", K::Copy, "risk_object_type"},
        {"risk_score", K::Copy, "risk_score"},
        {"calculated_risk_score", K::Copy, "risk_score"},
        {"risk_message", K::Copy, "risk_message"},
        {"search_name", K::Copy, "search_name"},
        {"analyticstories", K::Split, "analyticstories", kRiskMultiSeparator},
        {"annotations.mitre_attack.mitre_technique_id", K::Split, "annotations.mitre_attack.mitre_technique_id",
         kRiskMultiSeparator},
        {"threat_object", K::Split, "threat_object", kRiskMultiSeparator},
        {"threat_object_type", K::Split, "threat_object_type", kRiskMultiSeparator}}},
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
  if (e.format == io::EventFormat::Risk) {  // a risk event carries its own metadata
    if (name != "host" && name != "source" && name != "sourcetype") return false;
    out.type = Value::Type::Null;
    if (const std::string_view* v = e.get(name)) set(*v);
    return true;
  }
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
