# Client portal — English.

## Page layout
skip-to-content = Skip to content
nav-label = Main menu
nav-letters = Letters and posting books
nav-tasks = Tasks
nav-admin = Administration
nav-account = My account
switch-lang = Polski
logout = Log out
error-title = Something went wrong
error-home = Back to the dashboard

## Login
login-title = Log in
login-submit = Log in
login-help = Your firm's administrator creates your account. If you forgot your password, ask them for a new one.
login-wrong = Wrong e-mail or password.
login-locked = { $count ->
    [one] Too many failed attempts. Try again in { $count } second.
   *[other] Too many failed attempts. Try again in { $count } seconds.
}
login-busy = Too many logins at once. Try again in a moment.
login-choice-expired = The choice of firm has expired. Log in again.
choose-title = Choose a firm
choose-help = This e-mail address has accounts in several firms. Which one do you want to work in?
field-email = E-mail
field-password = Password

## My account
account-title = My account
password-change-title = Change password
field-current-password = Current password
field-new-password = New password
field-confirm-password = Repeat the new password
password-rules = At least 10 characters.
password-change-submit = Change password
password-change-effect = Changing the password ends every other session of this account.
password-mismatch = The new password and its repetition differ.
notice-password-changed = Password changed. Other sessions have been ended.

## Roles
role-viewer = viewer
role-editor = editor
role-admin = admin

## Dashboard
dashboard-empty = No receivables — the agent has not synchronised data yet, or everything is paid. See Administration → Agents.
kpi-owed = Receivables
kpi-overdue = Overdue
ageing-chart-title = Receivables by age ({ $currency })
ageing-current = not yet due
ageing-1-30 = 1–30 days
ageing-31-60 = 31–60 days
ageing-61-90 = 61–90 days
ageing-90 = over 90 days
forecast-title = { $count ->
    [one] What the system will do: today and over { $count } day
   *[other] What the system will do: today and over { $count } days
}
forecast-empty = The processes plan no actions.
forecast-computed = Forecast as of { $time }; refreshed every minute.
col-today = Today
col-next-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
recent-title = { $count ->
    [one] Actions of the last day
   *[other] Actions of the last { $count } days
}
recent-empty = There were no actions in this period.
see-history = The whole activity history
attention-title = Needs attention
attention-empty = Nothing is waiting for a person's decision.
task = task
open-tasks = Tasks
agents-title = Agents
agents-empty = No agents. An administrator adds one in Administration; the agent runs beside the ERP.
col-agent = Agent
col-last-sync = Last sync
col-quarantined = Quarantined
col-state = State
agent-fresh = data current
agent-stale = data stale
agent-never = not synchronised yet
agent-revoked = revoked
agent-active = active

## Debtors
debtors-search = Search
debtors-search-hint = name, NIP, phone or e-mail
filter-open = Receivables
filter-all = all
filter-with-open = with open documents
filter-without-open = without open documents
filter-overdue = with overdue documents
filter-paused = Pause
filter-paused-yes = paused
filter-paused-no = not paused
filter-apply = Show
filter-origin = Origin
debtors-empty = No debtors — the agent has not synchronised data yet. See Administration → Agents.
debtors-none-found = No debtors match these filters.
col-name = Name
col-nip = NIP
col-kind = Kind
col-open-documents = Open documents
kind-company = company
kind-person = person
debtor-removed = removed in the ERP
debtor-excluded = excluded from collection
debtor-key = debtor
next-page = Next page
first-page = First page
pager-label = List pages
list-position = { $first }–{ $last } of { $total }
filter-process = Process
filter-all-processes = All processes
documents-search = Document number
documents-search-hint = e.g. FV/12/2026
collection-title = Collection
col-process = Process
process-why-own = the debtor's own process
process-why-rule = { $count ->
    *[other] by group rule no. { $count }
}
process-why-default = the firm's default process
process-none = out of collection: the firm has no default process
col-legal-status = Legal status
legal-active = ordinary
legal-deceased = deceased
legal-bankrupt = bankrupt
col-address = Address
col-vat-status = VAT status
contacts-title = Contacts and consent
contacts-empty = No contacts.
col-contact = Contact
col-consent = Consent
consent-given = consent
consent-refused = no consent
consent-unknown = not recorded
pauses-title = Pauses
pauses-empty = Collection is not paused.
pause-active = active
pause-lifted = ended
pause-kind-promise-to-pay = Promise to pay
pause-kind-dispute = Dispute
pause-kind-manual = Pause
until = until
pause-lift = End the pause
pause-new-title = Pause or record a promise to pay
field-pause-kind = Kind
field-until = Until
field-until-help = For a promise to pay: the day the debtor promised to pay by.
field-reason = Reason or note
field-pause-document = Applies to
pause-all-documents = all the debtor's documents
pause-submit = Save
pause-until-invalid = Give the date as day, month, year.
notice-pause-added = Saved. Collection for this debtor is paused.
notice-pause-lifted = The pause has ended.

## Documents
documents-empty = No documents.
documents-none-found = No documents match these filters.
col-number = Number
col-issued = Issued
col-due = Due date
col-overdue = Overdue
col-amount = Amount
col-remaining = Outstanding
col-status = State
col-debtor = Debtor
doc-open = open
doc-closed = closed
close-paid = paid
close-excluded = excluded
close-deleted = deleted in the ERP
overdue-1 = overdue
overdue-31 = over 30 days
overdue-61 = over 60 days
overdue-91 = over 90 days
due-today = due today
due-in-days = { $days ->
    [one] in { $days } day
   *[other] in { $days } days
}

