// rnn::thread_pool: OpenMP parallel regions, and inside a session a spin-then-sleep hand-over
// around one generation counter.
#include "thread_pool.hpp"

#include <omp.h>

#include <climits>
#include <utility>

namespace rnn {

namespace {
constexpr int spin_limit = 20000;  // pause is 10-140 cycles: about 0.1-0.8 ms before sleeping
inline void pause() { __builtin_ia32_pause(); }
}  // namespace

void thread_pool::run_strided(int first, int stride, void (*call)(void*, int), void* context) {
  for (int i = first; i < size_; i += stride) {
    try {
      call(context, i);
    } catch (...) {
      // Which exception comes back does not depend on timing: the lowest index's.
      std::lock_guard lock(failure_mutex_);
      if (i < failed_index_) {
        failed_index_ = i;
        failure_ = std::current_exception();
      }
    }
  }
}

void thread_pool::run_region(void (*call)(void*, int), void* context) {
  failed_index_ = INT_MAX;
  failure_ = nullptr;
#pragma omp parallel num_threads(size_)
  run_strided(omp_get_thread_num(), omp_get_num_threads(), call, context);
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

void thread_pool::run_session(void (*body)(void*), void* context) {
  std::exception_ptr failed;
  generation_.store(0, std::memory_order_relaxed);  // before the region: every thread starts at 0
  stop_.store(false, std::memory_order_relaxed);
#pragma omp parallel num_threads(size_)
  {
    const int thread = omp_get_thread_num(), granted = omp_get_num_threads();
    if (thread != 0) {
      serve(thread, granted);
    } else {
      granted_ = granted;
      in_session_ = true;
      try {
        body(context);
      } catch (...) {
        failed = std::current_exception();  // rethrown outside the region
      }
      in_session_ = false;
      if (granted > 1) {
        {
          std::lock_guard lock(mutex_);  // as in hand_over: a thread about to sleep cannot miss it
          stop_.store(true, std::memory_order_relaxed);
          generation_.fetch_add(1, std::memory_order_release);
        }
        wake_.notify_all();
      }
    }
  }
  if (failed) std::rethrow_exception(failed);
}

void thread_pool::hand_over(void (*call)(void*, int), void* context) {
  const int granted = granted_;
  failed_index_ = INT_MAX;
  failure_ = nullptr;
  if (granted > 1) {
    call_ = call;
    context_ = context;
    pending_.store(granted - 1, std::memory_order_relaxed);
    {
      std::lock_guard lock(mutex_);  // under the mutex: a thread about to sleep cannot miss it
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
  }
  run_strided(0, granted, call, context);
  for (int spin = 0; pending_.load(std::memory_order_acquire) != 0; ++spin) {
    if (spin < spin_limit) {
      pause();
      continue;
    }
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
  }
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

void thread_pool::serve(int thread, int granted) {
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
    if (stop_.load(std::memory_order_relaxed)) return;  // published by that generation
    run_strided(thread, granted, call_, context_);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard lock(mutex_);
      done_.notify_one();
    }
  }
}

}  // namespace rnn
