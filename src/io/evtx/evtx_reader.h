// Native reader for Windows .evtx files (file header, 64 KiB chunks, Binary XML).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "io/input.h"

namespace splinter::io {

// Decodes every record of an in-memory EVTX file into Events (same field names and
// rendering as the XmlWinEventLog reader) and pushes them to sink in file order.
// Damage is reported through sink.on_problem and counted in stats; never throws.
void read_evtx(const uint8_t* data, size_t size, const std::string& path, EventSink& sink,
               FileStats& stats, const ReadOptions& opts);

// One in-memory EVTX file of a batch; path and stats must outlive the call.
struct EvtxFile {
  const uint8_t* data = nullptr;
  size_t size = 0;
  const std::string* path = nullptr;
  FileStats* stats = nullptr;
  uint64_t progress_base = 0;  // bytes of earlier input, added to progress reports
  // Every byte from here to the end is known to be zero without reading it (the file
  // system reports a hole there), so the scan for unused trailing chunks skips it.
  uint64_t zero_from = UINT64_MAX;
};

// Reads several EVTX files as one stream of chunks: a directory of small logs (one or
// two chunks each) keeps every core busy, where file-by-file decoding could use only
// one. Events, problems and stats still come out file by file, in order.
void read_evtx_files(std::span<const EvtxFile> files, EventSink& sink, const ReadOptions& opts);

}  // namespace splinter::io
