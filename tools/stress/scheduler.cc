// The operation scheduler (scheduler.h): xoshiro256** streams per slot.
#include "tools/stress/scheduler.h"

#include <cstdio>

namespace ftrt::stress {
namespace {

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// Stream tags, so the op stream and the generation stream of one slot are
// independent.
constexpr uint64_t kOpStreamTag = 0x6f70732d73747265ull;   // "ops-stre"
constexpr uint64_t kGenStreamTag = 0x67656e2d73747265ull;  // "gen-stre"

}  // namespace

uint64_t MixSeed(uint64_t a, uint64_t b) {
  SplitMix64 m(a ^ Rotl(b, 23) ^ 0xD1B54A32D192ED03ull);
  m.Next();
  return m.Next() ^ b;
}

Xoshiro256::Xoshiro256(uint64_t seed) {
  SplitMix64 sm(seed);
  for (uint64_t& s : s_) s = sm.Next();
}

uint64_t Xoshiro256::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t ShardSeed(uint64_t seed, int shard_index, int shard_count) {
  if (shard_count <= 1) return seed;
  return MixSeed(MixSeed(seed, static_cast<uint64_t>(shard_index)),
                 static_cast<uint64_t>(shard_count));
}

OpStream::OpStream(uint64_t run_seed, int slot, const std::vector<MixEntry>* mix)
    : mix_(mix), rng_(MixSeed(MixSeed(run_seed, kOpStreamTag), static_cast<uint64_t>(slot))) {
  for (const MixEntry& e : *mix_) {
    workload_weights_.push_back(e.weight);
    workload_total_ += e.weight;
    uint64_t t = 0;
    for (uint32_t w : e.kind_weights) t += w;
    kind_totals_.push_back(t);
  }
}

uint32_t OpStream::Pick(uint64_t r, const std::vector<uint32_t>& weights, uint64_t total) {
  uint64_t x = SplitMix64::Reduce(r, total);
  for (uint32_t i = 0; i < weights.size(); ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return static_cast<uint32_t>(weights.size() - 1);
}

Op OpStream::Next() {
  Op op;
  op.workload = Pick(rng_.Next(), workload_weights_, workload_total_);
  const MixEntry& e = (*mix_)[op.workload];
  op.kind = Pick(rng_.Next(), e.kind_weights, kind_totals_[op.workload]);
  op.arg = rng_.Next();
  ++emitted_;
  return op;
}

GenerationStream::GenerationStream(uint64_t run_seed, int slot, uint64_t mean_ops)
    : rng_(MixSeed(MixSeed(run_seed, kGenStreamTag), static_cast<uint64_t>(slot))),
      mean_(mean_ops) {}

uint64_t GenerationStream::Next() {
  if (mean_ == 0) return UINT64_MAX;
  const uint64_t lo = mean_ / 2 == 0 ? 1 : mean_ / 2;
  return lo + rng_.Below(mean_ + 1);
}

void OpDigest::Mix(uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    h_ ^= (v >> (8 * i)) & 0xff;
    h_ *= 0x100000001b3ull;
  }
}

void OpDigest::Add(const Op& op) {
  Mix(op.workload);
  Mix(op.kind);
  Mix(op.arg);
}

std::string OpDigest::Hex() const {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h_));
  return buf;
}

}  // namespace ftrt::stress
