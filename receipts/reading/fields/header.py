"""Merchant name, address and receipt number from the top of a receipt.

A receipt opens with the merchant's name, then its registration number and address,
then phone, tax registration and the document details. The rules below follow that
shape and a few general signs (legal suffixes, postcodes), never particular names.
"""

import re
from dataclasses import dataclass

from receipts.reading.fields.dates import dates_in_line
from receipts.reading.locales import NO_LOCALE, Locale

HEADER_LINES = 12
# A legal suffix is looked for among this many readable lines at the top; further down
# it is more likely the customer's company than the merchant.
SUFFIX_SEARCH_LINES = 3
# Legal forms that end a company's registered name.
COMPANY_SUFFIX_RE = re.compile(
    r"\b(?:S[DO0]N\.?,?\s?B[HN]D|BHD|BERHAD|S/B|ENTERPRISES?|TRADING(?:\s+CO)?|"
    r"CORPORATION|INC|LLC|LTD|LIMITED|PLC|GMBH)\b\.?",
    re.IGNORECASE,
)
# Lines of legal notices between the name and the address ("formerly known as ...").
NOTICE_RE = re.compile(r"\bFORMERLY\b|\bLICEN[SC]EE\b|\bOWNED BY\b", re.IGNORECASE)
# OCR confidence below which a header line is treated as smudge, not text.
MIN_LINE_CONF = 0.4
# Words that mark a line as part of an address rather than a name.
ADDRESS_WORDS_RE = re.compile(
    r"^\W*(?:NO\b|LOT\b|\d)|\bJALAN\b|\bJLN\b|\bJL\b|\bSTREET\b|\bROAD\b|\bFLOOR\b|\b\d{5}\b",
    re.IGNORECASE,
)
# Lines that end the address block: phone, tax and document details, in the languages of
# the locales ("MwSt", "TVA", "SIRET"; "TAXINVOICE" is two such words OCR ran together).
ADDRESS_STOP_RE = re.compile(
    r"\b0\d{1,2}\s?-\s?\d{3,4}\s?\d{3,4}\b|\bTEL\b|\bTEL\s*[:.]|\bPHONE\b|\bFAX\b|\bH/?P\b|\bGST\b|\bSST\b|\bVAT\b|\bTAX\b|"
    r"\bMWST\b|\bUST\b|\bSTEUER|\bTVA\b|\bSIRE[NT]\b|"
    r"\bINVOICE\b|TAX\s*INVOICE|\bRECEIPT\b|\bDATE\b|\bCASHIER\b|@|\bWWW\.|\.COM\b|\bEMAIL\b|\bMOBILE\b|"
    r"\bBILL\b|\bDOC(?:UMENT)?\b|\bORDER\b|\bTABLE\b|\bSALES\b|\bOPEN\b|\bCASH\b",
    re.IGNORECASE,
)
# Company registration numbers printed under the name: "(742016-W)", "CO.REG: 933109-X".
REGISTRATION_RE = re.compile(
    r"\d{5,}\s?-\s?[A-Z]\b|^\W*(?:\(?\s*[A-Z]{0,3}\s?\d[\d\s]{3,}-?\s?[A-Z]\s?\)?|.*\b(?:CO\.?\s?REG|COMPANY\s+(?:NO|REG)"
    r"|REG(?:ISTRATION)?\.?\s?NO|ROC|BRN)\b.*)\W*$",
    re.IGNORECASE,
)
# A registration number in brackets after the name: "AEON CO. (M) BHD (126926-H)".
# Newer numbers carry a letter prefix: "(JM0123456-D)".
REGISTRATION_SUFFIX_RE = re.compile(r"\s*\(\s*[A-Z]{0,3}\d{4,}\s?-?\s?[A-Z]?\s*\)\W*$", re.IGNORECASE)
# A tax registration line ("GST ID: 0012...", "VAT No 123"): printed under the name, before
# the address on some receipts and after it on others.
TAX_ID_RE = re.compile(r"\b(?:GST|SST|VAT|TAX)\s*(?:REG(?:ISTRATION)?\.?\s*)?(?:NO|ID|NUMBER)\b", re.IGNORECASE)
# A capital I between lower-case letters is OCR's reading of a lower-case l ("WorId").
CAPITAL_I_FOR_L_RE = re.compile(r"(?<=[a-z])I(?=[a-z]|\b)")
NOISE_WORDS_RE = re.compile(
    r"^\W*(?:WELCOME|THANK|TAX INVOICE|SIMPLIFIED|INVOICE|RECEIPT|OFFICIAL|COPY|"
    r"CASH\s*(?:BILL|SALES)?|FORMERLY|LICENSEE)\b",
    re.IGNORECASE,
)
POSTCODE_RE = re.compile(r"\b\d{5}\b")
# The farewell that names the shop, used when the top of the receipt did not.
CLOSING_RE = re.compile(
    r"\bTHANK\s*YOU\s+FOR\s+(?:SHOPPING|DINING|VISITING|CHOOSING)\s+(?:AT|WITH)\s+(?P<name>.+)$",
    re.IGNORECASE,
)
# A name read beside its legal suffix (SDN BHD), and one read from the farewell.
SUFFIX_NAME_CONF = 0.85
CLOSING_NAME_CONF = 0.6
CURLY_QUOTES = str.maketrans("", "", "‘’‚“”„`")
# A zero between letters of a word that is otherwise all letters is OCR's reading of an O
# ("K0ELN", "San J0se"); codes that mix digits and letters ("JM0123", "B0A") are left alone.
ZERO_FOR_O_RE = re.compile(r"\b(?=\w{4,}\b)[A-Za-z]+(?:0+[A-Za-z]+)+\b")
RECEIPT_NUMBER_RE = re.compile(
    r"\b(?:RECEIPT|INVOICE|INV|BILL|DOC(?:UMENT)?|TRANS(?:ACTION)?|CHECK|ORDER|REF|"
    r"SLIP|CS)\s*(?:NO\.?|NUMBER|#|ID)?\s*[:#.;]?\s*(?P<number>[A-Z]{0,4}[-/]?\d[\w\-/]{2,})",
    re.IGNORECASE,
)


