// Parsing the extension checker's spec (see spec.h): JSON text to a Spec,
// with errors that name the JSON path of the offending value.
#include "tools/check/spec.h"

#include <cstdio>
#include <functional>
#include <utility>

#include "nlohmann/json.hpp"

namespace ftrt::check {
namespace {

using Json = nlohmann::json;

struct Parser {
  std::string error;

  bool Fail(const std::string& path, const std::string& what) {
    if (error.empty()) error = path + ": " + what;
    return false;
  }

  bool ParseTemplate(const Json& j, const std::string& path, Template* t) {
    using K = Template::Kind;
    switch (j.type()) {
      case Json::value_t::null: t->kind = K::kNone; return true;
      case Json::value_t::boolean: t->kind = K::kBool; t->b = j.get<bool>(); return true;
      case Json::value_t::number_integer:
      case Json::value_t::number_unsigned:
        t->kind = K::kInt;
        t->i = j.get<int64_t>();
        return true;
      case Json::value_t::number_float: t->kind = K::kFloat; t->f = j.get<double>(); return true;
      case Json::value_t::string: {
        const std::string s = j.get<std::string>();
        if (s.rfind("$$", 0) == 0) {
          t->kind = K::kStr;
          t->text = s.substr(1);
        } else if (!s.empty() && s[0] == '$') {
          if (s.size() == 1) return Fail(path, "\"$\" names no shared object");
          t->kind = K::kRef;
          t->text = s.substr(1);
        } else {
          t->kind = K::kStr;
          t->text = s;
        }
        return true;
      }
      case Json::value_t::array:
        t->kind = K::kList;
        return ParseItems(j, path, &t->items);
      case Json::value_t::object:
        return ParseObjectTemplate(j, path, t);
      default:
        return Fail(path, "not a value a template can hold");
    }
  }

  bool ParseItems(const Json& j, const std::string& path, std::vector<Template>* out) {
    for (size_t k = 0; k < j.size(); k++) {
      Template item;
      if (!ParseTemplate(j[k], path + "[" + std::to_string(k) + "]", &item)) return false;
      out->push_back(std::move(item));
    }
    return true;
  }

  bool ParseObjectTemplate(const Json& j, const std::string& path, Template* t) {
    using K = Template::Kind;
    if (j.size() == 1 && j.begin().key().rfind("$", 0) == 0 &&
        j.begin().key().rfind("$$", 0) != 0) {
      const std::string& key = j.begin().key();
      const Json& v = j.begin().value();
      const std::string sub = path + "." + key;
      if (key == "$tuple") {
        if (!v.is_array()) return Fail(sub, "must be an array");
        t->kind = K::kTuple;
        return ParseItems(v, sub, &t->items);
      }
      if (key == "$bytes") {
        if (!v.is_string()) return Fail(sub, "must be a string");
        t->kind = K::kBytes;
        t->text = v.get<std::string>();
        return true;
      }
      if (key == "$int") {
        if (!v.is_array() || v.size() != 2 || !v[0].is_number_integer() ||
            !v[1].is_number_integer()) {
          return Fail(sub, "must be [lo, hi] (integers)");
        }
        t->kind = K::kIntRange;
        t->lo = v[0].get<int64_t>();
        t->hi = v[1].get<int64_t>();
        if (t->lo > t->hi) return Fail(sub, "lo > hi");
        return true;
      }
      if (key == "$choice") {
        if (!v.is_array() || v.empty()) return Fail(sub, "must be a non-empty array");
        t->kind = K::kChoice;
        return ParseItems(v, sub, &t->items);
      }
      if (key == "$pool") {
        t->kind = K::kPool;
        return true;
      }
      return Fail(path, "unknown template form \"" + key + "\"");
    }
    // A dict: keys are str; "$$k" is the key "$k".
    t->kind = K::kDict;
    for (auto it = j.begin(); it != j.end(); ++it) {
      std::string key = it.key();
      if (key.rfind("$$", 0) == 0) {
        key = key.substr(1);
      } else if (!key.empty() && key[0] == '$') {
        return Fail(path, "dict key \"" + key + "\": a \"$\" form must be the only key "
                          "(write \"$$\" for a literal \"$\")");
      }
      Template v;
      if (!ParseTemplate(it.value(), path + "." + it.key(), &v)) return false;
      t->keys.push_back(key);
      t->items.push_back(std::move(v));
    }
    return true;
  }

