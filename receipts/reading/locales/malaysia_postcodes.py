"""Malaysian postcodes checked against the state an address names.

A postcode's first digit says the region (Johor 79000-86999, Selangor 40000-48999 ...), and
faint print turns that digit into another ("41200 Johor Bahru" for 81200) or into a "$".
When the address names its state and exactly one first digit puts the postcode in that
state's range, that digit is the one printed. The other way round, a word one letter away
from the name of the state the postcode lies in is that name misread ("81200 Jahor Bahru").
The ranges are Pos Malaysia's, by state.
"""

import re

from receipts.reading.locales.malaysia_words import in_case_of

STATE_RANGES = {
    "PERLIS": [(1000, 2999)],
    "KEDAH": [(5000, 9999)],
    "PULAU PINANG": [(10000, 14999)],
    "PENANG": [(10000, 14999)],
    "KELANTAN": [(15000, 18999)],
    "TERENGGANU": [(20000, 24999)],
    "PAHANG": [(25000, 28999), (39000, 39999), (49000, 49999), (69000, 69999)],
    "PERAK": [(30000, 36999)],
    "SELANGOR": [(40000, 48999), (63000, 68999)],
    "KUALA LUMPUR": [(50000, 60000)],
    "PUTRAJAYA": [(62000, 62999)],
    "NEGERI SEMBILAN": [(70000, 73999)],
    "MELAKA": [(75000, 78999)],
    "MALACCA": [(75000, 78999)],
    "JOHOR": [(79000, 86999)],
    "LABUAN": [(87000, 87999)],
    "SABAH": [(88000, 91999)],
    "SARAWAK": [(93000, 98999)],
}
STATE_RE = re.compile(
    r"\b(" + "|".join(name.replace(" ", r"\s+") for name in STATE_RANGES) + r")\b", re.IGNORECASE
)
# Five characters where a postcode stands: four digits after a digit, "$" or "S".
POSTCODE_LIKE_RE = re.compile(r"(?<![\w/.-])[\d$S]\d{4}(?![\w/])")
POSTCODE_RE = re.compile(r"(?<![\w/.-])\d{5}(?![\w/])")
# Words of state names this long or longer are restored; a shorter one is too close to others.
MIN_STATE_WORD = 5
WORD_RE = re.compile(rf"\b[A-Za-z]{{{MIN_STATE_WORD},}}\b")


def in_state(code: int, state: str) -> bool:
    return any(low <= code <= high for low, high in STATE_RANGES[state])


def repair_postcode(address: str) -> str:
    """The address with its postcode's first digit made to agree with its state.

    Only when no five-digit number in it is already a postcode of that state, and only
    the last one, where the postcode stands; a lot number elsewhere is left alone.
    """
    states = STATE_RE.findall(address)
    codes = list(POSTCODE_LIKE_RE.finditer(address))
    if not states or not codes:
        return address
    # "KUALA SELANGOR" names a town in Selangor; the last state named is the address's.
    state = re.sub(r"\s+", " ", states[-1]).upper()
    if any(m.group()[0].isdigit() and in_state(int(m.group()), state) for m in codes):
        return address
    last = codes[-1]
    fits = [d for d in "0123456789" if in_state(int(d + last.group()[1:]), state)]
    if len(fits) != 1:
        return address
    return address[: last.start()] + fits[0] + address[last.start() + 1 :]


def repair_state_name(address: str) -> str:
    """The address with a word one letter off its postcode's state name put right.

    Only a letter swapped for another (the word keeps its length), only in words of the
    state the last postcode lies in, and only words of five letters or more.
    """
    codes = POSTCODE_RE.findall(address)
    if not codes:
        return address
    code = int(codes[-1])
    names = {word for state in STATE_RANGES if in_state(code, state) for word in state.split()}
    names = {name for name in names if len(name) >= MIN_STATE_WORD}

    def restore(match: re.Match) -> str:
        token = match.group()
        if token.upper() in names:  # "PINANG" is one letter from "PENANG", and right
            return token
        for name in names:
            if len(token) == len(name) and sum(a != b for a, b in zip(token.upper(), name, strict=True)) == 1:
                return in_case_of(token, name)
        return token

    return WORD_RE.sub(restore, address) if names else address
