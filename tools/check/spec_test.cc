// Tests of the checker's spec parser (spec.h): the forms it accepts, the
// errors it names by JSON path, and the ft_safe spec that tools/ft test uses.
#include "tools/check/spec.h"

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace ftrt::check {
namespace {

Spec MustParse(const std::string& text) {
  Spec spec;
  std::string error;
  EXPECT_TRUE(ParseSpec(text, &spec, &error)) << error;
  return spec;
}

std::string ErrorOf(const std::string& text) {
  Spec spec;
  std::string error;
  EXPECT_FALSE(ParseSpec(text, &spec, &error)) << "accepted: " << text;
  return error;
}

TEST(SpecTest, TemplatesOfEveryKind) {
  Spec s = MustParse(R"({
    "module": "m", "threads": 3, "seconds": 1.5,
    "shared": {"d": {"value": {"k": [1, 2.5, "x", null, true]}},
               "obj": {"call": "Thing", "args": ["$d"], "kwargs": {"n": 2}}},
    "calls": [{"call": "$obj.poke",
               "args": [{"$tuple": ["$$lit"]}, {"$bytes": "ab"}, {"$int": [1, 9]},
                        {"$choice": [1, "a"]}, {"$pool": true}],
               "weight": 2}],
    "after": [{"get": "$obj.n", "expect": {"$count": "$obj.poke", "$plus": 1}}]
  })");
  EXPECT_EQ(s.module, "m");
  EXPECT_EQ(s.threads, 3);
  EXPECT_DOUBLE_EQ(s.seconds, 1.5);
  ASSERT_EQ(s.shared.size(), 2u);
  EXPECT_TRUE(s.shared[0].is_value);
  EXPECT_EQ(s.shared[0].value.kind, Template::Kind::kDict);
  ASSERT_EQ(s.shared[0].value.keys, std::vector<std::string>{"k"});
  ASSERT_EQ(s.shared[0].value.items.size(), 1u);
  EXPECT_EQ(s.shared[0].value.items[0].items.size(), 5u);
  EXPECT_EQ(s.shared[1].call.target, "Thing");
  EXPECT_EQ(s.shared[1].call.args[0].kind, Template::Kind::kRef);
  EXPECT_EQ(s.shared[1].call.kwargs.at("n").i, 2);

  ASSERT_EQ(s.calls.size(), 1u);
  const CallSpec& c = s.calls[0];
  EXPECT_DOUBLE_EQ(c.weight, 2);
  ASSERT_EQ(c.args.size(), 5u);
  EXPECT_EQ(c.args[0].kind, Template::Kind::kTuple);
  EXPECT_EQ(c.args[0].items[0].kind, Template::Kind::kStr);
  EXPECT_EQ(c.args[0].items[0].text, "$lit");
  EXPECT_EQ(c.args[1].kind, Template::Kind::kBytes);
  EXPECT_EQ(c.args[2].kind, Template::Kind::kIntRange);
  EXPECT_EQ(c.args[2].lo, 1);
  EXPECT_EQ(c.args[2].hi, 9);
  EXPECT_EQ(c.args[3].kind, Template::Kind::kChoice);
  EXPECT_EQ(c.args[4].kind, Template::Kind::kPool);
  EXPECT_TRUE(c.args[2].IsRandom());
  EXPECT_FALSE(c.args[0].IsRandom());
  EXPECT_EQ(c.Describe(), R"($obj.poke(("$lit",), b"ab", int in [1, 9], one of [1, "a"], <pool>))");

  ASSERT_EQ(s.after.size(), 1u);
  EXPECT_TRUE(s.after[0].get);
  EXPECT_EQ(s.after[0].expect.kind, Expect::Kind::kCount);
  EXPECT_EQ(s.after[0].expect.name, "$obj.poke");
  EXPECT_EQ(s.after[0].expect.plus, 1);
}

TEST(SpecTest, Expectations) {
  Spec s = MustParse(R"({"calls": [
    {"call": "a", "expect": 6}, {"call": "b", "expect": {"$type": "int"}},
    {"call": "c", "expect": {"$raises": "KeyError"}}, {"call": "d", "expect": [1, {"x": null}]},
    {"call": "e"}]})");
  EXPECT_EQ(s.calls[0].expect.kind, Expect::Kind::kValue);
  EXPECT_EQ(s.calls[0].expect.value.i, 6);
  EXPECT_EQ(s.calls[1].expect.kind, Expect::Kind::kType);
  EXPECT_EQ(s.calls[2].expect.kind, Expect::Kind::kRaises);
  EXPECT_EQ(s.calls[2].expect.name, "KeyError");
  EXPECT_EQ(s.calls[3].expect.Describe(), R"([1, {"x": None}])");
  EXPECT_EQ(s.calls[4].expect.kind, Expect::Kind::kAny);
}

