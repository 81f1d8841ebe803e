// c2audit-bench-open-storm: open+close of one file in a tight loop, on N
// threads, for a fixed time. Prints one JSON line with the exact number of
// opens performed, so an auditor's record count can be checked against it.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

namespace {

struct Counts {
  uint64_t opens = 0;
  uint64_t failures = 0;
};

// Each thread counts in its own slot and publishes once: no shared cache line
// in the loop, so the count costs the workload nothing.
void storm(const std::string& path, const std::atomic<bool>& stop, Counts& out) {
  Counts local;
  while (!stop.load(std::memory_order_relaxed)) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ++local.opens;
    if (fd < 0) {
      ++local.failures;
      continue;
    }
    ::close(fd);
  }
  out = local;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  unsigned threads = 1;
  double seconds = 5;
  CLI::App app{"Open storm: open+close of one file in a loop, N threads, fixed duration"};
  app.add_option("--path", path, "File to open")->required();
  app.add_option("--threads", threads, "Threads")->check(CLI::Range(1u, 256u));
  app.add_option("--seconds", seconds, "Duration")->check(CLI::Range(0.1, 3600.0));
  CLI11_PARSE(app, argc, argv);

  std::atomic<bool> stop{false};
  std::vector<Counts> counts(threads);
  std::vector<std::thread> workers;
  auto start = std::chrono::steady_clock::now();
  for (unsigned i = 0; i < threads; ++i) {
    workers.emplace_back(storm, std::cref(path), std::cref(stop), std::ref(counts[i]));
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true);
  for (auto& w : workers) w.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  Counts total;
  for (const auto& c : counts) {
    total.opens += c.opens;
    total.failures += c.failures;
  }
  std::printf("{\"pid\": %d, \"threads\": %u, \"ops\": %lu, \"failures\": %lu, \"seconds\": %.6f}\n",
              getpid(), threads, static_cast<unsigned long>(total.opens),
              static_cast<unsigned long>(total.failures), elapsed);
  return total.failures ? 1 : 0;
}
