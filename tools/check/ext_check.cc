// ext_check: the driver behind `tools/ft check` (tools/check.sh).
//
//   ext_check child --so EXT.so --name NAME [--spec SPEC.json]
//                   [--threads N] [--seconds S] [--seed K]
//     Loads the extension with ftrt's loader, calls its functions from N
//     threads for S seconds, finalizes, and prints what it saw as
//     "ftcheck: ..." lines on stderr (report.h). tools/check.sh runs it in
//     a child process, built with --config=tsan and again with
//     --config=asan, against the extension compiled with the same
//     sanitizer, and keeps the child's stderr for the report.
//   ext_check report --module NAME --source A.c [--source B.c ...]
//                    --pass NAME=LOG:STATUS [--pass ...]
//     Parses the passes' logs (report.h) and prints the report; exit 0 only
//     when the verdict is PASS.
//
// What a child run does. Without a spec it walks the module's dict:
// builtin functions (arity from their METH_* flags), the module's own
// types (their constructors, their tp_methods, their tp_getset getters,
// repr and len), and builds a shared argument pool (None, bools, ints
// small and large, floats, str, bytes, lists, dicts, tuples, the module,
// and up to two instances of each of the module's types, made once and
// passed to every thread). Each thread draws a target and arguments with
// its own seeded generator (seed printed; --seed replays the same call
// sequence per thread, though not the same interleaving) and treats
// exceptions as normal outcomes. With a spec (spec.h) it runs the spec's
// plan and checks its expectations instead.
//
// After the threads join it drops every reference it holds and calls
// Py_FinalizeEx. A Py_AtExit hook, which runs once the collector has run
// its last collections and while the world is stopped for good, counts the
// objects still alive that are neither immortal nor alive before the
// module was imported: each is a leak (a missing Py_DECREF in the
// extension, typically). It also reports whether the module declared
// Py_mod_gil = Py_MOD_GIL_NOT_USED and whether the GIL came back on.
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "Python.h"
#include "ext_abi/loader.h"
#include "object/module.h"
#include "object/refcount.h"
#include "runtime/runtime.h"
#include "runtime/thread_state.h"
#include "tools/check/report.h"
#include "tools/check/spec.h"

