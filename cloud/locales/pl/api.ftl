# Inkaso — komunikaty błędów API po polsku (język źródłowy): `message_pl` w kształcie błędu
# `{"error": {"code", "field", "message_pl", "message_en"}}`, także w portalu i CLI.
# Identyfikatory według obszaru: err-http-… (wspólne), err-what-… (czego nie znaleziono),
# err-store-…, err-domain-…, err-service-…, err-agent-…, err-client-…, err-channel-…,
# err-process-…, err-hold-… i err-skip-… (planista), err-compose-…, err-runner-…,
# err-portal-…; nazwy wstawiane do komunikatów: channel-name-…, pause-name-…, legal-status-…;
# zapisy przebiegu dla historii i ERP: record-…; raport z przebiegu: report-….
# Liczby mnogie według CLDR: one (1), few (2–4, 22–24…), many (0, 5–21, 25…).

## Wspólne odpowiedzi HTTP
err-http-method-not-allowed = ta ścieżka nie obsługuje tej metody HTTP
err-http-no-such-path = nie ma takiej ścieżki
err-http-panic = błąd wewnętrzny serwera; zgłoszono go w dzienniku
err-http-server-error = błąd serwera; spróbuj ponownie później
# $what: err-what-… („dokument 7f…”).
err-http-not-found = nie znaleziono: { $what }
err-http-forbidden-role = rola nie pozwala na tę operację
err-http-token-unknown = brak lub nieprawidłowy token
err-http-token-revoked = token został odwołany lub sesja wygasła
err-http-partner-on-client-api = to konto kancelarii: przekazane sprawy są pod /api/v1/partner/cases
err-http-client-on-partner-api = to API jest tylko dla kancelarii; sprawy firmy są pod /api/v1/cases
# $reason: opis błędu z biblioteki (po angielsku).
err-http-query = nieprawidłowe parametry zapytania: { $reason }
err-http-path = nieprawidłowy parametr ścieżki: { $reason }

## API agenta
err-agent-body-too-large = treść większa niż { $max } { $max ->
    [one] bajt
    [few] bajty
   *[many] bajtów
}
# $reason: opis błędu z biblioteki (po angielsku).
err-agent-gzip = nieprawidłowy gzip: { $reason }
err-agent-encoding = nieobsługiwane kodowanie treści „{ $encoding }” (gzip)
err-agent-json = nieprawidłowa treść JSON: { $reason }
# $reason: reguła rekordu, którą operacja łamie (po polsku, z pakietu wspólnego).
err-agent-record = ops[{ $index }]: { $reason }
err-agent-op = nieprawidłowa operacja ops[{ $index }]: { $reason }
err-agent-protocol-old = agent jest za stary dla tej chmury: mówi protokołem w wersji { $version }, a chmura w wersji { $server } — zainstaluj nową wersję agenta Inkaso (dane czekają w jego kolejce i nic nie przepada)
err-agent-protocol-new = agent jest nowszy niż chmura: mówi protokołem w wersji { $version }, a chmura w wersji { $server } — zostaw poprzednią wersję agenta, aż chmura zostanie zaktualizowana (dane czekają w kolejce agenta)
err-agent-batch-too-large = paczka ma { $count } { $count ->
    [one] operację
    [few] operacje
   *[many] operacji
} (najwyżej { $max })
err-agent-seq-gap = luka w numeracji: oczekiwano seq { $expected }, otrzymano { $got }

## API klienta: logowanie, użytkownicy, windykacja
err-client-login-wrong = nieprawidłowy e-mail lub hasło
err-client-login-locked = zbyt wiele nieudanych logowań; spróbuj ponownie za { $seconds } s
err-client-login-busy = zbyt wiele logowań naraz; spróbuj ponownie za chwilę
# $reason: dlaczego adres jest zły.
err-client-email = nieprawidłowy adres e-mail: { $reason }
err-client-unknown-channel = nieznany kanał „{ $channel }”
err-client-out-no-process = brak procesu windykacji
err-client-out-past-last-stage = wszystkie etapy procesu „{ $process }” minęły (ostatni { $days } { $days ->
    [one] dzień
   *[other] dni
} po terminie)

