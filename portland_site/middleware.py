from django.conf import settings
from django.template.response import TemplateResponse


class SecurityHeadersMiddleware:
    """Headers Django has no setting for, bodiless HEAD answers, and a page for a bare 405."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not getattr(response, "content", b"x"):
            allowed = response["Allow"]
            response = TemplateResponse(request, "405.html", status=405).render()
            response["Allow"] = allowed
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.method == "HEAD" and not response.streaming:
            # HEAD carries the GET's headers but no body (RFC 9110); gunicorn would otherwise warn each time.
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response
