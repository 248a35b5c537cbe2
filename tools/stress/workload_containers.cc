// Workload "containers": lists and dicts shared by every thread, mutated
// (inside their critical sections, as object/ does) and read (lock-free
// where object/ can) at the same time.
//
// Shared objects, made in Setup: kLists lists and kDicts dicts, and one
// dict of counters. What each holds is checkable by any reader:
//   list k holds ints v with v % kLists == k;
//   a dict maps an int key to an int value with value / kValueScale == key.
// Most values are above 256, so they are heap ints owned by whichever
// thread made them and counted by others (small ints are immortal).
// Operations:
//   list_write  append, insert, setitem, pop, del, extend, slice
//               assignment, reverse, sort, clear (the list stays bounded);
//   list_read   ListGetItemRef at random indices, ListNext iteration,
//               slicing, contains: every item read must obey its list's rule
//               (an item of another list, a freed item or garbage fails);
//   dict_write  set, delete, pop, setdefault, clear;
//   dict_read   lookups, DictNext iteration, DictItems snapshots: every
//               (key, value) pair must obey the rule;
//   counter     a read-modify-write of one counter inside the counter
//               dict's critical section (as ft_safe's count_word does):
//               no increment may be lost.
// Expected errors (IndexError, KeyError) are normal outcomes; any other
// error fails the run. Checks: no bad read, no unexpected error, every
// counter equals the increments made.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "object/dict.h"
#include "object/errors.h"
#include "object/int.h"
#include "object/list.h"
#include "sync/critical_section.h"
#include "sync/mutex.h"
#include "tools/stress/report.h"
#include "tools/stress/workload.h"

namespace ftrt::stress {
namespace {

constexpr int kLists = 4;
constexpr int kDicts = 2;
constexpr int kCounters = 16;
constexpr int64_t kValueScale = 4096;
constexpr Py_ssize_t kMaxListSize = 200;
constexpr Py_ssize_t kMaxDictSize = 400;

struct ContainersSlot : SlotState {
  std::vector<int64_t> increments = std::vector<int64_t>(kCounters, 0);
  uint64_t bad_reads = 0, errors = 0, reads = 0, writes = 0;
  std::string first_error;
};

class ContainersWorkload : public Workload {
 public:
  enum Kind : uint32_t { kListWrite, kListRead, kDictWrite, kDictRead, kCounter };

  std::vector<OpKind> Kinds() const override {
    return {{"list_write", 4}, {"list_read", 5}, {"dict_write", 3}, {"dict_read", 4},
            {"counter", 2}};
  }

  void Setup(Env&) override {
    for (int i = 0; i < kLists; ++i) lists_.push_back(Must(ListNew(), "ListNew"));
    for (int i = 0; i < kDicts; ++i) dicts_.push_back(Must(DictNew(), "DictNew"));
    counters_ = Must(DictNew(), "DictNew");
    for (int k = 0; k < kCounters; ++k) {
      FTRT_CHECK(DictSetItem(counters_.get(), SmallInt(k), SmallInt(0)).ok(), "containers: setup");
    }
  }

  std::unique_ptr<SlotState> NewSlotState(int) override {
    return std::make_unique<ContainersSlot>();
  }

  void Run(WorkerContext& ctx, const Op& op) override {
    ContainersSlot& st = ctx.State<ContainersSlot>();
    SplitMix64 r(op.arg);
    switch (op.kind) {
      case kListWrite:
        ++st.writes;
        ListWrite(st, r);
        break;
      case kListRead:
        ++st.reads;
        ListRead(st, r);
        break;
      case kDictWrite:
        ++st.writes;
        DictWrite(st, r);
        break;
      case kDictRead:
        ++st.reads;
        DictRead(st, r);
        break;
      case kCounter:
        Counter(st, r);
        break;
    }
  }

