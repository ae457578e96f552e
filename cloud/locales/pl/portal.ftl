# Portal klienta — po polsku. Słownictwo: ../shared/design/portal.md.

## Układ strony
skip-to-content = Przejdź do treści
nav-label = Menu główne
nav-letters = Pisma i książki nadawcze
nav-tasks = Zadania
nav-admin = Administracja
nav-account = Moje konto
switch-lang = English
logout = Wyloguj
error-title = Nie udało się
error-home = Wróć na pulpit

## Logowanie
login-title = Logowanie
login-submit = Zaloguj
login-help = Konto zakłada administrator Twojej firmy. Jeśli nie pamiętasz hasła, poproś go o nowe.
login-wrong = Nieprawidłowy e-mail lub hasło.
login-locked = { $count ->
    [one] Zbyt wiele nieudanych prób. Spróbuj ponownie za { $count } sekundę.
    [few] Zbyt wiele nieudanych prób. Spróbuj ponownie za { $count } sekundy.
   *[other] Zbyt wiele nieudanych prób. Spróbuj ponownie za { $count } sekund.
}
login-busy = Zbyt wiele logowań naraz. Spróbuj ponownie za chwilę.
login-choice-expired = Wybór firmy wygasł. Zaloguj się ponownie.
choose-title = Wybierz firmę
choose-help = Ten adres e-mail ma konta w kilku firmach. W której chcesz pracować?
field-email = E-mail
field-password = Hasło

## Moje konto
account-title = Moje konto
password-change-title = Zmiana hasła
field-current-password = Obecne hasło
field-new-password = Nowe hasło
field-confirm-password = Powtórz nowe hasło
password-rules = Co najmniej 10 znaków.
password-change-submit = Zmień hasło
password-change-effect = Po zmianie hasła wszystkie inne sesje tego konta zostaną zakończone.
password-mismatch = Nowe hasło i jego powtórzenie się różnią.
notice-password-changed = Zmieniono hasło. Inne sesje zostały zakończone.

## Role
role-viewer = podgląd
role-editor = edycja
role-admin = administrator

## Pulpit
dashboard-empty = Brak należności — agent jeszcze nie zsynchronizował danych albo wszystko jest zapłacone. Zobacz Administracja → Agenci.
kpi-owed = Należności
kpi-overdue = Przeterminowane
ageing-chart-title = Struktura wiekowa należności ({ $currency })
ageing-current = w terminie
ageing-1-30 = 1–30 dni
ageing-31-60 = 31–60 dni
ageing-61-90 = 61–90 dni
ageing-90 = ponad 90 dni
forecast-title = { $count ->
    [one] Co zrobi system: dziś i przez { $count } dzień
   *[other] Co zrobi system: dziś i przez { $count } dni
}
forecast-empty = Procesy nie planują żadnych działań.
forecast-computed = Prognoza z { $time }; odświeża się co minutę.
col-today = Dziś
col-next-days = { $count ->
    [one] { $count } dzień
   *[other] { $count } dni
}
recent-title = { $count ->
    [one] Działania z ostatniego dnia
   *[other] Działania z ostatnich { $count } dni
}
recent-empty = W tym okresie nie było działań.
see-history = Cała historia działań
attention-title = Wymaga uwagi
attention-empty = Nic nie czeka na decyzję człowieka.
task = zadanie
open-tasks = Zadania
agents-title = Agenci
agents-empty = Brak agentów. Administrator dodaje agenta w Administracji; agent działa obok systemu ERP.
col-agent = Agent
col-last-sync = Ostatnia synchronizacja
col-quarantined = W kwarantannie
col-state = Stan
agent-fresh = dane aktualne
agent-stale = dane nieaktualne
agent-never = jeszcze nie synchronizował
agent-revoked = odwołany
agent-active = aktywny

## Dłużnicy
debtors-search = Szukaj
debtors-search-hint = nazwa, NIP, telefon lub e-mail
filter-open = Należności
filter-all = wszystkie
filter-with-open = z otwartymi dokumentami
filter-without-open = bez otwartych dokumentów
filter-overdue = z zaległościami po terminie
filter-paused = Wstrzymanie
filter-paused-yes = wstrzymani
filter-paused-no = bez wstrzymania
filter-apply = Pokaż
filter-origin = Źródło
debtors-empty = Brak dłużników — agent jeszcze nie zsynchronizował danych. Zobacz Administracja → Agenci.
debtors-none-found = Nie znaleziono dłużników dla tych filtrów.
col-name = Nazwa
col-nip = NIP
col-kind = Rodzaj
col-open-documents = Otwarte dokumenty
kind-company = firma
kind-person = osoba
debtor-removed = usunięty w ERP
debtor-excluded = wykluczony z windykacji
debtor-key = kontrahent
next-page = Następna strona
first-page = Pierwsza strona
pager-label = Strony listy
list-position = { $first }–{ $last } z { $total }
filter-process = Proces
filter-all-processes = Wszystkie procesy
documents-search = Numer dokumentu
documents-search-hint = np. FV/12/2026
collection-title = Windykacja
col-process = Proces
process-why-own = własny proces dłużnika
process-why-rule = { $count ->
    *[other] według reguły grupy nr { $count }
}
process-why-default = proces domyślny firmy
process-none = poza windykacją: firma nie ma procesu domyślnego
col-legal-status = Status prawny
legal-active = zwykły
legal-deceased = zmarły
legal-bankrupt = upadłość
col-address = Adres
col-vat-status = Status VAT
contacts-title = Kontakty i zgody
contacts-empty = Brak kontaktów.
col-contact = Kontakt
col-consent = Zgoda
consent-given = zgoda
consent-refused = brak zgody
consent-unknown = nie odnotowano
pauses-title = Wstrzymania
pauses-empty = Windykacja nie jest wstrzymana.
pause-active = trwa
pause-lifted = zakończone
pause-kind-promise-to-pay = Obietnica zapłaty
pause-kind-dispute = Spór
pause-kind-manual = Wstrzymanie
until = do
pause-lift = Zakończ wstrzymanie
pause-new-title = Wstrzymaj lub zapisz obietnicę zapłaty
field-pause-kind = Rodzaj
field-until = Do dnia
field-until-help = Dla obietnicy zapłaty: dzień, do którego dłużnik obiecał zapłacić.
field-reason = Powód lub notatka
field-pause-document = Dotyczy
pause-all-documents = wszystkich dokumentów dłużnika
pause-submit = Zapisz
pause-until-invalid = Podaj datę w postaci dzień, miesiąc, rok.
notice-pause-added = Zapisano. Windykacja dłużnika jest wstrzymana.
notice-pause-lifted = Zakończono wstrzymanie.

## Dokumenty
documents-empty = Brak dokumentów.
documents-none-found = Nie znaleziono dokumentów dla tych filtrów.
col-number = Numer
col-issued = Wystawiony
col-due = Termin płatności
col-overdue = Po terminie
col-amount = Kwota
col-remaining = Do zapłaty
col-status = Stan
col-debtor = Dłużnik
doc-open = otwarty
doc-closed = zamknięty
close-paid = zapłacony
close-excluded = wykluczony
close-deleted = usunięty w ERP
overdue-1 = po terminie
overdue-31 = ponad 30 dni
overdue-61 = ponad 60 dni
overdue-91 = ponad 90 dni
due-today = termin dziś
due-in-days = { $days ->
    [one] za { $days } dzień
   *[other] za { $days } dni
}

