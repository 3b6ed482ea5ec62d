#include "io/worker_pool.h"

#include <algorithm>
#include <atomic>

namespace splinter::io {

WorkerPool& WorkerPool::instance() {
  static WorkerPool* pool = new WorkerPool;  // never destroyed: workers may still wait at exit
  return *pool;
}

void WorkerPool::run(unsigned n, std::function<void()> fn) {
  std::unique_lock lk(m_);
  while (workers_.size() < n) workers_.emplace_back([this] { loop(); }).detach();
  fn_ = std::move(fn);
  tickets_ = n;
  running_ = n;
  ++generation_;
  cv_.notify_all();
}

void WorkerPool::wait() {
  std::unique_lock lk(m_);
  done_.wait(lk, [&] { return running_ == 0; });
  fn_ = nullptr;
}

void WorkerPool::loop() {
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

unsigned resolve_threads(unsigned threads) {
  return threads ? threads : std::max(1u, std::thread::hardware_concurrency());
}

void parallel_for(size_t n, unsigned threads, const std::function<void(size_t)>& fn) {
  threads = unsigned(std::min<size_t>(resolve_threads(threads), n));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) fn(i);
  };
  WorkerPool& pool = WorkerPool::instance();
  std::unique_lock run_lock(pool.run_m, std::defer_lock);
  if (threads > 1 && run_lock.try_lock()) {
    pool.run(threads - 1, work);
    work();
    pool.wait();
  } else {
    work();  // one thread asked for, or the pool is busy with another reader
  }
}

}  // namespace splinter::io
