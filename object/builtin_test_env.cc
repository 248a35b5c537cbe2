// Test environment for the built-in types (see builtin_test_env.h).
#include "object/builtin_test_env.h"

#include <thread>
#include <vector>

#include "alloc/qsbr.h"
#include "object/int.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/str.h"
#include "object/thread_objects.h"
#include "runtime/thread_state.h"

namespace ftrt::testing_util {

void RuntimeTest::SetUp() {
  rt_ = Runtime::Init();
  InstallObjects(*rt_);
  rt_->Attach();
}

void RuntimeTest::TearDown() {
  rt_->Detach();
  rt_->ReleaseCurrentThread();
  rt_.reset();
}

void RuntimeTest::RunThreads(int n, const std::function<void(int)>& fn) {
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    absl::StatusOr<std::thread> t = rt_->StartThread([&fn, i] { fn(i); });
    ASSERT_TRUE(t.ok()) << t.status();
    threads.push_back(*std::move(t));
  }
  // Joining blocks: detach meanwhile, so the workers' stops and grace
  // periods need not wait for this thread.
  rt_->Detach();
  for (std::thread& t : threads) t.join();
  rt_->Attach();
}

void Quiescent() {
  ThreadState* ts = ThreadState::Current();
  alloc::Qsbr::Quiescent(ts->qsbr());
}

namespace {

struct TestKey {
  PyObject ob_base;
  int64_t value;
};

std::atomic<TestKeyType*> g_key_type{nullptr};

}  // namespace

TestKeyType::TestKeyType(int64_t hash_modulus) : hash_modulus_(hash_modulus) {
  HeapTypeSpec spec;
  spec.name = "TestKey";
  spec.basicsize = sizeof(TestKey);
  type_ = *NewHeapType(spec);
  type_->tp_hash = HashSlot;
  type_->tp_richcompare = RichCompare;
  TestKeyType* expected = nullptr;
  EXPECT_TRUE(g_key_type.compare_exchange_strong(expected, this, std::memory_order_acq_rel,
                                                 std::memory_order_acquire));
}

TestKeyType::~TestKeyType() { g_key_type.store(nullptr, std::memory_order_release); }

Ref<> TestKeyType::Make(int64_t value) {
  Ref<TestKey> k = NewObject<TestKey>(type_.get());
  k->value = value;
  return Ref<>(std::move(k));
}

int64_t TestKeyType::Value(PyObject* key) { return reinterpret_cast<TestKey*>(key)->value; }

Py_hash_t TestKeyType::HashSlot(PyObject* op) {
  const int64_t m = g_key_type.load(std::memory_order_acquire)->hash_modulus_;
  const Py_hash_t h = static_cast<Py_hash_t>(Value(op) % m);
  return h == -1 ? -2 : h;
}

PyObject* TestKeyType::RichCompare(PyObject* a, PyObject* b, int op) {
  TestKeyType* self = g_key_type.load(std::memory_order_acquire);
  int64_t vb;
  if (b->ob_type == self->type()) {
    vb = Value(b);
  } else if (IsInt(b)) {
    vb = IntValue(b);
  } else {
    return NotImplemented();
  }
  if (op != Py_EQ && op != Py_NE) {
    const int64_t va = Value(a);
    bool r = op == Py_LT ? va < vb : op == Py_LE ? va <= vb : op == Py_GT ? va > vb : va >= vb;
    return BoolFrom(r);
  }
  self->eq_calls.fetch_add(1, std::memory_order_relaxed);
  if (self->on_eq) self->on_eq(a, b);
  return BoolFrom((Value(a) == vb) == (op == Py_EQ));
}

std::vector<int64_t> IntValues(PyObject* list) {
  std::vector<int64_t> values;
  Py_ssize_t i = 0;
  while (Ref<> item = ListNext(list, &i)) values.push_back(IntValue(item.get()));
  return values;
}

Ref<> Str(absl::string_view utf8) {
  absl::StatusOr<Ref<>> s = StrFromUtf8(utf8);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : Ref<>();
}

}  // namespace ftrt::testing_util
