#pragma once
// One layer's threads (layer_options.threads), run on the process's OpenMP runtime: rnnsuite lives
// in processes (PyTorch, oneDNN, OpenBLAS) that already keep a set of OpenMP workers, and a
// private pool beside them fights those workers for the cores (issue 28: 0.20-0.41x oneDNN with
// OMP_WAIT_POLICY=ACTIVE). The pool owns no thread; it borrows OpenMP's.
//
// Indices, not threads, carry the work: run() calls task(i) exactly once for every i in
// [0, size()), whatever number of threads OpenMP grants (fewer inside a user's parallel region
// with nesting off, under OMP_THREAD_LIMIT or OMP_DYNAMIC): granted thread k runs k, k + granted,
// ... A split that depends only on the index and size() therefore gives the same result for any
// grant, and the same work to the same thread whenever the grant is whole (OpenMP numbers a
// team's threads the same way every time, libgomp reuses the same workers, so weights stay in
// that core's cache). The caller is thread 0 and runs index 0.
//
// Two ways to reach the threads:
// - run() alone opens one parallel region per call. libgomp's fork and join cost two futex
//   system calls, about 3 µs on this machine against 1 µs for a spinning hand-over: too slow for
//   batch 1, which synchronises a few times per time step.
// - session(body) opens one region for body's whole duration: the caller runs body, the other
//   granted threads wait inside the region (spinning briefly, then sleeping) and run() calls from
//   body hand them work through a counter, with no system call while they spin. The layer opens
//   one per forward and per backward.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <type_traits>

namespace rnn {

class thread_pool {
 public:
  explicit thread_pool(int threads) : size_(threads < 1 ? 1 : threads) {}
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;

  int size() const { return size_; }

  // Runs task(i) for every i in [0, size()) and returns when all are done. Allocates nothing
  // unless a task throws; an exception never crosses the parallel region (that would terminate
  // the program): every index still runs, then the lowest failing index's exception is rethrown.
  template <class F>
  void run(F& task) {
    // The layer's parallel_for runs a one-thread pool's work itself and never gets here; a pool
    // used directly still may, and opens no region for it. GCOVR_EXCL_START
    if (size_ == 1) {
      task(0);
      return;
    }
    // GCOVR_EXCL_STOP
    auto call = [](void* context, int index) { (*static_cast<F*>(context))(index); };
    if (in_session_)
      hand_over(call, &task);
    else
      run_region(call, &task);
  }

  // Runs body() on the calling thread with the pool's threads held for run() (above). Only the
  // calling thread may call run() during body. An exception from body is rethrown after the
  // region closes. A session inside a session is the outer one.
  template <class F>
  void session(F&& body) {
    if (size_ == 1 || in_session_) {
      body();
      return;
    }
    run_session([](void* context) { (*static_cast<std::remove_reference_t<F>*>(context))(); },
                &body);
  }

 private:
  // thread_pool.cpp: the one file that needs <omp.h>.
  void run_region(void (*call)(void*, int), void* context);
  void run_session(void (*body)(void*), void* context);
  void hand_over(void (*call)(void*, int), void* context);
  void serve(int thread, int granted);  // a session's thread other than the caller
  void run_strided(int first, int stride, void (*call)(void*, int), void* context);

  int size_;
  // The session: written by the calling thread; the granted threads read call_ and context_
  // after the generation that publishes them.
  bool in_session_ = false;
  int granted_ = 1;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  void (*call_)(void*, int) = nullptr;
  void* context_ = nullptr;
  // The lowest failing index of the current run and its exception (under failure_mutex_).
  std::mutex failure_mutex_;
  int failed_index_ = 0;
  std::exception_ptr failure_;
};

}  // namespace rnn
