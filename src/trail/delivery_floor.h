// DeliveryFloor: how far a forwarder has delivered each stream of the trail,
// shared between the forwarder (which raises it as the collector
// acknowledges) and the stream keepers (whose disk_full rotate-oldest must
// not remove a segment the collector never got without saying so).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace c2audit {

class DeliveryFloor {
 public:
  explicit DeliveryFloor(std::string destination) : destination_(std::move(destination)) {}

  const std::string& destination() const { return destination_; }

  // The collector acknowledged `stream` up to `seq`.
  void delivered(unsigned stream, uint64_t seq) {
    std::lock_guard lock(mutex_);
    uint64_t& at = through_[stream];
    if (seq > at) at = seq;
  }

  // The last seq of `stream` the collector acknowledged; 0 for none.
  uint64_t delivered_through(unsigned stream) const {
    std::lock_guard lock(mutex_);
    auto found = through_.find(stream);
    return found == through_.end() ? 0 : found->second;
  }

 private:
  std::string destination_;
  mutable std::mutex mutex_;
  std::map<unsigned, uint64_t> through_;
};

}  // namespace c2audit
