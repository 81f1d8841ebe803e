// The pre-filter's steps (c2audit/filter_decision.h) run in the kernel, by a
// test program (tests/bpf/filter_decision.bpf.c) through BPF_PROG_TEST_RUN,
// and in user space, on the same table: every step gives the same answer on
// both sides, for hand-picked edges and for random masks.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <vector>

#include "c2audit/filter_decision.h"
#include "filter_decision_case.h"
#include "filter_decision_test.skel.h"
#include "harness.h"

namespace c2audit::test {
namespace {

struct SkeletonDeleter {
  void operator()(filter_decision_test* skel) const { filter_decision_test__destroy(skel); }
};

// What user space computes for the case, by the same steps.
c2a_decision_case in_user_space(c2a_decision_case c) {
  const c2a_policy_masks* m = &c.masks;
  c.open_class = c2a_open_class_of(c.open_flags);
  c.failed = c2a_failed(c.ret);
  c.by_result = c2a_by_result(m, c.objectives, c2a_failed(c.ret), c.by_errno);
  c.by_open_class = c2a_by_open_class(m, c.by_result, c.open_flags);
  c.by_user = c2a_by_user(m, c.by_open_class, c.include, c.exclude);
  c.by_top = c2a_by_top_component(m, c.by_user, c.top);
  c.by_path = c2a_by_path(m, c.by_top, c.by_prefix);
  c.worth = c2a_worth_recording(m, c.by_path);
  return c;
}

// Masks that are mostly set, so that cases survive to the later steps.
c2a_decision_case random_case(std::mt19937_64& rng) {
  auto dense = [&rng] { return rng() | rng() | rng(); };
  c2a_decision_case c{};
  c2a_policy_masks& m = c.masks;
  for (__u64* mask : {&m.on_success, &m.on_failure, &m.open_read, &m.open_write, &m.open_create, &m.any_user,
                      &m.any_path, &m.any_top, &m.any_errno, &m.records}) {
    *mask = dense();
  }
  m.exact_ignore = rng() & rng();
  c.objectives = dense();
  static constexpr __s64 kReturns[] = {0, 3, -1, -13, -4095, -4096, -100000, 1 << 20};
  c.ret = kReturns[rng() % std::size(kReturns)];
  static constexpr __u64 kFlags[] = {O_RDONLY, O_WRONLY, O_RDWR, O_RDONLY | O_TRUNC, O_CREAT | O_WRONLY,
                                     O_CREAT | O_EXCL, O_RDONLY | O_CLOEXEC | O_NOFOLLOW};
  c.open_flags = kFlags[rng() % std::size(kFlags)];
  c.by_errno = rng();
  c.include = rng();
  c.exclude = rng() & rng() & rng();
  c.top = rng();
  c.by_prefix = rng();
  return c;
}

TEST(FilterDecision, TheKernelAndUserSpaceDecideAlikeOnTheSameTable) {
  C2AUDIT_REQUIRE_ROOT();
  std::unique_ptr<filter_decision_test, SkeletonDeleter> skel(filter_decision_test__open_and_load());
  ASSERT_TRUE(skel) << "loading the test program failed (errno " << errno << ")";
  int prog = bpf_program__fd(skel->progs.decide);

  std::mt19937_64 rng(20261202);
  std::vector<c2a_decision_case> table;
  for (int i = 0; i < 4000; ++i) table.push_back(random_case(rng));
  // Edges: a call that succeeded with nothing else to narrow, and an ignore
  // first among the candidates.
  c2a_decision_case plain{};
  plain.masks.on_success = plain.masks.open_read = plain.masks.any_user = ~0ull;
  plain.masks.any_path = plain.masks.any_top = plain.masks.any_errno = plain.masks.records = ~0ull;
  plain.objectives = 0b110;
  table.push_back(plain);
  plain.masks.exact_ignore = 0b010;
  table.push_back(plain);

  int kept = 0, dropped = 0;
  for (const auto& c : table) {
    c2a_decision_case kernel = c;
    LIBBPF_OPTS(bpf_test_run_opts, run, .ctx_in = &kernel, .ctx_size_in = sizeof kernel);
    ASSERT_EQ(bpf_prog_test_run_opts(prog, &run), 0) << "errno " << errno;
    c2a_decision_case user = in_user_space(c);
    ASSERT_EQ(kernel.open_class, user.open_class) << "open flags " << c.open_flags;
    ASSERT_EQ(kernel.failed, user.failed) << "ret " << c.ret;
    ASSERT_EQ(kernel.by_result, user.by_result);
    ASSERT_EQ(kernel.by_open_class, user.by_open_class);
    ASSERT_EQ(kernel.by_user, user.by_user);
    ASSERT_EQ(kernel.by_top, user.by_top);
    ASSERT_EQ(kernel.by_path, user.by_path);
    ASSERT_EQ(kernel.worth, user.worth);
    (kernel.worth ? kept : dropped)++;
  }
  // The table reaches both verdicts, and the edges decide as they must.
  EXPECT_GT(kept, 100);
  EXPECT_GT(dropped, 100);
  EXPECT_EQ(in_user_space(table[table.size() - 2]).worth, 1u);
  EXPECT_EQ(in_user_space(table.back()).worth, 0u);
  EXPECT_EQ(c2a_failed(-4095), 1);
  EXPECT_EQ(c2a_failed(-4096), 0);
  EXPECT_EQ(c2a_open_class_of(O_RDONLY | O_TRUNC), C2A_OPEN_WRITE);
  EXPECT_EQ(c2a_open_class_of(O_CREAT), C2A_OPEN_CREATE);
  std::printf("filter decision: %zu cases, %d kept and %d dropped alike in the kernel and here\n", table.size(),
              kept, dropped);
}

}  // namespace
}  // namespace c2audit::test
