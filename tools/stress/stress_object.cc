// StressObject's type (stress_object.h).
#include "tools/stress/stress_object.h"

#include <cstddef>

namespace ftrt::stress {
namespace {

StressObjectCounts g_counts;

void StressDealloc(PyObject* self) {
  auto* o = reinterpret_cast<StressObject*>(self);
  ObjectHeader* next = o->next;
  o->next = nullptr;
  g_counts.freed.fetch_add(1, std::memory_order_relaxed);
  FreeObject(self);
  // Nested frees go through the thread's trashcan: long chains free in
  // constant stack.
  if (next != nullptr) Decref(next);
}

constinit PyTypeObject g_stress_type = [] {
  PyTypeObject t = StaticTypeInit("ftrt_stress.Object", sizeof(StressObject));
  t.tp_dealloc = StressDealloc;
  t.tp_weaklistoffset = offsetof(StressObject, weaklist);
  return t;
}();

}  // namespace

PyTypeObject* StressObjectType() { return &g_stress_type; }

StressObjectCounts& StressCounts() { return g_counts; }

Ref<StressObject> NewStressObject(int64_t id) {
  Ref<StressObject> o = NewObject<StressObject>(&g_stress_type);
  if (!o) {
    g_counts.failed.fetch_add(1, std::memory_order_relaxed);
    return o;
  }
  o->id = id;
  g_counts.made.fetch_add(1, std::memory_order_relaxed);
  return o;
}

}  // namespace ftrt::stress
