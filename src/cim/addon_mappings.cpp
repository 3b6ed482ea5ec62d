// The add-on field table: what Splunk_TA_windows (8.1.2 default/props.conf and
// transforms.conf, public copy PMJeffery/splunk4windows; 8.9.0 where security_content's
// data_sources/*.yml state it) and the Sysmon add-on compute at search time for raw
// searches. cim/addon.cpp interprets it; the rule kinds are the CIM mappings'
// (cim/datamodel.h). Decisions where the sources disagree or need the add-on's lookup
// tables (CSV files we do not have) are noted at each rule; tests/golden/addon_*.test
// pin them.
#include "cim/addon.h"

namespace splinter::cim {

using K = RuleKind;

namespace {

// Titles of Security events: what the add-on's windows_signature_lookup gives as
// signature (and, by the same lookup, name and subject). Our table of the events'
// documented titles; the add-on's substatus variant (4625 + SubStatus -> "User name does
// not exist") is not reproduced.
constexpr std::string_view kSecurityTitles =
    "1102=The audit log was cleared;"
    "4624=An account was successfully logged on;4625=An account failed to log on;"
    "4634=An account was logged off;4647=User initiated logoff;"
    "4648=A logon was attempted using explicit credentials;"
    "4656=A handle to an object was requested;4657=A registry value was modified;"
    "4658=The handle to an object was closed;4660=An object was deleted;"
    "4661=A handle to an object was requested;4662=An operation was performed on an object;"
    "4663=An attempt was made to access an object;4670=Permissions on an object were changed;"
    "4672=Special privileges assigned to new logon;4673=A privileged service was called;"
    "4674=An operation was attempted on a privileged object;4688=A new process has been created;"
    "4689=A process has exited;4697=A service was installed in the system;"
    "4698=A scheduled task was created;4699=A scheduled task was deleted;4700=A scheduled task was enabled;"
    "4701=A scheduled task was disabled;4702=A scheduled task was updated;4703=A user right was adjusted;"
    "4719=System audit policy was changed;"
    "4720=A user account was created;4722=A user account was enabled;"
    "4723=An attempt was made to change an account's password;"
    "4724=An attempt was made to reset an account's password;4725=A user account was disabled;"
    "4726=A user account was deleted;"
    "4727=A security-enabled global group was created;"
    "4728=A member was added to a security-enabled global group;"
    "4729=A member was removed from a security-enabled global group;"
    "4730=A security-enabled global group was deleted;4731=A security-enabled local group was created;"
    "4732=A member was added to a security-enabled local group;"
    "4733=A member was removed from a security-enabled local group;"
    "4734=A security-enabled local group was deleted;4735=A security-enabled local group was changed;"
    "4737=A security-enabled global group was changed;4738=A user account was changed;"
    "4740=A user account was locked out;4741=A computer account was created;"
    "4742=A computer account was changed;4743=A computer account was deleted;"
    "4754=A security-enabled universal group was created;"
    "4756=A member was added to a security-enabled universal group;"
    "4757=A member was removed from a security-enabled universal group;4767=A user account was unlocked;"
    "4768=A Kerberos authentication ticket (TGT) was requested;4769=A Kerberos service ticket was requested;"
    "4771=Kerberos pre-authentication failed;"
    "4776=The computer attempted to validate the credentials for an account;"
    "4778=A session was reconnected to a Window Station;4779=A session was disconnected from a Window Station;"
    "4781=The name of an account was changed;"
    "4794=An attempt was made to set the Directory Services Restore Mode administrator password;"
    "4798=A user's local group membership was enumerated;"
    "4799=A security-enabled local group membership was enumerated;"
    "5136=A directory service object was modified;5137=A directory service object was created;"
    "5140=A network share object was accessed;"
    "5145=A network share object was checked to see whether client can be granted desired access";

}  // namespace

const std::vector<AddonMapping>& addon_mappings() {
  static const std::vector<AddonMapping> m = {
      // --- Sysmon (the Sysmon add-on's source stanza outranks [XmlWinEventLog]) ---
      // Process access / remote thread: the acting process is the Source one.
      {"Sysmon 8/10",
       {"Microsoft-Windows-Sysmon/Operational"},
       {"8", "10"},
       {{"process_path", K::Copy, "SourceImage"},
        {"process_name", K::Basename, "SourceImage"},
        {"process_id", K::Copy, "SourceProcessId"},
        {"process_guid", K::Copy, "SourceProcessGUID", "SourceProcessGuid"},  // 10 spells it GUID
        {"user", K::Copy, "SourceUser"}}},
      // Network connection: dest is the far end (coalesce(DestinationHostname,
      // DestinationIp)), as in the CIM Network_Traffic mapping.
      {"Sysmon 3",
       {"Microsoft-Windows-Sysmon/Operational", "Linux-Sysmon/Operational"},
       {"3"},
       {{"dest", K::Copy, "DestinationHostname", "DestinationIp"}}},
      // Image loaded: CIM's loaded_file (name) and loaded_file_path.
      {"Sysmon 7",
       {"Microsoft-Windows-Sysmon/Operational"},
       {"7"},
       {{"loaded_file", K::Basename, "ImageLoaded"}, {"loaded_file_path", K::Copy, "ImageLoaded"}}},
      {"Sysmon 11/23/26",
       {"Microsoft-Windows-Sysmon/Operational"},
       {"11", "23", "26"},
       {{"file_path", K::Copy, "TargetFilename"}, {"file_name", K::Basename, "TargetFilename"}}},
      // Every Sysmon event: the add-on's Computer as dest, User as user, Image as process.
      {"Sysmon",
       {"Microsoft-Windows-Sysmon/Operational", "Linux-Sysmon/Operational"},
       {},
       {{"dest", K::Copy, "Computer"},
        {"dvc", K::Copy, "Computer"},
        {"user", K::Copy, "User"},
        {"user_id", K::Copy, "UserID"},
        {"process_path", K::Copy, "Image"},
        {"process_name", K::Basename, "Image"},
        {"process_exec", K::Basename, "Image"},
        {"process_id", K::Copy, "ProcessId"},
        {"process_guid", K::Copy, "ProcessGuid"},
        {"signature_id", K::Copy, "EventID"},
        {"vendor_product", K::Const, "Microsoft Sysmon"}}},

      // --- Security: EventID-specific rules first ---
      // 4688: TA 8.9.0 as security_content states it (same as the CIM mapping; see
      // cim-mapping.md 5.5), so raw and tstats searches agree.
      {"Security 4688",
       {"Security"},
       {"4688"},
       {{"user", K::DomainUser, "SubjectUserSid", "SubjectDomainName", "SubjectUserName"},
        {"process", K::Copy, "CommandLine"},
        {"process_path", K::Copy, "NewProcessName"},
        {"process_name", K::Basename, "NewProcessName"},
        {"process_exec", K::Basename, "NewProcessName"},
        {"process_id", K::Copy, "NewProcessId"},
        {"parent_process_id", K::Copy, "ProcessId"},
        {"parent_process_path", K::Copy, "ParentProcessName"},
        {"parent_process_name", K::Basename, "ParentProcessName"},
        {"action", K::Const, "allowed"}}},
      // User account management: the add-on's windows_audit_changes lookup (by EventCode)
      // runs before its Keywords lookup; its table is not at hand, so the CIM Change
      // mapping's actions stand in for it.
      {"Security account management",
       {"Security"},
       {"4720", "4722", "4723", "4724", "4725", "4726", "4738", "4740", "4767", "4794"},
       {{"action", K::MapValue, "EventID", kAccountChangeAction}}},
      // EVAL-src for 4778 (session reconnected): the client's address.
      {"Security 4778/4779", {"Security"}, {"4778", "4779"}, {{"src", K::CopyUnless, "ClientAddress", "-"}}},
      {"Security 5158", {"Security"}, {"5158"}, {{"src_port", K::Copy, "SourcePort"}}},
      // Group events: EVAL-Group_Name/Group_Domain (4727-4735, 4737, 4744-4764, 4799).
      // member_id/member_dn: the add-on reads the classic "Member:" section (Security ID,
      // Account Name); the XML names of the same values are MemberSid and MemberName.
      {"Security group membership",
       {"Security"},
       {"4728", "4729", "4732", "4733", "4746", "4747", "4751", "4752", "4756", "4757", "4761", "4762"},
       {{"member_id", K::CopyUnless, "MemberSid", "-"}, {"member_dn", K::CopyUnless, "MemberName", "-"}}},
      {"Security group events",
       {"Security"},
       {"4727", "4728", "4729", "4730", "4731", "4732", "4733", "4734", "4735", "4737", "4744", "4745", "4746",
        "4747", "4748", "4749", "4750", "4751", "4752", "4753", "4754", "4755", "4756", "4757", "4758", "4759",
        "4760", "4761", "4762", "4763", "4764", "4799"},
       {{"Group_Name", K::Copy, "TargetUserName"}, {"Group_Domain", K::Copy, "TargetDomainName"}}},

      // --- Security: every event ([source::XmlWinEventLog:Security]) ---
      {"Security",
       {"Security"},
       {},
       {// The classic names the add-on first derives from the XML ones (REPORT ..._from_xml).
        {"Caller_User_Name", K::Copy, "SubjectUserName"},
        {"Caller_Domain", K::Copy, "SubjectDomainName"},
        {"Target_User_Name", K::Copy, "TargetUserName"},
        {"Target_Domain", K::Copy, "TargetDomainName"},
        {"Logon_ID", K::Copy, "SubjectLogonId"},
        {"Logon_Type", K::Copy, "LogonType"},
        {"Target_Server_Name", K::Copy, "TargetServerName"},
        {"Source_Workstation", K::CopyUnless, "Workstation,WorkstationName,IpAddress"},
        {"Source_Port", K::Copy, "IpPort"},
        {"Sub_Status", K::Copy, "SubStatus"},
        {"Token_Elevation_Type", K::Copy, "TokenElevationType"},
        {"Error_Code", K::Copy, "Status"},
        {"Error_Code", K::FillWith, "-"},
        // src_user: Caller_User_Name unless "-" (Caller_User_Name_as_src_user).
        {"src_user", K::CopyUnless, "SubjectUserName", "-"},
        // user: Target_User_Name as is (Target_User_Name_as_user takes "-" too).
        {"user", K::CopyUnless, "TargetUserName"},
        // dest: Target_Server_Name (not "-"), else Computer.
        {"dest", K::CopyUnless, "TargetServerName,Computer", "-"},
        // src: Source_Workstation (not "-"). Decision: as the CIM Authentication mapping,
        // "-" in WorkstationName falls through to Workstation and IpAddress.
        {"src", K::CopyUnless, "WorkstationName,Workstation,IpAddress", "-"},
        // src_ip: IpAddress unless loopback (EXTRACT-1IpAddress...: "-" is kept).
        {"src_ip", K::CopyUnless, "IpAddress", "::1;127.0.0.1"},
        {"src_port", K::Copy, "IpPort"},
        {"src_nt_domain", K::CopyUnless, "SubjectDomainName", "-"},
        {"dest_nt_domain", K::CopyUnless, "TargetDomainName", "-"},
        {"session_id", K::Copy, "SubjectLogonId"},
        // action and status from Keywords (windows_action_lookup).
        {"action", K::MapValue, "Keywords", kAuditOutcome},
        {"status", K::MapValue, "Keywords", kAuditOutcome},
        {"signature_id", K::Copy, "EventID"},
        {"signature", K::MapValue, "EventID", kSecurityTitles},
        {"name", K::MapValue, "EventID", kSecurityTitles},
        {"subject", K::MapValue, "EventID", kSecurityTitles},
        // process, process_path, process_name: ProcessName, the full path (EVAL-process_name
        // in the Security stanza; ESCU matches process_name="*\\chrome.exe"). process_id:
        // the System Execution ProcessID (EXTRACT-process_id...), not EventData's ProcessId.
        {"process", K::Copy, "ProcessName"},
        {"process_path", K::Copy, "ProcessName"},
        {"process_name", K::Copy, "ProcessName"},
        {"process_id", K::Copy, "ProcessID"},
        // object_file_path/_name from ObjectName (not "-").
        {"object_file_path", K::CopyUnless, "ObjectName", "-"},
        {"object_file_name", K::Basename, "ObjectName", "-"},
        // file_name/file_path: FileName, KeyFilePath, then the share (5140/5145).
        {"file_path", K::CopyUnless, "FileName,KeyFilePath,ShareLocalPath", "-"},
        {"file_name", K::Basename, "FileName", "-"},
        {"file_name", K::Basename, "KeyFilePath", "-"},
        {"file_name", K::CopyUnless, "ShareName", "-"},
        {"registry_path", K::CopyUnless, "ObjectName", "-"},
        {"vendor", K::Const, "Microsoft"},
        {"product", K::Const, "Windows"}}},

      // --- System ([source::XmlWinEventLog:System]) ---
      {"System",
       {"System"},
       {},
       {{"dest", K::Copy, "Computer"},
        {"Error_Code", K::Copy, "Status"},
        {"Error_Code", K::FillWith, "-"},
        {"signature_id", K::Copy, "EventID"},
        {"vendor", K::Const, "Microsoft"},
        {"product", K::Const, "Windows"}}},
      // PowerShell: dest = Computer (security_content's 4104 data source maps Computer to dest).
      {"PowerShell",
       {"Microsoft-Windows-PowerShell/Operational", "Windows PowerShell"},
       {},
       {{"dest", K::Copy, "Computer"}}},

      // --- Every Windows event ([XmlWinEventLog] / [WinEventLog]) ---
      {"Windows event log",
       {},
       {},
       {{"dvc", K::Copy, "Computer"},
        {"user_id", K::Copy, "UserID"},
        {"signature_id", K::Copy, "EventID"},
        {"event_id", K::Copy, "EventRecordID"},
        {"service", K::Copy, "ServiceName"},
        {"service_name", K::Copy, "ServiceName"},
        {"service_id", K::Copy, "ServiceSid"},
        {"parent_process", K::Copy, "ParentProcessName"},
        {"process_name", K::Copy, "ProcessName"},
        {"vendor_product", K::Const, "Microsoft Windows"}}},
  };
  return m;
}

}  // namespace splinter::cim
