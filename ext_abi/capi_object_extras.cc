// libftrt.so: small pieces of CPython 3.13's object API that real
// extensions call and that belong to no larger part: Py_SET_REFCNT,
// PyObject_Print and PyFile_Write* (and the file system encoding's
// globals), the numbered constants of Py_GetConstant,
// PyVectorcall_Function, PyDictProxy_New, Py_GenericAlias, PyDescr_IsData,
// PyType_SUPPORTS_WEAKREFS, and the names
// PyExceptionClass_Name / PyEval_GetFuncName / PyEval_GetFuncDesc give
// for messages. Each is a thin adapter over object/.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "ext_abi/capi_internal.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/dispatch.h"
#include "object/genericalias.h"
#include "object/int.h"
#include "object/mappingproxy.h"
#include "object/methodobject.h"
#include "object/none_bool.h"
#include "object/refcount.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"

using ftrt::ext::internal::BadCall;

extern "C" {

extern const char* Py_FileSystemDefaultEncoding;
extern const char* Py_FileSystemDefaultEncodeErrors;
extern int Py_HasFileSystemDefaultEncoding;
extern int Py_UTF8Mode;
const char* Py_FileSystemDefaultEncoding = "utf-8";
const char* Py_FileSystemDefaultEncodeErrors = "surrogateescape";
int Py_HasFileSystemDefaultEncoding = 1;
int Py_UTF8Mode = 0;

// (Declared by the headers extensions include; repeated here for the
// library, which does not include Python.h.)
PyObject* PyObject_Repr(PyObject* o);
PyObject* PyObject_Str(PyObject* o);
PyObject* PyObject_GetAttrString(PyObject* o, const char* name);
PyObject* PyObject_CallOneArg(PyObject* callable, PyObject* arg);
const char* PyUnicode_AsUTF8AndSize(PyObject* s, Py_ssize_t* size);
PyObject* PyUnicode_FromString(const char* s);
extern PyObject* PyExc_OSError;
extern PyObject* PyExc_SystemError;
extern PyObject* PyExc_TypeError;

void _Py_SetRefcnt(PyObject* ob, Py_ssize_t refcnt) {
  if (ob == nullptr || ftrt::IsImmortal(ob)) return;
  namespace in = ftrt::internal;
  if (ftrt::IsOwnedByCurrentThread(ob) && refcnt >= 0 &&
      static_cast<uint64_t>(refcnt) < ftrt::kImmortalLocal) {
    // The owner's count is the local one; the shared word keeps its state.
    in::LocalRef(ob).store(static_cast<uint32_t>(refcnt), std::memory_order_relaxed);
    const intptr_t state =
        in::SharedRef(ob).load(std::memory_order_relaxed) & ftrt::kRefStateMask;
    in::SharedRef(ob).store(state, std::memory_order_relaxed);
    return;
  }
  // Another thread's (or nobody's) object: unowned and merged, the whole
  // count in the shared word (CPython 3.13t does the same). This is also
  // the path of a tp_dealloc that resurrects its object (the pre-PEP 442
  // idiom Py_SET_REFCNT(self, 1)): deallocation made the object unowned;
  // it is live again, so it is no longer "being freed" (debug builds
  // abort on an increment of an object that is).
  if (refcnt > 0) {
    const uint16_t f = in::FlagsRef(ob).load(std::memory_order_relaxed);
    if (f & ftrt::kObjFlagDeallocating) {
      in::FlagsRef(ob).store(static_cast<uint16_t>(f & ~ftrt::kObjFlagDeallocating),
                             std::memory_order_relaxed);
    }
  }
  in::TidRef(ob).store(0, std::memory_order_relaxed);
  in::LocalRef(ob).store(0, std::memory_order_relaxed);
  in::SharedRef(ob).store((static_cast<intptr_t>(refcnt) << ftrt::kRefShift) | ftrt::kRefMerged,
                          std::memory_order_release);
}

int PyType_SUPPORTS_WEAKREFS(PyTypeObject* type) {
  return type != nullptr && type->tp_weaklistoffset > 0 ? 1 : 0;
}

int PyObject_Print(PyObject* o, FILE* fp, int flags) {
  if (fp == nullptr) {
    BadCall("PyObject_Print");
    return -1;
  }
  clearerr(fp);
  if (o == nullptr) {
    std::fputs("<nil>", fp);
  } else {
    PyObject* text = (flags & 1) != 0 ? PyObject_Str(o) : PyObject_Repr(o);
    if (text == nullptr) return -1;
    Py_ssize_t size = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(text, &size);
    if (utf8 == nullptr) {
      ftrt::Decref(text);
      return -1;
    }
    std::fwrite(utf8, 1, static_cast<size_t>(size), fp);
    ftrt::Decref(text);
  }
  if (std::ferror(fp)) {
    ftrt::SetErrorString(PyExc_OSError, std::strerror(errno != 0 ? errno : EIO));
    clearerr(fp);
    return -1;
  }
  return 0;
}

}  // extern "C"

