// The report as one self-contained HTML page (report.h, RenderHtml).
//
// Everything is drawn here as inline SVG: two line charts (ops/s per
// workload over time, live objects over time) and two histograms on a
// logarithmic time axis (collector pauses, stop-the-world latency), each
// with its median and p99 marked. The page has no script, loads nothing
// (no URL appears in it: inline SVG in HTML needs no namespace URL) and
// reads well without colour (every series is also named in a legend).
// Each plot sits in a <figure id="plot-..."> that the tests look for.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/stress/report.h"

namespace ftrt::stress {
namespace {

constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                    "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
constexpr int kW = 540, kH = 300;  // plot size: two side by side in a 1200-pixel window
constexpr int kLeft = 64, kRight = 16, kTop = 34, kBottom = 46;
constexpr int kLegend = 120;  // legend column right of a line chart

std::string Esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A "nice" step for about `n` ticks over [0, max].
double NiceStep(double max, int n) {
  if (max <= 0) return 1;
  const double raw = max / n;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  const double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nice * mag;
}

std::string ShortCount(double v) {
  if (v >= 1e9) return absl::StrFormat("%.3gG", v / 1e9);
  if (v >= 1e6) return absl::StrFormat("%.3gM", v / 1e6);
  if (v >= 1e3) return absl::StrFormat("%.3gk", v / 1e3);
  return absl::StrFormat("%.3g", v);
}

// "100 ns", "1 us", "10 ms": a decade's label on a log time axis.
std::string DecadeLabel(double ns) {
  static const char* kUnits[] = {"ns", "us", "ms", "s"};
  int unit = 0;
  while (ns >= 1000 && unit < 3) {
    ns /= 1000;
    ++unit;
  }
  return absl::StrFormat("%g %s", ns, kUnits[unit]);
}

std::string SvgOpen(const std::string& title) {
  return absl::StrFormat(
      "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
      "aria-label=\"%s\">\n<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
      "<text x=\"%d\" y=\"20\" font-size=\"15\" font-weight=\"bold\">%s</text>\n",
      kW, kH, kW, kH, Esc(title), kW, kH, kLeft, Esc(title));
}

std::string NoteSvg(const std::string& title, const std::string& note) {
  std::string s = SvgOpen(title);
  absl::StrAppend(&s,
                  absl::StrFormat("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f4f4f4\" "
                                  "stroke=\"#cccccc\"/>\n",
                                  kLeft, kTop, kW - kLeft - kRight, kH - kTop - kBottom));
  absl::StrAppend(&s, absl::StrFormat("<text x=\"%d\" y=\"%d\" font-size=\"14\" "
                                      "text-anchor=\"middle\" fill=\"#555555\">%s</text>\n",
                                      (kLeft + kW - kRight) / 2, kH / 2, Esc(note)));
  absl::StrAppend(&s, "</svg>\n");
  return s;
}

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;
};

// A line chart over time; `stacked`: each series is drawn as a band on top
// of the ones before it (the top edge is then the total). The legend sits in
// a column right of the plot.
std::string LineChart(const std::string& title, const std::string& y_label,
                      const std::vector<Series>& series, bool stacked) {
  // The stacked values: tops[i][k] is the top of series i at point k.
  std::vector<std::vector<double>> tops(series.size());
  double max_x = 1, max_y = 0;
  for (size_t i = 0; i < series.size(); ++i) {
    for (size_t k = 0; k < series[i].points.size(); ++k) {
      const auto [x, y] = series[i].points[k];
      double top = y;
      if (stacked && i > 0 && k < tops[i - 1].size()) top += tops[i - 1][k];
      tops[i].push_back(top);
      max_x = std::max(max_x, x);
      max_y = std::max(max_y, top);
    }
  }
  if (max_y <= 0) max_y = 1;
  const double y_step = NiceStep(max_y, 5);
  max_y = std::ceil(max_y / y_step) * y_step;
  const double x_step = NiceStep(max_x, 6);
  max_x = std::max(1.0, std::ceil(max_x / x_step - 0.02)) * x_step;  // 5.001 s: axis to 5
  const int right = kW - kRight - kLegend;  // the plot's right edge
  const double pw = right - kLeft, ph = kH - kTop - kBottom;
  auto X = [&](double x) { return kLeft + x / max_x * pw; };
  auto Y = [&](double y) { return kTop + ph - y / max_y * ph; };

  std::string s = SvgOpen(title);
  for (double y = 0; y <= max_y + y_step / 2; y += y_step) {
    absl::StrAppend(&s, absl::StrFormat("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                                        "stroke=\"#e5e5e5\"/>\n",
                                        kLeft, Y(y), right, Y(y)));
    absl::StrAppend(&s, absl::StrFormat("<text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
                                        "text-anchor=\"end\">%s</text>\n",
                                        kLeft - 6, Y(y) + 4, ShortCount(y)));
  }
  for (double x = 0; x <= max_x + x_step / 2; x += x_step) {
    absl::StrAppend(&s, absl::StrFormat("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
                                        "text-anchor=\"middle\">%g</text>\n",
                                        X(x), kH - kBottom + 16, x));
  }
  // Series (bands first, so that lines and axes stay on top).
  for (size_t i = 0; i < series.size(); ++i) {
    const char* color = kPalette[i % (sizeof(kPalette) / sizeof(kPalette[0]))];
    const auto& pts = series[i].points;
    std::string line;
    for (size_t k = 0; k < pts.size(); ++k) {
      absl::StrAppend(&line, absl::StrFormat("%.1f,%.1f ", X(pts[k].first), Y(tops[i][k])));
    }
    if (stacked && !pts.empty()) {
      std::string band = line;
      for (size_t k = pts.size(); k-- > 0;) {
        const double below = i > 0 && k < tops[i - 1].size() ? tops[i - 1][k] : 0;
        absl::StrAppend(&band, absl::StrFormat("%.1f,%.1f ", X(pts[k].first), Y(below)));
      }
      absl::StrAppend(&s, absl::StrFormat("<polygon points=\"%s\" fill=\"%s\" fill-opacity=\"0.55\" "
                                          "stroke=\"none\"><title>%s</title></polygon>\n",
                                          band, color, Esc(series[i].name)));
    }
    if (pts.size() == 1) {
      absl::StrAppend(&s, absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                                          X(pts[0].first), Y(tops[i][0]), color));
    }
    absl::StrAppend(&s, absl::StrFormat("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                                        "points=\"%s\"><title>%s</title></polyline>\n",
                                        color, line, Esc(series[i].name)));
    // Legend: top to bottom in stacking order reversed (top band first).
    const size_t row = stacked ? series.size() - 1 - i : i;
    const int ly = kTop + 8 + static_cast<int>(row) * 16;
    absl::StrAppend(&s, absl::StrFormat("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"10\" fill=\"%s\"/>\n",
                                        right + 10, ly - 8, color));
    absl::StrAppend(&s, absl::StrFormat("<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>\n",
                                        right + 26, ly + 1, Esc(series[i].name)));
  }
  absl::StrAppend(&s, absl::StrFormat("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>\n",
                                      kLeft, kTop, kLeft, kH - kBottom));
  absl::StrAppend(&s, absl::StrFormat("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>\n",
                                      kLeft, kH - kBottom, right, kH - kBottom));
  absl::StrAppend(&s, absl::StrFormat("<text x=\"%d\" y=\"%d\" font-size=\"12\" "
                                      "text-anchor=\"middle\">seconds</text>\n",
                                      (kLeft + right) / 2, kH - 12));
  absl::StrAppend(&s, absl::StrFormat("<text x=\"14\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" "
                                      "transform=\"rotate(-90 14 %d)\">%s</text>\n",
                                      kTop + static_cast<int>(ph / 2), kTop + static_cast<int>(ph / 2),
                                      Esc(y_label)));
  absl::StrAppend(&s, "</svg>\n");
  return s;
}

