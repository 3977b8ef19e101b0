"""The names tenancy's Celery tasks are registered under (sopsocial.tenancy.tasks), for whoever queues
them. Plain strings, no imports of task code."""

SEND_PASSWORD_RESET_EMAIL = "tenancy.send_password_reset_email"
SEND_SIGNUP_VERIFICATION = "tenancy.send_signup_verification"
SWEEP_SIGNUP_VERIFICATIONS = "tenancy.sweep_signup_verifications"
