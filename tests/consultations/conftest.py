import pytest
from bs4 import BeautifulSoup
from django.test import Client

from tests.conftest import sign_in_staff
from tests.factories import staff_member

FORM_URL = "/request-a-call-back/"
THANKS_URL = "/request-a-call-back/thanks/"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


ADMIN = "/admin/consultations/consultationrequest/"


@pytest.fixture
def intake(db):
    return staff_member("intake", "Intake staff")


@pytest.fixture
def manager(db):
    return staff_member("manager", "Clinic manager")


def signed_in(user) -> Client:
    return sign_in_staff(Client(), user)


@pytest.fixture
def intake_client(intake):
    return signed_in(intake)


@pytest.fixture
def manager_client(manager):
    return signed_in(manager)


def search_queue(client, term: str, **filters):
    """Search the queue as the search box does (by POST; the term is never in a URL) and follow to the list."""
    filters_query = "&".join(f"{name}={value}" for name, value in filters.items())
    return client.post(f"{ADMIN}search/", {"q": term, "filters": filters_query}, follow=True)


def form_data(response, form_id: str = "consultationrequest_form") -> dict:
    """What a browser would send back from an admin change form as it stands."""
    form = soup(response).find("form", id=form_id)
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button"):
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True)
            data[name] = chosen["value"] if chosen else ""
        elif field.name == "textarea":
            data[name] = field.get_text()
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    return data
