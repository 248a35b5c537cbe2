// bytearray (see bytearray.h for the layout and the concurrency design):
// the type, its slots (sequence, mapping, buffer, compare, repr, iter),
// its Python-level methods and its constructor. It lives in the protocol
// library because its methods and constructor parse arguments, iterate
// and raise exceptions (call.h, iterators.h), as container_methods.cc
// does for list and dict.
#include "object/bytearray.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_format.h"
#include "object/buffer.h"
#include "object/builtin_internal.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/compare.h"
#include "object/container_util.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/iterators.h"
#include "object/none_bool.h"
#include "object/number.h"
#include "object/object.h"
#include "object/refcount.h"
#include "object/slice.h"
#include "object/slice_indices.h"
#include "object/str.h"
#include "object/str_ops.h"
#include "object/tuple.h"
#include "object/typeobject.h"
#include "sync/critical_section.h"

extern "C" {
// One NUL: PyByteArray_AS_STRING of an empty bytearray. Nothing may write
// it (CPython's has the same contract).
char _PyByteArray_empty_string[1] = {0};
}

namespace ftrt {
namespace {

using internal::ObjectMutex;

ByteArrayObject* AsBA(PyObject* op) { return reinterpret_cast<ByteArrayObject*>(op); }

// ob_size: written (release) only inside the section, read lock-free.
std::atomic_ref<Py_ssize_t> SizeRef(PyObject* b) {
  return std::atomic_ref<Py_ssize_t>(AsBA(b)->ob_base.ob_size);
}

absl::Status NotAByteArray(const PyObject* op) {
  return Errorf(ErrorKind::kTypeError, "expected a bytearray, got '%s'", op->ob_type->tp_name);
}

absl::Status ExportedError() {
  return MakeError(ErrorKind::kBufferError, "Existing exports of data: object cannot be re-sized");
}

absl::Status IndexOutOfRange() {
  return MakeError(ErrorKind::kIndexError, "bytearray index out of range");
}

Py_ssize_t Normalize(Py_ssize_t i, Py_ssize_t n) { return i < 0 ? i + n : i; }

// --- under the section --------------------------------------------------

// The contents as a view (valid while the section is held).
absl::string_view ViewLocked(PyObject* b, Mutex& mu) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  mu.AssertHeld();
  const Py_ssize_t n = SizeRef(b).load(std::memory_order_relaxed);
  if (n == 0) return absl::string_view();
  return absl::string_view(AsBA(b)->ob_start, static_cast<size_t>(n));
}

// Sets the size to new_size; bytes [old size, new_size) become zero and a
// NUL follows the last byte. BufferError while exported (unless the size
// does not change), MemoryError if the block cannot grow; nothing changes
// on failure. A block that shrinks below half its size is reallocated
// (if that fails, the bigger block stays); an empty bytearray holds no
// block, as a new one does.
absl::Status ResizeLocked(PyObject* b, Mutex& mu, Py_ssize_t new_size)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  mu.AssertHeld();
  ByteArrayObject* o = AsBA(b);
  const Py_ssize_t n = SizeRef(b).load(std::memory_order_relaxed);
  if (new_size == n) return absl::OkStatus();
  if (o->ob_exports > 0) return ExportedError();
  if (new_size < 0) return MakeError(ErrorKind::kSystemError, "negative bytearray size");
  if (new_size == 0) {
    std::free(o->ob_bytes);
    o->ob_bytes = nullptr;
    o->ob_start = nullptr;
    o->ob_alloc = 0;
    SizeRef(b).store(0, std::memory_order_release);
    return absl::OkStatus();
  }
  if (new_size >= PY_SSIZE_T_MAX - 16) return NoMemoryError();
  const Py_ssize_t need = new_size + 1;  // and the NUL
  if (need > o->ob_alloc || need < o->ob_alloc / 2) {
    Py_ssize_t alloc = need;
    // Growing by appends: over-allocate by about 1/8 (amortised O(1)).
    if (need > o->ob_alloc && need <= PY_SSIZE_T_MAX - (need >> 3) - 16) alloc += (need >> 3) + 8;
    char* p = static_cast<char*>(std::realloc(o->ob_bytes, static_cast<size_t>(alloc)));
    if (p == nullptr) {
      if (need > o->ob_alloc) return NoMemoryError();
    } else {
      o->ob_bytes = p;
      o->ob_start = p;
      o->ob_alloc = alloc;
    }
  }
  if (new_size > n) std::memset(o->ob_start + n, 0, static_cast<size_t>(new_size - n));
  o->ob_start[new_size] = '\0';
  SizeRef(b).store(new_size, std::memory_order_release);
  return absl::OkStatus();
}

