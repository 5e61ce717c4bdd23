from django import forms

from batches.webhooks.models import Event


class EndpointForm(forms.Form):
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https")
    description = forms.CharField(max_length=200, required=False)
    events = forms.MultipleChoiceField(
        choices=Event.choices, initial=Event.values, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