## Kanały: ustawienia, książka nadawcza, raporty doręczeń SMSAPI
err-channel-settings-not-object = ustawienia kanałów muszą być obiektem JSON
# $reason: opis błędu arkusza.
err-channel-posting-csv = { $reason }
err-channel-posting-pdf = nie można wydrukować książki nadawczej: { $reason }
err-channel-posting-format = nieznany format „{ $format }”: json, csv lub pdf
err-channel-callback-secret = adres raportów doręczeń bez właściwego sekretu
# $reason: co jest nie tak z raportem (po polsku); $detail: to samo dla programisty.
err-channel-delivery-report = { $reason }
err-channel-too-many-reports = { $count } { $count ->
    [one] raport
    [few] raporty
   *[many] raportów
} w jednym wywołaniu; najwięcej { $max }

## Usługi aplikacji
err-service-agent-name = podaj nazwę agenta (1–100 znaków), np. nazwę bazy ERP
err-service-token-name = podaj nazwę tokenu (1–100 znaków): do czego służy
err-service-no-process-for-documents = wybrane dokumenty nie mają procesu windykacji; wskaż proces
err-service-no-process = nie ma procesu o kodzie „{ $code }”
err-service-no-document = nie znaleziono dokumentu { $id }
err-service-document-of-another-debtor = dokument należy do innego kontrahenta
err-service-process-code-mismatch = kod w treści („{ $body }”) różni się od kodu w ścieżce („{ $path }”)
err-service-rule-no-process = reguła nr { $rule }: nie ma procesu o kodzie „{ $code }”
err-service-sync-max-age = limit świeżości danych musi być w zakresie { $min }…{ $max } { $max ->
    [one] godziny
   *[other] godzin
}
err-service-consent-source = podaj źródło zgody
err-service-consent-number = podaj numer komórkowy, np. +48 601 234 567
err-service-consent-second-mobile = dłużnik ma już zgodę na SMS na numer { $first }; zgoda może dotyczyć tylko jednego numeru komórkowego (aby zmienić numer, zmień go w ERP)
err-service-consent-not-the-debtors = numer { $number } nie jest numerem dłużnika z ERP ({ $erp }); zmień numer w ERP, a potem zapisz zgodę
err-service-stats-months = liczba miesięcy musi być w zakresie 1…{ $max }
err-service-sector = sekcja PKD to jedna litera A–U (albo puste pole, by ją usunąć), nie „{ $value }”

## Silnik procesów: procesy, etapy, kanały
channel-name-sms = SMS
channel-name-email = e-mail
channel-name-letter = list (PDF)
channel-name-registered-letter = list polecony
channel-name-voice = wiadomość głosowa
channel-name-task = zadanie dla pracownika
channel-name-sales-block = blokada sprzedaży
channel-name-handoff = przekazanie do kancelarii
err-process-field-empty = pole nie może być puste
err-process-field-too-long = najwyżej { $max } { $max ->
    [one] znak
    [few] znaki
   *[many] znaków
}
err-process-field-bad-code = dozwolone są tylko litery, cyfry oraz znaki - _ .
err-process-field-out-of-range = wartość musi być w zakresie { $min }…{ $max }
err-process-field-duplicate-stage = kod etapu „{ $code }” występuje więcej niż raz
err-process-field-no-weekdays = wybierz co najmniej jeden dzień tygodnia
err-process-field-hours-order = godzina początkowa musi być wcześniejsza od końcowej (0–24)
err-process-field-no-stages = proces musi mieć co najmniej jeden etap
err-process-field-demand-before-due = wezwanie, list polecony i przekazanie do kancelarii najwcześniej 1 dzień po terminie płatności
err-process-field-skip-swallows-repeat = okres pomijania po kontakcie nie może być dłuższy ani równy odstępowi powtórzeń (powtórzenia nigdy by nie wyszły)
err-process-field-cannot-repeat = przekazania do kancelarii i blokady sprzedaży nie można powtarzać
err-process-field-pdf-not-supported = wezwanie PDF można dołączyć tylko do listu, listu poleconego lub e-maila
err-process-field-sms-only = dotyczy tylko etapów SMS
err-process-field-negative = kwota nie może być ujemna
# $problem: err-process-field-… bez nazwy pola.
err-process-field = pole „{ $field }”: { $problem }
err-process-usage-default = jest procesem domyślnym
err-process-usage-debtors = przypisany do { $count } { $count ->
    [one] kontrahenta
   *[other] kontrahentów
} (m.in. { $examples })
err-process-usage-group-rule = używany w regule grupy nr { $number }
err-process-duplicate-code = proces o kodzie „{ $code }” już istnieje
err-process-no-default = żaden proces nie jest oznaczony jako domyślny
err-process-multiple-defaults = więcej niż jeden proces domyślny: { $codes }
err-process-unknown = nie ma procesu o kodzie „{ $code }”
# $usages: err-process-usage-… rozdzielone średnikami.
err-process-in-use = nie można usunąć procesu „{ $code }”: { $usages }