// Replaces [lo, lo + d) with `src` (0 <= lo, lo + d <= size): moves the
// tail and resizes as needed. The exports check comes first, so the move
// never runs unless the resize will succeed (a shrink cannot fail then).
absl::Status ReplaceLocked(PyObject* b, Mutex& mu, Py_ssize_t lo, Py_ssize_t d,
                           absl::string_view src) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
  mu.AssertHeld();
  const Py_ssize_t n = SizeRef(b).load(std::memory_order_relaxed);
  const Py_ssize_t k = static_cast<Py_ssize_t>(src.size());
  if (k != d && AsBA(b)->ob_exports > 0) return ExportedError();
  const Py_ssize_t tail = n - (lo + d);
  if (k > d) {
    absl::Status s = ResizeLocked(b, mu, n + (k - d));
    if (!s.ok()) return s;
    char* p = AsBA(b)->ob_start;
    std::memmove(p + lo + k, p + lo + d, static_cast<size_t>(tail));
  } else if (k < d) {
    char* p = AsBA(b)->ob_start;
    std::memmove(p + lo + k, p + lo + d, static_cast<size_t>(tail));
    absl::Status s = ResizeLocked(b, mu, n - (d - k));
    if (!s.ok()) return s;  // not reached: exports were checked, shrinking keeps the block
  }
  if (k > 0) std::memcpy(AsBA(b)->ob_start + lo, src.data(), static_cast<size_t>(k));
  return absl::OkStatus();
}

// --- slices ------------------------------------------------------------------

absl::StatusOr<Ref<>> GetSlice(PyObject* b, Py_ssize_t start, Py_ssize_t stop, Py_ssize_t step) {
  std::string out;
  {
    Mutex& mu = ObjectMutex(b);
    CriticalSection cs(mu);
    absl::string_view v = ViewLocked(b, mu);
    const Py_ssize_t count =
        SliceAdjustIndices(static_cast<Py_ssize_t>(v.size()), &start, &stop, step);
    out.reserve(static_cast<size_t>(count));
    for (Py_ssize_t k = 0, i = start; k < count; ++k, i += step) {
      out.push_back(v[static_cast<size_t>(i)]);
    }
  }
  return ByteArrayFromData(out);
}

// b[start:stop:step] = src, or del b[start:stop:step] when src is null
// (unpacked slice values, clipped inside the section).
absl::Status AssignSlice(PyObject* b, Py_ssize_t start, Py_ssize_t stop, Py_ssize_t step,
                         const std::string* src) {
  Mutex& mu = ObjectMutex(b);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(b).load(std::memory_order_relaxed);
  const Py_ssize_t count = SliceAdjustIndices(n, &start, &stop, step);
  if (step == 1) {
    return ReplaceLocked(b, mu, start, count, src != nullptr ? *src : absl::string_view());
  }
  char* p = AsBA(b)->ob_start;
  if (src != nullptr) {
    const Py_ssize_t k = static_cast<Py_ssize_t>(src->size());
    if (k != count) {
      return Errorf(ErrorKind::kValueError,
                    "attempt to assign bytes of size %d to extended slice of size %d",
                    static_cast<int64_t>(k), static_cast<int64_t>(count));
    }
    for (Py_ssize_t j = 0, i = start; j < count; ++j, i += step)
      p[i] = (*src)[static_cast<size_t>(j)];
    return absl::OkStatus();
  }
  if (count == 0) return absl::OkStatus();
  if (AsBA(b)->ob_exports > 0) return ExportedError();
  // Deletion: walk the selected positions in ascending order, compacting
  // the kept bytes down over them.
  Py_ssize_t lo = start, stride = step;
  if (step < 0) {
    lo = start + step * (count - 1);
    stride = -step;
  }
  const Py_ssize_t last = lo + stride * (count - 1);
  Py_ssize_t out = lo;
  for (Py_ssize_t i = lo; i < n; ++i) {
    if (i <= last && (i - lo) % stride == 0) continue;
    p[out++] = p[i];
  }
  return ResizeLocked(b, mu, out);
}

// --- slots ---------------------------------------------------------------------

void ByteArrayDealloc(PyObject* op) {
  // The last reference: no export can be live (a view holds a reference).
  std::free(AsBA(op)->ob_bytes);
  AsBA(op)->ob_bytes = nullptr;
  AsBA(op)->ob_start = nullptr;
  FreeInstance(op, &PyByteArray_Type);  // a subtype's instance: its tp_free
}

Py_ssize_t LengthSlot(PyObject* op) { return ByteArraySize(op); }

PyObject* ItemSlot(PyObject* op, Py_ssize_t i) {
  const Py_ssize_t n = ByteArraySize(op);
  if (i < 0 || i >= n) {
    // sq_item gets an index PySequence_GetItem has already adjusted;
    // only a racing shrink lands here with a once-valid index.
    SetErrorFromStatus(IndexOutOfRange());
    return nullptr;
  }
  absl::StatusOr<uint8_t> v = ByteArrayGetItem(op, i);
  if (!v.ok()) {
    SetErrorFromStatus(v.status());
    return nullptr;
  }
  return SmallInt(*v);
}

int AssItemSlot(PyObject* op, Py_ssize_t i, PyObject* value) {
  if (value == nullptr) {
    absl::Status s;
    {
      Mutex& mu = ObjectMutex(op);
      CriticalSection cs(mu);
      const Py_ssize_t n = SizeRef(op).load(std::memory_order_relaxed);
      const Py_ssize_t at = Normalize(i, n);
      s = at < 0 || at >= n ? IndexOutOfRange() : ReplaceLocked(op, mu, at, 1, absl::string_view());
    }
    return OkOrRaise(s);  // raised after the section
  }
  const int v = ByteValue(value);
  if (v < 0) return -1;
  return OkOrRaise(ByteArraySetItem(op, i, static_cast<uint8_t>(v)));
}

