// Calls and argument checks (see call.h).
#include "object/call.h"

#include <algorithm>
#include <cstring>
#include <vector>
#include <optional>

#include "absl/strings/str_cat.h"
#include "object/attributes.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/intern.h"
#include "object/object.h"
#include "object/protocol_internal.h"
#include "object/stack_ref.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

constexpr char kWhere[] = " while calling a Python object";

std::nullptr_t NotCallable(PyObject* callable) {
  return SetErrorFormat(PyExc_TypeError, "'%s' object is not callable",
                        callable->ob_type->tp_name);
}

// Calls `func` (a vectorcall) with a tuple and a dict.
PyObject* VectorcallWithTupleDict(vectorcallfunc func, PyObject* callable, PyObject* tuple,
                                  PyObject* kwargs) {
  const Py_ssize_t nargs = TupleSize(tuple);
  const absl::Span<PyObject* const> items = TupleItems(tuple);
  if (kwargs == nullptr || DictSize(kwargs) == 0) {
    return internal::CheckFunctionResult(callable,
                                         func(callable, items.data(), static_cast<size_t>(nargs),
                                              nullptr),
                                         nullptr);
  }
  // Positional items, then keyword values; keyword names in a tuple.
  absl::StatusOr<std::vector<std::pair<Ref<>, Ref<>>>> kw = DictItems(kwargs);
  if (!kw.ok()) return RefOrRaise(kw.status()).Release();
  internal::ArgBuffer stack(static_cast<size_t>(nargs) + kw->size());
  for (Py_ssize_t j = 0; j < nargs; ++j) stack[static_cast<size_t>(j)] = items[static_cast<size_t>(j)];
  Ref<> kwnames = RefOrRaise(TupleNew(static_cast<Py_ssize_t>(kw->size())));
  if (!kwnames) return nullptr;
  Py_ssize_t i = 0;
  for (auto& [k, v] : *kw) {
    if (!IsStr(k.get())) {
      SetErrorString(PyExc_TypeError, "keywords must be strings");
      return nullptr;
    }
    stack[static_cast<size_t>(nargs + i)] = v.get();  // kept alive by *kw
    TupleInitItem(kwnames.get(), i++, k.Clone());
  }
  return internal::CheckFunctionResult(
      callable, func(callable, stack.data(), static_cast<size_t>(nargs), kwnames.get()), nullptr);
}

}  // namespace

extern "C" PyObject* PyVectorcall_Call(PyObject* callable, PyObject* tuple, PyObject* dict) {
  vectorcallfunc func;
  std::memcpy(&func, reinterpret_cast<char*>(callable) + callable->ob_type->tp_vectorcall_offset,
              sizeof func);
  if (callable->ob_type->tp_vectorcall_offset <= 0 || func == nullptr) {
    return SetErrorFormat(PyExc_TypeError, "'%s' object does not support vectorcall",
                          callable->ob_type->tp_name);
  }
  return VectorcallWithTupleDict(func, callable, tuple, dict);
}

