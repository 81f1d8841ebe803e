// Opening a trail for a daemon with a number of consumers: one TrailKeeper
// per consumer, each over a stream of its own (trail_streams.h).
#pragma once

#include <vector>

#include "common/result.h"
#include "trail/storage_policy.h"
#include "trail/trail_keeper.h"
#include "trail/trail_streams.h"
#include "trail/trail_writer.h"

namespace c2audit {

struct OpenedTrail {
  std::vector<TrailKeeper> keepers;  // keeper i writes stream i
  TrailResume resume;                // stream 0's: where the daemon's own records go on
};

// One consumer on a trail that never had more writes the classic
// one-stream trail. Otherwise every stream draws its seqs from `seq`, which
// first passes the newest seq of every stream on disk, those a previous run
// with more consumers left too (opened only for that, never written).
Result<OpenedTrail> open_trail(const TrailOptions& trail, const StoragePolicy& storage,
                               const RecordMaker& make_record, unsigned consumers,
                               const SharedSeq& seq);

}  // namespace c2audit