## Activity history
history-empty = No actions.
col-when = When
col-channel = Channel
col-stage = Process / stage
col-details = Details
manual = manual
automatic = automatic
channel-sms = SMS
channel-email = E-mail
channel-letter = Letter
channel-registered-letter = Registered letter
channel-voice = Voice call
channel-task = Task
channel-sales-block = Sales block
channel-handoff = Hand-off to a law firm
status-planned = planned
status-claimed = in progress
status-held = held
status-sent = sent
status-failed = failed
status-skipped = skipped

## Letters
letters-empty = No letters have been generated yet.
col-date = Date
col-addressee = Addressee
col-tracking = Tracking number
letter-registered = registered letter
letter-plain = ordinary letter
download-pdf = Download PDF

## Tasks
tasks-empty = No tasks.
col-subject = Task
col-task-due = Due by
task-open = open
task-done = closed
task-late = overdue
task-close = Close
field-note = Note
notice-task-closed = Task closed.

## Administration
users-title = Users
col-role = Role
col-actions = Actions
you = you
save = Save
user-active = active
user-disabled = disabled
user-enable = Enable
user-disable = Disable
user-reset = New password
user-add-title = Add a user
user-add = Add
user-add-help = A new user gets a random password, shown once. Hand it over in person; the user changes it in "My account".
user-email-invalid = Invalid e-mail address: { $reason }
user-added-password = Password of { $email }:
user-reset-password = New password of { $email } (their sessions have been ended):
secret-once = Shown only once. Save it or hand it over now.
notice-user-added = User added.
notice-user-role-changed = Role changed. The user's sessions have been ended.
notice-user-disabled = User disabled and their sessions ended.
notice-user-enabled = User enabled.
col-profile = ERP profile
col-agent-version = Version
agent-revoke = Revoke
agent-add-title = Add an agent
field-agent-name = Agent name
agent-add = Add agent
agent-token-once = Token of agent { $name } — paste it into the agent's configuration:
notice-agent-added = Agent added.
notice-agent-revoked = Agent revoked: its next connection will be refused.

## Confirmations
confirm-user-disable = Disable the user { $email }? Their sessions will end.
confirm-user-reset = Give { $email } a new password? The current one stops working and their sessions end.
confirm-agent-revoke = Revoke the agent { $name }? Its next connection will be refused; a new token is a new agent.
confirm-pause-lift = End the pause? Collection resumes at the next cycle.

## Processes
nav-templates = Templates
process-new = New process
processes-empty = There is no collection process yet. Create the first one — it becomes the default process.
col-code = Code
col-stages = Stages
col-reach = Reach
process-default = default
stages-count = { $count ->
    [one] { $count } stage
   *[other] { $count } stages
}
process-reach = { $count ->
    [0] up to the due date
    [one] up to { $count } day after the due date
   *[other] up to { $count } days after the due date
}
process-make-default = Make default
confirm-process-delete = Delete process "{ $name }"? The history of its actions is kept.
delete = Delete
rules-title = Group rules
rules-help = A debtor without a process of its own gets the process of the first matching rule, or the default process when none matches. An empty field matches anything. To remove a rule, choose "remove rule".
col-debtor-kind = Debtor kind
col-tag = Tag
col-min-total = Balance from (PLN)
col-max-total = Balance up to (PLN)
rule-remove = — remove rule —
rule-none = — new rule —
kind-any = any
rules-save = Save rules
rule-number = Rule no.
field-whole-number = enter a whole number
process-code-fixed = a saved process keeps its code; create a new process instead
notice-process-default = The default process was set.
notice-process-deleted = The process was deleted.
notice-process-created = The process was created.
notice-process-saved = The process was saved.
notice-rules-saved = The group rules were saved.
process-has-errors = The process was not saved:
process-errors-count = { $count ->
    [one] Correct { $count } field marked below.
   *[other] Correct { $count } fields marked below.
}
timeline-title = Stages on a timeline
timeline-due = due date
timeline-tick = { $offset } { $days ->
    [one] day
   *[other] days
}
preview-title = { $count ->
    [one] What the process will send within { $count } day
   *[other] What the process will send within { $count } days
}
preview-scope-all = { $count ->
    [one] Nobody has this process yet: a preview for { $count } debtor with open documents, as if it applied to everyone.
   *[other] Nobody has this process yet: a preview for { $count } debtors with open documents, as if it applied to everyone.
}
preview-scope-assigned = { $count ->
    [one] A preview for the { $count } debtor this process applies to.
   *[other] A preview for the { $count } debtors this process applies to.
}
preview-due = { $count ->
    [one] { $count } action
   *[other] { $count } actions
}
preview-skipped = { $count ->
    [one] { $count } skipped
   *[other] { $count } skipped
}
preview-empty = The process would send nothing in this period.
preview-send = sends
preview-note = The preview assumes nobody pays and the agent keeps syncing. Nothing was saved or sent.
preview-button = { $count ->
    [one] Preview { $count } day
   *[other] Preview { $count } days
}
process-fields = Process
process-code-help = Letters, digits, "-", "_" and "."; fixed once saved.
field-catch-up = Catching up missed stages (days)
field-catch-up-help = A stage overdue for longer (e.g. after a sync outage) is skipped rather than performed late.
process-set-default = Make this the default process
stage-number = Stage { $count }
field-offset = Day relative to the due date
field-offset-help = Negative before the due date, 0 on it, positive after.
field-template = Template
field-template-help = A template code; a code with no template means the built-in text.
field-min-amount = Minimum amount (PLN)
field-min-scope = Amount counted
scope-per-document = per document
scope-per-debtor = on the debtor's balance
field-repeat-every = Repeat every (days)
field-repeat-times = Times in all
field-skip-contacted = Skip if contacted within (days)
field-weekdays = Sending days
day-mon = Mon
day-tue = Tue
day-wed = Wed
day-thu = Thu
day-fri = Fri
day-sat = Sat
day-sun = Sun
field-hours-from = From hour
field-hours-to = To hour
field-skip-holidays = Not on public holidays
field-grouping = Sending
grouping-per-debtor = one per debtor
grouping-per-document = one per document
field-pdf = PDF letter
pdf-none = no letter
pdf-reminder = Payment reminder
pdf-demand = Payment demand
pdf-admonition = Admonition
field-compensation = Add recovery compensation (40/70/100 EUR)
field-max-parts = Most SMS parts
stage-remove = Remove stage { $count }
stage-add = Add stage
col-stage-short = Stage