## Planista: dlaczego akcja czeka (wstrzymana) albo przepadła (pominięta)
err-hold-debtor-excluded = kontrahent wyłączony z windykacji
err-hold-document-excluded = dokument wyłączony z windykacji
err-hold-sync-stale = dane z ERP są nieaktualne: ostatnia synchronizacja agenta { $last_sync } (limit { $hours } h) — wstrzymano, żeby nie upominać za zapłacone faktury
err-hold-never-synced = agent jeszcze nie zsynchronizował danych — wstrzymano
err-hold-until = do { $date }
err-hold-until-lifted = do odwołania
# $kind: rodzaj wstrzymania (pause-name-…); $until: err-hold-until…
err-hold-paused = wstrzymano ({ $kind }) { $until }
err-hold-paused-because = wstrzymano ({ $kind }) { $until }: { $reason }
err-hold-no-slot = okno wysyłki etapu nie dopuszcza żadnego terminu
err-skip-superseded = pominięto: zastąpiony późniejszym etapem „{ $stage }” (wystąpienie { $occurrence })
err-skip-expired = pominięto: termin { $date } minął zbyt dawno
err-skip-below-minimum = pominięto: kwota { $amount } poniżej minimum { $minimum }
# $channel: channel-name-…
err-skip-channel-disabled = pominięto: kanał { $channel } wyłączony
err-skip-no-consent = pominięto: brak zgody na kanał { $channel }
err-skip-no-contact = pominięto: brak danych kontaktowych dla kanału { $channel }
err-skip-not-overdue = pominięto: termin płatności { $date } jeszcze nie minął
err-skip-recently-contacted = pominięto: kontakt z kontrahentem { $at } (w ciągu { $days } { $days ->
    [one] dnia
   *[other] dni
})
err-on-demand-unknown-stage = proces „{ $process }” nie ma etapu „{ $stage }”

## Stan dłużnika
pause-name-promise-to-pay = obietnica zapłaty
pause-name-dispute = spór
pause-name-manual = wstrzymanie ręczne
legal-status-active = aktywny
legal-status-deceased = kontrahent zmarły
legal-status-bankrupt = kontrahent w upadłości
err-amount-overflow = suma należności dłużnika przekracza zakres liczb: sprawdź kwoty w ERP

## Składanie wiadomości i pism
err-compose-no-contact = brak danych kontaktowych dla kanału { $channel }
err-compose-no-address = brak adresu pocztowego dłużnika { $debtor }
err-compose-no-creditor = uzupełnij dane wierzyciela (nazwa, adres, rachunek) w ustawieniach kanałów
err-compose-wrong-template = szablon { $code } jest dla kanału { $found }, a etap wysyła { $wanted }
err-compose-template = szablon { $code }: { $reason }
err-compose-sms-too-long = SMS za długi: { $reason }
err-compose-letter = pismo: { $reason }
err-compose-no-documents = żaden dokument akcji nie jest już otwarty

