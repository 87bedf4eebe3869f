// rnn::thread_pool: spin-then-sleep workers around one generation counter.
#include "thread_pool.hpp"

namespace rnn {

namespace {
constexpr int spin_limit = 20000;  // pause is 10-140 cycles: about 0.1-0.8 ms before sleeping
inline void pause() { __builtin_ia32_pause(); }
}  // namespace

thread_pool::thread_pool(int threads) {
  try {
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { work(i); });
  } catch (...) {
    stop_workers();  // a joinable std::thread left behind would terminate the program
    throw;
  }
}

thread_pool::~thread_pool() { stop_workers(); }

void thread_pool::stop_workers() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void thread_pool::start() {
  pending_.store(static_cast<int>(workers_.size()), std::memory_order_relaxed);
  {
    std::lock_guard lock(mutex_);  // under the mutex: a worker about to sleep cannot miss it
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
}

void thread_pool::join() {
  for (int spin = 0; pending_.load(std::memory_order_acquire) != 0; ++spin) {
    if (spin < spin_limit) {
      pause();
      continue;
    }
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
  }
}

void thread_pool::work(int index) {
  std::uint64_t seen = 0;
  for (;;) {
    for (int spin = 0; generation_.load(std::memory_order_acquire) == seen; ++spin) {
      if (spin < spin_limit) {
        pause();
        continue;
      }
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
    }
    seen = generation_.load(std::memory_order_acquire);
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
    call_(context_, index);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard lock(mutex_);
      done_.notify_one();
    }
  }
}

}  // namespace rnn