## Templates
template-new = New template
template-new-sms = New SMS template
template-new-email = New e-mail template
template-new-voice = New voice message
templates-empty = There are no templates of your own yet: the stages use the built-in texts. Create a template to write in your own words.
templates-builtin-note = A stage whose template code matches no template sends the built-in text.
col-reason = Contact reason
col-lang = Language
col-changed = Changed
confirm-template-delete = Delete template "{ $name }"? A template a process stage uses cannot be deleted.
field-subject = Subject
field-body = Text
field-promise-note = Promise-to-pay note
sms-only = SMS only
email-only = e-mail only
reason-arrears = arrears
reason-upcoming = upcoming payment
reason-other = other
template-code-help = The code a process stage names.
template-body-help = Tags in angle brackets, e.g. <dluznik>, are replaced by the debtor's data.
template-note-help = Inserted for <dopisek_zobowiazania> only when the debtor promised to pay; may contain <data_zobowiazania>.
template-palette = Tags
template-palette-help = Click a tag to insert it at the cursor.
template-preview = Preview
template-preview-title = Preview on sample data
template-preview-empty = Type a text to see its preview.
template-max-parts-invalid = the number of SMS parts must be a number from 1 to 6
template-code-invalid = code: 1 to 64 characters — letters, digits, "-", "_" and "."
template-sms-changed = Saved with characters outside the SMS alphabet replaced: { $changes }.
notice-template-saved = The template was saved.
notice-template-deleted = The template was deleted.
sms-length = Length
sms-chars = { $count ->
    [one] { $count } character
   *[other] { $count } characters
}
sms-parts = { $count ->
    [one] { $count } part
   *[other] { $count } parts
}
sms-fits = Fits the part limit
sms-too-long = no — too long
sms-replaced = Characters replaced
sms-length-note = Names and amounts differ between debtors, so the length is approximate.
yes = yes

## Settings
settings-collection = Collection
settings-test-mode = Test mode: nothing is sent to debtors
settings-test-mode-help = In test mode the processes run in full, but the channels only record what they would send.
settings-admin-only = Only an administrator changes this.
settings-freshness = Data freshness limit (hours)
settings-freshness-help = When the agent has not synced for longer, every action waits.
settings-hours-invalid = data freshness limit: enter a number of hours from 1 to 720
settings-paused-channels = Channels paused by the provider
settings-no-paused = All channels work.
settings-resume = Resume
settings-channels = Channels and letters
settings-creditor = Creditor
settings-sms-sender = SMS sender name
settings-sms-sender-help = Up to 11 characters, with a letter; it must be registered in the SMSAPI panel. Empty: the service's name.
sms-check-title = SMS gateway connection
sms-check-help = Checks that SMSAPI accepts the service's token and how many points are left on the account.
sms-check-button = Test the SMSAPI connection
sms-check-none = This installation has no SMS gateway configured: SMS messages are only recorded (test mode).
sms-check-ok = The connection works: account { $account }, { $points } points left.
sms-check-failed = SMSAPI refused the connection: { $reason }
sms-check-sender-own = The firm's SMS go out as "{ $sender }".
sms-check-sender-service = The firm's SMS go out under the service's sender name.
settings-fix-fields = Correct the marked field: what is wrong is said under it.
settings-creditor-help = Printed in letters and available to templates; letters need all of it.
settings-street = Street and number
settings-postcode-city = Postcode and city
settings-bank-account = Bank account
settings-bank-help = NRB (26 digits) or IBAN; the checksum is verified.
settings-contact = Contact in letters (phone, e-mail)
settings-reply-to = Replies to e-mails go to
settings-report-to = Sending report to (addresses, comma-separated)
settings-bcc = Blind copies of e-mails per stage
settings-bcc-help = One line per stage: "STAGE_CODE: address, address".
settings-letters = Letters
settings-letter-place = Place of issue
settings-letter-category = Registered letter category
letter-priority = priority
letter-economy = economy
settings-return-receipt = With return receipt
settings-deadlines = Deadlines
settings-deadline-days = Payment deadline in demands (days)
settings-task-assignee = Assign tasks to
settings-task-days = Time for a task (days)
settings-exclusions = Exclusions
settings-exclusions-help = Debtors and documents the system does not collect (besides the exclusions flagged in the ERP).
settings-no-exclusions = No exclusions.
settings-exclusion-value = Value
settings-exclusion-amount = Amount (PLN)
settings-exclusion-add = Add exclusion
settings-by = By
exclusion-debtor-external-id = debtor (ERP key)
exclusion-nip = NIP
exclusion-document-number-prefix = document number starts with
exclusion-min-remaining = outstanding less than
confirm-exclusion-delete = Remove the exclusion? Collection covers these documents at the next run.
notice-settings-saved = The channel settings were saved.
notice-collection-saved = The collection settings were saved.
notice-channel-resumed = The channel was resumed.
notice-exclusion-added = The exclusion was added.
notice-exclusion-deleted = The exclusion was removed.

