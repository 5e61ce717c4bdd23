"""The default enhancer, run in-process: what the user taught us, their history, then rules."""

from collections import Counter

from receipts.enhance.caching import learned_merchant
from receipts.enhance.categories import OTHER, guess_category
from receipts.enhance.enhancement import Enhancement
from receipts.enhance.merchants import canonical_merchant, find_chain
from receipts.models import Receipt

HISTORY_RECEIPTS = 50


def item_lines(fields, ocr_text):
    """The lines that say what was bought: the extracted items, else the OCR text below the merchant."""
    descriptions = [
        item.get("description", "") if isinstance(item, dict) else getattr(item, "description", "")
        for item in fields.line_items
    ]
    if any(descriptions):
        return [text for text in descriptions if text]
    lines = [line.strip() for line in (ocr_text or "").splitlines() if line.strip()]
    return [line for line in lines if line != fields.merchant.strip()]


def history_category(user_id, merchant):
    """The category this user's recent completed receipts from this merchant mostly got, or ""."""
    if not merchant:
        return ""
    categories = list(
        Receipt.objects.filter(user_id=user_id, status=Receipt.Status.COMPLETED, merchant=merchant)
        .exclude(category__in=["", OTHER])
        .order_by("-finished_at")
        .values_list("category", flat=True)[:HISTORY_RECEIPTS]
    )
    return Counter(categories).most_common(1)[0][0] if categories else ""


class LocalEnhancer:
    name = "local"
    version = 1

    @property
    def cache_name(self):
        return f"{self.name}-v{self.version}"

    def relevant_text(self, fields, ocr_text):
        """A known chain's result depends on its name alone; anyone else's on the items too."""
        if find_chain(fields.merchant):
            return ""
        return "\n".join(item_lines(fields, ocr_text))

    def enhance(self, fields, *, user_id, ocr_text):
        raw = fields.merchant or ""
        taught = learned_merchant(user_id, raw) or {}
        merchant = taught.get("merchant") or canonical_merchant(raw)
        category = (
            taught.get("category")
            or history_category(user_id, merchant)
            or guess_category([merchant, raw], item_lines(fields, ocr_text))
        )
        return Enhancement(
            merchant=merchant, category=category, source=self.name, computed_by=self.name, taught=bool(taught)
        )
