// reversed: see enumobject.h.
#include "object/enumobject.h"

#include <atomic>
#include <utility>

#include "object/call.h"
#include "object/dict.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/type_cache.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

struct ReversedObject {
  PyObject ob_base;
  Py_ssize_t index;  // atomic (relaxed): the next item's index; -1 at the end
  PyObject* seq;     // set at creation, dropped at dealloc
};

ReversedObject* AsReversed(PyObject* op) { return reinterpret_cast<ReversedObject*>(op); }
std::atomic_ref<Py_ssize_t> IndexRef(PyObject* op) {
  return std::atomic_ref<Py_ssize_t>(AsReversed(op)->index);
}

bool IsSequence(PyObject* op) {
  if (IsDict(op)) return false;
  const PySequenceMethods* sq = op->ob_type->tp_as_sequence;
  return sq != nullptr && sq->sq_item != nullptr;
}

Ref<> NotReversible(PyObject* seq) {
  return SetErrorFormat(PyExc_TypeError, "'%s' object is not reversible", seq->ob_type->tp_name);
}

Ref<> NewReversed(PyTypeObject* type, PyObject* seq) {
  Ref<> name = RefOrRaise(StrFromUtf8("__reversed__"));
  if (!name) return nullptr;
  if (Ref<> method = TypeLookup(seq->ob_type, name.get())) {
    if (IsNone(method.get())) return NotReversible(seq);
    if (descrgetfunc get = method->ob_type->tp_descr_get) {
      method = Ref<>::Steal(get(method.get(), seq, reinterpret_cast<PyObject*>(seq->ob_type)));
      if (!method) return nullptr;
    }
    return CallNoArgs(method.get());
  }
  if (!IsSequence(seq)) return NotReversible(seq);
  lenfunc len = seq->ob_type->tp_as_sequence->sq_length;
  if (len == nullptr) {
    return SetErrorFormat(PyExc_TypeError, "object of type '%s' has no len()",
                          seq->ob_type->tp_name);
  }
  const Py_ssize_t n = len(seq);
  if (n < 0) return nullptr;
  Ref<> it = Ref<>::Steal(type->tp_alloc(type, 0));
  if (!it) return nullptr;
  AsReversed(it.get())->index = n - 1;
  AsReversed(it.get())->seq = Ref<>::NewRef(seq).Release();
  return it;
}

PyObject* ReversedNewSlot(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  if (type == &PyReversed_Type && CheckNoKeywords("reversed", kwds) == 0) return nullptr;
  if (!CheckPositional("reversed", TupleSize(args), 1, 1)) return nullptr;
  return NewReversed(type, TupleItem(args, 0)).Release();
}

PyObject* ReversedNext(PyObject* self) {
  const Py_ssize_t i = IndexRef(self).load(std::memory_order_relaxed);
  if (i < 0) return nullptr;
  PyObject* seq = AsReversed(self)->seq;
  PyObject* item = seq->ob_type->tp_as_sequence->sq_item(seq, i);
  if (item != nullptr) {
    IndexRef(self).store(i - 1, std::memory_order_relaxed);
    return item;
  }
  if (ExceptionMatches(PyExc_IndexError) || ExceptionMatches(PyExc_StopIteration)) {
    ClearError();
    IndexRef(self).store(-1, std::memory_order_relaxed);
  }
  return nullptr;
}

PyObject* ReversedLengthHint(PyObject* self, PyObject*) {
  const Py_ssize_t i = IndexRef(self).load(std::memory_order_relaxed);
  if (i < 0) return SmallInt(0);
  PyObject* seq = AsReversed(self)->seq;
  lenfunc len = seq->ob_type->tp_as_sequence->sq_length;
  const Py_ssize_t n = len != nullptr ? len(seq) : 0;
  if (n < 0) return nullptr;
  return RefOrRaise(IntFromInt64(n < i + 1 ? 0 : i + 1)).Release();
}

void ReversedDealloc(PyObject* self) {
  UntrackObject(self);
  PyObject* seq = std::exchange(AsReversed(self)->seq, nullptr);
  self->ob_type->tp_free(self);
  if (seq != nullptr) Decref(seq);
}

int ReversedTraverse(PyObject* self, visitproc visit, void* arg) {
  if (PyObject* seq = AsReversed(self)->seq) return visit(seq, arg);
  return 0;
}

PyObject* SelfIter(PyObject* self) { return Ref<>::NewRef(self).Release(); }

PyMethodDef g_reversed_methods[] = {
    {"__length_hint__", ReversedLengthHint, METH_NOARGS,
     "Private method returning an estimate of len(list(it))."},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

extern "C" {
constinit PyTypeObject PyReversed_Type = [] {
  PyTypeObject t = StaticTypeInit("reversed", sizeof(ReversedObject),
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_BASETYPE);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = ReversedDealloc;
  t.tp_traverse = ReversedTraverse;
  t.tp_doc = "Return a reverse iterator over the values of the given sequence.";
  t.tp_iter = SelfIter;
  t.tp_iternext = ReversedNext;
  t.tp_methods = g_reversed_methods;
  t.tp_alloc = PyType_GenericAlloc;
  t.tp_new = ReversedNewSlot;
  return t;
}();
}  // extern "C"

Ref<> ReversedNew(PyObject* seq) { return NewReversed(&PyReversed_Type, seq); }

}  // namespace ftrt
