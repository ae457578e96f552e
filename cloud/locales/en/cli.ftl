# Inkaso — the `inkaso-cloud` command line's output and errors in English.

## `inkaso-cloud run`'s printout
cli-tick-planned = planned
cli-tick-sent = sent
cli-tick-failed = failed
cli-tick-retried = retry
cli-tick-held = held
cli-tick-skipped = skipped
cli-tick-replanned = re-planned
cli-tick-debtor-error = debtor error
