// rnn::thread_pool on the process's OpenMP runtime: every index exactly once, on the thread its
// number names, whether OpenMP grants all the threads asked or fewer (inside a user's parallel
// region with nesting off, under a thread limit), by run() alone (a region per call) and by
// run() inside a session (one region, hand-overs); a task's or a session body's exception comes
// back to the caller; the process's OpenMP settings are left as they were.
#include <gtest/gtest.h>
#include <omp.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "thread_pool.hpp"

namespace rnn::test {
namespace {

// Which index ran how often, on which thread number, in a team of how many.
struct record {
  std::vector<std::atomic<int>> runs, thread, team;
  explicit record(int n) : runs(n), thread(n), team(n) {
    for (int i = 0; i < n; ++i) thread[i] = team[i] = -1;
  }
};

// Runs the pool once recording into r (or, in a session, `calls` times, into `calls` records:
// the hand-over must serve every run, not only the first).
void run_recorded(thread_pool& pool, record& r) {
  auto task = [&](int i) {
    r.runs[i].fetch_add(1);
    r.thread[i] = omp_get_thread_num();
    r.team[i] = omp_get_num_threads();
  };
  pool.run(task);
}
void run_recorded_in_session(thread_pool& pool, std::vector<record>& records) {
  pool.session([&] {
    for (record& r : records) run_recorded(pool, r);
  });
}
std::vector<record> records_of(int count, int n) {
  std::vector<record> out;
  out.reserve(count);
  for (int k = 0; k < count; ++k) out.emplace_back(n);
  return out;
}

// Every index once; index i on thread i mod the team's size (thread 0 is the caller), so a split
// by index keeps the same rows on the same thread whenever the grant is the same.
void expect_each_index_once(const record& r, int n, const std::string& what) {
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(r.runs[i].load(), 1) << what << " index " << i;
    const int team = r.team[i].load();
    ASSERT_GE(team, 1) << what << " index " << i;
    EXPECT_EQ(r.thread[i].load(), i % team) << what << " index " << i;
  }
}

struct openmp_settings {
  int max_threads = omp_get_max_threads(), max_active_levels = omp_get_max_active_levels();
  int dynamic = omp_get_dynamic(), nested_level = omp_get_level();
  bool operator==(const openmp_settings&) const = default;
};

TEST(thread_pool, every_index_once_with_all_threads) {
  const openmp_settings before;
  for (int n = 1; n <= 8; ++n) {
    thread_pool pool(n);
    ASSERT_EQ(pool.size(), n);
    for (int call = 0; call < 3; ++call) {  // reused, as a layer reuses it every step
      record r(n);
      run_recorded(pool, r);
      expect_each_index_once(r, n, "size " + std::to_string(n));
      // Outside any region, with OMP_DYNAMIC off (the default), OpenMP grants what is asked.
      if (!omp_get_dynamic() && n <= omp_get_thread_limit()) {
        EXPECT_EQ(r.team[n - 1].load(), n) << "size " << n;
      }
    }
  }
  EXPECT_TRUE(openmp_settings{} == before) << "run() changed the process's OpenMP settings";
}

TEST(thread_pool, every_index_once_in_a_session) {
  const openmp_settings before;
  for (int n = 1; n <= 8; ++n) {
    thread_pool pool(n);
    for (int session = 0; session < 2; ++session) {  // a pool opens one per forward, per backward
      std::vector<record> records = records_of(50, n);
      run_recorded_in_session(pool, records);
      for (const record& r : records) {
        expect_each_index_once(r, n, "session, size " + std::to_string(n));
        if (!omp_get_dynamic() && n <= omp_get_thread_limit()) {
          EXPECT_EQ(r.team[n - 1].load(), n) << "size " << n;
        }
      }
    }
    record after(n);  // and run() alone after the session
    run_recorded(pool, after);
    expect_each_index_once(after, n, "after a session, size " + std::to_string(n));
  }
  EXPECT_TRUE(openmp_settings{} == before) << "a session changed the process's OpenMP settings";
}

// Inside a user's parallel region with at most one active level (libgomp's default), each of the
// user's threads gets a team of one: that thread runs every index itself.
TEST(thread_pool, every_index_once_inside_a_users_parallel_region) {
  const int levels = omp_get_max_active_levels();
  omp_set_max_active_levels(1);  // the default, made sure of; restored below
  constexpr int outer = 2;
  for (int n = 2; n <= 8; ++n) {
    std::vector<record> records;
    records.reserve(outer);
    for (int k = 0; k < outer; ++k) records.emplace_back(n);
    std::vector<std::vector<record>> in_session;
    for (int k = 0; k < outer; ++k) in_session.push_back(records_of(3, n));
#pragma omp parallel num_threads(outer)
    {
      thread_pool pool(n);
      run_recorded(pool, records[omp_get_thread_num()]);
      run_recorded_in_session(pool, in_session[omp_get_thread_num()]);
    }
    for (int k = 0; k < outer; ++k) {
      const std::string what = "size " + std::to_string(n) + " outer thread " + std::to_string(k);
      expect_each_index_once(records[k], n, what);
      EXPECT_EQ(records[k].team[0].load(), 1) << what;
      for (const record& r : in_session[k]) {
        expect_each_index_once(r, n, what + " in a session");
        EXPECT_EQ(r.team[0].load(), 1) << what << " in a session";
      }
    }
  }
  omp_set_max_active_levels(levels);
}

// Under a thread limit below the pool's size (a host teams construct's thread_limit, the same
// limit OMP_THREAD_LIMIT sets for the process), each granted thread takes every granted-th index.
TEST(thread_pool, every_index_once_under_a_thread_limit) {
  for (int n = 2; n <= 8; ++n) {
    for (int limit = 1; limit < n; ++limit) {
      record r(n);
      std::vector<record> in_session = records_of(3, n);
      thread_pool pool(n);
#pragma omp teams num_teams(1) thread_limit(limit)
      {
        run_recorded(pool, r);
        run_recorded_in_session(pool, in_session);
      }
      const std::string what = "size " + std::to_string(n) + " limit " + std::to_string(limit);
      expect_each_index_once(r, n, what);
      EXPECT_LE(r.team[0].load(), limit) << what;
      for (const record& s : in_session) {
        expect_each_index_once(s, n, what + " in a session");
        EXPECT_LE(s.team[0].load(), limit) << what << " in a session";
      }
    }
  }
}

// A throwing task: the others still run, the lowest failing index's exception reaches the
// caller (never std::terminate from inside the region), and the pool works afterwards.
TEST(thread_pool, rethrows_a_tasks_exception) {
  for (int n = 2; n <= 4; ++n) {
    thread_pool pool(n);
    std::vector<std::atomic<int>> runs(n);
    auto task = [&](int i) {
      runs[i].fetch_add(1);
      if (i >= 1) throw std::runtime_error("index " + std::to_string(i));
    };
    try {
      pool.run(task);
      ADD_FAILURE() << "size " << n << ": no exception";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "index 1") << "size " << n;
    }
    for (int i = 0; i < n; ++i) EXPECT_EQ(runs[i].load(), 1) << "size " << n << " index " << i;
    record r(n);
    run_recorded(pool, r);
    expect_each_index_once(r, n, "after the exception, size " + std::to_string(n));
  }
}