## Rdzeń domeny: sprawy, windykacja, konta, ustawienia kanałów
err-domain-case-status-unknown = nieznany status sprawy „{ $status }” (dozwolone: { $allowed })
err-domain-case-status-final = nie można zmienić statusu z „{ $from }” na „{ $to }”: sprawa w statusie „{ $from }” jest zakończona
err-domain-case-status-move = nie można zmienić statusu z „{ $from }” na „{ $to }” (z „{ $from }” dozwolone: { $allowed })
err-domain-digest-every-unknown = nieznana częstotliwość zestawienia „{ $value }” (dozwolone: daily, weekly, off)
err-domain-digest-hour = godzina zestawienia „{ $value }” musi być liczbą od 0 do 23
err-domain-recipient-invalid = „{ $value }” nie jest adresem e-mail
err-domain-recipients-many = { $count } adresów to za dużo (najwyżej { $max })
err-domain-case-note-too-long = notatka może mieć najwyżej { $max } { $max ->
    [one] znak
    [few] znaki
   *[many] znaków
}
err-domain-tag-length = znacznik musi mieć od 1 do { $max } { $max ->
    [one] znaku
   *[other] znaków
}
err-domain-too-many-tags = najwyżej { $max } { $max ->
    [one] znacznik
    [few] znaczniki
   *[many] znaczników
}
err-domain-request-id = identyfikator żądania: litery, cyfry oraz - _ . (najwyżej 64 znaki)
err-domain-no-stages-chosen = wybierz co najmniej jeden etap
err-domain-on-demand-documents = wybierz od 1 do { $max } { $max ->
    [one] dokumentu
   *[other] dokumentów
}
err-domain-forecast-days = liczba dni musi być w zakresie 1…{ $max }
err-domain-promise-date = podaj datę, do której kontrahent obiecał zapłacić
err-domain-pause-end = podaj datę końca wstrzymania
err-domain-date-past = data { $date } już minęła
err-domain-pause-reason = podaj powód wstrzymania
err-domain-role-unknown = nieznana rola „{ $role }” (admin, editor, viewer)
err-domain-bank-account = „{ $account }” nie jest poprawnym numerem rachunku (NRB: 26 cyfr, albo IBAN); sprawdź cyfry
err-domain-creditor-name-required = pole „nazwa wierzyciela” jest wymagane
err-domain-creditor-street-required = pole „ulica i numer” jest wymagane
err-domain-creditor-postcode-required = pole „kod pocztowy i miejscowość” jest wymagane
err-domain-postcode = „{ $text }”: wpisz kod pocztowy i miejscowość, np. „00-950 Warszawa”
err-domain-deadline-days = termin zapłaty musi wynosić od 1 do 60 dni
err-domain-task-days = termin zadania musi wynosić od 1 do 60 dni

## Czego nie znaleziono (wstawiane do err-http-not-found)
err-what-case = sprawa { $id }
err-what-process = proces { $code }
err-what-agent = agent { $id }
err-what-agent-or-revoked = agent { $id } (lub już odwołany)
err-what-template = szablon { $code }
err-what-action-letter = pismo akcji { $action }
err-what-letter = pismo { $id }
err-what-registered-letter = list polecony { $id }
err-what-task = zadanie { $id }
err-what-user = użytkownik { $id }
err-what-debtor = dłużnik { $id }
err-what-document = dokument { $id }
err-what-pause = wstrzymanie { $id }
err-what-firm = firma { $id }
err-what-token = token { $id }
err-what-contact = kontakt { $channel } dłużnika { $debtor }
err-what-exclusion = wykluczenie { $id }
err-what-nip = NIP { $nip }

