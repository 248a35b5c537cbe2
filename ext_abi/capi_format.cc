// libftrt.so: string formatting in the C API: PyObject_Format (format()
// through __format__) and PyUnicode_Format (str % args), over
// object/format.h and object/percent_format.h: argument checks and C
// error conventions here, the formatting there.
#include "ext_abi/capi_internal.h"
#include "object/error_indicator.h"
#include "object/format.h"
#include "object/percent_format.h"

using ftrt::ext::internal::BadCall;
using ftrt::ext::internal::Out;

extern "C" {

PyObject* PyObject_Format(PyObject* obj, PyObject* format_spec) {
  if (obj == nullptr) {
    BadCall("PyObject_Format");
    return nullptr;
  }
  return Out(ftrt::ObjectFormat(obj, format_spec));
}

PyObject* PyUnicode_Format(PyObject* format, PyObject* args) {
  if (format == nullptr || args == nullptr) {
    BadCall("PyUnicode_Format");
    return nullptr;
  }
  return Out(ftrt::StrPercentFormat(format, args));
}

}  // extern "C"
