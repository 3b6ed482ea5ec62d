// Native EVTX reader on raw bytes, with and without carving of chunk slack space.
#include <cstddef>
#include <cstdint>

#include "fuzz_common.h"
#include "io/evtx/evtx_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splinter;
  for (bool carve : {false, true}) {
    io::ReadOptions opts;
    opts.carve = carve;
    opts.threads = 1;
    io::FileStats st;
    fuzz::CountingSink sink;
    io::read_evtx(data, size, "fuzz.evtx", sink, st, opts);
    fuzz::check_stats(st, sink);
  }
  return 0;
}
