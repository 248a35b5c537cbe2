#!/usr/bin/env python3
"""Folds the JSON reports of stress-runner shards into one report.

    tools/ft report merge a.json b.json ... [--out merged.json]

Each shard (`stress --shard K/N --json FILE`) is an independent run with its
own seed; the merged report says what all of them did together:
  * counts add up (operations, per workload and in total; stops; merges;
    collections; objects freed; leaked objects; stress objects made/freed);
  * rates add up too (shards run at the same time, on separate machines);
  * maxima stay maxima (peak RSS, the longest stop, the longest pause,
    elapsed time);
  * latency histograms add bucket by bucket, and their median and p99 are
    recomputed from the sum with the runner's own rule (histogram.h), so a
    merged p99 is the p99 of all stops, not an average of p99s;
  * a check fails if it failed in any shard; the merged report passes only
    if every shard passed.
The collector's own median/p99 cannot be merged exactly without samples:
when every shard sampled its pauses one by one the merged figures come from
the summed histogram; otherwise they are the maximum over shards and the
report says so. Timelines add point by point (second k of every shard).

Writes the merged JSON to --out (or stdout) and a one-line-per-check summary
to stderr. Exit status: 0 if the merged report passes, 1 if not, 2 on bad
input. Only the Python standard library.
"""

import argparse
import json
import math
import sys

VERSION = 1


def quantile(buckets, count, max_ns, q):
    """The runner's rule: upper bound of the bucket holding the
    ceil(q * count)-th sample, never above the maximum."""
    if count == 0:
        return 0
    rank = min(max(int(math.ceil(q * count)), 1), count)
    seen = 0
    for lower, upper, n in sorted(buckets):
        seen += n
        if seen >= rank:
            return min(upper, max_ns)
    return max_ns


def merge_histograms(hists):
    """Adds histograms given as the runner writes them
    ({count, median_ns, p99_ns, max_ns, total_ns, buckets: [[lo, hi, n]]})."""
    acc = {}
    count = total = max_ns = 0
    for h in hists:
        count += h["count"]
        total += h["total_ns"]
        max_ns = max(max_ns, h["max_ns"])
        for lower, upper, n in h["buckets"]:
            key = (lower, upper)
            acc[key] = acc.get(key, 0) + n
    buckets = [[lo, hi, n] for (lo, hi), n in sorted(acc.items())]
    if sum(n for _, _, n in buckets) != count:
        raise ValueError("histogram bucket counts do not add up to its count")
    return {
        "count": count,
        "median_ns": quantile(buckets, count, max_ns, 0.5),
        "p99_ns": quantile(buckets, count, max_ns, 0.99),
        "max_ns": max_ns,
        "total_ns": total,
        "buckets": buckets,
    }


def merge_checks(reports):
    order = []
    merged = {}
    for i, r in enumerate(reports):
        shard = "%d/%d" % (r["run"]["shard"]["index"], r["run"]["shard"]["count"])
        for c in r["checks"]:
            key = (c["section"], c["name"])
            if key not in merged:
                order.append(key)
                merged[key] = {"section": c["section"], "name": c["name"], "marks": [], "details": []}
            merged[key]["marks"].append(c["mark"])
            merged[key]["details"].append("shard %s: %s" % (shard, c["detail"]))
    out = []
    for key in order:
        m = merged[key]
        marks = m["marks"]
        if "fail" in marks:
            mark = "fail"
            detail = "; ".join(d for d, k in zip(m["details"], marks) if k == "fail")
        elif "pass" in marks:
            mark = "pass"
            detail = "passed in %d of %d shards" % (marks.count("pass"), len(reports))
            if marks.count("pass") == len(reports) and len(reports) == 1:
                detail = m["details"][0]
        else:
            mark = "n/a"
            detail = m["details"][0]
        if len(marks) < len(reports) and mark != "fail":
            detail += " (absent from %d shards)" % (len(reports) - len(marks))
        out.append({"section": m["section"], "name": m["name"], "mark": mark, "detail": detail})
    return out


def merge_collector(reports):
    cols = [r["collector"] for r in reports]
    if not all(c["available"] for c in cols):
        missing = sum(1 for c in cols if not c["available"])
        return {
            "available": False,
            "source": "n/a in %d of %d shards (%s)" % (
                missing, len(cols), next(c["source"] for c in cols if not c["available"])),
            "collections": None, "freed": None, "pause": None,
        }
    pause = {
        "count": sum(c["pause"]["count"] for c in cols),
        "max_ns": max(c["pause"]["max_ns"] for c in cols),
    }
    if all("histogram" in c["pause"] for c in cols):
        hist = merge_histograms([c["pause"]["histogram"] for c in cols])
        pause["histogram"] = hist
        pause["median_ns"] = hist["median_ns"]
        pause["p99_ns"] = hist["p99_ns"]
        pause["quantiles_from"] = "merged sampled pauses"
    else:
        pause["median_ns"] = max(c["pause"]["median_ns"] for c in cols)
        pause["p99_ns"] = max(c["pause"]["p99_ns"] for c in cols)
        pause["quantiles_from"] = "maximum over shards"
    return {
        "available": True,
        "source": "merged from %d shards" % len(cols),
        "collections": sum(c["collections"] for c in cols),
        "freed": sum(c["freed"] for c in cols),
        "pause": pause,
    }


