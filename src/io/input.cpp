// read_inputs(): path expansion, decompression, per-file format sniffing and
// dispatch to the XML / JSON / EVTX readers.
#include "io/input.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>
#include <utility>

#include "common/strings.h"
#include "io/evtx/evtx_format.h"
#include "io/evtx/evtx_reader.h"
#include "io/readers.h"
#include "io/stream.h"
#include "io/worker_pool.h"

namespace splinter::io {

const char* format_name(Format f) {
  switch (f) {
    case Format::Unknown: return "unknown";
    case Format::XmlWinEventLog: return "xmlwineventlog";
    case Format::WinEventLog: return "wineventlog";
    case Format::Json: return "json";
    case Format::Csv: return "csv";
    case Format::Evtx: return "evtx";
  }
  return "unknown";
}

namespace {

namespace fs = std::filesystem;

struct Target {
  std::string path;
  bool missing = false;
  std::string error;
  bool from_dir = false;  // found by walking a directory (not named by the user)
  // Read on its own, opened once, never mapped: stdin, FIFOs, devices, and files whose
  // size says nothing (/proc). A FIFO opened twice (a sniff, then the read) waits
  // forever for a second writer.
  bool stream = false;
  // The same file as an earlier target (device and inode): not read again. dup_of is
  // the target read instead; root indexes the path given that led here.
  bool duplicate = false;
  size_t dup_of = 0;
  size_t root = 0;
};

void expand_one(const std::string& p, std::vector<Target>& out) {
  std::error_code ec;
  fs::file_status s = fs::status(p, ec);
  if (ec || !fs::exists(s)) {
    out.push_back({p, true, ec ? ec.message() : "no such file or directory"});
    return;
  }
  if (fs::is_directory(s)) {
    std::vector<std::string> files;
    // Collected logs are often linked in; follow directory links, but enter each real
    // directory once so a link cycle cannot loop.
    fs::recursive_directory_iterator it(
        p, fs::directory_options::skip_permission_denied | fs::directory_options::follow_directory_symlink, ec);
    const fs::recursive_directory_iterator end;
    if (ec) {
      out.push_back({p, true, ec.message()});
      return;
    }
    std::set<std::string> seen_dirs = {fs::weakly_canonical(p, ec).string()};
    for (; it != end; it.increment(ec)) {
      if (ec) {
        out.push_back({p, true, "directory walk stopped: " + ec.message()});
        break;
      }
      std::error_code ec2;
      if (it->is_directory(ec2)) {
        if (!seen_dirs.insert(fs::weakly_canonical(it->path(), ec2).string()).second || it.depth() > 64)
          it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec2)) files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    for (std::string& f : files) {
      out.push_back({std::move(f)});
      out.back().from_dir = true;
    }
    return;
  }
  // A regular file, or a FIFO / device named explicitly. /proc files say size 0 and
  // are read like a pipe, to the end the kernel gives.
  out.push_back({p});
  const bool regular = fs::is_regular_file(s);
  const uintmax_t size = regular ? fs::file_size(p, ec) : 0;
  out.back().stream = !regular || ec || size == 0;
}

// Marks targets that are the same file as an earlier one (a file named and also found
// in a directory given, a path given twice, a hard link, "-" twice): each file is read
// once, where it first appears. A file the user named is read as named even when a
// directory walk found it first (the walk skips some names; a named file is always read).
void mark_duplicates(std::vector<Target>& out) {
  std::map<std::pair<dev_t, ino_t>, size_t> first;
  for (size_t i = 0; i < out.size(); ++i) {
    Target& t = out[i];
    if (t.missing) continue;
    struct stat sb {};
    if ((t.path == "-" ? ::fstat(0, &sb) : ::stat(t.path.c_str(), &sb)) != 0) continue;
    const auto [it, fresh] = first.try_emplace({sb.st_dev, sb.st_ino}, i);
    if (fresh) continue;
    t.duplicate = true;
    t.dup_of = it->second;
    if (!t.from_dir) out[it->second].from_dir = false;
  }
}

std::vector<Target> expand(const std::vector<std::string>& paths) {
  std::vector<Target> out;
  for (size_t root = 0; root < paths.size(); ++root) {
    const size_t from = out.size();
    if (paths[root] == "-") {
      out.push_back({paths[root]});
      out.back().stream = true;
    } else {
      expand_one(paths[root], out);
    }
    for (size_t i = from; i < out.size(); ++i) out[i].root = root;
  }
  mark_duplicates(out);
  return out;
}

void problem(EventSink& sink, const std::string& file, uint64_t off, uint64_t line, std::string what,
             bool warning = false) {
  InputProblem p;
  p.file = file;
  p.offset = off;
  p.line = line;
  p.what = std::move(what);
  p.warning = warning;
  sink.on_problem(p);
}

// An uncompressed regular file that read_one would read as EVTX, mapped rather than
// copied (EVTX needs random access). Unmapped on destruction.
struct MappedEvtx {
  const uint8_t* data = nullptr;
  size_t size = 0;
  uint64_t zero_from = UINT64_MAX;  // see EvtxFile::zero_from
  MappedEvtx() = default;
  MappedEvtx(MappedEvtx&& o) noexcept
      : data(std::exchange(o.data, nullptr)), size(o.size), zero_from(o.zero_from) {}
  MappedEvtx& operator=(MappedEvtx&& o) noexcept {
    if (this != &o) {
      unmap();
      data = std::exchange(o.data, nullptr);
      size = o.size;
      zero_from = o.zero_from;
    }
    return *this;
  }
  ~MappedEvtx() { unmap(); }
  void unmap() {
    if (data) ::munmap(const_cast<uint8_t*>(data), size);
    data = nullptr;
  }
};

bool evtx_name(const std::string& path) {
  const std::string lower = to_lower(std::filesystem::path(path).filename().string());
  return lower.ends_with(".evtx") || lower.find(".evtx.") != std::string::npos;
}

// Where the trailing hole of a sparse file starts, on a chunk boundary (UINT64_MAX if
// the file system reports none). Preallocated logs copied by sparse-aware tools keep
// their unused chunks as holes; knowing that spares reading (and paging in) megabytes
// of zeros. "No data at or after p" only grows with p, so a binary search over chunk
// starts needs a handful of lseek calls; file systems without hole support report
// all data and this costs one call.
uint64_t trailing_hole(int fd, uint64_t size) {
  using evtx::kChunkSize;
  using evtx::kFileHeaderSize;
  if (size <= kFileHeaderSize) return UINT64_MAX;
  const uint64_t chunks = (size - kFileHeaderSize + kChunkSize - 1) / kChunkSize;
  auto no_data_from = [&](uint64_t i) {
    errno = 0;
    return ::lseek(fd, off_t(kFileHeaderSize + i * kChunkSize), SEEK_DATA) < 0 && errno == ENXIO;
  };
  if (!no_data_from(chunks - 1)) return UINT64_MAX;
  uint64_t lo = 0, hi = chunks - 1;  // answer in [lo, hi]: the first chunk with no data from it on
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (no_data_from(mid)) hi = mid;
    else lo = mid + 1;
  }
  return kFileHeaderSize + lo * kChunkSize;
}

// The same decision as read_one's sniffing, on the raw bytes of a regular file that
// is not gzip or zstd; false (read it the general way) in every other case.
bool map_evtx(const std::string& path, MappedEvtx& out) {
  if (path == "-") return false;
  // Non-blocking: should a FIFO have taken a regular file's place, opening it must not
  // wait for a writer (nor take its data: it is closed unread).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat sbuf {};
  uint8_t head[evtx::kFileHeaderSize + 8];
  ssize_t got = -1;
  if (::fstat(fd, &sbuf) == 0 && S_ISREG(sbuf.st_mode) && sbuf.st_size > 0)
    got = ::pread(fd, head, sizeof head, 0);
  bool evtx = false;
  if (got > 0) {
    const size_t n = size_t(got);
    const bool compressed = (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) ||
                            (n >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd);
    const bool magic = n >= 8 && std::memcmp(head, "ElfFile\0", 8) == 0;
    const bool chunk_magic = n >= sizeof head && std::memcmp(head + evtx::kFileHeaderSize, "ElfChnk\0", 8) == 0;
    evtx = !compressed && (magic || chunk_magic || evtx_name(path));
  }
  if (evtx) {
    void* map = ::mmap(nullptr, size_t(sbuf.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
      evtx = false;
    } else {
      out.data = static_cast<const uint8_t*>(map);
      out.size = size_t(sbuf.st_size);
      out.zero_from = trailing_hole(fd, out.size);
    }
  }
  ::close(fd);
  return evtx;
}

// What a file's name says about it, for files found by walking a directory (a file
// the user names is always read). Compression suffixes are looked through.
enum class NameHint { Log, NotLog, Unknown };
NameHint name_hint(const std::string& path) {
  std::string name = to_lower(std::filesystem::path(path).filename().string());
  for (std::string_view z : {".gz", ".zst", ".zstd"})
    if (name.ends_with(z)) {
      name.resize(name.size() - z.size());
      break;
    }
  const std::string ext = std::filesystem::path(name).extension().string();
  static constexpr std::string_view kLog[] = {".log", ".xml", ".json", ".jsonl", ".ndjson", ".evtx", ".raw"};
  // Content and documentation that sits beside logs; some of it (security_content's
  // YAML with embedded JSON samples) would otherwise sniff as a log.
  static constexpr std::string_view kNotLog[] = {".yml", ".yaml", ".md", ".rst", ".py", ".sh", ".conf",
                                                 ".ini", ".toml", ".html", ".png", ".jpg", ".pdf", ".zip",
                                                 ".exe", ".dll", ".c", ".cpp", ".h", ".js"};
  for (std::string_view e : kLog)
    if (ext == e) return NameHint::Log;
  for (std::string_view e : kNotLog)
    if (ext == e) return NameHint::NotLog;
  return NameHint::Unknown;
}

// Passes events and problems through, and says once per file where the first of its
// events without a readable time is (they get an empty _time, firstTime, lastTime).
class TimeCheckSink : public EventSink {
 public:
  TimeCheckSink(EventSink& next, const std::string& path) : next_(next), path_(path) {}
  void on_event(const Event& e) override {
    if (e.time_us == kNoTime && untimed_++ == 0) {
      first_offset_ = e.offset;
      first_line_ = e.line;
    }
    next_.on_event(e);
  }
  void on_problem(const InputProblem& p) override { next_.on_problem(p); }
  void finish() {
    if (untimed_)
      problem(next_, path_, first_offset_, first_line_,
              std::to_string(untimed_) +
                  " event(s) with no readable time (no parsable SystemTime, UtcTime or shipper time; first here): "
                  "their _time is empty",
              true);
  }

 private:
  EventSink& next_;
  const std::string& path_;
  uint64_t untimed_ = 0, first_offset_ = 0, first_line_ = 0;
};

void read_text(const std::string& path, bool from_dir, NameHint hint, EventSink& sink, FileStats& st,
               const ReadOptions& opts, uint64_t done_before);

void read_one(const std::string& path, bool from_dir, EventSink& sink, FileStats& st, const ReadOptions& opts,
              uint64_t done_before) {
  const NameHint hint = name_hint(path);
  if (from_dir && hint == NameHint::NotLog) {
    st.skipped = true;  // shown with -v
    return;
  }
  TimeCheckSink checked(sink, path);
  read_text(path, from_dir, hint, checked, st, opts, done_before);
  checked.finish();
}

// read_one's work: open, sniff the format, hand the stream to its reader.
void read_text(const std::string& path, bool from_dir, NameHint hint, EventSink& sink, FileStats& st,
               const ReadOptions& opts, uint64_t done_before) {
  ByteSource src;
  if (!src.open(path)) {
    st.failed = true;
    problem(sink, path, 0, 0, src.error());
    return;
  }
  StreamBuffer sb(src);
  // A stream may never end: once past format sniffing (EVTX is copied whole, its records
  // come after), stop after kMaxStreamJunkBytes read without a record parsed.
  bool guard = false;
  uint64_t parsed_seen = 0, parsed_at = 0;  // st.parsed when last seen to grow, and bytes read then
  if (opts.progress || src.is_stream())
    sb.on_chunk = [&](uint64_t b) {
      if (opts.progress) opts.progress(done_before + b);
      if (!guard) return;
      if (st.parsed != parsed_seen) {
        parsed_seen = st.parsed;
        parsed_at = b;
      } else if (b - parsed_at > kMaxStreamJunkBytes) {
        sb.stop();
      }
    };
  // Sniff: EVTX magic at the very start, else the first non-blank byte after a BOM.
  // A damaged file header must not hide an EVTX file (its chunks are still readable):
  // a chunk signature where the first chunk starts, or the .evtx name, also decide.
  while (sb.avail() < evtx::kFileHeaderSize + 8 && sb.fill()) {
  }
  const bool evtx_magic = sb.avail() >= 8 && std::memcmp(sb.data(), "ElfFile\0", 8) == 0;
  const bool chunk_magic =
      sb.avail() >= evtx::kFileHeaderSize + 8 && std::memcmp(sb.data() + evtx::kFileHeaderSize, "ElfChnk\0", 8) == 0;
  if (evtx_magic || chunk_magic || (evtx_name(path) && sb.avail() > 0)) {
    // Compressed, stdin, or not mappable: decode from a copy.
    st.format = Format::Evtx;
    std::vector<uint8_t> all;
    // A stream is copied only while chunks keep coming: kMaxStreamJunkBytes without a
    // chunk signature where a chunk starts (a FIFO named .evtx fed zeros) ends the copy.
    uint64_t last_chunk = 0, next_chunk = evtx::kFileHeaderSize;
    bool cut = false;
    do {
      all.insert(all.end(), sb.data(), sb.data() + sb.avail());
      sb.consume(sb.avail());
      for (; next_chunk + 8 <= all.size(); next_chunk += evtx::kChunkSize)
        if (std::memcmp(all.data() + next_chunk, "ElfChnk\0", 8) == 0) last_chunk = next_chunk;
      cut = src.is_stream() && all.size() - last_chunk > kMaxStreamJunkBytes;
    } while (!cut && sb.fill());
    if (cut) {
      problem(sink, path, all.size(), 0,
              "stopped reading: over " + std::to_string(kMaxStreamJunkBytes >> 20) +
                  " MiB of this stream without an EVTX chunk (from offset " + std::to_string(last_chunk) + " on)");
      if (last_chunk == 0) st.failed = true;
    }
    if (!src.error().empty()) problem(sink, path, all.size(), 0, src.error());
    st.bytes = all.size();
    read_evtx(all.data(), all.size(), path, sink, st, opts);
    return;
  }
  guard = src.is_stream();
  // After any text reader: why the input ended early, and the bytes read.
  auto finish = [&] {
    if (sb.stopped()) {
      problem(sink, path, sb.total_read(), 0,
              "stopped reading: over " + std::to_string(kMaxStreamJunkBytes >> 20) +
                  " MiB of this stream without a record (NUL bytes or data that is not a log, from offset " +
                  std::to_string(parsed_at) + " on)");
      if (st.parsed == 0) st.failed = true;
    }
    if (!src.error().empty()) {
      // Decompression or read failure part way: what was read stands.
      problem(sink, path, sb.total_read(), 0, src.error());
      if (st.read == 0) st.failed = true;
    }
    st.bytes = sb.total_read();
  };
  if (sb.avail() >= 3 && std::memcmp(sb.data(), "\xEF\xBB\xBF", 3) == 0) sb.consume(3);
  char first = 0;
  bool nul_seen = false;
  for (;;) {
    std::string_view v = sb.view();
    size_t i = 0;
    // NUL bytes too: a log preallocated or cut short by a crash starts with NUL padding.
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n' || v[i] == '\0')) {
      nul_seen |= v[i] == '\0';
      ++i;
    }
    if (i < v.size()) {
      first = v[i];
      sb.consume(i);  // padding is no record: readers start at the first byte of text
      break;
    }
    sb.consume(i);
    if (!sb.fill()) break;
  }
  // A damaged first record must not decide the format of the whole file: look at the
  // first window for what most of it looks like.
  Format text_format = Format::XmlWinEventLog;
  if (first != 0) {
    while (sb.avail() < (64u << 10) && sb.fill()) {
    }
    std::string_view head = sb.view().substr(0, 64u << 10);
    // Count lines that start like each format (values may embed the other one).
    // Classic WinEventLog records go to the XML reader, which reads both renderings.
    size_t xml = 0, classic = 0, json = 0;
    for (size_t p = 0; p < head.size();) {
      size_t q = p;
      while (q < head.size() && (head[q] == ' ' || head[q] == '\t' || head[q] == '\r')) ++q;
      std::string_view rest = head.substr(q);
      // An XML event may follow a syslog prefix (Sysmon for Linux).
      if (rest.starts_with("<Event") || syslog_event_start(rest) != std::string_view::npos) ++xml;
      else if (rest.starts_with("{\"") || rest.starts_with("[{")) ++json;
      else if (classic_record_at(head, q)) ++classic;
      size_t nl = head.find('\n', q);
      if (nl == std::string_view::npos) break;
      p = nl + 1;
    }
    if (xml + classic > json && first != '<') first = '<';
    else if (json > xml + classic && first != '{' && first != '[') first = '{';
    text_format = classic > xml ? Format::WinEventLog : Format::XmlWinEventLog;
  }
  if (first != 0 && first != '<' && first != '{' && first != '[') {
    std::string_view head = sb.view();
    while (!head.empty() && (head.front() == '\r' || head.front() == '\n' || head.front() == ' ')) head.remove_prefix(1);
    if (evtxecmd_csv_header(head.substr(0, head.find('\n')))) {
      st.format = Format::Csv;
      read_evtxecmd_csv_stream(sb, path, sink, st);
      finish();
      return;
    }
  }
  if (first == '<') {
    st.format = text_format;
    read_xml_stream(sb, path, sink, st);
  } else if (first == '{' || first == '[') {
    st.format = Format::Json;
    read_json_stream(sb, path, sink, st);
  } else if (sb.stopped() && first == 0) {
    // Reported below.
  } else if (first == 0 && sb.avail() == 0) {
    // Only NUL bytes (a zeroed or preallocated file, as triage collections hold): not a
    // log that happens to be empty, but one whose records are gone. An error, as the
    // same bytes named .evtx are.
    if (nul_seen) {
      problem(sink, path, 0, 0, "file holds only NUL bytes (zeroed or never written): no records to read");
      st.failed = true;
    } else if (src.error().empty()) {
      problem(sink, path, 0, 0, "empty input", true);
    }
  } else if (from_dir) {
    // A README or licence next to the logs is not an input error; a file named like a
    // log (a syslog .raw, a log behind a long junk header) is said, not skipped silently.
    st.skipped = true;
    if (hint == NameHint::Log)
      problem(sink, path, sb.offset(), sb.line(),
              "no EVTX, XML, WinEventLog or JSON records at the start of the file; skipped", true);
  } else {
    problem(sink, path, sb.offset(), sb.line(), "unrecognised format");
  }
  finish();
}

// Regular files waiting to be read, in input order. A flush maps them in parallel
// (only EVTX files stay mapped), then reads them in order: each run of consecutive
// EVTX files as one stream of chunks (read_evtx_files), anything else with read_one.
// A directory of small logs thus keeps every core busy from opening to decoding.
class FileBatch {
 public:
  static constexpr size_t kMaxFiles = 256;  // bounds open mappings, not memory in use
  FileBatch(EventSink& sink, const ReadOptions& opts, std::vector<FileStats>& stats, uint64_t& done)
      : sink_(sink), opts_(opts), stats_(stats), done_(done) {}
  void add(const Target& t) {
    items_.push_back({t.path, t.from_dir, {}, false, {}});
    if (items_.size() >= kMaxFiles) flush();
  }
  void flush() {
    if (items_.empty()) return;
    parallel_for(items_.size(), opts_.threads, [&](size_t i) { items_[i].evtx = map_evtx(items_[i].path, items_[i].map); });
    for (size_t i = 0; i < items_.size();) {
      if (!items_[i].evtx) {
        read_other(items_[i++]);
        continue;
      }
      size_t j = i;
      while (j < items_.size() && items_[j].evtx) ++j;
      read_evtx_run(i, j);
      i = j;
    }
    items_.clear();
  }

