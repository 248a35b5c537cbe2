// libftrt.so: the number protocol (abstract.h's PyNumber_* and
// PyIndex_Check), over object/number.h: argument checks and C error
// conventions here, the dispatch to the types' nb_* slots there. An
// extension's own number type takes part through its tp_as_number, as in
// CPython (its slots are called with either operand first and answer
// Py_NotImplemented for a pair they do not handle).
#include <cstring>
#include <string>

#include "ext_abi/capi_internal.h"
#include "object/bytearray.h"
#include "object/bytes.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/number.h"
#include "object/str.h"

extern "C" PyObject* PyLong_FromString(const char* str, char** pend, int base);
extern "C" PyObject* PyFloat_FromString(PyObject* str);

using ftrt::NumberOp;
using ftrt::UnaryNumberOp;
using ftrt::ext::internal::BadCall;
using ftrt::ext::internal::NewOrRaise;

namespace {

bool NeedArgs(const char* func, PyObject* a, PyObject* b = nullptr, bool two = false) {
  if (a == nullptr || (two && b == nullptr)) {
    if (!ftrt::HasError()) BadCall(func);
    return false;
  }
  return true;
}

PyObject* Binary(NumberOp op, PyObject* a, PyObject* b, const char* func) {
  if (!NeedArgs(func, a, b, true)) return nullptr;
  return NewOrRaise(ftrt::NumberBinary(op, a, b));
}

PyObject* InPlace(NumberOp op, PyObject* a, PyObject* b, const char* func) {
  if (!NeedArgs(func, a, b, true)) return nullptr;
  return NewOrRaise(ftrt::NumberInPlace(op, a, b));
}

PyObject* Unary(UnaryNumberOp op, PyObject* a, const char* func) {
  if (!NeedArgs(func, a)) return nullptr;
  return NewOrRaise(ftrt::NumberUnary(op, a));
}

// int(str) / float(str): the literal, all of it (surrounding whitespace
// allowed), in base 10.
PyObject* IntFromStr(PyObject* s) {
  auto utf8 = ftrt::StrAsUtf8(s);
  if (!utf8.ok()) {
    ftrt::ext::internal::RaiseStatus(utf8.status());
    return nullptr;
  }
  const std::string text(utf8->data(), utf8->size());
  char* end = nullptr;
  PyObject* r = PyLong_FromString(text.c_str(), &end, 10);
  if (r == nullptr) return nullptr;
  while (end != nullptr && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')) ++end;
  if (end == nullptr || *end != '\0') {
    ftrt::Decref(r);
    ftrt::SetErrorFormat(PyExc_ValueError, "invalid literal for int() with base 10: '%s'",
                         text.c_str());
    return nullptr;
  }
  return r;
}

}  // namespace

extern "C" {

int PyNumber_Check(PyObject* o) { return o != nullptr && ftrt::IsNumber(o) ? 1 : 0; }
int PyIndex_Check(PyObject* o) { return o != nullptr && ftrt::HasIndex(o) ? 1 : 0; }

PyObject* PyNumber_Add(PyObject* a, PyObject* b) {
  return Binary(NumberOp::kAdd, a, b, "PyNumber_Add");
}
PyObject* PyNumber_Subtract(PyObject* a, PyObject* b) {
  return Binary(NumberOp::kSubtract, a, b, "PyNumber_Subtract");
}
PyObject* PyNumber_Multiply(PyObject* a, PyObject* b) {
  return Binary(NumberOp::kMultiply, a, b, "PyNumber_Multiply");
}
PyObject* PyNumber_MatrixMultiply(PyObject* a, PyObject* b) {
  return Binary(NumberOp::kMatrixMultiply, a, b, "PyNumber_MatrixMultiply");
}
PyObject* PyNumber_FloorDivide(PyObject* a, PyObject* b) {
  return Binary(NumberOp::kFloorDivide, a, b, "PyNumber_FloorDivide");
}
PyObject* PyNumber_TrueDivide(PyObject* a, PyObject* b) {
  return Binary(NumberOp::kTrueDivide, a, b, "PyNumber_TrueDivide");
}
PyObject* PyNumber_Remainder(PyObject* a, PyObject* b) {
  return Binary(NumberOp::kRemainder, a, b, "PyNumber_Remainder");
}
PyObject* PyNumber_Divmod(PyObject* a, PyObject* b) {
  return Binary(NumberOp::kDivmod, a, b, "PyNumber_Divmod");
}
PyObject* PyNumber_Power(PyObject* a, PyObject* b, PyObject* c) {
  if (!NeedArgs("PyNumber_Power", a, b, true) || !NeedArgs("PyNumber_Power", c)) return nullptr;
  return NewOrRaise(ftrt::NumberPower(a, b, c, false));
}
PyObject* PyNumber_Lshift(PyObject* a, PyObject* b) {
  return Binary(NumberOp::kLshift, a, b, "PyNumber_Lshift");
}
PyObject* PyNumber_Rshift(PyObject* a, PyObject* b) {
  return Binary(NumberOp::kRshift, a, b, "PyNumber_Rshift");
}
PyObject* PyNumber_And(PyObject* a, PyObject* b) {
  return Binary(NumberOp::kAnd, a, b, "PyNumber_And");
}
PyObject* PyNumber_Xor(PyObject* a, PyObject* b) {
  return Binary(NumberOp::kXor, a, b, "PyNumber_Xor");
}
PyObject* PyNumber_Or(PyObject* a, PyObject* b) {
  return Binary(NumberOp::kOr, a, b, "PyNumber_Or");
}

PyObject* PyNumber_InPlaceAdd(PyObject* a, PyObject* b) {
  return InPlace(NumberOp::kAdd, a, b, "PyNumber_InPlaceAdd");
}
PyObject* PyNumber_InPlaceSubtract(PyObject* a, PyObject* b) {
  return InPlace(NumberOp::kSubtract, a, b, "PyNumber_InPlaceSubtract");
}
PyObject* PyNumber_InPlaceMultiply(PyObject* a, PyObject* b) {
  return InPlace(NumberOp::kMultiply, a, b, "PyNumber_InPlaceMultiply");
}
PyObject* PyNumber_InPlaceMatrixMultiply(PyObject* a, PyObject* b) {
  return InPlace(NumberOp::kMatrixMultiply, a, b, "PyNumber_InPlaceMatrixMultiply");
}
PyObject* PyNumber_InPlaceFloorDivide(PyObject* a, PyObject* b) {
  return InPlace(NumberOp::kFloorDivide, a, b, "PyNumber_InPlaceFloorDivide");
}
PyObject* PyNumber_InPlaceTrueDivide(PyObject* a, PyObject* b) {
  return InPlace(NumberOp::kTrueDivide, a, b, "PyNumber_InPlaceTrueDivide");
}
PyObject* PyNumber_InPlaceRemainder(PyObject* a, PyObject* b) {
  return InPlace(NumberOp::kRemainder, a, b, "PyNumber_InPlaceRemainder");
}
PyObject* PyNumber_InPlacePower(PyObject* a, PyObject* b, PyObject* c) {
  if (!NeedArgs("PyNumber_InPlacePower", a, b, true) || !NeedArgs("PyNumber_InPlacePower", c)) {
    return nullptr;
  }
  return NewOrRaise(ftrt::NumberPower(a, b, c, true));
}
PyObject* PyNumber_InPlaceLshift(PyObject* a, PyObject* b) {
  return InPlace(NumberOp::kLshift, a, b, "PyNumber_InPlaceLshift");
}
PyObject* PyNumber_InPlaceRshift(PyObject* a, PyObject* b) {
  return InPlace(NumberOp::kRshift, a, b, "PyNumber_InPlaceRshift");
}
PyObject* PyNumber_InPlaceAnd(PyObject* a, PyObject* b) {
  return InPlace(NumberOp::kAnd, a, b, "PyNumber_InPlaceAnd");
}
PyObject* PyNumber_InPlaceXor(PyObject* a, PyObject* b) {
  return InPlace(NumberOp::kXor, a, b, "PyNumber_InPlaceXor");
}
PyObject* PyNumber_InPlaceOr(PyObject* a, PyObject* b) {
  return InPlace(NumberOp::kOr, a, b, "PyNumber_InPlaceOr");
}

PyObject* PyNumber_Negative(PyObject* o) {
  return Unary(UnaryNumberOp::kNegative, o, "PyNumber_Negative");
}
PyObject* PyNumber_Positive(PyObject* o) {
  return Unary(UnaryNumberOp::kPositive, o, "PyNumber_Positive");
}
PyObject* PyNumber_Absolute(PyObject* o) {
  return Unary(UnaryNumberOp::kAbsolute, o, "PyNumber_Absolute");
}
PyObject* PyNumber_Invert(PyObject* o) {
  return Unary(UnaryNumberOp::kInvert, o, "PyNumber_Invert");
}

PyObject* PyNumber_Index(PyObject* o) {
  if (!NeedArgs("PyNumber_Index", o)) return nullptr;
  return NewOrRaise(ftrt::NumberIndex(o));
}
PyObject* PyNumber_Long(PyObject* o) {
  if (!NeedArgs("PyNumber_Long", o)) return nullptr;
  if (ftrt::IsStr(o)) return IntFromStr(o);
  return NewOrRaise(ftrt::NumberInt(o));
}
PyObject* PyNumber_Float(PyObject* o) {
  if (!NeedArgs("PyNumber_Float", o)) return nullptr;
  if (ftrt::IsStr(o) || ftrt::IsBytes(o) || ftrt::IsByteArray(o)) return PyFloat_FromString(o);
  return NewOrRaise(ftrt::NumberFloat(o));
}
PyObject* PyUnicode_FromStringAndSize(const char* s, Py_ssize_t size);  // capi_values.cc
PyObject* PyNumber_ToBase(PyObject* n, int base) {
  if (base != 2 && base != 8 && base != 10 && base != 16) {
    ftrt::SetErrorString(PyExc_SystemError, "PyNumber_ToBase: base must be 2, 8, 10 or 16");
    return nullptr;
  }
  PyObject* index = PyNumber_Index(n);
  if (index == nullptr) return nullptr;
  absl::StatusOr<std::string> digits = ftrt::IntToString(index, base);
  ftrt::Decref(index);
  if (!digits.ok()) {
    ftrt::ext::internal::RaiseStatus(digits.status());
    return nullptr;
  }
  std::string text = std::move(*digits);
  if (base != 10) {
    const size_t at = text[0] == '-' ? 1 : 0;
    text.insert(at, base == 2 ? "0b" : base == 8 ? "0o" : "0x");
  }
  return PyUnicode_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()));
}
Py_ssize_t PyNumber_AsSsize_t(PyObject* o, PyObject* exc) {
  PyObject* i = PyNumber_Index(o);
  if (i == nullptr) return -1;
  if (ftrt::IntIsBig(i)) {
    const int64_t clamped = ftrt::IntClampedValue(i);
    ftrt::Decref(i);
    if (exc == nullptr) return static_cast<Py_ssize_t>(clamped);
    ftrt::SetErrorFormat(exc, "cannot fit '%.200s' into an index-sized integer", o->ob_type->tp_name);
    return -1;
  }
  const Py_ssize_t v = static_cast<Py_ssize_t>(ftrt::IntValue(i));
  ftrt::Decref(i);
  return v;
}

}  // extern "C"
