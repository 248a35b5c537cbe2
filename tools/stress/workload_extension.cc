// Workload "extension": the free-threading-safe sample extension
// (tests/ext/ft_safe.c, a C module built against Python.h only) loaded by
// ext_abi/'s loader into the run's own runtime (ext::EmbedRuntime) and
// called through the object protocol from every worker thread, alongside
// the other workloads.
//
// Operations, on objects made once in Setup and shared by all threads:
//   increment   Counter.increment() on one shared Counter (a PyMutex inside);
//   bump        the module's bump() (a PyMutex in module state);
//   queue       put(n) then get() on one shared Queue (a critical section on
//               its list); get() may find the queue empty (IndexError);
//   count_word  count_word(d, w) on one shared dict (a critical section on
//               the dict), w one of two words by the slot's parity;
//   transient   a new Counter of the slot's own, add_to() the shared one,
//               dropped on this thread (or another: slots keep none).
// Checks, computed before finalization from what every slot says it did:
// the shared counter's value is its increments plus what transient
// counters moved into it; hits() equals the bumps; every value put was got
// or is still in the queue (sums match); the dict counts every
// count_word call. The module is dropped at teardown (EndEmbedding), so
// its types, state and cycles face the leak check after finalization.
//
// The shared object is found (first match): $FTRT_STRESS_EXTENSION, then
// tests/ext/ft_safe.so in the binary's Bazel runfiles. Not found: the
// workload fails its check saying where it looked.
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "ext_abi/loader.h"
#include "object/attributes.h"
#include "object/call.h"
#include "object/dict.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/list.h"
#include "object/str.h"
#include "tools/stress/report.h"
#include "tools/stress/workload.h"

namespace ftrt::stress {
namespace {

constexpr const char* kRunfilesPath = "ftrt/tests/ext/ft_safe.so";

bool Readable(const std::string& path) { return !path.empty() && access(path.c_str(), R_OK) == 0; }

// Where ft_safe.so is, or "" (with the places tried in *tried).
std::string FindExtension(std::string* tried) {
  std::vector<std::string> candidates;
  if (const char* p = std::getenv("FTRT_STRESS_EXTENSION")) candidates.push_back(p);
  for (const char* var : {"RUNFILES_DIR", "TEST_SRCDIR"}) {
    if (const char* d = std::getenv(var)) candidates.push_back(std::string(d) + "/" + kRunfilesPath);
  }
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n > 0) {
    exe[n] = '\0';
    candidates.push_back(std::string(exe) + ".runfiles/" + kRunfilesPath);
  }
  for (const std::string& c : candidates) {
    if (Readable(c)) return c;
    absl::StrAppend(tried, tried->empty() ? "" : ", ", c);
  }
  return "";
}

int64_t IntOrMinus1(PyObject* op) { return op != nullptr && IsInt(op) ? IntValue(op) : -1; }

struct ExtSlot : SlotState {
  int64_t increments = 0, bumps = 0, puts = 0, put_sum = 0, gots = 0, got_sum = 0;
  int64_t words = 0, transients = 0, moved = 0, unexpected_errors = 0;
};

class ExtensionWorkload : public Workload {
 public:
  enum Kind : uint32_t { kIncrement, kBump, kQueue, kCountWord, kTransient };

  std::vector<OpKind> Kinds() const override {
    return {{"increment", 4}, {"bump", 3}, {"queue", 3}, {"count_word", 2}, {"transient", 1}};
  }

  void Setup(Env& env) override {
    path_ = FindExtension(&tried_);
    if (path_.empty()) return;
    embedded_ = ext::EmbedRuntime(env.runtime());
    if (!embedded_) {
      setup_error_ = "another embedding or Py_Initialize holds the C API";
      return;
    }
    module_ = ext::Import("ft_safe", path_);
    if (!module_) {
      setup_error_ = "import failed: " + std::string(TakeErrorAsStatus().message());
      return;
    }
    counter_type_ = GetAttrString(module_.get(), "Counter");
    if (counter_type_) counter_ = CallNoArgs(counter_type_.get());
    queue_ = CallMethod(module_.get(), "make_queue", {});
    absl::StatusOr<Ref<>> d = DictNew();
    if (d.ok()) words_ = std::move(*d);
    for (const char* w : {"even", "odd"}) {
      absl::StatusOr<Ref<>> s = StrFromUtf8(w);
      if (s.ok()) word_[w[0] == 'o'] = std::move(*s);
    }
    if (!counter_ || !queue_ || !words_ || !word_[0] || !word_[1]) {
      setup_error_ = "could not create the shared objects: " +
                     std::string(TakeErrorAsStatus().message());
    }
  }

  std::unique_ptr<SlotState> NewSlotState(int) override { return std::make_unique<ExtSlot>(); }