  void Teardown(Env&, const std::vector<SlotState*>& slots) override {
    std::vector<int64_t> expected(kCounters, 0);
    for (SlotState* s : slots) {
      auto* st = static_cast<ContainersSlot*>(s);
      for (int k = 0; k < kCounters; ++k) expected[k] += st->increments[k];
      bad_reads_ += st->bad_reads;
      errors_ += st->errors;
      reads_ += st->reads;
      writes_ += st->writes;
      if (first_error_.empty()) first_error_ = st->first_error;
    }
    for (int k = 0; k < kCounters; ++k) {
      absl::StatusOr<Ref<>> v = DictGetItemRef(counters_.get(), SmallInt(k));
      const int64_t got = v.ok() && IsInt(v->get()) ? IntValue(v->get()) : -1;
      counted_ += got;
      increments_ += expected[k];
      counters_off_ += got != expected[k];
    }
    // Final contents obey the rules too.
    ContainersSlot final_check;
    for (int k = 0; k < kLists; ++k) {
      Py_ssize_t i = 0;
      while (Ref<> item = ListNext(lists_[k].get(), &i)) CheckListItem(final_check, k, item.get());
    }
    bad_reads_ += final_check.bad_reads;
    lists_.clear();
    dicts_.clear();
    counters_.Reset();
  }

  void Checks(Env&, std::vector<Check>& out) override {
    out.push_back({"containers", "reads obey the contents' rules",
                   bad_reads_ == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%d bad items or entries in %s read operations", bad_reads_,
                                   FormatCount(reads_))});
    out.push_back({"containers", "no unexpected error", errors_ == 0 ? Mark::kPass : Mark::kFail,
                   errors_ == 0 ? absl::StrFormat("%s write operations", FormatCount(writes_))
                                : absl::StrFormat("%d errors, first: %s", errors_, first_error_)});
    out.push_back({"containers", "atomic counter updates",
                   counters_off_ == 0 ? Mark::kPass : Mark::kFail,
                   absl::StrFormat("%s increments made, %s counted; %d of %d counters off",
                                   FormatCount(increments_), FormatCount(counted_), counters_off_, kCounters)});
  }

  std::string Summary() const override {
    return absl::StrFormat("%s reads, %s writes, %s counter increments", FormatCount(reads_), FormatCount(writes_),
                           FormatCount(increments_));
  }

 private:
  static Ref<> Must(absl::StatusOr<Ref<>> r, const char* what) {
    FTRT_CHECK(r.ok(), "containers: %s failed", what);
    return *std::move(r);
  }

  // An IndexError or KeyError is a normal outcome under concurrent change.
  static void Expect(ContainersSlot& st, const absl::Status& s) {
    if (s.ok() || IsError(s, ErrorKind::kIndexError) || IsError(s, ErrorKind::kKeyError)) return;
    if (st.errors++ == 0) st.first_error = s.ToString();
  }

  // A value for list k, usually a heap int.
  static Ref<> ListValue(ContainersSlot& st, int k, SplitMix64& r) {
    const int64_t v = k + kLists * static_cast<int64_t>(r.OneIn(8) ? r.Below(60) : r.Below(1 << 20));
    absl::StatusOr<Ref<>> o = IntFromInt64(v);
    if (!o.ok()) {
      Expect(st, o.status());
      return nullptr;
    }
    return *std::move(o);
  }

  static void CheckListItem(ContainersSlot& st, int k, PyObject* item) {
    if (item == nullptr || !IsInt(item) || IntValue(item) % kLists != k) ++st.bad_reads;
  }

  static void CheckEntry(ContainersSlot& st, PyObject* key, PyObject* value) {
    if (key == nullptr || value == nullptr || !IsInt(key) || !IsInt(value) ||
        IntValue(value) / kValueScale != IntValue(key)) {
      ++st.bad_reads;
    }
  }

