// Tests for object/number.h: int's and float's arithmetic against Python's
// results, the operator dispatch with types defined at run time (reflected
// operands, subclass priority, NotImplemented, in-place slots, the
// sequence fallbacks of + and *), errors, and a multi-threaded stress.
#include "object/number.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "object/builtin_internal.h"
#include "object/builtin_test_env.h"
#include "object/compare.h"
#include "object/errors.h"
#include "object/float.h"
#include "object/int.h"
#include "object/none_bool.h"
#include "object/object.h"
#include "object/tuple.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using NumberTest = testing_util::RuntimeTest;

Ref<> I(int64_t v) { return *IntFromInt64(v); }
Ref<> F(double v) { return *FloatFromDouble(v); }

// The decimal text of an int result, or "error: ..." for a failure.
std::string DecOf(const absl::StatusOr<Ref<>>& r) {
  if (!r.ok()) return "error: " + std::string(r.status().message());
  if (!IsInt(r->get())) return "not an int";
  absl::StatusOr<std::string> text = IntToString(r->get(), 10);
  return text.ok() ? *text : "error: " + std::string(text.status().message());
}

// A 128-bit integer in decimal.
std::string Dec128(__int128 v) {
  const bool negative = v < 0;
  unsigned __int128 mag = negative ? -static_cast<unsigned __int128>(v) : v;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(mag % 10)));
    mag /= 10;
  } while (mag != 0);
  return negative ? "-" + digits : digits;
}

int64_t AsI(const absl::StatusOr<Ref<>>& r) {
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return INT64_MIN;
  EXPECT_TRUE(IsInt(r->get())) << (*r)->ob_type->tp_name;
  return IntValue(r->get());
}

double AsF(const absl::StatusOr<Ref<>>& r) {
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return NAN;
  EXPECT_TRUE(IsFloat(r->get())) << (*r)->ob_type->tp_name;
  return FloatValue(r->get());
}

void ExpectError(const absl::StatusOr<Ref<>>& r, ErrorKind kind, absl::string_view message) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(KindOf(r.status()), kind) << r.status();
  EXPECT_EQ(r.status().message(), message);
  EXPECT_FALSE(ErrorIndicatorSet());
}

absl::StatusOr<Ref<>> Bin(NumberOp op, int64_t a, int64_t b) {
  return NumberBinary(op, I(a).get(), I(b).get());
}

TEST_F(NumberTest, IntArithmeticFollowsPython) {
  EXPECT_EQ(AsI(Bin(NumberOp::kAdd, 2, 3)), 5);
  EXPECT_EQ(AsI(Bin(NumberOp::kSubtract, 2, 3)), -1);
  EXPECT_EQ(AsI(Bin(NumberOp::kMultiply, -4, 3)), -12);
  // Floor division and modulo round toward negative infinity.
  EXPECT_EQ(AsI(Bin(NumberOp::kFloorDivide, -7, 2)), -4);
  EXPECT_EQ(AsI(Bin(NumberOp::kRemainder, -7, 2)), 1);
  EXPECT_EQ(AsI(Bin(NumberOp::kRemainder, 7, -2)), -1);
  EXPECT_DOUBLE_EQ(AsF(Bin(NumberOp::kTrueDivide, 7, 2)), 3.5);
  EXPECT_DOUBLE_EQ(AsF(Bin(NumberOp::kTrueDivide, -1, 3)), -1.0 / 3.0);
  absl::StatusOr<Ref<>> dm = Bin(NumberOp::kDivmod, -7, 2);
  ASSERT_TRUE(dm.ok());
  ASSERT_EQ(TupleSize(dm->get()), 2);
  EXPECT_EQ(IntValue(TupleItems(dm->get())[0]), -4);
  EXPECT_EQ(IntValue(TupleItems(dm->get())[1]), 1);
  EXPECT_EQ(AsI(Bin(NumberOp::kPower, 3, 4)), 81);
  EXPECT_EQ(AsI(Bin(NumberOp::kPower, -2, 63)), INT64_MIN);
  EXPECT_DOUBLE_EQ(AsF(Bin(NumberOp::kPower, 2, -2)), 0.25);
  EXPECT_EQ(AsI(Bin(NumberOp::kLshift, -3, 4)), -48);
  EXPECT_EQ(AsI(Bin(NumberOp::kRshift, -7, 1)), -4);
  EXPECT_EQ(AsI(Bin(NumberOp::kRshift, -7, 200)), -1);
  EXPECT_EQ(AsI(Bin(NumberOp::kRshift, 7, 200)), 0);
  EXPECT_EQ(AsI(Bin(NumberOp::kAnd, 12, 10)), 8);
  EXPECT_EQ(AsI(Bin(NumberOp::kOr, 12, 10)), 14);
  EXPECT_EQ(AsI(Bin(NumberOp::kXor, 12, 10)), 6);
  EXPECT_EQ(AsI(NumberUnary(UnaryNumberOp::kNegative, I(5).get())), -5);
  EXPECT_EQ(AsI(NumberUnary(UnaryNumberOp::kInvert, I(5).get())), -6);
  EXPECT_EQ(AsI(NumberUnary(UnaryNumberOp::kAbsolute, I(-5).get())), 5);
  // +True is the int 1, not a bool.
  absl::StatusOr<Ref<>> pos = NumberUnary(UnaryNumberOp::kPositive, True());
  ASSERT_TRUE(pos.ok());
  EXPECT_TRUE(IsIntExact(pos->get()));
  EXPECT_EQ(IntValue(pos->get()), 1);
}