TEST(SpecTest, ErrorsNameTheirPath) {
  EXPECT_NE(ErrorOf("{").find("not valid JSON"), std::string::npos);
  EXPECT_EQ(ErrorOf("[]"), "spec: must be a JSON object");
  EXPECT_EQ(ErrorOf(R"({"calls": []})"), "calls: the spec calls nothing");
  EXPECT_EQ(ErrorOf(R"({"calls": [{"call": "f", "args": [{"$int": [3, 1]}]}]})"),
            "calls[0].args[0].$int: lo > hi");
  EXPECT_EQ(ErrorOf(R"({"calls": [{"call": "f", "get": "g"}]})"),
            "calls[0]: needs exactly one of \"call\" and \"get\"");
  EXPECT_EQ(ErrorOf(R"({"calls": [{"call": "f", "args": ["$nope"]}]})"),
            "calls[0]: \"$nope\" is not a shared object defined before it");
  EXPECT_EQ(ErrorOf(R"({"calls": [{"call": "$nope.f"}]})"),
            "calls[0]: \"$nope\" is not a shared object defined before it");
  EXPECT_EQ(ErrorOf(R"({"calls": [{"call": "f", "expect": {"$count": "f"}}]})"),
            "calls[0].expect: $count is only known after the threads have joined (use \"after\")");
  EXPECT_EQ(ErrorOf(R"({"calls": [{"call": "f", "expect": {"$int": [1, 2]}}]})"),
            "calls[0].expect: an expected value cannot be random");
  EXPECT_EQ(ErrorOf(R"({"calls": [{"call": "f", "bogus": 1}]})"), "calls[0].bogus: unknown key");
  EXPECT_EQ(ErrorOf(R"({"calls": [{"call": "f", "args": [{"$what": 1}]}]})"),
            "calls[0].args[0]: unknown template form \"$what\"");
  EXPECT_EQ(ErrorOf(R"({"threads": 0, "calls": [{"call": "f"}]})"),
            "threads: must be an integer in [1, 1024]");
  EXPECT_EQ(ErrorOf(R"({"calls": [{"get": "x", "args": [1]}]})"),
            "calls[0].args: a \"get\" takes no arguments");
}

TEST(SpecTest, SplitTarget) {
  EXPECT_EQ(SplitTarget("$counter.increment"),
            (std::pair<std::string, std::string>("$counter", "increment")));
  EXPECT_EQ(SplitTarget("bump"), (std::pair<std::string, std::string>("bump", "")));
}

// The spec tools/ft test runs against tests/ext/ft_safe.c.
TEST(SpecTest, FtSafeSpecParses) {
  std::ifstream in("tools/check/testdata/ft_safe_spec.json");
  ASSERT_TRUE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  Spec s = MustParse(text.str());
  EXPECT_EQ(s.module, "ft_safe");
  EXPECT_GE(s.shared.size(), 5u);
  EXPECT_GE(s.calls.size(), 10u);
  ASSERT_GE(s.after.size(), 2u);
  EXPECT_EQ(s.after[0].expect.kind, Expect::Kind::kCount);
}

}  // namespace
}  // namespace ftrt::check
