// JSON reader (JSON lines, arrays, Winlogbeat/ECS/NXLog/evtx_dump shapes): arbitrary bytes (optionally gzip/zstd, sniffed by
// ByteSource) through read_json_stream with a small window so records straddle refills.
#include <cstddef>
#include <cstdint>

#include "fuzz_common.h"
#include "io/readers.h"
#include "io/stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splinter;
  io::ByteSource src;
  src.open_memory(data, size);
  io::StreamBuffer sb(src, 4096);
  io::FileStats st;
  fuzz::CountingSink sink;
  io::read_json_stream(sb, "fuzz.json", sink, st);
  fuzz::check_stats(st, sink);
  return 0;
}
