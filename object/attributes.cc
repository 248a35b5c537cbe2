// Attribute lookup and assignment (see attributes.h).
#include "object/attributes.h"

#include <atomic>

#include "object/descriptors.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/exceptions.h"
#include "object/intern.h"
#include "object/protocol_internal.h"
#include "object/str.h"
#include "object/type_cache.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

PyObject* AsObj(PyTypeObject* t) { return reinterpret_cast<PyObject*>(t); }

std::nullptr_t NameNotString(PyObject* name) {
  return SetErrorFormat(PyExc_TypeError, "attribute name must be string, not '%s'",
                        name->ob_type->tp_name);
}

std::nullptr_t NoAttribute(PyObject* obj, PyObject* name) {
  return SetErrorFormat(PyExc_AttributeError, "'%s' object has no attribute '%s'",
                        obj->ob_type->tp_name, StrUtf8(name));
}

// The instance dict, lock-free: acquire pairs with the publishing CAS.
PyObject* LoadDict(PyObject** dictptr) { return __atomic_load_n(dictptr, __ATOMIC_ACQUIRE); }

// Pins a lookup result on the root stack; drops the lookup's own counted
// reference (the pin holds one if the object is counted at all).
void Pin(std::optional<StackRef>* pin, internal::TypeLookupResult r) {
  pin->emplace(r.value);
  if (r.counted) Decref(r.value);
}

// _PyObject_GenericGetAttrWithDict: null without an exception when
// `suppress` and the attribute is simply absent.
Ref<> GenericGetAttrImpl(PyObject* obj, PyObject* name, bool suppress) {
  if (!IsStr(name)) return NameNotString(name);
  PyTypeObject* tp = obj->ob_type;
  internal::TypeLookupResult r = internal::TypeLookupFast(tp, name);
  std::optional<StackRef> pin;
  descrgetfunc f = nullptr;
  if (r.value != nullptr) {
    Pin(&pin, r);
    f = r.value->ob_type->tp_descr_get;
    if (f != nullptr && IsDataDescriptor(r.value)) {
      return Ref<>::Steal(f(r.value, obj, AsObj(tp)));
    }
  }
  if (tp->tp_dictoffset != 0) {
    if (PyObject** dp = GetDictPtr(obj)) {
      if (PyObject* dict = LoadDict(dp)) {
        absl::StatusOr<Ref<>> v = DictGetItemRefOrNull(dict, name);
        if (!v.ok()) return RefOrRaise(v.status());
        if (*v) return *std::move(v);
      }
    }
  }
  if (f != nullptr) return Ref<>::Steal(f(r.value, obj, AsObj(tp)));
  if (r.value != nullptr) return Ref<>::NewRef(r.value);
  if (suppress) return nullptr;
  return NoAttribute(obj, name);
}

}  // namespace

extern "C" {

PyObject* PyObject_GenericGetAttr(PyObject* obj, PyObject* name) {
  return GenericGetAttrImpl(obj, name, false).Release();
}

int PyObject_GenericSetAttr(PyObject* obj, PyObject* name, PyObject* value) {
  return GenericSetAttr(obj, name, value);
}

PyObject* PyObject_GenericGetDict(PyObject* obj, void* context) {
  (void)context;
  PyObject* dict = GetInstanceDict(obj, true);
  if (dict == nullptr) {
    if (!HasError()) SetErrorString(PyExc_AttributeError, "This object has no __dict__");
    return nullptr;
  }
  return Ref<>::NewRef(dict).Release();
}

int PyObject_GenericSetDict(PyObject* obj, PyObject* value, void* context) {
  (void)context;
  if (value == nullptr) {
    SetErrorString(PyExc_TypeError, "cannot delete __dict__");
    return -1;
  }
  if (!IsDict(value)) {
    SetErrorFormat(PyExc_TypeError, "__dict__ must be set to a dictionary, not a '%s'",
                   value->ob_type->tp_name);
    return -1;
  }
  PyObject* dict = GetInstanceDict(obj, true);
  if (dict == nullptr) {
    if (!HasError()) SetErrorString(PyExc_AttributeError, "This object has no __dict__");
    return -1;
  }
  if (dict == value) return 0;
  // The dict object is never replaced (attributes.h): its contents are.
  absl::StatusOr<std::vector<std::pair<Ref<>, Ref<>>>> items = DictItems(value);
  if (!items.ok()) return OkOrRaise(items.status());
  if (OkOrRaise(DictClear(dict)) < 0) return -1;
  for (auto& [k, v] : *items) {
    if (OkOrRaise(DictSetItem(dict, k.get(), v.get())) < 0) return -1;
  }
  return 0;
}

}  // extern "C"