namespace {

// file.write(text); takes text. 0, or -1 with the exception.
int CallWrite(PyObject* file, PyObject* text) {
  if (text == nullptr) return -1;
  PyObject* write = PyObject_GetAttrString(file, "write");
  PyObject* r = write != nullptr ? PyObject_CallOneArg(write, text) : nullptr;
  ftrt::Decref(text);
  if (write != nullptr) ftrt::Decref(write);
  if (r == nullptr) return -1;
  ftrt::Decref(r);
  return 0;
}

}  // namespace

extern "C" {

int PyFile_WriteObject(PyObject* obj, PyObject* file, int flags) {
  if (file == nullptr) {
    ftrt::SetErrorString(PyExc_TypeError, "writeobject with NULL file");
    return -1;
  }
  return CallWrite(file, obj == nullptr          ? PyUnicode_FromString("<NULL>")
                         : (flags & 1) != 0 ? PyObject_Str(obj)
                                            : PyObject_Repr(obj));
}

int PyFile_WriteString(const char* s, PyObject* file) {
  if (file == nullptr) {
    if (!ftrt::HasError()) ftrt::SetErrorString(PyExc_SystemError, "null file for PyFile_WriteString");
    return -1;
  }
  if (ftrt::HasError()) return -1;  // as CPython: nothing is written over a pending error
  return CallWrite(file, PyUnicode_FromString(s == nullptr ? "" : s));
}

PyObject* Py_GetConstantBorrowed(unsigned int constant_id) {
  switch (constant_id) {
    case 0: return ftrt::None();
    case 1: return ftrt::False();
    case 2: return ftrt::True();
    case 3: return ftrt::Ellipsis();
    case 4: return ftrt::NotImplemented();
    case 5: return ftrt::SmallInt(0);
    case 6: return ftrt::SmallInt(1);
    case 7: return ftrt::EmptyStr();
    case 8: return ftrt::EmptyBytes();
    case 9: return ftrt::EmptyTuple();
    default:
      ftrt::SetErrorString(PyExc_SystemError, "invalid constant ID");
      return nullptr;
  }
}

PyObject* Py_GetConstant(unsigned int constant_id) {
  PyObject* o = Py_GetConstantBorrowed(constant_id);
  if (o != nullptr) ftrt::Incref(o);
  return o;
}

vectorcallfunc PyVectorcall_Function(PyObject* callable) {
  if (callable == nullptr) return nullptr;
  PyTypeObject* t = callable->ob_type;
  if ((t->tp_flags & Py_TPFLAGS_HAVE_VECTORCALL) == 0 || t->tp_vectorcall_offset <= 0) {
    return nullptr;
  }
  vectorcallfunc f;
  std::memcpy(&f, reinterpret_cast<char*>(callable) + t->tp_vectorcall_offset, sizeof f);
  return f;
}

PyObject* PyDictProxy_New(PyObject* mapping) {
  if (mapping == nullptr) {
    BadCall("PyDictProxy_New");
    return nullptr;
  }
  return ftrt::MappingProxyNew(mapping).Release();
}

PyObject* Py_GenericAlias(PyObject* origin, PyObject* args) {
  if (origin == nullptr || args == nullptr) {
    BadCall("Py_GenericAlias");
    return nullptr;
  }
  return ftrt::GenericAliasNew(origin, args).Release();
}

int PyDescr_IsData(PyObject* descr) {
  return descr != nullptr && descr->ob_type->tp_descr_set != nullptr ? 1 : 0;
}

const char* PyExceptionClass_Name(PyObject* exc) {
  return exc == nullptr ? nullptr : reinterpret_cast<PyTypeObject*>(exc)->tp_name;
}

const char* PyEval_GetFuncName(PyObject* func) {
  if (func == nullptr) return "";
  if (ftrt::IsCFunction(func)) return reinterpret_cast<PyCFunctionObject*>(func)->m_ml->ml_name;
  if (ftrt::IsType(func)) return reinterpret_cast<PyTypeObject*>(func)->tp_name;
  return func->ob_type->tp_name;
}

const char* PyEval_GetFuncDesc(PyObject* func) {
  if (func == nullptr) return "";
  if (ftrt::IsCFunction(func) || ftrt::IsMethod(func)) return "()";
  if (ftrt::IsType(func)) return " constructor";
  return " object";
}

}  // extern "C"