@dataclass
class Header:
    merchant: str = ""
    address: str = ""
    merchant_conf: float = 0.0
    address_conf: float = 0.0
    merchant_end: int = -1


def find_header(lines: list[str], confs: list[float] | None = None, locale: Locale = NO_LOCALE) -> Header:
    """Merchant and address from the first lines of the receipt."""
    confs = confs or [1.0] * len(lines)
    top = [line if conf >= MIN_LINE_CONF else "" for line, conf in zip(lines, confs, strict=True)]
    header = _find_merchant(top[:HEADER_LINES])
    start = header.merchant_end + 1 if header.merchant else _first_address_line(top)
    if start is not None:
        header.address, header.address_conf = _find_address(lines, start, locale)
    closing = closing_name(lines) if header.merchant_conf < SUFFIX_NAME_CONF else ""
    if closing and not _share_a_word(header.merchant, closing):
        # The top was a logo or a smudge; the farewell names the shop.
        header.merchant, header.merchant_conf = closing, CLOSING_NAME_CONF
    return header


def closing_name(lines: list[str]) -> str:
    """The shop named in the farewell ("Thank you for shopping at ..."), for logo receipts."""
    for line in lines:
        match = CLOSING_RE.search(line)
        if match:
            name = match["name"].strip(" .!,;:*")
            if sum(ch.isalpha() for ch in name) >= 3:
                return name
    return ""


def _share_a_word(a: str, b: str) -> bool:
    """Whether two names have a word of three or more letters in common."""

    def words(name: str) -> set[str]:
        return set(re.findall(r"[A-Z]{3,}", name.upper()))

    return bool(words(a) & words(b))


def _first_address_line(top: list[str]) -> int | None:
    """Where the address starts when the name above it could not be read."""
    for index, line in enumerate(top[:HEADER_LINES]):
        if ADDRESS_WORDS_RE.search(line) and not ADDRESS_STOP_RE.search(line):
            return index
    return None