// A histogram on a log time axis with the median and p99 marked.
std::string HistogramChart(const std::string& title, const LatencyHistogram& h) {
  const std::vector<LatencyHistogram::Bucket> buckets = h.NonEmptyBuckets();
  if (buckets.empty()) return NoteSvg(title, "no samples");
  double lo = std::max<double>(1, static_cast<double>(buckets.front().lower_ns));
  double hi = std::max<double>(lo * 2, static_cast<double>(buckets.back().upper_ns) + 1);
  // Whole decades on the axis.
  const double lo_dec = std::floor(std::log10(lo));
  const double hi_dec = std::max(lo_dec + 1, std::ceil(std::log10(hi)));
  uint64_t max_count = 0;
  for (const auto& b : buckets) max_count = std::max(max_count, b.count);
  const double y_step = NiceStep(static_cast<double>(max_count), 5);
  const double max_y = std::ceil(static_cast<double>(max_count) / y_step) * y_step;
  const double pw = kW - kLeft - kRight, ph = kH - kTop - kBottom;
  auto X = [&](double ns) {
    return kLeft + (std::log10(std::max(ns, 1.0)) - lo_dec) / (hi_dec - lo_dec) * pw;
  };
  auto Y = [&](double c) { return kTop + ph - c / max_y * ph; };

  std::string s = SvgOpen(title);
  for (double y = 0; y <= max_y + y_step / 2; y += y_step) {
    absl::StrAppend(&s, absl::StrFormat("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                                        "stroke=\"#e5e5e5\"/>\n",
                                        kLeft, Y(y), kW - kRight, Y(y)));
    absl::StrAppend(&s, absl::StrFormat("<text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
                                        "text-anchor=\"end\">%s</text>\n",
                                        kLeft - 6, Y(y) + 4, ShortCount(y)));
  }
  for (double d = lo_dec; d <= hi_dec + 0.5; d += 1) {
    const double ns = std::pow(10.0, d);
    const char* anchor = d == lo_dec ? "start" : d + 0.5 > hi_dec ? "end" : "middle";
    absl::StrAppend(&s, absl::StrFormat("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                                        "stroke=\"#e5e5e5\"/>\n",
                                        X(ns), kTop, X(ns), kH - kBottom));
    absl::StrAppend(&s, absl::StrFormat("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
                                        "text-anchor=\"%s\">%s</text>\n",
                                        X(ns), kH - kBottom + 16, anchor, DecadeLabel(ns)));
  }
  for (const auto& b : buckets) {
    const double x0 = X(std::max<double>(static_cast<double>(b.lower_ns), 1));
    const double x1 = std::max(x0 + 1.5, X(static_cast<double>(b.upper_ns) + 1));
    absl::StrAppend(&s, absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                                        "fill=\"#7aa6d6\" stroke=\"#4a76a6\" stroke-width=\"0.5\">"
                                        "<title>%s to %s: %s</title></rect>\n",
                                        x0, Y(static_cast<double>(b.count)), x1 - x0,
                                        Y(0) - Y(static_cast<double>(b.count)),
                                        Esc(FormatNs(static_cast<int64_t>(b.lower_ns))),
                                        Esc(FormatNs(static_cast<int64_t>(b.upper_ns))),
                                        FormatCount(b.count)));
  }
  absl::StrAppend(&s, absl::StrFormat("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>\n",
                                      kLeft, kTop, kLeft, kH - kBottom));
  absl::StrAppend(&s, absl::StrFormat("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>\n",
                                      kLeft, kH - kBottom, kW - kRight, kH - kBottom));
  absl::StrAppend(&s, absl::StrFormat("<text x=\"%d\" y=\"%d\" font-size=\"12\" "
                                      "text-anchor=\"middle\">duration (log scale)</text>\n",
                                      (kLeft + kW - kRight) / 2, kH - 12));
  absl::StrAppend(&s, absl::StrFormat("<text x=\"14\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" "
                                      "transform=\"rotate(-90 14 %d)\">count</text>\n",
                                      kTop + static_cast<int>(ph / 2), kTop + static_cast<int>(ph / 2)));
  // The median and the p99, as labelled dashed lines.
  struct Marker {
    const char* label;
    int64_t ns;
    const char* color;
    int dy;
  } markers[] = {{"median", h.Median(), "#2ca02c", 0}, {"p99", h.P99(), "#d62728", 14}};
  for (const Marker& m : markers) {
    const double x = X(static_cast<double>(std::max<int64_t>(m.ns, 1)));
    absl::StrAppend(&s, absl::StrFormat("<line class=\"marker\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                                        "stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"5,3\"/>\n",
                                        x, kTop, x, kH - kBottom, m.color));
    const bool right_half = x > (kLeft + kW - kRight) / 2.0;
    absl::StrAppend(&s, absl::StrFormat("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"%s\" "
                                        "text-anchor=\"%s\">%s %s</text>\n",
                                        right_half ? x - 4 : x + 4, kTop + 12 + m.dy, m.color,
                                        right_half ? "end" : "start", m.label,
                                        Esc(FormatNs(m.ns))));
  }
  absl::StrAppend(&s, "</svg>\n");
  return s;
}

