#!/usr/bin/env python3
"""png_check.py SHOT.png COLOUR... -- a screenshot is not blank: it has many
colours, and pixels close to each given plot colour (#rrggbb). Exits 1 if not."""
import sys
from PIL import Image

img = Image.open(sys.argv[1]).convert("RGB")
colours = img.getcolors(maxcolors=1 << 20) or []
ok = len(colours) >= 50
print(f"png: {img.size[0]}x{img.size[1]}, {len(colours)} colours")
for want in sys.argv[2:]:
    r, g, b = (int(want[i:i + 2], 16) for i in (1, 3, 5))
    n = sum(c for c, (pr, pg, pb) in colours if abs(pr - r) + abs(pg - g) + abs(pb - b) < 40)
    print(f"png: {n} pixels near {want}")
    ok = ok and n >= 100
sys.exit(0 if ok else 1)
