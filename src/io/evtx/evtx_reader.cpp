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
#include <span>
#include <thread>
#include <vector>

#include "io/evtx/chunk_decoder.h"
#include "io/evtx/evtx_format.h"
#include "io/worker_pool.h"

namespace splinter::io {
namespace {

using evtx::ChunkDecoder;
using evtx::ChunkOutput;

bool all_zero(const uint8_t* p, size_t n) {
  // Preallocated logs are mostly zero chunks, so this scan reads about a quarter of
  // the bytes of a typical collection. One stream, OR-ed 256 bytes at a time (the
  // compiler vectorises the inner loop), runs near memory speed; memcmp(p, p + 1)
  // reads two streams and measured slower.
  size_t i = 0;
  for (; i + 256 <= n; i += 256) {
    uint64_t acc = 0;
    for (size_t k = 0; k < 256; k += 8) {
      uint64_t w;
      std::memcpy(&w, p + i + k, 8);
      acc |= w;
    }
    if (acc != 0) return false;
  }
  for (; i < n; ++i)
    if (p[i] != 0) return false;
  return true;
}

// Turns chunk outputs into Events for the sink, one file after the other.
struct Emitter {
  EventSink& sink;
  FileStats* stats = nullptr;
  Event ev;
  uint64_t max_record_id = 0;

  void start(FileStats& st) {
    stats = &st;
    max_record_id = 0;
  }

