// Tests for object/int_methods.cc: int's Python-level methods and
// attributes, on small and big ints, against values computed with CPython.
#include "object/int_methods.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "object/attributes.h"
#include "object/bytes.h"
#include "object/call.h"
#include "object/int.h"
#include "object/none_bool.h"
#include "object/protocol_testing.h"
#include "object/tuple.h"

namespace ftrt {
namespace {

using testing_util::I;
using testing_util::N;
using testing_util::ProtocolTest;
using testing_util::S;
using testing_util::TakeError;

using IntMethodsTest = ProtocolTest;

Ref<> Big(const char* text) {
  bool syntax_error = false;
  absl::StatusOr<Ref<>> r = IntFromLiteral(text, 0, &syntax_error);
  EXPECT_TRUE(r.ok() && !syntax_error) << text;
  return r.ok() ? std::move(*r) : Ref<>();
}

std::string Dec(const Ref<>& r) {
  if (!r) return "error: " + TakeError();
  if (!IsInt(r.get())) return "not an int";
  return *IntToString(r.get(), 10);
}

std::string BytesOf(const Ref<>& r) {
  if (!r) return "error: " + TakeError();
  return std::string(BytesData(r.get()), static_cast<size_t>(BytesSize(r.get())));
}

// obj.name(*args, signed=flag) (no `signed` when flag is null).
Ref<> CallSigned(PyObject* obj, const char* name, std::vector<PyObject*> args, PyObject* flag) {
  Ref<> method = GetAttrString(obj, name);
  if (!method) return nullptr;
  const size_t nargs = args.size();
  Ref<> kwnames;
  if (flag != nullptr) {
    args.push_back(flag);
    PyObject* names[] = {N("signed")};
    kwnames = *TupleFromItems(names);
  }
  return Vectorcall(method.get(), args.data(), nargs, kwnames.get());
}

TEST_F(IntMethodsTest, BitLengthAndCount) {
  EXPECT_EQ(Dec(CallMethod(I(0).get(), "bit_length", {})), "0");
  EXPECT_EQ(Dec(CallMethod(I(-255).get(), "bit_length", {})), "8");
  EXPECT_EQ(Dec(CallMethod(Big("-1180591620717411303424").get(), "bit_length", {})), "71");
  EXPECT_EQ(Dec(CallMethod(Big("1267650600228229401496703205375").get(), "bit_count", {})),
            "100");
  EXPECT_EQ(Dec(CallMethod(I(-7).get(), "bit_count", {})), "3");
  // bool inherits them.
  EXPECT_EQ(Dec(CallMethod(True(), "bit_length", {})), "1");
}

TEST_F(IntMethodsTest, ToBytesAndFromBytesRoundTrip) {
  Ref<> two100 = Big("1267650600228229401496703205376");
  EXPECT_EQ(BytesOf(CallMethod(two100.get(), "to_bytes", {I(13).get(), S("little").get()})),
            std::string(12, '\0') + "\x10");
  EXPECT_EQ(BytesOf(CallSigned(I(-129).get(), "to_bytes", {I(2).get(), S("big").get()}, True())),
            "\xff\x7f");
  EXPECT_EQ(BytesOf(CallMethod(I(255).get(), "to_bytes", {})), "\xff");  // length 1, big
  // Too big, or negative without signed=True: OverflowError.
  EXPECT_FALSE(CallMethod(two100.get(), "to_bytes", {I(12).get(), S("little").get()}));
  EXPECT_EQ(TakeError(), "OverflowError: int too big to convert");
  EXPECT_FALSE(CallMethod(I(-1).get(), "to_bytes", {I(8).get(), S("little").get()}));
  EXPECT_EQ(TakeError(), "OverflowError: can't convert negative int to unsigned");
  EXPECT_FALSE(CallSigned(I(128).get(), "to_bytes", {I(1).get(), S("big").get()}, True()));
  EXPECT_EQ(TakeError(), "OverflowError: int too big to convert");
  EXPECT_FALSE(CallMethod(I(1).get(), "to_bytes", {I(1).get(), S("middle").get()}));
  EXPECT_EQ(TakeError(), "ValueError: byteorder must be either 'little' or 'big'");
  EXPECT_FALSE(CallMethod(I(1).get(), "to_bytes", {I(-1).get()}));
  EXPECT_EQ(TakeError(), "ValueError: length argument must be non-negative");

  PyObject* int_type = reinterpret_cast<PyObject*>(IntType());
  Ref<> ones = *BytesFromData(std::string(16, '\xff'));
  EXPECT_EQ(Dec(CallSigned(int_type, "from_bytes", {ones.get(), S("big").get()}, True())), "-1");
  EXPECT_EQ(Dec(CallMethod(int_type, "from_bytes", {ones.get(), S("big").get()})),
            "340282366920938463463374607431768211455");
  Ref<> le = *BytesFromData(std::string("\x01") + std::string(16, '\0'));
  EXPECT_EQ(Dec(CallMethod(int_type, "from_bytes", {le.get(), S("little").get()})), "1");
  // From an instance too (a classmethod), and back.
  Ref<> digest = Big("15902901984413996407");
  Ref<> raw = CallMethod(digest.get(), "to_bytes", {I(8).get(), S("little").get()});
  EXPECT_EQ(Dec(CallMethod(I(0).get(), "from_bytes", {raw.get(), S("little").get()})),
            "15902901984413996407");
  EXPECT_EQ(Dec(CallSigned(I(0).get(), "from_bytes", {raw.get(), S("little").get()}, True())),
            "-2543842089295555209");
}

TEST_F(IntMethodsTest, RoundingAndTheNumbersTower) {
  Ref<> x = Big("12345678901234567890123");
  EXPECT_EQ(Dec(CallMethod(x.get(), "__round__", {I(-5).get()})), "12345678901234567900000");
  EXPECT_EQ(Dec(CallMethod(I(250).get(), "__round__", {I(-2).get()})), "200");  // ties to even
  EXPECT_EQ(Dec(CallMethod(I(350).get(), "__round__", {I(-2).get()})), "400");
  EXPECT_EQ(Dec(CallMethod(I(-250).get(), "__round__", {I(-2).get()})), "-200");
  EXPECT_EQ(Dec(CallMethod(I(-251).get(), "__round__", {I(-2).get()})), "-300");
  EXPECT_EQ(Dec(CallMethod(I(7).get(), "__round__", {I(-30).get()})), "0");
  EXPECT_EQ(Dec(CallMethod(x.get(), "__round__", {I(3).get()})), "12345678901234567890123");
  EXPECT_EQ(Dec(CallMethod(x.get(), "__round__", {})), "12345678901234567890123");
  EXPECT_EQ(Dec(GetAttrString(x.get(), "numerator")), "12345678901234567890123");
  EXPECT_EQ(Dec(GetAttrString(x.get(), "denominator")), "1");
  EXPECT_EQ(Dec(GetAttrString(x.get(), "imag")), "0");
  EXPECT_EQ(Dec(GetAttrString(True(), "real")), "1");
  EXPECT_TRUE(IsIntExact(GetAttrString(True(), "real").get()));
  Ref<> ratio = CallMethod(I(-6).get(), "as_integer_ratio", {});
  ASSERT_TRUE(ratio && IsTuple(ratio.get()));
  EXPECT_EQ(IntValue(TupleItem(ratio.get(), 0)), -6);
  EXPECT_EQ(IntValue(TupleItem(ratio.get(), 1)), 1);
  EXPECT_EQ(CallMethod(I(3).get(), "is_integer", {}).get(), True());
  EXPECT_EQ(Dec(CallMethod(x.get(), "__trunc__", {})), "12345678901234567890123");
}

}  // namespace
}  // namespace ftrt
