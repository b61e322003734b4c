"""Fault-injection run, not a test: the site as production runs it, through one outage after another.

    .venv/bin/python bench/outages.py [--phase-seconds 10] [--freeze-seconds 40] [--people-per-second 1]

Everything on loopback: a fresh PostgreSQL database (dropped at the end) reached through a TCP proxy that can
refuse or freeze (tests/faults.py), a private redis-server that is stopped and started again, an SMTP server
(aiosmtpd) that can refuse connections, answer 451 or answer slowly, gunicorn (2 workers) and two `run_worker`
processes, all with DJANGO_DEBUG off. Simulated people open the form, take 3.5 s to fill it in, send it, and
send it again 2 s after any answer that is not the thanks page (up to 40 times), as the 503 page asks.

Meanwhile a reader fetches an article every 0.25 s, a probe asks /healthz every second and a browser sends a
visit-count beacon every 0.2 s.

Phases, each --phase-seconds long but the two freezes (--freeze-seconds): normal, database refused, normal,
database frozen, normal, Redis frozen (SIGSTOP), normal, Redis stopped (and started again empty: a restart),
SMTP refusing, SMTP answering 451, SMTP slow (every reply 2 s late), normal. Then it waits (at most 5 minutes)
for every stored request's staff email and prints: people, POSTs by answer, rows stored, emails delivered,
requests lost (stored without an email, or never stored), emails duplicated, whether every process is still the
one it started with (nothing restarted by hand or otherwise), articles and /healthz by phase, the log's size,
and the visit counts sent and stored.
"""

import argparse
import contextlib
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg
from smtp_sink import SMTPSink, reference_in  # bench/smtp_sink.py and bench/stack.py, beside this script
from stack import FORM_PATH, ROOT, free_port, fresh_database

sys.path.insert(0, str(ROOT))

from tests.faults import DatabaseProxy, Gunicorn, PrivateRedis, fetch  # noqa: E402

# The server's address without a database name, as before bench/stack.py's BENCH_POSTGRES_URL names one.
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_FORM_TOKEN_INPUT = re.compile(r'name="form_token" value="([^"]+)"')


class MailServer(SMTPSink):
    """Accepts mail, or answers 451 to every recipient, or answers every command 2 s late (`mode`)."""

    MODES = {"accept": ("250 OK", 0.0), "451": ("451 4.3.0 Try again later", 0.0), "slow": ("250 OK", 2.0)}

    def __init__(self) -> None:
        super().__init__(free_port())

    def set_mode(self, mode: str) -> None:
        self.reply_to_rcpt, self.reply_delay = self.MODES[mode]

    def deliveries(self) -> list[tuple[str, str]]:
        """(reference, Message-ID) of every message received."""
        return [(reference_in(message), str(message["Message-ID"])) for message in self.received]


class People:
    """People sending the form, each in a thread of their own, trying again as the page asks them to."""

    FILL_SECONDS = 3.5
    RETRY_SECONDS = 2
    MAX_TRIES = 40

    def __init__(self, base: str) -> None:
        self.base = base
        self.answers: Counter[str] = Counter()
        self.slowest: dict[str, float] = {}  # the longest wait for each kind of answer
        self.people = 0
        self.through = 0
        self.gave_up = 0
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=400)

    def _count(self, answer: str, seconds: float) -> None:
        with self._lock:
            self.answers[answer] += 1
            self.slowest[answer] = max(self.slowest.get(answer, 0), seconds)

    def _one(self, number: int) -> None:
        page = None
        for _ in range(self.MAX_TRIES):
            try:
                page = fetch(self.base + FORM_PATH, timeout=30)
            except OSError:
                page = None
            if page is not None and page.status == 200:
                break
            time.sleep(self.RETRY_SECONDS)
        if page is None or page.status != 200:
            with self._lock:
                self.gave_up += 1
            return
        cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": _CSRF_INPUT.search(page.body).group(1),
                "form_token": _FORM_TOKEN_INPUT.search(page.body).group(1),
                "name": "Outage",
                "phone": f"+1207555{number:04d}",  # all different: a repeated phone would be a duplicate request
                "call_times": "mornings",
                "voicemail_ok": "yes",
                "request_for": "myself",
                "agree_to_privacy_notice": "on",
                "website": "",
            }
        ).encode()
        time.sleep(self.FILL_SECONDS)
        for _ in range(self.MAX_TRIES):
            sent = time.monotonic()
            try:
                answer = fetch(self.base + FORM_PATH, data=body, headers={"Cookie": f"csrftoken={cookie}"}, timeout=30)
                status = str(answer.status)
            except OSError as error:
                status = type(error).__name__
            self._count(status, time.monotonic() - sent)
            if status == "303":
                with self._lock:
                    self.through += 1
                return
            time.sleep(self.RETRY_SECONDS)
        with self._lock:
            self.gave_up += 1

    def arrive(self, number: int) -> None:
        with self._lock:
            self.people += 1
        self._pool.submit(self._one, number)

    def wait(self) -> None:
        self._pool.shutdown(wait=True)