def is_noise(line: str) -> bool:
    """Lines that carry no name: scanner marks, handwriting, rules of dashes, headings."""
    if NOTICE_RE.search(line):
        return True
    # A registration number printed beside the name does not make the line noise.
    line = REGISTRATION_SUFFIX_RE.sub("", line)
    letters = sum(ch.isalpha() for ch in line)
    if letters < 3 or letters < 0.5 * len(line.replace(" ", "")):
        return True
    if line == line.lower() or not any(_is_word(token) for token in line.split()):
        return True
    return bool(NOISE_WORDS_RE.search(line))


def _is_word(token: str) -> bool:
    """At least three letters and hardly any digits: "MART", "Shell", not "AO2ZG8&"."""
    letters = sum(ch.isalpha() for ch in token)
    digits = sum(ch.isdigit() for ch in token)
    return letters >= 3 and digits == 0


def _find_merchant(top: list[str]) -> Header:
    """The line with a company suffix near the top, else the first line with a name."""
    candidates = [i for i, line in enumerate(top) if not is_noise(line)]
    candidates = [i for i in candidates if not (i and NOTICE_RE.search(top[i - 1]))]
    for index in candidates[:SUFFIX_SEARCH_LINES]:
        if COMPANY_SUFFIX_RE.search(top[index]) and not ADDRESS_STOP_RE.search(top[index]):
            start = _name_start(top, index)
            end = _name_end(top, index)
            name = clean_company(" ".join(top[start : end + 1]))
            return Header(merchant=name, merchant_conf=_suffix_name_conf(name), merchant_end=end)
    for index in candidates:
        line = top[index]
        if ADDRESS_WORDS_RE.search(line):
            # The name was not read (logos, large type); do not offer the address instead.
            return Header()
        if not ADDRESS_STOP_RE.search(line) and not REGISTRATION_RE.match(line):
            end = _name_end(top, index)
            name = " ".join(top[index : end + 1])
            return Header(merchant=clean_company(name), merchant_conf=0.55, merchant_end=end)
    return Header()


def _suffix_name_conf(name: str) -> float:
    """Sure of a name with a legal suffix, unless the suffix is nearly all that was read."""
    rest = COMPANY_SUFFIX_RE.sub("", name)
    return SUFFIX_NAME_CONF if sum(ch.isalpha() for ch in rest) >= 3 else 0.2


def _name_start(top: list[str], index: int) -> int:
    """Include the line above when the name was wrapped ("HOME MASTER HARDWARE &")."""
    if index > 0 and top[index - 1].rstrip().endswith(("&", "-", "AND")):
        return index - 1
    return index


def _name_end(top: list[str], index: int) -> int:
    """Include the next line when this one ends mid-name ("HARDWARE &" / "ELECTRICAL")."""
    wrapped = top[index].rstrip().endswith(("&", "-", " AND"))
    return index + 1 if wrapped and index + 1 < len(top) and top[index + 1] else index


def clean_company(name: str) -> str:
    """Trim OCR debris around a company name and restore its legal suffix."""
    # A legal suffix OCR joined to the word before it: "INTERNATIONAL-SDN BHD".
    name = re.sub(r"(?<=\w)[-_](?=S[DO0]N\b)", " ", name)
    name = re.sub(r"\bS[DO0]N\b(\.?),?\s?B[HN]D\b", r"SDN\1 BHD", name)
    name = CAPITAL_I_FOR_L_RE.sub("l", name)
    name = REGISTRATION_SUFFIX_RE.sub("", name)
    suffix = ([None] + list(COMPANY_SUFFIX_RE.finditer(name)))[-1]
    rest = name[suffix.end() :] if suffix else ""
    if suffix and (not re.search(r"[A-Za-z]{2}|\(", rest) or ADDRESS_WORDS_RE.search(rest.strip())):
        # What follows the suffix is debris, or the address read on the same row.
        name = name[: suffix.end()]
    name = " ".join(_trim_debris(name.split()))
    name = re.sub(r"\s+([,)])", r"\1", name)
    name = re.sub(r"\(\s+", "(", name)
    return name.strip(" ,;:|'\"-_~*=")


