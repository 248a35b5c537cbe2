// Tests for object/str_methods.cc: str's character tests and case
// conversions through the method call path, each case's eleven tests and
// six conversions against CPython 3.13's (the table below was printed by
// CPython 3.13 itself), then argument errors, canonical results, growth
// and 6 threads on shared strings.
#include "object/str_methods.h"

#include <atomic>
#include <string>

#include "gtest/gtest.h"
#include "object/attributes.h"
#include "object/call.h"
#include "object/none_bool.h"
#include "object/protocol_testing.h"
#include "object/str.h"
#include "tests/test_util.h"

namespace ftrt {
namespace {

using testing_util::ProtocolTest;
using testing_util::S;
using testing_util::TakeError;
using testing_util::U;

using StrMethodsTest = ProtocolTest;

constexpr const char* kTests[] = {"isalpha", "isdecimal", "isdigit", "isnumeric",
                                  "isalnum", "islower",   "isupper", "istitle",
                                  "isspace", "isprintable", "isascii"};
constexpr const char* kConversions[] = {"lower",    "upper", "casefold",
                                        "swapcase", "title", "capitalize"};

struct Case {
  const char* text;
  // kTests' results in order, '1' for True.
  const char* tests;
  // kConversions' results in order.
  const char* conversions[6];
};

// Printed by CPython 3.13: for each string s, ''.join('1' if s.m() else
// '0' for m in kTests) and [s.m() for m in kConversions].
const Case kCases[] = {
    {"", "00000000011", {"", "", "", "", "", ""}},
    {"abc", "10001100011", {"abc", "ABC", "abc", "ABC", "Abc", "Abc"}},
    {"ABC", "10001010011", {"abc", "ABC", "abc", "abc", "Abc", "Abc"}},
    {"Hello World", "00000001011",
     {"hello world", "HELLO WORLD", "hello world", "hELLO wORLD", "Hello World", "Hello world"}},
    {"hello world", "00000100011",
     {"hello world", "HELLO WORLD", "hello world", "HELLO WORLD", "Hello World", "Hello world"}},
    {"hELLO wORLD", "00000000011",
     {"hello world", "HELLO WORLD", "hello world", "Hello World", "Hello World", "Hello world"}},
    {"ß", "10001100010", {"ß", "SS", "ss", "SS", "Ss", "Ss"}},
    {"straße", "10001100010", {"straße", "STRASSE", "strasse", "STRASSE", "Straße", "Straße"}},
    {"\uFB03", "10001100010", {"\uFB03", "FFI", "ffi", "FFI", "Ffi", "Ffi"}},
    {"İstanbul", "10001001010",
     {"i\u0307stanbul", "İSTANBUL", "i\u0307stanbul", "i\u0307STANBUL", "İstanbul", "İstanbul"}},
    {"ΟΔΟΣ", "10001010010", {"οδος", "ΟΔΟΣ", "οδοσ", "οδος", "Οδος", "Οδος"}},
    {"ΟΔΟΣ ΟΔΟΣ.", "00000010010",
     {"οδος οδος.", "ΟΔΟΣ ΟΔΟΣ.", "οδοσ οδοσ.", "οδος οδος.", "Οδος Οδος.", "Οδος οδος."}},
    {"Σ", "10001011010", {"σ", "Σ", "σ", "σ", "Σ", "Σ"}},
    {"AΣ", "10001010010", {"aς", "AΣ", "aσ", "aς", "Aς", "Aς"}},
    {"AΣb", "10001000010", {"aσb", "AΣB", "aσb", "aσB", "Aσb", "Aσb"}},
    {"AΣ'", "00000010010", {"aς'", "AΣ'", "aσ'", "aς'", "Aς'", "Aς'"}},
    {"A'Σ", "00000011010", {"a'ς", "A'Σ", "a'σ", "a'ς", "A'Σ", "A'ς"}},
    {"1Σ", "00001011010", {"1σ", "1Σ", "1σ", "1σ", "1Σ", "1σ"}},
    {"ΑΣ ΑΣ", "00000010010", {"ας ας", "ΑΣ ΑΣ", "ασ ασ", "ας ας", "Ας Ας", "Ας ας"}},
    {"aΣ\u0345", "00000000010", {"aς\u0345", "AΣΙ", "aσι", "AςΙ", "Aς\u0345", "Aς\u0345"}},
    {"\u01C5ungla", "10001001010",
     {"\u01C6ungla", "\u01C4UNGLA", "\u01C6ungla", "\u01C5UNGLA", "\u01C5ungla", "\u01C5ungla"}},
    {"\u01C6", "10001100010", {"\u01C6", "\u01C4", "\u01C6", "\u01C4", "\u01C5", "\u01C5"}},
    {"\u01C4", "10001011010", {"\u01C6", "\u01C4", "\u01C6", "\u01C6", "\u01C5", "\u01C5"}},
    {"ᾀ", "10001100010", {"ᾀ", "ἈΙ", "ἀι", "ἈΙ", "ᾈ", "ᾈ"}},
    {"123abc", "00001100011", {"123abc", "123ABC", "123abc", "123ABC", "123Abc", "123abc"}},
    {"x1y2", "00001100011", {"x1y2", "X1Y2", "x1y2", "X1Y2", "X1Y2", "X1y2"}},
    {"they're bill's friends", "00000100011",
     {"they're bill's friends", "THEY'RE BILL'S FRIENDS", "they're bill's friends",
      "THEY'RE BILL'S FRIENDS", "They'Re Bill'S Friends", "They're bill's friends"}},
    {"\U00010400\U00010428", "10001001010",
     {"\U00010428\U00010428", "\U00010400\U00010400", "\U00010428\U00010428",
      "\U00010428\U00010400", "\U00010400\U00010428", "\U00010400\U00010428"}},
    {"\u0149", "10001100010", {"\u0149", "ʼN", "ʼn", "ʼN", "ʼN", "ʼN"}},
    {"ΐ", "10001100010",
     {"ΐ", "Ι\u0308\u0301", "ι\u0308\u0301", "Ι\u0308\u0301", "Ι\u0308\u0301", "Ι\u0308\u0301"}},
    {"a\u0307b", "00000100010",
     {"a\u0307b", "A\u0307B", "a\u0307b", "A\u0307B", "A\u0307B", "A\u0307b"}},
    {"İı", "10001001010", {"i\u0307ı", "İI", "i\u0307ı", "i\u0307I", "İı", "İı"}},
    {"Ꭰꭰ", "10001001010", {"ꭰꭰ", "ᎠᎠ", "ᎠᎠ", "ꭰᎠ", "Ꭰꭰ", "Ꭰꭰ"}},
    {"\uFB00 \uFB01", "00000100010",
     {"\uFB00 \uFB01", "FF FI", "ff fi", "FF FI", "Ff Fi", "Ff \uFB01"}},
    {"٣", "01111000010", {"٣", "٣", "٣", "٣", "٣", "٣"}},
    {"²", "00111000010", {"²", "²", "²", "²", "²", "²"}},
    {"½", "00011000010", {"½", "½", "½", "½", "½", "½"}},
    {"Ⅷ", "00011011010", {"ⅷ", "Ⅷ", "ⅷ", "ⅷ", "Ⅷ", "Ⅷ"}},
    {"\t\n ", "00000000101", {"\t\n ", "\t\n ", "\t\n ", "\t\n ", "\t\n ", "\t\n "}},
    {"\u2028", "00000000100", {"\u2028", "\u2028", "\u2028", "\u2028", "\u2028", "\u2028"}},
    {"\xc2\x85", "00000000100",
     {"\xc2\x85", "\xc2\x85", "\xc2\x85", "\xc2\x85", "\xc2\x85", "\xc2\x85"}},
    {"\u00A0", "00000000100", {"\u00A0", "\u00A0", "\u00A0", "\u00A0", "\u00A0", "\u00A0"}},
    {"a b", "00000100011", {"a b", "A B", "a b", "A B", "A B", "A b"}},
    {"\x7f", "00000000001", {"\x7f", "\x7f", "\x7f", "\x7f", "\x7f", "\x7f"}},
    {"é", "10001100010", {"é", "É", "é", "É", "É", "É"}},
    {"\u01F1 \u01F2 \u01F3", "00000000010",
     {"\u01F3 \u01F3 \u01F3", "\u01F1 \u01F1 \u01F1", "\u01F3 \u01F3 \u01F3",
      "\u01F3 \u01F2 \u01F1", "\u01F2 \u01F2 \u01F2", "\u01F2 \u01F3 \u01F3"}},
    {"ß ẞ", "00000000010", {"ß ß", "SS ẞ", "ss ss", "SS ß", "Ss ẞ", "Ss ß"}},
    {"hello\u2028world", "00000100000",
     {"hello\u2028world", "HELLO\u2028WORLD", "hello\u2028world", "HELLO\u2028WORLD",
      "Hello\u2028World", "Hello\u2028world"}},
    {"\u01C8", "10001001010", {"\u01C9", "\u01C7", "\u01C9", "\u01C8", "\u01C8", "\u01C8"}},
    {"ΣΑΣ", "10001010010", {"σας", "ΣΑΣ", "σασ", "σας", "Σας", "Σας"}},
    {"σς", "10001100010", {"σς", "ΣΣ", "σσ", "ΣΣ", "Σς", "Σς"}},
    {"Ϊ\u0301", "00000011010", {"ϊ\u0301", "Ϊ\u0301", "ϊ\u0301", "ϊ\u0301", "Ϊ\u0301", "Ϊ\u0301"}},
};

// "1" / "0" for a bool result, "error: ..." otherwise.
std::string Truth(Ref<> r) {
  if (!r) return "error: " + TakeError();
  if (!IsBool(r.get())) return "not a bool";
  return r.get() == True() ? "1" : "0";
}

std::string Text(Ref<> r) {
  if (!r) return "error: " + TakeError();
  if (!IsStrExact(r.get())) return "not an exact str";
  return U(r.get());
}

TEST_F(StrMethodsTest, MatchesCPython) {
  for (const Case& c : kCases) {
    Ref<> s = S(c.text);
    std::string tests;
    for (const char* m : kTests) tests += Truth(CallMethod(s.get(), m, {}));
    EXPECT_EQ(tests, c.tests) << "'" << c.text << "'";
    for (int i = 0; i < 6; ++i) {
      EXPECT_EQ(Text(CallMethod(s.get(), kConversions[i], {})), c.conversions[i])
          << "'" << c.text << "'." << kConversions[i] << "()";
    }
  }
}

TEST_F(StrMethodsTest, ArgumentsAreRefused) {
  Ref<> s = S("abc");
  Ref<> arg = S("x");
  EXPECT_FALSE(CallMethod(s.get(), "lower", {arg.get()}));
  EXPECT_EQ(TakeError(), "TypeError: str.lower() takes no arguments (1 given)");
  EXPECT_FALSE(CallMethod(s.get(), "isalpha", {arg.get(), arg.get()}));
  EXPECT_EQ(TakeError(), "TypeError: str.isalpha() takes no arguments (2 given)");
}

TEST_F(StrMethodsTest, MethodsAreOnTheTypeWithDocs) {
  Ref<> method = GetAttrString(reinterpret_cast<PyObject*>(StrType()), "casefold");
  ASSERT_TRUE(method) << TakeError();
  Ref<> doc = GetAttrString(method.get(), "__doc__");
  ASSERT_TRUE(doc) << TakeError();
  EXPECT_EQ(U(doc.get()), "Return a version of the string suitable for caseless comparisons.");
}

// Results are in canonical PEP 393 form: a conversion that leaves only
// ASCII gives an ASCII string, one that widens gives the wider kind.
TEST_F(StrMethodsTest, ResultsAreCanonical) {
  Ref<> r = CallMethod(S("\u017F\u212A").get(), "upper", {});  // 'ſK' (Kelvin)
  ASSERT_TRUE(r) << TakeError();
  EXPECT_EQ(U(r.get()), "S\u212A");
  r = CallMethod(S("\u017F\u212A").get(), "lower", {});
  ASSERT_TRUE(r) << TakeError();
  EXPECT_EQ(U(r.get()), "\u017Fk");
  r = CallMethod(S("\u017F").get(), "upper", {});
  ASSERT_TRUE(r) << TakeError();
  EXPECT_TRUE(StrIsAscii(r.get()));
  EXPECT_EQ(U(r.get()), "S");
  r = CallMethod(S("\u00FF").get(), "upper", {});  // ÿ -> Ÿ (U+0178): two bytes
  ASSERT_TRUE(r) << TakeError();
  EXPECT_EQ(StrKind(r.get()), PyUnicode_2BYTE_KIND);
  EXPECT_EQ(U(r.get()), "\u0178");
  r = CallMethod(S("\U00010428").get(), "upper", {});
  ASSERT_TRUE(r) << TakeError();
  EXPECT_EQ(StrKind(r.get()), PyUnicode_4BYTE_KIND);
  EXPECT_EQ(U(r.get()), "\U00010400");
}

TEST_F(StrMethodsTest, ResultsMayGrow) {
  std::string text, upper;
  for (int i = 0; i < 1000; ++i) {
    text += "\u00DF\uFB03";
    upper += "SSFFI";
  }
  Ref<> r = CallMethod(S(text.c_str()).get(), "upper", {});
  ASSERT_TRUE(r) << TakeError();
  EXPECT_EQ(StrLength(r.get()), 5000);
  EXPECT_EQ(U(r.get()), upper);
}

// The final-sigma context looks past case-ignorable characters both ways,
// and only at the string being converted.
TEST_F(StrMethodsTest, FinalSigmaContext) {
  EXPECT_EQ(Text(CallMethod(S("A\u00AD\u03A3").get(), "lower", {})), "a\u00AD\u03C2");
  EXPECT_EQ(Text(CallMethod(S("A\u03A3\u00ADb").get(), "lower", {})), "a\u03C3\u00ADb");
  EXPECT_EQ(Text(CallMethod(S("A\u03A3\u00AD").get(), "lower", {})), "a\u03C2\u00AD");
  EXPECT_EQ(Text(CallMethod(S("\u00AD\u03A3").get(), "lower", {})), "\u00AD\u03C3");
  EXPECT_EQ(Text(CallMethod(S("A\u03A3").get(), "casefold", {})), "a\u03C3");
}

// Strings are immutable: threads convert and test shared ones at once.
TEST_F(StrMethodsTest, SharedStringsFromThreads) {
  Ref<> greek = S("\u039F\u0394\u039F\u03A3 \u0391\u03A3");
  Ref<> german = S("Stra\u00DFe");
  const long rounds = testing_util::Scaled(2000, 100);
  std::atomic<int> failures{0};
  RunThreads(6, [&](int t) {
    for (long i = 0; i < rounds; ++i) {
      bool ok;
      if ((i + t) % 2 == 0) {
        ok = Text(CallMethod(greek.get(), "lower", {})) ==
                 "\u03BF\u03B4\u03BF\u03C2 \u03B1\u03C2" &&
             Truth(CallMethod(greek.get(), "isupper", {})) == "1";
      } else {
        ok = Text(CallMethod(german.get(), "upper", {})) == "STRASSE" &&
             Truth(CallMethod(german.get(), "istitle", {})) == "1";
      }
      if (!ok) failures.fetch_add(1, std::memory_order_relaxed);
    }
  });
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace ftrt