class Watchers:
    """An article reader (every 0.25 s), a /healthz probe (every second) and a beacon sender (every 0.2 s), each
    answer filed under the phase it was asked in."""

    ARTICLES = ("/", "/our-approach/", "/withdrawal-symptoms/", "/faq/")
    BEACON_HEADERS = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"}

    def __init__(self, base: str) -> None:
        self.base = base
        self.phase = "start"
        self.articles: dict[str, list[tuple[int, float]]] = {}
        self.health: dict[str, list[tuple[int, float]]] = {}
        self.beacons = 0
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._every, args=(0.25, self._article), daemon=True),
            threading.Thread(target=self._every, args=(1, self._healthz), daemon=True),
            threading.Thread(target=self._every, args=(0.2, self._beacon), daemon=True),
        ]

    def _every(self, seconds: float, what) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            with contextlib.suppress(OSError):  # an answer that never came is seen in the others' figures
                what()
            self._stop.wait(max(0, seconds - (time.monotonic() - started)))

    def _file(self, into: dict, phase: str, answer) -> None:
        into.setdefault(phase, []).append((answer.status, answer.seconds))

    def _article(self) -> None:
        phase = self.phase
        path = self.ARTICLES[sum(len(answers) for answers in self.articles.values()) % len(self.ARTICLES)]
        self._file(self.articles, phase, fetch(self.base + path, timeout=60))

    def _healthz(self) -> None:
        phase = self.phase
        self._file(self.health, phase, fetch(self.base + "/healthz", timeout=60))

    def _beacon(self) -> None:
        answer = fetch(self.base + "/visit/", data=b"p=/faq/", headers=self.BEACON_HEADERS, timeout=60)
        if answer.status == 204:
            self.beacons += 1

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=70)


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))] if ordered else 0.0


def counted_visits(database_url: str) -> int:
    connection = psycopg.connect(database_url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(count), 0) FROM insights_dailycount WHERE kind = 'view'")
        total = cursor.fetchone()[0]
    connection.close()
    return int(total)


