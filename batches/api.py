"""Batch endpoints: upload a batch (multipart, repeated `files`), add files, list, read, export."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, renderers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from batches import export
from batches.models import Batch
from batches.request_limits import files_sent
from batches.rollout import BatchUploadNotEnabled
from batches.serializers import BatchFilesSerializer, BatchSerializer, BatchUploadSerializer, ExportRowSerializer
from batches.services import PROCESSING_DELAYED, add_files_to_batch, create_batch
from receipts.limits import TooManyPending
from receipts.models import Receipt
from receipts.serializers import ReceiptSerializer
from receipts_site.throttling import FileUploadRateThrottle, UploadRateThrottle


class CSVRenderer(renderers.BaseRenderer):
    """Renders export rows (and only those) as CSV; chosen by `?format=csv` or `Accept: text/csv`."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict):  # an error such as 404 has no rows: say it in one line
            return str(data.get("detail", data))
        return export.rows_to_csv(data)


def refusal(exc):
    """A refused upload as a response: 403 outside the batch upload rollout, 429 when the user
    has too much waiting, else 400."""
    if isinstance(exc, BatchUploadNotEnabled):
        return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, TooManyPending):
        return Response(
            {"detail": " ".join(exc.messages)},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": "60"},
        )
    return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)


def own_batches(user):
    return (
        Batch.objects.filter(user=user)
        .with_progress()
        .prefetch_related(Prefetch("receipts", queryset=Receipt.objects.order_by(*Receipt.BATCH_ORDER)))
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
            403: OpenApiResponse(description="Several files from a user outside the batch upload rollout."),
            413: OpenApiResponse(description="The request is larger than RECEIPT_MAX_REQUEST_BYTES."),
            429: OpenApiResponse(description="Too many uploads, or too many receipts waiting."),
        },
    )
    def post(self, request):
        try:
            # The UploadZone posts here with the session; scripts come with a token.
            source = Batch.Source.API if request.auth else Batch.Source.WEB
            files = request.FILES.getlist("files")
            batch = create_batch(request.user, files, source=source, sent=files_sent(request))
        except ValidationError as exc:
            return refusal(exc)
        data = BatchSerializer(own_batches(request.user).get(pk=batch.pk)).data
        if not batch.enqueued:
            data["notice"] = PROCESSING_DELAYED
        headers = {"Location": reverse("api-batch-detail", args=[batch.pk])}
        return Response(data, status=status.HTTP_201_CREATED, headers=headers)


class BatchDetail(generics.RetrieveAPIView):
    serializer_class = BatchSerializer

    def get_queryset(self):
        return own_batches(self.request.user)


class BatchFiles(APIView):
    """Add files to one of your batches, so a page can send a batch one file at a time."""

    parser_classes = [MultiPartParser]
    throttle_classes = [FileUploadRateThrottle]

    @extend_schema(
        request={"multipart/form-data": BatchFilesSerializer},
        responses={
            201: ReceiptSerializer(many=True),
            400: OpenApiResponse(description="No files, more than a batch may hold, or a bad position."),
            403: OpenApiResponse(description="A second file from a user outside the batch upload rollout."),
            404: OpenApiResponse(description="No such batch of yours."),
            413: OpenApiResponse(description="The request is larger than RECEIPT_MAX_REQUEST_BYTES."),
            429: OpenApiResponse(description="Too many files added, or too many receipts waiting."),
        },
    )
    def post(self, request, pk):
        batch = generics.get_object_or_404(Batch.objects.filter(user=request.user), pk=pk)
        position = request.data.get("position", "")
        limit = settings.RECEIPT_MAX_FILES_PER_BATCH
        if position and not (re.fullmatch(r"\d{1,6}", position) and int(position) < limit):
            detail = f"position must be a whole number from 0 to {limit - 1}."
            return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)
        try:
            files = request.FILES.getlist("files")
            receipts = add_files_to_batch(
                batch, files, int(position) if position else None, sent=files_sent(request)
            )
        except ValidationError as exc:
            return refusal(exc)
        return Response(ReceiptSerializer(receipts, many=True).data, status=status.HTTP_201_CREATED)


class BatchExport(APIView):
    """A batch's receipts, one row each, as JSON or CSV.

    `?format=` is DRF's renderer switch (URL_FORMAT_OVERRIDE), so each format is a renderer
    here rather than a parameter the view reads; `Accept: text/csv` chooses CSV as well.
    """

    renderer_classes = [renderers.JSONRenderer, CSVRenderer]

    @extend_schema(
        operation_id="batches_export",
        description="A batch's receipts, one row each, as JSON (the default) or CSV.",
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=["json", "csv"],
                description="`csv` for a spreadsheet, `json` (the default) for a list of rows.",
            )
        ],
        responses={
            (200, "application/json"): ExportRowSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
            404: OpenApiResponse(description="No such batch of yours, or an unknown format."),
        },
    )
    def get(self, request, pk):
        batch = generics.get_object_or_404(Batch.objects.filter(user=request.user), pk=pk)
        response = Response(export.receipt_rows(batch))
        extension = request.accepted_renderer.format
        response["Content-Disposition"] = f'attachment; filename="{export.export_filename(batch, extension)}"'
        return response
