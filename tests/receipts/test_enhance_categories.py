"""Spending categories from the merchant name and the item lines."""

import pytest

from receipts.enhance import CATEGORIES, guess_category


def test_categories_are_the_documented_ten():
    assert list(CATEGORIES) == [
        "groceries", "restaurants", "fuel", "transport", "pharmacy", "hardware", "stationery",
        "electronics", "lodging", "other",
    ]


@pytest.mark.parametrize(
    ("merchant", "category"),
    [("Walmart", "groceries"), ("Starbucks", "restaurants"), ("Petronas", "fuel"), ("Uber", "transport"),
     ("Walgreens", "pharmacy"), ("Lowe's", "hardware"), ("Staples", "stationery"), ("Best Buy", "electronics"),
     ("Hilton", "lodging")],
)
def test_a_known_chain_gives_its_category(merchant, category):
    assert guess_category([merchant], []) == category


@pytest.mark.parametrize(
    ("merchant", "category"),
    [("Kedai Runcit Ah Hock", "groceries"), ("Joe's Diner", "restaurants"), ("City Parking", "transport"),
     ("Green Cross Pharmacy", "pharmacy"), ("Acme Hardware", "hardware"), ("Page One Books", "stationery"),
     ("Sunrise Motel", "lodging"), ("Valley Computers", "electronics")],
)
def test_a_telling_word_in_the_name_gives_the_category(merchant, category):
    assert guess_category([merchant], []) == category


@pytest.mark.parametrize(
    ("items", "category"),
    [(["BREAD 3.20", "MILK 2L 4.10"], "groceries"), (["UNLEADED 95 40.00"], "fuel"),
     (["LATTE 4.50", "CROISSANT 3.00"], "restaurants"), (["PARACETAMOL 500MG TABLETS"], "pharmacy"),
     (["WOOD SCREWS 4X40", "HAMMER"], "hardware"), (["A4 PAPER 500", "BLUE PENS x10"], "stationery"),
     (["USB-C CABLE 1M", "CHARGER 20W"], "electronics"), (["ROOM 2 NIGHTS"], "lodging"),
     (["TAXI FARE"], "transport")],
)
def test_items_give_the_category_when_the_name_does_not(items, category):
    assert guess_category(["Jones & Sons"], items) == category


def test_the_name_wins_over_the_items():
    assert guess_category(["Shell"], ["MILK 2L", "BREAD"]) == "fuel"


def test_nothing_telling_is_other():
    assert guess_category(["Jones & Sons"], ["ITEM 1 3.00"]) == "other"
