"""An uploaded file's bytes, refused past the one upload limit (``Settings.upload_max_bytes``)."""

from __future__ import annotations

from litestar import Request

from xinfang.platform.errors import BadRequest
from xinfang.platform.spreadsheets.limits import MiB
from xinfang.platform.web.inputs import Upload


def upload_bytes(request: Request, upload: Upload) -> tuple[str, bytes]:
    """The file's name and content; reading stops one byte past the limit."""
    limit = request.app.state.settings.upload_max_bytes
    content = upload.data.file.read(limit + 1)
    if len(content) > limit:
        raise BadRequest(f"文件超过{limit // MiB}MB,请拆分后分批上传")
    return upload.data.filename or "", content
