# Inkaso — the `inkaso-cloud` command line's output and errors in English (`--lang en`).

## General
cli-unknown-lang = unknown language "{ $lang }" (available: pl, en)
cli-version = inkaso-cloud { $version } (sync protocol v{ $protocol })
cli-db-open-failed = could not open the database
cli-invalid = { $field }: { $reason }
cli-migrated = Migrations applied ({ $backend }).
cli-callback-base-missing = give --base https://service-address or [smsapi] notify_url in the config file

## Firms, users, agents, law firms, API tokens
cli-user-added = Added user { $email } (role { $role }).
cli-password-once = Password (shown only once): { $password }
cli-firm-created = Created firm "{ $name }".
cli-agent-created = Created agent "{ $name }".
cli-token-once = Token (shown only once): { $token }
cli-agent-revoked = Revoked the token of agent { $agent }.
cli-agent-rotated = New token of agent { $agent } (shown only once; the previous one no longer works): { $token }
cli-partner-created = Created law firm "{ $name }".
cli-partner-linked-to = Linked to firm { $client }.
cli-partner-linked = Linked law firm { $partner } to firm { $tenant }.
cli-api-token-created = Created API token "{ $name }" (role { $role }).
cli-api-token-revoked = Revoked API token { $token }.

## Processes and runs (`process set|list`, `run`)
cli-as-of-invalid = --as-of: give a day YYYY-MM-DD or an RFC 3339 instant, not "{ $text }"
cli-file-invalid = { $path }: { $reason }
cli-process-saved = Saved process "{ $code }".
cli-no-processes = No processes.
cli-process-line = { $code } — { $name } ({ $stages } { $stages ->
    [one] stage
   *[other] stages
})
cli-process-line-default = { $code } [default] — { $name } ({ $stages } { $stages ->
    [one] stage
   *[other] stages
})
cli-stage-days = { $days ->
    [one] day
   *[other] days
}
cli-test-mode-recorded = Test mode: recorded instead of sent: { $count }
cli-tick-planned = planned
cli-tick-sent = sent
cli-tick-failed = failed
cli-tick-retried = retry
cli-tick-held = held
cli-tick-skipped = skipped
cli-tick-replanned = re-planned
cli-tick-debtor-error = debtor error

