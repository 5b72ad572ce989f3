#!/usr/bin/env bash
# Rebuilds assets/fonts/NotoSansSC-Subset.otf: the Simplified Chinese face of
# Noto Sans CJK (SIL OFL 1.1) from Debian's fonts-noto-cjk package, cut down to
# Latin, Greek, punctuation, symbols used in charts and the GB2312 hanzi (levels 1 and 2).
#
# Needs: apt-get, dpkg-deb, python3 with fonttools (pip install fonttools).
# Usage: tools/subset-font.sh            (run from the repository root)
set -euo pipefail

out_dir="$(cd "$(dirname "$0")/.." && pwd)/assets/fonts"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

apt-get download fonts-noto-cjk
dpkg-deb -x fonts-noto-cjk_*.deb x
ttc=x/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

# Face 2 of the collection is "Noto Sans CJK SC" (face 0 is the Japanese variant).
python3 - "$ttc" <<'PY'
import sys
from fontTools.ttLib import TTCollection
name = TTCollection(sys.argv[1]).fonts[2]["name"].getDebugName(4)
assert name == "Noto Sans CJK SC", name
PY

# The characters kept: printable ASCII, Latin-1, Latin Extended-A, Greek, general
# punctuation, superscripts, currency, letterlike symbols, arrows, math operators,
# box/geometric shapes, CJK symbols and punctuation, full-width forms, and every
# hanzi of GB2312 (3,755 level-1 + 3,008 level-2).
python3 - > chars.txt <<'PY'
chars = set()
for lo, hi in [(0x20, 0x7E), (0xA0, 0x17F), (0x370, 0x3FF), (0x2000, 0x206F),
               (0x2070, 0x209F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x21FF),
               (0x2200, 0x22FF), (0x2500, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF)]:
    chars.update(chr(c) for c in range(lo, hi + 1))
for b1 in range(0xB0, 0xF8):
    for b2 in range(0xA1, 0xFF):
        try:
            chars.add(bytes([b1, b2]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
print("".join(sorted(chars)))
PY

pyftsubset "$ttc" --font-number=2 --text-file=chars.txt \
  --layout-features='kern,liga,locl,vert' --no-hinting \
  --name-IDs='*' --name-languages='*' \
  --output-file="$out_dir/NotoSansSC-Subset.otf"
ls -l "$out_dir/NotoSansSC-Subset.otf"
