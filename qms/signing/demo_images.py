"""The demo's signature and seal images (PNG, transparent): a blue handwritten-like name and a red round
seal with the agency's name, drawn with Pillow so the demo's signed pages look as Decree 30 has them."""

from __future__ import annotations

import math
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONT_ITALIC = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf"


def _font(path: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(path, size)
    except OSError:
        return ImageFont.load_default()


def signature_png(name: str) -> bytes:
    """About 40 x 18 mm at 300 dpi: the signer's last given name in blue with an underline stroke."""
    img = Image.new("RGBA", (472, 212), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    blue = (20, 60, 170, 255)
    word = name.split()[-1] if name.split() else name
    draw.text((236, 90), word, font=_font(FONT_ITALIC, 110), fill=blue, anchor="mm")
    points = [(60 + x * 6, 165 + 10 * math.sin(x / 6)) for x in range(60)]
    draw.line(points, fill=blue, width=6)
    buf = BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def seal_png(agency: str, centre: str = "★") -> bytes:
    """A round red seal, 26 mm at 300 dpi: two rings and the agency's name around the edge."""
    size = 307
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    red = (210, 20, 30, 235)
    c = size / 2
    draw.ellipse((4, 4, size - 4, size - 4), outline=red, width=9)
    draw.ellipse((62, 62, size - 62, size - 62), outline=red, width=4)
    text = agency.upper()
    font = _font(FONT, 26 if len(text) <= 20 else 21)
    step = min(300 / max(len(text), 1), 16)
    first = -90 - step * (len(text) - 1) / 2  # centred on the top of the ring
    for i, ch in enumerate(text):
        angle = math.radians(first + i * step)
        x, y = c + 118 * math.cos(angle), c + 118 * math.sin(angle)
        glyph = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((20, 20), ch, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        img.alpha_composite(glyph, (int(x - 20), int(y - 20)))
    draw.text((c, c), centre, font=_font(FONT, 70), fill=red, anchor="mm")
    buf = BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()
