from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousMultipartForm
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


# Attributes django-csp's decorators set on a response to give it a policy of its own.
_OWN_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's middleware, with the site-wide policy built once instead of for every response.

    Building it (and copying its parts) was about a fifth of the CPU of a page served from cache. The string is
    the one django-csp builds from the same settings, built again whenever those settings are replaced (as tests
    do). A response with a policy of its own, a request that used a nonce, and DEBUG go through django-csp.
    """

    _built: tuple = (None, None, "", "")

    def _policies(self) -> tuple[str, str]:
        config = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        built = self._built
        if built[0] is not config or built[1] is not report_only:
            built = self._built = (config, report_only, build_policy(), build_policy(report_only=True))
        return built[2], built[3]

    def process_response(self, request, response):
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _OWN_POLICY)
        ):
            return super().process_response(request, response)
        policy, policy_report_only = self._policies()
        for header, value, exempt, setting in (
            (HEADER, policy, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, policy_report_only, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            excluded = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
            wanted = value and header not in response and not getattr(response, exempt, False)
            if wanted and not request.path_info.startswith(excluded):
                response[header] = value
        # As django-csp does: a nonce asked for after the header was written would not be in it.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