def stored_references(database_url: str) -> set[str]:
    connection = psycopg.connect(database_url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reference FROM consultations_consultationrequest WHERE status = 'new'")
        references = {f"{row[0][:4]}-{row[0][4:]}" for row in cursor.fetchall()}
    connection.close()
    return references


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase-seconds", type=float, default=10)
    parser.add_argument("--freeze-seconds", type=float, default=40)
    parser.add_argument("--people-per-second", type=float, default=1)
    options = parser.parse_args()

    with fresh_database(f"{POSTGRES_URL}/postgres") as database_url:
        database = database_url.rsplit("/", 1)[1]
        proxy = DatabaseProxy(("127.0.0.1", 5432))
        redis = PrivateRedis()
        mail = MailServer()
        processes: list[subprocess.Popen] = []
        site = None
        try:
            proxy.start()
            redis.start()
            mail.start()
            env = {
                "DJANGO_SETTINGS_MODULE": "portland_site.settings",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DATABASE_URL": f"{POSTGRES_URL.rsplit(':', 1)[0]}:{proxy.port}/{database}",
                "REDIS_URL": redis.url,
                "EMAIL_URL": f"smtp://127.0.0.1:{mail.port}",
                "EMAIL_TIMEOUT": "3",
                "CONSULTATION_NOTIFY_EMAILS": "intake@example.org",
                "CONSULTATION_RATE_LIMIT_PER_HOUR": "100000",
                "NOTIFICATION_RETRY_BASE_SECONDS": "2",
                "NOTIFICATION_RETRY_CAP_SECONDS": "8",
                "NOTIFICATION_SWEEP_SECONDS": "2",
                "INSIGHTS_FLUSH_SECONDS": "10",
                "LOG_LEVEL": "WARNING",
            }
            for command in (["migrate", "--verbosity", "0"], ["collectstatic", "--noinput", "--verbosity", "0"]):
                subprocess.run(
                    [sys.executable, "manage.py", *command],
                    cwd=ROOT,
                    env={**os.environ, **env, "DATABASE_URL": database_url},
                    check=True,
                )
            # The clinic's opening hours are a fact of the admin's: without them the form offers no time of day.
            connection = psycopg.connect(database_url)
            with connection, connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO pages_openinghours (weekday, opens, closes) VALUES (%s, '08:00', '20:00')",
                    [(day,) for day in range(7)],
                )
            connection.close()
            site = Gunicorn(environment=env, workers=2)
            site.start()
            for number in range(2):
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "manage.py", "run_worker", "--worker-id", f"outages-{number}"],
                        cwd=ROOT,
                        env={**os.environ, **env},
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            worker_pids = [process.pid for process in processes]

            def smtp(mode: str):
                def change() -> None:
                    if mode == "refuse":
                        mail.stop()
                        return
                    if mail.stopped:
                        mail.start()
                    mail.set_mode(mode)

                return change

            def normal() -> None:
                proxy.restore()
                if redis.stopped:
                    redis.start()
                else:
                    redis.thaw()
                smtp("accept")()

            frozen = options.freeze_seconds
            phases = [
                ("normal", normal, options.phase_seconds),
                ("database refused", proxy.refuse, options.phase_seconds),
                ("normal", normal, options.phase_seconds),
                ("database frozen", proxy.freeze, frozen),
                ("normal", normal, options.phase_seconds),
                ("Redis frozen", redis.freeze, frozen),
                ("normal", normal, options.phase_seconds),
                ("Redis stopped", redis.stop, options.phase_seconds),
                ("SMTP refusing", lambda: (normal(), smtp("refuse")()), options.phase_seconds),
                ("SMTP answering 451", smtp("451"), options.phase_seconds),
                ("SMTP slow", smtp("slow"), options.phase_seconds),
                ("normal", normal, options.phase_seconds),
            ]
            people = People(site.base)
            watchers = Watchers(site.base)
            # One request first, and its email, so that every phase meets workers that are up and polling.
            people.arrive(0)
            ready_by = time.monotonic() + 120
            while not mail.deliveries() and time.monotonic() < ready_by:
                time.sleep(0.5)
            started = time.monotonic()
            log_before = len(site.log())
            watchers.start()
            number = 1
            for index, (name, begin, seconds) in enumerate(phases, start=1):
                begin()
                watchers.phase = f"{index} {name}"
                print(f"{time.monotonic() - started:6.1f} s  {name}", flush=True)
                phase_end = time.monotonic() + seconds
                while time.monotonic() < phase_end:
                    people.arrive(number)
                    number += 1
                    time.sleep(1 / options.people_per_second)
            normal()
            people.wait()
            watchers.stop()
            time.sleep(25)  # two flushes of the visit counts
            print(f"{time.monotonic() - started:6.1f} s  every person done; waiting for the emails", flush=True)

            stored = stored_references(database_url)
            deadline = time.monotonic() + 300
            while (
                time.monotonic() < deadline
                and any(process.poll() is None for process in processes)
                and not stored <= {reference for reference, _ in mail.deliveries()}
            ):
                time.sleep(1)
            deliveries = mail.deliveries()
            delivered = Counter(reference for reference, _ in deliveries)
            message_ids = Counter(deliveries)
            alive = all(process.poll() is None for process in processes) and [p.pid for p in processes] == worker_pids
            print(f"{time.monotonic() - started:6.1f} s  done")
            print(f"people: {people.people}; got through: {people.through}; gave up: {people.gave_up}")
            print(
                "POST answers: "
                + ", ".join(
                    f"{status}: {count} (slowest {people.slowest[status]:.1f} s)"
                    for status, count in sorted(people.answers.items())
                )
            )
            print(f"rows stored (new requests): {len(stored)}")
            print(f"distinct staff emails delivered: {len(delivered)} (messages received: {len(deliveries)})")
            print(f"lost: {len(stored - set(delivered)) + people.gave_up} (stored without email, or never stored)")
            duplicated = sum(count - 1 for count in delivered.values())
            same_id = sum(count - 1 for count in message_ids.values())
            print(f"duplicated: {duplicated} extra copies ({same_id} of them with the same Message-ID as the first)")
            print(
                f"workers still the ones started, never restarted: {alive}; gunicorn log lines with 'Traceback': "
                f"{site.log().count('Traceback')}"
            )
            log = site.log()[log_before:]
            print(
                f"gunicorn log during the phases: {len(log.splitlines())} lines, {len(log.encode())} bytes, "
                f"{log.count('is unavailable')} 'is unavailable', {log.count('is back after')} 'is back after'"
            )
            kinds = Counter(match.group(1) for match in re.finditer(r"^\S+ \S+ (\w+ \S+) ", log, re.MULTILINE))
            print("log lines by level and logger: " + ", ".join(f"{kind}: {n}" for kind, n in kinds.most_common()))
            for error in re.findall(r"^Traceback.*?^(\w[^\n]*)$", log, re.MULTILINE | re.DOTALL):
                print(f"traceback ending: {error}")
            print("phase | articles (p90 / max s, not 200) | /healthz (max s, answers)")
            for phase in sorted(watchers.articles, key=lambda name: int(name.split()[0]) if name[0].isdigit() else 0):
                articles = watchers.articles.get(phase, [])
                health = watchers.health.get(phase, [])
                seconds = [answer_seconds for _, answer_seconds in articles]
                print(
                    f"{phase} | {len(articles)}: {_p90(seconds):.2f} / {max(seconds, default=0):.2f}, "
                    f"{sum(status != 200 for status, _ in articles)} | "
                    f"{max((s for _, s in health), default=0):.2f}, {dict(Counter(status for status, _ in health))}"
                )
            stored_visits = counted_visits(database_url)
            print(f"visit beacons answered 204: {watchers.beacons}; counted in the database: {stored_visits}")
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            proxy.restore()
            if site is not None:
                site.stop()
            proxy.stop()
            redis.close()
            mail.stop()


if __name__ == "__main__":
    main()
