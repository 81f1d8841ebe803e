// CompressionWorker: compresses closed segments on a thread of its own, so
// that a rotation costs the consumer only the seal: compressing a 64 MiB
// segment took ~11% of the daemon's CPU in an open storm, and stalled the
// consumer for ~250 ms at each rotation.
//
// Threading: request(), take_notes() and lock_segment_files() are called by
// the writer's thread, which alone knows which segment is active. The worker
// compresses into a temporary file without locks, then links it in and
// removes the raw segment under the segment-files lock, which whoever else
// removes segment files (rotate-oldest) holds while it lists and removes
// them. The destructor finishes the queued work and joins, so a closed
// writer leaves no segment half done.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace c2audit {

class CompressionWorker {
 public:
  CompressionWorker();
  ~CompressionWorker();
  CompressionWorker(const CompressionWorker&) = delete;
  CompressionWorker& operator=(const CompressionWorker&) = delete;

  // Queues closed (sealed) raw segments for compression; returns at once.
  // The caller names them: only it knows which segment is active right now.
  void request(std::vector<std::filesystem::path> closed);

  // Messages about segments left uncompressed, for the trail.
  std::vector<std::string> take_notes();

  // Held while segment files are removed by someone else: the worker is then
  // between two segments.
  std::unique_lock<std::mutex> lock_segment_files();

 private:
  void run();
  void compress(const std::filesystem::path& closed);
  void add_note(std::string note);

  std::mutex mutex_;  // guards queue_, quit_, notes_
  std::condition_variable wake_;
  std::deque<std::filesystem::path> queue_;
  bool quit_ = false;
  std::vector<std::string> notes_;
  std::mutex files_mutex_;
  std::thread thread_;
};

}  // namespace c2audit
