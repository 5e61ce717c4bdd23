"""Render a labelled multi-locale set of synthetic receipts, the project's own benchmark set.

    python -m bench --make-synthetic DIR 240     # fixed seed: the same set every time

Five locales (US, UK, DE, FR, MY) in the shapes their receipts take: US restaurant bills
with a tip under the subtotal and month-first dates, German shop receipts paying *Bar* with
*Rückgeld* and a "19,00 %" MwSt row, French *TOTAL TTC* with *Espèces*, British VAT, and
Malaysian ringgit rounded to five sen. Names, streets and items are put together at random
from generic word lists; amounts add up. Pages vary in font, size, ink, blur, noise,
rotation and fading, as photos and scans of thermal paper do.
"""

import datetime
import json
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation",
             "/usr/share/fonts/truetype/freefont"]  # fmt: skip
FONT_NAMES = [
    "DejaVuSansMono.ttf", "DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansCondensed-Bold.ttf",
    "LiberationMono-Regular.ttf", "LiberationSans-Regular.ttf", "LiberationSansNarrow-Regular.ttf",
    "FreeMono.ttf", "FreeMonoBold.ttf", "FreeSans.ttf",
]  # fmt: skip
NAME_WORDS = [
    "GOLDEN", "LUCKY", "SUNRISE", "GREEN", "ROYAL", "CITY", "OCEAN", "MAPLE", "STAR", "HAPPY",
    "SILVER", "EASTERN", "PRIME", "FRESH", "UNITED", "BRIGHT", "PEARL", "JADE", "NORTH", "RIVER",
]  # fmt: skip
ITEMS = ["COFFEE", "BREAD", "RICE 5KG", "PEN BLUE", "NOTEBOOK A5", "SOAP", "TEA", "NOODLES",
         "MILK 1L", "APPLES", "PASTA", "BATTERIES", "TOWEL", "CHEESE", "WATER 6PK"]  # fmt: skip
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Style:
    """How one locale's receipts are printed."""

    currency: str
    trades: tuple[str, ...]
    legal_forms: tuple[str, ...]
    street: str
    city_line: str
    cities: tuple[str, ...]
    date_formats: tuple[str, ...]
    labels: dict  # subtotal, tax, total, cash, change
    tax_rate: str
    decimal_comma: bool = False
    sign: str = ""


STYLES = {
    "US": Style("USD", ("DINER", "GRILL", "CAFE", "HARDWARE", "PHARMACY"), ("INC", "LLC", ""),
                "{n} {w} STREET", "{city}, CA {p5}", ("OAKLAND", "FRESNO", "SAN JOSE"),
                ("%m/%d/%Y", "%m/%d/%y", "%b %d, %Y"),
                {"subtotal": "SUBTOTAL", "tax": "SALES TAX", "total": "TOTAL", "cash": "CASH",
                 "change": "CHANGE", "tip": "TIP"}, "0.0825", sign="$"),
    "UK": Style("GBP", ("BAKERY", "NEWSAGENT", "CHEMIST", "CAFE"), ("LTD", ""),
                "{n} {w} ROAD", "{city} {pc}", ("LEEDS", "YORK", "BATH"),
                ("%d/%m/%Y", "%d %b %Y"),
                {"subtotal": "SUBTOTAL", "tax": "VAT 20%", "total": "TOTAL", "cash": "CASH",
                 "change": "CHANGE"}, "0.20", sign="£"),
    "DE": Style("EUR", ("BAECKEREI", "MARKT", "APOTHEKE", "DROGERIE"), ("GMBH", ""),
                "{w}STRASSE {n}", "{p5} {city}", ("BERLIN", "KOELN", "MUENCHEN"),
                ("%d.%m.%Y", "%d.%m.%y"),
                {"subtotal": "ZWISCHENSUMME", "tax": "MWST 19,00 %", "total": "SUMME EUR",
                 "cash": "BAR", "change": "RUECKGELD"}, "0.19", decimal_comma=True),
    "FR": Style("EUR", ("BOULANGERIE", "EPICERIE", "PHARMACIE", "TABAC"), ("SARL", "SAS", ""),
                "{n} RUE DES {w}S", "{p5} {city}", ("LYON", "NANTES", "LILLE"),
                ("%d/%m/%Y", "%d/%m/%y"),
                {"subtotal": "TOTAL HT", "tax": "TVA 20%", "total": "TOTAL TTC", "cash": "ESPECES",
                 "change": "RENDU"}, "0.20", decimal_comma=True, sign="€"),
    "MY": Style("MYR", ("MINI MARKET", "HARDWARE", "STATIONERY", "RESTORAN"),
                ("SDN BHD", "ENTERPRISE", "TRADING"),
                "NO {n}, JALAN {w} {n2}", "{selangor} {city}, SELANGOR", ("SHAH ALAM", "KLANG", "PUCHONG"),
                ("%d/%m/%Y", "%d-%m-%Y", "%d-%b-%Y"),
                {"subtotal": "SUB TOTAL", "tax": "SST 6%", "total": "TOTAL", "cash": "CASH",
                 "change": "CHANGE"}, "0.06", sign="RM"),
}  # fmt: skip