// In a session: run() rethrows a task's exception to the body, which may go on using the pool;
// an exception leaving the body leaves the session (after its region closes) and the pool works.
TEST(thread_pool, rethrows_in_a_session) {
  for (int n = 2; n <= 4; ++n) {
    thread_pool pool(n);
    std::vector<std::atomic<int>> runs(n);
    auto task = [&](int i) {
      runs[i].fetch_add(1);
      if (i == n - 1) throw std::runtime_error("last");
    };
    int caught = 0;
    std::vector<record> records = records_of(2, n);
    try {
      pool.session([&] {
        for (int k = 0; k < 3; ++k) {
          try {
            pool.run(task);
          } catch (const std::runtime_error&) {
            ++caught;
          }
        }
        for (record& r : records) run_recorded(pool, r);
        throw std::logic_error("body");
      });
      ADD_FAILURE() << "size " << n << ": the body's exception was lost";
    } catch (const std::logic_error& e) {
      EXPECT_STREQ(e.what(), "body");
    }
    EXPECT_EQ(caught, 3) << "size " << n;
    for (int i = 0; i < n; ++i) EXPECT_EQ(runs[i].load(), 3) << "size " << n << " index " << i;
    for (const record& r : records) expect_each_index_once(r, n, "size " + std::to_string(n));
    std::vector<record> after = records_of(2, n);
    run_recorded_in_session(pool, after);
    for (const record& r : after)
      expect_each_index_once(r, n, "after the exception, size " + std::to_string(n));
  }
}

// The same with the caller's team of one (nested, nesting off): one thread runs the failing
// index and every later one.
TEST(thread_pool, rethrows_inside_a_users_parallel_region) {
  const int levels = omp_get_max_active_levels();
  omp_set_max_active_levels(1);
  std::atomic<int> caught{0}, ran{0};
#pragma omp parallel num_threads(2)
  {
    thread_pool pool(3);
    auto task = [&](int i) {
      ran.fetch_add(1);
      if (i == 1) throw std::logic_error("one");
    };
    try {
      pool.run(task);
    } catch (const std::logic_error&) {
      caught.fetch_add(1);
    }
  }
  omp_set_max_active_levels(levels);
  EXPECT_EQ(caught.load(), 2);
  EXPECT_EQ(ran.load(), 6);
}

}  // namespace
}  // namespace rnn::test
