// Input limits and accounting: oversized records and fields, deep nesting, and
// corrupted XML / JSON / EVTX / gzip files. Every damaged record is reported with
// its file and line or byte offset, counted, and read = parsed + rejected per file.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "io/readers.h"
#include "io_test_util.h"

namespace splinter::io::testing {
namespace {

std::string xml_event(int rid, const std::string& cmd = "a.exe") {
  return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider "
         "Name='Microsoft-Windows-Sysmon'/><EventID>1</EventID><TimeCreated SystemTime='2024-05-14T09:15:02Z'/>"
         "<EventRecordID>" +
         std::to_string(rid) +
         "</EventRecordID><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>WS01</Computer>"
         "</System><EventData><Data Name='CommandLine'>" +
         cmd + "</Data></EventData></Event>";
}

std::string json_event(int rid, const std::string& cmd = "a.exe") {
  return "{\"winlog\":{\"channel\":\"Microsoft-Windows-Sysmon/Operational\",\"event_id\":1,\"record_id\":" +
         std::to_string(rid) + ",\"computer_name\":\"WS01\",\"event_data\":{\"CommandLine\":\"" + cmd +
         "\"}},\"@timestamp\":\"2024-05-14T09:15:02Z\"}";
}

struct ReadRun {
  CollectSink sink;
  std::vector<FileStats> stats;
  std::map<std::string, std::string> cmd_by_rid;  // EventRecordID -> CommandLine length as text
};

void read(const std::vector<std::string>& paths, ReadRun& r) {
  r.stats = read_inputs(paths, r.sink);
  for (const auto& e : r.sink.events) r.cmd_by_rid[e.at("EventRecordID")] = std::to_string(e.at("CommandLine").size());
}

// The accounting contract, per file: read = parsed + rejected, every rejection reported
// against that file with a line or an offset, the parsed events all delivered.
void check_accounting(const ReadRun& r, bool strict = true) {
  uint64_t parsed = 0;
  for (const auto& st : r.stats) {
    SCOPED_TRACE(st.path);
    EXPECT_EQ(st.read, st.parsed + st.rejected);
    parsed += st.parsed;
    uint64_t reported = 0;
    for (const auto& p : r.sink.problems)
      if (p.file == st.path && !p.warning) reported += p.records;
    // Each rejected record (and an unreadable file) is one error report; strict: nothing
    // is reported as an error without being counted.
    if (strict) {
      EXPECT_EQ(reported, st.rejected + (st.failed ? 1 : 0));
    } else {
      EXPECT_GE(reported, st.rejected + (st.failed ? 1 : 0));
    }
  }
  EXPECT_EQ(parsed, r.sink.events.size());
  for (const auto& p : r.sink.problems) {
    EXPECT_FALSE(p.file.empty());
    EXPECT_FALSE(p.what.empty());
  }
}

const InputProblem* find_problem(const ReadRun& r, const std::string& what) {
  for (const auto& p : r.sink.problems)
    if (p.what.find(what) != std::string::npos) return &p;
  return nullptr;
}

TEST(IoLimits, XmlRecordTooLargeIsRejectedAndReadingResumes) {
  TempDir d;
  std::string big = xml_event(2, std::string(kMaxRecordBytes + (size_t(2) << 20), 'x'));
  std::string text = xml_event(1) + "\n" + big + "\n" + xml_event(3) + "\n";
  ReadRun r;
  read({d.file("big.xml", text)}, r);
  check_accounting(r);
  ASSERT_EQ(r.stats.size(), 1u);
  EXPECT_EQ(r.stats[0].parsed, 2u);
  EXPECT_EQ(r.stats[0].rejected, 1u);
  EXPECT_TRUE(r.cmd_by_rid.count("1") && r.cmd_by_rid.count("3"));
  const InputProblem* p = find_problem(r, "record too large");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->line, 2u);
  EXPECT_EQ(p->offset, xml_event(1).size() + 1);
}

TEST(IoLimits, JsonRecordTooLargeIsRejectedAndReadingResumes) {
  TempDir d;
  std::string text = json_event(1) + "\n" + json_event(2, std::string(kMaxRecordBytes + (size_t(2) << 20), 'x')) + "\n" +
                     json_event(3) + "\n";
  ReadRun r;
  read({d.file("big.json", text)}, r);
  check_accounting(r);
  EXPECT_EQ(r.stats.at(0).parsed, 2u);
  EXPECT_EQ(r.stats.at(0).rejected, 1u);
  EXPECT_TRUE(r.cmd_by_rid.count("1") && r.cmd_by_rid.count("3"));
  const InputProblem* p = find_problem(r, "record too large");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->line, 2u);
}