TEST_F(NumberTest, ModularPowerMatchesPython) {
  auto pow3 = [](int64_t a, int64_t b, int64_t m) {
    return NumberPower(I(a).get(), I(b).get(), I(m).get());
  };
  EXPECT_EQ(AsI(pow3(2, 10, 1000)), 24);
  EXPECT_EQ(AsI(pow3(-2, 3, 5)), 2);     // -8 % 5
  EXPECT_EQ(AsI(pow3(2, 3, -5)), -2);    // 8 % -5
  EXPECT_EQ(AsI(pow3(3, -1, 7)), 5);     // 3 * 5 == 15 == 1 (mod 7)
  EXPECT_EQ(AsI(pow3(38, -1, 97)), 23);  // 38 * 23 == 874 == 1 (mod 97)
  EXPECT_EQ(AsI(pow3(5, 0, 1)), 0);
  // Large moduli do not overflow the intermediate products.
  const int64_t p = 9223372036854775783;  // the largest prime below 2**63
  EXPECT_EQ(AsI(pow3(p - 1, 2, p)), 1);
  EXPECT_EQ(AsI(pow3(2, p - 1, p)), 1);  // Fermat
  ExpectError(pow3(2, 3, 0), ErrorKind::kValueError, "pow() 3rd argument cannot be 0");
  ExpectError(pow3(2, -1, 4), ErrorKind::kValueError,
              "base is not invertible for the given modulus");
}