## Letters and posting books
letters-posting-day = Posting day
letters-show-day = Show the posting book
letters-all = All letters
letters-book-title = Posting book of { $date }
letters-book-empty = No registered letters were posted that day.
letters-book-pdf = Posting book (PDF)
letters-book-csv = Posting book (CSV)
letters-tracking-help = Type the tracking numbers from the post office's receipt and save them together; they reach the history and the ERP.
letters-tracking-save = Save tracking numbers
notice-tracking-saved = The tracking numbers were saved.
history-csv = Export to CSV (with the filters)
history-since = From
history-until = To
history-bad-day = Give the day as a date.
history-period-reversed = The period starts after it ends.
history-of-debtor = History of { $name }
history-all-debtors = Show all debtors
debtor-whole-history = The debtor's whole history

## Actions on a debtor's documents
col-choose = Choose
choose-document = Choose document { $number }
run-title = Run a stage now
run-no-process = No process applies to this debtor, so there is no stage to run.
field-stage = Stage
run-submit = Run now for the chosen documents
run-help = The stage's timing is ignored; consent, legal status, pauses and test mode apply as always.
run-no-documents = Choose at least one open document.
run-no-stage = Choose a stage.
stage-offset-on = on the due date
stage-offset-before = { $count ->
    [one] { $count } day before the due date
   *[other] { $count } days before the due date
}
stage-offset-after = { $count ->
    [one] { $count } day after the due date
   *[other] { $count } days after the due date
}
notice-stage-run = Stage run; the result is in the history below.
notice-stage-run-nothing = Nothing was sent: the stage does not apply to the chosen documents (the reason is in the history below).
handoff-title = Hand off to a law firm
handoff-no-partner = Your firm does not work with a law firm yet.
field-partner = Law firm
handoff-to = The chosen documents go to { $name }.
field-note-for-partner = Notes for the law firm
handoff-submit = Hand off the chosen
debtor-tasks-empty = No tasks for this debtor.
debtor-cases-empty = No cases at a law firm for this debtor.

## Cases at the law firm
cases-empty = No cases. A process's "hand-off" stage opens one, or the button on a debtor's page.
col-partner = Law firm
col-documents = Documents
col-handed-off = Handed off
case-handed-off = new
case-accepted = accepted
case-rejected = rejected
case-in-court = in court
case-settlement = settlement
case-paid = paid
case-closed = closed
case-partner = law firm { $name }
case-debtor-page = debtor's page
case-debtor-title = The debtor when handed off
case-frozen-help = The law firm works on the data as handed off; later changes in the ERP do not alter it.
case-events-title = The case so far
party-client = Your firm
party-partner = law firm
party-engine = collection process
case-event-opened = Case handed off
case-event-status = Status change
case-note-label = Note for the law firm
case-note-submit = Add note
case-documents-title = Documents handed off
case-history-title = Actions before the hand-off
case-history-empty = There were no actions before the hand-off.
notice-case-opened = The case was handed to the law firm.
notice-case-existing = These documents are already in an open case; here it is.
notice-case-note-added = Note added; the law firm sees it.

