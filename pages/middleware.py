from django.template.response import TemplateResponse


class MethodNotAllowedPageMiddleware:
    """The site's own page for a 405 (a TRACE, or a form posted to a page that is only read), as 404.html and
    500.html are for theirs: Django has no handler for this status, and its views answer with an empty body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not getattr(response, "content", b"x"):
            allowed = response["Allow"]
            response = TemplateResponse(request, "405.html", status=405).render()
            response["Allow"] = allowed
        return response
