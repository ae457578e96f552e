# What the service replies by SMS to a debtor's own SMS (domain::inbound, services::inbound).
# Folded to plain letters before sending; a firm may replace the balance reply with its own.
sms-balance-reply = <wierzyciel>: do zapłaty <saldo>, w tym po terminie <zaleglosc>. Najbliższy termin: <najblizszy_termin>. Najstarszy zaległy dokument: <najstarszy_dokument>. Konto: <rachunek> <link_platnosci>
sms-balance-none = brak
sms-balance-oldest = { $number } (termin { $due })
sms-balance-unknown = Nie znaleźliśmy należności przypisanych do tego numeru. W sprawie salda prosimy o kontakt z nami.
sms-balance-limit = Dzisiejszy limit zapytań o saldo z tego numeru został wyczerpany. Zapraszamy jutro.
sms-stop-confirmed = Nie będziemy już wysyłać SMS na ten numer. Aby to zmienić, skontaktuj się z nami.
sms-no-channel = brak kanału SMS (SMSAPI nie jest skonfigurowane w tej instalacji)
