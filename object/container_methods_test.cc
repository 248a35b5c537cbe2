// Tests for object/container_methods.h: the Python-level methods of list,
// dict, tuple, set and frozenset, called the way PyObject_CallMethod calls
// them (look the attribute up on the object, call it), with CPython 3.13's
// results, exception types and messages; list.sort's key= and reverse=
// through keyword arguments, its stability, a failing key function and a
// key function that mutates the list; and, in the same binary (one target
// per configuration is what CI can afford), a stress test: 6 threads (more
// than the cores) with random yields, seeded from FTRT_TEST_SEED, calling
// mutating methods on one shared list, dict and set while reading them,
// with exact invariants at the end (what was appended minus what was
// popped, keys popped exactly once, each thread's own keys).
#include "object/container_methods.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "object/attributes.h"
#include "object/call.h"
#include "object/dict.h"
#include "object/error_indicator.h"
#include "object/exceptions.h"
#include "object/int.h"
#include "object/iterators.h"
#include "object/list.h"
#include "object/methodobject.h"
#include "object/object.h"
#include "object/none_bool.h"
#include "object/number.h"
#include "object/protocol_testing.h"
#include "object/refcount.h"
#include "object/set.h"
#include "object/str.h"
#include "object/tuple.h"
#include "sync/config.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::Checkpoint;
using testing_util::I;
using testing_util::N;
using testing_util::S;
using testing_util::Seed;
using testing_util::TakeError;
using MethodsTest = testing_util::ProtocolTest;

// obj.name(*args), as PyObject_CallMethodObjArgs does it.
Ref<> M(PyObject* obj, const char* name, std::initializer_list<PyObject*> args = {}) {
  return CallMethod(obj, name, args);
}

// obj.name(*args, **{kw: values}) through PyObject_VectorcallMethod.
Ref<> MKw(PyObject* obj, const char* name, std::vector<PyObject*> args,
          std::vector<std::pair<const char*, PyObject*>> kwargs) {
  std::vector<PyObject*> stack = {obj};
  stack.insert(stack.end(), args.begin(), args.end());
  std::vector<PyObject*> names;
  for (auto& [k, v] : kwargs) {
    names.push_back(N(k));
    stack.push_back(v);
  }
  Ref<> kwnames;
  if (!names.empty()) kwnames = *TupleFromItems(names);
  return VectorcallMethod(N(name), stack.data(), args.size() + 1, kwnames.get());
}

Ref<> Ints(std::initializer_list<int64_t> values) {
  std::vector<Ref<>> refs;
  std::vector<PyObject*> raw;
  for (int64_t v : values) refs.push_back(I(v));
  for (Ref<>& r : refs) raw.push_back(r.get());
  return *ListFromItems(raw);
}

// The int values of a list (or tuple).
std::vector<int64_t> Values(PyObject* seq) {
  std::vector<int64_t> out;
  Ref<> t = IsTuple(seq) ? Ref<>::NewRef(seq) : *ListAsTuple(seq);
  for (PyObject* item : TupleItems(t.get())) {
    EXPECT_TRUE(IsInt(item));
    out.push_back(IsInt(item) ? IntValue(item) : -999);
  }
  return out;
}

std::vector<int64_t> SortedSet(PyObject* s) {
  std::vector<int64_t> out;
  absl::StatusOr<std::vector<Ref<>>> keys = SetItems(s);
  EXPECT_TRUE(keys.ok());
  if (!keys.ok()) return out;
  for (Ref<>& k : *keys) out.push_back(IntValue(k.get()));
  std::sort(out.begin(), out.end());
  return out;
}

// The call succeeded.
void Do(const Ref<>& r) { EXPECT_TRUE(r) << TakeError(); }

// The call failed with exactly this "Type: message".
void ExpectRaised(const Ref<>& r, const std::string& what) {
  EXPECT_FALSE(r);
  EXPECT_EQ(TakeError(), what);
}

int64_t AsInt(const Ref<>& r) {
  EXPECT_TRUE(r && IsInt(r.get())) << TakeError();
  return r && IsInt(r.get()) ? IntValue(r.get()) : -999;
}

