// DeliveryFloor: how far each forwarding destination has delivered each
// stream of the trail, shared between the forwarders (which raise it as their
// collectors acknowledge) and the stream keepers (whose disk_full
// rotate-oldest must not remove a segment a collector never got without
// saying so).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace c2audit {

class DeliveryFloor {
 public:
  explicit DeliveryFloor(std::vector<std::string> destinations)
      : destinations_(std::move(destinations)), through_(destinations_.size()) {}

  // Destination `which` (its place in the list given) acknowledged `stream`
  // up to `seq`.
  void delivered(size_t which, unsigned stream, uint64_t seq) {
    std::lock_guard lock(mutex_);
    uint64_t& at = through_.at(which)[stream];
    if (seq > at) at = seq;
  }

  struct Shortfall {
    std::string destination;
    uint64_t through;  // the last seq of the stream it acknowledged; 0 for none
  };

  // Each destination that has not acknowledged `stream` up to `seq`.
  std::vector<Shortfall> short_of(unsigned stream, uint64_t seq) const {
    std::lock_guard lock(mutex_);
    std::vector<Shortfall> out;
    for (size_t i = 0; i < destinations_.size(); ++i) {
      auto found = through_[i].find(stream);
      uint64_t through = found == through_[i].end() ? 0 : found->second;
      if (through < seq) out.push_back({destinations_[i], through});
    }
    return out;
  }

 private:
  const std::vector<std::string> destinations_;
  mutable std::mutex mutex_;
  std::vector<std::map<unsigned, uint64_t>> through_;  // per destination, per stream
};

}  // namespace c2audit
