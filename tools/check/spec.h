// The extension checker's spec: which functions `tools/ft check` calls, with
// which arguments, on which shared objects, and what results it expects.
//
// Without a spec the checker discovers the module's callables itself
// (ext_check.cc); a spec replaces that with a plan. It is JSON (parsed with
// nlohmann-json), for example:
//
//   {
//     "module": "ft_safe",
//     "threads": 4, "seconds": 2,
//     "shared": {
//       "counter": {"call": "Counter", "args": [0]},
//       "words":   {"value": {}}
//     },
//     "calls": [
//       {"call": "$counter.increment", "expect": {"$type": "int"}},
//       {"call": "sum_list", "args": [[1, 2, 3]], "expect": 6},
//       {"call": "count_word", "args": ["$words", {"$choice": ["a", "b"]}]},
//       {"get": "$counter.value", "weight": 0.5}
//     ],
//     "after": [
//       {"get": "$counter.value", "expect": {"$count": "$counter.increment"}}
//     ]
//   }
//
// Targets: "name" is an attribute of the module; "$obj" a shared object;
// "$obj.attr" / "name.attr" an attribute of either (one level). "call"
// calls the target; "get" reads it. "repr", "str", "len" and "hash" with one
// argument are Python's builtins unless the module has such a name.
//
// Argument templates (each call builds fresh objects from its templates, so
// only "$name" references and the pool are shared between threads):
//   null true 1 1.5 "text" [..] {..}  None, bool, int, float, str, list, dict
//   "$name"                 the shared object `name` ("$$x" is the str "$x")
//   {"$tuple": [..]}        a tuple        {"$bytes": "text"}   bytes
//   {"$int": [lo, hi]}      a random int in [lo, hi] (seeded)
//   {"$choice": [t, ..]}    one of the templates, at random
//   {"$pool": true}         a random value of the default argument pool
//
// Expectations (checked on every call; "after" calls run once, after the
// threads have joined):
//   a template without randomness  the result equals it (Python ==)
//   {"$type": "int"}        the result's type name (tp_name) is "int"
//   {"$raises": "KeyError"} the call raises that exception (or a subclass)
//   {"$count": "target", "$plus": N}
//                           the result equals the number of calls of
//                           `target` that returned without an exception,
//                           across all threads (plus N)
// Without "expect" any result, exception included, is a normal outcome.
#ifndef FTRT_TOOLS_CHECK_SPEC_H_
#define FTRT_TOOLS_CHECK_SPEC_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ftrt::check {

// An argument template (see the top of this file).
struct Template {
  enum class Kind {
    kNone, kBool, kInt, kFloat, kStr, kBytes, kList, kDict, kTuple,
    kRef,        // text = the shared object's name
    kIntRange,   // lo..hi
    kChoice,     // items
    kPool,
  };
  Kind kind = Kind::kNone;
  bool b = false;
  int64_t i = 0;
  int64_t lo = 0, hi = 0;
  double f = 0;
  std::string text;
  std::vector<Template> items;    // list, tuple, choice; a dict's values
  std::vector<std::string> keys;  // a dict's keys (str), one per item

  // Whether building it twice can give different values ($int, $choice,
  // $pool, anywhere inside).
  bool IsRandom() const;
  std::string Describe() const;  // for reports: JSON-like text
};

struct Expect {
  enum class Kind { kAny, kValue, kType, kRaises, kCount };
  Kind kind = Kind::kAny;
  Template value;    // kValue
  std::string name;  // kType: type name; kRaises: exception name; kCount: target
  int64_t plus = 0;  // kCount
  std::string Describe() const;
};

struct CallSpec {
  std::string target;  // as written ("$counter.increment", "bump")
  bool get = false;    // "get" rather than "call"
  std::vector<Template> args;
  std::map<std::string, Template> kwargs;
  Expect expect;
  double weight = 1.0;
  std::string Describe() const;  // "call $counter.increment(...)"
};

struct SharedSpec {
  std::string name;
  bool is_value = false;  // {"value": template} rather than a call
  Template value;
  CallSpec call;
};

struct Spec {
  std::string module;  // empty: from the command line / file name
  int threads = 0;     // 0: from the command line
  double seconds = 0;  // 0: from the command line
  std::vector<SharedSpec> shared;  // in creation order
  std::vector<CallSpec> calls;
  std::vector<CallSpec> after;
};

// Parses spec text. On error returns false and sets *error to a message
// naming the JSON path ("calls[2].args[0]: ...").
bool ParseSpec(const std::string& text, Spec* spec, std::string* error);

// A target split into its base and attribute: "$counter.increment" ->
// {"$counter", "increment"}; "bump" -> {"bump", ""}.
std::pair<std::string, std::string> SplitTarget(const std::string& target);

}  // namespace ftrt::check

#endif  // FTRT_TOOLS_CHECK_SPEC_H_
