"""The batch page's "Send feedback" form: a few words and an optional rating, kept with the batch."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from batches.models import Batch, Feedback

MAX_FEEDBACK_LENGTH = 5000


class FeedbackForm(forms.ModelForm):
    text = forms.CharField(
        label="Your feedback",
        max_length=MAX_FEEDBACK_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "What worked, what did not, what you miss"}),
        error_messages={"required": "Write a few words before sending."},
    )
    rating = forms.TypedChoiceField(
        label="Rating (optional)",
        choices=[("", "No rating")] + Feedback.Rating.choices,
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = Feedback
        fields = ["text", "rating"]


@login_required
@require_POST
def send_feedback(request, batch_id):
    batch = get_object_or_404(Batch, pk=batch_id, user=request.user)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return render(request, "batches/feedback_error.html", {"batch": batch, "form": form}, status=400)
    Feedback.objects.create(user=request.user, batch=batch, **form.cleaned_data)
    messages.success(request, "Thank you: your feedback was sent.")
    return redirect(batch)
