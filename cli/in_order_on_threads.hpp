#pragma once
// The ordered parallel runner of `rnnsuite verify`: units on several threads, costliest first,
// reported in plan order, so the table reads the same for any number of jobs.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "rnnsuite/verify/thread_caches.hpp"

namespace rnnsuite::cli {

// Runs work(k) for every k in [0, n) on `jobs` threads, the largest cost[k] first, and calls
// done(k, result, error, seconds) on this thread in order of k, each as soon as it and every
// earlier k are finished: the report reads the same for any number of jobs. An exception of
// work(k) becomes its error text, with an empty result.
template <class Work, class Done>
void in_order_on_threads(std::size_t n, std::size_t jobs, const std::vector<double>& cost,
                         Work work, Done done) {
  using result = decltype(work(std::size_t(0)));
  std::vector<std::size_t> order(n);
  for (std::size_t k = 0; k < n; ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  std::vector<std::optional<result>> results(n);
  std::vector<std::string> errors(n);
  std::vector<double> seconds(n);
  std::mutex lock;
  std::condition_variable finished;
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      const std::size_t k = order[i];
      result r{};
      std::string error;
      const auto start = std::chrono::steady_clock::now();
      try {
        r = work(k);
      } catch (const std::exception& e) {
        error = e.what();
      }
      const double took =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::lock_guard<std::mutex> guard(lock);
      results[k] = std::move(r), errors[k] = std::move(error), seconds[k] = took;
      finished.notify_all();
    }
    verify::release_thread_caches();  // the work ran the reference on this thread
  };
  std::vector<std::thread> pool;
  for (std::size_t j = 0; j < std::max<std::size_t>(1, jobs); ++j) pool.emplace_back(worker);
  for (std::size_t k = 0; k < n; ++k) {
    std::unique_lock<std::mutex> guard(lock);
    finished.wait(guard, [&] { return results[k].has_value(); });
    result r = std::move(*results[k]);
    guard.unlock();
    done(k, r, errors[k], seconds[k]);
  }
  for (std::thread& t : pool) t.join();
}

}  // namespace rnnsuite::cli