  void emit(const ChunkOutput& out) {
    size_t pi = 0;
    for (size_t r = 0; r <= out.records.size(); ++r) {
      while (pi < out.problems.size() && out.problems[pi].before_record <= r)
        sink.on_problem(out.problems[pi++].problem);
      if (r == out.records.size()) break;
      const evtx::DecodedRecord& rec = out.records[r];
      ev.clear();
      // Views into the chunk's arena, not copies: `out` is neither cleared nor reused
      // before emit() returns, so the bytes outlive every on_event below.
      const std::string_view arena(out.arena);
      for (uint32_t f = rec.first_field; f < rec.first_field + rec.field_count; ++f) {
        const evtx::FieldRef& fr = out.fields[f];
        ev.add_view(arena.substr(fr.name_off, fr.name_len), arena.substr(fr.value_off, fr.value_len));
      }
      // A carved record looks like a live one: say so where searches and output see it.
      if (rec.recovered) {
        ev.add_view(kRecoveredField, "true");
        ++stats->recovered;
      }
      ev.time_us = rec.time_us;
      ev.offset = rec.offset;
      ev.line = 0;
      ev.recovered = rec.recovered;
      ev.format = EventFormat::Evtx;
      sink.on_event(ev);
    }
    stats->read += out.read;
    stats->rejected += out.rejected;
    stats->parsed += out.read - out.rejected;
    max_record_id = std::max(max_record_id, out.max_record_id);
  }
};

// One file of a batch: what its header said (problems are emitted in order, before
// its records) and which of its chunks hold data.
struct FilePlan {
  EvtxFile file;
  std::vector<InputProblem> head;  // header problems, in the order found
  size_t used_chunks = 0;          // up to the last chunk that is not all zeros
  size_t first_job = 0;            // index of its chunk 0 in the batch's job list
  uint64_t header_next_id = 0;
  bool header_ok = false;
};

void plan_file(FilePlan& fp) {
  using namespace evtx;
  const uint8_t* data = fp.file.data;
  const size_t size = fp.file.size;
  FileStats& stats = *fp.file.stats;
  stats.format = Format::Evtx;
  stats.bytes = size;
  auto problem = [&](uint64_t off, std::string what, bool warning) {
    InputProblem p;
    p.file = *fp.file.path;
    p.offset = off;
    p.what = std::move(what);
    p.warning = warning;
    fp.head.push_back(std::move(p));
  };

  // ---- file header
  uint32_t header_chunks = 0;
  if (size < 128 || std::memcmp(data, "ElfFile", 8) != 0) {
    problem(0, "not an EVTX file header (ElfFile signature missing)", false);
  } else {
    fp.header_ok = true;
    fp.header_next_id = le64(data + 24);
    header_chunks = le16(data + 42);
    const uint32_t flags = le32(data + 120);
    if (crc32_of(data, 120) != le32(data + 124)) problem(124, "file header checksum mismatch", true);
    if (le16(data + 38) != 3) problem(38, "unexpected format major version " + std::to_string(le16(data + 38)), true);
    if (flags & 1) problem(120, "file is dirty (not closed cleanly): header counters may be stale", true);
    const uint64_t first = le64(data + 8), last = le64(data + 16);
    if (header_chunks != 0 && last + 1 - first != header_chunks)
      problem(8, "header chunk numbers disagree with its chunk count", true);
  }
  // Chunks are whole 64 KiB blocks and the header count never runs ahead of them (a
  // stale count is too small), so a file that ends before them is a truncated copy.
  if (fp.header_ok && size >= kFileHeaderSize && size < kFileHeaderSize + uint64_t(header_chunks) * kChunkSize) {
    problem(size,
            "file truncated: its header claims " + std::to_string(header_chunks) + " chunk(s), ending at byte " +
                std::to_string(kFileHeaderSize + uint64_t(header_chunks) * kChunkSize) +
                "; records past the end are lost",
            false);
    fp.head.back().records = 0;  // how many were lost is unknown: none are counted
  }
  if (size <= kFileHeaderSize) {
    if (size < kFileHeaderSize) problem(size, "file truncated inside its header block", false);
    if (!fp.header_ok) stats.failed = true;
    return;
  }

  // ---- chunks present in the file (the header count may be stale or too small)
  const size_t n_chunks = (size - kFileHeaderSize + kChunkSize - 1) / kChunkSize;
  for (size_t i = n_chunks; i > 0; --i) {
    const size_t off = kFileHeaderSize + (i - 1) * kChunkSize;
    const size_t n = std::min(kChunkSize, size - off);
    if (off >= fp.file.zero_from) continue;  // a hole: zero, not even paged in
    if (!all_zero(data + off, std::min<uint64_t>(n, fp.file.zero_from - off))) {
      fp.used_chunks = i;
      break;
    }
  }
  if (fp.header_ok && fp.used_chunks > header_chunks)
    problem(42, "header claims " + std::to_string(header_chunks) + " chunks but " + std::to_string(fp.used_chunks) +
                    " are present; reading all",
            true);
}

// Decodes chunk i of a file into out (nothing for a chunk of zeros inside the used
// range: unused space, not damage).
void decode_chunk(evtx::ChunkDecoder& dec, const FilePlan& fp, size_t i, bool carve, ChunkOutput& out) {
  using namespace evtx;
  const uint64_t off = kFileHeaderSize + i * kChunkSize;
  const uint8_t* p = fp.file.data + off;
  const size_t n = std::min(kChunkSize, fp.file.size - size_t(off));
  if (n >= 8 && p[0] == 0 && all_zero(p, n)) return;
  dec.decode(p, n, off, i, *fp.file.path, carve, out);
}

}  // namespace

void read_evtx(const uint8_t* data, size_t size, const std::string& path, EventSink& sink, FileStats& stats,
               const ReadOptions& opts) {
  const EvtxFile f{data, size, &path, &stats, 0};
  read_evtx_files(std::span<const EvtxFile>(&f, 1), sink, opts);
}

void read_evtx_files(std::span<const EvtxFile> files, EventSink& sink, const ReadOptions& opts) {
  using namespace evtx;
  std::vector<FilePlan> plans(files.size());
  // Headers and the scan for unused (zero) chunks touch every page: in parallel.
  parallel_for(files.size(), opts.threads, [&](size_t k) {
    plans[k].file = files[k];
    plan_file(plans[k]);
  });
  size_t jobs = 0;
  for (FilePlan& fp : plans) {
    fp.first_job = jobs;
    jobs += fp.used_chunks;
  }
  // job j -> (file, chunk): files are in order, so a cursor suffices on each side.
  auto progress = [&](const FilePlan& fp, size_t i) {
    if (opts.progress)
      opts.progress(fp.file.progress_base + std::min<uint64_t>(fp.file.size, kFileHeaderSize + (i + 1) * kChunkSize));
  };
  auto file_end = [&](const FilePlan& fp, const Emitter& em) {
    if (fp.header_ok && em.max_record_id != 0 && fp.header_next_id != 0 && fp.header_next_id <= em.max_record_id) {
      InputProblem p;
      p.file = *fp.file.path;
      p.offset = 24;
      p.what = "header next record id " + std::to_string(fp.header_next_id) + " is stale (records up to " +
               std::to_string(em.max_record_id) + " present)";
      p.warning = true;
      sink.on_problem(p);
    }
  };
  // emit_file(fp, get): header problems, then each chunk's output as get(i) hands it
  // over (in order), then the trailer check.
  Emitter em{sink};
  auto emit_file = [&](const FilePlan& fp, auto&& get, auto&& release) {
    for (const InputProblem& p : fp.head) sink.on_problem(p);
    em.start(*fp.file.stats);
    for (size_t i = 0; i < fp.used_chunks; ++i) {
      em.emit(get(fp.first_job + i));
      progress(fp, i);
      release(fp.first_job + i);
    }
    file_end(fp, em);
  };

  const unsigned threads = unsigned(std::min<size_t>(resolve_threads(opts.threads), jobs));

  if (threads <= 1) {
    // Kept per thread across files: their buffers and caches are reused.
    thread_local ChunkDecoder dec;
    thread_local ChunkOutput out;
    for (const FilePlan& fp : plans) {
      emit_file(
          fp,
          [&](size_t j) -> const ChunkOutput& {
            out.clear();
            decode_chunk(dec, fp, j - fp.first_job, opts.carve, out);
            return out;
          },
          [](size_t) {});
    }
    return;
  }

  // Bounded window over the batch's jobs: job j may be decoded only once job
  // j - window was emitted, so memory stays at window x decoded chunk. The calling
  // thread emits in order and, rather than sleep while the next job is not ready,
  // decodes jobs itself; helpers (threads - 1 of them) decode the rest. Nobody is
  // woken unless asleep: a handoff per chunk would otherwise cost a context switch.
  const size_t window = size_t(threads) * 16;
  struct Slot {
    ChunkOutput out;
    bool ready = false;
  };
  std::vector<Slot> slots(window);
  std::mutex m;
  std::condition_variable cv_work, cv_done;
  size_t next = 0, emitted = 0;
  unsigned helpers_asleep = 0;
  bool main_asleep = false;
  // claim(lk): the next job if the window allows one (under m), else jobs.
  auto claim = [&]() -> size_t { return next < jobs && next < emitted + window ? next++ : jobs; };
  auto plan_of = [&](size_t j, size_t& k) -> const FilePlan& {
    while (j >= plans[k].first_job + plans[k].used_chunks) ++k;
    return plans[k];
  };
  // Decodes job j into its slot and marks it ready.
  auto decode_job = [&](ChunkDecoder& dec, size_t j, size_t& k) {
    const FilePlan& fp = plan_of(j, k);
    Slot& s = slots[j % window];
    s.out.clear();
    decode_chunk(dec, fp, j - fp.first_job, opts.carve, s.out);
    std::lock_guard lk(m);
    s.ready = true;
    if (main_asleep) cv_done.notify_one();
  };
  auto work = [&] {
    thread_local ChunkDecoder dec;  // kept across files
    size_t k = 0;                   // this thread's cursor into plans (its jobs only increase)
    for (;;) {
      size_t j;
      {
        std::unique_lock lk(m);
        while ((j = claim()) == jobs) {
          if (next >= jobs) return;
          ++helpers_asleep;
          cv_work.wait(lk);
          --helpers_asleep;
        }
      }
      decode_job(dec, j, k);
    }
  };
  WorkerPool& pool = WorkerPool::instance();
  std::unique_lock run_lock(pool.run_m, std::try_to_lock);
  // Another batch is being read concurrently on the shared pool: use own threads.
  const unsigned helpers = threads - 1;
  std::vector<std::thread> own;
  if (run_lock.owns_lock()) {
    pool.run(helpers, work);
  } else {
    own.reserve(helpers);
    for (unsigned t = 0; t < helpers; ++t) own.emplace_back(work);
  }
  thread_local ChunkDecoder main_dec;
  size_t main_k = 0;
  for (const FilePlan& fp : plans)
    emit_file(
        fp,
        [&](size_t j) -> const ChunkOutput& {
          Slot& s = slots[j % window];
          std::unique_lock lk(m);
          while (!s.ready) {
            const size_t mine = claim();
            if (mine != jobs) {
              lk.unlock();
              decode_job(main_dec, mine, main_k);
              lk.lock();
              continue;
            }
            main_asleep = true;
            cv_done.wait(lk);
            main_asleep = false;
          }
          return s.out;  // not touched by helpers until emitted advances past j
        },
        [&](size_t j) {
          std::lock_guard lk(m);
          slots[j % window].ready = false;
          ++emitted;
          if (helpers_asleep) cv_work.notify_all();
        });
  {
    // Helpers asleep on a full window must see that nothing is left.
    std::lock_guard lk(m);
    cv_work.notify_all();
  }
  if (run_lock.owns_lock()) pool.wait();
  for (auto& t : own) t.join();
}

}  // namespace splinter::io
