// Tests for object/str.h: PEP 393 kinds and the ASCII flag, the layout C
// macros read, UTF-8 round trips and invalid input, the caches (also under
// concurrent first use), equality, ordering and hashing.
#include "object/str.h"

#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "object/builtin_test_env.h"
#include "object/bytes.h"
#include "object/compare.h"
#include "object/errors.h"
#include "object/int.h"
#include "object/refcount.h"
#include "object/str_ops.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using StrTest = testing_util::RuntimeTest;

using testing_util::Str;

// What PyUnicode_DATA computes from the fields, as C code does.
const void* MacroData(PyObject* op) {
  auto* a = reinterpret_cast<PyASCIIObject*>(op);
  EXPECT_TRUE(a->state.compact);
  return a->state.ascii
             ? static_cast<const void*>(a + 1)
             : static_cast<const void*>(reinterpret_cast<PyCompactUnicodeObject*>(op) + 1);
}

TEST_F(StrTest, KindsAndAsciiFlag) {
  struct Case {
    const char* utf8;
    Py_ssize_t length;
    int kind;
    bool ascii;
    Py_UCS4 max_char_value;
  };
  const Case cases[] = {
      {"hello", 5, PyUnicode_1BYTE_KIND, true, 0x7F},
      {"h\xc3\xa9llo", 5, PyUnicode_1BYTE_KIND, false, 0xFF},  // é: Latin-1
      {"\xe2\x82\xac"
       "uro",
       4, PyUnicode_2BYTE_KIND, false, 0xFFFF},  // €: BMP
      {"\xe6\x97\xa5\xe6\x9c\xac", 2, PyUnicode_2BYTE_KIND, false, 0xFFFF},
      {"\xf0\x9f\x98\x80x", 2, PyUnicode_4BYTE_KIND, false, 0x10FFFF},  // U+1F600
  };
  for (const Case& c : cases) {
    Ref<> s = Str(c.utf8);
    PyObject* op = s.get();
    EXPECT_TRUE(IsStrExact(op));
    EXPECT_EQ(StrLength(op), c.length) << c.utf8;
    EXPECT_EQ(StrKind(op), c.kind) << c.utf8;
    EXPECT_EQ(StrIsAscii(op), c.ascii) << c.utf8;
    EXPECT_EQ(StrMaxCharValue(op), c.max_char_value);
    auto* a = reinterpret_cast<PyASCIIObject*>(op);
    EXPECT_EQ(a->state.compact, 1u);
    EXPECT_EQ(a->state.interned, 0u);
    EXPECT_EQ(a->state.statically_allocated, 0u);
    EXPECT_EQ(a->length, c.length);
    // The data sits right after the struct C code expects, and ends in a
    // NUL of the kind's width (PyUnicode_READ_CHAR may read str[len]).
    EXPECT_EQ(MacroData(op), StrData(op));
    EXPECT_EQ(StrReadChar(op, c.length), 0u);
  }
  Ref<> s = Str("a\xc3\xa9\xe2\x82\xac");  // a, é, € -> kind 2
  EXPECT_EQ(StrReadChar(s.get(), 0), static_cast<Py_UCS4>('a'));
  EXPECT_EQ(StrReadChar(s.get(), 1), 0xE9u);
  EXPECT_EQ(StrReadChar(s.get(), 2), 0x20ACu);
  EXPECT_EQ(static_cast<const Py_UCS2*>(StrData(s.get()))[2], 0x20AC);
}

TEST_F(StrTest, Utf8RoundTripsAndIsCached) {
  const std::string euro100 = std::string("\xe2\x82\xac") + "100";
  const char* texts[] = {"", "ascii only", "caf\xc3\xa9", euro100.c_str(),
                         "mixed \xf0\x9f\x98\x80 emoji \xe6\x97\xa5"};
  for (const char* t : texts) {
    Ref<> s = Str(t);
    absl::StatusOr<absl::string_view> u = StrAsUtf8(s.get());
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(*u, t);
    EXPECT_EQ(u->data()[u->size()], '\0');
    // The second call returns the cached bytes.
    EXPECT_EQ(StrAsUtf8(s.get())->data(), u->data());
    EXPECT_TRUE(StrEqualsUtf8(s.get(), t));
  }
  // ASCII: the UTF-8 form is the data itself; others keep it in utf8.
  Ref<> ascii = Str("abc");
  EXPECT_EQ(StrAsUtf8(ascii.get())->data(), StrData(ascii.get()));
  Ref<> latin = Str("caf\xc3\xa9");
  auto* compact = reinterpret_cast<PyCompactUnicodeObject*>(latin.get());
  EXPECT_EQ(compact->utf8, StrAsUtf8(latin.get())->data());
  EXPECT_EQ(compact->utf8_length, 5);
}

