// repr / str / hash / rich comparison / truth through the slots (see
// dispatch.h), and the built-in types' reprs.
#include "object/dispatch.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "object/builtin_internal.h"
#include "object/bytes.h"
#include "object/complex.h"
#include "object/dict.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/exceptions.h"
#include "object/float.h"
#include "object/int.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/protocol_internal.h"
#include "object/set.h"
#include "object/slice.h"
#include "object/str.h"
#include "object/tuple.h"
#include "object/unicode_ctype.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

Ref<> StrResult(const std::string& s) { return RefOrRaise(StrFromUtf8(s)); }

// --- reprs of the built-in types -----------------------------------------------

PyObject* NoneRepr(PyObject*) { return StrResult("None").Release(); }
PyObject* NotImplementedRepr(PyObject*) { return StrResult("NotImplemented").Release(); }
PyObject* EllipsisRepr(PyObject*) { return StrResult("Ellipsis").Release(); }
PyObject* BoolRepr(PyObject* self) {
  return StrResult(IntValue(self) ? "True" : "False").Release();
}
PyObject* IntRepr(PyObject* self) {
  absl::StatusOr<std::string> digits = IntToString(self, 10);
  if (!digits.ok()) return RefOrRaise(absl::StatusOr<Ref<>>(digits.status())).Release();
  return StrResult(*digits).Release();
}

}  // namespace

// Python's repr(float) (dispatch.h).
std::string FloatReprText(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  std::string sign;
  if (!sci.empty() && sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  const size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  const int exp10 = std::stoi(sci.substr(e + 1));
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  const int ndigits = static_cast<int>(digits.size());
  const int decpt = exp10 + 1;  // value = 0.DIGITS * 10^decpt
  std::string out = sign;
  if (decpt <= -4 || decpt > 16) {
    out += digits.substr(0, 1);
    if (ndigits > 1) out += "." + digits.substr(1);
    char ebuf[16];
    std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
    out += ebuf;
  } else if (decpt <= 0) {
    out += "0." + std::string(static_cast<size_t>(-decpt), '0') + digits;
  } else if (decpt >= ndigits) {
    out += digits + std::string(static_cast<size_t>(decpt - ndigits), '0') + ".0";
  } else {
    out += digits.substr(0, static_cast<size_t>(decpt)) + "." +
           digits.substr(static_cast<size_t>(decpt));
  }
  return out;
}

namespace {

PyObject* FloatRepr(PyObject* self) { return StrResult(FloatReprText(FloatValue(self))).Release(); }
PyObject* ComplexRepr(PyObject* self) {
  return StrResult(ComplexReprText(ComplexValue(self), FloatReprText)).Release();
}

// Py_UNICODE_ISPRINTABLE: what repr() leaves unescaped (CPython's rule,
// from the Unicode database: not Other or Separator, except the space).
bool IsPrintable(Py_UCS4 c) { return UnicodeIsPrintable(c); }

void AppendHex(std::u32string* out, char kind, Py_UCS4 c, int width) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('\\');
  out->push_back(static_cast<char32_t>(kind));
  for (int shift = (width - 1) * 4; shift >= 0; shift -= 4) {
    out->push_back(static_cast<char32_t>(kHex[(c >> shift) & 0xf]));
  }
}

PyObject* StrRepr(PyObject* self) {
  const Py_ssize_t n = StrLength(self);
  bool has_single = false, has_double = false;
  for (Py_ssize_t i = 0; i < n; ++i) {
    const Py_UCS4 c = StrReadChar(self, i);
    has_single |= c == '\'';
    has_double |= c == '"';
  }
  const char32_t quote = (has_single && !has_double) ? U'"' : U'\'';
  std::u32string out;
  out.push_back(quote);
  for (Py_ssize_t i = 0; i < n; ++i) {
    const Py_UCS4 c = StrReadChar(self, i);
    if (c == quote || c == '\\') {
      out.push_back(U'\\');
      out.push_back(static_cast<char32_t>(c));
    } else if (c == '\t') {
      out += U"\\t";
    } else if (c == '\n') {
      out += U"\\n";
    } else if (c == '\r') {
      out += U"\\r";
    } else if (IsPrintable(c)) {
      out.push_back(static_cast<char32_t>(c));
    } else if (c <= 0xff) {
      AppendHex(&out, 'x', c, 2);
    } else if (c <= 0xffff) {
      AppendHex(&out, 'u', c, 4);
    } else {
      AppendHex(&out, 'U', c, 8);
    }
  }
  out.push_back(quote);
  return RefOrRaise(StrFromCodePoints(absl::MakeConstSpan(
                        reinterpret_cast<const Py_UCS4*>(out.data()), out.size())))
      .Release();
}

PyObject* BytesRepr(PyObject* self) {
  const absl::string_view b = BytesView(self);
  const bool has_single = b.find('\'') != absl::string_view::npos;
  const bool has_double = b.find('"') != absl::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out = "b";
  out.push_back(quote);
  static const char kHex[] = "0123456789abcdef";
  for (char ch : b) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == quote || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < ' ' || c >= 0x7f) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back(quote);
  return StrResult(out).Release();
}