TEST_F(NumberTest, IntErrorsNameTheProblem) {
  ExpectError(Bin(NumberOp::kFloorDivide, 1, 0), ErrorKind::kZeroDivisionError,
              "integer division or modulo by zero");
  ExpectError(Bin(NumberOp::kRemainder, 1, 0), ErrorKind::kZeroDivisionError,
              "integer modulo by zero");
  ExpectError(Bin(NumberOp::kTrueDivide, 1, 0), ErrorKind::kZeroDivisionError,
              "division by zero");
  ExpectError(Bin(NumberOp::kDivmod, 1, 0), ErrorKind::kZeroDivisionError,
              "integer division or modulo by zero");
  ExpectError(Bin(NumberOp::kPower, 0, -1), ErrorKind::kZeroDivisionError,
              "0.0 cannot be raised to a negative power");
  ExpectError(Bin(NumberOp::kLshift, 1, -1), ErrorKind::kValueError, "negative shift count");
  ExpectError(Bin(NumberOp::kRshift, 1, -1), ErrorKind::kValueError, "negative shift count");
  // Past 64 bits the results are big ints, not errors.
  EXPECT_EQ(DecOf(Bin(NumberOp::kAdd, INT64_MAX, 1)), "9223372036854775808");
  EXPECT_EQ(DecOf(Bin(NumberOp::kMultiply, INT64_MIN, -1)), "9223372036854775808");
  EXPECT_EQ(DecOf(Bin(NumberOp::kLshift, 1, 63)), "9223372036854775808");
  EXPECT_EQ(DecOf(Bin(NumberOp::kPower, 2, 64)), "18446744073709551616");
  EXPECT_EQ(DecOf(NumberUnary(UnaryNumberOp::kAbsolute, I(INT64_MIN).get())),
            "9223372036854775808");
  EXPECT_EQ(AsI(Bin(NumberOp::kLshift, -1, 63)), INT64_MIN);
  ExpectError(Bin(NumberOp::kMatrixMultiply, 1, 2), ErrorKind::kTypeError,
              "unsupported operand type(s) for @: 'int' and 'int'");
  ExpectError(NumberBinary(NumberOp::kAdd, I(1).get(), None()), ErrorKind::kTypeError,
              "unsupported operand type(s) for +: 'int' and 'NoneType'");
  ExpectError(NumberBinary(NumberOp::kDivmod, None(), I(1).get()), ErrorKind::kTypeError,
              "unsupported operand type(s) for divmod(): 'NoneType' and 'int'");
  ExpectError(NumberInPlace(NumberOp::kAdd, I(1).get(), None()), ErrorKind::kTypeError,
              "unsupported operand type(s) for +=: 'int' and 'NoneType'");
  ExpectError(NumberUnary(UnaryNumberOp::kNegative, None()), ErrorKind::kTypeError,
              "bad operand type for unary -: 'NoneType'");
  ExpectError(NumberUnary(UnaryNumberOp::kAbsolute, None()), ErrorKind::kTypeError,
              "bad operand type for abs(): 'NoneType'");
  ExpectError(NumberUnary(UnaryNumberOp::kInvert, F(1.5).get()), ErrorKind::kTypeError,
              "bad operand type for unary ~: 'float'");
  ExpectError(NumberPower(I(1).get(), I(2).get(), testing_util::Str("m").get()),
              ErrorKind::kTypeError,
              "unsupported operand type(s) for ** or pow(): 'int', 'int', 'str'");
  // A float modulus: float's slot gets the modulus's turn, and refuses.
  ExpectError(NumberPower(I(1).get(), I(2).get(), F(1.5).get()), ErrorKind::kTypeError,
              "pow() 3rd argument not allowed unless all arguments are integers");
}

TEST_F(NumberTest, BoolsStayBoolsOnlyForBitwiseOps) {
  absl::StatusOr<Ref<>> r = NumberBinary(NumberOp::kAnd, True(), False());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->get(), False());
  r = NumberBinary(NumberOp::kXor, True(), False());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->get(), True());
  r = NumberBinary(NumberOp::kOr, True(), I(2).get());
  EXPECT_TRUE(IsIntExact(r->get()));
  EXPECT_EQ(IntValue(r->get()), 3);
  EXPECT_EQ(AsI(NumberBinary(NumberOp::kAdd, True(), True())), 2);
}

