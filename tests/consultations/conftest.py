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