PyObject** GetDictPtr(PyObject* obj) {
  PyTypeObject* tp = obj->ob_type;
  Py_ssize_t offset = tp->tp_dictoffset;
  if (offset == 0) return nullptr;
  if (offset < 0) {
    // Relative to the end of a variable-size object.
    Py_ssize_t n = reinterpret_cast<PyVarObject*>(obj)->ob_size;
    if (n < 0) n = -n;
    Py_ssize_t size = tp->tp_basicsize + n * tp->tp_itemsize;
    size = (size + 7) & ~Py_ssize_t{7};
    offset += size;
  }
  return reinterpret_cast<PyObject**>(reinterpret_cast<char*>(obj) + offset);
}

PyObject* GetInstanceDict(PyObject* obj, bool create) {
  PyObject** dp = GetDictPtr(obj);
  if (dp == nullptr) {
    if (create) {
      SetErrorFormat(PyExc_AttributeError, "'%s' object has no attribute '__dict__'",
                     obj->ob_type->tp_name);
    }
    return nullptr;
  }
  PyObject* dict = LoadDict(dp);
  if (dict != nullptr || !create) return dict;
  Ref<> fresh = RefOrRaise(DictNew());
  if (!fresh) return nullptr;
  PyObject* expected = nullptr;
  // Release: the new dict's contents are visible to whoever loads it.
  if (__atomic_compare_exchange_n(dp, &expected, fresh.get(), false, __ATOMIC_ACQ_REL,
                                  __ATOMIC_ACQUIRE)) {
    return fresh.Release();  // the object owns it now
  }
  return expected;  // another thread's; ours is dropped
}

Ref<> GenericGetAttr(PyObject* obj, PyObject* name) { return GenericGetAttrImpl(obj, name, false); }

Ref<> internal::GenericGetAttrOrNull(PyObject* obj, PyObject* name) {
  return GenericGetAttrImpl(obj, name, true);
}

int GenericSetAttr(PyObject* obj, PyObject* name, PyObject* value) {
  if (!IsStr(name)) {
    NameNotString(name);
    return -1;
  }
  PyTypeObject* tp = obj->ob_type;
  internal::TypeLookupResult r = internal::TypeLookupFast(tp, name);
  std::optional<StackRef> pin;
  if (r.value != nullptr) {
    Pin(&pin, r);
    if (descrsetfunc f = r.value->ob_type->tp_descr_set) return f(r.value, obj, value);
  }
  if (tp->tp_dictoffset == 0) {
    if (r.value == nullptr) {
      SetErrorFormat(PyExc_AttributeError,
                     "'%s' object has no attribute '%s' and no __dict__ for setting new attributes",
                     tp->tp_name, StrUtf8(name));
    } else {
      SetErrorFormat(PyExc_AttributeError, "'%s' object attribute '%s' is read-only",
                     tp->tp_name, StrUtf8(name));
    }
    return -1;
  }
  PyObject* dict = GetInstanceDict(obj, value != nullptr);
  if (value != nullptr) {
    if (dict == nullptr) return -1;
    return OkOrRaise(DictSetItem(dict, name, value));
  }
  if (dict == nullptr) {
    if (HasError()) return -1;
    NoAttribute(obj, name);
    return -1;
  }
  absl::Status s = DictDelItem(dict, name);
  if (IsError(s, ErrorKind::kKeyError)) {
    NoAttribute(obj, name);
    return -1;
  }
  return OkOrRaise(s);
}

Ref<> GetAttr(PyObject* obj, PyObject* name) {
  if (!IsStr(name)) return NameNotString(name);
  PyTypeObject* tp = obj->ob_type;
  if (FTRT_LIKELY(tp->tp_getattro != nullptr)) return Ref<>::Steal(tp->tp_getattro(obj, name));
  if (tp->tp_getattr != nullptr) {
    absl::StatusOr<absl::string_view> u = StrAsUtf8(name);
    if (!u.ok()) return RefOrRaise(u.status());
    std::string s(*u);
    return Ref<>::Steal(tp->tp_getattr(obj, s.data()));
  }
  return NoAttribute(obj, name);
}

