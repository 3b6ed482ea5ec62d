// Native reader for Windows .evtx files (file header, 64 KiB chunks, Binary XML).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/input.h"

namespace splinter::io {

// Decodes every record of an in-memory EVTX file into Events (same field names and
// rendering as the XmlWinEventLog reader) and pushes them to sink in file order.
// Damage is reported through sink.on_problem and counted in stats; never throws.
void read_evtx(const uint8_t* data, size_t size, const std::string& path, EventSink& sink,
               FileStats& stats, const ReadOptions& opts);

}  // namespace splinter::io