## Administration: tokens, audit log
agent-rotate = New token
agent-reinstate = Reinstate with a new token
confirm-agent-rotate = Issue a new token for agent "{ $name }"? The old one stops working at once; the agent keeps its identity and batch numbering.
agent-token-rotated = New token of agent "{ $name }" — paste it into the agent's settings (agent.toml) and restart it:
agent-rotate-help = A new token is for when the old one may have leaked or the agent's computer changed: the agent keeps its data and carries on syncing where it stopped.
notice-agent-rotated = A new agent token was issued; the previous one no longer works.
tokens-title = API tokens
tokens-help = For programs using the API (/api/v1): each token has a role, like a user. The secret is shown once, at creation.
tokens-empty = No API tokens.
col-created = Created
token-revoked = revoked
confirm-token-revoke = Revoke token "{ $name }"? Programs using it lose access.
token-add-title = New API token
field-token-name = What it is for
token-add = Create token
token-once = API token "{ $name }" — copy it now:
notice-token-added = API token created.
notice-token-revoked = API token revoked.
audit-title = Audit log
audit-help = Who changed what and when: processes, templates, settings, exclusions, users, agents and tokens — with the state before and after.
audit-area = Area
audit-area-process = processes
audit-area-template = templates
audit-area-settings = channel settings
audit-area-collection = collection settings
audit-area-exclusion = exclusions
audit-area-debtor = debtors
audit-area-case = cases at the law firm
audit-area-user = users
audit-area-agent = agents
audit-area-token = API tokens
audit-area-session = logins
audit-empty = No entries.
audit-who = Who
audit-what = Change
audit-target = Concerning
audit-before-after = Before and after
audit-before = Before
audit-after = After
audit-nothing = (none)
audit-actor-token = API token "{ $name }"
audit-actor-cli = operator (command line)
audit-actor-engine = collection process
audit-action-process-put = process saved
audit-action-process-delete = process deleted
audit-action-process-default = default process
audit-action-process-rules = group rules
audit-action-template-put = template saved
audit-action-template-delete = template deleted
audit-action-channel-settings-put = channel settings
audit-action-collection-settings = collection settings
audit-action-collection-resume-channel = channel resumed
audit-action-exclusion-create = exclusion added
audit-action-exclusion-delete = exclusion deleted
audit-action-debtor-pause = debtor paused
audit-action-debtor-pause-lift = pause ended
audit-action-debtor-collection = debtor collection changed
audit-action-actions-on-demand = stage run by hand
audit-action-consent-set = contact consent
audit-action-user-add = user added
audit-action-user-role = role changed
audit-action-user-password-reset = new password
audit-action-user-password-change = own password changed
audit-action-agent-create = agent added
audit-action-agent-revoke = agent revoked
audit-action-agent-rotate = new agent token
audit-action-api-token-create = new API token
audit-action-api-token-revoke = API token revoked
audit-action-case-mail-update = e-mail notification settings
audit-area-case-mail = e-mail notifications
case-mail-title = E-mail notifications
case-mail-partner-help = A digest of new cases from creditors: one message listing the cases handed over since the previous digest, sent only when there are new ones.
case-mail-client-help = A message when a law firm changes a case's status or records a payment under a settlement. Changes from the same minute come in one message.
field-digest = Digest of new cases
digest-daily = every day
digest-weekly = once a week (on Monday)
digest-off = do not send
field-digest-hour = Not before
field-status-mail = Send a message about changes in cases
field-recipients = Recipients (one address per line)
recipients-help-partner = Empty: every active administrator and lawyer of the firm, each in the language chosen in the portal.
recipients-help-client = Empty: every active administrator and editor, each in the language chosen in the portal.
case-mail-save = Save notifications
notice-case-mail-saved = E-mail notification settings saved.
audit-action-session-login = login
audit-action-session-login-failed = failed login
audit-action-case-open = case handed off
audit-action-case-received = case received
audit-action-user-disable = user disabled
audit-action-user-enable = user enabled
task-due-on = due { $date }

