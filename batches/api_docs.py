"""The batch endpoints' answers as the schema describes them (the codes every operation shares,
such as 401 and 429, are added by receipts_site.api_schema)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse

from batches.serializers import BatchSerializer, ExportRowSerializer
from receipts.serializers import ReceiptSerializer

NOT_YOURS = OpenApiResponse(description="No such batch of yours (code `not_found`).")

BATCH_CREATE_RESPONSES = {
    201: OpenApiResponse(BatchSerializer, description="The batch; `Location` is its address."),
    400: OpenApiResponse(description="No files (`no_files`) or more than a batch may hold (`too_many_files`)."),
    403: OpenApiResponse(
        description="Several files from a user outside the batch upload rollout (`batch_upload_not_enabled`)."
    ),
    409: OpenApiResponse(
        description="`client_reference` is already one of your batches (`client_reference_taken`); "
        "`Location` is that batch. Or the Idempotency-Key's first request is still being answered."
    ),
}
BATCH_DETAIL_RESPONSES = {
    200: OpenApiResponse(BatchSerializer, description="The batch; its `ETag` changes when anything in it does."),
    304: OpenApiResponse(description="Nothing changed since the `ETag` sent in `If-None-Match`."),
    404: NOT_YOURS,
}
BATCH_FILES_RESPONSES = {
    201: ReceiptSerializer(many=True),
    400: OpenApiResponse(
        description="No files, more than a batch may hold, or a bad `position` (`invalid_position`)."
    ),
    403: OpenApiResponse(
        description="A second file from a user outside the batch upload rollout (`batch_upload_not_enabled`)."
    ),
    404: NOT_YOURS,
    409: OpenApiResponse(
        description="A receipt of the batch already has that `position` (`position_taken`), or the "
        "Idempotency-Key was used for another request."
    ),
}
EXPORT_RESPONSES = {
    (200, "application/json"): OpenApiResponse(ExportRowSerializer(many=True), description="The rows."),
    (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The rows as CSV, with a header row."),
    400: OpenApiResponse(description="A blank `format` (`invalid_format`)."),
    404: OpenApiResponse(description="No such batch of yours, or an unknown format."),
}
