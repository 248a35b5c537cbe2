#!/usr/bin/env python3
"""Tests of tools/report_merge.py and tools/check_report_html.py on reports
made by hand, whose merged figures are known exactly: counts add, maxima
stay maxima, histogram quantiles are recomputed from the summed buckets, a
failure in one shard fails the merge, an unavailable collector stays n/a;
and the HTML checker rejects unbalanced tags, URLs, scripts and missing
plots. Arguments: report_merge.py, check_report_html.py, and the stress
binary (whose page, from a short run, must pass the checker)."""

import copy
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


MERGE = CHECK = None
REAL_PAGE = None


def histogram(samples):
    """A histogram in the runner's JSON form, with one bucket per distinct
    sample (exact buckets keep the expected quantiles obvious)."""
    buckets = {}
    for s in samples:
        buckets[s] = buckets.get(s, 0) + 1
    items = [[v, v, n] for v, n in sorted(buckets.items())]
    count = len(samples)
    ordered = sorted(samples)
    return {
        "count": count,
        "median_ns": ordered[(count + 1) // 2 - 1] if count else 0,
        "p99_ns": ordered[-1] if count else 0,
        "max_ns": max(samples) if samples else 0,
        "total_ns": sum(samples),
        "buckets": items,
    }


def report(shard, seed, ops, stops, rss, collector=True, failing=False):
    r = {
        "ftrt_stress_report": 1,
        "pass": not failing,
        "run": {"seed": seed, "shard": {"index": shard, "count": 2, "seed": seed * 10 + shard},
                "threads": 4, "seconds_requested": 5, "ops_per_thread": 0,
                "elapsed_s": 5.0 + shard, "config": "tsan", "command_line": "stress"},
        "throughput": {
            "workloads": {"mutex": {"ops": ops, "ops_per_s": ops / 5.0, "layers": "sync/",
                                    "summary": ""},
                          "refcount": {"ops": 2 * ops, "ops_per_s": 2 * ops / 5.0,
                                       "layers": "object/", "summary": ""}},
            "total_ops": 3 * ops, "ops_per_s": 3 * ops / 5.0},
        "collector": ({"available": True, "source": "gc", "collections": 10 * shard,
                       "freed": 1000 * shard,
                       "pause": {"count": 10 * shard, "median_ns": 500, "p99_ns": 900 * shard,
                                 "max_ns": 1000 * shard,
                                 "histogram": histogram([500] * (10 * shard - 1) + [1000 * shard])}}
                      if collector else
                      {"available": False, "source": "gc/ is not built in", "collections": None,
                       "freed": None, "pause": None}),
        "stop_the_world": {"stops": len(stops), "violations": 0, "latency": histogram(stops)},
        "queued_merges": {"merged_during_stops": 7 * shard, "merged_explicitly": shard,
                          "left_queued": 0},
        "memory": {"peak_rss_bytes": rss, "rss_limit_bytes": 1 << 32},
        "leak_check": {"checked": True, "non_immortal_objects_left": 1 if failing else 0,
                       "immortal_objects_left": 1, "allocator_live_objects": 1,
                       "delayed_frees_pending": 3, "stress_objects_made": 100 * shard,
                       "stress_objects_freed": 100 * shard},
        "checks": [
            {"section": "throughput", "name": "mutex", "mark": "pass", "detail": "%d ops" % ops},
            {"section": "leak check", "name": "after finalization",
             "mark": "fail" if failing else "pass",
             "detail": "%d non-immortal objects left" % (1 if failing else 0)},
            {"section": "collector", "name": "collections", "mark": "pass" if collector else "n/a",
             "detail": "x"},
        ],
        "timeline": [{"t": 1.0, "ops_per_s": {"mutex": 10.0 * shard, "refcount": 1.0},
                      "live_objects": 5 * shard, "collections": shard if collector else None,
                      "rss_bytes": 100},
                     {"t": 2.0, "ops_per_s": {"mutex": 20.0, "refcount": 2.0},
                      "live_objects": 7, "collections": 2 if collector else None,
                      "rss_bytes": 200}][:shard],
        "slots": [{"slot": i, "ops": ops, "threads": 2, "digest": "%016x" % (seed + i)}
                  for i in range(4)],
    }
    return r


class MergeTest(unittest.TestCase):
    def test_counts_add_and_maxima_stay(self):
        a = report(1, 5, ops=1000, stops=[100, 200, 300], rss=50 << 20)
        b = report(2, 5, ops=3000, stops=[1000, 5000], rss=80 << 20)
        m = MERGE.merge([a, b])
        self.assertTrue(m["pass"])
        self.assertEqual(m["merged_from"], 2)
        self.assertEqual(m["throughput"]["total_ops"], 12000)
        self.assertEqual(m["throughput"]["workloads"]["mutex"]["ops"], 4000)
        self.assertEqual(m["throughput"]["workloads"]["refcount"]["ops"], 8000)
        self.assertAlmostEqual(m["throughput"]["ops_per_s"], 2400.0)
        self.assertEqual(m["stop_the_world"]["stops"], 5)
        lat = m["stop_the_world"]["latency"]
        self.assertEqual(lat["count"], 5)
        self.assertEqual(lat["max_ns"], 5000)
        self.assertEqual(lat["total_ns"], 6600)
        # Sorted samples 100 200 300 1000 5000: median is the 3rd, p99 the 5th.
        self.assertEqual(lat["median_ns"], 300)
        self.assertEqual(lat["p99_ns"], 5000)
        self.assertEqual(m["memory"]["peak_rss_bytes"], 80 << 20)
        self.assertEqual(m["queued_merges"]["merged_during_stops"], 21)
        self.assertEqual(m["leak_check"]["stress_objects_made"], 300)
        self.assertEqual(m["leak_check"]["non_immortal_objects_left"], 0)
        self.assertEqual(m["run"]["elapsed_s"], 7.0)
        self.assertEqual(m["run"]["threads"], 8)
        self.assertEqual(len(m["slots"]), 8)
        self.assertEqual([c["mark"] for c in m["checks"]], ["pass", "pass", "pass"])

    def test_collector_figures(self):
        m = MERGE.merge([report(1, 5, 10, [1], 1), report(2, 5, 10, [1], 1)])
        c = m["collector"]
        self.assertTrue(c["available"])
        self.assertEqual(c["collections"], 30)
        self.assertEqual(c["freed"], 3000)
        self.assertEqual(c["pause"]["count"], 30)
        self.assertEqual(c["pause"]["max_ns"], 2000)
        # From the summed samples: 28 x 500, 1000, 2000.
        self.assertEqual(c["pause"]["median_ns"], 500)
        self.assertEqual(c["pause"]["p99_ns"], 2000)
        self.assertEqual(c["pause"]["quantiles_from"], "merged sampled pauses")
        # Without per-pause samples in one shard: the maximum over shards.
        b = report(2, 5, 10, [1], 1)
        del b["collector"]["pause"]["histogram"]
        c = MERGE.merge([report(1, 5, 10, [1], 1), b])["collector"]
        self.assertEqual(c["pause"]["p99_ns"], 1800)
        self.assertEqual(c["pause"]["quantiles_from"], "maximum over shards")

    def test_unavailable_collector_stays_na(self):
        m = MERGE.merge([report(1, 5, 10, [1], 1), report(2, 5, 10, [1], 1, collector=False)])
        self.assertFalse(m["collector"]["available"])
        self.assertIsNone(m["collector"]["collections"])
        self.assertIsNone(m["timeline"][0]["collections"])
        self.assertTrue(m["pass"])  # n/a is not a failure

    def test_a_failing_shard_fails_the_merge(self):
        m = MERGE.merge([report(1, 5, 10, [1], 1), report(2, 5, 10, [1], 1, failing=True)])
        self.assertFalse(m["pass"])
        leak = [c for c in m["checks"] if c["section"] == "leak check"][0]
        self.assertEqual(leak["mark"], "fail")
        self.assertIn("shard 2/2", leak["detail"])
        self.assertEqual(m["leak_check"]["non_immortal_objects_left"], 1)

    def test_timelines_add_point_by_point(self):
        m = MERGE.merge([report(1, 5, 10, [1], 1), report(2, 5, 10, [1], 1)])
        t = m["timeline"]
        self.assertEqual(len(t), 2)
        self.assertEqual(t[0]["ops_per_s"]["mutex"], 30.0)
        self.assertEqual(t[0]["live_objects"], 15)
        self.assertEqual(t[0]["shards"], 2)
        self.assertEqual(t[1]["shards"], 1)

    def test_command_line_and_exit_status(self):
        with tempfile.TemporaryDirectory() as d:
            paths = []
            for i, r in enumerate([report(1, 5, 10, [1], 1),
                                   report(2, 5, 10, [1], 1, failing=True)]):
                p = os.path.join(d, "r%d.json" % i)
                json.dump(r, open(p, "w"))
                paths.append(p)
            out = os.path.join(d, "m.json")
            self.assertEqual(MERGE.main([paths[0], paths[0], "--out", out]), 0)
            self.assertEqual(json.load(open(out))["throughput"]["total_ops"], 60)
            self.assertEqual(MERGE.main(paths + ["--out", out]), 1)
            bad = os.path.join(d, "bad.json")
            json.dump({"something": "else"}, open(bad, "w"))
            self.assertEqual(MERGE.main([bad, "--out", out]), 2)

    def test_inconsistent_histogram_is_refused(self):
        a = report(1, 5, 10, [1, 2], 1)
        a["stop_the_world"]["latency"]["count"] = 3
        with self.assertRaises(ValueError):
            MERGE.merge([a])


GOOD_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>t</title><style>p { color: #000; }</style></head>
<body>
<figure id="plot-ops"><svg width="10" height="10"><polyline points="0,0 1,1"/></svg></figure>
<figure id="plot-live"><svg width="10" height="10"><polyline points="0,0 1,1"/></svg></figure>
<figure id="plot-gc-pauses"><svg width="10" height="10"><text>n/a: no gc</text></svg></figure>
<figure id="plot-stw"><svg width="10" height="10"><rect x="0" y="0" width="1" height="1"/>
<line class="marker" x1="1" y1="0" x2="1" y2="9"/><text>median 1 us</text>
<line class="marker" x1="2" y1="0" x2="2" y2="9"/><text>p99 2 us</text></svg></figure>
</body></html>
"""


class HtmlCheckTest(unittest.TestCase):
    def test_a_good_page_passes(self):
        self.assertEqual(CHECK.check(GOOD_PAGE), [])

    def test_the_real_page_passes(self):
        self.assertEqual(CHECK.check(open(REAL_PAGE, encoding="utf-8").read()), [])

    def assertProblem(self, page, words):
        problems = CHECK.check(page)
        self.assertTrue(any(words in p for p in problems), (words, problems))

    def test_unbalanced_tags(self):
        self.assertProblem(GOOD_PAGE.replace("</figure>", "", 1), "still open")
        self.assertProblem(GOOD_PAGE.replace("</body>", ""), "<body> (opened at")
        self.assertProblem(GOOD_PAGE.replace("</html>", ""), "never closed")
        self.assertProblem(GOOD_PAGE + "</div>", "closes nothing")

    def test_urls_scripts_and_links(self):
        self.assertProblem(GOOD_PAGE.replace("<title>t</title>",
                                             "<title>see https://example.com</title>"), "a URL")
        self.assertProblem(GOOD_PAGE.replace("</body>", "<script>var x;</script></body>"),
                           "<script>")
        self.assertProblem(GOOD_PAGE.replace("<title>", "<link rel=\"stylesheet\" href=\"a.css\"><title>"),
                           "<link>")
        self.assertProblem(GOOD_PAGE.replace("p {", "@import 'x.css'; p {"), "@import")
        self.assertProblem(GOOD_PAGE.replace("<svg width=\"10\"", "<svg src=\"x.svg\" width=\"10\"", 1),
                           "refers outside")

    def test_missing_plots_and_markers(self):
        self.assertProblem(GOOD_PAGE.replace('id="plot-live"', 'id="plot-other"'),
                           "plot plot-live is missing")
        self.assertProblem(GOOD_PAGE.replace(
            '<figure id="plot-ops"><svg width="10" height="10"><polyline points="0,0 1,1"/></svg>',
            '<figure id="plot-ops"><p>nothing</p>'), "plot plot-ops has no <svg>")
        self.assertProblem(GOOD_PAGE.replace('class="marker"', 'class="x"'),
                           "does not mark its median and p99")
        self.assertProblem(GOOD_PAGE.replace("<!DOCTYPE html>", ""), "DOCTYPE")


def make_real_page(stress):
    out = os.path.join(os.environ.get("TEST_TMPDIR", tempfile.mkdtemp()), "real.html")
    subprocess.run([stress, "--threads", "3", "--ops", "300", "--quiet", "--seed",
                    os.environ.get("FTRT_TEST_SEED", "20261129"), "--html", out],
                   check=True, stdout=subprocess.DEVNULL)
    return out


if __name__ == "__main__":
    MERGE = load(sys.argv[1], "report_merge")
    CHECK = load(sys.argv[2], "check_report_html")
    REAL_PAGE = make_real_page(sys.argv[3])
    unittest.main(argv=[sys.argv[0]])