nav-stats = Statistics
stats-period = Period
stats-months = { $count ->
    [one] the last month
   *[other] the last { $count } months
}
stats-as-of = As of { $date }.
stats-read-at = Data read { $time }; refreshed every few minutes.
stats-empty = Nothing to count yet: the statistics appear once the agent has sent documents and debtors start paying.
stats-currency = Receivables in { $currency }
stats-days = { $count ->
    [one] { $text } day
   *[other] { $text } days
}
stats-dso-countback = DSO (countback)
stats-dso-countback-help = How many days of sales wait to be paid: receivables use up sales month by month from the end.
stats-dso-simple = DSO (simple)
stats-dso-simple-help = Receivables at the month's end ÷ the month's sales × its days.
stats-best-dso = Best possible DSO
stats-best-dso-help = DSO if nobody were late: only receivables not yet due.
stats-add = Average days delinquent (ADD)
stats-add-help = DSO minus the best possible DSO: the days arrears add to the wait for money.
stats-cei = Collection effectiveness (CEI)
stats-cei-help = How much of what could be collected in the month was collected (100% = all).
stats-days-to-pay = Weighted days to pay
stats-days-to-pay-help = Days from issue to payment, weighted by the amounts paid in the month.
stats-days-late = Weighted days late
stats-days-late-help = Days from the due date to payment (0 when on time), weighted by the amounts paid in the month.
stats-trend-title = DSO month by month
stats-months-title = Months
stats-month = Month
stats-sales = Sales
stats-owed = Owed at the end
stats-overdue = Of which overdue
stats-slowest-title = Slowest-paying debtors
stats-slowest-empty = No debtor paid late in this period.
stats-paid = Paid documents
stats-avg-late = Average days late
stats-weighted-late = Weighted by amount
stats-share-late = Share paid late
stats-trend = Last 6 months
stats-trend-later = later by { $count ->
    [one] { $text } day
   *[other] { $text } days
}
stats-trend-earlier = earlier by { $count ->
    [one] { $text } day
   *[other] { $text } days
}
stats-stages-title = How the stages work
stats-stages-empty = No process stage has reached documents in this currency yet.
stats-stages-help = Documents open on the day a stage reached them, and what happened within 7 and 14 days; beside it the same for the same debtors' other open documents, which the stage did not reach.
stats-stage = Stage (process/stage)
stats-stage-reached = Documents
stats-stage-paid-7 = Paid within 7 days
stats-stage-paid-14 = Paid within 14 days
stats-stage-settled-14 = Settled within 14 days
stats-stage-others-14 = Others: paid within 14 days
market-title = Compared with the market
market-help = Average days late of your firm's documents against other firms', for debtors of the same PKD sections and invoices of a similar size: due { $recent } against { $before }; a document counts { $horizon } days after it fell due, and at most that many days late. Other firms' data are anonymised: only groups of at least 5 firms and 50 documents are shown.
market-verdict-stable = Stable: your firm's debtors pay as before.
market-verdict-improved = Improved: your firm's debtors pay sooner than before.
market-verdict-sector = As in your debtors' sectors: delays grew, but as much for other firms in the same sectors. It is the sectors' situation, not your firm's process.
market-verdict-own = Worse than your debtors' sectors: delays grew more than the market shows. Your collection process deserves a look.
market-verdict-unknown = Too little data to compare: at least 20 of the firm's documents in each period are needed, and market groups to set them against.
market-none = The firm has no documents in zloty in the periods compared yet.
market-own = Your firm
market-market = The market for your debtors
market-before = 12 months before
market-recent = Last 6 months
market-change = Change
market-sectors-title = Your debtors' PKD sections
market-sector = PKD section
market-sector-none = no section
market-docs = Documents (6 mo.)
market-own-change = Your change
market-market-change = Market's change
market-cells-title = The market: groups shown
market-size = Invoices
market-size-small = up to 5,000 zł
market-size-medium = up to 50,000 zł
market-size-large = over 50,000 zł
market-size-all = all
market-all = whole market
market-firms = Firms
market-computed = Computed { $time }; recomputed hourly.
market-sector-help = A debtor's PKD section comes from the REGON register (its main activity); another can be chosen on the debtor's page.
pkd-a = Agriculture, forestry and fishing
pkd-b = Mining and quarrying
pkd-c = Manufacturing
pkd-d = Electricity, gas and steam
pkd-e = Water, sewerage and waste
pkd-f = Construction
pkd-g = Trade; repair of motor vehicles
pkd-h = Transport and storage
pkd-i = Accommodation and food service
pkd-j = Information and communication
pkd-k = Finance and insurance
pkd-l = Real estate
pkd-m = Professional, scientific and technical activities
pkd-n = Administrative and support services
pkd-o = Public administration and defence
pkd-p = Education
pkd-q = Health and social work
pkd-r = Arts, entertainment and recreation
pkd-s = Other services
pkd-t = Households as employers
pkd-u = Extraterritorial organisations
market-sector-unknown = unknown
market-sector-register = { $section } from the REGON register (PKD { $pkd })
notice-sector-saved = The debtor's PKD section is saved; the market comparison takes it up when next computed (hourly).
stats-note = Counted from the documents the agent has sent and the payments observed on them since; invoices paid before Inkaso started are not known, so the first months' DSO can be understated. Currencies are counted apart.
behaviour-title = Payment behaviour
behaviour-empty = The debtor has not paid any document we know of yet: predictions lean on all of the firm's debtors.
col-currency = Currency
predict-title = Predicted payment
predict-range = most likely between { $from } and { $to }
predict-reason-debtor = The debtor pays { $days } late on average ({ $count ->
    [one] { $count } paid document
   *[other] { $count } paid documents
})
predict-reason-firm = The debtor has few payments ({ $count }); from all the firm's debtors, who pay { $days } late on average
predict-reason-none = The firm has no payments in its history yet: the due date, with a wide interval
predict-habit-month-end = , usually at the end of a month
predict-habit-mon = , usually on Mondays
predict-habit-tue = , usually on Tuesdays
predict-habit-wed = , usually on Wednesdays
predict-habit-thu = , usually on Thursdays
predict-habit-fri = , usually on Fridays
predict-habit-sat = , usually on Saturdays
predict-habit-sun = , usually on Sundays
predict-beyond = ; it is already later than ever before, so the interval is a rough guide