  void Run(WorkerContext& ctx, const Op& op) override {
    if (!setup_error_.empty() || path_.empty()) return;
    ExtSlot& st = ctx.State<ExtSlot>();
    SplitMix64 r(op.arg);
    switch (op.kind) {
      case kIncrement:
        if (Ref<> v = CallMethod(counter_.get(), "increment", {})) {
          ++st.increments;
        } else {
          Unexpected(st);
        }
        break;
      case kBump:
        if (Ref<> v = CallMethod(module_.get(), "bump", {})) {
          ++st.bumps;
        } else {
          Unexpected(st);
        }
        break;
      case kQueue: {
        const int64_t n = static_cast<int64_t>(r.Below(1000)) + 1;
        absl::StatusOr<Ref<>> item = IntFromInt64(n);
        if (!item.ok()) return;
        if (Ref<> put = CallMethod(queue_.get(), "put", {item->get()})) {
          ++st.puts;
          st.put_sum += n;
        } else {
          Unexpected(st);
          return;
        }
        if (Ref<> got = CallMethod(queue_.get(), "get", {})) {
          ++st.gots;
          st.got_sum += IntOrMinus1(got.get());
        } else if (ExceptionMatches(PyExc_IndexError)) {
          ClearError();  // another thread took ours
        } else {
          Unexpected(st);
        }
        break;
      }
      case kCountWord: {
        Ref<> f = GetAttrString(module_.get(), "count_word");
        PyObject* args[2] = {words_.get(), word_[ctx.slot % 2].get()};
        if (f && Vectorcall(f.get(), args, 2, nullptr)) {
          ++st.words;
        } else {
          Unexpected(st);
        }
        break;
      }
      case kTransient: {
        absl::StatusOr<Ref<>> start = IntFromInt64(static_cast<int64_t>(r.Below(50)));
        if (!start.ok()) return;
        Ref<> mine = CallOneArg(counter_type_.get(), start->get());
        Ref<> moved = mine ? CallMethod(mine.get(), "add_to", {counter_.get()}) : Ref<>();
        if (moved) {
          ++st.transients;
          st.moved += IntOrMinus1(moved.get());
        } else {
          Unexpected(st);
        }
        break;
      }
    }
  }

  void Teardown(Env&, const std::vector<SlotState*>& slots) override {
    for (SlotState* s : slots) {
      const ExtSlot& st = *static_cast<ExtSlot*>(s);
      increments_ += st.increments;
      bumps_ += st.bumps;
      puts_ += st.puts;
      put_sum_ += st.put_sum;
      gots_ += st.gots;
      got_sum_ += st.got_sum;
      words_called_ += st.words;
      transients_ += st.transients;
      moved_ += st.moved;
      unexpected_ += st.unexpected_errors;
    }
    if (setup_error_.empty() && !path_.empty()) {
      if (Ref<> v = GetAttrString(counter_.get(), "value")) counter_value_ = IntOrMinus1(v.get());
      if (Ref<> h = CallMethod(module_.get(), "hits", {})) hits_ = IntOrMinus1(h.get());
      if (Ref<> rest = CallMethod(queue_.get(), "drain", {})) {
        for (Py_ssize_t i = 0; i < ListSize(rest.get()); ++i) {
          absl::StatusOr<Ref<>> item = ListGetItemRef(rest.get(), i);
          if (!item.ok()) continue;
          ++gots_;
          got_sum_ += IntOrMinus1(item->get());
        }
      }
      for (int w = 0; w < 2; ++w) {
        absl::StatusOr<Ref<>> n = DictGetItemRefOrNull(words_.get(), word_[w].get());
        if (n.ok() && *n) counted_words_ += IntOrMinus1(n->get());
      }
    }
    ClearError();
    counter_ = Ref<>();
    counter_type_ = Ref<>();
    queue_ = Ref<>();
    words_ = Ref<>();
    word_[0] = Ref<>();
    word_[1] = Ref<>();
    module_ = Ref<>();
    if (embedded_) ext::EndEmbedding();
  }

  void Checks(Env&, std::vector<Check>& out) override {
    if (path_.empty()) {
      out.push_back({"extension", "sample extension", Mark::kFail,
                     "ft_safe.so not found (tried: " + tried_ +
                         "); build //tests/ext:ft_safe.so or set FTRT_STRESS_EXTENSION"});
      return;
    }
    if (!setup_error_.empty()) {
      out.push_back({"extension", "sample extension", Mark::kFail, setup_error_});
      return;
    }
    const int64_t want_value = increments_ + moved_;
    out.push_back({"extension", "counter exact",
                   counter_value_ == want_value && unexpected_ == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("Counter %s after %s increments + %s moved in; %d unexpected errors",
                                   FormatCount(counter_value_), FormatCount(increments_),
                                   FormatCount(moved_), unexpected_)});
    out.push_back({"extension", "module state exact", hits_ == bumps_ ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("hits() %s after %s bump() calls", FormatCount(hits_),
                                   FormatCount(bumps_))});
    out.push_back({"extension", "queue and dict exact",
                   gots_ == puts_ && got_sum_ == put_sum_ && counted_words_ == words_called_
                       ? Mark::kPass
                       : Mark::kFail,
                   absl::StrFormat("%s put, %s got or drained (sums %lld / %lld); words %s counted "
                                   "of %s calls",
                                   FormatCount(puts_), FormatCount(gots_),
                                   static_cast<long long>(put_sum_),
                                   static_cast<long long>(got_sum_), FormatCount(counted_words_),
                                   FormatCount(words_called_))});
  }

  std::string Summary() const override {
    return absl::StrFormat("%s calls into ft_safe.so",
                           FormatCount(increments_ + bumps_ + 2 * puts_ + words_called_ +
                                       2 * transients_));
  }

 private:
  static void Unexpected(ExtSlot& st) {
    ++st.unexpected_errors;
    ClearError();
  }

  std::string path_, tried_, setup_error_;
  bool embedded_ = false;
  Ref<> module_, counter_type_, counter_, queue_, words_;
  Ref<> word_[2];
  int64_t increments_ = 0, bumps_ = 0, puts_ = 0, put_sum_ = 0, gots_ = 0, got_sum_ = 0;
  int64_t words_called_ = 0, transients_ = 0, moved_ = 0, unexpected_ = 0;
  int64_t counter_value_ = -1, hits_ = -1, counted_words_ = 0;
};

FTRT_STRESS_WORKLOAD(ExtensionWorkload, "extension", 90,
                     "the safe sample extension tests/ext/ft_safe.c called from every thread",
                     "ext_abi/ loader and C API, object/ protocol");

}  // namespace
}  // namespace ftrt::stress
