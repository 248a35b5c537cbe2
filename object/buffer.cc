// The buffer protocol's core (see buffer.h).
#include "object/buffer.h"

#include "absl/strings/str_format.h"
#include "object/errors.h"
#include "object/refcount.h"

namespace ftrt {

int FillBufferInfo(Py_buffer* view, PyObject* obj, void* buf, Py_ssize_t len, int readonly,
                   int flags) {
  if (view == nullptr) {
    SetErrorIndicator(
        MakeError(ErrorKind::kBufferError, "PyBuffer_FillInfo: view==NULL argument is obsolete"));
    return -1;
  }
  if (flags == PyBUF_READ || flags == PyBUF_WRITE) {
    SetErrorIndicator(
        MakeError(ErrorKind::kSystemError, "PyBuffer_FillInfo: bad argument to internal function"));
    return -1;
  }
  if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && readonly == 1) {
    SetErrorIndicator(MakeError(ErrorKind::kBufferError, "Object is not writable."));
    return -1;
  }
  if (obj != nullptr) Incref(obj);
  view->obj = obj;
  view->buf = buf;
  view->len = len;
  view->readonly = readonly;
  view->itemsize = 1;
  view->format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT ? const_cast<char*>("B") : nullptr;
  view->ndim = 1;
  view->shape = (flags & PyBUF_ND) == PyBUF_ND ? &view->len : nullptr;
  view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? &view->itemsize : nullptr;
  view->suboffsets = nullptr;
  view->internal = nullptr;
  return 0;
}

int GetBuffer(PyObject* o, Py_buffer* view, int flags, const char* prefix) {
  if (o == nullptr || flags == PyBUF_READ || flags == PyBUF_WRITE) {
    SetErrorIndicator(MakeError(ErrorKind::kSystemError,
                                "PyObject_GetBuffer: bad argument to internal function"));
    return -1;
  }
  PyBufferProcs* procs = o->ob_type->tp_as_buffer;
  if (procs != nullptr && procs->bf_getbuffer != nullptr) return procs->bf_getbuffer(o, view, flags);
  SetErrorIndicator(Errorf(ErrorKind::kTypeError, "%sa bytes-like object is required, not '%.100s'",
                           prefix, o->ob_type->tp_name));
  return -1;
}

void ReleaseBuffer(Py_buffer* view) {
  if (view == nullptr) return;
  PyObject* obj = view->obj;
  if (obj == nullptr) return;
  PyBufferProcs* procs = obj->ob_type->tp_as_buffer;
  if (procs != nullptr && procs->bf_releasebuffer != nullptr) procs->bf_releasebuffer(obj, view);
  view->obj = nullptr;
  // Must not hold any lock of the exporter here: this may be its last
  // reference, and its tp_dealloc runs now.
  Decref(obj);
}

}  // namespace ftrt
