// End-to-end parser tests on real content: the seed case C11 and detections copied
// from security_content/detections/endpoint (searches verbatim).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "spl/macros.h"
#include "spl/parser.h"

using namespace splinter::spl;

namespace {

// The macros the seed needs, as security_content (and Splunk ES) define them.
MacroTable seed_macros() {
  MacroTable t;
  t.add({"security_content_summariesonly", {},
         "summariesonly=`summariesonly_config` allow_old_summaries=`oldsummaries_config` "
         "fillnull_value=`fillnull_config`",
         ""});
  t.add({"summariesonly_config", {}, "false", ""});
  t.add({"oldsummaries_config", {}, "true", ""});
  t.add({"fillnull_config", {}, "null", ""});
  t.add({"process_regsvr32", {}, "(Processes.process_name=regsvr32.exe OR Processes.original_file_name=REGSVR32.EXE)", ""});
  t.add({"drop_dm_object_name", {"field"}, "rename $field$.* AS *", ""});
  t.add({"security_content_ctime", {"field"}, "convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime($field$)", ""});
  t.add({"regsvr32_silent_and_install_param_dll_loading_filter", {}, "search *", ""});
  return t;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

TEST(SplContent, SeedC11) {
  const std::string text = read_file(std::string(SPLINTER_SHARED_DIR) + "/cases/C11.spl");
  ASSERT_FALSE(text.empty()) << "missing cases/C11.spl";
  const std::string expanded = expand_macros(text, seed_macros());
  EXPECT_EQ(expanded.find('`'), std::string::npos);
  Pipeline p = parse_pipeline(expanded);
  ASSERT_EQ(p.commands.size(), 6u);
  const CommandKind kinds[] = {CommandKind::Tstats, CommandKind::Rename, CommandKind::Convert,
                               CommandKind::Convert, CommandKind::Where, CommandKind::Search};
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(p.commands[i].kind, kinds[i]) << i;

  const TstatsCommand& t = p.commands[0].tstats;
  using KV = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(t.options, (KV{{"summariesonly", "false"}, {"allow_old_summaries", "true"}, {"fillnull_value", "null"}}));
  ASSERT_EQ(t.aggregations.size(), 3u);
  EXPECT_EQ(t.aggregations[0].func, "count");
  EXPECT_EQ(t.aggregations[0].field, "");
  EXPECT_EQ(t.aggregations[0].alias, "count");
  EXPECT_EQ(t.aggregations[1].func, "min");
  EXPECT_EQ(t.aggregations[1].field, "_time");
  EXPECT_EQ(t.aggregations[1].alias, "firstTime");
  EXPECT_EQ(t.aggregations[2].func, "max");
  EXPECT_EQ(t.aggregations[2].alias, "lastTime");
  EXPECT_EQ(t.datamodel, "Endpoint.Processes");
  EXPECT_EQ(t.nodename, "");
  ASSERT_TRUE(t.where);
  EXPECT_EQ(to_string(*t.where),
            "((Processes.process_name=regsvr32.exe OR Processes.original_file_name=REGSVR32.EXE) AND "
            "Processes.process=\"*/i*\")");
  EXPECT_EQ(t.by, (std::vector<std::string>{"Processes.dest", "Processes.parent_process", "Processes.process",
                                            "Processes.parent_process_name", "Processes.process_name",
                                            "Processes.original_file_name", "Processes.user"}));
  EXPECT_EQ(t.span, "");

  EXPECT_EQ(p.commands[1].rename.renames, (KV{{"Processes.*", "*"}}));
  for (int i : {2, 3}) {
    const ConvertCommand& c = p.commands[static_cast<size_t>(i)].convert;
    EXPECT_EQ(c.timeformat, "%Y-%m-%dT%H:%M:%S");
    ASSERT_EQ(c.functions.size(), 1u);
    EXPECT_EQ(c.functions[0].func, "ctime");
    EXPECT_EQ(c.functions[0].field, i == 2 ? "firstTime" : "lastTime");
    EXPECT_EQ(c.functions[0].alias, "");
  }
  const Expr& w = *p.commands[4].where.expr;
  ASSERT_EQ(w.kind, ExprKind::Call);
  EXPECT_EQ(w.text, "match");
  ASSERT_EQ(w.args.size(), 2u);
  EXPECT_EQ(w.args[0]->kind, ExprKind::Field);
  EXPECT_EQ(w.args[0]->text, "process");
  EXPECT_EQ(w.args[1]->kind, ExprKind::Literal);
  EXPECT_TRUE(w.args[1]->quoted);
  EXPECT_EQ(w.args[1]->text, R"((?i)[\-|\/][Ss]{1})");
  EXPECT_EQ(p.commands[5].search.expr, nullptr);

  // Spans point into the expanded text.
  for (const auto& c : p.commands) {
    ASSERT_LE(c.span.end, expanded.size());
    EXPECT_EQ(expanded.substr(c.span.begin, c.name.size()), c.name);
  }
  EXPECT_EQ(expanded.substr(w.span.begin, w.span.end - w.span.begin), R"(match(process,"(?i)[\-|\/][Ss]{1}"))");
}

// Searches copied verbatim from security_content detections/endpoint; they must
// expand and parse (unsupported commands become CommandKind::Other).
TEST(SplContent, RealDetectionsParse) {
  MacroTable t = seed_macros();
  const MacroDef extra[] = {
    {"applocker", {}, R"SPL((source="WinEventLog:Microsoft-Windows-AppLocker/*" OR source="XmlWinEventLog:Microsoft-Windows-AppLocker/*"))SPL", ""},
    {"powershell", {}, R"SPL((source=WinEventLog:Microsoft-Windows-PowerShell/Operational OR source="XmlWinEventLog:Microsoft-Windows-PowerShell/Operational"))SPL", ""},
    {"sysmon", {}, R"SPL(sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational OR source=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational OR source=Syslog:Linux-Sysmon/Operational)SPL", ""},
    {"wineventlog_security", {}, R"SPL(eventtype=wineventlog_security OR Channel=security OR source=XmlWinEventLog:Security)SPL", ""},
  };
  for (const auto& m : extra) t.add(m);
  const char* searches[] = {
    // windows_access_token_manipulation_sedebugprivilege.yml
    R"SPL(`wineventlog_security` EventCode=4703 EnabledPrivilegeList = "*SeDebugPrivilege*" AND NOT(ProcessName IN ("*\\Program File*", "*\\System32\\lsass.exe*", "*\\SysWOW64\\lsass.exe*", "*\\SysWOW64\\svchost.exe*", "*\\System32\\svchost.exe*")) | stats count min(_time) as firstTime max(_time) as lastTime by Computer ProcessName ProcessId SubjectDomainName SubjectUserName SubjectUserSid TargetUserName TargetLogonId TargetDomainName EnabledPrivilegeList action | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `windows_access_token_manipulation_sedebugprivilege_filter`)SPL",
    // windows_lolbas_executed_outside_expected_path.yml
    R"SPL(|  tstats `security_content_summariesonly` latest(Processes.parent_process) as parent_process, latest(Processes.process) as process, latest(Processes.process_guid) as process_guid count, min(_time) AS firstTime, max(_time) AS lastTime FROM datamodel=Endpoint.Processes where Processes.process != "unknown" AND NOT Processes.process_path IN ("*\\Program Files*","*\\PROGRA~*","*\\Windows\\System32\\*","*\\Windows\\Syswow64\\*") BY Processes.user Processes.dest Processes.parent_process_name Processes.process_name Processes.process_path |`drop_dm_object_name(Processes)` | lookup lolbas_file_path lolbas_file_name as process_name OUTPUT description as desc | lookup lolbas_file_path lolbas_file_name as process_name lolbas_file_path as process_path OUTPUT description as is_lolbas_path | search desc!="false" AND is_lolbas_path="false" | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `windows_lolbas_executed_outside_expected_path_filter`)SPL",
    // wsreset_uac_bypass.yml
    R"SPL(| tstats `security_content_summariesonly` count min(_time) AS firstTime max(_time) AS lastTime FROM datamodel=Endpoint.Processes BY _time span=1h Processes.user Processes.process_id Processes.process_name Processes.process Processes.process_path Processes.dest Processes.parent_process_name Processes.parent_process Processes.process_guid | `drop_dm_object_name(Processes)` | join process_guid [| tstats `security_content_summariesonly` count FROM datamodel=Endpoint.Registry WHERE Registry.registry_path= "*\\AppX82a6gwre4fdg3bt635tn5ctqjf8msdd2\\Shell\\open\\command*" AND (Registry.registry_value_name = "(Default)" OR Registry.registry_value_name = "DelegateExecute") by _time span=1h Registry.dest Registry.user Registry.registry_path Registry.registry_key_name Registry.registry_value_name Registry.registry_value_data Registry.process_guid | `drop_dm_object_name(Registry)`] | fields firstTime lastTime dest user parent_process_name parent_process process_name process_path process registry_key_name registry_path registry_value_name registry_value_data process_guid | where isnotnull(registry_value_data) | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `wsreset_uac_bypass_filter`)SPL",
    // windows_privilege_escalation_system_process_without_system_parent.yml
    R"SPL(`sysmon` EventCode=1 IntegrityLevel="system" ParentUser=* NOT ParentUser IN ("*SYSTEM","*LOCAL SERVICE","*NETWORK SERVICE","*DWM-*","*$","-") | eval src_user = replace(ParentUser,"^[^\\\]+\\\\","") | stats count min(_time) as firstTime max(_time) as lastTime values(process_name) as process_name values(process) as process, values(process_path) as process_path, values(process_current_directory) as process_current_directory values(parent_process) as parent_process by dest, user, src_user, parent_process_name, parent_process_guid | `security_content_ctime(firstTime)`  | `security_content_ctime(lastTime)` | `windows_privilege_escalation_system_process_without_system_parent_filter`)SPL",
    // remote_system_discovery_with_adsisearcher.yml
    R"SPL(`powershell` EventCode=4104 ScriptBlockText = "*adsisearcher*" AND ScriptBlockText = "*objectcategory=computer*" AND ScriptBlockText IN ("*findAll()*","*findOne()*") | stats count min(_time) as firstTime max(_time) as lastTime by EventCode ScriptBlockText Computer UserID | rename Computer as dest |rename UserID as user | `security_content_ctime(firstTime)` | `remote_system_discovery_with_adsisearcher_filter`)SPL",
    // ms_exchange_mailbox_replication_service_writing_active_server_pages.yml
    R"SPL(| tstats `security_content_summariesonly` count FROM datamodel=Endpoint.Processes where Processes.process_name=MSExchangeMailboxReplication.exe  by _time span=1h Processes.process_id Processes.process_name Processes.process_guid Processes.dest | `drop_dm_object_name(Processes)` | join process_guid, _time [| tstats `security_content_summariesonly` count min(_time) as firstTime max(_time) as lastTime FROM datamodel=Endpoint.Filesystem where Filesystem.file_path IN ("*\\HttpProxy\\owa\\auth\\*", "*\\inetpub\\wwwroot\\aspnet_client\\*", "*\\HttpProxy\\OAB\\*") Filesystem.file_name="*.aspx" by _time span=1h Filesystem.dest Filesystem.file_create_time Filesystem.file_name Filesystem.file_path | `drop_dm_object_name(Filesystem)` | fields _time dest file_create_time file_name file_path process_name process_path process process_guid] | dedup file_create_time | table dest file_create_time, file_name, file_path, process_name | `ms_exchange_mailbox_replication_service_writing_active_server_pages_filter`)SPL",
    // suspicious_reg_exe_process.yml
    R"SPL(| tstats `security_content_summariesonly` count min(_time) as firstTime max(_time) as lastTime FROM datamodel=Endpoint.Processes where Processes.parent_process_name != explorer.exe Processes.process_name =cmd.exe by Processes.user Processes.process_name Processes.parent_process_name Processes.dest Processes.process_id Processes.parent_process_id | `drop_dm_object_name("Processes")` | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | search [| tstats `security_content_summariesonly` count FROM datamodel=Endpoint.Processes where Processes.parent_process_name=cmd.exe Processes.process_name= reg.exe by Processes.parent_process_id Processes.dest Processes.process_name | `drop_dm_object_name("Processes")` | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | rename parent_process_id as process_id |dedup process_id| table process_id dest] | `suspicious_reg_exe_process_filter`)SPL",
    // silentcleanup_uac_bypass.yml
    R"SPL(| tstats `security_content_summariesonly` count min(_time) AS firstTime max(_time) AS lastTime FROM datamodel=Endpoint.Processes BY _time span=1h Processes.user Processes.process_id Processes.process_name Processes.process Processes.process_path Processes.dest Processes.parent_process_name Processes.parent_process Processes.process_guid | `drop_dm_object_name(Processes)` | join process_guid [ | tstats `security_content_summariesonly` count FROM datamodel=Endpoint.Registry WHERE (Registry.registry_path= "*\\Environment\\windir" Registry.registry_value_data = "*.exe*") BY _time span=1h Registry.registry_path Registry.registry_key_name Registry.registry_value_name Registry.registry_value_data Registry.process_guid | `drop_dm_object_name(Registry)`] | fields firstTime lastTime dest user parent_process_name parent_process process_name process_path process registry_key_name registry_path registry_value_name registry_value_data process_guid | where isnotnull(registry_value_data) | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `silentcleanup_uac_bypass_filter`)SPL",
    // high_frequency_copy_of_files_in_network_share.yml
    R"SPL(`wineventlog_security` EventCode=5145 RelativeTargetName IN ("*.doc","*.docx","*.xls","*.xlsx","*.ppt","*.pptx","*.log","*.txt","*.db","*.7z","*.zip","*.rar","*.tar","*.gz","*.jpg","*.gif","*.png","*.bmp","*.pdf","*.rtf","*.key") ObjectType=File ShareName IN ("\\\\*\\C$","\\\\*\\IPC$","\\\\*\\admin$") AccessMask= "0x2" |  bucket _time span=5m | stats values(RelativeTargetName) as valRelativeTargetName, values(ShareName) as valShareName, values(ObjectType) as valObjectType, values(AccessMask) as valAccessmask, values(src_port) as valSrcPort, values(SourceAddress) as valSrcAddress count as numShareName by dest, _time, EventCode, src_user, src_ip | eventstats avg(numShareName) as avgShareName, stdev(numShareName) as stdShareName, count as numSlots by dest, _time, EventCode, src_user |  eval upperThreshold=(avgShareName + stdShareName *3) |  eval isOutlier=if(avgShareName > 20 and avgShareName >= upperThreshold, 1, 0) |  search isOutlier=1  | `high_frequency_copy_of_files_in_network_share_filter`)SPL",
    // disable_windows_behavior_monitoring.yml
    R"SPL(| tstats `security_content_summariesonly` count FROM datamodel=Endpoint.Registry WHERE (Registry.registry_path= "*\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Real-Time Protection\\DisableBehaviorMonitoring" OR Registry.registry_path= "*\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Real-Time Protection\\DisableOnAccessProtection" OR Registry.registry_path= "*\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Real-Time Protection\\DisableScanOnRealtimeEnable" OR Registry.registry_path= "*\\SOFTWARE\\Microsoft\\Windows Defender\\Real-Time Protection\\DisableRealtimeMonitoring" OR Registry.registry_path= "*\\Real-Time Protection\\DisableIntrusionPreventionSystem" OR Registry.registry_path= "*\\Real-Time Protection\\DisableIOAVProtection" OR Registry.registry_path= "*\\Real-Time Protection\\DisableScriptScanning" AND Registry.registry_value_data = "0x00000001") BY _time span=1h Registry.dest Registry.user Registry.registry_path Registry.registry_key_name Registry.registry_value_name Registry.registry_value_data Registry.process_guid | `drop_dm_object_name(Registry)` | where isnotnull(registry_value_data) | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `disable_windows_behavior_monitoring_filter`)SPL",
    // windows_applocker_privilege_escalation_via_unauthorized_bypass.yml
    R"SPL(`applocker` EventCode IN (8007, 8004, 8022, 8025, 8029, 8040) | spath input=UserData_Xml | rename RuleAndFileData.* as *, Computer as dest, TargetUser AS user | stats count AS attempt_count min(_time) as firstTime max(_time) as lastTime by dest, PolicyName, RuleId, user, TargetProcessId, FilePath, FullFilePath, EventCode | where attempt_count > 5 | sort - attempt_count | lookup applockereventcodes EventCode OUTPUT Description | `windows_applocker_privilege_escalation_via_unauthorized_bypass_filter`)SPL",
    // windows_file_without_extension_in_critical_folder.yml
    R"SPL(| tstats `security_content_summariesonly` count FROM datamodel=Endpoint.Filesystem where Filesystem.file_path IN ("*\\System32\\drivers\\*", "*\\syswow64\\drivers\\*") by _time span=5m Filesystem.dest Filesystem.user Filesystem.file_name Filesystem.file_path Filesystem.process_guid Filesystem.file_create_time | `drop_dm_object_name(Filesystem)` | rex field="file_name" "\.(?<extension>[^\.]*$)" | where isnull(extension) | join process_guid [| tstats `security_content_summariesonly` count FROM datamodel=Endpoint.Processes by _time span=5m Processes.process_name Processes.dest Processes.process_guid Processes.user | `drop_dm_object_name(Processes)`] | stats count min(_time) as firstTime max(_time) as lastTime by dest process_name process_guid file_name file_path file_create_time user | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `windows_file_without_extension_in_critical_folder_filter`)SPL",
    // wermgr_process_connecting_to_ip_check_web_services.yml
    R"SPL(`sysmon` EventCode =22 process_name = wermgr.exe QueryName IN ("*wtfismyip.com", "*checkip.amazonaws.com", "*ipecho.net", "*ipinfo.io", "*api.ipify.org", "*icanhazip.com", "*ip.anysrc.com","*api.ip.sb", "ident.me", "www.myexternalip.com", "*zen.spamhaus.org", "*cbl.abuseat.org", "*b.barracudacentral.org","*dnsbl-1.uceprotect.net", "*spam.dnsbl.sorbs.net") |  stats  min(_time) as firstTime max(_time) as lastTime count by Image process_name ProcessId QueryName QueryStatus QueryResults EventCode Computer | rename Computer as dest | `security_content_ctime(firstTime)` | `security_content_ctime(lastTime)` | `wermgr_process_connecting_to_ip_check_web_services_filter`)SPL",
    // processes_tapping_keyboard_events.yml
    R"SPL(| from datamodel Alerts.Alerts | search app=osquery:results name=pack_osx-attacks_Keyboard_Event_Taps | rename columns.cmdline as cmd, columns.name as process_name, columns.pid as process_id| dedup host,process_name | table host,process_name, cmd, process_id | `processes_tapping_keyboard_events_filter`)SPL",
  };
  for (const char* s : searches) {
    std::string text(s);
    // every detection ends in its own `<name>_filter` macro: define it as security_content does
    const size_t f = text.rfind("_filter`");
    ASSERT_NE(f, std::string::npos) << text;
    const size_t b = text.rfind('`', f);
    MacroTable tt = t;
    tt.add({text.substr(b + 1, f + 7 - b - 1), {}, "search *", ""});
    std::string expanded;
    ASSERT_NO_THROW(expanded = expand_macros(text, tt)) << text;
    try {
      Pipeline p = parse_pipeline(expanded);
      EXPECT_GE(p.commands.size(), 2u);
      EXPECT_EQ(p.commands.back().kind, CommandKind::Search);
      EXPECT_EQ(p.commands.back().search.expr, nullptr);
    } catch (const Error& e) {
      ADD_FAILURE() << e.what() << " at " << e.pos << ": ..." << expanded.substr(e.pos > 30 ? e.pos - 30 : 0, 80);
    }
  }
}
