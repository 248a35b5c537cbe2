// Tests for object/str_ops.h: searches across kinds with Python's slice
// clamping and empty-substring rules, join/split/replace (results in
// canonical form), the Latin-1 and ASCII codecs and their errors, the
// writes into an unpublished string and their refusals, and concurrent
// use of shared strings.
#include "object/str_ops.h"

#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "object/builtin_test_env.h"
#include "object/bytes.h"
#include "object/errors.h"
#include "object/list.h"
#include "object/refcount.h"
#include "object/str.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using StrOpsTest = testing_util::RuntimeTest;

using testing_util::Str;

std::string U(const PyObject* s) { return std::string(*StrAsUtf8(const_cast<PyObject*>(s))); }

std::vector<std::string> Items(PyObject* list) {
  std::vector<std::string> out;
  for (Py_ssize_t i = 0; i < ListSize(list); ++i) out.push_back(U(ListGetItemRef(list, i)->get()));
  return out;
}

TEST_F(StrOpsTest, FindAcrossKindsWithSliceRules) {
  Ref<> s = Str("h\xc3\xa9llo w\xe2\x82\xac" "rld \xe2\x82\xac!");  // "héllo w€rld €!"
  ASSERT_EQ(StrKind(s.get()), PyUnicode_2BYTE_KIND);
  Ref<> euro = Str("\xe2\x82\xac"), l = Str("l"), empty = Str(""), none = Str("xyz");
  EXPECT_EQ(StrFind(s.get(), euro.get(), 0, PY_SSIZE_T_MAX, 1), 7);
  EXPECT_EQ(StrFind(s.get(), euro.get(), 0, PY_SSIZE_T_MAX, -1), 12);
  EXPECT_EQ(StrFind(s.get(), euro.get(), 8, 12, 1), -1);       // end excludes the second
  EXPECT_EQ(StrFind(s.get(), l.get(), -12, -1, 1), 2);          // negative indices
  EXPECT_EQ(StrFind(s.get(), l.get(), 0, PY_SSIZE_T_MAX, -1), 9);
  EXPECT_EQ(StrFind(s.get(), none.get(), 0, PY_SSIZE_T_MAX, 1), -1);
  // An empty substring: at start forward, at end backward; not past the end.
  EXPECT_EQ(StrFind(s.get(), empty.get(), 3, 5, 1), 3);
  EXPECT_EQ(StrFind(s.get(), empty.get(), 3, 5, -1), 5);
  EXPECT_EQ(StrFind(s.get(), empty.get(), 99, PY_SSIZE_T_MAX, 1), -1);
  // A 1-byte haystack never holds a wide needle.
  Ref<> narrow = Str("plain ascii");
  EXPECT_EQ(StrFind(narrow.get(), euro.get(), 0, PY_SSIZE_T_MAX, 1), -1);
  EXPECT_EQ(StrFindChar(s.get(), 0x20AC, 0, PY_SSIZE_T_MAX, 1), 7);
  EXPECT_EQ(StrFindChar(s.get(), 0x20AC, 0, PY_SSIZE_T_MAX, -1), 12);
  EXPECT_EQ(StrFindChar(s.get(), 'q', 0, PY_SSIZE_T_MAX, 1), -1);
  EXPECT_EQ(StrFindChar(s.get(), 'h', 1, PY_SSIZE_T_MAX, 1), -1);
}

TEST_F(StrOpsTest, CountAndTailmatch) {
  Ref<> s = Str("aaaa"), aa = Str("aa"), a = Str("a"), empty = Str("");
  EXPECT_EQ(StrCount(s.get(), aa.get(), 0, PY_SSIZE_T_MAX), 2);  // non-overlapping
  EXPECT_EQ(StrCount(s.get(), a.get(), 1, 3), 2);
  EXPECT_EQ(StrCount(s.get(), empty.get(), 0, PY_SSIZE_T_MAX), 5);
  EXPECT_EQ(StrCount(s.get(), empty.get(), 9, PY_SSIZE_T_MAX), 0);
  Ref<> t = Str("prefix-body-suffix"), pre = Str("prefix"), suf = Str("suffix");
  EXPECT_TRUE(StrTailmatch(t.get(), pre.get(), 0, PY_SSIZE_T_MAX, -1));
  EXPECT_FALSE(StrTailmatch(t.get(), pre.get(), 1, PY_SSIZE_T_MAX, -1));
  EXPECT_TRUE(StrTailmatch(t.get(), suf.get(), 0, PY_SSIZE_T_MAX, 1));
  EXPECT_FALSE(StrTailmatch(t.get(), suf.get(), 0, -1, 1));
  EXPECT_TRUE(StrTailmatch(t.get(), empty.get(), 18, PY_SSIZE_T_MAX, 1));
  EXPECT_FALSE(StrTailmatch(t.get(), empty.get(), 19, PY_SSIZE_T_MAX, 1));  // start past the end
}

