"""Receipt endpoints: read one receipt, retry a failed one."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from receipts.jobs import retry_receipts
from receipts.limits import TooManyPending
from receipts.models import Receipt
from receipts.serializers import ReceiptSerializer
from receipts_site.throttling import RetryRateThrottle


class ReceiptDetail(generics.RetrieveAPIView):
    serializer_class = ReceiptSerializer

    def get_queryset(self):
        return Receipt.objects.filter(user=self.request.user)


class ReceiptRetry(APIView):
    throttle_classes = [RetryRateThrottle]

    @extend_schema(
        request=None,
        responses={
            202: ReceiptSerializer,
            404: OpenApiResponse(description="No such receipt of yours."),
            409: OpenApiResponse(description="The receipt is not failed, so there is nothing to retry."),
            429: OpenApiResponse(description="Too many retries, or too many receipts waiting."),
        },
    )
    def post(self, request, pk):
        receipt = generics.get_object_or_404(Receipt.objects.filter(user=request.user), pk=pk)
        try:
            retried = retry_receipts([receipt], request.user, "API")
        except TooManyPending as exc:
            return Response(
                {"detail": " ".join(exc.messages)}, status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": "60"},
            )
        if not retried:
            return Response(
                {"detail": f"Only failed receipts can be retried; this one is {receipt.status}."},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(ReceiptSerializer(receipt).data, status=status.HTTP_202_ACCEPTED)
