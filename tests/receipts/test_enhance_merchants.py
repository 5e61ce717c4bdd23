"""Merchant names as printed fold into one canonical merchant."""

import pytest

from receipts.enhance import canonical_merchant, normalise_merchant


@pytest.mark.parametrize("printed", ["WAL-MART #1234", "WALMART SUPERCENTER", "Wal Mart Store 0456", "walmart"])
def test_ways_of_printing_walmart_are_one_merchant(printed):
    assert canonical_merchant(printed) == "Walmart"
    assert normalise_merchant(printed) == "WALMART"


def test_store_numbers_are_dropped():
    assert canonical_merchant("CORNER GROCERY #0042") == "Corner Grocery"
    assert normalise_merchant("CORNER GROCERY NO. 7") == normalise_merchant("Corner Grocery (12)")


def test_legal_suffixes_are_dropped():
    assert canonical_merchant("KEDAI RUNCIT AH HOCK SDN BHD") == "Kedai Runcit Ah Hock"
    assert normalise_merchant("Acme Tools, Inc.") == normalise_merchant("ACME TOOLS LLC") == "ACMETOOLS"


def test_punctuation_does_not_split_a_merchant():
    assert normalise_merchant("JOE'S DINER") == normalise_merchant("Joes Diner") == "JOESDINER"


def test_shouted_names_are_title_cased_and_mixed_case_is_kept():
    assert canonical_merchant("JOE'S DINER LLC") == "Joe's Diner"
    assert canonical_merchant("eBay Store") == "eBay Store"


@pytest.mark.parametrize(
    ("printed", "name"),
    [("7-ELEVEN", "7-Eleven"), ("McDonald's #3344", "McDonald's"), ("THE HOME DEPOT #0612", "The Home Depot"),
     ("Starbucks Coffee Co.", "Starbucks"), ("CVS/pharmacy", "CVS Pharmacy"), ("B&Q", "B&Q")],
)
def test_well_known_chains_get_their_own_name(printed, name):
    assert canonical_merchant(printed) == name


def test_a_word_that_starts_like_a_chain_is_not_that_chain():
    assert canonical_merchant("SHELLFISH SHACK") == "Shellfish Shack"


def test_no_merchant_stays_empty():
    assert (canonical_merchant(""), normalise_merchant("")) == ("", "")


def test_a_word_after_a_bracket_is_capitalised_too():
    assert canonical_merchant("BOOK TA -K (TAMAN DAYA) SDN BHD") == "Book Ta -K (Taman Daya)"


def test_the_co_of_a_partnership_is_part_of_the_name():
    assert canonical_merchant("SMITH, JONES & CO") == "Smith, Jones & Co"
    assert canonical_merchant("SMITH, JONES & CO LTD") == "Smith, Jones & Co"
    assert canonical_merchant("ACME TRADING CO") == "Acme Trading"
