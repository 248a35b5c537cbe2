// GC-tracked test and benchmark types (see testing_types.h).
#include "gc/testing_types.h"

#include <cstddef>
#include <memory>
#include <mutex>

#include "object/dealloc.h"
#include "object/object.h"

namespace ftrt::gc::testing {
namespace {

Counters g_counters;
std::atomic<FinalizerHook> g_finalizer_hook{nullptr};

// Per-id tables: replaced only by ResetCounters, between tests.
std::mutex g_tables_mu;
std::unique_ptr<std::atomic<int>[]> g_dealloc_table;
std::unique_ptr<std::atomic<int>[]> g_final_table;
std::atomic<int64_t> g_table_size{0};

void Bump(std::unique_ptr<std::atomic<int>[]>& table, int64_t id) {
  if (id >= 0 && id < g_table_size.load(std::memory_order_acquire)) {
    table[static_cast<size_t>(id)].fetch_add(1, std::memory_order_relaxed);
  }
}

// Both types keep a and b at the same offsets.
static_assert(offsetof(Pair, a) == offsetof(Node, a) && offsetof(Pair, b) == offsetof(Node, b));
ObjectHeader** Fields(ObjectHeader* op) {
  return &reinterpret_cast<Pair*>(op)->a;
}

int TwoFieldTraverse(PyObject* self, visitproc visit, void* arg) {
  ObjectHeader** f = Fields(self);
  if (f[0] != nullptr) {
    if (int r = visit(f[0], arg)) return r;
  }
  if (f[1] != nullptr) {
    if (int r = visit(f[1], arg)) return r;
  }
  return 0;
}

int TwoFieldClear(PyObject* self) {
  ObjectHeader** f = Fields(self);
  ObjectHeader* a = f[0];
  ObjectHeader* b = f[1];
  f[0] = f[1] = nullptr;
  g_counters.cleared.fetch_add(1, std::memory_order_relaxed);
  if (a != nullptr) Decref(a);
  if (b != nullptr) Decref(b);
  return 0;
}

void TwoFieldDealloc(PyObject* self, int64_t id) {
  UntrackObject(self);
  ObjectHeader** f = Fields(self);
  ObjectHeader* a = f[0];
  ObjectHeader* b = f[1];
  f[0] = f[1] = nullptr;
  if (id >= 0) Bump(g_dealloc_table, id);
  g_counters.deallocs.fetch_add(1, std::memory_order_release);
  FreeObject(self);
  // Nested frees go through object/'s trashcan: constant stack.
  if (a != nullptr) Decref(a);
  if (b != nullptr) Decref(b);
}

void PairDealloc(PyObject* self) { TwoFieldDealloc(self, -1); }
void NodeDealloc(PyObject* self) {
  TwoFieldDealloc(self, reinterpret_cast<Node*>(self)->id);
}

void NodeFinalize(PyObject* self) {
  auto* node = reinterpret_cast<Node*>(self);
  Bump(g_final_table, node->id);
  g_counters.finalized.fetch_add(1, std::memory_order_relaxed);
  if (FinalizerHook hook = g_finalizer_hook.load(std::memory_order_acquire)) hook(node);
}

constexpr unsigned long kGcFlags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;

constinit PyTypeObject g_pair_type = [] {
  PyTypeObject t = StaticTypeInit("gc_test.Pair", sizeof(Pair), kGcFlags);
  t.tp_dealloc = PairDealloc;
  t.tp_traverse = TwoFieldTraverse;
  t.tp_clear = TwoFieldClear;
  return t;
}();

constinit PyTypeObject g_node_type = [] {
  PyTypeObject t = StaticTypeInit("gc_test.Node", sizeof(Node), kGcFlags);
  t.tp_dealloc = NodeDealloc;
  t.tp_traverse = TwoFieldTraverse;
  t.tp_clear = TwoFieldClear;
  t.tp_weaklistoffset = offsetof(Node, weaklist);
  return t;
}();

constinit PyTypeObject g_finalizer_node_type = [] {
  PyTypeObject t = StaticTypeInit("gc_test.FinalizerNode", sizeof(Node), kGcFlags);
  t.tp_dealloc = NodeDealloc;
  t.tp_traverse = TwoFieldTraverse;
  t.tp_clear = TwoFieldClear;
  t.tp_finalize = NodeFinalize;
  t.tp_weaklistoffset = offsetof(Node, weaklist);
  return t;
}();

}  // namespace

PyTypeObject* PairType() { return &g_pair_type; }
PyTypeObject* NodeType() { return &g_node_type; }
PyTypeObject* FinalizerNodeType() { return &g_finalizer_node_type; }

Ref<Pair> NewPair() {
  Ref<Pair> p = NewObject<Pair>(&g_pair_type);
  if (!p) return p;
  g_counters.allocs.fetch_add(1, std::memory_order_relaxed);
  TrackObject(p.header());
  return p;
}

Ref<Node> NewNode(int64_t id, PyTypeObject* type) {
  Ref<Node> n = NewObject<Node>(type);
  if (!n) return n;
  n->id = id;
  g_counters.allocs.fetch_add(1, std::memory_order_relaxed);
  TrackObject(n.header());
  return n;
}

void SetField(ObjectHeader* obj, int which, ObjectHeader* value) {
  ObjectHeader** f = Fields(obj) + which;
  if (value != nullptr) Incref(value);
  ObjectHeader* old = *f;
  *f = value;
  if (old != nullptr) Decref(old);
}

void SetFinalizerHook(FinalizerHook hook) {
  g_finalizer_hook.store(hook, std::memory_order_release);
}

Counters& GetCounters() { return g_counters; }

void ResetCounters(int64_t n) {
  std::lock_guard<std::mutex> lock(g_tables_mu);
  g_table_size.store(0, std::memory_order_release);
  g_counters.allocs.store(0);
  g_counters.deallocs.store(0);
  g_counters.finalized.store(0);
  g_counters.cleared.store(0);
  g_dealloc_table.reset(n > 0 ? new std::atomic<int>[static_cast<size_t>(n)]() : nullptr);
  g_final_table.reset(n > 0 ? new std::atomic<int>[static_cast<size_t>(n)]() : nullptr);
  g_table_size.store(n, std::memory_order_release);
}

int DeallocsOf(int64_t id) {
  return g_dealloc_table[static_cast<size_t>(id)].load(std::memory_order_acquire);
}
int FinalizationsOf(int64_t id) {
  return g_final_table[static_cast<size_t>(id)].load(std::memory_order_acquire);
}

}  // namespace ftrt::gc::testing
