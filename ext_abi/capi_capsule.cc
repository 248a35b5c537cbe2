// libftrt.so: capsules (PyCapsule_*, pycapsule.h), the opaque pointer
// objects extensions use to hand C-level tables to each other, and
// PyCapsule_Import over the extension loader's registry of loaded modules
// (ftrt has no import system: a capsule is found only in a module the
// loader has already loaded).
//
// A capsule is a plain (non-GC) object: it references no other object.
// Its four fields are plain words accessed through std::atomic_ref, so
// that concurrent getters and setters on one capsule are data-race free
// (pycapsule.h states the guarantee); the destructor runs from tp_dealloc,
// exactly once, when the last reference goes.
#include <atomic>
#include <cstring>
#include <mutex>
#include <string>

#include "ext_abi/capi_internal.h"
#include "ext_abi/loader.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/object.h"
#include "object/typeobject.h"

// The C API functions this file calls (their declarations are in
// Python.h, which C++ sources of the runtime do not include).
extern "C" {
typedef void (*PyCapsule_Destructor)(PyObject*);
PyObject* _PyObject_New(PyTypeObject* type);
void PyObject_Free(void* ptr);
PyObject* PyObject_GetAttrString(PyObject* o, const char* name);
}

namespace {

struct Capsule {
  PyObject ob_base;
  // Each field is read and written only through the helpers below
  // (std::atomic_ref): setters release, getters acquire.
  void* pointer;  // never null in a live capsule
  const char* name;
  void* context;
  PyCapsule_Destructor destructor;
};

template <typename T>
T LoadAcquire(T& field) {
  return std::atomic_ref<T>(field).load(std::memory_order_acquire);
}
template <typename T>
void StoreRelease(T& field, T value) {
  std::atomic_ref<T>(field).store(value, std::memory_order_release);
}

void CapsuleDealloc(PyObject* self);

}  // namespace

extern "C" {
constinit PyTypeObject PyCapsule_Type = [] {
  // The header as PyVarObject_HEAD_INIT(NULL, 0) writes it (static,
  // immortal); ob_type is set to `type` when readied.
  PyTypeObject t{};
  const PyVarObject head[] = {PyVarObject_HEAD_INIT(nullptr, 0)};
  t.ob_base = head[0];
  t.tp_name = "PyCapsule";
  t.tp_basicsize = sizeof(Capsule);
  t.tp_dealloc = CapsuleDealloc;
  t.tp_flags = Py_TPFLAGS_DEFAULT;
  t.tp_doc = "Capsule objects let you wrap a C \"void *\" pointer in a Python object.";
  return t;
}();
}  // extern "C"

namespace {

// Readies PyCapsule_Type on first use (0, or -1 with the exception set).
int EnsureCapsuleType() {
  static std::once_flag once;
  static int result = 0;  // written once under `once`, read after it
  std::call_once(once, [] {
    ftrt::InitStaticType(&PyCapsule_Type);
    result = ftrt::TypeReady(&PyCapsule_Type);
  });
  if (result < 0 && !ftrt::HasError()) {
    ftrt::SetErrorString(PyExc_SystemError, "PyCapsule_Type could not be readied");
  }
  return result;
}

bool NamesMatch(const char* a, const char* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return std::strcmp(a, b) == 0;
}

// The capsule, or null with ValueError "<func> called with invalid
// PyCapsule object" (not a capsule, or one whose pointer is null).
Capsule* ValidOrRaise(PyObject* o, const char* func) {
  if (o == nullptr || o->ob_type != &PyCapsule_Type ||
      LoadAcquire(reinterpret_cast<Capsule*>(o)->pointer) == nullptr) {
    ftrt::SetErrorFormat(PyExc_ValueError, "%s called with invalid PyCapsule object", func);
    return nullptr;
  }
  return reinterpret_cast<Capsule*>(o);
}

void CapsuleDealloc(PyObject* self) {
  auto* c = reinterpret_cast<Capsule*>(self);
  // The last reference is gone: no other thread can reach the capsule, so
  // the destructor runs once; it may call the getters on `self`.
  PyCapsule_Destructor d = LoadAcquire(c->destructor);
  if (d != nullptr) d(self);
  PyObject_Free(self);
}

}  // namespace