namespace ftrt::check {
namespace {

using Rng = std::mt19937_64;

// ---- output ----------------------------------------------------------------

// Findings and info lines go to stderr, where the sanitizers write, so the
// order of everything in the log is the order it happened in.
void Info(const std::string& text) {
  std::fprintf(stderr, "ftcheck: info %s\n", text.c_str());
  std::fflush(stderr);
}

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  if (s.size() > 160) s = s.substr(0, 157) + "...";
  return s;
}

void EmitFinding(const std::string& kind, const std::string& key, const std::string& title,
             const std::vector<std::string>& details = {}) {
  std::string line = "ftcheck: finding " + kind + "\t" + OneLine(key) + "\t" + OneLine(title);
  for (const auto& d : details) line += "\t" + OneLine(d);
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

std::string Repr(PyObject* o) {
  if (o == nullptr) return "NULL";
  PyObject* r = PyObject_Repr(o);
  if (r == nullptr) {
    PyErr_Clear();
    return std::string("<") + Py_TYPE(o)->tp_name + " object>";
  }
  const char* s = PyUnicode_AsUTF8(r);
  std::string out = s != nullptr ? s : "?";
  if (s == nullptr) PyErr_Clear();
  Py_DECREF(r);
  return OneLine(out);
}

// The pending exception as "TypeError: message" (cleared).
// What explains `exc`: its __cause__, else its __context__ (a new
// reference, or null at the end of the chain); *how words the link.
PyObject* NextInChain(PyObject* exc, const char** how) {
  PyObject* next = PyException_GetCause(exc);
  *how = ", caused by ";
  if (next == nullptr) {
    next = PyException_GetContext(exc);
    *how = ", while handling ";
  }
  return next;
}

std::string TakeError() {
  PyObject* exc = PyErr_GetRaisedException();
  if (exc == nullptr) return "no exception set";
  std::string s = std::string(Py_TYPE(exc)->tp_name) + ": " + Repr(exc);
  // The loader wraps what PyInit raised in an ImportError whose __cause__
  // is that exception; the cause is what the user needs to see.
  PyObject* link = exc;
  for (int depth = 0; depth < 8; ++depth) {
    const char* how;
    PyObject* next = NextInChain(link, &how);
    if (link != exc) Py_DECREF(link);
    link = next;
    if (link == nullptr) break;
    s += how + std::string(Py_TYPE(link)->tp_name) + ": " + Repr(link);
  }
  if (link != nullptr && link != exc) Py_DECREF(link);
  Py_DECREF(exc);
  return s;
}

// ---- leaks -----------------------------------------------------------------

std::unordered_set<const void*>* g_baseline;  // objects alive before the import

void ForEachLiveObject(Runtime& rt, const std::function<void(PyObject*)>& fn) {
  rt.allocator().ForEachObject([&](ObjectHeader* h) {
    if (IsImmortal(h)) return;
    if (h->ob_flags & FTRT_OBJ_FLAG_FREED) return;
    fn(h);
  });
}

void TakeBaseline() {
  Runtime& rt = ThreadState::Current()->runtime();
  g_baseline = new std::unordered_set<const void*>;
  rt.StopTheWorld();
  ForEachLiveObject(rt, [](PyObject* o) { g_baseline->insert(o); });
  rt.StartTheWorld();
}

// Py_AtExit: the collector has run; the world is stopped for good.
void CountLeaks() {
  ThreadState* ts = ThreadState::Current();
  if (ts == nullptr) return;
  std::map<std::string, int64_t> by_type;
  int64_t n = 0;
  ForEachLiveObject(ts->runtime(), [&](PyObject* o) {
    if (g_baseline != nullptr && g_baseline->count(o)) return;
    n++;
    const char* name = Py_TYPE(o) != nullptr && Py_TYPE(o)->tp_name ? Py_TYPE(o)->tp_name : "?";
    by_type[name]++;
  });
  Info("objects alive after finalization (not immortal, not the runtime's own): " +
       std::to_string(n));
  if (n == 0) return;
  std::vector<std::pair<int64_t, std::string>> sorted;
  for (const auto& [name, count] : by_type) sorted.emplace_back(-count, name);
  std::sort(sorted.begin(), sorted.end());
  std::string types;
  for (size_t k = 0; k < sorted.size() && k < 8; k++) {
    types += (k ? ", " : "") + sorted[k].second + " x" + std::to_string(-sorted[k].first);
  }
  // The key names the types, not the counts (which depend on the run).
  std::string key;
  for (const auto& [name, count] : by_type) key += name + ",";
  EmitFinding("leak", key,
          std::to_string(n) + " objects leaked: still alive after finalization (" + types + ")",
          {"a reference the extension took and never released (a missing Py_DECREF), "
           "or a cycle the collector cannot see (a missing tp_traverse)"});
}

// ---- the plan --------------------------------------------------------------

// One thing a thread may do.
struct Target {
  enum class Kind { kCall, kMethod, kGet, kRepr, kLen };
  Kind kind = Kind::kCall;
  std::string name;               // for the report: "bump", "Counter.increment"
  PyObject* callable = nullptr;   // kCall: owned
  PyTypeObject* type = nullptr;   // kMethod/kGet/kRepr/kLen: the instances' type
  std::string attr;               // kMethod, kGet
  int min_args = 0, max_args = 0;
  const CallSpec* spec = nullptr;  // spec mode
  double weight = 1;
};

struct Plan {
  PyObject* module = nullptr;
  std::string so_path;                        // the extension's shared object
  std::vector<PyObject*> pool;                // shared arguments (owned)
  std::map<PyTypeObject*, std::vector<PyObject*>> instances;  // borrowed from pool
  std::map<std::string, PyObject*> shared;    // spec mode (owned)
  std::vector<Target> targets;
  std::vector<double> cumulative;             // weights
};

void ArityFromFlags(int flags, int* lo, int* hi) {
  if (flags & METH_NOARGS) {
    *lo = *hi = 0;
  } else if (flags & METH_O) {
    *lo = *hi = 1;
  } else {
    *lo = 0;
    *hi = 3;
  }
}

PyObject* Steal(std::vector<PyObject*>& into, PyObject* o) {
  if (o == nullptr) {
    PyErr_Clear();
    return nullptr;
  }
  into.push_back(o);
  return o;
}

void BuildPool(Plan& plan) {
  auto& p = plan.pool;
  Steal(p, Py_NewRef(Py_None));
  Steal(p, Py_NewRef(Py_True));
  Steal(p, Py_NewRef(Py_False));
  for (long long v : {0LL, 1LL, -1LL, 7LL, 255LL, 1LL << 31, -(1LL << 40), static_cast<long long>(INT64_MAX)}) {
    Steal(p, PyLong_FromLongLong(v));
  }
  // Past 64 bits (big ints): an unsigned 64-bit maximum, a 97-bit value
  // and a negative 71-bit one.
  Steal(p, PyLong_FromUnsignedLongLong(UINT64_MAX));
  Steal(p, PyLong_FromString("123456789012345678901234567890", nullptr, 10));
  Steal(p, PyLong_FromString("-0x400000000000000000", nullptr, 0));
  for (double v : {0.0, -1.5, 3.25, 1e300}) Steal(p, PyFloat_FromDouble(v));
  for (const char* s : {"", "a", "odd", "even", "h\xc3\xa9llo w\xc3\xb6rld", "x0123456789abcdef"}) {
    Steal(p, PyUnicode_FromString(s));
  }
  Steal(p, PyBytes_FromStringAndSize("", 0));
  Steal(p, PyBytes_FromStringAndSize("bytes\0z", 7));
  Steal(p, PyTuple_New(0));
  Steal(p, Py_BuildValue("(is)", 1, "a"));
  Steal(p, PyList_New(0));
  Steal(p, Py_BuildValue("[iii]", 1, 2, 3));
  Steal(p, Py_BuildValue("[ss]", "a", "b"));
  Steal(p, PyDict_New());
  Steal(p, Py_BuildValue("{s:i,s:s}", "a", 1, "b", "x"));
  Steal(p, Py_NewRef(plan.module));
}

// The shared object that holds `addr` (its realpath), or "" if none does.
std::string ObjectFileOf(const void* addr) {
  Dl_info info;
  if (dladdr(addr, &info) == 0 || info.dli_fname == nullptr) return "";
  char resolved[PATH_MAX];
  return realpath(info.dli_fname, resolved) != nullptr ? resolved : info.dli_fname;
}

// Whether a type found in the module's dict is the extension's own (to be
// called and its methods exercised), not a type it re-exports (int, a type
// of another extension): its tp_name is "<module>.X"; or it is a static
// type defined in the extension's shared object (many name their types
// without the module prefix: wrapt's "ObjectProxy", zope's misspelt
// "_interface_coptimizations.X"); or a heap type made for this module
// (PyType_FromModuleAndSpec).
bool IsModuleType(PyObject* module, PyObject* value, const std::string& ext_file) {
  if (!PyType_Check(value)) return false;
  auto* type = reinterpret_cast<PyTypeObject*>(value);
  const char* mod = PyModule_GetName(module);
  if (mod == nullptr) PyErr_Clear();
  const char* tp = type->tp_name;
  if (mod != nullptr && tp != nullptr) {
    const size_t n = std::strlen(mod);
    if (std::strncmp(tp, mod, n) == 0 && tp[n] == '.') return true;
  }
  if (!(type->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
    return !ext_file.empty() && ObjectFileOf(type) == ext_file;
  }
  PyObject* owner = PyType_GetModule(type);
  if (owner == nullptr) PyErr_Clear();
  return owner == module;
}

// A type's name without its module prefix ("m.Foo" -> "Foo", "Foo" as is).
std::string ShortTypeName(const PyTypeObject* type) {
  const char* dot = std::strrchr(type->tp_name, '.');
  return dot != nullptr ? dot + 1 : type->tp_name;
}

// Instances of `type` made with the pool's values (no arguments first).
void MakeInstances(Plan& plan, PyTypeObject* type, Rng& rng) {
  std::vector<PyObject*> tries;
  tries.push_back(nullptr);
  for (int k = 0; k < 12; k++) tries.push_back(plan.pool[rng() % plan.pool.size()]);
  std::vector<PyObject*> made;
  for (PyObject* arg : tries) {
    if (made.size() >= 2) break;
    PyObject* o = arg == nullptr ? PyObject_CallNoArgs(reinterpret_cast<PyObject*>(type))
                                 : PyObject_CallOneArg(reinterpret_cast<PyObject*>(type), arg);
    if (o == nullptr) {
      PyErr_Clear();
      continue;
    }
    made.push_back(o);
  }
  for (PyObject* o : made) {
    plan.pool.push_back(o);
    plan.instances[type].push_back(o);
  }
}

void Discover(Plan& plan, Rng& rng) {
  BuildPool(plan);
  char resolved[PATH_MAX];
  const std::string ext_file =
      realpath(plan.so_path.c_str(), resolved) != nullptr ? resolved : plan.so_path;
  PyObject* dict = PyModule_GetDict(plan.module);
  std::vector<PyTypeObject*> types;
  Py_ssize_t pos = 0;
  PyObject *key, *value;
  std::vector<std::pair<std::string, PyObject*>> entries;
  while (PyDict_Next(dict, &pos, &key, &value)) {
    const char* k = PyUnicode_AsUTF8(key);
    if (k == nullptr) {
      PyErr_Clear();
      continue;
    }
    entries.emplace_back(k, value);
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [name, v] : entries) {
    if (name.rfind("__", 0) == 0) continue;
    if (PyCFunction_Check(v)) {
      Target t;
      t.kind = Target::Kind::kCall;
      t.name = name;
      t.callable = Py_NewRef(v);
      ArityFromFlags(PyCFunction_GetFlags(v), &t.min_args, &t.max_args);
      plan.targets.push_back(t);
    } else if (IsModuleType(plan.module, v, ext_file)) {
      PyTypeObject* type = reinterpret_cast<PyTypeObject*>(v);
      types.push_back(type);
      Target t;
      t.kind = Target::Kind::kCall;
      t.name = name + "()";
      t.callable = Py_NewRef(v);
      t.min_args = 0;
      t.max_args = 2;
      plan.targets.push_back(t);
    }
  }
  for (PyTypeObject* type : types) MakeInstances(plan, type, rng);
  for (PyTypeObject* type : types) {
    const std::string tname = ShortTypeName(type);
    if (plan.instances[type].empty()) {
      Info("no instance of " + tname + " could be made from the pool: its methods are not called");
      continue;
    }
    for (PyMethodDef* m = type->tp_methods; m != nullptr && m->ml_name != nullptr; m++) {
      if (std::strncmp(m->ml_name, "__", 2) == 0) continue;
      Target t;
      t.kind = Target::Kind::kMethod;
      t.name = tname + "." + m->ml_name;
      t.type = type;
      t.attr = m->ml_name;
      ArityFromFlags(m->ml_flags, &t.min_args, &t.max_args);
      plan.targets.push_back(t);
    }
    for (PyGetSetDef* g = type->tp_getset; g != nullptr && g->name != nullptr; g++) {
      if (g->get == nullptr || std::strncmp(g->name, "__", 2) == 0) continue;
      Target t;
      t.kind = Target::Kind::kGet;
      t.name = tname + "." + g->name;
      t.type = type;
      t.attr = g->name;
      plan.targets.push_back(t);
    }
    Target r;
    r.kind = Target::Kind::kRepr;
    r.name = "repr(" + tname + ")";
    r.type = type;
    plan.targets.push_back(r);
    const bool has_len = (type->tp_as_sequence && type->tp_as_sequence->sq_length) ||
                         (type->tp_as_mapping && type->tp_as_mapping->mp_length);
    if (has_len) {
      Target l = r;
      l.kind = Target::Kind::kLen;
      l.name = "len(" + tname + ")";
      plan.targets.push_back(l);
    }
  }
}

// ---- spec mode ---------------------------------------------------------------

PyObject* Build(const Template& t, Rng& rng, const Plan& plan) {
  using K = Template::Kind;
  switch (t.kind) {
    case K::kNone: return Py_NewRef(Py_None);
    case K::kBool: return Py_NewRef(t.b ? Py_True : Py_False);
    case K::kInt: return PyLong_FromLongLong(t.i);
    case K::kFloat: return PyFloat_FromDouble(t.f);
    case K::kStr: return PyUnicode_FromStringAndSize(t.text.data(), t.text.size());
    case K::kBytes: return PyBytes_FromStringAndSize(t.text.data(), t.text.size());
    case K::kRef: return Py_NewRef(plan.shared.at(t.text));
    case K::kIntRange: {
      std::uniform_int_distribution<int64_t> d(t.lo, t.hi);
      return PyLong_FromLongLong(d(rng));
    }
    case K::kChoice: return Build(t.items[rng() % t.items.size()], rng, plan);
    case K::kPool: return Py_NewRef(plan.pool[rng() % plan.pool.size()]);
    case K::kList:
    case K::kTuple: {
      const bool list = t.kind == K::kList;
      PyObject* out = list ? PyList_New(0) : PyTuple_New(t.items.size());
      if (out == nullptr) return nullptr;
      for (size_t k = 0; k < t.items.size(); k++) {
        PyObject* item = Build(t.items[k], rng, plan);
        if (item == nullptr) {
          Py_DECREF(out);
          return nullptr;
        }
        if (list) {
          const int rc = PyList_Append(out, item);
          Py_DECREF(item);
          if (rc < 0) {
            Py_DECREF(out);
            return nullptr;
          }
        } else {
          PyTuple_SET_ITEM(out, k, item);
        }
      }
      return out;
    }
    case K::kDict: {
      PyObject* out = PyDict_New();
      if (out == nullptr) return nullptr;
      for (size_t k = 0; k < t.keys.size(); k++) {
        PyObject* v = Build(t.items[k], rng, plan);
        if (v == nullptr || PyDict_SetItemString(out, t.keys[k].c_str(), v) < 0) {
          Py_XDECREF(v);
          Py_DECREF(out);
          return nullptr;
        }
        Py_DECREF(v);
      }
      return out;
    }
  }
  return nullptr;
}

// The object a spec target names (a new reference), or null with an
// exception set.
PyObject* Resolve(const std::string& target, const Plan& plan) {
  auto [base, attr] = SplitTarget(target);
  PyObject* obj;
  if (base[0] == '$') {
    obj = Py_NewRef(plan.shared.at(base.substr(1)));
  } else {
    obj = PyObject_GetAttrString(plan.module, base.c_str());
    if (obj == nullptr) return nullptr;
  }
  if (attr.empty()) return obj;
  PyObject* r = PyObject_GetAttrString(obj, attr.c_str());
  Py_DECREF(obj);
  return r;
}

// Runs one spec call: the result (new reference) or null with the
// exception set.
// repr/str/len/hash of one argument, when the module has no such name.
PyObject* RunBuiltin(const std::string& name, PyObject* arg) {
  if (name == "repr") return PyObject_Repr(arg);
  if (name == "str") return PyObject_Str(arg);
  if (name == "len") {
    const Py_ssize_t n = PyObject_Size(arg);
    return n < 0 ? nullptr : PyLong_FromSsize_t(n);
  }
  const Py_hash_t h = PyObject_Hash(arg);
  return h == -1 && PyErr_Occurred() ? nullptr : PyLong_FromSsize_t(h);
}

bool IsBuiltin(const CallSpec& c, const Plan& plan) {
  const std::string& t = c.target;
  if (c.get || c.args.size() != 1 || !c.kwargs.empty()) return false;
  if (t != "repr" && t != "str" && t != "len" && t != "hash") return false;
  return !PyObject_HasAttrString(plan.module, t.c_str());
}

PyObject* RunCall(const CallSpec& c, Rng& rng, const Plan& plan) {
  if (IsBuiltin(c, plan)) {
    PyObject* arg = Build(c.args[0], rng, plan);
    if (arg == nullptr) return nullptr;
    PyObject* r = RunBuiltin(c.target, arg);
    Py_DECREF(arg);
    return r;
  }
  PyObject* target = Resolve(c.target, plan);
  if (target == nullptr || c.get) return target;
  PyObject* args = PyTuple_New(c.args.size());
  PyObject* kwargs = nullptr;
  PyObject* result = nullptr;
  bool ok = args != nullptr;
  for (size_t k = 0; ok && k < c.args.size(); k++) {
    PyObject* a = Build(c.args[k], rng, plan);
    if (a == nullptr) ok = false;
    else PyTuple_SET_ITEM(args, k, a);
  }
  if (ok && !c.kwargs.empty()) {
    kwargs = PyDict_New();
    ok = kwargs != nullptr;
    for (const auto& [key, tv] : c.kwargs) {
      if (!ok) break;
      PyObject* v = Build(tv, rng, plan);
      ok = v != nullptr && PyDict_SetItemString(kwargs, key.c_str(), v) == 0;
      Py_XDECREF(v);
    }
  }
  if (ok) result = PyObject_Call(target, args, kwargs);
  Py_XDECREF(args);
  Py_XDECREF(kwargs);
  Py_DECREF(target);
  return result;
}

bool TypeNameMatches(PyTypeObject* type, const std::string& name) {
  for (PyTypeObject* t = type; t != nullptr; t = t->tp_base) {
    const char* n = t->tp_name;
    const char* dot = std::strrchr(n, '.');
    if (name == n || (dot != nullptr && name == dot + 1)) return true;
  }
  return false;
}

// Checks a call's outcome against its expectation; consumes `result` and
// the pending exception. Returns "" when it meets it, else what happened.
std::string CheckOutcome(const Expect& e, PyObject* result, Rng& rng, const Plan& plan,
                         int64_t count) {
  std::string bad;
  if (result == nullptr) {
    PyObject* exc = PyErr_GetRaisedException();
    const bool match = e.kind == Expect::Kind::kAny ||
                       (e.kind == Expect::Kind::kRaises && exc != nullptr &&
                        TypeNameMatches(Py_TYPE(exc), e.name));
    if (!match) {
      bad = "raised " + std::string(exc ? Py_TYPE(exc)->tp_name : "nothing?") + ": " + Repr(exc);
    }
    Py_XDECREF(exc);
    return bad;
  }
  switch (e.kind) {
    case Expect::Kind::kAny: break;
    case Expect::Kind::kRaises: bad = "returned " + Repr(result); break;
    case Expect::Kind::kType:
      if (!TypeNameMatches(Py_TYPE(result), e.name)) {
        bad = "returned a " + std::string(Py_TYPE(result)->tp_name) + ": " + Repr(result);
      }
      break;
    case Expect::Kind::kValue:
    case Expect::Kind::kCount: {
      PyObject* want = e.kind == Expect::Kind::kValue ? Build(e.value, rng, plan)
                                                      : PyLong_FromLongLong(count + e.plus);
      const int eq = want == nullptr ? -1 : PyObject_RichCompareBool(result, want, Py_EQ);
      if (eq != 1) bad = "returned " + Repr(result) + ", expected " + Repr(want);
      if (eq < 0) PyErr_Clear();
      Py_XDECREF(want);
      break;
    }
  }
  Py_DECREF(result);
  return bad;
}

bool SetUpSpec(Plan& plan, const Spec& spec, Rng& rng) {
  BuildPool(plan);
  for (const auto& sh : spec.shared) {
    PyObject* o = sh.is_value ? Build(sh.value, rng, plan) : RunCall(sh.call, rng, plan);
    if (o == nullptr) {
      EmitFinding("error", "shared|" + sh.name,
              "the spec's shared object '" + sh.name + "' could not be made: " + TakeError());
      return false;
    }
    if (!sh.is_value && sh.call.expect.kind != Expect::Kind::kAny) {
      std::string bad = CheckOutcome(sh.call.expect, Py_NewRef(o), rng, plan, 0);
      if (!bad.empty()) {
        EmitFinding("expect", "shared|" + sh.name,
                "shared '" + sh.name + "' = " + sh.call.Describe() + " " + bad);
      }
    }
    plan.shared[sh.name] = o;
  }
  for (const auto& c : spec.calls) {
    Target t;
    t.name = c.Describe();
    t.spec = &c;
    t.weight = c.weight;
    plan.targets.push_back(t);
  }
  return true;
}

// ---- the threads -------------------------------------------------------------

struct ThreadTally {
  std::vector<int64_t> calls;     // per target
  std::vector<int64_t> ok;        // per target: returned without exception
  std::vector<int64_t> mismatch;  // per target: expectation not met
  std::vector<std::string> first_mismatch;
  std::map<std::string, int64_t> exceptions;
  // per target: how many calls raised SystemError (or returned NULL with
  // no exception), and the first such exception's text
  std::vector<int64_t> system_errors;
  std::vector<std::string> first_system_error;
};

PyObject* PickArg(const Plan& plan, Rng& rng) {
  if (rng() % 4 == 0) return PyLong_FromLongLong(static_cast<int64_t>(rng() % 2001) - 1000);
  return Py_NewRef(plan.pool[rng() % plan.pool.size()]);
}

// One discovered call; the result (new reference) or null with an exception.
PyObject* RunTarget(const Target& t, const Plan& plan, Rng& rng) {
  PyObject* self = nullptr;
  if (t.type != nullptr) {
    const auto& objs = plan.instances.at(t.type);
    self = objs[rng() % objs.size()];
  }
  switch (t.kind) {
    case Target::Kind::kRepr: return PyObject_Repr(self);
    case Target::Kind::kLen: {
      const Py_ssize_t n = PyObject_Size(self);
      return n < 0 ? nullptr : PyLong_FromSsize_t(n);
    }
    case Target::Kind::kGet: return PyObject_GetAttrString(self, t.attr.c_str());
    case Target::Kind::kCall:
    case Target::Kind::kMethod: break;
  }
  PyObject* callable = t.kind == Target::Kind::kCall ? Py_NewRef(t.callable)
                                                     : PyObject_GetAttrString(self, t.attr.c_str());
  if (callable == nullptr) return nullptr;
  const int n = t.min_args + static_cast<int>(rng() % (t.max_args - t.min_args + 1));
  PyObject* args = PyTuple_New(n);
  PyObject* result = nullptr;
  if (args != nullptr) {
    for (int k = 0; k < n; k++) PyTuple_SET_ITEM(args, k, PickArg(plan, rng));
    result = PyObject_Call(callable, args, nullptr);
    Py_DECREF(args);
  }
  Py_DECREF(callable);
  return result;
}

size_t PickTarget(const Plan& plan, Rng& rng) {
  std::uniform_real_distribution<double> d(0, plan.cumulative.back());
  const double x = d(rng);
  size_t k = std::upper_bound(plan.cumulative.begin(), plan.cumulative.end(), x) -
             plan.cumulative.begin();
  return std::min(k, plan.cumulative.size() - 1);
}

void Worker(const Plan& plan, uint64_t seed, std::chrono::steady_clock::time_point deadline,
            ThreadTally* tally) {
  Rng rng(seed);
  const size_t n = plan.targets.size();
  tally->calls.assign(n, 0);
  tally->ok.assign(n, 0);
  tally->mismatch.assign(n, 0);
  tally->first_mismatch.assign(n, "");
  tally->system_errors.assign(n, 0);
  tally->first_system_error.assign(n, "");
  PyGILState_STATE st = PyGILState_Ensure();
  while (std::chrono::steady_clock::now() < deadline) {
    for (int burst = 0; burst < 16; burst++) {
      const size_t k = PickTarget(plan, rng);
      const Target& t = plan.targets[k];
      tally->calls[k]++;
      PyObject* r = t.spec != nullptr ? RunCall(*t.spec, rng, plan) : RunTarget(t, plan, rng);
      if (r != nullptr) tally->ok[k]++;
      if (t.spec != nullptr && t.spec->expect.kind != Expect::Kind::kAny) {
        if (r == nullptr) {
          // Count the exception's type before CheckOutcome consumes it.
          PyObject* exc = PyErr_GetRaisedException();
          tally->exceptions[exc ? Py_TYPE(exc)->tp_name : "?"]++;
          PyErr_SetRaisedException(exc);
        }
        std::string bad = CheckOutcome(t.spec->expect, r, rng, plan, 0);
        if (!bad.empty() && tally->mismatch[k]++ == 0) tally->first_mismatch[k] = bad;
        continue;
      }
      if (r != nullptr) {
        Py_DECREF(r);
      } else {
        PyObject* exc = PyErr_GetRaisedException();
        tally->exceptions[exc ? Py_TYPE(exc)->tp_name : "(NULL without an exception)"]++;
        // A SystemError is how CPython reports C code misusing the API
        // (PyErr_BadInternalCall) or a NULL result without an exception:
        // worth showing, not a normal outcome to count and forget.
        if (exc == nullptr || PyErr_GivenExceptionMatches(exc, PyExc_SystemError)) {
          if (tally->system_errors[k]++ == 0) {
            tally->first_system_error[k] =
                exc == nullptr ? "returned NULL without an exception" : Repr(exc);
          }
        }
        Py_XDECREF(exc);
      }
    }
  }
  PyGILState_Release(st);
}

// ---- the child ---------------------------------------------------------------

struct Options {
  std::string so, name, spec_path;
  std::vector<std::string> stubs;  // --stub MODULE[:Class,Class...]
  int threads = 0;    // 0: the spec's, else 4
  double seconds = 0;  // 0: the spec's, else 2
  uint64_t seed = 0;
  bool seed_given = false;
};

// ---- stand-in modules (--stub) ----------------------------------------------
//
// Extensions import pure-Python modules at init (simplejson: its errors
// module; python-rapidjson: decimal and uuid) and keep classes from them
// for isinstance checks and construction. ftrt runs no Python code, so
// `--stub decimal:Decimal` registers a module `decimal` (and its parent
// packages, for a dotted name) whose `Decimal` is a stand-in class: a heap
// type named "decimal.Decimal" that takes any arguments. A name ending in
// Error, Exception or Warning is an exception class instead (a subclass of
// Exception), which the extension can raise (simplejson's
// errors.JSONDecodeError). No pool value is an instance of a stand-in, so
// the paths the extension takes for such values are not exercised;
// everything else is.

int StubInit(PyObject*, PyObject*, PyObject*) { return 0; }

PyObject* StubNew(PyTypeObject* type, PyObject*, PyObject*) { return type->tp_alloc(type, 0); }

// A module registered under `name`, with each parent package holding it as
// an attribute. A new reference, or null with an exception.
PyObject* StubModule(const std::string& name) {
  PyObject* m = PyImport_AddModuleRef(name.c_str());
  if (m == nullptr) return nullptr;
  const size_t dot = name.rfind('.');
  if (dot != std::string::npos) {
    PyObject* parent = StubModule(name.substr(0, dot));
    if (parent == nullptr ||
        PyModule_AddObjectRef(parent, name.substr(dot + 1).c_str(), m) < 0) {
      Py_XDECREF(parent);
      Py_DECREF(m);
      return nullptr;
    }
    Py_DECREF(parent);
  }
  return m;
}

// One --stub argument: "MODULE" or "MODULE:Class,Class". False with a
// message on stderr if it cannot be set up.
bool InstallStub(const std::string& arg, std::string* described) {
  const size_t colon = arg.find(':');
  const std::string module = arg.substr(0, colon);
  PyObject* m = module.empty() ? nullptr : StubModule(module);
  if (m == nullptr) {
    std::fprintf(stderr, "ftcheck: --stub %s: %s\n", arg.c_str(), TakeError().c_str());
    return false;
  }
  *described += (described->empty() ? "" : ", ") + module;
  std::string classes = colon == std::string::npos ? "" : arg.substr(colon + 1);
  std::vector<std::string> names;
  for (size_t start = 0; start < classes.size();) {
    size_t comma = classes.find(',', start);
    if (comma == std::string::npos) comma = classes.size();
    if (comma > start) names.push_back(classes.substr(start, comma - start));
    start = comma + 1;
  }
  if (!names.empty()) *described += " (";
  for (size_t i = 0; i < names.size(); ++i) {
    // (The type keeps its own copy of the name.)
    const std::string full = module + "." + names[i];
    auto ends_with = [&](const char* suffix) {
      const size_t n = std::strlen(suffix);
      return names[i].size() >= n && names[i].compare(names[i].size() - n, n, suffix) == 0;
    };
    PyObject* type;
    if (ends_with("Error") || ends_with("Exception") || ends_with("Warning")) {
      type = PyErr_NewException(full.c_str(), nullptr, nullptr);
    } else {
      PyType_Slot slots[] = {{Py_tp_new, reinterpret_cast<void*>(StubNew)},
                             {Py_tp_init, reinterpret_cast<void*>(StubInit)},
                             {0, nullptr}};
      PyType_Spec spec = {full.c_str(), 0, 0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, slots};
      type = PyType_FromSpec(&spec);
    }
    if (type == nullptr || PyModule_Add(m, names[i].c_str(), type) < 0) {
      std::fprintf(stderr, "ftcheck: --stub %s: %s\n", arg.c_str(), TakeError().c_str());
      Py_DECREF(m);
      return false;
    }
    *described += (i == 0 ? "" : ", ") + names[i];
  }
  if (!names.empty()) *described += ")";
  Py_DECREF(m);
  return true;
}

// The name of the first module a failed import could not find (the
// ModuleNotFoundError's `name` in the exception or its causes), or "".
std::string MissingModule(PyObject* exc) {
  PyObject* link = Py_NewRef(exc);
  std::string found;
  for (int depth = 0; link != nullptr && depth < 8 && found.empty(); ++depth) {
    if (PyErr_GivenExceptionMatches(link, PyExc_ModuleNotFoundError)) {
      PyObject* name = PyObject_GetAttrString(link, "name");
      if (name != nullptr && PyUnicode_Check(name)) found = PyUnicode_AsUTF8(name);
      Py_XDECREF(name);
      PyErr_Clear();
    }
    const char* how;
    PyObject* next = NextInChain(link, &how);
    Py_DECREF(link);
    link = next;
  }
  Py_XDECREF(link);
  return found;
}

int RunChild(const Options& opt) {
  Spec spec;
  bool have_spec = !opt.spec_path.empty();
  if (have_spec) {
    std::ifstream in(opt.spec_path);
    std::stringstream text;
    text << in.rdbuf();
    std::string error;
    if (!in || !ParseSpec(text.str(), &spec, &error)) {
      EmitFinding("error", "spec", "the spec " + opt.spec_path + " is not usable: " +
                                   (in ? error : std::string("cannot read it")));
      return 3;
    }
  }
  const int threads = opt.threads > 0 ? opt.threads : (spec.threads > 0 ? spec.threads : 4);
  const double seconds = opt.seconds > 0 ? opt.seconds : (spec.seconds > 0 ? spec.seconds : 2);
  const uint64_t seed = opt.seed_given ? opt.seed : std::random_device{}();

  Py_Initialize();
  Py_AtExit(CountLeaks);
  TakeBaseline();
  Info("seed " + std::to_string(seed) + " (replay the call sequence with --seed " +
       std::to_string(seed) + ")");

  Plan plan;
  const std::string name = spec.module.empty() ? opt.name : spec.module;
  plan.so_path = opt.so;
  std::string stubbed;
  for (const std::string& s : opt.stubs) {
    if (!InstallStub(s, &stubbed)) {
      EmitFinding("error", "stub", "--stub " + s + " could not be set up");
      Py_FinalizeEx();
      std::fprintf(stderr, "ftcheck: finished\n");
      return 3;
    }
  }
  if (!stubbed.empty()) Info("stand-in modules (--stub): " + stubbed);
  plan.module = ftrt_ImportExtension(name.c_str(), opt.so.c_str());
  if (plan.module == nullptr) {
    PyObject* exc = PyErr_GetRaisedException();
    const std::string missing = exc != nullptr ? MissingModule(exc) : "";
    PyErr_SetRaisedException(exc);
    std::vector<std::string> hint;
    if (!missing.empty()) {
      hint.push_back("'" + missing + "' is missing (ftrt runs no Python code): --stub " + missing +
                     ":Class,... gives the extension stand-ins for what it takes from it");
    }
    EmitFinding("import", "import", "the module '" + name + "' did not import: " + TakeError(),
                hint);
    Py_FinalizeEx();
    std::fprintf(stderr, "ftcheck: finished\n");
    return 3;
  }
  Runtime& rt = ThreadState::Current()->runtime();
  const bool declared = ModuleGil(plan.module) == Py_MOD_GIL_NOT_USED;
  const bool gil_on = rt.gil_enabled();
  Info(std::string("Py_mod_gil: ") +
       (declared ? "declared Py_MOD_GIL_NOT_USED" : "not declared (or Py_MOD_GIL_USED)") +
       "; the GIL " + (gil_on ? "came back on: calls were serialized" : "stayed off"));
  if (!declared) {
    EmitFinding("gil", "gil",
            std::string("the module does not declare Py_mod_gil = Py_MOD_GIL_NOT_USED, so ") +
                (gil_on ? "the GIL came back on and its functions did not run in parallel"
                        : "it would turn the GIL back on (PYTHON_GIL=0 kept it off here)"),
            {"declare it once the module is free-threading safe: {Py_mod_gil, "
             "Py_MOD_GIL_NOT_USED} in its slots, or PyUnstable_Module_SetGIL()"});
  }

  Rng setup_rng(seed);
  bool ready = have_spec ? SetUpSpec(plan, spec, setup_rng) : (Discover(plan, setup_rng), true);
  if (ready && plan.targets.empty()) {
    EmitFinding("error", "no-targets", "nothing to call: the module has no functions or types");
    ready = false;
  }
  std::vector<ThreadTally> tallies(threads);
  if (ready) {
    std::string names;
    for (const auto& t : plan.targets) {
      names += (names.empty() ? "" : ", ") + t.name;
      plan.cumulative.push_back((plan.cumulative.empty() ? 0 : plan.cumulative.back()) + t.weight);
    }
    Info(std::to_string(plan.targets.size()) + " targets" +
         (have_spec ? " (from the spec)" : " (discovered)") + ": " + names);
    Info(std::to_string(threads) + " threads for " + std::to_string(seconds).substr(0, 4) +
         " s; argument pool of " + std::to_string(plan.pool.size()) + " shared objects");
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6));
    PyThreadState* saved = PyEval_SaveThread();
    std::vector<std::thread> workers;
    for (int i = 0; i < threads; i++) {
      const uint64_t s = seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(i) + 1;
      workers.emplace_back(Worker, std::cref(plan), s, deadline, &tallies[i]);
    }
    for (auto& w : workers) w.join();
    PyEval_RestoreThread(saved);

    // Totals.
    const size_t n = plan.targets.size();
    std::vector<int64_t> calls(n), ok(n), mismatch(n), system_errors(n);
    std::vector<std::string> first(n), first_system_error(n);
    std::map<std::string, int64_t> exceptions;
    int64_t total = 0, errors = 0;
    for (const auto& t : tallies) {
      for (size_t k = 0; k < n; k++) {
        calls[k] += t.calls[k];
        ok[k] += t.ok[k];
        mismatch[k] += t.mismatch[k];
        if (first[k].empty()) first[k] = t.first_mismatch[k];
        if (k < t.system_errors.size()) {
          system_errors[k] += t.system_errors[k];
          if (first_system_error[k].empty()) first_system_error[k] = t.first_system_error[k];
        }
      }
      for (const auto& [e, c] : t.exceptions) {
        exceptions[e] += c;
        errors += c;
      }
    }
    for (size_t k = 0; k < n; k++) total += calls[k];
    std::string exc_text;
    for (const auto& [e, c] : exceptions) {
      exc_text += (exc_text.empty() ? "" : ", ") + e + " " + std::to_string(c);
    }
    Info(std::to_string(total) + " calls, " + std::to_string(errors) +
         " raised (normal outcomes" + (exc_text.empty() ? "" : ": " + exc_text) + ")");
    for (size_t k = 0; k < n; k++) {
      if (system_errors[k] > 0) {
        Info("SystemError from " + plan.targets[k].name + " (" + std::to_string(system_errors[k]) +
             " of " + std::to_string(calls[k]) + " calls), first: " + first_system_error[k] +
             " (in CPython, C code misusing the API, or a NULL result without an exception)");
      }
      if (calls[k] == 0) Info("never called (too short a run?): " + plan.targets[k].name);
      if (mismatch[k] > 0) {
        EmitFinding("expect", plan.targets[k].name,
                plan.targets[k].name + " " + first[k] + " (" + std::to_string(mismatch[k]) +
                    " of " + std::to_string(calls[k]) + " calls did not meet \"expect\": " +
                    plan.targets[k].spec->expect.Describe() + ")");
      }
    }
    // After the threads: spec checks on the final state.
    if (have_spec) {
      for (const auto& c : spec.after) {
        int64_t count = 0;
        if (c.expect.kind == Expect::Kind::kCount) {
          for (size_t k = 0; k < n; k++) {
            if (plan.targets[k].spec->target == c.expect.name) count += ok[k];
          }
        }
        PyObject* r = RunCall(c, setup_rng, plan);
        std::string bad = CheckOutcome(c.expect, r, setup_rng, plan, count);
        if (!bad.empty()) {
          EmitFinding("expect", "after|" + c.Describe(),
                  "after the threads: " + c.Describe() + " " + bad + " (expected " +
                      c.expect.Describe() + ")");
        } else {
          Info("after the threads: " + c.Describe() + " is " + c.expect.Describe() + ": ok");
        }
      }
    }
  }
  for (auto& t : plan.targets) Py_XDECREF(t.callable);
  for (auto& [name, o] : plan.shared) Py_DECREF(o);
  for (PyObject* o : plan.pool) Py_DECREF(o);
  Py_DECREF(plan.module);
  if (PyErr_Occurred()) EmitFinding("error", "pending", "an exception was left set: " + TakeError());
  const int rc = Py_FinalizeEx();
  if (rc != 0) EmitFinding("crash", "finalize", "Py_FinalizeEx returned " + std::to_string(rc));
  std::fprintf(stderr, "ftcheck: finished\n");
  std::fflush(stderr);
  return ready ? 0 : 3;
}

// ---- the report ------------------------------------------------------------

int RunReport(int argc, char** argv) {
  std::string module;
  std::vector<std::string> sources;
  std::vector<PassResult> passes;
  for (int i = 2; i < argc; i++) {
    const std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
    if (a == "--module" && v) {
      module = v;
      i++;
    } else if (a == "--source" && v) {
      sources.push_back(v);
      i++;
    } else if (a == "--pass" && v) {
      // NAME=LOG:STATUS
      const std::string p = v;
      i++;
      const size_t eq = p.find('='), colon = p.rfind(':');
      if (eq == std::string::npos || colon == std::string::npos || colon < eq) {
        std::fprintf(stderr, "ext_check report: --pass takes NAME=LOG:STATUS\n");
        return 2;
      }
      std::ifstream in(p.substr(eq + 1, colon - eq - 1));
      std::stringstream text;
      text << in.rdbuf();
      passes.push_back(ParsePass(p.substr(0, eq), text.str(),
                                 std::atoi(p.substr(colon + 1).c_str()), sources));
    } else {
      std::fprintf(stderr, "ext_check report: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  const std::vector<Finding> findings = MergeFindings(passes);
  std::fputs(FormatReport(module, sources, passes, findings).c_str(), stdout);
  return Passed(passes, findings) ? 0 : 1;
}

int Usage() {
  std::fprintf(stderr,
               "usage: ext_check child --so EXT.so --name NAME [--spec F] [--threads N] "
               "[--seconds S] [--seed K] [--stub MODULE[:Class,...]]\n"
               "       ext_check report --module NAME --source F.c ... --pass NAME=LOG:STATUS ...\n"
               "(run through tools/ft check)\n");
  return 2;
}

}  // namespace
}  // namespace ftrt::check

int main(int argc, char** argv) {
  using namespace ftrt::check;
  if (argc < 2) return Usage();
  const std::string mode = argv[1];
  if (mode == "report") return RunReport(argc, argv);
  if (mode != "child") return Usage();
  Options opt;
  for (int i = 2; i < argc; i++) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return Usage();
    const std::string v = argv[++i];
    if (a == "--so") opt.so = v;
    else if (a == "--name") opt.name = v;
    else if (a == "--spec") opt.spec_path = v;
    else if (a == "--stub") opt.stubs.push_back(v);
    else if (a == "--threads") opt.threads = std::atoi(v.c_str());
    else if (a == "--seconds") opt.seconds = std::atof(v.c_str());
    else if (a == "--seed") {
      opt.seed = std::strtoull(v.c_str(), nullptr, 10);
      opt.seed_given = true;
    } else {
      return Usage();
    }
  }
  if (opt.so.empty() || opt.name.empty()) return Usage();
  return RunChild(opt);
}
