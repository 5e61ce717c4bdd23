"""Spending categories from keyword rules over the merchant name and the item lines. Pure functions."""

import re

from receipts.enhance.merchants import find_chain

CATEGORIES = {
    "groceries": "Groceries",
    "restaurants": "Restaurants and cafes",
    "fuel": "Fuel",
    "transport": "Transport",
    "pharmacy": "Pharmacy",
    "hardware": "Hardware",
    "stationery": "Stationery and books",
    "electronics": "Electronics",
    "lodging": "Lodging",
    "other": "Other",
}
OTHER = "other"

# Words in a merchant's name that say what it sells.
MERCHANT_WORDS = {
    "groceries": "grocery grocer groceries supermarket hypermarket minimarket minimart market mart "
    "foodmart runcit pasar deli butcher greengrocer",
    "restaurants": "restaurant restoran cafe café coffee diner bistro grill pizza pizzeria burger burgers "
    "sushi kitchen bar pub tavern eatery noodle noodles kopitiam bakery tea steakhouse taqueria",
    "fuel": "petrol fuel gas gasoline station petroleum",
    "transport": "taxi cab parking transit railway rail train bus airlines airways airline toll metro "
    "ferry",
    "pharmacy": "pharmacy chemist chemists drug drugstore farmasi apotheke pharma",
    "hardware": "hardware diy lumber timber tools paint paints builders plumbing",
    "stationery": "stationery stationers stationer book books bookstore bookshop office printing",
    "electronics": "electronics electronic computer computers mobile phones camera gadgets",
    "lodging": "hotel motel inn hostel resort lodge suites guesthouse",
}
# Words on item lines that say what was bought.
ITEM_WORDS = {
    "groceries": "milk bread eggs egg banana bananas rice cheese butter yogurt yoghurt chicken beef pork "
    "vegetables veg fruit sugar flour cereal tomato tomatoes onion onions potato potatoes apples "
    "oranges cereal pasta detergent tissue",
    "restaurants": "burger fries latte cappuccino espresso americano mocha pizza meal combo tip gratuity "
    "dine nasi teh kopi mee soda sandwich dessert appetizer entree",
    "fuel": "unleaded diesel petrol gasoline ron95 ron97 pump litre litres liter liters gallons gal fuel",
    "transport": "fare ride trip ticket tickets parking toll journey boarding",
    "pharmacy": "tablets tablet capsules capsule prescription rx paracetamol ibuprofen aspirin vitamin "
    "vitamins bandage bandages plaster syrup ointment antiseptic",
    "hardware": "screws screw nails nail bolts bolt drill hammer paint lumber plywood pipe wrench "
    "sandpaper hinge brush primer sealant",
    "stationery": "pen pens pencil pencils notebook notebooks paper a4 envelope envelopes stapler staples "
    "marker markers folder eraser glue novel book books ink toner",
    "electronics": "cable usb charger hdmi headphones earbuds battery batteries laptop monitor keyboard "
    "mouse ssd adapter router speaker tablet smartphone",
    "lodging": "room night nights lodging accommodation stay checkin checkout",
}


def word_sets(table):
    return {category: set(words.split()) for category, words in table.items()}


MERCHANT_VOCABULARY = word_sets(MERCHANT_WORDS)
ITEM_VOCABULARY = word_sets(ITEM_WORDS)
TOKEN = re.compile(r"[a-z0-9é]+")


def tokens(text):
    return TOKEN.findall(text.lower().replace("-", ""))


def best_match(words, vocabulary):
    """The category whose words appear most often, or "" when none appears (first listed wins a tie)."""
    counts = {category: sum(word in known for word in words) for category, known in vocabulary.items()}
    best = max(counts, key=counts.get)
    return best if counts[best] else ""


def category_from_merchant(merchant):
    """The category a merchant's name gives away (a known chain, or a telling word), or ""."""
    if chain := find_chain(merchant):
        return chain.category
    return best_match(tokens(merchant), MERCHANT_VOCABULARY)


def category_from_items(item_lines):
    """The category most item lines point to, or ""."""
    return best_match([word for line in item_lines for word in tokens(line)], ITEM_VOCABULARY)


def guess_category(merchant_names, item_lines):
    """Merchant names first (the stronger clue), then the items, else "other"."""
    for name in merchant_names:
        if category := category_from_merchant(name):
            return category
    return category_from_items(item_lines) or OTHER