namespace internal {

PyObject* CheckFunctionResult(PyObject* callable, PyObject* result, const char* where) {
  if (FTRT_LIKELY(result != nullptr)) {
    // The common case: only this thread's own indicator needs a look (an
    // interim error beside a result would be a slot's bug, caught below
    // the next time anything asks ErrorOccurred()).
    ProtocolThreadState* st = CurrentProtocolState();
    if (FTRT_LIKELY(st == nullptr || st->current_exception == nullptr)) return result;
  }
  const bool err = ErrorOccurred() != nullptr;
  if (result == nullptr) {
    if (FTRT_UNLIKELY(!err)) {
      if (callable != nullptr) {
        SetErrorFormat(PyExc_SystemError, "%s returned NULL without setting an exception",
                       ReprUtf8(callable));
      } else {
        SetErrorFormat(PyExc_SystemError, "%s returned NULL without setting an exception",
                       where != nullptr ? where : "a function");
      }
    }
    return nullptr;
  }
  if (FTRT_UNLIKELY(err)) {
    Decref(result);
    Ref<> cause = GetRaisedException();
    SetErrorFormat(PyExc_SystemError, "%s returned a result with an exception set",
                   callable != nullptr ? ReprUtf8(callable) : std::string(where ? where : "?"));
    Ref<> exc = GetRaisedException();
    if (exc) SetRaisedExceptionFrom(std::move(exc), cause.get());
    return nullptr;
  }
  return result;
}

Ref<> StackToTuple(PyObject* const* args, Py_ssize_t nargs) {
  if (nargs == 0) return Ref<>::NewRef(EmptyTuple());
  return RefOrRaise(TupleFromItems(absl::MakeConstSpan(args, static_cast<size_t>(nargs))));
}

Ref<> KwnamesToDict(PyObject* const* values, PyObject* kwnames) {
  Ref<> d = RefOrRaise(DictNew());
  if (!d) return nullptr;
  const Py_ssize_t n = TupleSize(kwnames);
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (OkOrRaise(DictSetItem(d.get(), TupleItem(kwnames, i), values[i])) < 0) return nullptr;
  }
  return d;
}

PyObject* MakeTpCall(PyObject* callable, PyObject* const* args, Py_ssize_t nargs,
                     PyObject* kwnames) {
  ternaryfunc call = callable->ob_type->tp_call;
  if (call == nullptr) return NotCallable(callable);
  Ref<> tuple = StackToTuple(args, nargs);
  if (!tuple) return nullptr;
  Ref<> kwargs;
  if (kwnames != nullptr && TupleSize(kwnames) != 0) {
    kwargs = KwnamesToDict(args + nargs, kwnames);
    if (!kwargs) return nullptr;
  }
  if (!EnterRecursiveCall(kWhere)) return nullptr;
  PyObject* result = call(callable, tuple.get(), kwargs.get());
  LeaveRecursiveCall();
  return CheckFunctionResult(callable, result, nullptr);
}

PyObject* TypeCallSlot(PyObject* type_obj, PyObject* args, PyObject* kwargs) {
  auto* type = reinterpret_cast<PyTypeObject*>(type_obj);
  // type(x) is x's class.
  if (type == TypeType() && TupleSize(args) == 1 && (kwargs == nullptr || DictSize(kwargs) == 0)) {
    return Ref<>::NewRef(reinterpret_cast<PyObject*>(TupleItem(args, 0)->ob_type)).Release();
  }
  if (type->tp_new == nullptr) {
    return SetErrorFormat(PyExc_TypeError, "cannot create '%s' instances", type->tp_name);
  }
  PyObject* obj = CheckFunctionResult(type_obj, type->tp_new(type, args, kwargs), nullptr);
  if (obj == nullptr) return nullptr;
  // An object of another class: not ours to initialise.
  if (!TypeCheck(obj, type)) return obj;
  PyTypeObject* actual = obj->ob_type;
  if (actual->tp_init != nullptr) {
    const int rc = actual->tp_init(obj, args, kwargs);
    if (rc < 0) {
      if (!HasError()) {
        SetErrorFormat(PyExc_SystemError, "%s.__init__ returned -1 without setting an exception",
                       actual->tp_name);
      }
      Decref(obj);
      return nullptr;
    }
  }
  return obj;
}

}  // namespace internal

Ref<> Vectorcall(PyObject* callable, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  if (vectorcallfunc f = VectorcallFunction(callable)) {
    return Ref<>::Steal(
        internal::CheckFunctionResult(callable, f(callable, args, nargsf, kwnames), nullptr));
  }
  return Ref<>::Steal(internal::MakeTpCall(callable, args, VectorcallNargs(nargsf), kwnames));
}