TEST_F(StrTest, InvalidUtf8IsATypedError) {
  absl::StatusOr<Ref<>> s = StrFromUtf8("ok\xff");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(KindOf(s.status()), ErrorKind::kUnicodeDecodeError);
  EXPECT_EQ(s.status().message(),
            "'utf-8' codec can't decode byte 0xff in position 2: invalid start byte");
  EXPECT_FALSE(StrFromUtf8("\xed\xa0\x80").ok());  // an encoded surrogate
  EXPECT_FALSE(StrEqualsUtf8(Str("x").get(), "\xff"));
}

TEST_F(StrTest, NewWriteAndLoneSurrogate) {
  Ref<> s = *StrNew(3, 0xFFFF);
  EXPECT_EQ(StrKind(s.get()), PyUnicode_2BYTE_KIND);
  auto* data = static_cast<Py_UCS2*>(StrData(s.get()));
  data[0] = 'a';
  data[1] = 0xD800;  // lone surrogate: representable, not encodable
  data[2] = 'b';
  absl::StatusOr<absl::string_view> u = StrAsUtf8(s.get());
  EXPECT_EQ(KindOf(u.status()), ErrorKind::kUnicodeEncodeError);
  EXPECT_EQ(KindOf(StrNew(-1, 0).status()), ErrorKind::kSystemError);
  EXPECT_EQ(KindOf(StrNew(1, 0x110000).status()), ErrorKind::kSystemError);
}

TEST_F(StrTest, FromCodePointsAndKindDataNarrow) {
  const Py_UCS4 cps[] = {'h', 'i', 0xE9};
  Ref<> s = *StrFromCodePoints(cps);
  EXPECT_EQ(StrKind(s.get()), PyUnicode_1BYTE_KIND);
  EXPECT_TRUE(StrEqual(s.get(), Str("hi\xc3\xa9").get()));
  const Py_UCS4 wide_but_ascii[] = {'a', 'b'};
  Ref<> n = *StrFromKindAndData(PyUnicode_4BYTE_KIND, wide_but_ascii, 2);
  EXPECT_TRUE(StrIsAscii(n.get()));
  EXPECT_EQ(KindOf(StrFromCodePoints(std::vector<Py_UCS4>{0x110000}).status()),
            ErrorKind::kValueError);
  EXPECT_EQ(StrFromCodePoints({}).value().get(), EmptyStr());
}

TEST_F(StrTest, EmptyIsAStaticImmortalSingleton) {
  Ref<> e = Str("");
  EXPECT_EQ(e.get(), EmptyStr());
  EXPECT_TRUE(IsImmortal(e.get()));
  EXPECT_EQ(reinterpret_cast<PyASCIIObject*>(e.get())->state.statically_allocated, 1u);
  EXPECT_EQ(StrHash(e.get()), 0);
  EXPECT_EQ(StrLength(e.get()), 0);
}

TEST_F(StrTest, ConcatPicksTheWiderKind) {
  Ref<> ab = *StrConcat(Str("ab").get(), Str("c\xc3\xa9").get());
  EXPECT_TRUE(StrEqualsUtf8(ab.get(), "abc\xc3\xa9"));
  EXPECT_EQ(StrKind(ab.get()), PyUnicode_1BYTE_KIND);
  EXPECT_FALSE(StrIsAscii(ab.get()));
  Ref<> wide = *StrConcat(Str("x\xc3\xa9").get(), Str("\xf0\x9f\x98\x80").get());
  EXPECT_EQ(StrKind(wide.get()), PyUnicode_4BYTE_KIND);
  EXPECT_TRUE(StrEqualsUtf8(wide.get(), "x\xc3\xa9\xf0\x9f\x98\x80"));
  absl::StatusOr<Ref<>> bad = StrConcat(Str("a").get(), BytesFromData("b")->get());
  EXPECT_EQ(KindOf(bad.status()), ErrorKind::kTypeError);
  EXPECT_EQ(bad.status().message(), "can only concatenate str (not \"bytes\") to str");
}

