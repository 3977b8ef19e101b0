"""Thin Celery wrappers around tenancy actions, queued by name on commit (sopsocial.queue)."""

from celery import shared_task

from . import actions, signup_actions, task_names


@shared_task(name=task_names.SEND_PASSWORD_RESET_EMAIL)
def send_password_reset_email(email):
    actions.do_send_password_reset_email(email)


@shared_task(name=task_names.SEND_SIGNUP_VERIFICATION)
def send_signup_verification(signup_id):
    signup_actions.do_send_signup_verification(signup_id)


@shared_task(name=task_names.SWEEP_SIGNUP_VERIFICATIONS)
def sweep_signup_verifications():
    """Beat: send the verification e-mails whose task message was lost (broker down at commit)."""
    return signup_actions.do_sweep_signup_verifications()
