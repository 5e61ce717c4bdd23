"""Merchant name, address and receipt number from the top of a receipt.

A receipt opens with the merchant's name, then its registration number and address,
then phone, tax registration and the document details. The rules below follow that
shape and a few general signs (legal suffixes, postcodes), never particular names.
"""

import re
from dataclasses import dataclass

HEADER_LINES = 12
# Legal forms and trade words that end a business name.
COMPANY_SUFFIX_RE = re.compile(
    r"\b(?:S[DO0]N\.?\s?B[HN]D|BHD|BERHAD|ENTERPRISES?|TRADING|TRADERS?|HARDWARE|"
    r"RESTAURANTS?|RESTORAN|STORES?|MART|SUPERMARKET|MARKET|CAF[EÉ]|BAKERY|PHARMACY|"
    r"HOLDINGS|CORPORATION|CORP|INC|LLC|LTD|LIMITED|PLC|GMBH|CO|COMPANY|"
    r"PERNIAGAAN|KEDAI|SHOP|CENTRE|CENTER|MACHINERY|STATIONERY|ELECTRICAL)\b\.?",
    re.IGNORECASE,
)
# Lines that end the address block.
ADDRESS_STOP_RE = re.compile(
    r"\bTEL\b|\bTEL\s*[:.]|\bPHONE\b|\bFAX\b|\bH/?P\b|\bGST\b|\bSST\b|\bVAT\b|\bTAX\b|"
    r"\bINVOICE\b|\bRECEIPT\b|\bDATE\b|\bCASHIER\b|@|\bWWW\.|\.COM\b|\bEMAIL\b|\bMOBILE\b|"
    r"\bBILL\b|\bDOC\b|\bORDER\b|\bTABLE\b|\bSALES\b|\bOPEN\b|\bCASH\b",
    re.IGNORECASE,
)
# Company registration numbers printed under the name: "(742016-W)", "CO.REG: 933109-X".
REGISTRATION_RE = re.compile(
    r"^\W*(?:\(?\s*[A-Z]{0,3}\s?\d[\d\s]{3,}-?\s?[A-Z]\s?\)?|.*\b(?:CO\.?\s?REG|COMPANY\s+(?:NO|REG)"
    r"|REG(?:ISTRATION)?\.?\s?NO|ROC|BRN)\b.*)\W*$",
    re.IGNORECASE,
)
NOISE_WORDS_RE = re.compile(
    r"^\W*(?:WELCOME|THANK|TAX INVOICE|SIMPLIFIED|INVOICE|RECEIPT|OFFICIAL|COPY|"
    r"CASH\s*(?:BILL|SALES)?|FORMERLY|LICENSEE)\b",
    re.IGNORECASE,
)
POSTCODE_RE = re.compile(r"\b\d{5}\b")
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


def find_header(lines: list[str]) -> Header:
    """Merchant and address from the first lines of the receipt."""
    top = lines[:HEADER_LINES]
    header = _find_merchant(top)
    if header.merchant:
        address, conf = _find_address(lines, header.merchant_end + 1)
        header.address, header.address_conf = address, conf
    return header


def is_noise(line: str) -> bool:
    """Lines that carry no name: scanner marks, handwriting, rules of dashes, headings."""
    letters = sum(ch.isalpha() for ch in line)
    if letters < 3 or letters < 0.5 * len(line.replace(" ", "")):
        return True
    if line == line.lower():
        return True
    return bool(NOISE_WORDS_RE.search(line))


def _find_merchant(top: list[str]) -> Header:
    """The line with a company suffix near the top, else the first line with a name."""
    candidates = [i for i, line in enumerate(top) if not is_noise(line)]
    for index in candidates:
        if COMPANY_SUFFIX_RE.search(top[index]) and not ADDRESS_STOP_RE.search(top[index]):
            start = _name_start(top, index)
            return Header(
                merchant=clean_company(" ".join(top[start : index + 1])),
                merchant_conf=0.85,
                merchant_end=index,
            )
    for index in candidates:
        line = top[index]
        if not ADDRESS_STOP_RE.search(line) and not REGISTRATION_RE.match(line):
            end = index + 1 if line.rstrip().endswith("&") and index + 1 < len(top) else index
            name = " ".join(top[index : end + 1])
            return Header(merchant=clean_company(name), merchant_conf=0.55, merchant_end=end)
    return Header()


def _name_start(top: list[str], index: int) -> int:
    """Include the line above when the name was wrapped ("HOME MASTER HARDWARE &")."""
    if index > 0 and top[index - 1].rstrip().endswith(("&", "-", "AND")):
        return index - 1
    return index


def clean_company(name: str) -> str:
    """Trim OCR debris around a company name and restore its legal suffix."""
    name = re.sub(r"\bS[DO0]N\b(\.?)\s?B[HN]D\b", r"SDN\1 BHD", name)
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"\s+([,.)])", r"\1", name)
    name = re.sub(r"\(\s+", "(", name)
    return name.strip(" ,;:|'\"-_~*=")


def _find_address(lines: list[str], start: int) -> tuple[str, float]:
    """Lines after the merchant up to the phone, tax or date line."""
    parts: list[str] = []
    for line in lines[start : start + 8]:
        if ADDRESS_STOP_RE.search(line):
            break
        if REGISTRATION_RE.match(line) and not parts:
            continue
        if is_noise(line) and not POSTCODE_RE.search(line):
            if parts:
                break
            continue
        parts.append(line.strip())
        if len(parts) >= 6:
            break
    address = clean_address(" ".join(parts))
    if not address:
        return "", 0.0
    return address, 0.8 if POSTCODE_RE.search(address) else 0.5


def clean_address(address: str) -> str:
    address = re.sub(r"\s+", " ", address)
    address = re.sub(r"\s+([,.])", r"\1", address)
    return address.strip(" ;:|'\"-_~*=")


def find_receipt_number(lines: list[str]) -> tuple[str, float]:
    """The document's own number: receipt, invoice, bill or document number."""
    for line in lines:
        match = RECEIPT_NUMBER_RE.search(line)
        if match:
            return match.group("number").strip(".,;:"), 0.7
    return "", 0.0
