// Flag parsing for the stress runner (options.h).
#include "tools/stress/options.h"

#include <cerrno>
#include <cstdlib>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ftrt::stress {
namespace {

bool ParseU64(const std::string& s, uint64_t* out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || s[0] == '-') return false;
  *out = v;
  return true;
}

bool ParseDouble(const std::string& s, double* out) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (errno != 0 || *end != '\0' || !(v >= 0)) return false;
  *out = v;
  return true;
}

absl::Status Bad(const std::string& flag, const std::string& value, const char* want) {
  return absl::InvalidArgumentError(absl::StrCat("bad value for ", flag, ": '", value,
                                                 "' (want ", want, ")"));
}

}  // namespace

std::string Usage() {
  return R"(usage: stress [flags]

Runs mixed workloads on the real ftrt runtime from many threads, prints one
progress line per second and a report whose every line is marked pass or
fail; exits 1 if any line fails, 2 on a usage error.

  --threads N        worker threads running at once (default 8)
  --seconds S        how long to run (default 10; fractions allowed)
  --ops N            instead: each worker slot runs exactly N operations
  --seed N           the run's seed (default: random; always printed)
  --workload A,B:3   workloads and optional weights (default: all available;
                     --list shows them)
  --json FILE        write the report as JSON
  --html FILE        write the report as one self-contained HTML page
  --shard K/N        run shard K of N (its seed is derived from --seed)
  --thread-ops N     mean operations a worker thread runs before it exits
                     and a new thread takes its slot (default 20000; 0: never)
  --max-rss-mb N     fail the memory line above this peak RSS
  --stall-seconds S  fail (and stop) if no operation completes for S seconds
  --quiet            no progress lines
  --list             list the workloads (available and planned) and exit
)";
}

absl::StatusOr<Options> ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) o.command_line += ' ';
    o.command_line += argv[i];
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_value = false;
    if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    auto need = [&]() -> absl::StatusOr<std::string> {
      if (has_value) return value;
      if (i + 1 >= argc) return absl::InvalidArgumentError(absl::StrCat(arg, " needs a value"));
      return std::string(argv[++i]);
    };
    auto no_value = [&]() -> absl::Status {
      if (has_value) return absl::InvalidArgumentError(absl::StrCat(arg, " takes no value"));
      return absl::OkStatus();
    };
    uint64_t u = 0;
    if (arg == "--help" || arg == "-h") {
      o.help = true;
    } else if (arg == "--list") {
      if (auto s = no_value(); !s.ok()) return s;
      o.list = true;
    } else if (arg == "--quiet") {
      if (auto s = no_value(); !s.ok()) return s;
      o.quiet = true;
    } else if (arg == "--threads") {
      auto v = need();
      if (!v.ok()) return v.status();
      if (!ParseU64(*v, &u) || u < 1 || u > 256) return Bad(arg, *v, "1..256");
      o.threads = static_cast<int>(u);
    } else if (arg == "--seconds") {
      auto v = need();
      if (!v.ok()) return v.status();
      if (!ParseDouble(*v, &o.seconds) || o.seconds > 86400) return Bad(arg, *v, "0..86400");
    } else if (arg == "--ops") {
      auto v = need();
      if (!v.ok()) return v.status();
      if (!ParseU64(*v, &o.ops_per_thread) || o.ops_per_thread == 0) {
        return Bad(arg, *v, "a positive count");
      }
    } else if (arg == "--seed") {
      auto v = need();
      if (!v.ok()) return v.status();
      if (!ParseU64(*v, &o.seed)) return Bad(arg, *v, "an unsigned 64-bit number");
      o.seed_given = true;
    } else if (arg == "--workload" || arg == "--workloads") {
      auto v = need();
      if (!v.ok()) return v.status();
      for (absl::string_view part : absl::StrSplit(*v, ',', absl::SkipEmpty())) {
        std::string name(part);
        uint32_t weight = 1;
        if (size_t colon = name.find(':'); colon != std::string::npos) {
          if (!ParseU64(name.substr(colon + 1), &u) || u < 1 || u > 1000) {
            return Bad(arg, *v, "NAME or NAME:WEIGHT with weight 1..1000");
          }
          weight = static_cast<uint32_t>(u);
          name = name.substr(0, colon);
        }
        o.workloads.emplace_back(name, weight);
      }
      if (o.workloads.empty()) return Bad(arg, *v, "a comma-separated list");
    } else if (arg == "--json") {
      auto v = need();
      if (!v.ok()) return v.status();
      o.json_path = *v;
    } else if (arg == "--html") {
      auto v = need();
      if (!v.ok()) return v.status();
      o.html_path = *v;
    } else if (arg == "--shard") {
      auto v = need();
      if (!v.ok()) return v.status();
      std::vector<std::string> parts = absl::StrSplit(*v, '/');
      uint64_t k = 0, n = 0;
      if (parts.size() != 2 || !ParseU64(parts[0], &k) || !ParseU64(parts[1], &n) || n < 1 ||
          k < 1 || k > n || n > 100000) {
        return Bad(arg, *v, "K/N with 1 <= K <= N");
      }
      o.shard_index = static_cast<int>(k);
      o.shard_count = static_cast<int>(n);
    } else if (arg == "--thread-ops") {
      auto v = need();
      if (!v.ok()) return v.status();
      if (!ParseU64(*v, &o.generation_ops)) return Bad(arg, *v, "a count");
    } else if (arg == "--max-rss-mb") {
      auto v = need();
      if (!v.ok()) return v.status();
      if (!ParseU64(*v, &o.max_rss_mb) || o.max_rss_mb == 0) return Bad(arg, *v, "megabytes");
    } else if (arg == "--stall-seconds") {
      auto v = need();
      if (!v.ok()) return v.status();
      if (!ParseDouble(*v, &o.stall_seconds) || o.stall_seconds < 1) {
        return Bad(arg, *v, "seconds >= 1");
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag '", arg, "' (see --help)"));
    }
  }
  if (!o.seed_given) {
    std::random_device rd;
    o.seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }
  return o;
}

}  // namespace ftrt::stress
