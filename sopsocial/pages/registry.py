"""An ordered list that apps add entries to at start-up (navigation items, subject panels), so that the
core's templates need not know the apps. Entries have `order`, `external_ok` and an `allows(member)`."""


class Registry:
    def __init__(self):
        self._entries = []

    def register(self, entry):
        if entry not in self._entries:
            self._entries.append(entry)
            self._entries.sort(key=lambda e: e.order)

    def visible_to(self, member):
        return [e for e in self._entries if (e.external_ok or not member.is_external) and e.allows(member)]