TEST_F(MethodsTest, ListMethods) {
  Ref<> l = Ints({});
  EXPECT_EQ(M(l.get(), "append", {I(3).get()}).get(), None());
  Do(M(l.get(), "append", {I(1).get()}));
  Do(M(l.get(), "insert", {I(0).get(), I(7).get()}));
  Do(M(l.get(), "insert", {I(-1).get(), I(8).get()}));   // before the last
  Do(M(l.get(), "insert", {I(100).get(), I(9).get()}));  // clamped to the end
  EXPECT_EQ(Values(l.get()), (std::vector<int64_t>{7, 3, 8, 1, 9}));
  // extend from a list, a tuple, a set, a dict (its keys), itself, and an
  // iterator.
  Ref<> other = Ints({4, 4});
  Do(M(l.get(), "extend", {other.get()}));
  Ref<> tup = *TupleFromItems({I(5).get()});
  Do(M(l.get(), "extend", {tup.get()}));
  Ref<> s = *SetNew(Ints({6}).get());
  Do(M(l.get(), "extend", {s.get()}));
  Ref<> d = *DictNew();
  ASSERT_TRUE(DictSetItem(d.get(), I(2).get(), None()).ok());
  Do(M(l.get(), "extend", {d.get()}));
  EXPECT_EQ(Values(l.get()), (std::vector<int64_t>{7, 3, 8, 1, 9, 4, 4, 5, 6, 2}));
  Ref<> it = GetAttrString(Ints({11, 12}).get(), "copy");  // a bound method
  ASSERT_TRUE(it);
  Ref<> copied = CallNoArgs(it.get());
  EXPECT_EQ(Values(copied.get()), (std::vector<int64_t>{11, 12}));
  Ref<> iter = GetIter(copied.get());
  Do(M(l.get(), "extend", {iter.get()}));
  EXPECT_EQ(ListSize(l.get()), 12);
  Ref<> small = Ints({1, 2});
  Do(M(small.get(), "extend", {small.get()}));
  EXPECT_EQ(Values(small.get()), (std::vector<int64_t>{1, 2, 1, 2}));

  EXPECT_EQ(AsInt(M(l.get(), "pop")), 12);
  EXPECT_EQ(AsInt(M(l.get(), "pop", {I(0).get()})), 7);
  EXPECT_EQ(AsInt(M(l.get(), "pop", {I(-2).get()})), 2);
  EXPECT_EQ(AsInt(M(l.get(), "index", {I(4).get()})), 4);
  EXPECT_EQ(AsInt(M(l.get(), "index", {I(4).get(), I(5).get()})), 5);
  EXPECT_EQ(AsInt(M(l.get(), "index", {I(4).get(), I(-6).get()})), 4);
  ExpectRaised(M(l.get(), "index", {I(4).get(), I(0).get(), I(4).get()}),
               "ValueError: 4 is not in list");
  EXPECT_EQ(AsInt(M(l.get(), "count", {I(4).get()})), 2);
  EXPECT_EQ(AsInt(M(l.get(), "count", {I(42).get()})), 0);
  EXPECT_EQ(M(l.get(), "remove", {I(4).get()}).get(), None());
  EXPECT_EQ(AsInt(M(l.get(), "count", {I(4).get()})), 1);
  EXPECT_EQ(Values(l.get()), (std::vector<int64_t>{3, 8, 1, 9, 4, 5, 6, 11}));
  Do(M(l.get(), "reverse"));
  EXPECT_EQ(Values(l.get()), (std::vector<int64_t>{11, 6, 5, 4, 9, 1, 8, 3}));
  EXPECT_EQ(M(l.get(), "sort").get(), None());
  EXPECT_EQ(Values(l.get()), (std::vector<int64_t>{1, 3, 4, 5, 6, 8, 9, 11}));
  Ref<> c = M(l.get(), "copy");
  ASSERT_TRUE(c);
  EXPECT_NE(c.get(), l.get());
  Do(M(l.get(), "clear"));
  EXPECT_EQ(ListSize(l.get()), 0);
  EXPECT_EQ(ListSize(c.get()), 8);

  // Errors, worded as CPython 3.13's.
  ExpectRaised(M(l.get(), "pop"), "IndexError: pop from empty list");
  ExpectRaised(M(c.get(), "pop", {I(8).get()}), "IndexError: pop index out of range");
  ExpectRaised(M(c.get(), "pop", {I(1).get(), I(2).get()}),
               "TypeError: pop expected at most 1 argument, got 2");
  ExpectRaised(M(c.get(), "pop", {S("a").get()}),
               "TypeError: 'str' object cannot be interpreted as an integer");
  ExpectRaised(M(l.get(), "remove", {I(1).get()}), "ValueError: list.remove(x): x not in list");
  ExpectRaised(M(l.get(), "index", {S("x").get()}), "ValueError: 'x' is not in list");
  ExpectRaised(M(l.get(), "index"), "TypeError: index expected at least 1 argument, got 0");
  ExpectRaised(M(c.get(), "index", {I(1).get(), S("a").get()}),
               "TypeError: slice indices must be integers or have an __index__ method");
  ExpectRaised(M(l.get(), "append"),
               "TypeError: list.append() takes exactly one argument (0 given)");
  ExpectRaised(M(l.get(), "append", {I(1).get(), I(2).get()}),
               "TypeError: list.append() takes exactly one argument (2 given)");
  ExpectRaised(M(l.get(), "insert", {I(0).get()}),
               "TypeError: insert expected 2 arguments, got 1");
  ExpectRaised(M(l.get(), "extend", {I(1).get()}), "TypeError: 'int' object is not iterable");
  ExpectRaised(M(l.get(), "clear", {I(1).get()}),
               "TypeError: list.clear() takes no arguments (1 given)");
  ExpectRaised(M(l.get(), "no_such_method"),
               "AttributeError: 'list' object has no attribute 'no_such_method'");
  EXPECT_EQ(ListSize(l.get()), 0);  // failed calls changed nothing
  // The method looked up on the type, called with a wrong self.
  Ref<> unbound = GetAttrString(reinterpret_cast<PyObject*>(ListType()), "append");
  ASSERT_TRUE(unbound);
  ExpectRaised(CallArgs(unbound.get(), {I(1).get(), I(2).get()}),
               "TypeError: descriptor 'append' for 'list' objects doesn't apply to a 'int' object");
  EXPECT_EQ(CallArgs(unbound.get(), {l.get(), I(5).get()}).get(), None());
  EXPECT_EQ(Values(l.get()), (std::vector<int64_t>{5}));
}

// A key function: -x for an int, and ZeroDivisionError for 13.
PyObject* NegateKey(PyObject*, PyObject* x) {
  if (IntValue(x) == 13) return SetErrorFormat(PyExc_ZeroDivisionError, "thirteen");
  return RefOrRaise(IntFromInt64(-IntValue(x))).Release();
}
PyMethodDef g_negate = {"negate", NegateKey, METH_O, nullptr};

// A key function bound to a list that appends to it: mutation during sort.
PyObject* AppendingKey(PyObject* list, PyObject* x) {
  if (OkOrRaise(ListAppend(list, x)) < 0) return nullptr;
  return Ref<>::NewRef(x).Release();
}
PyMethodDef g_appending = {"appending", AppendingKey, METH_O, nullptr};

// (tens digit, id) pairs sorted by the tens digit only: stability shows.
PyObject* TensKey(PyObject*, PyObject* x) {
  return RefOrRaise(IntFromInt64(IntValue(x) / 10)).Release();
}
PyMethodDef g_tens = {"tens", TensKey, METH_O, nullptr};

