"""Every planning write, one module per thing written (Zulip's `zerver/actions/` layout):

- `master`: products, customers, facilities, brands... and their Subjects and auto-follows;
- `versions`: plans, cycles (`check_create_cycle`), versions (`check_create_version`) and their
  workflow (submit, approve, publish, new draft);
- `cells`: one plan cell at a time (set, comment; `StaleCell`);
- `entries`: many plan cells of a draft version at once;
- `layers`: a demand layer's figures and the consensus cells that follow them (`do_write_layer`);
- `loads`: validated bulk rows of any kind (`do_load_rows`: imports, the ERP API, commands), with
  `orders` for sales orders;
- `_common`: `parse_qty`, `request_evaluation`.

Who may call which action is `sopsocial.tenancy.policy` (`require(member, Perm.X)` in each action).

Each `do_*` writes its rows and one audit event per change (or per batch for bulk loads) inside one
transaction, writes an `EvaluationRequest` outbox row when numbers that rules read have changed, and
queues the alerts evaluation task by name on commit (planning never imports alerts).

Callers import from here (`from planning.actions import check_set_cell`); tests that patch a name patch
it in the module that uses it (`planning.actions.versions._cycle`).
"""

from ..quantities import MAX_QTY
from ._common import (
    MAX_TAGGED_PRODUCTS,
    parse_qty,
    request_evaluation,
)
from .cells import StaleCell, check_comment_cell, check_set_cell, do_set_cell
from .entries import do_replace_entries
from .layers import LayerWrite, do_write_layer
from .loads import do_load_rows
from .locks import do_lock_plan, do_unlock_plan, lock_for, refuse_locked_version, version_lock
from .master import do_save_object, do_save_supplier
from .versions import (
    FOUR_EYES_REFUSAL,
    MAX_HORIZON_WEEKS,
    TRANSITIONS,
    check_create_cycle,
    check_create_version,
    check_new_draft_from,
    check_transition,
    do_add_version,
    do_create_cycle,
    do_create_version,
    do_start_cycle,
    ensure_plans,
    four_eyes_refuses,
    lock_plan,
    target_label,
)

__all__ = [
    "FOUR_EYES_REFUSAL",
    "MAX_QTY",
    "MAX_TAGGED_PRODUCTS",
    "MAX_HORIZON_WEEKS",
    "TRANSITIONS",
    "check_create_cycle",
    "check_create_version",
    "StaleCell",
    "check_comment_cell",
    "check_new_draft_from",
    "check_set_cell",
    "check_transition",
    "do_add_version",
    "do_create_cycle",
    "do_create_version",
    "do_start_cycle",
    "do_load_rows",
    "do_write_layer",
    "LayerWrite",
    "do_replace_entries",
    "do_save_object",
    "do_save_supplier",
    "do_set_cell",
    "do_lock_plan",
    "do_unlock_plan",
    "lock_for",
    "refuse_locked_version",
    "version_lock",
    "ensure_plans",
    "four_eyes_refuses",
    "lock_plan",
    "parse_qty",
    "request_evaluation",
    "target_label",
]