## Historia działań
history-empty = Brak działań.
col-when = Kiedy
col-channel = Kanał
col-stage = Proces / etap
col-details = Szczegóły
manual = ręczne
automatic = automatyczne
channel-sms = SMS
channel-email = E-mail
channel-letter = List
channel-registered-letter = List polecony
channel-voice = Połączenie głosowe
channel-task = Zadanie
channel-sales-block = Blokada sprzedaży
channel-handoff = Przekazanie do kancelarii
status-planned = zaplanowane
status-claimed = w toku
status-held = wstrzymane
status-sent = wysłane
status-failed = nieudane
status-skipped = pominięte

## Pisma
letters-empty = Nie wygenerowano jeszcze żadnych pism.
col-date = Data
col-addressee = Adresat
col-tracking = Numer nadania
letter-registered = list polecony
letter-plain = list zwykły
download-pdf = Pobierz PDF

## Zadania
tasks-empty = Brak zadań.
col-subject = Zadanie
col-task-due = Do kiedy
task-open = otwarte
task-done = zamknięte
task-late = po terminie
task-close = Zamknij
field-note = Notatka
notice-task-closed = Zamknięto zadanie.

## Administracja
users-title = Użytkownicy
col-role = Rola
col-actions = Działania
you = to Ty
save = Zapisz
user-active = aktywny
user-disabled = zablokowany
user-enable = Odblokuj
user-disable = Zablokuj
user-reset = Nowe hasło
user-add-title = Dodaj użytkownika
user-add = Dodaj
user-add-help = Nowy użytkownik dostaje losowe hasło, pokazane raz. Przekaż je osobiście; użytkownik zmieni je w „Moje konto”.
user-email-invalid = Nieprawidłowy adres e-mail: { $reason }
user-added-password = Hasło użytkownika { $email }:
user-reset-password = Nowe hasło użytkownika { $email } (jego sesje zostały zakończone):
secret-once = Pokazujemy to tylko raz. Zapisz lub przekaż teraz.
notice-user-added = Dodano użytkownika.
notice-user-role-changed = Zmieniono rolę. Sesje użytkownika zostały zakończone.
notice-user-disabled = Zablokowano użytkownika i zakończono jego sesje.
notice-user-enabled = Odblokowano użytkownika.
col-profile = Profil ERP
col-agent-version = Wersja
agent-revoke = Odwołaj
agent-add-title = Dodaj agenta
field-agent-name = Nazwa agenta
agent-add = Dodaj agenta
agent-token-once = Token agenta { $name } — wklej go w konfiguracji agenta:
notice-agent-added = Dodano agenta.
notice-agent-revoked = Odwołano agenta: jego następne połączenie zostanie odrzucone.

## Potwierdzenia
confirm-user-disable = Zablokować użytkownika { $email }? Jego sesje zostaną zakończone.
confirm-user-reset = Nadać nowe hasło użytkownikowi { $email }? Obecne przestanie działać, a jego sesje zostaną zakończone.
confirm-agent-revoke = Odwołać agenta { $name }? Jego następne połączenie zostanie odrzucone; nowy token to nowy agent.
confirm-pause-lift = Zakończyć wstrzymanie? Windykacja ruszy przy najbliższym cyklu.

## Procesy
nav-templates = Szablony
process-new = Nowy proces
processes-empty = Nie ma jeszcze procesu windykacji. Utwórz pierwszy — stanie się procesem domyślnym.
col-code = Kod
col-stages = Etapy
col-reach = Zasięg
process-default = domyślny
stages-count = { $count ->
    [one] { $count } etap
    [few] { $count } etapy
   *[many] { $count } etapów
}
process-reach = { $count ->
    [0] do terminu płatności
    [one] do { $count } dnia po terminie
   *[other] do { $count } dni po terminie
}
process-make-default = Ustaw jako domyślny
confirm-process-delete = Usunąć proces „{ $name }”? Historia jego działań zostanie zachowana.
delete = Usuń
rules-title = Reguły grup
rules-help = Dłużnik bez własnego procesu dostaje proces pierwszej pasującej reguły, a gdy żadna nie pasuje — proces domyślny. Puste pole pasuje do każdego. Aby usunąć regułę, wybierz „usuń regułę”.
col-debtor-kind = Rodzaj dłużnika
col-tag = Etykieta
col-min-total = Saldo od (zł)
col-max-total = Saldo do (zł)
rule-remove = — usuń regułę —
rule-none = — nowa reguła —
kind-any = dowolny
rules-save = Zapisz reguły
rule-number = Reguła nr
field-whole-number = wpisz liczbę całkowitą
process-code-fixed = kodu zapisanego procesu nie można zmienić; utwórz nowy proces
notice-process-default = Ustawiono proces domyślny.
notice-process-deleted = Usunięto proces.
notice-process-created = Utworzono proces.
notice-process-saved = Zapisano proces.
notice-rules-saved = Zapisano reguły grup.
process-has-errors = Proces nie został zapisany:
process-errors-count = { $count ->
    [one] Popraw { $count } pole oznaczone poniżej.
    [few] Popraw { $count } pola oznaczone poniżej.
   *[many] Popraw { $count } pól oznaczonych poniżej.
}
timeline-title = Etapy na osi czasu
timeline-due = termin płatności
# $offset: dni od terminu ze znakiem („+7”, „-14”); $days: ich liczba bez znaku.
timeline-tick = { $offset } { $days ->
    [one] dzień
   *[other] dni
}
preview-title = { $count ->
    [one] Co proces wyśle w ciągu { $count } dnia
   *[other] Co proces wyśle w ciągu { $count } dni
}
preview-scope-all = { $count ->
    [one] Proces nie jest jeszcze przypisany nikomu: podgląd dla { $count } dłużnika z otwartymi dokumentami, tak jakby obejmował wszystkich.
   *[other] Proces nie jest jeszcze przypisany nikomu: podgląd dla { $count } dłużników z otwartymi dokumentami, tak jakby obejmował wszystkich.
}
preview-scope-assigned = { $count ->
    [one] Podgląd dla { $count } dłużnika, którego obejmuje ten proces.
   *[other] Podgląd dla { $count } dłużników, których obejmuje ten proces.
}
preview-due = { $count ->
    [one] { $count } działanie
    [few] { $count } działania
   *[many] { $count } działań
}
preview-skipped = { $count ->
    [one] { $count } pominięte
   *[other] { $count } pominiętych
}
preview-empty = W tym okresie proces nic by nie wysłał.
preview-send = wyśle
preview-note = Podgląd zakłada, że nikt nie zapłaci, a agent będzie synchronizował dane. Nic nie zostało zapisane ani wysłane.
preview-button = { $count ->
    [one] Podgląd { $count } dnia
   *[other] Podgląd { $count } dni
}
process-fields = Proces
process-code-help = Litery, cyfry, „-”, „_” i „.”; nie zmienia się po zapisaniu.
field-catch-up = Nadrabianie zaległych etapów (dni)
field-catch-up-help = Etap zaległy dłużej (np. po przerwie w synchronizacji) jest pomijany, a nie wykonywany z opóźnieniem.
process-set-default = Ustaw jako proces domyślny
stage-number = Etap { $count }
field-offset = Dzień względem terminu
field-offset-help = Ujemny przed terminem, 0 w dniu terminu, dodatni po terminie.
field-template = Szablon
field-template-help = Kod szablonu; kod bez szablonu oznacza tekst wbudowany.
field-min-amount = Kwota minimalna (zł)
field-min-scope = Kwota liczona
scope-per-document = dla każdego dokumentu
scope-per-debtor = dla salda dłużnika
field-repeat-every = Powtarzaj co (dni)
field-repeat-times = Razem razy
field-skip-contacted = Pomiń, jeśli był kontakt w ciągu (dni)
field-weekdays = Dni wysyłki
day-mon = pon.
day-tue = wt.
day-wed = śr.
day-thu = czw.
day-fri = pt.
day-sat = sob.
day-sun = niedz.
field-hours-from = Od godziny
field-hours-to = Do godziny
field-skip-holidays = Bez świąt ustawowych
field-grouping = Wysyłka
grouping-per-debtor = jedna na dłużnika
grouping-per-document = osobno dla każdego dokumentu
field-pdf = Pismo PDF
pdf-none = bez pisma
pdf-reminder = Ponaglenie zapłaty
pdf-demand = Wezwanie do zapłaty
pdf-admonition = Upomnienie
field-compensation = Dolicz rekompensatę (40/70/100 EUR)
field-max-parts = Najwięcej części SMS
stage-remove = Usuń etap { $count }
stage-add = Dodaj etap
col-stage-short = Etap

