# Inkaso — the API's error messages in English (translated from Polish, the source language):
# `message_en` of the error shape `{"error": {"code", "field", "message_pl", "message_en"}}`.

## Shared HTTP answers
err-http-method-not-allowed = this path does not support this HTTP method
err-http-no-such-path = no such path
err-http-panic = internal server error; it has been logged
err-http-server-error = server error; retry later
err-http-not-found = not found: { $what }
err-http-forbidden-role = the role does not allow this
err-http-token-unknown = missing or invalid token
err-http-token-revoked = the token was revoked or the session expired
err-http-partner-on-client-api = this is a law firm's account: its cases are under /api/v1/partner/cases
err-http-client-on-partner-api = this API is for law firms only; a firm's cases are under /api/v1/cases
err-http-query = invalid query parameters: { $reason }
err-http-path = invalid path parameter: { $reason }

## The agent API
err-agent-body-too-large = body larger than { $max } { $max ->
    [one] byte
   *[other] bytes
}
err-agent-gzip = invalid gzip: { $reason }
err-agent-encoding = unsupported content encoding "{ $encoding }" (gzip)
err-agent-json = invalid JSON body: { $reason }
err-agent-record = ops[{ $index }] breaks a record rule: { $reason }
err-agent-op = invalid op ops[{ $index }]: { $reason }
err-agent-protocol-old = the agent is too old for this cloud: it speaks protocol version { $version }, the cloud version { $server } — install the new version of the Inkaso agent (the data waits in its queue, nothing is lost)
err-agent-protocol-new = the agent is newer than the cloud: it speaks protocol version { $version }, the cloud version { $server } — keep the previous agent until the cloud is updated (the data waits in the agent's queue)
err-agent-batch-too-large = the batch has { $count } { $count ->
    [one] op
   *[other] ops
} (at most { $max })
err-agent-seq-gap = sequence gap: expected seq { $expected }, got { $got }

## Client API: login, users, collection
err-client-login-wrong = wrong e-mail or password
err-client-login-locked = too many failed logins; try again in { $seconds } s
err-client-login-busy = too many logins at once; try again in a moment
err-client-email = invalid e-mail address: { $reason }
err-client-unknown-channel = unknown channel "{ $channel }"
err-client-out-no-process = no collection process
err-client-out-past-last-stage = every stage of process "{ $process }" is behind it (the last { $days } { $days ->
    [one] day
   *[other] days
} after the due date)

## Channels: settings, posting book, SMSAPI delivery reports
err-channel-settings-not-object = the channel settings must be a JSON object
err-channel-posting-csv = { $reason }
err-channel-posting-pdf = cannot print the posting book: { $reason }
err-channel-posting-format = unknown format "{ $format }": json, csv or pdf
err-channel-callback-secret = delivery-report URL without the right secret
err-channel-delivery-report = delivery report: { $detail }
err-channel-too-many-reports = { $count } { $count ->
    [one] report
   *[other] reports
} in one call; at most { $max }

## Application services
err-service-agent-name = give the agent a name (1–100 characters), e.g. the ERP database's
err-service-token-name = give the token a name (1–100 characters): what it is for
err-service-no-process-for-documents = the chosen documents have no collection process; name one
err-service-no-process = no process with code "{ $code }"
err-service-no-document = no document { $id }
err-service-document-of-another-debtor = the document belongs to another debtor
err-service-process-code-mismatch = the code in the body ("{ $body }") differs from the one in the path ("{ $path }")
err-service-rule-no-process = rule no. { $rule }: no process with code "{ $code }"
err-service-sync-max-age = the freshness limit must be between { $min } and { $max } { $max ->
    [one] hour
   *[other] hours
}
err-service-consent-source = give the consent's source
err-service-consent-number = give a mobile number, e.g. +48 601 234 567
err-service-consent-second-mobile = the debtor already consented to SMS at { $first }; a consent can cover one mobile number only (to change the number, change it in the ERP)
err-service-consent-not-the-debtors = { $number } is not the debtor's number from the ERP ({ $erp }); change the number in the ERP, then record the consent
err-service-stats-months = the number of months must be between 1 and { $max }
err-service-sector = a PKD section is one letter A–U (or empty to remove it), not "{ $value }"

## The process engine: processes, stages, channels
channel-name-sms = SMS
channel-name-email = e-mail
channel-name-letter = letter (PDF)
channel-name-registered-letter = registered letter
channel-name-voice = voice message
channel-name-task = task for an employee
channel-name-sales-block = sales block
channel-name-handoff = hand-off to a law firm
err-process-field-empty = must not be empty
err-process-field-too-long = at most { $max } { $max ->
    [one] character
   *[other] characters
}
err-process-field-bad-code = only letters, digits and - _ . are allowed
err-process-field-out-of-range = must be between { $min } and { $max }
err-process-field-duplicate-stage = stage code "{ $code }" is used more than once
err-process-field-no-weekdays = choose at least one weekday
err-process-field-hours-order = the start hour must be before the end hour (0–24)
err-process-field-no-stages = a process needs at least one stage
err-process-field-demand-before-due = a demand, registered letter or hand-off can be at the earliest 1 day after the due date
err-process-field-skip-swallows-repeat = the skip-after-contact period must be shorter than the repeat interval (repeats would never go out)
err-process-field-cannot-repeat = a hand-off or a sales block cannot repeat
err-process-field-pdf-not-supported = a PDF demand goes only with a letter, registered letter or e-mail
err-process-field-sms-only = applies to SMS stages only
err-process-field-negative = the amount must not be negative
err-process-field = field "{ $field }": { $problem }
err-process-usage-default = it is the default process
err-process-usage-debtors = assigned to { $count } { $count ->
    [one] debtor
   *[other] debtors
} (e.g. { $examples })
err-process-usage-group-rule = used by group rule no. { $number }
err-process-duplicate-code = a process with code "{ $code }" already exists
err-process-no-default = no process is marked as the default
err-process-multiple-defaults = more than one default process: { $codes }
err-process-unknown = no process with code "{ $code }"
err-process-in-use = process "{ $code }" cannot be deleted: { $usages }

## The planner: why an action waits (held) or is dropped (skipped)
err-hold-debtor-excluded = the debtor is excluded from collection
err-hold-document-excluded = the document is excluded from collection
err-hold-sync-stale = ERP data is stale: the agent last synced at { $last_sync } (limit { $hours } h) — held so that no paid invoice is chased
err-hold-never-synced = the agent has never synced — held
err-hold-until = until { $date }
err-hold-until-lifted = until lifted
err-hold-paused = paused ({ $kind }) { $until }
err-hold-paused-because = paused ({ $kind }) { $until }: { $reason }
err-hold-no-slot = the stage's send window admits no time
err-skip-superseded = skipped: superseded by the later stage "{ $stage }" (occurrence { $occurrence })
err-skip-expired = skipped: scheduled for { $date }, too long ago
err-skip-below-minimum = skipped: amount { $amount } below the minimum { $minimum }
err-skip-channel-disabled = skipped: channel { $channel } is switched off
err-skip-no-consent = skipped: no consent to { $channel }
err-skip-no-contact = skipped: no contact data for { $channel }
err-skip-not-overdue = skipped: the due date { $date } has not passed yet
err-skip-recently-contacted = skipped: the debtor was contacted at { $at } (within { $days } { $days ->
    [one] day
   *[other] days
})
err-on-demand-unknown-stage = process "{ $process }" has no stage "{ $stage }"

## A debtor's state
pause-name-promise-to-pay = promise to pay
pause-name-dispute = dispute
pause-name-manual = manual pause
legal-status-active = active
legal-status-deceased = the debtor is deceased
legal-status-bankrupt = the debtor is bankrupt
err-amount-overflow = the debtor's amounts add up past the representable range: check them in the ERP

## Composing messages and letters
err-compose-no-contact = no contact for channel { $channel }
err-compose-no-address = debtor { $debtor } has no postal address
err-compose-no-creditor = complete the creditor's data (name, address, bank account) in the channel settings
err-compose-wrong-template = template { $code } is for channel { $found }, the stage sends { $wanted }
err-compose-template = template { $code }: { $reason }
err-compose-sms-too-long = SMS too long: { $reason }
err-compose-letter = letter: { $reason }
err-compose-no-documents = no document of the action is open

## The domain core: cases, collection, accounts, channel settings
err-domain-case-status-unknown = unknown case status "{ $status }" (allowed: { $allowed })
err-domain-case-status-final = cannot change the status from "{ $from }" to "{ $to }": a case in "{ $from }" is final
err-domain-case-status-move = cannot change the status from "{ $from }" to "{ $to }" (from "{ $from }" allowed: { $allowed })
err-domain-digest-every-unknown = unknown digest frequency "{ $value }" (allowed: daily, weekly, off)
err-domain-digest-hour = the digest's hour "{ $value }" must be a number from 0 to 23
err-domain-recipient-invalid = "{ $value }" is not an e-mail address
err-domain-recipients-many = { $count } addresses are too many (at most { $max })
err-domain-case-note-too-long = a note may have at most { $max } { $max ->
    [one] character
   *[other] characters
}
err-domain-tag-length = a tag must have 1 to { $max } { $max ->
    [one] character
   *[other] characters
}
err-domain-too-many-tags = at most { $max } { $max ->
    [one] tag
   *[other] tags
}
err-domain-request-id = request id: letters, digits and - _ . (at most 64 characters)
err-domain-no-stages-chosen = choose at least one stage
err-domain-on-demand-documents = choose 1 to { $max } { $max ->
    [one] document
   *[other] documents
}
err-domain-forecast-days = days must be between 1 and { $max }
err-domain-promise-date = give the date the debtor promised to pay by
err-domain-pause-end = give the pause's end date
err-domain-date-past = the date { $date } is in the past
err-domain-pause-reason = give the pause's reason
err-domain-role-unknown = unknown role "{ $role }" (admin, editor, viewer)
err-domain-bank-account = "{ $account }" is not a valid account number (NRB: 26 digits, or an IBAN); check the digits
err-domain-creditor-name-required = the creditor's name is required
err-domain-creditor-street-required = the street and number is required
err-domain-creditor-postcode-required = the postcode and city is required
err-domain-postcode = "{ $text }": enter the postcode and city, e.g. "00-950 Warszawa"
err-domain-deadline-days = the payment deadline must be 1 to 60 days
err-domain-task-days = a task's deadline must be 1 to 60 days

## What was not found (put into err-http-not-found)
err-what-case = case { $id }
err-what-process = process { $code }
err-what-agent = agent { $id }
err-what-agent-or-revoked = agent { $id } (or already revoked)
err-what-template = template { $code }
err-what-action-letter = the letter of action { $action }
err-what-letter = letter { $id }
err-what-registered-letter = registered letter { $id }
err-what-task = task { $id }
err-what-user = user { $id }
err-what-debtor = debtor { $id }
err-what-document = document { $id }
err-what-pause = pause { $id }
err-what-firm = firm { $id }
err-what-token = token { $id }
err-what-contact = the { $channel } contact of debtor { $debtor }
err-what-exclusion = exclusion { $id }
err-what-nip = NIP { $nip }

## The store: cases handed to law firms
err-store-case-from-partner = cases are handed off by client firms, not by partners
err-store-case-race = debtor { $debtor }: the case changed at the same time; try again
err-store-case-note-empty = the note must not be empty
err-store-case-changed = case { $case } changed meanwhile; refresh it and try again
err-store-case-agent-required = give the agent
err-store-case-debtor-required = give the debtor (its ERP key)
err-store-case-documents-required = give at least one document to hand off
err-store-case-partner-not-linked = partner { $partner } is not linked to the firm (linked: { $linked })
err-store-case-partner-not-linked-none = partner { $partner } is not linked to the firm (linked: none)
err-store-case-no-partner = the firm has no linked partner; link one (inkaso-cloud partner link) and retry
err-store-case-several-partners = the firm has several partners; choose one: { $linked }
err-store-case-total-overflow = the documents' total exceeds the number range
err-store-case-held-documents = { $documents } (case { $case })
err-store-case-documents-held = some documents are already in an open case: { $held }
err-store-case-unknown-debtor = agent { $agent } has sent no debtor { $debtor }
err-store-case-unknown-documents = debtor { $debtor } has no documents: { $documents }
err-store-case-nothing-open = none of the documents is open any more (paid or closed); nothing to hand off
err-store-case-currencies = the documents are in different currencies ({ $currencies }); hand them off per currency

## The store: accounts, templates, letters, tasks, agents' data, queries
err-store-cursor = invalid cursor
err-store-cursor-named = invalid cursor "{ $cursor }"
err-store-template-code = template code: 1 to 64 characters
err-store-template-in-use = template { $code } is used by stages: { $stages }
err-store-creditor-missing = set the creditor (sender) in the channel settings
err-store-tracking-number = tracking number: 1 to 40 characters
err-store-task-closed = task { $id } is already closed
err-store-password-mismatch = the current password does not match
err-store-last-admin = this is the firm's last active admin; make someone else an admin first
err-store-passwords-busy-checking = too many passwords being checked at once; try again in a moment
err-store-passwords-busy-hashing = too many passwords being hashed at once; try again in a moment
err-store-promise-needs-date = a promise to pay needs a date
err-store-action-status-unknown = unknown status "{ $status }" ({ $allowed })
err-store-period-order = the period's start ({ $since }) is after its end ({ $until })
err-store-seq-from-one = seq starts at 1
err-store-batch-order = the batch's order could not be settled; send it again
err-store-snapshot-empty = empty snapshot id
err-store-snapshot-unmatched = snapshot_end "{ $snapshot }" without a matching snapshot_begin (open: { $open })
err-store-value-too-large = value { $value } is too large
err-store-password-short = the password must have at least { $min } { $min ->
    [one] character
   *[other] characters
}
err-store-name-empty = the name must not be empty
err-store-not-a-partner = not a partner
err-store-user-exists = user { $email } already exists
err-store-agent-of-partner = agents belong to client firms, not partners
err-store-sort-unknown = unknown sort "{ $sort }" (known: { $known }; a minus before the name reverses it)
err-store-filter-needs-day = the overdue and paused filters need a day
err-store-legal-status-unknown = unknown legal status "{ $status }" (active, deceased, bankrupt)
err-store-filter-process-unknown = there is no process "{ $code }"
err-store-open-or-closed = status: open or closed
err-store-currency-unknown = unknown currency
err-store-amount-positive = give an amount > 0
err-store-exclusion-kind = unknown exclusion kind "{ $kind }" or empty value
err-store-overdue-days = { $field }: a number of days from 0 to { $max }

## Portal pages that cannot be shown
err-portal-not-found = There is no such page, or it does not belong to your firm.
err-portal-forbidden = Your role does not allow this change. Ask your firm's admin for a higher role.
err-portal-csrf = The form has expired or did not come from this site. Reload the page and try again.
err-portal-server = Server error. Try again in a moment; if it persists, tell your administrator.
err-portal-bad-form = Invalid form data: { $detail }
err-portal-law-firm = This is a law firm's account: its cases are on the Cases page (/partner), not in the creditor's portal.
err-portal-not-law-firm = This page is for law firms. The cases your firm handed over are on the Law-firm cases page (/cases).
err-portal-amount = The amount in “{ $field }” must be a number of whole złoty (not “{ $value }”).
err-portal-reject-reason = Give the reason for rejecting the case; the creditor will see it.
err-portal-bcc-line = line { $line }: write "STAGE_CODE: address, address"
err-portal-not-email = "{ $text }" is not an e-mail address
err-portal-days-number = enter a number of days

## The engine at work: why an action waits
err-runner-channel-paused = channel { $channel } paused: { $reason }
err-runner-channel-not-configured = channel { $channel } is not configured
err-runner-retry = retry: { $reason }
err-runner-awaiting-register = waiting for the company's address from the VAT register

## Records of a run: the action history, the ERP and the e-mail report (written in Polish, the ERP's language; English for completeness)
record-sales-unblocked = debt paid: sales unblocked
record-sales-block-reason = { $stage }: overdue payments
record-sales-block-test-mode = { $description } (test mode: the block did not reach the ERP)
record-handoff-test-mode = { $description } (test mode: the case did not reach the law firm)
record-handoff-opened = { $description }; case { $case } at law firm { $partner }
record-sent-already = { $description } (the provider already had this message: an earlier attempt got through)
record-letter-printed = { $description }; letter { $number } ({ $file })
record-task-created = { $description }; task due { $due }
record-replanned-changed = the action changed; a new plan in the next cycle
record-replanned-no-stage = the stage is no longer in the process
record-held-register = waiting for the address from the VAT register
record-delivery-report = { $description } — delivery report: { $status }
record-description = { $stage }: { $what }; { $documents }
record-document = { $number } ({ $remaining }, due { $due })
record-what-sms = SMS
record-what-email = e-mail
record-what-voice = voice message
record-what-letter = letter (PDF) to print and send
record-what-registered-letter = registered letter to post (posting book)
record-what-task = task for a collector
record-what-sales-block = sales block in the ERP
record-what-handoff = hand-off of the case to a law firm
record-report-subject = Inkaso: collection run report { $at }
record-report-no-email = report not sent: the e-mail channel is not configured
record-report-sent = report sent ({ $provider_id })
record-report-already-sent = report already sent
record-case-digest-sent = { $firm }: digest of new cases ({ $count }) sent to: { $to }
record-case-news-sent = { $firm }: message about changed cases ({ $count }) sent to: { $to }
record-case-mail-nobody = { $firm }: nobody to e-mail about cases (no active administrator or editor, no addresses set)
record-case-mail-failed = { $firm }: e-mail about cases not sent: { $reason } (tried again in the next round)
record-report-not-sent = report not sent: { $reason }

## The run report (the client's e-mail and `inkaso-cloud run`'s printout)
report-title = Collection run report: { $at }
report-sent-none = Sent: none
report-sent = Sent: { $count } ({ $documents } { $documents ->
    [one] document
   *[other] documents
})
report-failed = Failed: { $count }
report-skipped = Skipped: { $count }
report-held = Held: { $count }
err-domain-case-file-empty = the file is empty
err-domain-case-file-too-large = a file may have at most { $max } MB
err-domain-case-file-type = “{ $name }” is not a PDF, JPG, PNG, DOCX, ODT or XLSX file
err-portal-file-missing = Choose a file to add.
err-what-case-file = file { $id }
err-store-case-payment-amount = the payment's amount must be above zero
err-store-case-payment-future = the payment's day cannot be in the future
err-store-case-payment-status = a settlement payment can be recorded only on an accepted case, in court or in settlement (now: “{ $status }”)
record-case-payment = Settlement payment: { $amount } on { $day }
err-portal-payment-amount = “{ $value }” is not an amount in złoty (e.g. 1500 or 1 500,50).
err-portal-date = “{ $value }” is not a date (YYYY-MM-DD).
err-domain-inbound-keyword = "{ $text }": the keyword is one word of 2–20 letters or digits, without spaces or accented letters
err-domain-reply-tag = there is no tag <{ $tag }> in a balance reply; known: { $known }
err-domain-payment-link = "{ $text }": the payment link must start with https:// and have no spaces
err-domain-balance-limit = the daily limit of balance queries from one number must be { $min } to { $max }
err-channel-inbound-sms = the inbound SMS cannot be read: { $reason }
err-domain-notification-text = enter the notification's text
err-domain-notification-call-text = enter what was agreed on the call
err-domain-notification-long = the text may have at most { $max } characters
err-domain-notification-promise-past = the promised payment date cannot be in the past
err-service-notification-no-mobile = the debtor has no mobile number an SMS can be sent to
err-service-notification-no-consent = the debtor has not consented to SMS at { $number }
err-service-notification-deceased = the debtor has died: it gets no notifications
err-service-notification-bankrupt = the debtor is bankrupt: it gets no notifications (claims go to the trustee)
err-service-notification-excluded = the debtor is excluded from collection: it gets no notifications
err-service-notification-sent = the notification was already sent or recorded: it cannot be changed or deleted
err-service-notification-sms = the SMS is too long: { $reason }
err-service-delivery-no-sms = the service has no SMSAPI account: delivery cannot be checked
err-service-register-nothing-unsent = there are no unsent SMS for these filters
err-service-delivery-provider = SMSAPI does not answer ({ $reason }); { $count } of { $total } checked, try again later
err-what-notification = notification { $id }
err-domain-mass-days = at most { $max } days
err-domain-mass-window = choose the receivables: overdue within how many days, or due within how many days
err-domain-mass-amount = an amount cannot be negative
err-domain-mass-range = the "to" amount is less than the "from" amount
err-service-mass-template = the template "{ $code }" is not an SMS template
err-service-mass-empty = there is nobody to notify: change the filters
err-what-batch = batch { $id }
err-portal-part-price = "{ $text }": enter the price in złoty, e.g. 0,16