PyObject* ConcatSlot(PyObject* a, PyObject* b) {
  std::string tail;
  if (!CopyBytesLike(b, &tail)) {
    ClearError();
    return SetErrorFormat(PyExc_TypeError, "can't concat %s to %s", b->ob_type->tp_name,
                          a->ob_type->tp_name);
  }
  std::string all = ByteArraySnapshot(a);
  all += tail;
  return RefOrRaise(ByteArrayFromData(all)).Release();
}

PyObject* InplaceConcatSlot(PyObject* a, PyObject* b) {
  std::string tail;
  if (!CopyBytesLike(b, &tail)) {
    ClearError();
    return SetErrorFormat(PyExc_TypeError, "can't concat %s to %s", b->ob_type->tp_name,
                          a->ob_type->tp_name);
  }
  if (OkOrRaise(ByteArrayExtend(a, tail)) < 0) return nullptr;
  return Ref<>::NewRef(a).Release();
}

// `one` repeated `count` times (count <= 0: empty); MemoryError on
// overflow.
absl::StatusOr<std::string> Repeated(absl::string_view one, Py_ssize_t count) {
  std::string out;
  if (count <= 0 || one.empty()) return out;
  if (static_cast<Py_ssize_t>(one.size()) > (PY_SSIZE_T_MAX - 16) / count) return NoMemoryError();
  out.reserve(one.size() * static_cast<size_t>(count));
  for (Py_ssize_t i = 0; i < count; ++i) out.append(one.data(), one.size());
  return out;
}

PyObject* RepeatSlot(PyObject* b, Py_ssize_t count) {
  absl::StatusOr<std::string> r = Repeated(ByteArraySnapshot(b), count);
  if (!r.ok()) return RefOrRaise(r.status()).Release();
  return RefOrRaise(ByteArrayFromData(*r)).Release();
}

// b *= count in one section (nothing but copying runs in it); the
// exception, if any, is raised after the section.
PyObject* InplaceRepeatSlot(PyObject* b, Py_ssize_t count) {
  absl::Status s;
  {
    Mutex& mu = ObjectMutex(b);
    CriticalSection cs(mu);
    absl::StatusOr<std::string> r = Repeated(ViewLocked(b, mu), count);
    s = r.ok() ? ReplaceLocked(b, mu, 0, SizeRef(b).load(std::memory_order_relaxed), *r)
               : r.status();
  }
  if (OkOrRaise(s) < 0) return nullptr;
  return Ref<>::NewRef(b).Release();
}

int ContainsSlot(PyObject* b, PyObject* value) {
  if (HasIndex(value)) {
    const int v = ByteValue(value);
    if (v < 0) return -1;
    Mutex& mu = ObjectMutex(b);
    CriticalSection cs(mu);
    return ViewLocked(b, mu).find(static_cast<char>(v)) != absl::string_view::npos ? 1 : 0;
  }
  std::string needle;
  if (!CopyBytesLike(value, &needle)) return -1;
  Mutex& mu = ObjectMutex(b);
  CriticalSection cs(mu);
  return ViewLocked(b, mu).find(needle) != absl::string_view::npos ? 1 : 0;
}

PyObject* SubscriptSlot(PyObject* b, PyObject* key) {
  if (IsSlice(key)) {
    Py_ssize_t start, stop, step;
    if (SliceUnpack(key, &start, &stop, &step) < 0) return nullptr;
    return RefOrRaise(GetSlice(b, start, stop, step)).Release();
  }
  if (!HasIndex(key)) {
    return SetErrorFormat(PyExc_TypeError, "bytearray indices must be integers or slices, not %s",
                          key->ob_type->tp_name);
  }
  const Py_ssize_t i = IndexAsSsize(key);
  if (i == -1 && HasError()) return nullptr;
  absl::StatusOr<uint8_t> v = ByteArrayGetItem(b, i);
  if (!v.ok()) {
    SetErrorFromStatus(v.status());
    return nullptr;
  }
  return SmallInt(*v);
}

int AssSubscriptSlot(PyObject* b, PyObject* key, PyObject* value) {
  if (!IsSlice(key)) {
    if (!HasIndex(key)) {
      SetErrorFormat(PyExc_TypeError, "bytearray indices must be integers or slices, not %s",
                     key->ob_type->tp_name);
      return -1;
    }
    const Py_ssize_t i = IndexAsSsize(key);
    if (i == -1 && HasError()) return -1;
    return AssItemSlot(b, i, value);
  }
  Py_ssize_t start, stop, step;
  if (SliceUnpack(key, &start, &stop, &step) < 0) return -1;
  if (value == nullptr) return OkOrRaise(AssignSlice(b, start, stop, step, nullptr));
  std::string src;
  if (IsNumber(value) && !(value->ob_type->tp_as_buffer != nullptr &&
                           value->ob_type->tp_as_buffer->bf_getbuffer != nullptr)) {
    SetErrorString(PyExc_TypeError,
                   "can assign only bytes, buffers, or iterables of ints in range(0, 256)");
    return -1;
  }
  if (value->ob_type->tp_as_buffer != nullptr &&
      value->ob_type->tp_as_buffer->bf_getbuffer != nullptr) {
    if (!CopyBytesLike(value, &src)) return -1;
  } else {
    Ref<> tmp = ByteArrayFromObject(value);
    if (!tmp) return -1;
    src = ByteArraySnapshot(tmp.get());
  }
  return OkOrRaise(AssignSlice(b, start, stop, step, &src));
}

