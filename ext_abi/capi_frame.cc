// libftrt.so: frames (pyframe.h; PyThreadState_GetFrame of pystate.h).
//
// ftrt executes no Python bytecode, so no thread ever has a Python frame:
// PyThreadState_GetFrame returns NULL (a new reference to nothing), which
// is CPython's answer for a thread with no Python frame on its stack. The
// accessors exist so that extensions that mention them (pythoncapi_compat.h
// defines helpers over them) link; no frame can reach them, so a call is a
// caller error and ends the process with a message naming the function,
// where CPython would dereference the pointer. Nothing here touches shared
// state: safe from any thread.
extern "C" {

typedef struct _ts PyThreadState;  // our ThreadState, opaque to C
typedef struct _frame PyFrameObject;
typedef struct PyCodeObject PyCodeObject;

[[noreturn]] void Py_FatalError(const char* message);

PyFrameObject* PyThreadState_GetFrame(PyThreadState* tstate) {
  if (tstate == nullptr) Py_FatalError("PyThreadState_GetFrame: NULL thread state");
  return nullptr;
}

int PyFrame_GetLineNumber(PyFrameObject*) {
  Py_FatalError("PyFrame_GetLineNumber: ftrt has no frame objects");
}

PyCodeObject* PyFrame_GetCode(PyFrameObject*) {
  Py_FatalError("PyFrame_GetCode: ftrt has no frame objects");
}

PyFrameObject* PyFrame_GetBack(PyFrameObject*) {
  Py_FatalError("PyFrame_GetBack: ftrt has no frame objects");
}

}  // extern "C"
