"""What a user taught us, and what their earlier receipts got, shape their next receipts only."""

from django.utils import timezone

from receipts.enhance import enhance, learn_from_correction
from receipts.models import MerchantCorrection, Receipt
from receipts.reading.fields import Fields
from tests.conftest import empty_redis_database


def enhance_for(user, merchant, text=""):
    return enhance(Fields(merchant=merchant), user_id=user.id, ocr_text=text)


def completed_receipt(user, merchant, category):
    return Receipt.objects.create(
        user=user, original_filename="old.png", status=Receipt.Status.COMPLETED, finished_at=timezone.now(),
        merchant=merchant, merchant_raw=merchant.upper(), category=category,
    )


def test_a_correction_renames_the_merchant_and_sets_its_category(user, db):
    learn_from_correction(user.id, "CORNER GROCERY", "Corner Shop", "restaurants")

    result = enhance_for(user, "CORNER GROCERY #2")

    assert (result.merchant, result.category, result.taught) == ("Corner Shop", "restaurants", True)


def test_a_correction_of_one_printing_covers_the_chains_other_printings(user, db):
    learn_from_correction(user.id, "WAL-MART #1234", "Walmart", "electronics")

    assert enhance_for(user, "WALMART SUPERCENTER").category == "electronics"


def test_one_users_correction_does_not_change_another_users_receipts(user, other_user, db):
    learn_from_correction(user.id, "CORNER GROCERY", "Corner Shop", "restaurants")

    result = enhance_for(other_user, "CORNER GROCERY")

    assert (result.merchant, result.category, result.taught) == ("Corner Grocery", "groceries", False)


def test_a_correction_after_a_cached_result_takes_effect(user, db):
    assert enhance_for(user, "CORNER GROCERY").category == "groceries"
    assert enhance_for(user, "CORNER GROCERY").cached

    learn_from_correction(user.id, "CORNER GROCERY", "Corner Grocery", "restaurants")
    result = enhance_for(user, "CORNER GROCERY")

    assert (result.category, result.cached) == ("restaurants", False)


def test_the_category_follows_the_users_earlier_receipts_of_the_merchant(user, db):
    completed_receipt(user, "Acme Trading", "electronics")
    completed_receipt(user, "Acme Trading", "electronics")

    assert enhance_for(user, "ACME TRADING SDN BHD").category == "electronics"


def test_another_users_earlier_receipts_do_not_set_the_category(user, other_user, db):
    completed_receipt(user, "Acme Trading", "electronics")

    assert enhance_for(other_user, "ACME TRADING SDN BHD").category == "other"


def test_corrections_outlive_the_cache(user, db):
    learn_from_correction(user.id, "CORNER GROCERY", "Corner Shop", "restaurants")
    empty_redis_database()  # what a Redis restart without persistence leaves

    result = enhance_for(user, "CORNER GROCERY")

    assert (result.merchant, result.category, result.taught) == ("Corner Shop", "restaurants", True)
    assert MerchantCorrection.objects.get(user=user).merchant == "Corner Shop"


def test_a_correction_made_after_the_cache_was_emptied_still_reaches_older_results(user, db):
    assert enhance_for(user, "CORNER GROCERY", "MILK 2L").merchant != "Corner Shop"  # cached now
    empty_redis_database()
    enhance_for(user, "CORNER GROCERY", "MILK 2L")  # cached again, under the same generation
    learn_from_correction(user.id, "CORNER GROCERY", "Corner Shop", "restaurants")

    assert enhance_for(user, "CORNER GROCERY", "MILK 2L").merchant == "Corner Shop"
