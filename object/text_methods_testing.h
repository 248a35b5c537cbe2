// Helpers shared by str_text_methods_test.cc and bytes_methods_test.cc:
// argument builders and a method call whose outcome is written as CPython
// 3.13 prints it (repr of the result, or "!! TypeError: message"), so
// the expectation tables can be printed by CPython itself.
#ifndef FTRT_OBJECT_TEXT_METHODS_TESTING_H_
#define FTRT_OBJECT_TEXT_METHODS_TESTING_H_

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "object/bytearray.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/dispatch.h"
#include "object/float.h"
#include "object/list.h"
#include "object/none_bool.h"
#include "object/protocol_testing.h"
#include "object/str.h"
#include "object/tuple.h"

namespace ftrt::testing_util {

inline Ref<> Must(absl::StatusOr<Ref<>> r) {
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? std::move(*r) : Ref<>();
}
inline Ref<> B(const std::string& data) { return Must(BytesFromData(data)); }
inline Ref<> BA(const std::string& data) { return Must(ByteArrayFromData(data)); }
// A str of code points (lone surrogates included, which UTF-8 cannot carry).
inline Ref<> SC(std::vector<Py_UCS4> code_points) { return Must(StrFromCodePoints(code_points)); }
inline Ref<> F(double v) { return Must(FloatFromDouble(v)); }

// A strong reference that copies (the tables are initializer lists).
class Arg {
 public:
  Arg(Ref<> r) : r_(std::move(r)) {}  // NOLINT: implicit, for the tables
  Arg(const Arg& other) : r_(other.r_ ? Ref<>::NewRef(other.r_.get()) : Ref<>()) {}
  Arg& operator=(const Arg& other) {
    if (this != &other) r_ = other.r_ ? Ref<>::NewRef(other.r_.get()) : Ref<>();
    return *this;
  }
  PyObject* get() const { return r_.get(); }

 private:
  Ref<> r_;
};

inline std::vector<PyObject*> Borrow(const std::vector<Arg>& items) {
  std::vector<PyObject*> out;
  for (const Arg& a : items) out.push_back(a.get());
  return out;
}
inline Ref<> T(std::vector<Arg> items) { return Must(TupleFromItems(Borrow(items))); }
inline Ref<> L(std::vector<Arg> items) { return Must(ListFromItems(Borrow(items))); }

struct MethodCase {
  Arg self;
  const char* method;
  std::vector<Arg> args;
  std::vector<std::pair<const char*, Arg>> kwargs;
  const char* expected;
};

// self.method(*args, **kwargs) through PyObject_VectorcallMethod's path,
// as repr(result) or "!! Type: message".
inline std::string Outcome(const MethodCase& c) {
  std::vector<PyObject*> stack = {c.self.get()};
  for (const Arg& a : c.args) stack.push_back(a.get());
  std::vector<Arg> names;
  for (const auto& [name, value] : c.kwargs) {
    stack.push_back(value.get());
    names.push_back(Ref<>::NewRef(N(name)));
  }
  Ref<> kwnames = names.empty() ? Ref<>() : T(std::move(names));
  Ref<> r = VectorcallMethod(N(c.method), stack.data(), 1 + c.args.size(), kwnames.get());
  if (!r) return "!! " + TakeError();
  Ref<> repr = ObjectRepr(r.get());
  if (!repr) return "!! repr failed: " + TakeError();
  return U(repr.get());
}

}  // namespace ftrt::testing_util

#endif  // FTRT_OBJECT_TEXT_METHODS_TESTING_H_