## Szablony
template-new = Nowy szablon
template-new-sms = Nowy szablon SMS
template-new-email = Nowy szablon e-mail
template-new-voice = Nowy komunikat głosowy
templates-empty = Nie ma jeszcze własnych szablonów: etapy używają tekstów wbudowanych. Utwórz szablon, aby pisać własnymi słowami.
templates-builtin-note = Etap, którego kod szablonu nie odpowiada żadnemu szablonowi, wysyła tekst wbudowany.
col-reason = Przyczyna kontaktu
col-lang = Język
col-changed = Zmieniony
confirm-template-delete = Usunąć szablon „{ $name }”? Szablonu używanego przez etap procesu nie można usunąć.
field-subject = Temat
field-body = Treść
field-promise-note = Treść zobowiązania do spłaty
sms-only = tylko SMS
email-only = tylko e-mail
reason-arrears = w sprawie zaległości
reason-upcoming = w sprawie nadchodzących płatności
reason-other = inna
template-code-help = Kod, który wpisuje się w etapie procesu.
template-body-help = Znaczniki w nawiasach ostrych, np. <dluznik>, zostaną zastąpione danymi dłużnika.
template-note-help = Wstawiana za <dopisek_zobowiazania>, tylko gdy dłużnik obiecał zapłatę; może zawierać <data_zobowiazania>.
template-palette = Znaczniki
template-palette-help = Kliknij znacznik, aby wstawić go w miejscu kursora.
template-preview = Podgląd
template-preview-title = Podgląd na przykładowych danych
template-preview-empty = Wpisz treść, aby zobaczyć podgląd.
template-max-parts-invalid = liczba części SMS musi być liczbą od 1 do 6
template-code-invalid = kod: od 1 do 64 znaków — litery, cyfry, „-”, „_” i „.”
template-sms-changed = Zapisano z zamianą znaków, których nie ma w alfabecie SMS: { $changes }.
notice-template-saved = Zapisano szablon.
notice-template-deleted = Usunięto szablon.
sms-length = Długość
sms-chars = { $count ->
    [one] { $count } znak
    [few] { $count } znaki
   *[many] { $count } znaków
}
sms-parts = { $count ->
    [one] { $count } część
    [few] { $count } części
   *[many] { $count } części
}
sms-fits = Mieści się w limicie części
sms-too-long = nie — za długi
sms-replaced = Zastąpione znaki
sms-length-note = Nazwy i kwoty różnią się między dłużnikami, więc długość jest przybliżona.
yes = tak

## Ustawienia
settings-collection = Windykacja
settings-test-mode = Tryb testowy: nic nie jest wysyłane do dłużników
settings-test-mode-help = W trybie testowym procesy działają w całości, ale kanały tylko zapisują, co by wysłały.
settings-admin-only = Zmienia to tylko administrator.
settings-freshness = Limit świeżości danych (godziny)
settings-freshness-help = Gdy agent nie synchronizował dłużej, wszystkie działania czekają.
settings-hours-invalid = limit świeżości danych: wpisz liczbę godzin od 1 do 720
settings-paused-channels = Kanały wstrzymane przez dostawcę
settings-no-paused = Wszystkie kanały działają.
settings-resume = Wznów
settings-channels = Kanały i pisma
settings-creditor = Dane wierzyciela
settings-sms-sender = Nazwa nadawcy SMS
settings-sms-sender-help = Do 11 znaków, z literą; musi być zarejestrowana w panelu SMSAPI. Puste: nazwa usługi.
sms-check-title = Połączenie z bramką SMS
sms-check-help = Sprawdza, czy SMSAPI przyjmuje token usługi i ile punktów zostało na koncie.
sms-check-button = Sprawdź połączenie z SMSAPI
sms-check-none = Ta instalacja nie ma skonfigurowanej bramki SMS: wiadomości SMS są tylko zapisywane (tryb testowy).
sms-check-ok = Połączenie działa: konto { $account }, zostało { $points } pkt.
sms-check-failed = SMSAPI nie przyjęło połączenia: { $reason }
sms-check-sender-own = SMS-y firmy wychodzą jako „{ $sender }”.
sms-check-sender-service = SMS-y firmy wychodzą pod nazwą nadawcy usługi.
settings-fix-fields = Popraw zaznaczone pole: opis błędu jest pod nim.
settings-creditor-help = Drukowane w pismach i dostępne w szablonach; pisma wymagają kompletu danych.
settings-street = Ulica i numer
settings-postcode-city = Kod pocztowy i miejscowość
settings-bank-account = Numer rachunku
settings-bank-help = NRB (26 cyfr) lub IBAN; sprawdzana jest suma kontrolna.
settings-contact = Kontakt w pismach (telefon, e-mail)
settings-reply-to = Odpowiedzi na e-maile do
settings-report-to = Raport z wysyłki do (adresy po przecinku)
settings-bcc = Ukryte kopie e-maili według etapu
settings-bcc-help = Jeden wiersz na etap: „KOD_ETAPU: adres, adres”.
settings-letters = Pisma
settings-letter-place = Miejscowość wystawienia
settings-letter-category = Kategoria listu poleconego
letter-priority = priorytetowy
letter-economy = ekonomiczny
settings-return-receipt = Za potwierdzeniem odbioru
settings-deadlines = Terminy
settings-deadline-days = Termin zapłaty w wezwaniach (dni)
settings-task-assignee = Zadania przydziel
settings-task-days = Czas na zadanie (dni)
settings-exclusions = Wykluczenia
settings-exclusions-help = Dłużnicy i dokumenty, których system nie windykuje (oprócz wykluczeń oznaczonych w ERP).
settings-no-exclusions = Brak wykluczeń.
settings-exclusion-value = Wartość
settings-exclusion-amount = Kwota (zł)
settings-exclusion-add = Dodaj wykluczenie
settings-by = Kto
exclusion-debtor-external-id = kontrahent (kod w ERP)
exclusion-nip = NIP
exclusion-document-number-prefix = numer dokumentu zaczyna się od
exclusion-min-remaining = do zapłaty mniej niż
confirm-exclusion-delete = Usunąć wykluczenie? Windykacja obejmie te dokumenty przy najbliższym cyklu.
notice-settings-saved = Zapisano ustawienia kanałów.
notice-collection-saved = Zapisano ustawienia windykacji.
notice-channel-resumed = Kanał wznowiony.
notice-exclusion-added = Dodano wykluczenie.
notice-exclusion-deleted = Usunięto wykluczenie.

