"""Common words of Malaysian addresses restored from one misread letter.

Faint print makes Tesseract read M as H ("THN" for TMN, Taman), I as T or l, O as D or 0.
A word of an address that is not one of these common words, but becomes exactly one of
them when a single letter is swapped for one it is often mistaken for, is that word.
Place names are left alone: only words every address uses are listed.
"""

import re

WORDS = {
    # Streets, areas and buildings (and their usual abbreviations).
    "JALAN", "JLN", "TAMAN", "TMN", "BANDAR", "BDR", "LORONG", "LRG", "KAMPUNG", "KG",
    "PERSIARAN", "LEBUH", "LEBUHRAYA", "KAWASAN", "PERINDUSTRIAN", "PUSAT", "BATU",
    "BUKIT", "SUNGAI", "SEKSYEN", "BLOK", "BLOCK", "LEVEL", "TINGKAT", "ARAS", "PLAZA",
    "MENARA", "WISMA", "KOMPLEKS", "DARUL", "EHSAN", "TAKZIM", "UTARA", "SELATAN", "TIMUR",
    "BARAT", "JAYA", "BARU", "BAHRU", "INDAH", "PERDANA", "UTAMA", "SRI", "SERI",
    # States and the country.
    "JOHOR", "KEDAH", "KELANTAN", "MELAKA", "NEGERI", "SEMBILAN", "PAHANG", "PERAK",
    "PERLIS", "PULAU", "PINANG", "SABAH", "SARAWAK", "SELANGOR", "TERENGGANU", "KUALA",
    "LUMPUR", "PUTRAJAYA", "LABUAN", "MALAYSIA",
}  # fmt: skip
# Letters Tesseract takes for one another on receipts, both ways.
CONFUSED = [("M", "H"), ("M", "N"), ("I", "T"), ("I", "L"), ("I", "1"), ("O", "D"), ("O", "0"),
            ("O", "Q"), ("S", "5"), ("B", "8"), ("G", "6"), ("E", "F"), ("U", "V")]  # fmt: skip
ALTERNATIVES: dict[str, set[str]] = {}
for a, b in CONFUSED:
    ALTERNATIVES.setdefault(a, set()).add(b)
    ALTERNATIVES.setdefault(b, set()).add(a)
TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z0-9]{2,}")


def restore_word(token: str) -> str:
    """The common address word one confusable letter away from token, else token."""
    upper = token.upper()
    if upper in WORDS:
        return token
    found = {
        upper[:i] + other + upper[i + 1 :]
        for i, letter in enumerate(upper)
        for other in ALTERNATIVES.get(letter, ())
    } & WORDS
    if len(found) != 1:
        return token
    return in_case_of(token, found.pop())


def in_case_of(token: str, word: str) -> str:
    """word (in capitals) written the way token is: "JOHOR", "Johor" or "johor"."""
    if token.isupper():
        return word
    return word.capitalize() if token[:1].isupper() else word.lower()


def restore_address_words(address: str) -> str:
    return TOKEN_RE.sub(lambda match: restore_word(match.group()), address)
