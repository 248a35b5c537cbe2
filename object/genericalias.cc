// types.GenericAlias (CPython's Py_GenericAliasType, PEP 585): a type with
// arguments, what `list[int]` or an extension's `MyType[int]` evaluates to.
// Extensions get it by putting {"__class_getitem__", Py_GenericAlias,
// METH_O | METH_CLASS} in their method tables, and PyObject_GetItem on a
// type calls __class_getitem__ (subscript.cc). The behaviour follows
// CPython 3.13's Objects/genericaliasobject.c, in our own code:
//   - __origin__ and __args__ (always a tuple) are read-only members;
//     __parameters__ is () because nothing here is a type variable (ftrt
//     has no TypeVar; CPython would collect objects with __typing_subst__);
//     __unpacked__ is False (no starred aliases: `*tuple[int]` is left out);
//   - repr is origin[arg, ...]: a class-like object (one with __qualname__
//     and __module__) by its module-qualified name ("builtins." left off),
//     Ellipsis as "...", a list argument as [a, b], anything else by repr;
//     tuple[()] shows "()";
//   - == and != compare origin and args (other comparisons and other
//     operands: NotImplemented); hash is hash(origin) ^ hash(args);
//   - calling it calls origin and then sets __orig_class__ on the result,
//     ignoring AttributeError and TypeError (objects without a __dict__);
//   - every attribute except CPython's list of exceptions (__origin__,
//     __args__, __class__, __mro_entries__, __reduce__, ...) is looked up
//     on origin, so list[int].__name__ is "list";
//   - __mro_entries__, __instancecheck__ / __subclasscheck__ (TypeError),
//     __reduce__; types.GenericAlias(origin, args) makes one.
// An alias never changes after it is made, so any thread may use it with
// no lock; its origin and args are dropped only by dealloc and by the
// collector's tp_clear (on an unreachable alias).
#include "object/genericalias.h"

#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "object/attributes.h"
#include "object/call.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/intern.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

struct GenericAliasObject {
  PyObject ob_base;
  PyObject* origin;  // set at creation; null only after tp_clear
  PyObject* args;    // a tuple; likewise
  char unpacked;     // always 0 (read as __unpacked__)
};

GenericAliasObject* AsAlias(PyObject* op) { return reinterpret_cast<GenericAliasObject*>(op); }

PyObject* Name(absl::string_view text) { return InternFromString(text); }

// ---- repr ---------------------------------------------------------------

// Appends the UTF-8 text of the str `s` (a new reference, or null with an
// exception); false on error.
bool AppendStr(std::string* out, Ref<> s) {
  if (!s) return false;
  absl::StatusOr<absl::string_view> text = StrAsUtf8(s.get());
  if (!text.ok()) {
    SetErrorFromStatus(text.status());
    return false;
  }
  out->append(text->data(), text->size());
  return true;
}

// One item as CPython's ga_repr_item writes it.
bool AppendItem(std::string* out, PyObject* p) {
  if (p == Ellipsis()) {
    out->append("...");
    return true;
  }
  // Something with __origin__ and __args__ looks like an alias: its repr.
  int rc = HasAttr(p, Name("__origin__"));
  if (rc > 0) rc = HasAttr(p, Name("__args__"));
  if (rc < 0) return false;
  if (rc == 0) {
    Ref<> qualname;
    if (GetOptionalAttr(p, Name("__qualname__"), &qualname) < 0) return false;
    if (qualname) {
      Ref<> module;
      if (GetOptionalAttr(p, Name("__module__"), &module) < 0) return false;
      if (module && module.get() != None()) {
        // Looks like a class.
        if (!(IsStr(module.get()) && StrEqualsUtf8(module.get(), "builtins"))) {
          if (!AppendStr(out, ObjectStr(module.get()))) return false;
          out->push_back('.');
        }
        return AppendStr(out, ObjectStr(qualname.get()));
      }
    }
  }
  return AppendStr(out, ObjectRepr(p));
}

PyObject* ReprSlot(PyObject* self) {
  GenericAliasObject* a = AsAlias(self);
  if (a->origin == nullptr || a->args == nullptr) return Ref<>::NewRef(EmptyStr()).Release();
  std::string out;
  if (!AppendItem(&out, a->origin)) return nullptr;
  out.push_back('[');
  const Py_ssize_t n = TupleSize(a->args);
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (i > 0) out.append(", ");
    PyObject* p = TupleItem(a->args, i);
    if (p->ob_type == ListType()) {
      // A ParamSpec-style list of arguments: [a, b].
      Ref<> items = RefOrRaise(ListAsTuple(p));
      if (!items) return nullptr;
      out.push_back('[');
      for (Py_ssize_t j = 0; j < TupleSize(items.get()); ++j) {
        if (j > 0) out.append(", ");
        if (!AppendItem(&out, TupleItem(items.get(), j))) return nullptr;
      }
      out.push_back(']');
    } else if (!AppendItem(&out, p)) {
      return nullptr;
    }
  }
  if (n == 0) out.append("()");  // tuple[()]
  out.push_back(']');
  return RefOrRaise(StrFromUtf8(out)).Release();
}