## Magazyn: sprawy przekazane kancelariom
err-store-case-from-partner = sprawy przekazuje firma-klient, nie kancelaria
err-store-case-race = dłużnik { $debtor }: sprawa zmieniała się równocześnie; spróbuj ponownie
err-store-case-note-empty = notatka nie może być pusta
err-store-case-changed = sprawa { $case } zmieniła się w międzyczasie; odśwież ją i spróbuj ponownie
err-store-case-agent-required = podaj agenta
err-store-case-debtor-required = podaj dłużnika (klucz z ERP)
err-store-case-documents-required = podaj co najmniej jeden dokument do przekazania
err-store-case-partner-not-linked = kancelaria { $partner } nie jest powiązana z firmą (powiązane: { $linked })
err-store-case-partner-not-linked-none = kancelaria { $partner } nie jest powiązana z firmą (powiązane: brak)
err-store-case-no-partner = firma nie ma powiązanej kancelarii; powiąż ją (inkaso-cloud partner link) i spróbuj ponownie
err-store-case-several-partners = firma ma kilka kancelarii; wybierz jedną: { $linked }
err-store-case-total-overflow = suma dokumentów przekracza zakres liczb
err-store-case-held-documents = { $documents } (sprawa { $case })
# $held: err-store-case-held-documents rozdzielone średnikami.
err-store-case-documents-held = część dokumentów jest już w otwartej sprawie: { $held }
err-store-case-unknown-debtor = agent { $agent } nie przysłał dłużnika { $debtor }
err-store-case-unknown-documents = dłużnik { $debtor } nie ma dokumentów: { $documents }
err-store-case-nothing-open = żaden z dokumentów nie jest już otwarty (zapłacone lub zamknięte); nie ma czego przekazać
err-store-case-currencies = dokumenty są w różnych walutach ({ $currencies }); przekaż je osobno dla każdej waluty

## Magazyn: konta, szablony, pisma, zadania, dane agentów, zapytania
err-store-cursor = nieprawidłowy kursor
err-store-cursor-named = nieprawidłowy kursor „{ $cursor }”
err-store-template-code = kod szablonu: od 1 do 64 znaków
err-store-template-in-use = szablon { $code } jest używany w etapach: { $stages }
err-store-creditor-missing = uzupełnij dane wierzyciela (nadawcy) w ustawieniach kanałów
err-store-tracking-number = numer nadania: od 1 do 40 znaków
err-store-task-closed = zadanie { $id } jest już zamknięte
err-store-password-mismatch = obecne hasło jest inne
err-store-last-admin = to ostatni aktywny administrator firmy; najpierw nadaj rolę administratora komuś innemu
err-store-passwords-busy-checking = zbyt wiele haseł liczonych naraz; spróbuj ponownie za chwilę
err-store-passwords-busy-hashing = zbyt wiele haseł liczonych naraz; spróbuj ponownie za chwilę
err-store-promise-needs-date = obietnica zapłaty wymaga daty
err-store-action-status-unknown = nieznany status „{ $status }” ({ $allowed })
err-store-period-order = początek okresu ({ $since }) jest po jego końcu ({ $until })
err-store-seq-from-one = seq zaczyna się od 1
err-store-batch-order = nie udało się ustalić kolejności paczki; ponów
err-store-snapshot-empty = pusty identyfikator migawki
# $open: otwarta migawka, jak ją zapisuje Rust (Some("…") albo None).
err-store-snapshot-unmatched = snapshot_end „{ $snapshot }” bez pasującego snapshot_begin (otwarta: { $open })
err-store-value-too-large = wartość { $value } jest za duża
err-store-password-short = hasło musi mieć co najmniej { $min } { $min ->
    [one] znak
    [few] znaki
   *[many] znaków
}
err-store-name-empty = nazwa nie może być pusta
err-store-not-a-partner = to nie jest kancelaria
err-store-user-exists = użytkownik { $email } już istnieje
err-store-agent-of-partner = agent należy do firmy-klienta, nie do kancelarii
err-store-sort-unknown = nieznany porządek „{ $sort }” (możliwe: { $known }; minus przed nazwą odwraca kolejność)
err-store-filter-needs-day = filtr „po terminie” i „wstrzymani” potrzebuje dnia
err-store-legal-status-unknown = nieznany status prawny „{ $status }” (active, deceased, bankrupt)
err-store-filter-process-unknown = nie ma procesu „{ $code }”
err-store-open-or-closed = status: open lub closed
err-store-currency-unknown = nieznana waluta
err-store-amount-positive = podaj kwotę > 0
err-store-exclusion-kind = nieznany rodzaj wykluczenia „{ $kind }” lub pusta wartość
err-store-overdue-days = { $field }: liczba dni od 0 do { $max }

