#include <gtest/gtest.h>

#include "cim/datamodel.h"

using namespace splinter;

namespace {
struct Mapped {
  io::Event e;
  cim::Router router;
  cim::Record rec;
  std::vector<const cim::SourceMapping*> routed;
  std::string get(std::string_view f) {
    routed.clear();
    router.route(e, routed);
    if (routed.empty()) return "<not routed>";
    rec.reset(&e, routed[0], cim::find_dataset(routed[0]->dataset));
    const Value* v = rec.get(f);
    return v ? v->text() : "<null>";
  }
};
}  // namespace

TEST(CimProcesses, SysmonFieldsAndCalculatedUnknowns) {
  Mapped m;
  m.e.add("EventID", "1");
  m.e.add("Channel", "Microsoft-Windows-Sysmon/Operational");
  m.e.add("Computer", "WS01");
  m.e.add("Image", "C:\\Windows\\System32\\regsvr32.exe");
  m.e.add("CommandLine", "regsvr32 /s /i x.dll");
  m.e.add("OriginalFileName", "-");  // the Sysmon add-on treats '-' as absent
  m.e.add("User", "");
  m.e.add("IntegrityLevel", "High");
  EXPECT_EQ(m.get("dest"), "WS01");
  EXPECT_EQ(m.get("process_name"), "regsvr32.exe");
  EXPECT_EQ(m.get("process"), "regsvr32 /s /i x.dll");
  EXPECT_EQ(m.get("original_file_name"), "unknown");
  EXPECT_EQ(m.get("user"), "unknown");               // empty -> unknown
  EXPECT_EQ(m.get("parent_process"), "unknown");     // missing -> unknown
  EXPECT_EQ(m.get("parent_process_name"), "unknown");
  EXPECT_EQ(m.get("process_integrity_level"), "high");
  EXPECT_EQ(m.get("process_id"), "<null>");          // not calculated: stays null
  EXPECT_EQ(m.get("vendor_product"), "Microsoft Sysmon");
}

TEST(CimProcesses, NameCutFromCommandLineWhenNoImage) {
  Mapped m;
  m.e.add("EventID", "1");
  m.e.add("Channel", "microsoft-windows-sysmon/operational");  // channel compare is case-insensitive
  m.e.add("CommandLine", "\"C:\\Tools\\x y\\evil.exe\" -s");
  m.e.add("ParentCommandLine", "C:\\Windows\\system32\\cmd.exe /c run.bat");
  EXPECT_EQ(m.get("process_name"), "evil.exe");
  EXPECT_EQ(m.get("parent_process_name"), "cmd.exe");
}

TEST(CimProcesses, Security4688UserFromSubject) {
  Mapped m;
  m.e.add("EventID", "4688");
  m.e.add("Channel", "Security");
  m.e.add("SubjectUserSid", "S-1-5-21-1-2-3-1104");
  m.e.add("SubjectUserName", "alice");
  m.e.add("SubjectDomainName", "CORP");
  m.e.add("TargetUserName", "-");
  m.e.add("NewProcessName", "C:\\Windows\\System32\\regsvr32.exe");
  m.e.add("ParentProcessName", "C:\\Windows\\System32\\cmd.exe");
  m.e.add("CommandLine", "regsvr32 /s /i x.dll");
  EXPECT_EQ(m.get("user"), "CORP\\alice");
  EXPECT_EQ(m.get("parent_process"), "unknown");  // 4688 carries no parent command line
  EXPECT_EQ(m.get("parent_process_name"), "cmd.exe");
  EXPECT_EQ(m.get("original_file_name"), "unknown");
  // A SID already rendered as DOMAIN\name wins (Splunk_TA_windows 8.9.0).
  Mapped r;
  r.e.add("EventID", "4688");
  r.e.add("ProviderName", "Microsoft-Windows-Security-Auditing");
  r.e.add("SubjectUserSid", "ATTACKRANGE\\Administrator");
  r.e.add("SubjectUserName", "administrator");
  r.e.add("SubjectDomainName", "ATTACKRANGE");
  EXPECT_EQ(r.get("user"), "ATTACKRANGE\\Administrator");
}

TEST(CimProcesses, OtherEventsAreNotRouted) {
  Mapped m;
  m.e.add("EventID", "5");  // process terminated: no CIM dataset
  m.e.add("Channel", "Microsoft-Windows-Sysmon/Operational");
  EXPECT_EQ(m.get("dest"), "<not routed>");
  // A network connection goes to Network_Traffic, the model's root dataset.
  Mapped net;
  net.e.add("EventID", "3");
  net.e.add("Channel", "Microsoft-Windows-Sysmon/Operational");
  net.e.add("DestinationPort", "443");
  EXPECT_EQ(net.get("dest_port"), "443");
  EXPECT_EQ(std::string(net.routed[0]->dataset), "Network_Traffic.All_Traffic");
  EXPECT_EQ(cim::find_dataset("network_traffic"), cim::find_dataset("Network_Traffic.All_Traffic"));
  EXPECT_EQ(net.get("dest"), "unknown");  // All_Traffic_fillnull_dest
  EXPECT_EQ(net.get("transport"), "unknown");
  Mapped n;
  n.e.add("EventID", "1");
  n.e.add("Channel", "Application");  // EventID 1 of another provider
  EXPECT_EQ(n.get("dest"), "<not routed>");
}
