// The stress runner's operation scheduler: what each worker thread does
// next, as a pure function of the run's seed and the worker's slot.
//
// A run is reproducible from its seed (printed in every report) in this
// sense: worker slot k executes the same sequence of operations (workload,
// kind, argument) in every run with the same seed, shard and workload list,
// whatever the timing; only where the sequence is cut off (by --seconds)
// and how the threads interleave differ. With --ops N every slot executes
// exactly the first N operations of its sequence. Workloads draw every
// random choice from the operation's argument (Op::arg, through
// SplitMix64), never from a clock or a shared generator, so what an
// operation tries to do is fixed by the seed too; what it finds (an empty
// mailbox, a lock already taken) depends on the interleaving.
//
// The generator is xoshiro256** (Blackman and Vigna), seeded through
// SplitMix64 as its authors recommend; choices use Lemire's multiply-shift
// reduction, not std:: distributions, whose output the standard leaves to
// the implementation. The same streams also decide how long each worker
// thread lives before it exits and a new thread takes over its slot
// (threads created and exiting mid-run), from a second, independent stream.
#ifndef FTRT_TOOLS_STRESS_SCHEDULER_H_
#define FTRT_TOOLS_STRESS_SCHEDULER_H_

#include <cstdint>
#include <string>
#include <vector>

namespace ftrt::stress {

// SplitMix64: a tiny generator for seeding and for deriving values from an
// operation's argument.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) (n > 0).
  uint64_t Below(uint64_t n) { return Reduce(Next(), n); }
  bool OneIn(uint64_t n) { return Below(n) == 0; }

  // Lemire's reduction of a 64-bit value to [0, n).
  static uint64_t Reduce(uint64_t x, uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(x) * n) >> 64);
  }

 private:
  uint64_t state_;
};

// Mixes several values into one seed (order matters).
uint64_t MixSeed(uint64_t a, uint64_t b);

class Xoshiro256 {
 public:
  explicit Xoshiro256(uint64_t seed);
  uint64_t Next();
  uint64_t Below(uint64_t n) { return SplitMix64::Reduce(Next(), n); }

 private:
  uint64_t s_[4];
};

// One operation: run kind `kind` of workload `workload` (an index into the
// run's workload list) with argument `arg`.
struct Op {
  uint32_t workload = 0;
  uint32_t kind = 0;
  uint64_t arg = 0;
  bool operator==(const Op&) const = default;
};

// The choices the scheduler makes among: per workload, its weight in the
// mix and the weights of its operation kinds.
struct MixEntry {
  uint32_t weight = 1;
  std::vector<uint32_t> kind_weights;  // one per kind, each >= 1
};

// The seed a shard runs with: shard k of n (1 <= k <= n) of base seed s.
// Shard 1/1 runs with s itself, so a single run and its replay agree.
uint64_t ShardSeed(uint64_t seed, int shard_index, int shard_count);

// The operation stream of one worker slot.
class OpStream {
 public:
  OpStream(uint64_t run_seed, int slot, const std::vector<MixEntry>* mix);
  Op Next();
  uint64_t emitted() const { return emitted_; }

 private:
  static uint32_t Pick(uint64_t r, const std::vector<uint32_t>& weights, uint64_t total);

  const std::vector<MixEntry>* mix_;
  std::vector<uint32_t> workload_weights_;
  uint64_t workload_total_ = 0;
  std::vector<uint64_t> kind_totals_;
  Xoshiro256 rng_;
  uint64_t emitted_ = 0;
};

// How many operations each successive thread of a slot runs before it
// exits and a new thread takes over the slot: uniform in
// [mean/2, 3*mean/2]; 0 means one thread for the whole run.
class GenerationStream {
 public:
  GenerationStream(uint64_t run_seed, int slot, uint64_t mean_ops);
  uint64_t Next();

 private:
  Xoshiro256 rng_;
  uint64_t mean_;
};

// A running digest of a slot's operations (FNV-1a over each Op's fields),
// printed per slot in the JSON report so two runs can be compared.
class OpDigest {
 public:
  void Add(const Op& op);
  uint64_t value() const { return h_; }
  std::string Hex() const;

 private:
  void Mix(uint64_t v);
  uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace ftrt::stress

#endif  // FTRT_TOOLS_STRESS_SCHEDULER_H_
