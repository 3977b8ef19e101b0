"""Playing the push service for real-browser tests: chromium here reaches no real push service, so a
local HTTP server takes the product's pushes (as a push service would: 201) and the test hands each one
to the browser's service worker through the DevTools protocol (`ServiceWorker.deliverPushMessage`)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class PushServiceStandIn:
    """A local HTTP server that takes pushes as a push service does (201) and keeps what it received."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count, timeout=20):
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the push service received {len(self.received)} pushes, expected {count}")
            time.sleep(0.05)
        return self.received

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def worker_ready(page):
    """Wait until the page's service worker is active and controls the page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")


SUBSCRIBE_FROM_THE_PAGE = """async ([subscription]) => {
    const box = document.getElementById("push-device");
    const csrf = box.querySelector("input[name=csrfmiddlewaretoken]").value;
    const response = await fetch(box.dataset.subscribeUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
        body: JSON.stringify(subscription),
    });
    return [response.status, await response.json()];
}"""


def deliver_to_service_worker(page, base, message, attempts=3):
    """Hand `message` (the decrypted push) to the page's service worker as the push service would, once
    its worker is activated, and return the notifications it then shows. A delivery that shows nothing
    within 10 s is made again (a busy browser may drop a push sent to a worker that is starting)."""
    cdp = page.context.new_cdp_session(page)
    registrations, versions = [], []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
    )
    cdp.on("ServiceWorker.workerVersionUpdated", lambda event: versions.extend(event["versions"]))
    cdp.send("ServiceWorker.enable")

    def ours():
        return [r for r in registrations if r["scopeURL"] == f"{base}/" and not r["isDeleted"]]

    def activated(registration_id):
        return any(v["registrationId"] == registration_id and v["status"] == "activated" for v in versions)

    deadline = time.monotonic() + 30
    while not (ours() and activated(ours()[0]["registrationId"])) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    registration_id = ours()[0]["registrationId"]
    shown = []
    for _ in range(attempts):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": base, "registrationId": registration_id, "data": json.dumps(message)},
        )
        # Polled from here: `wait_for_function` takes the async function's promise itself as truthy.
        deadline = time.monotonic() + 10
        while not shown and time.monotonic() < deadline:
            shown = page.evaluate(
                """async () => {
                    const notes = await (await navigator.serviceWorker.ready).getNotifications();
                    return notes.map(n => ({title: n.title, body: n.body, tag: n.tag, data: n.data}));
                }"""
            )
            if not shown:
                page.wait_for_timeout(100)
        if shown:
            break
    return shown
