// libftrt.so: the C API of the exceptions that carry fields (object/
// exceptions.h): OSError raised from errno (PyErr_SetFromErrno and its
// file-name forms: the class is called with (errno, strerror[, names]), so
// OSError itself becomes FileNotFoundError, PermissionError, ... as in
// CPython), ImportError with name and path, and the UnicodeDecodeError /
// EncodeError / TranslateError constructor and accessors.
//
// The accessors read and write the exception's fields the way its own
// members do (objects swapped inside its critical section, start and end
// as relaxed atomics), so a codec error shared between threads stays
// consistent. As in CPython, GetStart / GetEnd clamp to the object's
// length, and the getters raise TypeError when a field is unset (an error
// made in the message-only form) or has the wrong type.
#include <atomic>
#include <cerrno>
#include <cstring>

#include "ext_abi/capi_internal.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/dict.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/none_bool.h"
#include "object/protocol_internal.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"
#include "sync/critical_section.h"

using ftrt::Ref;

extern "C" {
PyObject* PyUnicode_DecodeFSDefault(const char* s);
PyObject* PyUnicode_DecodeLocale(const char* str, const char* errors);
}

namespace {

// Calls `type` with `args` and raises the result as the current exception.
void RaiseCall(PyObject* type, PyObject* args, PyObject* kwargs) {
  Ref<> exc = ftrt::Call(type, args, kwargs);
  if (!exc) return;  // the call's own error stays set
  ftrt::SetRaisedException(std::move(exc));
}

enum class Kind { kDecode, kEncode, kTranslate };

PyTypeObject* ClassOf(Kind k) {
  switch (k) {
    case Kind::kDecode:
      return &_PyExc_UnicodeDecodeError;
    case Kind::kEncode:
      return &_PyExc_UnicodeEncodeError;
    case Kind::kTranslate:
      return &_PyExc_UnicodeTranslateError;
  }
  return nullptr;
}

// The exception as a PyUnicodeErrorObject of kind `k`, or null with
// TypeError.
PyUnicodeErrorObject* As(PyObject* exc, Kind k) {
  if (exc == nullptr || !ftrt::TypeCheck(exc, ClassOf(k))) {
    ftrt::SetErrorFormat(PyExc_TypeError, "expected a %s, not %s", ClassOf(k)->tp_name,
                         exc == nullptr ? "NULL" : exc->ob_type->tp_name);
    return nullptr;
  }
  return reinterpret_cast<PyUnicodeErrorObject*>(exc);
}

// A field (new reference), as the members read it.
Ref<> Field(PyObject* exc, PyObject*& field) {
  ftrt::CriticalSection cs(ftrt::internal::ObjectLock(exc));
  return Ref<>::NewRef(std::atomic_ref<PyObject*>(field).load(std::memory_order_relaxed));
}

void SetField(PyObject* exc, PyObject*& field, Ref<> value) {
  PyObject* old;
  {
    ftrt::CriticalSection cs(ftrt::internal::ObjectLock(exc));
    old = std::atomic_ref<PyObject*>(field).exchange(value.Release(), std::memory_order_acq_rel);
  }
  if (old != nullptr) ftrt::Decref(old);
}

// A str field, or null with TypeError (unset, or not a str).
PyObject* GetStr(PyObject* exc, PyObject*& field, const char* name) {
  Ref<> v = Field(exc, field);
  if (!v) {
    ftrt::SetErrorFormat(PyExc_TypeError, "%s attribute not set", name);
    return nullptr;
  }
  if (!ftrt::IsStr(v.get())) {
    ftrt::SetErrorFormat(PyExc_TypeError, "%s attribute must be unicode", name);
    return nullptr;
  }
  return v.Release();
}

PyObject* GetObject(PyObject* exc, Kind k) {
  PyUnicodeErrorObject* e = As(exc, k);
  if (e == nullptr) return nullptr;
  if (k != Kind::kDecode) return GetStr(exc, e->object, "object");
  Ref<> v = Field(exc, e->object);
  if (!v) {
    ftrt::SetErrorString(PyExc_TypeError, "object attribute not set");
    return nullptr;
  }
  if (!ftrt::IsBytes(v.get())) {
    ftrt::SetErrorString(PyExc_TypeError, "object attribute must be bytes");
    return nullptr;
  }
  return v.Release();
}

// The length of the object (bytes or str), or -1 with TypeError.
Py_ssize_t ObjectLength(PyObject* exc, Kind k) {
  Ref<> obj = Ref<>::Steal(GetObject(exc, k));
  if (!obj) return -1;
  return k == Kind::kDecode ? ftrt::BytesSize(obj.get()) : ftrt::StrLength(obj.get());
}

std::atomic_ref<Py_ssize_t> Index(Py_ssize_t& field) { return std::atomic_ref<Py_ssize_t>(field); }

int GetStart(PyObject* exc, Py_ssize_t* start, Kind k) {
  PyUnicodeErrorObject* e = As(exc, k);
  if (e == nullptr) return -1;
  const Py_ssize_t size = ObjectLength(exc, k);
  if (size < 0) return -1;
  Py_ssize_t v = Index(e->start).load(std::memory_order_relaxed);
  if (v < 0) v = 0;
  if (v >= size) v = size == 0 ? 0 : size - 1;
  *start = v;
  return 0;
}

int GetEnd(PyObject* exc, Py_ssize_t* end, Kind k) {
  PyUnicodeErrorObject* e = As(exc, k);
  if (e == nullptr) return -1;
  const Py_ssize_t size = ObjectLength(exc, k);
  if (size < 0) return -1;
  Py_ssize_t v = Index(e->end).load(std::memory_order_relaxed);
  if (v < 1) v = 1;
  if (v > size) v = size;
  *end = v;
  return 0;
}

int SetStart(PyObject* exc, Py_ssize_t start, Kind k) {
  PyUnicodeErrorObject* e = As(exc, k);
  if (e == nullptr) return -1;
  Index(e->start).store(start, std::memory_order_relaxed);
  return 0;
}

int SetEnd(PyObject* exc, Py_ssize_t end, Kind k) {
  PyUnicodeErrorObject* e = As(exc, k);
  if (e == nullptr) return -1;
  Index(e->end).store(end, std::memory_order_relaxed);
  return 0;
}

PyObject* GetReason(PyObject* exc, Kind k) {
  PyUnicodeErrorObject* e = As(exc, k);
  if (e == nullptr) return nullptr;
  return GetStr(exc, e->reason, "reason");
}

int SetReason(PyObject* exc, const char* reason, Kind k) {
  PyUnicodeErrorObject* e = As(exc, k);
  if (e == nullptr) return -1;
  if (reason == nullptr) {
    ftrt::SetErrorString(PyExc_TypeError, "reason must not be NULL");
    return -1;
  }
  Ref<> r = ftrt::RefOrRaise(ftrt::StrFromUtf8(reason));
  if (!r) return -1;
  SetField(exc, e->reason, std::move(r));
  return 0;
}

PyObject* GetEncoding(PyObject* exc, Kind k) {
  PyUnicodeErrorObject* e = As(exc, k);
  if (e == nullptr) return nullptr;
  return GetStr(exc, e->encoding, "encoding");
}

}  // namespace

