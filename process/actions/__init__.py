"""Every write in process. `check_*` validates input (raising ValidationError keyed by field, writing
nothing) and calls `do_*`, which writes the rows and the audit event in one transaction and queues side
effects after commit. Tasks live in `tasks`."""