## Strony portalu, których nie da się pokazać
err-portal-not-found = Nie ma takiej strony albo nie należy ona do Twojej firmy.
err-portal-forbidden = Twoja rola nie pozwala na tę zmianę. Poproś administratora firmy o wyższą rolę.
err-portal-csrf = Formularz wygasł albo nie pochodzi z tej strony. Odśwież stronę i spróbuj ponownie.
err-portal-server = Błąd serwera. Spróbuj ponownie za chwilę; jeśli się powtarza, zgłoś to administratorowi.
# $detail: co w formularzu jest nie tak (nazwa pola albo opis z biblioteki).
err-portal-bad-form = Nieprawidłowe dane formularza: { $detail }
err-portal-law-firm = To konto kancelarii: jej sprawy są na stronie Sprawy (/partner), nie w portalu wierzyciela.
err-portal-not-law-firm = Ta strona jest dla kancelarii. Sprawy przekazane przez Twoją firmę są na stronie Sprawy w kancelarii (/cases).
err-portal-amount = Kwota w polu „{ $field }” musi być liczbą całych złotych (nie „{ $value }”).
err-portal-reject-reason = Podaj powód odrzucenia sprawy; wierzyciel go zobaczy.
err-portal-bcc-line = wiersz { $line }: wpisz „KOD_ETAPU: adres, adres”
err-portal-not-email = „{ $text }” nie jest adresem e-mail
err-portal-days-number = wpisz liczbę dni

## Silnik w biegu: dlaczego akcja czeka
# $channel: channel-name-…; $reason: słowa dostawcy.
err-runner-channel-paused = kanał { $channel } wstrzymany: { $reason }
err-runner-channel-not-configured = kanał { $channel } nie jest skonfigurowany
err-runner-retry = ponowienie: { $reason }
err-runner-awaiting-register = czekam na adres firmy z rejestru VAT

## Zapisy przebiegu: historia akcji, ERP i raport e-mail (zawsze po polsku, w języku ERP)
record-sales-unblocked = zadłużenie spłacone: sprzedaż odblokowana
record-sales-block-reason = { $stage }: zaległe płatności
record-sales-block-test-mode = { $description } (tryb testowy: blokada nie trafiła do ERP)
record-handoff-test-mode = { $description } (tryb testowy: sprawa nie trafiła do kancelarii)
record-handoff-opened = { $description }; sprawa { $case } w kancelarii { $partner }
record-sent-already = { $description } (dostawca miał już tę wiadomość: wcześniejsza próba doszła)
record-letter-printed = { $description }; pismo { $number } ({ $file })
record-task-created = { $description }; termin zadania { $due }
record-replanned-changed = akcja zmieniła się; nowy plan w następnym cyklu
record-replanned-no-stage = etapu nie ma już w procesie
record-held-register = czekam na adres z rejestru VAT
# $status: delivered albo undelivered (kod SMSAPI, jak w zdarzeniu dla ERP).
record-delivery-report = { $description } — raport doręczenia: { $status }
# $what: record-what-…; $documents: record-document rozdzielone przecinkami.
record-description = { $stage }: { $what }; { $documents }
record-document = { $number } ({ $remaining }, termin { $due })
record-what-sms = SMS
record-what-email = e-mail
record-what-voice = wiadomość głosowa
record-what-letter = list (PDF) do wydruku i wysłania
record-what-registered-letter = list polecony do nadania (książka nadawcza)
record-what-task = zadanie dla windykatora
record-what-sales-block = blokada sprzedaży w ERP
record-what-handoff = przekazanie sprawy do kancelarii
record-report-subject = Inkaso: raport z przebiegu procesów { $at }
record-report-no-email = raport nie wysłany: kanał e-mail nie jest skonfigurowany
record-report-sent = raport wysłany ({ $provider_id })
record-report-already-sent = raport już wysłany
record-case-digest-sent = { $firm }: zestawienie nowych spraw ({ $count }) wysłane do: { $to }
record-case-news-sent = { $firm }: wiadomość o zmianach w sprawach ({ $count }) wysłana do: { $to }
record-case-mail-nobody = { $firm }: nie ma komu wysłać e-maila o sprawach (żadnego aktywnego administratora ani redaktora, żadnych ustawionych adresów)
record-case-mail-failed = { $firm }: e-mail o sprawach nie wysłany: { $reason } (ponowna próba w następnej rundzie)
record-report-not-sent = raport nie wysłany: { $reason }