  bool ParseExpect(const Json& j, const std::string& path, Expect* e) {
    if (j.is_object() && j.size() >= 1) {
      if (j.contains("$type")) {
        if (j.size() != 1 || !j["$type"].is_string()) return Fail(path, "$type takes a type name");
        e->kind = Expect::Kind::kType;
        e->name = j["$type"].get<std::string>();
        return true;
      }
      if (j.contains("$raises")) {
        if (j.size() != 1 || !j["$raises"].is_string()) {
          return Fail(path, "$raises takes an exception name");
        }
        e->kind = Expect::Kind::kRaises;
        e->name = j["$raises"].get<std::string>();
        return true;
      }
      if (j.contains("$count")) {
        if (!j["$count"].is_string()) return Fail(path, "$count takes a call target");
        e->kind = Expect::Kind::kCount;
        e->name = j["$count"].get<std::string>();
        for (auto it = j.begin(); it != j.end(); ++it) {
          if (it.key() == "$count") continue;
          if (it.key() != "$plus" || !it.value().is_number_integer()) {
            return Fail(path, "$count takes only \"$plus\": integer besides");
          }
          e->plus = it.value().get<int64_t>();
        }
        return true;
      }
    }
    e->kind = Expect::Kind::kValue;
    if (!ParseTemplate(j, path, &e->value)) return false;
    if (e->value.IsRandom()) return Fail(path, "an expected value cannot be random");
    return true;
  }

  bool ParseCall(const Json& j, const std::string& path, CallSpec* c, bool allow_weight) {
    if (!j.is_object()) return Fail(path, "must be an object");
    const bool has_call = j.contains("call"), has_get = j.contains("get");
    if (has_call == has_get) return Fail(path, "needs exactly one of \"call\" and \"get\"");
    const Json& target = has_call ? j["call"] : j["get"];
    if (!target.is_string() || target.get<std::string>().empty()) {
      return Fail(path, "the target must be a non-empty string");
    }
    c->target = target.get<std::string>();
    c->get = has_get;
    if (SplitTarget(c->target).first == "$") return Fail(path, "\"$\" names no shared object");
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& key = it.key();
      const std::string sub = path + "." + key;
      if (key == "call" || key == "get") continue;
      if (key == "args") {
        if (has_get) return Fail(sub, "a \"get\" takes no arguments");
        if (!it.value().is_array()) return Fail(sub, "must be an array");
        if (!ParseItems(it.value(), sub, &c->args)) return false;
      } else if (key == "kwargs") {
        if (has_get) return Fail(sub, "a \"get\" takes no arguments");
        if (!it.value().is_object()) return Fail(sub, "must be an object");
        for (auto kw = it.value().begin(); kw != it.value().end(); ++kw) {
          Template v;
          if (!ParseTemplate(kw.value(), sub + "." + kw.key(), &v)) return false;
          c->kwargs.emplace(kw.key(), std::move(v));
        }
      } else if (key == "expect") {
        if (!ParseExpect(it.value(), sub, &c->expect)) return false;
      } else if (key == "weight" && allow_weight) {
        if (!it.value().is_number() || it.value().get<double>() <= 0) {
          return Fail(sub, "must be a positive number");
        }
        c->weight = it.value().get<double>();
      } else {
        return Fail(sub, "unknown key");
      }
    }
    return true;
  }

  bool Parse(const Json& j, Spec* spec) {
    if (!j.is_object()) return Fail("spec", "must be a JSON object");
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& key = it.key();
      const Json& v = it.value();
      if (key == "module") {
        if (!v.is_string()) return Fail(key, "must be a string");
        spec->module = v.get<std::string>();
      } else if (key == "threads") {
        if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 1024) {
          return Fail(key, "must be an integer in [1, 1024]");
        }
        spec->threads = v.get<int>();
      } else if (key == "seconds") {
        if (!v.is_number() || v.get<double>() <= 0) return Fail(key, "must be a positive number");
        spec->seconds = v.get<double>();
      } else if (key == "shared") {
        if (!v.is_object()) return Fail(key, "must be an object of name: {call|value}");
        for (auto s = v.begin(); s != v.end(); ++s) {
          const std::string sub = "shared." + s.key();
          SharedSpec sh;
          sh.name = s.key();
          if (sh.name.empty() || sh.name.find('.') != std::string::npos || sh.name[0] == '$') {
            return Fail(sub, "a shared object's name must be non-empty, without '.' or '$'");
          }
          if (s.value().is_object() && s.value().size() == 1 && s.value().contains("value")) {
            sh.is_value = true;
            if (!ParseTemplate(s.value()["value"], sub + ".value", &sh.value)) return false;
          } else {
            if (!ParseCall(s.value(), sub, &sh.call, /*allow_weight=*/false)) return false;
            if (sh.call.expect.kind == Expect::Kind::kCount) {
              return Fail(sub + ".expect", "$count has no meaning before the threads run");
            }
          }
          spec->shared.push_back(std::move(sh));
        }
      } else if (key == "calls" || key == "after") {
        if (!v.is_array()) return Fail(key, "must be an array");
        auto& out = key == "calls" ? spec->calls : spec->after;
        for (size_t k = 0; k < v.size(); k++) {
          CallSpec c;
          if (!ParseCall(v[k], key + "[" + std::to_string(k) + "]", &c, key == "calls")) {
            return false;
          }
          if (key == "calls" && c.expect.kind == Expect::Kind::kCount) {
            return Fail(key + "[" + std::to_string(k) + "].expect",
                        "$count is only known after the threads have joined (use \"after\")");
          }
          out.push_back(std::move(c));
        }
      } else if (key == "comment" || key == "//") {
        // Free text.
      } else {
        return Fail(key, "unknown key");
      }
    }
    if (spec->calls.empty()) return Fail("calls", "the spec calls nothing");
    // Every "$name" must name a shared object defined before its use.
    std::vector<std::string> known;
    auto check_ref = [&](const std::string& name, const std::string& where) {
      for (const auto& k : known) {
        if (k == name) return true;
      }
      return Fail(where, "\"$" + name + "\" is not a shared object defined before it");
    };
    std::function<bool(const Template&, const std::string&)> check_template =
        [&](const Template& t, const std::string& where) {
          if (t.kind == Template::Kind::kRef && !check_ref(t.text, where)) return false;
          for (const auto& i : t.items) {
            if (!check_template(i, where)) return false;
          }
          return true;
        };
    auto check_call = [&](const CallSpec& c, const std::string& where) {
      const std::string base = SplitTarget(c.target).first;
      if (base[0] == '$' && !check_ref(base.substr(1), where)) return false;
      for (const auto& a : c.args) {
        if (!check_template(a, where)) return false;
      }
      for (const auto& kw : c.kwargs) {
        if (!check_template(kw.second, where)) return false;
      }
      return true;
    };
    for (const auto& sh : spec->shared) {
      const std::string where = "shared." + sh.name;
      if (sh.is_value ? !check_template(sh.value, where) : !check_call(sh.call, where)) {
        return false;
      }
      known.push_back(sh.name);
    }
    for (size_t k = 0; k < spec->calls.size(); k++) {
      if (!check_call(spec->calls[k], "calls[" + std::to_string(k) + "]")) return false;
    }
    for (size_t k = 0; k < spec->after.size(); k++) {
      if (!check_call(spec->after[k], "after[" + std::to_string(k) + "]")) return false;
    }
    return true;
  }
};