extern "C" {

// --- OSError from errno --------------------------------------------------------

PyObject* PyErr_SetFromErrnoWithFilenameObjects(PyObject* type, PyObject* filename,
                                                PyObject* filename2) {
  const int err = errno;
  if (type == nullptr) {
    ftrt::SetErrorString(PyExc_SystemError, "PyErr_SetFromErrno: NULL exception class");
    return nullptr;
  }
  Ref<> message = Ref<>::Steal(PyUnicode_DecodeLocale(err == 0 ? "Error" : std::strerror(err),
                                                      "surrogateescape"));
  if (!message) return nullptr;
  Ref<> code = ftrt::RefOrRaise(ftrt::IntFromInt64(err));
  if (!code) return nullptr;
  Ref<> args;
  if (filename == nullptr) {
    args = ftrt::RefOrRaise(ftrt::TupleFromItems({code.get(), message.get()}));
  } else if (filename2 == nullptr) {
    args = ftrt::RefOrRaise(ftrt::TupleFromItems({code.get(), message.get(), filename}));
  } else {
    args = ftrt::RefOrRaise(
        ftrt::TupleFromItems({code.get(), message.get(), filename, ftrt::None(), filename2}));
  }
  if (!args) return nullptr;
  RaiseCall(type, args.get(), nullptr);
  return nullptr;
}

PyObject* PyErr_SetFromErrnoWithFilenameObject(PyObject* type, PyObject* filename) {
  return PyErr_SetFromErrnoWithFilenameObjects(type, filename, nullptr);
}

PyObject* PyErr_SetFromErrno(PyObject* type) {
  return PyErr_SetFromErrnoWithFilenameObjects(type, nullptr, nullptr);
}

PyObject* PyErr_SetFromErrnoWithFilename(PyObject* type, const char* filename) {
  const int err = errno;
  Ref<> name;
  if (filename != nullptr) {
    name = Ref<>::Steal(PyUnicode_DecodeFSDefault(filename));
    if (!name) return nullptr;
  }
  errno = err;  // decoding may have changed it
  return PyErr_SetFromErrnoWithFilenameObjects(type, name.get(), nullptr);
}

// --- ImportError with name and path ----------------------------------------------

PyObject* PyErr_SetImportErrorSubclass(PyObject* exception, PyObject* msg, PyObject* name,
                                       PyObject* path) {
  if (exception == nullptr || !ftrt::IsType(exception) ||
      !ftrt::TypeIsSubtype(reinterpret_cast<PyTypeObject*>(exception), &_PyExc_ImportError)) {
    ftrt::SetErrorString(PyExc_TypeError, "expected a subclass of ImportError");
    return nullptr;
  }
  if (msg == nullptr) {
    ftrt::SetErrorString(PyExc_TypeError, "expected a message argument");
    return nullptr;
  }
  Ref<> kwargs = ftrt::RefOrRaise(ftrt::DictNew());
  if (!kwargs) return nullptr;
  Ref<> name_key = ftrt::RefOrRaise(ftrt::StrFromUtf8("name"));
  Ref<> path_key = ftrt::RefOrRaise(ftrt::StrFromUtf8("path"));
  if (!name_key || !path_key) return nullptr;
  if (ftrt::OkOrRaise(ftrt::DictSetItem(kwargs.get(), name_key.get(),
                                        name != nullptr ? name : ftrt::None())) < 0 ||
      ftrt::OkOrRaise(ftrt::DictSetItem(kwargs.get(), path_key.get(),
                                        path != nullptr ? path : ftrt::None())) < 0) {
    return nullptr;
  }
  Ref<> args = ftrt::RefOrRaise(ftrt::TupleFromItems({msg}));
  if (!args) return nullptr;
  RaiseCall(exception, args.get(), kwargs.get());
  return nullptr;
}

PyObject* PyErr_SetImportError(PyObject* msg, PyObject* name, PyObject* path) {
  return PyErr_SetImportErrorSubclass(PyExc_ImportError, msg, name, path);
}

// --- Unicode errors ------------------------------------------------------------

PyObject* PyUnicodeDecodeError_Create(const char* encoding, const char* object, Py_ssize_t length,
                                      Py_ssize_t start, Py_ssize_t end, const char* reason) {
  if (encoding == nullptr || reason == nullptr || (object == nullptr && length != 0) ||
      length < 0) {
    ftrt::SetErrorString(PyExc_SystemError, "PyUnicodeDecodeError_Create: bad argument");
    return nullptr;
  }
  Ref<> enc = ftrt::RefOrRaise(ftrt::StrFromUtf8(encoding));
  if (!enc) return nullptr;
  Ref<> obj = ftrt::RefOrRaise(
      ftrt::BytesFromData(absl::string_view(object == nullptr ? "" : object,
                                            static_cast<size_t>(length))));
  if (!obj) return nullptr;
  Ref<> s = ftrt::RefOrRaise(ftrt::IntFromInt64(start));
  Ref<> e = ftrt::RefOrRaise(ftrt::IntFromInt64(end));
  Ref<> why = ftrt::RefOrRaise(ftrt::StrFromUtf8(reason));
  if (!s || !e || !why) return nullptr;
  Ref<> args = ftrt::RefOrRaise(
      ftrt::TupleFromItems({enc.get(), obj.get(), s.get(), e.get(), why.get()}));
  if (!args) return nullptr;
  return ftrt::Call(PyExc_UnicodeDecodeError, args.get(), nullptr).Release();
}

PyObject* PyUnicodeEncodeError_GetEncoding(PyObject* exc) { return GetEncoding(exc, Kind::kEncode); }
PyObject* PyUnicodeDecodeError_GetEncoding(PyObject* exc) { return GetEncoding(exc, Kind::kDecode); }

PyObject* PyUnicodeEncodeError_GetObject(PyObject* exc) { return GetObject(exc, Kind::kEncode); }
PyObject* PyUnicodeDecodeError_GetObject(PyObject* exc) { return GetObject(exc, Kind::kDecode); }
PyObject* PyUnicodeTranslateError_GetObject(PyObject* exc) {
  return GetObject(exc, Kind::kTranslate);
}

int PyUnicodeEncodeError_GetStart(PyObject* exc, Py_ssize_t* start) {
  return GetStart(exc, start, Kind::kEncode);
}
int PyUnicodeDecodeError_GetStart(PyObject* exc, Py_ssize_t* start) {
  return GetStart(exc, start, Kind::kDecode);
}
int PyUnicodeTranslateError_GetStart(PyObject* exc, Py_ssize_t* start) {
  return GetStart(exc, start, Kind::kTranslate);
}
int PyUnicodeEncodeError_SetStart(PyObject* exc, Py_ssize_t start) {
  return SetStart(exc, start, Kind::kEncode);
}
int PyUnicodeDecodeError_SetStart(PyObject* exc, Py_ssize_t start) {
  return SetStart(exc, start, Kind::kDecode);
}
int PyUnicodeTranslateError_SetStart(PyObject* exc, Py_ssize_t start) {
  return SetStart(exc, start, Kind::kTranslate);
}

int PyUnicodeEncodeError_GetEnd(PyObject* exc, Py_ssize_t* end) {
  return GetEnd(exc, end, Kind::kEncode);
}
int PyUnicodeDecodeError_GetEnd(PyObject* exc, Py_ssize_t* end) {
  return GetEnd(exc, end, Kind::kDecode);
}
int PyUnicodeTranslateError_GetEnd(PyObject* exc, Py_ssize_t* end) {
  return GetEnd(exc, end, Kind::kTranslate);
}
int PyUnicodeEncodeError_SetEnd(PyObject* exc, Py_ssize_t end) {
  return SetEnd(exc, end, Kind::kEncode);
}
int PyUnicodeDecodeError_SetEnd(PyObject* exc, Py_ssize_t end) {
  return SetEnd(exc, end, Kind::kDecode);
}
int PyUnicodeTranslateError_SetEnd(PyObject* exc, Py_ssize_t end) {
  return SetEnd(exc, end, Kind::kTranslate);
}

PyObject* PyUnicodeEncodeError_GetReason(PyObject* exc) { return GetReason(exc, Kind::kEncode); }
PyObject* PyUnicodeDecodeError_GetReason(PyObject* exc) { return GetReason(exc, Kind::kDecode); }
PyObject* PyUnicodeTranslateError_GetReason(PyObject* exc) {
  return GetReason(exc, Kind::kTranslate);
}
int PyUnicodeEncodeError_SetReason(PyObject* exc, const char* reason) {
  return SetReason(exc, reason, Kind::kEncode);
}
int PyUnicodeDecodeError_SetReason(PyObject* exc, const char* reason) {
  return SetReason(exc, reason, Kind::kDecode);
}
int PyUnicodeTranslateError_SetReason(PyObject* exc, const char* reason) {
  return SetReason(exc, reason, Kind::kTranslate);
}

}  // extern "C"