TEST_F(StrOpsTest, JoinWidensToTheWidestPart) {
  Ref<> sep = Str(", "), a = Str("a"), e = Str("\xc3\xa9"), g = Str("\xf0\x9f\x98\x80");  // é, 😀
  PyObject* items[] = {a.get(), e.get(), g.get()};
  absl::StatusOr<Ref<>> j = StrJoin(sep.get(), items);
  ASSERT_TRUE(j.ok()) << j.status();
  EXPECT_EQ(U(j->get()), "a, \xc3\xa9, \xf0\x9f\x98\x80");
  EXPECT_EQ(StrKind(j->get()), PyUnicode_4BYTE_KIND);
  PyObject* latin[] = {a.get(), e.get()};
  j = StrJoin(sep.get(), latin);
  EXPECT_EQ(StrKind(j->get()), PyUnicode_1BYTE_KIND);
  EXPECT_FALSE(StrIsAscii(j->get()));
  EXPECT_EQ(StrJoin(sep.get(), {})->get(), EmptyStr());
  PyObject* one[] = {a.get()};
  EXPECT_EQ(StrJoin(sep.get(), one)->get(), a.get());  // the item itself
  Ref<> b = *BytesFromData("x");
  PyObject* bad[] = {a.get(), b.get()};
  absl::StatusOr<Ref<>> err = StrJoin(sep.get(), bad);
  EXPECT_EQ(KindOf(err.status()), ErrorKind::kTypeError);
  EXPECT_EQ(err.status().message(), "sequence item 1: expected str instance, bytes found");
}

