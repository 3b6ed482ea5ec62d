// Native EVTX reader.
//
// The format (all integers little-endian):
//
//   File header (4096-byte block, 128 bytes used)
//     0 "ElfFile\0" | 8 first chunk no u64 | 16 last chunk no u64 | 24 next record id u64
//     32 header size u32 (128) | 36 minor u16 | 38 major u16 (3) | 40 block size u16 (4096)
//     42 chunk count u16 | 120 flags u32 (1 = dirty, 2 = full) | 124 CRC32 of bytes 0..119
//   The header is only rewritten when the log is closed cleanly, so on live or
//   copied logs ("dirty") its counters are stale: chunks are found by walking the
//   file in 64 KiB steps, not by trusting the chunk count.
//
//   Chunk (65536 bytes, at 4096 + i * 65536)
//     0 "ElfChnk\0" | 8/16 first/last record number | 24/32 first/last record id
//     40 header size (128) | 44 last record offset | 48 free space offset (end of records)
//     52 CRC32 of the records (512..free) | 120 flags | 124 CRC32 of bytes 0..119 + 128..511
//     128 string table: 64 bucket offsets | 384 template table: 32 bucket offsets
//     512 records, back to back, up to the free space offset; the rest is slack
//         (old data: carving scans it for record signatures).
//
//   Record
//     0 magic 2a 2a 00 00 | 4 size u32 | 8 record id u64 | 16 written FILETIME u64
//     24 Binary XML | size-4 copy of size
//
//   Binary XML is a token stream (token byte, 0x40 bit = "more data follows" flag):
//     0x0f fragment header, 0x0c template instance, 0x01/0x41 open element,
//     0x06/0x46 attribute, 0x02 close start tag, 0x03 close empty element,
//     0x04 end element, 0x05/0x45 text value, 0x07 CDATA, 0x08 char ref,
//     0x09 entity ref, 0x0a/0x0b processing instruction, 0x0d/0x0e normal/optional
//     substitution, 0x00 end.
//   Element and attribute names are offsets into the chunk; the first use of a name
//   (and of a template definition) is written inline at that very offset, later uses
//   point back at it. A record is a template instance: template definition offset
//   (inline the first time: next u32, GUID, size u32, body) followed by the
//   substitution values (count, (size u16, type u8, 0) descriptors, data). The body
//   refers to values by index; values are typed (strings, integers, GUID, SID,
//   FILETIME, ... arrays with type | 0x80, and nested Binary XML, type 0x21).
//
// Pipeline: the calling thread enumerates chunks; worker threads decode a bounded
// window of chunks (ChunkDecoder, one per thread, into flat ChunkOutput buffers);
// the calling thread turns outputs into Events and pushes them to the sink in file
// order. Memory stays at (window x decoded chunk), whatever the file size.
#include "io/evtx/evtx_reader.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "io/evtx/chunk_decoder.h"
#include "io/evtx/evtx_format.h"

namespace splinter::io {
namespace {

using evtx::ChunkDecoder;
using evtx::ChunkOutput;

bool all_zero(const uint8_t* p, size_t n) {
  // Word at a time (preallocated logs are mostly zero chunks).
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    uint64_t w[4];
    std::memcpy(w, p + i, 32);
    if ((w[0] | w[1] | w[2] | w[3]) != 0) return false;
  }
  for (; i < n; ++i)
    if (p[i] != 0) return false;
  return true;
}

// Worker threads live for the whole process: a run of many small files would
// otherwise pay a thread start per file and per worker, and lose the decoders'
// warmed-up buffers. run(n, fn) runs fn on n workers and returns at once; wait()
// blocks until they are all done. One run at a time (callers serialise on run_m_).
class WorkerPool {
 public:
  static WorkerPool& instance() {
    static WorkerPool* pool = new WorkerPool;  // never destroyed: workers may still wait at exit
    return *pool;
  }
  std::mutex run_m;  // held by a reader for the whole run..wait span

  void run(unsigned n, std::function<void()> fn) {
    std::unique_lock lk(m_);
    while (workers_.size() < n) workers_.emplace_back([this] { loop(); }).detach();
    fn_ = std::move(fn);
    tickets_ = n;
    running_ = n;
    ++generation_;
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock lk(m_);
    done_.wait(lk, [&] { return running_ == 0; });
    fn_ = nullptr;
  }

