// Reading sanitizer output and the checker driver's lines into findings
// (see report.h for the formats and the deduplication rule).
#include "tools/check/report.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <utility>

namespace ftrt::check {
namespace {

// Frames listed per stack in the report.
constexpr size_t kMaxExtFrames = 6;
constexpr size_t kFallbackFrames = 3;

bool StartsWith(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) b++;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) e--;
  return s.substr(b, e - b);
}

std::string Basename(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// "path:line" or "path:line:col" -> path, line.
bool SplitLocation(const std::string& loc, std::string* file, int* line) {
  std::string s = loc;
  size_t colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  std::string last = s.substr(colon + 1);
  if (!AllDigits(last)) return false;
  std::string rest = s.substr(0, colon);
  size_t colon2 = rest.rfind(':');
  if (colon2 != std::string::npos && AllDigits(rest.substr(colon2 + 1))) {
    *line = std::atoi(rest.substr(colon2 + 1).c_str());
    *file = rest.substr(0, colon2);
  } else {
    *line = std::atoi(last.c_str());
    *file = rest;
  }
  return !file->empty();
}

// A stack frame line: "#0 func /p/f.c:17 (lib.so+0x1)" (TSan),
// "#0 0x7f.. in func /p/f.c:17:5" (ASan, UBSan), "#3 0x.. (lib.so+0x1)".
bool ParseFrame(const std::string& raw, Frame* f) {
  std::string s = Trim(raw);
  if (s.size() < 2 || s[0] != '#' || !std::isdigit(static_cast<unsigned char>(s[1]))) return false;
  size_t sp = s.find(' ');
  if (sp == std::string::npos) return false;
  s = Trim(s.substr(sp + 1));
  if (StartsWith(s, "0x")) {
    size_t in = s.find(" in ");
    size_t sp2 = s.find(' ');
    if (in != std::string::npos && in == sp2) {
      s = s.substr(in + 4);
    } else if (sp2 != std::string::npos) {
      s = Trim(s.substr(sp2 + 1));
    } else {
      return true;  // only an address
    }
  }
  *f = Frame{};
  // A trailing "(object+0x..)".
  if (!s.empty() && s.back() == ')') {
    size_t open = s.rfind(" (");
    if (open != std::string::npos) {
      f->object = s.substr(open + 2, s.size() - open - 3);
      s = Trim(s.substr(0, open));
    } else if (s[0] == '(') {
      f->object = s.substr(1, s.size() - 2);
      return true;
    }
  }
  // The location is the last token when it looks like path:line.
  size_t last_sp = s.rfind(' ');
  std::string last = last_sp == std::string::npos ? s : s.substr(last_sp + 1);
  std::string file;
  int line = 0;
  if (last_sp != std::string::npos && SplitLocation(last, &file, &line)) {
    f->file = file;
    f->line = line;
    f->function = Trim(s.substr(0, last_sp));
  } else {
    f->function = s;
  }
  if (f->function == "<null>" || f->function == "??") f->function.clear();
  return true;
}

struct Section {
  std::string header;
  std::vector<Frame> frames;
};

struct Block {
  std::string tool;  // tsan, asan, lsan, ubsan
  std::string type;  // "data race", "heap-use-after-free", "SEGV", ...
  std::string first_line;
  std::vector<Section> sections;
};

class SourceMatcher {
 public:
  explicit SourceMatcher(const std::vector<std::string>& sources) {
    for (const auto& s : sources) {
      full_.push_back(s);
      base_.push_back(Basename(s));
    }
  }
  bool IsExtension(const Frame& f) const {
    if (f.file.empty()) return false;
    for (size_t k = 0; k < full_.size(); k++) {
      if (f.file == full_[k]) return true;
      // A relative path in the debug info, or a different spelling of the
      // same directory: the file name decides.
      if (Basename(f.file) == base_[k]) return true;
    }
    return false;
  }

 private:
  std::vector<std::string> full_, base_;
};

std::string Loc(const Frame& f) {
  if (f.file.empty() && f.function.empty() && f.object.empty()) {
    return "[stack not restored]";  // TSan lost an old access's stack
  }
  if (f.file.empty()) return f.function.empty() ? f.object : f.function;
  return Basename(f.file) + ":" + std::to_string(f.line);
}

std::vector<Frame> ExtFrames(const Section& s, const SourceMatcher& m) {
  std::vector<Frame> out;
  for (const auto& f : s.frames) {
    if (m.IsExtension(f)) out.push_back(f);
  }
  return out;
}

// The frame that names a stack: its first frame in the extension, else its
// first frame with a function name.
Frame TopFrame(const Section& s, const SourceMatcher& m) {
  for (const auto& f : s.frames) {
    if (m.IsExtension(f)) return f;
  }
  for (const auto& f : s.frames) {
    if (!f.function.empty()) return f;
  }
  return s.frames.empty() ? Frame{} : s.frames[0];
}

// Lower case, addresses ("0x..") and thread ids ("T12") dropped.
std::string CleanHeader(const std::string& header) {
  std::string h = Trim(header);
  if (!h.empty() && h.back() == ':') h.pop_back();
  std::istringstream in(h);
  std::string word, out;
  while (in >> word) {
    if (StartsWith(word, "0x")) {
      if (!out.empty() && out.size() >= 3 && out.compare(out.size() - 3, 3, " at") == 0) {
        out.resize(out.size() - 3);
      }
      continue;
    }
    if (StartsWith(word, "(pid=") || StartsWith(word, "(tid=") || StartsWith(word, "(pc")) continue;
    out += (out.empty() ? "" : " ") + word;
  }
  // "Write of size" -> "write of size"; ASan's "READ of size" -> "read of size".
  const size_t first_end = std::min(out.find(' '), out.size());
  const bool shouting = std::all_of(out.begin(), out.begin() + first_end,
                                    [](char c) { return !std::islower(static_cast<unsigned char>(c)); });
  for (size_t k = 0; k < (shouting ? first_end : std::min<size_t>(1, out.size())); k++) {
    out[k] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[k])));
  }
  return out;
}

