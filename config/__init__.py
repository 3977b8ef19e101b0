"""The composition root: settings, URLs, ASGI/WSGI, websocket routing and the Celery app. The only
package that names every app; the core (`sopsocial/`) and the apps never import it."""

# Load the Celery app whenever Django starts, so `celery.current_app` (used by sopsocial.queue) is ours.
from .celery import app as celery_app

__all__ = ("celery_app",)
