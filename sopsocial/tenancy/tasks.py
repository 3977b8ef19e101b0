"""Thin Celery wrappers around tenancy actions, queued by name on commit (sopsocial.queue)."""

from celery import shared_task

from . import actions


@shared_task(name=actions.SEND_PASSWORD_RESET_TASK)
def send_password_reset_email(email):
    actions.do_send_password_reset_email(email)