  void ListWrite(ContainersSlot& st, SplitMix64& r) {
    const int k = static_cast<int>(r.Below(kLists));
    PyObject* list = lists_[k].get();
    const Py_ssize_t size = ListSize(list);
    const Py_ssize_t at = static_cast<Py_ssize_t>(r.Below(static_cast<uint64_t>(size) + 2)) - 1;
    if (size > kMaxListSize) {
      Expect(st, r.OneIn(4) ? ListClear(list) : ListSetSlice(list, 0, size / 2, nullptr));
      return;
    }
    switch (r.Below(10)) {
      case 0:
      case 1:
      case 2:
        if (Ref<> v = ListValue(st, k, r)) Expect(st, ListAppend(list, v.get()));
        break;
      case 3:
        if (Ref<> v = ListValue(st, k, r)) Expect(st, ListInsert(list, at, v.get()));
        break;
      case 4:
        if (Ref<> v = ListValue(st, k, r)) Expect(st, ListSetItem(list, at, v.get()));
        break;
      case 5: {
        absl::StatusOr<Ref<>> popped = ListPop(list, at);
        if (popped.ok()) {
          CheckListItem(st, k, popped->get());
        } else {
          Expect(st, popped.status());
        }
        break;
      }
      case 6:
        Expect(st, ListDelItem(list, at));
        break;
      case 7: {
        std::vector<Ref<>> values;
        std::vector<PyObject*> raw;
        for (uint64_t n = 1 + r.Below(6); n > 0; --n) {
          if (Ref<> v = ListValue(st, k, r)) {
            raw.push_back(v.get());
            values.push_back(std::move(v));
          }
        }
        absl::StatusOr<Ref<>> more = ListFromItems(raw);
        if (!more.ok()) {
          Expect(st, more.status());
        } else if (r.OneIn(2)) {
          Expect(st, ListExtend(list, more->get()));
        } else {
          Expect(st, ListSetSlice(list, at, at + static_cast<Py_ssize_t>(r.Below(4)), more->get()));
        }
        break;
      }
      case 8:
        Expect(st, r.OneIn(2) ? ListReverse(list) : ListSort(list));
        break;
      default:
        if (r.OneIn(8)) Expect(st, ListClear(list));
        break;
    }
  }

  void ListRead(ContainersSlot& st, SplitMix64& r) {
    const int k = static_cast<int>(r.Below(kLists));
    PyObject* list = lists_[k].get();
    switch (r.Below(4)) {
      case 0:
      case 1:
        for (int n = 0; n < 8; ++n) {
          const Py_ssize_t size = ListSize(list);
          if (size == 0) break;
          absl::StatusOr<Ref<>> item = ListGetItemRef(list, static_cast<Py_ssize_t>(r.Below(size)));
          if (item.ok()) {
            CheckListItem(st, k, item->get());
          } else {
            Expect(st, item.status());
          }
        }
        break;
      case 2: {
        Py_ssize_t i = static_cast<Py_ssize_t>(r.Below(4));
        for (int n = 0; n < 64; ++n) {
          Ref<> item = ListNext(list, &i);
          if (!item) break;
          CheckListItem(st, k, item.get());
        }
        break;
      }
      default: {
        absl::StatusOr<Ref<>> slice = ListGetSlice(list, 0, 32);
        if (!slice.ok()) {
          Expect(st, slice.status());
          break;
        }
        Py_ssize_t i = 0;
        while (Ref<> item = ListNext(slice->get(), &i)) CheckListItem(st, k, item.get());
        absl::StatusOr<bool> in = ListContains(list, SmallInt(k));
        if (!in.ok()) Expect(st, in.status());
        break;
      }
    }
  }

  static absl::StatusOr<Ref<>> Key(SplitMix64& r) {
    // Mostly small (immortal) keys; some heap ints.
    return IntFromInt64(r.OneIn(4) ? 300 + static_cast<int64_t>(r.Below(300))
                                   : static_cast<int64_t>(r.Below(200)));
  }

