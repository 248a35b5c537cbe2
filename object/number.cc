// The number protocol's dispatch (see number.h).
#include "object/number.h"

#include <array>

#include "object/builtin_internal.h"
#include "object/compare.h"
#include "object/errors.h"
#include "object/float.h"
#include "object/int.h"
#include "object/none_bool.h"

namespace ftrt {

namespace internal {
PyObject* SlotResult(absl::StatusOr<Ref<>> r) {
  if (!r.ok()) {
    SetErrorIndicator(r.status());
    return nullptr;
  }
  return std::move(*r).Release();
}
}  // namespace internal

namespace {

struct OpSlots {
  binaryfunc PyNumberMethods::*binary;   // null for pow (ternary)
  binaryfunc PyNumberMethods::*inplace;  // null for divmod and pow
  const char* symbol;
  const char* inplace_symbol;
};

// Indexed by NumberOp.
constexpr std::array<OpSlots, 14> kSlots = {{
    {&PyNumberMethods::nb_add, &PyNumberMethods::nb_inplace_add, "+", "+="},
    {&PyNumberMethods::nb_subtract, &PyNumberMethods::nb_inplace_subtract, "-", "-="},
    {&PyNumberMethods::nb_multiply, &PyNumberMethods::nb_inplace_multiply, "*", "*="},
    {&PyNumberMethods::nb_remainder, &PyNumberMethods::nb_inplace_remainder, "%", "%="},
    {&PyNumberMethods::nb_divmod, nullptr, "divmod()", "divmod()"},
    {nullptr, nullptr, "** or pow()", "**="},
    {&PyNumberMethods::nb_lshift, &PyNumberMethods::nb_inplace_lshift, "<<", "<<="},
    {&PyNumberMethods::nb_rshift, &PyNumberMethods::nb_inplace_rshift, ">>", ">>="},
    {&PyNumberMethods::nb_and, &PyNumberMethods::nb_inplace_and, "&", "&="},
    {&PyNumberMethods::nb_xor, &PyNumberMethods::nb_inplace_xor, "^", "^="},
    {&PyNumberMethods::nb_or, &PyNumberMethods::nb_inplace_or, "|", "|="},
    {&PyNumberMethods::nb_floor_divide, &PyNumberMethods::nb_inplace_floor_divide, "//", "//="},
    {&PyNumberMethods::nb_true_divide, &PyNumberMethods::nb_inplace_true_divide, "/", "/="},
    {&PyNumberMethods::nb_matrix_multiply, &PyNumberMethods::nb_inplace_matrix_multiply, "@",
     "@="},
}};

const OpSlots& SlotsOf(NumberOp op) { return kSlots[static_cast<size_t>(op)]; }

template <typename F>
F NumberSlot(const PyObject* op, F PyNumberMethods::*member) {
  const PyNumberMethods* m = op->ob_type->tp_as_number;
  return m == nullptr ? nullptr : m->*member;
}

// A slot's answer: its new reference, or the error it raised.
absl::StatusOr<Ref<>> Answer(PyObject* r, const char* what) {
  if (r == nullptr) return TakeErrorIndicator(what);
  return Ref<>::Steal(r);
}

bool IsNotImplemented(const absl::StatusOr<Ref<>>& r) {
  return r.ok() && r->get() == NotImplemented();
}

// Python's binary_op1: the left slot, the right one (first if its type is
// a proper subtype with a slot of its own); NotImplemented if neither
// handles the pair. `call(slot)` calls one slot on (a, b[, c]).
template <typename Slot, typename Call>
absl::StatusOr<Ref<>> TrySlots(PyObject* a, PyObject* b, Slot slot_a, Slot slot_b, Call call) {
  if (a->ob_type == b->ob_type || slot_b == slot_a) slot_b = nullptr;
  if (slot_a != nullptr) {
    if (slot_b != nullptr && IsSubtype(b->ob_type, a->ob_type)) {
      absl::StatusOr<Ref<>> r = call(slot_b);
      if (!IsNotImplemented(r)) return r;
      slot_b = nullptr;
    }
    absl::StatusOr<Ref<>> r = call(slot_a);
    if (!IsNotImplemented(r)) return r;
  }
  if (slot_b != nullptr) return call(slot_b);
  return Ref<>::NewRef(NotImplemented());
}

absl::StatusOr<Ref<>> BinaryOp1(NumberOp op, PyObject* a, PyObject* b) {
  const binaryfunc PyNumberMethods::*member = SlotsOf(op).binary;
  return TrySlots(a, b, NumberSlot(a, member), NumberSlot(b, member),
                  [&](binaryfunc f) { return Answer(f(a, b), SlotsOf(op).symbol); });
}

absl::Status Unsupported(const char* symbol, const PyObject* a, const PyObject* b) {
  return Errorf(ErrorKind::kTypeError, "unsupported operand type(s) for %s: '%s' and '%s'", symbol,
                a->ob_type->tp_name, b->ob_type->tp_name);
}

ssizeargfunc SequenceSlot(const PyObject* op, ssizeargfunc PySequenceMethods::*member) {
  const PySequenceMethods* m = op->ob_type->tp_as_sequence;
  return m == nullptr ? nullptr : m->*member;
}

binaryfunc ConcatSlot(const PyObject* op, bool in_place) {
  const PySequenceMethods* m = op->ob_type->tp_as_sequence;
  if (m == nullptr) return nullptr;
  if (in_place && m->sq_inplace_concat != nullptr) return m->sq_inplace_concat;
  return m->sq_concat;
}

// seq * count with the sequence's sq_repeat (sq_inplace_repeat for *=).
absl::StatusOr<Ref<>> Repeat(PyObject* seq, PyObject* count, bool in_place) {
  ssizeargfunc f = in_place ? SequenceSlot(seq, &PySequenceMethods::sq_inplace_repeat) : nullptr;
  if (f == nullptr) f = SequenceSlot(seq, &PySequenceMethods::sq_repeat);
  if (!HasIndex(count)) {
    return Errorf(ErrorKind::kTypeError, "can't multiply sequence by non-int of type '%s'",
                  count->ob_type->tp_name);
  }
  absl::StatusOr<Ref<>> n = NumberIndex(count);
  if (!n.ok()) return n.status();
  if (IntIsBig(n->get())) {
    return Errorf(ErrorKind::kOverflowError, "cannot fit '%s' into an index-sized integer",
                  count->ob_type->tp_name);
  }
  return Answer(f(seq, static_cast<Py_ssize_t>(IntValue(n->get()))), "sequence repeat");
}

// The sequence fallbacks of + and *, after every number slot said
// NotImplemented.
absl::StatusOr<Ref<>> SequenceFallback(NumberOp op, PyObject* a, PyObject* b, bool in_place) {
  if (op == NumberOp::kAdd) {
    if (binaryfunc f = ConcatSlot(a, in_place); f != nullptr) {
      return Answer(f(a, b), "sequence concatenation");
    }
  } else if (op == NumberOp::kMultiply) {
    if (SequenceSlot(a, &PySequenceMethods::sq_repeat) != nullptr) return Repeat(a, b, in_place);
    if (SequenceSlot(b, &PySequenceMethods::sq_repeat) != nullptr) return Repeat(b, a, false);
  }
  return Unsupported(in_place ? SlotsOf(op).inplace_symbol : SlotsOf(op).symbol, a, b);
}

absl::StatusOr<Ref<>> PowerImpl(PyObject* a, PyObject* b, PyObject* mod, bool in_place) {
  if (mod == nullptr) mod = None();
  if (in_place) {
    if (ternaryfunc f = NumberSlot(a, &PyNumberMethods::nb_inplace_power); f != nullptr) {
      absl::StatusOr<Ref<>> r = Answer(f(a, b, mod), "**=");
      if (!IsNotImplemented(r)) return r;
    }
  }
  absl::StatusOr<Ref<>> r =
      TrySlots(a, b, NumberSlot(a, &PyNumberMethods::nb_power),
               NumberSlot(b, &PyNumberMethods::nb_power),
               [&](ternaryfunc f) { return Answer(f(a, b, mod), "** or pow()"); });
  if (!IsNotImplemented(r)) return r;
  if (mod != None()) {
    // Python also gives the modulus's own slot a turn.
    if (ternaryfunc f = NumberSlot(mod, &PyNumberMethods::nb_power);
        f != nullptr && f != NumberSlot(a, &PyNumberMethods::nb_power) &&
        f != NumberSlot(b, &PyNumberMethods::nb_power)) {
      r = Answer(f(a, b, mod), "pow()");
      if (!IsNotImplemented(r)) return r;
    }
    return Errorf(ErrorKind::kTypeError,
                  "unsupported operand type(s) for ** or pow(): '%s', '%s', '%s'",
                  a->ob_type->tp_name, b->ob_type->tp_name, mod->ob_type->tp_name);
  }
  return Unsupported(in_place ? "**=" : "** or pow()", a, b);
}

}  // namespace

const char* NumberOpSymbol(NumberOp op) { return SlotsOf(op).symbol; }

absl::StatusOr<Ref<>> NumberBinary(NumberOp op, PyObject* a, PyObject* b) {
  if (op == NumberOp::kPower) return PowerImpl(a, b, nullptr, false);
  absl::StatusOr<Ref<>> r = BinaryOp1(op, a, b);
  if (!IsNotImplemented(r)) return r;
  return SequenceFallback(op, a, b, false);
}

absl::StatusOr<Ref<>> NumberInPlace(NumberOp op, PyObject* a, PyObject* b) {
  if (op == NumberOp::kPower) return PowerImpl(a, b, nullptr, true);
  if (const binaryfunc PyNumberMethods::*member = SlotsOf(op).inplace; member != nullptr) {
    if (binaryfunc f = NumberSlot(a, member); f != nullptr) {
      absl::StatusOr<Ref<>> r = Answer(f(a, b), SlotsOf(op).inplace_symbol);
      if (!IsNotImplemented(r)) return r;
    }
  }
  absl::StatusOr<Ref<>> r = BinaryOp1(op, a, b);
  if (!IsNotImplemented(r)) return r;
  return SequenceFallback(op, a, b, true);
}

absl::StatusOr<Ref<>> NumberPower(PyObject* a, PyObject* b, PyObject* mod, bool in_place) {
  return PowerImpl(a, b, mod, in_place);
}

absl::StatusOr<Ref<>> NumberUnary(UnaryNumberOp op, PyObject* a) {
  static constexpr unaryfunc PyNumberMethods::*kMembers[] = {
      &PyNumberMethods::nb_negative, &PyNumberMethods::nb_positive,
      &PyNumberMethods::nb_absolute, &PyNumberMethods::nb_invert};
  static constexpr const char* kNames[] = {"unary -", "unary +", "abs()", "unary ~"};
  const size_t i = static_cast<size_t>(op);
  if (unaryfunc f = NumberSlot(a, kMembers[i]); f != nullptr) return Answer(f(a), kNames[i]);
  return Errorf(ErrorKind::kTypeError, "bad operand type for %s: '%s'", kNames[i],
                a->ob_type->tp_name);
}

bool HasIndex(const PyObject* op) {
  return NumberSlot(op, &PyNumberMethods::nb_index) != nullptr;
}

bool IsNumber(const PyObject* op) {
  return HasIndex(op) || NumberSlot(op, &PyNumberMethods::nb_int) != nullptr ||
         NumberSlot(op, &PyNumberMethods::nb_float) != nullptr;
}

absl::StatusOr<Ref<>> NumberIndex(PyObject* op) {
  if (IsInt(op)) {
    return IntExact(op);
  }
  unaryfunc f = NumberSlot(op, &PyNumberMethods::nb_index);
  if (f == nullptr) {
    return Errorf(ErrorKind::kTypeError, "'%s' object cannot be interpreted as an integer",
                  op->ob_type->tp_name);
  }
  absl::StatusOr<Ref<>> r = Answer(f(op), "__index__");
  if (!r.ok()) return r;
  if (!IsInt(r->get())) {
    return Errorf(ErrorKind::kTypeError, "__index__ returned non-int (type %s)",
                  (*r)->ob_type->tp_name);
  }
  if (!IsIntExact(r->get())) return IntExact(r->get());
  return r;
}

absl::StatusOr<Ref<>> NumberInt(PyObject* op) {
  if (IsIntExact(op)) return Ref<>::NewRef(op);
  if (unaryfunc f = NumberSlot(op, &PyNumberMethods::nb_int); f != nullptr) {
    absl::StatusOr<Ref<>> r = Answer(f(op), "__int__");
    if (!r.ok()) return r;
    if (!IsInt(r->get())) {
      return Errorf(ErrorKind::kTypeError, "__int__ returned non-int (type %s)",
                    (*r)->ob_type->tp_name);
    }
    if (!IsIntExact(r->get())) return IntExact(r->get());
    return r;
  }
  if (HasIndex(op)) return NumberIndex(op);
  return Errorf(ErrorKind::kTypeError,
                "int() argument must be a string, a bytes-like object or a real number, not '%s'",
                op->ob_type->tp_name);
}

absl::StatusOr<Ref<>> NumberFloat(PyObject* op) {
  if (IsFloatExact(op)) return Ref<>::NewRef(op);
  if (unaryfunc f = NumberSlot(op, &PyNumberMethods::nb_float); f != nullptr) {
    absl::StatusOr<Ref<>> r = Answer(f(op), "__float__");
    if (!r.ok()) return r;
    if (!IsFloat(r->get())) {
      return Errorf(ErrorKind::kTypeError, "%s.__float__ returned non-float (type %s)",
                    op->ob_type->tp_name, (*r)->ob_type->tp_name);
    }
    // An instance of a float subclass gives its value (CPython 3.13 also
    // warns that this is deprecated).
    if (!IsFloatExact(r->get())) return FloatFromDouble(FloatValue(r->get()));
    return r;
  }
  if (IsFloat(op)) return FloatFromDouble(FloatValue(op));
  if (HasIndex(op)) {
    absl::StatusOr<Ref<>> i = NumberIndex(op);
    if (!i.ok()) return i;
    absl::StatusOr<double> d = IntAsDouble(i->get());
    if (!d.ok()) return d.status();
    return FloatFromDouble(*d);
  }
  return Errorf(ErrorKind::kTypeError, "float() argument must be a string or a real number, not '%s'",
                op->ob_type->tp_name);
}

}  // namespace ftrt
