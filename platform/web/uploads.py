"""An uploaded file's bytes, refused past the one upload limit (``Settings.upload_max_bytes``,
XINFANG_UPLOAD_MAX_MB): every route that takes a file reads it here."""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import UploadFile

from xinfang.platform.errors import BadRequest
from xinfang.platform.spreadsheets.limits import MiB
from xinfang.platform.web.inputs import Upload


def read_limited(request: Request, file: UploadFile, too_large: str = "文件超过{mb}MB,请拆分后分批上传") -> bytes:
    """The file's content; reading stops one byte past the limit, which is a 400 (``too_large``)."""
    limit = request.app.state.settings.upload_max_bytes
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise BadRequest(too_large.format(mb=limit // MiB))
    return content


def upload_bytes(request: Request, upload: Upload) -> tuple[str, bytes]:
    """The name and content of the form's one file."""
    return upload.data.filename or "", read_limited(request, upload.data)
