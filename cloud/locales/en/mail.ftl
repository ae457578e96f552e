# Inkaso — e-mails about cases at law firms (services::case_mail): the law firm's digest of new
# cases and the creditor's message about the changes its law firm made. Ids: mail-….

## The law firm's digest of new cases
mail-digest-subject = Inkaso: { $count ->
    [one] a new case
   *[other] { $count } new cases
} — { $firm }
mail-digest-intro = { $count ->
    [one] Since the last digest, creditors have handed { $firm } a new case:
   *[other] Since the last digest, creditors have handed { $firm } { $count } new cases:
}
mail-digest-line = • { $creditor } — { $debtor }, { $amount }, handed over { $day }
mail-digest-more = …and { $count } more (all of them in the portal).
mail-digest-waiting = { $count ->
    [one] { $count } case is waiting for your decision (accept or reject).
   *[other] { $count } cases are waiting for your decision (accept or reject).
}
mail-digest-open = New cases in the portal: { $url }
mail-digest-footer = This digest comes { $every }, not before { $hour }:00, when there are new cases. The firm's administrator changes how often and to whom in the portal: Team → E-mail notifications.
mail-every-daily = once a day
mail-every-weekly = once a week (on Monday)

## Changes of cases for the creditor
mail-news-subject = Inkaso: { $count ->
    [one] the law firm changed the case of { $debtor }
   *[other] the law firm changed { $count } cases
}
mail-news-intro = The law firms you handed cases to have made changes:
mail-news-case = • { $debtor } ({ $amount }) — { $partner }
mail-news-status = { $at }: status "{ $from }" → "{ $to }"
mail-news-payment = { $at }: payment of { $amount } on { $day } (settlement)
mail-news-note = { $note }
mail-news-open = The case in the portal: { $url }
mail-news-footer = Your administrator turns these messages off or sends them to other people in the portal: Administration → E-mail notifications.