## The law firm's portal
nav-partner-cases = Cases
nav-partner-creditors = Creditors
partner-role-admin = law-firm administrator
partner-role-editor = lawyer
partner-role-viewer = assistant (read-only)
partner-party-client = creditor
partner-party-partner = your law firm
partner-party-engine = creditor's collection process
partner-inbox-title = Cases handed to the law firm
partner-tabs-label = Cases by status
partner-search = Search
partner-search-hint = debtor, NIP or document number
partner-col-creditor = Creditor
partner-col-case = Case
partner-col-debtor-key = Debtor's ERP key
partner-col-currency = Currency
partner-col-open = Cases in progress
partner-col-all = All cases
partner-age = Handed over
partner-age-30 = in the last 30 days
partner-age-90 = 31–90 days ago
partner-age-older = over 90 days ago
partner-min = Amount from (PLN)
partner-max = to (PLN)
partner-csv = Download CSV
partner-inbox-empty = No cases match. New cases appear here when a creditor hands a debtor over to the law firm.
partner-creditors-empty = No creditor works with the law firm yet.
partner-days-ago = { $count ->
    [0] today
    [one] { $count } day ago
   *[other] { $count } days ago
}
case-creditor = creditor { $name }
partner-note-label = Note for the creditor
partner-change-title = Decision and status
partner-change-to = New status
partner-accept = accept the case
partner-reject = reject the case
partner-change-note = Reason or note
partner-change-help = Give a reason when rejecting. The creditor sees the change at once, and its ERP receives it in the results.
partner-change-submit = Save
notice-case-changed = Status saved; the creditor already sees it.
notice-partner-note-added = Note added; the creditor sees it.
case-col-days-late = Days late
case-col-interest = Statutory interest to today
case-col-compensation = Compensation
case-claim-total = Total to claim today (remaining, interest, compensation)
case-claim-plus-eur = plus { $eur } EUR compensation (the creditor has not set an EUR rate in its letter settings)
case-interest-help = Interest runs from the day after the due date up to and including today, on the amount remaining at the hand-off, over a 365-day year: businesses owe the statutory interest for late payment in commercial transactions, persons the statutory interest for delay. Compensation (40, 70 or 100 EUR per invoice) applies only to commercial transactions.
case-interest-rate = Latest rate applied: { $rate }% from { $from }.
case-interest-stale = The creditor's rate table may be out of date: the latest announcement is added in its letter settings.
nav-partner-team = Team
case-event-file = File added
case-files-title = Case files
case-files-empty = No files.
case-file-name = File
case-file-size = Size
case-file-by = Added by
case-file-label = Add a file (statement of claim, court order, settlement scan)
case-file-submit = Add file
case-file-help = PDF, JPG, PNG, DOCX, ODT or XLSX, at most 10 MB. The creditor sees the file and can download it.
notice-case-file-added = File added; the creditor can download it.
case-event-payment = Settlement payment
partner-payment-title = Settlement payment
partner-payment-amount = Amount (PLN)
partner-payment-day = Day paid
partner-payment-note = Note (e.g. instalment 2 of 5)
partner-payment-submit = Record payment
partner-payment-help = The creditor sees the payment at once, and its ERP receives it in the results as the case's note.
notice-case-payment-added = Payment recorded; the creditor already sees it.
settings-inbound = SMS from debtors: "Saldo" and "STOP"
settings-inbound-help = A debtor who texts "Saldo" to the firm's two-way number gets their balance, the next due date, the oldest overdue document, the account number and a payment link; "STOP" withdraws their SMS consent. The address for SMSAPI (Settings → Callback addresses → Inbound SMS) comes from the service's administrator: inkaso-cloud callback-url.
settings-inbound-number = The firm's two-way number
settings-inbound-keyword = Keyword (shared number)
settings-inbound-keyword-help = Only when several firms share one number: the debtor texts e.g. "HURT SALDO".
settings-inbound-limit = Balance replies per number per day
settings-inbound-link = Payment link (https://…)
settings-inbound-reply-pl = Balance reply (Polish)
settings-inbound-reply-en = Balance reply (English, for "BALANCE")
settings-inbound-tags = Empty: the text shown as the hint. Tags: <saldo>, <zaleglosc>, <najblizszy_termin>, <najstarszy_dokument>, <rachunek>, <link_platnosci>, <wierzyciel>.
inbound-title = SMS from debtors
inbound-intro = Messages debtors sent to the firm's number, and what we replied. "Saldo" gets the balance (with a daily limit per number), "STOP" withdraws the SMS consent; an unknown number, a number of several debtors and a deceased debtor get a reply that discloses nothing.
inbound-empty = No SMS from debtors yet. Set the two-way number in Settings (the SMS section); the service's administrator gives the address for SMSAPI.
inbound-settings-link = Reply settings
inbound-latest = The newest messages (up to { $count })
col-received = Received
col-text = Text
col-command = Understood as
col-outcome = What was done
col-reply = Reply
inbound-command-balance = Balance
inbound-command-stop = STOP
inbound-command-other = Other message
inbound-outcome-answered = Balance given
inbound-outcome-unknown-number = Unknown number: neutral reply
inbound-outcome-several-debtors = Number of several debtors: neutral reply
inbound-outcome-deceased = Deceased debtor: neutral reply
inbound-outcome-limit-reached = Daily limit: refused
inbound-outcome-limit-silent = Over the limit: no reply
inbound-outcome-consent-withdrawn = SMS consent withdrawn
inbound-outcome-stop-unknown-number = STOP from an unknown number
inbound-outcome-recorded = Kept for reading
inbound-reply-sent = sent
inbound-reply-test-mode = test mode: not sent
inbound-reply-failed = not sent
inbound-reply-none = —
notifications-title = Notifications
notifications-now = Now
notifications-nothing-owed = nothing to pay
notifications-empty = No notifications sent or recorded by hand.
col-owed-then = Owed then
owed-arrears = overdue
owed-future = not yet due
owed-overpayment = overpaid
notification-kind-sms = SMS sent by the system
notification-kind-external-sms = SMS sent from a phone (record only)
notification-kind-call = Phone call (record only)
notification-promise = Promised payment by
notification-promise-help = If the debtor promised to pay: collection waits until that day.
notification-status-unsent = not sent
notification-status-sending = sending
notification-status-sent = sent
notification-status-failed = not sent (failed)
notification-status-recorded = recorded
settled-fully = settled in full
settled-partly = partly settled
settled-not = not settled
notification-send = Send
notification-delete = Delete
notification-confirm-delete = Delete the unsent notification?
notification-new-title = New notification
notification-text = Text (SMS) or what was said
notification-text-help = An SMS goes only to a consented mobile of an active debtor not excluded; Polish letters are replaced. A call and an SMS sent from a phone are recorded only. Sent and recorded notifications cannot be changed or deleted.
notification-submit-send = Send the SMS now / record
notification-submit-save = Save without sending
notice-notification-sent = The SMS was sent to the debtor.
notice-notification-failed = The SMS could not be sent — the reason is beside the notification; you may try again.
notice-notification-saved = The notification is saved; the SMS waits to be sent.
notice-notification-recorded = The contact with the debtor is recorded.
notice-notification-deleted = The unsent notification is deleted.
nav-notifications = Notifications
notifications-intro = Notifications sent and recorded by hand (SMS, SMS from a phone, calls) and the messages the collection processes sent (SMS, e-mail, letters, voice messages), with what the debtor owed then and whether it settled those receivables after the notice: in full, partly, not at all. Add a new notification on the debtor's page.
col-source = Source
register-source-manual = by hand
register-source-automatic = collection processes
register-channel-sms = SMS
register-channel-external-sms = SMS from a phone
register-channel-call = phone call
register-channel-email = e-mail
register-channel-letter = letter (PDF)
register-channel-registered-letter = registered letter
register-channel-voice = voice message
notification-status-delivered = delivered
notification-status-undelivered = undelivered
delivery-delivered = delivered
delivery-undelivered = undelivered ({ $status })
register-on-demand = { $process }: sent on demand
register-of-debtor = This debtor in the register of notifications, the processes' messages included
register-this-debtor = the chosen debtor
register-all-debtors = (show every debtor)
register-pdf-title = Register of notifications
register-pdf = Download PDF
register-pdf-made = Generated { $at }
register-pdf-count = { $count ->
    [one] { $count } notification
   *[other] { $count } notifications
}
register-pdf-page = Page { $page } of { $pages }
col-settled-short = Settlement
register-bulk-intro = These act on the notifications the filters above select (also those beyond the first 200 rows).
register-bulk-send = Send unsent SMS ({ $count })
register-bulk-delete = Delete unsent ({ $count })
register-bulk-delete-confirm = { $count ->
    [one] Delete { $count } unsent notification?
   *[other] Delete { $count } unsent notifications?
}
register-bulk-check = Check delivery ({ $count })
register-deleted = { $count ->
    [one] Deleted { $count } unsent notification.
   *[other] Deleted { $count } unsent notifications.
}
register-nothing-unsent = No unsent SMS for these filters.
register-checked-delivered = Delivery checked. Delivered: { $count }
register-checked-undelivered = undelivered: { $count }
register-checked-pending = still on the way: { $count }
register-checked-unknown = unknown to SMSAPI: { $count }
batch-from-register = unsent ones from the register of notifications
batch-stalled = Sending has not moved for several minutes (the server may have restarted): you can resume it.
notifications-register-empty = No notifications for these filters. Add one on a debtor's page (the Notifications section).
col-settled = Settlement after notice
col-author = Author
notifications-inbound-hint = "Saldo", "STOP" and other messages debtors sent to the firm's number, with our replies
consent-source-sms = the debtor's SMS "STOP", message { $id }
settings-sms-part-price = Price of one SMS part (PLN)
settings-sms-part-price-help = From the firm's SMSAPI price list, e.g. 0,16; used for the cost a mass notification shows before it is confirmed.
mass-title = Mass SMS
mass-intro = Choose the receivables and a template, check the preview — who gets which SMS, how many parts and at what cost, who is skipped and why — and confirm. Consent, legal status and exclusions are checked again as each message is sent.
mass-open = Mass SMS →
mass-step-choose = 1. Choose the receivables and the template
mass-step-preview = 2. Preview
mass-overdue = Overdue for at most (days)
mass-upcoming = Due within (days)
mass-min = Amount from (PLN)
mass-max = Amount to (PLN)
mass-tags = Debtor groups (tags)
mass-tags-help = Comma-separated; empty: every debtor.
mass-quiet = Skip those notified within (days)
mass-template = SMS template
mass-template-choose = — choose —
mass-no-templates = No SMS templates: add one under Templates.
mass-preview = Show the preview
mass-count = { $count ->
    [one] { $count } debtor gets an SMS
   *[other] { $count } debtors get an SMS
}
mass-parts = { $count ->
    [one] { $count } SMS part
   *[other] { $count } SMS parts
}
mass-cost = cost
mass-cost-unknown = cost unknown (set the price of an SMS part in Settings)
mass-skipped-count = { $count ->
    [one] { $count } skipped
   *[other] { $count } skipped
}
mass-confirm = { $count ->
    [one] Create and send { $count } SMS
   *[other] Create and send { $count } SMS
}
mass-confirm-help = A second click sends nothing twice.
mass-col-parts = Parts
mass-col-why = Why skipped
mass-skipped = Skipped
mass-skip-deceased = the debtor has died
mass-skip-bankrupt = the debtor is bankrupt
mass-skip-excluded = excluded from collection
mass-skip-no-mobile = no mobile number
mass-skip-no-consent = no SMS consent
mass-skip-recently-notified = notified in the last days
mass-skip-too-long = the SMS is too long for the template
mass-not-a-number = "{ $text }" is not a number
batch-title = Mass SMS
batch-state-created = Created, waiting to be sent
batch-state-sending = Sending…
batch-state-aborted = Stopped — the remaining messages were not sent
batch-state-done = Finished
batch-stopping = stopping before the next message
batch-sent = sent
batch-failed = failed
batch-unsent = to send
batch-total = in all
batch-abort = Stop sending
batch-resume = Send the rest
batch-register = The register of notifications
consent-record = Record a consent or its withdrawal
consent-number = The number consent was given for (SMS, optional)
consent-number-help = We check it is the debtor's number: a debtor may consent to one mobile number only.
consent-source = Source (how we know)
consent-source-hint = e.g. phone call on 07.12, a form, the contract
consent-basis = Legal basis
consent-basis-consent = consent (GDPR art. 6(1)(a))
consent-basis-contract = performance of a contract (GDPR art. 6(1)(b))
consent-basis-interest = legitimate interest (GDPR art. 6(1)(f))
consent-history = Consent history
notice-consent-saved = The consent is recorded.