// Exports the bytes writable and counts the export (bytearray.h, EXPORTS).
int GetBufferSlot(PyObject* b, Py_buffer* view, int flags) {
  {
    Mutex& mu = ObjectMutex(b);
    CriticalSection cs(mu);
    const Py_ssize_t n = SizeRef(b).load(std::memory_order_relaxed);
    char* p = n == 0 ? _PyByteArray_empty_string : AsBA(b)->ob_start;
    // FillBufferInfo increments b (no code runs) or fails with nothing done.
    if (FillBufferInfo(view, b, p, n, /*readonly=*/0, flags) == 0) {
      ++AsBA(b)->ob_exports;
      return 0;
    }
  }
  // FillBufferInfo reports through the interim indicator (errors.h); the
  // exception is made after the section.
  internal::EnsureErrorAfterSlotFailure("bf_getbuffer");
  return -1;
}

void ReleaseBufferSlot(PyObject* b, Py_buffer*) {
  CriticalSection cs(ObjectMutex(b));
  --AsBA(b)->ob_exports;
}

PyObject* RichCompareSlot(PyObject* a, PyObject* b, int op) {
  auto exporter = [](PyObject* x) {
    return x->ob_type->tp_as_buffer != nullptr && x->ob_type->tp_as_buffer->bf_getbuffer != nullptr;
  };
  if (!exporter(a) || !exporter(b)) return internal::NotImplementedResult();
  std::string va, vb;
  if (!CopyBytesLike(a, &va) || !CopyBytesLike(b, &vb)) return nullptr;
  return internal::BoolResult(internal::CompareSatisfies(va.compare(vb) <=> 0, op));
}

PyObject* ReprSlot(PyObject* b) {
  const std::string v = ByteArraySnapshot(b);
  const bool has_single = v.find('\'') != std::string::npos;
  const bool has_double = v.find('"') != std::string::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out = "bytearray(b";
  out.push_back(quote);
  for (unsigned char c : v) {
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c >= 0x7f) {
      out += absl::StrFormat("\\x%02x", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back(quote);
  out.push_back(')');
  return RefOrRaise(StrFromUtf8(out)).Release();
}

// --- the iterator -------------------------------------------------------------

struct ByteArrayIter {
  PyObject ob_base;
  Py_ssize_t index;  // atomic (relaxed); -1 once exhausted
  PyObject* seq;     // set at creation, dropped at dealloc
};

std::atomic_ref<Py_ssize_t> IterIndexRef(PyObject* it) {
  return std::atomic_ref<Py_ssize_t>(reinterpret_cast<ByteArrayIter*>(it)->index);
}

PyObject* IterSlot(PyObject* b) {
  Ref<> it = Ref<>::Steal(PyType_GenericAlloc(&PyByteArrayIter_Type, 0));
  if (!it) return nullptr;
  reinterpret_cast<ByteArrayIter*>(it.get())->seq = Ref<>::NewRef(b).Release();
  return it.Release();
}

void IterDealloc(PyObject* self) {
  PyObject* seq = std::exchange(reinterpret_cast<ByteArrayIter*>(self)->seq, nullptr);
  self->ob_type->tp_free(self);
  if (seq != nullptr) Decref(seq);
}

PyObject* IterSelf(PyObject* self) { return Ref<>::NewRef(self).Release(); }

// The byte at the iterator's index, or the end once the index is past the
// bytearray's current size (it may shrink or grow meanwhile, as in
// CPython). Two threads sharing one iterator may both see one byte.
PyObject* IterNextSlot(PyObject* self) {
  const Py_ssize_t i = IterIndexRef(self).load(std::memory_order_relaxed);
  if (i < 0) return nullptr;
  PyObject* b = reinterpret_cast<ByteArrayIter*>(self)->seq;
  absl::StatusOr<uint8_t> v = ByteArrayGetItem(b, i);
  if (!v.ok()) {
    IterIndexRef(self).store(-1, std::memory_order_relaxed);
    return nullptr;
  }
  IterIndexRef(self).store(i + 1, std::memory_order_relaxed);
  return SmallInt(*v);
}

// --- methods ---------------------------------------------------------------------

#define FTRT_FAST(f) reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f))

PyObject* NoneOrRaise(const absl::Status& s) {
  if (OkOrRaise(s) < 0) return nullptr;
  return Ref<>::NewRef(None()).Release();
}

PyObject* AppendMethod(PyObject* self, PyObject* value) {
  const int v = ByteValue(value);
  if (v < 0) return nullptr;
  return NoneOrRaise(ByteArrayAppend(self, static_cast<uint8_t>(v)));
}

// The bytes of an extend() argument: a buffer's copy, or an iterable's
// byte values. CPython's errors: "can't extend bytearray with int",
// "expected iterable of integers; got: 'str'".
bool ExtendSource(PyObject* self, PyObject* iterable, std::string* out) {
  PyBufferProcs* procs = iterable->ob_type->tp_as_buffer;
  if (procs != nullptr && procs->bf_getbuffer != nullptr) return CopyBytesLike(iterable, out);
  if (IsStr(iterable)) {
    SetErrorFormat(PyExc_TypeError, "expected iterable of integers; got: '%s'",
                   iterable->ob_type->tp_name);
    return false;
  }
  Ref<> it = GetIter(iterable);
  if (!it) {
    if (ExceptionMatches(PyExc_TypeError)) {
      ClearError();
      SetErrorFormat(PyExc_TypeError, "can't extend %s with %s", self->ob_type->tp_name,
                     iterable->ob_type->tp_name);
    }
    return false;
  }
  Ref<> item;
  int r;
  while ((r = IterNextItem(it.get(), &item)) > 0) {
    const int v = ByteValue(item.get());
    if (v < 0) return false;
    out->push_back(static_cast<char>(v));
  }
  return r == 0;
}

PyObject* ExtendMethod(PyObject* self, PyObject* iterable) {
  std::string data;
  if (!ExtendSource(self, iterable, &data)) return nullptr;
  return NoneOrRaise(ByteArrayExtend(self, data));
}

PyObject* PopMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (!CheckPositional("pop", nargs, 0, 1)) return nullptr;
  Py_ssize_t index = -1;
  if (nargs == 1) {
    index = IndexAsSsize(args[0]);
    if (index == -1 && HasError()) return nullptr;
  }
  absl::StatusOr<uint8_t> v = ByteArrayPop(self, index);
  if (!v.ok()) {
    SetErrorFromStatus(v.status());
    return nullptr;
  }
  return SmallInt(*v);
}

PyObject* ClearMethod(PyObject* self, PyObject*) { return NoneOrRaise(ByteArrayClear(self)); }

PyObject* CopyMethod(PyObject* self, PyObject*) {
  return RefOrRaise(ByteArrayFromData(ByteArraySnapshot(self))).Release();
}

// The codecs ftrt has (strict errors only): CPython's spellings of
// utf-8, ascii and latin-1, normalised as its codec lookup does
// (case, '_' and ' ' as '-').
enum class Codec { kUtf8, kAscii, kLatin1, kUnknown };

Codec CodecOf(absl::string_view encoding) {
  std::string n;
  for (char c : encoding) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    n.push_back(c == '_' || c == ' ' ? '-' : c);
  }
  if (n == "utf-8" || n == "utf8" || n == "u8" || n == "utf") return Codec::kUtf8;
  if (n == "ascii" || n == "us-ascii" || n == "646") return Codec::kAscii;
  if (n == "latin-1" || n == "latin1" || n == "iso-8859-1" || n == "iso8859-1" || n == "l1" ||
      n == "8859" || n == "cp819" || n == "latin") {
    return Codec::kLatin1;
  }
  return Codec::kUnknown;
}

