"""Readable labels for audit verbs, so a trail reads "Alex changed a plan cell", not "planning.cell_change".

The verb itself stays the record (pages show it on hover and in the CSV export). Each app registers the
labels of its own verbs in AppConfig.ready(); an unknown verb is shown as it is.
"""

_LABELS = {
    "tenant.create": "created the workspace",
    "member.add": "added a member",
    "member.change_role": "changed a member's role",
    "member.remove": "removed a member",
    "invitation.create": "invited someone",
    "invitation.accept": "accepted an invitation",
    "invitation.revoke": "revoked an invitation",
    "partner.create": "added a partner organisation",
    "subject.share": "shared with a partner",
    "subject.unshare": "stopped sharing with a partner",
    "api.key_create": "created an API key",
    "api.key_revoke": "revoked an API key",
    "demo.load": "loaded demo data",
}


def register(labels):
    _LABELS.update(labels)


def label(verb):
    return _LABELS.get(verb, verb)
