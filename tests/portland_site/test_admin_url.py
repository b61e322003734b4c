"""The admin lives at ADMIN_URL (default admin/)."""

import pytest
from django.urls import reverse

from tests.portland_site.test_settings import run_django

WHERE_IS_THE_ADMIN = [
    "-c",
    "import django; django.setup(); from django.urls import resolve, reverse, Resolver404\n"
    "print(reverse('admin:index'), reverse('admin:login'))\n"
    "try:\n    resolve('/admin/')\nexcept Resolver404:\n    print('no /admin/')",
]


def test_default_path():
    assert reverse("admin:index") == "/admin/"


@pytest.mark.slow  # starts Django in a process of its own
def test_path_from_admin_url():
    result = run_django(WHERE_IS_THE_ADMIN, ADMIN_URL="/back-office/staff/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["/back-office/staff/ /back-office/staff/login/", "no /admin/"]