Ref<> VectorcallDict(PyObject* callable, PyObject* const* args, size_t nargsf, PyObject* kwargs) {
  if (kwargs == nullptr || DictSize(kwargs) == 0) return Vectorcall(callable, args, nargsf);
  const Py_ssize_t nargs = VectorcallNargs(nargsf);
  vectorcallfunc f = VectorcallFunction(callable);
  if (f == nullptr) {
    ternaryfunc call = callable->ob_type->tp_call;
    if (call == nullptr) return NotCallable(callable);
    Ref<> tuple = internal::StackToTuple(args, nargs);
    if (!tuple) return nullptr;
    if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
    PyObject* r = call(callable, tuple.get(), kwargs);
    internal::LeaveRecursiveCall();
    return Ref<>::Steal(internal::CheckFunctionResult(callable, r, nullptr));
  }
  Ref<> tuple = internal::StackToTuple(args, nargs);
  if (!tuple) return nullptr;
  return Ref<>::Steal(VectorcallWithTupleDict(f, callable, tuple.get(), kwargs));
}

Ref<> VectorcallCall(PyObject* callable, PyObject* args, PyObject* kwargs) {
  return Ref<>::Steal(PyVectorcall_Call(callable, args, kwargs));
}

Ref<> VectorcallMethod(PyObject* name, PyObject* const* args, size_t nargsf, PyObject* kwnames) {
  const Py_ssize_t nargs = VectorcallNargs(nargsf);
  if (nargs < 1) {
    SetErrorString(PyExc_SystemError, "PyObject_VectorcallMethod: no self argument");
    return nullptr;
  }
  std::optional<StackRef> method;
  const int unbound = GetMethod(args[0], name, &method);
  if (unbound < 0) return nullptr;
  if (unbound) return Vectorcall(method->get(), args, static_cast<size_t>(nargs), kwnames);
  return Vectorcall(method->get(), args + 1,
                    static_cast<size_t>(nargs - 1) | kVectorcallArgumentsOffset, kwnames);
}

Ref<> Call(PyObject* callable, PyObject* args, PyObject* kwargs) {
  if (!IsTuple(args)) {
    SetErrorString(PyExc_TypeError, "argument list must be a tuple");
    return nullptr;
  }
  if (kwargs != nullptr && !IsDict(kwargs)) {
    SetErrorString(PyExc_TypeError, "keyword list must be a dictionary");
    return nullptr;
  }
  if (vectorcallfunc f = VectorcallFunction(callable)) {
    return Ref<>::Steal(VectorcallWithTupleDict(f, callable, args, kwargs));
  }
  ternaryfunc call = callable->ob_type->tp_call;
  if (call == nullptr) return NotCallable(callable);
  if (!internal::EnterRecursiveCall(kWhere)) return nullptr;
  PyObject* r = call(callable, args, kwargs);
  internal::LeaveRecursiveCall();
  return Ref<>::Steal(internal::CheckFunctionResult(callable, r, nullptr));
}

Ref<> CallObject(PyObject* callable, PyObject* args) {
  if (args == nullptr) return CallNoArgs(callable);
  return Call(callable, args, nullptr);
}

Ref<> CallNoArgs(PyObject* callable) { return Vectorcall(callable, nullptr, 0); }

Ref<> CallOneArg(PyObject* callable, PyObject* arg) {
  PyObject* stack[2] = {nullptr, arg};
  return Vectorcall(callable, stack + 1, 1 | kVectorcallArgumentsOffset);
}

Ref<> CallArgs(PyObject* callable, std::initializer_list<PyObject*> args) {
  internal::ArgBuffer stack(args.size() + 1);
  stack[0] = nullptr;  // scratch for the callee (args[-1])
  size_t i = 1;
  for (PyObject* a : args) stack[i++] = a;
  return Vectorcall(callable, stack.data() + 1, args.size() | kVectorcallArgumentsOffset);
}

Ref<> CallMethod(PyObject* obj, PyObject* name, std::initializer_list<PyObject*> args) {
  internal::ArgBuffer stack(args.size() + 2);
  stack[0] = nullptr;
  stack[1] = obj;
  size_t i = 2;
  for (PyObject* a : args) stack[i++] = a;
  return VectorcallMethod(name, stack.data() + 1, (args.size() + 1) | kVectorcallArgumentsOffset);
}