 private:
  void loop() {
    uint64_t seen = 0;
    for (;;) {
      std::function<void()>* fn;
      {
        std::unique_lock lk(m_);
        cv_.wait(lk, [&] { return generation_ != seen && tickets_ > 0; });
        --tickets_;
        if (tickets_ == 0) seen = generation_;
        fn = &fn_;
      }
      (*fn)();
      std::lock_guard lk(m_);
      if (--running_ == 0) done_.notify_all();
    }
  }
  std::mutex m_;
  std::condition_variable cv_, done_;
  std::vector<std::thread> workers_;
  std::function<void()> fn_;
  unsigned tickets_ = 0, running_ = 0;
  uint64_t generation_ = 0;
};

struct Emitter {
  const std::string& path;
  EventSink& sink;
  FileStats& stats;
  Event ev;
  uint64_t max_record_id = 0;

  void emit(const ChunkOutput& out) {
    size_t pi = 0;
    for (size_t r = 0; r <= out.records.size(); ++r) {
      while (pi < out.problems.size() && out.problems[pi].before_record <= r)
        sink.on_problem(out.problems[pi++].problem);
      if (r == out.records.size()) break;
      const evtx::DecodedRecord& rec = out.records[r];
      ev.clear();
      for (uint32_t f = rec.first_field; f < rec.first_field + rec.field_count; ++f) {
        const evtx::FieldRef& fr = out.fields[f];
        ev.add(std::string_view(out.arena).substr(fr.name_off, fr.name_len),
               std::string_view(out.arena).substr(fr.value_off, fr.value_len));
      }
      ev.time_us = rec.time_us;
      ev.offset = rec.offset;
      ev.line = 0;
      ev.recovered = rec.recovered;
      ev.format = EventFormat::Evtx;
      sink.on_event(ev);
    }
    stats.read += out.read;
    stats.rejected += out.rejected;
    stats.parsed += out.read - out.rejected;
    max_record_id = std::max(max_record_id, out.max_record_id);
  }
};

}  // namespace