## Pisma i książki nadawcze
letters-posting-day = Dzień nadania
letters-show-day = Pokaż książkę nadawczą
letters-all = Wszystkie pisma
letters-book-title = Książka nadawcza z { $date }
letters-book-empty = Tego dnia nie nadano listów poleconych.
letters-book-pdf = Książka nadawcza (PDF)
letters-book-csv = Książka nadawcza (CSV)
letters-tracking-help = Wpisz numery nadania z potwierdzenia pocztowego i zapisz je razem; trafią do historii i do ERP.
letters-tracking-save = Zapisz numery nadania
notice-tracking-saved = Zapisano numery nadania.
history-csv = Eksportuj do CSV (z filtrami)
history-since = Od dnia
history-until = Do dnia
history-bad-day = Podaj dzień w postaci dd.mm.rrrr.
history-period-reversed = Początek okresu jest po jego końcu.
history-of-debtor = Historia dłużnika { $name }
history-all-debtors = Pokaż wszystkich dłużników
debtor-whole-history = Cała historia dłużnika

## Działania na dokumentach dłużnika
col-choose = Wybierz
choose-document = Wybierz dokument { $number }
run-title = Wykonaj etap teraz
run-no-process = Do dłużnika nie stosuje się żaden proces, więc nie ma etapu do wykonania.
field-stage = Etap
run-submit = Wykonaj teraz dla zaznaczonych
run-help = Termin etapu jest pomijany; zgody, status prawny, wstrzymania i tryb testowy obowiązują jak zawsze.
run-no-documents = Zaznacz co najmniej jeden otwarty dokument.
run-no-stage = Wybierz etap.
stage-offset-on = w dniu terminu
stage-offset-before = { $count ->
    [one] { $count } dzień przed terminem
   *[other] { $count } dni przed terminem
}
stage-offset-after = { $count ->
    [one] { $count } dzień po terminie
   *[other] { $count } dni po terminie
}
notice-stage-run = Etap wykonany; wynik jest w historii poniżej.
notice-stage-run-nothing = Nic nie wysłano: etap nie dotyczy zaznaczonych dokumentów (powód w historii poniżej).
handoff-title = Przekaż do kancelarii
handoff-no-partner = Firma nie współpracuje jeszcze z żadną kancelarią.
field-partner = Kancelaria
handoff-to = Zaznaczone dokumenty trafią do kancelarii { $name }.
field-note-for-partner = Uwagi dla kancelarii
handoff-submit = Przekaż zaznaczone
debtor-tasks-empty = Brak zadań dla tego dłużnika.
debtor-cases-empty = Dłużnik nie ma spraw w kancelarii.

## Sprawy w kancelarii
cases-empty = Brak spraw. Sprawę zakłada etap procesu „przekazanie do kancelarii” albo przycisk na stronie dłużnika.
col-partner = Kancelaria
col-documents = Dokumenty
col-handed-off = Przekazano
case-handed-off = nowa
case-accepted = przyjęta
case-rejected = odrzucona
case-in-court = w sądzie
case-settlement = ugoda
case-paid = zapłacona
case-closed = zamknięta
case-partner = kancelaria { $name }
case-debtor-page = strona dłużnika
case-debtor-title = Dłużnik w chwili przekazania
case-frozen-help = Kancelaria pracuje na danych z chwili przekazania; późniejsze zmiany w ERP ich nie zmieniają.
case-events-title = Przebieg sprawy
party-client = Twoja firma
party-partner = kancelaria
party-engine = proces windykacji
case-event-opened = Przekazano sprawę
case-event-status = Zmiana stanu
case-note-label = Notatka dla kancelarii
case-note-submit = Dodaj notatkę
case-documents-title = Przekazane dokumenty
case-history-title = Działania przed przekazaniem
case-history-empty = Przed przekazaniem nie było działań.
notice-case-opened = Przekazano sprawę kancelarii.
notice-case-existing = Te dokumenty są już w otwartej sprawie; oto ona.
notice-case-note-added = Dodano notatkę; kancelaria ją widzi.