TEST_F(NumberTest, FloatArithmeticFollowsPython) {
  auto bin = [](NumberOp op, double a, double b) {
    return NumberBinary(op, F(a).get(), F(b).get());
  };
  EXPECT_DOUBLE_EQ(AsF(bin(NumberOp::kAdd, 0.5, 0.25)), 0.75);
  EXPECT_DOUBLE_EQ(AsF(bin(NumberOp::kFloorDivide, -7.0, 2.0)), -4.0);
  EXPECT_DOUBLE_EQ(AsF(bin(NumberOp::kRemainder, -7.0, 2.0)), 1.0);
  EXPECT_DOUBLE_EQ(AsF(bin(NumberOp::kRemainder, 7.0, -2.0)), -1.0);
  // A zero remainder takes the divisor's sign.
  EXPECT_TRUE(std::signbit(AsF(bin(NumberOp::kRemainder, 4.0, -2.0))));
  EXPECT_FALSE(std::signbit(AsF(bin(NumberOp::kRemainder, -4.0, 2.0))));
  EXPECT_DOUBLE_EQ(AsF(bin(NumberOp::kPower, 2.0, 0.5)), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(AsF(bin(NumberOp::kPower, -2.0, 3.0)), -8.0);
  // Mixed int and float: either side.
  EXPECT_DOUBLE_EQ(AsF(NumberBinary(NumberOp::kAdd, I(1).get(), F(0.5).get())), 1.5);
  EXPECT_DOUBLE_EQ(AsF(NumberBinary(NumberOp::kSubtract, F(0.5).get(), I(1).get())), -0.5);
  EXPECT_DOUBLE_EQ(AsF(NumberBinary(NumberOp::kTrueDivide, I(1).get(), F(4.0).get())), 0.25);
  EXPECT_EQ(AsI(NumberInt(F(-2.9).get())), -2);
  EXPECT_DOUBLE_EQ(AsF(NumberFloat(I(7).get())), 7.0);
  ExpectError(bin(NumberOp::kTrueDivide, 1, 0), ErrorKind::kZeroDivisionError,
              "float division by zero");
  ExpectError(bin(NumberOp::kFloorDivide, 1, 0), ErrorKind::kZeroDivisionError,
              "float floor division by zero");
  ExpectError(bin(NumberOp::kRemainder, 1, 0), ErrorKind::kZeroDivisionError,
              "float modulo by zero");
  ExpectError(bin(NumberOp::kDivmod, 1, 0), ErrorKind::kZeroDivisionError, "float divmod()");
  ExpectError(bin(NumberOp::kPower, 0.0, -1.0), ErrorKind::kZeroDivisionError,
              "0.0 cannot be raised to a negative power");
  ExpectError(bin(NumberOp::kPower, 10.0, 400.0), ErrorKind::kOverflowError,
              "Numerical result out of range");
  ExpectError(NumberPower(F(2).get(), I(3).get(), I(5).get()), ErrorKind::kTypeError,
              "pow() 3rd argument not allowed unless all arguments are integers");
  ExpectError(NumberIndex(F(1.0).get()), ErrorKind::kTypeError,
              "'float' object cannot be interpreted as an integer");
  ExpectError(NumberFloat(None()), ErrorKind::kTypeError,
              "float() argument must be a string or a real number, not 'NoneType'");
}

// Random pairs against the arithmetic done here in C++.
TEST_F(NumberTest, RandomIntPairsMatchAReference) {
  std::mt19937_64 rng(testing_util::Seed());
  const long kPairs = testing_util::Scaled(20000, 2000);
  for (long i = 0; i < kPairs; ++i) {
    // Any sign and any magnitude: an arithmetic shift of a random word.
    const int64_t a = static_cast<int64_t>(rng()) >> (rng() % 64);
    int64_t b = static_cast<int64_t>(rng()) >> (rng() % 64);
    if (b == 0) b = 1;
    // Sums, differences and products in 128 bits: the ones past 64 bits
    // are big ints.
    const __int128 wa = a, wb = b;
    EXPECT_EQ(DecOf(Bin(NumberOp::kAdd, a, b)), Dec128(wa + wb)) << a << " + " << b;
    EXPECT_EQ(DecOf(Bin(NumberOp::kSubtract, a, b)), Dec128(wa - wb)) << a << " - " << b;
    EXPECT_EQ(DecOf(Bin(NumberOp::kMultiply, a, b)), Dec128(wa * wb)) << a << " * " << b;
    if (a == INT64_MIN && b == -1) continue;
    int64_t q = a / b, m = a % b;
    if (m != 0 && ((m < 0) != (b < 0))) {
      q -= 1;
      m += b;
    }
    EXPECT_EQ(AsI(Bin(NumberOp::kFloorDivide, a, b)), q) << a << " // " << b;
    EXPECT_EQ(AsI(Bin(NumberOp::kRemainder, a, b)), m) << a << " % " << b;
    EXPECT_EQ(static_cast<uint64_t>(q) * static_cast<uint64_t>(b) + static_cast<uint64_t>(m),
              static_cast<uint64_t>(a));  // q * b + m == a, without overflow
  }
}

// --- dispatch with run-time types ---------------------------------------------------

struct Num {
  PyObject ob_base;
  int64_t value;
};

int g_left_calls = 0;
int g_sub_calls = 0;

Ref<PyTypeObject> MakeType(const char* name, PyTypeObject* base = nullptr) {
  HeapTypeSpec spec;
  spec.name = name;
  spec.basicsize = sizeof(Num);
  spec.base = base;
  return *NewHeapType(spec);
}

Ref<> MakeNum(PyTypeObject* type, int64_t v) {
  Ref<Num> n = NewObject<Num>(type);
  n->value = v;
  return Ref<>(std::move(n));
}

bool IsNum(PyObject* op, PyTypeObject* type) { return IsSubtype(op->ob_type, type); }

PyTypeObject* g_num_type = nullptr;

// Num + Num, Num + int, int + Num: a Num of the sum; 100 * value for @.
int64_t ValueOf(PyObject* op) {
  return IsInt(op) ? IntValue(op) : reinterpret_cast<Num*>(op)->value;
}
PyObject* NumAdd(PyObject* a, PyObject* b) {
  ++g_left_calls;
  const bool ok_a = IsNum(a, g_num_type) || IsInt(a);
  const bool ok_b = IsNum(b, g_num_type) || IsInt(b);
  if (!ok_a || !ok_b) return internal::NotImplementedResult();
  return MakeNum(g_num_type, ValueOf(a) + ValueOf(b)).Release();
}
PyObject* SubNumAdd(PyObject* a, PyObject* b) {
  ++g_sub_calls;
  return MakeNum(g_num_type, 1000 + ValueOf(a) + ValueOf(b)).Release();
}
// In place: mutates the left operand, returns it.
PyObject* NumInPlaceAdd(PyObject* a, PyObject* b) {
  if (!IsInt(b)) return internal::NotImplementedResult();
  reinterpret_cast<Num*>(a)->value += IntValue(b);
  return Ref<>::NewRef(a).Release();
}
PyObject* NumFailingSubtract(PyObject*, PyObject*) {
  SetErrorIndicator(MakeError(ErrorKind::kRuntimeError, "no subtraction today"));
  return nullptr;
}
PyObject* NumIndex(PyObject* a) { return IntFromInt64(reinterpret_cast<Num*>(a)->value)->Release(); }
PyObject* NumBadIndex(PyObject*) { return F(1.0).Release(); }

TEST_F(NumberTest, DispatchReflectsAndPrefersSubclasses) {
  Ref<PyTypeObject> num = MakeType("Num");
  g_num_type = num.get();
  static PyNumberMethods num_methods{};
  num_methods.nb_add = NumAdd;
  num_methods.nb_inplace_add = NumInPlaceAdd;
  num_methods.nb_subtract = NumFailingSubtract;
  num_methods.nb_index = NumIndex;
  num->tp_as_number = &num_methods;
  Ref<PyTypeObject> sub = MakeType("SubNum", num.get());
  static PyNumberMethods sub_methods{};
  sub_methods.nb_add = SubNumAdd;
  sub->tp_as_number = &sub_methods;

  Ref<> n2 = MakeNum(num.get(), 2);
  Ref<> n3 = MakeNum(num.get(), 3);
  absl::StatusOr<Ref<>> r = NumberBinary(NumberOp::kAdd, n2.get(), n3.get());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(reinterpret_cast<Num*>(r->get())->value, 5);
  // int's slot declines a Num; Num's slot gets its reflected turn, called
  // with the operands in their order.
  g_left_calls = 0;
  r = NumberBinary(NumberOp::kAdd, I(10).get(), n3.get());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(reinterpret_cast<Num*>(r->get())->value, 13);
  EXPECT_EQ(g_left_calls, 1);
  // A subclass with its own slot on the right goes first, once.
  Ref<> s4 = MakeNum(sub.get(), 4);
  g_left_calls = g_sub_calls = 0;
  r = NumberBinary(NumberOp::kAdd, n2.get(), s4.get());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(reinterpret_cast<Num*>(r->get())->value, 1006);
  EXPECT_EQ(g_sub_calls, 1);
  EXPECT_EQ(g_left_calls, 0);
  // Neither handles a Num and None.
  ExpectError(NumberBinary(NumberOp::kAdd, n2.get(), None()), ErrorKind::kTypeError,
              "unsupported operand type(s) for +: 'Num' and 'NoneType'");
  // The in-place slot updates the left operand and returns it; without a
  // usable in-place slot, the binary one makes a new object.
  r = NumberInPlace(NumberOp::kAdd, n2.get(), I(5).get());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->get(), n2.get());
  EXPECT_EQ(reinterpret_cast<Num*>(n2.get())->value, 7);
  r = NumberInPlace(NumberOp::kAdd, n2.get(), n3.get());
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->get(), n2.get());
  EXPECT_EQ(reinterpret_cast<Num*>(r->get())->value, 10);
  // A slot's own error comes back as a Status, the indicator left clear.
  ExpectError(NumberBinary(NumberOp::kSubtract, n2.get(), n3.get()), ErrorKind::kRuntimeError,
              "no subtraction today");
  // __index__: an int operand for a repeat, for int(), for float().
  EXPECT_TRUE(HasIndex(n3.get()));
  EXPECT_TRUE(IsNumber(n3.get()));
  EXPECT_FALSE(IsNumber(None()));
  EXPECT_EQ(AsI(NumberIndex(n3.get())), 3);
  EXPECT_EQ(AsI(NumberInt(n3.get())), 3);
  EXPECT_DOUBLE_EQ(AsF(NumberFloat(n3.get())), 3.0);
  num_methods.nb_index = NumBadIndex;
  ExpectError(NumberIndex(n3.get()), ErrorKind::kTypeError, "__index__ returned non-int (type float)");
  num_methods.nb_index = NumIndex;
}

