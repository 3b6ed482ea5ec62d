// Reading inputs: paths (files, directories walked recursively, "-" for stdin),
// transparent gzip/zstd, format sniffed per file, events pushed to a sink.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/event.h"

namespace splinter::io {

// WinEventLog: classic key=value text records (read by the XmlWinEventLog reader, which
// takes both renderings, even interleaved); named after what most of the file holds.
enum class Format { Unknown, XmlWinEventLog, WinEventLog, Json, Evtx, Csv };
const char* format_name(Format f);

// A malformed or damaged record, or an unreadable file: reported, counted, skipped.
struct InputProblem {
  std::string file;
  uint64_t offset = 0;  // byte offset in the (decompressed) input
  uint64_t line = 0;    // 0 when not line-based
  std::string what;
  bool warning = false;  // a warning does not lose a record (e.g. EVTX dirty header)
  // Records this error lost (counted in FileStats::rejected): usually 1; a damaged
  // stretch of an EVTX chunk may stand for several, 0 for a file-level error.
  uint64_t records = 1;
};

struct FileStats {
  std::string path;
  Format format = Format::Unknown;
  uint64_t bytes = 0;     // bytes read after decompression
  uint64_t read = 0;      // records seen (read = parsed + rejected)
  uint64_t parsed = 0;    // records handed to the sink
  uint64_t rejected = 0;  // malformed records skipped
  uint64_t recovered = 0;  // of parsed: carved from EVTX slack space (--carve)
  bool failed = false;    // the file could not be opened or decoded at all
  bool skipped = false;   // found while walking a directory and not a log format: ignored
};

struct ReadOptions {
  bool carve = false;  // EVTX: also recover records from chunk slack space
  unsigned threads = 0;  // 0 = all cores (EVTX chunk decoding)
  // Called now and then with bytes consumed so far (for a progress line).
  std::function<void(uint64_t bytes)> progress;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // e's fields are views valid only until on_event returns: copy what is kept.
  virtual void on_event(const Event& e) = 0;
  virtual void on_problem(const InputProblem& p) = 0;
};

// Expands paths (directories recursively, sorted; "-" = stdin) and reads each file.
// Never throws for bad input: problems go to sink.on_problem and the stats.
std::vector<FileStats> read_inputs(const std::vector<std::string>& paths, EventSink& sink,
                                   const ReadOptions& opts = {});

}  // namespace splinter::io
