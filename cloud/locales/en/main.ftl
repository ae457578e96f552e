# Inkaso — messages in English (translated from Polish, the source language).

nav-dashboard = Dashboard
nav-debtors = Debtors
nav-documents = Documents
nav-processes = Processes
nav-history = Activity history
nav-cases = Cases
cases-title = Cases at the law firm
nav-settings = Settings

debtors-count = { $count ->
    [one] { $count } debtor
   *[other] { $count } debtors
}
documents-count = { $count ->
    [one] { $count } document
   *[other] { $count } documents
}
days-overdue = { $days ->
    [one] { $days } day overdue
   *[other] { $days } days overdue
}
overdue-summary = Overdue: { $amount } in { $count ->
    [one] { $count } document
   *[other] { $count } documents
}
test-mode-banner = Test mode: no message reaches debtors.
