// c2audit-bench-exec-storm: fork+exec of a program (default /bin/true) in a
// loop for a fixed time. Prints one JSON line: the driver's pid (the parent
// of every exec'd child) and the exact number of execs performed.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

namespace {

// Runs `program` once; true when the child exec'd it and exited 0.
bool fork_exec(const std::string& program) {
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    char* const args[] = {const_cast<char*>(program.c_str()), nullptr};
    execv(program.c_str(), args);
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string program = "/bin/true";
  double seconds = 5;
  CLI::App app{"Exec storm: fork+exec of a program in a loop for a fixed duration"};
  app.add_option("--program", program, "Program to exec (no arguments)")->capture_default_str();
  app.add_option("--seconds", seconds, "Duration")->check(CLI::Range(0.1, 3600.0));
  CLI11_PARSE(app, argc, argv);

  uint64_t execs = 0, failures = 0;
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    ++execs;
    if (!fork_exec(program)) ++failures;
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"pid\": %d, \"ops\": %lu, \"failures\": %lu, \"seconds\": %.6f}\n", getpid(),
              static_cast<unsigned long>(execs), static_cast<unsigned long>(failures), elapsed);
  return failures ? 1 : 0;
}
