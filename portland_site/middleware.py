from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousMultipartForm, SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse


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
    """Refuses a body larger than its form takes before reading it, and any file part outside the staff admin.

    Every body is capped at DATA_UPLOAD_MAX_MEMORY_SIZE on its Content-Length (the 400 page), except, for signed-in
    staff, on the forms of UPLOAD_FORMS, which take their own size (beyond it, a 413 page that says so). Django's
    own limit counts only the fields of a multipart body, and the CSRF check reads the whole body, so without this
    a 50 MB file would be read to disk first. Outside the staff admin the first file part stops the parse: nothing
    there takes a file. Goes after AuthenticationMiddleware and before anything reads the body.
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
        if length <= 0:
            return self.get_response(request)
        staff = self._staff_admin(request)
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            upload_limit = self._upload_limit(request) if staff else None
            if upload_limit is None:
                raise RequestDataTooBig("Request body larger than DATA_UPLOAD_MAX_MEMORY_SIZE")
            if length > upload_limit:
                return _upload_too_large(request, upload_limit)
        if not staff:
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

    @staticmethod
    def _upload_limit(request) -> int | None:
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            return None
        return settings.UPLOAD_FORMS.get(name)


def _upload_too_large(request, limit: int) -> HttpResponse:
    context = {"limit_mb": limit // 1024 // 1024}
    return render(request, "admin/upload_too_large.html", context, status=413)