 private:
  struct Item {
    std::string path;
    bool from_dir = false;
    MappedEvtx map;
    bool evtx = false;
    FileStats stats;
  };
  void read_evtx_run(size_t from, size_t to) {
    std::vector<EvtxFile> files;
    files.reserve(to - from);
    uint64_t base = done_;
    for (size_t i = from; i < to; ++i) {
      Item& it = items_[i];
      it.stats.path = it.path;
      files.push_back({it.map.data, it.map.size, &it.stats.path, &it.stats, base, it.map.zero_from});
      base += it.map.size;
    }
    try {
      read_evtx_files(files, sink_, opts_);
    } catch (const std::exception& e) {
      // Never let one bad batch (an allocation failure) stop the run.
      for (size_t i = from; i < to; ++i)
        if (items_[i].stats.parsed == 0) {
          items_[i].stats.failed = true;
          problem(sink_, items_[i].path, 0, 0, std::string("read aborted: ") + e.what());
        }
    }
    for (size_t i = from; i < to; ++i) {
      done_ += items_[i].stats.bytes;
      stats_.push_back(std::move(items_[i].stats));
      items_[i].map = {};  // unmapped as soon as read
    }
  }

 public:
  // Reads one input now, after everything queued before it (stdin, a missing path).
  void read_now(const Target& t) {
    flush();
    if (t.missing) {
      FileStats st;
      st.path = t.path;
      st.failed = true;
      problem(sink_, t.path, 0, 0, "cannot open: " + t.error);
      stats_.push_back(std::move(st));
      return;
    }
    Item it{t.path, t.from_dir, {}, false, {}};
    read_other(it);
  }