## Administracja: tokeny, dziennik zmian
agent-rotate = Nowy token
agent-reinstate = Przywróć z nowym tokenem
confirm-agent-rotate = Wydać nowy token agentowi „{ $name }”? Stary przestanie działać od razu; agent zachowa swoją tożsamość i numerację paczek.
agent-token-rotated = Nowy token agenta „{ $name }” — wklej go w ustawieniach agenta (agent.toml) i uruchom go ponownie:
agent-rotate-help = Nowy token przydaje się, gdy stary mógł wyciec albo komputer z agentem zmieniono: agent zachowuje swoje dane i kontynuuje synchronizację tam, gdzie skończył.
notice-agent-rotated = Wydano nowy token agenta; poprzedni już nie działa.
tokens-title = Tokeny API
tokens-help = Dla programów korzystających z API (/api/v1): każdy token ma rolę jak użytkownik. Sekret widać tylko raz, przy utworzeniu.
tokens-empty = Brak tokenów API.
col-created = Utworzono
token-revoked = odwołany
confirm-token-revoke = Odwołać token „{ $name }”? Programy, które go używają, stracą dostęp.
token-add-title = Nowy token API
field-token-name = Do czego służy
token-add = Utwórz token
token-once = Token API „{ $name }” — skopiuj go teraz:
notice-token-added = Utworzono token API.
notice-token-revoked = Odwołano token API.
audit-title = Dziennik zmian
audit-help = Kto, kiedy i co zmienił: procesy, szablony, ustawienia, wykluczenia, użytkownicy, agenci i tokeny — ze stanem przed i po zmianie.
audit-area = Obszar
audit-area-process = procesy
audit-area-template = szablony
audit-area-settings = ustawienia kanałów
audit-area-collection = ustawienia windykacji
audit-area-exclusion = wykluczenia
audit-area-debtor = dłużnicy
audit-area-case = sprawy w kancelarii
audit-area-user = użytkownicy
audit-area-agent = agenci
audit-area-token = tokeny API
audit-area-session = logowania
audit-empty = Brak wpisów.
audit-who = Kto
audit-what = Zmiana
audit-target = Czego dotyczy
audit-before-after = Przed i po
audit-before = Przed
audit-after = Po
audit-nothing = (nie było)
audit-actor-token = token API „{ $name }”
audit-actor-cli = operator (wiersz poleceń)
audit-actor-engine = proces windykacji
audit-action-process-put = zapis procesu
audit-action-process-delete = usunięcie procesu
audit-action-process-default = proces domyślny
audit-action-process-rules = reguły grup
audit-action-template-put = zapis szablonu
audit-action-template-delete = usunięcie szablonu
audit-action-channel-settings-put = ustawienia kanałów
audit-action-collection-settings = ustawienia windykacji
audit-action-collection-resume-channel = wznowienie kanału
audit-action-exclusion-create = dodanie wykluczenia
audit-action-exclusion-delete = usunięcie wykluczenia
audit-action-debtor-pause = wstrzymanie dłużnika
audit-action-debtor-pause-lift = koniec wstrzymania
audit-action-debtor-collection = zmiana windykacji dłużnika
audit-action-actions-on-demand = etap wykonany ręcznie
audit-action-consent-set = zgoda na kontakt
audit-action-user-add = dodanie użytkownika
audit-action-user-role = zmiana roli
audit-action-user-password-reset = nowe hasło
audit-action-user-password-change = zmiana własnego hasła
audit-action-agent-create = dodanie agenta
audit-action-agent-revoke = odwołanie agenta
audit-action-agent-rotate = nowy token agenta
audit-action-api-token-create = nowy token API
audit-action-api-token-revoke = odwołanie tokenu API
audit-action-case-mail-update = ustawienia powiadomień e-mail
audit-area-case-mail = powiadomienia e-mail
case-mail-title = Powiadomienia e-mail
case-mail-partner-help = Zestawienie nowych spraw od wierzycieli: jedna wiadomość z listą spraw przekazanych od poprzedniego zestawienia, wysyłana tylko wtedy, gdy są nowe.
case-mail-client-help = Wiadomość, gdy kancelaria zmieni stan sprawy albo zapisze wpłatę z ugody. Zmiany z tej samej minuty przychodzą w jednej wiadomości.
field-digest = Zestawienie nowych spraw
digest-daily = codziennie
digest-weekly = raz w tygodniu (w poniedziałek)
digest-off = nie wysyłaj
field-digest-hour = Nie wcześniej niż o godzinie
field-status-mail = Wysyłaj wiadomość o zmianach w sprawach
field-recipients = Adresaci (jeden adres w wierszu)
recipients-help-partner = Puste pole: wszyscy aktywni administratorzy kancelarii i prawnicy, każdy w języku wybranym w portalu.
recipients-help-client = Puste pole: wszyscy aktywni administratorzy i redaktorzy, każdy w języku wybranym w portalu.
case-mail-save = Zapisz powiadomienia
notice-case-mail-saved = Zapisano ustawienia powiadomień e-mail.
audit-action-session-login = logowanie
audit-action-session-login-failed = nieudane logowanie
audit-action-case-open = przekazanie sprawy
audit-action-case-received = sprawa otrzymana
audit-action-user-disable = zablokowanie użytkownika
audit-action-user-enable = odblokowanie użytkownika
task-due-on = termin { $date }

