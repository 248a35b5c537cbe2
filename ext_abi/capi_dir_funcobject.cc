// libftrt.so: dir() (PyObject_Dir) and the classmethod / staticmethod
// constructors (PyClassMethod_New, PyStaticMethod_New), over object/'s
// dir.h and descriptors.h. PyClassMethod_Type, PyStaticMethod_Type,
// PyReversed_Type and the descriptor types are object/'s own objects under
// their C names (descriptors.h, enumobject.h).
#include "ext_abi/capi_internal.h"
#include "object/descriptors.h"
#include "object/dir.h"
#include "object/enumobject.h"

using ftrt::ext::internal::BadCall;
using ftrt::ext::internal::Out;

extern "C" {

PyObject* PyObject_Dir(PyObject* obj) {
  if (obj == nullptr) {
    // CPython lists the current frame's locals; there are no frames here,
    // and CPython says this when it has none.
    ftrt::SetErrorString(PyExc_SystemError, "frame does not exist");
    return nullptr;
  }
  return Out(ftrt::DirOf(obj));
}

PyObject* PyClassMethod_New(PyObject* callable) {
  if (callable == nullptr) {
    BadCall("PyClassMethod_New");
    return nullptr;
  }
  return Out(ftrt::ClassMethodNew(callable));
}

PyObject* PyStaticMethod_New(PyObject* callable) {
  if (callable == nullptr) {
    BadCall("PyStaticMethod_New");
    return nullptr;
  }
  return Out(ftrt::StaticMethodNew(callable));
}

}  // extern "C"