TEST(IoLimits, LargeFieldWithinTheRecordLimitIsKeptWhole) {
  // A field is bounded only by the record limit: a 12 MiB command line arrives intact.
  const size_t n = size_t(12) << 20;
  TempDir d;
  ReadRun r;
  read({d.file("f.xml", xml_event(1, std::string(n, 'x')) + "\n" + xml_event(2) + "\n"),
        d.file("f.json", json_event(11, std::string(n, 'y')) + "\n" + json_event(12) + "\n")},
       r);
  check_accounting(r);
  EXPECT_EQ(r.cmd_by_rid["1"], std::to_string(n));
  EXPECT_EQ(r.cmd_by_rid["2"], "5");
  EXPECT_EQ(r.cmd_by_rid["11"], std::to_string(n));
  EXPECT_EQ(r.cmd_by_rid["12"], "5");
  EXPECT_TRUE(r.sink.problems.empty());
}

// The record limit is a property of the record, not of how the window happened to be
// filled: a record of exactly kMaxRecordBytes is kept, one byte more is rejected.
TEST(IoLimits, RecordLimitIsExactWhateverTheReadSizes) {
  const size_t xml_fixed = xml_event(1, "").size(), json_fixed = json_event(11, "").size();
  TempDir d;
  ReadRun r;
  read({d.file("at.xml", xml_event(1, std::string(kMaxRecordBytes - xml_fixed, 'x')) + "\n" + xml_event(2) + "\n"),
        d.file("over.xml",
               xml_event(3, std::string(kMaxRecordBytes - xml_fixed + 1, 'x')) + "\n" + xml_event(4) + "\n"),
        d.file("at.json",
               json_event(11, std::string(kMaxRecordBytes - json_fixed, 'y')) + "\n" + json_event(12) + "\n"),
        d.file("over.json",
               json_event(13, std::string(kMaxRecordBytes - json_fixed + 1, 'y')) + "\n" + json_event(14) + "\n")},
       r);
  check_accounting(r);
  ASSERT_EQ(r.stats.size(), 4u);
  EXPECT_EQ(r.cmd_by_rid["1"], std::to_string(kMaxRecordBytes - xml_fixed));
  EXPECT_EQ(r.cmd_by_rid["11"], std::to_string(kMaxRecordBytes - json_fixed));
  EXPECT_FALSE(r.cmd_by_rid.count("3"));
  EXPECT_FALSE(r.cmd_by_rid.count("13"));
  for (const char* rid : {"2", "4", "12", "14"}) EXPECT_TRUE(r.cmd_by_rid.count(rid)) << rid;
  for (size_t i : {0, 2}) EXPECT_EQ(r.stats[i].rejected, 0u) << r.stats[i].path;
  for (size_t i : {1, 3}) {
    EXPECT_EQ(r.stats[i].rejected, 1u) << r.stats[i].path;
    EXPECT_EQ(r.stats[i].parsed, 1u) << r.stats[i].path;
  }
  size_t too_large = 0;
  for (const auto& p : r.sink.problems) {
    if (p.what != kRecordTooLarge) continue;
    ++too_large;
    EXPECT_TRUE(p.file == r.stats[1].path || p.file == r.stats[3].path) << p.file;
    EXPECT_EQ(p.line, 1u);
    EXPECT_EQ(p.offset, 0u);
  }
  EXPECT_EQ(too_large, 2u);
}