// A sequence type with concatenation and repetition only.
Py_ssize_t g_repeat_count = -1;
PyObject* SeqConcat(PyObject* a, PyObject*) { return Ref<>::NewRef(a).Release(); }
PyObject* SeqRepeat(PyObject* a, Py_ssize_t n) {
  g_repeat_count = n;
  return Ref<>::NewRef(a).Release();
}

TEST_F(NumberTest, PlusAndTimesFallBackToSequenceSlots) {
  Ref<PyTypeObject> seq = MakeType("Seq");
  static PySequenceMethods seq_methods{};
  seq_methods.sq_concat = SeqConcat;
  seq_methods.sq_repeat = SeqRepeat;
  seq->tp_as_sequence = &seq_methods;
  Ref<> s = MakeNum(seq.get(), 0);
  absl::StatusOr<Ref<>> r = NumberBinary(NumberOp::kAdd, s.get(), None());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->get(), s.get());
  r = NumberBinary(NumberOp::kMultiply, I(3).get(), s.get());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(g_repeat_count, 3);
  r = NumberInPlace(NumberOp::kMultiply, s.get(), True());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(g_repeat_count, 1);
  ExpectError(NumberBinary(NumberOp::kMultiply, s.get(), F(1.5).get()), ErrorKind::kTypeError,
              "can't multiply sequence by non-int of type 'float'");
  ExpectError(NumberBinary(NumberOp::kSubtract, s.get(), s.get()), ErrorKind::kTypeError,
              "unsupported operand type(s) for -: 'Seq' and 'Seq'");
}