 private:
  void read_other(Item& it) {
    FileStats st;
    st.path = it.path;
    try {
      read_one(it.path, it.from_dir, sink_, st, opts_, done_);
    } catch (const std::exception& e) {
      // Never let one bad file (or an allocation failure) stop the run.
      st.failed = true;
      problem(sink_, it.path, 0, 0, std::string("read aborted: ") + e.what());
    }
    done_ += st.bytes;
    stats_.push_back(std::move(st));
  }
  EventSink& sink_;
  const ReadOptions& opts_;
  std::vector<FileStats>& stats_;
  uint64_t& done_;
  std::vector<Item> items_;
};

}  // namespace

std::vector<FileStats> read_inputs(const std::vector<std::string>& paths, EventSink& sink,
                                   const ReadOptions& opts) {
  std::vector<FileStats> stats;
  uint64_t done = 0;
  FileBatch batch(sink, opts, stats, done);
  const std::vector<Target> targets = expand(paths);
  auto also_as = [&](const Target& t) {
    const std::string& other = targets[t.dup_of].path;
    return other == t.path ? std::string() : "the same file as " + other;
  };
  // Files of a directory walk already read under another path: one warning per
  // directory given, not one per file.
  size_t walk_dups = 0, walk_example = 0;
  for (size_t i = 0; i < targets.size(); ++i) {
    const Target& t = targets[i];
    if (t.duplicate) {
      if (!t.from_dir)
        problem(sink, t.path, 0, 0, "given twice" + (also_as(t).empty() ? "" : " (" + also_as(t) + ")") + ": read once", true);
      else if (walk_dups++ == 0)
        walk_example = i;
    } else if (!t.missing && !t.stream) {
      batch.add(t);
    } else {
      batch.read_now(t);  // keeps input order
    }
    if (walk_dups && (i + 1 == targets.size() || targets[i + 1].root != t.root)) {
      const Target& ex = targets[walk_example];
      problem(sink, paths[t.root], 0, 0,
              std::to_string(walk_dups) + " file(s) under this directory given twice (e.g. " + ex.path +
                  (also_as(ex).empty() ? "" : ", " + also_as(ex)) + "): read once",
              true);
      walk_dups = 0;
    }
  }
  batch.flush();
  return stats;
}

}  // namespace splinter::io
