// PyObject_Format and the built-in __format__ methods (see format.h).
#include "object/format.h"

#include <atomic>
#include <string>

#include "object/call.h"
#include "object/descriptors.h"
#include "object/dict.h"
#include "object/dispatch.h"
#include "object/error_indicator.h"
#include "object/errors.h"
#include "object/exceptions.h"
#include "object/float.h"
#include "object/format_spec.h"
#include "object/int.h"
#include "object/intern.h"
#include "object/none_bool.h"
#include "object/percent_format.h"
#include "object/protocol_internal.h"
#include "object/str.h"
#include "object/type_cache.h"
#include "object/typeobject.h"

namespace ftrt {
namespace {

std::u32string CodePoints(const PyObject* s) {
  const Py_ssize_t n = StrLength(s);
  std::u32string out(static_cast<size_t>(n), U'\0');
  for (Py_ssize_t i = 0; i < n; ++i) out[static_cast<size_t>(i)] = StrReadChar(s, i);
  return out;
}

Ref<> StrFromU32(absl::StatusOr<std::u32string> text) {
  if (!text.ok()) return RefOrRaise(text.status());
  return RefOrRaise(StrFromCodePoints(
      absl::MakeConstSpan(reinterpret_cast<const Py_UCS4*>(text->data()), text->size())));
}

// The argument check every __format__ makes; false with TypeError set.
bool SpecIsStr(PyObject* spec) {
  if (IsStr(spec)) return true;
  SetErrorFormat(PyExc_TypeError, "__format__() argument must be str, not %s",
                 spec->ob_type->tp_name);
  return false;
}

PyObject* ObjectFormatMethod(PyObject* self, PyObject* spec) {
  if (!SpecIsStr(spec)) return nullptr;
  if (StrLength(spec) > 0) {
    return SetErrorFormat(PyExc_TypeError, "unsupported format string passed to %s.__format__",
                          self->ob_type->tp_name);
  }
  return ObjectStr(self).Release();
}

PyObject* IntFormatMethod(PyObject* self, PyObject* spec) {
  if (!SpecIsStr(spec)) return nullptr;
  if (StrLength(spec) == 0) return ObjectStr(self).Release();
  if (!IntIsBig(self)) {
    return StrFromU32(FormatInt64(IntValue(self), CodePoints(spec), self->ob_type->tp_name))
        .Release();
  }
  IntegerToFormat v;
  v.negative = IntSign(self) < 0;
  v.digits = [self](int base) -> absl::StatusOr<std::string> {
    absl::StatusOr<std::string> text = IntToString(self, base);
    if (text.ok() && (*text)[0] == '-') text->erase(0, 1);
    return text;
  };
  v.as_double = [self] { return IntAsDouble(self); };
  return StrFromU32(FormatInteger(v, CodePoints(spec), self->ob_type->tp_name)).Release();
}

PyObject* FloatFormatMethod(PyObject* self, PyObject* spec) {
  if (!SpecIsStr(spec)) return nullptr;
  if (StrLength(spec) == 0) return ObjectStr(self).Release();
  return StrFromU32(FormatDouble(FloatValue(self), CodePoints(spec), self->ob_type->tp_name))
      .Release();
}

PyObject* StrFormatMethod(PyObject* self, PyObject* spec) {
  if (!SpecIsStr(spec)) return nullptr;
  if (StrLength(spec) == 0) return ObjectStr(self).Release();
  return StrFromU32(FormatText(CodePoints(self), CodePoints(spec), self->ob_type->tp_name))
      .Release();
}

constexpr const char kFormatDoc[] =
    "__format__($self, format_spec, /)\n--\n\nDefault object formatter.";

PyMethodDef g_object_format[] = {{"__format__", ObjectFormatMethod, METH_O, kFormatDoc},
                                 {nullptr, nullptr, 0, nullptr}};
PyMethodDef g_int_format[] = {
    {"__format__", IntFormatMethod, METH_O, "Convert to a string according to format_spec."},
    {nullptr, nullptr, 0, nullptr}};
PyMethodDef g_float_format[] = {
    {"__format__", FloatFormatMethod, METH_O, "Formats the float according to format_spec."},
    {nullptr, nullptr, 0, nullptr}};
PyMethodDef g_str_format[] = {
    {"__format__", StrFormatMethod, METH_O,
     "Return a formatted version of the string as described by format_spec."},
    {nullptr, nullptr, 0, nullptr}};

PyObject* StrRemainderSlot(PyObject* a, PyObject* b) {
  if (!IsStr(a)) return Ref<>::NewRef(NotImplemented()).Release();
  return StrPercentFormat(a, b).Release();
}

constinit PyNumberMethods g_str_number_methods = [] {
  PyNumberMethods m{};
  m.nb_remainder = StrRemainderSlot;
  return m;
}();

// "__format__", interned (immortal; set once by InstallFormatMethods,
// before any runtime can format).
std::atomic<PyObject*> g_format_name{nullptr};

PyObject* FormatName() {
  PyObject* name = g_format_name.load(std::memory_order_acquire);
  if (name == nullptr) {
    name = InternFromString("__format__");
    if (name != nullptr) g_format_name.store(name, std::memory_order_release);
  }
  return name;
}

}  // namespace

namespace internal {

void InstallFormatSlots() {
  if (StrType()->tp_as_number == nullptr) StrType()->tp_as_number = &g_str_number_methods;
}

void InstallFormatMethods() {
  struct {
    PyTypeObject* type;
    PyMethodDef* def;
  } const kMethods[] = {
      {&PyBaseObject_Type, g_object_format},
      {IntType(), g_int_format},
      {FloatType(), g_float_format},
      {StrType(), g_str_format},
  };
  PyObject* name = FormatName();
  FTRT_CHECK(name != nullptr, "could not intern __format__");
  for (const auto& m : kMethods) {
    PyObject* dict = m.type->tp_dict;
    absl::StatusOr<bool> has = DictContains(dict, name);
    FTRT_CHECK(has.ok(), "__format__ lookup failed for '%s'", m.type->tp_name);
    if (*has) continue;
    Ref<> descr = NewMethodDescr(m.type, m.def);
    FTRT_CHECK(descr && DictSetItem(dict, name, descr.get()).ok(),
               "could not add __format__ to '%s'", m.type->tp_name);
    ImmortalizeTree(descr.get());
  }
}

}  // namespace internal

Ref<> ObjectFormat(PyObject* obj, PyObject* spec) {
  if (spec != nullptr && !IsStr(spec)) {
    return SetErrorFormat(PyExc_SystemError, "Format specifier must be a string, not %s",
                          spec->ob_type->tp_name);
  }
  if (spec == nullptr || StrLength(spec) == 0) {
    if (IsStrExact(obj)) return Ref<>::NewRef(obj);
    if (IsIntExact(obj)) return ObjectStr(obj);
    spec = EmptyStr();
  }
  PyObject* name = FormatName();
  if (name == nullptr) return nullptr;
  PyTypeObject* type = obj->ob_type;
  Ref<> meth = TypeLookup(type, name);
  if (!meth) {
    return SetErrorFormat(PyExc_TypeError, "Type %s doesn't define __format__", type->tp_name);
  }
  Ref<> result;
  if (meth->ob_type->tp_flags & Py_TPFLAGS_METHOD_DESCRIPTOR) {
    result = CallArgs(meth.get(), {obj, spec});
  } else if (descrgetfunc get = meth->ob_type->tp_descr_get; get != nullptr) {
    Ref<> bound = Ref<>::Steal(get(meth.get(), obj, reinterpret_cast<PyObject*>(type)));
    if (!bound) return nullptr;
    result = CallOneArg(bound.get(), spec);
  } else {
    result = CallOneArg(meth.get(), spec);
  }
  if (result && !IsStr(result.get())) {
    return SetErrorFormat(PyExc_TypeError, "__format__ must return a str, not %s",
                          result->ob_type->tp_name);
  }
  return result;
}

}  // namespace ftrt