using internal::AppendRepr;

// Runs `body` between ReprEnter and ReprLeave, or returns `recursive`.
template <typename Body>
PyObject* Guarded(PyObject* self, const char* recursive, Body body) {
  const int r = ReprEnter(self);
  if (r < 0) return nullptr;
  if (r > 0) return StrResult(recursive).Release();
  PyObject* result = body();
  ReprLeave(self);
  return result;
}

PyObject* TupleRepr(PyObject* self) {
  if (TupleSize(self) == 0) return StrResult("()").Release();
  return Guarded(self, "(...)", [&]() -> PyObject* {
    std::string out = "(";
    const Py_ssize_t n = TupleSize(self);
    for (Py_ssize_t i = 0; i < n; ++i) {
      if (i > 0) out += ", ";
      if (!AppendRepr(&out, TupleItem(self, i))) return nullptr;
    }
    out += n == 1 ? ",)" : ")";
    return StrResult(out).Release();
  });
}

PyObject* ListRepr(PyObject* self) {
  if (ListSize(self) == 0) return StrResult("[]").Release();
  return Guarded(self, "[...]", [&]() -> PyObject* {
    std::string out = "[";
    // The list may change while items' reprs run: read it item by item.
    for (Py_ssize_t i = 0; i < ListSize(self); ++i) {
      absl::StatusOr<Ref<>> item = ListGetItemRef(self, i);
      if (!item.ok()) break;
      if (i > 0) out += ", ";
      if (!AppendRepr(&out, item->get())) return nullptr;
    }
    out += "]";
    return StrResult(out).Release();
  });
}

PyObject* DictRepr(PyObject* self) {
  if (DictSize(self) == 0) return StrResult("{}").Release();
  return Guarded(self, "{...}", [&]() -> PyObject* {
    absl::StatusOr<std::vector<std::pair<Ref<>, Ref<>>>> items = DictItems(self);
    if (!items.ok()) return RefOrRaise(items.status()).Release();
    std::string out = "{";
    bool first = true;
    for (auto& [k, v] : *items) {
      if (!first) out += ", ";
      first = false;
      if (!AppendRepr(&out, k.get())) return nullptr;
      out += ": ";
      if (!AppendRepr(&out, v.get())) return nullptr;
    }
    out += "}";
    return StrResult(out).Release();
  });
}

// {1, 2} for a set, frozenset({1, 2}) for a frozenset, Name({1, 2}) for a
// subclass; set() / frozenset() / Name() when empty; Name(...) when the
// set reaches itself.
PyObject* SetRepr(PyObject* self) {
  const bool exact_set = self->ob_type == SetType();
  const std::string name = self->ob_type->tp_name;
  if (SetSize(self) == 0) return StrResult(name + "()").Release();
  return Guarded(self, (name + "(...)").c_str(), [&]() -> PyObject* {
    absl::StatusOr<std::vector<Ref<>>> keys = SetItems(self);
    if (!keys.ok()) return RefOrRaise(keys.status()).Release();
    std::string out = exact_set ? "{" : name + "({";
    bool first = true;
    for (Ref<>& k : *keys) {
      if (!first) out += ", ";
      first = false;
      if (!AppendRepr(&out, k.get())) return nullptr;
    }
    out += exact_set ? "}" : "})";
    return StrResult(out).Release();
  });
}

std::string Utf8OrFallback(Ref<> s, const char* fallback) {
  if (!s) {
    ClearError();
    return fallback;
  }
  absl::StatusOr<absl::string_view> u = StrAsUtf8(s.get());
  if (!u.ok()) return fallback;
  return std::string(*u);
}

}  // namespace