void AddStackDetails(const Section& s, const SourceMatcher& m, std::vector<std::string>* d) {
  const std::string h = CleanHeader(s.header);
  d->push_back("  " + (h.empty() ? std::string("stack") : h) + ":");
  std::vector<Frame> ext = ExtFrames(s, m);
  if (!ext.empty()) {
    for (size_t k = 0; k < ext.size() && k < kMaxExtFrames; k++) d->push_back("    " + ext[k].Where());
    return;
  }
  std::string top;
  for (size_t k = 0; k < s.frames.size() && k < kFallbackFrames; k++) {
    top += (k ? " < " : "") + s.frames[k].Where();
  }
  d->push_back("    (no frame in the extension) " + (top.empty() ? "(no stack)" : top));
}

// Words that look like addresses ("0x6020..") dropped.
std::string StripAddresses(const std::string& text) {
  std::istringstream in(text);
  std::string word, out;
  while (in >> word) {
    if (StartsWith(word, "0x") && word.size() > 6) continue;
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

bool IsAccessHeader(const std::string& header) {
  std::string h = CleanHeader(header);
  for (const char* p : {"previous ", "atomic "}) {
    if (StartsWith(h, p)) h = h.substr(std::string(p).size());
  }
  return StartsWith(h, "read ") || StartsWith(h, "write ");
}

// "write of size 8 by thread T2" -> "write".
std::string AccessKind(const std::string& header) {
  std::string h = CleanHeader(header);
  const size_t of = h.find(" of size");
  return of == std::string::npos ? h : h.substr(0, of);
}

// Adds g's count and shapes to f.
void MergeInto(Finding& f, const Finding& g) {
  f.count += g.count;
  if (f.kind != "race") return;  // other kinds differ only in counts and addresses
  auto add_variant = [&f](const std::string& v) {
    if (v != f.title && std::find(f.variants.begin(), f.variants.end(), v) == f.variants.end()) {
      f.variants.push_back(v);
    }
  };
  add_variant(g.title);
  for (const auto& v : g.variants) add_variant(v);
}

struct Collector {
  const SourceMatcher& m;
  std::vector<Finding> findings;
  std::map<std::string, size_t> by_key;
  std::string pending_fatal;  // "ftrt fatal: ..." waiting for its stack

  void Add(Finding f) {
    auto it = by_key.find(f.key);
    if (it != by_key.end()) {
      MergeInto(findings[it->second], f);
      return;
    }
    by_key.emplace(f.key, findings.size());
    findings.push_back(std::move(f));
  }

  // The first section with a stack, or null.
  static const Section* FirstStack(const Block& b) {
    for (const auto& s : b.sections) {
      if (!s.frames.empty()) return &s;
    }
    return nullptr;
  }

  void AddRace(const Block& b) {
    std::vector<const Section*> access;
    std::string location;
    for (const auto& s : b.sections) {
      if (IsAccessHeader(s.header) && access.size() < 2) access.push_back(&s);
      const std::string h = Trim(s.header);
      if (location.empty() && StartsWith(h, "Location is ")) {
        // "Location is global 'calls' of size 8 at 0x.. (ft_racy.so+0x..)"
        size_t q1 = h.find('\''), q2 = q1 == std::string::npos ? q1 : h.find('\'', q1 + 1);
        if (q2 != std::string::npos) {
          location = "global '" + h.substr(q1 + 1, q2 - q1 - 1) + "'";
        } else if (h.find("heap block") != std::string::npos) {
          location = "a heap block";
        } else if (h.find("stack of") != std::string::npos) {
          location = "a stack variable";
        }
      }
    }
    Finding f;
    f.kind = "race";
    std::vector<std::string> sides;
    for (const Section* s : access) {
      Frame top = TopFrame(*s, m);
      sides.push_back(Loc(top));
      std::string fn = top.function.empty() ? "" : top.function + ", ";
      f.title += (f.title.empty() ? "" : " vs ") + Loc(top) + " (" + fn +
                 AccessKind(s->header) + ")";
      AddStackDetails(*s, m, &f.details);
    }
    if (access.empty()) f.title = "(no access stacks in the report)";
    f.title = (location.empty() ? "race: " : "race on " + location + ": ") + f.title;
    std::sort(sides.begin(), sides.end());
    f.key = "race";
    if (StartsWith(location, "global ")) {
      f.key += "|" + location;
    } else {
      for (const auto& s : sides) f.key += "|" + s;
    }
    Add(std::move(f));
  }

  void AddGeneric(const Block& b) {
    Finding f;
    const Section* first = FirstStack(b);
    Frame top = first ? TopFrame(*first, m) : Frame{};
    const bool abort_like = b.type == "ABRT" || b.type == "SEGV" || b.type == "BUS" ||
                            b.type == "FPE" || b.type == "ILL" ||
                            b.type.find("deadly signal") != std::string::npos;
    if (abort_like && !pending_fatal.empty()) {
      const bool refcount = pending_fatal.find("incref") != std::string::npos ||
                            pending_fatal.find("decref") != std::string::npos ||
                            pending_fatal.find("count") != std::string::npos;
      f.kind = refcount ? "refcount" : "crash";
      // "decref below zero (local count): object 0x.. of type 'X': ..." ->
      // the message and the type, without addresses and counts.
      std::string msg = pending_fatal;
      std::string type_name;
      size_t obj = msg.find(": object ");
      if (obj != std::string::npos) {
        size_t q1 = msg.find('\'', obj), q2 = q1 == std::string::npos ? q1 : msg.find('\'', q1 + 1);
        if (q2 != std::string::npos) type_name = msg.substr(q1 + 1, q2 - q1 - 1);
        f.details.push_back("  " + msg);
        msg = msg.substr(0, obj);
      }
      f.title = (refcount ? "reference count error: " : "fatal error: ") + msg +
                (type_name.empty() ? "" : " (a '" + type_name + "')") + " at " + top.Where();
      f.key = f.kind + "|" + msg + "|" + type_name + "|" + Loc(top);
      pending_fatal.clear();
    } else {
      f.kind = b.tool == "tsan" ? "tsan" : b.tool == "lsan" ? "leak-native" : b.tool;
      if (abort_like) f.kind = "crash";
      f.title = (abort_like ? "crash: " : "") + b.type + " at " + top.Where();
      f.key = f.kind + "|" + b.type + "|" + Loc(top);
      if (b.tool == "ubsan") {
        f.title = "undefined behaviour: " + b.type + " at " + top.Where();
      }
    }
    for (const auto& s : b.sections) {
      if (s.frames.empty()) continue;
      AddStackDetails(s, m, &f.details);
      if (f.details.size() > 24) break;
    }
    Add(std::move(f));
  }

  void AddLeaks(const Block& b) {
    for (const auto& s : b.sections) {
      if (s.frames.empty()) continue;
      const std::string h = Trim(s.header);
      if (!StartsWith(h, "Direct leak") && !StartsWith(h, "Indirect leak")) continue;
      Frame top = TopFrame(s, m);
      Finding f;
      f.kind = "leak-native";
      // "Direct leak of 40 byte(s) in 1 object(s) allocated from" -> "direct leak"
      const std::string what = StartsWith(h, "Direct") ? "memory leak" : "indirect memory leak";
      f.title = what + " (LeakSanitizer): allocated at " + top.Where();
      f.key = "leak-native|" + what + "|" + Loc(top);
      AddStackDetails(s, m, &f.details);
      Add(std::move(f));
    }
  }

  void AddBlock(const Block& b) {
    if (b.tool == "tsan" && StartsWith(b.type, "data race")) {
      AddRace(b);
    } else if (b.tool == "lsan") {
      AddLeaks(b);
    } else {
      AddGeneric(b);
    }
  }
};

// The driver's "ftcheck: finding KIND\tKEY\tTITLE\tDETAIL..." line.
bool ParseDriverFinding(const std::string& rest, Finding* f) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t tab = rest.find('\t', start);
    parts.push_back(rest.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  if (parts.size() < 3) return false;
  f->kind = parts[0];
  f->key = parts[0] + "|" + parts[1];
  f->title = parts[2];
  for (size_t k = 3; k < parts.size(); k++) f->details.push_back("  " + parts[k]);
  return true;
}

}  // namespace

std::string Frame::Where() const {
  std::string fn = function.empty() ? "" : " (" + function + ")";
  if (file.empty()) return (function.empty() ? "??" : function) + (object.empty() ? "" : " [" + object + "]");
  return Basename(file) + ":" + std::to_string(line) + fn;
}

PassResult ParsePass(const std::string& pass, const std::string& log, int exit_status,
                     const std::vector<std::string>& sources) {
  PassResult r;
  r.pass = pass;
  r.exit_status = exit_status;
  SourceMatcher matcher(sources);
  Collector c{matcher, {}, {}, {}};

  std::vector<std::string> lines;
  {
    std::istringstream in(log);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
  }
  bool in_block = false;
  Block block;
  auto finish = [&]() {
    if (in_block) c.AddBlock(block);
    in_block = false;
    block = Block{};
  };
  auto start = [&](const std::string& tool, const std::string& type, const std::string& line) {
    finish();
    in_block = true;
    block.tool = tool;
    block.type = type;
    block.first_line = line;
    block.sections.push_back(Section{});  // frames right after the first line
  };
  // "X: TYPE on address ..." / "TYPE (pid=..)" -> TYPE.
  auto type_after = [](const std::string& line, const std::string& marker) {
    std::string t = line.substr(line.find(marker) + marker.size());
    for (const char* end : {" on address", " on unknown address", " (pid=", " at pc", " on "}) {
      size_t p = t.find(end);
      if (p != std::string::npos) t = t.substr(0, p);
    }
    return Trim(t);
  };

  for (size_t k = 0; k < lines.size(); k++) {
    const std::string& line = lines[k];
    const std::string t = Trim(line);
    if (StartsWith(t, "ftcheck: ")) {
      const std::string rest = t.substr(9);
      if (rest == "finished") {
        r.finished = true;
      } else if (StartsWith(rest, "info ")) {
        r.info.push_back(rest.substr(5));
      } else if (StartsWith(rest, "finding ")) {
        Finding f;
        if (ParseDriverFinding(rest.substr(8), &f)) c.Add(std::move(f));
      }
      continue;
    }
    if (StartsWith(t, "ftrt fatal: ")) {
      // Several threads may fail at once: the first message goes with the
      // sanitizer's stack that follows (its block may have begun already).
      if (c.pending_fatal.empty()) c.pending_fatal = t.substr(12);
      continue;
    }
    if (t.find("Sanitizer:DEADLYSIGNAL") != std::string::npos) continue;
    std::string::size_type p;
    if ((p = t.find("WARNING: ThreadSanitizer: ")) != std::string::npos) {
      start("tsan", type_after(t, "WARNING: ThreadSanitizer: "), t);
      continue;
    }
    if ((p = t.find("ERROR: ThreadSanitizer: ")) != std::string::npos) {
      start("tsan", type_after(t, "ERROR: ThreadSanitizer: "), t);
      continue;
    }
    if ((p = t.find("ERROR: AddressSanitizer: ")) != std::string::npos) {
      start("asan", type_after(t, "ERROR: AddressSanitizer: "), t);
      continue;
    }
    if (t.find("ERROR: LeakSanitizer: ") != std::string::npos) {
      start("lsan", "memory leak", t);
      continue;
    }
    if ((p = t.find(": runtime error: ")) != std::string::npos) {
      start("ubsan", StripAddresses(t.substr(p + 17)), t);
      // The location is the line's prefix: make it the first frame.
      Frame f;
      std::string file;
      int ln = 0;
      if (SplitLocation(t.substr(0, p), &file, &ln)) {
        f.file = file;
        f.line = ln;
        block.sections.back().frames.push_back(f);
      }
      block.type = block.type.substr(0, block.type.find(':'));
      continue;
    }
    if (!in_block) continue;
    if (StartsWith(t, "SUMMARY: ") || StartsWith(t, "==================")) {
      finish();
      continue;
    }
    if (t.empty()) continue;
    Frame f;
    if (ParseFrame(t, &f)) {
      Section& s = block.sections.back();
      // UBSan: the stack's first frame replaces the location taken from the
      // "runtime error" line.
      if (block.tool == "ubsan" && s.frames.size() == 1 && s.frames[0].function.empty() &&
          s.frames[0].file == f.file && s.frames[0].line == f.line) {
        s.frames.clear();
      }
      s.frames.push_back(f);
      continue;
    }
    if (block.tool == "ubsan") continue;  // notes, memory dumps, carets
    if (StartsWith(t, "Shadow bytes") || StartsWith(t, "HINT:") ||
        StartsWith(t, "AddressSanitizer can not")) {
      continue;
    }
    block.sections.push_back(Section{t, {}});
  }
  finish();
  bool fatal_reported = false;
  for (const auto& f : c.findings) {
    if (f.kind == "refcount" || f.kind == "crash" || f.kind == "asan") fatal_reported = true;
  }
  // A fatal error whose stack was not printed (other threads' messages
  // while the process was already going down with a report are not news).
  if (!c.pending_fatal.empty() && !fatal_reported) {
    Finding f;
    const std::string msg = c.pending_fatal.substr(0, c.pending_fatal.find(": object "));
    f.kind = msg.find("decref") != std::string::npos || msg.find("incref") != std::string::npos
                 ? "refcount" : "crash";
    f.title = "fatal error: " + msg + " (no stack)";
    f.key = f.kind + "|" + msg;
    f.details.push_back("  " + c.pending_fatal);
    c.Add(std::move(f));
  }

  // A run that stopped early with nothing to say why.
  if (!r.finished) {
    bool explained = false;
    for (const auto& f : c.findings) {
      if (f.kind == "crash" || f.kind == "refcount" || f.kind == "asan" || f.kind == "ubsan" ||
          f.kind == "import" || f.kind == "error" || f.kind == "tsan") {
        explained = true;
      }
    }
    if (exit_status == 124 || exit_status == 137) {
      Finding f;
      f.kind = "hang";
      f.key = "hang";
      f.title = "hang: the run did not finish in time and was killed (a deadlock, or a "
                "call that never returns)";
      c.Add(std::move(f));
    } else if (!explained) {
      Finding f;
      f.kind = "crash";
      f.key = "crash|status";
      f.title = exit_status > 128 ? "crash: the run was killed by signal " +
                                        std::to_string(exit_status - 128)
                                  : "crash: the run ended early with exit status " +
                                        std::to_string(exit_status);
      // The run's last words: what the process itself printed (an
      // extension's own assertion, say), not the driver's progress lines.
      std::vector<std::string> last;
      for (size_t k = lines.size(); k-- > 0 && last.size() < 8;) {
        if (lines[k].rfind("ftcheck: info", 0) == 0 || lines[k].rfind("ftcheck: finding", 0) == 0) {
          continue;
        }
        last.insert(last.begin(), lines[k]);
      }
      for (const std::string& line : last) f.details.push_back("  | " + line);
      c.Add(std::move(f));
    }
  }
  for (auto& f : c.findings) f.passes.push_back(pass);
  r.findings = std::move(c.findings);
  return r;
}

std::vector<Finding> MergeFindings(const std::vector<PassResult>& passes) {
  std::vector<Finding> out;
  std::map<std::string, size_t> by_key;
  for (const auto& p : passes) {
    for (const auto& f : p.findings) {
      auto it = by_key.find(f.key);
      if (it == by_key.end()) {
        by_key.emplace(f.key, out.size());
        out.push_back(f);
        continue;
      }
      Finding& g = out[it->second];
      MergeInto(g, f);
      for (const auto& name : f.passes) {
        if (std::find(g.passes.begin(), g.passes.end(), name) == g.passes.end()) {
          g.passes.push_back(name);
        }
      }
    }
  }
  return out;
}

bool Passed(const std::vector<PassResult>& passes, const std::vector<Finding>& findings) {
  if (!findings.empty() || passes.empty()) return false;
  for (const auto& p : passes) {
    if (!p.finished) return false;
  }
  return true;
}

std::string FormatReport(const std::string& module, const std::vector<std::string>& sources,
                         const std::vector<PassResult>& passes,
                         const std::vector<Finding>& findings) {
  std::string out = "== ftrt check: " + module + " (";
  for (size_t k = 0; k < sources.size(); k++) out += (k ? ", " : "") + Basename(sources[k]);
  out += ")\n";
  for (const auto& p : passes) {
    std::string state = p.finished ? "finished" : "did not finish";
    if (p.exit_status != 0) state += ", exit status " + std::to_string(p.exit_status);
    out += "pass " + p.pass + ": " + state + "\n";
    for (const auto& i : p.info) out += "  " + i + "\n";
  }
  if (findings.empty()) {
    out += "findings: none\n";
  } else {
    out += "findings (" + std::to_string(findings.size()) + ", deduplicated):\n";
    for (const auto& f : findings) {
      std::string seen;
      for (size_t k = 0; k < f.passes.size(); k++) seen += (k ? "+" : "") + f.passes[k];
      out += "- [" + f.kind + "] " + f.title + "  (" + seen +
             (f.count > 1 ? ", seen " + std::to_string(f.count) + " times" : "") + ")\n";
      for (const auto& d : f.details) out += "    " + d + "\n";
      for (const auto& v : f.variants) out += "    also: " + v + "\n";
    }
  }
  if (Passed(passes, findings)) {
    out += "verdict: PASS\n";
  } else {
    std::map<std::string, int> kinds;
    for (const auto& f : findings) kinds[f.kind]++;
    std::string why;
    for (const auto& [kind, n] : kinds) {
      why += (why.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
    }
    for (const auto& p : passes) {
      if (!p.finished && why.empty()) why = "the " + p.pass + " pass did not finish";
    }
    if (passes.empty()) why = "nothing ran";
    out += "verdict: FAIL (" + why + ")\n";
  }
  return out;
}

}  // namespace ftrt::check
