"""A working day on Entente, for locust: agents, elected officials, a CC meeting, citizens.

Loaded by `benchmarks/load.py` (`locust -f benchmarks/load_scenario.py`), never run alone. Every
simulated person moves by the links of the pages it is shown, as someone at a desk would: no
id is known in advance. The runner logs each demo person in once (the login form) and hands
the sessions over (LOAD_SESSIONS); every simulated user of a person shares that person's
session, as tabs of one browser do.

- Agents (most of the day): the home page, Mon travail, a space, its board, a task, now and
  then a comment on that task, the space's discussions and documents, a search, the bell.
- Elected officials: the home page, « Mes séances », a meeting of theirs, its documents, the bell.
- A CC meeting: the communauté de communes' staff and elected officials opening the same meeting
  of the EPCI's space again and again, as a room of people following the agenda does.
- Citizens: the home page and their public project's space and discussions.

The names `*.entente.localhost` are resolved to this machine here (urllib3's connection is
wrapped), so that the cookies of `.entente.localhost` work as in a browser.
"""

from __future__ import annotations

import json
import os
import random
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import urllib3.util.connection
from locust import HttpUser, between, task

_create_connection = urllib3.util.connection.create_connection


def _to_this_machine(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
    host, port = address
    if host == "localhost" or host.endswith(".localhost"):
        host = "127.0.0.1"
    return _create_connection((host, port), *args, **kwargs)


urllib3.util.connection.create_connection = _to_this_machine

# persona → [{"cookies": {name: value}, "home": url}], one per demo person (benchmarks/load.py).
SESSIONS: dict[str, list[dict[str, Any]]] = json.loads(os.environ.get("LOAD_SESSIONS", "{}"))
LINK = re.compile(r'href="([^"#]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WORDS = ("voirie", "conseil", "école", "budget", "tourisme", "déchets", "travaux", "photo")


class Person(HttpUser):
    """Someone who clicks every one to a few seconds (a busy day, to find the knee sooner)."""

    abstract = True
    persona = ""
    wait_time = between(1, 3)

    def on_start(self) -> None:
        person = random.choice(SESSIONS[self.persona])
        domain = urlsplit(self.host or "").hostname or ""
        for name, value in person["cookies"].items():
            self.client.cookies.set(name, value, domain=f".{domain}", path="/")
        self.home = person["home"]
        self.page = self.open(self.home, "home")

    def open(self, url: str, name: str) -> str:
        """GET a page of the current site, counted under `name`; its HTML ('' on failure)."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} on {url}")
                return ""
            if urlsplit(response.url).path.startswith("/comptes/login/"):
                response.failure(f"sent to the login page from {url}")
                return ""
            self.url = response.url
            return str(response.text)

    def links(self, html: str, pattern: str) -> list[str]:
        """The links of `html` whose path matches `pattern`, absolute, on the current site."""
        found = []
        for href in LINK.findall(html):
            absolute = urljoin(self.url, href)
            if re.fullmatch(pattern, urlsplit(absolute).path):
                found.append(absolute)
        return found

    def follow(self, pattern: str, name: str, html: str | None = None) -> str:
        """Open one of the page's links matching `pattern`; '' when the page has none."""
        choices = self.links(self.page if html is None else html, pattern)
        if not choices:
            return ""
        self.page = self.open(random.choice(choices), name)
        return self.page

    def post_form(self, action: str, data: dict[str, str], name: str) -> None:
        """POST a form of the current page as the browser would (CSRF token and Referer)."""
        token = CSRF.search(self.page)
        if token is None:
            return
        with self.client.post(
            urljoin(self.url, action),
            data={"csrfmiddlewaretoken": token.group(1), **data},
            headers={"Referer": self.url},
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code != 200:  # redirects are followed: a 200 in the end
                response.failure(f"{response.status_code} on POST {action}")

    def go_home(self) -> None:
        self.page = self.open(self.home, "home")


class Agent(Person):
    persona = "agent"
    weight = 6

    @task(3)
    def my_work(self) -> None:
        self.page = self.open(urljoin(self.home, "/mon-travail/"), "mon-travail")
        self.follow(r"/taches/\d+/", "task")

    @task(4)
    def a_space_and_its_tasks(self) -> None:
        self.page = self.open(urljoin(self.home, "/espaces/"), "spaces")
        if not (
            self.follow(r"/espaces/\d+/", "space")
            and self.follow(r"/espaces/\d+/tableau/", "board")
        ):
            return
        task_page = self.follow(r"/taches/\d+/", "task")
        if task_page and random.random() < 0.3:
            action = re.search(r'action="(/taches/\d+/commentaires/)"', task_page)
            if action:
                body = f"Vu, je m'en occupe ({random.randint(1, 9999)})."
                self.post_form(action.group(1), {"body": body}, "task comment")

    @task(2)
    def discussions_and_documents(self) -> None:
        self.page = self.open(urljoin(self.home, "/espaces/"), "spaces")
        space = self.follow(r"/espaces/\d+/", "space")
        if space:
            discussions = self.follow(r"/espaces/\d+/discussions/", "discussions", space)
            if discussions:
                self.follow(r"/espaces/\d+/discussions/\d+/", "thread")
            self.follow(r"/espaces/\d+/documents/", "documents", space)

    @task(1)
    def search(self) -> None:
        query = random.choice(WORDS)
        self.page = self.open(urljoin(self.home, f"/recherche/?q={query}"), "search")

    @task(1)
    def bell(self) -> None:
        self.page = self.open(urljoin(self.home, "/notifications/"), "notifications")


class Elected(Person):
    persona = "elected"
    weight = 3
    wait_time = between(2, 5)

    @task(3)
    def my_meetings(self) -> None:
        self.page = self.open(urljoin(self.home, "/mes-seances/"), "mes-seances")
        if self.follow(r"/espaces/\d+/reunions/\d+/", "meeting"):
            self.follow(r"/documents/fichiers/\d+/", "document")

    @task(1)
    def home_and_bell(self) -> None:
        self.go_home()
        self.page = self.open(urljoin(self.home, "/notifications/"), "notifications")


class CommunityMeeting(Person):
    """The CC's people in a meeting of the EPCI: the same meeting page, reloaded."""

    persona = "epci"
    weight = 2

    def on_start(self) -> None:
        super().on_start()
        epci = self.links(self.page, r"/") or [self.home]
        self.epci_home = next((url for url in epci if "cc-" in urlsplit(url).netloc), self.home)
        self.meeting = ""

    @task
    def follow_the_meeting(self) -> None:
        if not self.meeting:
            self.page = self.open(urljoin(self.epci_home, "/espaces/"), "spaces")
            for space in self.links(self.page, r"/espaces/\d+/"):
                listing = self.open(urljoin(space, "reunions/"), "meetings")
                meetings = self.links(listing, r"/espaces/\d+/reunions/\d+/")
                if meetings:
                    self.meeting = meetings[0]
                    break
            if not self.meeting:
                return
        self.page = self.open(self.meeting, "meeting (CC)")


class Citizen(Person):
    persona = "citizen"
    weight = 1
    wait_time = between(3, 8)

    @task
    def the_public_project(self) -> None:
        self.go_home()
        if self.follow(r"/espaces/\d+/", "space"):
            self.follow(r"/espaces/\d+/discussions/", "discussions")
