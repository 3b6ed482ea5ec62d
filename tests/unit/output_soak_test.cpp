// Soak: a few MB of real logs from ../shared/data (XmlWinEventLog lines, JSON lines,
// EVTX) with random damage (truncation, flipped bytes, overlong lines, invalid UTF-8,
// garbage between records, gzip). Checks that nothing crashes, every file reconciles
// (read = parsed + rejected, every rejection reported), and every record that was not
// touched is still found with exactly the fields it has in the pristine file.
// SPLINTER_SOAK_SEED=<n> replays another corruption pattern.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "engine/hunt.h"
#include "io/input.h"
#include "test_rng.h"

namespace fs = std::filesystem;
using namespace splinter;

namespace {

using splinter::testing::Rng;

struct Rec {
  uint64_t line = 0, offset = 0;
  int64_t time_us = 0;
  std::vector<std::pair<std::string, std::string>> fields;
  bool operator==(const Rec& o) const { return time_us == o.time_us && fields == o.fields; }
};

class Collect : public io::EventSink {
 public:
  void on_event(const io::Event& e) override {
    Rec r;
    r.line = e.line;
    r.offset = e.offset;
    r.time_us = e.time_us;
    for (const auto& f : e) r.fields.emplace_back(f.name, f.value);
    recs.push_back(std::move(r));
  }
  void on_problem(const io::InputProblem& p) override { problems.push_back(p); }
  std::vector<Rec> recs;
  std::vector<io::InputProblem> problems;
};

std::string slurp(const fs::path& p, size_t max = SIZE_MAX) {
  std::ifstream in(p, std::ios::binary);
  std::string s(std::istreambuf_iterator<char>(in), {});
  if (s.size() > max) s.resize(s.rfind('\n', max) + 1);  // whole lines only
  return s;
}

void spit(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

io::FileStats read_one(const fs::path& p, Collect& c) {
  io::ReadOptions o;
  o.threads = 1;
  auto st = io::read_inputs({p.string()}, c, o);
  EXPECT_EQ(st.size(), 1u);
  return st.empty() ? io::FileStats{} : st[0];
}

void check_reconciles(const io::FileStats& st, const Collect& c) {
  SCOPED_TRACE(st.path);
  EXPECT_EQ(st.read, st.parsed + st.rejected);
  EXPECT_EQ(st.parsed, c.recs.size());
  uint64_t errors = 0;
  for (const auto& p : c.problems) {
    EXPECT_EQ(p.file, st.path);
    EXPECT_FALSE(p.what.empty());
    if (!p.warning) errors += p.records;
  }
  EXPECT_GE(errors, st.rejected);
}

std::string garbage(Rng& r, size_t n, bool newlines) {
  static const char kBytes[] = "abcxyz {}[]:,\"'=&;\\/\t\xff\xfe\xc3\x28\xe2\x82";
  std::string s;
  for (size_t i = 0; i < n; ++i) s += kBytes[r.below(sizeof kBytes - 1)];
  if (newlines) s += '\n';
  return s;
}

// Damages some lines of a line-based file. Returns the new text; untouched[i] = the
// 1-based line in the new text where the untouched original line i (1-based) now starts.
std::string corrupt_lines(const std::string& text, Rng& r, std::map<uint64_t, uint64_t>& untouched, int& overlong) {
  std::string out;
  uint64_t orig_line = 0, new_line = 1;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    ++orig_line;
    bool touched = false;
    // The first line stays intact: the format is sniffed from the start of the file
    // (known gap: a damaged first line loses the whole file, see OutputSoak.DISABLED_*).
    if (orig_line > 1 && r.chance(15)) {
      switch (r.below(6)) {
        case 0:  // truncated record
          line.resize(r.below(line.size()));
          touched = true;
          break;
        case 1:  // flipped bytes
          for (int k = 0, n = 1 + int(r.below(4)); k < n && !line.empty(); ++k) line[r.below(line.size())] ^= char(1 + r.below(255));
          touched = true;
          break;
        case 2:  // invalid UTF-8 inside the record
          line.insert(r.below(line.size() + 1), "\xff\xfe\xc3\x28\xed\xa0\x80");
          touched = true;
          break;
        case 3:  // overlong line: the record followed by a long run of junk
          if (overlong < 3) {
            line += garbage(r, 300000, false);
            ++overlong;
            touched = true;
          }
          break;
        case 4: {  // garbage lines between records: the record itself stays intact
          std::string g = garbage(r, 1 + r.below(200), true);
          out += g;
          new_line += uint64_t(std::count(g.begin(), g.end(), '\n'));
          break;
        }
        default:  // closing tag / brace removed
          line.resize(line.size() > 8 ? line.size() - 8 : 0);
          touched = true;
          break;
      }
    }
    if (!touched) untouched[orig_line] = new_line;
    out += line;
    new_line += uint64_t(std::count(line.begin(), line.end(), '\n'));
    if (nl != std::string::npos) out += '\n', ++new_line;
  }
  return out;
}

std::vector<fs::path> pick(const fs::path& root, const std::string& ext, size_t max_files, uintmax_t max_size,
                           uintmax_t min_size = 0) {
  std::vector<fs::path> v;
  std::error_code ec;
  for (auto& e : fs::recursive_directory_iterator(root, ec))
    if (e.is_regular_file() && e.path().extension() == ext && e.file_size() <= max_size && e.file_size() >= min_size) v.push_back(e.path());
  std::sort(v.begin(), v.end());
  if (v.size() > max_files) {
    std::vector<fs::path> spread;
    for (size_t i = 0; i < max_files; ++i) spread.push_back(v[i * v.size() / max_files]);
    v = spread;
  }
  return v;
}

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("splinter-soak-" + std::to_string(getpid()))) {
    fs::create_directories(path_);
  }
  ~TempDir() {
    if (std::getenv("SPLINTER_SOAK_KEEP")) return;  // keep the corpus to debug a failure
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

TEST(OutputSoak, CorruptedRealLogsLoseOnlyTheDamagedRecords) {
  const fs::path data = fs::path(SPLINTER_SHARED_DIR) / "data";
  if (!fs::is_directory(data)) GTEST_SKIP() << "no ../shared/data";
  uint64_t seed = 20240514;
  if (const char* s = std::getenv("SPLINTER_SOAK_SEED")) seed = std::strtoull(s, nullptr, 10);
  SCOPED_TRACE("SPLINTER_SOAK_SEED=" + std::to_string(seed));
  Rng r(seed);
  TempDir tmp;

  // --- line-based text: XmlWinEventLog and JSON lines ------------------------------
  std::vector<fs::path> text_files = pick(data / "splunk-attack_data", ".log", 12, 64 << 10);
  text_files.push_back(data / "derived-xmlwineventlog" / "PanacheSysmon_vs_AtomicRedTeam01.log");
  for (auto& p : pick(data / "OTRF-Security-Datasets", ".json", 2, SIZE_MAX)) text_files.push_back(p);
  size_t checked_records = 0, total_bytes = 0, n = 0;
  int overlong = 0;
  for (const auto& src : text_files) {
    std::string pristine = slurp(src, 700 << 10);
    if (pristine.empty()) continue;
    const fs::path clean = tmp.path() / ("clean" + std::to_string(n) + src.extension().string());
    const fs::path bad = tmp.path() / "corrupt" / ("bad" + std::to_string(n) + src.extension().string());
    ++n;
    fs::create_directories(bad.parent_path());
    spit(clean, pristine);
    std::map<uint64_t, uint64_t> untouched;
    std::string damaged = corrupt_lines(pristine, r, untouched, overlong);
    spit(bad, damaged);
    total_bytes += damaged.size();

    Collect want, got;
    io::FileStats ws = read_one(clean, want);
    io::FileStats gs = read_one(bad, got);
    SCOPED_TRACE(src.string());
    check_reconciles(ws, want);
    check_reconciles(gs, got);
    EXPECT_EQ(ws.rejected, 0u);
    std::map<uint64_t, const Rec*> by_line;
    for (const auto& rec : got.recs) by_line[rec.line] = &rec;
    for (size_t i = 0; i < want.recs.size(); ++i) {
      const Rec& rec = want.recs[i];
      // A record may span lines (values with newlines): it is intact when all its lines are.
      const uint64_t last_line = uint64_t(std::count(pristine.begin(), pristine.end(), '\n')) + 1;
      const uint64_t end = i + 1 < want.recs.size() ? want.recs[i + 1].line : last_line;
      bool intact = true;
      for (uint64_t l = rec.line; l < end; ++l) intact &= untouched.count(l) > 0;
      // ...and nothing was inserted between them (garbage inserted inside a multi-line value).
      for (uint64_t l = rec.line; intact && l + 1 < end; ++l) intact &= untouched[l + 1] == untouched[l] + 1;
      if (!intact) continue;
      auto u = untouched.find(rec.line);
      auto g = by_line.find(u->second);
      if (g == by_line.end()) {
        ADD_FAILURE() << bad << ": untouched record from pristine line " << rec.line << " (now line " << u->second
                      << ") was not found";
        continue;
      }
      EXPECT_TRUE(*g->second == rec) << bad << ": record at line " << u->second << " decoded differently: "
                                      << g->second->fields.size() << " vs " << rec.fields.size() << " fields";
      if (!(*g->second == rec))
        for (size_t k = 0; k < std::min(rec.fields.size(), g->second->fields.size()); ++k)
          if (rec.fields[k] != g->second->fields[k]) {
            ADD_FAILURE() << "first difference: " << rec.fields[k].first << "=" << rec.fields[k].second.substr(0, 80)
                          << " vs " << g->second->fields[k].first << "=" << g->second->fields[k].second.substr(0, 80);
            break;
          }
      ++checked_records;
    }
    // A gzip copy of the damaged file reads the same.
    if (n % 4 == 1) {
      const fs::path gz = bad.string() + ".gz";
      ASSERT_EQ(std::system(("gzip -c '" + bad.string() + "' > '" + gz.string() + "'").c_str()), 0);
      Collect zc;
      io::FileStats zs = read_one(gz, zc);
      EXPECT_EQ(zs.parsed, gs.parsed);
      EXPECT_EQ(zs.rejected, gs.rejected);
      fs::remove(gz);
    }
  }
  EXPECT_GT(checked_records, 1000u);

  // --- EVTX: flipped bytes in one chunk, or a truncated file -------------------------
  std::vector<fs::path> evtx = pick(data, ".evtx", 5, 1200 << 10, 100 << 10);  // 2 to 17 chunks
  for (const auto& c : pick(fs::path(SPLINTER_SHARED_DIR) / "cases", ".evtx", 8, 1 << 20)) evtx.push_back(c);
  size_t evtx_checked = 0;
  for (const auto& src : evtx) {
    std::string pristine = slurp(src);
    if (pristine.size() < 4096 + 65536) continue;
    const size_t chunks = (pristine.size() - 4096) / 65536;
    std::string damaged = pristine;
    size_t bad_chunk = r.below(chunks), cut = SIZE_MAX;
    if (r.chance(50)) {
      size_t base = 4096 + bad_chunk * 65536;
      for (int k = 0, m = 1 + int(r.below(40)); k < m; ++k) damaged[base + r.below(65536)] ^= char(1 + r.below(255));
    } else {
      cut = 4096 + bad_chunk * 65536 + r.below(65536);
      damaged.resize(cut);
    }
    const fs::path bad = tmp.path() / "corrupt" / ("bad" + std::to_string(n++) + ".evtx");
    spit(bad, damaged);
    total_bytes += damaged.size();
    Collect want, got;
    io::FileStats ws = read_one(src, want);
    io::FileStats gs = read_one(bad, got);
    SCOPED_TRACE(src.string() + (cut == SIZE_MAX ? " flipped chunk " : " cut in chunk ") + std::to_string(bad_chunk));
    check_reconciles(gs, got);
    std::map<uint64_t, const Rec*> by_offset;
    for (const auto& rec : got.recs) by_offset[rec.offset] = &rec;
    for (const auto& rec : want.recs) {
      if (rec.offset < 4096) continue;
      size_t chunk = (rec.offset - 4096) / 65536;
      if (chunk == bad_chunk || (cut != SIZE_MAX && chunk > bad_chunk)) continue;
      auto g = by_offset.find(rec.offset);
      if (g == by_offset.end()) {
        ADD_FAILURE() << bad << ": record at offset " << rec.offset << " in untouched chunk " << chunk << " lost";
        continue;
      }
      EXPECT_TRUE(*g->second == rec) << bad << ": record at offset " << rec.offset << " decoded differently";
      ++evtx_checked;
    }
  }
  EXPECT_GT(evtx_checked, 100u);
  EXPECT_GT(total_bytes, size_t(2) << 20);

  // --- the whole damaged corpus through the engine: no crash, every file reconciles --
  engine::HuntOptions o;
  o.inputs = {(tmp.path() / "corrupt").string()};
  o.spl = "| tstats count from datamodel=Endpoint.Processes by Processes.dest Processes.process_name";
  o.read.threads = 2;
  engine::HuntResult res = engine::hunt(o);
  EXPECT_TRUE(res.has_input_errors());
  EXPECT_FALSE(res.has_content_errors());
  uint64_t damaged_files = 0;  // an error report may stand for several records (EVTX)
  for (const auto& f : res.files) {
    EXPECT_EQ(f.read, f.parsed + f.rejected) << f.path;
    damaged_files += f.rejected > 0;
  }
  EXPECT_GE(res.problems_total, damaged_files);
  EXPECT_GE(res.files.size(), n - 1);
}