nav-stats = Statystyki
stats-period = Okres
stats-months = { $count ->
    [one] ostatni miesiąc
    [few] ostatnie { $count } miesiące
   *[many] ostatnich { $count } miesięcy
}
stats-as-of = Stan na { $date }.
stats-read-at = Dane odczytane { $time }; odświeżane co kilka minut.
stats-empty = Brak dokumentów do policzenia: statystyki pojawią się, gdy agent prześle dokumenty, a dłużnicy zaczną płacić.
stats-currency = Należności w { $currency }
stats-days = { $count ->
    [one] { $text } dzień
    [few] { $text } dni
    [many] { $text } dni
   *[other] { $text } dnia
}
stats-dso-countback = DSO (metoda wsteczna)
stats-dso-countback-help = Ile dni sprzedaży czeka na zapłatę: należności „zjadają” sprzedaż miesiąc po miesiącu od końca.
stats-dso-simple = DSO (proste)
stats-dso-simple-help = Należności na koniec miesiąca ÷ sprzedaż miesiąca × liczba dni.
stats-best-dso = Najlepsze możliwe DSO
stats-best-dso-help = DSO, gdyby nikt nie zalegał: tylko należności przed terminem.
stats-add = Średnie opóźnienie (ADD)
stats-add-help = DSO minus najlepsze możliwe DSO: dni, o które zaległości wydłużają czekanie na pieniądze.
stats-cei = Skuteczność windykacji (CEI)
stats-cei-help = Jaką część tego, co można było odzyskać w miesiącu, odzyskano (100% = wszystko).
stats-days-to-pay = Ważony czas zapłaty
stats-days-to-pay-help = Dni od wystawienia do zapłaty, ważone kwotami wpłat w miesiącu.
stats-days-late = Ważone dni po terminie
stats-days-late-help = Dni od terminu do zapłaty (0 gdy w terminie), ważone kwotami wpłat w miesiącu.
stats-trend-title = DSO miesiąc po miesiącu
stats-months-title = Miesiące
stats-month = Miesiąc
stats-sales = Sprzedaż
stats-owed = Należności na koniec
stats-overdue = W tym po terminie
stats-slowest-title = Najwolniej płacący dłużnicy
stats-slowest-empty = Żaden dłużnik nie zapłacił po terminie w tym okresie.
stats-paid = Opłacone dokumenty
stats-avg-late = Średnio po terminie
stats-weighted-late = Ważone kwotą
stats-share-late = Udział po terminie
stats-trend = Ostatnie 6 miesięcy
stats-trend-later = później o { $count ->
    [one] { $text } dzień
    [few] { $text } dni
    [many] { $text } dni
   *[other] { $text } dnia
}
stats-trend-earlier = wcześniej o { $count ->
    [one] { $text } dzień
    [few] { $text } dni
    [many] { $text } dni
   *[other] { $text } dnia
}
stats-stages-title = Skuteczność etapów
stats-stages-empty = Żaden etap procesu nie dotarł jeszcze do dokumentów w tej walucie.
stats-stages-help = Dokumenty otwarte w dniu, w którym etap do nich dotarł, i to, co stało się w ciągu 7 i 14 dni; obok ta sama miara dla pozostałych otwartych dokumentów tych samych dłużników, do których etap nie dotarł.
stats-stage = Etap (proces/etap)
stats-stage-reached = Dokumenty
stats-stage-paid-7 = Zapłacone w 7 dni
stats-stage-paid-14 = Zapłacone w 14 dni
stats-stage-settled-14 = Wpłacono w 14 dni
stats-stage-others-14 = Pozostałe: zapłacone w 14 dni
market-title = Porównanie z rynkiem
market-help = Średnio dni po terminie dokumentów Twojej firmy wobec innych firm, dla dłużników z tych samych sekcji PKD i faktur podobnej wielkości: terminy { $recent } wobec { $before }; dokument liczy się po { $horizon } dniach od terminu i najwyżej tyle dni po terminie. Dane innych firm są zanonimizowane: pokazujemy tylko grupy co najmniej 5 firm i 50 dokumentów.
market-verdict-stable = Bez zmian: dłużnicy Twojej firmy płacą jak wcześniej.
market-verdict-improved = Poprawa: dłużnicy Twojej firmy płacą szybciej niż wcześniej.
market-verdict-sector = Jak w branżach Twoich dłużników: opóźnienia wzrosły, ale u innych firm w tych samych branżach o tyle samo. To sytuacja branży, nie procesu Twojej firmy.
market-verdict-own = Gorzej niż w branżach Twoich dłużników: opóźnienia wzrosły bardziej, niż pokazuje rynek. Warto przyjrzeć się procesowi windykacji.
market-verdict-unknown = Za mało danych, by porównać: potrzeba co najmniej 20 dokumentów firmy w każdym okresie i grup rynku, z którymi można je zestawić.
market-none = Firma nie ma jeszcze dokumentów w złotych w porównywanych okresach.
market-own = Twoja firma
market-market = Rynek dla Twoich dłużników
market-before = 12 miesięcy wcześniej
market-recent = Ostatnie 6 miesięcy
market-change = Zmiana
market-sectors-title = Sekcje PKD Twoich dłużników
market-sector = Sekcja PKD
market-sector-none = bez sekcji
market-docs = Dokumenty (6 mies.)
market-own-change = Zmiana u Ciebie
market-market-change = Zmiana na rynku
market-cells-title = Rynek: pokazane grupy
market-size = Faktury
market-size-small = do 5 000 zł
market-size-medium = do 50 000 zł
market-size-large = ponad 50 000 zł
market-size-all = wszystkie
market-all = cały rynek
market-firms = Firmy
market-computed = Policzone { $time }; liczone co godzinę.
market-sector-help = Sekcja PKD dłużnika pochodzi z rejestru REGON (według przeważającej działalności); na stronie dłużnika można wybrać inną.
pkd-a = Rolnictwo, leśnictwo, łowiectwo i rybactwo
pkd-b = Górnictwo i wydobywanie
pkd-c = Przetwórstwo przemysłowe
pkd-d = Energia elektryczna, gaz, para wodna
pkd-e = Woda, ścieki i odpady
pkd-f = Budownictwo
pkd-g = Handel; naprawa pojazdów samochodowych
pkd-h = Transport i gospodarka magazynowa
pkd-i = Zakwaterowanie i gastronomia
pkd-j = Informacja i komunikacja
pkd-k = Finanse i ubezpieczenia
pkd-l = Obsługa rynku nieruchomości
pkd-m = Działalność profesjonalna, naukowa i techniczna
pkd-n = Administrowanie i działalność wspierająca
pkd-o = Administracja publiczna i obrona narodowa
pkd-p = Edukacja
pkd-q = Opieka zdrowotna i pomoc społeczna
pkd-r = Kultura, rozrywka i rekreacja
pkd-s = Pozostała działalność usługowa
pkd-t = Gospodarstwa domowe zatrudniające pracowników
pkd-u = Organizacje eksterytorialne
market-sector-unknown = nieznana
market-sector-register = { $section } z rejestru REGON (PKD { $pkd })
notice-sector-saved = Zapisano sekcję PKD dłużnika; porównanie z rynkiem uwzględni ją przy najbliższym przeliczeniu (co godzinę).
stats-note = Liczone z dokumentów, które agent przesłał, i wpłat zaobserwowanych w nich od tego czasu; faktury opłacone, zanim Inkaso zaczęło działać, nie są znane, więc DSO z pierwszych miesięcy bywa zaniżone. Waluty liczone osobno.
behaviour-title = Zachowanie płatnicze
behaviour-empty = Dłużnik nie zapłacił jeszcze żadnego dokumentu, który znamy: przewidywania opierają się na wszystkich dłużnikach firmy.
col-currency = Waluta
predict-title = Przewidywana zapłata
predict-range = najpewniej między { $from } a { $to }
predict-reason-debtor = Dłużnik płaci średnio { $days } po terminie ({ $count ->
    [one] { $count } opłacony dokument
    [few] { $count } opłacone dokumenty
   *[many] { $count } opłaconych dokumentów
})
predict-reason-firm = Dłużnik ma mało wpłat ({ $count }); według wszystkich dłużników firmy, którzy płacą średnio { $days } po terminie
predict-reason-none = Firma nie ma jeszcze żadnych wpłat w historii: termin płatności, z szerokim przedziałem
predict-habit-month-end = , zwykle pod koniec miesiąca
predict-habit-mon = , zwykle w poniedziałki
predict-habit-tue = , zwykle we wtorki
predict-habit-wed = , zwykle w środy
predict-habit-thu = , zwykle w czwartki
predict-habit-fri = , zwykle w piątki
predict-habit-sat = , zwykle w soboty
predict-habit-sun = , zwykle w niedziele
predict-beyond = ; zalega już dłużej niż kiedykolwiek wcześniej, więc przedział jest orientacyjny

