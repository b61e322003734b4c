from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousMultipartForm, SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import reverse


class SecurityHeadersMiddleware:
    """Headers Django has no setting for, and bodiless HEAD answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.method == "HEAD" and not response.streaming:
            # HEAD carries the GET's headers but no body (RFC 9110); gunicorn would otherwise warn each time.
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response


class RefuseNulMiddleware:
    """Answers a NUL byte anywhere in the path, the query or a form field with the 400 page.

    PostgreSQL refuses NUL in text, so one reaching a lookup or a write would be a 500; no person types one.
    Goes after RequestBodyLimitMiddleware, which bounds the body this reads.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = [*request.GET.lists(), *(request.POST.lists() if request.method == "POST" else [])]
        if "\x00" in request.path or any(
            "\x00" in name or any("\x00" in value for value in values) for name, values in fields
        ):
            raise SuspiciousOperation("NUL byte in a request")
        return self.get_response(request)


class _RefuseFiles(FileUploadHandler):
    """Stops reading at the first file part: nothing outside the staff admin takes a file."""

    def new_file(self, *args, **kwargs):
        raise SuspiciousMultipartForm("A file was sent where none is expected")

    def receive_data_chunk(self, raw_data, start):  # never reached: new_file refuses first
        return raw_data

    def file_complete(self, file_size):
        return None


class RequestBodyLimitMiddleware:
    """Refuses, with the 400 page, a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE before reading it, and any
    file part, except on admin pages for signed-in staff (where the clinic's photos are uploaded).

    Django's own limit counts only the fields of a multipart body, so a 50 MB file would otherwise be read to disk
    by the public form or the sign-in page. Goes after AuthenticationMiddleware and before anything reads the body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # Django reads no more of the body than CONTENT_LENGTH says, so without one there is nothing to refuse,
        # and most requests (the pages) skip the staff check, whose URL lookup is a good part of their cost.
        if length > 0 and not self._staff_admin(request):
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                raise RequestDataTooBig("Request body larger than DATA_UPLOAD_MAX_MEMORY_SIZE")
            request.upload_handlers = [_RefuseFiles(request)]
        return self.get_response(request)

    @staticmethod
    def _staff_admin(request) -> bool:
        admin_root = reverse("admin:index")
        return (
            request.path.startswith(admin_root)
            and request.path != reverse("admin:login")
            and request.user.is_authenticated
            and request.user.is_staff
        )