void read_evtx(const uint8_t* data, size_t size, const std::string& path, EventSink& sink, FileStats& stats,
               const ReadOptions& opts) {
  using namespace evtx;
  stats.format = Format::Evtx;
  stats.bytes = size;
  auto problem = [&](uint64_t off, std::string what, bool warning) {
    InputProblem p;
    p.file = path;
    p.offset = off;
    p.what = std::move(what);
    p.warning = warning;
    sink.on_problem(p);
  };

  // ---- file header
  uint64_t header_next_id = 0;
  uint32_t header_chunks = 0;
  bool header_ok = false;
  if (size < 128 || std::memcmp(data, "ElfFile", 8) != 0) {
    problem(0, "not an EVTX file header (ElfFile signature missing)", false);
  } else {
    header_ok = true;
    header_next_id = le64(data + 24);
    header_chunks = le16(data + 42);
    const uint32_t flags = le32(data + 120);
    if (crc32_of(data, 120) != le32(data + 124)) problem(124, "file header checksum mismatch", true);
    if (le16(data + 38) != 3) problem(38, "unexpected format major version " + std::to_string(le16(data + 38)), true);
    if (flags & 1) problem(120, "file is dirty (not closed cleanly): header counters may be stale", true);
    const uint64_t first = le64(data + 8), last = le64(data + 16);
    if (header_chunks != 0 && last + 1 - first != header_chunks)
      problem(8, "header chunk numbers disagree with its chunk count", true);
  }
  if (size <= kFileHeaderSize) {
    if (size < kFileHeaderSize) problem(size, "file truncated inside its header block", false);
    if (!header_ok) stats.failed = true;
    return;
  }

  // ---- chunks present in the file (the header count may be stale or too small)
  const size_t n_chunks = (size - kFileHeaderSize + kChunkSize - 1) / kChunkSize;
  size_t used_chunks = 0;  // up to the last chunk that is not all zeros (preallocated space)
  for (size_t i = n_chunks; i > 0; --i) {
    const size_t off = kFileHeaderSize + (i - 1) * kChunkSize;
    const size_t n = std::min(kChunkSize, size - off);
    if (!all_zero(data + off, n)) {
      used_chunks = i;
      break;
    }
  }
  if (header_ok && used_chunks > header_chunks)
    problem(42, "header claims " + std::to_string(header_chunks) + " chunks but " + std::to_string(used_chunks) +
                    " are present; reading all",
            true);

  Emitter em{path, sink, stats, {}, 0};
  uint64_t done_bytes = kFileHeaderSize;
  auto chunk_span = [&](size_t i, const uint8_t*& p, size_t& n, uint64_t& off) {
    off = kFileHeaderSize + i * kChunkSize;
    p = data + off;
    n = std::min(kChunkSize, size - size_t(off));
  };
  auto progress = [&](size_t i) {
    if (!opts.progress) return;
    done_bytes = std::min<uint64_t>(size, kFileHeaderSize + (i + 1) * kChunkSize);
    opts.progress(done_bytes);
  };
  // A chunk of zeros inside the used range is unused space, not damage.
  auto skip_chunk = [&](const uint8_t* p, size_t n) { return n >= 8 && p[0] == 0 && all_zero(p, n); };

  unsigned threads = opts.threads ? opts.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = unsigned(std::min<size_t>(threads, used_chunks));

  if (threads <= 1) {
    // Kept per thread across files: their buffers and caches are reused.
    thread_local ChunkDecoder dec;
    thread_local ChunkOutput out;
    for (size_t i = 0; i < used_chunks; ++i) {
      const uint8_t* p;
      size_t n;
      uint64_t off;
      chunk_span(i, p, n, off);
      if (skip_chunk(p, n)) continue;
      out.clear();
      dec.decode(p, n, off, i, path, opts.carve, out);
      em.emit(out);
      progress(i);
    }
  } else {
    // Bounded window: worker may decode chunk i only once chunk i - window was emitted.
    const size_t window = size_t(threads) * 4;
    struct Slot {
      ChunkOutput out;
      bool ready = false;
    };
    std::vector<Slot> slots(window);
    std::mutex m;
    std::condition_variable cv_work, cv_done;
    size_t next = 0, emitted = 0;
    WorkerPool& pool = WorkerPool::instance();
    std::unique_lock run_lock(pool.run_m, std::try_to_lock);
    auto work = [&] {
      thread_local ChunkDecoder dec;  // kept across files
      for (;;) {
        size_t i;
        {
          std::unique_lock lk(m);
          cv_work.wait(lk, [&] { return next >= used_chunks || next < emitted + window; });
          if (next >= used_chunks) return;
          i = next++;
        }
        Slot& s = slots[i % window];
        s.out.clear();
        const uint8_t* p;
        size_t n;
        uint64_t off;
        chunk_span(i, p, n, off);
        if (!skip_chunk(p, n)) dec.decode(p, n, off, i, path, opts.carve, s.out);
        {
          std::lock_guard lk(m);
          s.ready = true;
        }
        cv_done.notify_one();
      }
    };
    // Another file is being read concurrently on the shared pool: use own threads.
    std::vector<std::thread> own;
    if (run_lock.owns_lock()) {
      pool.run(threads, work);
    } else {
      own.reserve(threads);
      for (unsigned t = 0; t < threads; ++t) own.emplace_back(work);
    }
    for (size_t i = 0; i < used_chunks; ++i) {
      Slot& s = slots[i % window];
      {
        std::unique_lock lk(m);
        cv_done.wait(lk, [&] { return s.ready; });
      }
      em.emit(s.out);  // the slot is not touched by workers until emitted advances
      progress(i);
      {
        std::lock_guard lk(m);
        s.ready = false;
        ++emitted;
      }
      cv_work.notify_all();
    }
    if (run_lock.owns_lock()) pool.wait();
    for (auto& t : own) t.join();
  }

  if (header_ok && em.max_record_id != 0 && header_next_id != 0 && header_next_id <= em.max_record_id)
    problem(24,
            "header next record id " + std::to_string(header_next_id) + " is stale (records up to " +
                std::to_string(em.max_record_id) + " present)",
            true);
}

}  // namespace splinter::io