namespace internal {

bool AppendRepr(std::string* out, PyObject* item) {
  Ref<> r = ObjectRepr(item);
  if (!r) return false;
  absl::StatusOr<absl::string_view> u = StrAsUtf8(r.get());
  if (!u.ok()) {
    SetErrorFromStatus(u.status());
    return false;
  }
  out->append(u->data(), u->size());
  return true;
}

void EnsureErrorAfterSlotFailure(const char* what) {
  if (!HasError()) {
    SetErrorFormat(PyExc_SystemError, "%s returned NULL without setting an exception", what);
  }
}

void InstallReprSlots() {
  struct {
    PyTypeObject* type;
    reprfunc repr;
  } const kReprs[] = {
      {NoneType(), NoneRepr},   {NotImplementedType(), NotImplementedRepr},
      {EllipsisType(), EllipsisRepr}, {BoolType(), BoolRepr},
      {IntType(), IntRepr},     {FloatType(), FloatRepr},
      {StrType(), StrRepr},     {BytesType(), BytesRepr},
      {TupleType(), TupleRepr}, {ListType(), ListRepr},
      {DictType(), DictRepr},   {SetType(), SetRepr},
      {FrozenSetType(), SetRepr}, {SliceType(), internal::SliceReprSlot},
      {ComplexType(), ComplexRepr},
  };
  for (const auto& r : kReprs) {
    if (r.type->tp_repr == nullptr) r.type->tp_repr = r.repr;
  }
}

}  // namespace internal

Ref<> ObjectRepr(PyObject* obj) {
  if (obj == nullptr) return StrResult("<NULL>");
  reprfunc f = obj->ob_type->tp_repr;
  if (f == nullptr) f = internal::ObjectReprSlot;
  if (!internal::EnterRecursiveCall(" while getting the repr of an object")) return nullptr;
  Ref<> r = Ref<>::Steal(f(obj));
  internal::LeaveRecursiveCall();
  if (!r) {
    internal::EnsureErrorAfterSlotFailure("__repr__");
    return nullptr;
  }
  if (!IsStr(r.get())) {
    return SetErrorFormat(PyExc_TypeError, "__repr__ returned non-string (type %s)",
                          r->ob_type->tp_name);
  }
  return r;
}

Ref<> ObjectStr(PyObject* obj) {
  if (obj == nullptr) return StrResult("<NULL>");
  if (IsStrExact(obj)) return Ref<>::NewRef(obj);
  reprfunc f = obj->ob_type->tp_str;
  if (f == nullptr) return ObjectRepr(obj);
  if (!internal::EnterRecursiveCall(" while getting the str of an object")) return nullptr;
  Ref<> r = Ref<>::Steal(f(obj));
  internal::LeaveRecursiveCall();
  if (!r) {
    internal::EnsureErrorAfterSlotFailure("__str__");
    return nullptr;
  }
  if (!IsStr(r.get())) {
    return SetErrorFormat(PyExc_TypeError, "__str__ returned non-string (type %s)",
                          r->ob_type->tp_name);
  }
  return r;
}

std::string ReprUtf8(PyObject* obj) {
  // Keep a pending exception out of the repr call and restore it after.
  Ref<> pending = GetRaisedException();
  std::string s = Utf8OrFallback(ObjectRepr(obj), "<repr failed>");
  if (pending) SetRaisedException(std::move(pending));
  return s;
}

std::string StrUtf8(PyObject* obj) {
  if (obj != nullptr && IsStr(obj)) {
    absl::StatusOr<absl::string_view> u = StrAsUtf8(obj);
    if (u.ok()) return std::string(*u);
  }
  Ref<> pending = GetRaisedException();
  std::string s = Utf8OrFallback(ObjectStr(obj), "<str failed>");
  if (pending) SetRaisedException(std::move(pending));
  return s;
}

Py_hash_t ObjectHash(PyObject* obj) {
  PyTypeObject* t = obj->ob_type;
  hashfunc f = t->tp_hash;
  if (f == nullptr) {
    if (TypeReady(t) < 0) return -1;
    f = t->tp_hash;
  }
  if (f == nullptr) {
    SetErrorFormat(PyExc_TypeError, "unhashable type: '%s'", t->tp_name);
    return -1;
  }
  const Py_hash_t h = f(obj);
  if (h == -1) internal::EnsureErrorAfterSlotFailure("__hash__");
  return h;
}

