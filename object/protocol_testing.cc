// Helpers for the object-protocol tests (see protocol_testing.h).
#include "object/protocol_testing.h"

#include <thread>
#include <vector>

#include "alloc/qsbr.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/dealloc.h"
#include "object/int.h"
#include "object/module.h"
#include "object/object.h"
#include "object/intern.h"
#include "object/protocol.h"
#include "object/str.h"
#include "object/thread_objects.h"
#include "object/typeobject.h"
#include "runtime/thread_state.h"

namespace ftrt::testing_util {

void ProtocolTest::SetUp() {
  rt_ = Runtime::Init();
  InstallObjectProtocol(*rt_);
  rt_->Attach();
}

void ProtocolTest::TearDown() {
  EXPECT_EQ(TakeError(), "") << "a test left an exception pending";
  FreeTypesAndModules();
  MergeQueuedObjects();
  rt_->Detach();
  rt_->ReleaseCurrentThread();
  rt_.reset();
}

void ProtocolTest::RunThreads(int n, const std::function<void(int)>& fn) {
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    absl::StatusOr<std::thread> t = rt_->StartThread([&fn, i] { fn(i); });
    ASSERT_TRUE(t.ok()) << t.status();
    threads.push_back(*std::move(t));
  }
  DetachGuard detached;
  for (std::thread& t : threads) t.join();
}

void ProtocolTest::FreeTypesAndModules() {
  for (int round = 0; round < 32; ++round) {
    std::vector<PyObject*> victims;
    {
      StopTheWorldGuard stop(*rt_);
      rt_->allocator().ForEachObject([&](ObjectHeader* op) {
        if (IsImmortal(op) || IsDeadOrDeallocating(op)) return;
        const bool heap_type = op->ob_type == TypeType() &&
                               (reinterpret_cast<PyTypeObject*>(op)->tp_flags & Py_TPFLAGS_HEAPTYPE);
        if (heap_type || op->ob_type == &PyModule_Type) {
          Incref(op);
          victims.push_back(op);
        }
      });
    }
    for (PyObject* v : victims) {
      if (inquiry clear = v->ob_type->tp_clear) clear(v);
      Decref(v);
    }
    MergeQueuedObjects();
    const size_t freed = CollectDeferred(*rt_);
    if (victims.empty() || freed == 0) break;
  }
  ClearError();
  // Whatever survived is referenced from outside the cycles: a leak.
  int survivors = 0;
  {
    StopTheWorldGuard stop(*rt_);
    rt_->allocator().ForEachObject([&](ObjectHeader* op) {
      if (IsImmortal(op) || IsDeadOrDeallocating(op)) return;
      if (op->ob_type == TypeType() || op->ob_type == &PyModule_Type) ++survivors;
    });
  }
  EXPECT_EQ(survivors, 0) << "heap types or modules leaked";
}

int64_t ProtocolTest::LiveObjects() {
  MergeQueuedObjects();
  return static_cast<int64_t>(rt_->allocator().GetStats().live_objects);
}

Ref<> S(const char* utf8) {
  absl::StatusOr<Ref<>> s = StrFromUtf8(utf8);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

Ref<> I(int64_t v) {
  absl::StatusOr<Ref<>> i = IntFromInt64(v);
  EXPECT_TRUE(i.ok()) << i.status();
  return i.ok() ? *std::move(i) : nullptr;
}

PyObject* N(const char* utf8) {
  PyObject* n = InternFromString(utf8);
  EXPECT_NE(n, nullptr);
  return n;
}

std::string TakeError() {
  Ref<> exc = GetRaisedException();
  if (!exc) return "";
  return std::string(TypeShortName(exc->ob_type)) + ": " + StrUtf8(exc.get());
}

std::string U(PyObject* str) {
  absl::StatusOr<absl::string_view> u = StrAsUtf8(str);
  EXPECT_TRUE(u.ok()) << u.status();
  return u.ok() ? std::string(*u) : std::string();
}

void Checkpoint() {
  ThreadState* ts = ThreadState::Current();
  alloc::Qsbr::Quiescent(ts->qsbr());
  ts->Safepoint();
}

}  // namespace ftrt::testing_util
