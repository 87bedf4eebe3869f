#pragma once
// A fixed pool for one layer's kernels (layer_options.threads). The caller runs task 0 and each
// worker one other index, so a split that depends only on the index and the pool's size gives
// the same work to the same thread every time (weights stay in that core's cache) and the same
// result for any number of threads (layer.cpp splits only where that holds).
// Workers spin briefly before sleeping: a time step at batch 1 lasts microseconds.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace rnn {

class thread_pool {
 public:
  explicit thread_pool(int threads);
  ~thread_pool();
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs task(i) for every i in [0, size()) and returns when all are done. Allocates nothing.
  template <class F>
  void run(F& task) {
    // The layer's parallel_for runs a one-thread pool's work itself and never gets here without
    // workers; a pool used directly still may. GCOVR_EXCL_START
    if (workers_.empty()) {
      task(0);
      return;
    }
    // GCOVR_EXCL_STOP
    call_ = [](void* context, int index) { (*static_cast<F*>(context))(index); };
    context_ = &task;
    start();
    task(0);
    join();
  }

 private:
  void start();
  void join();
  void stop_workers();
  void work(int index);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  bool stop_ = false;
  void (*call_)(void*, int) = nullptr;
  void* context_ = nullptr;
};

}  // namespace rnn