Ref<> ObjectRichCompare(PyObject* v, PyObject* w, int op) {
  if (op < Py_LT || op > Py_GE) {
    BadInternalCall();
    return nullptr;
  }
  if (!internal::EnterRecursiveCall(" in comparison")) return nullptr;
  struct Leave {
    ~Leave() { internal::LeaveRecursiveCall(); }
  } leave;
  PyTypeObject* tv = v->ob_type;
  PyTypeObject* tw = w->ob_type;
  const int reflected = internal::ReflectedOp(op);
  bool checked_reverse = false;
  auto call = [&](richcmpfunc f, PyObject* a, PyObject* b, int o, Ref<>* out) -> bool {
    *out = Ref<>::Steal(f(a, b, o));
    if (!*out) {
      internal::EnsureErrorAfterSlotFailure("rich comparison");
      return true;
    }
    return out->get() != NotImplemented();
  };
  Ref<> res;
  if (tv != tw && TypeIsSubtype(tw, tv) && tw->tp_richcompare != nullptr) {
    checked_reverse = true;
    if (call(tw->tp_richcompare, w, v, reflected, &res)) return res;
  }
  if (tv->tp_richcompare != nullptr) {
    if (call(tv->tp_richcompare, v, w, op, &res)) return res;
  }
  if (!checked_reverse && tw->tp_richcompare != nullptr) {
    if (call(tw->tp_richcompare, w, v, reflected, &res)) return res;
  }
  switch (op) {
    case Py_EQ:
      return Ref<>::NewRef(BoolFrom(v == w));
    case Py_NE:
      return Ref<>::NewRef(BoolFrom(v != w));
    default:
      return SetErrorFormat(PyExc_TypeError,
                            "'%s' not supported between instances of '%s' and '%s'",
                            internal::CompareOpSymbol(op), tv->tp_name, tw->tp_name);
  }
}

int ObjectRichCompareBool(PyObject* v, PyObject* w, int op) {
  if (v == w) {
    if (op == Py_EQ) return 1;
    if (op == Py_NE) return 0;
  }
  Ref<> r = ObjectRichCompare(v, w, op);
  if (!r) return -1;
  if (r.get() == True()) return 1;
  if (r.get() == False()) return 0;
  return ObjectIsTrue(r.get());
}

int ObjectIsTrue(PyObject* obj) {
  if (obj == True()) return 1;
  if (obj == False() || obj == None()) return 0;
  // Exact types only: a subclass may define its own __bool__ (nb_bool).
  if (IsIntExact(obj)) return IntSign(obj) != 0;
  if (IsFloatExact(obj)) return FloatValue(obj) != 0.0;
  if (IsStrExact(obj)) return StrLength(obj) != 0;
  PyTypeObject* t = obj->ob_type;
  if (t->tp_as_number != nullptr && t->tp_as_number->nb_bool != nullptr) {
    const int r = t->tp_as_number->nb_bool(obj);
    if (r < 0) {
      internal::EnsureErrorAfterSlotFailure("__bool__");
      return -1;
    }
    return r > 0 ? 1 : 0;
  }
  if (t->tp_as_mapping != nullptr && t->tp_as_mapping->mp_length != nullptr) {
    const Py_ssize_t n = t->tp_as_mapping->mp_length(obj);
    if (n < 0) {
      internal::EnsureErrorAfterSlotFailure("__len__");
      return -1;
    }
    return n > 0 ? 1 : 0;
  }
  if (t->tp_as_sequence != nullptr && t->tp_as_sequence->sq_length != nullptr) {
    const Py_ssize_t n = t->tp_as_sequence->sq_length(obj);
    if (n < 0) {
      internal::EnsureErrorAfterSlotFailure("__len__");
      return -1;
    }
    return n > 0 ? 1 : 0;
  }
  return 1;
}

int ObjectNot(PyObject* obj) {
  const int r = ObjectIsTrue(obj);
  return r < 0 ? r : !r;
}

Py_ssize_t ObjectSize(PyObject* obj) {
  if (IsStr(obj)) return StrLength(obj);
  PyTypeObject* t = obj->ob_type;
  lenfunc f = nullptr;
  if (t->tp_as_sequence != nullptr) f = t->tp_as_sequence->sq_length;
  if (f == nullptr && t->tp_as_mapping != nullptr) f = t->tp_as_mapping->mp_length;
  if (f == nullptr) {
    SetErrorFormat(PyExc_TypeError, "object of type '%s' has no len()", t->tp_name);
    return -1;
  }
  const Py_ssize_t n = f(obj);
  if (n < 0) internal::EnsureErrorAfterSlotFailure("__len__");
  return n;
}

int ReprEnter(PyObject* obj) {
  internal::ProtocolThreadState* st = internal::CurrentProtocolState();
  if (st == nullptr) return 0;
  for (PyObject* o : st->repr_stack) {
    if (o == obj) return 1;
  }
  st->repr_stack.push_back(obj);
  return 0;
}

void ReprLeave(PyObject* obj) {
  internal::ProtocolThreadState* st = internal::CurrentProtocolState();
  if (st == nullptr) return;
  auto& s = st->repr_stack;
  for (size_t i = s.size(); i > 0; --i) {
    if (s[i - 1] == obj) {
      s.erase(s.begin() + static_cast<std::ptrdiff_t>(i - 1));
      return;
    }
  }
}

}  // namespace ftrt