// Threads share operands (owned by the main thread, so their counts are
// updated by other threads through the shared count) and fold random
// operations into per-thread accumulators that a replay on one thread
// must reproduce exactly.
TEST_F(NumberTest, SharedOperandsFromManyThreads) {
  constexpr int kThreads = 6;
  const long kOps = testing_util::Scaled(4000, 400);
  std::vector<Ref<>> operands;
  for (int64_t v : {-7, -1, 1, 2, 3, 1000, 123456789}) operands.push_back(I(v));
  for (double v : {-2.5, 0.5, 3.25}) operands.push_back(F(v));
  const uint64_t seed = testing_util::Seed();
  const NumberOp kOps6[] = {NumberOp::kAdd,      NumberOp::kSubtract,   NumberOp::kMultiply,
                            NumberOp::kRemainder, NumberOp::kFloorDivide, NumberOp::kTrueDivide};
  // One thread's fold: acc = acc OP operand, restarting from 1 whenever
  // the accumulator leaves a small range or an operation fails.
  auto run = [&](int t, bool yield) {
    std::mt19937_64 rng(seed + static_cast<uint64_t>(t));
    Ref<> acc = I(1);
    double checksum = 0;
    for (long i = 0; i < kOps; ++i) {
      PyObject* x = operands[rng() % operands.size()].get();
      const NumberOp op = kOps6[rng() % 6];
      absl::StatusOr<Ref<>> r = NumberBinary(op, acc.get(), x);
      const bool now = (rng() & 15) == 0;  // drawn in the replay too
      if (yield && now) std::this_thread::yield();
      if (!r.ok()) {
        checksum += 1e6;  // ZeroDivisionError never: no operand is 0
        acc = I(1);
        continue;
      }
      const double v = IsInt(r->get()) ? static_cast<double>(IntValue(r->get())) : FloatValue(r->get());
      checksum += v;
      acc = (std::fabs(v) > 1e9 || std::isnan(v)) ? I(1) : std::move(*r);
    }
    return checksum;
  };
  std::vector<double> sums(kThreads);
  RunThreads(kThreads, [&](int t) { sums[t] = run(t, true); });
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(sums[t], run(t, false)) << "thread " << t;
  for (const Ref<>& op : operands) {
    if (!IsImmortal(op.header())) {
      EXPECT_EQ(Refcount(op.header()), 1);
    }
  }
}