TEST(IoLimits, OverlongLineWithoutRecordsIsBounded) {
  // 20 MiB of garbage on one line between good records: reported, never buffered without bound.
  TempDir d;
  std::string text = xml_event(1) + "\n<Event " + std::string(size_t(20) << 20, 'g') + "\n" + xml_event(2) + "\n";
  ReadRun r;
  read({d.file("garbage.xml", text)}, r);
  check_accounting(r);
  EXPECT_TRUE(r.cmd_by_rid.count("1"));
  EXPECT_TRUE(r.cmd_by_rid.count("2"));
  EXPECT_GE(r.stats.at(0).rejected, 1u);
}

TEST(IoLimits, DeepNestingIsRejected) {
  std::string open, close;
  for (int i = 0; i < 5000; ++i) open += "<a>", close = "</a>" + close;
  std::string deep_xml = "<Event><System><EventRecordID>2</EventRecordID></System><EventData>" + open + close +
                         "</EventData></Event>";
  std::string jopen, jclose;
  for (int i = 0; i < 5000; ++i) jopen += "{\"a\":", jclose += "}";
  std::string deep_json = "{\"winlog\":{\"event_id\":1,\"record_id\":12,\"event_data\":" + jopen + "1" + jclose + "}}";
  TempDir d;
  ReadRun r;
  read({d.file("deep.xml", xml_event(1) + "\n" + deep_xml + "\n" + xml_event(3) + "\n"),
        d.file("deep.json", json_event(11) + "\n" + deep_json + "\n" + json_event(13) + "\n")},
       r);
  check_accounting(r);
  for (const char* rid : {"1", "3", "11", "13"}) EXPECT_TRUE(r.cmd_by_rid.count(rid)) << rid;
  EXPECT_FALSE(r.cmd_by_rid.count("2"));
  EXPECT_EQ(r.stats.at(0).rejected, 1u);
  EXPECT_NE(find_problem(r, "nesting too deep"), nullptr);
  // JSON: rejected (too deep for the parser) or flattened; never a crash, always counted.
  EXPECT_EQ(r.stats.at(1).read, 3u);
}

TEST(IoLimits, CorruptedFilesAreAccountedPerFile) {
  TempDir d;
  std::string xml;
  for (int i = 1; i <= 20; ++i) {
    std::string e = xml_event(i);
    if (i == 5) e = e.substr(0, e.size() / 2);  // truncated record
    if (i == 9) e[e.find("<EventData>") + 3] = '\xff';  // broken tag
    if (i == 13) e = "\xc3\x28 invalid utf-8 garbage <<< >>> \n" + e;  // garbage between records
    xml += e + "\n";
  }
  xml += xml_event(21).substr(0, 100);  // truncated at end of file
  std::string json;
  for (int i = 101; i <= 120; ++i) {
    std::string e = json_event(i);
    if (i == 105) e = e.substr(0, e.size() / 2);
    if (i == 109) e[5] = '\x01';
    if (i == 113) e = "not json at all\n" + e;
    json += e + "\n";
  }
  json += json_event(121).substr(0, 30);
  ReadRun r;
  read({d.file("bad.xml", xml), d.file("bad.json", json), d.file("missing/../gone.xml", "") + ".nope"}, r);
  check_accounting(r);
  ASSERT_EQ(r.stats.size(), 3u);
  EXPECT_TRUE(r.stats[2].failed);  // unreadable file: reported, counted as failed
  for (int i = 1; i <= 20; ++i)
    if (i != 5 && i != 9) {
      EXPECT_TRUE(r.cmd_by_rid.count(std::to_string(i))) << i;
    }
  for (int i = 101; i <= 120; ++i)
    if (i != 105 && i != 109) {
      EXPECT_TRUE(r.cmd_by_rid.count(std::to_string(i))) << i;
    }
  EXPECT_GE(r.stats[0].rejected, 3u);
  EXPECT_GE(r.stats[1].rejected, 3u);
  for (const auto& p : r.sink.problems) {
    if (p.file == r.stats[2].path) continue;
    EXPECT_GT(p.line, 0u) << p.file << ": " << p.what;  // text formats: a line number
  }
}