std::string Figure(const char* id, const std::string& svg, const std::string& caption) {
  return absl::StrFormat("<figure id=\"%s\">\n%s<figcaption>%s</figcaption>\n</figure>\n", id, svg,
                         Esc(caption));
}

}  // namespace

std::string RenderHtml(const Report& r) {
  std::string h;
  const bool pass = r.pass();
  absl::StrAppend(&h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
  absl::StrAppend(&h, "<title>ftrt stress report: ", pass ? "PASS" : "FAIL", " (seed ", r.seed,
                  ")</title>\n");
  absl::StrAppend(&h, R"(<style>
body { font-family: sans-serif; margin: 24px; color: #222222; background: #ffffff; }
h1 { font-size: 22px; margin: 0 0 6px 0; }
.banner { display: inline-block; padding: 4px 14px; border-radius: 4px; color: #ffffff;
          font-weight: bold; font-size: 18px; }
.pass { background: #2e7d32; } .fail { background: #c62828; } .na { background: #757575; }
table { border-collapse: collapse; margin: 12px 0; font-size: 13px; }
td, th { border-bottom: 1px solid #dddddd; padding: 3px 10px; text-align: left; vertical-align: top; }
td.mark { font-weight: bold; color: #ffffff; text-align: center; }
.plots { display: flex; flex-wrap: wrap; gap: 12px; }
figure { margin: 0; border: 1px solid #dddddd; padding: 6px; }
figcaption { font-size: 12px; color: #555555; max-width: 540px; }
h2 { font-size: 17px; margin: 18px 0 4px 0; }
code { font-size: 12px; }
</style>
</head>
<body>
)");
  absl::StrAppend(&h, "<h1>ftrt stress report <span class=\"banner ", pass ? "pass" : "fail", "\">",
                  pass ? "PASS" : "FAIL", "</span></h1>\n");
  std::string run = absl::StrFormat("seed %d", r.seed);
  if (r.shard_count > 1) {
    absl::StrAppend(&run, absl::StrFormat(", shard %d/%d (shard seed %d)", r.shard_index,
                                          r.shard_count, r.shard_seed));
  }
  absl::StrAppend(&run, absl::StrFormat(", %d threads, ", r.threads));
  if (r.ops_per_thread != 0) {
    absl::StrAppend(&run, absl::StrFormat("%d operations per thread", r.ops_per_thread));
  }
  absl::StrAppend(&run, absl::StrFormat("%s%.1f s, %s build", r.ops_per_thread != 0 ? " in " : "",
                                        r.elapsed_s, r.config));
  int passed = 0, failed = 0, na = 0;
  for (const Check& c : r.checks) {
    (c.mark == Mark::kPass ? passed : c.mark == Mark::kFail ? failed : na)++;
  }
  absl::StrAppend(&run, absl::StrFormat(": %s operations; %d lines passed, %d failed, %d n/a",
                                        FormatCount(r.total_ops), passed, failed, na));
  absl::StrAppend(&h, "<p>", Esc(run), "</p>\n");
  if (!r.command_line.empty()) absl::StrAppend(&h, "<p><code>", Esc(r.command_line), "</code></p>\n");
  absl::StrAppend(&h, "<div class=\"plots\">\n");

  // Ops/s per workload over time.
  std::vector<Series> ops;
  for (size_t w = 0; w < r.throughput.size(); ++w) {
    Series s{r.throughput[w].name, {}};
    for (const TimelinePoint& p : r.timeline) {
      if (w < p.ops_per_s.size()) s.points.emplace_back(p.t, p.ops_per_s[w]);
    }
    ops.push_back(std::move(s));
  }
  absl::StrAppend(&h, Figure("plot-ops", LineChart("Operations per second, per workload", "ops/s", ops, true),
                             "Completed operations per second, one band per workload (stacked: "
                             "the top edge is the total), sampled once a second."));
  Series live{"live objects", {}};
  for (const TimelinePoint& p : r.timeline) {
    live.points.emplace_back(p.t, static_cast<double>(p.live_objects));
  }
  absl::StrAppend(&h, Figure("plot-live", LineChart("Live objects", "objects", {live}, false),
                             "Objects allocated and not yet freed in the runtime's allocator."));
  const CollectorFigures& c = r.collector;
  std::string gc_svg;
  std::string gc_caption;
  if (!c.available) {
    gc_svg = NoteSvg("Collector pauses", "n/a: " + c.source);
    gc_caption = "No collector figures: " + c.source + ".";
  } else if (c.has_histogram && c.pauses.count() > 0) {
    gc_svg = HistogramChart("Collector pauses", c.pauses);
    gc_caption = absl::StrFormat("%s pauses sampled; the collector reports median %s, p99 %s, max %s.",
                                 FormatCount(c.pauses.count()), FormatNs(c.pause_median_ns),
                                 FormatNs(c.pause_p99_ns), FormatNs(c.pause_max_ns));
  } else if (c.pause_count > 0) {
    gc_svg = NoteSvg("Collector pauses",
                     absl::StrFormat("median %s, p99 %s, max %s (no per-pause samples)",
                                     FormatNs(c.pause_median_ns), FormatNs(c.pause_p99_ns),
                                     FormatNs(c.pause_max_ns)));
    gc_caption = "The collector reported its distribution but no individual pauses.";
  } else {
    gc_svg = NoteSvg("Collector pauses", "no collection ran");
    gc_caption = "No collection ran during the run.";
  }
  absl::StrAppend(&h, Figure("plot-gc-pauses", gc_svg, gc_caption));
  absl::StrAppend(&h, Figure("plot-stw", HistogramChart("Stop-the-world latency", r.stw),
                             absl::StrFormat("Time from StopTheWorld() to every other thread parked, "
                                             "%s stops: median %s, p99 %s, max %s.",
                                             FormatCount(r.stw.count()), FormatNs(r.stw.Median()),
                                             FormatNs(r.stw.P99()), FormatNs(r.stw.max_ns()))));
  absl::StrAppend(&h, "</div>\n");

  // The figures, one marked line each.
  absl::StrAppend(&h, "<h2>Figures and checks</h2>\n<table id=\"checks\">\n"
                      "<tr><th>mark</th><th>section</th><th>what</th><th>figures</th></tr>\n");
  for (const Check& c : r.checks) {
    const char* cls = c.mark == Mark::kPass ? "pass" : c.mark == Mark::kFail ? "fail" : "na";
    absl::StrAppend(&h, "<tr><td class=\"mark ", cls, "\">", MarkText(c.mark), "</td><td>",
                    Esc(c.section), "</td><td>", Esc(c.name), "</td><td>", Esc(c.detail),
                    "</td></tr>\n");
  }
  absl::StrAppend(&h, "</table>\n");

  // Per-slot figures: what a replay must reproduce.
  absl::StrAppend(&h, "<h2>Worker slots</h2>\n<table id=\"slots\">\n<tr><th>slot</th><th>operations</th>"
                      "<th>threads</th><th>operation digest</th></tr>\n");
  for (const SlotFigures& s : r.slots) {
    absl::StrAppend(&h, absl::StrFormat("<tr><td>%d</td><td>%s</td><td>%d</td><td><code>%s</code></td></tr>\n",
                                        s.slot, FormatCount(s.ops), s.threads, Esc(s.digest)));
  }
  absl::StrAppend(&h, "</table>\n</body>\n</html>\n");
  return h;
}

}  // namespace ftrt::stress
