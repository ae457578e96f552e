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
cli-tick-debtor-stats = Payment statistics sent to the agents: { $count } { $count ->
    [one] debtor
   *[other] debtors
}


## Statistics from a history file (`stats predict|backtest|market`)
cli-history-header = { $path }: the header must be "{ $expected }", it is "{ $found }"
cli-history-refused = { $path }:{ $line }: { $field }: { $reason }
cli-history-not-csv = not a valid CSV row ({ $reason })
cli-history-columns = { $count } { $count ->
    [one] column
   *[other] columns
}, 9 expected
cli-history-empty = the field is empty
cli-history-date = a day YYYY-MM-DD, not "{ $value }"
cli-history-sector = a PKD section is one letter A–U or empty, not "{ $value }"
cli-history-due-before-issue = the due date { $value } is before the issue date
cli-history-amount = the amount in minor units is a whole number, not "{ $value }"
cli-history-currency = an ISO currency code is three letters, not "{ $value }"
cli-history-paid-before-issue = the payment day { $value } is before the issue date
cli-history-duplicate = this firm's document is already on line { $first }
cli-history-read = Read { $count } { $count ->
    [one] row
   *[other] rows
}; refused: { $refused }.
cli-stats-predicted = Predicted the payment day of { $count } open { $count ->
    [one] document
   *[other] documents
} → { $path }
cli-stats-backtest-title = Backtest at { $as_of }: learned from payments up to that day, compared with the payments after it
cli-stats-col-method = method
cli-stats-col-documents = documents
cli-stats-col-mae = MAE (days)
cli-stats-col-coverage = P10–P90
cli-stats-col-width = width (days)
cli-stats-method-due-date = pays on the due date
cli-stats-method-debtor-median = debtor's median delay
cli-stats-method-full = Inkaso's prediction
cli-stats-below-baseline = the prediction's MAE is { $percent }% below "{ $baseline }"
cli-market-title = Market comparison on { $as_of }: due { $before_from } – { $before_to } against { $recent_from } – { $recent_to } (a document counted { $horizon } days after it fell due)
cli-market-col-tenant = firm
cli-market-col-verdict = verdict
cli-market-col-own-before = firm: before
cli-market-col-own-recent = firm: now
cli-market-col-market-before = market: before
cli-market-col-market-recent = market: now
cli-market-col-sector = section
cli-market-col-size = size
cli-market-col-documents = documents
cli-market-col-tenants = firms
cli-market-col-before = before
cli-market-col-recent = now
cli-market-verdict-stable = stable
cli-market-verdict-improved = improved
cli-market-verdict-sector = as its sectors
cli-market-verdict-own = worse than its sectors
cli-market-verdict-unknown = too little data
