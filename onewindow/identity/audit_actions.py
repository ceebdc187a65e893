"""The identity app's actions, in words, for those who read the audit trail
(``audit.actions``)."""

from django.utils.translation import gettext_lazy as _

from onewindow.audit.actions import register_labels

register_labels(
    {
        "identity.login": _("Logged in"),
        "identity.logout": _("Logged out"),
        "identity.locked_out": _("Account locked after failed logins"),
        "identity.2fa_enrollment_started": _("Two-factor set-up started"),
        "identity.2fa_enrolled": _("Two-factor authentication set up"),
        "identity.2fa_mailbox_code_sent": _("Two-factor set-up code emailed"),
        "identity.2fa_verified": _("Two-factor code checked"),
        "identity.two_factor_reset": _("Two-factor authentication reset by an administrator"),
        "identity.account_created": _("Account created"),
        "identity.registration_throttled": _(
            "Registration paused for an address after refusals naming registered identity numbers"
        ),
        "identity.department_created": _("Department created"),
        "identity.department_updated": _("Department details changed"),
        "identity.profile_updated": _("Own details updated"),
        "identity.password_changed": _("Own password changed"),
        "identity.password_reset_requested": _("Link to set a new password sent"),
        "identity.legal_person_registered": _("Company registered"),
        "identity.role_granted": _("Role granted"),
        "identity.role_revoked": _("Role revoked"),
        "identity.token_issued": _("API token issued"),
        "identity.token_revoked": _("API token revoked"),
        "identity.personal_data_viewed": _("Personal data viewed"),
        "identity.demo_profile_set": _("Demo person's details set"),
    }
)