// The same with big ints: threads share big operands (owned by the main
// thread), and fold exact arithmetic on them into accumulators whose
// hashes a replay on one thread must reproduce.
TEST_F(NumberTest, SharedBigOperandsFromManyThreads) {
  constexpr int kThreads = 6;
  const long kOps = testing_util::Scaled(3000, 300);
  std::vector<Ref<>> operands;
  for (const char* text : {"18446744073709551616", "-1267650600228229401496703205369",
                           "1000000000000000000000000000000", "-9223372036854775808", "3",
                           "-7", "340282366920938463463374607431768211455"}) {
    bool syntax_error = false;
    operands.push_back(*IntFromLiteral(text, 10, &syntax_error));
  }
  const uint64_t seed = testing_util::Seed();
  const NumberOp kOps8[] = {NumberOp::kAdd,       NumberOp::kSubtract,  NumberOp::kMultiply,
                            NumberOp::kRemainder, NumberOp::kFloorDivide, NumberOp::kAnd,
                            NumberOp::kXor,       NumberOp::kOr};
  auto run = [&](int t, bool yield) {
    std::mt19937_64 rng(seed + static_cast<uint64_t>(t));
    Ref<> acc = I(1);
    uint64_t checksum = 0;
    for (long i = 0; i < kOps; ++i) {
      PyObject* x = operands[rng() % operands.size()].get();
      const NumberOp op = kOps8[rng() % 8];
      absl::StatusOr<Ref<>> r = NumberBinary(op, acc.get(), x);
      const bool now = (rng() & 15) == 0;  // drawn in the replay too
      if (yield && now) std::this_thread::yield();
      if (!r.ok()) {
        checksum += 1000003;
        acc = I(1);
        continue;
      }
      checksum = checksum * 31 + static_cast<uint64_t>(IntHash(r->get()));
      // Keep the accumulator a few hundred bits long at most.
      acc = IntBitLength(r->get()) > 400 ? I(1) : std::move(*r);
    }
    return checksum;
  };
  std::vector<uint64_t> sums(kThreads);
  RunThreads(kThreads, [&](int t) { sums[t] = run(t, true); });
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(sums[t], run(t, false)) << "thread " << t;
  for (const Ref<>& op : operands) {
    if (!IsImmortal(op.header())) {
      EXPECT_EQ(Refcount(op.header()), 1);
    }
  }
}

}  // namespace
}  // namespace ftrt
