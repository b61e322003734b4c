"""One person in the booking race (test_booking_race.py), run in a process of its own: a fresh interpreter that
sets Django up itself and connects to the test database on its own, sharing nothing with the test process."""

import os


def book(database_name: str, times: list, person: int, start, results) -> None:
    """Book each of `times` in turn, all people starting each round together; put (round, outcome) for each."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.db import connections

    from consultations.booking import TimeTaken, new_change_link, open_call_times
    from consultations.services import submit_request

    connections["default"].settings_dict["NAME"] = database_name
    try:
        # Connected, and the clinic's facts and the capacity read once, before the start: then every person
        # reaches the booking itself at the same moment.
        open_call_times()
        for round_number, starts_at in enumerate(times):
            start.wait(timeout=60)
            try:
                submit_request(
                    name="Sam",
                    # A number of its own each round: one number has one call to come (issue 22).
                    phone=f"+1207555{round_number}{person:03d}",
                    call_times=["mornings"],
                    voicemail_ok=True,
                    email="",
                    request_for="myself",
                    message="",
                    submission_token=f"race-{round_number}-{person}-{os.getpid()}",
                    call_at=starts_at,
                    change_link_hash=new_change_link()[1],
                )
                results.put((round_number, "booked"))
            except TimeTaken:
                results.put((round_number, "taken"))
    except Exception as error:  # noqa: BLE001 (any other outcome is the failure the test looks for)
        results.put((-1, f"{type(error).__name__}: {error}"))
    finally:
        connections.close_all()
