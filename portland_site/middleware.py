from django.conf import settings


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