std::string Quote(const std::string& s) { return Json(s).dump(); }

}  // namespace

std::pair<std::string, std::string> SplitTarget(const std::string& target) {
  const size_t dot = target.find('.');
  if (dot == std::string::npos) return {target, ""};
  return {target.substr(0, dot), target.substr(dot + 1)};
}

bool Template::IsRandom() const {
  if (kind == Kind::kIntRange || kind == Kind::kChoice || kind == Kind::kPool) return true;
  for (const auto& t : items) {
    if (t.IsRandom()) return true;
  }
  return false;
}

std::string Template::Describe() const {
  auto join = [](const std::vector<Template>& v) {
    std::string s;
    for (size_t k = 0; k < v.size(); k++) s += (k ? ", " : "") + v[k].Describe();
    return s;
  };
  switch (kind) {
    case Kind::kNone: return "None";
    case Kind::kBool: return b ? "True" : "False";
    case Kind::kInt: return std::to_string(i);
    case Kind::kFloat: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", f);
      return buf;
    }
    case Kind::kStr: return Quote(text);
    case Kind::kBytes: return "b" + Quote(text);
    case Kind::kList: return "[" + join(items) + "]";
    case Kind::kTuple: return "(" + join(items) + (items.size() == 1 ? ",)" : ")");
    case Kind::kDict: {
      std::string s = "{";
      for (size_t k = 0; k < keys.size(); k++) {
        s += (k ? ", " : "") + Quote(keys[k]) + ": " + items[k].Describe();
      }
      return s + "}";
    }
    case Kind::kRef: return "$" + text;
    case Kind::kIntRange: return "int in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
    case Kind::kChoice: return "one of [" + join(items) + "]";
    case Kind::kPool: return "<pool>";
  }
  return "?";
}

std::string Expect::Describe() const {
  switch (kind) {
    case Kind::kAny: return "anything";
    case Kind::kValue: return value.Describe();
    case Kind::kType: return "an instance of " + name;
    case Kind::kRaises: return "raises " + name;
    case Kind::kCount:
      return "the number of successful calls of " + name +
             (plus ? " plus " + std::to_string(plus) : "");
  }
  return "?";
}

std::string CallSpec::Describe() const {
  if (get) return "get " + target;
  std::string s = target + "(";
  for (size_t k = 0; k < args.size(); k++) s += (k ? ", " : "") + args[k].Describe();
  bool first = args.empty();
  for (const auto& kw : kwargs) {
    s += (first ? "" : ", ") + kw.first + "=" + kw.second.Describe();
    first = false;
  }
  return s + ")";
}

bool ParseSpec(const std::string& text, Spec* spec, std::string* error) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    *error = std::string("not valid JSON: ") + e.what();
    return false;
  }
  Parser p;
  *spec = Spec{};
  if (!p.Parse(j, spec)) {
    *error = p.error;
    return false;
  }
  return true;
}

}  // namespace ftrt::check
