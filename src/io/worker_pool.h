// Process-wide helper threads for parallel decoding (EVTX chunks, mapping and
// planning a batch of files).
#pragma once
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace splinter::io {

// Worker threads live for the whole process: a run of many small files would
// otherwise pay a thread start per file and per worker, and lose the decoders'
// warmed-up buffers. run(n, fn) runs fn on n workers and returns at once; wait()
// blocks until they are all done. One run at a time: callers hold run_m from run()
// to wait(), and fall back to threads of their own (or to the calling thread) when
// another reader holds it.
class WorkerPool {
 public:
  static WorkerPool& instance();
  std::mutex run_m;

  void run(unsigned n, std::function<void()> fn);
  void wait();

 private:
  void loop();
  std::mutex m_;
  std::condition_variable cv_, done_;
  std::vector<std::thread> workers_;
  std::function<void()> fn_;
  unsigned tickets_ = 0, running_ = 0;
  uint64_t generation_ = 0;
};

// Calls fn(i) for every i in [0, n), on the calling thread and up to threads - 1
// pool workers (threads 0 = all cores); returns when all calls are done. fn must be
// safe to run concurrently for different i.
void parallel_for(size_t n, unsigned threads, const std::function<void(size_t)>& fn);

// threads as the user asked (0 = all cores), at least 1.
unsigned resolve_threads(unsigned threads);

}  // namespace splinter::io
