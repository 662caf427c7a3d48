"""A file uploaded to an admin import page (products, reviews): its CSRF token checked, one
file, read up to a cap, before anything of it is parsed; and what the page shows of a file
it refused."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from server.admin.auth import check_csrf
from server.admin.pages import Merchant
from server.catalog.csv_io import MAX_PROBLEMS_SHOWN, ImportRejected

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# An import route's own body cap, over the admin's: a file a little over MAX_UPLOAD_BYTES still
# gets the page that says so; a much larger one is refused (413) before it is read.
MAX_IMPORT_BODY = 8 * 1024 * 1024


class UploadRefused(Exception):
    """No file, or one too large: ``message`` is the file field's error."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


async def uploaded_file(request: Request, merchant: Merchant) -> bytes:
    """The bytes of the form's ``file``, once the form's CSRF token is checked."""
    async with request.form(max_files=1, max_fields=10) as form:
        check_csrf(request, merchant.session, form.get("csrf_token"))
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise UploadRefused("Choose a CSV file to import.")
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused("The file is larger than 5 MB. Split it and import the parts.")
    return data


def import_outcome(
    errors: dict[str, str] | None, rejected: ImportRejected | None
) -> tuple[dict[str, Any], int]:
    """An import page's errors and a refused file's first problems (row by row), with the
    page's status: 422 when something was refused."""
    problems = rejected.problems if rejected else []
    context = {
        "errors": errors or {},
        "problems": problems[:MAX_PROBLEMS_SHOWN],
        "problems_hidden": max(0, len(problems) - MAX_PROBLEMS_SHOWN),
    }
    return context, 422 if errors else 200
