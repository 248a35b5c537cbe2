#!/usr/bin/env bash
# check_html_screenshot.sh: opens a stress report page in Debian's chromium,
# headless, and checks that the screenshot is not blank.
#
#   tools/check_html_screenshot.sh REPORT.html [SCREENSHOT.png]
#
# chromium runs with a fresh profile folder and everything that could reach
# the network turned off (the page needs nothing from outside anyway:
# tools/check_report_html.py proves it has no URL). The PNG is then decoded
# with python3's zlib (no imaging library needed) and passes when at least
# 2% of its pixels differ from the background colour (the most common one)
# and it holds at least 8 distinct colours: a page whose table and plots
# rendered, not a white or single-colour screen. Exit status: 0 pass,
# 1 blank or unreadable screenshot, 2 usage or chromium missing.
set -euo pipefail

if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  [ $# -ge 1 ] && exit 0 || exit 2
fi
page="$1"
if [ ! -f "$page" ]; then
  echo "check_html_screenshot: no such file: $page" >&2
  exit 2
fi
chrome=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then chrome="$c"; break; fi
done
if [ -z "$chrome" ]; then
  echo "check_html_screenshot: chromium is not installed (tools/ft installs it)" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
shot="${2:-$work/screenshot.png}"
abs_page="$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"

# chromium prints harmless warnings on a machine without a display or D-Bus;
# keep them in a log shown only on failure.
if ! timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --disable-extensions --disable-default-apps --mute-audio \
    --user-data-dir="$work/profile" --screenshot="$shot" --window-size=1200,900 \
    --hide-scrollbars "file://$abs_page" >"$work/chromium.log" 2>&1; then
  echo "check_html_screenshot: chromium failed:" >&2
  tail -20 "$work/chromium.log" >&2
  exit 1
fi
if [ ! -s "$shot" ]; then
  echo "check_html_screenshot: chromium wrote no screenshot:" >&2
  tail -20 "$work/chromium.log" >&2
  exit 1
fi

python3 - "$shot" <<'PY'
import struct, sys, zlib
from collections import Counter

path = sys.argv[1]
data = open(path, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("check_html_screenshot: %s is not a PNG" % path)
pos, idat, width = 8, b"", None
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
if width is None or depth != 8 or color not in (2, 6) or interlace != 0:
    sys.exit("check_html_screenshot: unsupported PNG (depth %s, colour type %s)" % (depth, color))
bpp = 3 if color == 2 else 4
raw = zlib.decompress(idat)
stride = width * bpp
prev = bytearray(stride)
pixels = Counter()
i = 0
for _ in range(height):
    ftype = raw[i]
    line = bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if ftype == 1:
            line[x] = (line[x] + a) & 255
        elif ftype == 2:
            line[x] = (line[x] + b) & 255
        elif ftype == 3:
            line[x] = (line[x] + (a + b) // 2) & 255
        elif ftype == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        pixels[bytes(line[x:x + 3])] += 1
    prev = line
total = width * height
background, bg_count = pixels.most_common(1)[0]
other = total - bg_count
share = other / total
print("screenshot %dx%d: %.1f%% of pixels differ from the background #%s, %d colours" % (
    width, height, 100 * share, background.hex(), len(pixels)))
if share < 0.02 or len(pixels) < 8:
    sys.exit("check_html_screenshot: the screenshot is blank")
PY