Ref<> CallMethod(PyObject* obj, const char* name, std::initializer_list<PyObject*> args) {
  PyObject* n = InternFromString(name);
  if (n == nullptr) return nullptr;
  return CallMethod(obj, n, args);
}

bool Callable(PyObject* op) { return op != nullptr && op->ob_type->tp_call != nullptr; }

// ---- argument checks ---------------------------------------------------------

int CheckPositional(const char* name, Py_ssize_t nargs, Py_ssize_t min, Py_ssize_t max) {
  if (nargs < min) {
    if (name != nullptr) {
      SetErrorFormat(PyExc_TypeError, "%s expected %s%d argument%s, got %d", name,
                     min == max ? "" : "at least ", min, min == 1 ? "" : "s", nargs);
    } else {
      SetErrorFormat(PyExc_TypeError, "unpacked tuple should have %s%d element%s, but has %d",
                     min == max ? "" : "at least ", min, min == 1 ? "" : "s", nargs);
    }
    return 0;
  }
  if (nargs == 0) return 1;
  if (nargs > max) {
    if (name != nullptr) {
      SetErrorFormat(PyExc_TypeError, "%s expected %s%d argument%s, got %d", name,
                     min == max ? "" : "at most ", max, max == 1 ? "" : "s", nargs);
    } else {
      SetErrorFormat(PyExc_TypeError, "unpacked tuple should have %s%d element%s, but has %d",
                     min == max ? "" : "at most ", max, max == 1 ? "" : "s", nargs);
    }
    return 0;
  }
  return 1;
}

int CheckNoKeywords(const char* name, PyObject* kwargs) {
  if (kwargs == nullptr) return 1;
  if (!IsDict(kwargs)) {
    BadInternalCall();
    return 0;
  }
  if (DictSize(kwargs) == 0) return 1;
  SetErrorFormat(PyExc_TypeError, "%s() takes no keyword arguments", name);
  return 0;
}

int CheckNoKwnames(const char* name, PyObject* kwnames) {
  if (kwnames == nullptr || TupleSize(kwnames) == 0) return 1;
  SetErrorFormat(PyExc_TypeError, "%s() takes no keyword arguments", name);
  return 0;
}