def make_synthetic_set(folder: Path, count: int, seed: int = 7) -> None:
    """Write count receipts as NNN.jpg or NNN.png with NNN.json labels into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    locales = list(STYLES)
    for index in range(count):
        locale = locales[index % len(locales)]
        lines, label = receipt_text(rng, locale)
        image = render(lines, rng)
        suffix = ".png" if index % 4 == 3 else ".jpg"
        image.save(folder / f"{index:03d}{suffix}", quality=rng.randint(70, 92))
        (folder / f"{index:03d}.json").write_text(json.dumps(label, indent=2))


def receipt_text(rng: random.Random, locale: str) -> tuple[list[str], dict]:
    """The printed lines of one receipt and its label."""
    style = STYLES[locale]
    company = _company(rng, style)
    street, city_line = _address(rng, style)
    date = datetime.date(2018, 1, 1) + datetime.timedelta(days=rng.randrange(2800))
    lines = [company, street, city_line, f"TEL: 0{rng.randrange(10**8, 10**9)}"]
    lines.append(f"{date.strftime(rng.choice(style.date_formats))}  {rng.randrange(8, 22)}:{rng.randrange(60):02d}")
    lines += [f"RECEIPT NO: {rng.randrange(10**5, 10**6)}", "-" * 32]
    subtotal = Decimal(0)
    for _ in range(rng.randint(1, 5)):
        quantity, price = rng.randint(1, 3), Decimal(rng.randrange(100, 5000)) / 100
        subtotal += quantity * price
        lines.append(_columns(f"{rng.choice(ITEMS)} {quantity} x {_money(price, style)}",
                              _money(quantity * price, style)))
    total = _money_lines(rng, lines, subtotal, style)
    label = {"company": company, "date": date.isoformat(), "address": f"{street} {city_line}",
             "total": f"{total:.2f}", "currency": style.currency, "locale": locale}
    return lines, label


def _money_lines(rng: random.Random, lines: list[str], subtotal: Decimal, style: Style) -> Decimal:
    """Subtotal, tax, tip, rounding, total, cash and change; returns the total paid."""
    labels = style.labels
    rate = Decimal(style.tax_rate)
    included = style.currency == "EUR"  # European prices include their VAT
    if included:
        tax = (subtotal - subtotal / (1 + rate)).quantize(CENTS, ROUND_HALF_UP)
    else:
        tax = (subtotal * rate).quantize(CENTS, ROUND_HALF_UP)
    total = subtotal if included else subtotal + tax
    lines.append("-" * 32)
    if not included:
        lines.append(_columns(labels["subtotal"], _money(subtotal, style)))
    lines.append(_columns(labels["tax"], _money(tax, style)))
    if "tip" in labels and rng.random() < 0.5:
        tip = (total * Decimal("0.18")).quantize(CENTS)
        lines.append(_columns(labels["tip"], _money(tip, style)))
        total += tip
    if style.currency == "MYR":
        rounded = ((total * 20).quantize(Decimal(1), ROUND_HALF_UP) / 20).quantize(CENTS)
        lines.append(_columns("ROUNDING ADJ", _money(rounded - total, style)))
        total = rounded
    sign = style.sign if rng.random() < 0.6 else ""
    lines.append(_columns(labels["total"], f"{sign}{_money(total, style)}"))
    cash = (total / 10 + 1).quantize(Decimal(1)) * 10
    lines.append(_columns(labels["cash"], _money(cash, style)))
    lines += [_columns(labels["change"], _money(cash - total, style)), "THANK YOU, PLEASE COME AGAIN"]
    return total


def _money(value: Decimal, style: Style) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if style.decimal_comma else text


def _company(rng: random.Random, style: Style) -> str:
    words = rng.sample(NAME_WORDS, 2) + [rng.choice(style.trades), rng.choice(style.legal_forms)]
    return " ".join(word for word in words if word)


def _address(rng: random.Random, style: Style) -> tuple[str, str]:
    values = {
        "w": rng.choice(NAME_WORDS), "n": rng.randint(1, 120), "n2": rng.randint(1, 20),
        "p5": rng.randrange(10000, 99999), "selangor": rng.randrange(40000, 49000),
        "pc": f"LS{rng.randint(1, 9)} {rng.randint(1, 9)}AB", "city": rng.choice(style.cities),
    }  # fmt: skip
    return style.street.format(**values), style.city_line.format(**values)


def _columns(left: str, right: str, width: int = 32) -> str:
    return left + " " * max(1, width - len(left) - len(right)) + right


def render(lines: list[str], rng: random.Random) -> Image.Image:
    """Text on off-white paper in one of several fonts, then the wear of a photo or scan."""
    size = rng.randint(18, 30)
    font = _font(rng.choice(FONT_NAMES), size)
    step = int(size * rng.uniform(1.35, 1.7))
    width = int(max(font.getlength(line) for line in lines)) + 60
    paper = rng.randint(225, 250)
    image = Image.new("L", (width, step * len(lines) + 80), paper)
    draw = ImageDraw.Draw(image)
    faint = rng.random() < 0.25  # thermal print that has faded
    ink = rng.randint(110, 160) if faint else rng.randint(0, 70)
    for index, line in enumerate(lines):
        draw.text((30, 40 + step * index), line, font=font, fill=min(255, ink + rng.randint(0, 25)))
    image = image.rotate(rng.uniform(-3, 3), resample=Image.BICUBIC, expand=True, fillcolor=paper)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0, 1.2)))
    if rng.random() < 0.5:
        # Grain from the set's own seed, so the same seed gives the same pixels.
        grain = np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(6, 18), (image.height, image.width))
        image = Image.fromarray(np.clip(np.asarray(image, dtype=float) + grain, 0, 255).astype(np.uint8))
    return image


def _font(name: str, size: int) -> ImageFont.ImageFont:
    for folder in FONT_DIRS:
        if (Path(folder) / name).exists():
            return ImageFont.truetype(str(Path(folder) / name), size)
    return ImageFont.truetype(str(Path(FONT_DIRS[0]) / "DejaVuSans.ttf"), size)
