"""Draw the app icon (a form with a green tick on a blue tile) as .ico and .png.

The outputs are committed (packaging/icon.ico, packaging/icon.png); run this again only
to change the picture:  python packaging/make_icon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SIZES = (16, 24, 32, 48, 64, 128, 256)
BLUE = (31, 94, 168, 255)
PAPER = (255, 255, 255, 255)
LINE = (150, 170, 195, 255)
GREEN = (40, 167, 69, 255)


def draw(size: int = 1024) -> Image.Image:
    """Drawn large and scaled down, so every icon size is antialiased."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    s = size / 256
    d.rounded_rectangle((8 * s, 8 * s, 248 * s, 248 * s), radius=44 * s, fill=BLUE)
    d.rounded_rectangle((62 * s, 40 * s, 194 * s, 216 * s), radius=12 * s, fill=PAPER)
    for i, y in enumerate((76, 104, 132)):
        d.rounded_rectangle(
            (84 * s, y * s, (172 - 24 * (i == 2)) * s, (y + 10) * s), radius=5 * s, fill=LINE
        )
    d.ellipse((128 * s, 136 * s, 236 * s, 244 * s), fill=GREEN)
    d.line(
        [(152 * s, 190 * s), (175 * s, 213 * s), (212 * s, 166 * s)],
        fill=PAPER,
        width=int(16 * s),
        joint="curve",
    )
    return img


def main() -> None:
    big = draw()
    big.resize((256, 256), Image.LANCZOS).save(HERE / "icon.png")
    big.resize((256, 256), Image.LANCZOS).save(HERE / "icon.ico", sizes=[(n, n) for n in SIZES])
    print(HERE / "icon.ico", HERE / "icon.png")


if __name__ == "__main__":
    main()