// ---- comparison, hash, call ----------------------------------------------

PyObject* RichCompareSlot(PyObject* a, PyObject* b, int op) {
  if (!IsGenericAlias(b) || (op != Py_EQ && op != Py_NE)) {
    return Ref<>::NewRef(NotImplemented()).Release();
  }
  GenericAliasObject* x = AsAlias(a);
  GenericAliasObject* y = AsAlias(b);
  if (x->origin == nullptr || y->origin == nullptr) {
    return Ref<>::NewRef(BoolFrom((a == b) == (op == Py_EQ))).Release();
  }
  int eq = x->unpacked == y->unpacked ? ObjectRichCompareBool(x->origin, y->origin, Py_EQ) : 0;
  if (eq < 0) return nullptr;
  if (eq > 0) eq = ObjectRichCompareBool(x->args, y->args, Py_EQ);
  if (eq < 0) return nullptr;
  return Ref<>::NewRef(BoolFrom((eq > 0) == (op == Py_EQ))).Release();
}

Py_hash_t HashSlot(PyObject* self) {
  GenericAliasObject* a = AsAlias(self);
  if (a->origin == nullptr) return 0;
  const Py_hash_t h0 = ObjectHash(a->origin);
  if (h0 == -1) return -1;
  const Py_hash_t h1 = ObjectHash(a->args);
  if (h1 == -1) return -1;
  // CPython's value, the xor as is (it is -1, the error value, only when
  // h1 == ~h0; CPython does not guard that either).
  return h0 ^ h1;
}

PyObject* CallSlot(PyObject* self, PyObject* args, PyObject* kwargs) {
  GenericAliasObject* a = AsAlias(self);
  if (a->origin == nullptr) {
    return SetErrorFormat(PyExc_TypeError, "'%s' object is not callable", self->ob_type->tp_name);
  }
  Ref<> obj = Call(a->origin, args, kwargs);
  if (!obj) return nullptr;
  if (SetAttr(obj.get(), Name("__orig_class__"), self) < 0) {
    if (!ExceptionMatches(PyExc_AttributeError) && !ExceptionMatches(PyExc_TypeError)) {
      return nullptr;
    }
    ClearError();
  }
  return obj.Release();
}

// ---- attributes ----------------------------------------------------------

// The names an alias answers itself; every other goes to origin
// (CPython 3.13's attr_exceptions).
constexpr const char* kOwnAttributes[] = {
    "__class__",       "__bases__",    "__origin__",
    "__args__",        "__unpacked__", "__parameters__",
    "__typing_unpacked_tuple_args__",  "__mro_entries__",
    "__reduce_ex__",   "__reduce__",   "__copy__",
    "__deepcopy__",
};

PyObject* GetAttroSlot(PyObject* self, PyObject* name) {
  GenericAliasObject* a = AsAlias(self);
  if (IsStr(name) && a->origin != nullptr) {
    bool own = false;
    for (const char* n : kOwnAttributes) {
      if (StrEqualsUtf8(name, n)) {
        own = true;
        break;
      }
    }
    if (!own) return GetAttr(a->origin, name).Release();
  }
  return PyObject_GenericGetAttr(self, name);
}

PyObject* ParametersGetter(PyObject*, void*) { return Ref<>::NewRef(EmptyTuple()).Release(); }

PyObject* UnpackedTupleArgsGetter(PyObject*, void*) { return Ref<>::NewRef(None()).Release(); }