// The encoding and errors arguments of decode() / bytearray(): str or
// absent; the codec, or kUnknown with the exception set.
Codec CodecArg(const char* fname, PyObject* encoding, PyObject* errors) {
  for (auto [name, arg] : {std::pair{"encoding", encoding}, std::pair{"errors", errors}}) {
    if (arg != nullptr && !IsStr(arg)) {
      SetErrorFormat(PyExc_TypeError, "%s() argument '%s' must be str, not %s", fname, name,
                     arg->ob_type->tp_name);
      return Codec::kUnknown;
    }
  }
  absl::string_view enc = "utf-8";
  if (encoding != nullptr) {
    absl::StatusOr<absl::string_view> e = StrAsUtf8(encoding);
    if (!e.ok()) return SetErrorFromStatus(e.status()), Codec::kUnknown;
    enc = *e;
  }
  if (errors != nullptr) {
    absl::StatusOr<absl::string_view> e = StrAsUtf8(errors);
    if (!e.ok()) return SetErrorFromStatus(e.status()), Codec::kUnknown;
    if (*e != "strict") {
      SetErrorFormat(PyExc_NotImplementedError,
                     "error handler '%s' is not supported (only 'strict')", std::string(*e));
      return Codec::kUnknown;
    }
  }
  const Codec c = CodecOf(enc);
  if (c == Codec::kUnknown) {
    SetErrorFormat(PyExc_LookupError, "unknown encoding: %s", std::string(enc));
  }
  return c;
}

PyObject* DecodeMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  static const ArgParser kParser = {"decode", {"encoding", "errors"}, 0, 0, 2};
  PyObject* out[2] = {nullptr, nullptr};
  if (!UnpackKeywords(kParser, args, nargs, kwnames, absl::MakeSpan(out))) return nullptr;
  const Codec c = CodecArg("decode", out[0], out[1]);
  if (c == Codec::kUnknown) return nullptr;
  const std::string data = ByteArraySnapshot(self);
  switch (c) {
    case Codec::kUtf8:
      return RefOrRaise(StrFromUtf8(data)).Release();
    case Codec::kAscii:
      return RefOrRaise(StrDecodeAscii(data)).Release();
    default:
      return RefOrRaise(StrDecodeLatin1(data)).Release();
  }
}

