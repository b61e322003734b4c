"""The queue's search. The search box posts; the requests it matched (their primary keys, never the term) are kept
in the staff member's session, which ends after 30 idle minutes or at sign-out, and the list's URL carries only
SEARCH_PARAM: the opaque id of a search. Django's admin would put the term itself in ?q=, and from there in
preserved filters, proxy logs and the browser's history; kept in the session row, a name or phone number would sit
in the database for as long as the session."""

import re
import secrets

from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.urls import reverse

from consultations import services
from consultations.models import AuditAction
from portland_site import phones

_REFERENCE = re.compile(r"[0-9A-Z]{8}")
SEARCH_PARAM = "search"
_SEARCH_SESSION_KEY = "consultations_triage_search"
SEARCH_MAX_LENGTH = 100
_SEARCHES_KEPT = 5
# A search that matches more shows the newest this many: a name or number typed to find someone matches a few.
SEARCH_MATCHES_KEPT = 500


class TriageChangeList(ChangeList):
    search_max_length = SEARCH_MAX_LENGTH

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(SEARCH_PARAM, None)
        return lookup_params

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        self.searched = self.model_admin.search_matches(request)
        return queryset if self.searched is None else queryset.filter(pk__in=self.searched)

    @property
    def filters_query(self) -> str:
        """The list's filters and ordering as a query string, without the search and the page."""
        query = QueryDict(mutable=True)
        for name, values in self.filter_params.items():
            query.setlist(name, values)
        return _without_search(query).urlencode()


def _without_search(query: QueryDict) -> QueryDict:
    for name in (SEARCH_VAR, SEARCH_PARAM, PAGE_VAR):
        query.pop(name, None)
    return query


class TriageSearchMixin:
    """For the queue's ModelAdmin: the search box posts to search_view, the list finds the term by its id, and
    every search is audited."""

    def search_matches(self, request: HttpRequest) -> list[int] | None:
        """The requests the search this list's URL names had found (see search_view); None when it names none."""
        return request.session.get(_SEARCH_SESSION_KEY, {}).get(request.GET.get(SEARCH_PARAM, ""))

    def search_view(self, request: HttpRequest) -> HttpResponse:
        """The search box posts here: the requests it matches go into the session and the list is shown with the
        search's id."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.POST.get(SEARCH_VAR, "").strip()[:SEARCH_MAX_LENGTH]
        query = _without_search(QueryDict(request.POST.get("filters", ""), mutable=True))
        if term:
            search_id = secrets.token_urlsafe(6)
            matches, _ = self.get_search_results(request, self.get_queryset(request), term)
            found = list(matches.order_by("-created_at").values_list("pk", flat=True)[:SEARCH_MATCHES_KEPT])
            # The latest few, so that a list open in another tab keeps its search.
            kept = list(request.session.get(_SEARCH_SESSION_KEY, {}).items())[-(_SEARCHES_KEPT - 1) :]
            request.session[_SEARCH_SESSION_KEY] = {**dict(kept), search_id: found}
            query[SEARCH_PARAM] = search_id
        url = reverse("admin:consultations_consultationrequest_changelist")
        return HttpResponseRedirect(f"{url}?{query.urlencode()}" if query else url, status=303)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        matches = queryset.filter(name__icontains=term)
        reference = term.replace("-", "").replace(" ", "").upper()
        if _REFERENCE.fullmatch(reference):
            matches |= queryset.filter(reference=reference)
        if phone := phones.possible_e164(term):
            matches |= queryset.filter(phone=phone)
        return matches, False

    def changelist_view(self, request, extra_context=None):
        if SEARCH_VAR in request.GET:
            # An old link or a hand-typed URL: the list without the term, which must not spread further.
            query = _without_search(request.GET.copy())
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)
        response = super().changelist_view(request, extra_context=extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and changelist.searched is not None:
            # Which requests a name or phone number led to, and how many; never what was typed.
            services.record_audit(
                actor=request.user,
                action=AuditAction.SEARCHED,
                consultation_requests=changelist.result_list,
                detail=f"search: {changelist.result_count} result(s)",
            )
        return response