namespace {

// The keyword arguments of a call: names and values, from kwnames or a
// dict (borrowed; the caller keeps them alive).
struct Keywords {
  std::vector<PyObject*> names;
  std::vector<PyObject*> values;
  std::vector<std::pair<Ref<>, Ref<>>> owned;  // for a dict
};

int UnpackImpl(const ArgParser& p, PyObject* const* args, Py_ssize_t nargs, const Keywords& kw,
               absl::Span<PyObject*> out) {
  const std::vector<const char*> keywords(p.keywords.begin(), p.keywords.end());
  const int maxargs = static_cast<int>(keywords.size());
  const int maxpos = p.max_positional < 0 ? maxargs : p.max_positional;
  const int minpos = p.min_required;
  const int posonly = p.posonly;
  FTRT_CHECK(out.size() >= keywords.size(), "UnpackKeywords: output too small for %s", p.fname);
  Py_ssize_t nkwargs = static_cast<Py_ssize_t>(kw.names.size());
  const char* fname = p.fname != nullptr ? p.fname : "function";
  const char* parens = p.fname != nullptr ? "()" : "";
  for (PyObject* n : kw.names) {
    if (!IsStr(n)) {
      SetErrorString(PyExc_TypeError, "keywords must be strings");
      return 0;
    }
  }
  if (nargs + nkwargs > maxargs) {
    SetErrorFormat(PyExc_TypeError, "%s%s takes at most %d %sargument%s (%d given)", fname, parens,
                   maxargs, nargs == 0 ? "keyword " : "", maxargs == 1 ? "" : "s",
                   nargs + nkwargs);
    return 0;
  }
  if (nargs > maxpos) {
    if (maxpos == 0) {
      SetErrorFormat(PyExc_TypeError, "%s%s takes no positional arguments", fname, parens);
    } else {
      SetErrorFormat(PyExc_TypeError, "%s%s takes %s %d positional argument%s (%d given)", fname,
                     parens, minpos < maxpos ? "at most" : "exactly", maxpos,
                     maxpos == 1 ? "" : "s", nargs);
    }
    return 0;
  }
  const int minposonly = std::min(posonly, minpos);
  if (nargs < minposonly) {
    SetErrorFormat(PyExc_TypeError, "%s%s takes %s %d positional argument%s (%d given)", fname,
                   parens, minposonly < maxpos ? "at least" : "exactly", minposonly,
                   minposonly == 1 ? "" : "s", nargs);
    return 0;
  }
  auto find = [&](const char* name) -> PyObject* {
    for (size_t j = 0; j < kw.names.size(); ++j) {
      if (StrEqualsUtf8(kw.names[j], name)) return kw.values[j];
    }
    return nullptr;
  };
  for (Py_ssize_t i = 0; i < maxargs; ++i) out[static_cast<size_t>(i)] = nullptr;
  for (Py_ssize_t i = 0; i < nargs; ++i) out[static_cast<size_t>(i)] = args[i];
  for (int i = std::max(static_cast<int>(nargs), posonly); i < maxargs; ++i) {
    PyObject* current = nkwargs > 0 ? find(keywords[static_cast<size_t>(i)]) : nullptr;
    out[static_cast<size_t>(i)] = current;
    if (current != nullptr) {
      --nkwargs;
    } else if (i < minpos) {
      SetErrorFormat(PyExc_TypeError, "%s%s missing required argument '%s' (pos %d)", fname,
                     parens, keywords[static_cast<size_t>(i)], i + 1);
      return 0;
    }
  }
  if (nkwargs > 0) {
    for (int i = posonly; i < nargs; ++i) {
      if (find(keywords[static_cast<size_t>(i)]) != nullptr) {
        SetErrorFormat(PyExc_TypeError, "argument for %s%s given by name ('%s') and position (%d)",
                       fname, parens, keywords[static_cast<size_t>(i)], i + 1);
        return 0;
      }
    }
    for (PyObject* n : kw.names) {
      bool known = false;
      for (int i = posonly; i < maxargs && !known; ++i) {
        known = StrEqualsUtf8(n, keywords[static_cast<size_t>(i)]);
      }
      if (!known) {
        SetErrorFormat(PyExc_TypeError, "%s%s got an unexpected keyword argument '%s'", fname,
                       parens, StrUtf8(n));
        return 0;
      }
    }
    SetErrorFormat(PyExc_TypeError, "invalid keyword argument for %s%s", fname, parens);
    return 0;
  }
  return 1;
}

}  // namespace

int UnpackKeywords(const ArgParser& parser, PyObject* const* args, Py_ssize_t nargs,
                   PyObject* kwnames, absl::Span<PyObject*> out) {
  Keywords kw;
  if (kwnames != nullptr) {
    const Py_ssize_t n = TupleSize(kwnames);
    for (Py_ssize_t i = 0; i < n; ++i) {
      kw.names.push_back(TupleItem(kwnames, i));
      kw.values.push_back(args[nargs + i]);
    }
  }
  return UnpackImpl(parser, args, nargs, kw, out);
}

int UnpackKeywordsDict(const ArgParser& parser, PyObject* args, PyObject* kwargs,
                       absl::Span<PyObject*> out) {
  Keywords kw;
  if (kwargs != nullptr) {
    absl::StatusOr<std::vector<std::pair<Ref<>, Ref<>>>> items = DictItems(kwargs);
    if (!items.ok()) {
      SetErrorFromStatus(items.status());
      return 0;
    }
    kw.owned = *std::move(items);
    for (auto& [k, v] : kw.owned) {
      kw.names.push_back(k.get());
      kw.values.push_back(v.get());
    }
  }
  const absl::Span<PyObject* const> items = TupleItems(args);
  return UnpackImpl(parser, items.data(), TupleSize(args), kw, out);
}

}  // namespace ftrt