PyMethodDef g_bytearray_methods[] = {
    {"append", AppendMethod, METH_O, "Append a single item to the end of the bytearray."},
    {"extend", ExtendMethod, METH_O,
     "Append all the items from the iterator or sequence to the end of the bytearray."},
    {"pop", FTRT_FAST(PopMethod), METH_FASTCALL,
     "Remove and return a single item from B.\n\nIf no index argument is given, will pop the "
     "last item."},
    {"clear", ClearMethod, METH_NOARGS, "Remove all items from the bytearray."},
    {"copy", CopyMethod, METH_NOARGS, "Return a copy of B."},
    {"decode", FTRT_FAST(DecodeMethod), METH_FASTCALL | METH_KEYWORDS,
     "Decode the bytearray using the codec registered for encoding."},
    {nullptr, nullptr, 0, nullptr},
};

#undef FTRT_FAST

// bytearray(source=b'', encoding=..., errors=...) as a new exact
// bytearray: CPython's __init__ rules and messages.
PyObject* Build(PyObject* args, PyObject* kwargs) {
  static const ArgParser kParser = {"bytearray", {"source", "encoding", "errors"}, 0, 0, 3};
  PyObject* out[3] = {nullptr, nullptr, nullptr};
  if (!UnpackKeywordsDict(kParser, args, kwargs, absl::MakeSpan(out))) return nullptr;
  PyObject* source = out[0];
  PyObject* encoding = out[1];
  PyObject* errors = out[2];
  if (source == nullptr) {
    if (encoding != nullptr || errors != nullptr) {
      return SetErrorFormat(PyExc_TypeError, "%s",
                            encoding != nullptr ? "encoding without a string argument"
                                                : "errors without a string argument");
    }
    return RefOrRaise(ByteArrayNew(0)).Release();
  }
  if (IsStr(source)) {
    if (encoding == nullptr) {
      return SetErrorFormat(PyExc_TypeError, "%s", "string argument without an encoding");
    }
    const Codec c = CodecArg("bytearray", encoding, errors);
    if (c == Codec::kUnknown) return nullptr;
    if (c == Codec::kUtf8) {
      absl::StatusOr<absl::string_view> u = StrAsUtf8(source);
      if (!u.ok()) return RefOrRaise(u.status()).Release();
      return RefOrRaise(ByteArrayFromData(*u)).Release();
    }
    Ref<> encoded =
        RefOrRaise(c == Codec::kAscii ? StrEncodeAscii(source) : StrEncodeLatin1(source));
    if (!encoded) return nullptr;
    return RefOrRaise(ByteArrayFromData(BytesView(encoded.get()))).Release();
  }
  if (encoding != nullptr || errors != nullptr) {
    return SetErrorFormat(PyExc_TypeError, "%s",
                          encoding != nullptr ? "encoding without a string argument"
                                              : "errors without a string argument");
  }
  return ByteArrayFromObject(source).Release();
}

// bytearray.__new__ makes an empty bytearray (of `type`, possibly a C
// extension's subtype: its tp_alloc's zeroed body is an empty bytearray);
// bytearray.__init__ fills it, as in CPython, so a subtype's own tp_init
// can call PyByteArray_Type.tp_init.
PyObject* TpNew(PyTypeObject* type, PyObject* args, PyObject* kwargs) {
  (void)args;
  (void)kwargs;
  if (type == &PyByteArray_Type) return RefOrRaise(ByteArrayNew(0)).Release();
  Ref<> b = Ref<>::Steal(type->tp_alloc(type, 0));
  if (!b && !HasError()) SetErrorString(PyExc_MemoryError, "");
  return b.Release();
}

// bytearray.__init__: the new contents are built apart, then swapped in
// under self's critical section (BufferError while self is exported, as
// in CPython); self's old block goes with the builder, after the section.
int TpInit(PyObject* self, PyObject* args, PyObject* kwargs) {
  Ref<> built = Ref<>::Steal(Build(args, kwargs));
  if (!built) return -1;
  {
    Mutex& mu = ObjectMutex(self);
    CriticalSection cs(mu);
    ByteArrayObject* o = AsBA(self);
    if (o->ob_exports > 0) return OkOrRaise(ExportedError());
    ByteArrayObject* n = AsBA(built.get());
    std::swap(o->ob_bytes, n->ob_bytes);
    std::swap(o->ob_start, n->ob_start);
    std::swap(o->ob_alloc, n->ob_alloc);
    const Py_ssize_t old_size = SizeRef(self).load(std::memory_order_relaxed);
    SizeRef(self).store(SizeRef(built.get()).load(std::memory_order_relaxed),
                        std::memory_order_release);
    SizeRef(built.get()).store(old_size, std::memory_order_relaxed);
  }
  return 0;
}

constinit PySequenceMethods g_as_sequence = [] {
  PySequenceMethods m{};
  m.sq_length = LengthSlot;
  m.sq_concat = ConcatSlot;
  m.sq_repeat = RepeatSlot;
  m.sq_item = ItemSlot;
  m.sq_ass_item = AssItemSlot;
  m.sq_contains = ContainsSlot;
  m.sq_inplace_concat = InplaceConcatSlot;
  m.sq_inplace_repeat = InplaceRepeatSlot;
  return m;
}();

