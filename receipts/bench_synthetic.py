"""Render synthetic receipts with their labels, so the project has a set of its own.

Names, streets and items are put together at random from small generic word lists;
totals add up (subtotal + tax + rounding, cash - change), and currency and date order
go together the way they do on real receipts.
"""

import datetime
import json
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_PATHS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
]
NAME_WORDS = [
    "GOLDEN", "LUCKY", "SUNRISE", "GREEN", "ROYAL", "CITY", "OCEAN", "MAPLE", "STAR",
    "HAPPY", "SILVER", "EASTERN", "PRIME", "FRESH", "UNITED", "BRIGHT", "PEARL", "JADE",
]  # fmt: skip
TRADES = ["BAKERY", "HARDWARE", "MINI MARKET", "STATIONERY", "PHARMACY", "CAFE", "KITCHEN"]
LEGAL_FORMS = {
    "MYR": ["SDN BHD", "SDN. BHD.", "ENTERPRISE", "TRADING"],
    "USD": ["INC", "LLC", ""],
    "EUR": ["GMBH", ""],
    "GBP": ["LTD", ""],
}
PLACES = {
    # Selangor's postcodes run from 40000 to 48999; the reader checks them against the state.
    "MYR": ("JALAN {w} {n}", "{selangor} {city}, SELANGOR", ["SHAH ALAM", "KLANG", "PUCHONG"]),
    "USD": ("{n} {w} STREET", "{city}, CA {p5}", ["OAKLAND", "FRESNO", "SAN JOSE"]),
    "EUR": ("{w}STRASSE {n}", "{p5} {city}", ["BERLIN", "KOELN", "MUENCHEN"]),
    "GBP": ("{n} {w} ROAD", "{city} {pc}", ["LEEDS", "YORK", "BATH"]),
}
SIGNS = {"MYR": "RM", "USD": "$", "EUR": "€", "GBP": "£"}
TAX_NAMES = {"MYR": "SST 6%", "USD": "SALES TAX 8%", "EUR": "MWST 19%", "GBP": "VAT 20%"}
TAX_RATES = {"MYR": "0.06", "USD": "0.08", "EUR": "0.19", "GBP": "0.20"}
ITEMS = ["COFFEE", "BREAD", "RICE 5KG", "PEN BLUE", "NOTEBOOK A5", "SOAP", "TEA", "NOODLES"]
CENTS = Decimal("0.01")


def make_synthetic_set(folder: Path, count: int, seed: int = 7) -> None:
    """Write count receipts as NNN.jpg or NNN.png with NNN.json labels into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for index in range(count):
        lines, label = _receipt_text(rng)
        image = _render(lines, rng)
        suffix = ".png" if index % 4 == 3 else ".jpg"
        image.save(folder / f"{index:03d}{suffix}", quality=90)
        (folder / f"{index:03d}.json").write_text(json.dumps(label, indent=2))


def _receipt_text(rng: random.Random) -> tuple[list[str], dict]:
    currency = rng.choice(list(SIGNS))
    company = _company(rng, currency)
    street, city_line = _address(rng, currency)
    date = datetime.date(2018, 1, 1) + datetime.timedelta(days=rng.randrange(2500))
    lines = [company, street, city_line, f"TEL: 0{rng.randrange(10**8, 10**9)}"]
    lines += [
        f"DATE: {_print_date(date, currency, rng)}  {rng.randrange(8, 22)}:{rng.randrange(60):02d}"
    ]
    lines += [f"RECEIPT NO: {rng.randrange(10**5, 10**6)}", "-" * 32]
    subtotal = Decimal(0)
    for _ in range(rng.randint(1, 5)):
        quantity, price = rng.randint(1, 3), Decimal(rng.randrange(100, 5000)) / 100
        amount = quantity * price
        subtotal += amount
        lines.append(_columns(f"{rng.choice(ITEMS)} {quantity} x {price:.2f}", f"{amount:.2f}"))
    tax = (subtotal * Decimal(TAX_RATES[currency])).quantize(CENTS, ROUND_HALF_UP)
    total = subtotal + tax
    sign = SIGNS[currency]
    lines += [
        "-" * 32,
        _columns("SUBTOTAL", f"{subtotal:.2f}"),
        _columns(TAX_NAMES[currency], f"{tax:.2f}"),
    ]
    total = _add_rounding(lines, total, currency)
    cash = (total / 10 + 1).quantize(Decimal(1)) * 10
    lines += [_columns("TOTAL", f"{sign}{total:.2f}"), _columns("CASH", f"{cash:.2f}")]
    lines += [_columns("CHANGE", f"{cash - total:.2f}"), "THANK YOU, PLEASE COME AGAIN"]
    label = {
        "company": company,
        "date": date.isoformat(),
        "address": f"{street} {city_line}",
        "total": f"{total:.2f}",
        "currency": currency,
    }
    return lines, label


def _company(rng: random.Random, currency: str) -> str:
    words = rng.sample(NAME_WORDS, 2) + [rng.choice(TRADES), rng.choice(LEGAL_FORMS[currency])]
    return " ".join(word for word in words if word)


def _address(rng: random.Random, currency: str) -> tuple[str, str]:
    street, city_line, cities = PLACES[currency]
    values = {
        "w": rng.choice(NAME_WORDS),
        "n": rng.randint(1, 120),
        "p5": rng.randrange(10000, 99999),
        "selangor": rng.randrange(40000, 49000),
        "pc": f"LS{rng.randint(1, 9)} {rng.randint(1, 9)}AB",
        "city": rng.choice(cities),
    }
    return street.format(**values), city_line.format(**values)


def _print_date(date: datetime.date, currency: str, rng: random.Random) -> str:
    if currency == "USD":
        return rng.choice([date.strftime("%m/%d/%Y"), date.strftime("%b %d, %Y")])
    return rng.choice(
        [date.strftime("%d/%m/%Y"), date.strftime("%d.%m.%y"), date.strftime("%d-%b-%Y")]
    )


def _add_rounding(lines: list[str], total: Decimal, currency: str) -> Decimal:
    """Ringgit totals are rounded to five sen, with the adjustment printed."""
    if currency != "MYR":
        return total
    rounded = (total * 20).quantize(Decimal(1), ROUND_HALF_UP) / 20
    rounded = rounded.quantize(CENTS)
    lines.append(_columns("ROUNDING ADJ", f"{rounded - total:.2f}"))
    return rounded


def _columns(left: str, right: str, width: int = 32) -> str:
    return left + " " * max(1, width - len(left) - len(right)) + right


def _render(lines: list[str], rng: random.Random) -> Image.Image:
    """Black text on off-white paper, slightly tilted and softened like a scan."""
    size = rng.randint(20, 28)
    font = _font(size)
    step = int(size * 1.5)
    image = Image.new("L", (int(size * 0.62 * 34) + 60, step * len(lines) + 80), 245)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((30, 40 + step * index), line, font=font, fill=rng.randint(0, 60))
    image = image.rotate(rng.uniform(-1.5, 1.5), expand=True, fillcolor=245)
    return image.filter(ImageFilter.GaussianBlur(rng.uniform(0, 0.8)))


def _font(size: int) -> ImageFont.ImageFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)
