# What the service replies by SMS to a debtor's own SMS (domain::inbound, services::inbound).
# Folded to plain letters before sending; a firm may replace the balance reply with its own.
sms-balance-reply = <wierzyciel>: you owe <saldo>, of which overdue <zaleglosc>. Next due date: <najblizszy_termin>. Oldest overdue document: <najstarszy_dokument>. Account: <rachunek> <link_platnosci>
sms-balance-none = none
sms-balance-oldest = { $number } (due { $due })
sms-balance-unknown = We found no receivables linked to this number. Please contact us about your balance.
sms-balance-limit = Today's limit of balance queries from this number has been reached. Please try again tomorrow.
sms-stop-confirmed = We will send no more SMS to this number. To change this, please contact us.
sms-no-channel = no SMS channel (SMSAPI is not configured in this installation)