TEST(IoLimits, TruncatedAndCorruptedGzip) {
  std::string xml;
  for (int i = 1; i <= 200; ++i) xml += xml_event(i) + "\n";
  TempDir d;
  std::string plain = d.file("p.xml", xml);
  ASSERT_EQ(std::system(("gzip -k -f " + plain).c_str()), 0);
  std::string gz = slurp(plain + ".gz");
  std::string truncated = gz.substr(0, gz.size() * 2 / 3);
  std::string flipped = gz;
  flipped[flipped.size() / 2] ^= 0x55;
  ReadRun r;
  read({d.file("t.xml.gz", truncated), d.file("f.xml.gz", flipped)}, r);
  // A damaged stream is one more, file-level, report on top of the rejected records.
  check_accounting(r, /*strict=*/false);
  EXPECT_NE(find_problem(r, "truncated gzip stream"), nullptr);
  for (const auto& st : r.stats) {
    SCOPED_TRACE(st.path);
    // The damage is reported (failed decode or rejected record) and what was readable is kept.
    bool reported = false;
    for (const auto& p : r.sink.problems) reported |= p.file == st.path && !p.warning;
    EXPECT_TRUE(reported);
    EXPECT_TRUE(st.failed || st.rejected > 0);
  }
  EXPECT_GT(r.stats[0].parsed, 50u);
}

std::vector<std::string> corrupted_evtx(const TempDir& d, const std::string& orig) {
  std::vector<std::string> paths;
  paths.push_back(d.file("whole.evtx", orig));
  paths.push_back(d.file("trunc.evtx", orig.substr(0, orig.size() / 2 + 777)));
  std::string flipped = orig;
  for (size_t i = 4096 + 512; i < flipped.size(); i += 1531) flipped[i] ^= 0xA5;  // hits the first record's signature
  paths.push_back(d.file("flipped.evtx", flipped));
  std::string headless = orig;
  for (int i = 0; i < 128; ++i) headless[8 + i] = 0;  // damaged file header
  paths.push_back(d.file("headless.evtx", headless));
  return paths;
}

TEST(IoLimits, CorruptedEvtxIsAccounted) {
  std::string orig = slurp(shared_dir() + "/cases/C19.evtx");
  if (orig.empty()) GTEST_SKIP() << "no ../shared/cases";
  TempDir d;
  ReadRun r;
  read(corrupted_evtx(d, orig), r);
  check_accounting(r, /*strict=*/false);
  ASSERT_EQ(r.stats.size(), 4u);
  EXPECT_EQ(r.stats[0].rejected, 0u);
  EXPECT_EQ(r.stats[0].parsed, 3u);
  bool flipped_reported = false;
  for (const auto& p : r.sink.problems)
    if (p.file == r.stats[2].path && !p.warning) {
      flipped_reported = true;
      EXPECT_GT(p.offset, 0u) << p.what;  // EVTX: a byte offset into the file
    }
  EXPECT_TRUE(flipped_reported);
}

// Known gap (reported to the EVTX reader's owner): a record whose signature is damaged is
// reported as an error ("no record signature where a record should start") but not counted
// in FileStats::rejected, so the per-file summary says "rejected 0" and read undercounts the
// records in the file. Enable once the EVTX reader counts it.
TEST(IoLimits, EvtxEveryErrorIsCounted) {
  std::string orig = slurp(shared_dir() + "/cases/C19.evtx");
  if (orig.empty()) GTEST_SKIP() << "no ../shared/cases";
  TempDir d;
  ReadRun r;
  read(corrupted_evtx(d, orig), r);
  check_accounting(r, /*strict=*/true);
  EXPECT_EQ(r.stats.at(2).read, 3u);  // the flipped file still holds three records
}

}  // namespace
}  // namespace splinter::io::testing
