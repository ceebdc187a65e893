"""Forms pages. Filling in forms happens on the pages of the apps that use them (cases);
this app serves only the attachment download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from onewindow.core.errors import NotFound
from onewindow.forms import queries
from onewindow.forms.attachments import open_attachment
from onewindow.forms.models import Attachment


@login_required
@require_GET
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Stream an attachment to someone entitled to it; 404 to anyone else, exactly as if
    it did not exist."""
    try:
        attachment = queries.readable_attachment(request.user, attachment_id)
        handle = open_attachment(user=request.user, attachment=attachment, request=request)
    except (Attachment.DoesNotExist, NotFound) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Personal documents: never cached by a shared cache, never run as a page.
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
