from django import forms

from receipts.models import Receipt
from receipts.services import CORRECTABLE_FIELDS


class ReceiptCorrectionForm(forms.ModelForm):
    """The fields a person may correct on the receipt page; correct_receipt saves them."""

    class Meta:
        model = Receipt
        fields = CORRECTABLE_FIELDS
        help_texts = {"currency": "Three letters, such as EUR or USD."}
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "total": forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            "subtotal": forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            "tax": forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            "currency": forms.TextInput(attrs={"maxlength": 3, "size": 4, "autocapitalize": "characters"}),
        }

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if currency and (len(currency) != 3 or not currency.isalpha()):
            raise forms.ValidationError("Use the three-letter currency code, such as EUR or USD.")
        return currency

    def clean_merchant(self):
        return self.cleaned_data["merchant"].strip()

    def clean_category(self):
        return self.cleaned_data["category"].strip()
