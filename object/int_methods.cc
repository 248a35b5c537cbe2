// The Python-level methods and attributes of int (and so of bool):
// bit_length, bit_count, to_bytes, from_bytes, conjugate,
// as_integer_ratio, is_integer, __trunc__ / __floor__ / __ceil__ /
// __round__, and the real / imag / numerator / denominator attributes.
// Argument parsing and CPython 3.13's messages here; the arithmetic is
// int.h's. C extensions reach them through PyObject_CallMethod (int's
// own C API is in ext_abi/).
#include "object/int_methods.h"

#include <bit>
#include <vector>

#include "object/bigint.h"
#include "object/buffer.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/compare.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/none_bool.h"
#include "object/number.h"
#include "object/str.h"
#include "object/tuple.h"

namespace ftrt {
namespace {

std::nullptr_t RaiseStatus(const absl::Status& s) {
  SetErrorFromStatus(s);
  return nullptr;
}

PyObject* Result(absl::StatusOr<Ref<>> r) { return RefOrRaise(std::move(r)).Release(); }

PyObject* IntBitLengthMethod(PyObject* self, PyObject*) {
  return Result(IntFromUint64(IntBitLength(self)));
}

PyObject* IntBitCountMethod(PyObject* self, PyObject*) {
  const BigInt v = IntToBigInt(self);
  uint64_t count = 0;
  for (BigInt::Digit d : v.magnitude()) count += std::popcount(d);
  return Result(IntFromUint64(count));
}

PyObject* IntConjugateMethod(PyObject* self, PyObject*) { return Result(IntExact(self)); }

PyObject* IntAsIntegerRatioMethod(PyObject* self, PyObject*) {
  absl::StatusOr<Ref<>> n = IntExact(self);
  if (!n.ok()) return RaiseStatus(n.status());
  PyObject* items[] = {n->get(), SmallInt(1)};
  return Result(TupleFromItems(items));
}

PyObject* IntIsIntegerMethod(PyObject*, PyObject*) { return Ref<>::NewRef(True()).Release(); }

// byteorder: "little" or "big"; -1 with the error set otherwise.
int LittleEndian(PyObject* byteorder, const char* fname) {
  if (byteorder == nullptr) return 0;  // 'big' is the default
  if (!IsStr(byteorder)) {
    SetErrorFormat(PyExc_TypeError, "%s() argument 'byteorder' must be str, not %s", fname,
                   byteorder->ob_type->tp_name);
    return -1;
  }
  absl::StatusOr<absl::string_view> text = StrAsUtf8(byteorder);
  if (!text.ok()) return RaiseStatus(text.status()), -1;
  if (*text == "little") return 1;
  if (*text == "big") return 0;
  SetErrorString(PyExc_ValueError, "byteorder must be either 'little' or 'big'");
  return -1;
}

// The keyword-only `signed`: its truth, or -1 with the error set.
int SignedFlag(PyObject* flag) {
  if (flag == nullptr) return 0;
  absl::StatusOr<bool> b = IsTrue(flag);
  if (!b.ok()) return RaiseStatus(b.status()), -1;
  return *b ? 1 : 0;
}

// int.to_bytes(length=1, byteorder='big', *, signed=False)
PyObject* IntToBytesMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                           PyObject* kwnames) {
  static const ArgParser kParser{.fname = "to_bytes",
                                 .keywords = {"length", "byteorder", "signed"},
                                 .posonly = 0,
                                 .min_required = 0,
                                 .max_positional = 2};
  PyObject* a[3];
  if (!UnpackKeywords(kParser, args, nargs, kwnames, absl::MakeSpan(a))) return nullptr;
  int64_t length = 1;
  if (a[0] != nullptr) {
    absl::StatusOr<Ref<>> n = NumberIndex(a[0]);
    if (!n.ok()) return RaiseStatus(n.status());
    if (IntSign(n->get()) < 0) {
      SetErrorString(PyExc_ValueError, "length argument must be non-negative");
      return nullptr;
    }
    if (IntIsBig(n->get())) {
      SetErrorString(PyExc_OverflowError, "Python int too large to convert to C ssize_t");
      return nullptr;
    }
    length = IntValue(n->get());
  }
  const int little = LittleEndian(a[1], "to_bytes");
  const int is_signed = SignedFlag(a[2]);
  if (little < 0 || is_signed < 0) return nullptr;
  const BigInt v = IntToBigInt(self);
  if (v.negative() && !is_signed) {
    SetErrorString(PyExc_OverflowError, "can't convert negative int to unsigned");
    return nullptr;
  }
  std::vector<uint8_t> out(static_cast<size_t>(length));
  if (!v.ToBytes(out.data(), out.size(), little != 0, is_signed != 0)) {
    SetErrorString(PyExc_OverflowError, "int too big to convert");
    return nullptr;
  }
  return Result(BytesFromData(
      absl::string_view(reinterpret_cast<const char*>(out.data()), out.size())));
}

// int.from_bytes(bytes, byteorder='big', *, signed=False), a classmethod.
PyObject* IntFromBytesMethod(PyObject* type, PyObject* const* args, Py_ssize_t nargs,
                             PyObject* kwnames) {
  static const ArgParser kParser{.fname = "from_bytes",
                                 .keywords = {"bytes", "byteorder", "signed"},
                                 .posonly = 0,
                                 .min_required = 1,
                                 .max_positional = 2};
  PyObject* a[3];
  if (!UnpackKeywords(kParser, args, nargs, kwnames, absl::MakeSpan(a))) return nullptr;
  const int little = LittleEndian(a[1], "from_bytes");
  const int is_signed = SignedFlag(a[2]);
  if (little < 0 || is_signed < 0) return nullptr;
  Py_buffer view;
  if (GetBuffer(a[0], &view, PyBUF_SIMPLE, "") < 0) {
    // CPython also takes an iterable of ints, through bytes(it).
    return nullptr;
  }
  BigInt v = BigInt::FromBytes(static_cast<const uint8_t*>(view.buf),
                               static_cast<size_t>(view.len), little != 0, is_signed != 0);
  ReleaseBuffer(&view);
  absl::StatusOr<Ref<>> r = IntFromBigInt(v);
  if (!r.ok() || type == reinterpret_cast<PyObject*>(IntType())) return Result(std::move(r));
  // A subclass: cls(value), as CPython does.
  PyObject* one[] = {r->get()};
  return Vectorcall(type, one, 1, nullptr).Release();
}

// round(x, ndigits): x itself for ndigits >= 0 (or absent); else x
// rounded to a multiple of 10**-ndigits, ties to even.
PyObject* IntRoundMethod(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (!CheckPositional("__round__", nargs, 0, 1)) return nullptr;
  if (nargs == 0 || args[0] == None()) return Result(IntExact(self));
  absl::StatusOr<Ref<>> nd = NumberIndex(args[0]);
  if (!nd.ok()) return RaiseStatus(nd.status());
  if (IntSign(nd->get()) >= 0) return Result(IntExact(self));
  // 10**-ndigits beyond any int of this size: the result is 0.
  const BigInt x = IntToBigInt(self);
  const uint64_t digits = IntIsBig(nd->get()) ? UINT64_MAX : 0 - static_cast<uint64_t>(
                                                                     IntValue(nd->get()));
  if (digits > x.BitLength()) return Result(IntFromInt64(0));
  absl::StatusOr<BigInt> scale = BigInt::Power(BigInt::FromInt64(10), BigInt::FromUint64(digits));
  if (!scale.ok()) return RaiseStatus(scale.status());
  BigInt q, r;
  BigInt::DivMod(x, *scale, &q, &r);  // 0 <= r < scale
  const BigInt twice = BigInt::Add(r, r);
  const auto c = twice <=> *scale;
  const bool q_odd = !q.magnitude().empty() && (q.magnitude()[0] & 1) != 0;
  if (c > 0 || (c == 0 && q_odd)) q = BigInt::Add(q, BigInt::FromInt64(1));
  absl::StatusOr<BigInt> out = BigInt::Multiply(q, *scale);
  if (!out.ok()) return RaiseStatus(out.status());
  return Result(IntFromBigInt(*out));
}

#define FTRT_FAST(f) reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(f))

PyMethodDef g_int_methods[] = {
    {"bit_length", IntBitLengthMethod, METH_NOARGS,
     "Number of bits necessary to represent self in binary."},
    {"bit_count", IntBitCountMethod, METH_NOARGS,
     "Number of ones in the binary representation of the absolute value of self."},
    {"to_bytes", FTRT_FAST(IntToBytesMethod), METH_FASTCALL | METH_KEYWORDS,
     "Return an array of bytes representing an integer."},
    {"from_bytes", FTRT_FAST(IntFromBytesMethod), METH_FASTCALL | METH_KEYWORDS | METH_CLASS,
     "Return the integer represented by the given array of bytes."},
    {"conjugate", IntConjugateMethod, METH_NOARGS, "Returns self, the complex conjugate of any int."},
    {"as_integer_ratio", IntAsIntegerRatioMethod, METH_NOARGS,
     "Return a pair of integers, whose ratio is equal to the original int."},
    {"is_integer", IntIsIntegerMethod, METH_NOARGS, "Returns True. Exists for duck type compatibility with float.is_integer."},
    {"__trunc__", IntConjugateMethod, METH_NOARGS, "Truncating an Integral returns itself."},
    {"__floor__", IntConjugateMethod, METH_NOARGS, "Flooring an Integral returns itself."},
    {"__ceil__", IntConjugateMethod, METH_NOARGS, "Ceiling of an Integral returns itself."},
    {"__round__", FTRT_FAST(IntRoundMethod), METH_FASTCALL,
     "Rounding an Integral returns itself.\n\nRounding with an ndigits argument also returns an "
     "integer."},
    {nullptr, nullptr, 0, nullptr},
};

PyObject* IntSelfGetter(PyObject* self, void*) { return Result(IntExact(self)); }
PyObject* IntZeroGetter(PyObject*, void*) { return Ref<>::NewRef(SmallInt(0)).Release(); }
PyObject* IntOneGetter(PyObject*, void*) { return Ref<>::NewRef(SmallInt(1)).Release(); }

PyGetSetDef g_int_getset[] = {
    {"real", IntSelfGetter, nullptr, "the real part of a complex number", nullptr},
    {"imag", IntZeroGetter, nullptr, "the imaginary part of a complex number", nullptr},
    {"numerator", IntSelfGetter, nullptr, "the numerator of a rational number in lowest terms",
     nullptr},
    {"denominator", IntOneGetter, nullptr,
     "the denominator of a rational number in lowest terms", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

}  // namespace

namespace internal {

void InstallIntMethods() {
  PyTypeObject* t = IntType();
  if (t->tp_methods == nullptr) t->tp_methods = g_int_methods;
  if (t->tp_getset == nullptr) t->tp_getset = g_int_getset;
}

}  // namespace internal
}  // namespace ftrt
