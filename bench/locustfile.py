"""Locust users for figure 6 (run by bench/load.py): people reading their home feed, opening subject
pages and posting, with 1-3 s think time. BENCH_LOAD_FILE names a JSON file with the tenant slug, one
session cookie per simulated person and the subject ids to visit."""

import json
import os
import random
from itertools import count

from locust import HttpUser, between, task

SETUP = json.loads(open(os.environ["BENCH_LOAD_FILE"]).read())  # noqa: SIM115, PTH123 - read once
# The web processes; each person sticks to one, round robin, as a load balancer would spread them.
HOSTS = os.environ.get("BENCH_LOAD_HOSTS", "").split()
NEXT = count()


class Person(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        n = next(NEXT)
        if HOSTS:
            self.host = self.client.base_url = HOSTS[n % len(HOSTS)]
        cookie = SETUP["sessions"][n % len(SETUP["sessions"])]
        self.client.cookies.set(SETUP["session_cookie"], cookie)
        self.base = f"/t/{SETUP['tenant']}"
        # The first page sets the CSRF cookie, as in a browser.
        self.client.get(f"{self.base}/", name="home feed")

    @task(5)
    def home(self):
        self.client.get(f"{self.base}/", name="home feed")

    @task(3)
    def subject(self):
        self.client.get(f"{self.base}/s/{random.choice(SETUP['subjects'])}/", name="subject page")

    @task(1)
    def post(self):
        subject = random.choice(SETUP["subjects"])
        token = self.client.cookies.get(SETUP["csrf_cookie"], "")
        self.client.post(
            f"{self.base}/s/{subject}/post/",
            {"body": "Load test post: checking demand for next week.", "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}{self.base}/s/{subject}/", "HX-Request": "true"},
            name="post",
        )
