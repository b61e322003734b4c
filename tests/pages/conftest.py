import pytest
from bs4 import BeautifulSoup

from pages.medications import MEDICATIONS
from pages.registry import PAGES

# Every editorial URL: the registry's pages and one page per medication.
EDITORIAL_PAGES = [*PAGES, *(medication.page for medication in MEDICATIONS)]


@pytest.fixture
def soup_of(client):
    """GET a path and return (response, parsed HTML)."""

    def get(path):
        response = client.get(path)
        return response, BeautifulSoup(response.content, "html.parser")

    return get