extern "C" {

PyObject* PyCapsule_New(void* pointer, const char* name, PyCapsule_Destructor destructor) {
  if (pointer == nullptr) {
    ftrt::SetErrorString(PyExc_ValueError, "PyCapsule_New called with null pointer");
    return nullptr;
  }
  if (EnsureCapsuleType() < 0) return nullptr;
  PyObject* o = _PyObject_New(&PyCapsule_Type);
  if (o == nullptr) return nullptr;
  auto* c = reinterpret_cast<Capsule*>(o);
  // Not yet shared: plain initialisation, published with the object.
  c->pointer = pointer;
  c->name = name;
  c->context = nullptr;
  c->destructor = destructor;
  return o;
}

int PyCapsule_IsValid(PyObject* o, const char* name) {
  if (o == nullptr || o->ob_type != &PyCapsule_Type) return 0;
  auto* c = reinterpret_cast<Capsule*>(o);
  return LoadAcquire(c->pointer) != nullptr && NamesMatch(LoadAcquire(c->name), name) ? 1 : 0;
}

void* PyCapsule_GetPointer(PyObject* o, const char* name) {
  Capsule* c = ValidOrRaise(o, "PyCapsule_GetPointer");
  if (c == nullptr) return nullptr;
  if (!NamesMatch(LoadAcquire(c->name), name)) {
    ftrt::SetErrorString(PyExc_ValueError, "PyCapsule_GetPointer called with incorrect name");
    return nullptr;
  }
  return LoadAcquire(c->pointer);
}

const char* PyCapsule_GetName(PyObject* o) {
  Capsule* c = ValidOrRaise(o, "PyCapsule_GetName");
  return c == nullptr ? nullptr : LoadAcquire(c->name);
}

void* PyCapsule_GetContext(PyObject* o) {
  Capsule* c = ValidOrRaise(o, "PyCapsule_GetContext");
  return c == nullptr ? nullptr : LoadAcquire(c->context);
}

PyCapsule_Destructor PyCapsule_GetDestructor(PyObject* o) {
  Capsule* c = ValidOrRaise(o, "PyCapsule_GetDestructor");
  return c == nullptr ? nullptr : LoadAcquire(c->destructor);
}

int PyCapsule_SetPointer(PyObject* o, void* pointer) {
  if (pointer == nullptr) {
    ftrt::SetErrorString(PyExc_ValueError, "PyCapsule_SetPointer called with null pointer");
    return -1;
  }
  Capsule* c = ValidOrRaise(o, "PyCapsule_SetPointer");
  if (c == nullptr) return -1;
  StoreRelease(c->pointer, pointer);
  return 0;
}

int PyCapsule_SetName(PyObject* o, const char* name) {
  Capsule* c = ValidOrRaise(o, "PyCapsule_SetName");
  if (c == nullptr) return -1;
  StoreRelease(c->name, name);
  return 0;
}

int PyCapsule_SetContext(PyObject* o, void* context) {
  Capsule* c = ValidOrRaise(o, "PyCapsule_SetContext");
  if (c == nullptr) return -1;
  StoreRelease(c->context, context);
  return 0;
}

int PyCapsule_SetDestructor(PyObject* o, PyCapsule_Destructor destructor) {
  Capsule* c = ValidOrRaise(o, "PyCapsule_SetDestructor");
  if (c == nullptr) return -1;
  StoreRelease(c->destructor, destructor);
  return 0;
}

void* PyCapsule_Import(const char* name, int no_block) {
  (void)no_block;
  if (name == nullptr) {
    ftrt::ext::internal::BadCall("PyCapsule_Import");
    return nullptr;
  }
  ftrt::Ref<> object = ftrt::ext::internal::ResolveDottedName(name);
  if (!object) return nullptr;
  if (!PyCapsule_IsValid(object.get(), name)) {
    ftrt::SetErrorFormat(PyExc_AttributeError, "PyCapsule_Import \"%s\" is not valid", name);
    return nullptr;
  }
  // The module keeps the capsule (and so its pointer) alive.
  return LoadAcquire(reinterpret_cast<Capsule*>(object.get())->pointer);
}

}  // extern "C"
