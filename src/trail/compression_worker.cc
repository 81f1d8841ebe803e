#include "trail/compression_worker.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <pthread.h>
#include <unistd.h>

#include <fmt/format.h>

#include "trail/append_only.h"
#include "trail/segment_compressor.h"

namespace c2audit {
namespace {

constexpr mode_t kClosedMode = 0640;

}  // namespace

CompressionWorker::CompressionWorker() : thread_([this] { run(); }) {}

CompressionWorker::~CompressionWorker() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void CompressionWorker::request(std::vector<std::filesystem::path> closed) {
  if (closed.empty()) return;
  {
    std::lock_guard lock(mutex_);
    for (auto& path : closed) queue_.push_back(std::move(path));
  }
  wake_.notify_one();
}

std::vector<std::string> CompressionWorker::take_notes() {
  std::lock_guard lock(mutex_);
  return std::exchange(notes_, {});
}

std::unique_lock<std::mutex> CompressionWorker::lock_segment_files() {
  return std::unique_lock(files_mutex_);
}

void CompressionWorker::add_note(std::string note) {
  std::lock_guard lock(mutex_);
  notes_.push_back(std::move(note));
}

void CompressionWorker::run() {
  // Compression is housekeeping: at normal priority, not the consumer's boost.
  setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 0);
  pthread_setname_np(pthread_self(), "c2a-compress");
  for (;;) {
    std::filesystem::path closed;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return !queue_.empty() || quit_; });
      if (queue_.empty()) return;  // quit, nothing left to do
      closed = std::move(queue_.front());
      queue_.pop_front();
    }
    compress(closed);
  }
}

// The long part outside the segment-files lock, so that rotate-oldest never
// waits for it; the files change under the lock, once the raw segment is
// known to be still there.
void CompressionWorker::compress(const std::filesystem::path& closed) {
  if (::access(closed.c_str(), F_OK) != 0) return;  // compressed or removed meanwhile
  auto temp = compress_segment_to_temp(closed);
  std::lock_guard files(files_mutex_);
  if (!temp) {
    if (::access(closed.c_str(), F_OK) == 0) {
      add_note(fmt::format("closed segment left uncompressed: {}", temp.error().message));
    }
    return;
  }
  if (::access(closed.c_str(), F_OK) != 0) {  // removed by rotate-oldest meanwhile
    ::unlink(temp->c_str());
    return;
  }
  clear_append_only(closed);
  ::chmod(closed.c_str(), kClosedMode);
  if (auto packed = commit_compressed_segment(closed, *temp); !packed) {
    add_note(fmt::format("closed segment left uncompressed: {}", packed.error().message));
  }
}

}  // namespace c2audit