Ref<> GetAttrString(PyObject* obj, const char* name) {
  PyObject* n = InternFromString(name);
  if (n == nullptr) return nullptr;
  return GetAttr(obj, n);
}

int GetOptionalAttr(PyObject* obj, PyObject* name, Ref<>* result) {
  if (obj->ob_type->tp_getattro == PyObject_GenericGetAttr) {
    *result = GenericGetAttrImpl(obj, name, true);
    if (*result) return 1;
    return HasError() ? -1 : 0;
  }
  *result = GetAttr(obj, name);
  if (*result) return 1;
  if (ExceptionMatches(PyExc_AttributeError)) {
    ClearError();
    return 0;
  }
  return -1;
}

int HasAttr(PyObject* obj, PyObject* name) {
  Ref<> r;
  return GetOptionalAttr(obj, name, &r);
}

int SetAttr(PyObject* obj, PyObject* name, PyObject* value) {
  if (!IsStr(name)) {
    NameNotString(name);
    return -1;
  }
  PyObject* key = InternStr(name);
  if (key == nullptr) return -1;
  PyTypeObject* tp = obj->ob_type;
  if (tp->tp_setattro != nullptr) return tp->tp_setattro(obj, key, value);
  if (tp->tp_setattr != nullptr) {
    absl::StatusOr<absl::string_view> u = StrAsUtf8(key);
    if (!u.ok()) return OkOrRaise(u.status());
    std::string s(*u);
    return tp->tp_setattr(obj, s.data(), value);
  }
  if (tp->tp_getattro == nullptr && tp->tp_getattr == nullptr) {
    SetErrorFormat(PyExc_TypeError, "'%s' object has no attributes (%s .%s)", tp->tp_name,
                   value == nullptr ? "del" : "assign to", StrUtf8(key));
  } else {
    SetErrorFormat(PyExc_TypeError, "'%s' object has only read-only attributes (%s .%s)",
                   tp->tp_name, value == nullptr ? "del" : "assign to", StrUtf8(key));
  }
  return -1;
}

int SetAttrString(PyObject* obj, const char* name, PyObject* value) {
  PyObject* n = InternFromString(name);
  if (n == nullptr) return -1;
  return SetAttr(obj, n, value);
}

int GetMethod(PyObject* obj, PyObject* name, std::optional<StackRef>* method) {
  PyTypeObject* tp = obj->ob_type;
  if (tp->tp_getattro != PyObject_GenericGetAttr || !IsStr(name)) {
    Ref<> r = GetAttr(obj, name);
    if (!r) return -1;
    method->emplace(r.get());
    return 0;
  }
  internal::TypeLookupResult r = internal::TypeLookupFast(tp, name);
  bool meth_found = false;
  descrgetfunc f = nullptr;
  if (r.value != nullptr) {
    // Pinned in *method at once; replaced below if something else wins.
    Pin(method, r);
    if (r.value->ob_type->tp_flags & Py_TPFLAGS_METHOD_DESCRIPTOR) {
      meth_found = true;
    } else {
      f = r.value->ob_type->tp_descr_get;
      if (f != nullptr && IsDataDescriptor(r.value)) {
        Ref<> res = Ref<>::Steal(f(r.value, obj, AsObj(tp)));
        method->reset();
        if (!res) return -1;
        method->emplace(res.get());
        return 0;
      }
    }
  }
  if (tp->tp_dictoffset != 0) {
    if (PyObject** dp = GetDictPtr(obj)) {
      if (PyObject* dict = LoadDict(dp)) {
        absl::StatusOr<Ref<>> v = DictGetItemRefOrNull(dict, name);
        if (!v.ok()) {
          method->reset();
          return OkOrRaise(v.status());
        }
        if (*v) {
          method->reset();
          method->emplace(v->get());
          return 0;
        }
      }
    }
  }
  if (meth_found) return 1;
  if (f != nullptr) {
    Ref<> res = Ref<>::Steal(f(r.value, obj, AsObj(tp)));
    method->reset();
    if (!res) return -1;
    method->emplace(res.get());
    return 0;
  }
  if (r.value != nullptr) return 0;  // a plain class attribute, already pinned
  NoAttribute(obj, name);
  return -1;
}

}  // namespace ftrt