TEST_F(StrTest, HashMatchesCPythonAndIsCached) {
  struct Case {
    const char* utf8;
    Py_hash_t hash;  // CPython 3.13, PYTHONHASHSEED=0
  };
  const Case cases[] = {
      {"a", 4644417185603328019},
      {"abc", -4594863902769663758},
      {"\xc3\xa9", 6047309291227476195},
      {"h\xc3\xa9llo", 6395329678795984700},
      {"\xe2\x82\xac"
       "uro",
       7542247858446192590},
      {"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 7116994712188270},
      {"\xf0\x9f\x98\x80x", -8926728262118538918},
  };
  for (const Case& c : cases) {
    Ref<> s = Str(c.utf8);
    EXPECT_EQ(reinterpret_cast<PyASCIIObject*>(s.get())->hash, -1);
    EXPECT_EQ(*Hash(s.get()), c.hash) << c.utf8;
    EXPECT_EQ(reinterpret_cast<PyASCIIObject*>(s.get())->hash, c.hash);
  }
  // str and bytes of the same ASCII text hash alike, as in CPython.
  EXPECT_EQ(*Hash(Str("abc").get()), *Hash(BytesFromData("abc")->get()));
}

TEST_F(StrTest, EqualityOrderingAndHashAgree) {
  Ref<> a1 = Str("caf\xc3\xa9");
  Ref<> a2 = Str("caf\xc3\xa9");
  ASSERT_NE(a1.get(), a2.get());
  EXPECT_TRUE(*RichCompareBool(a1.get(), a2.get(), Py_EQ));
  EXPECT_EQ(*Hash(a1.get()), *Hash(a2.get()));
  EXPECT_FALSE(*RichCompareBool(a1.get(), Str("cafe").get(), Py_EQ));
  EXPECT_TRUE(*RichCompareBool(Str("abc").get(), Str("abd").get(), Py_LT));
  EXPECT_TRUE(*RichCompareBool(Str("ab").get(), Str("abc").get(), Py_LT));
  EXPECT_TRUE(*RichCompareBool(Str("z").get(), Str("\xc3\xa9").get(), Py_LT));  // by code point
  EXPECT_TRUE(*RichCompareBool(Str("\xf0\x9f\x98\x80").get(), Str("\xe2\x82\xac").get(), Py_GT));
  EXPECT_EQ(StrCompare(Str("x").get(), Str("x").get()), 0);
  EXPECT_FALSE(*RichCompareBool(Str("1").get(), IntFromInt64(1)->get(), Py_EQ));
  absl::StatusOr<bool> bad = RichCompareBool(Str("1").get(), IntFromInt64(1)->get(), Py_LT);
  EXPECT_EQ(bad.status().message(), "'<' not supported between instances of 'str' and 'int'");
  EXPECT_FALSE(*IsTrue(EmptyStr()));
  EXPECT_TRUE(*IsTrue(a1.get()));
}

TEST_F(StrTest, CachesFillSafelyFromManyThreads) {
  // One fresh string per round; 4 threads race to make its hash and its
  // UTF-8 form (TSan checks the publication; the result must agree).
  const int rounds = static_cast<int>(testing_util::Scaled(2000, 50));
  std::vector<Ref<>> strings;
  for (int i = 0; i < rounds; ++i) {
    strings.push_back(Str("r\xc3\xa9sum\xc3\xa9 \xe2\x82\xac" + std::to_string(i)));
  }
  std::vector<Py_hash_t> expected;
  for (int i = 0; i < rounds; ++i) {
    const std::string t = "r\xc3\xa9sum\xc3\xa9 \xe2\x82\xac" + std::to_string(i);
    expected.push_back(*Hash(Str(t).get()));
  }
  std::atomic<int> mismatches{0};
  RunThreads(4, [&](int) {
    for (int i = 0; i < rounds; ++i) {
      PyObject* s = strings[static_cast<size_t>(i)].get();
      if (StrHash(s) != expected[static_cast<size_t>(i)])
        mismatches.fetch_add(1, std::memory_order_relaxed);
      absl::StatusOr<absl::string_view> u = StrAsUtf8(s);
      if (!u.ok() || *u != "r\xc3\xa9sum\xc3\xa9 \xe2\x82\xac" + std::to_string(i)) {
        mismatches.fetch_add(1, std::memory_order_relaxed);
      }
    }
  });
  EXPECT_EQ(mismatches.load(std::memory_order_acquire), 0);
}

TEST_F(StrTest, Latin1CharactersAreSingletons) {
  // Every constructor gives the one static object for U+0000..U+00FF.
  for (int c = 0; c < 0x100; ++c) {
    const Py_UCS4 cp = static_cast<Py_UCS4>(c);
    PyObject* one = Latin1Char(static_cast<Py_UCS1>(c));
    EXPECT_TRUE(IsImmortal(one));
    EXPECT_EQ(StrLength(one), 1);
    EXPECT_EQ(StrReadChar(one, 0), cp);
    EXPECT_EQ(StrIsAscii(one), c < 0x80);
    EXPECT_EQ(StrFromCodePoints({cp})->get(), one);
    const Py_UCS4 wide[1] = {cp};
    EXPECT_EQ(StrFromKindAndData(PyUnicode_4BYTE_KIND, wide, 1)->get(), one);
    std::string utf8;
    if (c < 0x80) {
      utf8 = std::string(1, static_cast<char>(c));
    } else {
      utf8 = {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
    }
    EXPECT_EQ(StrFromUtf8(utf8)->get(), one);
    // Equal to, and hashing as, a string made the long way.
    Ref<> longer = Str(utf8 + "x");
    EXPECT_EQ(StrReadChar(longer.get(), 0), cp);
  }
  // Past U+00FF, and longer strings, are objects of their own.
  EXPECT_NE(StrFromCodePoints({0x100})->get(), StrFromCodePoints({0x100})->get());
  EXPECT_NE(Str("ab").get(), Str("ab").get());
  // A singleton cannot be written (it is shared by every user).
  absl::Status st = StrWriteChar(Latin1Char('a'), 0, 'b');
  EXPECT_EQ(st.message(), "Cannot modify a string currently used");
  EXPECT_EQ(StrReadChar(Latin1Char('a'), 0), static_cast<Py_UCS4>('a'));
  // 4 threads race to fill the hash and UTF-8 caches of the non-ASCII
  // ones (static objects: TSan checks the publication).
  std::vector<Py_hash_t> want_hash(0x100);
  for (int c = 0x80; c < 0x100; ++c) {
    Ref<> fresh = *StrNew(1, static_cast<Py_UCS4>(c));  // not the singleton
    ASSERT_TRUE(StrWriteChar(fresh.get(), 0, static_cast<Py_UCS4>(c)).ok());
    ASSERT_NE(fresh.get(), Latin1Char(static_cast<Py_UCS1>(c)));
    want_hash[static_cast<size_t>(c)] = StrHash(fresh.get());
  }
  std::atomic<int> mismatches{0};
  RunThreads(4, [&](int) {
    for (int c = 0x80; c < 0x100; ++c) {
      PyObject* one = Latin1Char(static_cast<Py_UCS1>(c));
      const std::string want = {static_cast<char>(0xC0 | (c >> 6)),
                                static_cast<char>(0x80 | (c & 0x3F))};
      absl::StatusOr<absl::string_view> u = StrAsUtf8(one);
      if (!u.ok() || *u != want) mismatches.fetch_add(1, std::memory_order_relaxed);
      if (StrHash(one) != want_hash[static_cast<size_t>(c)]) {
        mismatches.fetch_add(1, std::memory_order_relaxed);
      }
    }
  });
  EXPECT_EQ(mismatches.load(std::memory_order_acquire), 0);
}

}  // namespace
}  // namespace ftrt
