#!/usr/bin/env python3
"""A tiny CMYK JPEG for atelier's image import test (nothing in the JDK writes one).

Writes tools/src/test/resources/images/cmyk.jpg: 32 x 32, four 16 x 16 quadrants of solid inks (C, M, Y, K in
0..255, row by row: top-left, top-right, bottom-left, bottom-right) = INKS below, which the Java test repeats.
PIL stores CMYK JPEGs the way Photoshop does (Adobe APP14 marker, inverted values), the common kind in the wild.

Run: /usr/bin/python3 tests/python/make_cmyk_jpeg.py   (needs Debian's python3-pil)
"""
import os

from PIL import Image

INKS = [(0, 0, 0, 0), (255, 0, 0, 0), (0, 128, 255, 0), (0, 0, 0, 64)]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "src", "test", "resources",
                   "images", "cmyk.jpg")


def main():
    image = Image.new("CMYK", (32, 32))
    for q, ink in enumerate(INKS):
        x0, y0 = (q % 2) * 16, (q // 2) * 16
        image.paste(ink, (x0, y0, x0 + 16, y0 + 16))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    image.save(OUT, quality=100, subsampling=0)
    rgb = Image.open(OUT).convert("RGB")
    print("wrote cmyk.jpg; PIL decodes the quadrant centres as",
          [rgb.getpixel(((q % 2) * 16 + 8, (q // 2) * 16 + 8)) for q in range(4)])


if __name__ == "__main__":
    main()