def _trim_debris(tokens: list[str]) -> list[str]:
    """Drop stray marks at either end: lone symbols, digits, lowercase smudges."""
    upper_line = sum(t.isupper() for t in tokens) > len(tokens) / 2

    def is_debris(token: str) -> bool:
        if token == "&":
            return False
        if not any(ch.isalnum() for ch in token):
            return True
        if not any(ch.isalpha() for ch in token) and len(token) == 1:
            return True
        return upper_line and token == token.lower()

    while tokens and is_debris(tokens[0]):
        tokens = tokens[1:]
    while tokens and is_debris(tokens[-1]):
        tokens = tokens[:-1]
    return tokens


def _find_address(lines: list[str], start: int, locale: Locale) -> tuple[str, float]:
    """Lines after the merchant up to the phone, tax or date line.

    Registration numbers (company or tax) printed between the name and the address are
    passed over; after a tax number, what follows is only an address if it looks like one.
    """
    parts: list[str] = []
    skipped = 0
    after_tax_id = False
    for line in lines[start : start + 8]:
        if ADDRESS_STOP_RE.search(line):
            if parts or not TAX_ID_RE.search(line):
                break
            after_tax_id = True
            continue
        if REGISTRATION_RE.search(line) or NOTICE_RE.search(line) or dates_in_line(line):
            if parts:
                break
            continue
        if _is_address_noise(line):
            if parts:
                break
            continue
        if not parts and not re.search(r"\d", line) and skipped < 2:
            # A second name line ("BISTRO & CAFE") comes before the numbered address.
            skipped += 1
            continue
        parts.append(_trim_line(line))
        if len(parts) >= 6:
            break
    address = clean_address(" ".join(parts), locale)
    if not address or (after_tax_id and not (ADDRESS_WORDS_RE.search(address) and POSTCODE_RE.search(address))):
        return "", 0.0
    return address, 0.8 if POSTCODE_RE.search(address) else 0.5


def _trim_line(line: str) -> str:
    """Drop a lone lowercase letter that OCR reads from a smudge at the end of a line."""
    tokens = line.split()
    while tokens and len(tokens[-1]) == 1 and tokens[-1].islower():
        tokens.pop()
    return " ".join(tokens)


def _is_address_noise(line: str) -> bool:
    if POSTCODE_RE.search(line):
        return False
    letters = sum(ch.isalpha() for ch in line)
    return letters < 3 or line == line.lower() or bool(NOTICE_RE.search(line))


def clean_address(address: str, locale: Locale = NO_LOCALE) -> str:
    """Join the address lines, dropping stray marks that OCR reads from smudges.

    A comma or point set apart by OCR ("BALAKONG ,") belongs to the word before it,
    curly quotes are specks read as quotes ("‘Tampoi"): addresses print none, and a zero
    inside a word of letters is an O.
    """
    tokens: list[str] = []
    for token in address.translate(CURLY_QUOTES).split():
        if token in (",", ".") and tokens:
            tokens[-1] += token
        elif token == "&" or any(ch.isalnum() for ch in token):
            tokens.append(token)
    address = " ".join(tokens)
    address = re.sub(r"\s+([,.])", r"\1", address)
    address = ZERO_FOR_O_RE.sub(_zero_as_o, address)
    address = locale.repair_address(address)
    return address.strip(" ;:|'\"-_~*=")


def _zero_as_o(match: re.Match) -> str:
    """Each run of zeros in the word as O, in the case of the letter before it."""
    word = match.group()
    return re.sub(r"0+", lambda zeros: ("o" if word[zeros.start() - 1].islower() else "O") * len(zeros.group()), word)


def find_receipt_number(lines: list[str]) -> tuple[str, float]:
    """The document's own number: receipt, invoice, bill or document number."""
    for line in lines:
        match = RECEIPT_NUMBER_RE.search(line)
        if match:
            return match.group("number").strip(".,;:"), 0.7
    return "", 0.0
