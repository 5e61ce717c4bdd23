"""Receipt endpoints: list and filter your receipts, read or delete one, retry a failed one."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from receipts.failures import failure_of
from receipts.jobs import retry_receipts
from receipts.limits import TooManyPending
from receipts.models import Receipt
from receipts.serializers import ReceiptSerializer
from receipts.services import delete_receipts
from receipts_site.api_errors import api_error
from receipts_site.filters import StrictFilterSet
from receipts_site.idempotency.replay import idempotent
from receipts_site.throttling import RetryRateThrottle

NOT_YOURS = OpenApiResponse(description="No such receipt of yours (code `not_found`).")


class ReceiptFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=Receipt.Status.choices)
    needs_review = django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")], coerce=lambda value: value == "true"
    )
    merchant = django_filters.CharFilter(lookup_expr="icontains", help_text="Part of the merchant's name.")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", help_text="On or after (YYYY-MM-DD).")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", help_text="On or before (YYYY-MM-DD).")
    batch = django_filters.UUIDFilter(field_name="batch_id")

    class Meta:
        model = Receipt
        fields = ["status", "needs_review", "merchant", "date_from", "date_to", "batch"]


@extend_schema(
    parameters=[OpenApiParameter("needs_review", OpenApiTypes.BOOL, description="`true` or `false`.")]
)
class ReceiptList(generics.ListAPIView):
    """Your receipts, newest first, filtered and paginated."""

    serializer_class = ReceiptSerializer
    filterset_class = ReceiptFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is made without a user
            return Receipt.objects.none()
        return Receipt.objects.filter(user=self.request.user).order_by("-created_at", "position")


class ReceiptDetail(generics.RetrieveDestroyAPIView):
    serializer_class = ReceiptSerializer

    def get_queryset(self):
        return Receipt.objects.filter(user=self.request.user).select_related("batch")

    @extend_schema(responses={204: None, 404: NOT_YOURS})
    def delete(self, request, *args, **kwargs):
        """Delete the receipt and its stored file; its batch goes on without it."""
        delete_receipts([self.get_object()])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReceiptRetry(APIView):
    throttle_classes = [RetryRateThrottle]

    @extend_schema(
        request=None,
        responses={
            202: ReceiptSerializer,
            404: NOT_YOURS,
            409: OpenApiResponse(
                description="Not failed (code `not_failed`), or failed for good: the code is its `error_code`."
            ),
            429: OpenApiResponse(description="Too many retries, or too many receipts waiting."),
        },
    )
    @idempotent
    def post(self, request, pk):
        receipt = generics.get_object_or_404(Receipt.objects.filter(user=request.user), pk=pk)
        try:
            outcome = retry_receipts([receipt], request.user, "API")
        except TooManyPending as exc:
            return api_error(" ".join(exc.messages), exc.code, 429, headers={"Retry-After": "60"})
        if outcome.permanent:
            failure = failure_of(receipt)
            return api_error(f"{receipt.error} {failure.why_not}", failure.code, status.HTTP_409_CONFLICT)
        if not outcome.retried:
            detail = f"Only failed receipts can be retried; this one is {receipt.status}."
            return api_error(detail, "not_failed", status.HTTP_409_CONFLICT)
        return Response(ReceiptSerializer(receipt).data, status=status.HTTP_202_ACCEPTED)