PyMemberDef g_members[] = {
    {"__origin__", Py_T_OBJECT_EX, offsetof(GenericAliasObject, origin), Py_READONLY, nullptr},
    {"__args__", Py_T_OBJECT_EX, offsetof(GenericAliasObject, args), Py_READONLY, nullptr},
    {"__unpacked__", Py_T_BOOL, offsetof(GenericAliasObject, unpacked), Py_READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

PyGetSetDef g_getset[] = {
    {"__parameters__", ParametersGetter, nullptr, "Type variables in the GenericAlias.", nullptr},
    {"__typing_unpacked_tuple_args__", UnpackedTupleArgsGetter, nullptr, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

// ---- methods -------------------------------------------------------------

PyObject* MroEntries(PyObject* self, PyObject*) {
  PyObject* origin = AsAlias(self)->origin;
  if (origin == nullptr) return Ref<>::NewRef(EmptyTuple()).Release();
  return RefOrRaise(TupleFromItems({&origin, 1})).Release();
}

PyObject* InstanceCheck(PyObject*, PyObject*) {
  return SetErrorFormat(PyExc_TypeError,
                        "isinstance() argument 2 cannot be a parameterized generic");
}

PyObject* SubclassCheck(PyObject*, PyObject*) {
  return SetErrorFormat(PyExc_TypeError,
                        "issubclass() argument 2 cannot be a parameterized generic");
}

PyObject* Reduce(PyObject* self, PyObject*) {
  GenericAliasObject* a = AsAlias(self);
  if (a->origin == nullptr) {
    BadInternalCall();
    return nullptr;
  }
  PyObject* pair_items[] = {a->origin, a->args};
  Ref<> pair = RefOrRaise(TupleFromItems(pair_items));
  if (!pair) return nullptr;
  PyObject* items[] = {reinterpret_cast<PyObject*>(self->ob_type), pair.get()};
  return RefOrRaise(TupleFromItems(items)).Release();
}

PyMethodDef g_methods[] = {
    {"__mro_entries__", MroEntries, METH_O, nullptr},
    {"__instancecheck__", InstanceCheck, METH_O, nullptr},
    {"__subclasscheck__", SubclassCheck, METH_O, nullptr},
    {"__reduce__", Reduce, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

// ---- life cycle ----------------------------------------------------------

int TraverseSlot(PyObject* self, visitproc visit, void* arg) {
  GenericAliasObject* a = AsAlias(self);
  if (a->origin != nullptr) {
    if (int r = visit(a->origin, arg)) return r;
  }
  if (a->args != nullptr) return visit(a->args, arg);
  return 0;
}

// On an unreachable alias only (the collector's last step), so no other
// thread reads the fields.
int ClearSlot(PyObject* self) {
  GenericAliasObject* a = AsAlias(self);
  PyObject* origin = std::exchange(a->origin, nullptr);
  PyObject* args = std::exchange(a->args, nullptr);
  if (origin != nullptr) Decref(origin);
  if (args != nullptr) Decref(args);
  return 0;
}

void DeallocSlot(PyObject* self) {
  UntrackObject(self);
  GenericAliasObject* a = AsAlias(self);
  PyObject* origin = std::exchange(a->origin, nullptr);
  PyObject* args = std::exchange(a->args, nullptr);
  FreeInstance(self, &Py_GenericAliasType);
  // Must not touch self from here: the drops may run arbitrary code.
  if (origin != nullptr) Decref(origin);
  if (args != nullptr) Decref(args);
}

PyObject* NewSlot(PyTypeObject*, PyObject* args, PyObject* kwargs) {
  if (!CheckNoKeywords("GenericAlias", kwargs)) return nullptr;
  if (!CheckPositional("GenericAlias", TupleSize(args), 2, 2)) return nullptr;
  return GenericAliasNew(TupleItem(args, 0), TupleItem(args, 1)).Release();
}

}  // namespace

extern "C" {
constinit PyTypeObject Py_GenericAliasType = [] {
  PyTypeObject t = StaticTypeInit("types.GenericAlias", sizeof(GenericAliasObject),
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = DeallocSlot;
  t.tp_traverse = TraverseSlot;
  t.tp_clear = ClearSlot;
  t.tp_repr = ReprSlot;
  t.tp_hash = HashSlot;
  t.tp_call = CallSlot;
  t.tp_getattro = GetAttroSlot;
  t.tp_richcompare = RichCompareSlot;
  t.tp_members = g_members;
  t.tp_getset = g_getset;
  t.tp_methods = g_methods;
  t.tp_new = NewSlot;
  t.tp_doc =
      "GenericAlias(origin, args, /)\n--\n\n"
      "Represent a PEP 585 generic type\n\nE.g. for t = list[int], t.__origin__ is list and "
      "t.__args__ is (int,).";
  return t;
}();
}  // extern "C"

bool IsGenericAlias(const PyObject* op) { return TypeCheck(op, &Py_GenericAliasType); }

Ref<> GenericAliasNew(PyObject* origin, PyObject* args) {
  Ref<> tuple;
  if (IsTuple(args)) {
    tuple = Ref<>::NewRef(args);
  } else {
    tuple = RefOrRaise(TupleFromItems({&args, 1}));
    if (!tuple) return nullptr;
  }
  auto* a = reinterpret_cast<GenericAliasObject*>(AllocObjectOfType(&Py_GenericAliasType));
  if (a == nullptr) return NoMemory();
  a->origin = Ref<>::NewRef(origin).Release();
  a->args = tuple.Release();
  TrackObject(&a->ob_base);
  return Ref<>::Steal(&a->ob_base);
}

}  // namespace ftrt