constinit PyMappingMethods g_as_mapping = [] {
  PyMappingMethods m{};
  m.mp_length = LengthSlot;
  m.mp_subscript = SubscriptSlot;
  m.mp_ass_subscript = AssSubscriptSlot;
  return m;
}();

constinit PyBufferProcs g_as_buffer = [] {
  PyBufferProcs p{};
  p.bf_getbuffer = GetBufferSlot;
  p.bf_releasebuffer = ReleaseBufferSlot;
  return p;
}();

}  // namespace

extern "C" {
constinit PyTypeObject PyByteArray_Type = [] {
  PyTypeObject t = StaticTypeInit("bytearray", sizeof(PyByteArrayObject),
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE);
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = ByteArrayDealloc;
  t.tp_repr = ReprSlot;
  t.tp_as_sequence = &g_as_sequence;
  t.tp_as_mapping = &g_as_mapping;
  t.tp_as_buffer = &g_as_buffer;
  t.tp_hash = PyObject_HashNotImplemented;
  t.tp_doc =
      "bytearray(iterable_of_ints) -> bytearray\n"
      "bytearray(string, encoding[, errors]) -> bytearray\n"
      "bytearray(bytes_or_buffer) -> mutable copy of bytes_or_buffer\n"
      "bytearray(int) -> bytes array of size given by the parameter initialized with null bytes\n"
      "bytearray() -> empty bytes array";
  t.tp_richcompare = RichCompareSlot;
  t.tp_iter = IterSlot;
  t.tp_methods = g_bytearray_methods;
  t.tp_new = TpNew;
  t.tp_init = TpInit;
  return t;
}();

constinit PyTypeObject PyByteArrayIter_Type = [] {
  PyTypeObject t = StaticTypeInit("bytearray_iterator", sizeof(ByteArrayIter));
  t.tp_flags &= ~Py_TPFLAGS_READY;
  t.tp_dealloc = IterDealloc;
  t.tp_iter = IterSelf;
  t.tp_iternext = IterNextSlot;
  return t;
}();
}  // extern "C"

PyTypeObject* ByteArrayType() { return &PyByteArray_Type; }

bool IsByteArray(const PyObject* op) { return TypeCheck(op, &PyByteArray_Type); }

absl::StatusOr<Ref<>> ByteArrayNew(Py_ssize_t size) {
  if (size < 0) {
    return MakeError(ErrorKind::kSystemError,
                     "Negative size passed to PyByteArray_FromStringAndSize");
  }
  Ref<> b = NewObject(&PyByteArray_Type);
  if (!b) return NoMemoryError();
  if (size > 0) {
    // Not yet published: the section is uncontended, and keeps one path.
    Mutex& mu = ObjectMutex(b.get());
    CriticalSection cs(mu);
    absl::Status s = ResizeLocked(b.get(), mu, size);
    if (!s.ok()) return s;
  }
  return b;
}

absl::StatusOr<Ref<>> ByteArrayFromData(absl::string_view data) {
  absl::StatusOr<Ref<>> b = ByteArrayNew(static_cast<Py_ssize_t>(data.size()));
  if (b.ok() && !data.empty()) std::memcpy(AsBA(b->get())->ob_start, data.data(), data.size());
  return b;
}

Py_ssize_t ByteArraySize(const PyObject* b) {
  return SizeRef(const_cast<PyObject*>(b)).load(std::memory_order_relaxed);
}

std::string ByteArraySnapshot(PyObject* b) {
  Mutex& mu = ObjectMutex(b);
  CriticalSection cs(mu);
  return std::string(ViewLocked(b, mu));
}

char* ByteArrayAsString(PyObject* b) {
  return ByteArraySize(b) == 0 ? _PyByteArray_empty_string : AsBA(b)->ob_start;
}

absl::Status ByteArrayResize(PyObject* b, Py_ssize_t size) {
  if (!IsByteArray(b)) return NotAByteArray(b);
  if (size < 0) {
    return Errorf(ErrorKind::kValueError, "Can only resize to positive sizes, got %d",
                  static_cast<int64_t>(size));
  }
  Mutex& mu = ObjectMutex(b);
  CriticalSection cs(mu);
  return ResizeLocked(b, mu, size);
}

absl::Status ByteArrayAppend(PyObject* b, uint8_t value) {
  if (!IsByteArray(b)) return NotAByteArray(b);
  Mutex& mu = ObjectMutex(b);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(b).load(std::memory_order_relaxed);
  absl::Status s = ResizeLocked(b, mu, n + 1);
  if (!s.ok()) return s;
  AsBA(b)->ob_start[n] = static_cast<char>(value);
  return absl::OkStatus();
}

absl::Status ByteArrayExtend(PyObject* b, absl::string_view data) {
  if (!IsByteArray(b)) return NotAByteArray(b);
  Mutex& mu = ObjectMutex(b);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(b).load(std::memory_order_relaxed);
  return ReplaceLocked(b, mu, n, 0, data);
}