TEST_F(MethodsTest, ListSortKeyReverseAndErrors) {
  Ref<> negate = CFunctionNew(&g_negate, nullptr);
  Ref<> tens = CFunctionNew(&g_tens, nullptr);
  Ref<> l = Ints({3, 1, 2});
  EXPECT_EQ(MKw(l.get(), "sort", {}, {{"key", negate.get()}}).get(), None());
  EXPECT_EQ(Values(l.get()), (std::vector<int64_t>{3, 2, 1}));
  EXPECT_EQ(MKw(l.get(), "sort", {}, {{"reverse", True()}}).get(), None());
  EXPECT_EQ(Values(l.get()), (std::vector<int64_t>{3, 2, 1}));
  EXPECT_EQ(MKw(l.get(), "sort", {}, {{"key", None()}, {"reverse", False()}}).get(), None());
  EXPECT_EQ(Values(l.get()), (std::vector<int64_t>{1, 2, 3}));
  // Stable, forwards and reversed: equal keys keep their order.
  Ref<> st = Ints({21, 10, 22, 11, 23, 12, 5, 24});
  Do(MKw(st.get(), "sort", {}, {{"key", tens.get()}}));
  EXPECT_EQ(Values(st.get()), (std::vector<int64_t>{5, 10, 11, 12, 21, 22, 23, 24}));
  Ref<> st2 = Ints({21, 10, 22, 11, 23, 12, 5, 24});
  Do(MKw(st2.get(), "sort", {}, {{"key", tens.get()}, {"reverse", I(1).get()}}));
  EXPECT_EQ(Values(st2.get()), (std::vector<int64_t>{21, 22, 23, 24, 10, 11, 12, 5}));
  // Larger than the insertion-sort cut-off, against std::stable_sort.
  std::mt19937_64 rng(Seed());
  std::vector<int64_t> big;
  Ref<> bl = Ints({});
  for (int i = 0; i < 500; ++i) {
    big.push_back(static_cast<int64_t>(rng() % 1000));
    ASSERT_TRUE(ListAppend(bl.get(), I(big.back()).get()).ok());
  }
  Do(MKw(bl.get(), "sort", {}, {{"key", tens.get()}, {"reverse", True()}}));
  std::stable_sort(big.begin(), big.end(), [](int64_t a, int64_t b) { return a / 10 > b / 10; });
  EXPECT_EQ(Values(bl.get()), big);

  // A failing key function: its own exception, the list unchanged.
  Ref<> k = Ints({4, 13, 2});
  ExpectRaised(MKw(k.get(), "sort", {}, {{"key", negate.get()}}), "ZeroDivisionError: thirteen");
  EXPECT_EQ(Values(k.get()), (std::vector<int64_t>{4, 13, 2}));
  // A failing comparison: unchanged too.
  Ref<> mixed = Ints({2, 1});
  ASSERT_TRUE(ListAppend(mixed.get(), S("a").get()).ok());
  ExpectRaised(M(mixed.get(), "sort"),
               "TypeError: '<' not supported between instances of 'str' and 'int'");
  EXPECT_EQ(ListSize(mixed.get()), 3);
  // A key that is not callable: only called (and failing) with items.
  EXPECT_EQ(MKw(Ints({}).get(), "sort", {}, {{"key", I(1).get()}}).get(), None());
  ExpectRaised(MKw(Ints({1, 2}).get(), "sort", {}, {{"key", I(1).get()}}),
               "TypeError: 'int' object is not callable");
  ExpectRaised(MKw(l.get(), "sort", {I(1).get()}, {}),
               "TypeError: sort() takes no positional arguments");
  ExpectRaised(MKw(l.get(), "sort", {}, {{"foo", I(1).get()}}),
               "TypeError: sort() got an unexpected keyword argument 'foo'");
  // Mutation during the sort: ValueError, the sorted items kept, what the
  // key function appended dropped.
  Ref<> victim = Ints({3, 1, 2});
  Ref<> appending = CFunctionNew(&g_appending, victim.get());
  ExpectRaised(MKw(victim.get(), "sort", {}, {{"key", appending.get()}}),
               "ValueError: list modified during sort");
  EXPECT_EQ(Values(victim.get()), (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(MethodsTest, DictMethods) {
  Ref<> d = *DictNew();
  ASSERT_TRUE(DictSetItem(d.get(), S("a").get(), I(1).get()).ok());
  EXPECT_EQ(AsInt(M(d.get(), "get", {S("a").get()})), 1);
  EXPECT_EQ(M(d.get(), "get", {S("b").get()}).get(), None());
  EXPECT_EQ(AsInt(M(d.get(), "get", {S("b").get(), I(7).get()})), 7);
  EXPECT_EQ(AsInt(M(d.get(), "setdefault", {S("a").get(), I(5).get()})), 1);
  EXPECT_EQ(AsInt(M(d.get(), "setdefault", {S("b").get(), I(2).get()})), 2);
  EXPECT_EQ(M(d.get(), "setdefault", {S("c").get()}).get(), None());
  EXPECT_EQ(DictSize(d.get()), 3);
  EXPECT_EQ(M(d.get(), "pop", {S("c").get()}).get(), None());
  EXPECT_EQ(AsInt(M(d.get(), "pop", {S("zz").get(), I(9).get()})), 9);
  ExpectRaised(M(d.get(), "pop", {S("zz").get()}), "KeyError: 'zz'");
  Ref<> tkey = *TupleFromItems({I(1).get(), I(2).get()});
  ExpectRaised(M(d.get(), "pop", {tkey.get()}), "KeyError: (1, 2)");
  EXPECT_EQ(M(d.get(), "__contains__", {S("a").get()}).get(), True());
  EXPECT_EQ(M(d.get(), "__contains__", {S("q").get()}).get(), False());
  EXPECT_EQ(DictType()->tp_as_sequence->sq_contains(d.get(), S("b").get()), 1);

  // keys / values / items: lists (no views in ftrt), insertion order.
  Ref<> keys = M(d.get(), "keys");
  ASSERT_TRUE(keys && IsList(keys.get()));
  ASSERT_EQ(ListSize(keys.get()), 2);
  EXPECT_TRUE(StrEqualsUtf8(ListGetItemRef(keys.get(), 0)->get(), "a"));
  EXPECT_EQ(Values(M(d.get(), "values").get()), (std::vector<int64_t>{1, 2}));
  Ref<> items = M(d.get(), "items");
  ASSERT_EQ(ListSize(items.get()), 2);
  Ref<> second = *ListGetItemRef(items.get(), 1);
  ASSERT_TRUE(IsTuple(second.get()) && TupleSize(second.get()) == 2);
  EXPECT_TRUE(StrEqualsUtf8(TupleItem(second.get(), 0), "b"));
  EXPECT_EQ(IntValue(TupleItem(second.get(), 1)), 2);

  // update: a dict, pairs (tuples, lists), keywords.
  Ref<> other = *DictNew();
  ASSERT_TRUE(DictSetItem(other.get(), S("a").get(), I(10).get()).ok());
  Do(M(d.get(), "update", {other.get()}));
  EXPECT_EQ(AsInt(M(d.get(), "get", {S("a").get()})), 10);
  Ref<> pair1 = *TupleFromItems({I(1).get(), I(100).get()});
  Ref<> pair2 = Ints({2, 200});
  Ref<> pairs = *ListFromItems({pair1.get(), pair2.get()});
  EXPECT_EQ(MKw(d.get(), "update", {pairs.get()}, {{"kw", I(3).get()}}).get(), None());
  EXPECT_EQ(AsInt(M(d.get(), "get", {I(2).get()})), 200);
  EXPECT_EQ(AsInt(M(d.get(), "get", {S("kw").get()})), 3);
  EXPECT_EQ(DictSize(d.get()), 5);
  Ref<> bad_elem = Ints({1});
  ExpectRaised(M(d.get(), "update", {bad_elem.get()}),
               "TypeError: cannot convert dictionary update sequence element #0 to a sequence");
  Ref<> triple = Ints({1, 2, 3});
  Ref<> bad_len = *ListFromItems({pair1.get(), triple.get()});
  ExpectRaised(M(d.get(), "update", {bad_len.get()}),
               "ValueError: dictionary update sequence element #1 has length 3; 2 is required");
  ExpectRaised(M(d.get(), "update", {I(1).get()}), "TypeError: 'int' object is not iterable");
  ExpectRaised(M(d.get(), "update", {I(1).get(), I(2).get()}),
               "TypeError: update expected at most 1 argument, got 2");

  // popitem: LIFO.
  Ref<> last = M(d.get(), "popitem");
  ASSERT_TRUE(last && IsTuple(last.get()));
  EXPECT_TRUE(StrEqualsUtf8(TupleItem(last.get(), 0), "kw"));
  EXPECT_EQ(DictSize(d.get()), 4);
  Ref<> copy = M(d.get(), "copy");
  ASSERT_TRUE(copy && IsDict(copy.get()) && copy.get() != d.get());
  EXPECT_EQ(DictSize(copy.get()), 4);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(M(d.get(), "popitem")) << TakeError();
  ExpectRaised(M(d.get(), "popitem"), "KeyError: 'popitem(): dictionary is empty'");
  Do(M(copy.get(), "clear"));
  EXPECT_EQ(DictSize(copy.get()), 0);

  // popitem over many entries, mixed with inserts and deletes: LIFO order
  // of what is left, and every key once.
  Ref<> big = *DictNew();
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(DictSetItem(big.get(), I(i).get(), I(i).get()).ok());
  for (int i = 0; i < 300; i += 3) ASSERT_TRUE(DictDelItem(big.get(), I(i).get()).ok());
  int64_t expect_next = 299;
  while (DictSize(big.get()) > 0) {
    if (expect_next % 3 == 0) --expect_next;
    Ref<> kv = M(big.get(), "popitem");
    ASSERT_TRUE(kv);
    ASSERT_EQ(IntValue(TupleItem(kv.get(), 0)), expect_next);
    --expect_next;
    if (expect_next == 150) {  // a fresh entry goes last
      ASSERT_TRUE(DictSetItem(big.get(), I(1000).get(), I(0).get()).ok());
      Ref<> fresh = M(big.get(), "popitem");
      ASSERT_EQ(IntValue(TupleItem(fresh.get(), 0)), 1000);
    }
  }

  // fromkeys, a class method: on the type and on an instance.
  Ref<> fk = M(reinterpret_cast<PyObject*>(DictType()), "fromkeys", {Ints({1, 2, 1}).get()});
  ASSERT_TRUE(fk && fk->ob_type == DictType()) << TakeError();
  EXPECT_EQ(DictSize(fk.get()), 2);
  EXPECT_EQ(M(fk.get(), "get", {I(1).get(), I(5).get()}).get(), None());
  Ref<> fk2 = M(fk.get(), "fromkeys", {Ints({7}).get(), I(0).get()});
  ASSERT_TRUE(fk2);
  EXPECT_EQ(AsInt(M(fk2.get(), "get", {I(7).get()})), 0);
  ExpectRaised(M(fk.get(), "fromkeys"), "TypeError: fromkeys expected at least 1 argument, got 0");
  ExpectRaised(M(fk.get(), "fromkeys", {I(3).get()}), "TypeError: 'int' object is not iterable");

  ExpectRaised(M(d.get(), "get"), "TypeError: get expected at least 1 argument, got 0");
  ExpectRaised(M(d.get(), "get", {I(1).get(), I(2).get(), I(3).get()}),
               "TypeError: get expected at most 2 arguments, got 3");
  ExpectRaised(M(d.get(), "get", {Ints({}).get()}), "TypeError: unhashable type: 'list'");
  ExpectRaised(M(d.get(), "keys", {I(1).get()}),
               "TypeError: dict.keys() takes no arguments (1 given)");
  ExpectRaised(M(d.get(), "__contains__"),
               "TypeError: dict.__contains__() takes exactly one argument (0 given)");
}

TEST_F(MethodsTest, TupleMethods) {
  Ref<> t = *TupleFromItems({I(1).get(), I(2).get(), I(1).get(), S("x").get()});
  EXPECT_EQ(AsInt(M(t.get(), "index", {I(1).get()})), 0);
  EXPECT_EQ(AsInt(M(t.get(), "index", {I(1).get(), I(1).get()})), 2);
  EXPECT_EQ(AsInt(M(t.get(), "index", {S("x").get(), I(-1).get()})), 3);
  EXPECT_EQ(AsInt(M(t.get(), "count", {I(1).get()})), 2);
  EXPECT_EQ(AsInt(M(t.get(), "count", {I(5).get()})), 0);
  EXPECT_EQ(TupleType()->tp_as_sequence->sq_contains(t.get(), S("x").get()), 1);
  EXPECT_EQ(TupleType()->tp_as_sequence->sq_contains(t.get(), S("y").get()), 0);
  ExpectRaised(M(t.get(), "index", {I(1).get(), I(1).get(), I(2).get()}),
               "ValueError: tuple.index(x): x not in tuple");
  ExpectRaised(M(t.get(), "index"), "TypeError: index expected at least 1 argument, got 0");
  ExpectRaised(M(t.get(), "count"),
               "TypeError: tuple.count() takes exactly one argument (0 given)");
  ExpectRaised(M(t.get(), "append", {I(1).get()}),
               "AttributeError: 'tuple' object has no attribute 'append'");
}

TEST_F(MethodsTest, SetAndFrozenSetMethods) {
  Ref<> s = *SetNew(Ints({1, 2, 3}).get());
  EXPECT_EQ(M(s.get(), "add", {I(4).get()}).get(), None());
  EXPECT_EQ(M(s.get(), "add", {I(4).get()}).get(), None());
  EXPECT_EQ(M(s.get(), "discard", {I(1).get()}).get(), None());
  EXPECT_EQ(M(s.get(), "discard", {I(1).get()}).get(), None());
  EXPECT_EQ(M(s.get(), "remove", {I(2).get()}).get(), None());
  ExpectRaised(M(s.get(), "remove", {I(2).get()}), "KeyError: 2");
  EXPECT_EQ(SortedSet(s.get()), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(M(s.get(), "__contains__", {I(3).get()}).get(), True());
  // A set key is looked up as a frozenset.
  Ref<> holder = *SetNew();
  Ref<> fz = *FrozenSetNew(Ints({9}).get());
  ASSERT_TRUE(*SetAdd(holder.get(), fz.get()));
  Ref<> as_set = *SetNew(Ints({9}).get());
  EXPECT_EQ(M(holder.get(), "__contains__", {as_set.get()}).get(), True());
  EXPECT_EQ(M(holder.get(), "remove", {as_set.get()}).get(), None());
  EXPECT_EQ(SetSize(holder.get()), 0);

  Ref<> a = *SetNew(Ints({1, 2, 3}).get());
  Ref<> five = *TupleFromItems({I(5).get()});
  Ref<> u = M(a.get(), "union", {Ints({3, 4}).get(), five.get()});
  ASSERT_TRUE(u && IsSet(u.get()) && u.get() != a.get());
  EXPECT_EQ(SortedSet(u.get()), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  Ref<> in = M(a.get(), "intersection", {Ints({2, 3, 9}).get(), s.get()});
  EXPECT_EQ(SortedSet(in.get()), (std::vector<int64_t>{3}));
  Ref<> diff = M(a.get(), "difference", {Ints({1}).get(), s.get()});
  EXPECT_EQ(SortedSet(diff.get()), (std::vector<int64_t>{2}));
  Ref<> sym = M(a.get(), "symmetric_difference", {Ints({3, 4, 4}).get()});
  EXPECT_EQ(SortedSet(sym.get()), (std::vector<int64_t>{1, 2, 4}));
  EXPECT_EQ(M(a.get(), "issubset", {Ints({1, 2, 3, 4}).get()}).get(), True());
  EXPECT_EQ(M(a.get(), "issubset", {Ints({1, 2}).get()}).get(), False());
  EXPECT_EQ(M(a.get(), "issuperset", {Ints({1, 2}).get()}).get(), True());
  EXPECT_EQ(M(a.get(), "issuperset", {u.get()}).get(), False());
  EXPECT_EQ(M(a.get(), "isdisjoint", {Ints({7, 8}).get()}).get(), True());
  EXPECT_EQ(M(a.get(), "isdisjoint", {u.get()}).get(), False());
  EXPECT_EQ(SortedSet(a.get()), (std::vector<int64_t>{1, 2, 3}));  // unchanged
  Do(M(a.get(), "update", {Ints({10}).get(), GetIter(Ints({11}).get()).get()}));
  EXPECT_EQ(SortedSet(a.get()), (std::vector<int64_t>{1, 2, 3, 10, 11}));
  // The in-place updates.
  Ref<> w = *SetNew(Ints({1, 2, 3, 4, 5}).get());
  Do(M(w.get(), "difference_update", {Ints({1}).get(), GetIter(Ints({2}).get()).get()}));
  EXPECT_EQ(SortedSet(w.get()), (std::vector<int64_t>{3, 4, 5}));
  Do(M(w.get(), "intersection_update", {Ints({3, 4, 9}).get()}));
  EXPECT_EQ(SortedSet(w.get()), (std::vector<int64_t>{3, 4}));
  Do(M(w.get(), "symmetric_difference_update", {Ints({4, 6, 6}).get()}));
  EXPECT_EQ(SortedSet(w.get()), (std::vector<int64_t>{3, 6}));
  Do(M(w.get(), "symmetric_difference_update", {w.get()}));
  EXPECT_EQ(SetSize(w.get()), 0);
  ExpectRaised(M(w.get(), "difference_update", {I(1).get()}),
               "TypeError: 'int' object is not iterable");
  Ref<> ac = M(a.get(), "copy");
  ASSERT_TRUE(ac && IsSet(ac.get()) && ac.get() != a.get());
  Ref<> popped = M(a.get(), "pop");
  ASSERT_TRUE(popped);
  EXPECT_EQ(SetSize(a.get()), 4);
  Do(M(a.get(), "clear"));
  ExpectRaised(M(a.get(), "pop"), "KeyError: 'pop from an empty set'");
  EXPECT_EQ(SetSize(ac.get()), 5);

  // frozenset: the non-mutating methods, results are frozensets.
  Ref<> f = *FrozenSetNew(Ints({1, 2}).get());
  EXPECT_EQ(M(f.get(), "copy").get(), f.get());
  Ref<> fu = M(f.get(), "union", {Ints({3}).get()});
  ASSERT_TRUE(fu);
  EXPECT_EQ(fu->ob_type, FrozenSetType());
  EXPECT_EQ(SortedSet(fu.get()), (std::vector<int64_t>{1, 2, 3}));
  Ref<> fd = M(f.get(), "difference", {Ints({1}).get()});
  EXPECT_EQ(fd->ob_type, FrozenSetType());
  EXPECT_EQ(SortedSet(fd.get()), (std::vector<int64_t>{2}));
  EXPECT_EQ(M(f.get(), "issubset", {fu.get()}).get(), True());
  ExpectRaised(M(f.get(), "add", {I(1).get()}),
               "AttributeError: 'frozenset' object has no attribute 'add'");
  ExpectRaised(M(f.get(), "intersection_update", {f.get()}),
               "AttributeError: 'frozenset' object has no attribute 'intersection_update'");

  ExpectRaised(M(s.get(), "add"), "TypeError: set.add() takes exactly one argument (0 given)");
  ExpectRaised(M(s.get(), "add", {Ints({}).get()}), "TypeError: unhashable type: 'list'");
  ExpectRaised(M(s.get(), "union", {I(1).get()}), "TypeError: 'int' object is not iterable");
  ExpectRaised(M(s.get(), "issubset", {I(1).get()}), "TypeError: 'int' object is not iterable");
  ExpectRaised(M(s.get(), "symmetric_difference"),
               "TypeError: set.symmetric_difference() takes exactly one argument (0 given)");
  ExpectRaised(M(s.get(), "copy", {I(1).get()}),
               "TypeError: set.copy() takes no arguments (1 given)");
}

PyObject* T(PyTypeObject* t) { return reinterpret_cast<PyObject*>(t); }

// The operators - & ^ | and their in-place forms (CPython's results and
// errors).
TEST_F(MethodsTest, SetOperators) {
  Ref<> a = *SetNew(Ints({1, 2, 3}).get());
  Ref<> b = *FrozenSetNew(Ints({3, 4}).get());
  auto op = [](NumberOp o, PyObject* x, PyObject* y) {
    absl::StatusOr<Ref<>> r = NumberBinary(o, x, y);
    return r.ok() ? std::move(*r) : Ref<>();
  };
  Ref<> u = op(NumberOp::kOr, a.get(), b.get());
  ASSERT_TRUE(u && u->ob_type == SetType());  // the left operand's kind
  EXPECT_EQ(SortedSet(u.get()), (std::vector<int64_t>{1, 2, 3, 4}));
  Ref<> fu = op(NumberOp::kOr, b.get(), a.get());
  ASSERT_TRUE(fu && fu->ob_type == FrozenSetType());
  EXPECT_EQ(SortedSet(op(NumberOp::kAnd, a.get(), b.get()).get()), (std::vector<int64_t>{3}));
  EXPECT_EQ(SortedSet(op(NumberOp::kSubtract, a.get(), b.get()).get()),
            (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(SortedSet(op(NumberOp::kXor, a.get(), b.get()).get()),
            (std::vector<int64_t>{1, 2, 4}));
  // A list is not a set operand (the methods take any iterable).
  absl::StatusOr<Ref<>> bad = NumberBinary(NumberOp::kOr, a.get(), Ints({9}).get());
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "unsupported operand type(s) for |: 'set' and 'list'");
  // In place: the same set object, updated.
  absl::StatusOr<Ref<>> same = NumberInPlace(NumberOp::kOr, a.get(), b.get());
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->get(), a.get());
  EXPECT_EQ(SortedSet(a.get()), (std::vector<int64_t>{1, 2, 3, 4}));
  ASSERT_TRUE(NumberInPlace(NumberOp::kSubtract, a.get(), b.get()).ok());
  EXPECT_EQ(SortedSet(a.get()), (std::vector<int64_t>{1, 2}));
  ASSERT_TRUE(NumberInPlace(NumberOp::kXor, a.get(), b.get()).ok());
  EXPECT_EQ(SortedSet(a.get()), (std::vector<int64_t>{1, 2, 3, 4}));
  ASSERT_TRUE(NumberInPlace(NumberOp::kAnd, a.get(), b.get()).ok());
  EXPECT_EQ(SortedSet(a.get()), (std::vector<int64_t>{3, 4}));
  // A frozenset has no in-place form: |= makes a new frozenset.
  absl::StatusOr<Ref<>> fresh = NumberInPlace(NumberOp::kOr, b.get(), a.get());
  ASSERT_TRUE(fresh.ok());
  EXPECT_NE(fresh->get(), b.get());
  EXPECT_EQ(SortedSet(b.get()), (std::vector<int64_t>{3, 4}));
}

TEST_F(MethodsTest, CallingTheTypes) {
  Ref<> src = Ints({3, 1, 3});
  Ref<> l = CallOneArg(T(ListType()), src.get());
  ASSERT_TRUE(l && l->ob_type == ListType() && l.get() != src.get()) << TakeError();
  EXPECT_EQ(Values(l.get()), (std::vector<int64_t>{3, 1, 3}));
  Ref<> empty = CallNoArgs(T(ListType()));
  ASSERT_TRUE(empty && IsList(empty.get()));
  EXPECT_EQ(ListSize(empty.get()), 0);
  Ref<> from_iter = CallOneArg(T(ListType()), GetIter(src.get()).get());
  EXPECT_EQ(Values(from_iter.get()), (std::vector<int64_t>{3, 1, 3}));
  Ref<> t = CallOneArg(T(TupleType()), src.get());
  ASSERT_TRUE(t && IsTuple(t.get()));
  EXPECT_EQ(Values(t.get()), (std::vector<int64_t>{3, 1, 3}));
  EXPECT_EQ(CallOneArg(T(TupleType()), t.get()).get(), t.get());  // a tuple is its own tuple()
  Ref<> s = CallOneArg(T(SetType()), src.get());
  ASSERT_TRUE(s && s->ob_type == SetType());
  EXPECT_EQ(SortedSet(s.get()), (std::vector<int64_t>{1, 3}));
  Ref<> f = CallOneArg(T(FrozenSetType()), GetIter(src.get()).get());
  ASSERT_TRUE(f && f->ob_type == FrozenSetType());
  EXPECT_EQ(SortedSet(f.get()), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(CallOneArg(T(FrozenSetType()), f.get()).get(), f.get());
  Ref<> pair = *TupleFromItems({S("a").get(), I(1).get()});
  Ref<> pairs = *ListFromItems({pair.get()});
  Ref<> kwargs = *DictNew();
  ASSERT_TRUE(DictSetItem(kwargs.get(), S("b").get(), I(2).get()).ok());
  Ref<> args = *TupleFromItems({pairs.get()});
  Ref<> d = Call(T(DictType()), args.get(), kwargs.get());
  ASSERT_TRUE(d && d->ob_type == DictType()) << TakeError();
  EXPECT_EQ(DictSize(d.get()), 2);
  EXPECT_EQ(IntValue(DictGetItemStringRef(d.get(), "b")->get()), 2);
  Ref<> d2 = CallOneArg(T(DictType()), d.get());
  ASSERT_TRUE(d2 && d2.get() != d.get());
  EXPECT_EQ(DictSize(d2.get()), 2);

  ExpectRaised(CallOneArg(T(ListType()), I(1).get()), "TypeError: 'int' object is not iterable");
  ExpectRaised(CallArgs(T(ListType()), {src.get(), src.get()}),
               "TypeError: list expected at most 1 argument, got 2");
  ExpectRaised(Call(T(ListType()), EmptyTuple(), kwargs.get()),
               "TypeError: list() takes no keyword arguments");
  ExpectRaised(Call(T(SetType()), EmptyTuple(), kwargs.get()),
               "TypeError: set() takes no keyword arguments");
  ExpectRaised(CallArgs(T(TupleType()), {src.get(), src.get()}),
               "TypeError: tuple expected at most 1 argument, got 2");
  ExpectRaised(CallOneArg(T(FrozenSetType()), I(1).get()),
               "TypeError: 'int' object is not iterable");
  ExpectRaised(CallOneArg(T(DictType()), src.get()),
               "TypeError: cannot convert dictionary update sequence element #0 to a sequence");
}

TEST_F(MethodsTest, NoObjectsLeak) {
  const int64_t before = LiveObjects();
  {
    Ref<> l = Ints({5, 3, 4});
    Ref<> negate = CFunctionNew(&g_negate, nullptr);
    Do(MKw(l.get(), "sort", {}, {{"key", negate.get()}}));
    Ref<> l13 = Ints({13, 1});
    ExpectRaised(MKw(l13.get(), "sort", {}, {{"key", negate.get()}}),
                 "ZeroDivisionError: thirteen");
    Ref<> d = *DictNew();
    Ref<> pair = *TupleFromItems({S("k").get(), l.get()});
    Ref<> pairs = *ListFromItems({pair.get()});
    Do(M(d.get(), "update", {pairs.get()}));
    Ref<> items = M(d.get(), "items");
    Ref<> kv = M(d.get(), "popitem");
    ExpectRaised(M(d.get(), "pop", {S("k").get()}), "KeyError: 'k'");
    Ref<> s = *SetNew(l.get());
    Ref<> u = M(s.get(), "symmetric_difference", {Ints({1, 3}).get()});
    Ref<> f = *FrozenSetNew(l.get());
    Ref<> fi = M(f.get(), "intersection", {GetIter(l.get()).get()});
    ASSERT_TRUE(u && fi && items && kv);
  }
  EXPECT_EQ(LiveObjects(), before);
}

// list += and *= (sq_inplace_concat / sq_inplace_repeat) from six threads
// on one list whose every item is one object X, mixed with truncations and
// lock-free reads: each repeat is one step, so readers only ever see X,
// and at the end X's count is exactly our reference plus one per item (a
// repeat that lost or doubled an increment would show).
TEST_F(MethodsTest, StressInPlaceConcatAndRepeat) {
  constexpr int kThreads = 6;
  const int64_t ops = std::max<long>(200, testing_util::Scaled(3'000, 200) / (kAsan ? 4 : 1));
  PySequenceMethods* sq = ListType()->tp_as_sequence;
  ASSERT_NE(sq->sq_inplace_concat, nullptr);
  ASSERT_NE(sq->sq_inplace_repeat, nullptr);
  Ref<> x = S("the item");
  Ref<> list = *ListFromItems({x.get()});
  Ref<> one = *ListFromItems({x.get()});
  std::atomic<int64_t> bad{0};
  RunThreads(kThreads, [&](int t) {
    std::mt19937_64 rng(Seed() * 104729 + static_cast<uint64_t>(t));
    for (int64_t n = 0; n < ops; ++n) {
      const uint64_t op = rng() % 8;
      if (op < 2) {
        Ref<> r = Ref<>::Steal(sq->sq_inplace_repeat(list.get(), 2));
        if (r.get() != list.get()) bad.fetch_add(1, std::memory_order_relaxed);
      } else if (op < 4) {
        Ref<> r = Ref<>::Steal(sq->sq_inplace_concat(list.get(), one.get()));
        if (r.get() != list.get()) bad.fetch_add(1, std::memory_order_relaxed);
      } else if (op < 6) {
        // Keep it small: truncate to a few items.
        const Py_ssize_t keep = static_cast<Py_ssize_t>(rng() % 8) + 1;
        if (!ListSetSlice(list.get(), keep, PY_SSIZE_T_MAX, nullptr).ok()) {
          bad.fetch_add(1, std::memory_order_relaxed);
        }
      } else {
        const Py_ssize_t size = ListSize(list.get());
        for (Py_ssize_t i = 0; i < size; ++i) {
          absl::StatusOr<Ref<>> item = ListGetItemRef(list.get(), i);
          if (item.ok() && item->get() != x.get()) bad.fetch_add(1, std::memory_order_relaxed);
        }
      }
      if (rng() % 16 == 0) std::this_thread::yield();
      if (n % 64 == 0) Checkpoint();
    }
  });
  EXPECT_EQ(bad.load(std::memory_order_relaxed), 0);
  const Py_ssize_t size = ListSize(list.get());
  EXPECT_GE(size, 1);
  for (Py_ssize_t i = 0; i < size; ++i) EXPECT_EQ(ListGetItemRef(list.get(), i)->get(), x.get());
  EXPECT_EQ(Refcount(x.get()), 2 + size);  // ours, `one`'s, and the list's items
}

// The stress test. One shared list (appends, extends, inserts, pops,
// counts, copies, sorts), one shared dict (each thread's own keys through
// setdefault / update / pop / get against a private model; a shared bag
// through setdefault and popitem) and one shared set (each thread's own
// keys through add / discard / remove against a model; unions and
// intersections with a range that is never removed).
TEST_F(MethodsTest, StressSixThreadsOnSharedContainers) {
  constexpr int kThreads = 6;
  constexpr int64_t kOwn = 200;
  constexpr int64_t kFixedBase = 1'000'000, kFixed = 50;
  const int64_t ops = std::max<long>(300, testing_util::Scaled(6'000, 300) / (kAsan ? 4 : 1));
  Ref<> list = Ints({});
  Ref<> dict = *DictNew();
  Ref<> bag = *DictNew();
  Ref<> set = *SetNew();
  Ref<> fixed = *SetNew();
  for (int64_t k = kFixedBase; k < kFixedBase + kFixed; ++k) {
    ASSERT_TRUE(*SetAdd(set.get(), I(k).get()));
    ASSERT_TRUE(*SetAdd(fixed.get(), I(k).get()));
  }
  std::atomic<int64_t> bad{0}, list_sum{0}, list_count{0}, bag_added{0};
  std::vector<std::vector<int64_t>> bag_popped(kThreads);
  std::vector<std::string> first_error(kThreads);
  RunThreads(kThreads, [&](int t) {
    std::mt19937_64 rng(Seed() * 7919 + static_cast<uint64_t>(t));
    std::vector<bool> dict_model(kOwn, false), set_model(kOwn, false);
    auto fail = [&](const char* what) {
      if (first_error[t].empty()) first_error[t] = std::string(what) + " " + TakeError();
      bad.fetch_add(1, std::memory_order_relaxed);
    };
    int64_t sum = 0, count = 0, bag_next = 0;
    for (int64_t n = 0; n < ops; ++n) {
      const uint64_t op = rng() % 20;
      const int64_t v = static_cast<int64_t>(rng() % 1000) + 1;  // list values are > 0
      if (op < 3) {
        if (!M(list.get(), "append", {I(v).get()})) fail("append");
        sum += v, ++count;
      } else if (op == 3) {
        Ref<> pair = Ints({v, v + 1});
        if (!M(list.get(), "extend", {pair.get()})) fail("extend");
        sum += 2 * v + 1, count += 2;
      } else if (op == 4) {
        if (!M(list.get(), "insert", {I(static_cast<int64_t>(rng() % 8)).get(), I(v).get()})) {
          fail("insert");
        }
        sum += v, ++count;
      } else if (op < 7) {
        Ref<> r = op == 5 ? M(list.get(), "pop") : M(list.get(), "pop", {I(0).get()});
        if (r) {
          sum -= IntValue(r.get()), --count;
        } else if (TakeError() != "IndexError: pop from empty list") {
          fail("pop");
        }
      } else if (op == 7) {
        Ref<> cp = M(list.get(), "copy");
        if (!cp) {
          fail("copy");
        } else {
          for (int64_t x : Values(cp.get())) {
            if (x <= 0) fail("copy item");
          }
        }
      } else if (op == 8) {
        Ref<> cnt = M(list.get(), "count", {I(v).get()});
        if (!cnt || IntValue(cnt.get()) < 0) fail("count");
        if (rng() % 8 == 0) {
          // Ints compare without running code that could let another
          // thread in: the sort is never "modified".
          if (!MKw(list.get(), "sort", {}, {{"reverse", BoolFrom(rng() % 2)}})) fail("sort");
        }
      } else if (op < 12) {
        const int64_t i = static_cast<int64_t>(rng() % kOwn);
        const size_t mi = static_cast<size_t>(i);
        Ref<> key = I(t * kOwn + i);
        if (op == 9) {
          Ref<> r = M(dict.get(), "setdefault", {key.get(), I(i).get()});
          if (!r || IntValue(r.get()) != i) fail("setdefault");
          dict_model[mi] = true;
        } else if (op == 10) {
          Ref<> r = M(dict.get(), "pop", {key.get(), None()});
          if (!r || (r.get() == None()) == dict_model[mi]) fail("dict pop");
          dict_model[mi] = false;
        } else {
          Ref<> r = M(dict.get(), "get", {key.get(), None()});
          if (!r || (r.get() != None()) != dict_model[mi]) fail("get");
          if (rng() % 4 == 0) {
            Ref<> one = *DictNew();
            (void)DictSetItem(one.get(), key.get(), I(i).get());
            if (!M(dict.get(), "update", {one.get()})) fail("update");
            dict_model[mi] = true;
          }
        }
      } else if (op < 14) {
        if (op == 12) {
          const int64_t k = t * 1'000'000 + bag_next++;
          if (!M(bag.get(), "setdefault", {I(k).get(), I(k).get()})) fail("bag add");
          bag_added.fetch_add(1, std::memory_order_relaxed);
        } else {
          Ref<> kv = M(bag.get(), "popitem");
          if (kv) {
            if (IntValue(TupleItem(kv.get(), 0)) != IntValue(TupleItem(kv.get(), 1))) {
              fail("popitem pair");
            }
            bag_popped[t].push_back(IntValue(TupleItem(kv.get(), 0)));
          } else if (TakeError() != "KeyError: 'popitem(): dictionary is empty'") {
            fail("popitem");
          }
        }
      } else if (op < 18) {
        const int64_t i = static_cast<int64_t>(rng() % kOwn);
        const size_t mi = static_cast<size_t>(i);
        Ref<> key = I(t * kOwn + i);
        if (op == 14) {
          if (!M(set.get(), "add", {key.get()})) fail("add");
          set_model[mi] = true;
        } else if (op == 15) {
          if (!M(set.get(), "discard", {key.get()})) fail("discard");
          set_model[mi] = false;
        } else if (op == 16) {
          Ref<> r = M(set.get(), "remove", {key.get()});
          if (static_cast<bool>(r) != set_model[mi]) fail("remove");
          if (!r && TakeError().rfind("KeyError: ", 0) != 0) fail("remove error");
          set_model[mi] = false;
        } else {
          Ref<> r = M(set.get(), "__contains__", {key.get()});
          if (!r || (r.get() == True()) != set_model[mi]) fail("contains");
        }
      } else {
        // Readers over the whole set: the fixed range is always there.
        Ref<> inter = M(set.get(), "intersection", {fixed.get()});
        if (!inter || SetSize(inter.get()) != kFixed) fail("intersection");
        Ref<> sub = M(fixed.get(), "issubset", {set.get()});
        if (!sub || sub.get() != True()) fail("issubset");
        Ref<> uni = M(fixed.get(), "union", {set.get()});
        if (!uni || SetSize(uni.get()) < kFixed) fail("union");
      }
      if (rng() % 32 == 0) std::this_thread::yield();
      if (n % 64 == 0) Checkpoint();
    }
    list_sum.fetch_add(sum, std::memory_order_relaxed);
    list_count.fetch_add(count, std::memory_order_relaxed);
    // Leave the own keys in a known state: k % 3 == 0 present.
    for (int64_t i = 0; i < kOwn; ++i) {
      Ref<> key = I(t * kOwn + i);
      if (i % 3 == 0) {
        if (!M(dict.get(), "setdefault", {key.get(), I(i).get()})) fail("final setdefault");
        if (!M(set.get(), "add", {key.get()})) fail("final add");
      } else {
        if (!M(dict.get(), "pop", {key.get(), None()})) fail("final pop");
        if (!M(set.get(), "discard", {key.get()})) fail("final discard");
      }
    }
  });
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(first_error[t], "") << "thread " << t;
  EXPECT_EQ(bad.load(std::memory_order_relaxed), 0);
  // The list: exactly what was appended minus what was popped.
  std::vector<int64_t> final_items = Values(list.get());
  int64_t final_sum = 0;
  for (int64_t x : final_items) final_sum += x;
  EXPECT_EQ(static_cast<int64_t>(final_items.size()), list_count.load(std::memory_order_relaxed));
  EXPECT_EQ(final_sum, list_sum.load(std::memory_order_relaxed));
  // The bag: every key popped at most once; popped + left = added.
  std::set<int64_t> seen;
  size_t popped = 0;
  for (auto& v : bag_popped) {
    for (int64_t k : v) EXPECT_TRUE(seen.insert(k).second) << "popped twice: " << k;
    popped += v.size();
  }
  Ref<> left = M(bag.get(), "keys");
  for (int64_t k : Values(left.get())) EXPECT_TRUE(seen.insert(k).second) << "popped and left " << k;
  EXPECT_EQ(static_cast<int64_t>(popped) + ListSize(left.get()),
            bag_added.load(std::memory_order_relaxed));
  // The dict and the set: exactly each thread's k % 3 == 0 keys (and the
  // fixed range in the set).
  std::vector<int64_t> expected;
  for (int t = 0; t < kThreads; ++t) {
    for (int64_t i = 0; i < kOwn; i += 3) expected.push_back(t * kOwn + i);
  }
  std::vector<int64_t> dict_keys = Values(M(dict.get(), "keys").get());
  std::sort(dict_keys.begin(), dict_keys.end());
  EXPECT_EQ(dict_keys, expected);
  for (int64_t k = kFixedBase; k < kFixedBase + kFixed; ++k) expected.push_back(k);
  EXPECT_EQ(SortedSet(set.get()), expected);
}

}  // namespace
}  // namespace ftrt
