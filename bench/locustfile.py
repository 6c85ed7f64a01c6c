"""The users of the load bench (bench/load.py): organization board staff of a
province clicking through their day. Each logs in through the login form,
then, a few seconds apart, opens the pages of ``PAGES`` in their weights.

The sample records (units, people, search words, reviews, reports) come from
the JSON file ``PQ_LOAD_SAMPLES`` names, written by bench/load.py from the
benchmark database; ``PQ_LOAD_EXTRA`` (a JSON list of [weight, name, path])
adds pages — i15's report pages, say — without editing this file. With
``--central``, a few of the users are officers of the country who open only
its report pages (``CentralOfficer``).

Like a browser, a user who opens a page also fetches the fragments it loads
at once (``hx-trigger="load"``: a report's approval lines), each under its
own name in the results.
"""

from __future__ import annotations

import html
import json
import os
import random
import re

from locust import HttpUser, between

SAMPLES = json.loads(open(os.environ["PQ_LOAD_SAMPLES"], encoding="utf-8").read())  # noqa: SIM115
SITE = os.environ.get("PQ_LOAD_SITE", "partyquality.example.vn")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A fragment the page asks for as soon as it is shown (htmx).
ON_LOAD = re.compile(r'hx-get="([^"]+)" hx-trigger="load"')


def _page(kind: str) -> tuple[str, str]:
    """(name in the results, path) of one page of ``kind``."""
    pick = random.choice
    if kind == "home":
        return "home", "/"
    if kind == "tree":
        return "tree", "/to-chuc/cay/"
    if kind == "tree_children":
        return "tree: open a branch", f"/to-chuc/cay/{pick(SAMPLES['superiors'])}/con/"
    if kind == "unit":
        return "unit page", f"/to-chuc/{pick(SAMPLES['units'])}/"
    if kind == "members_search":
        return "member list + search", f"/dang-vien/?q={pick(SAMPLES['words'])}"
    if kind == "members":
        return "member list", "/dang-vien/"
    if kind == "person":
        return "person page", f"/dang-vien/nguoi/{pick(SAMPLES['persons'])}/"
    if kind == "review":
        unit, year = pick(SAMPLES["reviews"])
        return "review entry", f"/danh-gia/{unit}/{year}/"
    if kind == "report":
        return "report page", pick(SAMPLES["reports"])
    raise ValueError(kind)


# The mix: what the board staff open most. Weights, not shares.
PAGES = {
    "home": 10,
    "tree": 5,
    "tree_children": 5,
    "unit": 20,
    "members_search": 15,
    "members": 5,
    "person": 20,
    "review": 10,
    "report": 10,
}


class BoardOfficer(HttpUser):
    wait_time = between(1, 5)  # reading the page before the next click
    username = SAMPLES["username"]

    def on_start(self) -> None:
        # The proxy's headers: the site's name and HTTPS (BEHIND_TLS_PROXY).
        self.client.headers.update(
            {"Host": SITE, "X-Forwarded-Proto": "https", "Referer": f"https://{SITE}/"}
        )
        page = self.client.get("/dang-nhap/", name="login page")
        token = TOKEN.search(page.text).group(1)
        with self.client.post(
            "/dang-nhap/",
            {
                "username": self.username,
                "password": SAMPLES["password"],
                "csrfmiddlewaretoken": token,
            },
            headers={
                "Origin": f"https://{SITE}",
                "Referer": f"https://{SITE}/dang-nhap/",
            },
            name="log in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")

    def _open(self, name: str, path: str) -> None:
        fragments = []
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif "dang-nhap" in response.url:
                response.failure("sent to the login page")
            fragments = ON_LOAD.findall(response.text)
        for fragment in fragments:
            self._open(f"{name} → its fragment", html.unescape(fragment))


def _task(kind: str):  # type: ignore[no-untyped-def]
    def open_page(user: BoardOfficer) -> None:
        user._open(*_page(kind))

    open_page.__name__ = kind
    return open_page


def _extra(user: BoardOfficer) -> None:
    _weight, name, path = random.choices(EXTRA, weights=[p[0] for p in EXTRA])[0]
    user._open(name, path)


EXTRA = json.loads(os.environ.get("PQ_LOAD_EXTRA", "[]"))
# A list with each task repeated by its weight: the {task: weight} dict set
# here before 5 December 2026 gave every page about as many requests (99–160
# each for weights 3–20), its weights unused.
BoardOfficer.tasks = [
    task for kind, weight in PAGES.items() for task in [_task(kind)] * weight
]
if EXTRA:
    BoardOfficer.tasks += [_extra] * sum(w for w, _n, _p in EXTRA)


CENTRAL = SAMPLES.get("central")
if CENTRAL:
    # Defined only then: locust runs every user class of the module.
    class CentralOfficer(BoardOfficer):
        """An officer of the country opening its reports, one of ``users``."""

        fixed_count = CENTRAL["users"]
        username = CENTRAL["username"]
        tasks = [
            lambda user: user._open(
                "report page: country", random.choice(CENTRAL["reports"])
            )
        ]