## The law firm's portal (Kancelaria)
nav-partner-cases = Sprawy
nav-partner-creditors = Wierzyciele
partner-role-admin = administrator kancelarii
partner-role-editor = prawnik
partner-role-viewer = asystent (podgląd)
partner-party-client = wierzyciel
partner-party-partner = Twoja kancelaria
partner-party-engine = proces windykacji wierzyciela
partner-inbox-title = Sprawy przekazane kancelarii
partner-tabs-label = Sprawy według stanu
partner-search = Szukaj
partner-search-hint = dłużnik, NIP lub numer dokumentu
partner-col-creditor = Wierzyciel
partner-col-case = Sprawa
partner-col-debtor-key = Klucz dłużnika w ERP
partner-col-currency = Waluta
partner-col-open = Sprawy w toku
partner-col-all = Wszystkie sprawy
partner-age = Przekazana
partner-age-30 = w ostatnich 30 dniach
partner-age-90 = 31–90 dni temu
partner-age-older = ponad 90 dni temu
partner-min = Kwota od (zł)
partner-max = do (zł)
partner-csv = Pobierz CSV
partner-inbox-empty = Brak spraw spełniających warunki. Nowe sprawy pojawiają się tu, gdy wierzyciel przekaże dłużnika kancelarii.
partner-creditors-empty = Żaden wierzyciel nie współpracuje jeszcze z kancelarią.
partner-days-ago = { $count ->
    [0] dziś
    [one] { $count } dzień temu
   *[other] { $count } dni temu
}
case-creditor = wierzyciel { $name }
partner-note-label = Notatka dla wierzyciela
partner-change-title = Decyzja i stan sprawy
partner-change-to = Nowy stan
partner-accept = przyjmij sprawę
partner-reject = odrzuć sprawę
partner-change-note = Uzasadnienie lub notatka
partner-change-help = Przy odrzuceniu podaj powód. Wierzyciel widzi zmianę od razu, a jego system ERP dostaje ją w wynikach.
partner-change-submit = Zapisz
notice-case-changed = Zapisano stan sprawy; wierzyciel już go widzi.
notice-partner-note-added = Dodano notatkę; wierzyciel ją widzi.
case-col-days-late = Dni po terminie
case-col-interest = Odsetki ustawowe do dziś
case-col-compensation = Rekompensata
case-claim-total = Razem do dochodzenia dziś (pozostało do zapłaty, odsetki, rekompensata)
case-claim-plus-eur = oraz { $eur } EUR rekompensaty (wierzyciel nie podał kursu EUR w ustawieniach pism)
case-interest-help = Odsetki liczone od dnia po terminie płatności do dziś włącznie, od kwoty pozostałej w chwili przekazania, rok 365 dni: od firm — odsetki ustawowe za opóźnienie w transakcjach handlowych, od osób — odsetki ustawowe za opóźnienie. Rekompensata (40, 70 lub 100 EUR od faktury) tylko w transakcjach handlowych.
case-interest-rate = Ostatnia zastosowana stawka: { $rate }% od { $from }.
case-interest-stale = Tabela stawek wierzyciela może być nieaktualna: najnowsze obwieszczenie dodaje się w jego ustawieniach pism.
nav-partner-team = Zespół
case-event-file = Dodano plik
case-files-title = Pliki sprawy
case-files-empty = Brak plików.
case-file-name = Plik
case-file-size = Rozmiar
case-file-by = Dodał
case-file-label = Dodaj plik (pozew, postanowienie, skan ugody)
case-file-submit = Dodaj plik
case-file-help = PDF, JPG, PNG, DOCX, ODT lub XLSX, najwyżej 10 MB. Wierzyciel widzi plik i może go pobrać.
notice-case-file-added = Dodano plik; wierzyciel może go pobrać.
case-event-payment = Płatność z ugody
partner-payment-title = Płatność z ugody
partner-payment-amount = Kwota (zł)
partner-payment-day = Dzień wpłaty
partner-payment-note = Notatka (np. rata 2 z 5)
partner-payment-submit = Zapisz płatność
partner-payment-help = Wierzyciel widzi płatność od razu, a jego ERP dostaje ją w wynikach jako notatkę sprawy.
notice-case-payment-added = Zapisano płatność; wierzyciel już ją widzi.
settings-inbound = SMS od dłużników: „Saldo” i „STOP”
settings-inbound-help = Dłużnik, który wyśle „Saldo” na numer dwukierunkowy firmy, dostaje w odpowiedzi swoje saldo, najbliższy termin, najstarszy zaległy dokument, numer konta i link do płatności; „STOP” wycofuje zgodę na SMS. Adres dla SMSAPI (Ustawienia → Adresy callback → SMS przychodzące) poda administrator usługi: inkaso-cloud callback-url.
settings-inbound-number = Numer dwukierunkowy firmy
settings-inbound-keyword = Słowo kluczowe (numer wspólny)
settings-inbound-keyword-help = Tylko gdy kilka firm dzieli jeden numer: dłużnik pisze np. „HURT SALDO”.
settings-inbound-limit = Odpowiedzi o saldo na numer dziennie
settings-inbound-link = Link do płatności (https://…)
settings-inbound-reply-pl = Odpowiedź o saldo (po polsku)
settings-inbound-reply-en = Odpowiedź o saldo (po angielsku, na „BALANCE”)
settings-inbound-tags = Puste: tekst jak w podpowiedzi. Znaczniki: <saldo>, <zaleglosc>, <najblizszy_termin>, <najstarszy_dokument>, <rachunek>, <link_platnosci>, <wierzyciel>.
inbound-title = SMS od dłużników
inbound-intro = Wiadomości, które dłużnicy wysłali na numer firmy, i to, co na nie odpowiedzieliśmy. „Saldo” dostaje saldo (z dziennym limitem na numer), „STOP” wycofuje zgodę na SMS; nieznany numer, numer kilku dłużników i dłużnik zmarły dostają odpowiedź, która niczego nie ujawnia.
inbound-empty = Nie ma jeszcze SMS od dłużników. Ustaw numer dwukierunkowy w Ustawieniach (sekcja SMS), a administrator usługi poda adres dla SMSAPI.
inbound-settings-link = Ustawienia odpowiedzi
inbound-latest = Najnowsze wiadomości (do { $count })
col-received = Otrzymano
col-text = Treść
col-command = Rozpoznano
col-outcome = Co zrobiono
col-reply = Odpowiedź
inbound-command-balance = Saldo
inbound-command-stop = STOP
inbound-command-other = Inna wiadomość
inbound-outcome-answered = Podano saldo
inbound-outcome-unknown-number = Nieznany numer: odpowiedź neutralna
inbound-outcome-several-debtors = Numer kilku dłużników: odpowiedź neutralna
inbound-outcome-deceased = Dłużnik zmarły: odpowiedź neutralna
inbound-outcome-limit-reached = Limit dzienny: odmowa
inbound-outcome-limit-silent = Ponad limit: bez odpowiedzi
inbound-outcome-consent-withdrawn = Zgoda na SMS wycofana
inbound-outcome-stop-unknown-number = STOP z nieznanego numeru
inbound-outcome-recorded = Zapisano do przeczytania
inbound-reply-sent = wysłano
inbound-reply-test-mode = tryb testowy: niewysłano
inbound-reply-failed = nie wysłano
inbound-reply-none = —
notifications-title = Powiadomienia
notifications-now = Teraz
notifications-nothing-owed = nic do zapłaty
notifications-empty = Brak powiadomień wysłanych lub zapisanych ręcznie.
col-owed-then = Należności wtedy
owed-arrears = zaległe
owed-future = niewymagalne
owed-overpayment = nadpłata
notification-kind-sms = SMS wysyłany przez system
notification-kind-external-sms = SMS wysłany z telefonu (tylko zapis)
notification-kind-call = Rozmowa telefoniczna (tylko zapis)
notification-promise = Obietnica zapłaty do
notification-promise-help = Jeśli dłużnik obiecał zapłatę: windykacja czeka do tego dnia.
notification-status-unsent = niewysłane
notification-status-sending = wysyłane
notification-status-sent = wysłane
notification-status-failed = nie wysłano
notification-status-recorded = zapisane
settled-fully = rozliczone w całości
settled-partly = rozliczone częściowo
settled-not = nierozliczone
notification-send = Wyślij
notification-delete = Usuń
notification-confirm-delete = Usunąć niewysłane powiadomienie?
notification-new-title = Nowe powiadomienie
notification-text = Treść (SMS) albo przebieg rozmowy
notification-text-help = SMS trafia tylko na numer komórkowy ze zgodą, do dłużnika aktywnego i niewyłączonego; polskie znaki zostaną zastąpione. Rozmowę i SMS wysłany z telefonu tylko zapisujemy. Wysłanych i zapisanych nie można zmienić ani usunąć.
notification-submit-send = Wyślij SMS teraz / zapisz
notification-submit-save = Zapisz bez wysyłania
notice-notification-sent = Wysłano SMS do dłużnika.
notice-notification-failed = Nie udało się wysłać SMS — powód przy powiadomieniu; można spróbować ponownie.
notice-notification-saved = Zapisano powiadomienie; SMS czeka na wysłanie.
notice-notification-recorded = Zapisano kontakt z dłużnikiem.
notice-notification-deleted = Usunięto niewysłane powiadomienie.
nav-notifications = Powiadomienia
notifications-intro = Powiadomienia wysłane i zapisane ręcznie (SMS, SMS z telefonu, rozmowy) oraz wiadomości wysłane przez procesy windykacji (SMS, e-mail, listy, wiadomości głosowe), z tym, ile dłużnik był winien wtedy, i czy po powiadomieniu rozliczył te należności: w całości, częściowo, wcale. Nowe powiadomienie dodasz na stronie dłużnika.
col-source = Źródło
register-source-manual = ręcznie
register-source-automatic = procesy windykacji
register-channel-sms = SMS
register-channel-external-sms = SMS z telefonu
register-channel-call = rozmowa telefoniczna
register-channel-email = e-mail
register-channel-letter = list (PDF)
register-channel-registered-letter = list polecony
register-channel-voice = wiadomość głosowa
notification-status-delivered = doręczone
notification-status-undelivered = niedoręczone
delivery-delivered = doręczone
delivery-undelivered = niedoręczone ({ $status })
register-on-demand = { $process }: wysłane na żądanie
register-of-debtor = Rejestr powiadomień tego dłużnika, także wiadomości z procesów windykacji
register-this-debtor = wybrany dłużnik
register-all-debtors = (pokaż wszystkich dłużników)
register-pdf-title = Rejestr powiadomień
register-pdf = Pobierz PDF
register-pdf-made = Wygenerowano { $at }
register-pdf-count = { $count ->
    [one] { $count } powiadomienie
    [few] { $count } powiadomienia
   *[many] { $count } powiadomień
}
register-pdf-page = Strona { $page } z { $pages }
col-settled-short = Rozliczenie
register-bulk-intro = Działania dotyczą powiadomień wybranych filtrami powyżej (także tych spoza pierwszych 200 wierszy).
register-bulk-send = Wyślij niewysłane SMS ({ $count })
register-bulk-delete = Usuń niewysłane ({ $count })
register-bulk-delete-confirm = { $count ->
    [one] Usunąć { $count } niewysłane powiadomienie?
    [few] Usunąć { $count } niewysłane powiadomienia?
   *[many] Usunąć { $count } niewysłanych powiadomień?
}
register-bulk-check = Sprawdź doręczenie ({ $count })
register-deleted = { $count ->
    [one] Usunięto { $count } niewysłane powiadomienie.
    [few] Usunięto { $count } niewysłane powiadomienia.
   *[many] Usunięto { $count } niewysłanych powiadomień.
}
register-nothing-unsent = Nie ma niewysłanych SMS dla tych filtrów.
register-checked-delivered = Sprawdzono doręczenie. Doręczone: { $count }
register-checked-undelivered = niedoręczone: { $count }
register-checked-pending = jeszcze w drodze: { $count }
register-checked-unknown = nieznane SMSAPI: { $count }
batch-from-register = niewysłane z rejestru powiadomień
batch-stalled = Wysyłka nie postępuje od kilku minut (serwer mógł zostać uruchomiony ponownie): możesz ją wznowić.
notifications-register-empty = Brak powiadomień dla tych filtrów. Nowe powiadomienie dodasz na stronie dłużnika (sekcja Powiadomienia).
col-settled = Rozliczenie po powiadomieniu
col-author = Autor
notifications-inbound-hint = „Saldo”, „STOP” i inne wiadomości, które dłużnicy wysłali na numer firmy, z naszymi odpowiedziami
consent-source-sms = SMS „STOP” od dłużnika, wiadomość { $id }
settings-sms-part-price = Cena części SMS (zł)
settings-sms-part-price-help = Z cennika SMSAPI firmy, np. 0,16; służy do wyliczenia kosztu wysyłki masowej przed jej zatwierdzeniem.
mass-title = Wysyłka masowa SMS
mass-intro = Wybierz należności i szablon, sprawdź podgląd — kto dostanie jaki SMS, ile części i za ile, kogo pominiemy i dlaczego — i zatwierdź. Zgody, status prawny i wyłączenia sprawdzamy jeszcze raz przy wysyłce każdej wiadomości.
mass-open = Wysyłka masowa →
mass-step-choose = 1. Wybierz należności i szablon
mass-step-preview = 2. Podgląd
mass-overdue = Zaległe od (dni, najwyżej)
mass-upcoming = Wymagalne w ciągu (dni)
mass-min = Kwota od (zł)
mass-max = Kwota do (zł)
mass-tags = Grupy dłużników (znaczniki)
mass-tags-help = Po przecinku; puste: wszyscy dłużnicy.
mass-quiet = Pomiń powiadomionych w ciągu (dni)
mass-template = Szablon SMS
mass-template-choose = — wybierz —
mass-no-templates = Brak szablonów SMS: dodaj szablon w zakładce Szablony.
mass-preview = Pokaż podgląd
mass-count = { $count ->
    [one] { $count } dłużnik dostanie SMS
    [few] { $count } dłużników dostanie SMS
   *[many] { $count } dłużników dostanie SMS
}
mass-parts = { $count ->
    [one] { $count } część SMS
    [few] { $count } części SMS
   *[many] { $count } części SMS
}
mass-cost = koszt
mass-cost-unknown = koszt nieznany (ustaw cenę części SMS w Ustawieniach)
mass-skipped-count = { $count ->
    [one] { $count } pominięty
    [few] { $count } pominiętych
   *[many] { $count } pominiętych
}
mass-confirm = { $count ->
    [one] Utwórz i wyślij { $count } SMS
   *[other] Utwórz i wyślij { $count } SMS
}
mass-confirm-help = Powtórne kliknięcie niczego nie wyśle drugi raz.
mass-col-parts = Części
mass-col-why = Dlaczego pominięty
mass-skipped = Pominięci
mass-skip-deceased = dłużnik zmarły
mass-skip-bankrupt = dłużnik w upadłości
mass-skip-excluded = wyłączony z windykacji
mass-skip-no-mobile = brak numeru komórkowego
mass-skip-no-consent = brak zgody na SMS
mass-skip-recently-notified = powiadomiony w ostatnich dniach
mass-skip-too-long = SMS za długi dla szablonu
mass-not-a-number = „{ $text }” to nie liczba
batch-title = Wysyłka masowa
batch-state-created = Utworzona, czeka na wysyłkę
batch-state-sending = Wysyłanie…
batch-state-aborted = Przerwana — pozostałe wiadomości nie zostały wysłane
batch-state-done = Zakończona
batch-stopping = zatrzymujemy przed następną wiadomością
batch-sent = wysłane
batch-failed = nieudane
batch-unsent = do wysłania
batch-total = razem
batch-abort = Przerwij wysyłkę
batch-resume = Wyślij pozostałe
batch-register = Rejestr powiadomień
consent-record = Zapisz zgodę lub jej wycofanie
consent-number = Numer, na który udzielono zgody (SMS, opcjonalnie)
consent-number-help = Sprawdzamy, czy to numer dłużnika: dłużnik może mieć zgodę tylko na jeden numer komórkowy.
consent-source = Źródło (skąd wiemy)
consent-source-hint = np. rozmowa telefoniczna 07.12, formularz, umowa
consent-basis = Podstawa prawna
consent-basis-consent = zgoda (art. 6 ust. 1 lit. a RODO)
consent-basis-contract = wykonanie umowy (art. 6 ust. 1 lit. b RODO)
consent-basis-interest = prawnie uzasadniony interes (art. 6 ust. 1 lit. f RODO)
consent-history = Historia zgód
notice-consent-saved = Zapisano zgodę.
