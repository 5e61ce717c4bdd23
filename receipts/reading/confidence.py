"""Per-field confidence that predicts how often the field is right.

The rules' own scores rank candidates within one receipt but say little across receipts.
What does predict correctness is the evidence behind the value, so each key field is put
in one evidence class and given the share of such fields found right on the benchmark
sets (python -m bench; figures and the command in docs/reading.md):

- agreed:   two engines read the same value, and it passes its check (cascade.passes);
- checked:  it passes its check and the rule found confirmation on the receipt itself
            (a total equal to subtotal + tax or to cash - change; a name beside its legal
            suffix; a date beside its label or the time of sale);
- passed:   it passes its check without such confirmation;
- doubted:  it was read but fails its check.
"""

from receipts.reading.cascade import passes
from receipts.reading.fields import Fields

CALIBRATED = ("merchant", "date", "total")
# A rule score at or above this means the receipt itself confirmed the value
# (see fields.totals, fields.header and fields.dates for how each score is built).
CONFIRMED_SCORE = {"merchant": 0.8, "date": 0.9, "total": 0.9}
# Share of values right per field and evidence class with the default cascade: the lower
# of its shares on sroie-dev and on the synthetic set, rounded down (docs/reading.md has
# the counts). A company read without a second engine's agreement is put below 0.9 (0.93
# on sroie-dev): at 0.9 and above a field must be right at least 95 times in 100 on each set.
ACCURACY = {
    "merchant": {"agreed": 0.99, "checked": 0.89, "passed": 0.83, "doubted": 0.5},
    "date": {"agreed": 0.99, "checked": 0.99, "passed": 0.97, "doubted": 0.85},
    "total": {"agreed": 0.99, "checked": 0.99, "passed": 0.9, "doubted": 0.75},
}
# A key field less sure than this sends the receipt to a person: one in five or more wrong.
REVIEW_BELOW = 0.8


def evidence(fields: Fields, name: str) -> str:
    """The evidence class of one field (see the module's docstring), or "" when missing."""
    if getattr(fields, name) in (None, ""):
        return ""
    if not passes(fields, name):
        return "doubted"
    if "+" in fields.provenance.get(name, ""):
        return "agreed"
    return "checked" if fields.confidence.get(name, 0.0) >= CONFIRMED_SCORE[name] else "passed"


def calibrate(fields: Fields) -> None:
    """Replace the rules' scores of the key fields by the accuracy of their evidence class."""
    fields.evidence = {name: evidence(fields, name) for name in CALIBRATED}
    for name, kind in fields.evidence.items():
        fields.confidence[name] = ACCURACY[name][kind] if kind else 0.0
    fields.review_below = REVIEW_BELOW
