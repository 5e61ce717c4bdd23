"""Batch endpoints: upload a batch (multipart, repeated `files`), list and read batches."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from batches.models import Batch
from batches.serializers import BatchSerializer, BatchUploadSerializer
from batches.services import PROCESSING_DELAYED, TooManyPending, create_batch
from receipts.models import Receipt
from receipts_site.throttling import UploadRateThrottle


def own_batches(user):
    return (
        Batch.objects.filter(user=user)
        .with_progress()
        .prefetch_related(Prefetch("receipts", queryset=Receipt.objects.order_by("created_at")))
    )


class BatchListCreate(generics.ListAPIView):
    serializer_class = BatchSerializer
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        return own_batches(self.request.user)

    def get_throttles(self):
        return [UploadRateThrottle()] if self.request.method == "POST" else super().get_throttles()

    @extend_schema(
        request={"multipart/form-data": BatchUploadSerializer},
        responses={
            201: BatchSerializer,
            400: OpenApiResponse(description="No files, or more than the per-batch limit."),
            429: OpenApiResponse(description="Too many uploads, or too many receipts waiting."),
        },
    )
    def post(self, request):
        try:
            batch = create_batch(request.user, request.FILES.getlist("files"), source=Batch.Source.API)
        except TooManyPending as exc:
            return Response(
                {"detail": " ".join(exc.messages)},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": "60"},
            )
        except ValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
        data = BatchSerializer(own_batches(request.user).get(pk=batch.pk)).data
        if not batch.enqueued:
            data["notice"] = PROCESSING_DELAYED
        headers = {"Location": reverse("api-batch-detail", args=[batch.pk])}
        return Response(data, status=status.HTTP_201_CREATED, headers=headers)


class BatchDetail(generics.RetrieveAPIView):
    serializer_class = BatchSerializer

    def get_queryset(self):
        return own_batches(self.request.user)