  void DictWrite(ContainersSlot& st, SplitMix64& r) {
    PyObject* dict = dicts_[r.Below(kDicts)].get();
    if (DictSize(dict) > kMaxDictSize && r.OneIn(2)) {
      Expect(st, DictClear(dict));
      return;
    }
    absl::StatusOr<Ref<>> key = Key(r);
    if (!key.ok()) return Expect(st, key.status());
    absl::StatusOr<Ref<>> value =
        IntFromInt64(IntValue(key->get()) * kValueScale + static_cast<int64_t>(r.Below(kValueScale)));
    if (!value.ok()) return Expect(st, value.status());
    switch (r.Below(6)) {
      case 0:
      case 1:
      case 2:
        Expect(st, DictSetItem(dict, key->get(), value->get()));
        break;
      case 3:
        Expect(st, DictDelItem(dict, key->get()));
        break;
      case 4: {
        absl::StatusOr<Ref<>> old = DictPop(dict, key->get());
        if (old.ok()) {
          CheckEntry(st, key->get(), old->get());
        } else {
          Expect(st, old.status());
        }
        break;
      }
      default: {
        absl::StatusOr<Ref<>> now = DictSetDefault(dict, key->get(), value->get());
        if (now.ok()) {
          CheckEntry(st, key->get(), now->get());
        } else {
          Expect(st, now.status());
        }
        break;
      }
    }
  }

  void DictRead(ContainersSlot& st, SplitMix64& r) {
    PyObject* dict = dicts_[r.Below(kDicts)].get();
    switch (r.Below(4)) {
      case 0:
      case 1:
        for (int n = 0; n < 8; ++n) {
          absl::StatusOr<Ref<>> key = Key(r);
          if (!key.ok()) return Expect(st, key.status());
          absl::StatusOr<Ref<>> v = DictGetItemRefOrNull(dict, key->get());
          if (!v.ok()) {
            Expect(st, v.status());
          } else if (*v) {
            CheckEntry(st, key->get(), v->get());
          }
        }
        break;
      case 2: {
        Py_ssize_t pos = 0;
        Ref<> k, v;
        for (int n = 0; n < 64 && DictNext(dict, &pos, &k, &v); ++n) {
          CheckEntry(st, k.get(), v.get());
        }
        break;
      }
      default: {
        absl::StatusOr<std::vector<std::pair<Ref<>, Ref<>>>> items = DictItems(dict);
        if (!items.ok()) return Expect(st, items.status());
        for (const auto& [k, v] : *items) CheckEntry(st, k.get(), v.get());
        break;
      }
    }
  }

  void Counter(ContainersSlot& st, SplitMix64& r) {
    const int k = static_cast<int>(r.Below(kCounters));
    PyObject* counters = counters_.get();
    CriticalSection cs(*reinterpret_cast<Mutex*>(&counters->ob_mutex));
    absl::StatusOr<Ref<>> v = DictGetItemRef(counters, SmallInt(k));
    if (!v.ok()) return Expect(st, v.status());
    absl::StatusOr<Ref<>> next = IntFromInt64(IntValue(v->get()) + 1);
    if (!next.ok()) return Expect(st, next.status());
    const absl::Status s = DictSetItem(counters, SmallInt(k), next->get());
    if (!s.ok()) return Expect(st, s);
    ++st.increments[k];
  }

  std::vector<Ref<>> lists_;
  std::vector<Ref<>> dicts_;
  Ref<> counters_;
  uint64_t bad_reads_ = 0, errors_ = 0, reads_ = 0, writes_ = 0;
  int64_t increments_ = 0, counted_ = 0;
  int counters_off_ = 0;
  std::string first_error_;
};

FTRT_STRESS_WORKLOAD(ContainersWorkload, "containers", 70,
                     "lists and dicts mutated and read concurrently; counters updated in critical sections",
                     "object/ list.h, dict.h (lock-free reads, QSBR-freed arrays), int.h");

}  // namespace
}  // namespace ftrt::stress