## Raport z przebiegu (e-mail do klienta i wydruk `inkaso-cloud run`)
report-title = Raport windykacji: { $at }
report-sent-none = Wysłano: brak
report-sent = Wysłano: { $count } ({ $documents } { $documents ->
    [one] dokument
    [few] dokumenty
   *[many] dokumentów
})
report-failed = Nie powiodło się: { $count }
report-skipped = Pominięto: { $count }
report-held = Wstrzymano: { $count }
err-domain-case-file-empty = plik jest pusty
err-domain-case-file-too-large = plik może mieć najwyżej { $max } MB
err-domain-case-file-type = „{ $name }” nie jest plikiem PDF, JPG, PNG, DOCX, ODT ani XLSX
err-portal-file-missing = Wybierz plik do dodania.
err-what-case-file = plik { $id }
err-store-case-payment-amount = kwota płatności musi być większa od zera
err-store-case-payment-future = dzień płatności nie może być w przyszłości
err-store-case-payment-status = płatność z ugody można zapisać tylko w sprawie przyjętej, w sądzie lub w ugodzie (teraz: „{ $status }”)
record-case-payment = Płatność z ugody: { $amount } z dnia { $day }
err-portal-payment-amount = Kwota „{ $value }” nie jest kwotą w złotych (np. 1500 lub 1 500,50).
err-portal-date = „{ $value }” nie jest datą (RRRR-MM-DD).
err-domain-inbound-keyword = „{ $text }”: słowo kluczowe to jedno słowo z 2–20 liter lub cyfr, bez spacji i polskich znaków
err-domain-reply-tag = znacznik <{ $tag }> nie istnieje w odpowiedzi o saldo; dostępne: { $known }
err-domain-payment-link = „{ $text }”: link do płatności musi zaczynać się od https:// i nie mieć spacji
err-domain-balance-limit = dzienny limit zapytań o saldo z jednego numeru musi wynosić od { $min } do { $max }
err-channel-inbound-sms = nie można odczytać SMS przychodzącego: { $reason }
err-domain-notification-text = wpisz treść powiadomienia
err-domain-notification-call-text = wpisz, co ustalono w rozmowie
err-domain-notification-long = treść może mieć najwyżej { $max } znaków
err-domain-notification-promise-past = data obietnicy zapłaty nie może być w przeszłości
err-service-notification-no-mobile = dłużnik nie ma numeru komórkowego, na który można wysłać SMS
err-service-notification-no-consent = dłużnik nie wyraził zgody na SMS na numer { $number }
err-service-notification-deceased = dłużnik nie żyje: nie wysyłamy mu powiadomień
err-service-notification-bankrupt = dłużnik jest w upadłości: powiadomienia nie są do niego wysyłane (wierzytelności zgłasza się syndykowi)
err-service-notification-excluded = dłużnik jest wyłączony z windykacji: nie wysyłamy mu powiadomień
err-service-notification-sent = powiadomienie zostało już wysłane lub zapisane: nie można go zmienić ani usunąć
err-service-notification-sms = SMS jest za długi: { $reason }
err-service-delivery-no-sms = usługa nie ma konta SMSAPI: statusu doręczenia nie można sprawdzić
err-service-register-nothing-unsent = nie ma niewysłanych SMS dla tych filtrów
err-service-delivery-provider = SMSAPI nie odpowiada ({ $reason }); sprawdzono { $count } z { $total }, spróbuj później
err-what-notification = powiadomienie { $id }
err-domain-mass-days = najwyżej { $max } dni
err-domain-mass-window = wybierz należności: zaległe od ilu dni albo wymagalne w ciągu ilu dni
err-domain-mass-amount = kwota nie może być ujemna
err-domain-mass-range = kwota „do” jest mniejsza niż „od”
err-service-mass-template = szablon „{ $code }” nie jest szablonem SMS
err-service-mass-empty = nikogo nie ma do powiadomienia: zmień filtry
err-what-batch = wysyłka { $id }
err-portal-part-price = „{ $text }”: wpisz cenę w złotych, np. 0,16