def merge_timelines(reports):
    length = max(len(r["timeline"]) for r in reports)
    out = []
    for k in range(length):
        points = [r["timeline"][k] for r in reports if k < len(r["timeline"])]
        ops = {}
        for p in points:
            for name, v in p["ops_per_s"].items():
                ops[name] = ops.get(name, 0.0) + v
        cols = [p["collections"] for p in points]
        out.append({
            "t": max(p["t"] for p in points),
            "ops_per_s": ops,
            "live_objects": sum(p["live_objects"] for p in points),
            "collections": None if any(c is None for c in cols) else sum(cols),
            "rss_bytes": sum(p["rss_bytes"] for p in points),
            "shards": len(points),
        })
    return out


def merge(reports):
    if not reports:
        raise ValueError("nothing to merge")
    for r in reports:
        if r.get("ftrt_stress_report") != VERSION:
            raise ValueError("not a version-%d stress report" % VERSION)
    runs = [r["run"] for r in reports]
    configs = sorted(set(run["config"] for run in runs))
    workloads = {}
    for r in reports:
        for name, w in r["throughput"]["workloads"].items():
            m = workloads.setdefault(name, {"ops": 0, "ops_per_s": 0.0, "layers": w["layers"],
                                            "summary": "", "shards": 0})
            m["ops"] += w["ops"]
            m["ops_per_s"] += w["ops_per_s"]
            m["shards"] += 1
    total_ops = sum(r["throughput"]["total_ops"] for r in reports)
    stw = {
        "stops": sum(r["stop_the_world"]["stops"] for r in reports),
        "violations": sum(r["stop_the_world"]["violations"] for r in reports),
        "latency": merge_histograms([r["stop_the_world"]["latency"] for r in reports]),
    }
    leak_keys = ["non_immortal_objects_left", "immortal_objects_left", "allocator_live_objects",
                 "delayed_frees_pending", "stress_objects_made", "stress_objects_freed"]
    leak = {"checked": all(r["leak_check"]["checked"] for r in reports)}
    for k in leak_keys:
        leak[k] = sum(r["leak_check"][k] for r in reports)
    checks = merge_checks(reports)
    passed = all(r["pass"] for r in reports) and not any(c["mark"] == "fail" for c in checks)
    slots = []
    for r in reports:
        for s in r["slots"]:
            s = dict(s)
            s["shard"] = r["run"]["shard"]["index"]
            slots.append(s)
    return {
        "ftrt_stress_report": VERSION,
        "merged_from": len(reports),
        "pass": passed,
        "run": {
            "seeds": sorted(set(run["seed"] for run in runs)),
            "shards": [{"index": run["shard"]["index"], "count": run["shard"]["count"],
                        "seed": run["shard"]["seed"], "pass": r["pass"]}
                       for run, r in zip(runs, reports)],
            "threads": sum(run["threads"] for run in runs),
            "seconds_requested": max(run["seconds_requested"] for run in runs),
            "ops_per_thread": max(run["ops_per_thread"] for run in runs),
            "elapsed_s": max(run["elapsed_s"] for run in runs),
            "config": configs[0] if len(configs) == 1 else "mixed: " + ",".join(configs),
        },
        "throughput": {
            "workloads": workloads,
            "total_ops": total_ops,
            "ops_per_s": sum(r["throughput"]["ops_per_s"] for r in reports),
        },
        "collector": merge_collector(reports),
        "stop_the_world": stw,
        "queued_merges": {k: sum(r["queued_merges"][k] for r in reports)
                          for k in ("merged_during_stops", "merged_explicitly", "left_queued")},
        "memory": {
            "peak_rss_bytes": max(r["memory"]["peak_rss_bytes"] for r in reports),
            "rss_limit_bytes": max(r["memory"]["rss_limit_bytes"] for r in reports),
        },
        "leak_check": leak,
        "checks": checks,
        "timeline": merge_timelines(reports),
        "slots": slots,
    }


def main(argv):
    parser = argparse.ArgumentParser(
        prog="tools/ft report merge",
        description="Fold stress shard reports (--json) into one: counts add up, maxima stay "
                    "maxima, latency histograms add and their quantiles are recomputed; fails "
                    "if any shard failed.")
    parser.add_argument("reports", nargs="+", help="shard reports written by stress --json")
    parser.add_argument("--out", help="where to write the merged JSON (default: stdout)")
    args = parser.parse_args(argv)
    try:
        reports = []
        for path in args.reports:
            with open(path) as f:
                reports.append(json.load(f))
        merged = merge(reports)
    except (OSError, ValueError, KeyError, TypeError) as e:
        print("report merge: %s" % e, file=sys.stderr)
        return 2
    text = json.dumps(merged, indent=2) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    for c in merged["checks"]:
        print("[%-4s] %-17s %-30s %s" % (c["mark"].upper() if c["mark"] != "n/a" else "n/a",
                                         c["section"], c["name"], c["detail"]), file=sys.stderr)
    lat = merged["stop_the_world"]["latency"]
    print("merged %d shards: %d ops, %d stops (p99 %d ns, max %d ns), peak RSS %d bytes: %s" % (
        len(reports), merged["throughput"]["total_ops"], lat["count"], lat["p99_ns"],
        lat["max_ns"], merged["memory"]["peak_rss_bytes"], "PASS" if merged["pass"] else "FAIL"),
        file=sys.stderr)
    return 0 if merged["pass"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