TEST_F(StrOpsTest, Split) {
  Ref<> s = Str("  a b\t\n c\xe3\x80\x80" "d  ");  // U+3000 is whitespace
  EXPECT_EQ(Items(StrSplit(s.get(), nullptr, -1)->get()),
            (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(Items(StrSplit(s.get(), nullptr, 1)->get()),
            (std::vector<std::string>{"a", "b\t\n c\xe3\x80\x80" "d  "}));
  Ref<> csv = Str("x,,y,"), comma = Str(",");
  EXPECT_EQ(Items(StrSplit(csv.get(), comma.get(), -1)->get()),
            (std::vector<std::string>{"x", "", "y", ""}));
  EXPECT_EQ(Items(StrSplit(csv.get(), comma.get(), 1)->get()),
            (std::vector<std::string>{"x", ",y,"}));
  Ref<> empty = Str("");
  EXPECT_TRUE(Items(StrSplit(empty.get(), nullptr, -1)->get()).empty());
  EXPECT_EQ(KindOf(StrSplit(csv.get(), empty.get(), -1).status()), ErrorKind::kValueError);
  // Pieces are canonical: a 1-byte piece of a 2-byte string is 1-byte.
  Ref<> mixed = Str("ab|\xe2\x82\xac"), bar = Str("|");
  Ref<> parts = *StrSplit(mixed.get(), bar.get(), -1);
  EXPECT_EQ(StrKind(ListGetItemRef(parts.get(), 0)->get()), PyUnicode_1BYTE_KIND);
}

TEST_F(StrOpsTest, ReplaceKeepsCanonicalForm) {
  Ref<> s = Str("a\xe2\x82\xac" "b\xe2\x82\xac"), euro = Str("\xe2\x82\xac"), x = Str("x");
  absl::StatusOr<Ref<>> r = StrReplace(s.get(), euro.get(), x.get(), -1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(U(r->get()), "axbx");
  EXPECT_EQ(StrKind(r->get()), PyUnicode_1BYTE_KIND);  // narrowed
  EXPECT_TRUE(StrIsAscii(r->get()));
  EXPECT_EQ(U(StrReplace(s.get(), euro.get(), x.get(), 1)->get()), "axb\xe2\x82\xac");
  Ref<> empty = Str(""), ab = Str("ab"), dash = Str("-");
  EXPECT_EQ(U(StrReplace(ab.get(), empty.get(), dash.get(), -1)->get()), "-a-b-");
  EXPECT_EQ(U(StrReplace(ab.get(), empty.get(), dash.get(), 2)->get()), "-a-b");
  EXPECT_EQ(StrReplace(ab.get(), x.get(), dash.get(), -1)->get(), ab.get());  // unchanged
}

TEST_F(StrOpsTest, LatinAndAsciiCodecs) {
  absl::StatusOr<Ref<>> d = StrDecodeLatin1("caf\xe9");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(U(d->get()), "caf\xc3\xa9");
  d = StrDecodeAscii("plain");
  EXPECT_TRUE(StrIsAscii(d->get()));
  absl::StatusOr<Ref<>> bad = StrDecodeAscii("ab\xff");
  EXPECT_EQ(KindOf(bad.status()), ErrorKind::kUnicodeDecodeError);
  EXPECT_EQ(bad.status().message(),
            "'ascii' codec can't decode byte 0xff in position 2: ordinal not in range(128)");

  Ref<> cafe = Str("caf\xc3\xa9");
  absl::StatusOr<Ref<>> b = StrEncodeLatin1(cafe.get());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(BytesView(b->get()), "caf\xe9");
  b = StrEncodeAscii(cafe.get());
  EXPECT_EQ(KindOf(b.status()), ErrorKind::kUnicodeEncodeError);
  EXPECT_EQ(b.status().message(),
            "'ascii' codec can't encode character '\\xe9' in position 3: ordinal not in "
            "range(128)");
  Ref<> euro = Str("\xe2\x82\xac");
  EXPECT_EQ(StrEncodeLatin1(euro.get()).status().message(),
            "'latin-1' codec can't encode character '\\u20ac' in position 0: ordinal not in "
            "range(256)");
  Ref<> bytes = *BytesFromData("x");
  EXPECT_EQ(KindOf(StrEncodeAscii(bytes.get()).status()), ErrorKind::kTypeError);
}

TEST_F(StrOpsTest, WritesIntoAnUnpublishedString) {
  Ref<> s = *StrNew(5, 0xFF);
  auto chars = [&] {
    std::u32string out;
    for (Py_ssize_t i = 0; i < StrLength(s.get()); ++i) out += StrReadChar(s.get(), i);
    return out;
  };
  EXPECT_EQ(*StrFill(s.get(), 0, 99, 'x'), 5);
  EXPECT_EQ(chars(), U"xxxxx");
  EXPECT_EQ(*StrFill(s.get(), 3, 99, 'y'), 2);  // clipped
  ASSERT_TRUE(StrWriteChar(s.get(), 0, 0xE9).ok());
  Ref<> src = Str("AB");
  EXPECT_EQ(*StrCopyCharacters(s.get(), 1, src.get(), 0, 10), 2);
  EXPECT_EQ(chars(), U"\u00e9AByy");
  // Refusals: out of range, too wide for the kind, a shared string.
  EXPECT_EQ(KindOf(StrWriteChar(s.get(), 5, 'z')), ErrorKind::kIndexError);
  EXPECT_EQ(KindOf(StrWriteChar(s.get(), 0, 0x20AC)), ErrorKind::kValueError);
  EXPECT_EQ(KindOf(StrFill(s.get(), 0, 1, 0x20AC).status()), ErrorKind::kValueError);
  Ref<> euro = Str("\xe2\x82\xac");
  EXPECT_EQ(KindOf(StrCopyCharacters(s.get(), 0, euro.get(), 0, 1).status()),
            ErrorKind::kSystemError);
  EXPECT_EQ(KindOf(StrCopyCharacters(s.get(), 6, src.get(), 0, 1).status()),
            ErrorKind::kIndexError);
  Ref<> second = Ref<>::NewRef(s.get());  // now shared
  EXPECT_EQ(KindOf(StrWriteChar(s.get(), 0, 'a')), ErrorKind::kSystemError);
  second.Reset();
  EXPECT_TRUE(StrWriteChar(s.get(), 0, 'a').ok());
  EXPECT_EQ(U(s.get()), "aAByy");  // caches the UTF-8 form, which freezes it
  EXPECT_EQ(KindOf(StrWriteChar(s.get(), 0, 'b')), ErrorKind::kSystemError);
  Ref<> t = *StrNew(2, 0xFF);
  (void)StrHash(t.get());  // a cached hash too
  EXPECT_EQ(KindOf(StrWriteChar(t.get(), 0, 'b')), ErrorKind::kSystemError);
}

// Shared strings are read by many threads at once: every search, split,
// join and replace sees the same answer.
TEST_F(StrOpsTest, ConcurrentUseOfSharedStrings) {
  Ref<> text = Str("alpha beta \xe2\x82\xac gamma beta delta");
  Ref<> beta = Str("beta"), space = Str(" "), dash = Str("-");
  const int kThreads = 6;
  const long iters = testing_util::Scaled(2000, 100);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.push_back(runtime().StartThread([&] {
      for (long i = 0; i < iters; ++i) {
        if (StrFind(text.get(), beta.get(), 0, PY_SSIZE_T_MAX, -1) != 19) ++errors;
        if (StrCount(text.get(), beta.get(), 0, PY_SSIZE_T_MAX) != 2) ++errors;
        absl::StatusOr<Ref<>> parts = StrSplit(text.get(), space.get(), -1);
        if (!parts.ok() || ListSize(parts->get()) != 6) {
          ++errors;
          continue;
        }
        std::vector<PyObject*> items;
        std::vector<Ref<>> held;
        for (Py_ssize_t k = 0; k < ListSize(parts->get()); ++k) {
          held.push_back(*ListGetItemRef(parts->get(), k));
          items.push_back(held.back().get());
        }
        absl::StatusOr<Ref<>> joined = StrJoin(dash.get(), items);
        absl::StatusOr<Ref<>> replaced = StrReplace(text.get(), space.get(), dash.get(), -1);
        if (!joined.ok() || !replaced.ok() || !StrEqual(joined->get(), replaced->get())) ++errors;
      }
    }).value());
  }
  {
    DetachGuard d;
    for (std::thread& t : threads) t.join();
  }
  EXPECT_EQ(errors.load(), 0);
}

}  // namespace
}  // namespace ftrt
