from datetime import timedelta

from django import forms
from django.utils import timezone

from receipts.enhance.categories import CATEGORIES
from receipts.models import Receipt
from receipts.money import AmountError, is_currency, parse_amount, quantize
from receipts.services import CORRECTABLE_FIELDS

AMOUNT_FIELDS = ("total", "subtotal", "tax")
AMOUNT_HELP = "Numbers, with a decimal point or comma: 80.90 or 80,90."


def amount_field(label, help_text=""):
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"})
    return forms.CharField(label=label, required=False, widget=widget, help_text=help_text)


class ReceiptCorrectionForm(forms.ModelForm):
    """The fields a person may correct on the receipt page; correct_receipt saves them.

    Nothing is saved until every field is right: amounts are read with the receipt's own
    decimal mark, the currency is an ISO 4217 code, the date is not in the future and the
    category is one of the list.
    """

    total = amount_field("Total", AMOUNT_HELP)
    subtotal = amount_field("Subtotal")
    tax = amount_field("Tax")
    category = forms.ChoiceField(choices=[("", "Not set"), *CATEGORIES.items()], required=False)

    class Meta:
        model = Receipt
        fields = CORRECTABLE_FIELDS
        help_texts = {"currency": "Three letters, such as EUR or USD."}
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "currency": forms.TextInput(attrs={"maxlength": 3, "size": 4, "autocapitalize": "characters"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in AMOUNT_FIELDS:
            value = getattr(self.instance, name)
            self.initial[name] = "" if value is None else f"{quantize(value, self.instance.currency):f}"
        if self.instance.category and self.instance.category not in CATEGORIES:
            self.fields["category"].choices += [(self.instance.category, self.instance.category)]
        self.fields["date"].widget.attrs["max"] = latest_date().isoformat()

    def clean_merchant(self):
        merchant = self.cleaned_data["merchant"].strip()
        if not merchant:
            raise forms.ValidationError("Enter the merchant's name as you want to see it.")
        return merchant

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date and date > latest_date():
            raise forms.ValidationError("This date is in the future; enter the date on the receipt.")
        return date

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if currency and not is_currency(currency):
            raise forms.ValidationError(f"{currency} is not a currency code; use one such as EUR, USD or MYR.")
        return currency

    def clean(self):
        cleaned = super().clean()
        currency = cleaned.get("currency", self.instance.currency)
        for name in AMOUNT_FIELDS:
            try:
                cleaned[name] = parse_amount(self.data.get(self.add_prefix(name), ""), currency or "")
            except AmountError as exc:
                self.add_error(name, str(exc))
        return cleaned


def latest_date():
    """Today where the person is at the latest: receipts from a day ahead of UTC are not refused."""
    return timezone.localdate() + timedelta(days=1)
