// The exception hierarchy (see exceptions.h).
#include "object/exceptions.h"

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "object/attributes.h"
#include "object/buffer.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/descriptors.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/int.h"
#include "object/iterators.h"
#include "object/number.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/protocol_internal.h"
#include "object/slice.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/typeobject.h"
#include "sync/critical_section.h"

namespace ftrt {
namespace {

using Exc = PyBaseExceptionObject;

Exc* AsExc(PyObject* op) { return reinterpret_cast<Exc*>(op); }

// Fields other threads may read while one writes them (under the
// exception's critical section) are accessed through relaxed atomics.
std::atomic_ref<PyObject*> FieldRef(PyObject*& field) { return std::atomic_ref<PyObject*>(field); }

// Replaces a field inside the object's critical section; the old value is
// dropped after it ends.
void SwapField(PyObject* self, PyObject*& field, PyObject* value) {
  PyObject* old;
  {
    CriticalSection cs(internal::ObjectLock(self));
    old = FieldRef(field).exchange(value, std::memory_order_acq_rel);
  }
  if (old != nullptr) Decref(old);
}

// A new reference to a field's value, or null (the exception's critical
// section: fields change rarely; keep it simple and exact).
Ref<> ReadField(PyObject* self, PyObject*& field) {
  CriticalSection cs(internal::ObjectLock(self));
  return Ref<>::NewRef(FieldRef(field).load(std::memory_order_relaxed));
}

// A tuple of an iterable's items (PySequence_Tuple).
Ref<> AsTuple(PyObject* value) {
  if (IsTuple(value)) return Ref<>::NewRef(value);
  if (IsList(value)) return RefOrRaise(ListAsTuple(value));
  Ref<> it = GetIter(value);
  if (!it) return nullptr;
  Ref<> list = RefOrRaise(ListNew());
  if (!list) return nullptr;
  for (;;) {
    Ref<> item = IterNext(it.get());
    if (!item) break;
    if (OkOrRaise(ListAppend(list.get(), item.get())) < 0) return nullptr;
  }
  if (HasError()) return nullptr;
  return RefOrRaise(ListAsTuple(list.get()));
}

// --- BaseException --------------------------------------------------------

PyObject* BaseExceptionNew(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  (void)kwds;
  Ref<> self = Ref<>::Steal(type->tp_alloc(type, 0));
  if (!self) return nullptr;
  Exc* e = AsExc(self.get());
  e->args = args != nullptr ? (Incref(args), args) : (Incref(EmptyTuple()), EmptyTuple());
  return self.Release();
}

int BaseExceptionInit(PyObject* self, PyObject* args, PyObject* kwds) {
  if (!CheckNoKeywords(self->ob_type->tp_name, kwds)) return -1;
  Incref(args);
  SwapField(self, AsExc(self)->args, args);
  return 0;
}

int BaseExceptionTraverse(PyObject* self, visitproc visit, void* arg) {
  Exc* e = AsExc(self);
  for (PyObject* f : {e->dict, e->args, e->notes, e->traceback, e->context, e->cause}) {
    if (f != nullptr) {
      if (int r = visit(f, arg)) return r;
    }
  }
  return 0;
}

int BaseExceptionClear(PyObject* self) {
  Exc* e = AsExc(self);
  PyObject* fields[] = {e->dict, e->args, e->notes, e->traceback, e->context, e->cause};
  e->dict = e->args = e->notes = e->traceback = e->context = e->cause = nullptr;
  for (PyObject* f : fields) {
    if (f != nullptr) Decref(f);
  }
  return 0;
}

void BaseExceptionDealloc(PyObject* self) {
  UntrackObject(self);
  // The actual type's clear drops every field, those of subclasses too.
  if (inquiry clear = self->ob_type->tp_clear) clear(self);
  self->ob_type->tp_free(self);
}

PyObject* BaseExceptionRepr(PyObject* self) {
  Ref<> args = ReadField(self, AsExc(self)->args);
  const char* name = TypeShortName(self->ob_type);
  std::string text;
  if (!args || TupleSize(args.get()) == 0) {
    text = absl::StrCat(name, "()");
  } else if (TupleSize(args.get()) == 1) {
    Ref<> r = ObjectRepr(TupleItem(args.get(), 0));
    if (!r) return nullptr;
    absl::StatusOr<absl::string_view> u = StrAsUtf8(r.get());
    if (!u.ok()) return RefOrRaise(u.status()).Release();
    text = absl::StrCat(name, "(", *u, ")");
  } else {
    Ref<> r = ObjectRepr(args.get());
    if (!r) return nullptr;
    absl::StatusOr<absl::string_view> u = StrAsUtf8(r.get());
    if (!u.ok()) return RefOrRaise(u.status()).Release();
    text = absl::StrCat(name, *u);
  }
  return RefOrRaise(StrFromUtf8(text)).Release();
}

PyObject* BaseExceptionStr(PyObject* self) {
  Ref<> args = ReadField(self, AsExc(self)->args);
  if (!args || TupleSize(args.get()) == 0) return Ref<>::NewRef(EmptyStr()).Release();
  if (TupleSize(args.get()) == 1) return ObjectStr(TupleItem(args.get(), 0)).Release();
  return ObjectStr(args.get()).Release();
}

PyObject* GetArgs(PyObject* self, void*) {
  Ref<> args = ReadField(self, AsExc(self)->args);
  if (!args) return Ref<>::NewRef(EmptyTuple()).Release();
  return args.Release();
}

int SetArgs(PyObject* self, PyObject* value, void*) {
  if (value == nullptr) {
    SetErrorString(PyExc_TypeError, "args may not be deleted");
    return -1;
  }
  Ref<> t = AsTuple(value);
  if (!t) return -1;
  SwapField(self, AsExc(self)->args, t.Release());
  return 0;
}

PyObject* GetTraceback(PyObject* self, void*) {
  Ref<> tb = ReadField(self, AsExc(self)->traceback);
  return tb ? tb.Release() : None();
}

int SetTraceback(PyObject* self, PyObject* value, void*) {
  if (value == nullptr) {
    SetErrorString(PyExc_TypeError, "__traceback__ may not be deleted");
    return -1;
  }
  if (value != None()) {
    SetErrorString(PyExc_TypeError, "__traceback__ must be a traceback or None");
    return -1;
  }
  SwapField(self, AsExc(self)->traceback, nullptr);
  return 0;
}

PyObject* GetContext(PyObject* self, void*) {
  Ref<> c = ReadField(self, AsExc(self)->context);
  return c ? c.Release() : None();
}

int SetContext(PyObject* self, PyObject* value, void*) {
  if (value == nullptr) {
    SetErrorString(PyExc_TypeError, "__context__ may not be deleted");
    return -1;
  }
  if (value == None()) {
    value = nullptr;
  } else if (!IsExceptionInstance(value)) {
    SetErrorString(PyExc_TypeError,
                   "exception context must be None or derive from BaseException");
    return -1;
  } else {
    Incref(value);
  }
  SwapField(self, AsExc(self)->context, value);
  return 0;
}

PyObject* GetCause(PyObject* self, void*) {
  Ref<> c = ReadField(self, AsExc(self)->cause);
  return c ? c.Release() : None();
}

int SetCause(PyObject* self, PyObject* value, void*) {
  if (value == nullptr) {
    SetErrorString(PyExc_TypeError, "__cause__ may not be deleted");
    return -1;
  }
  if (value == None()) {
    value = nullptr;
  } else if (!IsExceptionInstance(value)) {
    SetErrorString(PyExc_TypeError,
                   "exception cause must be None or derive from BaseException");
    return -1;
  } else {
    Incref(value);
  }
  ExceptionSetCause(self, Ref<>::Steal(value));
  return 0;
}

PyObject* WithTraceback(PyObject* self, PyObject* tb) {
  if (SetTraceback(self, tb, nullptr) < 0) return nullptr;
  return Ref<>::NewRef(self).Release();
}

PyObject* AddNote(PyObject* self, PyObject* note) {
  if (!IsStr(note)) {
    SetErrorFormat(PyExc_TypeError, "note must be a str, not '%s'", note->ob_type->tp_name);
    return nullptr;
  }
  Exc* e = AsExc(self);
  Ref<> notes = ReadField(self, e->notes);
  if (!notes) {
    Ref<> fresh = RefOrRaise(ListNew());
    if (!fresh) return nullptr;
    PyObject* installed;
    {
      CriticalSection cs(internal::ObjectLock(self));
      installed = FieldRef(e->notes).load(std::memory_order_relaxed);
      if (installed == nullptr) {
        FieldRef(e->notes).store(fresh.get(), std::memory_order_release);
        Incref(fresh.get());
        installed = fresh.get();
      }
      Incref(installed);
    }
    notes = Ref<>::Steal(installed);
  }
  if (!IsList(notes.get())) {
    SetErrorString(PyExc_TypeError, "Cannot add note: __notes__ is not a list");
    return nullptr;
  }
  if (OkOrRaise(ListAppend(notes.get(), note)) < 0) return nullptr;
  return None();
}

PyGetSetDef g_exc_getset[] = {
    {"args", GetArgs, SetArgs, nullptr, nullptr},
    {"__traceback__", GetTraceback, SetTraceback, nullptr, nullptr},
    {"__context__", GetContext, SetContext, "exception context", nullptr},
    {"__cause__", GetCause, SetCause, "exception cause", nullptr},
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyMemberDef g_exc_members[] = {
    {"__suppress_context__", Py_T_BOOL, offsetof(Exc, suppress_context), 0, nullptr},
    {"__notes__", Py_T_OBJECT_EX, offsetof(Exc, notes), 0, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

PyMethodDef g_exc_methods[] = {
    {"with_traceback", WithTraceback, METH_O, nullptr},
    {"add_note", AddNote, METH_O, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

// --- StopIteration, SystemExit, ImportError, KeyError ----------------------

// The single argument, the args tuple, or None (SystemExit's code; with
// `tuple_if_many` false, StopIteration's value: args[0] or None).
PyObject* ValueFromArgs(PyObject* args, bool tuple_if_many) {
  const Py_ssize_t n = TupleSize(args);
  if (n == 0) return None();
  if (n == 1 || !tuple_if_many) {
    PyObject* v = TupleItem(args, 0);
    Incref(v);
    return v;
  }
  Incref(args);
  return args;
}

int StopIterationInit(PyObject* self, PyObject* args, PyObject* kwds) {
  if (BaseExceptionInit(self, args, kwds) < 0) return -1;
  SwapField(self, reinterpret_cast<PyStopIterationObject*>(self)->value,
            ValueFromArgs(args, false));
  return 0;
}

int StopIterationTraverse(PyObject* self, visitproc visit, void* arg) {
  if (PyObject* v = reinterpret_cast<PyStopIterationObject*>(self)->value) {
    if (int r = visit(v, arg)) return r;
  }
  return BaseExceptionTraverse(self, visit, arg);
}

int StopIterationClear(PyObject* self) {
  if (PyObject* v = std::exchange(reinterpret_cast<PyStopIterationObject*>(self)->value, nullptr)) {
    Decref(v);
  }
  return BaseExceptionClear(self);
}

PyMemberDef g_stop_iteration_members[] = {
    {"value", _Py_T_OBJECT, offsetof(PyStopIterationObject, value), 0, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

int SystemExitInit(PyObject* self, PyObject* args, PyObject* kwds) {
  if (BaseExceptionInit(self, args, kwds) < 0) return -1;
  SwapField(self, reinterpret_cast<PySystemExitObject*>(self)->code, ValueFromArgs(args, true));
  return 0;
}

int SystemExitTraverse(PyObject* self, visitproc visit, void* arg) {
  if (PyObject* v = reinterpret_cast<PySystemExitObject*>(self)->code) {
    if (int r = visit(v, arg)) return r;
  }
  return BaseExceptionTraverse(self, visit, arg);
}

int SystemExitClear(PyObject* self) {
  if (PyObject* v = std::exchange(reinterpret_cast<PySystemExitObject*>(self)->code, nullptr)) {
    Decref(v);
  }
  return BaseExceptionClear(self);
}

PyMemberDef g_system_exit_members[] = {
    {"code", _Py_T_OBJECT, offsetof(PySystemExitObject, code), 0, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

using ImportErr = PyImportErrorObject;

int ImportErrorInit(PyObject* self, PyObject* args, PyObject* kwds) {
  static const ArgParser kParser = {"ImportError", {"name", "path", "name_from"}, 0, 0, 0};
  PyObject* kw[3] = {nullptr, nullptr, nullptr};
  if (!UnpackKeywordsDict(kParser, EmptyTuple(), kwds, absl::MakeSpan(kw))) return -1;
  if (BaseExceptionInit(self, args, nullptr) < 0) return -1;
  auto* e = reinterpret_cast<ImportErr*>(self);
  for (int i = 0; i < 3; ++i) {
    if (kw[i] != nullptr) Incref(kw[i]);
  }
  SwapField(self, e->name, kw[0]);
  SwapField(self, e->path, kw[1]);
  SwapField(self, e->name_from, kw[2]);
  PyObject* msg = nullptr;
  if (TupleSize(args) == 1) {
    msg = TupleItem(args, 0);
    Incref(msg);
  }
  SwapField(self, e->msg, msg);
  return 0;
}

int ImportErrorTraverse(PyObject* self, visitproc visit, void* arg) {
  auto* e = reinterpret_cast<ImportErr*>(self);
  for (PyObject* f : {e->msg, e->name, e->path, e->name_from}) {
    if (f != nullptr) {
      if (int r = visit(f, arg)) return r;
    }
  }
  return BaseExceptionTraverse(self, visit, arg);
}

int ImportErrorClear(PyObject* self) {
  auto* e = reinterpret_cast<ImportErr*>(self);
  PyObject* fields[] = {e->msg, e->name, e->path, e->name_from};
  e->msg = e->name = e->path = e->name_from = nullptr;
  for (PyObject* f : fields) {
    if (f != nullptr) Decref(f);
  }
  return BaseExceptionClear(self);
}

PyObject* ImportErrorStr(PyObject* self) {
  Ref<> msg = ReadField(self, reinterpret_cast<ImportErr*>(self)->msg);
  if (msg && IsStr(msg.get())) return msg.Release();
  return BaseExceptionStr(self);
}

PyMemberDef g_import_error_members[] = {
    {"msg", _Py_T_OBJECT, offsetof(ImportErr, msg), 0, nullptr},
    {"name", _Py_T_OBJECT, offsetof(ImportErr, name), 0, nullptr},
    {"path", _Py_T_OBJECT, offsetof(ImportErr, path), 0, nullptr},
    {"name_from", _Py_T_OBJECT, offsetof(ImportErr, name_from), 0, nullptr},
    {nullptr, 0, 0, 0, nullptr},
};

// str(KeyError(k)) is repr(k): a missing '' key must not print as nothing.
PyObject* KeyErrorStr(PyObject* self) {
  Ref<> args = ReadField(self, AsExc(self)->args);
  if (args && TupleSize(args.get()) == 1) return ObjectRepr(TupleItem(args.get(), 0)).Release();
  return BaseExceptionStr(self);
}

// --- OSError ------------------------------------------------------------------

using OSErr = PyOSErrorObject;

// The subclass that OSError(errno, ...) makes for `err`, or null.
PyTypeObject* OSErrorClassFor(int64_t err) {
  switch (err) {
    case EAGAIN:  // also EWOULDBLOCK
    case EALREADY:
    case EINPROGRESS:
      return &_PyExc_BlockingIOError;
    case ECHILD:
      return &_PyExc_ChildProcessError;
    case EPIPE:
    case ESHUTDOWN:
      return &_PyExc_BrokenPipeError;
    case ECONNABORTED:
      return &_PyExc_ConnectionAbortedError;
    case ECONNREFUSED:
      return &_PyExc_ConnectionRefusedError;
    case ECONNRESET:
      return &_PyExc_ConnectionResetError;
    case EEXIST:
      return &_PyExc_FileExistsError;
    case ENOENT:
      return &_PyExc_FileNotFoundError;
    case EISDIR:
      return &_PyExc_IsADirectoryError;
    case ENOTDIR:
      return &_PyExc_NotADirectoryError;
    case EINTR:
      return &_PyExc_InterruptedError;
    case EACCES:
    case EPERM:
      return &_PyExc_PermissionError;
    case ESRCH:
      return &_PyExc_ProcessLookupError;
    case ETIMEDOUT:
      return &_PyExc_TimeoutError;
    default:
      return nullptr;
  }
}

PyObject* OSErrorNew(PyTypeObject* type, PyObject* args, PyObject* kwds) {
  if (type == &_PyExc_OSError && args != nullptr && TupleSize(args) >= 2 &&
      IsInt(TupleItem(args, 0))) {
    absl::StatusOr<int64_t> err = IntAsInt64(TupleItem(args, 0));
    if (err.ok()) {
      if (PyTypeObject* sub = OSErrorClassFor(*err)) type = sub;
    }
  }
  PyObject* self = BaseExceptionNew(type, args, kwds);
  if (self != nullptr) reinterpret_cast<OSErr*>(self)->written = -1;
  return self;
}

int OSErrorInit(PyObject* self, PyObject* args, PyObject* kwds) {
  if (BaseExceptionInit(self, args, kwds) < 0) return -1;
  auto* e = reinterpret_cast<OSErr*>(self);
  const Py_ssize_t n = TupleSize(args);
  if (n < 2 || n > 5) return 0;
  PyObject* err = TupleItem(args, 0);
  PyObject* text = TupleItem(args, 1);
  PyObject* filename = n >= 3 ? TupleItem(args, 2) : nullptr;
  PyObject* filename2 = n >= 5 ? TupleItem(args, 4) : nullptr;
  Incref(err);
  SwapField(self, e->myerrno, err);
  Incref(text);
  SwapField(self, e->strerror, text);
  if (filename == nullptr || filename == None()) return 0;
  if (TypeCheck(self, &_PyExc_BlockingIOError) && HasIndex(filename)) {
    // BlockingIOError's third argument is the count of characters written.
    const Py_ssize_t written = IndexAsSsize(filename);
    if (written == -1 && HasError()) return -1;
    std::atomic_ref<Py_ssize_t>(e->written).store(written, std::memory_order_relaxed);
    return 0;
  }
  Incref(filename);
  SwapField(self, e->filename, filename);
  if (filename2 != nullptr && filename2 != None()) {
    Incref(filename2);
    SwapField(self, e->filename2, filename2);
  }
  // As CPython: the file names (and winerror) leave args.
  Ref<> two = RefOrRaise(TupleFromItems({err, text}));
  if (!two) return -1;
  SwapField(self, AsExc(self)->args, two.Release());
  return 0;
}

int OSErrorTraverse(PyObject* self, visitproc visit, void* arg) {
  auto* e = reinterpret_cast<OSErr*>(self);
  for (PyObject* f : {e->myerrno, e->strerror, e->filename, e->filename2}) {
    if (f != nullptr) {
      if (int r = visit(f, arg)) return r;
    }
  }
  return BaseExceptionTraverse(self, visit, arg);
}

int OSErrorClear(PyObject* self) {
  auto* e = reinterpret_cast<OSErr*>(self);
  PyObject* fields[] = {e->myerrno, e->strerror, e->filename, e->filename2};
  e->myerrno = e->strerror = e->filename = e->filename2 = nullptr;
  for (PyObject* f : fields) {
    if (f != nullptr) Decref(f);
  }
  return BaseExceptionClear(self);
}

// str() or repr() of `o` as UTF-8 text (false with an exception set).
bool TextOf(PyObject* o, bool repr, std::string* out) {
  Ref<> t = repr ? ObjectRepr(o) : ObjectStr(o);
  if (!t) return false;
  absl::StatusOr<absl::string_view> u = StrAsUtf8(t.get());
  if (!u.ok()) {
    OkOrRaise(u.status());
    return false;
  }
  out->assign(u->data(), u->size());
  return true;
}

PyObject* OSErrorStr(PyObject* self) {
  auto* e = reinterpret_cast<OSErr*>(self);
  Ref<> err = ReadField(self, e->myerrno);
  Ref<> text = ReadField(self, e->strerror);
  Ref<> f1 = ReadField(self, e->filename);
  Ref<> f2 = ReadField(self, e->filename2);
  if (!err || !text) return BaseExceptionStr(self);
  std::string es, ts, a, b;
  if (!TextOf(err.get(), false, &es) || !TextOf(text.get(), false, &ts)) return nullptr;
  std::string msg = absl::StrCat("[Errno ", es, "] ", ts);
  if (f1) {
    if (!TextOf(f1.get(), true, &a)) return nullptr;
    absl::StrAppend(&msg, ": ", a);
    if (f2) {
      if (!TextOf(f2.get(), true, &b)) return nullptr;
      absl::StrAppend(&msg, " -> ", b);
    }
  }
  return RefOrRaise(StrFromUtf8(msg)).Release();
}

PyObject* GetCharactersWritten(PyObject* self, void*) {
  Py_ssize_t w =
      std::atomic_ref<Py_ssize_t>(reinterpret_cast<OSErr*>(self)->written).load(std::memory_order_relaxed);
  if (w == -1) {
    SetErrorString(PyExc_AttributeError, "characters_written");
    return nullptr;
  }
  return RefOrRaise(IntFromInt64(w)).Release();
}

int SetCharactersWritten(PyObject* self, PyObject* value, void*) {
  std::atomic_ref<Py_ssize_t> w(reinterpret_cast<OSErr*>(self)->written);
  if (value == nullptr) {
    if (w.exchange(-1, std::memory_order_relaxed) == -1) {
      SetErrorString(PyExc_AttributeError, "characters_written");
      return -1;
    }
    return 0;
  }
  const Py_ssize_t n = IndexAsSsize(value);
  if (n == -1 && HasError()) return -1;
  w.store(n, std::memory_order_relaxed);
  return 0;
}

PyMemberDef g_os_error_members[] = {
    {"errno", _Py_T_OBJECT, offsetof(OSErr, myerrno), 0, "POSIX exception code"},
    {"strerror", _Py_T_OBJECT, offsetof(OSErr, strerror), 0, "exception strerror"},
    {"filename", _Py_T_OBJECT, offsetof(OSErr, filename), 0, "exception filename"},
    {"filename2", _Py_T_OBJECT, offsetof(OSErr, filename2), 0, "second exception filename"},
    {nullptr, 0, 0, 0, nullptr},
};

PyGetSetDef g_os_error_getset[] = {
    {"characters_written", GetCharactersWritten, SetCharactersWritten, nullptr, nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

// --- UnicodeDecodeError, UnicodeEncodeError, UnicodeTranslateError -----------

using UniErr = PyUnicodeErrorObject;
enum class UniKind { kDecode, kEncode, kTranslate };

int ArgTypeError(int index, const char* want, PyObject* got) {
  SetErrorFormat(PyExc_TypeError, "argument %d must be %s, not %s", index, want,
                 TypeShortName(got->ob_type));
  return -1;
}

int UnicodeErrorInitAs(PyObject* self, PyObject* args, PyObject* kwds, UniKind kind) {
  if (BaseExceptionInit(self, args, kwds) < 0) return -1;
  const Py_ssize_t n = TupleSize(args);
  // ftrt: the message-only form (see exceptions.h).
  if (n == 1 && IsStr(TupleItem(args, 0))) return 0;
  const Py_ssize_t want = kind == UniKind::kTranslate ? 4 : 5;
  if (n != want) {
    SetErrorFormat(PyExc_TypeError, "function takes exactly %d arguments (%d given)", want, n);
    return -1;
  }
  Py_ssize_t i = 0;
  PyObject* encoding = nullptr;
  if (kind != UniKind::kTranslate) {
    encoding = TupleItem(args, i++);
    if (!IsStr(encoding)) return ArgTypeError(1, "str", encoding);
  }
  PyObject* object = TupleItem(args, i++);
  Ref<> obj;
  if (kind == UniKind::kDecode) {
    if (IsBytes(object)) {
      obj = Ref<>::NewRef(object);
    } else if (object->ob_type->tp_as_buffer != nullptr &&
               object->ob_type->tp_as_buffer->bf_getbuffer != nullptr) {
      Py_buffer view;
      if (GetBuffer(object, &view, PyBUF_SIMPLE) != 0) return -1;
      absl::StatusOr<Ref<>> copy = BytesFromData(
          absl::string_view(static_cast<const char*>(view.buf), static_cast<size_t>(view.len)));
      ReleaseBuffer(&view);
      if (!copy.ok()) return OkOrRaise(copy.status());
      obj = std::move(*copy);
    } else {
      SetErrorFormat(PyExc_TypeError, "a bytes-like object is required, not '%s'",
                     TypeShortName(object->ob_type));
      return -1;
    }
  } else {
    if (!IsStr(object)) return ArgTypeError(static_cast<int>(i), "str", object);
    obj = Ref<>::NewRef(object);
  }
  const Py_ssize_t start = IndexAsSsize(TupleItem(args, i++));
  if (start == -1 && HasError()) return -1;
  const Py_ssize_t end = IndexAsSsize(TupleItem(args, i++));
  if (end == -1 && HasError()) return -1;
  PyObject* reason = TupleItem(args, i);
  if (!IsStr(reason)) return ArgTypeError(static_cast<int>(i + 1), "str", reason);
  auto* e = reinterpret_cast<UniErr*>(self);
  if (encoding != nullptr) Incref(encoding);
  SwapField(self, e->encoding, encoding);
  SwapField(self, e->object, obj.Release());
  Incref(reason);
  SwapField(self, e->reason, reason);
  std::atomic_ref<Py_ssize_t>(e->start).store(start, std::memory_order_relaxed);
  std::atomic_ref<Py_ssize_t>(e->end).store(end, std::memory_order_relaxed);
  return 0;
}

int UnicodeDecodeErrorInit(PyObject* self, PyObject* args, PyObject* kwds) {
  return UnicodeErrorInitAs(self, args, kwds, UniKind::kDecode);
}
int UnicodeEncodeErrorInit(PyObject* self, PyObject* args, PyObject* kwds) {
  return UnicodeErrorInitAs(self, args, kwds, UniKind::kEncode);
}
int UnicodeTranslateErrorInit(PyObject* self, PyObject* args, PyObject* kwds) {
  return UnicodeErrorInitAs(self, args, kwds, UniKind::kTranslate);
}

int UnicodeErrorTraverse(PyObject* self, visitproc visit, void* arg) {
  auto* e = reinterpret_cast<UniErr*>(self);
  for (PyObject* f : {e->encoding, e->object, e->reason}) {
    if (f != nullptr) {
      if (int r = visit(f, arg)) return r;
    }
  }
  return BaseExceptionTraverse(self, visit, arg);
}

int UnicodeErrorClear(PyObject* self) {
  auto* e = reinterpret_cast<UniErr*>(self);
  PyObject* fields[] = {e->encoding, e->object, e->reason};
  e->encoding = e->object = e->reason = nullptr;
  for (PyObject* f : fields) {
    if (f != nullptr) Decref(f);
  }
  return BaseExceptionClear(self);
}

// CPython's messages; the message-only form prints its message.
PyObject* UnicodeErrorStrAs(PyObject* self, UniKind kind) {
  auto* e = reinterpret_cast<UniErr*>(self);
  Ref<> object = ReadField(self, e->object);
  Ref<> reason = ReadField(self, e->reason);
  Ref<> encoding = ReadField(self, e->encoding);
  if (!object || !reason || (kind != UniKind::kTranslate && !encoding)) {
    return BaseExceptionStr(self);
  }
  const Py_ssize_t start = std::atomic_ref<Py_ssize_t>(e->start).load(std::memory_order_relaxed);
  const Py_ssize_t end = std::atomic_ref<Py_ssize_t>(e->end).load(std::memory_order_relaxed);
  std::string why, enc;
  if (!TextOf(reason.get(), false, &why)) return nullptr;
  if (encoding && !TextOf(encoding.get(), false, &enc)) return nullptr;
  std::string msg;
  if (kind == UniKind::kDecode) {
    const Py_ssize_t size = IsBytes(object.get()) ? BytesSize(object.get()) : 0;
    if (start >= 0 && start < size && end == start + 1) {
      const unsigned byte = static_cast<unsigned char>(BytesData(object.get())[start]);
      msg = absl::StrFormat("'%s' codec can't decode byte 0x%02x in position %d: %s", enc, byte,
                            start, why);
    } else {
      msg = absl::StrFormat("'%s' codec can't decode bytes in position %d-%d: %s", enc, start,
                            end - 1, why);
    }
  } else {
    const Py_ssize_t size = IsStr(object.get()) ? StrLength(object.get()) : 0;
    const char* verb = kind == UniKind::kEncode ? "encode" : "translate";
    std::string prefix = kind == UniKind::kEncode ? absl::StrCat("'", enc, "' codec ") : "";
    if (start >= 0 && start < size && end == start + 1) {
      const Py_UCS4 ch = StrReadChar(object.get(), start);
      std::string esc = ch <= 0xff     ? absl::StrFormat("\\x%02x", ch)
                        : ch <= 0xffff ? absl::StrFormat("\\u%04x", ch)
                                       : absl::StrFormat("\\U%08x", ch);
      msg = absl::StrFormat("%scan't %s character '%s' in position %d: %s", prefix, verb, esc,
                            start, why);
    } else {
      msg = absl::StrFormat("%scan't %s characters in position %d-%d: %s", prefix, verb, start,
                            end - 1, why);
    }
  }
  return RefOrRaise(StrFromUtf8(msg)).Release();
}

PyObject* UnicodeDecodeErrorStr(PyObject* self) { return UnicodeErrorStrAs(self, UniKind::kDecode); }
PyObject* UnicodeEncodeErrorStr(PyObject* self) { return UnicodeErrorStrAs(self, UniKind::kEncode); }
PyObject* UnicodeTranslateErrorStr(PyObject* self) {
  return UnicodeErrorStrAs(self, UniKind::kTranslate);
}

PyMemberDef g_unicode_error_members[] = {
    {"encoding", _Py_T_OBJECT, offsetof(UniErr, encoding), 0, "exception encoding"},
    {"object", _Py_T_OBJECT, offsetof(UniErr, object), 0, "exception object"},
    {"start", Py_T_PYSSIZET, offsetof(UniErr, start), 0, "exception start"},
    {"end", Py_T_PYSSIZET, offsetof(UniErr, end), 0, "exception end"},
    {"reason", _Py_T_OBJECT, offsetof(UniErr, reason), 0, "exception reason"},
    {nullptr, 0, 0, 0, nullptr},
};

// --- the static classes -----------------------------------------------------

constexpr unsigned long kExcFlags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC |
                                    Py_TPFLAGS_BASE_EXC_SUBCLASS;

constexpr PyTypeObject ExcType(const char* name, PyTypeObject* base, Py_ssize_t size,
                               const char* doc) {
  PyTypeObject t = StaticTypeInit(name, size, kExcFlags);
  t.tp_flags &= ~Py_TPFLAGS_READY;  // TypeReady makes it ready
  t.tp_base = base;
  t.tp_doc = doc;
  return t;
}

}  // namespace

extern "C" {

constinit PyTypeObject _PyExc_BaseException = [] {
  PyTypeObject t = ExcType("BaseException", nullptr, sizeof(Exc),
                           "Common base class for all exceptions");
  t.tp_new = BaseExceptionNew;
  t.tp_init = BaseExceptionInit;
  t.tp_dealloc = BaseExceptionDealloc;
  t.tp_traverse = BaseExceptionTraverse;
  t.tp_clear = BaseExceptionClear;
  t.tp_repr = BaseExceptionRepr;
  t.tp_str = BaseExceptionStr;
  t.tp_getset = g_exc_getset;
  t.tp_members = g_exc_members;
  t.tp_methods = g_exc_methods;
  t.tp_dictoffset = offsetof(Exc, dict);
  return t;
}();

#define FTRT_SIMPLE_EXC(name, base, doc) \
  constinit PyTypeObject _PyExc_##name = ExcType(#name, &_PyExc_##base, sizeof(Exc), doc);
// OSError and its subclasses: the OSError layout and slots (the subclasses
// inherit them through TypeReady; tp_new is set on each so that only
// OSError itself maps an errno to a subclass).
#define FTRT_OS_EXC(name, base, doc)                                            \
  constinit PyTypeObject _PyExc_##name = [] {                                   \
    PyTypeObject t = ExcType(#name, &_PyExc_##base, sizeof(OSErr), doc);        \
    t.tp_new = OSErrorNew;                                                      \
    t.tp_init = OSErrorInit;                                                    \
    t.tp_traverse = OSErrorTraverse;                                            \
    t.tp_clear = OSErrorClear;                                                  \
    t.tp_str = OSErrorStr;                                                      \
    t.tp_members = g_os_error_members;                                          \
    t.tp_getset = g_os_error_getset;                                            \
    return t;                                                                   \
  }();
#define FTRT_UNICODE_EXC(name, base, doc)                                       \
  constinit PyTypeObject _PyExc_##name = [] {                                   \
    PyTypeObject t = ExcType(#name, &_PyExc_##base, sizeof(UniErr), doc);       \
    t.tp_init = name##Init;                                                     \
    t.tp_traverse = UnicodeErrorTraverse;                                       \
    t.tp_clear = UnicodeErrorClear;                                             \
    t.tp_str = name##Str;                                                       \
    t.tp_members = g_unicode_error_members;                                     \
    return t;                                                                   \
  }();

FTRT_SIMPLE_EXC(Exception, BaseException, "Common base class for all non-exit exceptions.")
FTRT_SIMPLE_EXC(GeneratorExit, BaseException, "Request that a generator exit.")
FTRT_SIMPLE_EXC(KeyboardInterrupt, BaseException, "Program interrupted by user.")
FTRT_SIMPLE_EXC(ArithmeticError, Exception, "Base class for arithmetic errors.")
FTRT_SIMPLE_EXC(FloatingPointError, ArithmeticError, "Floating-point operation failed.")
FTRT_SIMPLE_EXC(OverflowError, ArithmeticError, "Result too large to be represented.")
FTRT_SIMPLE_EXC(ZeroDivisionError, ArithmeticError,
                "Second argument to a division or modulo operation was zero.")
FTRT_SIMPLE_EXC(AssertionError, Exception, "Assertion failed.")
FTRT_SIMPLE_EXC(AttributeError, Exception, "Attribute not found.")
FTRT_SIMPLE_EXC(BufferError, Exception, "Buffer error.")
FTRT_SIMPLE_EXC(EOFError, Exception, "Read beyond end of file.")
FTRT_SIMPLE_EXC(LookupError, Exception, "Base class for lookup errors.")
FTRT_SIMPLE_EXC(IndexError, LookupError, "Sequence index out of range.")
FTRT_SIMPLE_EXC(MemoryError, Exception, "Out of memory.")
FTRT_SIMPLE_EXC(NameError, Exception, "Name not found globally.")
FTRT_SIMPLE_EXC(UnboundLocalError, NameError, "Local name referenced but not bound to a value.")
FTRT_OS_EXC(OSError, Exception, "Base class for I/O related errors.")
FTRT_OS_EXC(BlockingIOError, OSError, "I/O operation would block.")
FTRT_OS_EXC(ChildProcessError, OSError, "Child process error.")
FTRT_OS_EXC(ConnectionError, OSError, "Connection error.")
FTRT_OS_EXC(BrokenPipeError, ConnectionError, "Broken pipe.")
FTRT_OS_EXC(ConnectionAbortedError, ConnectionError, "Connection aborted.")
FTRT_OS_EXC(ConnectionRefusedError, ConnectionError, "Connection refused.")
FTRT_OS_EXC(ConnectionResetError, ConnectionError, "Connection reset.")
FTRT_OS_EXC(FileExistsError, OSError, "File already exists.")
FTRT_OS_EXC(FileNotFoundError, OSError, "File not found.")
FTRT_OS_EXC(InterruptedError, OSError, "Interrupted by signal.")
FTRT_OS_EXC(IsADirectoryError, OSError, "Operation doesn't work on directories.")
FTRT_OS_EXC(NotADirectoryError, OSError, "Operation only works on directories.")
FTRT_OS_EXC(PermissionError, OSError, "Not enough permissions.")
FTRT_OS_EXC(ProcessLookupError, OSError, "Process not found.")
FTRT_OS_EXC(TimeoutError, OSError, "Timeout expired.")
FTRT_SIMPLE_EXC(ReferenceError, Exception, "Weak ref proxy used after referent went away.")
FTRT_SIMPLE_EXC(RuntimeError, Exception, "Unspecified run-time error.")
FTRT_SIMPLE_EXC(NotImplementedError, RuntimeError,
                "Method or function hasn't been implemented yet.")
FTRT_SIMPLE_EXC(PythonFinalizationError, RuntimeError,
                "Operation blocked during Python finalization.")
FTRT_SIMPLE_EXC(RecursionError, RuntimeError, "Recursion limit exceeded.")
FTRT_SIMPLE_EXC(StopAsyncIteration, Exception, "Signal the end from iterator.__anext__().")
FTRT_SIMPLE_EXC(SyntaxError, Exception, "Invalid syntax.")
FTRT_SIMPLE_EXC(IndentationError, SyntaxError, "Improper indentation.")
FTRT_SIMPLE_EXC(TabError, IndentationError, "Improper mixture of spaces and tabs.")
FTRT_SIMPLE_EXC(SystemError, Exception,
                "Internal error in the Python interpreter.")
FTRT_SIMPLE_EXC(TypeError, Exception, "Inappropriate argument type.")
FTRT_SIMPLE_EXC(ValueError, Exception, "Inappropriate argument value (of correct type).")
FTRT_SIMPLE_EXC(UnicodeError, ValueError, "Unicode related error.")
FTRT_UNICODE_EXC(UnicodeDecodeError, UnicodeError, "Unicode decoding error.")
FTRT_UNICODE_EXC(UnicodeEncodeError, UnicodeError, "Unicode encoding error.")
FTRT_UNICODE_EXC(UnicodeTranslateError, UnicodeError, "Unicode translation error.")
FTRT_SIMPLE_EXC(Warning, Exception, "Base class for warning categories.")
FTRT_SIMPLE_EXC(BytesWarning, Warning,
                "Base class for warnings about bytes and buffer related problems.")
FTRT_SIMPLE_EXC(DeprecationWarning, Warning,
                "Base class for warnings about deprecated features.")
FTRT_SIMPLE_EXC(EncodingWarning, Warning, "Base class for warnings about encodings.")
FTRT_SIMPLE_EXC(FutureWarning, Warning,
                "Base class for warnings about constructs that will change semantically.")
FTRT_SIMPLE_EXC(ImportWarning, Warning,
                "Base class for warnings about probable mistakes in module imports")
FTRT_SIMPLE_EXC(PendingDeprecationWarning, Warning,
                "Base class for warnings about features which will be deprecated.")
FTRT_SIMPLE_EXC(ResourceWarning, Warning,
                "Base class for warnings about resource usage.")
FTRT_SIMPLE_EXC(RuntimeWarning, Warning, "Base class for warnings about dubious runtime behavior.")
FTRT_SIMPLE_EXC(SyntaxWarning, Warning, "Base class for warnings about dubious syntax.")
FTRT_SIMPLE_EXC(UnicodeWarning, Warning,
                "Base class for warnings about Unicode related problems.")
FTRT_SIMPLE_EXC(UserWarning, Warning, "Base class for warnings generated by user code.")
#undef FTRT_SIMPLE_EXC
#undef FTRT_OS_EXC
#undef FTRT_UNICODE_EXC

constinit PyTypeObject _PyExc_SystemExit = [] {
  PyTypeObject t = ExcType("SystemExit", &_PyExc_BaseException, sizeof(PySystemExitObject),
                           "Request to exit from the interpreter.");
  t.tp_init = SystemExitInit;
  t.tp_traverse = SystemExitTraverse;
  t.tp_clear = SystemExitClear;
  t.tp_members = g_system_exit_members;
  return t;
}();

constinit PyTypeObject _PyExc_StopIteration = [] {
  PyTypeObject t = ExcType("StopIteration", &_PyExc_Exception, sizeof(PyStopIterationObject),
                           "Signal the end from iterator.__next__().");
  t.tp_init = StopIterationInit;
  t.tp_traverse = StopIterationTraverse;
  t.tp_clear = StopIterationClear;
  t.tp_members = g_stop_iteration_members;
  return t;
}();

constinit PyTypeObject _PyExc_ImportError = [] {
  PyTypeObject t = ExcType("ImportError", &_PyExc_Exception, sizeof(ImportErr),
                           "Import can't find module, or can't find name in module.");
  t.tp_init = ImportErrorInit;
  t.tp_traverse = ImportErrorTraverse;
  t.tp_clear = ImportErrorClear;
  t.tp_str = ImportErrorStr;
  t.tp_members = g_import_error_members;
  return t;
}();

constinit PyTypeObject _PyExc_ModuleNotFoundError =
    ExcType("ModuleNotFoundError", &_PyExc_ImportError, sizeof(ImportErr), "Module not found.");

constinit PyTypeObject _PyExc_KeyError = [] {
  PyTypeObject t = ExcType("KeyError", &_PyExc_LookupError, sizeof(Exc), "Mapping key not found.");
  t.tp_str = KeyErrorStr;
  return t;
}();

#define FTRT_DEFINE_EXC_POINTER(name) \
  PyObject* PyExc_##name = reinterpret_cast<PyObject*>(&_PyExc_##name);
FTRT_EXCEPTION_TYPES(FTRT_DEFINE_EXC_POINTER)
#undef FTRT_DEFINE_EXC_POINTER

PyObject* PyExc_EnvironmentError = reinterpret_cast<PyObject*>(&_PyExc_OSError);
PyObject* PyExc_IOError = reinterpret_cast<PyObject*>(&_PyExc_OSError);

}  // extern "C"

namespace {
PyObject* g_preallocated_memory_error = nullptr;  // set once on the builder
}  // namespace

bool IsExceptionClass(const PyObject* op) {
  return IsType(op) && (reinterpret_cast<const PyTypeObject*>(op)->tp_flags &
                        Py_TPFLAGS_BASE_EXC_SUBCLASS) != 0;
}

Ref<> NewException(PyObject* type, PyObject* args_tuple) {
  return Call(type, args_tuple, nullptr);
}

Ref<> NewExceptionWithMessage(PyObject* type, absl::string_view message) {
  Ref<> msg = RefOrRaise(StrFromUtf8(message));
  if (!msg) return nullptr;
  return CallOneArg(type, msg.get());
}

Ref<> ExceptionGetArgs(PyObject* exc) { return Ref<>::Steal(GetArgs(exc, nullptr)); }

void ExceptionSetArgs(PyObject* exc, PyObject* args) {
  Incref(args);
  SwapField(exc, AsExc(exc)->args, args);
}

Ref<> ExceptionGetCause(PyObject* exc) { return ReadField(exc, AsExc(exc)->cause); }

void ExceptionSetCause(PyObject* exc, Ref<> cause) {
  PyObject* old;
  {
    CriticalSection cs(internal::ObjectLock(exc));
    std::atomic_ref<char>(AsExc(exc)->suppress_context).store(1, std::memory_order_relaxed);
    old = FieldRef(AsExc(exc)->cause).exchange(cause.Release(), std::memory_order_acq_rel);
  }
  if (old != nullptr) Decref(old);
}

Ref<> ExceptionGetContext(PyObject* exc) { return ReadField(exc, AsExc(exc)->context); }

void ExceptionSetContext(PyObject* exc, Ref<> context) {
  SwapField(exc, AsExc(exc)->context, context.Release());
}

Ref<> ExceptionGetTraceback(PyObject* exc) { return ReadField(exc, AsExc(exc)->traceback); }

Ref<> NewExceptionTypeWithDoc(const char* name, const char* doc, PyObject* base,
                              PyObject* dict) {
  const char* dot = std::strrchr(name, '.');
  if (dot == nullptr) {
    SetErrorString(PyExc_SystemError, "PyErr_NewException: name must be module.class");
    return nullptr;
  }
  if (base == nullptr) base = PyExc_Exception;
  Ref<> ns = RefOrRaise(DictNew());
  if (!ns) return nullptr;
  if (dict != nullptr) {
    Py_ssize_t pos = 0;
    Ref<> k, v;
    while (DictNext(dict, &pos, &k, &v)) {
      if (OkOrRaise(DictSetItem(ns.get(), k.get(), v.get())) < 0) return nullptr;
    }
  }
  absl::StatusOr<bool> has_module = DictContains(ns.get(), internal::g_names.dunder_module);
  if (!has_module.ok()) return RefOrRaise(has_module.status());
  if (!*has_module) {
    Ref<> module = RefOrRaise(StrFromUtf8(absl::string_view(name, static_cast<size_t>(dot - name))));
    if (!module) return nullptr;
    if (OkOrRaise(DictSetItemString(ns.get(), "__module__", module.get())) < 0) return nullptr;
  }
  if (doc != nullptr) {
    Ref<> d = RefOrRaise(StrFromUtf8(doc));
    if (!d || OkOrRaise(DictSetItemString(ns.get(), "__doc__", d.get())) < 0) return nullptr;
  }
  Ref<> bases;
  if (IsTuple(base)) {
    bases = Ref<>::NewRef(base);
  } else {
    bases = RefOrRaise(TupleFromItems({base}));
    if (!bases) return nullptr;
  }
  return TypeNew(dot + 1, bases.get(), ns.get());
}

Ref<> NewExceptionType(const char* name, PyObject* base, PyObject* dict) {
  return NewExceptionTypeWithDoc(name, nullptr, base, dict);
}

const char* ExceptionClassName(const PyObject* exc_or_class) {
  const PyTypeObject* t = IsType(exc_or_class)
                              ? reinterpret_cast<const PyTypeObject*>(exc_or_class)
                              : exc_or_class->ob_type;
  return TypeShortName(t);
}

namespace internal {

PyObject* PreallocatedMemoryError() { return g_preallocated_memory_error; }

void ReadyExceptionTypes() {
#define FTRT_READY_EXC(name) \
  FTRT_CHECK(TypeReady(&_PyExc_##name) == 0, "could not ready exception class " #name);
  FTRT_EXCEPTION_TYPES(FTRT_READY_EXC)
#undef FTRT_READY_EXC
  Ref<> prealloc = NewException(PyExc_MemoryError, EmptyTuple());
  FTRT_CHECK(prealloc, "could not preallocate a MemoryError");
  ImmortalizeTree(prealloc.get());
  g_preallocated_memory_error = prealloc.Release();
}

}  // namespace internal
}  // namespace ftrt
