"""Session engine: signed-in sessions (only staff sign in) are short-lived; other sessions keep Django's rules.

A signed-in session expires STAFF_SESSION_IDLE_SECONDS after it was last saved (every staff page saves it: see
StaffAdminSite.admin_view) and its cookie ends when the browser closes. The call-back form's session, which lets
a patient see the thanks page again, is not signed in and keeps SESSION_COOKIE_AGE.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def get_session_cookie_age(self):
        return settings.STAFF_SESSION_IDLE_SECONDS if SESSION_KEY in self else super().get_session_cookie_age()

    def get_expire_at_browser_close(self):
        return SESSION_KEY in self or super().get_expire_at_browser_close()
