"""The webhooks pages: your endpoints, one endpoint's deliveries with their attempts, resend."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from batches.webhooks.api import own_deliveries
from batches.webhooks.forms import EndpointForm
from batches.webhooks.models import Endpoint
from batches.webhooks.services import register_endpoint, resend

DELIVERIES_SHOWN = 50


@login_required
def endpoint_list(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            endpoint = register_endpoint(request.user, data["url"], data["events"], data["description"])
        except ValidationError as exc:
            form.add_error("url", exc)
        else:
            messages.success(request, "Webhook added. Check its signatures with the secret shown below.")
            return redirect(endpoint)
    context = {"form": form, "endpoints": Endpoint.objects.filter(user=request.user)}
    return render(request, "webhooks/list.html", context, status=400 if form.errors else 200)


@login_required
def endpoint_detail(request, endpoint_id):
    endpoint = get_object_or_404(Endpoint, pk=endpoint_id, user=request.user)
    deliveries = own_deliveries(request.user).filter(endpoint=endpoint)[:DELIVERIES_SHOWN]
    return render(request, "webhooks/detail.html", {"endpoint": endpoint, "deliveries": deliveries})


@login_required
@require_POST
def endpoint_delete(request, endpoint_id):
    endpoint = get_object_or_404(Endpoint, pk=endpoint_id, user=request.user)
    endpoint.delete()
    messages.success(request, f"Webhook {endpoint.url} removed.")
    return redirect("webhooks:list")


@login_required
@require_POST
def delivery_resend(request, delivery_id):
    delivery = get_object_or_404(own_deliveries(request.user), pk=delivery_id)
    if resend(delivery):
        messages.success(request, "Sending it again.")
    else:
        messages.warning(request, "This delivery is still being sent.")
    return redirect(delivery.endpoint)