absl::StatusOr<uint8_t> ByteArrayPop(PyObject* b, Py_ssize_t index) {
  if (!IsByteArray(b)) return NotAByteArray(b);
  Mutex& mu = ObjectMutex(b);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(b).load(std::memory_order_relaxed);
  if (n == 0) return MakeError(ErrorKind::kIndexError, "pop from empty bytearray");
  const Py_ssize_t i = Normalize(index, n);
  if (i < 0 || i >= n) return MakeError(ErrorKind::kIndexError, "pop index out of range");
  const uint8_t v = static_cast<uint8_t>(AsBA(b)->ob_start[i]);
  absl::Status s = ReplaceLocked(b, mu, i, 1, absl::string_view());
  if (!s.ok()) return s;
  return v;
}

absl::StatusOr<uint8_t> ByteArrayGetItem(PyObject* b, Py_ssize_t index) {
  if (!IsByteArray(b)) return NotAByteArray(b);
  Mutex& mu = ObjectMutex(b);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(b).load(std::memory_order_relaxed);
  const Py_ssize_t i = Normalize(index, n);
  if (i < 0 || i >= n) return IndexOutOfRange();
  return static_cast<uint8_t>(AsBA(b)->ob_start[i]);
}

absl::Status ByteArraySetItem(PyObject* b, Py_ssize_t index, uint8_t value) {
  if (!IsByteArray(b)) return NotAByteArray(b);
  Mutex& mu = ObjectMutex(b);
  CriticalSection cs(mu);
  const Py_ssize_t n = SizeRef(b).load(std::memory_order_relaxed);
  const Py_ssize_t i = Normalize(index, n);
  if (i < 0 || i >= n) return IndexOutOfRange();
  AsBA(b)->ob_start[i] = static_cast<char>(value);
  return absl::OkStatus();
}

absl::Status ByteArrayClear(PyObject* b) {
  if (!IsByteArray(b)) return NotAByteArray(b);
  Mutex& mu = ObjectMutex(b);
  CriticalSection cs(mu);
  return ResizeLocked(b, mu, 0);
}

int ByteValue(PyObject* value) {
  int64_t v;
  if (IsIntExact(value)) {
    v = IntClampedValue(value);
  } else {
    v = IndexAsSsize(value);
    if (v == -1 && HasError()) return -1;
  }
  if (v < 0 || v > 255) {
    SetErrorString(PyExc_ValueError, "byte must be in range(0, 256)");
    return -1;
  }
  return static_cast<int>(v);
}

bool CopyBytesLike(PyObject* obj, std::string* out) {
  if (IsBytes(obj)) {
    out->assign(BytesView(obj).data(), BytesView(obj).size());
    return true;
  }
  if (obj->ob_type == &PyByteArray_Type) {
    *out = ByteArraySnapshot(obj);
    return true;
  }
  Py_buffer view{};
  if (GetBuffer(obj, &view, PyBUF_SIMPLE) < 0) {  // TypeError for a non-exporter
    internal::EnsureErrorAfterSlotFailure("bf_getbuffer");
    return false;
  }
  if (view.len > 0) {
    out->assign(static_cast<const char*>(view.buf), static_cast<size_t>(view.len));
  } else {
    out->clear();
  }
  // Must hold no lock here: this may drop the exporter's last reference.
  ReleaseBuffer(&view);
  return true;
}

Ref<> ByteArrayFromObject(PyObject* obj) {
  PyBufferProcs* procs = obj->ob_type->tp_as_buffer;
  if (procs != nullptr && procs->bf_getbuffer != nullptr) {
    std::string data;
    if (!CopyBytesLike(obj, &data)) return nullptr;
    return RefOrRaise(ByteArrayFromData(data));
  }
  if (HasIndex(obj)) {
    const Py_ssize_t n = IndexAsSsize(obj);
    if (n == -1 && HasError()) {
      if (!ExceptionMatches(PyExc_TypeError)) return nullptr;
      ClearError();  // an __index__ that is not one: try it as an iterable
    } else {
      if (n < 0) return SetErrorFormat(PyExc_ValueError, "%s", "negative count");
      return RefOrRaise(ByteArrayNew(n));
    }
  }
  Ref<> it = GetIter(obj);
  if (!it) {
    if (ExceptionMatches(PyExc_TypeError)) {
      ClearError();
      SetErrorFormat(PyExc_TypeError, "cannot convert '%s' object to bytearray",
                     obj->ob_type->tp_name);
    }
    return nullptr;
  }
  std::string data;
  Ref<> item;
  int r;
  while ((r = IterNextItem(it.get(), &item)) > 0) {
    const int v = ByteValue(item.get());
    if (v < 0) return nullptr;
    data.push_back(static_cast<char>(v));
  }
  if (r < 0) return nullptr;
  return RefOrRaise(ByteArrayFromData(data));
}

Ref<> ByteArrayConcat(PyObject* a, PyObject* b) {
  std::string va, vb;
  if (!CopyBytesLike(a, &va) || !CopyBytesLike(b, &vb)) {
    ClearError();
    return SetErrorFormat(PyExc_TypeError, "can't concat %s to %s", b->ob_type->tp_name,
                          a->ob_type->tp_name);
  }
  va += vb;
  return RefOrRaise(ByteArrayFromData(va));
}

}  // namespace ftrt
