"""Merchant names as printed -> one canonical name per merchant. Pure functions.

"WAL-MART #1234", "Wal Mart" and "WALMART SUPERCENTER" are one merchant: store numbers, legal
suffixes and punctuation are dropped, and a short table of well-known chains names the rest.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Chain:
    name: str
    category: str
    keys: tuple


# Well-known chains: the display name, their usual spending category, and the keys they are
# printed as (upper case, letters and digits only). A key matches the first words of a name.
CHAINS = [
    Chain("Walmart", "groceries", ("WALMART",)),
    Chain("Costco", "groceries", ("COSTCO", "COSTCOWHOLESALE")),
    Chain("Kroger", "groceries", ("KROGER",)),
    Chain("Safeway", "groceries", ("SAFEWAY",)),
    Chain("Whole Foods Market", "groceries", ("WHOLEFOODS",)),
    Chain("Trader Joe's", "groceries", ("TRADERJOES",)),
    Chain("Aldi", "groceries", ("ALDI",)),
    Chain("Lidl", "groceries", ("LIDL",)),
    Chain("Tesco", "groceries", ("TESCO",)),
    Chain("Sainsbury's", "groceries", ("SAINSBURYS", "JSAINSBURY")),
    Chain("AEON", "groceries", ("AEON",)),
    Chain("Giant", "groceries", ("GIANT", "GIANTHYPERMARKET")),
    Chain("7-Eleven", "groceries", ("7ELEVEN", "SEVENELEVEN")),
    Chain("McDonald's", "restaurants", ("MCDONALDS", "MCDONALD")),
    Chain("Starbucks", "restaurants", ("STARBUCKS",)),
    Chain("KFC", "restaurants", ("KFC", "KENTUCKYFRIEDCHICKEN")),
    Chain("Subway", "restaurants", ("SUBWAY",)),
    Chain("Burger King", "restaurants", ("BURGERKING",)),
    Chain("Pizza Hut", "restaurants", ("PIZZAHUT",)),
    Chain("Domino's", "restaurants", ("DOMINOS",)),
    Chain("Dunkin'", "restaurants", ("DUNKIN", "DUNKINDONUTS")),
    Chain("Tim Hortons", "restaurants", ("TIMHORTONS",)),
    Chain("Pret A Manger", "restaurants", ("PRETAMANGER",)),
    Chain("Shell", "fuel", ("SHELL",)),
    Chain("BP", "fuel", ("BP",)),
    Chain("Esso", "fuel", ("ESSO",)),
    Chain("ExxonMobil", "fuel", ("EXXON", "EXXONMOBIL", "MOBIL")),
    Chain("Chevron", "fuel", ("CHEVRON",)),
    Chain("Petronas", "fuel", ("PETRONAS",)),
    Chain("Caltex", "fuel", ("CALTEX",)),
    Chain("Uber", "transport", ("UBER", "UBERTRIP")),
    Chain("Lyft", "transport", ("LYFT",)),
    Chain("Grab", "transport", ("GRAB",)),
    Chain("CVS Pharmacy", "pharmacy", ("CVS", "CVSPHARMACY")),
    Chain("Walgreens", "pharmacy", ("WALGREENS",)),
    Chain("Boots", "pharmacy", ("BOOTS",)),
    Chain("Watsons", "pharmacy", ("WATSONS",)),
    Chain("Guardian", "pharmacy", ("GUARDIAN",)),
    Chain("The Home Depot", "hardware", ("HOMEDEPOT", "THEHOMEDEPOT")),
    Chain("Lowe's", "hardware", ("LOWES",)),
    Chain("Ace Hardware", "hardware", ("ACEHARDWARE",)),
    Chain("B&Q", "hardware", ("BQ",)),
    Chain("MR DIY", "hardware", ("MRDIY",)),
    Chain("Staples", "stationery", ("STAPLES",)),
    Chain("Office Depot", "stationery", ("OFFICEDEPOT",)),
    Chain("Barnes & Noble", "stationery", ("BARNESNOBLE", "BARNESANDNOBLE")),
    Chain("WHSmith", "stationery", ("WHSMITH",)),
    Chain("Best Buy", "electronics", ("BESTBUY",)),
    Chain("Apple Store", "electronics", ("APPLESTORE",)),
    Chain("Currys", "electronics", ("CURRYS", "CURRYSPCWORLD")),
    Chain("MediaMarkt", "electronics", ("MEDIAMARKT",)),
    Chain("Marriott", "lodging", ("MARRIOTT",)),
    Chain("Hilton", "lodging", ("HILTON",)),
    Chain("Hyatt", "lodging", ("HYATT",)),
    Chain("Holiday Inn", "lodging", ("HOLIDAYINN",)),
    Chain("ibis", "lodging", ("IBIS",)),
]
CHAIN_BY_KEY = {key: chain for chain in CHAINS for key in chain.keys}
LONGEST_KEY_WORDS = 4

LEGAL_SUFFIXES = {
    "SDN", "BHD", "BERHAD", "LTD", "LIMITED", "INC", "INCORPORATED", "LLC", "LLP", "PLC", "CORP",
    "CORPORATION", "CO", "COMPANY", "GMBH", "AG", "PTE", "PTY", "SA", "SRL", "BV", "NV", "AB", "KK",
}
# "#1234", "NO. 12", "STORE 0456", "ST#88", "(1234)": which branch printed it, not who it is.
STORE_NUMBER = re.compile(r"(?:#|\bNO\b\.?|\bSTORE\b|\bST\b\.?\s*#|\bBRANCH\b|\bUNIT\b)\s*\d+\b|\(\s*\d+\s*\)", re.I)
WORD = re.compile(r"[A-Z0-9]+(?:['’][A-Z]+)?")


def name_words(name):
    """The words of a merchant name without store numbers, legal suffixes or punctuation."""
    text = STORE_NUMBER.sub(" ", (name or "").upper())
    text = re.sub(r"(?<=[A-Z0-9])[-.&](?=[A-Z0-9])", "", text)  # WAL-MART, 7-ELEVEN, B&Q, S.A.
    words = [word.replace("'", "").replace("’", "") for word in WORD.findall(text)]
    while words and (words[-1] in LEGAL_SUFFIXES or words[-1].isdigit()):
        words.pop()
    return words


def find_chain(name):
    """The well-known chain this name is printed by, or None."""
    words = name_words(name)
    for count in range(min(len(words), LONGEST_KEY_WORDS), 0, -1):
        if chain := CHAIN_BY_KEY.get("".join(words[:count])):
            return chain
    return None


def normalise_merchant(name):
    """Fold the ways one merchant is printed ("WAL-MART #1234", "Wal Mart") into one key."""
    if chain := find_chain(name):
        return chain.keys[0]
    return "".join(name_words(name))


def canonical_merchant(name):
    """The name to show: the chain's own name, or the printed name tidied up."""
    if chain := find_chain(name):
        return chain.name
    text = STORE_NUMBER.sub(" ", name or "")
    words = text.split()
    while words and is_suffix(words):
        words.pop()
    text = " ".join(words).strip(" ,.-*:")
    if text.isupper():  # SHOUTED by the printer; mixed case was chosen by the merchant
        text = FIRST_LETTER.sub(lambda match: match.group(1) + match.group(2).upper(), text.lower())
    return text[:255]


# The first letter of each word, also after a bracket or a hyphen: "Book Ta-K (Taman Daya)".
FIRST_LETTER = re.compile(r"(^|[^\w'’])(\w)")


def is_suffix(words):
    """The last word is a legal suffix or a number, but not the "Co" of "Smith, Jones & Co"."""
    last = re.sub(r"[^A-Z0-9]", "", words[-1].upper())
    if last == "CO" and len(words) > 1 and words[-2].upper() in {"&", "AND"}:
        return False
    return last in LEGAL_SUFFIXES or words[-1].isdigit()
