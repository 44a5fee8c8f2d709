#!/usr/bin/env python3
"""Tiny CMYK and YCCK JPEGs for atelier's image import test (nothing in the JDK writes them).

Writes tools/src/test/resources/images/cmyk.jpg and ycck.jpg: 32 x 32, four 16 x 16 quadrants of solid inks
(C, M, Y, K in 0..255, row by row: top-left, top-right, bottom-left, bottom-right) = INKS below, which the Java
test repeats. Both are stored the way Photoshop does (Adobe APP14 marker, inverted values), the common kind in the
wild. PIL writes only CMYK (APP14 transform 0), so ycck.jpg is made from it: its planes hold Y, Cb, Cr of the inks
C, M, Y taken as R, G, B (libjpeg's cmyk_ycck_convert) and the marker's transform is set to 2; PIL decoding both
files to the inks' colours checks that.

Run: /usr/bin/python3 tests/python/make_cmyk_jpeg.py   (needs Debian's python3-pil)
"""
import os

from PIL import Image

INKS = [(0, 0, 0, 0), (255, 0, 0, 0), (0, 128, 255, 0), (0, 0, 0, 64)]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "src", "test", "resources",
                   "images")


def quadrants(colours):
    image = Image.new("CMYK", (32, 32))
    for q, colour in enumerate(colours):
        x0, y0 = (q % 2) * 16, (q // 2) * 16
        image.paste(colour, (x0, y0, x0 + 16, y0 + 16))
    return image


def ycck(ink):
    """The CMYK values PIL must be given so that the file stores Y, Cb, Cr, 255 - K (PIL inverts CMYK)."""
    r, g, b, k = ink
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = -0.168736 * r - 0.331264 * g + 0.5 * b + 128
    cr = 0.5 * r - 0.418688 * g - 0.081312 * b + 128
    return tuple(255 - min(255, max(0, round(v))) for v in (y, cb, cr)) + (k,)


def main():
    os.makedirs(OUT, exist_ok=True)
    cmyk = os.path.join(OUT, "cmyk.jpg")
    quadrants(INKS).save(cmyk, quality=100, subsampling=0)
    path = os.path.join(OUT, "ycck.jpg")
    quadrants([ycck(ink) for ink in INKS]).save(path, quality=100, subsampling=0)
    data = bytearray(open(path, "rb").read())
    adobe = data.index(b"Adobe")
    assert data[adobe + 11] == 0, "expected PIL's APP14 transform 0"
    data[adobe + 11] = 2  # "Adobe", version, flags0, flags1, then the transform byte
    open(path, "wb").write(bytes(data))
    for name in (cmyk, path):
        rgb = Image.open(name).convert("RGB")
        print("wrote", os.path.basename(name), "; PIL decodes the quadrant centres as",
              [rgb.getpixel(((q % 2) * 16 + 8, (q // 2) * 16 + 8)) for q in range(4)])


if __name__ == "__main__":
    main()
