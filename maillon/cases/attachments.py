"""Files joined to cases: checked by their content (PDF, JPEG or PNG — the first bytes, not the
name the browser sent), at most `settings.CASE_ATTACHMENT_MAX_BYTES`, stored with Django's
storage API under a random name (`models.attachment_path`). The case services call these
inside their transaction; the files are served only through a view that checks access."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from maillon.accounts.models import User
from maillon.cases.models import Case, CaseAttachment, CaseMessage

# (first bytes, content type, extension): what a file must begin with to be accepted
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
NAME_MAX_LENGTH = 120


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a file beginning with `head`, if it is accepted."""
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def _display_name(name: str, extension: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or _("piece-jointe")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[: NAME_MAX_LENGTH - len(extension) - 1]}.{extension}"


def check_upload(upload: Any) -> tuple[str, str]:
    """(content type, extension) of an upload that may be joined; a ValidationError in French
    on `file` otherwise."""
    size = getattr(upload, "size", None)
    limit = settings.CASE_ATTACHMENT_MAX_BYTES
    if size is not None and size > limit:
        raise ValidationError(
            {
                "file": [
                    _("Le fichier dépasse la taille permise (%(max)s Mo).")
                    % {"max": f"{limit / 1024 / 1024:g}"}
                ]
            }
        )
    if not size:
        raise ValidationError({"file": [_("Le fichier est vide.")]})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError(
            {"file": [_("Seuls les fichiers PDF, JPEG et PNG sont acceptés (contenu vérifié).")]}
        )
    return kind


def attachment_store(
    *, case: Case, by: User, upload: Any, message: CaseMessage | None = None
) -> CaseAttachment:
    """Check `upload` and store it as an attachment of `case` (of `message`, if given)."""
    content_type, extension = check_upload(upload)
    attachment = CaseAttachment(
        case=case,
        message=message,
        name=_display_name(getattr(upload, "name", ""), extension),
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(f"upload.{extension}", upload, save=False)
    attachment.save()
    return attachment


def attachment_copy(attachment: CaseAttachment, case: Case) -> CaseAttachment:
    """A copy of `attachment` (a new file) joined to `case`: a re-routed case keeps its files
    even when retention erases the old one's."""
    with attachment.file.open("rb") as source:
        content = source.read()
    extension = attachment.file.name.rsplit(".", 1)[-1]
    copy = CaseAttachment(
        case=case,
        name=attachment.name,
        content_type=attachment.content_type,
        size=attachment.size,
        uploaded_by=attachment.uploaded_by,
    )
    copy.file.save(f"copy.{extension}", ContentFile(content), save=False)
    copy.save()
    return copy
